package iam

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// rootRow is the user column of the root user's row.
const rootRow = "<root_account>"

// parseReport parses a credential report (CSV with a header row) into
// rows by user name, the root user's under "<root_account>". Columns are
// found by their header, so added columns do not matter.
func parseReport(content []byte) (map[string]*iam.Credentials, error) {
	r := csv.NewReader(bytes.NewReader(content))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse credential report: %w", err)
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("parse credential report: empty")
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, h := range []string{"user", "arn", "password_enabled", "mfa_active"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("parse credential report: no %q column", h)
		}
	}
	out := map[string]*iam.Credentials{}
	for n, rec := range records[1:] {
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return "N/A"
		}
		var errs []string
		ts := func(name string) time.Time {
			t, err := reportTime(get(name))
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			}
			return t
		}
		c := &iam.Credentials{
			User:                get("user"),
			ARN:                 get("arn"),
			Created:             ts("user_creation_time"),
			PasswordEnabled:     get("password_enabled") == "true",
			PasswordLastUsed:    ts("password_last_used"),
			PasswordLastChanged: ts("password_last_changed"),
			MFAActive:           get("mfa_active") == "true",
		}
		for k := 1; k <= 2; k++ {
			p := fmt.Sprintf("access_key_%d_", k)
			c.AccessKeys = append(c.AccessKeys, iam.KeyCredentials{
				Active:          get(p+"active") == "true",
				LastRotated:     ts(p + "last_rotated"),
				LastUsed:        ts(p + "last_used_date"),
				LastUsedRegion:  value(get(p + "last_used_region")),
				LastUsedService: value(get(p + "last_used_service")),
			})
		}
		if len(errs) > 0 {
			return nil, fmt.Errorf("parse credential report: row %d (%s): %s", n+2, c.User, strings.Join(errs, "; "))
		}
		out[c.User] = c
	}
	return out, nil
}

// reportTime parses a report time; "N/A" (not applicable, never used),
// "no_information" (not tracked) and "not_supported" (root) are zero.
func reportTime(s string) (time.Time, error) {
	if value(s) == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}

// value returns s, or "" for the report's placeholders.
func value(s string) string {
	switch s {
	case "", "N/A", "no_information", "not_supported":
		return ""
	}
	return s
}
