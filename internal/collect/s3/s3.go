// Package s3 collects an account's S3 state: its buckets in every region
// with the configuration Guardrail judges, the account-level Block Public
// Access setting and the account's access points (S3 Control).
//
// S3 is global (ListBuckets answers every region's buckets) but each
// bucket must be read in its own region: S3 redirects a request signed
// for another region. Buckets are read concurrently, a bounded number at
// a time, as an account may have hundreds.
package s3

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"golang.org/x/sync/errgroup"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	s3snap "github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// concurrency bounds the buckets (and regions' access point lists) read
// at the same time in one account.
const concurrency = 8

// The S3 error codes that mean "not configured": data, not failures.
const (
	codeNoPolicy     = "NoSuchBucketPolicy"
	codeNoPAB        = "NoSuchPublicAccessBlockConfiguration"
	codeNoOwnership  = "OwnershipControlsNotFoundError"
	codeNoEncryption = "ServerSideEncryptionConfigurationNotFoundError"
	codeNoTags       = "NoSuchTagSet"
	codeNoLifecycle  = "NoSuchLifecycleConfiguration"
)

// Collector returns the s3 collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:   "s3",
		Global: true,
		Actions: []string{
			"s3:ListAllMyBuckets",
			"s3:GetBucketLocation",
			"s3:GetBucketPolicy",
			"s3:GetBucketPolicyStatus",
			"s3:GetBucketPublicAccessBlock",
			"s3:GetBucketAcl",
			"s3:GetBucketOwnershipControls",
			"s3:GetBucketLogging",
			"s3:GetBucketVersioning",
			"s3:GetEncryptionConfiguration",
			"s3:GetLifecycleConfiguration",
			"s3:GetBucketTagging",
			"s3:GetAccountPublicAccessBlock",
			"s3:ListAccessPoints",
			"s3:GetAccessPoint",
		},
		Collect: collectS3,
	}
}

func collectS3(ctx context.Context, in collect.Input) error {
	c := &collector{
		s3:      s3api.NewFromConfig(in.Config),
		ctl:     s3control.NewFromConfig(in.Config),
		account: in.Account.ID,
		part:    in.Target.Partition,
	}
	if c.part == "" {
		c.part = "aws"
	}
	st := &s3snap.S3{Buckets: []s3snap.Bucket{}}
	if err := c.listBuckets(ctx, st); err != nil {
		return err
	}
	c.accountPAB(ctx, st)

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for i := range st.Buckets {
		g.Go(func() error { return c.bucket(gctx, &st.Buckets[i]) })
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("read buckets: %w", err)
	}
	if err := c.accessPoints(ctx, st, apRegions(in.Account.RegionNames(), st.Buckets)); err != nil {
		return err
	}
	in.Account.S3 = st
	return nil
}

type collector struct {
	s3      *s3api.Client
	ctl     *s3control.Client
	account string
	part    string
}

// inRegion returns the per-call option that sends a call to region.
func inRegion(region string) func(*s3api.Options) {
	return func(o *s3api.Options) { o.Region = region }
}

// listBuckets lists every bucket. Asking for pages (MaxBuckets) makes S3
// answer each bucket's region too, saving a GetBucketLocation per bucket.
func (c *collector) listBuckets(ctx context.Context, st *s3snap.S3) error {
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.s3.ListBuckets(ctx, &s3api.ListBucketsInput{MaxBuckets: aws.Int32(1000), ContinuationToken: token})
		if err != nil {
			return nil, err
		}
		for _, b := range page.Buckets {
			name := aws.ToString(b.Name)
			st.Buckets = append(st.Buckets, s3snap.Bucket{
				Name:    name,
				ARN:     "arn:" + c.part + ":s3:::" + name,
				Region:  aws.ToString(b.BucketRegion),
				Created: aws.ToTime(b.CreationDate),
			})
		}
		return page.ContinuationToken, nil
	}); err != nil {
		return fmt.Errorf("list buckets: %w", err)
	}
	sort.Slice(st.Buckets, func(i, j int) bool { return st.Buckets[i].Name < st.Buckets[j].Name })
	return nil
}

// accountPAB reads the account-level Block Public Access setting.
func (c *collector) accountPAB(ctx context.Context, st *s3snap.S3) {
	out, err := c.ctl.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(c.account)})
	switch {
	case awsx.Code(err) == codeNoPAB:
	case err != nil:
		st.Errors = map[string]string{s3snap.DetailPublicAccessBlock: awsx.Brief(err)}
	default:
		st.PublicAccessBlock = ctlPAB(out.PublicAccessBlockConfiguration)
	}
}

