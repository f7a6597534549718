package terraform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kms"
	"github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

// KMS, RDS, CloudTrail, Config, GuardDuty, Lambda, SNS, CloudWatch Logs
// and CloudWatch: one function per resource type, values as the
// service's Describe/Get calls would return them once applied.

var _ = register(0, mapKMSKey, "aws_kms_key")
var _ = register(0, mapDBInstance, "aws_db_instance")
var _ = register(0, mapRDSCluster, "aws_rds_cluster")
var _ = register(1, mapDBSnapshot, "aws_db_snapshot", "aws_db_cluster_snapshot")
var _ = register(1, mapTrail, "aws_cloudtrail")
var _ = register(0, mapRecorder, "aws_config_configuration_recorder")
var _ = register(1, mapRecorderStatus, "aws_config_configuration_recorder_status")
var _ = register(0, mapDetector, "aws_guardduty_detector")
var _ = register(1, mapDetectorFeature, "aws_guardduty_detector_feature")
var _ = register(0, mapFunction, "aws_lambda_function")
var _ = register(1, mapPermission, "aws_lambda_permission", "aws_lambda_function_url")
var _ = register(0, mapTopic, "aws_sns_topic")
var _ = register(1, mapTopicPart, "aws_sns_topic_policy", "aws_sns_topic_subscription")
var _ = register(0, mapLogGroup, "aws_cloudwatch_log_group")
var _ = register(0, mapMetricFilter, "aws_cloudwatch_log_metric_filter")
var _ = register(1, mapAlarm, "aws_cloudwatch_metric_alarm")

func mapKMSKey(b *builder, in *instance) {
	o := in.after
	id := idOf(in, "")
	if id == syntheticID("", in.addr) {
		id = fmt.Sprintf("%s-0000-0000-0000-000000000000", id[:8])
	}
	k := &kms.Key{ARN: b.arn("kms", "key/"+id), ID: id, Manager: "CUSTOMER", State: "Enabled", Spec: "SYMMETRIC_DEFAULT", Usage: "ENCRYPT_DECRYPT", Origin: "AWS_KMS"}
	k.Description, _ = o.str("description")
	if s, ok := o.str("customer_master_key_spec"); ok && s != "" {
		k.Spec = s
	}
	if u, ok := o.str("key_usage"); ok && u != "" {
		k.Usage = u
	}
	if e, ok := o.boolean("is_enabled"); ok && !e {
		k.State = "Disabled"
	}
	k.MultiRegion, _ = o.boolean("multi_region")
	rot, known := o.boolean("enable_key_rotation")
	if known || !o.unknown("enable_key_rotation") {
		k.RotationEnabled = &rot
	} else {
		in.res.AddUnknown("enable_key_rotation")
	}
	if o.unknown("policy") {
		in.res.AddUnknown("policy")
		in.res.UnknownFor = map[string][]string{"KMS.5": {"policy"}}
		if !known && o.unknown("enable_key_rotation") {
			in.res.UnknownFor["KMS.4"] = []string{"enable_key_rotation"}
		}
	} else {
		k.Policy, _ = o.str("policy")
	}
	in.res.ARN = k.ARN
	b.reg.KMS.Keys = append(b.reg.KMS.Keys, k)
}

func mapDBInstance(b *builder, in *instance) {
	o := in.after
	id, _ := o.str("identifier")
	if id == "" {
		id = placeholderName(in.addr)
	}
	i := &rds.Instance{ARN: b.arn("rds", "db:"+id), ID: id, Status: "available", Tags: in.res.Tags}
	i.Engine, _ = o.str("engine")
	i.Version, _ = o.str("engine_version")
	i.Class, _ = o.str("instance_class")
	i.ClusterID, _ = o.str("cluster_identifier")
	i.ReplicaOf, _ = o.str("replicate_source_db")
	i.PubliclyAccessible, _ = o.boolean("publicly_accessible")
	i.StorageEncrypted, _ = o.boolean("storage_encrypted")
	i.KMSKeyID, _ = o.str("kms_key_id")
	i.MultiAZ, _ = o.boolean("multi_az")
	i.MonitoringInterval, _ = o.num("monitoring_interval")
	i.LogExports = o.strs("enabled_cloudwatch_logs_exports")
	i.IAMAuth, _ = o.boolean("iam_database_authentication_enabled")
	i.BackupRetentionDays, _ = o.num("backup_retention_period")
	i.AutoMinorVersionUpgrade = true
	if v, ok := o.boolean("auto_minor_version_upgrade"); ok {
		i.AutoMinorVersionUpgrade = v
	}
	i.CopyTagsToSnapshot, _ = o.boolean("copy_tags_to_snapshot")
	i.DeletionProtection, _ = o.boolean("deletion_protection")
	i.Port, _ = o.num("port")
	for _, k := range []string{"publicly_accessible", "storage_encrypted", "multi_az", "backup_retention_period", "engine_version", "port"} {
		if o.unknown(k) {
			in.res.AddUnknown(k)
		}
	}
	in.res.ARN = i.ARN
	b.reg.RDS.Instances = append(b.reg.RDS.Instances, i)
}

