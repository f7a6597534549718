package resourcepolicy

import (
	"strings"
	"testing"
)

func TestPublic(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stmt   string
		public bool
	}{
		{"star", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}`, true},
		{"aws star", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*"}`, true},
		{"aws star in list", `{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"kms:*"}`, true},
		{"wildcard account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"kms:*"}`, true},
		{"not principal", `{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*"}`, true},
		{"deny star", `{"Effect":"Deny","Principal":"*","Action":"kms:*"}`, false},
		{"account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*"}`, false},
		{"service", `{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction"}`, false},
		{"source account", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"}}}`, false},
		{"caller account", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}`, false},
		{"org id", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-abc123"]}}}`, false},
		{"org path below org", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc123/r-ab12/ou-ab12-11111111/*"}}}`, false},
		{"org path any org", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-*"}}}`, true},
		{"wildcard account value", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringLike":{"aws:SourceAccount":"*"}}}`, true},
		{"policy variable", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:username}"}}}`, true},
		{"if exists", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}}`, true},
		{"for all values", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`, true},
		{"not equals", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`, true},
		{"unrelated key", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`, true},
		{"source arn literal", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:111122223333:a1b2c3/*"}}}`, false},
		{"source arn any account", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-1:*:topic"}}}`, true},
		{"source arn bucket", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket"}}}`, false},
		{"source arn any bucket", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::*"}}}`, true},
		{"source ip range", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`, false},
		{"source ip anywhere", `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","0.0.0.0/0"]}}}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(`{"Version":"2012-10-17","Statement":[` + tc.stmt + `]}`)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(d.Public()) == 1; got != tc.public {
				t.Errorf("public = %v, want %v", got, tc.public)
			}
		})
	}
}

func TestParse(t *testing.T) {
	d, err := Parse(`{"Statement":{"Sid":"one","Effect":"Allow","Principal":{"Service":["s3.amazonaws.com"]},"NotAction":"kms:Delete*",
		"Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"kms:RecipientAttestation:ImageSha384":[1,2]}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statements) != 1 {
		t.Fatalf("statements = %d", len(d.Statements))
	}
	s := d.Statements[0]
	if !s.Service("S3.amazonaws.com") || !s.NotAction || s.Actions[0] != "kms:Delete*" || d.Name(s) != "one" {
		t.Errorf("statement = %+v", s)
	}
	if len(s.Conditions) != 2 || s.Conditions[0].Operator != "Bool" || s.Conditions[0].Values[0] != "false" || s.Conditions[1].Values[1] != "2" {
		t.Errorf("conditions = %+v", s.Conditions)
	}
	d, _ = Parse(`{"Statement":[{"Effect":"Allow","Principal":"*"}]}`)
	if d.Name(d.Statements[0]) != "#1" {
		t.Errorf("unnamed statement = %q", d.Name(d.Statements[0]))
	}
	for _, bad := range []string{`not json`, `{"Statement":[{"Principal":"someone"}]}`, `{"Statement":[{"Principal":{"AWS":{"x":1}}}]}`, `{"Statement":"x"}`} {
		if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), "parse policy") {
			t.Errorf("Parse(%s) = %v, want an error", bad, err)
		}
	}
}

func TestDescribe(t *testing.T) {
	d, _ := Parse(`{"Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":["kms:Decrypt","kms:Encrypt"]},
		{"Effect":"Allow","Principal":"*","NotAction":"kms:Delete*"}]}`)
	for i, want := range []string{"a allows kms:Decrypt, kms:Encrypt to any principal", "#2 allows every action but kms:Delete* to any principal"} {
		if got := d.Describe(d.Statements[i]); got != want {
			t.Errorf("Describe = %q, want %q", got, want)
		}
	}
}

func TestFixed(t *testing.T) {
	d, _ := Parse(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"}}}]}`)
	s := d.Statements[0]
	if !s.Fixed("aws:sourceaccount") || s.Fixed("aws:SourceArn") {
		t.Errorf("Fixed: %+v", s.Conditions)
	}
}
