// Package cloudfront collects the CloudFront state of an account
// (global: once per account, in its home region): every distribution
// (ListDistributions), its configuration (GetDistributionConfig: the
// default root object and logging are not in the list), and, for each S3
// origin, whether its bucket exists (S3 HeadBucket: a 404 says it does
// not; a 403 or a redirect says it exists, in another account or region).
package cloudfront

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cfapi "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudfront"
)

// Collector returns the global "cloudfront" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:   "cloudfront",
		Global: true,
		Actions: []string{
			"cloudfront:GetDistributionConfig",
			"cloudfront:ListDistributions",
			// HeadBucket needs s3:ListBucket.
			"s3:ListBucket",
		},
		Collect: collectAccount,
	}
}

func collectAccount(ctx context.Context, in collect.Input) error {
	client := cfapi.NewFromConfig(in.Config)
	s := &cloudfront.CloudFront{Distributions: []*cloudfront.Distribution{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		out, err := client.ListDistributions(ctx, &cfapi.ListDistributionsInput{Marker: token})
		if err != nil {
			return nil, err
		}
		l := out.DistributionList
		if l == nil {
			return nil, nil
		}
		for _, d := range l.Items {
			s.Distributions = append(s.Distributions, &cloudfront.Distribution{ID: aws.ToString(d.Id), ARN: aws.ToString(d.ARN),
				DomainName: aws.ToString(d.DomainName), Enabled: aws.ToBool(d.Enabled)})
		}
		if !aws.ToBool(l.IsTruncated) {
			return nil, nil
		}
		return l.NextMarker, nil
	}); err != nil {
		return fmt.Errorf("list distributions: %w", err)
	}
	s3c := s3api.NewFromConfig(in.Config)
	exists := map[string]*bucketState{}
	for _, d := range s.Distributions {
		out, err := client.GetDistributionConfig(ctx, &cfapi.GetDistributionConfigInput{Id: aws.String(d.ID)})
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("get config of distribution %s: %w", d.ID, err)
			}
			setError(d, "config", awsx.Brief(err))
			continue
		}
		if out.DistributionConfig == nil {
			setError(d, "config", "GetDistributionConfig returned no configuration")
			continue
		}
		d.Config = convert(out.DistributionConfig)
		for _, o := range d.Config.Origins {
			b := cloudfront.BucketOf(o.DomainName)
			if !o.S3 || b == "" {
				continue
			}
			st := exists[b]
			if st == nil {
				st = headBucket(ctx, s3c, b)
				exists[b] = st
				if ctx.Err() != nil {
					return fmt.Errorf("head bucket %s: %w", b, ctx.Err())
				}
			}
			if st.err != "" {
				setError(d, "bucket:"+b, st.err)
				continue
			}
			if d.Buckets == nil {
				d.Buckets = map[string]bool{}
			}
			d.Buckets[b] = st.exists
		}
	}
	in.Account.CloudFront = s
	return nil
}

type bucketState struct {
	exists bool
	err    string
}

// headBucket tells whether bucket exists: 404 is the only answer that
// says it does not; 403 (another owner) and 301 (another region) say it
// does.
func headBucket(ctx context.Context, c *s3api.Client, bucket string) *bucketState {
	_, err := c.HeadBucket(ctx, &s3api.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		return &bucketState{exists: true}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch re.HTTPStatusCode() {
		case http.StatusNotFound:
			return &bucketState{exists: false}
		case http.StatusForbidden, http.StatusMovedPermanently:
			return &bucketState{exists: true}
		}
	}
	return &bucketState{err: awsx.Brief(err)}
}

func setError(d *cloudfront.Distribution, key, why string) {
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.Errors[key] = why
}

func behavior(path, target *string, vpp cftypes.ViewerProtocolPolicy) cloudfront.CacheBehavior {
	return cloudfront.CacheBehavior{PathPattern: aws.ToString(path), TargetOrigin: aws.ToString(target), ViewerProtocolPolicy: string(vpp)}
}

func convert(c *cftypes.DistributionConfig) *cloudfront.Config {
	out := &cloudfront.Config{DefaultRootObject: aws.ToString(c.DefaultRootObject), Origins: []cloudfront.Origin{}, WebACL: aws.ToString(c.WebACLId)}
	if c.Origins != nil {
		for _, o := range c.Origins.Items {
			x := cloudfront.Origin{ID: aws.ToString(o.Id), DomainName: aws.ToString(o.DomainName), OAC: aws.ToString(o.OriginAccessControlId)}
			if o.S3OriginConfig != nil {
				x.S3, x.OAI = true, aws.ToString(o.S3OriginConfig.OriginAccessIdentity)
			}
			if cc := o.CustomOriginConfig; cc != nil {
				x.ProtocolPolicy = string(cc.OriginProtocolPolicy)
				if cc.OriginSslProtocols != nil {
					for _, p := range cc.OriginSslProtocols.Items {
						x.SSLProtocols = append(x.SSLProtocols, string(p))
					}
				}
			}
			out.Origins = append(out.Origins, x)
		}
	}
	if c.OriginGroups != nil {
		for _, g := range c.OriginGroups.Items {
			x := cloudfront.OriginGroup{ID: aws.ToString(g.Id), Members: []string{}}
			if g.Members != nil {
				for _, m := range g.Members.Items {
					x.Members = append(x.Members, aws.ToString(m.OriginId))
				}
			}
			out.OriginGroups = append(out.OriginGroups, x)
		}
	}
	if b := c.DefaultCacheBehavior; b != nil {
		out.DefaultBehavior = behavior(nil, b.TargetOriginId, b.ViewerProtocolPolicy)
	}
	if c.CacheBehaviors != nil {
		for _, b := range c.CacheBehaviors.Items {
			out.Behaviors = append(out.Behaviors, behavior(b.PathPattern, b.TargetOriginId, b.ViewerProtocolPolicy))
		}
	}
	if l := c.Logging; l != nil && aws.ToBool(l.Enabled) {
		out.Logging, out.LoggingBucket = true, aws.ToString(l.Bucket)
	}
	if v := c.ViewerCertificate; v != nil {
		out.Certificate = cloudfront.ViewerCertificate{Default: aws.ToBool(v.CloudFrontDefaultCertificate), ACMCertificate: aws.ToString(v.ACMCertificateArn),
			IAMCertificate: aws.ToString(v.IAMCertificateId), SSLSupportMethod: string(v.SSLSupportMethod), MinimumProtocol: string(v.MinimumProtocolVersion)}
	} else {
		out.Certificate.Default = true
	}
	return out
}
