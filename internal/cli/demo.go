package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
)

func newDemoCmd(g *globals) *cobra.Command {
	var s scanFlags
	var sf simFlags
	var noServe bool
	var addr, scenario string
	var dash serveFlags
	c := &cobra.Command{
		Use:   "demo",
		Short: "Run Guardrail on a simulated organization: no AWS account needed",
		Long: `Start the AWS simulator in-process with the demo organization (13 accounts
in Security, Workloads/Production, Workloads/Development and Sandbox OUs,
4 regions enabled everywhere and a fifth, eu-south-1, opted in by one
account, the misconfigurations real organizations have) and run Guardrail
against it through the same code as a real organization: a full scan whose
summary it prints (--format and --output write any report format, as with
'guardrail scan').

Then it serves the dashboard over the demo's store on --dashboard-addr
(http://127.0.0.1:8080/), with access to the simulated organization (a
finding's remediation plan, the rollback of a remediation run), and keeps
the simulator serving on --addr for other tools, until Ctrl-C; --no-serve
exits when the work is done.

--scenario imdsv2 then replays the EC2.8 incident: IMDSv2 required on every
instance, in waves (canary: the Development OU) behind a health gate on
CloudWatch alarms, over a legacy web application that still needs IMDSv1.
Its alarm fires during the canary's soak; the gate halts the run and rolls
the canary back. It prints the waves, the alarm, what was rolled back and
EC2.8 per account before and after, and exits 0 when the gate worked as
designed.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if s.db.dsn == "" && !s.noStore {
				// The demo's findings are kept apart from a real organization's.
				p, err := store.DefaultPath()
				if err != nil {
					return usageErr("--db: %v", err)
				}
				s.db.dsn = filepath.Join(filepath.Dir(p), "demo.db")
			}
			j, err := s.job(c.ErrOrStderr())
			if err != nil {
				return err
			}
			if _, ok := scenarios[scenario]; scenario != "" && !ok {
				return usageErr("--scenario %q: want imdsv2", scenario)
			}
			if scenario != "" && j.db == nil {
				return usageErr("--scenario needs a store: it journals the remediation (drop --no-store)")
			}
			if noServe {
				addr = "127.0.0.1:0"
			} else if err := checkLoopback(addr, false); err != nil {
				return err
			}
			var d *serveFlags
			if !noServe && j.db != nil {
				d = &dash
				if err := d.check("dashboard-addr", c.ErrOrStderr()); err != nil {
					return err
				}
			}
			srv, err := sf.build()
			if err != nil {
				return err
			}
			// One clock for the simulated world, the scan, the store and
			// the dashboard: the real one, or --now.
			now := srv.World().Now
			j.opts.Now, dash.now = now, now
			if j.notify != nil {
				j.notify.stopped = sf.now != ""
			}
			if j.db != nil {
				j.db.now = now
			}
			// Bind every address before any work: a busy port fails now,
			// not after the scan.
			ln, err := listen("addr", addr)
			if err != nil {
				return err
			}
			defer ln.Close()
			var dashLn net.Listener
			if d != nil {
				if dashLn, err = listen("dashboard-addr", d.addr); err != nil {
					return err
				}
				defer dashLn.Close()
			}
			return runDemo(c.Context(), srv, ln, noServe, d, dashLn, j, scenario, g.awsOptions(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	s.register(c)
	// The demo keeps its own store, apart from a real organization's.
	c.Flags().Lookup("db").Usage = "store: a SQLite file path, or a postgres://user@host/db URL (default $XDG_DATA_HOME/guardrail/demo.db or ~/.local/share/guardrail/demo.db)"
	sf.register(c)
	c.Flags().BoolVar(&noServe, "no-serve", false, "exit when done instead of serving")
	c.Flags().StringVar(&scenario, "scenario", "", "after the scan, play a scenario: imdsv2 (the EC2.8 incident, remediated in waves behind a health gate)")
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:4566", "address the simulator serves on")
	dash.register(c, "dashboard-addr")
	return c
}

// runDemo serves srv on ln, runs the main job against it (with the
// timeouts of ao), and then, unless noServe, serves the simulator and the
// dashboard (dash on dashLn, if not nil: nothing to show when nothing was
// stored) until ctx is done.
func runDemo(ctx context.Context, srv *sim.Server, ln net.Listener, noServe bool, dash *serveFlags, dashLn net.Listener, j *scanJob, scenario string, ao awsx.Options, w, stderr io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	url := "http://" + ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	wd := srv.World()
	mgmt := wd.Org.ManagementAccount
	cfg, err := awsx.Load(ctx, awsx.Options{
		Isolated:        true,
		Region:          wd.HomeRegion,
		EndpointURL:     url,
		AccessKeyID:     world.RootKey(mgmt),
		SecretAccessKey: world.RootSecret(mgmt),
		ConnectTimeout:  ao.ConnectTimeout,
		AttemptTimeout:  ao.AttemptTimeout,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Demo organization served by the in-process AWS simulator at %s\n\n", url)
	if err := runScan(ctx, cfg, j, w); err != nil {
		return err
	}
	var serr error
	if scenario == "imdsv2" {
		st, err := j.db.open(ctx)
		if err != nil {
			return err
		}
		serr = imdsv2Scenario(ctx, cfg, wd, st, j.opts.Now, j.opts.ID, j.db.flag(), w)
		st.Close()
		if serr != nil {
			if noServe {
				cancel()
				<-done
				return serr
			}
			fmt.Fprintf(stderr, "guardrail: %v\n", serr)
		}
	}
	if noServe {
		cancel()
		<-done
		return nil
	}
	fmt.Fprintln(w)
	printSimBanner(w, srv, url)
	if dash == nil {
		fmt.Fprintln(w, "Press Ctrl-C to stop.")
		<-ctx.Done()
		return <-done
	}
	st, err := j.db.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// The dashboard plans and rolls back on the simulated organization.
	dash.aws = &cfg
	if j.notify != nil {
		if err := dash.jiraHook(j.notify.cfg, st, j.opts.Now); err != nil {
			return err
		}
	}
	web, err := dash.server(st, stderr)
	if err != nil {
		return err
	}
	if err := dash.serve(ctx, web, dashLn, w); err != nil {
		cancel()
		<-done
		return err
	}
	return <-done
}
