// Package acm holds the controls on AWS Certificate Manager certificates:
// renewed before they expire (ACM.1) and RSA keys of at least 2,048 bits
// (ACM.2). It reads snapshot/acm only.
package acm

import (
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/acm"
)

// ExpiryDays is ACM.1's daysToExpiration, Security Hub's default: a
// certificate that expires within it fails.
const ExpiryDays = 30

// Controls returns the ACM controls.
func Controls() []*control.Control { return []*control.Control{acm1(), acm2()} }

func certificateControl(c control.Control, judge func(in *control.Input, m snapshot.Meta, x *acm.Certificate)) *control.Control {
	c.Service = "ACM"
	c.ResourceType = "AwsCertificateManagerCertificate"
	c.Needs = []string{"acm"}
	c.Check = func(in *control.Input) {
		if in.Region.ACM == nil {
			in.Error(in.AccountMeta(), "ACM state was not collected in %s", in.RegionName())
			return
		}
		for i := range in.Region.ACM.Certificates {
			x := &in.Region.ACM.Certificates[i]
			judge(in, snapshot.Meta{ARN: x.ARN, Type: "AwsCertificateManagerCertificate", Name: x.Domain}, x)
		}
	}
	return &c
}

func acm1() *control.Control {
	return certificateControl(control.Control{
		ID:       "ACM.1",
		Title:    "Imported and ACM-issued certificates should be renewed after a specified time period",
		Severity: control.Medium,
		Rationale: "An expired certificate takes the site or API it serves down, or teaches users to click through " +
			"warnings. ACM renews the certificates it issues only while their DNS or email validation still works; " +
			"imported certificates are never renewed for you.",
		Remediation: "ACM-issued: check the renewal status (Certificate Manager > the certificate > Renewal status) and " +
			"fix the validation (the CNAME record for DNS validation must still be in the zone).\n" +
			"Imported: get a new certificate from its issuer and re-import it over the same ARN, so the resources that " +
			"use it pick it up: aws acm import-certificate --certificate-arn <arn> --certificate fileb://cert.pem " +
			"--private-key fileb://key.pem --certificate-chain fileb://chain.pem",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, x *acm.Certificate) {
		if x.NotAfter.IsZero() {
			in.NotApplicable(m, "%s certificate was never issued (status %s)", x.Type, x.Status)
			return
		}
		left := x.NotAfter.Sub(in.Now)
		day := x.NotAfter.UTC().Format("2006-01-02")
		switch {
		case left <= 0:
			in.Fail(m, "%s certificate expired on %s", x.Type, day)
		case left <= ExpiryDays*24*time.Hour:
			in.Fail(m, "%s certificate expires on %s, in %d days (within %d)", x.Type, day, int(left.Hours()/24), ExpiryDays)
		default:
			in.Pass(m, "%s certificate valid until %s", x.Type, day)
		}
	})
}

func acm2() *control.Control {
	return certificateControl(control.Control{
		ID:       "ACM.2",
		Title:    "RSA certificates managed by ACM should use a key length of at least 2,048 bits",
		Severity: control.High,
		Rationale: "RSA keys shorter than 2,048 bits can be factored with affordable computing power, which exposes " +
			"the TLS sessions they protect to decryption and impersonation; browsers and clients have rejected them " +
			"for years.",
		Remediation: "Request or import a replacement with an RSA key of 2,048 bits or more (or an ECDSA key), move the " +
			"resources that use the certificate to it, then delete the old one.\n" +
			"CLI: aws acm request-certificate --domain-name <domain> --validation-method DNS --key-algorithm RSA_2048; " +
			"aws acm delete-certificate --certificate-arn <old-arn>",
		WellArchitected: []string{"SEC09"},
	}, func(in *control.Input, m snapshot.Meta, x *acm.Certificate) {
		bits, rsa := x.RSABits()
		switch {
		case !rsa:
			in.NotApplicable(m, "%s key: not an RSA certificate", x.KeyAlgorithm)
		case bits < 2048:
			in.Fail(m, "RSA key of %d bits (%s), shorter than 2,048", bits, x.KeyAlgorithm)
		default:
			in.Pass(m, "RSA key of %d bits", bits)
		}
	})
}
