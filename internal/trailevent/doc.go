// Package trailevent decodes CloudTrail records fast: the hot path of the
// watch, which reads every management event of an organization.
//
// A record (about 1.5 KB) is parsed once, by github.com/valyala/fastjson
// with a parser that a Decoder reuses, so decoding allocates one small
// block per record (the fields every rule needs, copied so they stay
// valid) and nothing else. fastjson leaves strings escaped until they are
// read, so the request parameters, response elements and TLS details that
// no rule looks at cost only the scan that skips them. The choice and its
// measurements are in the reference notes on Go dependencies (JSON for
// CloudTrail parsing): encoding/json would cost about 6 times more than
// the gunzip of the same log file.
//
// An Event exposes the fields rules need by name (EventName, EventSource,
// UserType, ...) and any other by path (Get("$.requestParameters.
// bucketName"), the selector syntax of CloudWatch Logs filter patterns),
// and builds the EventBridge event that carries the record
// (EventBridge), for event patterns.
//
// A Reader reads CloudTrail log files ({"Records":[...]}, plain or
// gzipped) record by record, reporting what it cannot read (a truncated
// gzip stream, invalid JSON, a record without eventID, eventTime or
// eventName) as a *MalformedError with the file and byte offset, and goes
// on with the next record wherever the file still allows it. In a file
// of records one after another (JSON lines, or records saved from the
// console), a line that starts with { starts a record, so a bad line
// costs that line alone. NextRaw gives the records undecoded, for a
// caller that decodes each record once itself (the watch).
//
// The package imports only filterpattern (for the values Get returns) of
// Guardrail's packages.
package trailevent
