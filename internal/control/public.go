package control

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/policy"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
)

// CheckPublicPolicy judges m by its resource policy doc (what names the
// policy: "topic", "queue", "secret"): FAILED with what each open
// statement grants when policy.Public finds one (see its notes on
// conditions and Deny), PASSED otherwise (no policy included), ERROR when
// the document cannot be parsed. It is the reading of the "... access
// policies should not allow public access" controls of SNS, SQS and the
// like.
func (in *Input) CheckPublicPolicy(m snapshot.Meta, what, doc string) {
	if doc == "" {
		in.Pass(m, "no %s policy", what)
		return
	}
	d, err := policy.ParseString(doc)
	if err != nil {
		in.Error(m, "%s policy could not be read: %v", what, err)
		return
	}
	var public []string
	for _, g := range policy.Public(d, in.Account.ID) {
		public = append(public, g.String())
	}
	if len(public) > 0 {
		in.Fail(m, "public %s policy: %s", what, strings.Join(public, "; "))
		return
	}
	in.Pass(m, "%s policy grants no public access", what)
}
