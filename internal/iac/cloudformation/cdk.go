package cloudformation

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

// A cloud assembly (cdk.out) is what `cdk synth` writes: manifest.json
// lists artifacts, each stack (type aws:cloudformation:stack) with its
// template file, stack name and environment
// ("aws://123456789012/eu-west-1", or unknown-account/unknown-region for
// an environment-agnostic stack), and each stage as a nested assembly
// (type cdk:cloud-assembly) in a directory of its own.

type manifest struct {
	Version   string               `json:"version"`
	Artifacts map[string]*artifact `json:"artifacts"`
}

type artifact struct {
	Type        string `json:"type"`
	Environment string `json:"environment"`
	DisplayName string `json:"displayName"`
	Properties  struct {
		TemplateFile  string `json:"templateFile"`
		StackName     string `json:"stackName"`
		DirectoryName string `json:"directoryName"`
	} `json:"properties"`
}

// maxAssemblyDepth bounds nested assemblies (stages in stages).
const maxAssemblyDepth = 8

// loadCloudAssembly loads every stack template of the assembly in dir and
// its nested assemblies.
func loadCloudAssembly(dir string, o LoadOptions) ([]*iac.Source, []string, error) {
	var out []*iac.Source
	var params []string
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		mf := filepath.Join(dir, "manifest.json")
		data, err := os.ReadFile(mf)
		if err != nil {
			return &iac.InputError{File: dir, Err: fmt.Errorf("not a cloud assembly (cdk.out): %w", err)}
		}
		var m manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return jsonError(mf, data, err)
		}
		if m.Artifacts == nil {
			return &iac.InputError{File: mf, Err: fmt.Errorf("not a cloud assembly manifest: no artifacts")}
		}
		ids := make([]string, 0, len(m.Artifacts))
		for id := range m.Artifacts {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			a := m.Artifacts[id]
			switch a.Type {
			case "aws:cloudformation:stack":
				if a.Properties.TemplateFile == "" {
					return &iac.InputError{File: mf, Err: fmt.Errorf("artifacts.%s: stack without properties.templateFile", id)}
				}
				file := filepath.Join(dir, filepath.FromSlash(a.Properties.TemplateFile))
				tdata, err := os.ReadFile(file)
				if err != nil {
					return &iac.InputError{File: mf, Err: fmt.Errorf("artifacts.%s: %w", id, err)}
				}
				so := o
				so.StackName = a.Properties.StackName
				if so.StackName == "" {
					so.StackName = id
				}
				if acct, region, ok := environment(a.Environment); ok {
					if so.AccountID == "" {
						so.AccountID = acct
					}
					if so.Region == "" {
						so.Region = region
					}
				}
				src, t, err := loadTemplate(file, tdata, iac.FormatCDK, so.StackName+"/", so)
				if err != nil {
					return err
				}
				out = append(out, src)
				params = append(params, t.Parameters...)
			case "cdk:cloud-assembly":
				if depth >= maxAssemblyDepth {
					return &iac.InputError{File: mf, Err: fmt.Errorf("artifacts.%s: nested assemblies deeper than %d", id, maxAssemblyDepth)}
				}
				sub := a.Properties.DirectoryName
				if sub == "" || strings.Contains(sub, "..") {
					return &iac.InputError{File: mf, Err: fmt.Errorf("artifacts.%s: nested assembly without a directoryName inside the assembly", id)}
				}
				if err := walk(filepath.Join(dir, filepath.FromSlash(sub)), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(dir, 0); err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, nil, &iac.InputError{File: dir, Err: fmt.Errorf("the cloud assembly has no stack (artifact of type aws:cloudformation:stack)")}
	}
	return out, params, nil
}

// environment reads "aws://account/region"; false for an
// environment-agnostic stack.
func environment(env string) (account, region string, ok bool) {
	rest, found := strings.CutPrefix(env, "aws://")
	if !found {
		return "", "", false
	}
	account, region, _ = strings.Cut(rest, "/")
	if account == "unknown-account" || region == "unknown-region" || account == "" || region == "" {
		return "", "", false
	}
	return account, region, true
}

// jsonError positions a JSON decoding error.
func jsonError(file string, data []byte, err error) error {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return &iac.InputError{File: file, Err: err}
	}
	if off > 0 {
		off-- // the offset is past the character at fault
	}
	line, col := iac.LineCol(data, off)
	return &iac.InputError{File: file, Line: line, Column: col, Err: fmt.Errorf("not valid JSON: %w", err)}
}
