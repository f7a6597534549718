package watch

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/guardrail-sec/guardrail/internal/collect/registry"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/control/catalog"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// reassessFixture is a simulated account with a VPC and a security group
// in eu-west-1, a store, and a scope that reaches the account.
type reassessFixture struct {
	sim   *simtest.Sim
	st    store.Store
	scope *Scope
	ec2   *ec2api.Client
	group string
	cat   *control.Catalog
}

func newReassessFixture(t *testing.T) *reassessFixture {
	t.Helper()
	s := simtest.Start(t, nil)
	cfg := s.Config(t, simtest.Member, euw1)
	ctx := context.Background()
	c := ec2api.NewFromConfig(cfg)
	vpc, err := c.CreateVpc(ctx, &ec2api.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.CreateSecurityGroup(ctx, &ec2api.CreateSecurityGroupInput{GroupName: aws.String("web"), Description: aws.String("web servers"), VpcId: vpc.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := openStore(t)
	sc := NewScope(nil, use1, nil, false)
	sc.Add(&Account{ID: simtest.Member, Name: "member", OUPath: "Workloads", Regions: []string{euw1, "eu-west-2"}, Config: cfg})
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &reassessFixture{sim: s, st: st, scope: sc, ec2: c, group: aws.ToString(g.GroupId), cat: cat}
}

func (f *reassessFixture) reassessor(stored func(*store.Scan, error)) *Reassessor {
	return NewReassessor(ReassessOptions{Store: f.st, Scope: f.scope, Controls: f.cat.Controls(), Standards: f.cat.Standards(),
		Collectors: registry.All(), Debounce: time.Hour, Now: f.sim.World().Now, Stored: stored})
}

// status returns the compliance of ctl's finding on the group, and the
// scan that last saw it ("" if none).
func (f *reassessFixture) status(t *testing.T, ctl string) (control.Status, string) {
	t.Helper()
	fs, _, err := f.st.Findings(context.Background(), store.Filter{Controls: []string{ctl}, Text: f.group})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		return "", ""
	}
	return fs[0].Compliance, fs[0].LastScan
}

// TestReassessOnEvent: an event that changes a security group re-assesses
// the group's controls in its account and region, through the engine,
// and the finding in the store follows the change (PASSED, then FAILED
// once SSH is opened to the world), without a scan of the organization:
// the re-assessments are scans of kind watch, out of the scans list and
// the score history.
func TestReassessOnEvent(t *testing.T) {
	f := newReassessFixture(t)
	ctx := context.Background()
	var mu sync.Mutex
	var stored []*store.Scan
	r := f.reassessor(func(sc *store.Scan, err error) {
		if err != nil {
			t.Errorf("re-assessment: %v", err)
			return
		}
		mu.Lock()
		stored = append(stored, sc)
		mu.Unlock()
	})
	defer r.Close(ctx)
	replay := func(ev rec) {
		t.Helper()
		e, err := New(Options{Store: f.st, Rules: mustRules(t), Source: &FileSource{Paths: writeFiles(t, gz(logJSON(ev)))}, Scope: f.scope, Reassess: r})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	created := rec{id: "ev-create", name: "CreateSecurityGroup", source: "ec2.amazonaws.com", account: simtest.Member, region: euw1,
		params: map[string]any{"groupName": "web"}, response: map[string]any{"groupId": f.group}}
	replay(created)
	if s, by := f.status(t, "EC2.53"); s != control.Passed || len(stored) != 1 || by != stored[0].ID {
		t.Fatalf("after the group was created: EC2.53 %q by %q; %d re-assessments", s, by, len(stored))
	}

	if _, err := f.ec2.AuthorizeSecurityGroupIngress(ctx, &ec2api.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(f.group),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
		t.Fatal(err)
	}
	open := evSSH
	open.account = simtest.Member
	open.params = map[string]any{"groupId": f.group}
	replay(open)
	if s, by := f.status(t, "EC2.53"); s != control.Failed || len(stored) != 2 || by != stored[1].ID {
		t.Fatalf("after SSH was opened: EC2.53 %q by %q; %d re-assessments", s, by, len(stored))
	}
	// The event is read again (a redelivery): no second re-assessment.
	replay(open)
	if len(stored) != 2 {
		t.Errorf("an event read again re-assessed again: %d re-assessments", len(stored))
	}

	scans, _ := f.st.Scans(ctx, 0)
	ws, _ := f.st.WatchScans(ctx, 0)
	hist, _ := f.st.ScoreHistory(ctx, 0)
	if len(scans) != 0 || len(ws) != 2 || len(hist) != 0 {
		t.Errorf("%d scans, %d re-assessments, %d points of score history; want 0, 2, 0", len(scans), len(ws), len(hist))
	}
	if w := ws[0]; w.Kind != store.KindWatch || w.Status != store.Complete || len(w.Accounts) != 1 || len(w.Accounts[0].Regions) != 1 ||
		w.Accounts[0].Regions[0] != euw1 {
		t.Errorf("re-assessment %+v: want a complete scan of kind watch of the member in eu-west-1", w)
	}
	if fs, _, _ := f.st.Findings(ctx, store.Filter{Regions: []string{"eu-west-2"}}); len(fs) != 0 {
		t.Errorf("a re-assessment of eu-west-1 judged %d findings in eu-west-2", len(fs))
	}
}

// TestReassessCoalesces: triggers of one account, region and collector
// set are merged into one re-assessment; a trigger while it runs runs
// once more after it; an account out of reach or a control unknown
// triggers nothing.
func TestReassessCoalesces(t *testing.T) {
	f := newReassessFixture(t)
	ctx := context.Background()
	var mu sync.Mutex
	n := 0
	release := make(chan struct{})
	r := f.reassessor(func(sc *store.Scan, err error) {
		if err != nil {
			t.Errorf("re-assessment: %v", err)
		}
		mu.Lock()
		n++
		mu.Unlock()
		<-release
	})
	for range 20 {
		r.Trigger(simtest.Member, euw1, []string{"EC2.53"})
		r.Trigger(simtest.Member, euw1, []string{"EC2.18", "EC2.19"})
	}
	r.Trigger("999999999999", euw1, []string{"EC2.53"})       // not in the scope
	r.Trigger(simtest.Member, euw1, []string{"NOPE.1"})       // not a control
	r.Trigger(simtest.Member, "eu-west-2", []string{"KMS.4"}) // another key
	r.mu.Lock()
	keys := len(r.pending)
	r.mu.Unlock()
	if keys != 2 {
		t.Fatalf("%d keys pending, want 2", keys)
	}
	flushed := make(chan error, 1)
	go func() { flushed <- r.Flush(ctx) }()
	// While the first two run, the same key again: it waits.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		started := n
		mu.Unlock()
		if started == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.Trigger(simtest.Member, euw1, []string{"EC2.53"})
	close(release)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("%d re-assessments, want 3 (two keys, then the first again)", n)
	}
	if err := r.Close(ctx); err != nil {
		t.Fatal(err)
	}
	r.Trigger(simtest.Member, euw1, []string{"EC2.53"})
	if len(r.pending) != 0 {
		t.Error("a trigger after Close was kept")
	}
}
