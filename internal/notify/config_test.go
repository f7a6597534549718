package notify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guardrail-sec/guardrail/internal/notify"
)

// The minimal form from issue 15, exactly as written there.
const minimal = `destinations:
  - name: security-webhook
    type: webhook
    url: http://127.0.0.1:9000/hook
routes:
  - match: {severity: [CRITICAL, HIGH]}
    to: [security-webhook]
`

func TestMinimalForm(t *testing.T) {
	c, err := notify.Parse("notify.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := c.Destination("security-webhook")
	if !ok || d.Type != notify.Webhook || d.URL != "http://127.0.0.1:9000/hook" || d.Host() != "127.0.0.1:9000" {
		t.Fatalf("destination = %+v", d)
	}
	high := finding("HIGH")
	if got := c.Route(&high); len(got) != 1 || got[0] != (notify.Target{Destination: "security-webhook", Route: "routes[0]"}) {
		t.Errorf("HIGH routes to %+v", got)
	}
	low := finding("LOW")
	if got := c.Route(&low); len(got) != 0 {
		t.Errorf("LOW routes to %+v, want nowhere (no default route)", got)
	}
	if c.Defaults.GroupWindow != 15*time.Minute || c.Defaults.DigestTop != 10 {
		t.Errorf("defaults = %+v", c.Defaults)
	}
}

func TestFullConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "slack.url"), []byte("https://hooks.slack.com/services/T0/B0/XYZ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GR_HOOK_SECRET", "s3cret")
	t.Setenv("GR_SMTP_PASSWORD", "pw")
	t.Setenv("GR_JIRA_TOKEN", "tok")
	src := `
destinations:
  - {name: slack, type: slack, url_file: slack.url}
  - {name: teams, type: teams, url: "https://example.webhook.office.com/x"}
  - name: hook
    type: webhook
    url: https://hooks.example.com/guardrail
    secret_env: GR_HOOK_SECRET
    headers: {X-Team: platform}
  - name: mail
    type: email
    smtp: {host: smtp.example.com, tls: true, username: guardrail, password_env: GR_SMTP_PASSWORD, from: guardrail@example.com, to: [sec@example.com, ops@example.com]}
  - name: topic
    type: sns
    sns: {topic_arn: "arn:aws:sns:eu-west-1:111122223333:security", role: "arn:aws:iam::111122223333:role/notify"}
  - name: jira
    type: jira
    jira:
      url: https://acme.atlassian.net/
      user: bot@acme.com
      token_env: GR_JIRA_TOKEN
      project: SEC
      issue_type: Bug
      priority: {critical: Blocker}
      labels: [security]
      resolved_transition: Closed
      wontfix_statuses: [Risk Accepted]
routes:
  - name: payments
    match: {resource_tag: {team: payments}, min_severity: medium}
    to: [slack, jira]
    stop: true
  - match: {ou: Workloads, standard: cis, change: [new, reopened]}
    to: [mail]
    digest: true
default:
  to: [hook]
options: {group_window: 5m, digest_top: 5, dashboard_url: "https://guardrail.example.com/"}
`
	c, err := notify.Parse(filepath.Join(dir, "notify.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.Destination("slack")
	h, _ := c.Destination("hook")
	m, _ := c.Destination("mail")
	sn, _ := c.Destination("topic")
	j, _ := c.Destination("jira")
	switch {
	case s.URL != "https://hooks.slack.com/services/T0/B0/XYZ" || s.Host() != "hooks.slack.com":
		t.Errorf("slack = %+v", s)
	case h.Secret != "s3cret" || h.Headers["X-Team"] != "platform":
		t.Errorf("hook = %+v", h)
	case m.SMTP.Port != 465 || !m.SMTP.TLS || m.SMTP.Password != "pw" || len(m.SMTP.To) != 2 || m.SMTP.StartTLS != notify.StartTLSRequired:
		t.Errorf("mail = %+v", m.SMTP)
	case sn.SNS.Region != "eu-west-1" || sn.SNS.Role == "":
		t.Errorf("sns = %+v", sn.SNS)
	case j.Jira.URL != "https://acme.atlassian.net" || !j.Jira.Cloud || j.Jira.Token != "tok" || j.Jira.Priority["CRITICAL"] != "Blocker" ||
		j.Jira.Priority["HIGH"] != "High" || j.Jira.IssueType != "Bug" || j.Jira.ResolvedTransition != "Closed" || j.Jira.WontFixStatuses[0] != "Risk Accepted":
		t.Errorf("jira = %+v", j.Jira)
	case c.Default == nil || c.Default.To[0] != "hook" || c.Routes[0].Name != "payments" || !c.Routes[0].Stop || !c.Routes[1].Digest:
		t.Errorf("routes = %+v default %+v", c.Routes, c.Default)
	case c.Defaults != notify.Defaults{GroupWindow: 5 * time.Minute, DigestTop: 5, DashboardURL: "https://guardrail.example.com"}:
		t.Errorf("options = %+v", c.Defaults)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Setenv("GR_EMPTY", "")
	const secretValue = "https://hooks.slack.com/services/T000/B000/SUPERSECRET"
	for _, tc := range []struct{ name, src, want string }{
		{"empty", ``, "n.yaml:1:1: destinations: required"},
		{"syntax", "destinations: [\n", "n.yaml:1:15: not valid YAML"},
		{"unknown top key", minimal + "route: []\n", `n.yaml:8:1: unknown field "route"`},
		{"no routes", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\n", "n.yaml:1:1: routes: required"},
		{"unknown type", "destinations:\n  - {name: a, type: pager}\nroutes: []\n", `n.yaml:2:21: destinations[0].type: "pager" is not a destination type`},
		{"missing url", "destinations:\n  - {name: a, type: slack}\nroutes: []\n", "n.yaml:2:5: destinations[0].url: required"},
		{"two urls", "destinations:\n  - {name: a, type: slack, url: 'https://x.example/', url_env: X}\nroutes: []\n", "give one of url, url_env and url_file"},
		{"env unset", "destinations:\n  - {name: a, type: slack, url_env: GR_NOT_SET_ANYWHERE}\nroutes: []\n", "n.yaml:2:37: destinations[0].url_env: environment variable GR_NOT_SET_ANYWHERE is not set"},
		{"env empty", "destinations:\n  - {name: a, type: slack, url_env: GR_EMPTY}\nroutes: []\n", "environment variable GR_EMPTY is empty"},
		{"secret file missing", "destinations:\n  - {name: a, type: slack, url_file: nope.txt}\nroutes: []\n", "destinations[0].url_file: cannot read the secret file"},
		{"plain http", "destinations:\n  - {name: a, type: slack, url: 'http://hooks.example.com/T/B/SECRETPATH'}\nroutes: []\n", "destinations[0].url: plain http to hooks.example.com: want https"},
		{"dup destination", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes: []\n", `n.yaml:3:5: destinations[1].name: "a" is defined twice (first on line 2)`},
		{"unknown destination", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes:\n  - {match: {}, to: [a, b]}\n", `n.yaml:4:25: routes[0].to[1]: destination "b" is not defined (defined: a)`},
		{"bad severity", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes:\n  - {match: {severity: [HIGH, SEVERE]}, to: [a]}\n", `n.yaml:4:31: routes[0].match.severity[1]: "SEVERE" is not a severity`},
		{"unknown match key", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes:\n  - {match: {tag: x}, to: [a]}\n", `n.yaml:4:14: routes[0].match: unknown field "tag"`},
		{"bad change", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes:\n  - {match: {change: closed}, to: [a]}\n", `routes[0].match.change: "closed" is not a change`},
		{"route without match", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes:\n  - {to: [a]}\n", "n.yaml:4:5: routes[0].match: required"},
		{"route without to", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes:\n  - {match: {}}\n", "n.yaml:4:5: routes[0].to: required"},
		{"stop not bool", "destinations:\n  - {name: a, type: webhook, url: 'http://127.0.0.1/'}\nroutes:\n  - {match: {}, to: [a], stop: maybe}\n", `routes[0].stop: "maybe" is not true or false`},
		{"digest to jira", "destinations:\n  - {name: j, type: jira, jira: {url: 'https://j.example.com', token: t, project: SEC}}\nroutes:\n  - {match: {}, to: [j], digest: true}\n", `routes[0].to[0]: "j" is a Jira destination`},
		{"smtp missing", "destinations:\n  - {name: m, type: email}\nroutes: []\n", "destinations[0].smtp: required"},
		{"smtp bad to", "destinations:\n  - {name: m, type: email, smtp: {host: h, from: a@b.c, to: [nobody]}}\nroutes: []\n", `destinations[0].smtp.to[0]: "nobody" is not an e-mail address`},
		{"smtp starttls", "destinations:\n  - {name: m, type: email, smtp: {host: h, from: a@b.c, to: x@y.z, starttls: maybe}}\nroutes: []\n", `destinations[0].smtp.starttls: "maybe": want required, opportunistic or none`},
		{"smtp clear password", "destinations:\n  - {name: m, type: email, smtp: {host: mail.example.com, from: a@b.c, to: x@y.z, starttls: none, username: u, password: p}}\nroutes: []\n", "would send the password in clear text"},
		{"smtp user without password", "destinations:\n  - {name: m, type: email, smtp: {host: h, from: a@b.c, to: x@y.z, username: u}}\nroutes: []\n", "destinations[0].smtp.password: required with username"},
		{"sns bad arn", "destinations:\n  - {name: s, type: sns, sns: {topic_arn: 'arn:aws:sqs:eu-west-1:111122223333:q'}}\nroutes: []\n", "is not an SNS topic ARN"},
		{"jira project", "destinations:\n  - {name: j, type: jira, jira: {url: 'https://j.example.com', token: t, project: sec}}\nroutes: []\n", `destinations[0].jira.project: "sec" is not a Jira project key`},
		{"jira token", "destinations:\n  - {name: j, type: jira, jira: {url: 'https://j.example.com', project: SEC}}\nroutes: []\n", "destinations[0].jira.token: required"},
		{"section for other type", "destinations:\n  - {name: w, type: webhook, url: 'http://127.0.0.1/', smtp: {host: h}}\nroutes: []\n", "destinations[0].smtp: not used by a webhook destination"},
		{"options", minimal + "options: {group_window: soon, digest_top: 0}\n", `options.group_window: "soon" is not a duration`},
		{"secret not quoted", "destinations:\n  - {name: a, type: slack, url: 'ftp://hooks.slack.com/services/T000/B000/SUPERSECRET'}\nroutes: []\n", "want an http:// or https:// URL"},
	} {
		_, err := notify.Parse("n.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v\nwant it to contain %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "SUPERSECRET") || err != nil && strings.Contains(err.Error(), secretValue) {
			t.Errorf("%s: the error quotes the secret URL: %v", tc.name, err)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := notify.Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("err = %v", err)
	}
}
