package filterpattern

import (
	"encoding/json"
	"testing"
)

// describe is a successful ec2:DescribeInstances call by an IAM user, as
// CloudTrail records it.
const describe = `{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice",
"accountId":"111122223333","userName":"alice"},"eventTime":"2026-06-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",
"awsRegion":"us-east-1","sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2","requestParameters":{"maxResults":5},"responseElements":null,
"readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management",
"resources":[{"ARN":"arn:aws:ec2:us-east-1:111122223333:instance/i-1"}],"latency":12}`

func TestMayMatch(t *testing.T) {
	var ev map[string]any
	if err := json.Unmarshal([]byte(describe), &ev); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pattern string
		want    bool
	}{
		// Matches.
		{`{ $.eventName = DescribeInstances }`, true},
		{`{ $.eventName = "Describe*" }`, true},
		{`{ $.eventName = * }`, true},
		{`{ $.eventSource = * }`, true},
		{`{ $.eventVersion = * }`, true},
		{`{ $.userIdentity.type = IAMUser && $.userIdentity.invokedBy NOT EXISTS }`, true},
		{`{ $.eventName != ConsoleLogin }`, true},
		{`{ $.readOnly IS TRUE }`, true},
		{`{ $.responseElements IS NULL }`, true},
		{`{ $.requestParameters.maxResults = 5 }`, true},
		{`{ $.latency > 10 && $.latency <= 12 }`, true},
		{`{ $.resources[0].ARN = "arn:aws:ec2:*" }`, true},
		{`{ $.sourceIPAddress = %^203\.0\.113\.% }`, true},
		{`{ $.errorCode = AccessDenied || $.awsRegion = us-east-1 }`, true},
		// Does not match.
		{`{ $.eventName = ConsoleLogin }`, false},
		{`{ $.eventName = "describeinstances" }`, false},
		{`{ $.errorCode = "*" }`, false},
		{`{ $.errorCode EXISTS }`, false},
		{`{ $.userIdentity.type = "Root" }`, false},
		{`{ $.readOnly IS FALSE }`, false},
		{`{ $.eventName = DescribeInstances && $.awsRegion = eu-west-1 }`, false},
		{`{ $.latency > 12 }`, false},
		{`{ $.resources[1].ARN = * }`, false},
		{`{ $.eventName.inner = * }`, false},
		// Not certain, so "may": != on a missing field, a comparison CloudWatch
		// may read differently, a selector wildcard.
		{`{ $.additionalEventData.MFAUsed != "Yes" }`, true},
		{`{ $.eventVersion > 1 }`, true},
		{`{ $.userIdentity.* = alice }`, true},
	} {
		p, err := Parse(tc.pattern)
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.pattern, err)
			continue
		}
		if got := p.MayMatch(ev); got != tc.want {
			t.Errorf("MayMatch(%s) = %v, want %v", tc.pattern, got, tc.want)
		}
	}
}
