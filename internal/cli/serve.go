package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/outbox"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/web"
)

// serveFlags configure the dashboard, for 'serve' and 'demo'.
type serveFlags struct {
	addr      string
	tokenFile string
	tlsCert   string
	tlsKey    string
	user      string
	hosts     []string         // --allowed-host
	token     string           // read by check
	tls       *tls.Config      // loaded by check when --tls-cert is given
	now       func() time.Time // the dashboard's clock; nil: the real one

	// AWS access, for remediation plans and rollbacks from the
	// dashboard: 'serve --aws' (with the role of --role in member
	// accounts), or the demo's simulator. Nil: the dashboard never calls
	// AWS.
	aws  *aws.Config
	role string

	// notify is serve's --notify: the Jira destinations whose webhook
	// POST /hooks/jira takes; hook is that endpoint (nil: none).
	notify    string
	hook      http.Handler
	ticketURL func(destination, key string) string
}

// jiraHook sets the dashboard's Jira webhook from cfg's Jira
// destinations with a webhook secret, over st.
func (f *serveFlags) jiraHook(cfg *notify.Config, st store.Store, now func() time.Time) error {
	if cfg == nil {
		return nil
	}
	sites := map[string]string{}
	for _, d := range cfg.Destinations {
		if d.Type == notify.JiraT {
			sites[d.Name] = strings.TrimRight(d.Jira.URL, "/")
		}
	}
	if len(sites) > 0 {
		f.ticketURL = func(dest, key string) string {
			if site, ok := sites[dest]; ok {
				return site + "/browse/" + url.PathEscape(key)
			}
			return ""
		}
	}
	if !outbox.HasHook(cfg) {
		return nil
	}
	s, err := notify.NewSender(cfg, notify.Options{Clock: now, UserAgent: "guardrail"})
	if err != nil {
		return err
	}
	f.hook = (&outbox.Syncer{Store: st, Sender: s, Now: now}).Hook()
	return nil
}

func (f *serveFlags) register(c *cobra.Command, addrFlag string) {
	c.Flags().StringVar(&f.addr, addrFlag, "127.0.0.1:8080", "address the dashboard listens on; other than loopback it needs an access token")
	c.Flags().StringVar(&f.tokenFile, "token-file", "", "file holding the dashboard's access token (default: $GUARDRAIL_DASHBOARD_TOKEN); needed on any address but loopback")
	c.Flags().StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	c.Flags().StringVar(&f.tlsKey, "tls-key", "", "the certificate's private key (PEM)")
	c.Flags().StringArrayVar(&f.hosts, "allowed-host", nil, "a host name the dashboard also answers to, such as a reverse proxy's public name (repeatable); "+
		"otherwise it answers only to the address it listens on (and localhost on loopback)")
	c.Flags().StringVar(&f.user, "user", "", "who suppressions made in the dashboard are recorded as when the form leaves it empty (default $USER)")
}

// check checks the flags, reads the token and loads the certificate. A
// non-loopback address without a token is refused here, before anything
// runs.
func (f *serveFlags) check(addrFlag string, stderr io.Writer) error {
	if err := checkAddr(addrFlag, f.addr); err != nil {
		return err
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageErr("--tls-cert and --tls-key go together")
	}
	for _, h := range f.hosts {
		if err := web.CheckHostName(h); err != nil {
			return usageErr("--allowed-host %q: %v", h, err)
		}
	}
	if f.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(f.tlsCert, f.tlsKey)
		if err != nil {
			return usageErr("--tls-cert %s, --tls-key %s: %v", f.tlsCert, f.tlsKey, err)
		}
		f.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	token, err := web.TokenFromEnv(f.tokenFile)
	if err != nil {
		return usageErr("--token-file: %v", err)
	}
	if token == "" && !web.IsLoopback(f.addr) {
		return usageErr("--%s %s: refusing to serve the dashboard beyond this machine without an access token: "+
			"set GUARDRAIL_DASHBOARD_TOKEN or pass --token-file (at least 16 characters; e.g. openssl rand -hex 24), "+
			"or listen on 127.0.0.1", addrFlag, f.addr)
	}
	if token != "" && f.tlsCert == "" && !web.IsLoopback(f.addr) {
		fmt.Fprintf(stderr, "warning: --%s %s without --tls-cert: the token and the findings cross the network in clear text\n", addrFlag, f.addr)
	}
	f.token = token
	return nil
}

// checkAddr checks that addr is host:port with a port from 0 to 65535.
func checkAddr(flag, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErr("--%s %q: %v", flag, addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return usageErr("--%s %q: the port must be a number from 0 to 65535", flag, addr)
	}
	return nil
}

// listen binds addr for the listener of --flag; an address in use or
// that cannot be bound is a usage error naming the flag. Commands bind
// before they do any work, so a busy port fails at once.
func listen(flag, addr string) (net.Listener, error) {
	if err := checkAddr(flag, addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usageErr("--%s %s: %v", flag, addr, err)
	}
	return ln, nil
}

