package cloudfront

import (
	"encoding/xml"
	"strconv"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// ns is the XML namespace of CloudFront documents.
const ns = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

// The documents below follow the CloudFront API reference: every list is
// a Quantity and an Items element holding one element per member.

type aliasesXML struct {
	Quantity int      `xml:"Quantity"`
	Items    []string `xml:"Items>CNAME,omitempty"`
}

type sslProtocolsXML struct {
	Quantity int      `xml:"Quantity"`
	Items    []string `xml:"Items>SslProtocol"`
}

type customOriginXML struct {
	HTTPPort             int             `xml:"HTTPPort"`
	HTTPSPort            int             `xml:"HTTPSPort"`
	OriginProtocolPolicy string          `xml:"OriginProtocolPolicy"`
	OriginSslProtocols   sslProtocolsXML `xml:"OriginSslProtocols"`
	OriginReadTimeout    int             `xml:"OriginReadTimeout"`
	OriginKeepalive      int             `xml:"OriginKeepaliveTimeout"`
}

type s3OriginXML struct {
	OriginAccessIdentity string `xml:"OriginAccessIdentity"`
}

type originXML struct {
	ID                    string           `xml:"Id"`
	DomainName            string           `xml:"DomainName"`
	OriginPath            string           `xml:"OriginPath"`
	CustomHeaders         quantityXML      `xml:"CustomHeaders"`
	S3OriginConfig        *s3OriginXML     `xml:"S3OriginConfig,omitempty"`
	CustomOriginConfig    *customOriginXML `xml:"CustomOriginConfig,omitempty"`
	ConnectionAttempts    int              `xml:"ConnectionAttempts"`
	ConnectionTimeout     int              `xml:"ConnectionTimeout"`
	OriginAccessControlID string           `xml:"OriginAccessControlId"`
}

type quantityXML struct {
	Quantity int `xml:"Quantity"`
}

type originsXML struct {
	Quantity int         `xml:"Quantity"`
	Items    []originXML `xml:"Items>Origin"`
}

type statusCodesXML struct {
	Quantity int   `xml:"Quantity"`
	Items    []int `xml:"Items>StatusCode"`
}

type memberXML struct {
	OriginID string `xml:"OriginId"`
}

type originGroupXML struct {
	ID               string `xml:"Id"`
	FailoverCriteria struct {
		StatusCodes statusCodesXML `xml:"StatusCodes"`
	} `xml:"FailoverCriteria"`
	Members struct {
		Quantity int         `xml:"Quantity"`
		Items    []memberXML `xml:"Items>OriginGroupMember"`
	} `xml:"Members"`
}

type originGroupsXML struct {
	Quantity int              `xml:"Quantity"`
	Items    []originGroupXML `xml:"Items>OriginGroup,omitempty"`
}

type behaviorXML struct {
	PathPattern          string `xml:"PathPattern,omitempty"`
	TargetOriginID       string `xml:"TargetOriginId"`
	ViewerProtocolPolicy string `xml:"ViewerProtocolPolicy"`
	Compress             bool   `xml:"Compress"`
	CachePolicyID        string `xml:"CachePolicyId,omitempty"`
}

type behaviorsXML struct {
	Quantity int           `xml:"Quantity"`
	Items    []behaviorXML `xml:"Items>CacheBehavior,omitempty"`
}

type loggingXML struct {
	Enabled        bool   `xml:"Enabled"`
	IncludeCookies bool   `xml:"IncludeCookies"`
	Bucket         string `xml:"Bucket"`
	Prefix         string `xml:"Prefix"`
}

type viewerCertXML struct {
	CloudFrontDefaultCertificate bool   `xml:"CloudFrontDefaultCertificate"`
	IAMCertificateID             string `xml:"IAMCertificateId,omitempty"`
	ACMCertificateArn            string `xml:"ACMCertificateArn,omitempty"`
	SSLSupportMethod             string `xml:"SSLSupportMethod,omitempty"`
	MinimumProtocolVersion       string `xml:"MinimumProtocolVersion"`
	CertificateSource            string `xml:"CertificateSource"`
}

// configXML is a DistributionConfig.
type configXML struct {
	XMLName              xml.Name        `xml:"DistributionConfig"`
	CallerReference      string          `xml:"CallerReference"`
	Aliases              aliasesXML      `xml:"Aliases"`
	DefaultRootObject    string          `xml:"DefaultRootObject"`
	Origins              originsXML      `xml:"Origins"`
	OriginGroups         originGroupsXML `xml:"OriginGroups"`
	DefaultCacheBehavior behaviorXML     `xml:"DefaultCacheBehavior"`
	CacheBehaviors       behaviorsXML    `xml:"CacheBehaviors"`
	Comment              string          `xml:"Comment"`
	Logging              *loggingXML     `xml:"Logging"`
	PriceClass           string          `xml:"PriceClass"`
	Enabled              *bool           `xml:"Enabled"`
	ViewerCertificate    *viewerCertXML  `xml:"ViewerCertificate"`
	WebACLID             string          `xml:"WebACLId"`
	HTTPVersion          string          `xml:"HttpVersion"`
	IsIPV6Enabled        bool            `xml:"IsIPV6Enabled"`
}

// summaryXML is a DistributionSummary: the configuration without the
// caller reference, default root object and logging, as AWS lists it.
type summaryXML struct {
	ID                   string          `xml:"Id"`
	ARN                  string          `xml:"ARN"`
	Status               string          `xml:"Status"`
	LastModifiedTime     string          `xml:"LastModifiedTime"`
	DomainName           string          `xml:"DomainName"`
	Aliases              aliasesXML      `xml:"Aliases"`
	Origins              originsXML      `xml:"Origins"`
	OriginGroups         originGroupsXML `xml:"OriginGroups"`
	DefaultCacheBehavior behaviorXML     `xml:"DefaultCacheBehavior"`
	CacheBehaviors       behaviorsXML    `xml:"CacheBehaviors"`
	CustomErrorResponses quantityXML     `xml:"CustomErrorResponses"`
	Comment              string          `xml:"Comment"`
	PriceClass           string          `xml:"PriceClass"`
	Enabled              bool            `xml:"Enabled"`
	ViewerCertificate    viewerCertXML   `xml:"ViewerCertificate"`
	Restrictions         struct {
		GeoRestriction struct {
			RestrictionType string `xml:"RestrictionType"`
			Quantity        int    `xml:"Quantity"`
		} `xml:"GeoRestriction"`
	} `xml:"Restrictions"`
	WebACLID      string `xml:"WebACLId"`
	HTTPVersion   string `xml:"HttpVersion"`
	IsIPV6Enabled bool   `xml:"IsIPV6Enabled"`
	Staging       bool   `xml:"Staging"`
}

type listXML struct {
	XMLName     xml.Name     `xml:"DistributionList"`
	Xmlns       string       `xml:"xmlns,attr"`
	Marker      string       `xml:"Marker"`
	NextMarker  string       `xml:"NextMarker,omitempty"`
	MaxItems    int          `xml:"MaxItems"`
	IsTruncated bool         `xml:"IsTruncated"`
	Quantity    int          `xml:"Quantity"`
	Items       []summaryXML `xml:"Items>DistributionSummary,omitempty"`
}

type distributionXML struct {
	XMLName                       xml.Name  `xml:"Distribution"`
	Xmlns                         string    `xml:"xmlns,attr"`
	ID                            string    `xml:"Id"`
	ARN                           string    `xml:"ARN"`
	Status                        string    `xml:"Status"`
	LastModifiedTime              string    `xml:"LastModifiedTime"`
	InProgressInvalidationBatches int       `xml:"InProgressInvalidationBatches"`
	DomainName                    string    `xml:"DomainName"`
	DistributionConfig            configXML `xml:"DistributionConfig"`
}

// configDoc is a DistributionConfig as a response's root element.
type configDoc struct {
	configXML
}

func (d configDoc) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(d.configXML, xml.StartElement{Name: xml.Name{Local: "DistributionConfig"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ns}}})
}

