// Package backup simulates AWS Backup (restJson1): the vaults of a region
// and the recovery points each holds, as a review of backup encryption
// reads them, and CreateBackupVault to write a vault.
//
// ListBackupVaults and ListRecoveryPointsByBackupVault page with
// maxResults (1 to 1000; the API reference gives no default, the
// simulator uses 1000) and nextToken; a value out of range or a token
// the service did not issue is InvalidParameterValueException. A vault
// that does not exist is ResourceNotFoundException.
package backup

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/wire"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// Service returns the AWS Backup simulator.
func Service() *svc.Service {
	return &svc.Service{
		Name:     "backup",
		Protocol: wire.RestJSON,
		Routes: []wire.Route{
			{Method: "GET", Pattern: "/backup-vaults", Op: "ListBackupVaults"},
			{Method: "PUT", Pattern: "/backup-vaults/{name}", Op: "CreateBackupVault"},
			{Method: "GET", Pattern: "/backup-vaults/{name}/recovery-points", Op: "ListRecoveryPointsByBackupVault"},
		},
		Ops: map[string]svc.Handler{
			"ListBackupVaults":                listBackupVaults,
			"CreateBackupVault":               createBackupVault,
			"ListRecoveryPointsByBackupVault": listRecoveryPoints,
		},
	}
}

func invalid(format string, args ...any) error {
	return wire.Errorf(http.StatusBadRequest, "InvalidParameterValueException", format, args...)
}

// maxResults reads the maxResults query parameter (1 to 1000).
func maxResults(c *svc.Ctx) (int, error) {
	v := c.Query("maxResults")
	if v == "" {
		return 1000, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, invalid("maxResults must be between 1 and 1000, got %q", v)
	}
	return n, nil
}

func vaultARN(c *svc.Ctx, name string) string { return c.ARN("backup", "backup-vault:"+name) }

// vaultKey is the vault's key: its own, or the AWS managed aws/backup key.
func vaultKey(c *svc.Ctx, v *world.BackupVault) string {
	if v.KMSKeyARN != "" {
		return v.KMSKeyARN
	}
	return c.ARN("kms", "key/aws-backup-"+c.Account.ID)
}

func epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func sortedVaults(c *svc.Ctx) []*world.BackupVault {
	vs := append([]*world.BackupVault(nil), c.Regional().Backup.Vaults...)
	sort.Slice(vs, func(i, j int) bool { return vs[i].Name < vs[j].Name })
	return vs
}

func listBackupVaults(c *svc.Ctx) (any, error) {
	max, err := maxResults(c)
	if err != nil {
		return nil, err
	}
	page, next, err := svc.Page(sortedVaults(c), c.Query("nextToken"), max, 1000, "InvalidParameterValueException")
	if err != nil {
		return nil, err
	}
	list := []map[string]any{}
	for _, v := range page {
		m := map[string]any{"BackupVaultName": v.Name, "BackupVaultArn": vaultARN(c, v.Name), "CreationDate": epoch(v.Created),
			"EncryptionKeyArn": vaultKey(c, v), "NumberOfRecoveryPoints": len(v.RecoveryPoints), "Locked": v.Locked,
			"VaultType": "BACKUP_VAULT", "VaultState": "AVAILABLE"}
		list = append(list, m)
	}
	out := map[string]any{"BackupVaultList": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

var vaultName = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)

func createBackupVault(c *svc.Ctx) (any, error) {
	name := c.Path["name"]
	var in struct {
		EncryptionKeyArn string
		CreatorRequestId string
		BackupVaultTags  map[string]string
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if !vaultName.MatchString(name) {
		return nil, invalid("Invalid backup vault name %q: 2 to 50 letters, numbers, hyphens and underscores", name)
	}
	r := c.Regional()
	for _, v := range r.Backup.Vaults {
		if v.Name == name {
			return nil, wire.Errorf(http.StatusBadRequest, "AlreadyExistsException", "Backup vault with the same name already exists")
		}
	}
	v := &world.BackupVault{Name: name, KMSKeyARN: in.EncryptionKeyArn, Created: c.Now()}
	r.Backup.Vaults = append(r.Backup.Vaults, v)
	return map[string]any{"BackupVaultName": name, "BackupVaultArn": vaultARN(c, name), "CreationDate": epoch(v.Created)}, nil
}

func listRecoveryPoints(c *svc.Ctx) (any, error) {
	name := c.Path["name"]
	var vault *world.BackupVault
	for _, v := range c.Regional().Backup.Vaults {
		if v.Name == name {
			vault = v
		}
	}
	if vault == nil {
		return nil, wire.Errorf(http.StatusBadRequest, "ResourceNotFoundException", "Backup vault %s does not exist in this account and Region", name)
	}
	max, err := maxResults(c)
	if err != nil {
		return nil, err
	}
	points := append([]*world.BackupRecoveryPoint(nil), vault.RecoveryPoints...)
	if rt := c.Query("resourceType"); rt != "" {
		points = points[:0:0]
		for _, p := range vault.RecoveryPoints {
			if p.ResourceType == rt {
				points = append(points, p)
			}
		}
	}
	// Newest first, as the console shows them; the order is stable.
	sort.SliceStable(points, func(i, j int) bool { return points[i].Created.After(points[j].Created) })
	page, next, err := svc.Page(points, c.Query("nextToken"), max, 1000, "InvalidParameterValueException")
	if err != nil {
		return nil, err
	}
	list := []map[string]any{}
	for _, p := range page {
		arn := p.ARN
		if arn == "" {
			arn = c.ARN("backup", "recovery-point:"+p.ID)
		}
		status := p.Status
		if status == "" {
			status = "COMPLETED"
		}
		m := map[string]any{"RecoveryPointArn": arn, "BackupVaultName": vault.Name, "BackupVaultArn": vaultARN(c, vault.Name),
			"ResourceArn": p.ResourceARN, "ResourceType": p.ResourceType, "Status": status, "IsEncrypted": p.Encrypted,
			"CreationDate": epoch(p.Created), "CompletionDate": epoch(p.Created.Add(20 * time.Minute)), "BackupSizeInBytes": p.SizeBytes,
			"VaultType": "BACKUP_VAULT", "IamRoleArn": c.GlobalARN("iam", "role/service-role/AWSBackupDefaultServiceRole")}
		if p.Encrypted {
			key := p.KMSKeyARN
			if key == "" {
				key = vaultKey(c, vault)
			}
			m["EncryptionKeyArn"] = key
		}
		list = append(list, m)
	}
	out := map[string]any{"RecoveryPoints": list}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}
