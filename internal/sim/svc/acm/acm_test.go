package acm_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	acmapi "github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
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

func seed() *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	exp := simtest.Now.AddDate(0, 0, 20)
	r.ACM.Certificates = []*world.Certificate{
		{ID: "00000000-0000-0000-0000-000000000001", Domain: "www.example.com", Type: "AMAZON_ISSUED", Status: "ISSUED", KeyAlgorithm: "RSA_2048",
			NotBefore: simtest.Now.AddDate(0, -11, 0), NotAfter: exp, Created: simtest.Now.AddDate(0, -11, 0), InUse: []string{"arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/web/1"}},
		{ID: "00000000-0000-0000-0000-000000000002", Domain: "legacy.example.com", Type: "IMPORTED", Status: "ISSUED", KeyAlgorithm: "RSA_1024",
			NotBefore: simtest.Now.AddDate(-1, 0, 0), NotAfter: simtest.Now.AddDate(1, 0, 0), Created: simtest.Now.AddDate(-1, 0, 0)},
		{ID: "00000000-0000-0000-0000-000000000003", Domain: "api.example.com", Type: "AMAZON_ISSUED", Status: "ISSUED", KeyAlgorithm: "EC_prime256v1",
			NotBefore: simtest.Now.AddDate(0, -1, 0), NotAfter: simtest.Now.AddDate(0, 12, 0), Created: simtest.Now.AddDate(0, -1, 0)},
		{ID: "00000000-0000-0000-0000-000000000004", Domain: "big.example.com", Type: "IMPORTED", Status: "ISSUED", KeyAlgorithm: "RSA_4096",
			NotBefore: simtest.Now.AddDate(0, -1, 0), NotAfter: simtest.Now.AddDate(0, 12, 0), Created: simtest.Now.AddDate(0, -1, 0)},
	}
	return w
}

func arn(n int) string {
	return fmt.Sprintf("arn:aws:acm:eu-west-1:222222222222:certificate/00000000-0000-0000-0000-00000000000%d", n)
}

