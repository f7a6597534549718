package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// simFlags choose the simulated world and its faults.
type simFlags struct {
	accounts   int
	regions    int
	latency    string
	throttle   bool
	errorRate  float64
	faultsFile string
	now        string
}

func (s *simFlags) register(c *cobra.Command) {
	f := c.Flags()
	f.IntVar(&s.accounts, "accounts", 0, "generate an organization of this many accounts with the demo's mix (default: the demo organization)")
	f.IntVar(&s.regions, "sim-regions", 4, "regions enabled per generated account (with --accounts)")
	f.StringVar(&s.latency, "latency", "", "latency added to every call: a duration (25ms) or a range (20ms-50ms)")
	f.BoolVar(&s.throttle, "throttle", false, "throttle like AWS: token buckets per account, region and service")
	f.Float64Var(&s.errorRate, "error-rate", 0, "fraction of calls answered with a 5xx (0 to 1)")
	f.StringVar(&s.faultsFile, "faults", "", "JSON file of faults to inject (the document PUT /_sim/faults takes)")
	// --now stops the simulated world's clock (and, in demo, the scan's,
	// the store's and the dashboard's) at a date, so that a demo gives the
	// same results on any day: for reproducible demos, screenshots and
	// the command tests. Hidden: a real scan always runs on the real clock.
	// A stopped clock names every scan alike (scan.NewID), so demo runs
	// that store into one store each need their own --now.
	f.StringVar(&s.now, "now", "", "stop the simulated clock at this date (2026-06-01, noon UTC) or RFC 3339 time (default: the real clock)")
	_ = f.MarkHidden("now")
}

// clock is the one clock of the simulated world (and of the demo's scan):
// the real clock, or --now.
func (s *simFlags) clock() (func() time.Time, error) {
	if s.now == "" {
		return clock.Real, nil
	}
	t, err := clock.Parse(s.now)
	if err != nil {
		return nil, usageErr("--now %v", err)
	}
	return clock.Fixed(t), nil
}

// build makes the world, on its clock (real, or --now), and the server;
// the world's Now is that clock.
func (s *simFlags) build() (*sim.Server, error) {
	now, err := s.clock()
	if err != nil {
		return nil, err
	}
	faults, err := s.faults()
	if err != nil {
		return nil, err
	}
	var w *world.World
	if s.accounts > 0 {
		w, err = demo.Generate(s.accounts, s.regions, now)
		if err != nil {
			return nil, usageErr("--accounts/--sim-regions: %v", err)
		}
	} else {
		w, err = demo.Load(now)
		if err != nil {
			return nil, fmt.Errorf("load the demo organization: %w", err)
		}
	}
	srv := sim.New(w, sim.Services())
	srv.SetFaults(faults)
	return srv, nil
}

func (s *simFlags) faults() (sim.Faults, error) {
	var f sim.Faults
	if s.faultsFile != "" {
		b, err := os.ReadFile(s.faultsFile)
		if err != nil {
			return f, usageErr("--faults: %v", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return f, usageErr("--faults %s: %v", s.faultsFile, err)
		}
	}
	if s.latency != "" {
		lo, hi, ok := strings.Cut(s.latency, "-")
		min, err := time.ParseDuration(lo)
		if err != nil {
			return f, usageErr("--latency %q: %v", s.latency, err)
		}
		max := min
		if ok {
			if max, err = time.ParseDuration(hi); err != nil || max < min {
				return f, usageErr("--latency %q: want MIN-MAX with MIN <= MAX, like 20ms-50ms", s.latency)
			}
		}
		f.Latency = sim.Latency{Min: sim.Duration(min), Max: sim.Duration(max)}
	}
	if s.throttle {
		f.Throttle = true
	}
	if s.errorRate != 0 {
		if s.errorRate < 0 || s.errorRate > 1 {
			return f, usageErr("--error-rate %v: want a fraction from 0 to 1", s.errorRate)
		}
		f.ErrorRate = s.errorRate
	}
	return f, nil
}

func newSimCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "sim",
		Short: "The AWS API simulator the demo, tests and benchmarks run against",
	}
	var sf simFlags
	var addr string
	var allowRemote bool
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulated organization over HTTP for any AWS tool",
		Long: `Serve a simulated AWS Organization (the demo organization, or a generated
one with --accounts) on --addr. The AWS SDKs and the AWS CLI work against it
unchanged: it prints the endpoint and the management account's credentials
to export. Its own endpoints: GET /_sim/stats (calls per account, region and
service), GET|PUT /_sim/faults, POST /_sim/region {"Account","Region","Status"}.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkLoopback(addr, allowRemote); err != nil {
				return err
			}
			srv, err := sf.build()
			if err != nil {
				return err
			}
			ln, err := listen("addr", addr)
			if err != nil {
				return err
			}
			return serveSim(c.Context(), srv, ln, c.OutOrStdout())
		},
	}
	sf.register(serve)
	serve.Flags().StringVar(&addr, "addr", "127.0.0.1:4566", "address to listen on")
	serve.Flags().BoolVar(&allowRemote, "allow-remote", false, "allow a non-loopback --addr (the simulator has no access control)")
	ops := &cobra.Command{
		Use:   "ops",
		Short: "List the simulated services and operations (a Markdown table)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			writeOps(c.OutOrStdout())
			return nil
		},
	}
	c.AddCommand(serve, ops)
	return c
}

// writeOps prints every simulated service with its protocol and operations.
func writeOps(w io.Writer) {
	fmt.Fprintln(w, "| service | signing name | protocol | operations |")
	fmt.Fprintln(w, "|---|---|---|---|")
	total := 0
	for _, s := range sim.Services() {
		names := make([]string, 0, len(s.Ops))
		for op := range s.Ops {
			names = append(names, op)
		}
		sort.Strings(names)
		total += len(names)
		fmt.Fprintf(w, "| %s | %s | %s | %d: %s |\n", s.RouteKey(), s.Name, s.Protocol, len(names), strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "\n%d operations\n", total)
}

// checkLoopback refuses to expose the simulator beyond this machine
// unless asked: it answers anyone, and its admin endpoints change faults.
func checkLoopback(addr string, allow bool) error {
	if err := checkAddr("addr", addr); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(addr)
	if allow || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usageErr("--addr %s is not a loopback address: the simulator has no access control; pass --allow-remote to serve it anyway", addr)
}

// serveSim serves srv on ln until ctx is done.
func serveSim(ctx context.Context, srv *sim.Server, ln net.Listener, w io.Writer) error {
	printSimBanner(w, srv, "http://"+ln.Addr().String())
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
	return srv.Serve(ctx, ln)
}

func printSimBanner(w io.Writer, srv *sim.Server, url string) {
	wd := srv.World()
	mgmt := wd.Org.ManagementAccount
	fmt.Fprintf(w, "Guardrail AWS simulator at %s: organization %s, %d accounts, management account %s\n",
		url, wd.Org.ID, len(wd.Accounts), mgmt)
	fmt.Fprintf(w, "Point any AWS tool at it (simulator credentials, valid nowhere else):\n")
	fmt.Fprintf(w, "  export AWS_ENDPOINT_URL=%s\n", url)
	fmt.Fprintf(w, "  export AWS_ACCESS_KEY_ID=%s\n", world.RootKey(mgmt))
	fmt.Fprintf(w, "  export AWS_SECRET_ACCESS_KEY=%s\n", world.RootSecret(mgmt))
	fmt.Fprintf(w, "  export AWS_REGION=%s\n", wd.HomeRegion)
}
