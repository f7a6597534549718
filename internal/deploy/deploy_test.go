package deploy_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/deploy"
	"github.com/guardrail-sec/guardrail/internal/deploy/cfn"
	"github.com/guardrail-sec/guardrail/internal/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func load(t *testing.T, name string) deploy.Params {
	t.Helper()
	p := deploy.Defaults()
	file := filepath.Join("testdata", name+".yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Parse(file, data); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(nil); err != nil {
		t.Fatal(err)
	}
	return p
}

var cases = []string{"full", "minimal"}

// templates generates and parses back (strictly) every template of a
// case.
func templates(t *testing.T, name string) (deploy.Params, map[string]*cfn.Template) {
	t.Helper()
	p := load(t, name)
	files, err := deploy.Files(p)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*cfn.Template{}
	for _, f := range files {
		if !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		tpl, err := cfn.Parse(f.Data)
		if err != nil {
			t.Fatalf("%s/%s: %v", name, f.Name, err)
		}
		out[f.Name] = tpl
	}
	return p, out
}

// TestGolden: the files of each case, as generated; -update rewrites
// them.
func TestGolden(t *testing.T) {
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			files, err := deploy.Files(load(t, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				golden := filepath.Join("testdata", name, f.Name+".golden")
				if *update {
					os.MkdirAll(filepath.Dir(golden), 0o755)
					if err := os.WriteFile(golden, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update)", err)
				}
				if !bytes.Equal(f.Data, want) {
					t.Errorf("%s differs from %s (run with -update and review the diff)", f.Name, golden)
				}
			}
		})
	}
}

// TestParseBack: every template reads back with the same model, and
// writes out byte for byte as it was read; the StackSet's body is the
// member template; the sizes are within CloudFormation's limits.
func TestParseBack(t *testing.T) {
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			files, err := deploy.Files(load(t, name))
			if err != nil {
				t.Fatal(err)
			}
			var member []byte
			for _, f := range files {
				if !strings.HasSuffix(f.Name, ".json") {
					continue
				}
				tpl, err := cfn.Parse(f.Data)
				if err != nil {
					t.Fatalf("%s: %v", f.Name, err)
				}
				again, err := tpl.JSON()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(again, f.Data) {
					t.Errorf("%s: written again after parsing, it differs", f.Name)
				}
				if len(f.Data) > 1_000_000 {
					t.Errorf("%s: %d bytes, over CloudFormation's 1 MB for a template in S3", f.Name, len(f.Data))
				}
				if f.Name == "member.json" {
					member = f.Data
				}
			}
			_, tpls := templates(t, name)
			ss := tpls["management.json"].Resources[deploy.StackSetID].Properties.(*cfn.StackSet)
			if len(ss.TemplateBody) > 51200 {
				t.Errorf("StackSet TemplateBody is %d bytes, over 51,200", len(ss.TemplateBody))
			}
			body, err := cfn.Parse([]byte(ss.TemplateBody))
			if err != nil {
				t.Fatalf("StackSet TemplateBody: %v", err)
			}
			b, _ := body.JSON()
			if !bytes.Equal(b, member) {
				t.Errorf("the StackSet's TemplateBody is not member.json")
			}
		})
	}
}

