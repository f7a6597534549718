package account_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	acctsdk "github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprintf("not an API error: %v", err)
}

func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Errorf("%s: err = %v, want %s", what, err, want)
	}
}

func setup(t *testing.T) (mgmt, member *acctsdk.Client, w *world.World) {
	w = simtest.NewWorld()
	w.Org = &world.Organization{ID: "o-abcdefghij", ManagementAccount: simtest.Management, RootID: "r-ab12",
		Members: map[string]*world.Member{simtest.Member: {Account: simtest.Member}}}
	s := simtest.Start(t, w)
	return acctsdk.NewFromConfig(s.Config(t, simtest.Management, "us-east-1")), acctsdk.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1")), w
}

func TestRegions(t *testing.T) {
	ctx := context.Background()
	mgmt, member, w := setup(t)
	var all []types.Region
	pages := 0
	p := acctsdk.NewListRegionsPaginator(member, &acctsdk.ListRegionsInput{MaxResults: aws.Int32(10)})
	for p.HasMorePages() {
		o, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, o.Regions...)
		pages++
	}
	if len(all) != len(w.Regions) || pages != 3 || all[0].RegionOptStatus != types.RegionOptStatusEnabledByDefault {
		t.Fatalf("%d regions in %d pages: %+v", len(all), pages, all[0])
	}
	o, err := member.ListRegions(ctx, &acctsdk.ListRegionsInput{RegionOptStatusContains: []types.RegionOptStatus{types.RegionOptStatusDisabled}})
	if err != nil || len(o.Regions) != 12 {
		t.Fatalf("disabled = %d %v", len(o.Regions), err)
	}
	_, err = member.ListRegions(ctx, &acctsdk.ListRegionsInput{NextToken: aws.String("bogus")})
	wantCode(t, "bad token", err, "ValidationException")

	if _, err := member.EnableRegion(ctx, &acctsdk.EnableRegionInput{RegionName: aws.String("af-south-1")}); err != nil {
		t.Fatal(err)
	}
	g, err := member.GetRegionOptStatus(ctx, &acctsdk.GetRegionOptStatusInput{RegionName: aws.String("af-south-1")})
	if err != nil || g.RegionOptStatus != types.RegionOptStatusEnabled {
		t.Fatalf("status = %+v %v", g, err)
	}
	_, err = member.EnableRegion(ctx, &acctsdk.EnableRegionInput{RegionName: aws.String("us-east-1")})
	wantCode(t, "enable default region", err, "ValidationException")
	_, err = member.GetRegionOptStatus(ctx, &acctsdk.GetRegionOptStatusInput{RegionName: aws.String("mars-north-1")})
	wantCode(t, "unknown region", err, "ValidationException")
	// Account isolation: the management account still has it disabled.
	g, _ = mgmt.GetRegionOptStatus(ctx, &acctsdk.GetRegionOptStatusInput{RegionName: aws.String("af-south-1")})
	if g.RegionOptStatus != types.RegionOptStatusDisabled {
		t.Errorf("management af-south-1 = %s", g.RegionOptStatus)
	}
	// The management account acts on a member.
	if _, err := mgmt.DisableRegion(ctx, &acctsdk.DisableRegionInput{AccountId: aws.String(simtest.Member), RegionName: aws.String("af-south-1")}); err != nil {
		t.Fatal(err)
	}
	g, err = mgmt.GetRegionOptStatus(ctx, &acctsdk.GetRegionOptStatusInput{AccountId: aws.String(simtest.Member), RegionName: aws.String("af-south-1")})
	if err != nil || g.RegionOptStatus != types.RegionOptStatusDisabled {
		t.Errorf("member status via management = %+v %v", g, err)
	}
	_, err = member.GetRegionOptStatus(ctx, &acctsdk.GetRegionOptStatusInput{AccountId: aws.String(simtest.Management), RegionName: aws.String("af-south-1")})
	wantCode(t, "member acts on management", err, "AccessDeniedException")
}

func TestAlternateContacts(t *testing.T) {
	ctx := context.Background()
	mgmt, member, _ := setup(t)
	for _, typ := range []types.AlternateContactType{types.AlternateContactTypeSecurity, types.AlternateContactTypeBilling, types.AlternateContactTypeOperations} {
		_, err := member.GetAlternateContact(ctx, &acctsdk.GetAlternateContactInput{AlternateContactType: typ})
		wantCode(t, "get before put "+string(typ), err, "ResourceNotFoundException")
		_, err = member.PutAlternateContact(ctx, &acctsdk.PutAlternateContactInput{AlternateContactType: typ, EmailAddress: aws.String("sec@example.com"),
			Name: aws.String("Sec Ops"), PhoneNumber: aws.String("+1 555 0100"), Title: aws.String("CISO")})
		if err != nil {
			t.Fatal(err)
		}
		g, err := member.GetAlternateContact(ctx, &acctsdk.GetAlternateContactInput{AlternateContactType: typ})
		if err != nil || aws.ToString(g.AlternateContact.EmailAddress) != "sec@example.com" || g.AlternateContact.AlternateContactType != typ {
			t.Fatalf("get %s = %+v %v", typ, g, err)
		}
		g, err = mgmt.GetAlternateContact(ctx, &acctsdk.GetAlternateContactInput{AccountId: aws.String(simtest.Member), AlternateContactType: typ})
		if err != nil || aws.ToString(g.AlternateContact.Title) != "CISO" {
			t.Fatalf("get %s via management = %+v %v", typ, g, err)
		}
		_, err = mgmt.GetAlternateContact(ctx, &acctsdk.GetAlternateContactInput{AlternateContactType: typ})
		wantCode(t, "management's own "+string(typ), err, "ResourceNotFoundException")
		if _, err := member.DeleteAlternateContact(ctx, &acctsdk.DeleteAlternateContactInput{AlternateContactType: typ}); err != nil {
			t.Fatal(err)
		}
		_, err = member.DeleteAlternateContact(ctx, &acctsdk.DeleteAlternateContactInput{AlternateContactType: typ})
		wantCode(t, "delete twice "+string(typ), err, "ResourceNotFoundException")
	}
	_, err := member.GetAlternateContact(ctx, &acctsdk.GetAlternateContactInput{AlternateContactType: "LEGAL"})
	wantCode(t, "bad type", err, "ValidationException")
}
