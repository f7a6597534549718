// Package cloudtrail simulates AWS CloudTrail (awsJson1.1): trails, their
// logging status, event selectors and tags, and the event history
// (LookupEvents, lookup.go) of the records the simulator writes for every
// call it serves (world/trail.go).
//
// A trail lives in its home region's state. A multi-region trail is shown
// as a shadow trail in the account's other regions (the server holds the
// caller's account lock, so every region of it is readable). An
// organization trail of the management account is also shown to the
// member accounts: the simulator keeps a copy of the management account's
// organization trails on the Organization (World.Mu), refreshed whenever
// the management account changes one, so members never lock it.
package cloudtrail

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS CloudTrail (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "cloudtrail",
		Protocol: wire.JSON11,
		Init:     SyncOrgTrails,
		Ops: map[string]svc.Handler{
			"DescribeTrails":      describeTrails,
			"GetTrail":            getTrail,
			"GetTrailStatus":      getTrailStatus,
			"ListTrails":          listTrails,
			"CreateTrail":         createTrail,
			"UpdateTrail":         updateTrail,
			"DeleteTrail":         deleteTrail,
			"StartLogging":        startLogging,
			"StopLogging":         stopLogging,
			"GetEventSelectors":   getEventSelectors,
			"PutEventSelectors":   putEventSelectors,
			"GetInsightSelectors": getInsightSelectors,
			"AddTags":             addTags,
			"RemoveTags":          removeTags,
			"ListTags":            listTags,
			"LookupEvents":        lookupEvents,
		},
	}
}

func errf(code, format string, args ...any) error { return wire.Errorf(400, code, format, args...) }

// epoch is a timestamp in awsJson's epoch-seconds format.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64)), nil
}

func ep(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t.UTC())
	return &e
}

// ref is a trail as seen from the caller: its owner, home region, and the
// trail itself (a copy for other accounts' organization trails).
type ref struct {
	Account string
	Home    string
	T       *world.Trail
	own     bool
}

func (r ref) arn() string { return world.ARN("cloudtrail", r.Home, r.Account, "trail/"+r.T.Name) }

// visibleIn reports whether a trail homed in home shows up in region.
func visibleIn(t *world.Trail, home, region string) bool { return home == region || t.IsMultiRegion }

