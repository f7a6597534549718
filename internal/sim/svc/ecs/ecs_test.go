package ecs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecssdk "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func client(t *testing.T, s *simtest.Sim, account, reg string) *ecssdk.Client {
	return ecssdk.NewFromConfig(s.Config(t, account, reg))
}

func TestClustersPaginationAndSettings(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 7 {
		r.ECS.Clusters = append(r.ECS.Clusters, &world.ECSCluster{Name: fmt.Sprintf("c%d", i)})
	}
	r.ECS.Clusters[0].ContainerInsights = "enhanced"
	s := simtest.Start(t, w)
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	var arns []string
	var token *string
	pages := 0
	for {
		out, err := c.ListClusters(ctx, &ecssdk.ListClustersInput{MaxResults: aws.Int32(3), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		arns = append(arns, out.ClusterArns...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(arns) != 7 || pages != 3 || arns[0] != "arn:aws:ecs:eu-west-1:222222222222:cluster/c0" {
		t.Errorf("%d pages: %v", pages, arns)
	}
	if _, err := c.ListClusters(ctx, &ecssdk.ListClustersInput{MaxResults: aws.Int32(101)}); code(err) != "InvalidParameterException" {
		t.Errorf("maxResults 101: %v", err)
	}
	if _, err := c.ListClusters(ctx, &ecssdk.ListClustersInput{NextToken: aws.String("garbage")}); code(err) != "InvalidParameterException" {
		t.Errorf("bad token: %v", err)
	}
	out, err := c.DescribeClusters(ctx, &ecssdk.DescribeClustersInput{Clusters: []string{arns[0], "c1", "nope"},
		Include: []types.ClusterField{types.ClusterFieldSettings}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Clusters) != 2 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" ||
		aws.ToString(out.Failures[0].Arn) != "arn:aws:ecs:eu-west-1:222222222222:cluster/nope" {
		t.Fatalf("describe = %+v", out)
	}
	got := map[string]string{}
	for _, cl := range out.Clusters {
		for _, st := range cl.Settings {
			got[aws.ToString(cl.ClusterName)] = aws.ToString(st.Value)
		}
	}
	if got["c0"] != "enhanced" || got["c1"] != "disabled" {
		t.Errorf("settings = %v", got)
	}
	// Without include=SETTINGS no settings are returned.
	out, err = c.DescribeClusters(ctx, &ecssdk.DescribeClustersInput{Clusters: []string{"c0"}})
	if err != nil || len(out.Clusters) != 1 || out.Clusters[0].Settings != nil {
		t.Errorf("no include: %+v %v", out, err)
	}
}

func TestWriteThenReadServicesAndTaskDefinitions(t *testing.T) {
	s := simtest.Start(t, nil)
	c := client(t, s, simtest.Member, region)
	ctx := context.Background()
	if _, err := c.CreateCluster(ctx, &ecssdk.CreateClusterInput{ClusterName: aws.String("prod"),
		Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := c.RegisterTaskDefinition(ctx, &ecssdk.RegisterTaskDefinitionInput{
			Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc, PidMode: types.PidModeHost,
			RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(fmt.Sprintf("app:%d", i)),
				Privileged: aws.Bool(i == 1), ReadonlyRootFilesystem: aws.Bool(true), User: aws.String("1000"),
				Environment:      []types.KeyValuePair{{Name: aws.String("AWS_ACCESS_KEY_ID"), Value: aws.String("AKIA")}},
				LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{"awslogs-group": "/ecs/web"}}}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	td, err := c.DescribeTaskDefinition(ctx, &ecssdk.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	d := td.TaskDefinition
	ct := d.ContainerDefinitions[0]
	if d.Revision != 2 || aws.ToString(d.TaskDefinitionArn) != "arn:aws:ecs:eu-west-1:222222222222:task-definition/web:2" ||
		d.NetworkMode != types.NetworkModeAwsvpc || d.PidMode != types.PidModeHost || !aws.ToBool(ct.Privileged) ||
		aws.ToString(ct.User) != "1000" || ct.LogConfiguration.LogDriver != types.LogDriverAwslogs ||
		aws.ToString(ct.Environment[0].Name) != "AWS_ACCESS_KEY_ID" || d.Status != types.TaskDefinitionStatusActive {
		t.Errorf("task definition = %+v, container %+v", d, ct)
	}
	// Deregistering the latest revision makes the family name resolve to
	// the latest ACTIVE one.
	if _, err := c.DeregisterTaskDefinition(ctx, &ecssdk.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web:2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeregisterTaskDefinition(ctx, &ecssdk.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web")}); code(err) != "ClientException" {
		t.Errorf("deregister without revision: %v", err)
	}
	td, err = c.DescribeTaskDefinition(ctx, &ecssdk.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web")})
	if err != nil || td.TaskDefinition.Revision != 1 {
		t.Errorf("after deregister: %+v %v", td, err)
	}
	if td, err := c.DescribeTaskDefinition(ctx, &ecssdk.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web:2")}); err != nil ||
		td.TaskDefinition.Status != types.TaskDefinitionStatusInactive {
		t.Errorf("web:2 = %+v %v", td, err)
	}
	if _, err := c.DescribeTaskDefinition(ctx, &ecssdk.DescribeTaskDefinitionInput{TaskDefinition: aws.String("nope")}); code(err) != "ClientException" {
		t.Errorf("unknown family: %v", err)
	}
	// runtimePlatform round-trips; a task definition registered without
	// one has none; an unknown OS family is refused.
	if _, err := c.RegisterTaskDefinition(ctx, &ecssdk.RegisterTaskDefinitionInput{Family: aws.String("win"),
		RuntimePlatform:      &types.RuntimePlatform{OperatingSystemFamily: types.OSFamilyWindowsServer2022Core},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("iis"), Image: aws.String("iis")}}}); err != nil {
		t.Fatal(err)
	}
	if win, err := c.DescribeTaskDefinition(ctx, &ecssdk.DescribeTaskDefinitionInput{TaskDefinition: aws.String("win")}); err != nil ||
		win.TaskDefinition.RuntimePlatform == nil || win.TaskDefinition.RuntimePlatform.OperatingSystemFamily != types.OSFamilyWindowsServer2022Core {
		t.Errorf("windows task definition = %+v %v", win, err)
	}
	if d.RuntimePlatform != nil {
		t.Errorf("runtime platform %+v on a task definition registered without one", d.RuntimePlatform)
	}
	if _, err := c.RegisterTaskDefinition(ctx, &ecssdk.RegisterTaskDefinitionInput{Family: aws.String("bad"),
		RuntimePlatform:      &types.RuntimePlatform{OperatingSystemFamily: "BEOS"},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("x"), Image: aws.String("x")}}}); code(err) != "ClientException" {
		t.Errorf("unknown OS family: %v", err)
	}
	if _, err := c.RegisterTaskDefinition(ctx, &ecssdk.RegisterTaskDefinitionInput{Family: aws.String("only-old"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("x"), Image: aws.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeregisterTaskDefinition(ctx, &ecssdk.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("only-old:1")}); err != nil {
		t.Fatal(err)
	}
	for st, want := range map[types.TaskDefinitionFamilyStatus]string{
		types.TaskDefinitionFamilyStatusActive: "[web win]", types.TaskDefinitionFamilyStatusInactive: "[only-old]", "": "[only-old web win]"} {
		out, err := c.ListTaskDefinitionFamilies(ctx, &ecssdk.ListTaskDefinitionFamiliesInput{Status: st})
		if err != nil || fmt.Sprint(out.Families) != want {
			t.Errorf("families %q = %v %v, want %s", st, out.Families, err, want)
		}
	}

	for i := range 12 {
		in := &ecssdk.CreateServiceInput{Cluster: aws.String("prod"), ServiceName: aws.String(fmt.Sprintf("svc%02d", i)),
			TaskDefinition: aws.String("web:1"), LaunchType: types.LaunchTypeFargate}
		if i == 0 {
			in.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
				Subnets: []string{"subnet-1"}, AssignPublicIp: types.AssignPublicIpEnabled}}
			in.PlatformVersion = aws.String("1.3.0")
		}
		if _, err := c.CreateService(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	var arns []string
	var token *string
	for {
		out, err := c.ListServices(ctx, &ecssdk.ListServicesInput{Cluster: aws.String("prod"), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ServiceArns) > 10 {
			t.Errorf("default page of %d services, want at most 10", len(out.ServiceArns))
		}
		arns = append(arns, out.ServiceArns...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(arns) != 12 || arns[0] != "arn:aws:ecs:eu-west-1:222222222222:service/prod/svc00" {
		t.Errorf("services = %v", arns)
	}
	if _, err := c.DescribeServices(ctx, &ecssdk.DescribeServicesInput{Cluster: aws.String("prod"), Services: arns[:11]}); code(err) != "InvalidParameterException" {
		t.Errorf("11 services: %v", err)
	}
	ds, err := c.DescribeServices(ctx, &ecssdk.DescribeServicesInput{Cluster: aws.String("prod"), Services: []string{arns[0], "svc01", "gone"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Services) != 2 || len(ds.Failures) != 1 {
		t.Fatalf("describe services = %+v", ds)
	}
	sv := ds.Services[0]
	if sv.LaunchType != types.LaunchTypeFargate || aws.ToString(sv.PlatformVersion) != "1.3.0" ||
		sv.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != types.AssignPublicIpEnabled ||
		aws.ToString(sv.TaskDefinition) != "arn:aws:ecs:eu-west-1:222222222222:task-definition/web:1" {
		t.Errorf("service = %+v", sv)
	}
	if aws.ToString(ds.Services[1].PlatformVersion) != "LATEST" || ds.Services[1].NetworkConfiguration != nil {
		t.Errorf("svc01 = %+v", ds.Services[1])
	}
	if _, err := c.ListServices(ctx, &ecssdk.ListServicesInput{Cluster: aws.String("nope")}); code(err) != "ClusterNotFoundException" {
		t.Errorf("unknown cluster: %v", err)
	}
	if _, err := c.DescribeServices(ctx, &ecssdk.DescribeServicesInput{Cluster: aws.String("nope"), Services: []string{"x"}}); code(err) != "ClusterNotFoundException" {
		t.Errorf("unknown cluster: %v", err)
	}

	// Isolation: another account, and another region of the same account, see nothing.
	for _, other := range []*ecssdk.Client{client(t, s, simtest.Management, region), client(t, s, simtest.Member, "us-east-1")} {
		lc, err := other.ListClusters(ctx, &ecssdk.ListClustersInput{})
		if err != nil || len(lc.ClusterArns) != 0 {
			t.Errorf("other sees clusters %v %v", lc, err)
		}
		lf, err := other.ListTaskDefinitionFamilies(ctx, &ecssdk.ListTaskDefinitionFamiliesInput{})
		if err != nil || len(lf.Families) != 0 {
			t.Errorf("other sees families %v %v", lf, err)
		}
		if _, err := other.DescribeTaskDefinition(ctx, &ecssdk.DescribeTaskDefinitionInput{TaskDefinition: aws.String("arn:aws:ecs:eu-west-1:222222222222:task-definition/web:1")}); code(err) != "ClientException" {
			t.Errorf("other account's task definition: %v", err)
		}
	}
}
