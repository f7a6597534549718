package sns

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Publish and PublishBatch, as the SNS API reference documents them:
//
//   - Message is required and at most 256 KiB (262,144 bytes), the
//     message attributes' names, types and values included:
//     InvalidParameter "Empty message" / "Message too long".
//   - Subject, when given, is text with no line breaks or control
//     characters, under 100 characters: InvalidParameter "Subject".
//   - MessageStructure json: Message is a JSON object of strings with a
//     "default" entry.
//   - At most 10 message attributes; each has a data type whose prefix is
//     String, Number or Binary, and a non-empty value:
//     ParameterValueInvalid otherwise.
//   - A FIFO topic needs a MessageGroupId, and a MessageDeduplicationId
//     unless content-based deduplication is on.
//
// The simulator records every accepted message on its topic
// (world.SNSTopic.Published) instead of delivering it to subscribers.

// maxMessage is SNS's limit on a message and its attributes.
const maxMessage = 262144

func paramInvalid(format string, args ...any) error {
	return wire.Errorf(400, "ParameterValueInvalid", format, args...)
}

// publishOne validates one message (the form fields under prefix) for
// topic t and records it.
func publishOne(c *svc.Ctx, t *world.SNSTopic, prefix string) (*world.SNSPublished, error) {
	get := func(k string) string { return c.Form.Get(prefix + k) }
	msg := get("Message")
	if msg == "" {
		return nil, invalid("Invalid parameter: Empty message")
	}
	if !utf8.ValidString(msg) {
		return nil, invalid("Invalid parameter: Message")
	}
	p := &world.SNSPublished{Message: msg, MessageStructure: get("MessageStructure"),
		MessageGroupID: get("MessageGroupId"), DeduplicationID: get("MessageDeduplicationId")}
	if s, ok := c.Form[prefix+"Subject"]; ok && s[0] != "" {
		if err := checkSubject(s[0]); err != nil {
			return nil, err
		}
		p.Subject = s[0]
	}
	switch p.MessageStructure {
	case "":
	case "json":
		var m map[string]any
		if err := json.Unmarshal([]byte(msg), &m); err != nil {
			return nil, invalid("Invalid parameter: Message Structure - JSON message body failed to parse")
		}
		if _, ok := m["default"]; !ok {
			return nil, invalid("Invalid parameter: Message Structure - No default entry in JSON message body")
		}
		for _, v := range m {
			if _, ok := v.(string); !ok {
				return nil, invalid("Invalid parameter: Message Structure - JSON message body failed to parse")
			}
		}
	default:
		return nil, invalid("Invalid parameter: MessageStructure")
	}
	size := len(msg)
	attrs, n, err := messageAttributes(c, prefix)
	if err != nil {
		return nil, err
	}
	size += n
	if size > maxMessage {
		return nil, invalid("Invalid parameter: Message too long")
	}
	p.Attributes = attrs
	if t.Attributes["FifoTopic"] == "true" {
		if p.MessageGroupID == "" {
			return nil, invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
		}
		if p.DeduplicationID == "" && t.Attributes["ContentBasedDeduplication"] != "true" {
			return nil, invalid("Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
	}
	p.MessageID = c.World.HexID("", 8) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 4) + "-" + c.World.HexID("", 12)
	return p, nil
}

func checkSubject(s string) error {
	if utf8.RuneCountInString(s) >= 100 {
		return invalid("Invalid parameter: Subject")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return invalid("Invalid parameter: Subject")
		}
	}
	return nil
}

