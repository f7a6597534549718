package item

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	gdapi "github.com/aws/aws-sdk-go-v2/service/guardduty"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	shapi "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/baseline/spec"
)

// adminState maps a service principal to its delegated administrator
// ("" for none).
type adminState struct {
	Admins map[string]string `json:"admins"`
}

// principals are the services whose delegated administrator the
// settings want to be the security account.
func principals(s *spec.Settings) []string {
	var out []string
	if g := s.GuardDuty; g != nil && spec.On(g.Enabled) && spec.Bool(g.DelegatedAdmin) {
		out = append(out, "guardduty.amazonaws.com")
	}
	if h := s.SecurityHub; h != nil && spec.On(h.Enabled) && spec.Bool(h.DelegatedAdmin) {
		out = append(out, "securityhub.amazonaws.com")
	}
	if c := s.Config; c != nil && spec.On(c.Enabled) && spec.Bool(c.Aggregator) {
		out = append(out, "config.amazonaws.com")
	}
	if a := s.AccessAnalyzer; a != nil && spec.On(a.Enabled) && spec.Bool(a.Organization) {
		out = append(out, "access-analyzer.amazonaws.com")
	}
	return out
}

// delegatedAdmins makes the security account the delegated
// administrator of the security services, from the management account.
// An organization that already has another administrator for a service
// keeps it: moving an administrator disrupts the service, so the plan
// shows it unchanged and leaves that decision to a person. Trusted
// access for each service must already be enabled.
func delegatedAdmins() Item {
	return &def[adminState]{
		name: "organizations.delegated-admins", scope: Global, phase: 0,
		applies: func(env Env) string {
			switch {
			case len(principals(env.Settings)) == 0:
				return NotManaged
			case env.Org.ID == "":
				return NoOrganization
			case env.Org.Security == "":
				return "no security_account in the spec"
			case env.Target.Account != env.Org.Management:
				return "only in the management account"
			}
			return ""
		},
		read: func(ctx context.Context, env Env) (adminState, error) {
			c := env.organizations()
			st := adminState{Admins: map[string]string{}}
			for _, p := range principals(env.Settings) {
				out, err := c.ListDelegatedAdministrators(ctx, &orgapi.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(p)})
				if err != nil {
					return st, fmt.Errorf("%s: %w", p, err)
				}
				st.Admins[p] = ""
				if len(out.DelegatedAdministrators) > 0 {
					st.Admins[p] = aws.ToString(out.DelegatedAdministrators[0].Id)
				}
			}
			return st, nil
		},
		want: func(env Env, cur adminState) adminState {
			w := adminState{Admins: map[string]string{}}
			for p, a := range cur.Admins {
				w.Admins[p] = a
				if a == "" {
					w.Admins[p] = env.Org.Security
				}
			}
			return w
		},
		set: func(ctx context.Context, env Env, cur, w adminState) error {
			for _, p := range sortedKeys(w.Admins) {
				from, to := cur.Admins[p], w.Admins[p]
				if from == to {
					continue
				}
				if from != "" {
					if err := setAdmin(ctx, env.Config, p, from, false); err != nil {
						return err
					}
				}
				if to != "" {
					if err := setAdmin(ctx, env.Config, p, to, true); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}

// setAdmin registers (or deregisters) account as principal's delegated
// administrator, through the service's own API where it has one: AWS
// asks that GuardDuty's and Security Hub's administrators be designated
// there, which also registers them with Organizations.
func setAdmin(ctx context.Context, cfg aws.Config, principal, account string, register bool) error {
	var err error
	switch {
	case principal == "guardduty.amazonaws.com" && register:
		_, err = gdapi.NewFromConfig(cfg).EnableOrganizationAdminAccount(ctx, &gdapi.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
	case principal == "guardduty.amazonaws.com":
		_, err = gdapi.NewFromConfig(cfg).DisableOrganizationAdminAccount(ctx, &gdapi.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
	case principal == "securityhub.amazonaws.com" && register:
		_, err = shapi.NewFromConfig(cfg).EnableOrganizationAdminAccount(ctx, &shapi.EnableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
	case principal == "securityhub.amazonaws.com":
		_, err = shapi.NewFromConfig(cfg).DisableOrganizationAdminAccount(ctx, &shapi.DisableOrganizationAdminAccountInput{AdminAccountId: aws.String(account)})
	case register:
		_, err = orgapi.NewFromConfig(cfg).RegisterDelegatedAdministrator(ctx, &orgapi.RegisterDelegatedAdministratorInput{AccountId: aws.String(account), ServicePrincipal: aws.String(principal)})
	default:
		_, err = orgapi.NewFromConfig(cfg).DeregisterDelegatedAdministrator(ctx, &orgapi.DeregisterDelegatedAdministratorInput{AccountId: aws.String(account), ServicePrincipal: aws.String(principal)})
		if awsx.Code(err) == "AccountNotRegisteredException" {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("%s administrator %s: %w", principal, account, err)
	}
	return nil
}
