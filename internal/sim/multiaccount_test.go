package sim_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
)

// TestMultiAccount assumes the scanner role into several members of the
// demo organization and checks each sees its own resources, not the
// management account's or another member's; the account whose role does
// not trust the management account is denied.
func TestMultiAccount(t *testing.T) {
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	s := simtest.Start(t, w)
	ctx := context.Background()
	base := s.Config(t, "111111111111", "us-east-1")
	seen := map[string]string{}
	for _, id := range []string{"222222222222", "444444444401", "555555555501", "666666666601"} {
		cfg := awsx.AssumeRole(base, "arn:aws:iam::"+id+":role/OrganizationAccountAccessRole", "guardrail-test")
		acct, _, err := awsx.CallerIdentity(ctx, cfg)
		if err != nil || acct != id {
			t.Fatalf("assume into %s: account %q, err %v", id, acct, err)
		}
		buckets, err := s3api.NewFromConfig(cfg).ListBuckets(ctx, &s3api.ListBucketsInput{})
		if err != nil {
			t.Fatalf("%s: list buckets: %v", id, err)
		}
		var names []string
		for _, b := range buckets.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
		for _, n := range names {
			if !strings.Contains(n, id) {
				t.Errorf("%s sees bucket %s, which is not its own", id, n)
			}
		}
		users, err := iamapi.NewFromConfig(cfg).ListUsers(ctx, &iamapi.ListUsersInput{})
		if err != nil {
			t.Fatalf("%s: list users: %v", id, err)
		}
		var u []string
		for _, x := range users.Users {
			u = append(u, aws.ToString(x.Arn))
		}
		sort.Strings(u)
		for _, arn := range u {
			if !strings.Contains(arn, ":"+id+":") {
				t.Errorf("%s sees user %s of another account", id, arn)
			}
		}
		seen[id] = strings.Join(names, ",") + "|" + strings.Join(u, ",")
	}
	if seen["444444444401"] == seen["555555555501"] {
		t.Errorf("a production and a development account see the same resources: %s", seen["444444444401"])
	}
	denied := awsx.AssumeRole(base, "arn:aws:iam::444444444404:role/OrganizationAccountAccessRole", "guardrail-test")
	if _, _, err := awsx.CallerIdentity(ctx, denied); awsx.Code(err) != "AccessDenied" {
		t.Fatalf("legacy-erp-prod: err = %v, want AccessDenied", err)
	}
}
