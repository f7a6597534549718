package demo

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// legacyWeb lists account/region/instance/alarm for every instance of w
// that runs the legacy web application, with the alarm that follows it.
func legacyWeb(t *testing.T, w *world.World) []string {
	t.Helper()
	var out []string
	for _, id := range w.AccountIDs() {
		for region, r := range w.Accounts[id].Regional {
			for _, i := range r.EC2.Instances {
				if !i.LegacyIMDSv1 {
					continue
				}
				if !world.IMDSv1Available(i.Metadata) || i.State != "running" || i.Tags["app"] != "legacy-web" {
					t.Errorf("%s/%s: legacy instance %s: %+v", id, region, i.ID, i)
				}
				alarms := 0
				for _, a := range r.CloudWatch.Alarms {
					for _, d := range a.Dimensions {
						if d.Name == "InstanceId" && d.Value == i.ID && !strings.HasPrefix(a.Namespace, "AWS/") {
							alarms++
							if a.StateValue() != "OK" || a.Tags["guardrail:health"] != "true" || !strings.HasPrefix(a.Name, "legacy-web-") {
								t.Errorf("%s/%s: alarm %+v", id, region, a)
							}
							out = append(out, fmt.Sprintf("%s/%s/%s/%s", id, region, i.ID, a.Name))
						}
					}
				}
				if alarms != 1 {
					t.Errorf("%s/%s: instance %s has %d application alarms, want 1", id, region, i.ID, alarms)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestLegacyWebApp: the web team's old site runs in storefront-prod
// (Production: us-east-1, us-west-2) and storefront-dev (Development: us-east-1), each
// instance an EC2.8 failure with an OK health alarm; nowhere else.
func TestLegacyWebApp(t *testing.T) {
	w, err := Load(clock.Fixed(SampleNow))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"444444444402/us-east-1/i-01e9ac7000000ee01/legacy-web-444444444402-health",
		"444444444402/us-west-2/i-01e9ac7000000ee01/legacy-web-444444444402-health",
		"555555555502/us-east-1/i-01e9ac7000000ee01/legacy-web-555555555502-health",
	}
	if got := legacyWeb(t, w); !reflect.DeepEqual(got, want) {
		t.Errorf("legacy web application:\n got %v\nwant %v", got, want)
	}
	// The application is added to the profile's resources, not in place
	// of them.
	r := w.Accounts["444444444402"].In("us-east-1")
	if len(r.EC2.Instances) != 4 || r.EC2.Instances[0].ID != "i-0b0d0c7100001c0d1" || len(r.CloudWatch.Alarms) < 2 {
		t.Errorf("storefront-prod us-east-1: %d instances, %d alarms", len(r.EC2.Instances), len(r.CloudWatch.Alarms))
	}
	// Generate keeps the application in the clones of its accounts, in
	// the regions it has.
	g, err := Generate(20, 1, clock.Fixed(SampleNow))
	if err != nil {
		t.Fatal(err)
	}
	got := legacyWeb(t, g)
	if len(got) < 2 {
		t.Errorf("generated: %v", got)
	}
	for _, s := range got {
		if !strings.Contains(s, "/us-east-1/") {
			t.Errorf("generated in a region it does not have: %s", s)
		}
	}
}

func TestAppErrors(t *testing.T) {
	base := "org_id: o-x\nroot_id: r-x\nhome_region: us-east-1\nregions: [us-east-1]\nscanner_role: R\n"
	_, err := ParseSpec("org.yaml", []byte(base+`management: {id: "111111111111", name: m, email: m@x, profile: managed, apps: {legacy-web: [us-east-9]}}`+"\n"))
	if err == nil || !strings.Contains(err.Error(), `apps: legacy-web: unknown region "us-east-9"`) {
		t.Errorf("unknown region: %v", err)
	}
	for name, tc := range map[string]struct {
		apps map[string][]string
		want string
	}{
		"unknown app": {map[string][]string{"shiny": {"us-east-1"}}, `apps: no application "shiny"`},
		"disabled":    {map[string][]string{"legacy-web": {"eu-west-2"}}, "apps: legacy-web: region eu-west-2 is not enabled"},
	} {
		t.Run(name, func(t *testing.T) {
			spec, err := ReadSpec()
			if err != nil {
				t.Fatal(err)
			}
			spec.Management.Apps = tc.apps
			if _, err := Build(spec, clock.Fixed(SampleNow)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// An application adds resources; it cannot change a setting.
	src := world.Region{EC2: world.EC2{EBSEncryptionByDefault: true}}
	var dst world.Region
	err = appendInto(reflect.ValueOf(&dst).Elem(), reflect.ValueOf(src), strings.NewReplacer(), "app")
	if err == nil || !strings.Contains(err.Error(), "app.ec2.ebs_encryption_by_default: an application adds resources") {
		t.Errorf("setting: %v", err)
	}
}
