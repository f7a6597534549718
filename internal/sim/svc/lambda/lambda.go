// Package lambda simulates AWS Lambda (restJson1).
package lambda

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Lambda (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "lambda",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/2015-03-31/functions", Op: "ListFunctions"},
			{Method: "GET", Pattern: "/2015-03-31/functions/{FunctionName}", Op: "GetFunction"},
			{Method: "GET", Pattern: "/2015-03-31/functions/{FunctionName}/configuration", Op: "GetFunctionConfiguration"},
			{Method: "GET", Pattern: "/2015-03-31/functions/{FunctionName}/policy", Op: "GetPolicy"},
			{Method: "POST", Pattern: "/2015-03-31/functions/{FunctionName}/policy", Op: "AddPermission"},
			{Method: "DELETE", Pattern: "/2015-03-31/functions/{FunctionName}/policy/{StatementId}", Op: "RemovePermission"},
			{Method: "GET", Pattern: "/2021-10-31/functions/{FunctionName}/urls", Op: "ListFunctionUrlConfigs"},
			{Method: "GET", Pattern: "/2021-10-31/functions/{FunctionName}/url", Op: "GetFunctionUrlConfig"},
			{Method: "POST", Pattern: "/2021-10-31/functions/{FunctionName}/url", Op: "CreateFunctionUrlConfig"},
			{Method: "DELETE", Pattern: "/2021-10-31/functions/{FunctionName}/url", Op: "DeleteFunctionUrlConfig"},
			{Method: "GET", Pattern: "/2017-03-31/tags/{Resource}", Op: "ListTags"},
		},
		Ops: map[string]svc.Handler{
			"ListFunctions":            listFunctions,
			"GetFunction":              getFunction,
			"GetFunctionConfiguration": getFunctionConfiguration,
			"GetPolicy":                getPolicy,
			"AddPermission":            addPermission,
			"RemovePermission":         removePermission,
			"ListFunctionUrlConfigs":   listFunctionURLConfigs,
			"GetFunctionUrlConfig":     getFunctionURLConfig,
			"CreateFunctionUrlConfig":  createFunctionURLConfig,
			"DeleteFunctionUrlConfig":  deleteFunctionURLConfig,
			"ListTags":                 listTags,
		},
	}
}

// Lambda answers throttling with TooManyRequestsException (429) and
// internal errors with ServiceException (500).
var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.RestJSON)
	c.Internal = "ServiceException"
	c.Unavailable = "ServiceException"
	return c
}()

const (
	lastModifiedLayout = "2006-01-02T15:04:05.000-0700"
	urlTimeLayout      = "2006-01-02T15:04:05.000000Z"
	markerCode         = "InvalidParameterValueException"
)

func invalid(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "InvalidParameterValueException", format, args...)
}

func notFound(format string, args ...any) error {
	return wire.Errorf(http.StatusNotFound, "ResourceNotFoundException", format, args...)
}

func conflict(format string, args ...any) error {
	return wire.Errorf(http.StatusConflict, "ResourceConflictException", format, args...)
}

func functionARN(c *svc.Ctx, name string) string { return c.ARN("lambda", "function:"+name) }