// messageAttributes reads MessageAttributes.entry.N.{Name, Value.DataType,
// Value.StringValue, Value.BinaryValue}; it returns them and the bytes
// they count towards the message size.
func messageAttributes(c *svc.Ctx, prefix string) (map[string]world.SNSAttribute, int, error) {
	var out map[string]world.SNSAttribute
	size := 0
	for i := 1; ; i++ {
		p := prefix + "MessageAttributes.entry." + strconv.Itoa(i) + "."
		names, ok := c.Form[p+"Name"]
		if !ok {
			break
		}
		if i > 10 {
			return nil, 0, invalid("Invalid parameter: MessageAttributes Reason: Number of message attributes [%d] exceeds the allowed maximum [10].", countEntries(c, prefix))
		}
		name := names[0]
		typ := c.Form.Get(p + "Value.DataType")
		base, _, _ := strings.Cut(typ, ".")
		if typ == "String.Array" {
			base = "String"
		}
		if base != "String" && base != "Number" && base != "Binary" {
			return nil, 0, paramInvalid("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		var v string
		if base == "Binary" {
			b, err := base64.StdEncoding.DecodeString(c.Form.Get(p + "Value.BinaryValue"))
			if err != nil || len(b) == 0 {
				return nil, 0, paramInvalid("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, typ)
			}
			v = string(b)
		} else {
			v = c.Form.Get(p + "Value.StringValue")
			if v == "" {
				return nil, 0, paramInvalid("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, typ)
			}
			if base == "Number" {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					return nil, 0, paramInvalid("Could not cast message attribute '%s' value to number.", name)
				}
			}
		}
		if out == nil {
			out = map[string]world.SNSAttribute{}
		}
		if _, dup := out[name]; dup {
			return nil, 0, paramInvalid("Message attribute name '%s' has already been entered.", name)
		}
		out[name] = world.SNSAttribute{DataType: typ, Value: v}
		size += len(name) + len(typ) + len(v)
	}
	return out, size, nil
}

func countEntries(c *svc.Ctx, prefix string) int {
	n := 0
	for c.Form.Has(prefix + "MessageAttributes.entry." + strconv.Itoa(n+1) + ".Name") {
		n++
	}
	return n
}

// publishTarget resolves the topic a Publish names: TopicArn or
// TargetArn (a topic ARN); a phone number (SMS) is not simulated.
func publishTarget(c *svc.Ctx) (*world.SNSTopic, error) {
	arn := c.Form.Get("TopicArn")
	if arn == "" {
		arn = c.Form.Get("TargetArn")
	}
	if arn == "" {
		if c.Form.Get("PhoneNumber") != "" {
			return nil, invalid("Invalid parameter: PhoneNumber Reason: SMS is not simulated")
		}
		return nil, invalid("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
	}
	return findTopic(c, arn)
}

func publish(c *svc.Ctx) (any, error) {
	t, err := publishTarget(c)
	if err != nil {
		return nil, err
	}
	p, err := publishOne(c, t, "")
	if err != nil {
		return nil, err
	}
	t.Published = append(t.Published, p)
	out := struct {
		MessageId      string
		SequenceNumber string `xml:",omitempty"`
	}{MessageId: p.MessageID}
	if t.Attributes["FifoTopic"] == "true" {
		out.SequenceNumber = strconv.Itoa(10000000000000000 + len(t.Published))
	}
	return out, nil
}

type batchOK struct {
	Id             string
	MessageId      string
	SequenceNumber string `xml:",omitempty"`
}

type batchFail struct {
	Id          string
	Code        string
	Message     string
	SenderFault bool
}

// publishBatch publishes up to 10 entries; each succeeds or fails on its
// own (Successful / Failed), as SNS answers.
func publishBatch(c *svc.Ctx) (any, error) {
	t, err := findTopic(c, c.Form.Get("TopicArn"))
	if err != nil {
		return nil, err
	}
	var n int
	for c.Form.Has("PublishBatchRequestEntries.member." + strconv.Itoa(n+1) + ".Id") {
		n++
	}
	switch {
	case n == 0:
		return nil, wire.Errorf(400, "EmptyBatchRequest", "The batch request doesn't contain any entries.")
	case n > 10:
		return nil, wire.Errorf(400, "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
	}
	ids := map[string]bool{}
	total := 0
	for i := 1; i <= n; i++ {
		p := "PublishBatchRequestEntries.member." + strconv.Itoa(i) + "."
		id := c.Form.Get(p + "Id")
		if ids[id] {
			return nil, wire.Errorf(400, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
		}
		if id == "" || len(id) > 80 {
			return nil, wire.Errorf(400, "InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification.")
		}
		ids[id] = true
		total += len(c.Form.Get(p + "Message"))
	}
	if total > maxMessage {
		return nil, wire.Errorf(400, "BatchRequestTooLong", "The length of all the messages put together is more than the limit.")
	}
	out := struct {
		Successful []batchOK   `xml:"Successful>member"`
		Failed     []batchFail `xml:"Failed>member"`
	}{}
	for i := 1; i <= n; i++ {
		p := "PublishBatchRequestEntries.member." + strconv.Itoa(i) + "."
		id := c.Form.Get(p + "Id")
		m, err := publishOne(c, t, p)
		if err != nil {
			we, _ := err.(*wire.Error)
			f := batchFail{Id: id, Code: "InvalidParameter", Message: err.Error(), SenderFault: true}
			if we != nil {
				f.Code, f.Message = we.Code, we.Message
			}
			out.Failed = append(out.Failed, f)
			continue
		}
		t.Published = append(t.Published, m)
		ok := batchOK{Id: id, MessageId: m.MessageID}
		if t.Attributes["FifoTopic"] == "true" {
			ok.SequenceNumber = strconv.Itoa(10000000000000000 + len(t.Published))
		}
		out.Successful = append(out.Successful, ok)
	}
	return out, nil
}
