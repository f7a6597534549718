// Package logs simulates Amazon CloudWatch Logs (awsJson1.1): log groups,
// retention, encryption and metric filters.
package logs

import (
	"sort"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon CloudWatch Logs (awsJson1.1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "logs",
		Protocol: wire.JSON11,
		Ops: map[string]svc.Handler{
			"DescribeLogGroups":     describeLogGroups,
			"CreateLogGroup":        createLogGroup,
			"DeleteLogGroup":        deleteLogGroup,
			"PutRetentionPolicy":    putRetentionPolicy,
			"DeleteRetentionPolicy": deleteRetentionPolicy,
			"AssociateKmsKey":       associateKmsKey,
			"DisassociateKmsKey":    disassociateKmsKey,
			"DescribeMetricFilters": describeMetricFilters,
			"PutMetricFilter":       putMetricFilter,
			"DeleteMetricFilter":    deleteMetricFilter,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(400, "InvalidParameterException", format, args...)
}

func groupNotFound() error {
	return wire.Errorf(400, "ResourceNotFoundException", "The specified log group does not exist.")
}

func findGroup(c *svc.Ctx, name string) *world.LogGroup {
	for _, g := range c.Regional().Logs.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

func groupARN(c *svc.Ctx, name string) string { return c.ARN("logs", "log-group:"+name) }

type logGroup struct {
	LogGroupName              string `json:"logGroupName"`
	CreationTime              int64  `json:"creationTime"`
	RetentionInDays           *int   `json:"retentionInDays,omitempty"`
	MetricFilterCount         int    `json:"metricFilterCount"`
	Arn                       string `json:"arn"`
	LogGroupArn               string `json:"logGroupArn"`
	StoredBytes               int64  `json:"storedBytes"`
	KmsKeyId                  string `json:"kmsKeyId,omitempty"`
	LogGroupClass             string `json:"logGroupClass"`
	DeletionProtectionEnabled bool   `json:"deletionProtectionEnabled"`
}

func validName(name string) error {
	if name == "" {
		return invalid("1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null")
	}
	if len(name) > 512 {
		return invalid("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512", name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/#", r)) {
			return invalid("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
		}
	}
	return nil
}

func limit(l *int, max int) (int, error) {
	if l == nil {
		return max, nil
	}
	if *l < 1 || *l > max {
		return 0, invalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *l, max)
	}
	return *l, nil
}

func describeLogGroups(c *svc.Ctx) (any, error) {
	var in struct {
		LogGroupNamePrefix  string   `json:"logGroupNamePrefix"`
		LogGroupNamePattern string   `json:"logGroupNamePattern"`
		LogGroupClass       string   `json:"logGroupClass"`
		LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
		NextToken           string   `json:"nextToken"`
		Limit               *int     `json:"limit"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	lim, err := limit(in.Limit, 50)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, id := range in.LogGroupIdentifiers {
		ids[strings.TrimSuffix(id, ":*")] = true
	}
	groups := append([]*world.LogGroup(nil), c.Regional().Logs.Groups...)
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	var all []logGroup
	for _, g := range groups {
		if !strings.HasPrefix(g.Name, in.LogGroupNamePrefix) ||
			(in.LogGroupNamePattern != "" && !strings.Contains(strings.ToLower(g.Name), strings.ToLower(in.LogGroupNamePattern))) ||
			(in.LogGroupClass != "" && class(g) != in.LogGroupClass) ||
			(len(ids) > 0 && !ids[g.Name] && !ids[groupARN(c, g.Name)]) {
			continue
		}
		all = append(all, view(c, g))
	}
	page, next, err := svc.Page(all, in.NextToken, lim, 50, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []logGroup{}
	}
	return struct {
		LogGroups []logGroup `json:"logGroups"`
		NextToken string     `json:"nextToken,omitempty"`
	}{page, next}, nil
}

func class(g *world.LogGroup) string {
	if g.Class == "" {
		return "STANDARD"
	}
	return g.Class
}

func view(c *svc.Ctx, g *world.LogGroup) logGroup {
	n := 0
	for _, f := range c.Regional().Logs.MetricFilters {
		if f.LogGroup == g.Name {
			n++
		}
	}
	v := logGroup{LogGroupName: g.Name, CreationTime: g.Created.UnixMilli(), MetricFilterCount: n,
		Arn: groupARN(c, g.Name) + ":*", LogGroupArn: groupARN(c, g.Name), StoredBytes: g.StoredBytes,
		KmsKeyId: g.KMSKeyID, LogGroupClass: class(g), DeletionProtectionEnabled: g.DeletionProtection}
	if g.RetentionDays > 0 {
		d := g.RetentionDays
		v.RetentionInDays = &d
	}
	return v
}

type groupRef struct {
	LogGroupName    string `json:"logGroupName"`
	KmsKeyId        string `json:"kmsKeyId"`
	LogGroupClass   string `json:"logGroupClass"`
	RetentionInDays *int   `json:"retentionInDays"`
}

func createLogGroup(c *svc.Ctx) (any, error) {
	var in groupRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := validName(in.LogGroupName); err != nil {
		return nil, err
	}
	if in.LogGroupClass != "" && in.LogGroupClass != "STANDARD" && in.LogGroupClass != "INFREQUENT_ACCESS" && in.LogGroupClass != "DELIVERY" {
		return nil, invalid("1 validation error detected: Value '%s' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]", in.LogGroupClass)
	}
	if in.KmsKeyId != "" && !strings.HasPrefix(in.KmsKeyId, "arn:") {
		return nil, invalid("Specified KMS key ID %s is not a valid ARN", in.KmsKeyId)
	}
	if findGroup(c, in.LogGroupName) != nil {
		return nil, wire.Errorf(400, "ResourceAlreadyExistsException", "The specified log group already exists")
	}
	r := c.Regional()
	r.Logs.Groups = append(r.Logs.Groups, &world.LogGroup{Name: in.LogGroupName, KMSKeyID: in.KmsKeyId, Class: in.LogGroupClass, Created: c.Now()})
	return nil, nil
}

func deleteLogGroup(c *svc.Ctx) (any, error) {
	var in groupRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	r := c.Regional()
	for i, g := range r.Logs.Groups {
		if g.Name == in.LogGroupName {
			if g.DeletionProtection {
				return nil, wire.Errorf(400, "OperationAbortedException", "Log group %s has deletion protection enabled.", g.Name)
			}
			r.Logs.Groups = append(r.Logs.Groups[:i], r.Logs.Groups[i+1:]...)
			var keep []*world.LogMetricFilter
			for _, f := range r.Logs.MetricFilters {
				if f.LogGroup != in.LogGroupName {
					keep = append(keep, f)
				}
			}
			r.Logs.MetricFilters = keep
			return nil, nil
		}
	}
	return nil, groupNotFound()
}

var retentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func putRetentionPolicy(c *svc.Ctx) (any, error) {
	var in groupRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.RetentionInDays == nil {
		return nil, invalid("1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null")
	}
	ok := false
	for _, v := range retentionValues {
		ok = ok || v == *in.RetentionInDays
	}
	if !ok {
		return nil, invalid("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]", *in.RetentionInDays)
	}
	g := findGroup(c, in.LogGroupName)
	if g == nil {
		return nil, groupNotFound()
	}
	g.RetentionDays = *in.RetentionInDays
	return nil, nil
}

func deleteRetentionPolicy(c *svc.Ctx) (any, error) {
	var in groupRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g := findGroup(c, in.LogGroupName)
	if g == nil {
		return nil, groupNotFound()
	}
	g.RetentionDays = 0
	return nil, nil
}

func associateKmsKey(c *svc.Ctx) (any, error) {
	var in groupRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(in.KmsKeyId, "arn:aws:kms:") {
		return nil, invalid("Specified KMS key ID %s is not a valid ARN", in.KmsKeyId)
	}
	g := findGroup(c, in.LogGroupName)
	if g == nil {
		return nil, groupNotFound()
	}
	g.KMSKeyID = in.KmsKeyId
	return nil, nil
}

func disassociateKmsKey(c *svc.Ctx) (any, error) {
	var in groupRef
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	g := findGroup(c, in.LogGroupName)
	if g == nil {
		return nil, groupNotFound()
	}
	g.KMSKeyID = ""
	return nil, nil
}

type transformation struct {
	MetricName      string   `json:"metricName"`
	MetricNamespace string   `json:"metricNamespace"`
	MetricValue     string   `json:"metricValue"`
	DefaultValue    *float64 `json:"defaultValue,omitempty"`
	Unit            string   `json:"unit,omitempty"`
}

type metricFilter struct {
	FilterName            string           `json:"filterName"`
	FilterPattern         string           `json:"filterPattern"`
	MetricTransformations []transformation `json:"metricTransformations"`
	CreationTime          int64            `json:"creationTime"`
	LogGroupName          string           `json:"logGroupName"`
}

func describeMetricFilters(c *svc.Ctx) (any, error) {
	var in struct {
		LogGroupName     string `json:"logGroupName"`
		FilterNamePrefix string `json:"filterNamePrefix"`
		MetricName       string `json:"metricName"`
		MetricNamespace  string `json:"metricNamespace"`
		NextToken        string `json:"nextToken"`
		Limit            *int   `json:"limit"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if (in.MetricName == "") != (in.MetricNamespace == "") {
		return nil, invalid("If you specify one of metricName or metricNamespace, you must specify both.")
	}
	if in.FilterNamePrefix != "" && in.LogGroupName == "" {
		return nil, invalid("If you specify filterNamePrefix, you must also specify logGroupName.")
	}
	lim, err := limit(in.Limit, 50)
	if err != nil {
		return nil, err
	}
	if in.LogGroupName != "" && findGroup(c, in.LogGroupName) == nil {
		return nil, groupNotFound()
	}
	filters := append([]*world.LogMetricFilter(nil), c.Regional().Logs.MetricFilters...)
	sort.SliceStable(filters, func(i, j int) bool {
		if filters[i].LogGroup != filters[j].LogGroup {
			return filters[i].LogGroup < filters[j].LogGroup
		}
		return filters[i].Name < filters[j].Name
	})
	var all []metricFilter
	for _, f := range filters {
		if in.LogGroupName != "" && f.LogGroup != in.LogGroupName || !strings.HasPrefix(f.Name, in.FilterNamePrefix) {
			continue
		}
		mf := metricFilter{FilterName: f.Name, FilterPattern: f.Pattern, CreationTime: f.Created.UnixMilli(), LogGroupName: f.LogGroup, MetricTransformations: []transformation{}}
		match := in.MetricName == ""
		for _, t := range f.Transformations {
			mf.MetricTransformations = append(mf.MetricTransformations, transformation{t.MetricName, t.MetricNamespace, metricValue(t), t.DefaultValue, t.Unit})
			if t.MetricName == in.MetricName && t.MetricNamespace == in.MetricNamespace {
				match = true
			}
		}
		if match {
			all = append(all, mf)
		}
	}
	page, next, err := svc.Page(all, in.NextToken, lim, 50, "InvalidParameterException")
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []metricFilter{}
	}
	return struct {
		MetricFilters []metricFilter `json:"metricFilters"`
		NextToken     string         `json:"nextToken,omitempty"`
	}{page, next}, nil
}

func metricValue(t world.LogMetricTransformation) string {
	if t.MetricValue == "" {
		return "1"
	}
	return t.MetricValue
}

// checkPattern accepts a non-empty filter pattern whose braces, brackets
// and parentheses balance outside quoted strings.
func checkPattern(p string) error {
	if strings.TrimSpace(p) == "" {
		return invalid("Invalid metric filter pattern: the filter pattern must not be empty")
	}
	var stack []rune
	pairs := map[rune]rune{'}': '{', ')': '(', ']': '['}
	inQuote := false
	for i, r := range p {
		switch {
		case r == '"' && (i == 0 || p[i-1] != '\\'):
			inQuote = !inQuote
		case inQuote:
		case r == '{' || r == '(' || r == '[':
			stack = append(stack, r)
		case r == '}' || r == ')' || r == ']':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[r] {
				return invalid("Invalid metric filter pattern")
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 || inQuote {
		return invalid("Invalid metric filter pattern")
	}
	return nil
}

func putMetricFilter(c *svc.Ctx) (any, error) {
	var in struct {
		LogGroupName          string           `json:"logGroupName"`
		FilterName            string           `json:"filterName"`
		FilterPattern         *string          `json:"filterPattern"`
		MetricTransformations []transformation `json:"metricTransformations"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.FilterName == "" || len(in.FilterName) > 512 || strings.ContainsAny(in.FilterName, ":*") {
		return nil, invalid("1 validation error detected: Value '%s' at 'filterName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", in.FilterName)
	}
	if in.FilterPattern == nil {
		return nil, invalid("1 validation error detected: Value null at 'filterPattern' failed to satisfy constraint: Member must not be null")
	}
	if err := checkPattern(*in.FilterPattern); err != nil {
		return nil, err
	}
	if len(in.MetricTransformations) != 1 {
		return nil, invalid("1 validation error detected: Value at 'metricTransformations' failed to satisfy constraint: Member must have length less than or equal to 1 and greater than or equal to 1")
	}
	t := in.MetricTransformations[0]
	if t.MetricName == "" || t.MetricNamespace == "" || t.MetricValue == "" {
		return nil, invalid("metricName, metricNamespace and metricValue are required in a metric transformation")
	}
	if findGroup(c, in.LogGroupName) == nil {
		return nil, groupNotFound()
	}
	r := c.Regional()
	wt := []world.LogMetricTransformation{{MetricName: t.MetricName, MetricNamespace: t.MetricNamespace, MetricValue: t.MetricValue, DefaultValue: t.DefaultValue, Unit: t.Unit}}
	n := 0
	for _, f := range r.Logs.MetricFilters {
		if f.LogGroup != in.LogGroupName {
			continue
		}
		if f.Name == in.FilterName {
			f.Pattern, f.Transformations = *in.FilterPattern, wt
			return nil, nil
		}
		n++
	}
	if n >= 100 {
		return nil, wire.Errorf(400, "LimitExceededException", "Resource limit exceeded.")
	}
	r.Logs.MetricFilters = append(r.Logs.MetricFilters, &world.LogMetricFilter{Name: in.FilterName, LogGroup: in.LogGroupName,
		Pattern: *in.FilterPattern, Transformations: wt, Created: c.Now()})
	return nil, nil
}

func deleteMetricFilter(c *svc.Ctx) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
		FilterName   string `json:"filterName"`
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if findGroup(c, in.LogGroupName) == nil {
		return nil, groupNotFound()
	}
	r := c.Regional()
	for i, f := range r.Logs.MetricFilters {
		if f.LogGroup == in.LogGroupName && f.Name == in.FilterName {
			r.Logs.MetricFilters = append(r.Logs.MetricFilters[:i], r.Logs.MetricFilters[i+1:]...)
			return nil, nil
		}
	}
	return nil, wire.Errorf(400, "ResourceNotFoundException", "The specified metric filter does not exist.")
}
