package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/chromedp/chromedp"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/cli"
	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/remediate"
	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	"github.com/guardrail-sec/guardrail/internal/store"
	"github.com/guardrail-sec/guardrail/internal/web"
)

// chromium finds Debian's Chromium. Without it the browser tests skip,
// except in CI (CI=true), where .ci/run installs it and its absence is a
// failure.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("GUARDRAIL_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but Chromium is not installed (.ci/run installs Debian's chromium)")
	}
	t.Skip("Chromium not installed: apt-get install chromium (or set GUARDRAIL_CHROMIUM)")
	return ""
}

// artifacts is where the screenshots go: $GUARDRAIL_E2E_ARTIFACTS, or
// artifacts/e2e at the top of the repository.
func artifacts(t *testing.T) string {
	dir := os.Getenv("GUARDRAIL_E2E_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts", "e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// demoStore scans the demo organization twice through the CLI, with a
// day of drift in between (one account turns EBS encryption by default
// off, another on, a team opens SSH to a partner's range), and returns
// the store.
func demoStore(t *testing.T) (string, *simtest.Sim) {
	t.Helper()
	// The world's clock is fixed; the scans are the real 'guardrail scan'
	// on the real clock. Nothing this test compares depends on the date.
	w, err := demo.Load(clock.Fixed(simtest.Now))
	if err != nil {
		t.Fatal(err)
	}
	sim := simtest.Start(t, w)
	dir := t.TempDir()
	db := filepath.Join(dir, "guardrail.db")
	mgmt := w.Org.ManagementAccount
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_ACCESS_KEY_ID", world.RootKey(mgmt))
	t.Setenv("AWS_SECRET_ACCESS_KEY", world.RootSecret(mgmt))
	t.Setenv("AWS_REGION", w.HomeRegion)
	scan := func() {
		var out, errb bytes.Buffer
		if code := cli.Main(context.Background(), []string{"scan", "-q", "--endpoint-url", sim.URL, "--db", db}, &out, &errb); code != 0 {
			t.Fatalf("scan: exit %d\n%s\n%s", code, out.String(), errb.String())
		}
	}
	scan()
	ctx := context.Background()
	ec := func(acct string) *ec2.Client { return ec2.NewFromConfig(sim.Config(t, acct, "us-east-1", 3)) }
	if _, err := ec2.NewFromConfig(sim.Config(t, "555555555501", "us-east-1", 3)).EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec("333333333333").DisableEbsEncryptionByDefault(ctx, &ec2.DisableEbsEncryptionByDefaultInput{}); err != nil {
		t.Fatal(err)
	}
	sg, err := ec("444444444401").CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("partner-ssh"), Description: aws.String("SSH from the partner's office")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec("444444444401").AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("203.0.113.0/24"), Description: aws.String("partner office")}}}}}); err != nil {
		t.Fatal(err)
	}
	scan()
	return db, sim
}

