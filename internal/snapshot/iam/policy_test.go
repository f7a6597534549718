package iam

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseDocument(t *testing.T) {
	d, err := ParseDocument(`{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::c/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Statement{{Sid: "One", Effect: "Allow", Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/*", "arn:aws:s3:::c/*"}, Conditional: true}}
	if !reflect.DeepEqual(d.Statements, want) {
		t.Errorf("statements = %+v, want %+v", d.Statements, want)
	}
	d, err = ParseDocument(`{"Statement":[{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:role/x"},{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statements) != 2 || d.Statements[0].NotActions[0] != "iam:*" || d.Statements[0].NotResources[0] != "arn:aws:iam::*:role/x" || d.Statements[0].Conditional {
		t.Errorf("statements = %+v", d.Statements)
	}
	for name, doc := range map[string]string{
		"not json":     `{"Statement":`,
		"no statement": `{"Version":"2012-10-17"}`,
		"bad effect":   `{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}`,
		"bad action":   `{"Statement":[{"Effect":"Allow","Action":7,"Resource":"*"}]}`,
	} {
		if _, err := ParseDocument(doc); err == nil || !strings.Contains(err.Error(), "parse policy document") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func doc(t *testing.T, text string) Document {
	t.Helper()
	d, err := ParseDocument(text)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAllowsFullAdmin(t *testing.T) {
	for text, want := range map[string]bool{
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`:                                     true,
		`{"Statement":[{"Effect":"Allow","Action":["s3:*","*:*"],"Resource":["arn:aws:s3:::x","*"]}]}`:       true,
		`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`:                                      false,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::x"}]}`:                        false,
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`:                                  false,
		`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`:                              false,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"a":"b"}}}]}`: true,
	} {
		if got := doc(t, text).AllowsFullAdmin(); got != want {
			t.Errorf("%s: AllowsFullAdmin = %v, want %v", text, got, want)
		}
	}
}

func TestServiceWildcards(t *testing.T) {
	for text, want := range map[string]string{
		`{"Statement":[{"Effect":"Allow","Action":["ec2:Describe*","s3:GetObject"],"Resource":"*"}]}`:     "",
		`{"Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*","s3:*"],"Resource":"arn:aws:s3:::x"}]}`: "ec2:*,s3:*",
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`:                                  "*",
		`{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`:                                "",
		`{"Statement":[{"Effect":"Allow","Action":"s*:*","Resource":"*"}]}`:                               "",
	} {
		if got := strings.Join(doc(t, text).ServiceWildcards(), ","); got != want {
			t.Errorf("%s: ServiceWildcards = %q, want %q", text, got, want)
		}
	}
}

func TestAllowsOnAllKMSKeys(t *testing.T) {
	for text, want := range map[string]string{
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`:                                                                           "kms:Decrypt",
		`{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`:                                                                                 "kms:Decrypt,kms:ReEncryptFrom",
		`{"Statement":[{"Effect":"Allow","Action":"KMS:ReEncrypt*","Resource":"*"}]}`:                                                                        "kms:ReEncryptFrom",
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`:                                                                                     "kms:Decrypt,kms:ReEncryptFrom",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:111122223333:key/*"}]}`:                                            "kms:Decrypt",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*"}]}`:                                                               "kms:Decrypt",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws-cn:kms:*:*:key/*"}]}`:                                                    "kms:Decrypt",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*"}]}`:                                    "",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}`: "",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}`:                                                                           "",
		`{"Statement":[{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}`:                                                                            "",
		`{"Statement":[{"Effect":"Allow","NotAction":"kms:*","Resource":"*"}]}`:                                                                              "",
		`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`:                                                                              "kms:Decrypt,kms:ReEncryptFrom",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","NotResource":"arn:aws:s3:::x"}]}`:                                                           "kms:Decrypt",
		`{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","NotResource":"arn:aws:kms:us-east-1:111122223333:key/k"}]}`:                                 "",
	} {
		if got := strings.Join(doc(t, text).AllowsOnAllKMSKeys("kms:Decrypt", "kms:ReEncryptFrom"), ","); got != want {
			t.Errorf("%s: AllowsOnAllKMSKeys = %q, want %q", text, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"*", "anything:at/all", true},
		{"kms:Re*", "kms:ReEncryptFrom", true},
		{"kms:Re*From", "kms:ReEncryptFrom", true},
		{"kms:?ecrypt", "kms:Decrypt", true},
		{"kms:?ecrypt", "kms:Decrypt2", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"", "x", false},
	} {
		if got := match(c.p, c.s); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}
