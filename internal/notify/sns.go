package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	snsapi "github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/awsx"
)

// Amazon SNS: one Publish per message, with MessageStructure json so each
// kind of subscriber gets what it can use: "default" (SQS, Lambda,
// HTTP, Firehose) is the webhook's JSON payload, "email" the plain-text
// rendering. Subject (e-mail subscribers' subject line) is the headline,
// cut to SNS's limit (under 100 characters, no control characters).
// MessageAttributes severity, change and source let subscription filter
// policies route without parsing the body. A message and its attributes
// must fit in 256 KiB: a digest whose events do not fit keeps the worst
// ones and says how many it left out.

const snsMaxMessage = 262144

func (s *Sender) snsClient(d *Destination) *snsapi.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.sns[d.Name]; ok {
		return c
	}
	cfg := s.aws.Copy()
	if d.SNS.Region != "" {
		cfg.Region = d.SNS.Region
	}
	if d.SNS.Role != "" {
		cfg = awsx.AssumeRole(cfg, d.SNS.Role, "guardrail-notify")
	}
	c := snsapi.NewFromConfig(cfg)
	s.sns[d.Name] = c
	return c
}

// snsSubject makes s a valid SNS subject.
func snsSubject(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 99 {
		s = string(r[:96]) + "..."
	}
	return s
}

func (s *Sender) publish(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	p := WebhookPayload{Schema: WebhookSchema, ID: MessageID(m), SentAt: s.now().UTC(), Summary: s.subject(m),
		Digest: m.Digest, Test: m.Test, Ticket: m.Ticket, Events: m.Events}
	text := s.text(m)
	body, err := snsBody(p, text)
	if err != nil {
		return Receipt{}, err
	}
	if len(body) > snsMaxMessage-1024 {
		// Keep the worst events (the digest's order) until it fits.
		evs := s.worst(m, 1000)
		for len(evs) > 0 {
			p.Events, p.Omitted = evs, len(m.Events)-len(evs)
			if body, err = snsBody(p, truncate(text, 64<<10)); err != nil {
				return Receipt{}, err
			}
			if len(body) <= snsMaxMessage-1024 {
				break
			}
			evs = evs[:len(evs)/2]
		}
		if len(body) > snsMaxMessage-1024 {
			return Receipt{}, errors.New("the message does not fit in SNS's 256 KiB even with one event")
		}
	}
	sev, change := "INFORMATIONAL", "test"
	if m.Digest || len(m.Events) > 1 {
		change = "digest"
		for i := range m.Events {
			if r := severityRank(m.Events[i].Severity()); r > severityRank(sev) {
				sev = severities[r]
			}
		}
	} else {
		sev, change = m.Events[0].Severity(), m.Events[0].Change
	}
	attr := func(v string) snstypes.MessageAttributeValue {
		return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	in := &snsapi.PublishInput{
		TopicArn:         aws.String(d.SNS.TopicARN),
		Subject:          aws.String(snsSubject(p.Summary)),
		Message:          aws.String(string(body)),
		MessageStructure: aws.String("json"),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"severity": attr(sev), "change": attr(change), "source": attr(m.Events[0].Source),
		},
	}
	out, err := s.snsClient(d).Publish(ctx, in)
	if err != nil {
		return Receipt{}, snsError(err)
	}
	return Receipt{ID: aws.ToString(out.MessageId)}, nil
}

// snsBody is the MessageStructure json body: the payload for every
// protocol, the text for e-mail.
func snsBody(p WebhookPayload, text string) ([]byte, error) {
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]string{"default": string(payload), "email": text})
}

// snsError classifies a Publish error: throttling, a 5xx and a network
// failure are retryable; a missing topic, a denied publish and an invalid
// parameter are not.
func snsError(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch awsx.Classify(err) {
		case awsx.Throttled:
			return &RetryError{Err: errors.New(awsx.Brief(err))}
		}
		if awsx.Status(err) >= 500 {
			return &RetryError{Err: errors.New(awsx.Brief(err))}
		}
		switch ae.ErrorCode() {
		case "KMSThrottling", "InternalError", "ServiceUnavailable":
			return &RetryError{Err: errors.New(awsx.Brief(err))}
		}
		return fmt.Errorf("%s", awsx.Brief(err))
	}
	if awsx.IsCredentials(err) {
		return fmt.Errorf("no AWS credentials to publish with: %s", awsx.Brief(err))
	}
	return &RetryError{Err: errors.New(awsx.Describe(err))}
}
