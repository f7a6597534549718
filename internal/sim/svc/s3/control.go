package s3

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Control returns the S3 Control simulator. It signs as "s3"; the server
// routes requests whose path starts with /v20180820/ to it. The account a
// request addresses is its x-amz-account-id header (the SDK also prefixes
// the host with it), which must be the caller's.
func Control() *svc.Service {
	wrap := func(h svc.Handler) svc.Handler {
		return func(c *svc.Ctx) (any, error) {
			id := c.Header("X-Amz-Account-Id")
			if id == "" {
				return nil, svc.Invalid("InvalidRequest", "Missing required header for this request: x-amz-account-id")
			}
			if id != c.Account.ID {
				return nil, wire.Errorf(403, "AccessDenied", "Access Denied")
			}
			return h(c)
		}
	}
	ops := map[string]svc.Handler{
		"GetPublicAccessBlock":    wrap(ctlGetPAB),
		"PutPublicAccessBlock":    wrap(ctlPutPAB),
		"DeletePublicAccessBlock": wrap(ctlDeletePAB),
		"ListAccessPoints":        wrap(listAccessPoints),
		"GetAccessPoint":          wrap(getAccessPoint),
		"CreateAccessPoint":       wrap(createAccessPoint),
		"DeleteAccessPoint":       wrap(deleteAccessPoint),
	}
	const pab, ap = "/v20180820/configuration/publicAccessBlock", "/v20180820/accesspoint"
	return &svc.Service{
		Name:     "s3",
		Key:      "s3control",
		Protocol: wire.RestXML,
		Global:   true,
		Routes: []wire.Route{
			{Method: "GET", Pattern: pab, Op: "GetPublicAccessBlock"},
			{Method: "PUT", Pattern: pab, Op: "PutPublicAccessBlock"},
			{Method: "DELETE", Pattern: pab, Op: "DeletePublicAccessBlock"},
			{Method: "GET", Pattern: ap, Op: "ListAccessPoints"},
			{Method: "GET", Pattern: ap + "/{Name}", Op: "GetAccessPoint"},
			{Method: "PUT", Pattern: ap + "/{Name}", Op: "CreateAccessPoint"},
			{Method: "DELETE", Pattern: ap + "/{Name}", Op: "DeleteAccessPoint"},
		},
		Ops: ops,
	}
}

// ctlNS is the XML namespace of S3 Control documents.
const ctlNS = "http://awss3control.amazonaws.com/doc/2018-08-20/"

type ctlDocument struct {
	name string
	v    any
}

func (d ctlDocument) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(d.v, xml.StartElement{Name: xml.Name{Local: d.name}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ctlNS}}})
}

func ctlGetPAB(c *svc.Ctx) (any, error) {
	p := c.Account.S3.PublicAccessBlock
	if p == nil {
		return nil, errNoPAB()
	}
	return ctlDocument{"PublicAccessBlockConfiguration", pabXML{p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets}}, nil
}

func ctlPutPAB(c *svc.Ctx) (any, error) {
	p, err := pabIn(c)
	if err != nil {
		return nil, err
	}
	c.Account.S3.PublicAccessBlock = p
	return nil, nil
}

func ctlDeletePAB(c *svc.Ctx) (any, error) {
	c.Account.S3.PublicAccessBlock = nil
	return noContent(), nil
}

type vpcXML struct {
	VpcId string
}

type accessPointXML struct {
	Name             string
	NetworkOrigin    string
	VpcConfiguration *vpcXML `xml:",omitempty"`
	Bucket           string
	AccessPointArn   string
	Alias            string
	BucketAccountId  string
}

func apAlias(a *world.AccessPoint) string {
	if a.Alias != "" {
		return a.Alias
	}
	return a.Name + "-" + CanonicalID(a.Region + "/" + a.Name)[:30] + "-s3alias"
}

func apXML(c *svc.Ctx, a *world.AccessPoint) accessPointXML {
	x := accessPointXML{Name: a.Name, NetworkOrigin: "Internet", Bucket: a.Bucket,
		AccessPointArn: world.ARN("s3", a.Region, c.Account.ID, "accesspoint/"+a.Name), Alias: apAlias(a), BucketAccountId: c.Account.ID}
	if a.VpcID != "" {
		x.NetworkOrigin, x.VpcConfiguration = "VPC", &vpcXML{a.VpcID}
	}
	return x
}