func mapRDSCluster(b *builder, in *instance) {
	o := in.after
	id, _ := o.str("cluster_identifier")
	if id == "" {
		id = placeholderName(in.addr)
	}
	c := &rds.Cluster{ARN: b.arn("rds", "cluster:"+id), ID: id, Tags: in.res.Tags}
	c.Engine, _ = o.str("engine")
	c.StorageEncrypted, _ = o.boolean("storage_encrypted")
	c.IAMAuth, _ = o.boolean("iam_database_authentication_enabled")
	c.DeletionProtection, _ = o.boolean("deletion_protection")
	c.BackupRetentionDays, _ = o.num("backup_retention_period")
	c.LogExports = o.strs("enabled_cloudwatch_logs_exports")
	c.MultiAZ = len(o.strs("availability_zones")) > 1
	for _, k := range []string{"storage_encrypted", "backup_retention_period"} {
		if o.unknown(k) {
			in.res.AddUnknown(k)
		}
	}
	in.res.ARN = c.ARN
	b.reg.RDS.Clusters = append(b.reg.RDS.Clusters, c)
}

func mapDBSnapshot(b *builder, in *instance) {
	o := in.after
	cluster := in.typ == "aws_db_cluster_snapshot"
	idAttr := "db_snapshot_identifier"
	kind := "snapshot:"
	if cluster {
		idAttr, kind = "db_cluster_snapshot_identifier", "cluster-snapshot:"
	}
	id, _ := o.str(idAttr)
	if id == "" {
		id = placeholderName(in.addr)
	}
	s := &rds.Snapshot{ARN: b.arn("rds", kind+id), ID: id, Cluster: cluster, Type: "manual", Tags: in.res.Tags}
	if cluster {
		if c := b.ref(in, "db_cluster_identifier", func(c *instance) string { return str(c.after, "cluster_identifier") }, "aws_rds_cluster"); c != nil {
			for _, x := range b.reg.RDS.Clusters {
				if x.ARN == c.res.ARN {
					s.Source, s.Encrypted, s.Engine = x.ID, x.StorageEncrypted, x.Engine
				}
			}
		}
	} else if db := b.ref(in, "db_instance_identifier", func(c *instance) string { return str(c.after, "identifier") }, "aws_db_instance"); db != nil {
		for _, x := range b.reg.RDS.Instances {
			if x.ARN == db.res.ARN {
				s.Source, s.Encrypted, s.Engine, s.KMSKeyID = x.ID, x.StorageEncrypted, x.Engine, x.KMSKeyID
			}
		}
	}
	if e, ok := o.boolean("encrypted"); ok {
		s.Encrypted = e
	}
	// Sharing is a separate call (aws_db_snapshot has shared_accounts in
	// provider v5.x).
	s.RestorableBy = o.strs("shared_accounts")
	in.res.ARN = s.ARN
	b.reg.RDS.Snapshots = append(b.reg.RDS.Snapshots, s)
}