// server builds the dashboard over st (after check).
func (f *serveFlags) server(st store.Store, stderr io.Writer) (*web.Server, error) {
	cat, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	user := f.user
	if user == "" {
		user = os.Getenv("USER")
	}
	o := web.Options{Store: st, Catalog: cat, Token: f.token, TLS: f.tlsCert != "", User: user, AllowedHosts: f.hosts, Addr: f.addr, Now: f.now,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), JiraHook: f.hook, TicketURL: f.ticketURL}
	if f.aws != nil {
		cfg := *f.aws
		o.AWS = func(context.Context) (aws.Config, error) { return cfg, nil }
		o.Remediate = remediate.Options{Discover: org.Options{Role: f.role}, Catalog: cat, Collectors: registry.All()}
	}
	return web.New(o)
}

// dashboardAWS loads the AWS configuration of 'serve --aws' (the global
// --profile, --region, --endpoint-url and timeouts) and says whose it
// is, so that a wrong profile fails now, not at the first plan.
func (f *serveFlags) dashboardAWS(c *cobra.Command, o awsx.Options) error {
	cfg, err := awsx.Load(c.Context(), o)
	if err != nil {
		return usageErr("--aws: %v", err)
	}
	_, arn, err := awsx.CallerIdentity(c.Context(), cfg)
	if err != nil {
		return usageErr("--aws: the AWS credentials do not work: %s", awsx.Describe(err))
	}
	fmt.Fprintf(c.ErrOrStderr(), "guardrail: the dashboard plans remediations and rolls runs back as %s\n", arn)
	f.aws = &cfg
	return nil
}

// serve serves srv on ln (bound by listen) until ctx is done, saying
// where.
func (f *serveFlags) serve(ctx context.Context, srv *web.Server, ln net.Listener, w io.Writer) error {
	scheme := "http"
	if f.tls != nil {
		scheme = "https"
	}
	fmt.Fprintf(w, "Dashboard at %s://%s/ (JSON API under /api/). Press Ctrl-C to stop.\n", scheme, ln.Addr())
	err := srv.Serve(ctx, ln, f.tls)
	if errors.Is(err, web.ErrNoToken) {
		return usageErr("%v", err)
	}
	return err
}

func newServeCmd(g *globals) *cobra.Command {
	var db dbFlag
	var f serveFlags
	var useAWS bool
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the dashboard: the posture of every account, the findings, search across accounts",
		Long: `Serve the dashboard over the store that 'guardrail scan' fills: scores per
standard and account, a heat map of accounts and regions, the top failing
controls, the score trend and what changed since the previous scan; a
findings explorer (filters, priority order, CSV download), pages for each
control, account and finding (suppress and unsuppress with a reason), search
across accounts, and a JSON API under /api/.

It listens on 127.0.0.1:8080 by default. Any other address needs an access
token (GUARDRAIL_DASHBOARD_TOKEN or --token-file): browsers sign in with it
once, API clients send "Authorization: Bearer <token>".

It answers only to the host names it listens on (and localhost, 127.0.0.1
and [::1] on loopback), which defeats DNS rebinding; to reach it by another
name (its DNS name when it listens on 0.0.0.0, or a reverse proxy's public
name), allow that name with --allowed-host.

The dashboard never calls AWS unless --aws is given: it reads the store,
and its remediation pages show the 'guardrail remediate' commands to run.
With --aws it uses the AWS credentials of --profile, --region and
--endpoint-url (as the other commands do) to plan a finding's remediation
from its page (reads only) and to roll back a remediation run from the
Remediation page (changes AWS, after a confirmation), assuming --role in
member accounts. Anyone who can sign in to the dashboard can then do both.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := f.check("addr", c.ErrOrStderr()); err != nil {
				return err
			}
			if !useAWS && c.Flags().Changed("role") {
				return usageErr("--role goes with --aws")
			}
			nf := notifyFlag{path: f.notify}
			if err := nf.load(); err != nil {
				return err
			}
			if nf.cfg != nil && !hasJira(nf.cfg) {
				return usageErr("--notify %s: no jira destination: the dashboard links Jira tickets and takes Jira's webhook, and there is none", f.notify)
			}
			ln, err := listen("addr", f.addr)
			if err != nil {
				return err
			}
			defer ln.Close()
			st, err := db.open(c.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			if err := f.jiraHook(nf.cfg, st, db.clock()); err != nil {
				return err
			}
			if useAWS {
				if err := f.dashboardAWS(c, g.awsOptions()); err != nil {
					return err
				}
			}
			srv, err := f.server(st, c.ErrOrStderr())
			if err != nil {
				return err
			}
			return f.serve(c.Context(), srv, ln, c.OutOrStdout())
		},
	}
	db.register(c)
	f.register(c, "addr")
	c.Flags().BoolVar(&useAWS, "aws", false, "let the dashboard call AWS, with the credentials of --profile/--region/--endpoint-url: plan a finding's remediation, roll back a remediation run, explain an alert's denied call from the SCPs (default: it never calls AWS)")
	c.Flags().StringVar(&f.role, "role", org.DefaultRole, "with --aws: the role to assume in member accounts")
	c.Flags().StringVar(&f.notify, "notify", "", "notification config (YAML): take Jira's webhook at POST /hooks/jira for its Jira destinations with a webhook_secret (an issue closed as won't fix suppresses its finding)")
	return c
}
