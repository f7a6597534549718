// Package iam holds the controls on an account's IAM state: the root
// user (IAM.4, IAM.6, IAM.9, GR.IAM.1), the password policy (IAM.7,
// IAM.15, IAM.16), IAM users and their credentials (IAM.2, IAM.3, IAM.5,
// IAM.8, IAM.19, IAM.22, GR.IAM.2, GR.IAM.3), policies (IAM.1, IAM.21,
// KMS.1, KMS.2, IAM.18, GR.IAM.4) and server certificates (IAM.26). All
// are Global: IAM is one state per account. It reads only the snapshot
// and must not import the AWS SDK.
package iam

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// Controls returns the IAM controls.
func Controls() []*control.Control {
	return []*control.Control{
		iam1(), iam2(), iam3(), iam4(), iam5(), iam6(), iam7(), iam8(), iam9(),
		iam15(), iam16(), iam18(), iam19(), iam21(), iam22(), iam26(),
		grIAM1(), grIAM2(), grIAM3(), grIAM4(),
		kms1(), kms2(),
	}
}

// needs is what every control of the package reads.
var needs = []string{"iam"}

const day = 24 * time.Hour

// state returns the account's IAM state, reporting ERROR on the account
// when it was not collected (and no gap said why).
func state(in *control.Input) *iam.IAM {
	i := in.Account.IAM
	if i == nil {
		in.Error(in.AccountMeta(), "IAM state was not collected")
	}
	return i
}

// unread reports ERROR on the account and returns true when the
// account-wide detail of i could not be read.
func unread(in *control.Input, i *iam.IAM, detail string) bool {
	if e := i.Errors[detail]; e != "" {
		in.Error(in.AccountMeta(), "%s", e)
		return true
	}
	return false
}

func userMeta(u *iam.User) snapshot.Meta {
	return snapshot.Meta{ARN: u.ARN, Type: "AwsIamUser", Name: u.Name, Tags: u.Tags}
}

func roleMeta(r *iam.Role) snapshot.Meta {
	return snapshot.Meta{ARN: r.ARN, Type: "AwsIamRole", Name: r.Name, Tags: r.Tags}
}

func groupMeta(g *iam.Group) snapshot.Meta {
	return snapshot.Meta{ARN: g.ARN, Type: "AwsIamGroup", Name: g.Name}
}

func policyMeta(p *iam.Policy) snapshot.Meta {
	return snapshot.Meta{ARN: p.ARN, Type: "AwsIamPolicy", Name: p.Name}
}

// hasMFA says whether u has an MFA device: from ListMFADevices, else from
// the credential report. why is set when neither was read.
func hasMFA(i *iam.IAM, u *iam.User) (mfa bool, why string) {
	if u.Errors[iam.DetailMFADevices] == "" {
		return len(u.MFADevices) > 0, ""
	}
	if u.Credentials != nil {
		return u.Credentials.MFAActive, ""
	}
	return false, u.Errors[iam.DetailMFADevices] + "; " + i.NoReport(u)
}

// days is how many whole days before now t was.
func days(now, t time.Time) int { return int(now.Sub(t) / day) }

// ago says how long before the scan t was: "today", "1 day ago", "12 days
// ago". A time a day or more after the scan's clock (AWS's clock and the
// scanner's disagree, or the scan's clock was set) is given as a date.
func ago(in *control.Input, t time.Time) string {
	switch d := days(in.Now, t); {
	case d < 0:
		return "on " + t.UTC().Format(time.DateOnly) + ", after the scan's time"
	case d == 0:
		return "today"
	case d == 1:
		return "1 day ago"
	default:
		return strconv.Itoa(d) + " days ago"
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func date(t time.Time) string { return t.UTC().Format("2006-01-02") }

// names joins entity names for a reason: "group developers, user bob".
func names(kind string, list []string) []string {
	out := make([]string, 0, len(list))
	for _, n := range list {
		out = append(out, kind+" "+n)
	}
	return out
}

func join(parts []string) string { return strings.Join(parts, ", ") }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
