package cloudtrail

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot/cloudtrail"
)

// Controls returns the CloudTrail controls.
func Controls() []*control.Control {
	return []*control.Control{
		{
			ID:           "CloudTrail.1",
			Title:        "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events",
			Service:      "CloudTrail",
			Severity:     control.High,
			ResourceType: "AwsAccount",
			Global:       true,
			Needs:        []string{"cloudtrail"},
			Check:        checkEnabled,
			Rationale: "CloudTrail records the API calls made in the account, which investigations, audits and alerts depend on. " +
				"Only a multi-Region trail that is logging and records both read and write management events leaves no region or call type unseen.",
			Remediation: "Console: CloudTrail > Trails > Create trail (or edit an existing trail): enable it for all Regions, choose Management events " +
				"with API activity Read and Write, and start logging. An organization trail created in the management account covers every member account.\n" +
				"CLI: aws cloudtrail create-trail --name <trail> --s3-bucket-name <bucket> --is-multi-region-trail && " +
				"aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]' && " +
				"aws cloudtrail start-logging --name <trail>",
			WellArchitected: []string{"SEC04"},
		},
		{
			ID:           "CloudTrail.2",
			Title:        "CloudTrail should have encryption at-rest enabled",
			Service:      "CloudTrail",
			Severity:     control.Medium,
			ResourceType: "AwsCloudTrailTrail",
			Global:       true,
			Needs:        []string{"cloudtrail"},
			Check:        trailCheck(encrypted),
			Rationale: "Trail logs describe the whole account. Encrypting them with a KMS key (SSE-KMS) adds a key policy that " +
				"controls who can read them, and an audit trail of every decryption.",
			Remediation: "Console: CloudTrail > Trails > <trail> > General details > Edit: enable Log file SSE-KMS encryption and choose or create a " +
				"KMS key whose key policy lets CloudTrail encrypt with it.\n" +
				"CLI: aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>",
			WellArchitected: []string{"SEC04", "SEC08"},
		},
		{
			ID:           "CloudTrail.4",
			Title:        "CloudTrail log file validation should be enabled",
			Service:      "CloudTrail",
			Severity:     control.Low,
			ResourceType: "AwsCloudTrailTrail",
			Global:       true,
			Needs:        []string{"cloudtrail"},
			Check:        trailCheck(validated),
			Rationale: "Log file validation makes CloudTrail deliver signed digest files, so anyone can prove that a log file was not " +
				"changed or deleted after delivery.",
			Remediation: "Console: CloudTrail > Trails > <trail> > General details > Edit: under Additional settings enable Log file validation.\n" +
				"CLI: aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
			WellArchitected: []string{"SEC04"},
		},
		{
			ID:           "CloudTrail.5",
			Title:        "CloudTrail trails should be integrated with Amazon CloudWatch Logs",
			Service:      "CloudTrail",
			Severity:     control.Low,
			ResourceType: "AwsCloudTrailTrail",
			Global:       true,
			Needs:        []string{"cloudtrail"},
			Check:        trailCheck(integrated),
			Rationale: "Sending a trail to CloudWatch Logs makes its events searchable at once and lets metric filters and alarms notify " +
				"on sensitive activity (the CIS monitoring controls) instead of waiting for someone to read S3.",
			Remediation: "Console: CloudTrail > Trails > <trail> > CloudWatch Logs > Edit: enable it, choose a log group and an IAM role that " +
				"CloudTrail assumes to write to it.\n" +
				"CLI: aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn arn:aws:logs:<region>:<account>:log-group:<group>:* " +
				"--cloud-watch-logs-role-arn arn:aws:iam::<account>:role/<role>",
			WellArchitected: []string{"SEC04"},
		},
		{
			ID:           "S3.22",
			Title:        "S3 general purpose buckets should log object-level write events",
			Service:      "S3",
			Severity:     control.Medium,
			ResourceType: "AwsAccount",
			Global:       true,
			Needs:        []string{"cloudtrail"},
			Check:        objectLogging(cloudtrail.S3ObjectWrites, "write"),
			Rationale: "Management events do not show who wrote, overwrote or deleted an object. Logging S3 object-level write data " +
				"events for every bucket on a multi-Region trail does, for investigations and for alerting on tampering.",
			Remediation: "Console: CloudTrail > Trails > <multi-Region trail> > Data events > Edit: add data event type S3, log selector " +
				"template \"Log writeOnly events\" (or all events), for all current and future buckets.\n" +
				"CLI (keep the trail's other selectors in the list): aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors " +
				"'[{\"Name\":\"Management events\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]}," +
				"{\"Name\":\"S3 object writes\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]}," +
				"{\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]},{\"Field\":\"readOnly\",\"Equals\":[\"false\"]}]}]'",
			WellArchitected: []string{"SEC04"},
		},
		{
			ID:           "S3.23",
			Title:        "S3 general purpose buckets should log object-level read events",
			Service:      "S3",
			Severity:     control.Medium,
			ResourceType: "AwsAccount",
			Global:       true,
			Needs:        []string{"cloudtrail"},
			Check:        objectLogging(cloudtrail.S3ObjectReads, "read"),
			Rationale: "Management events do not show who read an object. Logging S3 object-level read data events for every bucket " +
				"on a multi-Region trail shows what data was accessed, and by whom, when data may have leaked.",
			Remediation: "Console: CloudTrail > Trails > <multi-Region trail> > Data events > Edit: add data event type S3, log selector " +
				"template \"Log readOnly events\" (or all events), for all current and future buckets.\n" +
				"CLI (keep the trail's other selectors in the list): aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors " +
				"'[{\"Name\":\"Management events\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]}," +
				"{\"Name\":\"S3 object reads\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]}," +
				"{\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]},{\"Field\":\"readOnly\",\"Equals\":[\"true\"]}]}]'",
			WellArchitected: []string{"SEC04"},
		},
	}
}
