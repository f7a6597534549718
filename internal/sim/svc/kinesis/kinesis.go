// Package kinesis simulates Amazon Kinesis Data Streams (awsJson1.1,
// target prefix Kinesis_20131202): the stream list and summary a
// security review reads, and the writes that create a stream and turn
// its server-side encryption on or off.
//
// ListStreams pages as the API reference documents: Limit from 1 to
// 10000 (default 100, at most 100 returned), ExclusiveStartStreamName or
// NextToken, and HasMoreStreams on every page. A stream is named by
// StreamName or StreamARN; an ARN of another account or region is not
// found, as the stream is not there.
package kinesis

import (
	"cmp"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Kinesis Data Streams simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "kinesis",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"ListStreams":           listStreams,
			"DescribeStreamSummary": describeStreamSummary,
			"CreateStream":          createStream,
			"StartStreamEncryption": startStreamEncryption,
			"StopStreamEncryption":  stopStreamEncryption,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidArgumentException", format, args...)
}

func validation(format string, args ...any) error {
	return wire.Errorf(400, "ValidationException", format, args...)
}

func sorted(c *svc.Ctx) []*world.KinesisStream {
	ss := append([]*world.KinesisStream(nil), c.Regional().Kinesis.Streams...)
	sort.Slice(ss, func(i, j int) bool { return ss[i].Name < ss[j].Name })
	return ss
}

