package world

import (
	"crypto/sha256"
	"time"
)

// APIGateway is an account's Amazon API Gateway APIs in one region: REST
// APIs (the apigateway API) and HTTP and WebSocket APIs (apigatewayv2).
// Both are served under the one signing name "apigateway".
type APIGateway struct {
	RestAPIs []*RestAPI    `yaml:"rest_apis"`
	APIs     []*GatewayAPI `yaml:"apis"`
}

// RestAPI is an API Gateway REST API.
type RestAPI struct {
	// ID is 10 lower-case letters and digits; derived from the account,
	// region and name when empty (APIGatewayID), so a demo profile
	// replicated to many accounts gets distinct stage ARNs.
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// EndpointType is REGIONAL (default), EDGE or PRIVATE.
	EndpointType string            `yaml:"endpoint_type"`
	Created      time.Time         `yaml:"created"`
	Tags         map[string]string `yaml:"tags"`
	// Deployments are the deployment IDs; a stage names one of them.
	Deployments []string     `yaml:"deployments"`
	Stages      []*RestStage `yaml:"stages"`
}

// RestStage is a stage of a REST API.
type RestStage struct {
	Name         string `yaml:"name"`
	DeploymentID string `yaml:"deployment_id"`
	Description  string `yaml:"description"`
	// ClientCertificateID is the client certificate API Gateway presents
	// to the backend; "" when none.
	ClientCertificateID string `yaml:"client_certificate_id"`
	Tracing             bool   `yaml:"tracing"`
	CacheCluster        bool   `yaml:"cache_cluster"`
	CacheClusterSize    string `yaml:"cache_cluster_size"`
	// MethodSettings are keyed "*/*" (every method of the stage) or
	// "{resource path}/{HTTP method}" without the leading slash.
	MethodSettings map[string]*MethodSetting `yaml:"method_settings"`
	// AccessLogDestination is the CloudWatch Logs group or Firehose ARN
	// of access logging; "" when off.
	AccessLogDestination string `yaml:"access_log_destination"`
	AccessLogFormat      string `yaml:"access_log_format"`
	// WebACL names a REGIONAL web ACL of the same account and region; the
	// simulator associates the stage with it when it starts (the web
	// ACL's Resources are the one record of associations).
	WebACL  string            `yaml:"web_acl"`
	Created time.Time         `yaml:"created"`
	Tags    map[string]string `yaml:"tags"`
}

// MethodSetting is a REST stage's setting for some methods.
type MethodSetting struct {
	// LoggingLevel is OFF (default), ERROR or INFO.
	LoggingLevel string `yaml:"logging_level"`
	DataTrace    bool   `yaml:"data_trace"`
	Metrics      bool   `yaml:"metrics"`
	Caching      bool   `yaml:"caching"`
	CacheTTL     int    `yaml:"cache_ttl"`
	// CacheEncrypted: cached responses are encrypted at rest.
	CacheEncrypted bool `yaml:"cache_encrypted"`
}

// GatewayAPI is an HTTP or WebSocket API (API Gateway v2).
type GatewayAPI struct {
	// ID is derived like RestAPI.ID when empty.
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Protocol is HTTP or WEBSOCKET.
	Protocol string `yaml:"protocol"`
	// RouteSelection is the route selection expression; defaults to
	// "${request.method} ${request.path}" (HTTP) or
	// "$request.body.action" (WebSocket).
	RouteSelection string            `yaml:"route_selection"`
	Created        time.Time         `yaml:"created"`
	Tags           map[string]string `yaml:"tags"`
	Routes         []*GatewayRoute   `yaml:"routes"`
	Stages         []*GatewayStage   `yaml:"stages"`
}

// GatewayRoute is a route of an HTTP or WebSocket API.
type GatewayRoute struct {
	// ID is 7 letters and digits, derived from the API and key when empty.
	ID  string `yaml:"id"`
	Key string `yaml:"key"` // "GET /orders", "$default", "$connect"
	// AuthorizationType is NONE (default), AWS_IAM, CUSTOM or JWT.
	AuthorizationType string `yaml:"authorization_type"`
	AuthorizerID      string `yaml:"authorizer_id"`
	Target            string `yaml:"target"`
}

// GatewayStage is a stage of an HTTP or WebSocket API.
type GatewayStage struct {
	Name       string `yaml:"name"`
	AutoDeploy bool   `yaml:"auto_deploy"`
	// AccessLogDestination is the CloudWatch Logs group ARN of access
	// logging; "" when off.
	AccessLogDestination string `yaml:"access_log_destination"`
	AccessLogFormat      string `yaml:"access_log_format"`
	// LoggingLevel is the default route settings' execution logging
	// level (WebSocket APIs only): OFF, ERROR or INFO; "" when unset.
	LoggingLevel    string `yaml:"logging_level"`
	DetailedMetrics bool   `yaml:"detailed_metrics"`
	// RouteLogging overrides LoggingLevel per route key.
	RouteLogging map[string]string `yaml:"route_logging"`
	Created      time.Time         `yaml:"created"`
	Tags         map[string]string `yaml:"tags"`
}

// APIGatewayID derives a stable API Gateway identifier of n lower-case
// letters and digits from parts, as AWS's look (REST and v2 APIs: 10,
// routes: 7).
func APIGatewayID(n int, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := h.Sum(nil)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[int(sum[i%len(sum)])%len(alphabet)]
	}
	return string(b)
}
