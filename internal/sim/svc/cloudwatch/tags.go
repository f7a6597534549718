package cloudwatch

import (
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Alarm tags: TagResource, UntagResource, ListTagsForResource, and the
// Tags of PutMetricAlarm (applied when it creates the alarm). Of the
// resources CloudWatch tags (alarms, Contributor Insights rules,
// dashboards, metric streams) the simulator has alarms only.

type tag struct {
	Key   string
	Value string
}

// tags reads a list of {Key, Value}; a key is 1 to 128 characters, a
// value up to 256, and the aws: prefix is AWS's own.
func (r req) tags(k string) (map[string]string, error) {
	l, _ := r[k].([]any)
	if len(l) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, e := range l {
		m, _ := e.(map[string]any)
		key, val := req(m).str("Key"), req(m).str("Value")
		if err := checkKey(key); err != nil {
			return nil, err
		}
		if len(val) > 256 {
			_, err := invalidValue("1 validation error detected: Value '%s' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", val)
			return nil, err
		}
		out[key] = val
	}
	return out, nil
}

func checkKey(key string) error {
	var err error
	switch {
	case key == "" || len(key) > 128:
		_, err = invalidValue("1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128", key)
	case strings.HasPrefix(strings.ToLower(key), "aws:"):
		_, err = invalidValue("Tag keys starting with 'aws:' are reserved for AWS use: %s", key)
	}
	return err
}

// taggedAlarm finds the alarm a ResourceARN names in the caller's account
// and region.
func taggedAlarm(c *svc.Ctx, r req) (*world.MetricAlarm, error) {
	arn := r.str("ResourceARN")
	if arn == "" {
		_, err := missing("ResourceARN")
		return nil, err
	}
	f := strings.SplitN(arn, ":", 7)
	if len(f) < 6 || f[0] != "arn" || f[2] != "cloudwatch" || f[1] == "" {
		_, err := invalidValue("Invalid ARN: %s", arn)
		return nil, err
	}
	if len(f) == 7 && f[5] == "alarm" && f[3] == c.Region && f[4] == c.Account.ID {
		for _, a := range c.Regional().CloudWatch.Alarms {
			if a.Name == f[6] {
				return a, nil
			}
		}
	}
	_, err := apiError(404, "ResourceNotFoundException", "ResourceNotFoundException", "The resource %s does not exist.", arn)
	return nil, err
}

func tagResource(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	if !r.has("Tags") {
		return missing("Tags")
	}
	tags, err := r.tags("Tags")
	if err != nil {
		return nil, err
	}
	a, err := taggedAlarm(c, r)
	if err != nil {
		return nil, err
	}
	n := len(a.Tags)
	for k := range tags {
		if _, ok := a.Tags[k]; !ok {
			n++
		}
	}
	if n > 50 {
		return invalidValue("The resource %s would have %d tags; at most 50 are allowed.", r.str("ResourceARN"), n)
	}
	if a.Tags == nil && len(tags) > 0 {
		a.Tags = map[string]string{}
	}
	for k, v := range tags {
		a.Tags[k] = v
	}
	return nil, nil
}

func untagResource(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	if !r.has("TagKeys") {
		return missing("TagKeys")
	}
	keys := r.strs("TagKeys")
	for _, k := range keys {
		if k == "" || len(k) > 128 {
			return invalidValue("1 validation error detected: Value '%s' at 'tagKeys.member' failed to satisfy constraint: Member must have length between 1 and 128", k)
		}
	}
	a, err := taggedAlarm(c, r)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		delete(a.Tags, k)
	}
	return nil, nil
}

func listTagsForResource(c *svc.Ctx) (any, error) {
	r, err := decode(c)
	if err != nil {
		return nil, err
	}
	a, err := taggedAlarm(c, r)
	if err != nil {
		return nil, err
	}
	out := []tag{}
	for k, v := range a.Tags {
		out = append(out, tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return struct{ Tags []tag }{out}, nil
}
