package s3

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// maxObject is the largest object the simulator keeps (it holds small
// objects only: log samples, markers).
const maxObject = 1 << 20

// payload returns the object bytes of a PutObject body, decoding the
// aws-chunked encoding the SDK uses for streaming or trailing checksums.
func payload(c *svc.Ctx) ([]byte, error) {
	body := c.Body
	sha := c.Header("X-Amz-Content-Sha256")
	if !strings.Contains(c.Header("Content-Encoding"), "aws-chunked") && !strings.HasPrefix(sha, "STREAMING-") {
		return body, nil
	}
	var out []byte
	for {
		i := bytes.Index(body, []byte("\r\n"))
		if i < 0 {
			return nil, svc.Invalid("IncompleteBody", "The request body terminated unexpectedly")
		}
		head := string(body[:i])
		if j := strings.IndexByte(head, ';'); j >= 0 {
			head = head[:j]
		}
		n, err := strconv.ParseInt(strings.TrimSpace(head), 16, 64)
		if err != nil || n < 0 || int64(len(body)-i-2) < n {
			return nil, svc.Invalid("IncompleteBody", "The request body terminated unexpectedly")
		}
		body = body[i+2:]
		if n == 0 {
			return out, nil // trailers follow; the simulator ignores them
		}
		out = append(out, body[:n]...)
		body = bytes.TrimPrefix(body[n:], []byte("\r\n"))
	}
}

func findObject(b *world.Bucket, key string) (int, *world.Object) {
	for i, o := range b.Objects {
		if o.Key == key {
			return i, o
		}
	}
	return -1, nil
}

func etag(body string) string {
	h := md5.Sum([]byte(body))
	return `"` + hex.EncodeToString(h[:]) + `"`
}

func sseHeaders(b *world.Bucket, h http.Header) {
	if e := b.Encryption; e != nil {
		h.Set("X-Amz-Server-Side-Encryption", e.Algorithm)
		if e.KMSKeyID != "" {
			h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", e.KMSKeyID)
		}
		if e.BucketKeyEnabled {
			h.Set("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled", "true")
		}
	}
}

func putObject(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	data, err := payload(c)
	if err != nil {
		return nil, err
	}
	if len(data) > maxObject {
		return nil, svc.Invalid("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size (the simulator keeps objects up to 1 MiB)")
	}
	key := c.Path["Key"]
	if len(key) > 1024 {
		return nil, svc.Invalid("KeyTooLongError", "Your key is too long")
	}
	o := &world.Object{Key: key, Body: string(data), ContentType: c.Header("Content-Type"), Modified: c.Now(), StorageClass: c.Header("X-Amz-Storage-Class")}
	if o.ContentType == "" {
		o.ContentType = "binary/octet-stream"
	}
	h := http.Header{"Etag": {etag(o.Body)}}
	if b.Versioning == "Enabled" {
		o.VersionID = c.World.HexID("sim", 29)
		h.Set("X-Amz-Version-Id", o.VersionID)
	}
	sseHeaders(b, h)
	if i, _ := findObject(b, key); i >= 0 {
		b.Objects[i] = o
	} else {
		b.Objects = append(b.Objects, o)
	}
	c.World.ObjectCreated(c.Account.ID, b.Name, key)
	return &wire.Response{Header: h}, nil
}

func objectHeaders(b *world.Bucket, o *world.Object) http.Header {
	h := http.Header{
		"Etag":          {etag(o.Body)},
		"Content-Type":  {o.ContentType},
		"Last-Modified": {o.Modified.UTC().Format(http.TimeFormat)},
		"Accept-Ranges": {"bytes"},
	}
	if o.ContentType == "" {
		h.Set("Content-Type", "binary/octet-stream")
	}
	if o.ContentEncoding != "" {
		h.Set("Content-Encoding", o.ContentEncoding)
	}
	if o.VersionID != "" {
		h.Set("X-Amz-Version-Id", o.VersionID)
	}
	if o.StorageClass != "" && o.StorageClass != "STANDARD" {
		h.Set("X-Amz-Storage-Class", o.StorageClass)
	}
	sseHeaders(b, h)
	return h
}

func getObject(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	_, o := findObject(b, c.Path["Key"])
	if o == nil {
		return nil, svc.NotFound("NoSuchKey", "The specified key does not exist.")
	}
	return &wire.Response{Header: objectHeaders(b, o), Body: []byte(o.Body)}, nil
}

func headObject(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	_, o := findObject(b, c.Path["Key"])
	if o == nil {
		return nil, svc.NotFound("NotFound", "Not Found")
	}
	h := objectHeaders(b, o)
	// The encoder sets Content-Length from the (unsent) body of a HEAD.
	return &wire.Response{Header: h, Body: []byte(o.Body)}, nil
}

