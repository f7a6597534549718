package eks_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ekssdk "github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eks/types"
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

func TestListClustersPagination(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 7 {
		r.EKS.Clusters = append(r.EKS.Clusters, &world.EKSCluster{Name: fmt.Sprintf("c%d", i), Version: "1.33"})
	}
	c := ekssdk.NewFromConfig(simtest.Start(t, w).Config(t, simtest.Member, region))
	ctx := context.Background()
	var names []string
	var token *string
	pages := 0
	for {
		out, err := c.ListClusters(ctx, &ekssdk.ListClustersInput{MaxResults: aws.Int32(3), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		names = append(names, out.Clusters...)
		if token = out.NextToken; token == nil {
			break
		}
	}
	if fmt.Sprint(names) != "[c0 c1 c2 c3 c4 c5 c6]" || pages != 3 {
		t.Errorf("%d pages: %v", pages, names)
	}
	if _, err := c.ListClusters(ctx, &ekssdk.ListClustersInput{MaxResults: aws.Int32(101)}); code(err) != "InvalidParameterException" {
		t.Errorf("maxResults 101: %v", err)
	}
	if _, err := c.ListClusters(ctx, &ekssdk.ListClustersInput{NextToken: aws.String("x")}); code(err) != "InvalidParameterException" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := c.DescribeCluster(ctx, &ekssdk.DescribeClusterInput{Name: aws.String("nope")}); code(err) != "ResourceNotFoundException" {
		t.Errorf("unknown cluster: %v", err)
	}
	var nf *types.ResourceNotFoundException
	if _, err := c.DescribeCluster(ctx, &ekssdk.DescribeClusterInput{Name: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("not a typed ResourceNotFoundException: %T", err)
	}
}

func TestWriteThenRead(t *testing.T) {
	s := simtest.Start(t, nil)
	c := ekssdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	_, err := c.CreateCluster(ctx, &ekssdk.CreateClusterInput{Name: aws.String("prod"), Version: aws.String("1.31"),
		RoleArn:            aws.String("arn:aws:iam::222222222222:role/eks"),
		ResourcesVpcConfig: &types.VpcConfigRequest{SubnetIds: []string{"subnet-1", "subnet-2"}},
		EncryptionConfig:   []types.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &types.Provider{KeyArn: aws.String("arn:aws:kms:eu-west-1:222222222222:key/k")}}},
		Logging:            &types.Logging{ClusterLogging: []types.LogSetup{{Types: []types.LogType{types.LogTypeApi}, Enabled: aws.Bool(true)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCluster(ctx, &ekssdk.CreateClusterInput{Name: aws.String("prod"), RoleArn: aws.String("r"), ResourcesVpcConfig: &types.VpcConfigRequest{}}); code(err) != "ResourceInUseException" {
		t.Errorf("duplicate: %v", err)
	}
	d, err := c.DescribeCluster(ctx, &ekssdk.DescribeClusterInput{Name: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	cl := d.Cluster
	v := cl.ResourcesVpcConfig
	if aws.ToString(cl.Version) != "1.31" || aws.ToString(cl.Arn) != "arn:aws:eks:eu-west-1:222222222222:cluster/prod" || !v.EndpointPublicAccess ||
		v.EndpointPrivateAccess || fmt.Sprint(v.PublicAccessCidrs) != "[0.0.0.0/0]" || cl.Status != types.ClusterStatusActive ||
		len(cl.EncryptionConfig) != 1 || cl.EncryptionConfig[0].Resources[0] != "secrets" || !cl.CreatedAt.Equal(simtest.Now) {
		t.Errorf("cluster = %+v vpc %+v", cl, v)
	}
	enabled := func(cl *types.Cluster) []types.LogType {
		var on []types.LogType
		for _, s := range cl.Logging.ClusterLogging {
			if aws.ToBool(s.Enabled) {
				on = append(on, s.Types...)
			}
		}
		return on
	}
	if fmt.Sprint(enabled(cl)) != "[api]" {
		t.Errorf("logging = %+v", cl.Logging)
	}
	if _, err := c.UpdateClusterConfig(ctx, &ekssdk.UpdateClusterConfigInput{Name: aws.String("prod"),
		Logging: &types.Logging{ClusterLogging: []types.LogSetup{{Types: []types.LogType{types.LogTypeAudit, types.LogTypeAuthenticator}, Enabled: aws.Bool(true)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateClusterConfig(ctx, &ekssdk.UpdateClusterConfigInput{Name: aws.String("prod"),
		ResourcesVpcConfig: &types.VpcConfigRequest{EndpointPublicAccess: aws.Bool(false), EndpointPrivateAccess: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateClusterConfig(ctx, &ekssdk.UpdateClusterConfigInput{Name: aws.String("prod"),
		ResourcesVpcConfig: &types.VpcConfigRequest{EndpointPrivateAccess: aws.Bool(false)}}); code(err) != "InvalidParameterException" {
		t.Errorf("no endpoint at all: %v", err)
	}
	d, err = c.DescribeCluster(ctx, &ekssdk.DescribeClusterInput{Name: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(enabled(d.Cluster)) != "[api audit authenticator]" || d.Cluster.ResourcesVpcConfig.EndpointPublicAccess || !d.Cluster.ResourcesVpcConfig.EndpointPrivateAccess {
		t.Errorf("after update: %+v %+v", d.Cluster.Logging, d.Cluster.ResourcesVpcConfig)
	}
	for _, other := range []*ekssdk.Client{ekssdk.NewFromConfig(s.Config(t, simtest.Management, region)), ekssdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))} {
		o, err := other.ListClusters(ctx, &ekssdk.ListClustersInput{})
		if err != nil || len(o.Clusters) != 0 {
			t.Errorf("other sees %v %v", o, err)
		}
		if _, err := other.DescribeCluster(ctx, &ekssdk.DescribeClusterInput{Name: aws.String("prod")}); code(err) != "ResourceNotFoundException" {
			t.Errorf("other describes: %v", err)
		}
	}
}