func domainName(d *world.Distribution) string { return lower(d.ID) + ".cloudfront.net" }

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func origins(d *world.Distribution) originsXML {
	out := originsXML{Quantity: len(d.Origins)}
	for _, o := range d.Origins {
		x := originXML{ID: o.ID, DomainName: o.DomainName, OriginPath: o.OriginPath, ConnectionAttempts: 3, ConnectionTimeout: 10,
			OriginAccessControlID: o.OAC}
		if o.S3 {
			x.S3OriginConfig = &s3OriginXML{OriginAccessIdentity: o.OAI}
		} else {
			c := &customOriginXML{HTTPPort: orInt(o.HTTPPort, 80), HTTPSPort: orInt(o.HTTPSPort, 443),
				OriginProtocolPolicy: orStr(o.ProtocolPolicy, "https-only"), OriginReadTimeout: 30, OriginKeepalive: 5}
			protos := o.SSLProtocols
			if len(protos) == 0 {
				protos = []string{"TLSv1.2"}
			}
			c.OriginSslProtocols = sslProtocolsXML{Quantity: len(protos), Items: protos}
			x.CustomOriginConfig = c
		}
		out.Items = append(out.Items, x)
	}
	return out
}

func groups(d *world.Distribution) originGroupsXML {
	out := originGroupsXML{Quantity: len(d.OriginGroups)}
	for _, g := range d.OriginGroups {
		x := originGroupXML{ID: g.ID}
		codes := g.StatusCodes
		if len(codes) == 0 {
			codes = []int{500, 502, 503, 504}
		}
		x.FailoverCriteria.StatusCodes = statusCodesXML{Quantity: len(codes), Items: codes}
		x.Members.Quantity = len(g.Members)
		for _, m := range g.Members {
			x.Members.Items = append(x.Members.Items, memberXML{OriginID: m})
		}
		out.Items = append(out.Items, x)
	}
	return out
}