func TestListDefaultsToRSA(t *testing.T) {
	s := simtest.Start(t, seed())
	c := acmapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.ListCertificates(ctx, &acmapi.ListCertificatesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CertificateSummaryList) != 2 || aws.ToString(out.CertificateSummaryList[0].CertificateArn) != arn(1) ||
		aws.ToString(out.CertificateSummaryList[1].CertificateArn) != arn(2) {
		t.Errorf("default listing = %+v, want the RSA_1024 and RSA_2048 certificates only", out.CertificateSummaryList)
	}
	sum := out.CertificateSummaryList[0]
	if !sum.NotAfter.Equal(simtest.Now.AddDate(0, 0, 20)) || sum.KeyAlgorithm != acmtypes.KeyAlgorithmRsa2048 || sum.Type != acmtypes.CertificateTypeAmazonIssued ||
		sum.Status != acmtypes.CertificateStatusIssued || !aws.ToBool(sum.InUse) {
		t.Errorf("summary = %+v", sum)
	}
	all := []acmtypes.KeyAlgorithm{acmtypes.KeyAlgorithmRsa1024, acmtypes.KeyAlgorithmRsa2048, acmtypes.KeyAlgorithmRsa3072, acmtypes.KeyAlgorithmRsa4096,
		acmtypes.KeyAlgorithmEcPrime256v1, acmtypes.KeyAlgorithmEcSecp384r1, acmtypes.KeyAlgorithmEcSecp521r1}
	out, err = c.ListCertificates(ctx, &acmapi.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: all}})
	if err != nil || len(out.CertificateSummaryList) != 4 {
		t.Errorf("every key type: %d certificates (%v), want 4", len(out.CertificateSummaryList), err)
	}
	// Pages.
	var got []string
	var token *string
	for {
		p, err := c.ListCertificates(ctx, &acmapi.ListCertificatesInput{Includes: &acmtypes.Filters{KeyTypes: all}, MaxItems: aws.Int32(3), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range p.CertificateSummaryList {
			got = append(got, aws.ToString(x.CertificateArn))
		}
		if token = p.NextToken; token == nil {
			break
		}
	}
	if len(got) != 4 || got[3] != arn(4) {
		t.Errorf("paged: %v", got)
	}
	if _, err := c.ListCertificates(ctx, &acmapi.ListCertificatesInput{MaxItems: aws.Int32(1001)}); code(err) != "ValidationException" {
		t.Errorf("MaxItems 1001: %v, want ValidationException", err)
	}
	if _, err := c.ListCertificates(ctx, &acmapi.ListCertificatesInput{NextToken: aws.String("x")}); code(err) != "InvalidArgsException" {
		t.Errorf("bad token: %v, want InvalidArgsException", err)
	}
	out, err = c.ListCertificates(ctx, &acmapi.ListCertificatesInput{CertificateStatuses: []acmtypes.CertificateStatus{acmtypes.CertificateStatusExpired}})
	if err != nil || len(out.CertificateSummaryList) != 0 {
		t.Errorf("EXPIRED only: %+v %v", out, err)
	}
}

func TestRequestDescribeDelete(t *testing.T) {
	s := simtest.Start(t, seed())
	c := acmapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	req, err := c.RequestCertificate(ctx, &acmapi.RequestCertificateInput{DomainName: aws.String("new.example.com"), ValidationMethod: acmtypes.ValidationMethodDns})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeCertificate(ctx, &acmapi.DescribeCertificateInput{CertificateArn: req.CertificateArn})
	if err != nil {
		t.Fatal(err)
	}
	if d.Certificate.Status != acmtypes.CertificateStatusPendingValidation || d.Certificate.KeyAlgorithm != acmtypes.KeyAlgorithmRsa2048 ||
		aws.ToString(d.Certificate.DomainName) != "new.example.com" || d.Certificate.NotAfter != nil {
		t.Errorf("requested certificate = %+v", d.Certificate)
	}
	var nf *acmtypes.ResourceNotFoundException
	missing := "arn:aws:acm:eu-west-1:222222222222:certificate/99999999-0000-0000-0000-000000000000"
	if _, err := c.DescribeCertificate(ctx, &acmapi.DescribeCertificateInput{CertificateArn: aws.String(missing)}); !errors.As(err, &nf) {
		t.Errorf("missing: %v, want ResourceNotFoundException", err)
	}
	if _, err := c.DeleteCertificate(ctx, &acmapi.DeleteCertificateInput{CertificateArn: aws.String(arn(1))}); code(err) != "ResourceInUseException" {
		t.Errorf("deleting a certificate in use: %v, want ResourceInUseException", err)
	}
	if _, err := c.DeleteCertificate(ctx, &acmapi.DeleteCertificateInput{CertificateArn: req.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeCertificate(ctx, &acmapi.DescribeCertificateInput{CertificateArn: req.CertificateArn}); !errors.As(err, &nf) {
		t.Errorf("deleted: %v, want ResourceNotFoundException", err)
	}
}

func TestIsolation(t *testing.T) {
	s := simtest.Start(t, seed())
	ctx := context.Background()
	for _, tc := range []struct{ account, region string }{{simtest.Member, "us-east-1"}, {simtest.Management, region}} {
		c := acmapi.NewFromConfig(s.Config(t, tc.account, tc.region))
		out, err := c.ListCertificates(ctx, &acmapi.ListCertificatesInput{})
		if err != nil || len(out.CertificateSummaryList) != 0 {
			t.Errorf("%s/%s sees %+v (%v)", tc.account, tc.region, out, err)
		}
		if _, err := c.DescribeCertificate(ctx, &acmapi.DescribeCertificateInput{CertificateArn: aws.String(arn(1))}); code(err) != "ResourceNotFoundException" {
			t.Errorf("%s/%s describe: %v, want ResourceNotFoundException", tc.account, tc.region, err)
		}
	}
}
