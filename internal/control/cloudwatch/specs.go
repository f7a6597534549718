package cloudwatch

import (
	"slices"
	"strconv"
	"strings"
)

// spec is one CIS monitoring item: the events to watch and how.
type spec struct {
	id    string // control ID
	cis   string // CIS v3.0.0 recommendation
	title string
	// what names the events in reasons ("IAM policy changes").
	what string
	// metric is the metric name the remediation suggests.
	metric string
	// pattern is the CIS remediation pattern, for the remediation text.
	pattern string
	// ref is what a metric filter must cover: the narrowest reading CIS
	// and Security Hub accept, so that every accepted spelling covers it
	// (set by refOf unless the item needs its own).
	ref string
	// source is the service the events come from, when there is one
	// ("kms.amazonaws.com"): ref is scoped to it, so a filter that is
	// scoped to it too still covers ref. (A trail that leaves any source
	// out does not qualify to feed the chain at all: Trail.Qualify.)
	source    string
	rationale string
}

// specs returns the CIS v3.0.0 monitoring items 4.1 to 4.15 as Security
// Hub numbers them (CloudWatch.1 to .14; 4.15 has no Security Hub control).
// The patterns are the CIS v3.0.0 remediation text, verbatim.
func specs() []spec {
	return []spec{
		{
			id: "CloudWatch.1", cis: "4.3", title: `A log metric filter and alarm should exist for usage of the "root" user`,
			what: "root user usage", metric: "RootAccountUsage",
			pattern:   `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
			rationale: "The root user can do anything in the account and cannot be restricted by IAM policies. An alarm on its use surfaces a stolen root credential or a break-glass procedure in progress.",
		},
		{
			id: "CloudWatch.2", cis: "4.1", title: "Ensure a log metric filter and alarm exist for unauthorized API calls",
			what: "unauthorized API calls", metric: "UnauthorizedAPICalls",
			pattern: `{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }`,
			// The CIS text relies on operator precedence; its intent (and the
			// narrower reading) is the error codes AND the two exclusions.
			ref:       `{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }`,
			rationale: "Bursts of denied calls come from misconfigured applications, and from attackers probing what a stolen credential can do. Alarming on them shortens the time to notice both.",
		},
		{
			id: "CloudWatch.3", cis: "4.2", title: "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA",
			what: "console sign-in without MFA", metric: "ConsoleSigninWithoutMFA", source: "signin.amazonaws.com",
			pattern: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`,
			// CIS offers the narrower successful-IAM-user form for accounts
			// that sign in through SSO; both are accepted.
			ref:       `{ ($.eventSource = signin.amazonaws.com) && ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
			rationale: "A console sign-in with a password alone is one leaked password away from a takeover. An alarm on them finds the users who still sign in without MFA.",
		},
		{
			id: "CloudWatch.4", cis: "4.4", title: "Ensure a log metric filter and alarm exist for IAM policy changes",
			what: "IAM policy changes", metric: "IAMPolicyChanges", source: "iam.amazonaws.com",
			pattern:   `{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}`,
			rationale: "Changing a policy is how permissions are escalated or guardrails removed. An alarm on every IAM policy change makes each one reviewable.",
		},
		{
			id: "CloudWatch.5", cis: "4.5", title: "Ensure a log metric filter and alarm exist for CloudTrail configuration changes",
			what: "CloudTrail configuration changes", metric: "CloudTrailConfigChanges", source: "cloudtrail.amazonaws.com",
			pattern:   `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`,
			rationale: "Stopping or changing a trail is how an intruder blinds the audit log. An alarm on trail changes catches it while the trail still records the change.",
		},
		{
			id: "CloudWatch.6", cis: "4.6", title: "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures",
			what: "console authentication failures", metric: "ConsoleAuthenticationFailures", source: "signin.amazonaws.com",
			pattern:   `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
			rationale: "Repeated failed console sign-ins point at password guessing. An alarm on them gives time to lock the target before a guess succeeds.",
		},
		{
			id: "CloudWatch.7", cis: "4.7", title: "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs",
			what: "disabling or scheduled deletion of KMS keys", metric: "DisableOrDeleteCMK", source: "kms.amazonaws.com",
			pattern:   `{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`,
			rationale: "Data encrypted under a deleted KMS key is lost for good, and disabling a key is a ransom technique. An alarm leaves the waiting period to cancel a deletion.",
		},
		{
			id: "CloudWatch.8", cis: "4.8", title: "Ensure a log metric filter and alarm exist for S3 bucket policy changes",
			what: "S3 bucket policy changes", metric: "S3BucketPolicyChanges", source: "s3.amazonaws.com",
			pattern:   `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`,
			rationale: "A changed bucket policy or ACL can make data public or readable by another account. An alarm on those changes shortens how long a bucket stays exposed.",
		},
		{
			id: "CloudWatch.9", cis: "4.9", title: "Ensure a log metric filter and alarm exist for AWS Config configuration changes",
			what: "AWS Config configuration changes", metric: "AWSConfigChanges", source: "config.amazonaws.com",
			pattern:   `{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }`,
			rationale: "Stopping the Config recorder hides every later configuration change. An alarm on Config changes keeps the inventory and its history trustworthy.",
		},
		{
			id: "CloudWatch.10", cis: "4.10", title: "Ensure a log metric filter and alarm exist for security group changes",
			what: "security group changes", metric: "SecurityGroupChanges", source: "ec2.amazonaws.com",
			pattern:   `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`,
			rationale: "Security groups are the instance firewall; one added rule can open a database to the internet. An alarm on changes makes each one reviewable.",
		},
		{
			id: "CloudWatch.11", cis: "4.11", title: "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)",
			what: "network ACL changes", metric: "NACLChanges", source: "ec2.amazonaws.com",
			pattern:   `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
			rationale: "Network ACLs filter whole subnets. An alarm on their changes catches a rule that opens a subnet before it is used.",
		},
		{
			id: "CloudWatch.12", cis: "4.12", title: "Ensure a log metric filter and alarm exist for changes to network gateways",
			what: "network gateway changes", metric: "NetworkGatewayChanges", source: "ec2.amazonaws.com",
			pattern:   `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
			rationale: "Gateways decide what can reach a VPC from the internet or a data center. An alarm on their changes catches a new path in or out.",
		},
		{
			id: "CloudWatch.13", cis: "4.13", title: "Ensure a log metric filter and alarm exist for route table changes",
			what: "route table changes", metric: "RouteTableChanges", source: "ec2.amazonaws.com",
			pattern:   `{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`,
			rationale: "A changed route can send a subnet's traffic through an unintended path. An alarm on route changes keeps traffic where it is meant to flow.",
		},
		{
			id: "CloudWatch.14", cis: "4.14", title: "Ensure a log metric filter and alarm exist for VPC changes",
			what: "VPC changes", metric: "VPCChanges", source: "ec2.amazonaws.com",
			pattern:   `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
			rationale: "New VPCs and peering connections create network paths outside the reviewed design. An alarm on VPC changes makes each one visible.",
		},
		{
			id: "GR.CloudWatch.1", cis: "4.15", title: "A log metric filter and alarm should exist for AWS Organizations changes",
			what: "AWS Organizations changes", metric: "OrganizationsChanges", source: "organizations.amazonaws.com",
			pattern:   `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`,
			rationale: "Organizations changes move accounts, detach service control policies and invite outsiders, affecting every account at once. An alarm on them makes each one reviewable.",
		},
	}
}

// refOf returns what a filter must cover for s: s.ref, or the CIS
// pattern scoped to s.source (these events come from that service only,
// so a filter that adds the scope still watches all of them).
func refOf(s spec) string {
	if s.ref != "" {
		return s.ref
	}
	if s.source == "" {
		return s.pattern
	}
	inner := s.pattern[1 : len(s.pattern)-1]
	return "{ ($.eventSource = " + s.source + ") && (" + inner + ") }"
}

// MonitoringItem is one CIS monitoring item as the watch's detection rules
// evaluate it on each event: the same patterns, one source of truth.
type MonitoringItem struct {
	Control string // the control that checks the metric filter exists: "CloudWatch.4"
	CIS     string // the CIS v3.0.0 recommendation: "4.4"
	What    string // the events it watches: "IAM policy changes"
	Pattern string // the CIS remediation pattern, verbatim
}

// MonitoringItems returns the CIS v3.0.0 monitoring items 4.1 to 4.15,
// in CIS order.
func MonitoringItems() []MonitoringItem {
	var out []MonitoringItem
	for _, s := range specs() {
		out = append(out, MonitoringItem{Control: s.id, CIS: s.cis, What: s.what, Pattern: s.pattern})
	}
	slices.SortFunc(out, func(a, b MonitoringItem) int { return cisOrder(a.CIS) - cisOrder(b.CIS) })
	return out
}

// cisOrder is the minor number of a CIS 4.x recommendation.
func cisOrder(cis string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(cis, "4."))
	return n
}
