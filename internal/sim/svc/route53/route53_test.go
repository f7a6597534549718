package route53_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	r53api "github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const logGroup = "arn:aws:logs:us-east-1:222222222222:log-group:/aws/route53/shop.example.com"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed(extra int) *world.World {
	w := simtest.NewWorld()
	a := w.Accounts[simtest.Member]
	a.Route53.HostedZones = []*world.HostedZone{
		{ID: "Z0000000000000000001", Name: "example.com.", QueryLogGroupARN: "arn:aws:logs:us-east-1:222222222222:log-group:/aws/route53/example.com", Records: 12},
		{ID: "Z0000000000000000002", Name: "shop.example.com."},
		{ID: "Z0000000000000000003", Name: "internal.example.com.", Private: true},
	}
	for i := 0; i < extra; i++ {
		a.Route53.HostedZones = append(a.Route53.HostedZones, &world.HostedZone{ID: fmt.Sprintf("Z1%019d", i), Name: fmt.Sprintf("z%d.example.org.", i)})
	}
	a.In("us-east-1").Logs.Groups = []*world.LogGroup{{Name: "/aws/route53/shop.example.com"}}
	return w
}

func TestHostedZonesAndQueryLogging(t *testing.T) {
	s := simtest.Start(t, seed(0))
	// A global service: any region reaches the same state.
	c := r53api.NewFromConfig(s.Config(t, simtest.Member, "eu-west-1"))
	ctx := context.Background()
	l, err := c.ListHostedZones(ctx, &r53api.ListHostedZonesInput{})
	if err != nil || len(l.HostedZones) != 3 || l.IsTruncated || l.NextMarker != nil || aws.ToInt32(l.MaxItems) != 100 {
		t.Fatalf("%+v %v", l, err)
	}
	z := l.HostedZones[0]
	if aws.ToString(z.Id) != "/hostedzone/Z0000000000000000001" || aws.ToString(z.Name) != "example.com." || z.Config == nil ||
		z.Config.PrivateZone || aws.ToInt64(z.ResourceRecordSetCount) != 12 || !l.HostedZones[2].Config.PrivateZone {
		t.Errorf("zones = %+v", l.HostedZones)
	}
	q, err := c.ListQueryLoggingConfigs(ctx, &r53api.ListQueryLoggingConfigsInput{HostedZoneId: aws.String("/hostedzone/Z0000000000000000001")})
	if err != nil || len(q.QueryLoggingConfigs) != 1 || aws.ToString(q.QueryLoggingConfigs[0].HostedZoneId) != "Z0000000000000000001" ||
		aws.ToString(q.QueryLoggingConfigs[0].Id) == "" {
		t.Errorf("configs = %+v %v", q, err)
	}
	q, err = c.ListQueryLoggingConfigs(ctx, &r53api.ListQueryLoggingConfigsInput{HostedZoneId: aws.String("Z0000000000000000002")})
	if err != nil || len(q.QueryLoggingConfigs) != 0 {
		t.Errorf("unlogged zone = %+v %v", q, err)
	}
	var nsz *r53types.NoSuchHostedZone
	if _, err := c.ListQueryLoggingConfigs(ctx, &r53api.ListQueryLoggingConfigsInput{HostedZoneId: aws.String("ZNOPE")}); !errors.As(err, &nsz) {
		t.Errorf("missing zone: %v", err)
	}
	var ipt *r53types.InvalidPaginationToken
	if _, err := c.ListQueryLoggingConfigs(ctx, &r53api.ListQueryLoggingConfigsInput{NextToken: aws.String("garbage")}); !errors.As(err, &ipt) {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.ListHostedZones(ctx, &r53api.ListHostedZonesInput{MaxItems: aws.Int32(0)}); code(err) != "InvalidInput" {
		t.Errorf("maxitems 0: %v", err)
	}
}

func TestPagination(t *testing.T) {
	s := simtest.Start(t, seed(250))
	c := r53api.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	ctx := context.Background()
	var ids []string
	var marker *string
	pages := 0
	for {
		l, err := c.ListHostedZones(ctx, &r53api.ListHostedZonesInput{Marker: marker, MaxItems: aws.Int32(500)})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(l.HostedZones) > 100 {
			t.Fatalf("page of %d", len(l.HostedZones))
		}
		for _, z := range l.HostedZones {
			ids = append(ids, aws.ToString(z.Id))
		}
		if !l.IsTruncated {
			break
		}
		// NextMarker is the first zone of the next page.
		if want := fmt.Sprintf("/hostedzone/%s", aws.ToString(l.NextMarker)); len(ids) < 253 && want == ids[len(ids)-1] {
			t.Fatalf("NextMarker %s repeats the last zone", want)
		}
		marker = l.NextMarker
	}
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(ids) != 253 || len(seen) != 253 || pages != 3 {
		t.Errorf("%d zones (%d distinct) in %d pages", len(ids), len(seen), pages)
	}
}

func TestCreateQueryLoggingConfigAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(1))
	c := r53api.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	ctx := context.Background()
	out, err := c.CreateQueryLoggingConfig(ctx, &r53api.CreateQueryLoggingConfigInput{HostedZoneId: aws.String("Z0000000000000000002"),
		CloudWatchLogsLogGroupArn: aws.String(logGroup)})
	if err != nil || aws.ToString(out.QueryLoggingConfig.HostedZoneId) != "Z0000000000000000002" || aws.ToString(out.Location) == "" {
		t.Fatalf("%+v %v", out, err)
	}
	q, err := c.ListQueryLoggingConfigs(ctx, &r53api.ListQueryLoggingConfigsInput{HostedZoneId: aws.String("Z0000000000000000002")})
	if err != nil || len(q.QueryLoggingConfigs) != 1 || aws.ToString(q.QueryLoggingConfigs[0].CloudWatchLogsLogGroupArn) != logGroup {
		t.Errorf("read after write = %+v %v", q, err)
	}
	var exists *r53types.QueryLoggingConfigAlreadyExists
	if _, err := c.CreateQueryLoggingConfig(ctx, &r53api.CreateQueryLoggingConfigInput{HostedZoneId: aws.String("Z0000000000000000002"),
		CloudWatchLogsLogGroupArn: aws.String(logGroup)}); !errors.As(err, &exists) {
		t.Errorf("twice: %v", err)
	}
	if _, err := c.CreateQueryLoggingConfig(ctx, &r53api.CreateQueryLoggingConfigInput{HostedZoneId: aws.String("Z0000000000000000003"),
		CloudWatchLogsLogGroupArn: aws.String(logGroup)}); code(err) != "InvalidInput" {
		t.Errorf("private zone: %v", err)
	}
	var noGroup *r53types.NoSuchCloudWatchLogsLogGroup
	if _, err := c.CreateQueryLoggingConfig(ctx, &r53api.CreateQueryLoggingConfigInput{HostedZoneId: aws.String("Z10000000000000000000"),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-east-1:222222222222:log-group:missing")}); !errors.As(err, &noGroup) {
		t.Errorf("missing group: %v", err)
	}
	// The log group must be in us-east-1.
	if _, err := c.CreateQueryLoggingConfig(ctx, &r53api.CreateQueryLoggingConfigInput{HostedZoneId: aws.String("Z10000000000000000000"),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:eu-west-1:222222222222:log-group:/aws/route53/shop.example.com")}); code(err) != "InvalidInput" {
		t.Errorf("group in eu-west-1: %v", err)
	}
	other := r53api.NewFromConfig(s.Config(t, simtest.Management, "us-east-1"))
	if l, err := other.ListHostedZones(ctx, &r53api.ListHostedZonesInput{}); err != nil || len(l.HostedZones) != 0 {
		t.Errorf("isolation: %+v %v", l, err)
	}
	if q, err := other.ListQueryLoggingConfigs(ctx, &r53api.ListQueryLoggingConfigsInput{}); err != nil || len(q.QueryLoggingConfigs) != 0 {
		t.Errorf("isolation: %+v %v", q, err)
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Global[world.Route53]("route53")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
