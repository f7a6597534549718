// Package efs simulates Amazon Elastic File System (restJson1, API
// version 2015-02-01): file systems (MaxItems/Marker, NextMarker), access
// points (MaxResults/NextToken) and automatic backup policies.
package efs

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the Amazon EFS (restJson1) simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "elasticfilesystem",
		Protocol: wire.RestJSON,
		Codes:    &codes,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/2015-02-01/file-systems", Op: "DescribeFileSystems"},
			{Method: "GET", Pattern: "/2015-02-01/access-points", Op: "DescribeAccessPoints"},
			{Method: "GET", Pattern: "/2015-02-01/file-systems/{FileSystemId}/backup-policy", Op: "DescribeBackupPolicy"},
			{Method: "PUT", Pattern: "/2015-02-01/file-systems/{FileSystemId}/backup-policy", Op: "PutBackupPolicy"},
		},
		Ops: map[string]svc.Handler{
			"DescribeFileSystems":  describeFileSystems,
			"DescribeAccessPoints": describeAccessPoints,
			"DescribeBackupPolicy": describeBackupPolicy,
			"PutBackupPolicy":      putBackupPolicy,
		},
	}
}

// EFS answers throttling with ThrottlingException (429).
var codes = func() wire.Codes {
	c := wire.DefaultCodes(wire.RestJSON)
	c.Throttle = "ThrottlingException"
	c.Internal = "InternalServerError"
	return c
}()

// efsError is an EFS error: the code travels as the error type and, as
// EFS documents, as the body's ErrorCode member too.
func efsError(status int, code, format string, args ...any) error {
	e := wire.Errorf(status, code, format, args...)
	e.Fields = map[string]string{"ErrorCode": code}
	return e
}

func badRequest(format string, args ...any) error {
	return efsError(http.StatusBadRequest, "BadRequest", format, args...)
}

func fsNotFound(id string) error {
	return efsError(http.StatusNotFound, "FileSystemNotFound", "File system '%s' does not exist.", id)
}

// limit reads a page-size query parameter: at least 1, default def.
func limit(c *svc.Ctx, name string, def int) (int, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, badRequest("%s must be an integer of at least 1", name)
	}
	return n, nil
}

func findFS(c *svc.Ctx, id string) (*world.FileSystem, error) {
	for _, f := range c.Regional().EFS.FileSystems {
		if f.ID == id {
			return f, nil
		}
	}
	return nil, fsNotFound(id)
}

type tag struct{ Key, Value string }

func fileSystem(c *svc.Ctx, f *world.FileSystem) map[string]any {
	var tags []tag
	keys := make([]string, 0, len(f.Tags))
	for k := range f.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tags = append(tags, tag{k, f.Tags[k]})
	}
	if f.Name != "" && f.Tags["Name"] == "" {
		tags = append(tags, tag{"Name", f.Name})
	}
	perf, through := f.PerformanceMode, f.ThroughputMode
	if perf == "" {
		perf = "generalPurpose"
	}
	if through == "" {
		through = "bursting"
	}
	out := map[string]any{
		"OwnerId": c.Account.ID, "CreationToken": "console-" + f.ID, "FileSystemId": f.ID,
		"FileSystemArn": c.ARN("elasticfilesystem", "file-system/"+f.ID), "CreationTime": float64(f.Created.Unix()),
		"LifeCycleState": "available", "NumberOfMountTargets": f.MountTargets, "SizeInBytes": map[string]any{"Value": 6144},
		"PerformanceMode": perf, "ThroughputMode": through, "Encrypted": f.Encrypted, "Tags": tags,
	}
	if tags == nil {
		out["Tags"] = []tag{}
	}
	if f.Name != "" {
		out["Name"] = f.Name
	}
	if f.Encrypted {
		key := f.KMSKeyID
		if key == "" {
			key = c.ARN("kms", "alias/aws/elasticfilesystem")
		}
		out["KmsKeyId"] = key
	}
	return out
}

