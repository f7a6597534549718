package iam

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// awsPolicy is one AWS managed policy of the simulator's catalogue.
type awsPolicy struct {
	name, path, id, version, description, doc string
	created, updated                          time.Time
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 17, 0, 0, 0, time.UTC) }

// awsPolicies is a realistic handful of AWS managed policies (the real
// catalogue has over a thousand).
var awsPolicies = []awsPolicy{
	{"AdministratorAccess", "/", "ANPAIWMBCKSKIEE64ZLYK", "v1", "Provides full access to AWS services and resources.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, day(2015, 2, 6), day(2015, 2, 6)},
	{"ReadOnlyAccess", "/", "ANPAILL3HVNFSB6DCOWYQ", "v128", "Provides read-only access to AWS services and resources.",
		`{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnlyActions","Effect":"Allow","Action":["a4b:Get*","a4b:List*","acm:Describe*","acm:Get*","acm:List*","cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents","ec2:Describe*","ec2:Get*","iam:Get*","iam:List*","iam:Generate*","s3:Get*","s3:List*","kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"}]}`, day(2015, 2, 6), day(2024, 11, 20)},
	{"SecurityAudit", "/", "ANPAIX2T3QCXHR2OGGCTO", "v45", "The security audit template grants access to read security configuration metadata. It is useful for software that audits the configuration of an AWS account.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["access-analyzer:GetAnalyzer","access-analyzer:ListAnalyzers","cloudtrail:DescribeTrails","cloudtrail:GetEventSelectors","cloudtrail:GetTrailStatus","config:Describe*","ec2:Describe*","guardduty:Get*","guardduty:List*","iam:GenerateCredentialReport","iam:Get*","iam:List*","kms:Describe*","kms:Get*","kms:List*","s3:GetBucket*","s3:ListAllMyBuckets","securityhub:Describe*","securityhub:Get*","securityhub:List*"],"Resource":"*"}]}`, day(2015, 2, 6), day(2024, 10, 3)},
	{"AWSSupportAccess", "/", "ANPAJSNKQX2OW67GF4S7E", "v1", "Allows users to access the AWS Support Center.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["support:*"],"Resource":"*"}]}`, day(2015, 2, 6), day(2015, 2, 6)},
	{"AWSCloudShellFullAccess", "/", "ANPAZKAPJZG4ONU3NGKCN", "v2", "Grants full access to AWS CloudShell",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudshell:*"],"Resource":"*"}]}`, day(2020, 12, 15), day(2023, 4, 13)},
	{"ViewOnlyAccess", "/job-function/", "ANPAID22R6XPJATWOFDK6", "v18", "This policy grants permissions to view resources and basic metadata across all AWS services.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:ListTags","ec2:DescribeInstances","ec2:DescribeSecurityGroups","ec2:DescribeVpcs","iam:ListGroups","iam:ListPolicies","iam:ListRoles","iam:ListUsers","kms:ListKeys","s3:ListAllMyBuckets"],"Resource":"*"}]}`, day(2016, 11, 10), day(2024, 6, 17)},
	{"PowerUserAccess", "/", "ANPAJYRXTHIB4FOVS3ZXS", "v5", "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions"],"Resource":"*"}]}`, day(2015, 2, 6), day(2023, 7, 6)},
	{"IAMFullAccess", "/", "ANPAI7XKCFMBPM3QQRRVQ", "v2", "Provides full access to IAM via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`, day(2015, 2, 6), day(2019, 6, 21)},
	{"AmazonS3ReadOnlyAccess", "/", "ANPAIZTJ4DXE7G6AGAE6M", "v3", "Provides read only access to all buckets via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}`, day(2015, 2, 6), day(2023, 8, 10)},
	{"AmazonEC2FullAccess", "/", "ANPAI3VAJF5ZCRZ7MCQE6", "v5", "Provides full access to Amazon EC2 via the AWS Management Console.",
		`{"Version":"2012-10-17","Statement":[{"Action":"ec2:*","Effect":"Allow","Resource":"*"},{"Effect":"Allow","Action":"elasticloadbalancing:*","Resource":"*"},{"Effect":"Allow","Action":"cloudwatch:*","Resource":"*"},{"Effect":"Allow","Action":"autoscaling:*","Resource":"*"}]}`, day(2015, 2, 6), day(2018, 11, 27)},
	{"AWSLambdaBasicExecutionRole", "/service-role/", "ANPAJNCQGXC42545SKXIK", "v1", "Provides write permissions to CloudWatch Logs.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`, day(2015, 4, 9), day(2015, 4, 9)},
	{"AWSConfigRole", "/service-role/", "ANPAIQRXRDRGJUA33ELIO", "v40", "Provides AWS Config with permissions to read the configuration of AWS resources.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","ec2:Describe*","iam:Get*","iam:List*","s3:GetBucket*","s3:ListAllMyBuckets","config:Put*","config:Get*","config:List*","config:Describe*"],"Resource":"*"}]}`, day(2015, 4, 2), day(2024, 9, 13)},
	{"AWSOrganizationsFullAccess", "/", "ANPAJZXBNRCJKNLQHSB5M", "v6", "Provides full access to AWS Organizations.",
		`{"Version":"2012-10-17","Statement":[{"Sid":"AWSOrganizationsFullAccess","Effect":"Allow","Action":"organizations:*","Resource":"*"},{"Sid":"AWSOrganizationsFullAccessAccount","Effect":"Allow","Action":["account:PutAlternateContact","account:DeleteAlternateContact","account:GetAlternateContact","account:GetContactInformation","account:PutContactInformation","account:ListRegions","account:EnableRegion","account:DisableRegion"],"Resource":"*"}]}`, day(2016, 11, 15), day(2023, 2, 6)},
}

// policyView is a managed policy, local or AWS's, as the API shows it.
type policyView struct {
	name, path, id, arn, description string
	created, updated                 time.Time
	defaultVersion                   string
	versions                         []*world.PolicyVersion
	local                            *world.ManagedPolicy
	tags                             map[string]string
}

const awsPolicyPrefix = "arn:aws:iam::aws:policy"

func awsView(p awsPolicy) *policyView {
	return &policyView{name: p.name, path: p.path, id: p.id, arn: awsPolicyPrefix + p.path + p.name, description: p.description,
		created: p.created, updated: p.updated, defaultVersion: p.version,
		versions: []*world.PolicyVersion{{ID: p.version, Document: p.doc, Created: p.updated}}}
}

func localARN(c *svc.Ctx, p *world.ManagedPolicy) string {
	return c.GlobalARN("iam", "policy"+orSlash(p.Path)+p.Name)
}

func localVersions(p *world.ManagedPolicy) []*world.PolicyVersion {
	if len(p.Versions) > 0 {
		return p.Versions
	}
	return []*world.PolicyVersion{{ID: "v1", Document: p.Document, Created: p.Created}}
}

func localView(c *svc.Ctx, p *world.ManagedPolicy) *policyView {
	vs := localVersions(p)
	def := p.DefaultVersion
	if def == "" {
		def = vs[len(vs)-1].ID
	}
	id := p.ID
	if id == "" {
		id = stableID("ANPA", c.Account.ID, "policy", p.Name)
	}
	upd := p.Updated
	if upd.IsZero() {
		upd = p.Created
	}
	return &policyView{name: p.Name, path: orSlash(p.Path), id: id, arn: localARN(c, p), description: p.Description,
		created: p.Created, updated: upd, defaultVersion: def, versions: vs, local: p, tags: p.Tags}
}

// materialize turns a seeded single-document policy into explicit versions
// before a write.
func materialize(p *world.ManagedPolicy) {
	if len(p.Versions) == 0 {
		p.Versions = []*world.PolicyVersion{{ID: "v1", Document: p.Document, Created: p.Created}}
		p.Document = ""
	}
	if p.DefaultVersion == "" {
		p.DefaultVersion = p.Versions[len(p.Versions)-1].ID
	}
}

// resolvePolicy finds a managed policy by ARN, or nil.
func resolvePolicy(c *svc.Ctx, arn string) *policyView {
	if strings.HasPrefix(arn, awsPolicyPrefix+"/") {
		for _, p := range awsPolicies {
			if awsPolicyPrefix+p.path+p.name == arn {
				return awsView(p)
			}
		}
		return nil
	}
	for _, p := range iamOf(c).Policies {
		if localARN(c, p) == arn {
			return localView(c, p)
		}
	}
	return nil
}

func policyNotFound(arn string) error {
	return noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}

func mustPolicy(c *svc.Ctx) (*policyView, error) {
	arn, err := required(c, "PolicyArn")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(arn, "arn:aws:iam::") {
		return nil, invalidInput("ARN %s is not valid.", arn)
	}
	p := resolvePolicy(c, arn)
	if p == nil {
		return nil, policyNotFound(arn)
	}
	return p, nil
}

// mustLocalPolicy is mustPolicy for writes: AWS managed policies are
// read-only to accounts.
func mustLocalPolicy(c *svc.Ctx) (*policyView, error) {
	p, err := mustPolicy(c)
	if err != nil {
		return nil, err
	}
	if p.local == nil {
		return nil, wire.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: iam:%s on resource: policy %s", c.Principal.ARN, c.Op, p.arn)
	}
	return p, nil
}

// attachments counts the account's entities a policy is attached to.
func attachments(c *svc.Ctx, arn string) int {
	n := 0
	count := func(list []string) {
		for _, a := range list {
			if a == arn {
				n++
			}
		}
	}
	i := iamOf(c)
	for _, u := range i.Users {
		count(u.AttachedPolicies)
	}
	for _, g := range i.Groups {
		count(g.AttachedPolicies)
	}
	for _, r := range i.Roles {
		count(r.AttachedPolicies)
	}
	return n
}

type xPolicy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	Tags                          []xTag `xml:"Tags>member,omitempty"`
}

func policyXML(c *svc.Ctx, p *policyView, full bool) xPolicy {
	x := xPolicy{PolicyName: p.name, PolicyId: p.id, Arn: p.arn, Path: p.path, DefaultVersionId: p.defaultVersion,
		AttachmentCount: attachments(c, p.arn), IsAttachable: true, CreateDate: cts(c, p.created), UpdateDate: cts(c, p.updated)}
	if full {
		x.Description = p.description
		x.Tags = tagList(p.tags)
	}
	return x
}

func listPolicies(c *svc.Ctx) (any, error) {
	scope := c.Form.Get("Scope")
	if scope == "" {
		scope = "All"
	}
	if scope != "All" && scope != "AWS" && scope != "Local" {
		return nil, validation("1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	only := boolParam(c, "OnlyAttached")
	prefix := c.Form.Get("PathPrefix")
	var views []*policyView
	if scope != "Local" {
		for _, p := range awsPolicies {
			views = append(views, awsView(p))
		}
	}
	if scope != "AWS" {
		for _, p := range iamOf(c).Policies {
			views = append(views, localView(c, p))
		}
	}
	sort.SliceStable(views, func(a, b int) bool { return views[a].name < views[b].name })
	var all []xPolicy
	for _, v := range views {
		x := policyXML(c, v, false)
		if (only && x.AttachmentCount == 0) || !hasPathPrefix(v.path, prefix) {
			continue
		}
		all = append(all, x)
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Policies    []xPolicy `xml:"Policies>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func getPolicy(c *svc.Ctx) (any, error) {
	p, err := mustPolicy(c)
	if err != nil {
		return nil, err
	}
	return struct{ Policy xPolicy }{policyXML(c, p, true)}, nil
}

