package sim

import (
	"net/http"
	"strings"
)

// scope is what a SigV4 signature says about a request: the access key,
// and the credential scope's region and service.
type scope struct {
	AccessKey string
	Region    string
	Service   string
}

// parseAuth reads the SigV4 credential scope from the Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request,
// SignedHeaders=..., Signature=...") or, for presigned URLs, from the
// X-Amz-Credential query parameter.
//
// The simulator does not verify signatures: it is a test double, and the
// SDK's signer is not what it tests. It does check that the key exists,
// that temporary keys come with their session token and have not expired.
func parseAuth(r *http.Request) (scope, bool) {
	cred := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "AWS4-HMAC-SHA256 ") {
		for _, part := range strings.Split(h[len("AWS4-HMAC-SHA256 "):], ",") {
			part = strings.TrimSpace(part)
			if v, ok := strings.CutPrefix(part, "Credential="); ok {
				cred = v
			}
		}
	} else if v := r.URL.Query().Get("X-Amz-Credential"); v != "" {
		cred = v
	}
	f := strings.Split(cred, "/")
	if len(f) != 5 || f[4] != "aws4_request" {
		return scope{}, false
	}
	return scope{AccessKey: f[0], Region: f[2], Service: f[3]}, true
}

// virtualBucket returns the bucket of a virtual-hosted S3 request
// (Host "bucket.127.0.0.1:4566" or "bucket.localhost"), or "".
func virtualBucket(host string, bases []string) string {
	h := host
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	for _, b := range bases {
		if strings.HasSuffix(h, "."+b) {
			return strings.TrimSuffix(h, "."+b)
		}
	}
	return ""
}
