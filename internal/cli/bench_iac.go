package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/iac/terraform"
)

// benchIACLine is what bench iac prints.
type benchIACLine struct {
	Resources     int     `json:"resources"`
	PlanBytes     int     `json:"plan_bytes"`
	Runs          int     `json:"runs"`
	Results       int     `json:"results"`
	WallS         float64 `json:"wall_s"`
	ResourcesPerS float64 `json:"resources_per_s"`
	LoadShare     float64 `json:"load_share"`
	PeakRSSMB     float64 `json:"peak_rss_mb,omitempty"`
	Controls      int     `json:"controls"`
}

func newBenchIACCmd() *cobra.Command {
	var resources, runs int
	c := &cobra.Command{
		Use:   "iac",
		Short: "Assess a generated Terraform plan and print resources per second",
		Long: `Generate a Terraform plan in JSON with --resources managed resources (buckets
with split settings in for_each modules, security groups and rules,
instances, IAM roles and policies, KMS keys, volumes, and unmapped types),
then read and assess it with every control --runs times, as 'guardrail iac
scan' does, and print one JSON line:

  resources        resources in the plan
  wall_s           the time of all runs (generating the plan excluded)
  resources_per_s  resources x runs / wall_s
  load_share       the part of the time spent reading the plan into the
                   snapshot (the rest is evaluating the controls)`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if resources < 1 {
				return usageErr("--resources must be at least 1, got %d", resources)
			}
			if runs < 1 {
				return usageErr("--runs must be at least 1, got %d", runs)
			}
			return runBenchIAC(c.OutOrStdout(), resources, runs, clock.Real)
		},
	}
	c.Flags().IntVar(&resources, "resources", 10000, "resources in the generated plan")
	c.Flags().IntVar(&runs, "runs", 3, "times the plan is read and assessed")
	return c
}

func runBenchIAC(w io.Writer, resources, runs int, now func() time.Time) error {
	plan := terraform.Generate(resources)
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	var load, total time.Duration
	results := 0
	for i := 0; i < runs; i++ {
		start := now()
		src, err := terraform.Load("generated.json", plan, terraform.Options{Now: start})
		if err != nil {
			return fmt.Errorf("generated plan: %w", err)
		}
		loaded := now()
		rep, err := iac.Evaluate(src, iac.Options{Now: start, Catalog: cat})
		if err != nil {
			return err
		}
		end := now()
		load += loaded.Sub(start)
		total += end.Sub(start)
		results = len(rep.Results)
	}
	line := benchIACLine{Resources: resources, PlanBytes: len(plan), Runs: runs, Results: results, WallS: total.Seconds(),
		ResourcesPerS: float64(resources*runs) / total.Seconds(), LoadShare: load.Seconds() / total.Seconds(),
		PeakRSSMB: peakRSSMB(), Controls: len(cat.Controls())}
	return json.NewEncoder(w).Encode(line)
}
