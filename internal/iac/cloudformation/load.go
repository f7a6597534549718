package cloudformation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/yamlpos"
)

// LoadOptions are Options plus the time of the assessment.
type LoadOptions struct {
	Options
	// Now is when the snapshot is taken (resources are created "now").
	Now time.Time
}

// Load reads path: a template (.json, .yaml, .yml, .template) or a
// cdk.out directory (a directory with a manifest.json), one Source per
// template. Every parameter given must exist in one of the templates
// read.
func Load(path string, o LoadOptions) ([]*iac.Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &iac.InputError{File: path, Err: err}
	}
	var out []*iac.Source
	var params []string
	if st.IsDir() {
		if out, params, err = loadCloudAssembly(path, o); err != nil {
			return nil, err
		}
	} else {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &iac.InputError{File: path, Err: err}
		}
		src, t, err := loadTemplate(path, data, iac.FormatCloudFormation, "", o)
		if err != nil {
			return nil, err
		}
		out, params = []*iac.Source{src}, t.Parameters
	}
	have := map[string]bool{}
	for _, p := range params {
		have[p] = true
	}
	for k := range o.Parameters {
		if !have[k] {
			return nil, &iac.InputError{File: path, Err: fmt.Errorf("--parameter %s: no template read has a parameter %s", k, k)}
		}
	}
	return out, nil
}

// Loader is an iac.Loader for one template file.
func Loader(o LoadOptions) iac.Loader {
	return iac.LoaderFunc(func(path string, data []byte) (*iac.Source, error) {
		src, _, err := loadTemplate(path, data, iac.FormatCloudFormation, "", o)
		return src, err
	})
}

// loadTemplate parses, resolves and maps one template; address prefixes
// its logical IDs.
func loadTemplate(path string, data []byte, format, address string, o LoadOptions) (*iac.Source, *Template, error) {
	t, e, err := parse(path, data, o.Options)
	if err != nil {
		return nil, nil, inputError(err)
	}
	return build(t, e, format, path, address, o.Now), t, nil
}

// inputError turns the positioned errors of a template into the iac
// package's InputError, which the CLI reports as bad input.
func inputError(err error) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		var ye *yamlpos.Error
		if errors.As(e, &ye) {
			msg := ye.Msg
			if ye.Path != "" {
				msg = ye.Path + ": " + msg
			}
			out = append(out, &iac.InputError{File: ye.File, Line: ye.Line, Column: ye.Col, Err: errors.New(msg)})
			continue
		}
		out = append(out, e)
	}
	if len(out) == 1 {
		return out[0]
	}
	return errors.Join(out...)
}

// Detect reports whether data (read from path) is a CloudFormation
// template rather than a Terraform plan: a JSON or YAML mapping with a
// Resources section or an AWSTemplateFormatVersion, and no plan's
// format_version. A directory is a cloud assembly when it has a
// manifest.json.
func Detect(path string, data []byte) bool {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		_, err := os.Stat(filepath.Join(path, "manifest.json"))
		return err == nil
	}
	trim := bytes.TrimSpace(data)
	if bytes.HasPrefix(trim, []byte("{")) {
		var top map[string]json.RawMessage
		if json.Unmarshal(trim, &top) != nil {
			return false
		}
		_, res := top["Resources"]
		_, ver := top["AWSTemplateFormatVersion"]
		_, plan := top["format_version"]
		return (res || ver) && !plan
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".yaml" && ext != ".yml" && ext != ".template" {
		return false
	}
	for _, line := range strings.Split(string(trim), "\n") {
		if strings.HasPrefix(line, "Resources:") || strings.HasPrefix(line, "AWSTemplateFormatVersion:") {
			return true
		}
	}
	return false
}
