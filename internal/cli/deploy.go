package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/guardrail-sec/guardrail/internal/deploy"
)

// deployFlags are deploy template's flags: the parameters file, and
// flags that set (or override) its main fields.
type deployFlags struct {
	out    string
	params string
	p      deploy.Params
	force  bool
}

// deployFlagFields maps each flag to the parameter it sets, so that a
// bad value is named by the flag that gave it.
var deployFlagFields = map[string]string{
	"name": "name", "org-id": "organization_id", "home-region": "home_region", "tooling-account": "tooling_account",
	"targets": "targets", "regions": "regions", "image": "image", "read-role": "read_role", "remediate": "remediate",
	"shards": "scan.shards", "schedule": "scan.schedule", "sns-topic-arn": "alerts.sns_topic_arn",
	"slack-webhook-secret-arn": "alerts.slack_webhook_secret_arn",
}

func newDeployCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "deploy",
		Short: "Generate what runs Guardrail in the organization's own AWS accounts",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(newDeployTemplateCmd())
	return c
}

func newDeployTemplateCmd() *cobra.Command {
	d := &deployFlags{p: deploy.Defaults()}
	c := &cobra.Command{
		Use:   "template --out DIR [--params FILE] [flags]",
		Short: "Write the CloudFormation templates of the tooling account and of every member account",
		Long: `Write the CloudFormation templates that run Guardrail in AWS, generated
from your parameters (a YAML file, --params, and/or flags), into DIR:

  tooling.json     the security tooling account: ECS on Fargate (the
                   dashboard behind an HTTPS load balancer with OIDC sign-in,
                   the watch reading an SQS queue fed by an organization-wide
                   EventBridge bus, scans started by EventBridge Scheduler),
                   RDS PostgreSQL (encrypted, private, password in Secrets
                   Manager), log groups, least-privilege roles
  management.json  the management account: a service-managed StackSet
                   (automatic deployment to new accounts) of member.json,
                   the management account's read role, and the delegation
                   of Organizations reads to the tooling account's tasks
  member.json      what the StackSet deploys: the read role with the policy
                   'guardrail iam-policy' prints (--remediate: and the
                   remediation role), trusting only the tooling account's
                   task roles within the organization; a rule forwarding
                   CloudTrail's events of each region to the tooling bus
  notify.yaml,     with alerts: where the watch sends them, and the
  Dockerfile       Dockerfile that adds that config to the image

No secret goes into a template: the OIDC client secret, the Slack
webhook and the database password stay in Secrets Manager. Deploy
tooling.json first (the member roles trust its roles), then
management.json. See "Running in AWS" in the README.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return d.run(c) },
	}
	f := c.Flags()
	f.StringVar(&d.out, "out", "", "directory to write the templates into (created if need be)")
	f.StringVar(&d.params, "params", "", "parameters file (YAML); flags override its fields")
	f.BoolVar(&d.force, "force", false, "overwrite templates already in --out")
	f.StringVar(&d.p.Name, "name", d.p.Name, "prefix of the names of what the templates create")
	f.StringVar(&d.p.OrganizationID, "org-id", "", "the organization's ID (o-...)")
	f.StringVar(&d.p.HomeRegion, "home-region", "", "the region of the tooling stack, the database and the event bus")
	f.StringVar(&d.p.ToolingAccount, "tooling-account", "", "the security tooling account's ID")
	f.StringSliceVar(&d.p.Targets, "targets", nil, "the organization root (r-...) or OUs (ou-...) the StackSet deploys to")
	f.StringSliceVar(&d.p.Regions, "regions", nil, "regions to scan and watch (the home region among them)")
	f.StringVar(&d.p.Image, "image", "", "the container image the tasks run (URI with a tag or digest)")
	f.StringVar(&d.p.ReadRole, "read-role", d.p.ReadRole, "the read role's name in every account")
	f.BoolVar(&d.p.Remediate, "remediate", false, "also the remediation role (the policy of 'guardrail iam-policy --remediate') and a remediation task")
	f.IntVar(&d.p.Shards, "shards", d.p.Shards, "scan tasks started per scheduled scan, each a share of the accounts")
	f.StringVar(&d.p.Schedule, "schedule", d.p.Schedule, "when scans start: an EventBridge Scheduler expression")
	f.StringVar(&d.p.Alerts.SNSTopicARN, "sns-topic-arn", "", "send the watch's alerts to this SNS topic")
	f.StringVar(&d.p.Alerts.SlackWebhookSecret, "slack-webhook-secret-arn", "", "send the watch's alerts to the Slack webhook whose URL is this Secrets Manager secret's value")
	return c
}

var notifyEnvRE = regexp.MustCompile(`(?m)^\s*[a-z_]+_env:\s*["']?([A-Za-z_][A-Za-z0-9_]*)`)

func (d *deployFlags) run(c *cobra.Command) error {
	if d.out == "" {
		return usageErr("--out: required: the directory to write the templates into")
	}
	// The file first, then the flags given over it.
	p := deploy.Defaults()
	if d.params != "" {
		data, err := os.ReadFile(d.params)
		if err != nil {
			return usageErr("--params: %v", err)
		}
		if err := p.Parse(d.params, data); err != nil {
			return &ExitError{Code: ExitUsage, Err: err}
		}
	}
	given := map[string]string{}
	c.Flags().Visit(func(f *pflag.Flag) {
		if field, ok := deployFlagFields[f.Name]; ok {
			given[field] = f.Name
		}
	})
	set := func(flag string, apply func()) {
		if c.Flags().Changed(flag) {
			apply()
		}
	}
	set("name", func() { p.Name = d.p.Name })
	set("org-id", func() { p.OrganizationID = d.p.OrganizationID })
	set("home-region", func() { p.HomeRegion = d.p.HomeRegion })
	set("tooling-account", func() { p.ToolingAccount = d.p.ToolingAccount })
	set("targets", func() { p.Targets = d.p.Targets })
	set("regions", func() { p.Regions = d.p.Regions })
	set("image", func() { p.Image = d.p.Image })
	set("read-role", func() { p.ReadRole = d.p.ReadRole })
	set("remediate", func() { p.Remediate = d.p.Remediate })
	set("shards", func() { p.Shards = d.p.Shards })
	set("schedule", func() { p.Schedule = d.p.Schedule })
	set("sns-topic-arn", func() { p.Alerts.SNSTopicARN = d.p.Alerts.SNSTopicARN })
	set("slack-webhook-secret-arn", func() { p.Alerts.SlackWebhookSecret = d.p.Alerts.SlackWebhookSecret })
	if err := p.Validate(given); err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if nc := p.Alerts.NotifyConfig; nc != "" {
		if !filepath.IsAbs(nc) {
			nc = filepath.Join(filepath.Dir(d.params), nc)
		}
		data, err := os.ReadFile(nc)
		if err != nil {
			return usageErr("%s: alerts.notify_config: %v", d.params, err)
		}
		// Every secret the config reads from the environment must come
		// from Secrets Manager (alerts.env_secrets): a task has no other.
		var missing []string
		for _, m := range notifyEnvRE.FindAllSubmatch(data, -1) {
			if v := string(m[1]); p.Alerts.EnvSecrets[v] == "" && !slices.Contains(missing, v) {
				missing = append(missing, v)
			}
		}
		if len(missing) > 0 {
			return usageErr("%s: alerts.env_secrets: %s reads %s from the environment: name the Secrets Manager secret of each", d.params, nc, strings.Join(missing, ", "))
		}
		p.Alerts.NotifyConfigData = data
	}
	// Every command the templates run must be one this build has: a
	// task that exits on an unknown flag would leave the organization
	// unassessed with nothing but a log line to say so.
	for _, cmd := range deploy.Commands(p) {
		root := newRoot(io.Discard, io.Discard)
		sub, rest, err := root.Find(cmd)
		if err == nil && sub != root {
			err = sub.ParseFlags(rest)
		} else if err == nil {
			err = fmt.Errorf("unknown command %q", cmd[0])
		}
		if err != nil {
			why := ""
			if slices.Contains(cmd, "--shard") {
				why = " (scan.shards > 1 needs a build whose scan has --shard and --scan-id)"
			}
			return usageErr("the templates would run 'guardrail %s', which this build refuses: %v%s", strings.Join(cmd, " "), err, why)
		}
	}
	files, err := deploy.Files(p)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if !d.force {
		var there []string
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(d.out, f.Name)); err == nil {
				there = append(there, f.Name)
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		if len(there) > 0 {
			return usageErr("--out %s: %s already there (--force overwrites)", d.out, strings.Join(there, ", "))
		}
	}
	if err := deploy.Write(d.out, files); err != nil {
		return err
	}
	w := c.OutOrStdout()
	for _, f := range files {
		fmt.Fprintf(w, "wrote %s\n", filepath.Join(d.out, f.Name))
	}
	fmt.Fprintf(w, "next: deploy %s in the tooling account %s (%s), then %s in the management account; see \"Running in AWS\" in the README\n",
		filepath.Join(d.out, "tooling.json"), p.ToolingAccount, p.HomeRegion, filepath.Join(d.out, "management.json"))
	return nil
}