// TestParseStrict: what the model does not know is an error, not
// dropped: a field, a resource type, an intrinsic function, a Ref to
// nothing.
func TestParseStrict(t *testing.T) {
	ok := `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "x", "RetentionInDays": 7}}}}`
	if _, err := cfn.Parse([]byte(ok)); err != nil {
		t.Fatalf("valid template: %v", err)
	}
	for _, tc := range []struct{ name, json, want string }{
		{"unknown property", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "x", "RetentionInDays": 7, "KmsKey": "k"}}}}`, `unknown field "KmsKey"`},
		{"unknown type", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"L": {"Type": "AWS::S3::Bucket", "Properties": {}}}}`, `resource type "AWS::S3::Bucket" is not modelled`},
		{"unknown function", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Base64": "x"}, "RetentionInDays": 7}}}}`, `"Fn::Base64" is not modelled`},
		{"dangling Ref", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Ref": "Nope"}, "RetentionInDays": 7}}}}`, `"Nope" is neither a parameter nor a resource`},
		{"dangling Sub", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/${Nope.Arn}"}, "RetentionInDays": 7}}}}`, `"Nope" is neither`},
		{"cycle", `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Ref": "B"}, "RetentionInDays": 7}}, "B": {"Type": "AWS::Logs::LogGroup", "DependsOn": ["A"], "Properties": {"LogGroupName": "b", "RetentionInDays": 7}}}}`, "circular dependency: A -> B -> A"},
		{"top-level field", `{"AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31", "Resources": {}}`, `unknown field "Transform"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cfn.Parse([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// policies returns every role's inline policies of a template, by
// logical ID.
func roles(tpl *cfn.Template) map[string]*cfn.Role {
	out := map[string]*cfn.Role{}
	for id, r := range tpl.Resources {
		if role, ok := r.Properties.(*cfn.Role); ok {
			out[id] = role
		}
	}
	return out
}

func actionsOf(docs ...cfn.PolicyDocument) []string {
	var out []string
	for _, d := range docs {
		for _, st := range d.Statement {
			out = append(out, st.Action...)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func actionsOfCode(doc collect.PolicyDocument) []string {
	var out []string
	for _, st := range doc.Statement {
		out = append(out, st.Action...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestPoliciesMatchCode: the read and remediation roles carry exactly
// the documents 'guardrail iam-policy' (--remediate) prints, statement
// for statement; every other role and resource policy holds only
// actions the code (or ECS, the Scheduler, EventBridge on its behalf)
// calls; a role's inline policies fit IAM's 10,240 characters.
func TestPoliciesMatchCode(t *testing.T) {
	read, remed := deploy.ReadPolicy(), deploy.RemediatePolicy()
	sameDoc := func(t *testing.T, where string, got cfn.PolicyDocument, want collect.PolicyDocument) {
		t.Helper()
		if len(got.Statement) != len(want.Statement) || got.Version != want.Version {
			t.Fatalf("%s: %d statements (version %s), the code's policy has %d (%s)", where, len(got.Statement), got.Version, len(want.Statement), want.Version)
		}
		for i, st := range got.Statement {
			w := want.Statement[i]
			if st.Sid != w.Sid || st.Effect != w.Effect || !slices.Equal(st.Action, w.Action) ||
				len(st.Resource) != 1 || st.Resource[0] != cfn.S(w.Resource) || st.Principal != nil || st.Condition != nil {
				t.Errorf("%s: statement %d is %+v, the code's is %+v", where, i, st, w)
			}
		}
	}
	orgRead := deploy.OrganizationsReadActions()
	if len(orgRead) < 4 {
		t.Fatalf("Organizations reads: %v", orgRead)
	}
	readActions := actionsOfCode(read)
	taskAllowed := append(append(append(slices.Clone(readActions), orgRead...), "sts:AssumeRole", deploy.SNSPublishAction), deploy.WatchQueueActions...)
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			p, tpls := templates(t, name)
			for file, tpl := range tpls {
				for id, role := range roles(tpl) {
					where := file + " " + id
					size := 0
					for _, ip := range role.Policies {
						b, _ := json.Marshal(ip.PolicyDocument)
						size += len(regexp.MustCompile(`\s`).ReplaceAll(b, nil))
					}
					if size > 10240 {
						t.Errorf("%s: inline policies of %d characters, over IAM's 10,240 per role", where, size)
					}
					var docs []cfn.PolicyDocument
					for _, ip := range role.Policies {
						docs = append(docs, ip.PolicyDocument)
					}
					got := actionsOf(docs...)
					var allowed []string
					switch id {
					case deploy.ReadRoleID:
						sameDoc(t, where, role.Policies[0].PolicyDocument, read)
						if len(role.Policies) != 1 {
							t.Errorf("%s: %d policies, want the read policy only", where, len(role.Policies))
						}
						continue
					case deploy.RemediateRoleID:
						sameDoc(t, where, role.Policies[0].PolicyDocument, remed)
						continue
					case "ScanTaskRole", "WatchTaskRole", "RemediateTaskRole":
						allowed = taskAllowed
						if id == "ScanTaskRole" && (slices.Contains(got, deploy.SNSPublishAction) || slices.Contains(got, "sqs:ReceiveMessage")) {
							t.Errorf("%s: the scan publishes to no topic and reads no queue: %v", where, got)
						}
						if id == "WatchTaskRole" && p.Alerts.SNSTopicARN == "" && slices.Contains(got, deploy.SNSPublishAction) {
							t.Errorf("%s: sns:Publish without an SNS destination", where)
						}
					case "ExecutionRole":
						allowed = deploy.ExecutionActions
					case "SchedulerRole":
						allowed = deploy.SchedulerActions
					case deploy.ForwardRoleID:
						allowed = []string{"events:PutEvents"}
					default:
						t.Errorf("%s: a role this test does not know", where)
						continue
					}
					for _, a := range got {
						if !slices.Contains(allowed, a) {
							t.Errorf("%s allows %s, which nothing it runs calls", where, a)
						}
					}
					// Every statement names its resources; only the calls
					// that take no resource (ecr:GetAuthorizationToken,
					// Organizations' reads) and the read policy's own
					// statements have "*".
					for _, ip := range role.Policies {
						for _, st := range ip.PolicyDocument.Statement {
							if len(st.Resource) == 1 && st.Resource[0] == cfn.S("*") && ip.PolicyName != "read-own-account" &&
								st.Sid != "ReadOrganization" && st.Sid != "PullImage" {
								t.Errorf("%s: statement %s on every resource", where, st.Sid)
							}
						}
					}
				}
			}
			mgmt := tpls["management.json"]
			op := mgmt.Resources[deploy.OrgPolicyID].Properties.(*cfn.OrganizationsResourcePolicy)
			if got := actionsOf(op.Content); !slices.Equal(got, sorted(orgRead)) {
				t.Errorf("delegation policy allows %v, discovery calls %v", got, orgRead)
			}
			if _, ok := mgmt.Resources[deploy.RemediateRoleID]; ok != p.Remediate {
				t.Errorf("remediation role in the management template: %v, remediate: %v", ok, p.Remediate)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// TestTrustPolicies: the read and remediation roles trust only the
// tooling account's task roles (by ARN, nothing broader), only from
// within the organization; the event bus takes events only from the
// organization; the service roles trust their service for this account
// only.
func TestTrustPolicies(t *testing.T) {
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			p, tpls := templates(t, name)
			tooling := "arn:aws:iam::" + p.ToolingAccount + ":role/"
			for _, file := range []string{"member.json", "management.json"} {
				for id, role := range roles(tpls[file]) {
					if id == deploy.ForwardRoleID {
						continue
					}
					where := file + " " + id
					sts := role.AssumeRolePolicyDocument.Statement
					if len(sts) != 1 {
						t.Fatalf("%s: %d trust statements", where, len(sts))
					}
					st := sts[0]
					if st.Effect != "Allow" || !slices.Equal(st.Action, []string{"sts:AssumeRole"}) || st.Principal == nil ||
						st.Principal.Everyone || len(st.Principal.Service) > 0 || len(st.Principal.AWS) == 0 {
						t.Fatalf("%s: trust statement %+v", where, st)
					}
					var got []string
					for _, a := range st.Principal.AWS {
						if a.Lit == "" || !strings.HasPrefix(a.Lit, tooling) || strings.ContainsAny(a.Lit, "*?") {
							t.Errorf("%s: trusts %+v, not a role of the tooling account", where, a)
						}
						got = append(got, strings.TrimPrefix(a.Lit, tooling))
					}
					want := []string{p.Name + "-scan-task", p.Name + "-watch-task"}
					if p.Remediate {
						want = append(want, p.Name+"-remediate-task")
					}
					if id == deploy.RemediateRoleID {
						want = []string{p.Name + "-remediate-task"}
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s trusts %v, want %v", where, got, want)
					}
					if c := st.Condition["StringEquals"]["aws:PrincipalOrgID"]; len(c) != 1 || c[0] != cfn.S(p.OrganizationID) || len(st.Condition) != 1 {
						t.Errorf("%s: condition %+v, want aws:PrincipalOrgID = %s", where, st.Condition, p.OrganizationID)
					}
				}
			}
			tooling2 := tpls["tooling.json"]
			bus := tooling2.Resources["EventBusPolicy"].Properties.(*cfn.EventBusPolicy).Statement
			if !bus.Principal.Everyone || !slices.Equal(bus.Action, []string{"events:PutEvents"}) ||
				len(bus.Condition["StringEquals"]["aws:PrincipalOrgID"]) != 1 || bus.Condition["StringEquals"]["aws:PrincipalOrgID"][0] != cfn.S(p.OrganizationID) {
				t.Errorf("event bus policy %+v: want PutEvents from the organization only", bus)
			}
			for id, role := range roles(tooling2) {
				st := role.AssumeRolePolicyDocument.Statement
				if len(st) != 1 || st[0].Principal == nil || len(st[0].Principal.Service) != 1 || len(st[0].Principal.AWS) != 0 ||
					len(st[0].Condition["StringEquals"]["aws:SourceAccount"]) != 1 || st[0].Condition["StringEquals"]["aws:SourceAccount"][0] != cfn.S(p.ToolingAccount) {
					t.Errorf("tooling %s: trust %+v, want one service of this account", id, st)
				}
			}
		})
	}
}

// TestToolingResources: what the security engineer checks first.
func TestToolingResources(t *testing.T) {
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			p, tpls := templates(t, name)
			tpl := tpls["tooling.json"]
			r := tpl.Resources[deploy.DatabaseID]
			db := r.Properties.(*cfn.DBInstance)
			if !db.StorageEncrypted || db.PubliclyAccessible || !db.ManageMasterUserPassword || !db.DeletionProtection ||
				r.DeletionPolicy != "Snapshot" || r.UpdateReplacePolicy != "Snapshot" || db.Engine != "postgres" {
				t.Errorf("database %+v (%s/%s): want encrypted, private, managed password, protected, snapshotted", db, r.DeletionPolicy, r.UpdateReplacePolicy)
			}
			sg := tpl.Resources["DatabaseSubnetGroup"].Properties.(*cfn.DBSubnetGroup)
			if sg.SubnetIds.Ref != "PrivateSubnetIds" {
				t.Errorf("database subnets %+v, want the private ones", sg.SubnetIds)
			}
			for id, res := range tpl.Resources {
				switch v := res.Properties.(type) {
				case *cfn.LogGroup:
					if v.RetentionInDays != p.LogRetentionDays {
						t.Errorf("%s: retention %d", id, v.RetentionInDays)
					}
				case *cfn.TaskDefinition:
					c := v.ContainerDefinitions[0]
					if !c.ReadonlyRootFilesystem || c.User == "" || c.User == "0" || c.User == "root" {
						t.Errorf("%s: container %s runs as %q, read-only root %v", id, c.Name, c.User, c.ReadonlyRootFilesystem)
					}
					for _, e := range c.Environment {
						if strings.Contains(e.Name, "PASSWORD") || strings.Contains(e.Name, "TOKEN") || strings.Contains(e.Name, "WEBHOOK") {
							t.Errorf("%s: secret %s in plain environment", id, e.Name)
						}
					}
				case *cfn.Service:
					if v.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != "DISABLED" || v.LaunchType != "FARGATE" {
						t.Errorf("%s: %+v", id, v)
					}
				case *cfn.Listener:
					if v.Protocol != "HTTPS" || v.Port != 443 || len(v.Certificates) != 1 || v.Certificates[0].CertificateArn != cfn.Ref("CertificateArn") {
						t.Errorf("%s: want HTTPS on 443 with the CertificateArn parameter", id)
					}
					if len(v.DefaultActions) != 2 || v.DefaultActions[0].Type != "authenticate-oidc" || v.DefaultActions[1].Type != "forward" ||
						v.DefaultActions[0].Order >= v.DefaultActions[1].Order {
						t.Errorf("%s: actions %+v: want authenticate-oidc, then forward", id, v.DefaultActions)
					}
					if cs := v.DefaultActions[0].AuthenticateOidcConfig.ClientSecret.Lit; !strings.HasPrefix(cs, "{{resolve:secretsmanager:"+p.Dashboard.ClientSecretName+":SecretString") {
						t.Errorf("%s: client secret %q is not a dynamic reference to Secrets Manager", id, cs)
					}
				}
			}
			// Who reaches whom.
			ingress := map[string]string{}
			for _, res := range tpl.Resources {
				if in, ok := res.Properties.(*cfn.SecurityGroupIngress); ok {
					ingress[in.GroupId.GetAtt[0]] = fmt.Sprintf("%s %d-%d from %s", in.IpProtocol, in.FromPort, in.ToPort, in.SourceSecurityGroupId.GetAtt[0])
				}
			}
			if ingress["DatabaseSecurityGroup"] != "tcp 5432-5432 from TaskSecurityGroup" || ingress["TaskSecurityGroup"] != "tcp 8080-8080 from LoadBalancerSecurityGroup" {
				t.Errorf("ingress %v", ingress)
			}
			lb := tpl.Resources["LoadBalancerSecurityGroup"].Properties.(*cfn.SecurityGroup)
			if len(lb.SecurityGroupIngress) != 1 || lb.SecurityGroupIngress[0].CidrIp != cfn.Ref("DashboardIngressCidr") || *lb.SecurityGroupIngress[0].FromPort != 443 {
				t.Errorf("load balancer ingress %+v", lb.SecurityGroupIngress)
			}
			for _, g := range []string{"DatabaseSecurityGroup", "TaskSecurityGroup", "LoadBalancerSecurityGroup"} {
				sg := tpl.Resources[g].Properties.(*cfn.SecurityGroup)
				if g != "LoadBalancerSecurityGroup" && len(sg.SecurityGroupIngress) > 0 {
					t.Errorf("%s: inline ingress %+v", g, sg.SecurityGroupIngress)
				}
				for _, e := range sg.SecurityGroupEgress {
					if e.IpProtocol == "-1" || (e.CidrIp == cfn.S("0.0.0.0/0") && (e.FromPort == nil || *e.FromPort != 443)) {
						t.Errorf("%s: egress %+v", g, e)
					}
				}
			}
			var schedules []*cfn.Schedule
			for _, res := range tpl.Resources {
				if s, ok := res.Properties.(*cfn.Schedule); ok {
					schedules = append(schedules, s)
				}
			}
			if len(schedules) != p.Shards {
				t.Fatalf("%d schedules, want one per shard (%d)", len(schedules), p.Shards)
			}
			shards := map[string]bool{}
			for _, s := range schedules {
				if s.ScheduleExpression != p.Schedule || s.Target.Arn != "arn:aws:scheduler:::aws-sdk:ecs:runTask" {
					t.Errorf("schedule %+v", s)
				}
				in := s.Target.Input.Sub
				if in == nil {
					t.Fatalf("schedule input %+v is not a Fn::Sub", s.Target.Input)
				}
				if p.Shards > 1 {
					m := regexp.MustCompile(`"--shard","([0-9]+/[0-9]+)","--scan-id","scheduled-<aws.scheduler.scheduled-time>"`).FindStringSubmatch(in.Format)
					if m == nil {
						t.Fatalf("schedule input %s: no --shard I/N --scan-id", in.Format)
					}
					shards[m[1]] = true
				}
			}
			if p.Shards > 1 && len(shards) != p.Shards {
				t.Errorf("shards %v, want each of %d once", shards, p.Shards)
			}
			ss := tpls["management.json"].Resources[deploy.StackSetID].Properties.(*cfn.StackSet)
			if ss.PermissionModel != "SERVICE_MANAGED" || ss.AutoDeployment == nil || !ss.AutoDeployment.Enabled ||
				!slices.Equal(ss.StackInstancesGroup[0].DeploymentTargets.OrganizationalUnitIds, p.Targets) ||
				ss.StackInstancesGroup[0].Regions[0] != p.HomeRegion || len(ss.StackInstancesGroup[0].Regions) != len(p.Regions) {
				t.Errorf("StackSet %+v", ss)
			}
		})
	}
}

// TestNotifyConfig: the generated notification config is one 'guardrail
// notify' reads, with the webhook from the variable ECS sets.
func TestNotifyConfig(t *testing.T) {
	p := load(t, "full")
	t.Setenv(deploy.NotifyEnv, "https://hooks.slack.com/services/T000/B000/XXXX")
	c, err := notify.Parse("notify.yaml", deploy.NotifyConfig(p))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, d := range c.Destinations {
		types = append(types, d.Type)
	}
	if !slices.Equal(types, []string{notify.Slack, notify.SNS}) {
		t.Errorf("destinations %v", types)
	}
	if c.Destinations[1].SNS.TopicARN != p.Alerts.SNSTopicARN {
		t.Errorf("SNS topic %q", c.Destinations[1].SNS.TopicARN)
	}
}

// TestRepositoryDockerfile: the repository's Dockerfile is the one the
// package documents.
func TestRepositoryDockerfile(t *testing.T) {
	if *update {
		if err := os.WriteFile("../../Dockerfile", []byte(deploy.Dockerfile), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != deploy.Dockerfile {
		t.Errorf("Dockerfile differs from deploy.Dockerfile: write it again from it")
	}
	for _, want := range []string{"CGO_ENABLED=0", "distroless/static", "USER 65532", deploy.RDSBundlePath} {
		if !strings.Contains(deploy.Dockerfile, want) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
}
