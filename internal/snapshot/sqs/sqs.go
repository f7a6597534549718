// Package sqs holds the normalized Amazon SQS state of one account in one
// region: its queues, their encryption at rest and access policy. It must
// not import the AWS SDK.
package sqs

// SQS is the SQS state of a region.
type SQS struct {
	Queues []Queue `json:"queues"`
}

// Queue is a queue.
type Queue struct {
	URL  string `json:"url"`
	ARN  string `json:"arn"`
	Name string `json:"name"`
	// KMSKeyID is the KmsMasterKeyId attribute: the KMS key of SSE-KMS,
	// "" when the queue does not use it.
	KMSKeyID string `json:"kms_key_id,omitempty"`
	// SQSManagedSSE is the SqsManagedSseEnabled attribute: SSE-SQS, the
	// encryption with keys SQS owns (the default of new queues since 2022).
	SQSManagedSSE bool `json:"sqs_managed_sse,omitempty"`
	// Policy is the queue's access policy document, "" when it has none
	// (then only the owner's IAM principals reach it).
	Policy string `json:"policy,omitempty"`
	// Errors holds why a detail could not be read: DetailAttributes
	// (GetQueueAttributes failed: encryption and policy are unknown), or
	// DetailEncryption or DetailPolicy alone (infrastructure code whose
	// value is known only after apply).
	Errors map[string]string `json:"errors,omitempty"`
}

// Keys of Queue.Errors.
const (
	DetailAttributes = "attributes"
	DetailEncryption = "encryption"
	DetailPolicy     = "policy"
)

// Unknown returns why detail (DetailEncryption or DetailPolicy) of q is
// unknown, or "".
func (q *Queue) Unknown(detail string) string {
	if why := q.Errors[DetailAttributes]; why != "" {
		return why
	}
	return q.Errors[detail]
}

// Encrypted reports whether q is encrypted at rest (SSE-SQS or SSE-KMS).
func (q *Queue) Encrypted() bool { return q.KMSKeyID != "" || q.SQSManagedSSE }

// Queue returns the queue with arn, or nil.
func (s *SQS) Queue(arn string) *Queue {
	for i := range s.Queues {
		if s.Queues[i].ARN == arn {
			return &s.Queues[i]
		}
	}
	return nil
}
