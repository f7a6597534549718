// Package s3 simulates Amazon S3 and S3 Control (restXml).
//
// Buckets belong to an account (world.Account.S3) and live in a region;
// their names share one global namespace (world.World.Buckets). A request
// for another account's bucket is denied, one for a bucket of another
// region is redirected (301 PermanentRedirect with x-amz-bucket-region), as
// S3 does for requests signed for the wrong region.
package s3

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon S3 (restXml) simulator.
func Service() *svc.Service {
	ops := map[string]svc.Handler{
		"ListBuckets":                        listBuckets,
		"CreateBucket":                       createBucket,
		"DeleteBucket":                       deleteBucket,
		"HeadBucket":                         headBucket,
		"GetBucketLocation":                  getBucketLocation,
		"GetPublicAccessBlock":               getPublicAccessBlock,
		"PutPublicAccessBlock":               putPublicAccessBlock,
		"DeletePublicAccessBlock":            deletePublicAccessBlock,
		"GetBucketPolicy":                    getBucketPolicy,
		"PutBucketPolicy":                    putBucketPolicy,
		"DeleteBucketPolicy":                 deleteBucketPolicy,
		"GetBucketPolicyStatus":              getBucketPolicyStatus,
		"GetBucketAcl":                       getBucketACL,
		"PutBucketAcl":                       putBucketACL,
		"GetBucketEncryption":                getBucketEncryption,
		"PutBucketEncryption":                putBucketEncryption,
		"DeleteBucketEncryption":             deleteBucketEncryption,
		"GetBucketVersioning":                getBucketVersioning,
		"PutBucketVersioning":                putBucketVersioning,
		"GetBucketLogging":                   getBucketLogging,
		"PutBucketLogging":                   putBucketLogging,
		"GetObjectLockConfiguration":         getObjectLock,
		"PutObjectLockConfiguration":         putObjectLock,
		"GetBucketOwnershipControls":         getOwnership,
		"PutBucketOwnershipControls":         putOwnership,
		"DeleteBucketOwnershipControls":      deleteOwnership,
		"GetBucketTagging":                   getBucketTagging,
		"PutBucketTagging":                   putBucketTagging,
		"DeleteBucketTagging":                deleteBucketTagging,
		"GetBucketLifecycleConfiguration":    getLifecycle,
		"PutBucketLifecycleConfiguration":    putLifecycle,
		"DeleteBucketLifecycle":              deleteLifecycle,
		"GetBucketReplication":               getReplication,
		"PutBucketReplication":               putReplication,
		"DeleteBucketReplication":            deleteReplication,
		"GetBucketNotificationConfiguration": getNotification,
		"PutBucketNotificationConfiguration": putNotification,
		"ListObjectsV2":                      listObjectsV2,
		"ListObjects":                        listObjectsV1,
		"PutObject":                          putObject,
		"GetObject":                          getObject,
		"HeadObject":                         headObject,
		"DeleteObject":                       deleteObject,
	}
	return &svc.Service{
		Name:            "s3",
		Protocol:        wire.RestXML,
		UnwrappedErrors: true,
		Routes:          routes(),
		Ops:             ops,
	}
}

