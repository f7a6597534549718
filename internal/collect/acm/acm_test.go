package acm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/collect/acm"
	"github.com/guardrail-sec/guardrail/internal/collect/collecttest"
	"github.com/guardrail-sec/guardrail/internal/sim"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
	acmsnap "github.com/guardrail-sec/guardrail/internal/snapshot/acm"
)

const region = "eu-west-1"

func collect(t *testing.T, s *simtest.Sim, account, reg string) (*acmsnap.ACM, error) {
	t.Helper()
	a, err := collecttest.Run(t, acm.Collector(), s.Config(t, account, reg), account, reg, simtest.Now)
	return a.Regions[reg].ACM, err
}

func cert(i int, alg string) *world.Certificate {
	return &world.Certificate{ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), Domain: fmt.Sprintf("h%d.example.com", i), Type: "IMPORTED",
		Status: "ISSUED", KeyAlgorithm: alg, NotBefore: simtest.Now.AddDate(-1, 0, 0), NotAfter: simtest.Now.AddDate(0, 0, i), Created: simtest.Now.AddDate(-1, 0, 0)}
}

// Every key type is collected, not only the RSA_1024 and RSA_2048 that
// ListCertificates returns by default, over pages of 1,000.
func TestEveryKeyTypeAndPages(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	algs := []string{"RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"}
	for i := range 1010 {
		r.ACM.Certificates = append(r.ACM.Certificates, cert(i, algs[i%len(algs)]))
	}
	r.ACM.Certificates[0].InUse = []string{"arn:aws:cloudfront::222222222222:distribution/E1"}
	s := simtest.Start(t, w)
	out, err := collect(t, s, simtest.Member, region)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Certificates) != 1010 {
		t.Fatalf("%d certificates, want 1010", len(out.Certificates))
	}
	seen := map[string]int{}
	for _, c := range out.Certificates {
		seen[c.KeyAlgorithm]++
	}
	for _, a := range algs {
		if seen[a] == 0 {
			t.Errorf("no %s certificate collected", a)
		}
	}
	c := out.Certificates[0]
	if c.ARN != "arn:aws:acm:eu-west-1:222222222222:certificate/00000000-0000-0000-0000-000000000000" || !c.InUse || c.Type != "IMPORTED" ||
		c.Status != "ISSUED" || !c.NotAfter.Equal(simtest.Now) {
		t.Errorf("first certificate = %+v", c)
	}
	other, err := collect(t, s, simtest.Management, region)
	if err != nil || other.Certificates == nil || len(other.Certificates) != 0 {
		t.Errorf("another account: %+v %v, want none (known)", other, err)
	}
}

func TestDenied(t *testing.T) {
	s := simtest.Start(t, simtest.NewWorld())
	s.SetFaults(sim.Faults{Deny: []sim.DenyRule{{Account: simtest.Member, Service: "acm", Action: "ListCertificates"}}})
	if _, err := collect(t, s, simtest.Member, region); err == nil || !strings.Contains(err.Error(), "list certificates") {
		t.Errorf("denied ListCertificates: err = %v, want one naming the call", err)
	}
}
