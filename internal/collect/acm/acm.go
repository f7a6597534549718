// Package acm collects the AWS Certificate Manager certificates of one
// region. ListCertificates returns only RSA_1024 and RSA_2048
// certificates unless asked for other key types, so the collector names
// every key type: an EC or RSA_4096 certificate left out would be a
// certificate never judged.
package acm

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	acmapi "github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/snapshot/acm"
)

// Collector returns the regional "acm" collector.
func Collector() collect.Collector {
	return collect.Collector{
		Name:    "acm",
		Actions: []string{"acm:ListCertificates"},
		Collect: collectRegion,
	}
}

// pageSize is ListCertificates' largest page (MaxItems).
const pageSize = 1000

func collectRegion(ctx context.Context, in collect.Input) error {
	client := acmapi.NewFromConfig(in.Config)
	every := &acmtypes.Filters{KeyTypes: acmtypes.KeyAlgorithm("").Values()}
	s := &acm.ACM{Certificates: []acm.Certificate{}}
	if err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		page, err := client.ListCertificates(ctx, &acmapi.ListCertificatesInput{Includes: every, MaxItems: aws.Int32(pageSize), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, c := range page.CertificateSummaryList {
			s.Certificates = append(s.Certificates, acm.Certificate{
				ARN: aws.ToString(c.CertificateArn), Domain: aws.ToString(c.DomainName), Type: string(c.Type), Status: string(c.Status),
				KeyAlgorithm: string(c.KeyAlgorithm), NotAfter: aws.ToTime(c.NotAfter), InUse: aws.ToBool(c.InUse),
			})
		}
		return page.NextToken, nil
	}); err != nil {
		return fmt.Errorf("list certificates: %w", err)
	}
	in.Region.ACM = s
	return nil
}
