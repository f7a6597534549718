// Package ec2 simulates Amazon EC2, VPC and EBS (ec2Query).
package ec2

import (
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon EC2, VPC and EBS (ec2Query) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:      "ec2",
		Protocol:  wire.EC2Query,
		Namespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
		Ops: map[string]svc.Handler{
			"DescribeRegions":           describeRegions,
			"DescribeAvailabilityZones": describeAvailabilityZones,

			"DescribeVpcs":                  describeVpcs,
			"CreateVpc":                     createVpc,
			"DeleteVpc":                     deleteVpc,
			"DescribeSubnets":               describeSubnets,
			"DescribeRouteTables":           describeRouteTables,
			"DescribeInternetGateways":      describeInternetGateways,
			"DescribeNetworkAcls":           describeNetworkAcls,
			"DescribeFlowLogs":              describeFlowLogs,
			"CreateFlowLogs":                createFlowLogs,
			"DeleteFlowLogs":                deleteFlowLogs,
			"DescribeVpcEndpoints":          describeVpcEndpoints,
			"DescribeVpcPeeringConnections": describeVpcPeeringConnections,

			"DescribeSecurityGroups":        describeSecurityGroups,
			"DescribeSecurityGroupRules":    describeSecurityGroupRules,
			"CreateSecurityGroup":           createSecurityGroup,
			"DeleteSecurityGroup":           deleteSecurityGroup,
			"AuthorizeSecurityGroupIngress": authorize(false),
			"AuthorizeSecurityGroupEgress":  authorize(true),
			"RevokeSecurityGroupIngress":    revoke(false),
			"RevokeSecurityGroupEgress":     revoke(true),
			"DescribeNetworkInterfaces":     describeNetworkInterfaces,

			"DescribeInstances":              describeInstances,
			"RunInstances":                   runInstances,
			"TerminateInstances":             changeState("terminated"),
			"StopInstances":                  changeState("stopped"),
			"StartInstances":                 changeState("running"),
			"ModifyInstanceMetadataOptions":  modifyInstanceMetadataOptions,
			"GetInstanceMetadataDefaults":    getInstanceMetadataDefaults,
			"ModifyInstanceMetadataDefaults": modifyInstanceMetadataDefaults,

			"DescribeVolumes":                   describeVolumes,
			"DescribeSnapshots":                 describeSnapshots,
			"DescribeSnapshotAttribute":         describeSnapshotAttribute,
			"ModifySnapshotAttribute":           modifySnapshotAttribute,
			"GetEbsEncryptionByDefault":         getEbsEncryptionByDefault,
			"EnableEbsEncryptionByDefault":      setEbsEncryptionByDefault(true),
			"DisableEbsEncryptionByDefault":     setEbsEncryptionByDefault(false),
			"GetEbsDefaultKmsKeyId":             getEbsDefaultKmsKeyID,
			"ModifyEbsDefaultKmsKeyId":          modifyEbsDefaultKmsKeyID,
			"GetSnapshotBlockPublicAccessState": getSnapshotBlockPublicAccessState,
			"EnableSnapshotBlockPublicAccess":   enableSnapshotBlockPublicAccess,
			"DisableSnapshotBlockPublicAccess":  disableSnapshotBlockPublicAccess,
			"DescribeImages":                    describeImages,
			"DescribeAddresses":                 describeAddresses,

			"DescribeLaunchTemplates":        describeLaunchTemplates,
			"DescribeLaunchTemplateVersions": describeLaunchTemplateVersions,
			"CreateLaunchTemplate":           createLaunchTemplate,
			"CreateLaunchTemplateVersion":    createLaunchTemplateVersion,
			"ModifyLaunchTemplate":           modifyLaunchTemplate,
			"DeleteLaunchTemplateVersions":   deleteLaunchTemplateVersions,
			"DescribeTransitGateways":        describeTransitGateways,

			"CreateTags":   createTags,
			"DeleteTags":   deleteTags,
			"DescribeTags": describeTags,
		},
	}
}

// ---- errors ----

func invalid(code, format string, args ...any) error {
	return wire.Errorf(400, code, format, args...)
}

func missing(name string) error {
	return invalid("MissingParameter", "The request must contain the parameter %s", name)
}

func badValue(format string, args ...any) error {
	return invalid("InvalidParameterValue", format, args...)
}

// ---- common XML shapes ----

type tagItem struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func tagSet(m map[string]string) []tagItem {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]tagItem, 0, len(keys))
	for _, k := range keys {
		out = append(out, tagItem{k, m[k]})
	}
	return out
}

type returnResult struct {
	Return bool `xml:"return"`
}