// TestDashboardInBrowser follows the main flows of the dashboard in
// headless Chromium over the demo organization, saving a screenshot of
// each step.
func TestDashboardInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	bin := chromium(t)
	out := artifacts(t)
	db, sim := demoStore(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	w := sim.World()
	mgmt := w.Org.ManagementAccount
	cfg, err := awsx.Load(ctx, awsx.Options{Isolated: true, Region: w.HomeRegion, EndpointURL: sim.URL,
		AccessKeyID: world.RootKey(mgmt), SecretAccessKey: world.RootSecret(mgmt)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{Store: st, Catalog: cat, User: "e2e",
		AWS:       func(context.Context) (aws.Config, error) { return cfg, nil },
		Remediate: remediate.Options{Collectors: registry.All()}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	// As the browser runs in CI: as root, offline.
	opts = append(opts, chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1440, 1000))
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()

	type css = chromedp.CSS
	do := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	location := func() string {
		t.Helper()
		u, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// 1. Overview: scores, accounts, heat map, top controls, changes.
	do("overview", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(css(`table.heat`)))
	shot("1-overview")
	page := text("main")
	for _, want := range []string{"Organization posture", "CIS AWS Foundations Benchmark", "AWS Foundational Security Best Practices",
		"Top failing controls", "payments-prod", "legacy-erp-prod", "not assessed", "new failure", "fixed", "Heat map"} {
		if !strings.Contains(page, want) {
			t.Errorf("overview: no %q in the page", want)
		}
	}

	// 2. Filter the findings: critical only, through the form (htmx swaps
	// the results in and updates the address).
	do("findings", chromedp.Navigate(ts.URL+"/findings"), chromedp.WaitVisible(css(`table.findings`)),
		chromedp.SetValue(css(`select[name=severity]`), "CRITICAL"))
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('select[name=severity]').dispatchEvent(new Event('change', {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`location.search.includes('severity=CRITICAL') && !document.querySelector('#results').classList.contains('htmx-request')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("findings: the filter did not apply: %v", err)
	}
	shot("2-findings-critical")
	results := text("#results")
	if strings.Contains(results, "HIGH") || !strings.Contains(results, "CRITICAL") {
		t.Errorf("findings: filtered view shows other severities:\n%.500s", results)
	}

	// 3. Open the first finding.
	do("finding", chromedp.Click(css(`table.findings tbody tr:first-child td:nth-child(4) a`)), chromedp.WaitVisible(css(`form#suppress`)))
	shot("3-finding")
	url := location()
	id := url[strings.LastIndex(url, "/")+1:]
	if title := text("h1"); id == "" || !strings.Contains(title, "CRITICAL") {
		t.Fatalf("finding page %s: title %q", url, title)
	}

	// 4. Suppress it with a reason.
	do("suppress", chromedp.SendKeys(css(`form#suppress input[name=reason]`), "RISK-42 accepted until the partner migrates"),
		chromedp.Submit(css(`form#suppress`)), chromedp.WaitVisible(css(`form#unsuppress`)))
	shot("4-suppressed")
	if page := text("main"); !strings.Contains(page, "Finding suppressed") || !strings.Contains(page, "RISK-42") {
		t.Errorf("after suppressing: %.600s", page)
	}
	f, events, err := st.Finding(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if f.Workflow != finding.Suppressed || f.Suppression == nil || f.Suppression.By != "e2e" {
		t.Errorf("stored finding after suppress: %+v", f)
	}
	if last := events[len(events)-1]; last.Kind != "suppressed" {
		t.Errorf("last event %+v, want suppressed", last)
	}

	// 5. Search across accounts: which security groups allow an IP.
	do("search", chromedp.Navigate(ts.URL+"/search"), chromedp.WaitVisible(css(`form#search-sg`)),
		chromedp.SendKeys(css(`form#search-sg input[name=ip]`), "203.0.113.7"),
		chromedp.Submit(css(`form#search-sg`)), chromedp.WaitVisible(css(`table.hits`)))
	shot("5-search-ip")
	if page := text("main"); !strings.Contains(page, "partner-ssh") || !strings.Contains(page, "203.0.113.0/24") {
		t.Errorf("search 203.0.113.7: %.800s", page)
	}
	// 6. Plan the remediation of an EC2.8 finding from its page: the
	// plan comes in place, read from the simulated organization.
	const account = "444444444402"
	fs, _, err := st.Findings(ctx, store.Filter{Controls: []string{"EC2.8"}, Accounts: []string{account},
		Compliance: []control.Status{control.Failed}, Limit: 1})
	if err != nil || len(fs) == 0 {
		t.Fatalf("no failing EC2.8 finding in %s: %v", account, err)
	}
	do("plan", chromedp.Navigate(ts.URL+"/findings/"+fs[0].ID), chromedp.WaitVisible(css(`#plan-button`)),
		chromedp.Click(css(`#plan-button`)), chromedp.WaitVisible(css(`#plan .plan`)))
	shot("6-finding-plan")
	if plan := text("#remediation"); !strings.Contains(plan, "ec2.instance-imdsv2") || !strings.Contains(plan, `"optional" → "required"`) {
		t.Errorf("plan: %.1000s", plan)
	}

	// 7. A remediation run (as 'guardrail remediate apply' makes it), on
	// the runs page.
	run, err := remediate.Apply(ctx, cfg, remediate.Options{Store: st, Discover: org.Options{Include: []string{account}}, Controls: []string{"EC2.8"},
		Catalog: cat, Collectors: registry.All(), Now: w.Now})
	if err != nil || run.Counts[remediate.Changed] == 0 {
		t.Fatalf("apply: %v %+v", err, run)
	}
	do("runs", chromedp.Navigate(ts.URL+"/remediation"), chromedp.WaitVisible(css(`table.runs`)))
	shot("7-remediation-runs")
	if page := text("main"); !strings.Contains(page, run.Run) || !strings.Contains(page, "Roll back…") {
		t.Errorf("runs page: %.800s", page)
	}

	// 8. Roll it back: the run's page, the confirmation, the rollback run.
	do("run", chromedp.Click(css(`table.runs tbody tr:first-child td:first-child a`)), chromedp.WaitVisible(css(`#rollback-button`)))
	shot("8-remediation-run")
	do("confirm", chromedp.Click(css(`#rollback-button`)), chromedp.WaitVisible(css(`form#rollback`)))
	shot("9-rollback-confirm")
	do("rollback", chromedp.Submit(css(`form#rollback button`)), chromedp.WaitVisible(css(`.notice.ok`)))
	shot("10-rolled-back")
	if page := text("main"); !strings.Contains(page, "Rolled back") || !strings.Contains(page, run.Run) {
		t.Errorf("after the rollback: %.800s", page)
	}
	steps, err := st.BaselineSteps(ctx, run.Run)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if s.Status != store.StepRolledBack {
			t.Errorf("step %s %s: %s after the rollback", s.Account, s.Item, s.Status)
		}
	}
	fmt.Fprintf(os.Stderr, "screenshots in %s\n", out)
}