// ownTrails returns the caller's trails in every region, sorted by home
// region and name.
func ownTrails(c *svc.Ctx) []ref {
	regions := make([]string, 0, len(c.Account.Regional))
	for r := range c.Account.Regional {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	var out []ref
	for _, r := range regions {
		for _, t := range c.Account.Regional[r].CloudTrail.Trails {
			out = append(out, ref{Account: c.Account.ID, Home: r, T: t, own: true})
		}
	}
	return out
}

// visible returns the trails shown in the request's region: the caller's
// own (home here, or multi-region) and other accounts' organization trails
// when the caller is in the organization.
func visible(c *svc.Ctx) []ref {
	var out []ref
	for _, r := range ownTrails(c) {
		if visibleIn(r.T, r.Home, c.Region) {
			out = append(out, r)
		}
	}
	for _, ot := range orgTrails(c) {
		if visibleIn(&ot.Trail, ot.HomeRegion, c.Region) {
			t := ot.Trail
			out = append(out, ref{Account: ot.Account, Home: ot.HomeRegion, T: &t})
		}
	}
	return out
}

// ---- organization trails ----

func cloneTrail(t *world.Trail) world.Trail {
	c := *t
	c.EventSelectors = append([]world.EventSelector(nil), t.EventSelectors...)
	c.AdvancedEventSelectors = append([]world.AdvancedSelector(nil), t.AdvancedEventSelectors...)
	c.InsightSelectors = append([]string(nil), t.InsightSelectors...)
	c.Tags = nil
	return c
}

func collectOrgTrails(a *world.Account) []world.OrgTrail {
	var out []world.OrgTrail
	regions := make([]string, 0, len(a.Regional))
	for r := range a.Regional {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		for _, t := range a.Regional[r].CloudTrail.Trails {
			if t.IsOrganization {
				out = append(out, world.OrgTrail{Account: a.ID, HomeRegion: r, Trail: cloneTrail(t)})
			}
		}
	}
	return out
}

// SyncOrgTrails copies the management account's organization trails to
// the organization so member accounts see them. The demo loader (or a
// test) calls it after seeding state and before serving; it takes the
// management account's lock, so it must not run inside a handler.
func SyncOrgTrails(w *world.World) {
	w.Mu.Lock()
	org := w.Org
	var mgmt *world.Account
	if org != nil {
		mgmt = w.Accounts[org.ManagementAccount]
	}
	w.Mu.Unlock()
	if mgmt == nil {
		return
	}
	mgmt.Mu.Lock()
	trails := collectOrgTrails(mgmt)
	mgmt.Mu.Unlock()
	w.Mu.Lock()
	if w.Org == org {
		org.Trails, org.TrailsSynced = trails, true
	}
	w.Mu.Unlock()
}

// publish refreshes the organization's copy of the caller's organization
// trails (the caller is the management account; its lock is held).
func publish(c *svc.Ctx) {
	trails := collectOrgTrails(c.Account)
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	org := c.World.Org
	if org == nil || org.ManagementAccount != c.Account.ID {
		return
	}
	org.Trails, org.TrailsSynced = trails, true
}

// orgTrails returns copies of other accounts' organization trails the
// caller may see. The first time, when the loader did not sync them, they
// are copied from the management account if its lock is free right away
// (TryLock never waits, so no deadlock is possible).
func orgTrails(c *svc.Ctx) []world.OrgTrail {
	c.World.Mu.Lock()
	org := c.World.Org
	if org == nil {
		c.World.Mu.Unlock()
		return nil
	}
	me := c.Account.ID
	if me != org.ManagementAccount && org.Members[me] == nil {
		c.World.Mu.Unlock()
		return nil
	}
	if !org.TrailsSynced {
		mgmt := c.World.Accounts[org.ManagementAccount]
		c.World.Mu.Unlock()
		if mgmt == c.Account {
			publish(c)
		} else if mgmt != nil && mgmt.Mu.TryLock() {
			trails := collectOrgTrails(mgmt)
			mgmt.Mu.Unlock()
			c.World.Mu.Lock()
			if !org.TrailsSynced {
				org.Trails, org.TrailsSynced = trails, true
			}
			c.World.Mu.Unlock()
		}
		c.World.Mu.Lock()
	}
	var out []world.OrgTrail
	for _, t := range org.Trails {
		if t.Account != me {
			out = append(out, t)
		}
	}
	c.World.Mu.Unlock()
	return out
}

// ---- lookup ----

func notFound(c *svc.Ctx, name string) error {
	return errf("TrailNotFoundException", "Unknown trail: %s for the user: %s", name, c.Account.ID)
}

var trailARN = regexp.MustCompile(`^arn:aws:cloudtrail:([a-z0-9-]+):(\d{12}):trail/(.+)$`)

// resolve finds a trail visible in the request's region by name or ARN.
func resolve(c *svc.Ctx, name string) (ref, error) {
	if name == "" {
		return ref{}, errf("InvalidTrailNameException", "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).")
	}
	vis := visible(c)
	if m := trailARN.FindStringSubmatch(name); m != nil {
		for _, r := range vis {
			if r.Account == m[2] && r.Home == m[1] && r.T.Name == m[3] {
				return r, nil
			}
		}
		return ref{}, notFound(c, name)
	}
	if strings.HasPrefix(name, "arn:") {
		return ref{}, errf("CloudTrailARNInvalidException", "The ARN %s is not valid.", name)
	}
	if err := validName(name); err != nil {
		return ref{}, err
	}
	// A trail homed here wins over a shadow of the same name.
	for _, pass := range []bool{true, false} {
		for _, r := range vis {
			if r.T.Name == name && (r.own && r.Home == c.Region) == pass {
				return r, nil
			}
		}
	}
	return ref{}, notFound(c, name)
}

// resolveOwn finds a trail the caller may change: its own, and called from
// the trail's home region.
func resolveOwn(c *svc.Ctx, name string) (ref, error) {
	r, err := resolve(c, name)
	if err != nil {
		return r, err
	}
	if !r.own {
		return r, notFound(c, name)
	}
	if r.Home != c.Region {
		return r, errf("InvalidHomeRegionException", "This operation must be called from the trail's home region (%s).", r.Home)
	}
	return r, nil
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$`)

func validName(n string) error {
	if !nameRE.MatchString(n) || strings.Contains(n, "..") || strings.Contains(n, "--") || strings.Contains(n, "__") ||
		strings.Contains(n, "._") || strings.Contains(n, "_.") || strings.Contains(n, ".-") || strings.Contains(n, "-.") ||
		strings.Contains(n, "-_") || strings.Contains(n, "_-") || strings.HasSuffix(n, "-") || strings.HasSuffix(n, "_") || strings.HasSuffix(n, ".") {
		return errf("InvalidTrailNameException", "Trail name must start with a letter or number, be between 3 and 128 characters, and contain only letters, numbers, periods (.), hyphens (-) and underscores (_), without adjacent delimiters or a trailing delimiter.")
	}
	return nil
}

// ---- views ----

type trailView struct {
	Name                       string
	S3BucketName               string `json:",omitempty"`
	S3KeyPrefix                string `json:",omitempty"`
	SnsTopicName               string `json:",omitempty"`
	SnsTopicARN                string `json:",omitempty"`
	IncludeGlobalServiceEvents bool
	IsMultiRegionTrail         bool
	HomeRegion                 string
	TrailARN                   string
	LogFileValidationEnabled   bool
	CloudWatchLogsLogGroupArn  string `json:",omitempty"`
	CloudWatchLogsRoleArn      string `json:",omitempty"`
	KmsKeyId                   string `json:",omitempty"`
	HasCustomEventSelectors    bool
	HasInsightSelectors        bool
	IsOrganizationTrail        bool
}

func view(r ref) trailView {
	t := r.T
	v := trailView{
		Name: t.Name, S3BucketName: t.S3BucketName, S3KeyPrefix: t.S3KeyPrefix, SnsTopicName: t.SnsTopicName,
		IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents, IsMultiRegionTrail: t.IsMultiRegion,
		HomeRegion: r.Home, TrailARN: r.arn(), LogFileValidationEnabled: t.LogFileValidation,
		CloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn, CloudWatchLogsRoleArn: t.CloudWatchLogsRoleArn,
		KmsKeyId: kmsARN(r, t.KmsKeyID), HasCustomEventSelectors: customSelectors(t), HasInsightSelectors: len(t.InsightSelectors) > 0,
		IsOrganizationTrail: t.IsOrganization,
	}
	if t.SnsTopicName != "" {
		v.SnsTopicARN = t.SnsTopicName
		if !strings.HasPrefix(t.SnsTopicName, "arn:") {
			v.SnsTopicARN = world.ARN("sns", r.Home, r.Account, t.SnsTopicName)
		}
	}
	return v
}

// kmsARN returns the full key ARN CloudTrail reports for a key ID, alias
// or ARN.
func kmsARN(r ref, id string) string {
	if id == "" || strings.HasPrefix(id, "arn:") {
		return id
	}
	if strings.HasPrefix(id, "alias/") {
		return world.ARN("kms", r.Home, r.Account, id)
	}
	return world.ARN("kms", r.Home, r.Account, "key/"+id)
}

// customSelectors reports whether the selectors differ from the default
// (all management events, no data events).
func customSelectors(t *world.Trail) bool {
	if len(t.AdvancedEventSelectors) > 0 {
		return true
	}
	if len(t.EventSelectors) == 0 {
		return false
	}
	if len(t.EventSelectors) > 1 {
		return true
	}
	s := t.EventSelectors[0]
	return !(s.ReadWriteType == "All" && s.IncludeManagementEvents && len(s.DataResources) == 0 && len(s.ExcludeManagementEventSources) == 0)
}

// ---- reads ----

func describeTrails(c *svc.Ctx) (any, error) {
	var in struct {
		TrailNameList       []string `json:"trailNameList"`
		IncludeShadowTrails *bool    `json:"includeShadowTrails"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	out := []trailView{}
	if len(in.TrailNameList) == 0 {
		for _, r := range visible(c) {
			if shadows || (r.own && r.Home == c.Region) {
				out = append(out, view(r))
			}
		}
	} else {
		for _, n := range in.TrailNameList {
			r, err := resolve(c, n)
			if err != nil {
				if code := err.(*wire.Error).Code; code == "TrailNotFoundException" {
					continue
				}
				return nil, err
			}
			if shadows || (r.own && r.Home == c.Region) {
				out = append(out, view(r))
			}
		}
	}
	return map[string]any{"trailList": out}, nil
}

type nameIn struct {
	Name string
}

func getTrail(c *svc.Ctx) (any, error) {
	var in nameIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolve(c, in.Name)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Trail": view(r)}, nil
}

func getTrailStatus(c *svc.Ctx) (any, error) {
	var in nameIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolve(c, in.Name)
	if err != nil {
		return nil, err
	}
	t := r.T
	out := struct {
		IsLogging                        bool
		LatestDeliveryTime               *epoch `json:",omitempty"`
		LatestDigestDeliveryTime         *epoch `json:",omitempty"`
		LatestCloudWatchLogsDeliveryTime *epoch `json:",omitempty"`
		StartLoggingTime                 *epoch `json:",omitempty"`
		StopLoggingTime                  *epoch `json:",omitempty"`
		TimeLoggingStarted               string `json:",omitempty"`
		TimeLoggingStopped               string `json:",omitempty"`
		LatestDeliveryAttemptTime        string `json:",omitempty"`
		LatestDeliveryAttemptSucceeded   string `json:",omitempty"`
	}{IsLogging: t.Logging, StartLoggingTime: ep(t.StartLogging), StopLoggingTime: ep(t.StopLogging)}
	if !t.StartLogging.IsZero() {
		out.TimeLoggingStarted = t.StartLogging.UTC().Format(time.RFC3339)
	}
	if !t.StopLogging.IsZero() {
		out.TimeLoggingStopped = t.StopLogging.UTC().Format(time.RFC3339)
	}
	delivered := t.LatestDelivery
	if t.Logging && delivered.IsZero() {
		// Logging trails deliver every few minutes.
		delivered = c.Now().Add(-4 * time.Minute).Truncate(time.Second)
	}
	if !delivered.IsZero() {
		out.LatestDeliveryTime = ep(delivered)
		out.LatestDeliveryAttemptTime = delivered.UTC().Format(time.RFC3339)
		out.LatestDeliveryAttemptSucceeded = out.LatestDeliveryAttemptTime
		if t.LogFileValidation {
			out.LatestDigestDeliveryTime = ep(delivered)
		}
		if t.CloudWatchLogsLogGroupArn != "" {
			out.LatestCloudWatchLogsDeliveryTime = ep(delivered)
		}
	}
	return out, nil
}

type trailInfo struct {
	TrailARN   string
	Name       string
	HomeRegion string
}

func listTrails(c *svc.Ctx) (any, error) {
	var in struct{ NextToken string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	var all []trailInfo
	for _, r := range visible(c) {
		all = append(all, trailInfo{r.arn(), r.T.Name, r.Home})
	}
	p, next, err := svc.Page(all, in.NextToken, 0, 50, "InvalidNextTokenException")
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = []trailInfo{}
	}
	return struct {
		Trails    []trailInfo
		NextToken string `json:",omitempty"`
	}{p, next}, nil
}

// ---- writes ----

type tag struct {
	Key   string
	Value string `json:",omitempty"`
}

type trailIn struct {
	Name                       string
	S3BucketName               *string
	S3KeyPrefix                *string
	SnsTopicName               *string
	IncludeGlobalServiceEvents *bool
	IsMultiRegionTrail         *bool
	IsOrganizationTrail        *bool
	EnableLogFileValidation    *bool
	CloudWatchLogsLogGroupArn  *string
	CloudWatchLogsRoleArn      *string
	KmsKeyId                   *string
	TagsList                   []tag
}

// checkBucket answers S3BucketDoesNotExistException for a bucket not in
// the simulated S3 namespace.
func checkBucket(c *svc.Ctx, b string) error {
	if b == "" {
		return errf("InvalidS3BucketNameException", "S3 bucket name is required.")
	}
	c.World.Mu.Lock()
	_, ok := c.World.Buckets[b]
	c.World.Mu.Unlock()
	if !ok {
		return errf("S3BucketDoesNotExistException", "S3 bucket %s does not exist.", b)
	}
	return nil
}

// checkOrgTrail checks the caller may make an organization trail.
func checkOrgTrail(c *svc.Ctx) error {
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	org := c.World.Org
	if org == nil || (org.ManagementAccount != c.Account.ID && org.Members[c.Account.ID] == nil) {
		return errf("OrganizationsNotInUseException", "This account is not a member of an organization.")
	}
	if org.ManagementAccount != c.Account.ID {
		return errf("NotOrganizationMasterAccountException", "The request must be made from the organization's management account or a delegated administrator account.")
	}
	if org.FeatureSet != "" && org.FeatureSet != "ALL" {
		return errf("OrganizationNotInAllFeaturesModeException", "This operation requires that all features are enabled in the organization.")
	}
	if _, ok := org.ServiceAccess["cloudtrail.amazonaws.com"]; !ok {
		return errf("CloudTrailAccessNotEnabledException", "Trusted access for CloudTrail is not enabled in AWS Organizations.")
	}
	return nil
}

// apply sets the optional fields of in on t.
func apply(c *svc.Ctx, t *world.Trail, in *trailIn) error {
	if in.S3BucketName != nil {
		if err := checkBucket(c, *in.S3BucketName); err != nil {
			return err
		}
		t.S3BucketName = *in.S3BucketName
	}
	if in.IsOrganizationTrail != nil && *in.IsOrganizationTrail && !t.IsOrganization {
		if err := checkOrgTrail(c); err != nil {
			return err
		}
	}
	lg, role := t.CloudWatchLogsLogGroupArn, t.CloudWatchLogsRoleArn
	if in.CloudWatchLogsLogGroupArn != nil {
		lg = *in.CloudWatchLogsLogGroupArn
	}
	if in.CloudWatchLogsRoleArn != nil {
		role = *in.CloudWatchLogsRoleArn
	}
	if (lg == "") != (role == "") {
		return errf("InvalidCloudWatchLogsLogGroupArnException", "You must specify both a log group ARN and a role ARN, or neither.")
	}
	if lg != "" && !strings.HasPrefix(lg, "arn:aws:logs:") {
		return errf("InvalidCloudWatchLogsLogGroupArnException", "Invalid log group ARN %s.", lg)
	}
	if role != "" && !strings.HasPrefix(role, "arn:aws:iam::") {
		return errf("InvalidCloudWatchLogsRoleArnException", "Invalid role ARN %s.", role)
	}
	if in.KmsKeyId != nil && *in.KmsKeyId != "" {
		arn, err := kmsKey(c, *in.KmsKeyId)
		if err != nil {
			return err
		}
		in.KmsKeyId = &arn
	}
	if in.CloudWatchLogsLogGroupArn != nil && lg != "" {
		if err := checkLogGroup(c, lg); err != nil {
			return err
		}
	}
	if in.CloudWatchLogsRoleArn != nil && role != "" {
		if err := checkLogsRole(c, role); err != nil {
			return err
		}
	}
	t.CloudWatchLogsLogGroupArn, t.CloudWatchLogsRoleArn = lg, role
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setB := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	set(&t.S3KeyPrefix, in.S3KeyPrefix)
	set(&t.SnsTopicName, in.SnsTopicName)
	set(&t.KmsKeyID, in.KmsKeyId)
	setB(&t.IncludeGlobalServiceEvents, in.IncludeGlobalServiceEvents)
	setB(&t.IsMultiRegion, in.IsMultiRegionTrail)
	setB(&t.IsOrganization, in.IsOrganizationTrail)
	setB(&t.LogFileValidation, in.EnableLogFileValidation)
	if t.IsMultiRegion && !t.IncludeGlobalServiceEvents {
		return errf("InvalidParameterCombinationException", "Multi-Region trail must include global service events.")
	}
	return nil
}

// kmsKey resolves the KMS key a trail is to encrypt with as CloudTrail
// does: a key ID, key ARN, alias name or alias ARN becomes the key's
// ARN, which is what the trail reports. A key of the caller's account
// must exist in the trail's region and be enabled. Another account's key
// (a central one) is taken as given: its account's state is not the
// caller's to lock. Key policies are not checked: the simulator does not
// evaluate whether a key policy lets cloudtrail.amazonaws.com encrypt
// (AWS answers InsufficientEncryptionPolicyException when it does not).
func kmsKey(c *svc.Ctx, ref string) (string, error) {
	if strings.ContainsAny(ref, " ") {
		return "", errf("InvalidKmsKeyIdException", "Invalid KMS key ID %s.", ref)
	}
	region, account, id := c.Region, c.Account.ID, ref
	if strings.HasPrefix(ref, "arn:") {
		f := strings.SplitN(ref, ":", 6)
		if len(f) != 6 || f[2] != "kms" || (!strings.HasPrefix(f[5], "key/") && !strings.HasPrefix(f[5], "alias/")) {
			return "", errf("InvalidKmsKeyIdException", "Invalid KMS key ID %s.", ref)
		}
		region, account, id = f[3], f[4], strings.TrimPrefix(f[5], "key/")
		if account != c.Account.ID {
			return ref, nil
		}
	}
	notFound := errf("KmsKeyNotFoundException", "The KMS key %s does not exist in %s.", ref, region)
	r := c.Account.Regional[region]
	if r == nil {
		return "", notFound
	}
	if strings.HasPrefix(id, "alias/") {
		target := ""
		for _, a := range r.KMS.Aliases {
			if a.Name == id {
				target = a.TargetKeyID
			}
		}
		if target == "" {
			return "", notFound
		}
		id = target
	}
	for _, k := range r.KMS.Keys {
		if k.ID != id {
			continue
		}
		if k.State != "" && k.State != "Enabled" {
			return "", errf("KmsException", "The KMS key %s is %s.", ref, k.State)
		}
		return world.ARN("kms", region, account, "key/"+id), nil
	}
	return "", notFound
}

// checkLogGroup answers InvalidCloudWatchLogsLogGroupArnException for a
// log group of the caller's account that does not exist.
func checkLogGroup(c *svc.Ctx, arn string) error {
	// arn:aws:logs:<region>:<account>:log-group:<name>[:*]
	f := strings.SplitN(arn, ":", 7)
	if len(f) != 7 || f[5] != "log-group" || f[6] == "" {
		return errf("InvalidCloudWatchLogsLogGroupArnException", "Invalid log group ARN %s.", arn)
	}
	if f[4] != c.Account.ID {
		return nil
	}
	name := strings.TrimSuffix(f[6], ":*")
	if r := c.Account.Regional[f[3]]; r != nil {
		for _, g := range r.Logs.Groups {
			if g.Name == name {
				return nil
			}
		}
	}
	return errf("InvalidCloudWatchLogsLogGroupArnException", "Access denied. Check the log group %s exists.", arn)
}

// checkLogsRole answers InvalidCloudWatchLogsRoleArnException for a role
// of the caller's account that does not exist. Whether its trust policy
// lets CloudTrail assume it, and its permissions, are not checked.
func checkLogsRole(c *svc.Ctx, arn string) error {
	// arn:aws:iam::<account>:role/<path/>name
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[2] != "iam" || !strings.HasPrefix(f[5], "role/") {
		return errf("InvalidCloudWatchLogsRoleArnException", "Invalid role ARN %s.", arn)
	}
	if f[4] != c.Account.ID {
		return nil
	}
	rest := strings.TrimPrefix(f[5], "role/")
	name := rest[strings.LastIndex(rest, "/")+1:]
	for _, r := range c.Account.IAM.Roles {
		if r.Name == name {
			return nil
		}
	}
	return errf("InvalidCloudWatchLogsRoleArnException", "Access denied. Verify in IAM that the role %s exists and has adequate permissions.", arn)
}

func createOutput(r ref) any {
	v := view(r)
	return struct {
		Name                       string
		S3BucketName               string
		S3KeyPrefix                string `json:",omitempty"`
		SnsTopicName               string `json:",omitempty"`
		SnsTopicARN                string `json:",omitempty"`
		IncludeGlobalServiceEvents bool
		IsMultiRegionTrail         bool
		IsOrganizationTrail        bool
		TrailARN                   string
		LogFileValidationEnabled   bool
		CloudWatchLogsLogGroupArn  string `json:",omitempty"`
		CloudWatchLogsRoleArn      string `json:",omitempty"`
		KmsKeyId                   string `json:",omitempty"`
	}{v.Name, v.S3BucketName, v.S3KeyPrefix, v.SnsTopicName, v.SnsTopicARN, v.IncludeGlobalServiceEvents, v.IsMultiRegionTrail,
		v.IsOrganizationTrail, v.TrailARN, v.LogFileValidationEnabled, v.CloudWatchLogsLogGroupArn, v.CloudWatchLogsRoleArn, v.KmsKeyId}
}

func createTrail(c *svc.Ctx) (any, error) {
	var in trailIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := validName(in.Name); err != nil {
		return nil, err
	}
	if in.S3BucketName == nil {
		return nil, errf("InvalidParameterException", "S3BucketName is required.")
	}
	multi := in.IsMultiRegionTrail != nil && *in.IsMultiRegionTrail
	for _, r := range ownTrails(c) {
		if r.T.Name == in.Name && (r.Home == c.Region || r.T.IsMultiRegion || multi) {
			return nil, errf("TrailAlreadyExistsException", "Trail %s already exists for customer: %s", in.Name, c.Account.ID)
		}
	}
	mine := 0
	for _, r := range ownTrails(c) {
		if r.Home == c.Region {
			mine++
		}
	}
	if mine >= 5 {
		return nil, errf("MaximumNumberOfTrailsExceededException", "User: %s already has 5 trails in %s.", c.Account.ID, c.Region)
	}
	t := &world.Trail{Name: in.Name, IncludeGlobalServiceEvents: true,
		EventSelectors: []world.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}
	if err := apply(c, t, &in); err != nil {
		return nil, err
	}
	for _, tg := range in.TagsList {
		if t.Tags == nil {
			t.Tags = map[string]string{}
		}
		t.Tags[tg.Key] = tg.Value
	}
	reg := c.Regional()
	reg.CloudTrail.Trails = append(reg.CloudTrail.Trails, t)
	if t.IsOrganization {
		publish(c)
	}
	return createOutput(ref{Account: c.Account.ID, Home: c.Region, T: t, own: true}), nil
}

func updateTrail(c *svc.Ctx) (any, error) {
	var in trailIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolveOwn(c, in.Name)
	if err != nil {
		return nil, err
	}
	wasOrg := r.T.IsOrganization
	if in.IsMultiRegionTrail != nil && *in.IsMultiRegionTrail && !r.T.IsMultiRegion {
		for _, o := range ownTrails(c) {
			if o.T != r.T && o.T.Name == r.T.Name {
				return nil, errf("TrailAlreadyExistsException", "Trail %s already exists for customer: %s", r.T.Name, c.Account.ID)
			}
		}
	}
	nt := *r.T
	if err := apply(c, &nt, &in); err != nil {
		return nil, err
	}
	*r.T = nt
	if wasOrg || r.T.IsOrganization {
		publish(c)
	}
	return createOutput(r), nil
}

func deleteTrail(c *svc.Ctx) (any, error) {
	var in nameIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolveOwn(c, in.Name)
	if err != nil {
		return nil, err
	}
	c.World.LogsOwnCall(c.RequestID, c.Account.ID, r.Home, r.T) // a trail logs its own deletion
	reg := c.Regional()
	for i, t := range reg.CloudTrail.Trails {
		if t == r.T {
			reg.CloudTrail.Trails = append(reg.CloudTrail.Trails[:i:i], reg.CloudTrail.Trails[i+1:]...)
		}
	}
	if r.T.IsOrganization {
		publish(c)
	}
	return nil, nil
}

func setLogging(c *svc.Ctx, on bool) (any, error) {
	var in nameIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolveOwn(c, in.Name)
	if err != nil {
		return nil, err
	}
	if r.T.Logging && !on {
		c.World.LogsOwnCall(c.RequestID, c.Account.ID, r.Home, r.T) // a trail logs the call that stops it
	}
	if r.T.Logging != on {
		r.T.Logging = on
		if on {
			r.T.StartLogging = c.Now()
		} else {
			r.T.StopLogging = c.Now()
		}
	}
	if r.T.IsOrganization {
		publish(c)
	}
	return nil, nil
}

func startLogging(c *svc.Ctx) (any, error) { return setLogging(c, true) }
func stopLogging(c *svc.Ctx) (any, error)  { return setLogging(c, false) }

// ---- event selectors ----

type dataResource struct {
	Type   string
	Values []string
}

type eventSelector struct {
	ReadWriteType                 string
	IncludeManagementEvents       *bool
	DataResources                 []dataResource
	ExcludeManagementEventSources []string
}

type fieldSelector struct {
	Field         string
	Equals        []string `json:",omitempty"`
	NotEquals     []string `json:",omitempty"`
	StartsWith    []string `json:",omitempty"`
	NotStartsWith []string `json:",omitempty"`
	EndsWith      []string `json:",omitempty"`
	NotEndsWith   []string `json:",omitempty"`
}

type advancedSelector struct {
	Name           string `json:",omitempty"`
	FieldSelectors []fieldSelector
}

func selectorsOut(r ref) any {
	out := struct {
		TrailARN               string
		EventSelectors         []eventSelector    `json:",omitempty"`
		AdvancedEventSelectors []advancedSelector `json:",omitempty"`
	}{TrailARN: r.arn()}
	for _, s := range r.T.EventSelectors {
		im := s.IncludeManagementEvents
		es := eventSelector{ReadWriteType: s.ReadWriteType, IncludeManagementEvents: &im,
			DataResources: []dataResource{}, ExcludeManagementEventSources: append([]string{}, s.ExcludeManagementEventSources...)}
		for _, d := range s.DataResources {
			es.DataResources = append(es.DataResources, dataResource{d.Type, d.Values})
		}
		out.EventSelectors = append(out.EventSelectors, es)
	}
	for _, a := range r.T.AdvancedEventSelectors {
		as := advancedSelector{Name: a.Name}
		for _, f := range a.FieldSelectors {
			as.FieldSelectors = append(as.FieldSelectors, fieldSelector(f))
		}
		out.AdvancedEventSelectors = append(out.AdvancedEventSelectors, as)
	}
	return out
}

func getEventSelectors(c *svc.Ctx) (any, error) {
	var in struct{ TrailName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolve(c, in.TrailName)
	if err != nil {
		return nil, err
	}
	return selectorsOut(r), nil
}

func putEventSelectors(c *svc.Ctx) (any, error) {
	var in struct {
		TrailName              string
		EventSelectors         []eventSelector
		AdvancedEventSelectors []advancedSelector
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolveOwn(c, in.TrailName)
	if err != nil {
		return nil, err
	}
	bad := func(f string, a ...any) error { return errf("InvalidEventSelectorsException", f, a...) }
	if (len(in.EventSelectors) == 0) == (len(in.AdvancedEventSelectors) == 0) {
		return nil, bad("Specify either EventSelectors or AdvancedEventSelectors, but not both.")
	}
	if len(in.EventSelectors) > 5 {
		return nil, bad("A trail can have at most 5 event selectors.")
	}
	var es []world.EventSelector
	for _, s := range in.EventSelectors {
		rw := s.ReadWriteType
		if rw == "" {
			rw = "All"
		}
		if rw != "All" && rw != "ReadOnly" && rw != "WriteOnly" {
			return nil, bad("Invalid ReadWriteType %s.", rw)
		}
		ws := world.EventSelector{ReadWriteType: rw, IncludeManagementEvents: s.IncludeManagementEvents == nil || *s.IncludeManagementEvents,
			ExcludeManagementEventSources: s.ExcludeManagementEventSources}
		for _, d := range s.DataResources {
			if d.Type == "" {
				return nil, bad("Data resource type is required.")
			}
			ws.DataResources = append(ws.DataResources, world.DataResource{Type: d.Type, Values: d.Values})
		}
		es = append(es, ws)
	}
	var as []world.AdvancedSelector
	for _, a := range in.AdvancedEventSelectors {
		if len(a.FieldSelectors) == 0 {
			return nil, bad("Advanced event selector must have at least one field selector.")
		}
		ws := world.AdvancedSelector{Name: a.Name}
		hasCategory := false
		for _, f := range a.FieldSelectors {
			if f.Field == "eventCategory" {
				hasCategory = true
			}
			ws.FieldSelectors = append(ws.FieldSelectors, world.FieldSelector(f))
		}
		if !hasCategory {
			return nil, bad("Advanced event selector must include the eventCategory field.")
		}
		as = append(as, ws)
	}
	r.T.EventSelectors, r.T.AdvancedEventSelectors = es, as
	if r.T.IsOrganization {
		publish(c)
	}
	return selectorsOut(r), nil
}

func getInsightSelectors(c *svc.Ctx) (any, error) {
	var in struct{ TrailName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := resolve(c, in.TrailName)
	if err != nil {
		return nil, err
	}
	if len(r.T.InsightSelectors) == 0 {
		return nil, errf("InsightNotEnabledException", "Trail %s does not have Insights enabled. Edit the trail settings to enable Insights, and then try the operation again.", r.arn())
	}
	type sel struct{ InsightType string }
	out := struct {
		TrailARN         string
		InsightSelectors []sel
	}{TrailARN: r.arn()}
	for _, s := range r.T.InsightSelectors {
		out.InsightSelectors = append(out.InsightSelectors, sel{s})
	}
	return out, nil
}

// ---- tags ----

// taggable resolves a trail ARN for tagging: the caller's own trail.
func taggable(c *svc.Ctx, id string, home bool) (ref, error) {
	if id == "" {
		return ref{}, errf("InvalidTrailNameException", "ResourceId is required.")
	}
	m := trailARN.FindStringSubmatch(id)
	if m == nil {
		return ref{}, errf("CloudTrailARNInvalidException", "The ARN %s is not valid.", id)
	}
	for _, r := range ownTrails(c) {
		if r.Account == m[2] && r.Home == m[1] && r.T.Name == m[3] && visibleIn(r.T, r.Home, c.Region) {
			if home && r.Home != c.Region {
				return r, errf("InvalidHomeRegionException", "This operation must be called from the trail's home region (%s).", r.Home)
			}
			return r, nil
		}
	}
	return ref{}, errf("ResourceNotFoundException", "Resource %s not found.", id)
}

type tagsIn struct {
	ResourceId string
	TagsList   []tag
}

func addTags(c *svc.Ctx) (any, error) {
	var in tagsIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := taggable(c, in.ResourceId, true)
	if err != nil {
		return nil, err
	}
	if r.T.Tags == nil {
		r.T.Tags = map[string]string{}
	}
	for _, t := range in.TagsList {
		if t.Key == "" {
			return nil, errf("InvalidTagParameterException", "Tag key must not be empty.")
		}
	}
	for _, t := range in.TagsList {
		r.T.Tags[t.Key] = t.Value
	}
	if len(r.T.Tags) > 50 {
		return nil, errf("TagsLimitExceededException", "The number of tags on %s exceeds 50.", in.ResourceId)
	}
	return nil, nil
}

func removeTags(c *svc.Ctx) (any, error) {
	var in tagsIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r, err := taggable(c, in.ResourceId, true)
	if err != nil {
		return nil, err
	}
	for _, t := range in.TagsList {
		delete(r.T.Tags, t.Key)
	}
	return nil, nil
}

func listTags(c *svc.Ctx) (any, error) {
	var in struct {
		ResourceIdList []string
		NextToken      string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if len(in.ResourceIdList) == 0 || len(in.ResourceIdList) > 20 {
		return nil, errf("InvalidParameterException", "ResourceIdList must name between 1 and 20 trails.")
	}
	type resourceTag struct {
		ResourceId string
		TagsList   []tag
	}
	var all []resourceTag
	for _, id := range in.ResourceIdList {
		r, err := taggable(c, id, false)
		if err != nil {
			return nil, err
		}
		rt := resourceTag{ResourceId: id, TagsList: []tag{}}
		for k, v := range r.T.Tags {
			rt.TagsList = append(rt.TagsList, tag{k, v})
		}
		sort.Slice(rt.TagsList, func(i, j int) bool { return rt.TagsList[i].Key < rt.TagsList[j].Key })
		all = append(all, rt)
	}
	p, next, err := svc.Page(all, in.NextToken, 0, 20, "InvalidTokenException")
	if err != nil {
		return nil, err
	}
	return struct {
		ResourceTagList []resourceTag
		NextToken       string `json:",omitempty"`
	}{p, next}, nil
}
