package cloudwatch

import "github.com/guardrail-sec/guardrail/internal/filterpattern"

// ordinaryEvent is a CloudTrail event of routine activity, that no CIS
// monitoring item is about: a filter that matches it would make its
// alarm fire all day (see "Specific filters" in the package doc).
type ordinaryEvent struct {
	// what describes it in a reason ("a successful
	// ec2:DescribeInstances call by an IAM user").
	what  string
	event map[string]any
}

// ordinaryEvents are successful read-only calls, by an IAM user or an
// assumed role, to each service a CIS monitoring item watches, as
// CloudTrail records them (the fields a CIS pattern compares are all
// present, with their usual values; no errorCode, no
// additionalEventData, no userIdentity.invokedBy).
var ordinaryEvents = []ordinaryEvent{
	ordinary("ec2", "DescribeInstances", iamUser),
	ordinary("iam", "ListPolicies", assumedRole),
	ordinary("kms", "Decrypt", assumedRole),
	ordinary("s3", "ListBuckets", iamUser),
	ordinary("cloudtrail", "DescribeTrails", iamUser),
	ordinary("config", "DescribeConfigurationRecorders", assumedRole),
	ordinary("organizations", "ListAccounts", assumedRole),
	ordinary("sts", "GetCallerIdentity", assumedRole),
}

const ordinaryAccount = "111122223333"

func iamUser() (string, map[string]any) {
	return "an IAM user", map[string]any{
		"type": "IAMUser", "principalId": "AIDAEXAMPLEEXAMPLE1", "arn": "arn:aws:iam::" + ordinaryAccount + ":user/alice",
		"accountId": ordinaryAccount, "accessKeyId": "AKIAEXAMPLEEXAMPLE1", "userName": "alice",
	}
}

func assumedRole() (string, map[string]any) {
	return "an assumed role", map[string]any{
		"type": "AssumedRole", "principalId": "AROAEXAMPLEEXAMPLE1:app", "arn": "arn:aws:sts::" + ordinaryAccount + ":assumed-role/app/app",
		"accountId": ordinaryAccount, "accessKeyId": "ASIAEXAMPLEEXAMPLE1",
		"sessionContext": map[string]any{
			"sessionIssuer":  map[string]any{"type": "Role", "arn": "arn:aws:iam::" + ordinaryAccount + ":role/app", "userName": "app"},
			"attributes":     map[string]any{"creationDate": "2026-06-01T09:00:00Z", "mfaAuthenticated": "false"},
			"webIdFederated": map[string]any{},
		},
	}
}

func ordinary(service, name string, who func() (string, map[string]any)) ordinaryEvent {
	by, identity := who()
	return ordinaryEvent{
		what: "a successful " + service + ":" + name + " call by " + by,
		event: map[string]any{
			"eventVersion": "1.11", "userIdentity": identity, "eventTime": "2026-06-01T10:00:00Z",
			"eventSource": service + ".amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
			"sourceIPAddress": "203.0.113.10", "userAgent": "aws-cli/2.17.0", "requestParameters": nil, "responseElements": nil,
			"requestID": "6f1e8a4c-0000-4000-8000-000000000001", "eventID": "0b5c3d2e-0000-4000-8000-000000000001",
			"readOnly": true, "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": ordinaryAccount,
			"eventCategory": "Management",
		},
	}
}

// ordinaryMatch returns the first ordinary event p may match, described
// ("" when it matches none of them), and whether it may match them all.
func ordinaryMatch(p *filterpattern.Pattern) (first string, all bool) {
	all = true
	for _, e := range ordinaryEvents {
		if !p.MayMatch(e.event) {
			all = false
			continue
		}
		if first == "" {
			first = e.what
		}
	}
	return first, all
}