// bucket reads one bucket's configuration in its region. Failed details
// are recorded on the bucket; only a canceled context is an error.
func (c *collector) bucket(ctx context.Context, b *s3snap.Bucket) error {
	if b.Region == "" {
		out, err := c.s3.GetBucketLocation(ctx, &s3api.GetBucketLocationInput{Bucket: &b.Name})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// Every other call would be sent to the wrong region.
			b.SetErr(s3snap.DetailLocation, awsx.Brief(err))
			return nil
		}
		b.Region = location(out.LocationConstraint)
	}
	opt := inRegion(b.Region)
	name := &b.Name
	fail := func(detail string, err error) { b.SetErr(detail, awsx.Brief(err)) }

	if out, err := c.s3.GetBucketPolicy(ctx, &s3api.GetBucketPolicyInput{Bucket: name}, opt); err == nil {
		p, perr := s3snap.ParsePolicy(aws.ToString(out.Policy))
		if perr != nil {
			fail(s3snap.DetailPolicy, perr)
		} else {
			b.Policy = p
			if ps, err := c.s3.GetBucketPolicyStatus(ctx, &s3api.GetBucketPolicyStatusInput{Bucket: name}, opt); err != nil {
				fail(s3snap.DetailPolicyStatus, err)
			} else if ps.PolicyStatus != nil && ps.PolicyStatus.IsPublic != nil {
				b.PolicyPublic = aws.Bool(*ps.PolicyStatus.IsPublic)
			}
		}
	} else if awsx.Code(err) != codeNoPolicy {
		fail(s3snap.DetailPolicy, err)
	}

	if out, err := c.s3.GetPublicAccessBlock(ctx, &s3api.GetPublicAccessBlockInput{Bucket: name}, opt); err == nil {
		b.PublicAccessBlock = bucketPAB(out.PublicAccessBlockConfiguration)
	} else if awsx.Code(err) != codeNoPAB {
		fail(s3snap.DetailPublicAccessBlock, err)
	}

	if out, err := c.s3.GetBucketAcl(ctx, &s3api.GetBucketAclInput{Bucket: name}, opt); err == nil {
		b.ACL = acl(out)
	} else {
		fail(s3snap.DetailACL, err)
	}

	if out, err := c.s3.GetBucketOwnershipControls(ctx, &s3api.GetBucketOwnershipControlsInput{Bucket: name}, opt); err == nil {
		if oc := out.OwnershipControls; oc != nil && len(oc.Rules) > 0 {
			b.Ownership = string(oc.Rules[0].ObjectOwnership)
		}
	} else if awsx.Code(err) != codeNoOwnership {
		fail(s3snap.DetailOwnership, err)
	}

	if out, err := c.s3.GetBucketLogging(ctx, &s3api.GetBucketLoggingInput{Bucket: name}, opt); err == nil {
		if l := out.LoggingEnabled; l != nil && aws.ToString(l.TargetBucket) != "" {
			b.Logging = &s3snap.Logging{TargetBucket: aws.ToString(l.TargetBucket), TargetPrefix: aws.ToString(l.TargetPrefix)}
		}
	} else {
		fail(s3snap.DetailLogging, err)
	}

	if out, err := c.s3.GetBucketVersioning(ctx, &s3api.GetBucketVersioningInput{Bucket: name}, opt); err == nil {
		b.Versioning, b.MFADelete = string(out.Status), string(out.MFADelete)
	} else {
		fail(s3snap.DetailVersioning, err)
	}

	if out, err := c.s3.GetBucketEncryption(ctx, &s3api.GetBucketEncryptionInput{Bucket: name}, opt); err == nil {
		b.Encryption = encryption(out.ServerSideEncryptionConfiguration)
	} else if awsx.Code(err) != codeNoEncryption {
		fail(s3snap.DetailEncryption, err)
	}

	if out, err := c.s3.GetBucketLifecycleConfiguration(ctx, &s3api.GetBucketLifecycleConfigurationInput{Bucket: name}, opt); err == nil {
		b.Lifecycle = []s3snap.LifecycleRule{}
		for _, r := range out.Rules {
			b.Lifecycle = append(b.Lifecycle, s3snap.LifecycleRule{ID: aws.ToString(r.ID), Enabled: r.Status == s3types.ExpirationStatusEnabled})
		}
	} else if awsx.Code(err) != codeNoLifecycle {
		fail(s3snap.DetailLifecycle, err)
	}

	if out, err := c.s3.GetBucketTagging(ctx, &s3api.GetBucketTaggingInput{Bucket: name}, opt); err == nil {
		for _, t := range out.TagSet {
			if b.Tags == nil {
				b.Tags = map[string]string{}
			}
			b.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	} else if awsx.Code(err) != codeNoTags {
		fail(s3snap.DetailTags, err)
	}
	return ctx.Err()
}

