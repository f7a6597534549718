package filterpattern

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The CIS v3.0.0 remediation patterns, verbatim (reference §2).
const (
	cis41  = `{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`
	cis42  = `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`
	cis42b = `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`
	cis43  = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
	cis44  = `{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}`
	cis47  = `{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`
	cis410 = `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`
	cis413 = `{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`
	cis415 = `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{cis43, `{ ($.eventType != "AwsServiceEvent" && $.userIdentity.invokedBy NOT EXISTS && $.userIdentity.type = "Root") }`},
		{`{$.a=1}`, `{ ($.a = "1") }`},
		{`{ $.a == "x y" }`, `{ ($.a = "x y") }`},
		{`{ $.a = "say \"hi\"" }`, `{ ($.a = "say \"hi\"") }`},
		{`{ ($.a = 1 || $.b = 2) && $.c = 3 }`, `{ ($.a = "1" && $.c = "3") || ($.b = "2" && $.c = "3") }`},
		{`{ $.a = 1 || $.b = 2 && $.c = 3 }`, `{ ($.a = "1") || ($.b = "2" && $.c = "3") }`},
		{`{ $.a = 1 || $.a = 1 }`, `{ ($.a = "1") }`},
		{`{ $.a IS TRUE && $.b is null && $.c EXISTS }`, `{ ($.a IS TRUE && $.b IS NULL && $.c EXISTS) }`},
		{`{ $.a >= 10 && $.b < 3 }`, `{ ($.a >= "10" && $.b < "3") }`},
		{`{ $.msg = %err(or)?% }`, `{ ($.msg = "%err(or)?%") }`},
		{`{ $.users[0].id = 7 }`, `{ ($.users[0].id = "7") }`},
	} {
		p, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.in, err)
			continue
		}
		if got := p.String(); got != tc.want {
			t.Errorf("Parse(%s) = %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{`{`, `{ $.a = }`, `{ $.a }`, `{ a = 1 }`, `{ $.a = "x }`, `{ ($.a = 1 }`, `{ $.a = 1 } x`, `{ $.a = 1 && }`, `{ $.a NOT }`} {
		_, err := Parse(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%s) = %v, want a *SyntaxError", in, err)
		}
	}
	for _, in := range []string{``, `ERROR`, `"Failed authentication"`, `[ip, user, ...]`} {
		if _, err := Parse(in); !errors.Is(err, ErrNotJSON) {
			t.Errorf("Parse(%q) = %v, want ErrNotJSON", in, err)
		}
	}
	var b strings.Builder
	for i := range 14 {
		fmt.Fprintf(&b, "($.a%d = 1 || $.b%d = 2) && ", i, i)
	}
	if _, err := Parse("{ " + b.String() + "$.c = 3 }"); err == nil {
		t.Errorf("a pattern of 2^14 clauses parsed")
	}
}