var (
	fullARN    = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$`)
	partialARN = regexp.MustCompile(`^(\d{12}):function:([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$`)
	plainName  = regexp.MustCompile(`^([a-zA-Z0-9-_]{1,64})(?::(\$LATEST|[a-zA-Z0-9-_]+))?$`)
)

// resolve finds the function a FunctionName (name, full or partial ARN,
// optionally with a qualifier) and Qualifier query parameter name. Only
// $LATEST exists in the simulator; any other qualifier is not found.
func resolve(c *svc.Ctx, ref, qualifier string) (*world.LambdaFunction, error) {
	region, account, name, qual := c.Region, c.Account.ID, "", ""
	if m := fullARN.FindStringSubmatch(ref); m != nil {
		region, account, name, qual = m[1], m[2], m[3], m[4]
	} else if m := partialARN.FindStringSubmatch(ref); m != nil {
		account, name, qual = m[1], m[2], m[3]
	} else if m := plainName.FindStringSubmatch(ref); m != nil {
		name, qual = m[1], m[2]
	} else {
		return nil, invalid("1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?", ref)
	}
	if qual != "" && qualifier != "" && qual != qualifier {
		return nil, invalid("The derived qualifier from the function name does not match the specified qualifier.")
	}
	if qual == "" {
		qual = qualifier
	}
	if region != c.Region {
		return nil, invalid("Functions from '%s' are not reachable in this region ('%s')", region, c.Region)
	}
	arn := world.ARN("lambda", region, account, "function:"+name)
	if qual != "" {
		arn += ":" + qual
	}
	if account == c.Account.ID && (qual == "" || qual == "$LATEST") {
		for _, f := range c.Regional().Lambda.Functions {
			if f.Name == name {
				return f, nil
			}
		}
	}
	return nil, notFound("Function not found: %s", arn)
}

func hashOf(parts ...string) []byte {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return h[:]
}

func uuidOf(parts ...string) string {
	s := hex.EncodeToString(hashOf(parts...)[:16])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// Wire shapes.

type vpcConfig struct {
	SubnetIds        []string `json:"SubnetIds"`
	SecurityGroupIds []string `json:"SecurityGroupIds"`
	VpcId            string   `json:"VpcId"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

type tracingConfig struct {
	Mode string `json:"Mode"`
}

type ephemeralStorage struct {
	Size int `json:"Size"`
}

type snapStart struct {
	ApplyOn            string `json:"ApplyOn"`
	OptimizationStatus string `json:"OptimizationStatus"`
}

type loggingConfig struct {
	LogFormat string `json:"LogFormat"`
	LogGroup  string `json:"LogGroup"`
}

type functionConfiguration struct {
	FunctionName     string            `json:"FunctionName"`
	FunctionArn      string            `json:"FunctionArn"`
	Runtime          string            `json:"Runtime,omitempty"`
	Role             string            `json:"Role"`
	Handler          string            `json:"Handler,omitempty"`
	CodeSize         int64             `json:"CodeSize"`
	Description      string            `json:"Description"`
	Timeout          int               `json:"Timeout"`
	MemorySize       int               `json:"MemorySize"`
	LastModified     string            `json:"LastModified"`
	CodeSha256       string            `json:"CodeSha256"`
	Version          string            `json:"Version"`
	VpcConfig        *vpcConfig        `json:"VpcConfig,omitempty"`
	Environment      *environment      `json:"Environment,omitempty"`
	KMSKeyArn        string            `json:"KMSKeyArn,omitempty"`
	TracingConfig    tracingConfig     `json:"TracingConfig"`
	RevisionId       string            `json:"RevisionId"`
	State            string            `json:"State,omitempty"`
	LastUpdateStatus string            `json:"LastUpdateStatus,omitempty"`
	PackageType      string            `json:"PackageType"`
	Architectures    []string          `json:"Architectures"`
	EphemeralStorage ephemeralStorage  `json:"EphemeralStorage"`
	SnapStart        snapStart         `json:"SnapStart"`
	LoggingConfig    loggingConfig     `json:"LoggingConfig"`
	Layers           []json.RawMessage `json:"Layers,omitempty"`
}

func configuration(c *svc.Ctx, f *world.LambdaFunction, full bool) functionConfiguration {
	out := functionConfiguration{
		FunctionName:     f.Name,
		FunctionArn:      functionARN(c, f.Name),
		Runtime:          f.Runtime,
		Role:             f.Role,
		Handler:          f.Handler,
		CodeSize:         f.CodeSize,
		Description:      f.Description,
		Timeout:          cmp.Or(f.Timeout, 3),
		MemorySize:       cmp.Or(f.MemorySize, 128),
		LastModified:     f.LastModified.UTC().Format(lastModifiedLayout),
		CodeSha256:       f.CodeSha256,
		Version:          "$LATEST",
		KMSKeyArn:        f.KMSKeyARN,
		TracingConfig:    tracingConfig{Mode: cmp.Or(f.TracingMode, "PassThrough")},
		RevisionId:       uuidOf("revision", c.Account.ID, c.Region, f.Name, f.LastModified.String()),
		PackageType:      cmp.Or(f.PackageType, "Zip"),
		Architectures:    f.Architectures,
		EphemeralStorage: ephemeralStorage{Size: 512},
		SnapStart:        snapStart{ApplyOn: "None", OptimizationStatus: "Off"},
		LoggingConfig:    loggingConfig{LogFormat: "Text", LogGroup: "/aws/lambda/" + f.Name},
	}
	if f.LastModified.IsZero() {
		out.LastModified = c.Now().Format(lastModifiedLayout)
	}
	if out.CodeSha256 == "" {
		out.CodeSha256 = base64.StdEncoding.EncodeToString(hashOf("code", c.Account.ID, f.Name))
	}
	if len(out.Architectures) == 0 {
		out.Architectures = []string{"x86_64"}
	}
	if out.PackageType == "Image" {
		out.Runtime, out.Handler = "", ""
	}
	if len(f.SubnetIDs) > 0 || len(f.SecurityGroupIDs) > 0 || f.VpcID != "" {
		out.VpcConfig = &vpcConfig{SubnetIds: orEmpty(f.SubnetIDs), SecurityGroupIds: orEmpty(f.SecurityGroupIDs), VpcId: f.VpcID}
	}
	if len(f.Environment) > 0 {
		out.Environment = &environment{Variables: f.Environment}
	}
	if full {
		out.State, out.LastUpdateStatus = "Active", "Successful"
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// maxItems reads the MaxItems query parameter (1..limit).
func maxItems(c *svc.Ctx, limit int) (int, error) {
	s := c.Query("MaxItems")
	if s == "" {
		return limit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 10000 {
		return 0, invalid("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000", s)
	}
	if n > limit {
		n = limit
	}
	return n, nil
}

func listFunctions(c *svc.Ctx) (any, error) {
	max, err := maxItems(c, 50)
	if err != nil {
		return nil, err
	}
	if v := c.Query("FunctionVersion"); v != "" && v != "ALL" {
		return nil, invalid("1 validation error detected: Value '%s' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]", v)
	}
	fs := append([]*world.LambdaFunction(nil), c.Regional().Lambda.Functions...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	page, next, err := svc.Page(fs, c.Query("Marker"), max, 50, markerCode)
	if err != nil {
		return nil, err
	}
	out := make([]functionConfiguration, 0, len(page))
	for _, f := range page {
		out = append(out, configuration(c, f, false))
	}
	res := map[string]any{"Functions": out}
	if next != "" {
		res["NextMarker"] = next
	}
	return res, nil
}

func getFunction(c *svc.Ctx) (any, error) {
	f, err := resolve(c, c.Path["FunctionName"], c.Query("Qualifier"))
	if err != nil {
		return nil, err
	}
	code := map[string]string{"RepositoryType": "S3",
		"Location": "https://awslambda-" + c.Region + "-tasks.s3." + c.Region + ".amazonaws.com/snapshots/" + c.Account.ID + "/" +
			f.Name + "-" + uuidOf("snapshot", c.Account.ID, f.Name) + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600"}
	res := map[string]any{"Configuration": configuration(c, f, true), "Code": code}
	if len(f.Tags) > 0 {
		res["Tags"] = f.Tags
	}
	return res, nil
}

func getFunctionConfiguration(c *svc.Ctx) (any, error) {
	f, err := resolve(c, c.Path["FunctionName"], c.Query("Qualifier"))
	if err != nil {
		return nil, err
	}
	return configuration(c, f, true), nil
}

// Resource policies.

var accountID = regexp.MustCompile(`^\d{12}$`)

func principal(p string) any {
	switch {
	case p == "*":
		return "*"
	case accountID.MatchString(p):
		return map[string]string{"AWS": "arn:aws:iam::" + p + ":root"}
	case strings.HasPrefix(p, "arn:"):
		return map[string]string{"AWS": p}
	}
	return map[string]string{"Service": p}
}

func statement(c *svc.Ctx, f *world.LambdaFunction, p *world.LambdaPermission) map[string]any {
	st := map[string]any{
		"Sid":       p.Sid,
		"Effect":    "Allow",
		"Principal": principal(p.Principal),
		"Action":    p.Action,
		"Resource":  functionARN(c, f.Name),
	}
	cond := map[string]map[string]string{}
	add := func(op, key, val string) {
		if val == "" {
			return
		}
		if cond[op] == nil {
			cond[op] = map[string]string{}
		}
		cond[op][key] = val
	}
	add("StringEquals", "AWS:SourceAccount", p.SourceAccount)
	add("StringEquals", "aws:PrincipalOrgID", p.PrincipalOrgID)
	add("StringEquals", "lambda:FunctionUrlAuthType", p.FunctionURLAuthType)
	add("StringEquals", "lambda:EventSourceToken", p.EventSourceToken)
	add("ArnLike", "AWS:SourceArn", p.SourceARN)
	if p.InvokedViaFunctionURL {
		add("Bool", "lambda:InvokedViaFunctionUrl", "true")
	}
	if len(cond) > 0 {
		st["Condition"] = cond
	}
	return st
}

func revision(c *svc.Ctx, f *world.LambdaFunction) string {
	if f.PolicyRevision == "" {
		f.PolicyRevision = uuidOf("policy", c.Account.ID, c.Region, f.Name)
	}
	return f.PolicyRevision
}

func getPolicy(c *svc.Ctx) (any, error) {
	f, err := resolve(c, c.Path["FunctionName"], c.Query("Qualifier"))
	if err != nil {
		return nil, err
	}
	if len(f.Permissions) == 0 {
		return nil, notFound("The resource you requested does not exist.")
	}
	sts := make([]map[string]any, 0, len(f.Permissions))
	for _, p := range f.Permissions {
		sts = append(sts, statement(c, f, p))
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": sts})
	return map[string]string{"Policy": string(doc), "RevisionId": revision(c, f)}, nil
}

var (
	sidPattern    = regexp.MustCompile(`^[a-zA-Z0-9-_]{1,100}$`)
	actionPattern = regexp.MustCompile(`^(lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
)

func addPermission(c *svc.Ctx) (any, error) {
	var in struct {
		StatementId           string
		Action                string
		Principal             string
		SourceArn             string
		SourceAccount         string
		PrincipalOrgID        string
		FunctionUrlAuthType   string
		RevisionId            string
		EventSourceToken      string
		InvokedViaFunctionUrl bool
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	f, err := resolve(c, c.Path["FunctionName"], c.Query("Qualifier"))
	if err != nil {
		return nil, err
	}
	switch {
	case in.StatementId == "" || !sidPattern.MatchString(in.StatementId):
		return nil, invalid("1 validation error detected: Value '%s' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)", in.StatementId)
	case !actionPattern.MatchString(in.Action):
		return nil, invalid("1 validation error detected: Value '%s' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])", in.Action)
	case in.Principal == "":
		return nil, invalid("The provided principal was invalid. Please check the principal and try again.")
	case in.FunctionUrlAuthType != "" && in.FunctionUrlAuthType != "NONE" && in.FunctionUrlAuthType != "AWS_IAM":
		return nil, invalid("1 validation error detected: Value '%s' at 'functionUrlAuthType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]", in.FunctionUrlAuthType)
	case in.InvokedViaFunctionUrl && in.Action != "lambda:InvokeFunction":
		return nil, invalid("InvokedViaFunctionUrl is only supported with the lambda:InvokeFunction action.")
	}
	if in.RevisionId != "" && len(f.Permissions) > 0 && in.RevisionId != revision(c, f) {
		return nil, wire.Errorf(http.StatusPreconditionFailed, "PreconditionFailedException",
			"The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	}
	for _, p := range f.Permissions {
		if p.Sid == in.StatementId {
			return nil, conflict("The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", in.StatementId)
		}
	}
	p := &world.LambdaPermission{Sid: in.StatementId, Action: in.Action, Principal: in.Principal, SourceARN: in.SourceArn,
		SourceAccount: in.SourceAccount, PrincipalOrgID: in.PrincipalOrgID, FunctionURLAuthType: in.FunctionUrlAuthType,
		EventSourceToken: in.EventSourceToken, InvokedViaFunctionURL: in.InvokedViaFunctionUrl}
	f.Permissions = append(f.Permissions, p)
	f.PolicyRevision = c.World.HexID("", 32)
	f.PolicyRevision = f.PolicyRevision[0:8] + "-" + f.PolicyRevision[8:12] + "-" + f.PolicyRevision[12:16] + "-" + f.PolicyRevision[16:20] + "-" + f.PolicyRevision[20:]
	doc, _ := json.Marshal(statement(c, f, p))
	return &wire.Response{Status: http.StatusCreated, Body: map[string]string{"Statement": string(doc)}}, nil
}

func removePermission(c *svc.Ctx) (any, error) {
	f, err := resolve(c, c.Path["FunctionName"], c.Query("Qualifier"))
	if err != nil {
		return nil, err
	}
	sid := c.Path["StatementId"]
	if rev := c.Query("RevisionId"); rev != "" && len(f.Permissions) > 0 && rev != revision(c, f) {
		return nil, wire.Errorf(http.StatusPreconditionFailed, "PreconditionFailedException",
			"The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
	}
	if len(f.Permissions) == 0 {
		return nil, notFound("No policy is associated with the given resource.")
	}
	for i, p := range f.Permissions {
		if p.Sid == sid {
			f.Permissions = append(f.Permissions[:i:i], f.Permissions[i+1:]...)
			f.PolicyRevision = ""
			if len(f.Permissions) > 0 {
				f.PolicyRevision = uuidOf("policy", c.Account.ID, c.Region, f.Name, c.World.HexID("", 8))
			}
			return &wire.Response{Status: http.StatusNoContent, Body: []byte{}}, nil
		}
	}
	return nil, notFound("Statement %s is not found in resource policy.", sid)
}

// Function URLs.

func urlConfig(c *svc.Ctx, f *world.LambdaFunction) map[string]any {
	u := f.URL
	if u.ID == "" {
		u.ID = hex.EncodeToString(hashOf("url", c.Account.ID, c.Region, f.Name))[:32]
	}
	created := u.Created
	if created.IsZero() {
		created = f.LastModified
	}
	if created.IsZero() {
		created = c.Now()
	}
	modified := u.Modified
	if modified.IsZero() {
		modified = created
	}
	return map[string]any{
		"FunctionUrl":      "https://" + u.ID + ".lambda-url." + c.Region + ".on.aws/",
		"FunctionArn":      functionARN(c, f.Name),
		"AuthType":         cmp.Or(u.AuthType, "AWS_IAM"),
		"CreationTime":     created.UTC().Format(urlTimeLayout),
		"LastModifiedTime": modified.UTC().Format(urlTimeLayout),
		"InvokeMode":       cmp.Or(u.InvokeMode, "BUFFERED"),
	}
}

// urlFunction resolves the function of a function URL operation; URLs
// exist only on the unqualified function in the simulator (no aliases).
func urlFunction(c *svc.Ctx) (*world.LambdaFunction, error) {
	q := c.Query("Qualifier")
	f, err := resolve(c, c.Path["FunctionName"], "")
	if err != nil {
		return nil, err
	}
	if q != "" {
		return nil, notFound("Function not found: %s:%s", functionARN(c, f.Name), q)
	}
	return f, nil
}

func listFunctionURLConfigs(c *svc.Ctx) (any, error) {
	max, err := maxItems(c, 50)
	if err != nil {
		return nil, err
	}
	f, err := resolve(c, c.Path["FunctionName"], "")
	if err != nil {
		return nil, err
	}
	var all []map[string]any
	if f.URL != nil {
		all = append(all, urlConfig(c, f))
	}
	page, next, err := svc.Page(all, c.Query("Marker"), max, 50, markerCode)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []map[string]any{}
	}
	res := map[string]any{"FunctionUrlConfigs": page}
	if next != "" {
		res["NextMarker"] = next
	}
	return res, nil
}

func getFunctionURLConfig(c *svc.Ctx) (any, error) {
	f, err := urlFunction(c)
	if err != nil {
		return nil, err
	}
	if f.URL == nil {
		return nil, notFound("The resource you requested does not exist.")
	}
	return urlConfig(c, f), nil
}

func createFunctionURLConfig(c *svc.Ctx) (any, error) {
	var in struct {
		AuthType   string
		InvokeMode string
		Cors       json.RawMessage
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	f, err := urlFunction(c)
	if err != nil {
		return nil, err
	}
	if in.AuthType != "NONE" && in.AuthType != "AWS_IAM" {
		return nil, invalid("1 validation error detected: Value '%s' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]", in.AuthType)
	}
	if in.InvokeMode != "" && in.InvokeMode != "BUFFERED" && in.InvokeMode != "RESPONSE_STREAM" {
		return nil, invalid("1 validation error detected: Value '%s' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]", in.InvokeMode)
	}
	if f.URL != nil {
		return nil, conflict("Failed to create function url config for [functionArn = %s]. Error message:  FunctionUrlConfig exists for this Lambda function", functionARN(c, f.Name))
	}
	now := c.Now().Truncate(time.Microsecond)
	f.URL = &world.LambdaURL{AuthType: in.AuthType, ID: c.World.HexID("", 32), Created: now, Modified: now, InvokeMode: cmp.Or(in.InvokeMode, "BUFFERED")}
	cfg := urlConfig(c, f)
	delete(cfg, "LastModifiedTime")
	return &wire.Response{Status: http.StatusCreated, Body: cfg}, nil
}

func deleteFunctionURLConfig(c *svc.Ctx) (any, error) {
	f, err := urlFunction(c)
	if err != nil {
		return nil, err
	}
	if f.URL == nil {
		return nil, notFound("The resource you requested does not exist.")
	}
	f.URL = nil
	return &wire.Response{Status: http.StatusNoContent, Body: []byte{}}, nil
}

// Tags.

func listTags(c *svc.Ctx) (any, error) {
	arn := c.Path["Resource"]
	m := fullARN.FindStringSubmatch(arn)
	if m == nil {
		if strings.HasPrefix(arn, "arn:") {
			return nil, invalid("Resource type is not supported for tagging: %s", arn)
		}
		return nil, invalid("1 validation error detected: Value '%s' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", arn)
	}
	if m[4] != "" {
		return nil, invalid("Tags are not supported on function versions or aliases: %s", arn)
	}
	f, err := resolve(c, arn, "")
	if err != nil {
		return nil, err
	}
	tags := f.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return map[string]any{"Tags": tags}, nil
}
