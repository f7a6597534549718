// Package awsx builds the AWS SDK configuration Guardrail's clients share:
// the standard credential chain and profiles, the retryer, a custom
// endpoint (--endpoint-url or AWS_ENDPOINT_URL, e.g. the simulator), and
// per-account configurations through sts:AssumeRole.
//
// Clients are never converted to interfaces here (that would link every
// operation of a service into the binary); awsx only hands out aws.Config,
// and Pages replaces the SDK's paginators, which take the client as one.
package awsx

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Options select how to reach AWS.
type Options struct {
	// Profile is a shared config profile (AWS_PROFILE when empty).
	Profile string
	// Region is the default region (AWS_REGION / the profile when empty).
	Region string
	// EndpointURL sends every client to one endpoint (the simulator).
	// AWS_ENDPOINT_URL does the same when this is empty.
	EndpointURL string
	// AccessKeyID and SecretAccessKey, when set, are static credentials
	// that replace the credential chain (the demo uses them).
	AccessKeyID, SecretAccessKey string
	// Isolated ignores the shared config and credentials files and
	// AWS_PROFILE: for the demo and tests, which must not depend on (or
	// touch) the user's real AWS setup.
	Isolated bool
	// MaxAttempts bounds the SDK's retries per call (default 8).
	MaxAttempts int
	// RetryMode is "adaptive" (default) or "standard".
	RetryMode string
	// ConnectTimeout bounds opening a connection, TLS handshake included
	// (DefaultConnectTimeout when 0).
	ConnectTimeout time.Duration
	// AttemptTimeout bounds one attempt of a call, from sending the
	// request to reading the whole answer (DefaultAttemptTimeout when 0).
	// See timeout.go.
	AttemptTimeout time.Duration
}

// Load returns the base configuration: the standard credential chain (or
// static keys), the region, the adaptive retryer and the endpoint.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	if o.ConnectTimeout < 0 || o.AttemptTimeout < 0 {
		return aws.Config{}, fmt.Errorf("timeouts must be positive (connect %s, attempt %s)", o.ConnectTimeout, o.AttemptTimeout)
	}
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.AttemptTimeout == 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, "")))
	}
	retryer, err := newRetryer(o.RetryMode, o.MaxAttempts)
	if err != nil {
		return aws.Config{}, err
	}
	opts = append(opts, config.WithRetryer(retryer))
	var cfg aws.Config
	if o.Isolated {
		if o.AccessKeyID == "" {
			return aws.Config{}, errors.New("isolated AWS configuration needs static credentials")
		}
		cfg = *aws.NewConfig()
		cfg.Region = o.Region
		cfg.Credentials = credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, "")
		cfg.Retryer = retryer
		cfg.HTTPClient = awshttp.NewBuildableClient()
	} else {
		cfg, err = config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
		}
	}
	if o.EndpointURL != "" {
		cfg.BaseEndpoint = aws.String(o.EndpointURL)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	endpoint := ""
	if cfg.BaseEndpoint != nil {
		endpoint = *cfg.BaseEndpoint
	}
	hc, err := httpClient(cfg.HTTPClient, endpoint, o.ConnectTimeout, o.AttemptTimeout)
	if err != nil {
		return aws.Config{}, err
	}
	cfg.HTTPClient = hc
	cfg.APIOptions = append(cfg.APIOptions, attemptTimeout(o.AttemptTimeout, o.ConnectTimeout))
	return cfg, nil
}

// newRetryer returns the SDK retryer for mode with max attempts per call.
func newRetryer(mode string, max int) (func() aws.Retryer, error) {
	if max <= 0 {
		max = 8
	}
	switch mode {
	case "", "adaptive":
		return func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewAdaptiveMode(), max) }, nil
	case "standard":
		return func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), max) }, nil
	}
	return nil, fmt.Errorf("retry mode %q: want adaptive or standard", mode)
}

// AssumeRole returns a copy of cfg whose credentials come from assuming
// roleARN, cached and refreshed before they expire. The first call that
// needs them performs the AssumeRole; its error names the role.
func AssumeRole(cfg aws.Config, roleARN, session string) aws.Config {
	client := sts.NewFromConfig(cfg)
	prov := stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = session
	})
	out := cfg.Copy()
	out.Credentials = aws.NewCredentialsCache(prov)
	return out
}

// CallerIdentity returns the account and ARN cfg's credentials act as.
func CallerIdentity(ctx context.Context, cfg aws.Config) (account, arn string, err error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", fmt.Errorf("sts get-caller-identity: %w", err)
	}
	return aws.ToString(out.Account), aws.ToString(out.Arn), nil
}
