// Package acm simulates AWS Certificate Manager (awsJson1.1): the
// certificates of an account in a region and their metadata. There is
// no key material and no validation: a requested certificate stays
// PENDING_VALIDATION.
package acm

import (
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Certificate Manager (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "acm",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"ListCertificates":    listCertificates,
			"DescribeCertificate": describeCertificate,
			"RequestCertificate":  requestCertificate,
			"DeleteCertificate":   deleteCertificate,
		},
	}
}

// maxItems is ListCertificates' MaxItems limit.
const maxItems = 1000

// defaultKeyTypes are what ListCertificates returns when Includes names
// no key type: "Default filtering returns only RSA_1024 and RSA_2048
// certificates" (the Filters reference). A lister that wants every
// certificate must ask for every key type.
var defaultKeyTypes = map[string]bool{"RSA_1024": true, "RSA_2048": true}

var keyTypes = map[string]bool{"RSA_1024": true, "RSA_2048": true, "RSA_3072": true, "RSA_4096": true,
	"EC_prime256v1": true, "EC_secp384r1": true, "EC_secp521r1": true}

func errf(code, format string, args ...any) error { return wire.Errorf(400, code, format, args...) }

func epoch(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	f := float64(t.UnixMilli()) / 1000
	return &f
}

type summary struct {
	CertificateArn string
	DomainName     string
	Status         string
	Type           string
	KeyAlgorithm   string
	InUse          bool
	NotBefore      *float64 `json:",omitempty"`
	NotAfter       *float64 `json:",omitempty"`
	CreatedAt      *float64 `json:",omitempty"`
	IssuedAt       *float64 `json:",omitempty"`
	ImportedAt     *float64 `json:",omitempty"`

	SubjectAlternativeNameSummaries []string `json:",omitempty"`
}

func summarize(c *svc.Ctx, x *world.Certificate) summary {
	s := summary{CertificateArn: world.CertificateARN(c.Account.ID, c.Region, x), DomainName: x.Domain, Status: x.Status, Type: x.Type,
		KeyAlgorithm: x.KeyAlgorithm, InUse: len(x.InUse) > 0, NotBefore: epoch(x.NotBefore), NotAfter: epoch(x.NotAfter),
		CreatedAt: epoch(x.Created), SubjectAlternativeNameSummaries: append([]string{x.Domain}, x.SANs...)}
	switch x.Type {
	case "IMPORTED":
		s.ImportedAt = epoch(x.Created)
	default:
		if !x.NotBefore.IsZero() {
			s.IssuedAt = epoch(x.NotBefore)
		}
	}
	return s
}

func listCertificates(c *svc.Ctx) (any, error) {
	var in struct {
		CertificateStatuses []string
		Includes            *struct {
			KeyTypes         []string `json:"keyTypes"`
			ExtendedKeyUsage []string `json:"extendedKeyUsage"`
			KeyUsage         []string `json:"keyUsage"`
		}
		NextToken string
		MaxItems  *int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.MaxItems != nil && (*in.MaxItems < 1 || *in.MaxItems > maxItems) {
		return nil, errf("ValidationException", "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and %d", *in.MaxItems, maxItems)
	}
	types := defaultKeyTypes
	if in.Includes != nil {
		if len(in.Includes.ExtendedKeyUsage) > 0 || len(in.Includes.KeyUsage) > 0 {
			return nil, errf("InvalidArgsException", "key usage filters are not simulated")
		}
		if len(in.Includes.KeyTypes) > 0 {
			types = map[string]bool{}
			for _, k := range in.Includes.KeyTypes {
				if !keyTypes[k] {
					return nil, errf("ValidationException", "1 validation error detected: Value '%s' at 'includes.keyTypes' failed to satisfy enum value set", k)
				}
				types[k] = true
			}
		}
	}
	statuses := map[string]bool{}
	for _, s := range in.CertificateStatuses {
		statuses[s] = true
	}
	var all []summary
	for _, x := range c.Regional().ACM.Certificates {
		if !types[x.KeyAlgorithm] || len(statuses) > 0 && !statuses[x.Status] {
			continue
		}
		all = append(all, summarize(c, x))
	}
	max := maxItems
	if in.MaxItems != nil {
		max = *in.MaxItems
	}
	page, next, err := svc.Page(all, in.NextToken, max, maxItems, "InvalidArgsException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []summary{}
	}
	return struct {
		CertificateSummaryList []summary
		NextToken              string `json:",omitempty"`
	}{page, next}, nil
}

func find(c *svc.Ctx, arn string) (*world.Certificate, error) {
	if arn == "" {
		return nil, errf("ValidationException", "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null")
	}
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":certificate/") {
		return nil, errf("InvalidArnException", "The certificate ARN %s is not valid.", arn)
	}
	for _, x := range c.Regional().ACM.Certificates {
		if world.CertificateARN(c.Account.ID, c.Region, x) == arn {
			return x, nil
		}
	}
	return nil, errf("ResourceNotFoundException", "Could not find certificate %s.", arn)
}

func describeCertificate(c *svc.Ctx) (any, error) {
	var in struct{ CertificateArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	x, err := find(c, in.CertificateArn)
	if err != nil {
		return nil, err
	}
	s := summarize(c, x)
	inUse := append([]string{}, x.InUse...)
	sort.Strings(inUse)
	return struct {
		Certificate struct {
			summary
			SubjectAlternativeNames []string
			InUseBy                 []string
		}
	}{struct {
		summary
		SubjectAlternativeNames []string
		InUseBy                 []string
	}{s, s.SubjectAlternativeNameSummaries, inUse}}, nil
}

func requestCertificate(c *svc.Ctx) (any, error) {
	var in struct {
		DomainName              string
		SubjectAlternativeNames []string
		KeyAlgorithm            string
		ValidationMethod        string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.DomainName == "" {
		return nil, errf("ValidationException", "1 validation error detected: Value null at 'domainName' failed to satisfy constraint: Member must not be null")
	}
	alg := in.KeyAlgorithm
	if alg == "" {
		alg = "RSA_2048"
	}
	if alg != "RSA_2048" && alg != "EC_prime256v1" && alg != "EC_secp384r1" {
		return nil, errf("ValidationException", "ACM issues RSA_2048, EC_prime256v1 and EC_secp384r1 certificates, not %s", alg)
	}
	h := c.World.HexID("", 32)
	x := &world.Certificate{ID: h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], Domain: in.DomainName,
		SANs: in.SubjectAlternativeNames, Type: "AMAZON_ISSUED", Status: "PENDING_VALIDATION", KeyAlgorithm: alg, Created: c.Now().Truncate(time.Millisecond)}
	r := c.Regional()
	r.ACM.Certificates = append(r.ACM.Certificates, x)
	return struct{ CertificateArn string }{world.CertificateARN(c.Account.ID, c.Region, x)}, nil
}

func deleteCertificate(c *svc.Ctx) (any, error) {
	var in struct{ CertificateArn string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	x, err := find(c, in.CertificateArn)
	if err != nil {
		return nil, err
	}
	if len(x.InUse) > 0 {
		return nil, errf("ResourceInUseException", "Certificate %s in account %s is in use.", in.CertificateArn, c.Account.ID)
	}
	r := c.Regional()
	for i, y := range r.ACM.Certificates {
		if y == x {
			r.ACM.Certificates = append(r.ACM.Certificates[:i], r.ACM.Certificates[i+1:]...)
			break
		}
	}
	return nil, nil
}
