package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/guardrail-sec/guardrail/internal/collect"
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/org"
	"github.com/guardrail-sec/guardrail/internal/report"
	"github.com/guardrail-sec/guardrail/internal/scan"
	"github.com/guardrail-sec/guardrail/internal/store"
)

// StartOptions configure a queued scan.
type StartOptions struct {
	// Queue is the queue's URL.
	Queue string
	// Discover selects the accounts (Include, Exclude, Shard) and
	// regions, and names the role workers assume.
	Discover org.Options
	// Controls are evaluated; Standards scored; Collectors available.
	Controls   []*control.Control
	Standards  []control.Standard
	Collectors []collect.Collector
	// TaskTimeout bounds each collection task (scan.DefaultTaskTimeout
	// when 0).
	TaskTimeout time.Duration
	// Now is the scan's clock; By who ran it.
	Now func() time.Time
	By  string
	// CallTimeout bounds each SQS call (DefaultCallTimeout when 0).
	CallTimeout time.Duration
}

// Started is a queued scan, dispatched.
type Started struct {
	Scan     string
	Accounts int
}

// Start lists the organization (no account is reached: that is the
// workers' work), starts the scan in the store with one part per
// account, and sends one message per account. The queue is checked
// first (it must exist and have a redrive policy), so a scan is not
// recorded that no worker could finish. A scan whose messages could not
// all be sent stays incomplete, and changes no finding: dispatch again
// (a new scan).
func Start(ctx context.Context, cfg aws.Config, st store.Store, client *sqsapi.Client, o StartOptions) (Started, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if _, err := MaxReceives(ctx, client, o.Queue, o.CallTimeout); err != nil {
		return Started{}, err
	}
	listing, err := org.ListTagged(ctx, cfg, o.Discover)
	if err != nil {
		return Started{}, err
	}
	started := o.Now().UTC()
	id := scan.NewID(started)
	home := cfg.Region
	if home == "" {
		home = "us-east-1"
	}
	header := &report.Report{ID: id, Started: started, Controls: o.Controls, Standards: o.Standards,
		Scope: report.Scope{OrgID: listing.ID, Management: listing.ManagementAccount, Caller: listing.Caller,
			Regions: o.Discover.Regions, Include: o.Discover.Include, Exclude: o.Discover.Exclude}}
	for _, c := range o.Collectors {
		header.Collectors = append(header.Collectors, report.Collector{Name: c.Name, Global: c.Global})
	}
	parts := make([]string, 0, len(listing.Accounts))
	for _, a := range listing.Accounts {
		parts = append(parts, a.ID)
	}
	if len(parts) == 0 {
		return Started{}, errors.New("dispatch: no account to assess")
	}
	if _, err := st.BeginPart(ctx, store.StagedScan{Header: header, By: o.By, Parts: parts}, parts[0]); err != nil {
		return Started{}, fmt.Errorf("record scan %s: %w", id, err)
	}
	role := o.Discover.Role
	if role == "" {
		role = org.DefaultRole
	}
	var controls, standards []string
	for _, c := range o.Controls {
		controls = append(controls, c.ID)
	}
	for _, s := range o.Standards {
		standards = append(standards, s.ID)
	}
	timeout := ""
	if o.TaskTimeout > 0 {
		timeout = o.TaskTimeout.String()
	}
	msgs := make([]Message, 0, len(listing.Accounts))
	for _, a := range listing.Accounts {
		msgs = append(msgs, Message{Scan: id, Started: started, Org: Org{ID: listing.ID, Management: listing.ManagementAccount}, Account: a,
			Regions: o.Discover.Regions, Role: role, Session: o.Discover.SessionName, Home: home, Controls: controls, Standards: standards, TaskTimeout: timeout})
	}
	if err := Dispatch(ctx, client, o.Queue, msgs, o.CallTimeout); err != nil {
		return Started{Scan: id, Accounts: len(msgs)}, fmt.Errorf("scan %s recorded, but not all its accounts were sent (it stays incomplete): %w", id, err)
	}
	return Started{Scan: id, Accounts: len(msgs)}, nil
}