func mapTrail(b *builder, in *instance) {
	o := in.after
	name, _ := o.str("name")
	if name == "" {
		name = placeholderName(in.addr)
	}
	t := cloudtrail.Trail{ARN: b.arn("cloudtrail", "trail/"+name), Name: name, HomeRegion: b.region}
	t.S3BucketName, _ = o.str("s3_bucket_name")
	t.S3KeyPrefix, _ = o.str("s3_key_prefix")
	t.IsMultiRegion, _ = o.boolean("is_multi_region_trail")
	t.IsOrganization, _ = o.boolean("is_organization_trail")
	t.IncludeGlobalServiceEvents = true
	if v, ok := o.boolean("include_global_service_events"); ok {
		t.IncludeGlobalServiceEvents = v
	}
	t.LogFileValidation, _ = o.boolean("enable_log_file_validation")
	t.KMSKeyID, _ = o.str("kms_key_id")
	if o.unknown("kms_key_id") {
		t.KMSKeyID = "(" + iac.KnownAfterApply + ")"
	}
	t.CloudWatchLogsLogGroupARN, _ = o.str("cloud_watch_logs_group_arn")
	if o.unknown("cloud_watch_logs_group_arn") {
		if lg := b.ref(in, "cloud_watch_logs_group_arn", func(c *instance) string { return "" }, "aws_cloudwatch_log_group"); lg != nil {
			t.CloudWatchLogsLogGroupARN = lg.res.ARN + ":*"
		}
	}
	t.CloudWatchLogsRoleARN, _ = o.str("cloud_watch_logs_role_arn")
	t.SNSTopicARN, _ = o.str("sns_topic_name")
	logging := true
	if v, ok := o.boolean("enable_logging"); ok {
		logging = v
	}
	t.Status = &cloudtrail.Status{IsLogging: logging}
	t.Selectors = &cloudtrail.Selectors{}
	for _, es := range o.blocks("event_selector") {
		s := cloudtrail.EventSelector{ReadWriteType: "All", IncludeManagementEvents: true}
		if v, ok := es.str("read_write_type"); ok && v != "" {
			s.ReadWriteType = v
		}
		if v, ok := es.boolean("include_management_events"); ok {
			s.IncludeManagementEvents = v
		}
		s.ExcludeManagementEventSources = es.strs("exclude_management_event_sources")
		for _, dr := range es.blocks("data_resource") {
			typ, _ := dr.str("type")
			s.DataResources = append(s.DataResources, cloudtrail.DataResource{Type: typ, Values: dr.strs("values")})
		}
		t.Selectors.Basic = append(t.Selectors.Basic, s)
	}
	for _, as := range o.blocks("advanced_event_selector") {
		a := cloudtrail.AdvancedEventSelector{}
		a.Name, _ = as.str("name")
		for _, fs := range as.blocks("field_selector") {
			f := cloudtrail.FieldSelector{Equals: fs.strs("equals"), NotEquals: fs.strs("not_equals"), StartsWith: fs.strs("starts_with"),
				NotStartsWith: fs.strs("not_starts_with"), EndsWith: fs.strs("ends_with"), NotEndsWith: fs.strs("not_ends_with")}
			f.Field, _ = fs.str("field")
			a.FieldSelectors = append(a.FieldSelectors, f)
		}
		t.Selectors.Advanced = append(t.Selectors.Advanced, a)
	}
	if len(t.Selectors.Basic) == 0 && len(t.Selectors.Advanced) == 0 {
		// A trail created without selectors logs all management events.
		t.Selectors.Basic = []cloudtrail.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}
	}
	in.res.ARN = t.ARN
	in.res.Facts = []string{iac.FactCloudTrail, iac.FactMetricFilters}
	b.reg.CloudTrail.Trails = append(b.reg.CloudTrail.Trails, t)
}

func mapRecorder(b *builder, in *instance) {
	o := in.after
	name, _ := o.str("name")
	if name == "" {
		name = "default"
	}
	r := config.Recorder{Name: name, ARN: b.arn("config", "configuration-recorder/"+name)}
	r.RoleARN, _ = o.str("role_arn")
	if g, ok := o.block("recording_group"); ok {
		r.AllSupported, _ = g.boolean("all_supported")
		r.IncludeGlobalResourceTypes, _ = g.boolean("include_global_resource_types")
		r.ResourceTypes = g.strs("resource_types")
		if s, ok := g.block("recording_strategy"); ok {
			r.RecordingStrategy, _ = s.str("use_only")
		}
	} else {
		r.AllSupported = true // the API's default recording group
	}
	if m, ok := o.block("recording_mode"); ok {
		r.RecordingFrequency, _ = m.str("recording_frequency")
	}
	// Stopped until an aws_config_configuration_recorder_status starts it.
	r.Status = &config.RecorderStatus{Recording: false}
	in.res.ARN = r.ARN
	in.res.Facts = []string{iac.FactConfigRecorder}
	b.reg.Config.Recorders = append(b.reg.Config.Recorders, r)
}

