package terraform

import (
	"encoding/json"
	"fmt"
)

// Generate returns a plan of n managed resources as 'terraform show
// -json' prints it, for benchmarks: a mix of the mapped types (buckets
// with their split settings joined by reference, security groups with
// rules, instances, volumes, IAM roles and policies, KMS keys), some in
// child modules with for_each keys, and a few unmapped types.
func Generate(n int) []byte {
	var changes []map[string]any
	var rootRes []map[string]any
	modules := map[string][]map[string]any{}
	add := func(mod, typ, name string, key any, after, unknown map[string]any, refs map[string][]string) {
		addr := typ + "." + name
		if key != nil {
			addr += fmt.Sprintf("[%q]", key)
		}
		if mod != "" {
			addr = "module." + mod + "." + addr
		}
		unknown["id"] = true
		rc := map[string]any{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
			"change": map[string]any{"actions": []string{"create"}, "before": nil, "after": after, "after_unknown": unknown, "before_sensitive": false, "after_sensitive": map[string]any{}}}
		if mod != "" {
			rc["module_address"] = "module." + mod
		}
		if key != nil {
			rc["index"] = key
		}
		changes = append(changes, rc)
		exprs := map[string]any{}
		for k, v := range refs {
			exprs[k] = map[string]any{"references": v}
		}
		cr := map[string]any{"address": typ + "." + name, "mode": "managed", "type": typ, "name": name, "provider_config_key": "aws", "expressions": exprs}
		if mod == "" {
			rootRes = append(rootRes, cr)
		} else if key == nil || key == "k0" {
			modules[mod] = append(modules[mod], cr)
		}
	}
	pab := func(on bool) map[string]any {
		return map[string]any{"block_public_acls": on, "ignore_public_acls": on, "block_public_policy": on, "restrict_public_buckets": on}
	}
	for i := 0; len(changes) < n; i++ {
		switch i % 8 {
		case 0, 1: // a bucket in a module, for_each, with split settings joined by reference
			mod := fmt.Sprintf("app%d", i/64)
			key := fmt.Sprintf("k%d", i%64)
			ref := map[string][]string{"bucket": {"aws_s3_bucket.data", "each.key"}}
			add(mod, "aws_s3_bucket", "data", key, map[string]any{"bucket_prefix": "data-"}, map[string]any{"bucket": true, "arn": true}, nil)
			add(mod, "aws_s3_bucket_public_access_block", "data", key, pab(i%3 != 0), map[string]any{"bucket": true}, ref)
			add(mod, "aws_s3_bucket_versioning", "data", key, map[string]any{"versioning_configuration": []any{map[string]any{"status": "Enabled"}}}, map[string]any{"bucket": true}, ref)
			add(mod, "aws_s3_bucket_policy", "data", key, map[string]any{}, map[string]any{"bucket": true, "policy": true}, ref)
		case 2:
			name := fmt.Sprintf("sg%d", i)
			add("", "aws_security_group", name, nil, map[string]any{"name": name, "ingress": []any{map[string]any{"protocol": "tcp", "from_port": 22, "to_port": 22,
				"cidr_blocks": []any{"0.0.0.0/0"}, "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}, "self": false}}, "egress": []any{}}, map[string]any{"vpc_id": true}, nil)
			add("", "aws_vpc_security_group_ingress_rule", name, nil, map[string]any{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"},
				map[string]any{"security_group_id": true}, map[string][]string{"security_group_id": {"aws_security_group." + name + ".id", "aws_security_group." + name}})
		case 3:
			add("", "aws_instance", fmt.Sprintf("web%d", i), nil, map[string]any{"ami": "ami-0abcdef1234567890", "instance_type": "t3.micro",
				"metadata_options":  []any{map[string]any{"http_tokens": []string{"optional", "required"}[i%2], "http_endpoint": "enabled"}},
				"root_block_device": []any{map[string]any{"encrypted": i%2 == 0, "volume_size": 8}}}, map[string]any{"associate_public_ip_address": true}, nil)
		case 4:
			name := fmt.Sprintf("role%d", i)
			add("", "aws_iam_role", name, nil, map[string]any{"name": name, "path": "/", "assume_role_policy": `{"Version":"2012-10-17","Statement":[]}`}, map[string]any{"arn": true}, nil)
			add("", "aws_iam_policy", name, nil, map[string]any{"name": name, "path": "/", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`}, map[string]any{"arn": true}, nil)
			add("", "aws_iam_role_policy_attachment", name, nil, map[string]any{"role": name}, map[string]any{"policy_arn": true},
				map[string][]string{"policy_arn": {"aws_iam_policy." + name + ".arn", "aws_iam_policy." + name}})
		case 5:
			add("", "aws_kms_key", fmt.Sprintf("key%d", i), nil, map[string]any{"enable_key_rotation": i%2 == 0, "description": "k"}, map[string]any{"policy": true, "arn": true}, nil)
		case 6:
			add("", "aws_ebs_volume", fmt.Sprintf("vol%d", i), nil, map[string]any{"size": 20, "encrypted": true, "availability_zone": "us-east-1a"}, map[string]any{}, nil)
		case 7:
			add("", "aws_sqs_queue", fmt.Sprintf("q%d", i), nil, map[string]any{"name": fmt.Sprintf("q%d", i)}, map[string]any{"arn": true}, nil)
		}
	}
	calls := map[string]any{}
	for m, rs := range modules {
		calls[m] = map[string]any{"source": "./modules/app", "module": map[string]any{"resources": rs}}
	}
	plan := map[string]any{"format_version": "1.2", "terraform_version": "1.9.8",
		"resource_changes": changes,
		"configuration": map[string]any{"provider_config": map[string]any{"aws": map[string]any{"name": "aws",
			"expressions": map[string]any{"region": map[string]any{"constant_value": "us-east-1"}}}},
			"root_module": map[string]any{"resources": rootRes, "module_calls": calls}}}
	b, err := json.Marshal(plan)
	if err != nil {
		panic(err)
	}
	return b
}
