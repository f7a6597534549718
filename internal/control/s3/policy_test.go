package s3

import "testing"

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"s3:GetObject", "s3:getobject", true},
		{"s3:Get*", "s3:GetObject", true},
		{"s3:*", "s3:PutBucketPolicy", true},
		{"*", "s3:PutObject", true},
		{"s3:G?tObject", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"s3:Put*Acl", "s3:PutObjectAcl", true},
		{"s3:Put*Acl", "s3:PutObject", false},
		{"s3:List*", "s3:GetObject", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/object", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b", true},
		{"", "x", false},
		{"**a", "ba", true},
	} {
		if got := match(tc.pattern, tc.s); got != tc.want {
			t.Errorf("match(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestInFamily(t *testing.T) {
	for _, tc := range []struct {
		pattern     string
		read, write bool
	}{
		{"s3:GetObject", true, false},
		{"s3:ListBucket", true, false},
		{"s3:PutObject", false, true},
		{"s3:DeleteObjectVersion", false, true},
		{"s3:AbortMultipartUpload", false, true},
		{"s3:Get*", true, false},
		{"s3:G*", true, false},
		{"s3:*", true, true},
		{"*", true, true},
		{"s3:*Object", true, true},
		{"s3:PutObject*", false, true},
		{"iam:*", false, false},
		{"s3:CreateBucket", false, false},
	} {
		if r, w := inFamily(tc.pattern, famRead), inFamily(tc.pattern, famWrite); r != tc.read || w != tc.write {
			t.Errorf("%s: read %v write %v, want %v %v", tc.pattern, r, w, tc.read, tc.write)
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
