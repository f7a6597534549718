package iam

import (
	"github.com/guardrail-sec/guardrail/internal/control"
	"github.com/guardrail-sec/guardrail/internal/snapshot"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

func iam26() *control.Control {
	return &control.Control{
		ID: "IAM.26", Title: "Expired SSL/TLS certificates managed in IAM should be removed", Service: "IAM",
		// ASFF has no resource type for IAM server certificates.
		Severity: control.Medium, ResourceType: "Other", Global: true, Needs: needs,
		Rationale: "CIS 1.19: an expired certificate still stored in IAM can be deployed to a load balancer or CloudFront by mistake, breaking clients and the trust they place in the site. Removing it leaves only certificates that can be used.",
		Remediation: "IAM server certificates are managed only through the API: list them with `aws iam list-server-certificates` and delete expired ones with `aws iam delete-server-certificate --server-certificate-name <name>`. " +
			"Prefer AWS Certificate Manager (console: Certificate Manager > Request), which renews certificates automatically.",
		WellArchitected: []string{"SEC09"},
		Check: func(in *control.Input) {
			i := state(in)
			if i == nil || unread(in, i, iam.DetailServerCertificates) {
				return
			}
			for _, c := range i.ServerCertificates {
				m := snapshot.Meta{ARN: c.ARN, Type: "Other", Name: c.Name}
				if c.Expiration.IsZero() {
					in.Error(m, "server certificate %s has no expiration date", c.Name)
					continue
				}
				in.Check(m, c.Expiration.After(in.Now),
					"server certificate "+c.Name+" expires on "+date(c.Expiration),
					"server certificate "+c.Name+" expired on "+date(c.Expiration))
			}
		},
	}
}