func arn(c *svc.Ctx, name string) string { return c.ARN("kinesis", "stream/"+name) }

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func status(s *world.KinesisStream) string { return cmp.Or(s.Status, "ACTIVE") }
func mode(s *world.KinesisStream) string   { return cmp.Or(s.Mode, "PROVISIONED") }
func retention(s *world.KinesisStream) int {
	if s.RetentionHours == 0 {
		return 24
	}
	return s.RetentionHours
}

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,128}$`)

// target is the stream a request names by StreamName and/or StreamARN.
type target struct {
	StreamName string
	StreamARN  string
}

// find returns the stream t names in the caller's account and region.
func find(c *svc.Ctx, t target) (*world.KinesisStream, error) {
	name := t.StreamName
	if t.StreamARN != "" {
		prefix := arn(c, "")
		if !strings.HasPrefix(t.StreamARN, prefix) {
			if !strings.Contains(t.StreamARN, ":stream/") {
				return nil, validation("1 validation error detected: Value '%s' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+", t.StreamARN)
			}
			return nil, wire.Errorf(400, "ResourceNotFoundException", "Stream %s not found.", t.StreamARN)
		}
		fromARN := strings.TrimPrefix(t.StreamARN, prefix)
		if name != "" && name != fromARN {
			return nil, invalid("StreamName %s does not match the stream in StreamARN %s.", name, t.StreamARN)
		}
		name = fromARN
	}
	if name == "" {
		return nil, invalid("Either StreamName or StreamARN should be provided.")
	}
	for _, s := range c.Regional().Kinesis.Streams {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, wire.Errorf(400, "ResourceNotFoundException", "Stream %s under account %s not found.", name, c.Account.ID)
}

func listStreams(c *svc.Ctx) (any, error) {
	var in struct {
		ExclusiveStartStreamName string
		Limit                    *int
		NextToken                string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return nil, validation("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000 and greater than or equal to 1", *in.Limit)
		}
		limit = min(*in.Limit, 100)
	}
	if in.NextToken != "" && in.ExclusiveStartStreamName != "" {
		return nil, invalid("ExclusiveStartStreamName and NextToken cannot both be provided.")
	}
	all := []*world.KinesisStream{}
	for _, s := range sorted(c) {
		if s.Name > in.ExclusiveStartStreamName {
			all = append(all, s)
		}
	}
	page, next, err := svc.Page(all, in.NextToken, limit, 100, "InvalidArgumentException")
	if err != nil {
		return nil, err
	}
	names, summaries := []string{}, []map[string]any{}
	for _, s := range page {
		names = append(names, s.Name)
		summaries = append(summaries, map[string]any{"StreamName": s.Name, "StreamARN": arn(c, s.Name),
			"StreamStatus": status(s), "StreamModeDetails": map[string]string{"StreamMode": mode(s)},
			"StreamCreationTimestamp": epoch(s.Created)})
	}
	out := map[string]any{"StreamNames": names, "StreamSummaries": summaries, "HasMoreStreams": next != ""}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func describeStreamSummary(c *svc.Ctx) (any, error) {
	var in target
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	s, err := find(c, in)
	if err != nil {
		return nil, err
	}
	shards := s.Shards
	if shards == 0 {
		shards = 1
	}
	d := map[string]any{
		"StreamName": s.Name, "StreamARN": arn(c, s.Name), "StreamStatus": status(s),
		"StreamModeDetails": map[string]string{"StreamMode": mode(s)}, "RetentionPeriodHours": retention(s),
		"StreamCreationTimestamp": epoch(s.Created), "EnhancedMonitoring": []map[string]any{{"ShardLevelMetrics": []string{}}},
		"OpenShardCount": shards, "ConsumerCount": 0, "EncryptionType": "NONE",
	}
	if s.KMSKeyID != "" {
		d["EncryptionType"], d["KeyId"] = "KMS", s.KMSKeyID
	}
	return map[string]any{"StreamDescriptionSummary": d}, nil
}

func createStream(c *svc.Ctx) (any, error) {
	var in struct {
		StreamName        string
		ShardCount        *int
		StreamModeDetails *struct{ StreamMode string }
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !namePattern.MatchString(in.StreamName) {
		return nil, validation("1 validation error detected: Value '%s' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", in.StreamName)
	}
	m := "PROVISIONED"
	if in.StreamModeDetails != nil && in.StreamModeDetails.StreamMode != "" {
		m = in.StreamModeDetails.StreamMode
		if m != "PROVISIONED" && m != "ON_DEMAND" {
			return nil, validation("1 validation error detected: Value '%s' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]", m)
		}
	}
	shards := 0
	switch {
	case m == "PROVISIONED" && in.ShardCount == nil:
		return nil, invalid("ShardCount is required for a PROVISIONED stream.")
	case in.ShardCount != nil && *in.ShardCount < 1:
		return nil, validation("1 validation error detected: Value '%d' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.ShardCount)
	case in.ShardCount != nil:
		shards = *in.ShardCount
	default:
		shards = 4
	}
	r := c.Regional()
	for _, s := range r.Kinesis.Streams {
		if s.Name == in.StreamName {
			return nil, wire.Errorf(400, "ResourceInUseException", "Stream %s under account %s already exists.", in.StreamName, c.Account.ID)
		}
	}
	r.Kinesis.Streams = append(r.Kinesis.Streams, &world.KinesisStream{Name: in.StreamName, Mode: m, Shards: shards, Created: c.Now()})
	return map[string]any{}, nil
}

func startStreamEncryption(c *svc.Ctx) (any, error) {
	var in struct {
		target
		EncryptionType string
		KeyId          string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.EncryptionType != "KMS" {
		return nil, validation("1 validation error detected: Value '%s' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [KMS]", in.EncryptionType)
	}
	if in.KeyId == "" {
		return nil, validation("1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	s, err := find(c, in.target)
	if err != nil {
		return nil, err
	}
	s.KMSKeyID = in.KeyId
	return map[string]any{}, nil
}

func stopStreamEncryption(c *svc.Ctx) (any, error) {
	var in struct {
		target
		EncryptionType string
		KeyId          string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	s, err := find(c, in.target)
	if err != nil {
		return nil, err
	}
	if s.KMSKeyID == "" {
		return nil, invalid("Stream %s under account %s is not encrypted.", s.Name, c.Account.ID)
	}
	s.KMSKeyID = ""
	return map[string]any{}, nil
}
