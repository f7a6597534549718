// Package ecr simulates Amazon ECR's private registry (awsJson1.1):
// repositories, their tag mutability and lifecycle policies, and the
// registry's scanning configuration with the effective configuration of
// each repository.
//
// DescribeRepositories returns up to 100 repositories by default
// (maxResults 1-1000) and, given names, fails with
// RepositoryNotFoundException for the first it does not know, as ECR does.
// BatchGetRepositoryScanningConfiguration takes 1 to 25 names and reports
// unknown ones as failures (REPOSITORY_NOT_FOUND).
package ecr

import (
	"cmp"
	"path"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon ECR (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "ecr",
		Protocol: wire.JSON11,
		Codes:    &codes,
		Ops: map[string]svc.Handler{
			"DescribeRepositories":                    describeRepositories,
			"CreateRepository":                        createRepository,
			"GetLifecyclePolicy":                      getLifecyclePolicy,
			"PutLifecyclePolicy":                      putLifecyclePolicy,
			"DeleteLifecyclePolicy":                   deleteLifecyclePolicy,
			"PutImageTagMutability":                   putImageTagMutability,
			"PutImageScanningConfiguration":           putImageScanningConfiguration,
			"GetRegistryScanningConfiguration":        getRegistryScanningConfiguration,
			"PutRegistryScanningConfiguration":        putRegistryScanningConfiguration,
			"BatchGetRepositoryScanningConfiguration": batchGetRepositoryScanningConfiguration,
		},
	}
}

// ECR answers internal errors with ServerException.
var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.JSON11)
	c.Internal = "ServerException"
	return c
}()

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameterException", format, args...)
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func repoNotFound(c *svc.Ctx, name string) error {
	return wire.Errorf(400, "RepositoryNotFoundException", "The repository with name '%s' does not exist in the registry with id '%s'", name, c.Account.ID)
}

// registryOf checks the optional registryId: another account's registry
// is not reachable with the simulator's credentials.
func registryOf(c *svc.Ctx, id string) error {
	if id != "" && id != c.Account.ID {
		return wire.Errorf(400, "AccessDeniedException", "User is not authorized to access registry %s", id)
	}
	return nil
}

func find(c *svc.Ctx, name string) *world.ECRRepository {
	for _, r := range c.Regional().ECR.Repositories {
		if r.Name == name {
			return r
		}
	}
	return nil
}

type scanning struct {
	ScanOnPush bool `json:"scanOnPush"`
}

type encryption struct {
	EncryptionType string `json:"encryptionType"`
	KmsKey         string `json:"kmsKey,omitempty"`
}

type repoOut struct {
	RepositoryArn              string     `json:"repositoryArn"`
	RegistryId                 string     `json:"registryId"`
	RepositoryName             string     `json:"repositoryName"`
	RepositoryUri              string     `json:"repositoryUri"`
	CreatedAt                  float64    `json:"createdAt"`
	ImageTagMutability         string     `json:"imageTagMutability"`
	ImageScanningConfiguration scanning   `json:"imageScanningConfiguration"`
	EncryptionConfiguration    encryption `json:"encryptionConfiguration"`
}

func render(c *svc.Ctx, r *world.ECRRepository) repoOut {
	return repoOut{
		RepositoryArn: c.ARN("ecr", "repository/"+r.Name), RegistryId: c.Account.ID, RepositoryName: r.Name,
		RepositoryUri: c.Account.ID + ".dkr.ecr." + c.Region + ".amazonaws.com/" + r.Name, CreatedAt: epoch(r.Created),
		ImageTagMutability:         cmp.Or(r.TagMutability, "MUTABLE"),
		ImageScanningConfiguration: scanning{r.ScanOnPush},
		EncryptionConfiguration:    encryption{cmp.Or(r.EncryptionType, "AES256"), r.KMSKey},
	}
}