// apRegions are the regions whose access points are listed: the assessed
// regions, and every region holding one of the account's buckets (an
// access point lives in its bucket's region).
func apRegions(assessed []string, buckets []s3snap.Bucket) []string {
	set := map[string]bool{}
	for _, r := range assessed {
		set[r] = true
	}
	for _, b := range buckets {
		if b.Region != "" {
			set[b.Region] = true
		}
	}
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// accessPoints lists the access points of each region and reads each one's
// Block Public Access setting. A region whose list fails is recorded in
// st.Errors; an access point whose detail fails, on the access point.
func (c *collector) accessPoints(ctx context.Context, st *s3snap.S3, regions []string) error {
	var mu sync.Mutex
	found := map[string][]s3snap.AccessPoint{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	for _, r := range regions {
		g.Go(func() error {
			aps, err := c.regionAccessPoints(gctx, r)
			if gctx.Err() != nil {
				return gctx.Err()
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if st.Errors == nil {
					st.Errors = map[string]string{}
				}
				st.Errors[s3snap.DetailAccessPoints+r] = awsx.Brief(err)
				return nil
			}
			found[r] = aps
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("list access points: %w", err)
	}
	for _, r := range regions {
		if aps, ok := found[r]; ok {
			st.AccessPointRegions = append(st.AccessPointRegions, r)
			st.AccessPoints = append(st.AccessPoints, aps...)
		}
	}
	return nil
}

func (c *collector) regionAccessPoints(ctx context.Context, region string) ([]s3snap.AccessPoint, error) {
	opt := func(o *s3control.Options) { o.Region = region }
	var out []s3snap.AccessPoint
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := c.ctl.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String(c.account), NextToken: token}, opt)
		if err != nil {
			return nil, err
		}
		for _, a := range page.AccessPointList {
			ap := s3snap.AccessPoint{
				Name:          aws.ToString(a.Name),
				ARN:           aws.ToString(a.AccessPointArn),
				Region:        region,
				Bucket:        aws.ToString(a.Bucket),
				BucketAccount: aws.ToString(a.BucketAccountId),
				NetworkOrigin: string(a.NetworkOrigin),
			}
			if a.VpcConfiguration != nil {
				ap.VpcID = aws.ToString(a.VpcConfiguration.VpcId)
			}
			if ap.ARN == "" {
				ap.ARN = "arn:" + c.part + ":s3:" + region + ":" + c.account + ":accesspoint/" + ap.Name
			}
			out = append(out, ap)
		}
		return page.NextToken, nil
	}); err != nil {
		return nil, fmt.Errorf("list access points: %w", err)
	}
	for i := range out {
		ap := &out[i]
		got, err := c.ctl.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(c.account), Name: aws.String(ap.Name)}, opt)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			ap.Errors = map[string]string{s3snap.DetailPublicAccessBlock: awsx.Brief(err)}
			continue
		}
		ap.PublicAccessBlock = ctlPAB(got.PublicAccessBlockConfiguration)
	}
	return out, nil
}

// location turns a LocationConstraint into a region: "" is us-east-1,
// the legacy "EU" is eu-west-1.
func location(l s3types.BucketLocationConstraint) string {
	switch l {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return string(l)
}

func bucketPAB(p *s3types.PublicAccessBlockConfiguration) *s3snap.PublicAccessBlock {
	if p == nil {
		return &s3snap.PublicAccessBlock{}
	}
	return &s3snap.PublicAccessBlock{
		BlockPublicACLs:       aws.ToBool(p.BlockPublicAcls),
		IgnorePublicACLs:      aws.ToBool(p.IgnorePublicAcls),
		BlockPublicPolicy:     aws.ToBool(p.BlockPublicPolicy),
		RestrictPublicBuckets: aws.ToBool(p.RestrictPublicBuckets),
	}
}

func ctlPAB(p *ctltypes.PublicAccessBlockConfiguration) *s3snap.PublicAccessBlock {
	if p == nil {
		return &s3snap.PublicAccessBlock{}
	}
	return &s3snap.PublicAccessBlock{
		BlockPublicACLs:       aws.ToBool(p.BlockPublicAcls),
		IgnorePublicACLs:      aws.ToBool(p.IgnorePublicAcls),
		BlockPublicPolicy:     aws.ToBool(p.BlockPublicPolicy),
		RestrictPublicBuckets: aws.ToBool(p.RestrictPublicBuckets),
	}
}

func acl(out *s3api.GetBucketAclOutput) *s3snap.ACL {
	a := &s3snap.ACL{Grants: []s3snap.Grant{}}
	if out.Owner != nil {
		a.Owner = aws.ToString(out.Owner.ID)
	}
	for _, g := range out.Grants {
		gr := s3snap.Grant{Permission: string(g.Permission)}
		if ge := g.Grantee; ge != nil {
			gr.Type, gr.ID, gr.URI, gr.Email = string(ge.Type), aws.ToString(ge.ID), aws.ToString(ge.URI), aws.ToString(ge.EmailAddress)
		}
		a.Grants = append(a.Grants, gr)
	}
	return a
}

func encryption(c *s3types.ServerSideEncryptionConfiguration) *s3snap.Encryption {
	if c == nil {
		return nil
	}
	for _, r := range c.Rules {
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			return &s3snap.Encryption{Algorithm: string(d.SSEAlgorithm), KMSKeyID: aws.ToString(d.KMSMasterKeyID),
				BucketKeyEnabled: aws.ToBool(r.BucketKeyEnabled)}
		}
	}
	return nil
}
