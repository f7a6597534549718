package s3

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	p, err := ParsePolicy(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
	  "Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]},"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:TlsVersion":1.2}}},
	 {"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com","AWS":["arn:aws:iam::111122223333:root","444455556666"]},
	  "NotAction":["s3:Delete*"],"NotResource":"arn:aws:s3:::other"},
	 {"Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"*","Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	want := &Policy{Version: "2012-10-17", Statements: []Statement{
		{Sid: "A", Effect: "Allow", Principals: []Principal{{"*", "*"}}, Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/*"},
			Conditions: []Condition{
				{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
				{Operator: "NumericLessThan", Key: "s3:TlsVersion", Values: []string{"1.2"}},
				{Operator: "StringEquals", Key: "aws:SourceVpce", Values: []string{"vpce-1", "vpce-2"}},
			}},
		{Effect: "Allow", Principals: []Principal{{"AWS", "arn:aws:iam::111122223333:root"}, {"AWS", "444455556666"}, {"Service", "logging.s3.amazonaws.com"}},
			NotActions: []string{"s3:Delete*"}, NotResources: []string{"arn:aws:s3:::other"}},
		{Effect: "Deny", NotPrincipals: []Principal{{"AWS", "*"}}, Actions: []string{"*"}, Resources: []string{"*"}},
	}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}

	// A single statement object is a list of one.
	p, err = ParsePolicy(`{"Statement":{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}`)
	if err != nil || len(p.Statements) != 1 || p.Statements[0].Principals[0] != (Principal{"AWS", "*"}) {
		t.Errorf("single statement: %+v, %v", p, err)
	}

	for doc, msg := range map[string]string{
		`not json`: "policy document",
		`{"Statement":[{"Effect":"Allow","Principal":"someone"}]}`:                  "statement 1: Principal",
		`{"Statement":[{"Effect":"Allow","Action":{"a":1}}]}`:                       "statement 1: Action",
		`{"Statement":[{"Effect":"Allow","Condition":{"Bool":{"aws:x":{"y":1}}}}]}`: "Condition Bool aws:x",
	} {
		if _, err := ParsePolicy(doc); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParsePolicy(%s) error = %v, want one naming %q", doc, err, msg)
		}
	}
}

func TestPublicAccessBlock(t *testing.T) {
	var none *PublicAccessBlock
	if none.All() || len(none.Off()) != 4 {
		t.Errorf("nil: All %v, Off %v", none.All(), none.Off())
	}
	p := &PublicAccessBlock{BlockPublicACLs: true, RestrictPublicBuckets: true}
	if p.All() || !reflect.DeepEqual(p.Off(), []string{"IgnorePublicAcls", "BlockPublicPolicy"}) {
		t.Errorf("partial: All %v, Off %v", p.All(), p.Off())
	}
	p = &PublicAccessBlock{true, true, true, true}
	if !p.All() || len(p.Off()) != 0 {
		t.Errorf("all: Off %v", p.Off())
	}
}