func behavior(b world.CacheBehavior) behaviorXML {
	return behaviorXML{PathPattern: b.PathPattern, TargetOriginID: b.TargetOrigin, ViewerProtocolPolicy: orStr(b.ViewerProtocolPolicy, "allow-all"),
		CachePolicyID: "658327ea-f89d-4fab-a63d-7e88639e58f6"}
}

func behaviors(d *world.Distribution) behaviorsXML {
	out := behaviorsXML{Quantity: len(d.Behaviors)}
	for _, b := range d.Behaviors {
		out.Items = append(out.Items, behavior(b))
	}
	return out
}

func certificate(d *world.Distribution) viewerCertXML {
	v := d.Certificate
	switch {
	case v.ACMCertificate != "":
		return viewerCertXML{ACMCertificateArn: v.ACMCertificate, SSLSupportMethod: orStr(v.SSLSupportMethod, "sni-only"),
			MinimumProtocolVersion: orStr(v.MinimumProtocolVersion, "TLSv1.2_2021"), CertificateSource: "acm"}
	case v.IAMCertificate != "":
		return viewerCertXML{IAMCertificateID: v.IAMCertificate, SSLSupportMethod: orStr(v.SSLSupportMethod, "sni-only"),
			MinimumProtocolVersion: orStr(v.MinimumProtocolVersion, "TLSv1.2_2021"), CertificateSource: "iam"}
	}
	return viewerCertXML{CloudFrontDefaultCertificate: true, MinimumProtocolVersion: "TLSv1", CertificateSource: "cloudfront"}
}

func aliases(d *world.Distribution) aliasesXML {
	return aliasesXML{Quantity: len(d.Aliases), Items: d.Aliases}
}

