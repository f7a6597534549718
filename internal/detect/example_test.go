package detect_test

import (
	"fmt"

	"github.com/guardrail-sec/guardrail/internal/detect"
	"github.com/guardrail-sec/guardrail/internal/trailevent"
)

// The watch decodes each record once and runs every rule on it.
func Example() {
	rec := []byte(`{"eventVersion":"1.05","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},
		"eventTime":"2026-06-01T15:49:27Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",
		"sourceIPAddress":"192.0.2.110","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},
		"eventID":"3fcfb182-98f8-4744-bd45-10a395ab61cb","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}`)
	var d trailevent.Decoder // one per goroutine
	ev, err := d.Decode(rec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range detect.Builtin().Match(ev, nil) {
		fmt.Printf("%-20s %-13s %s %v\n", r.ID, r.Severity, r.Title, r.Controls)
	}
	// Output:
	// CIS.4.2              MEDIUM        CIS 4.2: console sign-in without MFA [IAM.5 IAM.9 IAM.19]
	// CIS.4.3              HIGH          CIS 4.3: root user usage [GR.IAM.1]
	// GR.ConsoleLogin      INFORMATIONAL Console sign-in []
	// GR.RootConsoleLogin  HIGH          Root user signed in to the console [GR.IAM.1 IAM.9]
}
