package s3

import "testing"

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
