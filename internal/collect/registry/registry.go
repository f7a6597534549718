// Package registry lists every collector Guardrail has, explicitly (no
// init-time registration): adding a service means adding it here.
package registry

import (
	"github.com/guardrail-sec/guardrail/internal/collect"
)

// All returns every collector, global ones first.
func All() []collect.Collector {
	return []collect.Collector{}
}

// DiscoveryActions are the IAM actions discovery itself calls, in the
// management account (Organizations, STS) and in each member account
// (regions).
var DiscoveryActions = []string{
	"sts:GetCallerIdentity", "sts:AssumeRole",
	"organizations:DescribeOrganization", "organizations:ListRoots",
	"organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent",
	"organizations:ListTagsForResource",
	"account:ListRegions", "ec2:DescribeRegions",
}

// Policy returns the least-privilege read-only policy for a scan.
func Policy() collect.PolicyDocument { return collect.Policy(All(), DiscoveryActions...) }