func deleteObject(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	if b.Versioning != "" {
		// A delete without a version ID adds a delete marker; the
		// simulator keeps the latest version only, so the object goes.
		h.Set("X-Amz-Delete-Marker", "true")
		h.Set("X-Amz-Version-Id", c.World.HexID("sim", 29))
	}
	if i, _ := findObject(b, c.Path["Key"]); i >= 0 {
		b.Objects = append(b.Objects[:i:i], b.Objects[i+1:]...)
	}
	return &wire.Response{Status: http.StatusNoContent, Header: h}, nil
}

type objectXML struct {
	Key          string
	LastModified string
	ETag         string
	Size         int
	StorageClass string
	Owner        *ownerXML `xml:",omitempty"`
}

type prefixXML struct {
	Prefix string
}

type listV2XML struct {
	Name                  string
	Prefix                string
	Delimiter             string `xml:",omitempty"`
	MaxKeys               int
	KeyCount              int
	IsTruncated           bool
	ContinuationToken     string `xml:",omitempty"`
	NextContinuationToken string `xml:",omitempty"`
	StartAfter            string `xml:",omitempty"`
	Contents              []objectXML
	CommonPrefixes        []prefixXML
}

type listV1XML struct {
	Name           string
	Prefix         string
	Marker         string
	NextMarker     string `xml:",omitempty"`
	Delimiter      string `xml:",omitempty"`
	MaxKeys        int
	IsTruncated    bool
	Contents       []objectXML
	CommonPrefixes []prefixXML
}

// listing walks b's keys after start (exclusive) under prefix, rolling up
// keys at delimiter, up to max entries. It returns the entries, the
// common prefixes, the last entry's key or prefix, and whether more follow.
func listing(c *svc.Ctx, b *world.Bucket, prefix, delim, after string, max int, owner bool) ([]objectXML, []prefixXML, string, bool) {
	objs := append([]*world.Object(nil), b.Objects...)
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
	var contents []objectXML
	var prefixes []prefixXML
	last := ""
	for _, o := range objs {
		if !strings.HasPrefix(o.Key, prefix) || o.Key <= after {
			continue
		}
		entry := ""
		if delim != "" {
			if i := strings.Index(o.Key[len(prefix):], delim); i >= 0 {
				entry = o.Key[:len(prefix)+i+len(delim)]
				if entry == last || entry <= after {
					continue
				}
			}
		}
		if len(contents)+len(prefixes) == max {
			return contents, prefixes, last, true
		}
		if entry != "" {
			prefixes = append(prefixes, prefixXML{entry})
			last = entry
			continue
		}
		sc := o.StorageClass
		if sc == "" {
			sc = "STANDARD"
		}
		x := objectXML{Key: o.Key, LastModified: stamp(o.Modified), ETag: etag(o.Body), Size: len(o.Body), StorageClass: sc}
		if owner {
			x.Owner = &ownerXML{ID: CanonicalID(c.Account.ID)}
		}
		contents = append(contents, x)
		last = o.Key
	}
	return contents, prefixes, last, false
}

func maxKeys(c *svc.Ctx) (int, error) {
	s := c.Query("max-keys")
	if s == "" {
		return 1000, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, svc.Invalid("InvalidArgument", "Provided max-keys not an integer or within integer range")
	}
	if n > 1000 {
		n = 1000
	}
	return n, nil
}

func listObjectsV2(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	if c.Query("list-type") != "2" {
		return nil, svc.Invalid("InvalidArgument", "Invalid List Type specified")
	}
	max, err := maxKeys(c)
	if err != nil {
		return nil, err
	}
	out := listV2XML{Name: b.Name, Prefix: c.Query("prefix"), Delimiter: c.Query("delimiter"), MaxKeys: max,
		StartAfter: c.Query("start-after"), ContinuationToken: c.Query("continuation-token")}
	after := out.StartAfter
	if t := out.ContinuationToken; t != "" {
		k, ok := decodeToken(t)
		if !ok {
			return nil, svc.Invalid("InvalidArgument", "The continuation token provided is incorrect")
		}
		after = k
	}
	var last string
	out.Contents, out.CommonPrefixes, last, out.IsTruncated = listing(c, b, out.Prefix, out.Delimiter, after, max, c.Query("fetch-owner") == "true")
	out.KeyCount = len(out.Contents) + len(out.CommonPrefixes)
	if out.IsTruncated {
		out.NextContinuationToken = encodeToken(last)
	}
	return doc("ListBucketResult", out), nil
}

func listObjectsV1(c *svc.Ctx) (any, error) {
	b, err := bucket(c)
	if err != nil {
		return nil, err
	}
	max, err := maxKeys(c)
	if err != nil {
		return nil, err
	}
	out := listV1XML{Name: b.Name, Prefix: c.Query("prefix"), Delimiter: c.Query("delimiter"), Marker: c.Query("marker"), MaxKeys: max}
	var last string
	out.Contents, out.CommonPrefixes, last, out.IsTruncated = listing(c, b, out.Prefix, out.Delimiter, out.Marker, max, true)
	if out.IsTruncated && out.Delimiter != "" {
		out.NextMarker = last
	}
	return doc("ListBucketResult", out), nil
}
