package policy

import (
	"strings"
	"testing"
)

const owner = "111122223333"

// TestPublic: policies, one per row, and whether they let everyone in,
// ported from the Lambda.1/KMS.5 and S3 public-access evaluators, plus
// Deny statements that do and do not take a public Allow back.
func TestPublic(t *testing.T) {
	pub := `{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
	for _, tc := range []struct {
		name   string
		stmts  []string
		public string // the public actions, "" for not public
	}{
		{"star", []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}`}, "lambda:InvokeFunction"},
		{"aws star", []string{`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*"}`}, "kms:*"},
		{"aws star in list", []string{`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"kms:*"}`}, "kms:*"},
		{"wildcard account", []string{`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"kms:*"}`}, "kms:*"},
		{"not principal", []string{`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*"}`}, "kms:*"},
		{"deny star", []string{`{"Effect":"Deny","Principal":"*","Action":"kms:*"}`}, ""},
		{"account", []string{`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*"}`}, ""},
		{"service", []string{`{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"lambda:InvokeFunction"}`}, ""},
		{"source account", []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"}}}`}, ""},
		{"caller account", []string{`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}`}, ""},
		{"org id", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-abc123"]}}}`}, ""},
		{"org path below org", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc123/r-ab12/ou-ab12-11111111/*"}}}`}, ""},
		{"org path any org", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-*"}}}`}, "kms:Decrypt"},
		{"wildcard account value", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringLike":{"aws:SourceAccount":"*"}}}`}, "kms:Decrypt"},
		{"policy variable", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:username}"}}}`}, "kms:Decrypt"},
		{"if exists", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}}`}, "kms:Decrypt"},
		{"for all values", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`}, "kms:Decrypt"},
		{"not equals", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`}, "kms:Decrypt"},
		{"unrelated key", []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`}, "lambda:InvokeFunctionUrl"},
		{"source arn literal", []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:111122223333:a1b2c3/*"}}}`}, ""},
		{"source arn any account", []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-1:*:topic"}}}`}, "lambda:InvokeFunction"},
		{"source arn bucket", []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket"}}}`}, ""},
		{"source arn any bucket", []string{`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::*"}}}`}, "lambda:InvokeFunction"},
		{"source ip range", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`}, ""},
		{"source ip anywhere", []string{`{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","0.0.0.0/0"]}}}`}, "kms:Decrypt"},
		{"vpc endpoint", []string{`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}}`}, ""},
		{"TLS only is no restriction", []string{`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`}, "s3:GetObject"},

		// Deny statements that take the public Allow back.
		{"deny everything to everyone", []string{pub, `{"Sid":"D","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`}, ""},
		{"deny the same action, wider resource", []string{pub, `{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:Get*","Resource":"arn:aws:s3:::b*"}`}, ""},
		{"deny outside the organization", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`}, ""},
		{"deny outside the organization, IfExists", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}`}, ""},
		{"deny outside the office network", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`}, ""},
		{"deny outside the VPC endpoint", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`}, ""},
		{"deny to all but the owner's roles (NotPrincipal)", []string{pub, `{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/reader","111122223333"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`}, ""},
		{"deny of every action takes back a NotAction grant", []string{`{"Effect":"Allow","Principal":"*","NotAction":"s3:Delete*","Resource":"*"}`, `{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}`}, ""},
		{"deny takes back one action of two", []string{`{"Sid":"Two","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`, `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`}, "s3:ListBucket"},

		// Deny statements that do not.
		{"deny with a TLS condition", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`}, "s3:GetObject"},
		{"deny inside the organization only", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`}, "s3:GetObject"},
		{"deny outside any organization (wildcard)", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalOrgID":"o-*"}}}`}, "s3:GetObject"},
		{"deny a narrower action", []string{`{"Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"*"}`, `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`}, "s3:Get*"},
		{"deny another resource", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/private/*"}`}, "s3:GetObject"},
		{"deny to one account", []string{pub, `{"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"*","Resource":"*"}`}, "s3:GetObject"},
		{"deny with NotAction sparing the grant", []string{pub, `{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}`}, "s3:GetObject"},
		{"deny with NotPrincipal naming another account", []string{pub, `{"Effect":"Deny","NotPrincipal":{"AWS":"444455556666"},"Action":"*","Resource":"*"}`}, "s3:GetObject"},
		{"deny with NotResource covering the grant's", []string{pub, `{"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:s3:::b/*"}`}, "s3:GetObject"},
		{"NotAction grant, deny of some actions", []string{`{"Effect":"Allow","Principal":"*","NotAction":"s3:Delete*","Resource":"*"}`, `{"Effect":"Deny","Principal":"*","Action":"s3:Get*","Resource":"*"}`}, "every action but s3:Delete*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseString(`{"Version":"2012-10-17","Statement":[` + strings.Join(tc.stmts, ",") + `]}`)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range Public(d, owner) {
				s := strings.Join(g.Actions, ", ")
				if g.NotAction {
					s = "every action but " + s
				}
				got = append(got, s)
			}
			if strings.Join(got, "; ") != tc.public {
				t.Errorf("public = %q, want %q", strings.Join(got, "; "), tc.public)
			}
		})
	}
}

func TestCrossAccount(t *testing.T) {
	blocked := []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}
	for _, tc := range []struct {
		name  string
		stmts []string
		want  string
	}{
		{"other account", []string{`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:Put*","Resource":"*"}`},
			`statement "X" allows account 444455556666 s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration, s3:PutObjectAcl`},
		{"own account", []string{`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"s3:*","Resource":"*"}`}, ""},
		{"everyone in the own account", []string{`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`}, ""},
		{"everyone in the organization is still other accounts", []string{`{"Effect":"Allow","Principal":"*","Action":"s3:PutObjectAcl","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`},
			`statement (no Sid) allows everyone s3:PutObjectAcl`},
		{"deny to every other account takes it back", []string{`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:PutObjectAcl","Resource":"*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:Put*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}`}, ""},
		{"deny outside the organization does not", []string{`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:PutObjectAcl","Resource":"*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:Put*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`},
			`statement (no Sid) allows account 444455556666 s3:PutObjectAcl`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := ParseString(`{"Statement":[` + strings.Join(tc.stmts, ",") + `]}`)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range CrossAccount(d, owner, blocked) {
				got = append(got, g.CrossString())
			}
			if strings.Join(got, "; ") != tc.want {
				t.Errorf("got %q, want %q", strings.Join(got, "; "), tc.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	d, _ := ParseString(`{"Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":["kms:Decrypt","kms:Encrypt"]},
		{"Effect":"Allow","Principal":"*","NotAction":"kms:Delete*"}]}`)
	for i, want := range []string{"a allows kms:Decrypt, kms:Encrypt to any principal", "#2 allows every action but kms:Delete* to any principal"} {
		if got := Describe(d.Statements[i]); got != want {
			t.Errorf("Describe = %q, want %q", got, want)
		}
	}
	s, _ := ParseString(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"S3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"}}}]}`)
	st := s.Statements[0]
	if !st.Service("s3.amazonaws.com") || !st.Fixed("aws:sourceaccount") || st.Fixed("aws:SourceArn") {
		t.Errorf("Service/Fixed: %+v", st)
	}
}
