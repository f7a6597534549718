package cloudtrail

import (
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

// access is the kind of S3 object event S3.22 and S3.23 ask for.
type access struct {
	name string // "write", "read"
	has  func(cloudtrail.Coverage) bool
}

var (
	write = access{"write", func(c cloudtrail.Coverage) bool { return c.Write }}
	read  = access{"read", func(c cloudtrail.Coverage) bool { return c.Read }}
)

// objectLogging is S3.22 (writes) and S3.23 (reads): a multi-region
// trail that is logging records S3 object-level events of that kind for
// every bucket. The organization's trail counts for its members.
func objectLogging(a access) func(*control.Input) {
	return func(in *control.Input) {
		v := See(in)
		var why, unknown []string
		for _, t := range v.Trails {
			if !t.IsMultiRegion {
				continue
			}
			name := Label(in, t)
			logging, known, reason := Logging(t)
			if !known {
				unknown = append(unknown, reason)
				continue
			}
			if !logging {
				why = append(why, name+" is "+notLogging(t))
				continue
			}
			if ok, reason := SelectorsKnown(t); !ok {
				unknown = append(unknown, reason)
				continue
			}
			c := t.Selectors.S3Objects()
			if a.has(c) {
				in.Pass(in.AccountMeta(), "multi-region trail %s logs S3 object-level %s events for every bucket", name, a.name)
				return
			}
			switch {
			case c.Read || c.Write:
				why = append(why, name+" logs S3 object-level "+other(a)+" events only")
			default:
				why = append(why, name+" logs no S3 object-level events for every bucket")
			}
		}
		if len(unknown) > 0 || len(v.Missing) > 0 {
			in.Error(in.AccountMeta(), "%s", join(append(unknown, v.Unknown())))
			return
		}
		msg := "no multi-region trail that is logging records S3 object-level " + a.name + " events for every bucket"
		if len(why) > 0 {
			msg += ": " + strings.Join(why, "; ")
		}
		in.Fail(in.AccountMeta(), "%s", msg)
	}
}

func other(a access) string {
	if a.name == "write" {
		return "read"
	}
	return "write"
}
