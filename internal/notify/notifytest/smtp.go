package notifytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPOptions configure an SMTP server.
type SMTPOptions struct {
	// User and Password: AUTH PLAIN is offered (only after STARTTLS,
	// unless NoTLS) and required before MAIL; empty: no AUTH.
	User, Password string
	// NoTLS: STARTTLS is not offered.
	NoTLS bool
	// TempFail answers the first TempFail messages' DATA with 451 (a
	// temporary failure).
	TempFail int
	// RejectRcpt answers RCPT TO for this address with 550.
	RejectRcpt string
}

// Mail is one message the SMTP server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
	// TLS: it came over a TLS connection; Auth: after AUTH as this user.
	TLS  bool
	Auth string
}

// SMTP is an SMTP server (go-smtp) on loopback with STARTTLS on a
// self-signed certificate.
type SMTP struct {
	Host string
	Port int
	// CAFile is a PEM file of the certificate, for a client's trust
	// (ca_file in a notification config).
	CAFile string

	opts SMTPOptions
	mu   sync.Mutex
	mail []Mail
	// Attempts counts DATA commands (accepted or not).
	attempts int
}

// NewSMTP starts an SMTP server until the test ends.
func NewSMTP(t testing.TB, o SMTPOptions) *SMTP {
	t.Helper()
	cert, pemBytes, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(t.TempDir(), "smtp-ca.pem")
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	s := &SMTP{CAFile: ca, opts: o}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients hanging up mid-session are expected
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.AllowInsecureAuth = o.NoTLS
	if !o.NoTLS {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	s.Host = "127.0.0.1"
	s.Port = l.Addr().(*net.TCPAddr).Port
	return s
}

// Mail returns the accepted messages.
func (s *SMTP) Mail() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

// Attempts returns how many messages were sent to the server, accepted
// or not.
func (s *SMTP) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "notifytest SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	p := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, p, nil
}

type session struct {
	s    *SMTP
	c    *smtp.Conn
	auth string
	from string
	to   []string
}

func (ss *session) tls() bool { _, ok := ss.c.TLSConnectionState(); return ok }

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != ss.s.opts.User || pass != ss.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.auth = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.User != "" && ss.auth == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == ss.s.opts.RejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.attempts++
	if ss.s.attempts <= ss.s.opts.TempFail {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	ss.s.mail = append(ss.s.mail, Mail{From: ss.from, To: ss.to, Data: b, TLS: ss.tls(), Auth: ss.auth})
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// Parts parses a message: its header, and its text/plain and text/html
// parts (a multipart/alternative body, or a single part).
func (m Mail) Parts() (h mail.Header, plain, html string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, "", "", err
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return nil, "", "", fmt.Errorf("content-type: %w", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, err := decodePart(msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		return msg.Header, b, "", err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", "", err
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		// multipart.Part decodes quoted-printable itself.
		b, err := decodePart(p.Header.Get("Content-Transfer-Encoding"), p)
		if err != nil {
			return nil, "", "", err
		}
		switch pt {
		case "text/plain":
			plain = b
		case "text/html":
			html = b
		}
	}
	return msg.Header, plain, html, nil
}

// decodePart reads a part's text, with CRLF line ends made LF.
func decodePart(cte string, r io.Reader) (string, error) {
	if strings.EqualFold(cte, "base64") {
		r = newBase64(r)
	}
	b, err := io.ReadAll(r)
	return strings.ReplaceAll(string(b), "\r\n", "\n"), err
}