func describeRepositories(c *svc.Ctx) (any, error) {
	var in struct {
		RegistryId      string   `json:"registryId"`
		RepositoryNames []string `json:"repositoryNames"`
		NextToken       string   `json:"nextToken"`
		MaxResults      *int     `json:"maxResults"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := registryOf(c, in.RegistryId); err != nil {
		return nil, err
	}
	lim := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 1000 {
			return nil, invalid("maxResults must be between 1 and 1000")
		}
		if len(in.RepositoryNames) > 0 {
			return nil, invalid("maxResults cannot be used with repositoryNames")
		}
		lim = *in.MaxResults
	}
	var repos []repoOut
	if len(in.RepositoryNames) > 0 {
		for _, n := range in.RepositoryNames {
			r := find(c, n)
			if r == nil {
				return nil, repoNotFound(c, n)
			}
			repos = append(repos, render(c, r))
		}
		return struct {
			Repositories []repoOut `json:"repositories"`
		}{repos}, nil
	}
	for _, r := range c.Regional().ECR.Repositories {
		repos = append(repos, render(c, r))
	}
	page, next, err := svc.Page(repos, in.NextToken, lim, 100, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []repoOut{}
	}
	return struct {
		Repositories []repoOut `json:"repositories"`
		NextToken    string    `json:"nextToken,omitempty"`
	}{page, next}, nil
}

func createRepository(c *svc.Ctx) (any, error) {
	var in struct {
		RepositoryName             string      `json:"repositoryName"`
		ImageTagMutability         string      `json:"imageTagMutability"`
		ImageScanningConfiguration *scanning   `json:"imageScanningConfiguration"`
		EncryptionConfiguration    *encryption `json:"encryptionConfiguration"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.RepositoryName == "" {
		return nil, invalid("repositoryName is required")
	}
	if find(c, in.RepositoryName) != nil {
		return nil, wire.Errorf(400, "RepositoryAlreadyExistsException", "The repository with name '%s' already exists in the registry with id '%s'", in.RepositoryName, c.Account.ID)
	}
	if err := checkMutability(in.ImageTagMutability); err != nil {
		return nil, err
	}
	r := &world.ECRRepository{Name: in.RepositoryName, Created: c.Now(), TagMutability: in.ImageTagMutability}
	if in.ImageScanningConfiguration != nil {
		r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
	}
	if e := in.EncryptionConfiguration; e != nil {
		r.EncryptionType, r.KMSKey = e.EncryptionType, e.KmsKey
	}
	reg := c.Regional()
	reg.ECR.Repositories = append(reg.ECR.Repositories, r)
	return struct {
		Repository repoOut `json:"repository"`
	}{render(c, r)}, nil
}

func checkMutability(v string) error {
	switch v {
	case "", "MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION":
		return nil
	}
	return invalid("imageTagMutability %q is not valid", v)
}

type repoRef struct {
	RegistryId          string `json:"registryId"`
	RepositoryName      string `json:"repositoryName"`
	LifecyclePolicyText string `json:"lifecyclePolicyText"`
	ImageTagMutability  string `json:"imageTagMutability"`
}

func lookup(c *svc.Ctx, in *repoRef) (*world.ECRRepository, error) {
	if err := registryOf(c, in.RegistryId); err != nil {
		return nil, err
	}
	r := find(c, in.RepositoryName)
	if r == nil {
		return nil, repoNotFound(c, in.RepositoryName)
	}
	return r, nil
}

func getLifecyclePolicy(c *svc.Ctx) (any, error) {
	var in repoRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := lookup(c, &in)
	if err != nil {
		return nil, err
	}
	if r.LifecyclePolicy == "" {
		return nil, wire.Errorf(400, "LifecyclePolicyNotFoundException", "Lifecycle policy does not exist for the repository with name '%s' in the registry with id '%s'", r.Name, c.Account.ID)
	}
	return struct {
		RegistryId          string `json:"registryId"`
		RepositoryName      string `json:"repositoryName"`
		LifecyclePolicyText string `json:"lifecyclePolicyText"`
	}{c.Account.ID, r.Name, r.LifecyclePolicy}, nil
}

func putLifecyclePolicy(c *svc.Ctx) (any, error) {
	var in repoRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := lookup(c, &in)
	if err != nil {
		return nil, err
	}
	if len(in.LifecyclePolicyText) < 100 {
		return nil, invalid("lifecyclePolicyText must be between 100 and 30720 characters")
	}
	r.LifecyclePolicy = in.LifecyclePolicyText
	return struct {
		RegistryId          string `json:"registryId"`
		RepositoryName      string `json:"repositoryName"`
		LifecyclePolicyText string `json:"lifecyclePolicyText"`
	}{c.Account.ID, r.Name, r.LifecyclePolicy}, nil
}

func deleteLifecyclePolicy(c *svc.Ctx) (any, error) {
	var in repoRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	out, err := getLifecyclePolicy(c)
	if err != nil {
		return nil, err
	}
	find(c, in.RepositoryName).LifecyclePolicy = ""
	return out, nil
}

func putImageTagMutability(c *svc.Ctx) (any, error) {
	var in repoRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := lookup(c, &in)
	if err != nil {
		return nil, err
	}
	if in.ImageTagMutability == "" {
		return nil, invalid("imageTagMutability is required")
	}
	if err := checkMutability(in.ImageTagMutability); err != nil {
		return nil, err
	}
	r.TagMutability = in.ImageTagMutability
	return struct {
		RegistryId         string `json:"registryId"`
		RepositoryName     string `json:"repositoryName"`
		ImageTagMutability string `json:"imageTagMutability"`
	}{c.Account.ID, r.Name, r.TagMutability}, nil
}

func putImageScanningConfiguration(c *svc.Ctx) (any, error) {
	var in struct {
		RegistryId                 string   `json:"registryId"`
		RepositoryName             string   `json:"repositoryName"`
		ImageScanningConfiguration scanning `json:"imageScanningConfiguration"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := lookup(c, &repoRef{RegistryId: in.RegistryId, RepositoryName: in.RepositoryName})
	if err != nil {
		return nil, err
	}
	r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
	return struct {
		RegistryId                 string   `json:"registryId"`
		RepositoryName             string   `json:"repositoryName"`
		ImageScanningConfiguration scanning `json:"imageScanningConfiguration"`
	}{c.Account.ID, r.Name, scanning{r.ScanOnPush}}, nil
}

type filter struct {
	Filter     string `json:"filter"`
	FilterType string `json:"filterType"`
}

type rule struct {
	ScanFrequency     string   `json:"scanFrequency"`
	RepositoryFilters []filter `json:"repositoryFilters"`
}

func scanType(e *world.ECR) string { return cmp.Or(e.ScanType, "BASIC") }

func getRegistryScanningConfiguration(c *svc.Ctx) (any, error) {
	e := &c.Regional().ECR
	rules := []rule{}
	for _, r := range e.ScanRules {
		ru := rule{ScanFrequency: r.Frequency, RepositoryFilters: []filter{}}
		for _, f := range r.Filters {
			ru.RepositoryFilters = append(ru.RepositoryFilters, filter{f, "WILDCARD"})
		}
		rules = append(rules, ru)
	}
	return struct {
		RegistryId            string `json:"registryId"`
		ScanningConfiguration struct {
			ScanType string `json:"scanType"`
			Rules    []rule `json:"rules"`
		} `json:"scanningConfiguration"`
	}{RegistryId: c.Account.ID, ScanningConfiguration: struct {
		ScanType string `json:"scanType"`
		Rules    []rule `json:"rules"`
	}{scanType(e), rules}}, nil
}

func putRegistryScanningConfiguration(c *svc.Ctx) (any, error) {
	var in struct {
		ScanType string `json:"scanType"`
		Rules    []rule `json:"rules"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.ScanType != "" && in.ScanType != "BASIC" && in.ScanType != "ENHANCED" {
		return nil, invalid("scanType must be BASIC or ENHANCED")
	}
	var rules []world.ECRScanRule
	for _, r := range in.Rules {
		switch r.ScanFrequency {
		case "SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL":
		default:
			return nil, invalid("scanFrequency %q is not valid", r.ScanFrequency)
		}
		if in.ScanType != "ENHANCED" && r.ScanFrequency == "CONTINUOUS_SCAN" {
			return nil, invalid("CONTINUOUS_SCAN requires the ENHANCED scan type")
		}
		var fs []string
		for _, f := range r.RepositoryFilters {
			fs = append(fs, f.Filter)
		}
		rules = append(rules, world.ECRScanRule{Frequency: r.ScanFrequency, Filters: fs})
	}
	e := &c.Regional().ECR
	e.ScanType, e.ScanRules = cmp.Or(in.ScanType, "BASIC"), rules
	return getRegistryScanningConfiguration(c)
}

// effective is a repository's scan frequency and the filters that set
// it: the registry's first matching rule, highest frequency first; with
// basic scanning and no matching rule, the repository's own scan-on-push
// flag.
func effective(e *world.ECR, r *world.ECRRepository) (string, []filter) {
	rank := map[string]int{"CONTINUOUS_SCAN": 3, "SCAN_ON_PUSH": 2, "MANUAL": 1}
	best, applied := "", []filter{}
	for _, ru := range e.ScanRules {
		for _, f := range ru.Filters {
			if ok, _ := path.Match(f, r.Name); ok && rank[ru.Frequency] > rank[best] {
				best, applied = ru.Frequency, []filter{{f, "WILDCARD"}}
			}
		}
	}
	if best != "" {
		return best, applied
	}
	if scanType(e) == "BASIC" && r.ScanOnPush {
		return "SCAN_ON_PUSH", []filter{}
	}
	return "MANUAL", []filter{}
}

func batchGetRepositoryScanningConfiguration(c *svc.Ctx) (any, error) {
	var in struct {
		RepositoryNames []string `json:"repositoryNames"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.RepositoryNames) < 1 || len(in.RepositoryNames) > 25 {
		return nil, wire.Errorf(400, "ValidationException", "repositoryNames must have between 1 and 25 items")
	}
	type config struct {
		RepositoryArn      string   `json:"repositoryArn"`
		RepositoryName     string   `json:"repositoryName"`
		ScanOnPush         bool     `json:"scanOnPush"`
		ScanFrequency      string   `json:"scanFrequency"`
		AppliedScanFilters []filter `json:"appliedScanFilters"`
	}
	type fail struct {
		RepositoryName string `json:"repositoryName"`
		FailureCode    string `json:"failureCode"`
		FailureReason  string `json:"failureReason"`
	}
	out := struct {
		ScanningConfigurations []config `json:"scanningConfigurations"`
		Failures               []fail   `json:"failures"`
	}{[]config{}, []fail{}}
	e := &c.Regional().ECR
	for _, n := range in.RepositoryNames {
		r := find(c, n)
		if r == nil {
			out.Failures = append(out.Failures, fail{n, "REPOSITORY_NOT_FOUND", "REPOSITORY_NOT_FOUND"})
			continue
		}
		freq, fs := effective(e, r)
		out.ScanningConfigurations = append(out.ScanningConfigurations, config{c.ARN("ecr", "repository/"+r.Name), r.Name, freq != "MANUAL", freq, fs})
	}
	return out, nil
}