func mapRecorderStatus(b *builder, in *instance) {
	name, _ := in.after.str("name")
	for i := range b.reg.Config.Recorders {
		r := &b.reg.Config.Recorders[i]
		if r.Name == name || (name == "" && len(b.reg.Config.Recorders) == 1) {
			on, known := in.after.boolean("is_enabled")
			r.Status = &config.RecorderStatus{Recording: on, LastStatus: "SUCCESS"}
			if !known {
				in.res.AddUnknown("is_enabled")
			}
			in.res.ARN = r.ARN
			in.res.Joins = "aws_config_configuration_recorder " + r.Name
			in.res.Facts = []string{iac.FactConfigRecorder}
			return
		}
	}
	unjoined(in, "name", "configuration recorder")
}

func mapDetector(b *builder, in *instance) {
	o := in.after
	id := idOf(in, "")
	if id == syntheticID("", in.addr) { // detector IDs are 32 hex digits
		id = syntheticID("", in.addr+"#detector") + syntheticID("", in.addr+"#id")[:15]
	}
	d := guardduty.Detector{ID: id, ARN: b.arn("guardduty", "detector/"+id), Status: guardduty.Enabled, Tags: in.res.Tags, Features: map[string]guardduty.Feature{}}
	if e, ok := o.boolean("enable"); ok && !e {
		d.Status = guardduty.Disabled
	}
	d.FindingPublishingFrequency, _ = o.str("finding_publishing_frequency")
	// The legacy datasources block.
	if ds, ok := o.block("datasources"); ok {
		if s3l, ok := ds.block("s3_logs"); ok {
			d.Features[guardduty.FeatureS3DataEvents] = feature(s3l, "enable")
		}
		if k, ok := ds.block("kubernetes"); ok {
			if al, ok := k.block("audit_logs"); ok {
				d.Features[guardduty.FeatureEKSAuditLogs] = feature(al, "enable")
			}
		}
		if mp, ok := ds.block("malware_protection"); ok {
			if sc, ok := mp.block("scan_ec2_instance_with_findings"); ok {
				if eb, ok := sc.block("ebs_volumes"); ok {
					d.Features[guardduty.FeatureEBSMalwareProtection] = feature(eb, "enable")
				}
			}
		}
	}
	in.res.ARN = d.ARN
	in.res.Facts = []string{iac.FactGuardDuty}
	b.reg.GuardDuty.Detectors = append(b.reg.GuardDuty.Detectors, d)
}

func feature(o obj, attr string) guardduty.Feature {
	if on, _ := o.boolean(attr); on {
		return guardduty.Feature{Status: guardduty.Enabled}
	}
	return guardduty.Feature{Status: guardduty.Disabled}
}

func mapDetectorFeature(b *builder, in *instance) {
	det := b.ref(in, "detector_id", func(c *instance) string { return idOf(c, "") }, "aws_guardduty_detector")
	if det == nil {
		unjoined(in, "detector_id", "detector")
		return
	}
	for i := range b.reg.GuardDuty.Detectors {
		d := &b.reg.GuardDuty.Detectors[i]
		if d.ARN != det.res.ARN {
			continue
		}
		name, _ := in.after.str("name")
		st, _ := in.after.str("status")
		f := guardduty.Feature{Status: st, Additional: map[string]string{}}
		for _, a := range in.after.blocks("additional_configuration") {
			n, _ := a.str("name")
			s, _ := a.str("status")
			f.Additional[n] = s
		}
		d.Features[name] = f
		in.res.ARN, in.res.Joins = d.ARN, det.addr
		in.res.Facts = []string{iac.FactGuardDuty}
	}
}

func mapFunction(b *builder, in *instance) {
	o := in.after
	name, _ := o.str("function_name")
	if name == "" {
		name = placeholderName(in.addr)
	}
	f := &lambda.Function{ARN: b.arn("lambda", "function:"+name), Name: name, PackageType: "Zip"}
	if p, ok := o.str("package_type"); ok && p != "" {
		f.PackageType = p
	}
	f.Runtime, _ = o.str("runtime")
	if v, ok := o.block("vpc_config"); ok {
		f.SubnetIDs = v.strs("subnet_ids")
		f.SecurityGroupIDs = v.strs("security_group_ids")
		f.VpcID, _ = v.str("vpc_id")
	}
	if o.unknown("runtime") {
		in.res.AddUnknown("runtime")
	}
	in.res.ARN = f.ARN
	b.reg.Lambda.Functions = append(b.reg.Lambda.Functions, f)
}

// lambdaStatement is a statement of a function's resource policy as
// AddPermission writes it.
type lambdaStatement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal"`
	Action    string                       `json:"Action"`
	Resource  string                       `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

func mapPermission(b *builder, in *instance) {
	fn := b.ref(in, "function_name", func(c *instance) string {
		n, _ := c.after.str("function_name")
		return n
	}, "aws_lambda_function")
	if fn == nil {
		unjoined(in, "function_name", "function")
		return
	}
	var f *lambda.Function
	for _, x := range b.reg.Lambda.Functions {
		if x.ARN == fn.res.ARN {
			f = x
		}
	}
	in.res.ARN, in.res.Joins = f.ARN, fn.addr
	o := in.after
	var st lambdaStatement
	switch in.typ {
	case "aws_lambda_permission":
		sid, _ := o.str("statement_id")
		if sid == "" {
			sid = placeholderName(in.addr)
		}
		p, _ := o.str("principal")
		action, _ := o.str("action")
		st = lambdaStatement{Sid: sid, Effect: "Allow", Action: action, Resource: f.ARN, Condition: map[string]map[string]string{}}
		switch {
		case p == "*":
			st.Principal = "*"
		case len(p) == 12 || (len(p) > 4 && p[:4] == "arn:"):
			st.Principal = map[string]string{"AWS": p}
		default:
			st.Principal = map[string]string{"Service": p}
		}
		if v, ok := o.str("source_arn"); ok && v != "" {
			st.Condition["ArnLike"] = map[string]string{"AWS:SourceArn": v}
		} else if o.unknown("source_arn") {
			st.Condition["ArnLike"] = map[string]string{"AWS:SourceArn": "(" + iac.KnownAfterApply + ")"}
		}
		if v, ok := o.str("source_account"); ok && v != "" {
			st.Condition["StringEquals"] = map[string]string{"AWS:SourceAccount": v}
		}
		if v, ok := o.str("principal_org_id"); ok && v != "" {
			st.Condition["StringEquals"] = map[string]string{"aws:PrincipalOrgID": v}
		}
		if v, ok := o.str("function_url_auth_type"); ok && v != "" {
			st.Condition["StringEquals"] = map[string]string{"lambda:FunctionUrlAuthType": v}
		}
		if len(st.Condition) == 0 {
			st.Condition = nil
		}
	case "aws_lambda_function_url":
		auth, _ := o.str("authorization_type")
		if auth != "NONE" {
			return // AWS_IAM: no resource policy statement
		}
		// Creating a URL with auth NONE in the console or with
		// CreateFunctionUrlConfig does not add the public statement; the
		// function is public only with it. Terraform users add it with
		// aws_lambda_permission (function_url_auth_type = NONE).
		return
	}
	var doc struct {
		Version   string            `json:"Version"`
		ID        string            `json:"Id"`
		Statement []lambdaStatement `json:"Statement"`
	}
	if f.Policy != "" {
		_ = json.Unmarshal([]byte(f.Policy), &doc)
	} else {
		doc.Version, doc.ID = "2012-10-17", "default"
	}
	doc.Statement = append(doc.Statement, st)
	sort.SliceStable(doc.Statement, func(i, j int) bool { return doc.Statement[i].Sid < doc.Statement[j].Sid })
	out, _ := json.Marshal(doc)
	f.Policy = string(out)
}

func mapTopic(b *builder, in *instance) {
	o := in.after
	name, _ := o.str("name")
	if name == "" {
		name = placeholderName(in.addr)
	}
	t := sns.Topic{ARN: b.arn("sns", name), Name: name}
	topicAttribute(in, &t, "kms_master_key_id", sns.DetailKMSKey, &t.KMSKeyID)
	topicAttribute(in, &t, "policy", sns.DetailPolicy, &t.Policy)
	in.res.ARN = t.ARN
	b.reg.SNS.Topics = append(b.reg.SNS.Topics, t)
}

// topicAttribute sets *to from attr of in, or records on t that detail is
// known only after apply.
func topicAttribute(in *instance, t *sns.Topic, attr, detail string, to *string) {
	if in.after.unknown(attr) {
		if t.Errors == nil {
			t.Errors = map[string]string{}
		}
		t.Errors[detail] = knownAfter(in, attr)
		return
	}
	*to, _ = in.after.str(attr)
}

func mapTopicPart(b *builder, in *instance) {
	attr := "arn"
	if in.typ == "aws_sns_topic_subscription" {
		attr = "topic_arn"
	}
	topic := b.ref(in, attr, func(c *instance) string { return c.res.ARN }, "aws_sns_topic")
	if topic == nil {
		unjoined(in, attr, "topic")
		return
	}
	t := b.reg.SNS.Topic(topic.res.ARN)
	in.res.ARN, in.res.Joins = t.ARN, topic.addr
	if in.typ == "aws_sns_topic_policy" {
		delete(t.Errors, sns.DetailPolicy)
		topicAttribute(in, t, "policy", sns.DetailPolicy, &t.Policy)
	}
	if in.typ == "aws_sns_topic_subscription" {
		p, _ := in.after.str("protocol")
		e, _ := in.after.str("endpoint")
		arn := t.ARN + ":" + syntheticID("", in.addr)
		if p == "email" || p == "email-json" || p == "http" || p == "https" {
			arn = "PendingConfirmation" // until the endpoint confirms
		}
		t.Subscriptions = append(t.Subscriptions, sns.Subscription{ARN: arn, Protocol: p, Endpoint: e, Owner: b.account})
	}
}

func mapLogGroup(b *builder, in *instance) {
	name, _ := in.after.str("name")
	if name == "" {
		name = placeholderName(in.addr)
	}
	in.res.ARN = b.arn("logs", "log-group:"+name)
}

func mapMetricFilter(b *builder, in *instance) {
	o := in.after
	f := logs.MetricFilter{Created: b.src.Snapshot.Taken.Truncate(time.Second)}
	f.Name, _ = o.str("name")
	f.LogGroupName, _ = o.str("log_group_name")
	if f.LogGroupName == "" {
		if lg := b.ref(in, "log_group_name", func(c *instance) string { return str(c.after, "name") }, "aws_cloudwatch_log_group"); lg != nil {
			f.LogGroupName, _ = lg.after.str("name")
		}
	}
	f.Pattern, _ = o.str("pattern")
	for _, t := range o.blocks("metric_transformation") {
		mt := logs.MetricTransformation{}
		mt.MetricName, _ = t.str("name")
		mt.MetricNamespace, _ = t.str("namespace")
		mt.MetricValue, _ = t.str("value")
		f.Transformations = append(f.Transformations, mt)
	}
	in.res.ARN = b.arn("logs", "log-group:"+f.LogGroupName+":metric-filter:"+f.Name)
	in.res.Facts = []string{iac.FactMetricFilters}
	b.reg.Logs.MetricFilters = append(b.reg.Logs.MetricFilters, f)
}

func mapAlarm(b *builder, in *instance) {
	o := in.after
	a := cloudwatch.Alarm{ActionsEnabled: true}
	a.Name, _ = o.str("alarm_name")
	a.MetricName, _ = o.str("metric_name")
	a.Namespace, _ = o.str("namespace")
	a.Statistic, _ = o.str("statistic")
	a.ComparisonOperator, _ = o.str("comparison_operator")
	if v, ok := o.boolean("actions_enabled"); ok {
		a.ActionsEnabled = v
	}
	if p, ok := o.num("period"); ok {
		a.Period = int32(p)
	}
	if p, ok := o.num("evaluation_periods"); ok {
		a.EvaluationPeriods = int32(p)
	}
	if t, ok := o.v["threshold"].(float64); ok {
		a.Threshold = t
	}
	a.AlarmActions = o.strs("alarm_actions")
	if o.partlyUnknown("alarm_actions") {
		for _, r := range b.refsTo(in, "alarm_actions", "aws_sns_topic") {
			a.AlarmActions = append(a.AlarmActions, r.res.ARN)
		}
	}
	a.OKActions = o.strs("ok_actions")
	a.ARN = b.arn("cloudwatch", "alarm:"+a.Name)
	in.res.ARN = a.ARN
	in.res.Facts = []string{iac.FactMetricFilters}
	b.reg.CloudWatch.Alarms = append(b.reg.CloudWatch.Alarms, a)
}

// refsTo returns every instance of typ the configuration of in's attr
// refers to (a list of references).
func (b *builder) refsTo(in *instance, attr, typ string) []*instance {
	if in.cfg == nil || in.cfg.Expressions[attr] == nil || in.cfg.Expressions[attr].ExpressionData == nil {
		return nil
	}
	prefix := ""
	if in.module != "" {
		prefix = stripIndexes(in.module) + "."
	}
	var out []*instance
	seen := map[*instance]bool{}
	for _, r := range in.cfg.Expressions[attr].References {
		parts := strings.Split(stripIndexes(r), ".")
		if len(parts) < 2 || parts[0] != typ {
			continue
		}
		for _, c := range b.byConfig[prefix+parts[0]+"."+parts[1]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
