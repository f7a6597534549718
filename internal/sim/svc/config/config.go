// Package config simulates AWS Config (awsJson1.1): the configuration
// recorder and its status, delivery channels, aggregators and rules, per
// account and region.
package config

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Config (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "config",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"DescribeConfigurationRecorders":      describeRecorders,
			"DescribeConfigurationRecorderStatus": describeRecorderStatus,
			"PutConfigurationRecorder":            putRecorder,
			"DeleteConfigurationRecorder":         deleteRecorder,
			"StartConfigurationRecorder":          startRecorder,
			"StopConfigurationRecorder":           stopRecorder,
			"DescribeDeliveryChannels":            describeChannels,
			"DescribeDeliveryChannelStatus":       describeChannelStatus,
			"PutDeliveryChannel":                  putChannel,
			"DeleteDeliveryChannel":               deleteChannel,
			"PutConfigurationAggregator":          putAggregator,
			"DescribeConfigurationAggregators":    describeAggregators,
			"DeleteConfigurationAggregator":       deleteAggregator,
			"DescribeConfigRules":                 describeRules,
			"PutConfigRule":                       putRule,
			"DeleteConfigRule":                    deleteRule,
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

func state(c *svc.Ctx) *world.ConfigService { return &c.Regional().Config }

// ---- recorders ----

type recordingGroup struct {
	AllSupported               bool       `json:"allSupported"`
	IncludeGlobalResourceTypes bool       `json:"includeGlobalResourceTypes"`
	ResourceTypes              []string   `json:"resourceTypes"`
	ExclusionByResourceTypes   *exclusion `json:"exclusionByResourceTypes,omitempty"`
	RecordingStrategy          *strategy  `json:"recordingStrategy,omitempty"`
}

type exclusion struct {
	ResourceTypes []string `json:"resourceTypes"`
}

type strategy struct {
	UseOnly string `json:"useOnly"`
}

type snapshotProps struct {
	DeliveryFrequency string `json:"deliveryFrequency"`
}

type recordingMode struct {
	RecordingFrequency     string `json:"recordingFrequency"`
	RecordingModeOverrides []any  `json:"recordingModeOverrides"`
}

type recorderView struct {
	Name           string          `json:"name"`
	RoleARN        string          `json:"roleARN"`
	RecordingGroup *recordingGroup `json:"recordingGroup"`
	RecordingMode  *recordingMode  `json:"recordingMode,omitempty"`
	RecordingScope string          `json:"recordingScope,omitempty"`
}

func recView(r *world.ConfigRecorder) recorderView {
	g := &recordingGroup{AllSupported: r.AllSupported, IncludeGlobalResourceTypes: r.IncludeGlobalResourceTypes,
		ResourceTypes: append([]string{}, r.ResourceTypes...)}
	strat := r.RecordingStrategy
	if strat == "" {
		strat = "ALL_SUPPORTED_RESOURCE_TYPES"
		if !r.AllSupported {
			strat = "INCLUSION_BY_RESOURCE_TYPES"
			if len(r.ExclusionResourceTypes) > 0 {
				strat = "EXCLUSION_BY_RESOURCE_TYPES"
			}
		}
	}
	g.RecordingStrategy = &strategy{strat}
	g.ExclusionByResourceTypes = &exclusion{append([]string{}, r.ExclusionResourceTypes...)}
	freq := r.RecordingFrequency
	if freq == "" {
		freq = "CONTINUOUS"
	}
	return recorderView{Name: r.Name, RoleARN: r.RoleARN, RecordingGroup: g,
		RecordingMode: &recordingMode{RecordingFrequency: freq, RecordingModeOverrides: []any{}}, RecordingScope: "PAID"}
}

func findRecorder(cs *world.ConfigService, name string) (int, *world.ConfigRecorder) {
	for i, r := range cs.Recorders {
		if r.Name == name {
			return i, r
		}
	}
	return -1, nil
}

func noRecorder(name string) error {
	return errf("NoSuchConfigurationRecorderException", "Cannot find configuration recorder with the specified name '%s'.", name)
}

// selectRecorders returns the recorders named (all when names is empty).
func selectRecorders(cs *world.ConfigService, names []string) ([]*world.ConfigRecorder, error) {
	if len(names) == 0 {
		return cs.Recorders, nil
	}
	var out []*world.ConfigRecorder
	for _, n := range names {
		_, r := findRecorder(cs, n)
		if r == nil {
			return nil, noRecorder(n)
		}
		out = append(out, r)
	}
	return out, nil
}

type recordersIn struct {
	ConfigurationRecorderNames []string
	Arn                        string
	ServicePrincipal           string
}

func describeRecorders(c *svc.Ctx) (any, error) {
	var in recordersIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	rs, err := selectRecorders(state(c), in.ConfigurationRecorderNames)
	if err != nil {
		return nil, err
	}
	out := []recorderView{}
	if in.ServicePrincipal == "" {
		for _, r := range rs {
			out = append(out, recView(r))
		}
	}
	return map[string]any{"ConfigurationRecorders": out}, nil
}

type recorderStatus struct {
	Name                 string `json:"name"`
	Recording            bool   `json:"recording"`
	LastStatus           string `json:"lastStatus,omitempty"`
	LastStartTime        *epoch `json:"lastStartTime,omitempty"`
	LastStopTime         *epoch `json:"lastStopTime,omitempty"`
	LastStatusChangeTime *epoch `json:"lastStatusChangeTime,omitempty"`
}

func describeRecorderStatus(c *svc.Ctx) (any, error) {
	var in recordersIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	rs, err := selectRecorders(state(c), in.ConfigurationRecorderNames)
	if err != nil {
		return nil, err
	}
	out := []recorderStatus{}
	if in.ServicePrincipal == "" {
		for _, r := range rs {
			out = append(out, recorderStatus{Name: r.Name, Recording: r.Recording, LastStatus: r.LastStatus,
				LastStartTime: ep(r.LastStart), LastStopTime: ep(r.LastStop), LastStatusChangeTime: ep(r.LastStatusChange)})
		}
	}
	return map[string]any{"ConfigurationRecordersStatus": out}, nil
}

func putRecorder(c *svc.Ctx) (any, error) {
	var in struct {
		ConfigurationRecorder *struct {
			Name           *string
			RoleARN        string
			RecordingGroup *recordingGroup
			RecordingMode  *recordingMode
		}
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	rec := in.ConfigurationRecorder
	if rec == nil {
		return nil, errf("ValidationException", "ConfigurationRecorder is required.")
	}
	name := "default"
	if rec.Name != nil {
		name = *rec.Name
	}
	if name == "" || len(name) > 256 || strings.TrimSpace(name) != name {
		return nil, errf("InvalidConfigurationRecorderNameException", "The configuration recorder name '%s' is not valid.", name)
	}
	if !strings.HasPrefix(rec.RoleARN, "arn:aws:iam::") || !strings.Contains(rec.RoleARN, ":role/") {
		return nil, errf("InvalidRoleException", "The role ARN '%s' is not valid.", rec.RoleARN)
	}
	nr := world.ConfigRecorder{Name: name, RoleARN: rec.RoleARN, AllSupported: true}
	if g := rec.RecordingGroup; g != nil {
		nr.AllSupported, nr.IncludeGlobalResourceTypes, nr.ResourceTypes = g.AllSupported, g.IncludeGlobalResourceTypes, g.ResourceTypes
		if g.ExclusionByResourceTypes != nil {
			nr.ExclusionResourceTypes = g.ExclusionByResourceTypes.ResourceTypes
		}
		if g.RecordingStrategy != nil {
			nr.RecordingStrategy = g.RecordingStrategy.UseOnly
		}
		bad := func(msg string) error { return errf("InvalidRecordingGroupException", "%s", msg) }
		switch {
		case nr.AllSupported && (len(nr.ResourceTypes) > 0 || len(nr.ExclusionResourceTypes) > 0):
			return nil, bad("The recording group provided is not valid: allSupported cannot be combined with resourceTypes or exclusions.")
		case nr.IncludeGlobalResourceTypes && !nr.AllSupported:
			return nil, bad("The recording group provided is not valid: includeGlobalResourceTypes requires allSupported.")
		case !nr.AllSupported && len(nr.ResourceTypes) == 0 && len(nr.ExclusionResourceTypes) == 0:
			return nil, bad("The recording group provided is not valid: specify resourceTypes or exclusionByResourceTypes.")
		case nr.RecordingStrategy == "ALL_SUPPORTED_RESOURCE_TYPES" && !nr.AllSupported,
			nr.RecordingStrategy == "INCLUSION_BY_RESOURCE_TYPES" && len(nr.ResourceTypes) == 0,
			nr.RecordingStrategy == "EXCLUSION_BY_RESOURCE_TYPES" && len(nr.ExclusionResourceTypes) == 0:
			return nil, bad("The recording group provided is not valid: the recording strategy does not match the recording group.")
		}
	}
	if rec.RecordingMode != nil && rec.RecordingMode.RecordingFrequency != "" {
		f := rec.RecordingMode.RecordingFrequency
		if f != "CONTINUOUS" && f != "DAILY" {
			return nil, errf("ValidationException", "Invalid recording frequency %s.", f)
		}
		nr.RecordingFrequency = f
	}
	cs := state(c)
	if _, r := findRecorder(cs, name); r != nil {
		nr.Recording, nr.LastStatus, nr.LastStart, nr.LastStop, nr.LastStatusChange = r.Recording, r.LastStatus, r.LastStart, r.LastStop, r.LastStatusChange
		*r = nr
		return nil, nil
	}
	if len(cs.Recorders) >= 1 {
		return nil, errf("MaxNumberOfConfigurationRecordersExceededException", "Failed to put configuration recorder '%s' because the maximum number of configuration recorders: 1 is reached.", name)
	}
	cs.Recorders = append(cs.Recorders, &nr)
	return nil, nil
}

type recorderNameIn struct{ ConfigurationRecorderName string }

func recorderArg(c *svc.Ctx) (*world.ConfigService, int, *world.ConfigRecorder, error) {
	var in recorderNameIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, 0, nil, err
	}
	cs := state(c)
	i, r := findRecorder(cs, in.ConfigurationRecorderName)
	if r == nil {
		return nil, 0, nil, noRecorder(in.ConfigurationRecorderName)
	}
	return cs, i, r, nil
}

func deleteRecorder(c *svc.Ctx) (any, error) {
	cs, i, _, err := recorderArg(c)
	if err != nil {
		return nil, err
	}
	cs.Recorders = append(cs.Recorders[:i:i], cs.Recorders[i+1:]...)
	return nil, nil
}

func startRecorder(c *svc.Ctx) (any, error) {
	cs, _, r, err := recorderArg(c)
	if err != nil {
		return nil, err
	}
	if len(cs.Channels) == 0 {
		return nil, errf("NoAvailableDeliveryChannelException", "Delivery channel is not available to start configuration recorder.")
	}
	if !r.Recording {
		now := c.Now()
		r.Recording, r.LastStatus, r.LastStart, r.LastStatusChange = true, "Success", now, now
	}
	return nil, nil
}

func stopRecorder(c *svc.Ctx) (any, error) {
	_, _, r, err := recorderArg(c)
	if err != nil {
		return nil, err
	}
	if r.Recording {
		now := c.Now()
		r.Recording, r.LastStop, r.LastStatusChange = false, now, now
	}
	return nil, nil
}

// ---- delivery channels ----

type channelView struct {
	Name                             string         `json:"name"`
	S3BucketName                     string         `json:"s3BucketName"`
	S3KeyPrefix                      string         `json:"s3KeyPrefix,omitempty"`
	S3KmsKeyArn                      string         `json:"s3KmsKeyArn,omitempty"`
	SnsTopicARN                      string         `json:"snsTopicARN,omitempty"`
	ConfigSnapshotDeliveryProperties *snapshotProps `json:"configSnapshotDeliveryProperties,omitempty"`
}

func chView(ch *world.DeliveryChannel) channelView {
	v := channelView{Name: ch.Name, S3BucketName: ch.S3BucketName, S3KeyPrefix: ch.S3KeyPrefix, S3KmsKeyArn: ch.S3KmsKeyArn, SnsTopicARN: ch.SnsTopicARN}
	if ch.DeliveryFrequency != "" {
		v.ConfigSnapshotDeliveryProperties = &snapshotProps{ch.DeliveryFrequency}
	}
	return v
}

func findChannel(cs *world.ConfigService, name string) (int, *world.DeliveryChannel) {
	for i, ch := range cs.Channels {
		if ch.Name == name {
			return i, ch
		}
	}
	return -1, nil
}

func noChannel(name string) error {
	return errf("NoSuchDeliveryChannelException", "Cannot find delivery channel with specified name '%s'.", name)
}

func selectChannels(cs *world.ConfigService, names []string) ([]*world.DeliveryChannel, error) {
	if len(names) == 0 {
		return cs.Channels, nil
	}
	var out []*world.DeliveryChannel
	for _, n := range names {
		_, ch := findChannel(cs, n)
		if ch == nil {
			return nil, noChannel(n)
		}
		out = append(out, ch)
	}
	return out, nil
}

func describeChannels(c *svc.Ctx) (any, error) {
	var in struct{ DeliveryChannelNames []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	chs, err := selectChannels(state(c), in.DeliveryChannelNames)
	if err != nil {
		return nil, err
	}
	out := []channelView{}
	for _, ch := range chs {
		out = append(out, chView(ch))
	}
	return map[string]any{"DeliveryChannels": out}, nil
}

type exportInfo struct {
	LastStatus         string `json:"lastStatus"`
	LastAttemptTime    *epoch `json:"lastAttemptTime,omitempty"`
	LastSuccessfulTime *epoch `json:"lastSuccessfulTime,omitempty"`
	NextDeliveryTime   *epoch `json:"nextDeliveryTime,omitempty"`
}

type streamInfo struct {
	LastStatus           string `json:"lastStatus"`
	LastStatusChangeTime *epoch `json:"lastStatusChangeTime,omitempty"`
}

func describeChannelStatus(c *svc.Ctx) (any, error) {
	var in struct{ DeliveryChannelNames []string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cs := state(c)
	chs, err := selectChannels(cs, in.DeliveryChannelNames)
	if err != nil {
		return nil, err
	}
	recording := false
	var since time.Time
	for _, r := range cs.Recorders {
		if r.Recording {
			recording, since = true, r.LastStart
		}
	}
	type status struct {
		Name                       string     `json:"name"`
		ConfigHistoryDeliveryInfo  exportInfo `json:"configHistoryDeliveryInfo"`
		ConfigSnapshotDeliveryInfo exportInfo `json:"configSnapshotDeliveryInfo"`
		ConfigStreamDeliveryInfo   streamInfo `json:"configStreamDeliveryInfo"`
	}
	out := []status{}
	for _, ch := range chs {
		st := status{Name: ch.Name,
			ConfigHistoryDeliveryInfo:  exportInfo{LastStatus: "Not_Applicable"},
			ConfigSnapshotDeliveryInfo: exportInfo{LastStatus: "Not_Applicable"},
			ConfigStreamDeliveryInfo:   streamInfo{LastStatus: "Not_Applicable"}}
		last := ch.LastDelivery
		if recording {
			if last.IsZero() {
				last = c.Now().Add(-20 * time.Minute).Truncate(time.Second)
				if last.Before(since) {
					last = since
				}
			}
			e := ep(last)
			st.ConfigHistoryDeliveryInfo = exportInfo{LastStatus: "Success", LastAttemptTime: e, LastSuccessfulTime: e}
			st.ConfigSnapshotDeliveryInfo = exportInfo{LastStatus: "Success", LastAttemptTime: e, LastSuccessfulTime: e, NextDeliveryTime: ep(last.Add(24 * time.Hour))}
			st.ConfigStreamDeliveryInfo = streamInfo{LastStatus: "Success", LastStatusChangeTime: ep(since)}
		} else if !last.IsZero() {
			e := ep(last)
			st.ConfigHistoryDeliveryInfo = exportInfo{LastStatus: "Success", LastAttemptTime: e, LastSuccessfulTime: e}
			st.ConfigSnapshotDeliveryInfo = exportInfo{LastStatus: "Success", LastAttemptTime: e, LastSuccessfulTime: e}
		}
		out = append(out, st)
	}
	return map[string]any{"DeliveryChannelsStatus": out}, nil
}

var frequencies = map[string]bool{"One_Hour": true, "Three_Hours": true, "Six_Hours": true, "Twelve_Hours": true, "TwentyFour_Hours": true}

func putChannel(c *svc.Ctx) (any, error) {
	var in struct {
		DeliveryChannel *struct {
			Name                             *string
			S3BucketName                     string
			S3KeyPrefix                      string
			S3KmsKeyArn                      string
			SnsTopicARN                      string
			ConfigSnapshotDeliveryProperties *snapshotProps
		}
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	d := in.DeliveryChannel
	if d == nil {
		return nil, errf("ValidationException", "DeliveryChannel is required.")
	}
	name := "default"
	if d.Name != nil {
		name = *d.Name
	}
	if name == "" || len(name) > 256 {
		return nil, errf("InvalidDeliveryChannelNameException", "The delivery channel name '%s' is not valid.", name)
	}
	cs := state(c)
	if len(cs.Recorders) == 0 {
		return nil, errf("NoAvailableConfigurationRecorderException", "Configuration recorder is not available to put delivery channel.")
	}
	if d.S3BucketName == "" {
		return nil, errf("NoSuchBucketException", "Cannot find a S3 bucket with an empty bucket name.")
	}
	c.World.Mu.Lock()
	_, ok := c.World.Buckets[d.S3BucketName]
	c.World.Mu.Unlock()
	if !ok {
		return nil, errf("NoSuchBucketException", "Cannot find a S3 bucket with name '%s'.", d.S3BucketName)
	}
	if strings.HasPrefix(d.S3KeyPrefix, "/") || strings.Contains(d.S3KeyPrefix, "AWSLogs") {
		return nil, errf("InvalidS3KeyPrefixException", "The s3 key prefix '%s' is not valid.", d.S3KeyPrefix)
	}
	if d.S3KmsKeyArn != "" && !strings.HasPrefix(d.S3KmsKeyArn, "arn:aws:kms:") {
		return nil, errf("InvalidS3KmsKeyArnException", "The KMS key ARN '%s' is not valid.", d.S3KmsKeyArn)
	}
	if d.SnsTopicARN != "" && !strings.HasPrefix(d.SnsTopicARN, "arn:aws:sns:") {
		return nil, errf("InvalidSNSTopicARNException", "The sns topic arn '%s' is not valid.", d.SnsTopicARN)
	}
	ch := world.DeliveryChannel{Name: name, S3BucketName: d.S3BucketName, S3KeyPrefix: d.S3KeyPrefix, S3KmsKeyArn: d.S3KmsKeyArn, SnsTopicARN: d.SnsTopicARN}
	if p := d.ConfigSnapshotDeliveryProperties; p != nil && p.DeliveryFrequency != "" {
		if !frequencies[p.DeliveryFrequency] {
			return nil, errf("ValidationException", "Invalid delivery frequency %s.", p.DeliveryFrequency)
		}
		ch.DeliveryFrequency = p.DeliveryFrequency
	}
	if _, old := findChannel(cs, name); old != nil {
		ch.LastDelivery = old.LastDelivery
		*old = ch
		return nil, nil
	}
	if len(cs.Channels) >= 1 {
		return nil, errf("MaxNumberOfDeliveryChannelsExceededException", "Failed to put delivery channel '%s' because the maximum number of delivery channels: 1 is reached.", name)
	}
	cs.Channels = append(cs.Channels, &ch)
	return nil, nil
}

func deleteChannel(c *svc.Ctx) (any, error) {
	var in struct{ DeliveryChannelName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cs := state(c)
	i, ch := findChannel(cs, in.DeliveryChannelName)
	if ch == nil {
		return nil, noChannel(in.DeliveryChannelName)
	}
	for _, r := range cs.Recorders {
		if r.Recording {
			return nil, errf("LastDeliveryChannelDeleteFailedException", "Failed to delete last specified delivery channel with name '%s', because there, because there is a running configuration recorder.", ch.Name)
		}
	}
	cs.Channels = append(cs.Channels[:i:i], cs.Channels[i+1:]...)
	return nil, nil
}

// ---- aggregators ----

type accountSource struct {
	AccountIds    []string
	AllAwsRegions bool
	AwsRegions    []string `json:",omitempty"`
}

type orgSource struct {
	RoleArn       string
	AllAwsRegions bool
	AwsRegions    []string `json:",omitempty"`
}

type aggregatorView struct {
	ConfigurationAggregatorName   string
	ConfigurationAggregatorArn    string
	AccountAggregationSources     []accountSource `json:",omitempty"`
	OrganizationAggregationSource *orgSource      `json:",omitempty"`
	CreationTime                  *epoch          `json:",omitempty"`
	LastUpdatedTime               *epoch          `json:",omitempty"`
}

func aggView(c *svc.Ctx, a *world.ConfigAggregator) aggregatorView {
	v := aggregatorView{ConfigurationAggregatorName: a.Name, ConfigurationAggregatorArn: c.ARN("config", "config-aggregator/"+a.ID),
		CreationTime: ep(a.Created), LastUpdatedTime: ep(a.Updated)}
	if a.OrgRoleARN != "" {
		v.OrganizationAggregationSource = &orgSource{RoleArn: a.OrgRoleARN, AllAwsRegions: a.AllRegions, AwsRegions: a.Regions}
	} else {
		v.AccountAggregationSources = []accountSource{{AccountIds: a.AccountIDs, AllAwsRegions: a.AllRegions, AwsRegions: a.Regions}}
	}
	return v
}

func findAggregator(cs *world.ConfigService, name string) (int, *world.ConfigAggregator) {
	for i, a := range cs.Aggregators {
		if a.Name == name {
			return i, a
		}
	}
	return -1, nil
}

func noAggregator(name string) error {
	return errf("NoSuchConfigurationAggregatorException", "The configuration aggregator '%s' does not exist.", name)
}

func checkRegions(c *svc.Ctx, all bool, regions []string) error {
	if all == (len(regions) > 0) {
		return errf("InvalidParameterValueException", "Specify either AllAwsRegions or AwsRegions, but not both.")
	}
	for _, r := range regions {
		if _, ok := c.World.Region(r); !ok {
			return errf("InvalidParameterValueException", "The region '%s' is not valid.", r)
		}
	}
	return nil
}

// canAggregateOrg checks the caller may build an organization aggregator:
// the management account or a delegated administrator for Config.
func canAggregateOrg(c *svc.Ctx) error {
	c.World.Mu.Lock()
	defer c.World.Mu.Unlock()
	org := c.World.Org
	me := c.Account.ID
	if org == nil || (me != org.ManagementAccount && org.Members[me] == nil) {
		return errf("NoAvailableOrganizationException", "Organization is not available.")
	}
	if me == org.ManagementAccount {
		return nil
	}
	for _, sp := range []string{"config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"} {
		for _, d := range org.DelegatedAdmins[sp] {
			if d.Account == me {
				return nil
			}
		}
	}
	return errf("OrganizationAccessDeniedException", "This action can only be performed if you are a registered delegated administrator for AWS Config with permissions to call ListDelegatedAdministrators API.")
}

func putAggregator(c *svc.Ctx) (any, error) {
	var in struct {
		ConfigurationAggregatorName   string
		AccountAggregationSources     []accountSource
		OrganizationAggregationSource *orgSource
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.ConfigurationAggregatorName == "" || len(in.ConfigurationAggregatorName) > 256 {
		return nil, errf("InvalidParameterValueException", "The configuration aggregator name is not valid.")
	}
	if (len(in.AccountAggregationSources) > 0) == (in.OrganizationAggregationSource != nil) {
		return nil, errf("InvalidParameterValueException", "Specify either AccountAggregationSources or OrganizationAggregationSource, but not both.")
	}
	a := world.ConfigAggregator{Name: in.ConfigurationAggregatorName}
	if o := in.OrganizationAggregationSource; o != nil {
		if !strings.HasPrefix(o.RoleArn, "arn:aws:iam::") {
			return nil, errf("InvalidRoleException", "The role ARN '%s' is not valid.", o.RoleArn)
		}
		if err := checkRegions(c, o.AllAwsRegions, o.AwsRegions); err != nil {
			return nil, err
		}
		if err := canAggregateOrg(c); err != nil {
			return nil, err
		}
		a.OrgRoleARN, a.AllRegions, a.Regions = o.RoleArn, o.AllAwsRegions, o.AwsRegions
	} else {
		if len(in.AccountAggregationSources) > 1 {
			return nil, errf("InvalidParameterValueException", "Only one account aggregation source is allowed.")
		}
		s := in.AccountAggregationSources[0]
		if len(s.AccountIds) == 0 {
			return nil, errf("InvalidParameterValueException", "AccountIds must not be empty.")
		}
		for _, id := range s.AccountIds {
			if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
				return nil, errf("InvalidParameterValueException", "The account ID '%s' is not valid.", id)
			}
		}
		if err := checkRegions(c, s.AllAwsRegions, s.AwsRegions); err != nil {
			return nil, err
		}
		a.AccountIDs, a.AllRegions, a.Regions = s.AccountIds, s.AllAwsRegions, s.AwsRegions
	}
	cs := state(c)
	now := c.Now()
	if _, old := findAggregator(cs, a.Name); old != nil {
		a.ID, a.Created, a.Tags, a.Updated = old.ID, old.Created, old.Tags, now
		*old = a
		return map[string]any{"ConfigurationAggregator": aggView(c, old)}, nil
	}
	if len(cs.Aggregators) >= 50 {
		return nil, errf("LimitExceededException", "The maximum number of configuration aggregators (50) is reached.")
	}
	a.ID, a.Created, a.Updated = c.World.HexID("config-aggregator-", 8), now, now
	cs.Aggregators = append(cs.Aggregators, &a)
	return map[string]any{"ConfigurationAggregator": aggView(c, &a)}, nil
}

func describeAggregators(c *svc.Ctx) (any, error) {
	var in struct {
		ConfigurationAggregatorNames []string
		Limit                        int
		NextToken                    string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.Limit < 0 || in.Limit > 10 {
		return nil, errf("InvalidLimitException", "The limit %d is not valid: it must be between 0 and 10.", in.Limit)
	}
	cs := state(c)
	var all []aggregatorView
	if len(in.ConfigurationAggregatorNames) == 0 {
		for _, a := range cs.Aggregators {
			all = append(all, aggView(c, a))
		}
	}
	for _, n := range in.ConfigurationAggregatorNames {
		_, a := findAggregator(cs, n)
		if a == nil {
			return nil, noAggregator(n)
		}
		all = append(all, aggView(c, a))
	}
	p, next, err := svc.Page(all, in.NextToken, in.Limit, 10, "InvalidNextTokenException")
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = []aggregatorView{}
	}
	return struct {
		ConfigurationAggregators []aggregatorView
		NextToken                string `json:",omitempty"`
	}{p, next}, nil
}

func deleteAggregator(c *svc.Ctx) (any, error) {
	var in struct{ ConfigurationAggregatorName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cs := state(c)
	i, a := findAggregator(cs, in.ConfigurationAggregatorName)
	if a == nil {
		return nil, noAggregator(in.ConfigurationAggregatorName)
	}
	cs.Aggregators = append(cs.Aggregators[:i:i], cs.Aggregators[i+1:]...)
	return nil, nil
}

// ---- rules ----

type sourceView struct {
	Owner            string
	SourceIdentifier string `json:",omitempty"`
}

type ruleView struct {
	ConfigRuleName            string
	ConfigRuleArn             string
	ConfigRuleId              string
	Description               string `json:",omitempty"`
	Source                    sourceView
	Scope                     *struct{ ComplianceResourceTypes []string } `json:",omitempty"`
	InputParameters           string                                      `json:",omitempty"`
	MaximumExecutionFrequency string                                      `json:",omitempty"`
	ConfigRuleState           string
	CreatedBy                 string `json:",omitempty"`
}

func ruleViewOf(c *svc.Ctx, r *world.ConfigRule) ruleView {
	v := ruleView{ConfigRuleName: r.Name, ConfigRuleArn: c.ARN("config", "config-rule/"+r.ID), ConfigRuleId: r.ID,
		Description: r.Description, Source: sourceView{r.Owner, r.SourceIdentifier}, InputParameters: r.InputParameters,
		MaximumExecutionFrequency: r.MaxFrequency, ConfigRuleState: r.State, CreatedBy: r.CreatedBy}
	if v.ConfigRuleState == "" {
		v.ConfigRuleState = "ACTIVE"
	}
	if len(r.ResourceTypes) > 0 {
		v.Scope = &struct{ ComplianceResourceTypes []string }{r.ResourceTypes}
	}
	return v
}

func findRule(cs *world.ConfigService, name string) (int, *world.ConfigRule) {
	for i, r := range cs.Rules {
		if r.Name == name {
			return i, r
		}
	}
	return -1, nil
}

func noRule(name string) error {
	return errf("NoSuchConfigRuleException", "The ConfigRule '%s' provided in the request is invalid. Please check the configRule name.", name)
}

func describeRules(c *svc.Ctx) (any, error) {
	var in struct {
		ConfigRuleNames []string
		NextToken       string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cs := state(c)
	var all []ruleView
	if len(in.ConfigRuleNames) == 0 {
		rules := append([]*world.ConfigRule(nil), cs.Rules...)
		sort.SliceStable(rules, func(i, j int) bool { return rules[i].Name < rules[j].Name })
		for _, r := range rules {
			all = append(all, ruleViewOf(c, r))
		}
	}
	for _, n := range in.ConfigRuleNames {
		_, r := findRule(cs, n)
		if r == nil {
			return nil, noRule(n)
		}
		all = append(all, ruleViewOf(c, r))
	}
	p, next, err := svc.Page(all, in.NextToken, 0, 25, "InvalidNextTokenException")
	if err != nil {
		return nil, err
	}
	if p == nil {
		p = []ruleView{}
	}
	return struct {
		ConfigRules []ruleView
		NextToken   string `json:",omitempty"`
	}{p, next}, nil
}

func putRule(c *svc.Ctx) (any, error) {
	var in struct {
		ConfigRule *struct {
			ConfigRuleName            string
			Description               string
			Source                    *sourceView
			Scope                     *struct{ ComplianceResourceTypes []string }
			InputParameters           string
			MaximumExecutionFrequency string
			ConfigRuleState           string
		}
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r := in.ConfigRule
	if r == nil || r.Source == nil {
		return nil, errf("InvalidParameterValueException", "ConfigRule and its Source are required.")
	}
	if r.ConfigRuleName == "" || len(r.ConfigRuleName) > 128 {
		return nil, errf("InvalidParameterValueException", "The ConfigRuleName is not valid.")
	}
	switch r.Source.Owner {
	case "AWS", "CUSTOM_LAMBDA":
		if r.Source.SourceIdentifier == "" {
			return nil, errf("InvalidParameterValueException", "SourceIdentifier is required.")
		}
	case "CUSTOM_POLICY":
	default:
		return nil, errf("InvalidParameterValueException", "The Owner '%s' is not valid.", r.Source.Owner)
	}
	cs := state(c)
	if len(cs.Recorders) == 0 {
		return nil, errf("NoAvailableConfigurationRecorderException", "Configuration recorder is not available to put config rule.")
	}
	nr := world.ConfigRule{Name: r.ConfigRuleName, Description: r.Description, Owner: r.Source.Owner, SourceIdentifier: r.Source.SourceIdentifier,
		InputParameters: r.InputParameters, MaxFrequency: r.MaximumExecutionFrequency, State: "ACTIVE"}
	if r.Scope != nil {
		nr.ResourceTypes = r.Scope.ComplianceResourceTypes
	}
	if _, old := findRule(cs, nr.Name); old != nil {
		nr.ID, nr.CreatedBy = old.ID, old.CreatedBy
		*old = nr
		return nil, nil
	}
	if len(cs.Rules) >= 1000 {
		return nil, errf("MaxNumberOfConfigRulesExceededException", "Failed to put config rule '%s' because the maximum number of config rules: 1000 is reached.", nr.Name)
	}
	nr.ID = c.World.HexID("config-rule-", 6)
	cs.Rules = append(cs.Rules, &nr)
	return nil, nil
}

func deleteRule(c *svc.Ctx) (any, error) {
	var in struct{ ConfigRuleName string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	cs := state(c)
	i, r := findRule(cs, in.ConfigRuleName)
	if r == nil {
		return nil, noRule(in.ConfigRuleName)
	}
	cs.Rules = append(cs.Rules[:i:i], cs.Rules[i+1:]...)
	return nil, nil
}
