package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		line, col int
		stmt      int
		sid, msg  string
	}{
		{"not JSON", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",, }\n  ]\n}", 4, 24, -1, "", "invalid character ','"},
		{"truncated", "{\"Statement\": [", 1, 16, -1, "", "unexpected end"},
		{"empty", "  ", 1, 1, -1, "", "empty document"},
		{"bad version", "{\"Version\": \"2012-10-18\", \"Statement\": []}", 1, 13, -1, "", `Version "2012-10-18"`},
		{"unknown top-level key", "{\n\"Statements\": []}", 2, 1, -1, "", `unknown element "Statements"`},
		{"top-level key case", "{\"statement\": []}", 1, 2, -1, "", `did you mean "Statement"?`},
		{"no statement", "{\"Version\": \"2012-10-17\"}", 1, 1, -1, "", "no Statement element"},
		{"empty statement list", "{\"Statement\": []}", 1, 15, -1, "", "Statement: empty list"},
		{"bad effect", "{\"Statement\": [\n {\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"*\"},\n {\"Sid\": \"B\", \"Effect\": \"deny\", \"Action\": \"*\"}]}", 3, 25, 1, "B", `Effect "deny"`},
		{"action and notaction", "{\"Statement\": {\"Sid\": \"X\", \"Effect\": \"Deny\", \"Action\": \"*\", \"NotAction\": \"s3:*\"}}", 1, 61, 0, "X", "both Action and NotAction"},
		{"no action", "{\"Statement\": [{\"Effect\": \"Deny\", \"Resource\": \"*\"}]}", 1, 16, 0, "", "no Action or NotAction"},
		{"no effect", "{\"Statement\": [{\"Action\": \"*\"}]}", 1, 16, 0, "", "no Effect"},
		{"unknown statement key", "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resources\": \"*\"}]}", 1, 50, 0, "", `unknown element "Resources"`},
		{"empty action list", "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": []}]}", 1, 45, 0, "", "Action: empty list"},
		{"action not a string", "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": 5}]}", 1, 45, 0, "", "want a string or a list of strings"},
		{"bad operator", "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Condition\": {\"StringEqual\": {\"a:b\": \"c\"}}}]}", 1, 64, 0, "", `unknown condition operator "StringEqual"`},
		{"empty condition values", "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Condition\": {\"StringEquals\": {\"a:b\": []}}}]}", 1, 88, 0, "", "empty list"},
		{"bad principal", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Principal\": \"everyone\"}]}", 1, 64, 0, "", `Principal "everyone"`},
		{"bad principal type", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Principal\": {\"Aws\": \"*\"}}]}", 1, 65, 0, "", `Principal type "Aws"`},
		{"repeated key", "{\"Statement\": [{\"Effect\": \"Allow\", \"Effect\": \"Deny\", \"Action\": \"*\"}]}", 1, 36, 0, "", `"Effect" appears twice`},
		{"trailing text", "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\"}} x", 1, 51, -1, "", "text after"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseString(c.doc)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *SyntaxError", err, err)
			}
			if se.Line != c.line || se.Col != c.col || se.Statement != c.stmt || se.Sid != c.sid || !strings.Contains(se.Msg, c.msg) {
				t.Fatalf("got %d:%d stmt %d sid %q msg %q; want %d:%d stmt %d sid %q msg ~%q",
					se.Line, se.Col, se.Statement, se.Sid, se.Msg, c.line, c.col, c.stmt, c.sid, c.msg)
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	doc, err := ParseString(`{
  "Version": "2012-10-17",
  "Id": "p1",
  "Statement": [
    {
      "Sid": "One",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"],
      "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}
    },
    {"Effect": "Deny", "NotPrincipal": {"AWS": ["111122223333"], "Service": "s3.amazonaws.com"}, "NotAction": "s3:*", "NotResource": "*"}
  ]
}`)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2012-10-17" || doc.ID != "p1" || len(doc.Statements) != 2 {
		t.Fatalf("doc %+v", doc)
	}
	s := doc.Statements[0]
	if s.Line != 5 || s.Col != 5 || s.Index != 0 || s.Name() != "One" {
		t.Fatalf("position %d:%d index %d name %s", s.Line, s.Col, s.Index, s.Name())
	}
	if got := s.Principal["AWS"]; len(got) != 1 || got[0] != "*" {
		t.Fatalf("principal %v", s.Principal)
	}
	if len(s.Resource) != 2 || len(s.Action) != 1 {
		t.Fatalf("lists %v %v", s.Action, s.Resource)
	}
	if len(s.Condition) != 2 || s.Condition[0].Operator != "Bool" || s.Condition[0].Values[0] != "true" || s.Condition[1].Values[0] != "10" {
		t.Fatalf("conditions %+v", s.Condition)
	}
	s2 := doc.Statements[1]
	if s2.Name() != "#2" || s2.Line != 13 || len(s2.NotPrincipal["AWS"]) != 1 || s2.NotAction[0] != "s3:*" || s2.NotResource[0] != "*" {
		t.Fatalf("second %+v", s2)
	}
}

