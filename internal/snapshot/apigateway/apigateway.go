// Package apigateway holds the normalized Amazon API Gateway state of one
// account in one region: REST API stages with their method settings, and
// HTTP and WebSocket APIs with their stages and routes. It must not import
// the AWS SDK.
package apigateway

// APIGateway is the API Gateway state of one region.
type APIGateway struct {
	RestAPIs []*RestAPI `json:"rest_apis"`
	APIs     []*API     `json:"apis,omitempty"`
	// Errors records the lists that could not be read ("apis": the HTTP
	// and WebSocket APIs) with the reason. The REST APIs are always read:
	// without them the collector fails as a whole.
	Errors map[string]string `json:"errors,omitempty"`
}

// RestAPI is one REST API.
type RestAPI struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	EndpointType string            `json:"endpoint_type,omitempty"` // REGIONAL, EDGE or PRIVATE
	Tags         map[string]string `json:"tags,omitempty"`
	Stages       []*RestStage      `json:"stages"`
	// Errors records details that could not be read ("stages").
	Errors map[string]string `json:"errors,omitempty"`
}

// RestStage is one stage of a REST API.
type RestStage struct {
	ARN                 string `json:"arn"`
	Name                string `json:"name"`
	ClientCertificateID string `json:"client_certificate_id,omitempty"`
	Tracing             bool   `json:"tracing"`
	WebACLARN           string `json:"web_acl_arn,omitempty"`
	CacheCluster        bool   `json:"cache_cluster"`
	AccessLogARN        string `json:"access_log_arn,omitempty"`
	// MethodSettings are keyed "*/*" (every method) or
	// "{resource path}/{HTTP method}".
	MethodSettings map[string]MethodSetting `json:"method_settings,omitempty"`
	Tags           map[string]string        `json:"tags,omitempty"`
}

// MethodSetting is a stage's setting for some methods.
type MethodSetting struct {
	LoggingLevel   string `json:"logging_level"` // OFF, ERROR or INFO
	Caching        bool   `json:"caching"`
	CacheEncrypted bool   `json:"cache_encrypted"`
}

// API is one HTTP or WebSocket API (API Gateway v2).
type API struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Protocol string            `json:"protocol"` // HTTP or WEBSOCKET
	Tags     map[string]string `json:"tags,omitempty"`
	Stages   []*Stage          `json:"stages"`
	Routes   []*Route          `json:"routes"`
	// Errors records details that could not be read ("stages", "routes").
	Errors map[string]string `json:"errors,omitempty"`
}

// Stage is one stage of an HTTP or WebSocket API.
type Stage struct {
	ARN          string `json:"arn"`
	Name         string `json:"name"`
	AccessLogARN string `json:"access_log_arn,omitempty"`
	// LoggingLevel is the default route settings' execution logging
	// level (WebSocket APIs): OFF, ERROR, INFO, or "" when unset.
	LoggingLevel string `json:"logging_level,omitempty"`
	// RouteLogging is the logging level each route overrides it with.
	RouteLogging map[string]string `json:"route_logging,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
}

// Route is one route of an HTTP or WebSocket API.
type Route struct {
	ARN               string `json:"arn"`
	ID                string `json:"id"`
	Key               string `json:"key"`
	AuthorizationType string `json:"authorization_type"` // NONE, AWS_IAM, CUSTOM or JWT
}