func TestCovers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		filter string
		want   string // the required pattern
		covers bool
	}{
		// Equivalent spellings.
		{"verbatim", cis44, cis44, true},
		{"reordered", reorder(cis44), cis44, true},
		{"quoted", strings.ReplaceAll(strings.ReplaceAll(cis44, "=", `="`), ")", `")`), cis44, true},
		{"spaced", strings.ReplaceAll(strings.ReplaceAll(cis44, "||", " || "), "=", " = "), cis44, true},
		{"no parentheses", `{ $.eventName = DeleteGroupPolicy || ` + strings.Join(names(cis44)[1:], " || ") + ` }`, cis44, true},
		{"root without spaces", `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`, cis43, true},
		{"root reordered", `{ $.eventType != AwsServiceEvent && $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS }`, cis43, true},
		{"kms distributed", `{ ($.eventSource = kms.amazonaws.com && $.eventName = DisableKey) || ($.eventSource = kms.amazonaws.com && $.eventName = ScheduleKeyDeletion) }`, cis47, true},
		{"orgs unquoted", strings.ReplaceAll(cis415, `"`, ""), cis415, true},

		// Supersets: the filter watches more.
		{"extra event name", strings.Replace(cis410, "}", `|| ($.eventName = ModifySecurityGroupRules) }`, 1), cis410, true},
		{"no event source", `{ ($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion) }`, cis47, true},
		{"wildcard value", `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "Access*") }`, `{ $.errorCode = "AccessDenied*" }`, true},
		{"any error code", `{ $.errorCode = "*" }`, `{ $.errorCode = "AccessDenied*" }`, true},
		{"4.2 covers 4.2b", cis42, cis42b, true},
		{"4.13 covers the audit string", cis413, `{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`, true},
		{"security hub 4.1", `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`, cis41, true},
		{"4.1 verbatim covers its intended reading", cis41, `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`, true},
		{"not-equal implied by equal", `{ $.a != x }`, `{ $.a = y }`, true},
		{"broader exclusion implies narrower", `{ $.ip != "10.0.0.1" }`, `{ $.ip != "10.*" }`, true},

		// Not covered.
		{"missing one event name", strings.Replace(cis44, "||($.eventName=DetachGroupPolicy)", "", 1), cis44, false},
		{"missing one org event", strings.Replace(cis415, `|| ($.eventName = "MoveAccount") `, "", 1), cis415, false},
		{"extra condition narrows", strings.Replace(cis43, "}", `&& $.awsRegion = "us-east-1" }`, 1), cis43, false},
		{"any root event", `{ $.userIdentity.type = "Root" }`, cis43, true},
		{"root filter narrower than root", cis43, `{ $.userIdentity.type = "Root" }`, false},
		{"wrong value", strings.Replace(cis43, `"Root"`, `"root"`, 1), cis43, false},
		{"equal is not not-equal", strings.Replace(cis43, `!=`, `=`, 1), cis43, false},
		{"4.2b does not cover 4.2", cis42b, cis42, false},
		{"narrower wildcard", `{ $.errorCode = "AccessDenied" }`, `{ $.errorCode = "AccessDenied*" }`, false},
		{"intended 4.1 does not cover the literal reading", `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`, cis41, false},
		{"other field", `{ $.eventSource = DisableKey }`, `{ $.eventName = DisableKey }`, false},
		{"regex only equal", `{ $.a = %x.*% }`, `{ $.a = "xyz" }`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(tc.filter)
			if err != nil {
				t.Fatalf("filter: %v", err)
			}
			w, err := Parse(tc.want)
			if err != nil {
				t.Fatalf("want: %v", err)
			}
			if got := f.Covers(w); got != tc.covers {
				t.Errorf("Covers = %v, want %v\nfilter %s\nwant   %s\nuncovered %v", got, tc.covers, f, w, f.Uncovered(w))
			}
		})
	}
}

func TestUncovered(t *testing.T) {
	f := MustParse(strings.Replace(cis44, "||($.eventName=DetachGroupPolicy)", "", 1))
	u := f.Uncovered(MustParse(cis44))
	if len(u) != 1 || u[0].String() != `$.eventName = "DetachGroupPolicy"` {
		t.Errorf("Uncovered = %v, want the one missing event", u)
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		g, s string
		want bool
	}{
		{"*", "", true},
		{"a*", "abc", true},
		{"*c", "abc", true},
		{"*b*", "abc", true},
		{"a*c*", "a*c", true},
		{"ab*", "a*", false},
		{"*x*", "*", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"abc", "abc", true},
		{"abc", "abd", false},
	} {
		if got := glob(tc.g, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v", tc.g, tc.s, got)
		}
	}
}

// names returns the "($.eventName=X)" terms of a pattern made only of
// them, joined by ||.
func names(p string) []string {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "{"), "}")
	return strings.Split(p, "||")
}

// reorder reverses the || terms of a pattern made only of them.
func reorder(p string) string {
	n := names(p)
	for i, j := 0, len(n)-1; i < j; i, j = i+1, j-1 {
		n[i], n[j] = n[j], n[i]
	}
	return "{" + strings.Join(n, "||") + "}"
}
