package rollout_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cloudtrailapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/remediate/playbook"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/scp/explain"
	"github.com/guardrail-sec/guardrail/internal/scp/rollout"
	"github.com/guardrail-sec/guardrail/internal/scpeval"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

const (
	workload   = "444444444401" // payments-prod, Workloads/Production
	logArchive = "333333333333" // log-archive, Security
)

// TestEndToEnd is the "done means" on the demo organization:
// the built policies applied, calls made as a developer of a workload
// account (the real SDK, an assumed non-admin role) are denied or
// allowed exactly as the intents say, each denial recorded in CloudTrail
// and explained by the right statement; Guardrail's scan sees no new
// errors or gaps, its baseline applies, its remediation's actions are
// allowed; the rollback restores every policy and attachment.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the demo organization twice")
	}
	ctx := context.Background()
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{workload, logArchive} {
		w.Accounts[id].IAM.Roles = append(w.Accounts[id].IAM.Roles, &world.Role{Name: "Developer", Path: "/", ID: "AROASIMDEVELOPER" + id[:4], Created: simtest.Now,
			AssumeRolePolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`})
	}
	s := simtest.Start(t, w)
	mgmt := s.Config(t, "111111111111", "us-east-1")
	oc := orgapi.NewFromConfig(mgmt)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	scanBefore := demoScan(t, s, mgmt)
	before, err := rollout.Read(ctx, oc)
	if err != nil {
		t.Fatal(err)
	}

	// The example intents, built against the policies attached now (the
	// sandbox OU's hand-written SCP counts). Their denied services
	// (sagemaker, gamelift) are not simulated: the test adds one that is.
	in, err := rollout.LoadIntents("../../../examples/scp/intents.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range in.Targets {
		if ti.Target == "ou:Workloads" {
			ti.DeniedServices = append(ti.DeniedServices, "sqs")
		}
	}
	d, err := before.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rollout.MakePlan(before, d)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := rollout.Apply(ctx, oc, p, opts(st))
	if err != nil || rep.Status != store.Complete {
		t.Fatalf("apply = %+v, %v", rep, err)
	}
	applied, err := rollout.Read(ctx, oc)
	if err != nil {
		t.Fatal(err)
	}

	dev := awsx.AssumeRole(mgmt, "arn:aws:iam::"+workload+":role/Developer", "alice")
	archivist := awsx.AssumeRole(mgmt, "arn:aws:iam::"+logArchive+":role/Developer", "bob")
	at := func(r string) aws.Config { return inRegion(dev, r) }
	run := func(tokens ec2types.HttpTokensState, region string) error {
		in := &ec2api.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}
		if tokens != "" {
			in.MetadataOptions = &ec2types.InstanceMetadataOptionsRequest{HttpTokens: tokens}
		}
		_, err := ec2api.NewFromConfig(inRegion(dev, region)).RunInstances(ctx, in)
		return err
	}
	for _, tc := range []struct {
		name string
		call func() error
		// sid is (part of) the Sid of the statement that must deny it
		// ("": allowed by SCPs); account where the call is made.
		sid, account, eventName, region string
	}{
		{"a region outside the list", func() error {
			_, err := ec2api.NewFromConfig(at("eu-central-1")).DescribeInstances(ctx, &ec2api.DescribeInstancesInput{})
			return err
		}, "DenyOutsideAllowedRegions", workload, "DescribeInstances", "eu-central-1"},
		{"another region outside the list", func() error {
			_, err := ec2api.NewFromConfig(at("us-west-2")).DescribeInstances(ctx, &ec2api.DescribeInstancesInput{})
			return err
		}, "DenyOutsideAllowedRegions", workload, "DescribeInstances", "us-west-2"},
		{"a region in the list", func() error {
			_, err := ec2api.NewFromConfig(at("eu-west-1")).DescribeInstances(ctx, &ec2api.DescribeInstancesInput{})
			return err
		}, "", "", "", ""},
		{"a denied service", func() error {
			_, err := sqsapi.NewFromConfig(at("us-east-1")).ListQueues(ctx, &sqsapi.ListQueuesInput{})
			return err
		}, "DenyServices", workload, "ListQueues", "us-east-1"},
		{"StopLogging on the organization trail", func() error {
			_, err := cloudtrailapi.NewFromConfig(at("us-east-1")).StopLogging(ctx, &cloudtrailapi.StopLoggingInput{
				Name: aws.String("arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail")})
			return err
		}, "ProtectSecurityServices", workload, "StopLogging", "us-east-1"},
		{"deleting the log archive bucket", func() error {
			_, err := s3api.NewFromConfig(archivist).DeleteBucket(ctx, &s3api.DeleteBucketInput{Bucket: aws.String("org-log-archive-333333333333")})
			return err
		}, "ProtectBuckets", logArchive, "DeleteBucket", "us-east-1"},
		{"leaving the organization", func() error {
			_, err := orgapi.NewFromConfig(at("us-east-1")).LeaveOrganization(ctx, &orgapi.LeaveOrganizationInput{})
			return err
		}, "DenyLeaveOrganization", workload, "LeaveOrganization", "us-east-1"},
		{"RunInstances without IMDSv2", func() error { return run("", "us-east-1") }, "RequireImdsV2", workload, "RunInstances", "us-east-1"},
		{"RunInstances with IMDSv2", func() error { return run(ec2types.HttpTokensStateRequired, "us-east-1") }, "", "", "", ""},
		{"disabling EBS default encryption", func() error {
			_, err := ec2api.NewFromConfig(at("us-east-1")).DisableEbsEncryptionByDefault(ctx, &ec2api.DisableEbsEncryptionByDefaultInput{})
			return err
		}, "DenyDisableEbsEncryption", workload, "DisableEbsEncryptionByDefault", "us-east-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			msg := ""
			var ae smithy.APIError
			if errors.As(err, &ae) {
				msg = ae.ErrorMessage()
			}
			if tc.sid == "" {
				if strings.Contains(msg, "service control policy") {
					t.Fatalf("denied by an SCP: %v", err)
				}
				return
			}
			if !strings.Contains(msg, "with an explicit deny in a service control policy") {
				t.Fatalf("err = %v, want an SCP denial", err)
			}
			// The denial is in CloudTrail; explain names the statement.
			rec := deniedRecord(s.World(), tc.account, tc.region, tc.eventName)
			if rec == nil {
				t.Fatalf("no CloudTrail record of the denied %s", tc.eventName)
			}
			call, err := explain.FromEvent(rec.JSON(), "record")
			if err != nil {
				t.Fatal(err)
			}
			e, err := explain.Explain(applied, call)
			if err != nil {
				t.Fatal(err)
			}
			if e.Verdict != explain.ExplicitDeny || e.Statement == nil || !strings.Contains(e.Statement.Sid, tc.sid) {
				t.Errorf("explain = %s (%+v), want statement %s", e.Verdict, e.Statement, tc.sid)
			}
		})
	}
	// A call no SCP denies is said to be denied elsewhere.
	e, err := explain.Explain(applied, explain.Call{Account: workload, Principal: "arn:aws:sts::" + workload + ":assumed-role/Developer/alice",
		Action: "s3:GetObject", Region: "us-east-1", Resource: "arn:aws:s3:::payments-data/x"})
	if err != nil || e.Verdict != explain.NotSCP {
		t.Errorf("explain an SCP-allowed call = %+v, %v", e, err)
	}

	// Guardrail keeps working: the scan sees what it saw, the baseline
	// applies in a workload account, remediation's actions are allowed.
	scanAfter := demoScan(t, s, mgmt)
	if diff := compareScans(scanBefore, scanAfter); diff != "" {
		t.Errorf("the SCPs changed Guardrail's scan:\n%s", diff)
	}
	brep, err := baseline.Apply(ctx, mgmt, baseline.Options{Spec: spec.Default(), Journal: st, Now: clock.Fixed(simtest.Now),
		Discover: org.Options{Include: []string{workload}, Regions: []string{"us-east-1", "eu-central-1"}}})
	if err != nil || brep.Counts.Failed > 0 {
		t.Errorf("baseline apply under the SCPs: %d failed, %v", brep.Counts.Failed, err)
	}
	levels, err := applied.Levels(workload)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range remediate.Actions(playbook.All()) {
		for _, region := range []string{"us-east-1", "eu-central-1"} {
			r := &policy.Request{Action: a, Resource: "*", Principal: policy.Principal{Type: "AWS", ID: "arn:aws:iam::" + workload + ":role/" + org.DefaultRole, Account: workload, OrgID: applied.OrgID},
				Context: map[string][]string{"aws:RequestedRegion": {region}, "ec2:MetadataHttpTokens": {"required"}}}
			if dd := scpeval.Evaluate(levels, r); !dd.Allowed {
				t.Errorf("remediation's %s in %s is denied: %s", a, region, rollout.Why(dd))
			}
		}
	}

	// Rollback restores the organization's SCPs exactly.
	rb, err := rollout.Rollback(ctx, oc, rep.Run, opts(st))
	if err != nil || rb.Status != store.Complete {
		t.Fatalf("rollback = %+v, %v", rb, err)
	}
	after, err := rollout.Read(ctx, oc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("rollback did not restore the SCPs:\n got %+v\nwant %+v", after.Policies, before.Policies)
	}
	if err := run("", "us-east-1"); err != nil && strings.Contains(err.Error(), "service control policy") {
		t.Errorf("after the rollback: %v", err)
	}
}

func inRegion(cfg aws.Config, r string) aws.Config {
	c := cfg.Copy()
	c.Region = r
	return c
}

func deniedRecord(w *world.World, account, region, event string) *world.TrailRecord {
	var out *world.TrailRecord
	for _, r := range w.TrailRecords(account, region) {
		if r.EventName == event && r.ErrorCode != "" {
			out = r
		}
	}
	return out
}

func demoScan(t *testing.T, s *simtest.Sim, cfg aws.Config) *report.Report {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), cfg, scan.Options{Collectors: registry.All(), Controls: cat.Controls(), Standards: cat.Standards(),
		Now: s.World().Now})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// compareScans lists the gaps and ERROR results of b that a lacks.
func compareScans(a, b *report.Report) string {
	key := func(r control.Result) string {
		return fmt.Sprintf("%s %s %s %s %s", r.Resource.Account, r.Resource.Region, r.Control, r.Resource.ARN, r.Status)
	}
	seen := map[string]bool{}
	for _, r := range a.Results {
		seen[key(r)] = true
	}
	gaps := map[string]bool{}
	for _, g := range a.Gaps {
		gaps[fmt.Sprintf("%s %s %s", g.Account, g.Region, g.Collector)] = true
	}
	var diff []string
	for _, g := range b.Gaps {
		if k := fmt.Sprintf("%s %s %s", g.Account, g.Region, g.Collector); !gaps[k] {
			diff = append(diff, "new gap "+k+": "+g.Reason)
		}
	}
	// The developer's calls made resources (an instance launched with
	// IMDSv2): new results for them are expected, new errors are not.
	for _, r := range b.Results {
		if !seen[key(r)] && r.Status == control.Error {
			diff = append(diff, "new ERROR "+key(r)+" | "+r.Reason)
		}
	}
	return strings.Join(diff, "\n")
}