func createPolicy(c *svc.Ctx) (any, error) {
	name, err := required(c, "PolicyName")
	if err != nil {
		return nil, err
	}
	if err := checkName("PolicyName", name, 128); err != nil {
		return nil, err
	}
	doc, err := required(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	path, err := pathParam(c, "Path")
	if err != nil {
		return nil, err
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	tags, err := formTags(c)
	if err != nil {
		return nil, err
	}
	i := iamOf(c)
	for _, p := range i.Policies {
		if strings.EqualFold(p.Name, name) {
			return nil, alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", name)
		}
	}
	if len(i.Policies) >= 1500 {
		return nil, limitExceeded("Cannot exceed quota for PoliciesPerAccount: 1500")
	}
	now := c.Now()
	p := &world.ManagedPolicy{Name: name, Path: path, ID: newID(c, "ANPA", 17), Description: c.Form.Get("Description"),
		Created: now, Updated: now, Versions: []*world.PolicyVersion{{ID: "v1", Document: doc, Created: now}}, DefaultVersion: "v1"}
	if len(tags) > 0 {
		p.Tags, _ = applyTags(nil, tags)
	}
	i.Policies = append(i.Policies, p)
	return struct{ Policy xPolicy }{policyXML(c, localView(c, p), true)}, nil
}

func deletePolicy(c *svc.Ctx) (any, error) {
	p, err := mustLocalPolicy(c)
	if err != nil {
		return nil, err
	}
	if attachments(c, p.arn) > 0 {
		return nil, deleteConflict("Cannot delete a policy attached to entities.")
	}
	if len(p.versions) > 1 {
		return nil, deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	i := iamOf(c)
	for n, q := range i.Policies {
		if q == p.local {
			i.Policies = append(i.Policies[:n:n], i.Policies[n+1:]...)
			break
		}
	}
	return nil, nil
}

type xPolicyVersion struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       string
}

func findVersion(p *policyView, id string) *world.PolicyVersion {
	for _, v := range p.versions {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func getPolicyVersion(c *svc.Ctx) (any, error) {
	p, err := mustPolicy(c)
	if err != nil {
		return nil, err
	}
	id, err := required(c, "VersionId")
	if err != nil {
		return nil, err
	}
	v := findVersion(p, id)
	if v == nil {
		return nil, noSuchEntity("Policy %s version %s does not exist or is not attachable.", p.arn, id)
	}
	return struct{ PolicyVersion xPolicyVersion }{xPolicyVersion{urlEncode(v.Document), v.ID, v.ID == p.defaultVersion, cts(c, v.Created)}}, nil
}

func listPolicyVersions(c *svc.Ctx) (any, error) {
	p, err := mustPolicy(c)
	if err != nil {
		return nil, err
	}
	var all []xPolicyVersion
	for n := len(p.versions) - 1; n >= 0; n-- {
		v := p.versions[n]
		all = append(all, xPolicyVersion{"", v.ID, v.ID == p.defaultVersion, cts(c, v.Created)})
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	return struct {
		Versions    []xPolicyVersion `xml:"Versions>member"`
		IsTruncated bool
		Marker      string `xml:",omitempty"`
	}{page, trunc, marker}, nil
}

func createPolicyVersion(c *svc.Ctx) (any, error) {
	p, err := mustLocalPolicy(c)
	if err != nil {
		return nil, err
	}
	doc, err := required(c, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	lp := p.local
	materialize(lp)
	if len(lp.Versions) >= 5 {
		return nil, limitExceeded("A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	}
	next := 0
	for _, v := range lp.Versions {
		if n, err := strconv.Atoi(strings.TrimPrefix(v.ID, "v")); err == nil && n > next {
			next = n
		}
	}
	now := c.Now()
	v := &world.PolicyVersion{ID: "v" + strconv.Itoa(next+1), Document: doc, Created: now}
	lp.Versions = append(lp.Versions, v)
	if boolParam(c, "SetAsDefault") {
		lp.DefaultVersion = v.ID
		lp.Updated = now
	}
	return struct{ PolicyVersion xPolicyVersion }{xPolicyVersion{"", v.ID, v.ID == lp.DefaultVersion, cts(c, v.Created)}}, nil
}

func deletePolicyVersion(c *svc.Ctx) (any, error) {
	p, err := mustLocalPolicy(c)
	if err != nil {
		return nil, err
	}
	id, err := required(c, "VersionId")
	if err != nil {
		return nil, err
	}
	if findVersion(p, id) == nil {
		return nil, noSuchEntity("Policy %s version %s does not exist or is not attachable.", p.arn, id)
	}
	if id == p.defaultVersion {
		return nil, deleteConflict("Cannot delete the default version of a policy.")
	}
	lp := p.local
	materialize(lp)
	for n, v := range lp.Versions {
		if v.ID == id {
			lp.Versions = append(lp.Versions[:n:n], lp.Versions[n+1:]...)
			break
		}
	}
	return nil, nil
}

func setDefaultPolicyVersion(c *svc.Ctx) (any, error) {
	p, err := mustLocalPolicy(c)
	if err != nil {
		return nil, err
	}
	id, err := required(c, "VersionId")
	if err != nil {
		return nil, err
	}
	if findVersion(p, id) == nil {
		return nil, noSuchEntity("Policy %s version %s does not exist or is not attachable.", p.arn, id)
	}
	materialize(p.local)
	p.local.DefaultVersion = id
	p.local.Updated = c.Now()
	return nil, nil
}

type policyEntity struct {
	kind     kind
	name, id string
}

func listEntitiesForPolicy(c *svc.Ctx) (any, error) {
	p, err := mustPolicy(c)
	if err != nil {
		return nil, err
	}
	filter := c.Form.Get("EntityFilter")
	switch filter {
	case "", "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]", filter)
	}
	want := func(k string) bool {
		return filter == "" || filter == k || filter == "LocalManagedPolicy" || filter == "AWSManagedPolicy"
	}
	prefix := c.Form.Get("PathPrefix")
	has := func(list []string) bool {
		for _, a := range list {
			if a == p.arn {
				return true
			}
		}
		return false
	}
	i := iamOf(c)
	var all []policyEntity
	if want("Group") {
		for _, g := range sortedGroups(c) {
			if has(g.AttachedPolicies) && hasPathPrefix(g.Path, prefix) {
				all = append(all, policyEntity{kindGroup, g.Name, groupID(c, g)})
			}
		}
	}
	if want("User") {
		for _, u := range sortUsers(i.Users) {
			if has(u.AttachedPolicies) && hasPathPrefix(u.Path, prefix) {
				all = append(all, policyEntity{kindUser, u.Name, userID(c, u)})
			}
		}
	}
	if want("Role") {
		for _, r := range sortedRoles(c) {
			if has(r.AttachedPolicies) && hasPathPrefix(r.Path, prefix) {
				all = append(all, policyEntity{kindRole, r.Name, roleID(c, r)})
			}
		}
	}
	page, trunc, marker, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	type pg struct{ GroupName, GroupId string }
	type pu struct{ UserName, UserId string }
	type pr struct{ RoleName, RoleId string }
	var out struct {
		PolicyGroups []pg `xml:"PolicyGroups>member"`
		PolicyUsers  []pu `xml:"PolicyUsers>member"`
		PolicyRoles  []pr `xml:"PolicyRoles>member"`
		IsTruncated  bool
		Marker       string `xml:",omitempty"`
	}
	for _, e := range page {
		switch e.kind {
		case kindGroup:
			out.PolicyGroups = append(out.PolicyGroups, pg{e.name, e.id})
		case kindUser:
			out.PolicyUsers = append(out.PolicyUsers, pu{e.name, e.id})
		case kindRole:
			out.PolicyRoles = append(out.PolicyRoles, pr{e.name, e.id})
		}
	}
	out.IsTruncated, out.Marker = trunc, marker
	return out, nil
}
