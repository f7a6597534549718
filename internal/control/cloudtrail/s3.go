package cloudtrail

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

// objectLogging is S3.22 (writes) and S3.23 (reads): a multi-region
// trail that is logging records S3 object-level events of that kind for
// every bucket. The organization's trail counts for its members.
func objectLogging(need cloudtrail.Need, kind string) func(*control.Input) {
	return func(in *control.Input) {
		ok, why, unknown := See(in).Qualifying(in, need)
		switch {
		case len(ok) > 0:
			in.Pass(in.AccountMeta(), "multi-region trail %s logs S3 object-level %s events for every bucket", Label(in, ok[0]), kind)
		case len(unknown) > 0:
			in.Error(in.AccountMeta(), "%s", strings.Join(unknown, "; "))
		default:
			msg := "no multi-region trail that is logging records S3 object-level " + kind + " events for every bucket"
			if len(why) > 0 {
				msg += ": " + strings.Join(why, "; ")
			}
			in.Fail(in.AccountMeta(), "%s", msg)
		}
	}
}