func config(d *world.Distribution) configXML {
	enabled := !d.Disabled
	cert := certificate(d)
	c := configXML{CallerReference: d.CallerReference, Aliases: aliases(d), DefaultRootObject: d.DefaultRootObject,
		Origins: origins(d), OriginGroups: groups(d), DefaultCacheBehavior: behavior(d.Default), CacheBehaviors: behaviors(d),
		Comment: d.Comment, Logging: &loggingXML{}, PriceClass: orStr(d.PriceClass, "PriceClass_All"), Enabled: &enabled,
		ViewerCertificate: &cert, WebACLID: d.WebACL, HTTPVersion: orStr(d.HTTPVersion, "http2")}
	if d.Logging != nil {
		c.Logging = &loggingXML{Enabled: true, IncludeCookies: d.Logging.IncludeCookies, Bucket: d.Logging.Bucket, Prefix: d.Logging.Prefix}
	}
	return c
}

func summary(arn string, d *world.Distribution) summaryXML {
	s := summaryXML{ID: d.ID, ARN: arn, Status: "Deployed", LastModifiedTime: timestamp(d.Modified), DomainName: domainName(d),
		Aliases: aliases(d), Origins: origins(d), OriginGroups: groups(d), DefaultCacheBehavior: behavior(d.Default),
		CacheBehaviors: behaviors(d), Comment: d.Comment, PriceClass: orStr(d.PriceClass, "PriceClass_All"), Enabled: !d.Disabled,
		ViewerCertificate: certificate(d), WebACLID: d.WebACL, HTTPVersion: orStr(d.HTTPVersion, "http2")}
	s.Restrictions.GeoRestriction.RestrictionType = "none"
	return s
}

// fromConfig builds a distribution from a CreateDistribution request.
func fromConfig(c configXML) *world.Distribution {
	d := &world.Distribution{CallerReference: c.CallerReference, Comment: c.Comment, Aliases: c.Aliases.Items,
		DefaultRootObject: c.DefaultRootObject, WebACL: c.WebACLID, PriceClass: c.PriceClass, HTTPVersion: c.HTTPVersion,
		Default: world.CacheBehavior{TargetOrigin: c.DefaultCacheBehavior.TargetOriginID, ViewerProtocolPolicy: c.DefaultCacheBehavior.ViewerProtocolPolicy}}
	if c.Enabled != nil {
		d.Disabled = !*c.Enabled
	}
	for _, o := range c.Origins.Items {
		wo := &world.CFOrigin{ID: o.ID, DomainName: o.DomainName, OriginPath: o.OriginPath, OAC: o.OriginAccessControlID}
		if o.S3OriginConfig != nil {
			wo.S3, wo.OAI = true, o.S3OriginConfig.OriginAccessIdentity
		}
		if cc := o.CustomOriginConfig; cc != nil {
			wo.HTTPPort, wo.HTTPSPort, wo.ProtocolPolicy, wo.SSLProtocols = cc.HTTPPort, cc.HTTPSPort, cc.OriginProtocolPolicy, cc.OriginSslProtocols.Items
		}
		d.Origins = append(d.Origins, wo)
	}
	for _, g := range c.OriginGroups.Items {
		wg := &world.OriginGroup{ID: g.ID, StatusCodes: g.FailoverCriteria.StatusCodes.Items}
		for _, m := range g.Members.Items {
			wg.Members = append(wg.Members, m.OriginID)
		}
		d.OriginGroups = append(d.OriginGroups, wg)
	}
	for _, b := range c.CacheBehaviors.Items {
		d.Behaviors = append(d.Behaviors, world.CacheBehavior{PathPattern: b.PathPattern, TargetOrigin: b.TargetOriginID, ViewerProtocolPolicy: b.ViewerProtocolPolicy})
	}
	if l := c.Logging; l != nil && l.Enabled {
		d.Logging = &world.CFLogging{Bucket: l.Bucket, Prefix: l.Prefix, IncludeCookies: l.IncludeCookies}
	}
	if v := c.ViewerCertificate; v != nil && !v.CloudFrontDefaultCertificate {
		d.Certificate = world.ViewerCertificate{ACMCertificate: v.ACMCertificateArn, IAMCertificate: v.IAMCertificateID,
			SSLSupportMethod: v.SSLSupportMethod, MinimumProtocolVersion: v.MinimumProtocolVersion}
	}
	return d
}

func orStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orInt(n, d int) int {
	if n == 0 {
		return d
	}
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }
