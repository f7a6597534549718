package cloudformation

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/iac"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudwatch"
	"github.com/guardrail-sec/guardrail/internal/snapshot/config"
	"github.com/guardrail-sec/guardrail/internal/snapshot/ec2"
	"github.com/guardrail-sec/guardrail/internal/snapshot/guardduty"
	"github.com/guardrail-sec/guardrail/internal/snapshot/kms"
	"github.com/guardrail-sec/guardrail/internal/snapshot/lambda"
	"github.com/guardrail-sec/guardrail/internal/snapshot/logs"
	"github.com/guardrail-sec/guardrail/internal/snapshot/rds"
	"github.com/guardrail-sec/guardrail/internal/snapshot/sns"
)

// attachInstance gives an instance its network interface, attached to
// the template's security groups it names (so a group's results say it
// is in use).
func attachInstance(r *resource) {
	e := r.m.reg.EC2
	for i := range e.Instances {
		inst := &e.Instances[i]
		if inst.ARN != r.ir.ARN {
			continue
		}
		eni := "eni-" + hashOf(r.m.t.StackName, r.LogicalID, "eni")[:17]
		inst.NetworkInterfaces = []string{eni}
		e.NetworkInterfaces = append(e.NetworkInterfaces, ec2.NetworkInterface{ID: eni, Type: "interface", SubnetID: inst.SubnetID,
			InstanceID: inst.ID, SecurityGroups: inst.SecurityGroups, Status: "in-use"})
		for _, sg := range inst.SecurityGroups {
			for j := range e.SecurityGroups {
				if g := &e.SecurityGroups[j]; g.ID == sg || g.Name == sg {
					g.NetworkInterfaces = append(g.NetworkInterfaces, eni)
				}
			}
		}
	}
}

func mapVPCEndpoint(r *resource) {
	id, _ := r.identity()
	vt := r.m.refTarget(get(r.Properties, "VpcId"), "AWS::EC2::VPC")
	vpc, _, _ := r.prop("VpcId")
	if vt != nil {
		owner := r.m.ir[vt.LogicalID]
		r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	}
	typ, ok, _ := r.prop("VpcEndpointType")
	if !ok {
		typ = "Gateway"
	}
	svc, _, _ := r.prop("ServiceName")
	r.m.reg.EC2.VPCEndpoints = append(r.m.reg.EC2.VPCEndpoints, ec2.VPCEndpoint{ID: id, Type: typ, VPCID: vpc, ServiceName: svc, State: "available"})
}

