// Package kinesis holds the normalized Amazon Kinesis Data Streams state
// of one account in one region: its streams with their server-side
// encryption and retention. It must not import the AWS SDK.
package kinesis

// Kinesis is the Kinesis Data Streams state of one region.
type Kinesis struct {
	Streams []*Stream `json:"streams"`
}

// Stream is one Kinesis data stream.
type Stream struct {
	ARN    string `json:"arn"`
	Name   string `json:"name"`
	Status string `json:"status,omitempty"`
	// Mode is PROVISIONED or ON_DEMAND.
	Mode           string `json:"mode,omitempty"`
	RetentionHours int    `json:"retention_hours,omitempty"`
	// EncryptionType is KMS (server-side encryption on) or NONE.
	EncryptionType string `json:"encryption_type,omitempty"`
	// KeyID is the KMS key of server-side encryption as the stream names
	// it (ARN, key ID or alias such as alias/aws/kinesis).
	KeyID string `json:"key_id,omitempty"`
	// Errors records details that could not be read: "summary" (the
	// stream was listed but could not be described), with the reason.
	Errors map[string]string `json:"errors,omitempty"`
}