func TestMinify(t *testing.T) {
	doc, err := ParseString(`{
  "Version": "2012-10-17",
  "Statement": [{
      "Sid": "A", "Effect": "Deny",
      "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy"],
      "Resource": ["arn:aws:s3:::log-<x>"],
      "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}, "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/A", "arn:aws:iam::*:role/B"]}}
  }, {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}]
}`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Minify(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":["s3:DeleteBucket","s3:PutBucketPolicy"],` +
		`"Resource":"arn:aws:s3:::log-<x>","Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/A","arn:aws:iam::*:role/B"]},` +
		`"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}},{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	if string(got) != want {
		t.Fatalf("minified\n%s\nwant\n%s", got, want)
	}
	bare, _ := ParseString(`{"Statement":{"Effect":"Deny","Action":"*"}}`)
	if b, err := Minify(bare); err != nil || string(b) != `{"Statement":[{"Effect":"Deny","Action":"*"}]}` {
		t.Fatalf("no Version: %s %v", b, err)
	}
	again, err := Parse(got)
	if err != nil {
		t.Fatalf("minified does not parse: %v", err)
	}
	if b, _ := Minify(again); string(b) != want {
		t.Fatalf("not stable: %s", b)
	}
}

func TestMatchActionResource(t *testing.T) {
	for _, c := range []struct {
		p, a string
		want bool
	}{
		{"*", "s3:GetObject", true}, {"s3:*", "S3:GETOBJECT", true}, {"s3:Get*", "s3:PutObject", false},
		{"s3:*Object", "s3:GetObject", true}, {"s3:?etObject", "s3:GetObject", true}, {"s3", "s3:GetObject", false},
		{"s3:*Object", "s3:GetObjectAcl", false}, {"s3:Put*Acl", "s3:PutObjectAcl", true}, {"s3:Put*Acl", "s3:PutObject", false},
		{"", "x", false}, {"**a", "ba", true},
	} {
		if got := MatchAction(c.p, c.a); got != c.want {
			t.Errorf("MatchAction(%q, %q) = %v", c.p, c.a, got)
		}
	}
	for _, c := range []struct {
		p, a string
		want bool
	}{
		{"*", "arn:aws:s3:::b", true}, {"arn:aws:s3:::b*", "arn:aws:s3:::b/k", true}, {"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b", true}, {"arn:aws:s3:::B", "arn:aws:s3:::b", false},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/x", true}, {"arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/x", false},
	} {
		if got := MatchResource(c.p, c.a); got != c.want {
			t.Errorf("MatchResource(%q, %q) = %v", c.p, c.a, got)
		}
	}
}

func TestAccountOf(t *testing.T) {
	for id, want := range map[string]string{
		"111122223333":                               "111122223333",
		"arn:aws:iam::111122223333:root":             "111122223333",
		"arn:aws:sts::111122223333:assumed-role/r/s": "111122223333",
		"*":           "",
		"AIDAEXAMPLE": "",
	} {
		if got := accountOf(id); got != want {
			t.Errorf("accountOf(%q) = %q, want %q", id, got, want)
		}
	}
}