func describeFileSystems(c *svc.Ctx) (any, error) {
	max, err := limit(c, "MaxItems", 100)
	if err != nil {
		return nil, err
	}
	id, token := c.Query("FileSystemId"), c.Query("CreationToken")
	if id != "" && token != "" {
		return nil, badRequest("Specify either FileSystemId or CreationToken, not both.")
	}
	var all []*world.FileSystem
	for _, f := range c.Regional().EFS.FileSystems {
		if (id == "" || f.ID == id) && (token == "" || "console-"+f.ID == token) {
			all = append(all, f)
		}
	}
	if id != "" && len(all) == 0 {
		return nil, fsNotFound(id)
	}
	marker := c.Query("Marker")
	page, next, err := svc.Page(all, marker, max, 100, "BadRequest")
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(page))
	for _, f := range page {
		out = append(out, fileSystem(c, f))
	}
	res := map[string]any{"FileSystems": out}
	if marker != "" {
		res["Marker"] = marker
	}
	if next != "" {
		res["NextMarker"] = next
	}
	return res, nil
}

func describeAccessPoints(c *svc.Ctx) (any, error) {
	max, err := limit(c, "MaxResults", 100)
	if err != nil {
		return nil, err
	}
	apID, fsID := c.Query("AccessPointId"), c.Query("FileSystemId")
	if apID != "" && fsID != "" {
		return nil, badRequest("Specify either AccessPointId or FileSystemId, not both.")
	}
	if fsID != "" {
		if _, err := findFS(c, fsID); err != nil {
			return nil, err
		}
	}
	var all []map[string]any
	for _, a := range c.Regional().EFS.AccessPoints {
		if apID != "" && a.ID != apID || fsID != "" && a.FileSystemID != fsID {
			continue
		}
		root := a.RootDirectory
		if root == "" {
			root = "/"
		}
		ap := map[string]any{"ClientToken": "token-" + a.ID, "AccessPointId": a.ID,
			"AccessPointArn": c.ARN("elasticfilesystem", "access-point/"+a.ID), "FileSystemId": a.FileSystemID,
			"RootDirectory": map[string]any{"Path": root}, "OwnerId": c.Account.ID, "LifeCycleState": "available", "Tags": []tag{}}
		if a.Name != "" {
			ap["Name"] = a.Name
			ap["Tags"] = []tag{{"Name", a.Name}}
		}
		if u := a.PosixUser; u != nil {
			pu := map[string]any{"Uid": u.UID, "Gid": u.GID}
			if len(u.SecondaryGIDs) > 0 {
				pu["SecondaryGids"] = u.SecondaryGIDs
			}
			ap["PosixUser"] = pu
		}
		all = append(all, ap)
	}
	if apID != "" && len(all) == 0 {
		return nil, efsError(http.StatusNotFound, "AccessPointNotFound", "Access point '%s' does not exist.", apID)
	}
	page, next, err := svc.Page(all, c.Query("NextToken"), max, 100, "BadRequest")
	if err != nil {
		return nil, err
	}
	res := map[string]any{"AccessPoints": page}
	if page == nil {
		res["AccessPoints"] = []any{}
	}
	if next != "" {
		res["NextToken"] = next
	}
	return res, nil
}

func describeBackupPolicy(c *svc.Ctx) (any, error) {
	f, err := findFS(c, c.Path["FileSystemId"])
	if err != nil {
		return nil, err
	}
	if f.Backup == "" {
		return nil, efsError(http.StatusNotFound, "PolicyNotFound", "No backup policy has been set for file system '%s'.", f.ID)
	}
	return map[string]any{"BackupPolicy": map[string]string{"Status": f.Backup}}, nil
}

func putBackupPolicy(c *svc.Ctx) (any, error) {
	f, err := findFS(c, c.Path["FileSystemId"])
	if err != nil {
		return nil, err
	}
	var in struct{ BackupPolicy *struct{ Status string } }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.BackupPolicy == nil {
		return nil, badRequest("BackupPolicy is required.")
	}
	switch s := strings.ToUpper(in.BackupPolicy.Status); s {
	case "ENABLED", "DISABLED":
		f.Backup = s
	default:
		return nil, badRequest("Status must be ENABLED or DISABLED, not %q.", in.BackupPolicy.Status)
	}
	return map[string]any{"BackupPolicy": map[string]string{"Status": f.Backup}}, nil
}