func routes() []wire.Route {
	const b, o = "/{Bucket}", "/{Bucket}/{Key+}"
	sel := func(method, q, op string) wire.Route { return wire.Route{Method: method, Pattern: b, Query: q, Op: op} }
	return []wire.Route{
		{Method: "GET", Pattern: "/", Op: "ListBuckets"},
		sel("GET", "location", "GetBucketLocation"),
		sel("GET", "publicAccessBlock", "GetPublicAccessBlock"),
		sel("PUT", "publicAccessBlock", "PutPublicAccessBlock"),
		sel("DELETE", "publicAccessBlock", "DeletePublicAccessBlock"),
		sel("GET", "policyStatus", "GetBucketPolicyStatus"),
		sel("GET", "policy", "GetBucketPolicy"),
		sel("PUT", "policy", "PutBucketPolicy"),
		sel("DELETE", "policy", "DeleteBucketPolicy"),
		sel("GET", "acl", "GetBucketAcl"),
		sel("PUT", "acl", "PutBucketAcl"),
		sel("GET", "encryption", "GetBucketEncryption"),
		sel("PUT", "encryption", "PutBucketEncryption"),
		sel("DELETE", "encryption", "DeleteBucketEncryption"),
		sel("GET", "versioning", "GetBucketVersioning"),
		sel("PUT", "versioning", "PutBucketVersioning"),
		sel("GET", "logging", "GetBucketLogging"),
		sel("PUT", "logging", "PutBucketLogging"),
		sel("GET", "object-lock", "GetObjectLockConfiguration"),
		sel("PUT", "object-lock", "PutObjectLockConfiguration"),
		sel("GET", "ownershipControls", "GetBucketOwnershipControls"),
		sel("PUT", "ownershipControls", "PutBucketOwnershipControls"),
		sel("DELETE", "ownershipControls", "DeleteBucketOwnershipControls"),
		sel("GET", "tagging", "GetBucketTagging"),
		sel("PUT", "tagging", "PutBucketTagging"),
		sel("DELETE", "tagging", "DeleteBucketTagging"),
		sel("GET", "lifecycle", "GetBucketLifecycleConfiguration"),
		sel("PUT", "lifecycle", "PutBucketLifecycleConfiguration"),
		sel("DELETE", "lifecycle", "DeleteBucketLifecycle"),
		sel("GET", "replication", "GetBucketReplication"),
		sel("PUT", "replication", "PutBucketReplication"),
		sel("DELETE", "replication", "DeleteBucketReplication"),
		sel("GET", "notification", "GetBucketNotificationConfiguration"),
		sel("PUT", "notification", "PutBucketNotificationConfiguration"),
		sel("GET", "list-type", "ListObjectsV2"),
		{Method: "GET", Pattern: b, Op: "ListObjects"},
		{Method: "PUT", Pattern: b, Op: "CreateBucket"},
		{Method: "DELETE", Pattern: b, Op: "DeleteBucket"},
		{Method: "HEAD", Pattern: b, Op: "HeadBucket"},
		{Method: "PUT", Pattern: o, Op: "PutObject"},
		{Method: "GET", Pattern: o, Op: "GetObject"},
		{Method: "HEAD", Pattern: o, Op: "HeadObject"},
		{Method: "DELETE", Pattern: o, Op: "DeleteObject"},
	}
}

// ns is the XML namespace of S3 documents.
const ns = "http://s3.amazonaws.com/doc/2006-03-01/"

// document encodes v as the root element name in the S3 namespace.
type document struct {
	name string
	v    any
}

func (d document) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(d.v, xml.StartElement{Name: xml.Name{Local: d.name}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ns}}})
}

func doc(name string, v any) any { return document{name, v} }

// empty is a document with no members.
type empty struct{}

// Timestamps in S3 documents.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// noContent is the 204 answer of deletes.
func noContent() any { return &wire.Response{Status: http.StatusNoContent} }

// CanonicalID is the simulated canonical user ID of an account.
func CanonicalID(account string) string {
	h := sha256.Sum256([]byte("guardrail-sim-canonical-user:" + account))
	return hex.EncodeToString(h[:])
}

func regionOf(b *world.Bucket) string {
	if b.Region == "" {
		return "us-east-1"
	}
	return b.Region
}

func errHeader(status int, code, msg string, h http.Header) error {
	e := wire.Errorf(status, code, "%s", msg)
	e.Header = h
	return e
}

// lookup finds the caller's bucket named in the path. Another account's
// bucket is AccessDenied, an unknown one NoSuchBucket; one in another
// region than the request is signed for is a 301 PermanentRedirect (unless
// anyRegion).
func lookup(c *svc.Ctx, anyRegion bool) (*world.Bucket, error) {
	name := c.Path["Bucket"]
	b := c.Account.S3.Bucket(name)
	if b == nil {
		c.World.Mu.Lock()
		owner, ok := c.World.Buckets[name]
		c.World.Mu.Unlock()
		if ok && owner != c.Account.ID {
			return nil, wire.Errorf(403, "AccessDenied", "Access Denied")
		}
		return nil, wire.Errorf(404, "NoSuchBucket", "The specified bucket does not exist")
	}
	if !anyRegion && regionOf(b) != c.Region {
		return nil, errHeader(301, "PermanentRedirect",
			"The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
			http.Header{"X-Amz-Bucket-Region": {regionOf(b)}})
	}
	return b, nil
}

func bucket(c *svc.Ctx) (*world.Bucket, error) { return lookup(c, false) }

// ---- ListBuckets ----

type ownerXML struct {
	ID string `xml:"ID"`
}

type bucketXML struct {
	Name         string
	CreationDate string
	BucketRegion string
}

type listBucketsXML struct {
	Owner   ownerXML
	Buckets struct {
		Bucket []bucketXML
	}
	ContinuationToken string `xml:",omitempty"`
	Prefix            string `xml:",omitempty"`
}

