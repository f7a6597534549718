package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/textproto"
	"os"
	"strings"

	mail "github.com/wneessen/go-mail"
)

// E-mail goes out through go-mail: a multipart/alternative message with a
// plain-text and an HTML part, over STARTTLS as the destination's policy
// says (required: no TLS, no mail; opportunistic: TLS when the server
// offers it; none), or implicit TLS (tls: true), with SMTP AUTH (the
// strongest mechanism the server offers) when a username is set.
//
// Errors: a temporary SMTP reply (4xx) and a network failure are
// retryable; a permanent reply (5xx: a refused sender or recipient,
// failed authentication) and a TLS policy the server cannot meet are not.

func (s *Sender) email(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	c := d.SMTP
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTimeout(c.Timeout)}
	tc := &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return Receipt{}, fmt.Errorf("read ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return Receipt{}, fmt.Errorf("ca_file %s holds no PEM certificate", c.CAFile)
		}
		tc.RootCAs = pool
	}
	opts = append(opts, mail.WithTLSConfig(tc))
	switch {
	case c.TLS:
		opts = append(opts, mail.WithSSL())
	case c.StartTLS == StartTLSOpportunistic:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case c.StartTLS == StartTLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if c.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return Receipt{}, fmt.Errorf("smtp client: %w", err)
	}
	msg := mail.NewMsg()
	if err := msg.From(c.From); err != nil {
		return Receipt{}, fmt.Errorf("from: %w", err)
	}
	if err := msg.To(c.To...); err != nil {
		return Receipt{}, fmt.Errorf("to: %w", err)
	}
	msg.Subject(truncate(s.subject(m), 200))
	msg.SetDateWithValue(s.now())
	id := MessageID(m) + "@guardrail"
	msg.SetMessageIDWithValue(id)
	msg.SetGenHeader(mail.Header("X-Guardrail-Delivery"), MessageID(m))
	msg.SetBodyString(mail.TypeTextPlain, s.text(m))
	html, err := s.html(m)
	if err != nil {
		return Receipt{}, err
	}
	msg.AddAlternativeString(mail.TypeTextHTML, html)
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return Receipt{}, smtpError(err)
	}
	return Receipt{ID: "<" + id + ">"}, nil
}

// smtpError classifies a delivery error (see the comment at the top).
func smtpError(err error) error {
	var se *mail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return &RetryError{Err: err}
		}
		return err
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		if te.Code >= 400 && te.Code < 500 {
			return &RetryError{Err: err}
		}
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "STARTTLS") || strings.Contains(msg, "TLS") && strings.Contains(msg, "not supported") {
		return err // the policy cannot be met: a config problem
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &oe) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "dial") {
		return &RetryError{Err: err}
	}
	var ce *tls.CertificateVerificationError
	if errors.As(err, &ce) {
		return err
	}
	return &RetryError{Err: err}
}

var htmlTmpl = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html><body style="font-family:sans-serif;font-size:14px">
{{- if .Digest}}
<h2>{{.D.Headline}}</h2>
<p>{{.D.Counts}}</p>
<ul>{{range .Lines}}<li>{{.}}</li>{{end}}</ul>
{{- if .D.More}}<p>and {{.D.More}} more</p>{{end}}
{{- if .D.Link}}<p><a href="{{.D.Link}}">Open the dashboard</a></p>{{end}}
{{- else}}
<h2>{{.V.Headline}}</h2>
<table cellpadding="4" style="border-collapse:collapse">
{{- range .V.Facts}}<tr><th align="left" valign="top">{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}
</table>
{{- if .V.Body}}<p>{{.V.Body}}</p>{{end}}
{{- if .V.Evidence}}<h3>Evidence</h3><pre>{{.V.Evidence}}</pre>{{end}}
{{- if .V.Fix}}<h3>How to fix</h3><p style="white-space:pre-wrap">{{.V.Fix}}</p>{{end}}
{{- if .V.Link}}<p><a href="{{.V.Link}}">Open in Guardrail</a></p>{{end}}
{{- end}}
<p style="color:#888;font-size:12px">Sent by Guardrail.</p>
</body></html>
`))

func (s *Sender) html(m Message) (string, error) {
	data := struct {
		Digest bool
		V      view
		D      struct {
			Headline, Counts, Link string
			More                   int
		}
		Lines []string
	}{}
	if m.Digest || len(m.Events) > 1 {
		d := s.digest(m)
		data.Digest = true
		data.D.Headline, data.D.Counts, data.D.Link, data.D.More = d.Headline, d.counts(), d.Link, d.More
		for _, e := range d.Worst {
			data.Lines = append(data.Lines, line(e))
		}
	} else {
		data.V = s.view(&m.Events[0], m.Test)
	}
	var b strings.Builder
	if err := htmlTmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render the HTML part: %w", err)
	}
	return b.String(), nil
}
