package s3

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

func malformed() error {
	return svc.Invalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}

// ---- Bucket policy ----

func getBucketPolicy(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if b.Policy == "" {
		return nil, svc.NotFound("NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &wire.Response{Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(b.Policy)}, nil
}

func putBucketPolicy(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(string(c.Body))
	var p policyDoc
	if !strings.HasPrefix(text, "{") || json.Unmarshal([]byte(text), &p) != nil {
		return nil, svc.Invalid("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
	}
	if len(p.Statement) == 0 {
		return nil, svc.Invalid("MalformedPolicy", "Missing required field Statement")
	}
	if policyPublic(text) && effectivePAB(c, b).BlockPublicPolicy {
		return nil, wire.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::%s\" because public policies are blocked by the BlockPublicPolicy block public access setting.", c.Principal.ARN, b.Name)
	}
	b.Policy = text
	return noContent(), nil
}

func deleteBucketPolicy(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	b.Policy = ""
	return noContent(), nil
}

type policyDoc struct {
	Statement statements
}

type statement struct {
	Effect    string
	Principal json.RawMessage
	Condition map[string]map[string]json.RawMessage
}

// statements accepts a single statement or a list of them.
type statements []statement

func (s *statements) UnmarshalJSON(b []byte) error {
	if strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
		return json.Unmarshal(b, (*[]statement)(s))
	}
	var one statement
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*s = statements{one}
	return nil
}

// restrictingKeys are condition keys that pin a statement to known
// principals or networks, so S3 does not consider it public.
var restrictingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true, "aws:sourceaccount": true,
	"aws:sourceowner": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true, "aws:principalorgid": true,
	"aws:principalorgpaths": true, "aws:principalaccount": true, "aws:principalarn": true, "aws:userid": true,
	"aws:username": true, "aws:principalserviceName": true, "aws:principalservicename": true,
	"aws:sourceip": true, "s3:dataaccesspointaccount": true, "s3:dataaccesspointarn": true,
}

// policyPublic reports whether a policy grants access to anyone: an Allow
// statement whose principal is "*" (or {"AWS": "*"}) without a condition
// on a restricting key (with a fixed, non-wildcard value).
func policyPublic(text string) bool {
	var p policyDoc
	if json.Unmarshal([]byte(text), &p) != nil {
		return false
	}
	for _, s := range p.Statement {
		if s.Effect != "Allow" || !principalAnyone(s.Principal) {
			continue
		}
		restricted := false
		for op, kv := range s.Condition {
			if strings.HasPrefix(op, "ForAnyValue:") || strings.Contains(op, "IfExists") || strings.HasPrefix(op, "Not") {
				continue
			}
			for k, v := range kv {
				if !restrictingKeys[strings.ToLower(k)] {
					continue
				}
				vals := strings.Trim(string(v), `[]" `)
				if vals != "*" && vals != "0.0.0.0/0" && vals != "::/0" {
					restricted = true
				}
			}
		}
		if !restricted {
			return true
		}
	}
	return false
}

