package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/notify"
	"github.com/guardrail-sec/guardrail/internal/notify/notifytest"
)

func mailConfig(srv *notifytest.SMTP, extra string) string {
	return fmt.Sprintf(`
destinations:
  - name: mail
    type: email
    smtp: {host: %s, port: %d, ca_file: %q, from: "Guardrail <guardrail@example.com>", to: [sec@example.com, ops@example.com], timeout: 5s%s}
routes: [{match: {}, to: [mail]}]
options: {dashboard_url: "https://gr.example.com"}
`, srv.Host, srv.Port, srv.CAFile, extra)
}

func TestEmailStartTLSAuth(t *testing.T) {
	srv := notifytest.NewSMTP(t, notifytest.SMTPOptions{User: "guardrail", Password: "pw"})
	t.Setenv("GR_TEST_SMTP_PW", "pw")
	s := sender(t, mailConfig(srv, ", username: guardrail, password_env: GR_TEST_SMTP_PW"), notify.Options{})
	f := finding("HIGH")
	f.Finding.Remediation = "Turn on Block Public Access."
	f.Finding.Evidence = `{"BlockPublicAcls": false, "note": "<script>"}`
	r, err := s.Send(context.Background(), "mail", one(f))
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Mail()
	if len(got) != 1 {
		t.Fatalf("%d mails", len(got))
	}
	m := got[0]
	if !m.TLS || m.Auth != "guardrail" || m.From != "guardrail@example.com" || strings.Join(m.To, ",") != "sec@example.com,ops@example.com" {
		t.Errorf("envelope = TLS %v auth %q from %q to %v", m.TLS, m.Auth, m.From, m.To)
	}
	h, plain, html, err := m.Parts()
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("Subject") != "New HIGH finding: S3.8 S3 general purpose buckets should block public access" || h.Get("Message-Id") != r.ID ||
		h.Get("Date") != "Mon, 01 Jun 2026 12:00:00 +0000" {
		t.Errorf("header = %v (receipt %+v)", h, r)
	}
	for _, want := range []string{"Account: payments-prod (111122223333)", "BlockPublicAcls is off", "How to fix:\nTurn on Block Public Access.", "https://gr.example.com/findings/f1"} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain part lacks %q:\n%s", want, plain)
		}
	}
	for _, want := range []string{"<th align=\"left\" valign=\"top\">Account</th><td>payments-prod (111122223333)</td>", "&lt;script&gt;", `<a href="https://gr.example.com/findings/f1">`} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") {
		t.Error("the HTML part is not escaped")
	}
}

func TestEmailPolicies(t *testing.T) {
	ctx := context.Background()
	// STARTTLS required, the server offers none: no mail, a permanent error.
	plainSrv := notifytest.NewSMTP(t, notifytest.SMTPOptions{NoTLS: true})
	s := sender(t, mailConfig(plainSrv, ""), notify.Options{})
	if _, err := s.Send(ctx, "mail", one(finding("HIGH"))); err == nil || len(plainSrv.Mail()) != 0 {
		t.Errorf("required STARTTLS on a plain server: err %v, %d mails", err, len(plainSrv.Mail()))
	} else if _, retry := notify.Retryable(err); retry {
		t.Errorf("a TLS policy the server cannot meet is retryable: %v", err)
	}
	// Opportunistic: sent in the clear.
	s = sender(t, mailConfig(plainSrv, ", starttls: opportunistic"), notify.Options{})
	if _, err := s.Send(ctx, "mail", one(finding("HIGH"))); err != nil || len(plainSrv.Mail()) != 1 || plainSrv.Mail()[0].TLS {
		t.Errorf("opportunistic: %v", err)
	}
	// An untrusted certificate (no ca_file): refused.
	tlsSrv := notifytest.NewSMTP(t, notifytest.SMTPOptions{})
	s = sender(t, strings.Replace(mailConfig(tlsSrv, ""), fmt.Sprintf("ca_file: %q, ", tlsSrv.CAFile), "", 1), notify.Options{})
	if _, err := s.Send(ctx, "mail", one(finding("HIGH"))); err == nil || len(tlsSrv.Mail()) != 0 {
		t.Errorf("untrusted certificate: %v", err)
	}
	// Wrong password: permanent, and the password is not in the error.
	authSrv := notifytest.NewSMTP(t, notifytest.SMTPOptions{User: "u", Password: "right-password"})
	t.Setenv("GR_TEST_SMTP_PW", "wrong-password")
	s = sender(t, mailConfig(authSrv, ", username: u, password_env: GR_TEST_SMTP_PW"), notify.Options{})
	_, err := s.Send(ctx, "mail", one(finding("HIGH")))
	if _, retry := notify.Retryable(err); err == nil || retry || strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("wrong password: %v", err)
	}
	// 451 on DATA: retryable; then delivered once.
	tempSrv := notifytest.NewSMTP(t, notifytest.SMTPOptions{TempFail: 1})
	s = sender(t, mailConfig(tempSrv, ""), notify.Options{})
	_, err = s.Send(ctx, "mail", one(finding("HIGH")))
	if _, retry := notify.Retryable(err); !retry {
		t.Errorf("451: err = %v, want retryable", err)
	}
	if _, err := s.Send(ctx, "mail", one(finding("HIGH"))); err != nil || len(tempSrv.Mail()) != 1 {
		t.Errorf("after 451: %v, %d mails", err, len(tempSrv.Mail()))
	}
	// A refused recipient: permanent.
	rejSrv := notifytest.NewSMTP(t, notifytest.SMTPOptions{RejectRcpt: "ops@example.com"})
	s = sender(t, mailConfig(rejSrv, ""), notify.Options{})
	_, err = s.Send(ctx, "mail", one(finding("HIGH")))
	if _, retry := notify.Retryable(err); err == nil || retry {
		t.Errorf("550 recipient: %v", err)
	}
}

func TestEmailDigest(t *testing.T) {
	srv := notifytest.NewSMTP(t, notifytest.SMTPOptions{})
	s := sender(t, mailConfig(srv, ""), notify.Options{})
	m := notify.Message{Digest: true}
	for i := range 25 {
		e := finding("MEDIUM")
		e.Finding.ID = fmt.Sprint("f", i)
		m.Events = append(m.Events, e)
	}
	if _, err := s.Send(context.Background(), "mail", m); err != nil {
		t.Fatal(err)
	}
	h, plain, html, err := srv.Mail()[0].Parts()
	if err != nil {
		t.Fatal(err)
	}
	if h.Get("Subject") != "Guardrail digest: 25 changes from scan scan-1" || !strings.Contains(plain, "25 MEDIUM; 25 new") ||
		!strings.Contains(plain, "... and 15 more") || strings.Count(html, "<li>") != 10 {
		t.Errorf("digest:\n%s\n%s", plain, html)
	}
}
