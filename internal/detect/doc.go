// Package detect holds the watch's detection rules: which CloudTrail
// events deserve an alert, how severe it is, and which controls the event
// may have changed (the watch re-assesses those for the event's account
// and region).
//
// # Rules and their syntax
//
// Rules are written in AWS's own syntaxes, so that a rule that works in a
// metric filter or an EventBridge rule works here, and the other way
// round: a CloudWatch Logs filter pattern ({ $.eventName = DeleteTrail }),
// matched against the record as a metric filter on a trail's log group
// would match it (package filterpattern), or an EventBridge event pattern,
// matched against the event CloudTrail puts on the default event bus for
// the record (trailevent's EventBridge; package eventpattern). A few
// built-in rules need what neither syntax says (any element of a list)
// and are written in Go.
//
// # The built-in rules
//
// CIS.4.1 to CIS.4.15 are the CIS AWS Foundations Benchmark v3.0.0
// monitoring items, run with their metric-filter patterns verbatim, taken
// from control/cloudwatch (one source of truth: the controls check that
// a metric filter with the pattern exists, the watch evaluates the
// pattern itself). The verbatim 4.1 pattern is read as CloudWatch reads
// it (&& before ||), so it counts exactly what an alarm on it counts.
// CIS.4.16 (Security Hub enabled) has no pattern in the benchmark; its
// rule catches Security Hub being disabled.
//
// GR.* are Guardrail's own: narrower, and rated by the harm of the one
// action rather than of the item's worst case (a root console sign-in,
// CloudTrail stopped, Block Public Access removed, a security group
// opened to the internet, GuardDuty or Config stopped). They count only
// calls that succeeded: a denied call changed nothing, and CIS.4.1 already
// counts it. Where a CIS item already says what the seed list asks for,
// there is no second rule:
//
//	console sign-in              GR.ConsoleLogin, GR.ConsoleLoginNoMFA, GR.RootConsoleLogin, GR.ConsoleLoginFailed; CIS.4.2, CIS.4.6
//	root usage                   CIS.4.3; GR.RootConsoleLogin, GR.RootAccessKeyCreated
//	CloudTrail stopped, changed  GR.CloudTrailStopped, GR.CloudTrailChanged; CIS.4.5
//	bucket policy, ACL           CIS.4.8
//	bucket public access block   GR.S3PublicAccessBlockWeakened
//	instances started, stopped   GR.EC2InstanceStarted, GR.EC2InstanceStopped
//	security groups              CIS.4.10; GR.SecurityGroupOpenToInternet, GR.SecurityGroupRulesModified
//	KMS key disabled, deleted    CIS.4.7
//	Config, GuardDuty stopped    GR.ConfigStopped, CIS.4.9; GR.GuardDutyStopped, GR.GuardDutyChanged
//	IAM policy changes           CIS.4.4
//	gateways, routes, NACLs      CIS.4.12, CIS.4.13, CIS.4.11 (VPCs: CIS.4.14)
//
// So one event can match several rules (a root sign-in without MFA
// matches CIS.4.2, CIS.4.3, GR.ConsoleLogin and GR.RootConsoleLogin);
// each match names its rule.
//
// # Speed
//
// Match runs on every event of the organization. A Set indexes each rule
// by the eventNames its pattern requires in every alternative (or, failing
// that, its eventSources), so an event is checked only against the rules
// that name it and the few that may match any event (CIS.4.1 on error
// codes, CIS.4.3 on the identity). Matching reads the decoded record in
// place and allocates nothing.
//
// # User rules
//
// Load reads a YAML file of rules (see Parse). Problems name the file,
// line, column and field; a pattern that does not parse is reported at
// the pattern.
//
// The package imports neither the AWS SDK nor the store.
package detect
