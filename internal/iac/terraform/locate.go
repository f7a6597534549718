package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/guardrail-sec/guardrail/internal/iac"
)

// locate sets the file and line of every resource of src from the .tf
// files under dir, the root module's directory. A child module's
// directory is its call's local source ("./modules/app") relative to the
// calling module, or, for a registry or git source, where 'terraform
// init' put it (.terraform/modules/modules.json). Every instance of a
// count or for_each resource gets the line of its block. A module whose
// directory cannot be found leaves its resources without a line.
func locate(src *iac.Source, plan *tfjson.Plan, dir string) error {
	dirs := map[string]string{"": dir} // module path (module.app.module.db) → directory
	installed := installedModules(dir)
	if plan.Config != nil && plan.Config.RootModule != nil {
		var walk func(m *tfjson.ConfigModule, path, d, key string)
		walk = func(m *tfjson.ConfigModule, path, d, key string) {
			for name, call := range m.ModuleCalls {
				p := "module." + name
				k := name
				if path != "" {
					p = path + "." + p
					k = key + "." + name
				}
				cd := ""
				switch {
				case strings.HasPrefix(call.Source, "./") || strings.HasPrefix(call.Source, "../"):
					if d != "" {
						cd = filepath.Join(d, filepath.FromSlash(call.Source))
					}
				case installed[k] != "":
					cd = filepath.Join(dir, installed[k])
				}
				dirs[p] = cd
				if call.Module != nil {
					walk(call.Module, p, cd, k)
				}
			}
		}
		walk(plan.Config.RootModule, "", dir, "")
	}
	lines := map[string]map[string]location{} // module path → "type.name" → where
	for path, d := range dirs {
		if d == "" {
			continue
		}
		blocks, err := resourceBlocks(d)
		if err != nil {
			return err
		}
		lines[path] = blocks
	}
	set := func(r *iac.Resource) {
		addr := r.Address
		if i := strings.Index(addr, " ("); i >= 0 { // "aws_vpc.main (default security group)"
			addr = addr[:i]
		}
		mod, typ, name := splitAddress(addr)
		if l, ok := lines[mod][typ+"."+name]; ok {
			r.File, r.Line = l.file, l.line
		}
	}
	for _, r := range src.Resources {
		set(r)
	}
	for _, r := range src.NotAssessed {
		set(r)
	}
	return nil
}

type location struct {
	file string
	line int
}

// resourceBlocks finds the resource blocks of the .tf files of dir.
func resourceBlocks(dir string) (map[string]location, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("module directory %s: %w", dir, err)
		}
	}
	sort.Strings(files)
	out := map[string]location{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		file, diags := hclsyntax.ParseConfig(b, f, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, errors.New(diags.Error())
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		for _, blk := range body.Blocks {
			if blk.Type == "resource" && len(blk.Labels) == 2 {
				out[blk.Labels[0]+"."+blk.Labels[1]] = location{file: f, line: blk.DefRange().Start.Line}
			}
		}
	}
	return out, nil
}

// installedModules reads .terraform/modules/modules.json: module key
// ("app.db") → directory relative to the root module.
func installedModules(dir string) map[string]string {
	out := map[string]string{}
	b, err := os.ReadFile(filepath.Join(dir, ".terraform", "modules", "modules.json"))
	if err != nil {
		return out
	}
	var m struct {
		Modules []struct{ Key, Dir string }
	}
	if json.Unmarshal(b, &m) == nil {
		for _, x := range m.Modules {
			out[x.Key] = filepath.FromSlash(x.Dir)
		}
	}
	return out
}

// splitAddress splits module.app["x"].aws_s3_bucket.logs["a"] into the
// module path without keys (module.app), the type and the name.
func splitAddress(addr string) (mod, typ, name string) {
	parts := strings.Split(stripIndexes(addr), ".")
	var m []string
	for len(parts) >= 2 && parts[0] == "module" {
		m = append(m, parts[0], parts[1])
		parts = parts[2:]
	}
	if len(parts) >= 2 {
		typ, name = parts[0], parts[1]
	}
	return strings.Join(m, "."), typ, name
}