type stateXML struct {
	State string `xml:"state"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func ptrInt(n int) *int { return &n }

// ---- request helpers ----

// bool parameter: "true"/"false"; absent is def.
func boolParam(c *svc.Ctx, name string, def bool) (bool, error) {
	s := c.Form.Get(name)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, badValue("Invalid value '%s' for %s", s, name)
	}
	return b, nil
}

// tagSpecs returns the tags of TagSpecification.N for resourceType.
func tagSpecs(c *svc.Ctx, resourceType string) map[string]string {
	var out map[string]string
	for i := 1; ; i++ {
		p := "TagSpecification." + strconv.Itoa(i) + "."
		rt, ok := c.Form[p+"ResourceType"]
		if !ok {
			return out
		}
		if rt[0] != resourceType {
			continue
		}
		for j := 1; ; j++ {
			k, ok := c.Form[p+"Tag."+strconv.Itoa(j)+".Key"]
			if !ok {
				break
			}
			if out == nil {
				out = map[string]string{}
			}
			out[k[0]] = c.Form.Get(p + "Tag." + strconv.Itoa(j) + ".Value")
		}
	}
}

// page implements MaxResults/NextToken. idsGiven: the request named
// resources by ID, which EC2 refuses to combine with MaxResults.
type pageSpec struct {
	min, max int
	clamp    bool // above max returns max items instead of an error
}

var (
	std5   = pageSpec{5, 1000, false}
	std5rt = pageSpec{5, 100, false}
	loose  = pageSpec{1, 1000, true}
)

func page[T any](c *svc.Ctx, items []T, idsParam string, spec pageSpec) ([]T, string, error) {
	tok := c.Form.Get("NextToken")
	ms := c.Form.Get("MaxResults")
	if ms == "" {
		if tok == "" {
			return items, "", nil
		}
		return pageAt(items, tok, len(items)+1)
	}
	n, err := strconv.Atoi(ms)
	if err != nil {
		return nil, "", badValue("Value ( %s ) for parameter maxResults is invalid.", ms)
	}
	if idsParam != "" && len(c.EC2List(idsParam)) > 0 {
		return nil, "", invalid("InvalidParameterCombination", "The parameter %s cannot be used with the parameter maxResults", idsParam)
	}
	if n < spec.min || (n > spec.max && !spec.clamp) {
		return nil, "", badValue("Value ( %d ) for parameter maxResults is invalid. Expecting a value between %d and %d.", n, spec.min, spec.max)
	}
	if n > spec.max {
		n = spec.max
	}
	return pageAt(items, tok, n)
}

func pageAt[T any](items []T, tok string, n int) ([]T, string, error) {
	p, next, err := svc.Page(items, tok, n, n, "InvalidParameterValue")
	if err != nil {
		return nil, "", badValue("Value ( %s ) for parameter NextToken is invalid. The token is invalid.", tok)
	}
	return p, next, nil
}

// ---- filters ----

// filterSet maps filter names to the values a resource has for them.
type filterSet[T any] map[string]func(T) []string

func globMatch(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	// path.Match treats '/' specially; replace it on both sides.
	ok, _ := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return ok
}

// filter keeps the items matching every Filter.N of the request. tags
// gives an item's tags (nil for untaggable resources).
func filter[T any](c *svc.Ctx, items []T, fs filterSet[T], tags func(T) map[string]string) ([]T, error) {
	filters := c.EC2Filters()
	if len(filters) == 0 {
		return items, nil
	}
	for _, f := range filters {
		_, known := fs[f.Name]
		tagFilter := tags != nil && (strings.HasPrefix(f.Name, "tag:") || f.Name == "tag-key" || f.Name == "tag-value")
		if !known && !tagFilter {
			return nil, badValue("The filter '%s' is invalid", f.Name)
		}
		if len(f.Values) == 0 {
			return nil, badValue("The filter '%s' must have at least one value", f.Name)
		}
	}
	var out []T
	for _, it := range items {
		ok := true
		for _, f := range filters {
			var have []string
			if get, known := fs[f.Name]; known {
				have = get(it)
			} else {
				m := tags(it)
				switch {
				case f.Name == "tag-key":
					for k := range m {
						have = append(have, k)
					}
				case f.Name == "tag-value":
					for _, v := range m {
						have = append(have, v)
					}
				default:
					if v, ok := m[strings.TrimPrefix(f.Name, "tag:")]; ok {
						have = []string{v}
					}
				}
			}
			if !anyMatch(f.Values, have) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

func anyMatch(patterns, have []string) bool {
	for _, p := range patterns {
		for _, h := range have {
			if globMatch(p, h) {
				return true
			}
		}
	}
	return false
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func boolStr(b bool) []string { return []string{strconv.FormatBool(b)} }

// selectIDs keeps the items named by the request's idsParam list, in the
// order of items; an unknown ID is notFound.
func selectIDs[T any](c *svc.Ctx, items []T, idsParam string, id func(T) string, notFound func(string) error) ([]T, error) {
	ids := c.EC2List(idsParam)
	if len(ids) == 0 {
		return items, nil
	}
	want := map[string]bool{}
	for _, i := range ids {
		want[i] = true
	}
	var out []T
	for _, it := range items {
		if want[id(it)] {
			out = append(out, it)
			delete(want, id(it))
		}
	}
	for _, i := range ids {
		if want[i] {
			return nil, notFound(i)
		}
	}
	return out, nil
}

func ec2State(c *svc.Ctx) *world.EC2 { return &c.Regional().EC2 }

func owner(c *svc.Ctx) string { return c.Account.ID }
