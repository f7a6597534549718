package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/deploy"
)

func newControlsCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "controls",
		Short: "The control catalog: what Guardrail checks, mapped to CIS, AWS FSBP and Well-Architected",
	}
	var std, format string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the controls, or a standard's requirements with the controls that assess them",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageErr("--format %q: want text or json", format)
			}
			cat, err := catalog.Default()
			if err != nil {
				return fmt.Errorf("control catalog: %w", err)
			}
			return listControls(c.OutOrStdout(), cat, std, format)
		},
	}
	list.Flags().StringVar(&std, "standard", "", "show this standard's requirements ("+standardsHelp+")")
	list.Flags().StringVar(&format, "format", "text", "text or json")
	c.AddCommand(list)
	return c
}

func listControls(w io.Writer, cat *control.Catalog, std, format string) error {
	if std == "" {
		if format == "json" {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(cat.Controls())
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSEVERITY\tSCOPE\tSTANDARDS\tTITLE")
		for _, ctl := range cat.Controls() {
			scope := "region"
			if ctl.Global {
				scope = "account"
			}
			var refs []string
			for _, r := range ctl.Standards {
				if s, ok := cat.Standard(r.Standard); ok {
					refs = append(refs, s.Short+":"+r.ID)
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ctl.ID, ctl.Severity, scope, strings.Join(refs, ","), ctl.Title)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%d controls\n", len(cat.Controls()))
		return nil
	}
	s, ok := cat.Standard(std)
	if !ok {
		return usageErr("--standard %q: want one of %s", std, standardNames(cat))
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintf(w, "%s %s (%s)\n\n", s.Name, s.Version, s.ID)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REQ\tLEVEL\tASSESSMENT\tCONTROLS\tTITLE")
	for _, r := range s.Requirements {
		kind := "automated"
		if r.Manual {
			kind = "manual"
		}
		level := "-"
		if r.Level > 0 {
			level = fmt.Sprint(r.Level)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, level, kind, requirementControls(r), r.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	assessed, manual, missing := s.Counts()
	fmt.Fprintf(w, "\n%d requirements, %d assessed by Guardrail controls", len(s.Requirements), assessed)
	if manual > 0 {
		fmt.Fprintf(w, ", %d need a person", manual)
	}
	if missing > 0 {
		fmt.Fprintf(w, ", %d not implemented yet", missing)
	}
	fmt.Fprintln(w)
	if manual+missing > 0 {
		fmt.Fprintln(w, "Only requirements assessed by a control count in the standard's score; the others never count as passed.")
	}
	return nil
}

// requirementControls is the CONTROLS cell: the controls that assess r
// (the first few when there are many: --format json lists them all),
// then the Security Hub controls it waits for ("not implemented: EFS.1"),
// or "(needs a person)" when no control could assess it.
func requirementControls(r control.StdItem) string {
	const shown = 6
	var parts []string
	switch n := len(r.Controls); {
	case n > shown:
		parts = append(parts, fmt.Sprintf("%s (+%d more)", strings.Join(r.Controls[:shown-1], ","), n-shown+1))
	case n > 0:
		parts = append(parts, strings.Join(r.Controls, ","))
	}
	if len(r.NotImplemented) > 0 {
		parts = append(parts, "not implemented: "+strings.Join(r.NotImplemented, ","))
	}
	if len(parts) == 0 {
		return "(needs a person)"
	}
	return strings.Join(parts, "; ")
}

func newIAMPolicyCmd() *cobra.Command {
	var remediation bool
	c := &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the least-privilege IAM policy a scan (or, with --remediate, remediation) needs",
		Long: `Print the IAM policy (JSON) a scan needs: every action discovery and the
collectors call, generated from the collectors' own declarations. Attach it
to the scanning role in each account (and the management account).

With --remediate, print the policy 'guardrail remediate' needs on top of
it: every action the playbooks call (reads and writes, from their own
declarations), the health gate's CloudWatch reads, and discovery's. Attach
both to the remediation role: verification re-reads with the collectors.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			// One source for the policies: the deployment templates'
			// roles carry the same documents.
			doc := deploy.ReadPolicy()
			if remediation {
				doc = deploy.RemediatePolicy()
			}
			_, err := c.OutOrStdout().Write(doc.JSON())
			return err
		},
	}
	c.Flags().BoolVar(&remediation, "remediate", false, "print the policy remediation needs in addition to the read-only one")
	return c
}