func principalAnyone(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	aws, ok := m["AWS"]
	if !ok {
		return false
	}
	if json.Unmarshal(aws, &s) == nil {
		return s == "*"
	}
	var list []string
	if json.Unmarshal(aws, &list) == nil {
		for _, v := range list {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

func getBucketPolicyStatus(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if b.Policy == "" {
		return nil, svc.NotFound("NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return doc("PolicyStatus", struct{ IsPublic bool }{policyPublic(b.Policy)}), nil
}

// ---- ACL ----

const (
	allUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	logGroup  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// cannedGrants expands a canned ACL for a bucket owned by owner (canonical ID).
func cannedGrants(acl, owner string) ([]world.Grant, bool) {
	g := []world.Grant{{ID: owner, Permission: "FULL_CONTROL"}}
	switch acl {
	case "", "private", "bucket-owner-read", "bucket-owner-full-control":
	case "public-read":
		g = append(g, world.Grant{URI: allUsers, Permission: "READ"})
	case "public-read-write":
		g = append(g, world.Grant{URI: allUsers, Permission: "READ"}, world.Grant{URI: allUsers, Permission: "WRITE"})
	case "authenticated-read":
		g = append(g, world.Grant{URI: authUsers, Permission: "READ"})
	case "log-delivery-write":
		g = append(g, world.Grant{URI: logGroup, Permission: "WRITE"}, world.Grant{URI: logGroup, Permission: "READ_ACP"})
	default:
		return nil, false
	}
	return g, true
}

func effectiveGrants(c *svc.Ctx, b *world.Bucket) []world.Grant {
	if b.Grants != nil {
		return b.Grants
	}
	g, _ := cannedGrants(b.ACL, CanonicalID(c.Account.ID))
	return g
}

func aclPublic(gs []world.Grant) bool {
	for _, g := range gs {
		if g.URI == allUsers || g.URI == authUsers {
			return true
		}
	}
	return false
}

// ownerOnly reports whether every grant goes to the bucket owner (canonical
// ID owner): the only ACL S3 keeps when ACLs are disabled. A grant to
// another account or to any group (AllUsers, AuthenticatedUsers, and
// LogDelivery too) stops PutBucketOwnershipControls from applying
// BucketOwnerEnforced (InvalidBucketAclWithObjectOwnership).
func ownerOnly(gs []world.Grant, owner string) bool {
	for _, g := range gs {
		if g.ID != owner || g.URI != "" || g.Email != "" {
			return false
		}
	}
	return true
}

type granteeXML struct {
	XMLNS string `xml:"xmlns:xsi,attr,omitempty"`
	Type  string `xml:"xsi:type,attr,omitempty"`
	ID    string `xml:"ID,omitempty"`
	URI   string `xml:"URI,omitempty"`
	Email string `xml:"EmailAddress,omitempty"`
}

type grantXML struct {
	Grantee    granteeXML
	Permission string
}

type aclXML struct {
	Owner             ownerXML
	AccessControlList struct {
		Grant []grantXML
	}
}

func getBucketACL(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	out := aclXML{Owner: ownerXML{ID: CanonicalID(c.Account.ID)}}
	for _, g := range effectiveGrants(c, b) {
		ge := granteeXML{XMLNS: "http://www.w3.org/2001/XMLSchema-instance", ID: g.ID, URI: g.URI, Email: g.Email}
		switch {
		case g.URI != "":
			ge.Type = "Group"
		case g.Email != "":
			ge.Type = "AmazonCustomerByEmail"
		default:
			ge.Type = "CanonicalUser"
		}
		out.AccessControlList.Grant = append(out.AccessControlList.Grant, grantXML{ge, g.Permission})
	}
	return doc("AccessControlPolicy", out), nil
}

// headerGrants reads x-amz-grant-* headers (id="...", uri="...", emailAddress="...").
func headerGrants(c *svc.Ctx) ([]world.Grant, error) {
	var out []world.Grant
	for _, hp := range []struct{ h, perm string }{
		{"X-Amz-Grant-Full-Control", "FULL_CONTROL"}, {"X-Amz-Grant-Read", "READ"}, {"X-Amz-Grant-Write", "WRITE"},
		{"X-Amz-Grant-Read-Acp", "READ_ACP"}, {"X-Amz-Grant-Write-Acp", "WRITE_ACP"},
	} {
		v := c.Header(hp.h)
		if v == "" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				return nil, svc.Invalid("InvalidArgument", "Invalid grant header %s", hp.h)
			}
			val = strings.Trim(val, `"`)
			g := world.Grant{Permission: hp.perm}
			switch strings.ToLower(k) {
			case "id":
				g.ID = val
			case "uri":
				g.URI = val
			case "emailaddress":
				g.Email = val
			default:
				return nil, svc.Invalid("InvalidArgument", "Invalid grant header %s", hp.h)
			}
			out = append(out, g)
		}
	}
	return out, nil
}

func putBucketACL(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	owner := CanonicalID(c.Account.ID)
	acl := c.Header("X-Amz-Acl")
	hg, err := headerGrants(c)
	if err != nil {
		return nil, err
	}
	var grants []world.Grant
	hasBody := len(strings.TrimSpace(string(c.Body))) > 0
	switch {
	case acl != "" && (hasBody || len(hg) > 0):
		return nil, svc.Invalid("UnexpectedContent", "This request does not support content")
	case acl != "":
		g, ok := cannedGrants(acl, owner)
		if !ok {
			return nil, svc.Invalid("InvalidArgument", "")
		}
		grants = g
	case len(hg) > 0:
		grants = hg
	case hasBody:
		var in aclXML
		if err := c.DecodeXML(&in); err != nil {
			return nil, err
		}
		for _, g := range in.AccessControlList.Grant {
			switch g.Permission {
			case "FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP":
			default:
				return nil, malformed()
			}
			if g.Grantee.ID == "" && g.Grantee.URI == "" && g.Grantee.Email == "" {
				return nil, malformed()
			}
			grants = append(grants, world.Grant{ID: g.Grantee.ID, URI: g.Grantee.URI, Email: g.Grantee.Email, Permission: g.Permission})
		}
		if grants == nil {
			grants = []world.Grant{}
		}
	default:
		return nil, svc.Invalid("MissingSecurityHeader", "Your request was missing a required header")
	}
	if b.Ownership == "BucketOwnerEnforced" {
		private := len(grants) == 1 && grants[0].ID == owner && grants[0].Permission == "FULL_CONTROL"
		if !private {
			return nil, svc.Invalid("AccessControlListNotSupported", "The bucket does not allow ACLs")
		}
	}
	if aclPublic(grants) && effectivePAB(c, b).BlockPublicAcls {
		return nil, wire.Errorf(403, "AccessDenied", "Access Denied")
	}
	if acl != "" {
		b.ACL, b.Grants = acl, nil
	} else {
		b.ACL, b.Grants = "", grants
	}
	return nil, nil
}

// ---- Encryption ----

type sseDefaultXML struct {
	SSEAlgorithm   string
	KMSMasterKeyID string `xml:",omitempty"`
}

type sseRuleXML struct {
	ApplyServerSideEncryptionByDefault *sseDefaultXML
	BucketKeyEnabled                   bool
}

type sseXML struct {
	Rule []sseRuleXML
}

func getBucketEncryption(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	e := b.Encryption
	if e == nil {
		return nil, svc.NotFound("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	}
	out := sseXML{Rule: []sseRuleXML{{&sseDefaultXML{e.Algorithm, e.KMSKeyID}, e.BucketKeyEnabled}}}
	return doc("ServerSideEncryptionConfiguration", out), nil
}

func putBucketEncryption(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in sseXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if len(in.Rule) != 1 || in.Rule[0].ApplyServerSideEncryptionByDefault == nil {
		return nil, malformed()
	}
	d := in.Rule[0].ApplyServerSideEncryptionByDefault
	switch d.SSEAlgorithm {
	case "AES256":
		if d.KMSMasterKeyID != "" {
			return nil, svc.Invalid("InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse.")
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return nil, malformed()
	}
	b.Encryption = &world.BucketEncryption{Algorithm: d.SSEAlgorithm, KMSKeyID: d.KMSMasterKeyID, BucketKeyEnabled: in.Rule[0].BucketKeyEnabled}
	return nil, nil
}

// deleteBucketEncryption resets the default encryption to SSE-S3, as S3
// does since January 2023.
func deleteBucketEncryption(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	b.Encryption = &world.BucketEncryption{Algorithm: "AES256"}
	return noContent(), nil
}

// ---- Versioning ----

type versioningXML struct {
	Status    string `xml:",omitempty"`
	MfaDelete string `xml:",omitempty"`
}

func getBucketVersioning(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	return doc("VersioningConfiguration", versioningXML{b.Versioning, b.MFADelete}), nil
}

func putBucketVersioning(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in versioningXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	switch in.Status {
	case "Enabled", "Suspended", "":
	default:
		return nil, malformed()
	}
	switch in.MfaDelete {
	case "Enabled", "Disabled", "":
	default:
		return nil, malformed()
	}
	if in.MfaDelete != "" && in.MfaDelete != b.MFADelete && !(in.MfaDelete == "Disabled" && b.MFADelete == "") {
		if c.Header("X-Amz-Mfa") == "" {
			return nil, svc.Invalid("InvalidRequest", "DevPay and Mfa are mutually exclusive authorization methods.")
		}
	}
	if in.Status == "Suspended" && b.ObjectLock != nil && b.ObjectLock.Enabled {
		return nil, wire.Errorf(409, "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
	}
	if in.Status == "Suspended" && b.Replication != nil {
		return nil, wire.Errorf(409, "InvalidBucketState", "A replication configuration is present on this bucket, so the versioning state cannot be changed.")
	}
	if in.Status != "" {
		b.Versioning = in.Status
	}
	if in.MfaDelete != "" {
		b.MFADelete = in.MfaDelete
	}
	return nil, nil
}

// ---- Logging ----

type loggingXML struct {
	LoggingEnabled *struct {
		TargetBucket string
		TargetPrefix string
	} `xml:",omitempty"`
}

func getBucketLogging(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var out loggingXML
	if l := b.Logging; l != nil {
		out.LoggingEnabled = &struct {
			TargetBucket string
			TargetPrefix string
		}{l.TargetBucket, l.TargetPrefix}
	}
	return doc("BucketLoggingStatus", out), nil
}

func putBucketLogging(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in loggingXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if in.LoggingEnabled == nil {
		b.Logging = nil
		return nil, nil
	}
	t := in.LoggingEnabled.TargetBucket
	if t == "" {
		return nil, malformed()
	}
	c.World.Mu.Lock()
	_, exists := c.World.Buckets[t]
	c.World.Mu.Unlock()
	own := c.Account.S3.Bucket(t)
	if !exists && own == nil {
		return nil, svc.Invalid("InvalidTargetBucketForLogging", "The target bucket for logging does not exist")
	}
	if own != nil && regionOf(own) != regionOf(b) {
		return nil, svc.Invalid("CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed.")
	}
	b.Logging = &world.BucketLogging{TargetBucket: t, TargetPrefix: in.LoggingEnabled.TargetPrefix}
	return nil, nil
}

// ---- Lifecycle ----

type lifecycleRuleXML struct {
	ID         string                   `xml:",omitempty"`
	Filter     *struct{ Prefix string } `xml:",omitempty"`
	Prefix     *string                  `xml:",omitempty"`
	Status     string
	Expiration *struct {
		Days                      int   `xml:",omitempty"`
		ExpiredObjectDeleteMarker *bool `xml:",omitempty"`
	} `xml:",omitempty"`
	Transition *struct {
		Days         int
		StorageClass string
	} `xml:",omitempty"`
	NoncurrentVersionTransition *struct {
		NoncurrentDays int
		StorageClass   string
	} `xml:",omitempty"`
	NoncurrentVersionExpiration *struct {
		NoncurrentDays int
	} `xml:",omitempty"`
	AbortIncompleteMultipartUpload *struct {
		DaysAfterInitiation int
	} `xml:",omitempty"`
}

type lifecycleXML struct {
	Rule []lifecycleRuleXML
}

func getLifecycle(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if len(b.Lifecycle) == 0 {
		return nil, svc.NotFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
	}
	var out lifecycleXML
	for _, r := range b.Lifecycle {
		x := lifecycleRuleXML{ID: r.ID, Status: r.Status, Filter: &struct{ Prefix string }{r.Prefix}}
		if r.ExpirationDays > 0 || r.ExpiredObjectDeleteMarker {
			x.Expiration = &struct {
				Days                      int   `xml:",omitempty"`
				ExpiredObjectDeleteMarker *bool `xml:",omitempty"`
			}{Days: r.ExpirationDays}
			if r.ExpiredObjectDeleteMarker {
				t := true
				x.Expiration.ExpiredObjectDeleteMarker = &t
			}
		}
		if r.TransitionDays > 0 || r.TransitionStorageClass != "" {
			x.Transition = &struct {
				Days         int
				StorageClass string
			}{r.TransitionDays, r.TransitionStorageClass}
		}
		if r.NoncurrentTransitionClass != "" {
			x.NoncurrentVersionTransition = &struct {
				NoncurrentDays int
				StorageClass   string
			}{r.NoncurrentTransitionDays, r.NoncurrentTransitionClass}
		}
		if r.NoncurrentExpirationDays > 0 {
			x.NoncurrentVersionExpiration = &struct{ NoncurrentDays int }{r.NoncurrentExpirationDays}
		}
		if r.AbortIncompleteMultipartUpload > 0 {
			x.AbortIncompleteMultipartUpload = &struct{ DaysAfterInitiation int }{r.AbortIncompleteMultipartUpload}
		}
		out.Rule = append(out.Rule, x)
	}
	return &wire.Response{
		Header: http.Header{"X-Amz-Transition-Default-Minimum-Object-Size": {"all_storage_classes_128K"}},
		Body:   doc("LifecycleConfiguration", out),
	}, nil
}

func putLifecycle(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in lifecycleXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if len(in.Rule) == 0 || len(in.Rule) > 1000 {
		return nil, malformed()
	}
	var rules []world.LifecycleRule
	seen := map[string]bool{}
	for _, x := range in.Rule {
		if x.Status != "Enabled" && x.Status != "Disabled" {
			return nil, malformed()
		}
		id := x.ID
		if id == "" {
			id = c.World.HexID("", 48)
		}
		if seen[id] {
			return nil, svc.Invalid("InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule")
		}
		seen[id] = true
		r := world.LifecycleRule{ID: id, Status: x.Status}
		if x.Filter != nil {
			r.Prefix = x.Filter.Prefix
		} else if x.Prefix != nil {
			r.Prefix = *x.Prefix
		}
		if x.Expiration != nil {
			r.ExpirationDays = x.Expiration.Days
			r.ExpiredObjectDeleteMarker = x.Expiration.ExpiredObjectDeleteMarker != nil && *x.Expiration.ExpiredObjectDeleteMarker
		}
		if x.Transition != nil {
			r.TransitionDays, r.TransitionStorageClass = x.Transition.Days, x.Transition.StorageClass
		}
		if x.NoncurrentVersionTransition != nil {
			r.NoncurrentTransitionDays, r.NoncurrentTransitionClass = x.NoncurrentVersionTransition.NoncurrentDays, x.NoncurrentVersionTransition.StorageClass
		}
		if x.NoncurrentVersionExpiration != nil {
			r.NoncurrentExpirationDays = x.NoncurrentVersionExpiration.NoncurrentDays
		}
		if x.AbortIncompleteMultipartUpload != nil {
			r.AbortIncompleteMultipartUpload = x.AbortIncompleteMultipartUpload.DaysAfterInitiation
		}
		if x.Expiration == nil && x.Transition == nil && x.NoncurrentVersionTransition == nil &&
			x.NoncurrentVersionExpiration == nil && x.AbortIncompleteMultipartUpload == nil {
			return nil, svc.Invalid("InvalidRequest", "At least one action needs to be specified in a rule")
		}
		rules = append(rules, r)
	}
	b.Lifecycle = rules
	return &wire.Response{Header: http.Header{"X-Amz-Transition-Default-Minimum-Object-Size": {"all_storage_classes_128K"}}}, nil
}

func deleteLifecycle(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	b.Lifecycle = nil
	return noContent(), nil
}

// ---- Replication ----

type replicationRuleXML struct {
	ID       string `xml:",omitempty"`
	Priority int    `xml:",omitempty"`
	Status   string
	Filter   *struct {
		Prefix string
	} `xml:",omitempty"`
	Prefix      *string `xml:",omitempty"`
	Destination struct {
		Bucket       string
		Account      string `xml:",omitempty"`
		StorageClass string `xml:",omitempty"`
	}
	DeleteMarkerReplication *struct{ Status string } `xml:",omitempty"`
}

type replicationXML struct {
	Role string
	Rule []replicationRuleXML
}

func getReplication(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if b.Replication == nil {
		return nil, svc.NotFound("ReplicationConfigurationNotFoundError", "The replication configuration was not found")
	}
	out := replicationXML{Role: b.Replication.Role}
	for _, r := range b.Replication.Rules {
		x := replicationRuleXML{ID: r.ID, Priority: r.Priority, Status: r.Status, Filter: &struct{ Prefix string }{r.Prefix}}
		x.Destination.Bucket, x.Destination.Account, x.Destination.StorageClass = r.DestinationBucket, r.DestinationAccount, r.StorageClass
		if r.DeleteMarkerReplication != "" {
			x.DeleteMarkerReplication = &struct{ Status string }{r.DeleteMarkerReplication}
		}
		out.Rule = append(out.Rule, x)
	}
	return doc("ReplicationConfiguration", out), nil
}

func putReplication(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in replicationXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if in.Role == "" || len(in.Rule) == 0 {
		return nil, malformed()
	}
	if b.Versioning != "Enabled" {
		return nil, svc.Invalid("InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
	}
	rep := &world.Replication{Role: in.Role}
	for _, x := range in.Rule {
		if x.Status != "Enabled" && x.Status != "Disabled" || x.Destination.Bucket == "" {
			return nil, malformed()
		}
		r := world.ReplicationRule{ID: x.ID, Priority: x.Priority, Status: x.Status, DestinationBucket: x.Destination.Bucket,
			DestinationAccount: x.Destination.Account, StorageClass: x.Destination.StorageClass}
		if r.ID == "" {
			r.ID = c.World.HexID("", 48)
		}
		if x.Filter != nil {
			r.Prefix = x.Filter.Prefix
		} else if x.Prefix != nil {
			r.Prefix = *x.Prefix
		}
		if x.DeleteMarkerReplication != nil {
			r.DeleteMarkerReplication = x.DeleteMarkerReplication.Status
		}
		rep.Rules = append(rep.Rules, r)
	}
	b.Replication = rep
	return nil, nil
}

func deleteReplication(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	b.Replication = nil
	return noContent(), nil
}

// ---- Notification ----

type filterRuleXML struct {
	Name  string
	Value string
}

type notifTargetXML struct {
	ID            string `xml:"Id,omitempty"`
	Topic         string `xml:",omitempty"`
	Queue         string `xml:",omitempty"`
	CloudFunction string `xml:",omitempty"`
	Event         []string
	Filter        *struct {
		S3Key struct {
			FilterRule []filterRuleXML
		}
	} `xml:",omitempty"`
}

type notificationXML struct {
	TopicConfiguration         []notifTargetXML
	QueueConfiguration         []notifTargetXML
	CloudFunctionConfiguration []notifTargetXML
	EventBridgeConfiguration   *struct{} `xml:",omitempty"`
}

func targetsOut(ts []world.NotificationTarget, set func(*notifTargetXML, string)) []notifTargetXML {
	var out []notifTargetXML
	for _, t := range ts {
		x := notifTargetXML{ID: t.ID, Event: t.Events}
		set(&x, t.ARN)
		if t.Prefix != "" || t.Suffix != "" {
			x.Filter = &struct {
				S3Key struct{ FilterRule []filterRuleXML }
			}{}
			if t.Prefix != "" {
				x.Filter.S3Key.FilterRule = append(x.Filter.S3Key.FilterRule, filterRuleXML{"Prefix", t.Prefix})
			}
			if t.Suffix != "" {
				x.Filter.S3Key.FilterRule = append(x.Filter.S3Key.FilterRule, filterRuleXML{"Suffix", t.Suffix})
			}
		}
		out = append(out, x)
	}
	return out
}

func getNotification(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var out notificationXML
	if n := b.Notification; n != nil {
		out.TopicConfiguration = targetsOut(n.Topics, func(x *notifTargetXML, a string) { x.Topic = a })
		out.QueueConfiguration = targetsOut(n.Queues, func(x *notifTargetXML, a string) { x.Queue = a })
		out.CloudFunctionConfiguration = targetsOut(n.Lambdas, func(x *notifTargetXML, a string) { x.CloudFunction = a })
		if n.EventBridge {
			out.EventBridgeConfiguration = &struct{}{}
		}
	}
	return doc("NotificationConfiguration", out), nil
}

func targetsIn(c *svc.Ctx, xs []notifTargetXML, arn func(notifTargetXML) string) ([]world.NotificationTarget, error) {
	var out []world.NotificationTarget
	for _, x := range xs {
		a := arn(x)
		if a == "" || len(x.Event) == 0 {
			return nil, malformed()
		}
		t := world.NotificationTarget{ID: x.ID, ARN: a, Events: x.Event}
		if t.ID == "" {
			t.ID = c.World.HexID("", 32)
		}
		if x.Filter != nil {
			for _, r := range x.Filter.S3Key.FilterRule {
				switch strings.ToLower(r.Name) {
				case "prefix":
					t.Prefix = r.Value
				case "suffix":
					t.Suffix = r.Value
				default:
					return nil, svc.Invalid("InvalidArgument", "filter rule name must be either prefix or suffix")
				}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func putNotification(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in notificationXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	n := &world.BucketNotification{EventBridge: in.EventBridgeConfiguration != nil}
	if n.Topics, err = targetsIn(c, in.TopicConfiguration, func(x notifTargetXML) string { return x.Topic }); err != nil {
		return nil, err
	}
	if n.Queues, err = targetsIn(c, in.QueueConfiguration, func(x notifTargetXML) string { return x.Queue }); err != nil {
		return nil, err
	}
	if n.Lambdas, err = targetsIn(c, in.CloudFunctionConfiguration, func(x notifTargetXML) string { return x.CloudFunction }); err != nil {
		return nil, err
	}
	if len(n.Topics)+len(n.Queues)+len(n.Lambdas) == 0 && !n.EventBridge {
		n = nil
	}
	b.Notification = n
	return nil, nil
}
