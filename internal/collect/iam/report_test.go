package iam

import (
	"strings"
	"testing"
	"time"
)

const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
	"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
	"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n"

func TestParseReport(t *testing.T) {
	csv := header +
		"<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true," +
		"true,2024-05-01T10:00:00+00:00,2025-05-30T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"alice,arn:aws:iam::111122223333:user/alice,2023-02-03T04:05:06+00:00,true,no_information,2023-02-03T04:05:06+00:00,N/A,false," +
		"false,2023-03-01T00:00:00+00:00,N/A,N/A,N/A,true,2025-01-01T00:00:00+00:00,2025-05-01T00:00:00+00:00,eu-west-1,ec2,false,N/A,false,N/A\n"
	rows, err := parseReport([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	root := rows["<root_account>"]
	if root == nil || root.PasswordEnabled || !root.PasswordLastUsed.IsZero() || !root.PasswordLastChanged.IsZero() || !root.MFAActive {
		t.Fatalf("root = %+v", root)
	}
	if k := root.AccessKeys[0]; !k.Active || !k.LastUsed.Equal(time.Date(2025, 5, 30, 8, 0, 0, 0, time.UTC)) || k.LastUsedService != "s3" {
		t.Errorf("root key 1 = %+v", k)
	}
	if root.AccessKeys[1].Exists() || root.AccessKeys[1].LastUsedRegion != "" {
		t.Errorf("root key 2 = %+v, want none", root.AccessKeys[1])
	}
	a := rows["alice"]
	if a == nil || !a.PasswordEnabled || !a.PasswordLastUsed.IsZero() || a.MFAActive || a.ARN != "arn:aws:iam::111122223333:user/alice" {
		t.Fatalf("alice = %+v", a)
	}
	if k := a.AccessKeys[0]; k.Active || !k.Exists() || !k.LastUsed.IsZero() {
		t.Errorf("alice key 1 = %+v (inactive, never used)", k)
	}
	if k := a.AccessKeys[1]; !k.Active || k.LastUsedRegion != "eu-west-1" {
		t.Errorf("alice key 2 = %+v", k)
	}
}

func TestParseReportErrors(t *testing.T) {
	for name, csv := range map[string]string{
		"empty":      "",
		"no column":  "user,arn\nalice,arn\n",
		"bad time":   header + "bob,arn:aws:iam::1:user/bob,yesterday,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
		"bad quotes": "user,\"arn\n",
	} {
		if _, err := parseReport([]byte(csv)); err == nil || !strings.Contains(err.Error(), "parse credential report") {
			t.Errorf("%s: err = %v, want a parse error", name, err)
		}
	}
}
