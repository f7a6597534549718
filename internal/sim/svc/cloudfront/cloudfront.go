// Package cloudfront simulates Amazon CloudFront (restXml, API version
// 2020-05-31): listing distributions (ListDistributions, paged by
// Marker/MaxItems), reading a distribution's configuration
// (GetDistributionConfig, GetDistribution) and creating one
// (CreateDistribution). CloudFront is global: one state per account.
package cloudfront

import (
	"crypto/sha256"
	"net/http"
	"strconv"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const base = "/2020-05-31/distribution"

// Service returns the CloudFront simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "cloudfront",
		Protocol: wire.RestXML,
		Global:   true,
		Routes: []wire.Route{
			{Method: "GET", Pattern: base, Op: "ListDistributions"},
			{Method: "POST", Pattern: base, Op: "CreateDistribution"},
			{Method: "GET", Pattern: base + "/{Id}", Op: "GetDistribution"},
			{Method: "GET", Pattern: base + "/{Id}/config", Op: "GetDistributionConfig"},
		},
		Ops: map[string]svc.Handler{
			"ListDistributions":     list,
			"CreateDistribution":    create,
			"GetDistribution":       get,
			"GetDistributionConfig": getConfig,
		},
		Init: func(w *world.World) {
			for _, a := range w.Accounts {
				for i, d := range a.CloudFront.Distributions {
					if d.ID == "" {
						d.ID = DistributionID(a.ID, strconv.Itoa(i), d.Comment)
					}
				}
			}
		},
	}
}

// DistributionID derives a stable distribution ID ("E" and 13 upper-case
// letters and digits, as AWS's look) from parts.
func DistributionID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := []byte("E")
	for _, c := range h.Sum(nil)[:13] {
		b = append(b, alphabet[int(c)%len(alphabet)])
	}
	return string(b)
}

func arn(c *svc.Ctx, id string) string { return c.GlobalARN("cloudfront", "distribution/"+id) }

func invalid(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "InvalidArgument", format, args...)
}

func find(c *svc.Ctx, id string) (*world.Distribution, error) {
	for _, d := range c.Account.CloudFront.Distributions {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, wire.Errorf(http.StatusNotFound, "NoSuchDistribution", "The specified distribution does not exist.")
}

// etag is the distribution's current configuration version.
func etag(d *world.Distribution) string {
	return DistributionID("etag", d.ID, timestamp(d.Modified))[1:]
}

// list serves ListDistributions: MaxItems (default and largest page 100)
// distributions after the one Marker names; NextMarker names the last
// one of a truncated page.
func list(c *svc.Ctx) (any, error) {
	max := 100
	if s := c.Query("MaxItems"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, invalid("Invalid value for MaxItems: %s", s)
		}
		if n > 0 && n < max {
			max = n
		}
	}
	all := c.Account.CloudFront.Distributions
	start := 0
	marker := c.Query("Marker")
	if marker != "" {
		start = -1
		for i, d := range all {
			if d.ID == marker {
				start = i + 1
			}
		}
		if start < 0 {
			return nil, invalid("Invalid value for Marker: %s", marker)
		}
	}
	end := min(start+max, len(all))
	out := listXML{Xmlns: ns, Marker: marker, MaxItems: max, Quantity: end - start}
	for _, d := range all[start:end] {
		out.Items = append(out.Items, summary(arn(c, d.ID), d))
	}
	if end < len(all) {
		out.IsTruncated, out.NextMarker = true, all[end-1].ID
	}
	return out, nil
}

func getConfig(c *svc.Ctx) (any, error) {
	d, err := find(c, c.Path["Id"])
	if err != nil {
		return nil, err
	}
	return &wire.Response{Header: http.Header{"Etag": {etag(d)}}, Body: configDoc{config(d)}}, nil
}

func document(c *svc.Ctx, d *world.Distribution) distributionXML {
	return distributionXML{Xmlns: ns, ID: d.ID, ARN: arn(c, d.ID), Status: "Deployed", LastModifiedTime: timestamp(d.Modified),
		DomainName: domainName(d), DistributionConfig: config(d)}
}

func get(c *svc.Ctx) (any, error) {
	d, err := find(c, c.Path["Id"])
	if err != nil {
		return nil, err
	}
	return &wire.Response{Header: http.Header{"Etag": {etag(d)}}, Body: document(c, d)}, nil
}

// create serves CreateDistribution with the checks AWS makes on the
// fields the simulator keeps: a caller reference used once, at least one
// origin, unique origin IDs, and cache behaviors that target an origin
// or origin group of the distribution.
func create(c *svc.Ctx) (any, error) {
	var in configXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if in.CallerReference == "" {
		return nil, invalid("The parameter CallerReference is required.")
	}
	if in.Enabled == nil {
		return nil, invalid("The parameter Enabled is required.")
	}
	if len(in.Origins.Items) == 0 || in.Origins.Quantity != len(in.Origins.Items) {
		return nil, invalid("The parameter Origins must contain Quantity (%d) origins and at least one.", in.Origins.Quantity)
	}
	for _, d := range c.Account.CloudFront.Distributions {
		if d.CallerReference == in.CallerReference {
			return nil, wire.Errorf(http.StatusConflict, "DistributionAlreadyExists",
				"The caller reference that you are using to create a distribution is associated with another distribution. Already exists: %s", d.ID)
		}
	}
	targets := map[string]bool{}
	for _, o := range in.Origins.Items {
		if targets[o.ID] {
			return nil, invalid("The parameter Origin Id must be unique: %s", o.ID)
		}
		if (o.S3OriginConfig == nil) == (o.CustomOriginConfig == nil) {
			return nil, invalid("Exactly one of S3OriginConfig and CustomOriginConfig must be specified for origin %s.", o.ID)
		}
		targets[o.ID] = true
	}
	for _, g := range in.OriginGroups.Items {
		targets[g.ID] = true
	}
	for _, b := range append([]behaviorXML{in.DefaultCacheBehavior}, in.CacheBehaviors.Items...) {
		if !targets[b.TargetOriginID] {
			return nil, wire.Errorf(http.StatusNotFound, "NoSuchOrigin", "One or more of your origins or origin groups do not exist: %s", b.TargetOriginID)
		}
	}
	d := fromConfig(in)
	c.Account.CloudFront.Seq++
	d.ID = DistributionID(c.Account.ID, "created", strconv.Itoa(c.Account.CloudFront.Seq), in.CallerReference)
	d.Modified = c.Now()
	c.Account.CloudFront.Distributions = append(c.Account.CloudFront.Distributions, d)
	return &wire.Response{Status: http.StatusCreated,
		Header: http.Header{"Etag": {etag(d)}, "Location": {"https://cloudfront.amazonaws.com" + base + "/" + d.ID}},
		Body:   document(c, d)}, nil
}
