package iac

import (
	"fmt"
	"sort"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/s3"
)

// ContextFromFindings makes a Context of the stored findings of the
// account-level controls of account (the store keeps each control's
// latest result per resource, not the snapshot). Two of them also give
// settings the plan's own resources depend on: EC2.7 (EBS encryption by
// default, per region) and S3.1 (the account's Block Public Access),
// applied only when PASSED or FAILED.
func ContextFromFindings(fs []finding.Finding, account string) *Context {
	c := &Context{Results: map[string][]control.Result{}}
	scans := map[string]bool{}
	for _, f := range fs {
		if f.Account != account {
			continue
		}
		c.Results[f.Control] = append(c.Results[f.Control], control.Result{Control: f.Control, Status: f.Compliance, Reason: f.Reason,
			Resource: snapshot.Meta{ARN: f.ResourceARN, Type: f.ResourceType, Name: f.ResourceName, Account: f.Account, Region: f.Region}})
		if f.LastScan != "" {
			scans[f.LastScan] = true
		}
	}
	var ids []string
	for s := range scans {
		ids = append(ids, s)
	}
	sort.Strings(ids)
	c.Source = fmt.Sprintf("store: latest results of account %s (scans %v)", account, ids)
	return c
}

// storedVerdict is the stored PASSED/FAILED of control in region ("" for
// any region), if there is one.
func (c *Context) storedVerdict(controlID, region string) (bool, bool) {
	for _, r := range c.Results[controlID] {
		if region != "" && r.Resource.Region != region {
			continue
		}
		switch r.Status {
		case control.Passed:
			return true, true
		case control.Failed:
			return false, true
		}
	}
	return false, false
}

// ebsDefault is the context's EBS encryption by default in region.
func (c *Context) ebsDefault(region string) (bool, bool) {
	if c.EBSEncryptionByDefault != nil {
		return *c.EBSEncryptionByDefault, true
	}
	return c.storedVerdict("EC2.7", region)
}

// s3Account is the context's account Block Public Access.
func (c *Context) s3Account() (*s3.PublicAccessBlock, bool) {
	if c.S3AccountPublicAccessBlock != nil {
		return c.S3AccountPublicAccessBlock, true
	}
	if on, ok := c.storedVerdict("S3.1", ""); ok {
		return &s3.PublicAccessBlock{BlockPublicACLs: on, IgnorePublicACLs: on, BlockPublicPolicy: on, RestrictPublicBuckets: on}, true
	}
	return nil, false
}