// defaultKeyPolicy is the key policy KMS gives a key created without one:
// the account (through IAM) may do everything with it.
func defaultKeyPolicy(partition, account string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}`, partition, account)
}

func mapKey(r *resource) {
	id, arn := r.identity()
	k := &kms.Key{ARN: arn, ID: id, Manager: "CUSTOMER", State: "Enabled", Spec: "SYMMETRIC_DEFAULT", Usage: "ENCRYPT_DECRYPT", Origin: "AWS_KMS"}
	k.Description, _, _ = r.prop("Description")
	if en, _ := r.boolProp("Enabled", true, "KMS.3", "KMS.4"); !en {
		k.State = "Disabled"
	}
	if s, ok, _ := r.prop("KeySpec"); ok {
		k.Spec = s
	}
	if s, ok, _ := r.prop("KeyUsage"); ok {
		k.Usage = s
	}
	if s, ok, _ := r.prop("Origin"); ok {
		k.Origin = s
		if s == "EXTERNAL" {
			// No key material yet: KMS holds the key in PendingImport.
			k.State = "PendingImport"
		}
	}
	k.MultiRegion, _ = r.boolProp("MultiRegion", false)
	if k.Rotatable() {
		rot, known := r.boolProp("EnableKeyRotation", false, "KMS.4")
		if known {
			k.RotationEnabled = &rot
		} else {
			k.Errors = map[string]string{"rotation": iac.KnownAfterApply + ": EnableKeyRotation"}
		}
	}
	if doc, why := r.policyJSON(get(r.Properties, "KeyPolicy"), "KeyPolicy"); why != "" {
		if k.Errors == nil {
			k.Errors = map[string]string{}
		}
		k.Errors["policy"] = why
	} else if doc != "" {
		k.Policy = doc
	} else {
		k.Policy = defaultKeyPolicy(r.m.t.opts.Partition, r.m.t.opts.AccountID)
	}
	r.m.reg.KMS.Keys = append(r.m.reg.KMS.Keys, k)
}

// mapAlias names its key.
func mapAlias(r *resource) {
	t := r.m.refTarget(get(r.Properties, "TargetKeyId"), "AWS::KMS::Key")
	if t == nil {
		r.m.dropJoin(r, "its key is not defined in this template")
		return
	}
	owner := r.m.ir[t.LogicalID]
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	name, _, _ := r.prop("AliasName")
	for _, k := range r.m.reg.KMS.Keys {
		if k.ARN == owner.ARN {
			k.Aliases = append(k.Aliases, name)
		}
	}
}

// keyARN turns a KMS key reference (ID, ARN, alias) into what the
// services report: the key ARN when it is the template's key.
func (r *resource) keyARN(path string) string {
	v := get(r.Properties, path)
	if t := r.m.refTarget(v, "AWS::KMS::Key"); t != nil {
		return r.m.e.arnOf(t, r.m.e.rawID(t).Str)
	}
	s, _, _ := r.prop(path)
	return s
}

func mapTrail(r *resource) {
	name, arn := r.identity()
	o := r.m.t.opts
	t := cloudtrail.Trail{ARN: arn, Name: name, HomeRegion: o.Region}
	t.S3BucketName, _, _ = r.prop("S3BucketName")
	t.S3KeyPrefix, _, _ = r.prop("S3KeyPrefix")
	t.IsMultiRegion, _ = r.boolProp("IsMultiRegionTrail", false, "CloudTrail.1")
	t.IsOrganization, _ = r.boolProp("IsOrganizationTrail", false, "CloudTrail.1")
	t.IncludeGlobalServiceEvents, _ = r.boolProp("IncludeGlobalServiceEvents", true, "CloudTrail.1")
	t.LogFileValidation, _ = r.boolProp("EnableLogFileValidation", false, "CloudTrail.4")
	if _, _, why := r.prop("KMSKeyId", "CloudTrail.2"); why == "" {
		t.KMSKeyID = r.keyARN("KMSKeyId")
	}
	t.CloudWatchLogsLogGroupARN, _, _ = r.prop("CloudWatchLogsLogGroupArn", "CloudTrail.5")
	t.CloudWatchLogsRoleARN, _, _ = r.prop("CloudWatchLogsRoleArn")
	if topic, ok, _ := r.prop("SnsTopicName"); ok {
		if strings.HasPrefix(topic, "arn:") {
			t.SNSTopicARN = topic
		} else {
			t.SNSTopicARN = fmt.Sprintf("arn:%s:sns:%s:%s:%s", o.Partition, o.Region, o.AccountID, topic)
		}
	}
	logging, known := r.boolProp("IsLogging", false, "CloudTrail.1")
	if known {
		t.Status = &cloudtrail.Status{IsLogging: logging}
		if logging {
			t.Status.StartLoggingTime = r.m.now
		}
	} else {
		t.Errors = map[string]string{"status": iac.KnownAfterApply + ": IsLogging"}
	}
	t.Selectors = r.selectors()
	r.m.reg.CloudTrail.Trails = append(r.m.reg.CloudTrail.Trails, t)
	r.ir.Facts = append(r.ir.Facts, iac.FactCloudTrail)
}

// selectors reads EventSelectors or AdvancedEventSelectors; a trail
// with neither logs all management events (CloudTrail's default).
func (r *resource) selectors() *cloudtrail.Selectors {
	out := &cloudtrail.Selectors{}
	if adv := get(r.Properties, "AdvancedEventSelectors"); adv != nil && adv.Kind == List {
		for _, a := range adv.List {
			sel := cloudtrail.AdvancedEventSelector{}
			sel.Name, _ = a.Get("Name").Scalar()
			for _, f := range listOf(a.Get("FieldSelectors")) {
				fs := cloudtrail.FieldSelector{}
				fs.Field, _ = f.Get("Field").Scalar()
				fs.Equals = scalars(f.Get("Equals"))
				fs.NotEquals = scalars(f.Get("NotEquals"))
				fs.StartsWith = scalars(f.Get("StartsWith"))
				fs.NotStartsWith = scalars(f.Get("NotStartsWith"))
				fs.EndsWith = scalars(f.Get("EndsWith"))
				fs.NotEndsWith = scalars(f.Get("NotEndsWith"))
				sel.FieldSelectors = append(sel.FieldSelectors, fs)
			}
			out.Advanced = append(out.Advanced, sel)
		}
		return out
	}
	es := get(r.Properties, "EventSelectors")
	if es == nil || es.Kind != List || len(es.List) == 0 {
		out.Basic = []cloudtrail.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}
		return out
	}
	for _, s := range es.List {
		sel := cloudtrail.EventSelector{ReadWriteType: "All", IncludeManagementEvents: true}
		if v, ok := s.Get("ReadWriteType").Scalar(); ok {
			sel.ReadWriteType = v
		}
		if v, ok := s.Get("IncludeManagementEvents").Scalar(); ok {
			sel.IncludeManagementEvents = strings.EqualFold(v, "true")
		}
		sel.ExcludeManagementEventSources = scalars(s.Get("ExcludeManagementEventSources"))
		for _, d := range listOf(s.Get("DataResources")) {
			typ, _ := d.Get("Type").Scalar()
			sel.DataResources = append(sel.DataResources, cloudtrail.DataResource{Type: typ, Values: scalars(d.Get("Values"))})
		}
		out.Basic = append(out.Basic, sel)
	}
	return out
}

func listOf(v *Value) []*Value {
	if v == nil || v.Kind != List {
		return nil
	}
	return v.List
}

func scalars(v *Value) []string {
	var out []string
	if s, ok := v.Scalar(); ok {
		return []string{s}
	}
	for _, e := range listOf(v) {
		if s, ok := e.Scalar(); ok {
			out = append(out, s)
		}
	}
	return out
}

func mapRecorder(r *resource) {
	name, ok, _ := r.prop("Name")
	if !ok {
		name = "default"
	}
	o := r.m.t.opts
	rec := config.Recorder{Name: name, ARN: fmt.Sprintf("arn:%s:config:%s:%s:configuration-recorder/%s", o.Partition, o.Region, o.AccountID, name),
		AllSupported: true, RecordingFrequency: "CONTINUOUS"}
	r.ir.ARN = rec.ARN
	rec.RoleARN, _, _ = r.prop("RoleARN")
	if get(r.Properties, "RecordingGroup") != nil {
		rec.AllSupported, _ = r.boolProp("RecordingGroup.AllSupported", false, "Config.1")
		rec.IncludeGlobalResourceTypes, _ = r.boolProp("RecordingGroup.IncludeGlobalResourceTypes", false, "Config.1")
		rec.ResourceTypes, _ = r.strList(r.Properties, "RecordingGroup.ResourceTypes", "Config.1")
		rec.ExcludedResourceTypes, _ = r.strList(r.Properties, "RecordingGroup.ExclusionByResourceTypes.ResourceTypes", "Config.1")
		rec.RecordingStrategy, _, _ = r.prop("RecordingGroup.RecordingStrategy.UseOnly")
	}
	if rec.RecordingStrategy == "" && rec.AllSupported {
		rec.RecordingStrategy = config.AllSupportedResourceTypes
	}
	if s, ok, _ := r.prop("RecordingMode.RecordingFrequency"); ok {
		rec.RecordingFrequency = s
	}
	// CloudFormation starts the recorder once a delivery channel exists
	// in the region: one of this template, or one the account has.
	recording := false
	for _, x := range r.m.t.Resources {
		if x.Type == "AWS::Config::DeliveryChannel" {
			recording = true
		}
	}
	if !recording {
		r.unknown("recording", "CloudFormation starts the recorder only once a delivery channel exists, and this template defines none", "Config.1")
		recording = true
	}
	rec.Status = &config.RecorderStatus{Recording: recording, LastStatus: "Pending", LastStart: r.m.now}
	r.m.reg.Config.Recorders = append(r.m.reg.Config.Recorders, rec)
	r.ir.Facts = append(r.ir.Facts, iac.FactConfigRecorder)
}

func mapDeliveryChannel(r *resource) {
	name, ok, _ := r.prop("Name")
	if !ok {
		name = "default"
	}
	ch := config.DeliveryChannel{Name: name}
	ch.S3BucketName, _, _ = r.prop("S3BucketName")
	ch.S3KeyPrefix, _, _ = r.prop("S3KeyPrefix")
	ch.S3KMSKeyARN, _, _ = r.prop("S3KmsKeyArn")
	ch.SNSTopicARN, _, _ = r.prop("SnsTopicARN")
	ch.DeliveryFrequency, _, _ = r.prop("ConfigSnapshotDeliveryProperties.DeliveryFrequency")
	r.m.reg.Config.Channels = append(r.m.reg.Config.Channels, ch)
}

// guardDutyDefaults are the protection features GuardDuty turns on for a
// detector created without naming them (the foundational sources,
// CloudTrail, DNS and flow logs, are always on and not reported as
// features).
var guardDutyDefaults = map[string]bool{
	guardduty.FeatureS3DataEvents: true, guardduty.FeatureEKSAuditLogs: true, guardduty.FeatureEBSMalwareProtection: true,
	guardduty.FeatureRDSLoginEvents: true, guardduty.FeatureLambdaNetworkLogs: true,
	guardduty.FeatureEKSRuntimeMonitoring: false, guardduty.FeatureRuntimeMonitoring: false,
}

func mapDetector(r *resource) {
	id, arn := r.identity()
	d := guardduty.Detector{ID: id, ARN: arn, Status: guardduty.Disabled, CreatedAt: r.m.now, Tags: r.ir.Tags, Features: map[string]guardduty.Feature{}}
	if en, known := r.boolProp("Enable", false, "GuardDuty.1"); en || !known {
		d.Status = guardduty.Enabled
	}
	d.FindingPublishingFrequency, _, _ = r.prop("FindingPublishingFrequency")
	if d.FindingPublishingFrequency == "" {
		d.FindingPublishingFrequency = "SIX_HOURS"
	}
	for name, on := range guardDutyDefaults {
		st := guardduty.Disabled
		if on {
			st = guardduty.Enabled
		}
		d.Features[name] = guardduty.Feature{Status: st}
	}
	// The legacy DataSources.
	set := func(name, path string) {
		if s, ok, _ := r.prop(path); ok {
			st := guardduty.Disabled
			if strings.EqualFold(s, "true") {
				st = guardduty.Enabled
			}
			d.Features[name] = guardduty.Feature{Status: st}
		}
	}
	set(guardduty.FeatureS3DataEvents, "DataSources.S3Logs.Enable")
	set(guardduty.FeatureEKSAuditLogs, "DataSources.Kubernetes.AuditLogs.Enable")
	set(guardduty.FeatureEBSMalwareProtection, "DataSources.MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes")
	for _, f := range listOf(get(r.Properties, "Features")) {
		name, _ := f.Get("Name").Scalar()
		st, _ := f.Get("Status").Scalar()
		feat := guardduty.Feature{Status: st}
		for _, a := range listOf(f.Get("AdditionalConfiguration")) {
			an, _ := a.Get("Name").Scalar()
			as, _ := a.Get("Status").Scalar()
			if feat.Additional == nil {
				feat.Additional = map[string]string{}
			}
			feat.Additional[an] = as
		}
		d.Features[name] = feat
	}
	r.m.reg.GuardDuty.Detectors = append(r.m.reg.GuardDuty.Detectors, d)
	r.ir.Facts = append(r.ir.Facts, iac.FactGuardDuty)
}

func mapFunction(r *resource) {
	name, arn := r.identity()
	f := &lambda.Function{ARN: arn, Name: name, PackageType: "Zip"}
	f.Runtime, _, _ = r.prop("Runtime", "Lambda.2")
	if s, ok, _ := r.prop("PackageType"); ok {
		f.PackageType = s
	} else if get(r.Properties, "Code.ImageUri") != nil {
		f.PackageType = "Image"
	}
	subnets, _ := r.strList(r.Properties, "VpcConfig.SubnetIds", "Lambda.3", "Lambda.5")
	f.SubnetIDs = subnets
	f.SecurityGroupIDs, _ = r.strList(r.Properties, "VpcConfig.SecurityGroupIds")
	if len(subnets) > 0 {
		// The zones of the template's subnets; another subnet's zone
		// is known at deploy.
		f.SubnetZones = map[string]string{}
		for i, sv := range listOf(get(r.Properties, "VpcConfig.SubnetIds")) {
			t := r.m.refTarget(sv, "AWS::EC2::Subnet")
			if t == nil {
				r.unknown(fmt.Sprintf("VpcConfig.SubnetIds[%d]", i), "the subnet's Availability Zone: it is not in this template", "Lambda.5")
				continue
			}
			sr := &resource{Resource: t, m: r.m, ir: r.m.ir[t.LogicalID]}
			az, ok, _ := sr.prop("AvailabilityZone")
			if !ok {
				r.unknown(fmt.Sprintf("VpcConfig.SubnetIds[%d]", i), "the Availability Zone of subnet "+t.LogicalID, "Lambda.5")
				continue
			}
			f.SubnetZones[r.m.e.rawID(t).Str] = az
			if vpc, ok, _ := sr.prop("VpcId"); ok {
				f.VpcID = vpc
			}
		}
	}
	r.m.reg.Lambda.Functions = append(r.m.reg.Lambda.Functions, f)
}

// lambdaPrincipal renders a permission's principal as Lambda's GetPolicy
// does.
func lambdaPrincipal(p, partition string) any {
	switch {
	case p == "*":
		return "*"
	case len(p) == 12 && strings.Trim(p, "0123456789") == "":
		return map[string]string{"AWS": "arn:" + partition + ":iam::" + p + ":root"}
	case strings.HasPrefix(p, "arn:"):
		return map[string]string{"AWS": p}
	}
	return map[string]string{"Service": p}
}

// mapPermission adds a statement to its function's resource policy, the
// statement AddPermission makes.
func mapPermission(r *resource) {
	fv := get(r.Properties, "FunctionName")
	t := r.m.refTarget(fv, "AWS::Lambda::Function")
	if t == nil {
		name, _ := fv.Scalar()
		r.m.dropJoin(r, "the function "+orUnknown(name, fv)+" is not defined in this template")
		return
	}
	owner := r.m.ir[t.LogicalID]
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	var f *lambda.Function
	for _, x := range r.m.reg.Lambda.Functions {
		if x.ARN == owner.ARN {
			f = x
		}
	}
	principal, _, why := r.prop("Principal")
	if why != "" {
		f.Errors = map[string]string{"policy": why}
		return
	}
	action, _, _ := r.prop("Action")
	st := map[string]any{"Sid": r.LogicalID, "Effect": "Allow", "Principal": lambdaPrincipal(principal, r.m.t.opts.Partition),
		"Action": action, "Resource": owner.ARN}
	cond := map[string]map[string]string{}
	add := func(op, key, path string) {
		v, ok, why := r.prop(path)
		if why != "" {
			f.Errors = map[string]string{"policy": why}
		}
		if ok {
			if cond[op] == nil {
				cond[op] = map[string]string{}
			}
			cond[op][key] = v
		}
	}
	add("StringEquals", "AWS:SourceAccount", "SourceAccount")
	add("StringEquals", "aws:PrincipalOrgID", "PrincipalOrgID")
	add("StringEquals", "lambda:FunctionUrlAuthType", "FunctionUrlAuthType")
	add("StringEquals", "lambda:EventSourceToken", "EventSourceToken")
	add("ArnLike", "AWS:SourceArn", "SourceArn")
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	var doc struct {
		Version   string           `json:"Version"`
		ID        string           `json:"Id"`
		Statement []map[string]any `json:"Statement"`
	}
	if f.Policy != "" {
		_ = json.Unmarshal([]byte(f.Policy), &doc)
	} else {
		doc.Version, doc.ID = "2012-10-17", "default"
	}
	doc.Statement = append(doc.Statement, st)
	b, _ := json.Marshal(doc)
	f.Policy = string(b)
}

// mapFunctionURL joins a function URL to its function: the URL's
// AuthType NONE takes effect only through a permission (mapped there).
func mapFunctionURL(r *resource) {
	fv := get(r.Properties, "TargetFunctionArn")
	t := r.m.refTarget(fv, "AWS::Lambda::Function")
	if t == nil {
		name, _ := fv.Scalar()
		r.m.dropJoin(r, "the function "+orUnknown(name, fv)+" is not defined in this template")
		return
	}
	owner := r.m.ir[t.LogicalID]
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
}

// subscriptionARN is a synthetic confirmed subscription; endpoints that
// must confirm (email, HTTP) stay pending.
func subscription(topicARN, protocol, endpoint, id string) sns.Subscription {
	s := sns.Subscription{ARN: topicARN + ":" + uuidOf(topicARN, id), Protocol: protocol, Endpoint: endpoint}
	switch protocol {
	case "email", "email-json", "http", "https":
		s.ARN = "PendingConfirmation"
	}
	return s
}

func mapTopic(r *resource) {
	_, arn := r.identity()
	name := arn[strings.LastIndex(arn, ":")+1:]
	t := sns.Topic{ARN: arn, Name: name, Subscriptions: []sns.Subscription{}}
	if key, _, why := r.prop("KmsMasterKeyId", "SNS.1"); why != "" {
		t.Errors = map[string]string{sns.DetailKMSKey: why}
	} else {
		t.KMSKeyID = key
	}
	for i, s := range listOf(get(r.Properties, "Subscription")) {
		p, _ := s.Get("Protocol").Scalar()
		e, _ := s.Get("Endpoint").Scalar()
		t.Subscriptions = append(t.Subscriptions, subscription(arn, p, e, strconv.Itoa(i)))
	}
	r.m.reg.SNS.Topics = append(r.m.reg.SNS.Topics, t)
}

func mapSubscription(r *resource) {
	tv := get(r.Properties, "TopicArn")
	t := r.m.refTarget(tv, "AWS::SNS::Topic")
	if t == nil {
		name, _ := tv.Scalar()
		r.m.dropJoin(r, "the topic "+orUnknown(name, tv)+" is not defined in this template")
		return
	}
	owner := r.m.ir[t.LogicalID]
	r.ir.Joins, r.ir.ARN = owner.Address, owner.ARN
	p, _, _ := r.prop("Protocol")
	e, _, _ := r.prop("Endpoint")
	if tp := r.m.reg.SNS.Topic(owner.ARN); tp != nil {
		tp.Subscriptions = append(tp.Subscriptions, subscription(owner.ARN, p, e, r.LogicalID))
	}
}

// mapTopicPolicy sets the policy of the template's topics it names
// (SNS.4 reads it) and joins it to them.
func mapTopicPolicy(r *resource) {
	doc, why := r.policyJSON(get(r.Properties, "PolicyDocument"), "PolicyDocument", "SNS.4")
	for _, tv := range listOf(get(r.Properties, "Topics")) {
		if t := r.m.refTarget(tv, "AWS::SNS::Topic"); t != nil {
			arn := r.m.ir[t.LogicalID].ARN
			r.joinTo(arn)
			if tp := r.m.reg.SNS.Topic(arn); tp != nil {
				tp.Policy = doc
				if why != "" {
					if tp.Errors == nil {
						tp.Errors = map[string]string{}
					}
					tp.Errors[sns.DetailPolicy] = why
				}
			}
		}
	}
	if r.ir.Joins == "" {
		r.m.dropJoin(r, "its topics are not defined in this template")
	}
}

// mapLogGroup: no control reads a log group itself; trails and metric
// filters refer to it by name or ARN.
func mapLogGroup(r *resource) {
	r.identity()
	r.ir.ARN = ""
}

func mapMetricFilter(r *resource) {
	f := logs.MetricFilter{Created: r.m.now}
	f.Name, _, _ = r.prop("FilterName")
	if f.Name == "" {
		f.Name = generatedName(r.m.t.StackName, r.LogicalID, false)
	}
	f.LogGroupName, _, _ = r.prop("LogGroupName")
	f.Pattern, _, _ = r.prop("FilterPattern")
	for _, t := range listOf(get(r.Properties, "MetricTransformations")) {
		mt := logs.MetricTransformation{}
		mt.MetricName, _ = t.Get("MetricName").Scalar()
		mt.MetricNamespace, _ = t.Get("MetricNamespace").Scalar()
		mt.MetricValue, _ = t.Get("MetricValue").Scalar()
		f.Transformations = append(f.Transformations, mt)
	}
	r.m.reg.Logs.MetricFilters = append(r.m.reg.Logs.MetricFilters, f)
	r.ir.Facts = append(r.ir.Facts, iac.FactMetricFilters)
}

func mapAlarm(r *resource) {
	name, arn := r.identity()
	a := cloudwatch.Alarm{ARN: arn, Name: name, State: "INSUFFICIENT_DATA", ActionsEnabled: true}
	a.MetricName, _, _ = r.prop("MetricName")
	a.Namespace, _, _ = r.prop("Namespace")
	a.Statistic, _, _ = r.prop("Statistic")
	a.ComparisonOperator, _, _ = r.prop("ComparisonOperator")
	a.Period = int32(r.intProp("Period", 0))
	a.EvaluationPeriods = int32(r.intProp("EvaluationPeriods", 0))
	if s, ok, _ := r.prop("Threshold"); ok {
		a.Threshold, _ = strconv.ParseFloat(s, 64)
	}
	a.ActionsEnabled, _ = r.boolProp("ActionsEnabled", true)
	a.AlarmActions, _ = r.strList(r.Properties, "AlarmActions")
	a.OKActions, _ = r.strList(r.Properties, "OKActions")
	a.InsufficientDataActions, _ = r.strList(r.Properties, "InsufficientDataActions")
	for _, d := range listOf(get(r.Properties, "Dimensions")) {
		k, _ := d.Get("Name").Scalar()
		v, _ := d.Get("Value").Scalar()
		if a.Dimensions == nil {
			a.Dimensions = map[string]string{}
		}
		a.Dimensions[k] = v
	}
	r.m.reg.CloudWatch.Alarms = append(r.m.reg.CloudWatch.Alarms, a)
}

// rdsControls are the DB instance controls.
var rdsControls = map[string]string{
	"PubliclyAccessible": "RDS.2", "StorageEncrypted": "RDS.3", "MultiAZ": "RDS.5", "MonitoringInterval": "RDS.6",
	"DeletionProtection": "RDS.8", "EnableCloudwatchLogsExports": "RDS.9", "EnableIAMDatabaseAuthentication": "RDS.10",
	"BackupRetentionPeriod": "RDS.11", "AutoMinorVersionUpgrade": "RDS.13", "CopyTagsToSnapshot": "RDS.17", "Port": "RDS.23",
}

func (r *resource) rdsBool(key string, def bool) bool {
	b, _ := r.boolProp(key, def, rdsControls[key])
	return b
}

func mapDBInstance(r *resource) {
	id, arn := r.identity()
	d := &rds.Instance{ARN: arn, ID: id, Status: "available", Tags: r.ir.Tags}
	d.Engine, _, _ = r.prop("Engine")
	d.Version, _, _ = r.prop("EngineVersion")
	d.Class, _, _ = r.prop("DBInstanceClass")
	d.ClusterID, _, _ = r.prop("DBClusterIdentifier")
	if t := r.m.refTarget(get(r.Properties, "DBClusterIdentifier"), "AWS::RDS::DBCluster"); t != nil {
		d.ClusterID = r.m.e.rawID(t).Str
	}
	d.ReplicaOf, _, _ = r.prop("SourceDBInstanceIdentifier")
	if s, ok, why := r.prop("PubliclyAccessible", "RDS.2"); why == "" && ok {
		d.PubliclyAccessible = strings.EqualFold(s, "true")
	} else if why == "" {
		r.unknown("PubliclyAccessible", "unset: the DB subnet group (or the default VPC) decides", "RDS.2")
	}
	d.StorageEncrypted = r.rdsBool("StorageEncrypted", false)
	d.KMSKeyID = r.keyARN("KmsKeyId")
	if d.KMSKeyID != "" {
		d.StorageEncrypted = true
	}
	d.MultiAZ = r.rdsBool("MultiAZ", false)
	d.MonitoringInterval = r.intProp("MonitoringInterval", 0, "RDS.6")
	d.LogExports, _ = r.strList(r.Properties, "EnableCloudwatchLogsExports", "RDS.9")
	d.IAMAuth = r.rdsBool("EnableIAMDatabaseAuthentication", false)
	d.BackupRetentionDays = r.intProp("BackupRetentionPeriod", 1, "RDS.11")
	d.AutoMinorVersionUpgrade = r.rdsBool("AutoMinorVersionUpgrade", true)
	d.CopyTagsToSnapshot = r.rdsBool("CopyTagsToSnapshot", false)
	d.DeletionProtection = r.rdsBool("DeletionProtection", false)
	d.Port = r.intProp("Port", defaultPort(d.Engine), "RDS.23")
	// Every new DB instance is in a VPC (its subnet group's, or the
	// default VPC's); which one is known at deploy.
	d.VpcID = "(known at deploy)"
	r.m.reg.RDS.Instances = append(r.m.reg.RDS.Instances, d)
}

// defaultPort is the engine's default port (what RDS uses when the
// template sets none).
func defaultPort(engine string) int {
	switch {
	case strings.Contains(engine, "postgres"):
		return 5432
	case strings.Contains(engine, "mysql"), strings.Contains(engine, "mariadb"), engine == "aurora":
		return 3306
	case strings.HasPrefix(engine, "oracle"):
		return 1521
	case strings.HasPrefix(engine, "sqlserver"):
		return 1433
	case strings.Contains(engine, "db2"):
		return 50000
	}
	return 0
}

func mapDBCluster(r *resource) {
	id, arn := r.identity()
	c := &rds.Cluster{ARN: arn, ID: id, Tags: r.ir.Tags}
	c.Engine, _, _ = r.prop("Engine")
	c.StorageEncrypted, _ = r.boolProp("StorageEncrypted", false, "RDS.3")
	if r.keyARN("KmsKeyId") != "" {
		c.StorageEncrypted = true
	}
	c.IAMAuth, _ = r.boolProp("EnableIAMDatabaseAuthentication", false, "RDS.10")
	c.DeletionProtection, _ = r.boolProp("DeletionProtection", false, "RDS.8")
	c.BackupRetentionDays = r.intProp("BackupRetentionPeriod", 1, "RDS.11")
	c.LogExports, _ = r.strList(r.Properties, "EnableCloudwatchLogsExports", "RDS.9")
	r.m.reg.RDS.Clusters = append(r.m.reg.RDS.Clusters, c)
}

// clusterMembers lists each cluster's member instances.
func clusterMembers(r *resource) {
	for _, c := range r.m.reg.RDS.Clusters {
		if c.ARN != r.ir.ARN {
			continue
		}
		for _, d := range r.m.reg.RDS.Instances {
			if d.ClusterID == c.ID {
				c.Members = append(c.Members, d.ID)
				c.MultiAZ = len(c.Members) > 1
			}
		}
	}
}
