package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/search"
	"github.com/guardrail-sec/guardrail/internal/target"
)

// searchFlags are the flags every search takes.
type searchFlags struct {
	db       dbFlag
	accounts []string
	regions  []string
	format   string
	limit    int
}

func (f *searchFlags) register(c *cobra.Command) {
	f.db.register(c)
	fl := c.Flags()
	fl.StringSliceVar(&f.accounts, "account", nil, "account IDs")
	fl.StringSliceVar(&f.regions, "in-region", nil, "regions of the resources")
	fl.StringVar(&f.format, "format", "text", "text or json")
	fl.IntVar(&f.limit, "limit", 0, "at most this many (0: all)")
}

func newSearchCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "search",
		Short: "Search every account and region: security groups allowing an IP or port, public buckets, users without MFA or with old keys, IMDSv1 instances",
		Long: `Search the resources the latest scans stored, across every account and
region. Each hit says when its resource was last seen; resources a scan
could not read stay as the scan before saw them.`,
	}
	c.AddCommand(newSearchSGCmd(), newSearchBucketsCmd(), newSearchUsersCmd(), newSearchInstancesCmd())
	return c
}

func newSearchSGCmd() *cobra.Command {
	var f searchFlags
	q := search.Query{Kind: search.SecurityGroups}
	c := &cobra.Command{
		Use:   "sg",
		Short: "Security groups with an inbound rule that allows an IP address or CIDR, a port, or both",
		Long: `Security groups with an inbound rule that allows --ip (an IPv4 or IPv6
address or CIDR), --port, or both, over --protocol (tcp, udp, icmp, icmpv6,
a number, or all for rules that allow every protocol; default any). A CIDR
matches a rule whose range contains all of it (--match contains, the
default) or any of it (--match overlaps). Rules whose source is a security
group or a prefix list are not matched: their addresses are not known.`,
		Example: `  guardrail search sg --ip 203.0.113.7
  guardrail search sg --ip 203.0.113.0/24 --port 22 --match overlaps
  guardrail search sg --port 3389 --protocol tcp --account 444444444401`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runSearch(c, &f, q) },
	}
	f.register(c)
	fl := c.Flags()
	fl.StringVar(&q.IP, "ip", "", "an IPv4 or IPv6 address or CIDR the rule must allow")
	fl.IntVar(&q.Port, "port", 0, "a port the rule must allow (1-65535)")
	fl.StringVar(&q.Protocol, "protocol", "", "tcp, udp, icmp, icmpv6, a protocol number, or all (default: any)")
	fl.StringVar(&q.Match, "match", search.Contains, "how a CIDR meets a rule's range: contains or overlaps")
	return c
}

func newSearchBucketsCmd() *cobra.Command {
	var f searchFlags
	q := search.Query{Kind: search.Buckets}
	c := &cobra.Command{
		Use:   "buckets",
		Short: "S3 buckets anyone can read or write (--public), with why; without --public every bucket",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return runSearch(c, &f, q) },
	}
	f.register(c)
	c.Flags().BoolVar(&q.Public, "public", false, "only public buckets")
	return c
}

func newSearchUsersCmd() *cobra.Command {
	var f searchFlags
	q := search.Query{Kind: search.Users}
	c := &cobra.Command{
		Use:   "users",
		Short: "IAM users (and root users) without MFA, or with old active access keys; both without flags",
		Example: `  guardrail search users --no-mfa
  guardrail search users --key-age 180`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if c.Flags().Changed("key-age") {
				q.OldKeys = true
			}
			return runSearch(c, &f, q)
		},
	}
	f.register(c)
	fl := c.Flags()
	fl.BoolVar(&q.NoMFA, "no-mfa", false, "console users and root users without MFA")
	fl.BoolVar(&q.OldKeys, "old-keys", false, "users with an active access key at least --key-age days old")
	fl.IntVar(&q.KeyAge, "key-age", search.DefaultKeyAge, "age in days from which an active access key is old (implies --old-keys)")
	return c
}

