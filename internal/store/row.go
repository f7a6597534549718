package store

import (
	"fmt"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/finding"
	"github.com/guardrail-sec/guardrail/internal/inventory"
)

// The columns of findings, in the order findingArgs and scanFinding use.
const findingColumns = `id, control, title, account, account_name, ou_path, region, resource_arn, resource_type, resource_name, resource_tags, standards, severity, severity_overridden, compliance, reason, workflow, suppression, notes, first_seen, last_seen, updated_at, last_scan, exposure`

const findingColumnCount = 24

var findingColumnList = strings.Split(findingColumns, ", ")

// findingUpsert is the tail of an INSERT INTO findings that replaces a
// finding already stored.
const findingUpsert = ` ON CONFLICT (id) DO UPDATE SET control = excluded.control, title = excluded.title, account = excluded.account, account_name = excluded.account_name, ou_path = excluded.ou_path, region = excluded.region, resource_arn = excluded.resource_arn, resource_type = excluded.resource_type, resource_name = excluded.resource_name, resource_tags = excluded.resource_tags, standards = excluded.standards, severity = excluded.severity, severity_overridden = excluded.severity_overridden, compliance = excluded.compliance, reason = excluded.reason, workflow = excluded.workflow, suppression = excluded.suppression, notes = excluded.notes, first_seen = excluded.first_seen, last_seen = excluded.last_seen, updated_at = excluded.updated_at, last_scan = excluded.last_scan, exposure = excluded.exposure`

// findingUpdate writes every column of a finding but its ID, the last
// argument.
const findingUpdate = `UPDATE findings SET control = ?, title = ?, account = ?, account_name = ?, ou_path = ?, region = ?, resource_arn = ?, resource_type = ?, resource_name = ?, resource_tags = ?, standards = ?, severity = ?, severity_overridden = ?, compliance = ?, reason = ?, workflow = ?, suppression = ?, notes = ?, first_seen = ?, last_seen = ?, updated_at = ?, last_scan = ?, exposure = ? WHERE id = ?`

// encoded are the JSON columns of a finding.
type encoded struct {
	tags, standards, suppression, notes string
}

func encode(f *finding.Finding) (encoded, error) {
	var e encoded
	var err error
	if e.tags, err = marshal(f.ResourceTags); err != nil {
		return e, fmt.Errorf("finding %s: resource tags: %w", f.ID, err)
	}
	if e.standards, err = marshal(f.Standards); err != nil {
		return e, fmt.Errorf("finding %s: standards: %w", f.ID, err)
	}
	if f.Suppression != nil {
		if e.suppression, err = marshal(f.Suppression); err != nil {
			return e, fmt.Errorf("finding %s: suppression: %w", f.ID, err)
		}
	}
	if e.notes, err = marshal(f.Notes); err != nil {
		return e, fmt.Errorf("finding %s: notes: %w", f.ID, err)
	}
	return e, nil
}

func findingArgs(f *finding.Finding, e encoded) []any {
	return []any{f.ID, f.Control, f.Title, f.Account, f.AccountName, f.OUPath, f.Region,
		f.ResourceARN, f.ResourceType, f.ResourceName, e.tags, e.standards,
		int64(f.Severity), boolInt(f.SeverityOverridden), string(f.Compliance), f.Reason, string(f.Workflow),
		e.suppression, e.notes, nanos(f.FirstSeen), nanos(f.LastSeen), nanos(f.UpdatedAt), f.LastScan, int64(f.Exposure)}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// rawFinding is a findings row with its JSON columns still as text.
type rawFinding struct {
	f finding.Finding
	e encoded
}

func scanRaw(row rowScanner) (*rawFinding, error) {
	var (
		r                    rawFinding
		sev, overridden      int64
		compliance, workflow string
		first, last, updated int64
		exposure             int64
		f                    = &r.f
	)
	if err := row.Scan(&f.ID, &f.Control, &f.Title, &f.Account, &f.AccountName, &f.OUPath, &f.Region,
		&f.ResourceARN, &f.ResourceType, &f.ResourceName, &r.e.tags, &r.e.standards,
		&sev, &overridden, &compliance, &f.Reason, &workflow, &r.e.suppression, &r.e.notes,
		&first, &last, &updated, &f.LastScan, &exposure); err != nil {
		return nil, err
	}
	f.Severity, f.SeverityOverridden = control.Severity(sev), overridden != 0
	f.Compliance, f.Workflow = control.Status(compliance), finding.Workflow(workflow)
	f.FirstSeen, f.LastSeen, f.UpdatedAt = fromNanos(first), fromNanos(last), fromNanos(updated)
	f.Exposure = inventory.Exposure(exposure)
	return &r, nil
}

// decodeLifecycle decodes what the lifecycle reads: the suppression and
// the notes.
func (r *rawFinding) decodeLifecycle() error {
	if err := unmarshal(r.e.suppression, &r.f.Suppression); err != nil {
		return fmt.Errorf("finding %s: suppression: %w", r.f.ID, err)
	}
	if err := unmarshal(r.e.notes, &r.f.Notes); err != nil {
		return fmt.Errorf("finding %s: notes: %w", r.f.ID, err)
	}
	return nil
}

// decodeAll decodes every JSON column.
func (r *rawFinding) decodeAll() error {
	if err := r.decodeLifecycle(); err != nil {
		return err
	}
	if err := unmarshal(r.e.tags, &r.f.ResourceTags); err != nil {
		return fmt.Errorf("finding %s: resource tags: %w", r.f.ID, err)
	}
	if err := unmarshal(r.e.standards, &r.f.Standards); err != nil {
		return fmt.Errorf("finding %s: standards: %w", r.f.ID, err)
	}
	return nil
}

// sameStored reports whether f, encoded as e, would be stored as old is,
// but for when it was last seen and by which scan. An exposure that
// changed alone is a change: the row is written.
func sameStored(old *rawFinding, f *finding.Finding, e encoded) bool {
	o := &old.f
	return o.Control == f.Control && o.Title == f.Title && o.Account == f.Account &&
		o.AccountName == f.AccountName && o.OUPath == f.OUPath && o.Region == f.Region &&
		o.ResourceARN == f.ResourceARN && o.ResourceType == f.ResourceType && o.ResourceName == f.ResourceName &&
		old.e == e &&
		o.Severity == f.Severity && o.SeverityOverridden == f.SeverityOverridden &&
		o.Compliance == f.Compliance && o.Reason == f.Reason && o.Workflow == f.Workflow && o.Exposure == f.Exposure &&
		nanos(o.FirstSeen) == nanos(f.FirstSeen) && nanos(o.UpdatedAt) == nanos(f.UpdatedAt)
}