func listAccessPoints(c *svc.Ctx) (any, error) {
	max := 1000
	if s := c.Query("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 1000 {
			return nil, svc.Invalid("InvalidRequest", "maxResults must be between 0 and 1000")
		}
		if n > 0 {
			max = n
		}
	}
	var items []*world.AccessPoint
	for _, a := range c.Account.S3.AccessPoints {
		if a.Region == c.Region && (c.Query("bucket") == "" || c.Query("bucket") == a.Bucket) {
			items = append(items, a)
		}
	}
	page, next, err := svc.Page(items, c.Query("nextToken"), max, 1000, "InvalidToken")
	if err != nil {
		return nil, err
	}
	var out struct {
		AccessPointList struct {
			AccessPoint []accessPointXML
		}
		NextToken string `xml:",omitempty"`
	}
	for _, a := range page {
		out.AccessPointList.AccessPoint = append(out.AccessPointList.AccessPoint, apXML(c, a))
	}
	out.NextToken = next
	return ctlDocument{"ListAccessPointsResult", out}, nil
}

func findAP(c *svc.Ctx) (int, *world.AccessPoint) {
	for i, a := range c.Account.S3.AccessPoints {
		if a.Name == c.Path["Name"] && a.Region == c.Region {
			return i, a
		}
	}
	return -1, nil
}

func getAccessPoint(c *svc.Ctx) (any, error) {
	_, a := findAP(c)
	if a == nil {
		return nil, svc.NotFound("NoSuchAccessPoint", "The specified accesspoint does not exist")
	}
	x := apXML(c, a)
	p := a.PublicAccessBlock
	if p == nil {
		p = &world.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	}
	out := struct {
		Name                           string
		Bucket                         string
		NetworkOrigin                  string
		VpcConfiguration               *vpcXML `xml:",omitempty"`
		PublicAccessBlockConfiguration pabXML
		CreationDate                   string
		Alias                          string
		AccessPointArn                 string
		BucketAccountId                string
	}{x.Name, x.Bucket, x.NetworkOrigin, x.VpcConfiguration,
		pabXML{p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets},
		stamp(a.Created), x.Alias, x.AccessPointArn, x.BucketAccountId}
	return ctlDocument{"GetAccessPointResult", out}, nil
}

func createAccessPoint(c *svc.Ctx) (any, error) {
	name := c.Path["Name"]
	if len(name) < 3 || len(name) > 50 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" ||
		strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") {
		return nil, svc.Invalid("InvalidAccessPointName", "The specified access point name is not valid")
	}
	var in struct {
		Bucket                         string
		BucketAccountId                string
		VpcConfiguration               *vpcXML
		PublicAccessBlockConfiguration *pabXML
	}
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if in.Bucket == "" {
		return nil, svc.Invalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if _, a := findAP(c); a != nil {
		return nil, wire.Errorf(409, "AccessPointAlreadyOwnedByYou", "Your previous request to create the named accesspoint succeeded and you already own it.")
	}
	b := c.Account.S3.Bucket(in.Bucket)
	if b == nil || regionOf(b) != c.Region {
		return nil, svc.Invalid("InvalidRequest", "The bucket must exist in the same account and region as the access point")
	}
	a := &world.AccessPoint{Name: name, Bucket: in.Bucket, Region: c.Region, Created: c.Now()}
	if in.VpcConfiguration != nil {
		a.VpcID = in.VpcConfiguration.VpcId
	}
	if p := in.PublicAccessBlockConfiguration; p != nil {
		a.PublicAccessBlock = &world.PublicAccessBlock{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls, BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
	}
	c.Account.S3.AccessPoints = append(c.Account.S3.AccessPoints, a)
	x := apXML(c, a)
	return ctlDocument{"CreateAccessPointResult", struct {
		AccessPointArn string
		Alias          string
	}{x.AccessPointArn, x.Alias}}, nil
}

func deleteAccessPoint(c *svc.Ctx) (any, error) {
	i, a := findAP(c)
	if a == nil {
		return nil, svc.NotFound("NoSuchAccessPoint", "The specified accesspoint does not exist")
	}
	c.Account.S3.AccessPoints = append(c.Account.S3.AccessPoints[:i:i], c.Account.S3.AccessPoints[i+1:]...)
	return &wire.Response{Status: http.StatusNoContent}, nil
}
