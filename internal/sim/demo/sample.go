package demo

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// SampleSubs are the token values Global and Regional decode with: a
// production member account of the demo organization.
var SampleSubs = map[string]string{
	"${account}": "444444444401", "${account_name}": "payments-prod", "${home_region}": "us-east-1",
	"${org_id}": "o-gr7demo0rg", "${management}": "111111111111", "${security}": "222222222222",
	"${log_archive}": "333333333333",
}

// SampleNow is the instant Global and Regional resolve ${days_ago:N}
// from: fixed, like SampleSubs, so that a sample is the same on any date.
var SampleNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Global decodes a global service's data file (iam, s3) exactly as the
// loader does, strictly, and returns the state of every profile with the
// tokens replaced by SampleSubs. T must be the service's world type.
func Global[T any](field string) (map[string]T, error) {
	ps, err := loadProfiles(SampleNow)
	if err != nil {
		return nil, err
	}
	byProfile, ok := ps.global[field]
	if !ok {
		return nil, fmt.Errorf("demo data: no global service %q", field)
	}
	out := map[string]T{}
	for p, tmpl := range byProfile {
		v, err := sample[T](tmpl, "")
		if err != nil {
			return nil, fmt.Errorf("demo data %s.yaml: %s: %w", field, p, err)
		}
		out[p] = v
	}
	return out, nil
}

// Regional decodes a regional service's data file (ec2, kms, ...) as the
// loader does and returns profile → region key ("default" or a region) →
// state, with ${region} replaced by the region key's region (us-east-1 for
// "default").
func Regional[T any](field string) (map[string]map[string]T, error) {
	ps, err := loadProfiles(SampleNow)
	if err != nil {
		return nil, err
	}
	byProfile, ok := ps.regional[field]
	if !ok {
		return nil, fmt.Errorf("demo data: no regional service %q", field)
	}
	out := map[string]map[string]T{}
	for p, byRegion := range byProfile {
		out[p] = map[string]T{}
		for r, tmpl := range byRegion {
			region := r
			if r == "default" {
				region = "us-east-1"
			}
			v, err := sample[T](tmpl, region)
			if err != nil {
				return nil, fmt.Errorf("demo data %s.yaml: %s.%s: %w", field, p, r, err)
			}
			out[p][r] = v
		}
	}
	return out, nil
}

func sample[T any](tmpl reflect.Value, region string) (T, error) {
	var v T
	if tmpl.Type() != reflect.TypeOf(v) {
		return v, fmt.Errorf("state is a %s, not a %T", tmpl.Type(), v)
	}
	pairs := []string{"${region}", region}
	for k, s := range SampleSubs {
		pairs = append(pairs, k, s)
	}
	copyReplace(reflect.ValueOf(&v).Elem(), tmpl, strings.NewReplacer(pairs...))
	return v, nil
}