func encodeToken(s string) string { return base64.RawURLEncoding.EncodeToString([]byte("sim:" + s)) }

func decodeToken(t string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || !strings.HasPrefix(string(b), "sim:") {
		return "", false
	}
	return string(b[4:]), true
}

func listBuckets(c *svc.Ctx) (any, error) {
	prefix, region := c.Query("prefix"), c.Query("bucket-region")
	max := 10000
	if s := c.Query("max-buckets"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			return nil, svc.Invalid("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000.")
		}
		max = n
	}
	start := ""
	if t := c.Query("continuation-token"); t != "" {
		s, ok := decodeToken(t)
		if !ok {
			return nil, svc.Invalid("InvalidArgument", "The continuation token provided is incorrect")
		}
		start = s
	}
	var all []*world.Bucket
	for _, b := range c.Account.S3.Buckets {
		if strings.HasPrefix(b.Name, prefix) && (region == "" || regionOf(b) == region) && b.Name >= start {
			all = append(all, b)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	out := listBucketsXML{Owner: ownerXML{ID: CanonicalID(c.Account.ID)}, Prefix: prefix}
	for i, b := range all {
		if i == max {
			out.ContinuationToken = encodeToken(b.Name)
			break
		}
		out.Buckets.Bucket = append(out.Buckets.Bucket, bucketXML{Name: b.Name, CreationDate: stamp(b.Created), BucketRegion: regionOf(b)})
	}
	return doc("ListAllMyBucketsResult", out), nil
}

// ---- CreateBucket / DeleteBucket / HeadBucket / GetBucketLocation ----

func validBucketName(n string) bool {
	if len(n) < 3 || len(n) > 63 {
		return false
	}
	for i, r := range n {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.'
		if !ok {
			return false
		}
		if (i == 0 || i == len(n)-1) && (r == '-' || r == '.') {
			return false
		}
	}
	if strings.Contains(n, "..") || strings.HasPrefix(n, "xn--") || strings.HasPrefix(n, "sthree-") ||
		strings.HasSuffix(n, "-s3alias") || strings.HasSuffix(n, "--ol-s3") {
		return false
	}
	dots := strings.Split(n, ".")
	if len(dots) == 4 {
		ip := true
		for _, p := range dots {
			if _, err := strconv.Atoi(p); err != nil {
				ip = false
			}
		}
		if ip {
			return false
		}
	}
	return true
}

type createBucketXML struct {
	LocationConstraint string
}

func createBucket(c *svc.Ctx) (any, error) {
	name := c.Path["Bucket"]
	if !validBucketName(name) {
		return nil, svc.Invalid("InvalidBucketName", "The specified bucket is not valid.")
	}
	var in createBucketXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	loc := in.LocationConstraint
	switch {
	case loc == "" && c.Region != "us-east-1":
		return nil, svc.Invalid("IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case loc == "us-east-1":
		return nil, svc.Invalid("InvalidLocationConstraint", "The specified location-constraint is not valid")
	case loc != "":
		if _, ok := c.World.Region(loc); !ok {
			return nil, svc.Invalid("InvalidLocationConstraint", "The specified location-constraint is not valid")
		}
		if loc != c.Region {
			return nil, svc.Invalid("IllegalLocationConstraintException", "The %s location constraint is incompatible for the region specific endpoint this request was sent to.", loc)
		}
	}
	region := c.Region
	if !c.Account.RegionEnabled(region) {
		return nil, svc.Invalid("IllegalLocationConstraintException", "The %s location constraint is not enabled for this account.", region)
	}
	ownership := c.Header("X-Amz-Object-Ownership")
	switch ownership {
	case "":
		ownership = "BucketOwnerEnforced"
	case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
	default:
		return nil, svc.Invalid("InvalidArgument", "Invalid x-amz-object-ownership header: %s", ownership)
	}
	acl := c.Header("X-Amz-Acl")
	grants, err := headerGrants(c)
	if err != nil {
		return nil, err
	}
	if acl != "" {
		if _, ok := cannedGrants(acl, ""); !ok {
			return nil, svc.Invalid("InvalidArgument", "")
		}
	}
	if ownership == "BucketOwnerEnforced" && (acl != "" && acl != "private" && acl != "bucket-owner-full-control" || len(grants) > 0) {
		return nil, svc.Invalid("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}
	if existing := c.Account.S3.Bucket(name); existing != nil {
		if regionOf(existing) == "us-east-1" && region == "us-east-1" {
			// us-east-1 answers 200 for a bucket you already own (legacy).
			return &wire.Response{Header: http.Header{"Location": {"/" + name}}}, nil
		}
		return nil, wire.Errorf(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.")
	}
	c.World.Mu.Lock()
	if _, taken := c.World.Buckets[name]; taken {
		c.World.Mu.Unlock()
		return nil, wire.Errorf(409, "BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
	}
	if len(c.Account.S3.Buckets) >= 10000 {
		c.World.Mu.Unlock()
		return nil, svc.Invalid("TooManyBuckets", "You have attempted to create more buckets than allowed")
	}
	c.World.Buckets[name] = c.Account.ID
	c.World.Mu.Unlock()
	b := &world.Bucket{
		Name: name, Region: region, Created: c.Now(), Ownership: ownership, ACL: acl, Grants: grants,
		// Since April 2023 new buckets block public access and apply SSE-S3.
		PublicAccessBlock: &world.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true},
		Encryption:        &world.BucketEncryption{Algorithm: "AES256"},
	}
	if strings.EqualFold(c.Header("X-Amz-Bucket-Object-Lock-Enabled"), "true") {
		b.ObjectLock = &world.ObjectLock{Enabled: true}
		b.Versioning = "Enabled"
	}
	c.Account.S3.Buckets = append(c.Account.S3.Buckets, b)
	loc = "/" + name
	if region != "us-east-1" {
		loc = "http://" + name + ".s3.amazonaws.com/"
	}
	return &wire.Response{Header: http.Header{"Location": {loc}}}, nil
}

func deleteBucket(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if len(b.Objects) > 0 {
		return nil, wire.Errorf(409, "BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	list := c.Account.S3.Buckets
	for i := range list {
		if list[i] == b {
			c.Account.S3.Buckets = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	c.World.Mu.Lock()
	delete(c.World.Buckets, b.Name)
	c.World.Mu.Unlock()
	return noContent(), nil
}

func headBucket(c *svc.Ctx) (any, error) {
	b, err := lookup(c, true)
	if err != nil {
		return nil, err
	}
	h := http.Header{"X-Amz-Bucket-Region": {regionOf(b)}, "X-Amz-Access-Point-Alias": {"false"}}
	if regionOf(b) != c.Region {
		return nil, errHeader(301, "PermanentRedirect", "Moved Permanently", h)
	}
	return &wire.Response{Header: h}, nil
}

type locationXML struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Value   string   `xml:",chardata"`
}

func getBucketLocation(c *svc.Ctx) (any, error) {
	b, err := lookup(c, true)
	if err != nil {
		return nil, err
	}
	loc := regionOf(b)
	if loc == "us-east-1" {
		loc = ""
	}
	return locationXML{Value: loc}, nil
}

// ---- Public access block ----

type pabXML struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

func pabOut(p *world.PublicAccessBlock) any {
	return doc("PublicAccessBlockConfiguration", pabXML{p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets})
}

func pabIn(c *svc.Ctx) (*world.PublicAccessBlock, error) {
	var in pabXML
	if len(strings.TrimSpace(string(c.Body))) == 0 {
		return nil, svc.Invalid("MissingRequestBodyError", "Request Body is empty")
	}
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	return &world.PublicAccessBlock{BlockPublicAcls: in.BlockPublicAcls, IgnorePublicAcls: in.IgnorePublicAcls, BlockPublicPolicy: in.BlockPublicPolicy, RestrictPublicBuckets: in.RestrictPublicBuckets}, nil
}

func errNoPAB() error {
	return svc.NotFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
}

func getPublicAccessBlock(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if b.PublicAccessBlock == nil {
		return nil, errNoPAB()
	}
	return pabOut(b.PublicAccessBlock), nil
}

func putPublicAccessBlock(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	p, err := pabIn(c)
	if err != nil {
		return nil, err
	}
	b.PublicAccessBlock = p
	return nil, nil
}

func deletePublicAccessBlock(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	b.PublicAccessBlock = nil
	return noContent(), nil
}

// effectivePAB merges the bucket's and the account's settings.
func effectivePAB(c *svc.Ctx, b *world.Bucket) world.PublicAccessBlock {
	var e world.PublicAccessBlock
	for _, p := range []*world.PublicAccessBlock{b.PublicAccessBlock, c.Account.S3.PublicAccessBlock} {
		if p != nil {
			e.BlockPublicAcls = e.BlockPublicAcls || p.BlockPublicAcls
			e.IgnorePublicAcls = e.IgnorePublicAcls || p.IgnorePublicAcls
			e.BlockPublicPolicy = e.BlockPublicPolicy || p.BlockPublicPolicy
			e.RestrictPublicBuckets = e.RestrictPublicBuckets || p.RestrictPublicBuckets
		}
	}
	return e
}

// ---- Object lock, ownership, tagging ----

type objectLockXML struct {
	ObjectLockEnabled string `xml:",omitempty"`
	Rule              *struct {
		DefaultRetention struct {
			Mode  string `xml:",omitempty"`
			Days  int    `xml:",omitempty"`
			Years int    `xml:",omitempty"`
		}
	} `xml:",omitempty"`
}

func getObjectLock(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if b.ObjectLock == nil || !b.ObjectLock.Enabled {
		return nil, svc.NotFound("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
	}
	out := objectLockXML{ObjectLockEnabled: "Enabled"}
	if l := b.ObjectLock; l.Mode != "" {
		out.Rule = &struct {
			DefaultRetention struct {
				Mode  string `xml:",omitempty"`
				Days  int    `xml:",omitempty"`
				Years int    `xml:",omitempty"`
			}
		}{}
		out.Rule.DefaultRetention.Mode, out.Rule.DefaultRetention.Days, out.Rule.DefaultRetention.Years = l.Mode, l.Days, l.Years
	}
	return doc("ObjectLockConfiguration", out), nil
}

func putObjectLock(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in objectLockXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if in.ObjectLockEnabled != "Enabled" {
		return nil, svc.Invalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if (b.ObjectLock == nil || !b.ObjectLock.Enabled) && b.Versioning != "Enabled" {
		return nil, wire.Errorf(409, "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
	}
	l := &world.ObjectLock{Enabled: true}
	if in.Rule != nil {
		r := in.Rule.DefaultRetention
		if r.Mode != "GOVERNANCE" && r.Mode != "COMPLIANCE" || (r.Days > 0) == (r.Years > 0) {
			return nil, svc.Invalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
		}
		l.Mode, l.Days, l.Years = r.Mode, r.Days, r.Years
	}
	b.ObjectLock = l
	return nil, nil
}

type ownershipXML struct {
	Rule []struct {
		ObjectOwnership string
	}
}

func getOwnership(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if b.Ownership == "" {
		return nil, svc.NotFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
	}
	var out ownershipXML
	out.Rule = append(out.Rule, struct{ ObjectOwnership string }{b.Ownership})
	return doc("OwnershipControls", out), nil
}

func putOwnership(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in ownershipXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if len(in.Rule) != 1 {
		return nil, svc.Invalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	switch o := in.Rule[0].ObjectOwnership; o {
	case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
		if o == "BucketOwnerEnforced" && !ownerOnly(effectiveGrants(c, b), CanonicalID(c.Account.ID)) {
			return nil, svc.Invalid("InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
		}
		b.Ownership = o
	default:
		return nil, svc.Invalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	return nil, nil
}

func deleteOwnership(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	b.Ownership = ""
	return noContent(), nil
}

type tagXML struct {
	Key   string
	Value string
}

type taggingXML struct {
	TagSet struct {
		Tag []tagXML
	}
}

func getBucketTagging(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if len(b.Tags) == 0 {
		return nil, svc.NotFound("NoSuchTagSet", "The TagSet does not exist")
	}
	keys := make([]string, 0, len(b.Tags))
	for k := range b.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out taggingXML
	for _, k := range keys {
		out.TagSet.Tag = append(out.TagSet.Tag, tagXML{k, b.Tags[k]})
	}
	return doc("Tagging", out), nil
}

func putBucketTagging(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	var in taggingXML
	if err := c.DecodeXML(&in); err != nil {
		return nil, err
	}
	if len(in.TagSet.Tag) > 50 {
		return nil, svc.Invalid("BadRequest", "Object tags cannot be greater than 50")
	}
	tags := map[string]string{}
	for _, t := range in.TagSet.Tag {
		if _, dup := tags[t.Key]; dup {
			return nil, svc.Invalid("InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return nil, svc.Invalid("InvalidTag", "The TagKey you have provided is invalid")
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return nil, svc.Invalid("InvalidTag", "System tags cannot be added/updated by requester")
		}
		tags[t.Key] = t.Value
	}
	b.Tags = tags
	return noContent(), nil
}

func deleteBucketTagging(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	b.Tags = nil
	return noContent(), nil
}