func newSearchInstancesCmd() *cobra.Command {
	var f searchFlags
	var imdsv1 bool
	q := search.Query{Kind: search.Instances}
	c := &cobra.Command{
		Use:   "instances",
		Short: "EC2 instances whose metadata service allows IMDSv1 (http_tokens optional, endpoint enabled), running or stopped",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !imdsv1 {
				return usageErr("--imdsv1=false: the instances search finds instances that allow IMDSv1; there is no other yet")
			}
			return runSearch(c, &f, q)
		},
	}
	f.register(c)
	c.Flags().BoolVar(&imdsv1, "imdsv1", true, "instances that allow IMDSv1 (the default, and the only instances search)")
	return c
}

// runSearch runs q with the common flags; a bad query is a usage error
// naming its flag.
func runSearch(c *cobra.Command, f *searchFlags, q search.Query) error {
	if f.format != "text" && f.format != "json" {
		return usageErr("--format %q: want text or json", f.format)
	}
	q.Accounts, q.Regions, q.Limit = f.accounts, f.regions, f.limit
	if err := queryErr(search.Validate(q)); err != nil {
		return err
	}
	for _, a := range f.accounts {
		if !target.AccountID.MatchString(a) {
			return usageErr("--account: %q is not an account ID (12 digits)", a)
		}
	}
	for _, r := range f.regions {
		if !target.Region.MatchString(r) {
			return usageErr("--in-region: %q is not a region name (like eu-west-1)", r)
		}
	}
	st, err := f.db.open(c.Context())
	if err != nil {
		return err
	}
	defer st.Close()
	// An account or region no scan stored can never match.
	if err := storeHas(c.Context(), st, &f.db, f.accounts, f.regions, "", ""); err != nil {
		return err
	}
	res, err := search.Run(c.Context(), st, q)
	if err != nil {
		return queryErr(err)
	}
	w := c.OutOrStdout()
	if f.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return writeHits(w, res, f.db.flag())
}

// queryErr makes a bad query a usage error naming its flag.
func queryErr(err error) error {
	var qe *search.QueryError
	if errors.As(err, &qe) {
		return usageErr("--%s: %v", qe.Field, qe.Err)
	}
	return err
}

var kindNoun = map[search.Kind]string{search.SecurityGroups: "security groups", search.Buckets: "buckets",
	search.Users: "users", search.Instances: "instances"}

func writeHits(w io.Writer, res search.Result, dbFlag string) error {
	if res.AsOf.IsZero() {
		fmt.Fprintf(w, "No %s stored: run 'guardrail scan%s' first (scans store the resources they read).\n", kindNoun[res.Query.Kind], dbFlag)
		return nil
	}
	if len(res.Hits) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tNAME\tEXPOSURE\tMATCH\tDETAIL")
		for _, h := range res.Hits {
			exp := h.Exposure.String()
			if exp == "" {
				exp = "-"
			}
			name := h.Name
			if name != h.ID && h.ID != "" {
				name += " (" + h.ID + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", hitAccount(h), h.Region, name, exp, h.Match, h.Detail)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d of %d %s match, as of %s\n", len(res.Hits), res.Total, kindNoun[res.Query.Kind], res.AsOf.UTC().Format(time.RFC3339))
	if len(res.Unknown) > 0 {
		fmt.Fprintf(w, "\nNot judged (%d): what could not be read\n", len(res.Unknown))
		for _, h := range res.Unknown {
			fmt.Fprintf(w, "  %s %s %s: %s\n", hitAccount(h), h.Region, h.Name, h.Match)
		}
	}
	return nil
}

func hitAccount(h search.Hit) string {
	if h.AccountName != "" {
		return strings.TrimSpace(h.AccountName) + " (" + h.Account + ")"
	}
	return h.Account
}
