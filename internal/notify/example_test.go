package notify_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/guardrail-sec/guardrail/internal/notify"
)

// A receiver checks a webhook request: the signature over the
// timestamp and the raw body, and the timestamp's age.
func ExampleVerify() {
	body := []byte(`{"schema":"guardrail.notification/v1","id":"abc","events":[]}`)
	sent := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	h := http.Header{}
	h.Set(notify.HeaderTimestamp, fmt.Sprint(sent.Unix()))
	h.Set(notify.HeaderSignature, notify.Sign("shared-secret", sent.Unix(), body))

	fmt.Println(notify.Verify("shared-secret", h, body, sent.Add(time.Minute), 5*time.Minute))
	fmt.Println(notify.Verify("shared-secret", h, body, sent.Add(time.Hour), 5*time.Minute))
	fmt.Println(notify.Verify("shared-secret", h, append(body, '\n'), sent, 5*time.Minute))
	// Output:
	// <nil>
	// webhook: timestamp outside the tolerance (a replay, or a skewed clock)
	// webhook signature does not verify
}
