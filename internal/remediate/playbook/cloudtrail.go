package playbook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	logsapi "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	iamapi "github.com/aws/aws-sdk-go-v2/service/iam"
	kmsapi "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/guardrail-sec/guardrail/internal/awsx"
	"github.com/guardrail-sec/guardrail/internal/snapshot/iam"
)

// cloudtrailPlaybooks returns the playbooks of CloudTrail's controls.
func cloudtrailPlaybooks() []Playbook {
	return []Playbook{trailEncryption(), trailValidation(), trailLogs()}
}

// Trails and regions. A trail-level finding names the trail by its ARN,
// arn:aws:cloudtrail:<home region>:<owner>:trail/<name>, whichever region
// it was seen in (control/cloudtrail judges a multi-region trail once, in
// its owner's account). CloudTrail changes a trail only in its home
// region and only in its owner's account: so the playbooks call
// GetTrail and UpdateTrail in the home region the ARN names, and skip a
// trail another account owns (the organization's trail seen from a
// member: only the management account can change it).

// trailRef is the trail a finding names.
type trailRef struct {
	ARN, Home, Owner, Name string
}

func parseTrail(arn string) (trailRef, error) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[2] != "cloudtrail" || !strings.HasPrefix(f[5], "trail/") {
		return trailRef{}, fmt.Errorf("%q is not a trail ARN", arn)
	}
	return trailRef{ARN: arn, Home: f[3], Owner: f[4], Name: strings.TrimPrefix(f[5], "trail/")}, nil
}

func (t trailRef) client(env Env) *ctapi.Client {
	return ctapi.NewFromConfig(env.Config, func(o *ctapi.Options) { o.Region = t.Home })
}

// readTrail reads the trail of env's finding from its home region.
func readTrail(ctx context.Context, env Env) (trailRef, cttypes.Trail, error) {
	t, err := parseTrail(env.Resource.ARN)
	if err != nil {
		return t, cttypes.Trail{}, err
	}
	if env.Account != "" && t.Owner != env.Account {
		return t, cttypes.Trail{}, Skip("trail %s belongs to account %s (an organization trail): only that account can change it", t.Name, t.Owner)
	}
	out, err := t.client(env).GetTrail(ctx, &ctapi.GetTrailInput{Name: aws.String(t.ARN)})
	if awsx.IsNotFound(err) {
		return t, cttypes.Trail{}, Skip("trail %s no longer exists", t.Name)
	}
	if err != nil {
		return t, cttypes.Trail{}, fmt.Errorf("get trail %s: %w", t.Name, err)
	}
	return t, *out.Trail, nil
}

func updateTrail(ctx context.Context, env Env, in *ctapi.UpdateTrailInput) error {
	t, err := parseTrail(env.Resource.ARN)
	if err != nil {
		return err
	}
	in.Name = aws.String(t.ARN)
	if _, err := t.client(env).UpdateTrail(ctx, in); err != nil {
		return fmt.Errorf("update trail %s: %w", t.Name, err)
	}
	return nil
}

// trailParam returns the value of a parameter with "{account}" and
// "{region}" replaced by the trail's owner and home region, so that one
// value serves every account of a run ("aws-cloudtrail-logs-{account}").
func trailParam(env Env, t trailRef, name string) string {
	v := strings.TrimSpace(env.Params[name])
	return strings.NewReplacer("{account}", t.Owner, "{region}", t.Home).Replace(v)
}

// ---- CloudTrail.4: log file validation ----

type trailValidationState struct {
	Trail             string `json:"trail"`
	LogFileValidation bool   `json:"log_file_validation"`
}

func trailValidation() Playbook {
	return &def[trailValidationState]{
		info: Info{
			Control: "CloudTrail.4", Name: "cloudtrail.log-file-validation",
			Summary: "Enable log file validation on the trail, so that CloudTrail delivers signed digest files for its log files",
			Risk: "CloudTrail adds an hourly digest file under CloudTrail-Digest/ in the trail's bucket (a small S3 cost); " +
				"tools that list or copy the bucket see the new prefix. Nothing stops being delivered",
			Actions: []string{"cloudtrail:GetTrail", "cloudtrail:UpdateTrail"},
		},
		read: func(ctx context.Context, env Env) (trailValidationState, error) {
			t, tr, err := readTrail(ctx, env)
			if err != nil {
				return trailValidationState{}, err
			}
			return trailValidationState{Trail: t.ARN, LogFileValidation: aws.ToBool(tr.LogFileValidationEnabled)}, nil
		},
		fix: func(_ Env, cur trailValidationState) (trailValidationState, error) {
			cur.LogFileValidation = true
			return cur, nil
		},
		set: func(ctx context.Context, env Env, cur, want trailValidationState) error {
			if cur.LogFileValidation == want.LogFileValidation {
				return nil
			}
			return updateTrail(ctx, env, &ctapi.UpdateTrailInput{EnableLogFileValidation: aws.Bool(want.LogFileValidation)})
		},
	}
}

// ---- CloudTrail.2: SSE-KMS ----

const paramKMSKey = "cloudtrail-kms-key"

// trailKMSState is the trail's encryption. KMSKeyID "" is SSE-S3 only.
type trailKMSState struct {
	Trail    string `json:"trail"`
	KMSKeyID string `json:"kms_key_id"`
	// Key is what the parameter's key was found to be, read with the
	// trail while it is not encrypted (the fix needs it; Set ignores it).
	Key *trailParamCheck `json:"param_key,omitempty"`
}

// trailParamCheck is what a parameter names, as read: the ARN it resolves to,
// or the problem that keeps the playbook from using it.
type trailParamCheck struct {
	Given   string `json:"given"`
	ARN     string `json:"arn,omitempty"`
	Problem string `json:"problem,omitempty"`
}

func trailEncryption() Playbook {
	return &def[trailKMSState]{
		info: Info{
			Control: "CloudTrail.2", Name: "cloudtrail.kms-encryption",
			Summary: "Encrypt the trail's log files with the KMS key given (SSE-KMS)",
			Risk: "whoever reads the trail's logs (SIEM, Athena, log pipelines, auditors) needs kms:Decrypt on the key, or new log files become unreadable to them; " +
				"disabling the key or dropping CloudTrail from its policy later stops delivery. Rollback makes new files SSE-S3 again, " +
				"but files delivered meanwhile stay encrypted with the key: keep it",
			Actions: []string{"cloudtrail:GetTrail", "cloudtrail:UpdateTrail", "kms:DescribeKey", "kms:GetKeyPolicy"},
			Params: []Param{{Name: paramKMSKey, Description: "KMS key to encrypt trail logs with: key ARN, alias ARN, alias name (alias/cloudtrail) or key ID; " +
				"names and IDs are looked up in the trail's account and home region, and {account} and {region} stand for them. " +
				"Its key policy must let cloudtrail.amazonaws.com use kms:GenerateDataKey*"}},
		},
		read: func(ctx context.Context, env Env) (trailKMSState, error) {
			t, tr, err := readTrail(ctx, env)
			if err != nil {
				return trailKMSState{}, err
			}
			st := trailKMSState{Trail: t.ARN, KMSKeyID: aws.ToString(tr.KmsKeyId)}
			if given := trailParam(env, t, paramKMSKey); st.KMSKeyID == "" && given != "" {
				if st.Key, err = checkTrailKMSKey(ctx, env, t, given); err != nil {
					return trailKMSState{}, err
				}
			}
			return st, nil
		},
		fix: func(env Env, cur trailKMSState) (trailKMSState, error) {
			switch {
			case cur.KMSKeyID != "":
				return cur, nil
			case cur.Key == nil:
				return cur, Skip("no KMS key to encrypt trail %s with: give one with the parameter %s", trailName(cur.Trail), paramKMSKey)
			case cur.Key.Problem != "":
				return cur, Skip("%s", cur.Key.Problem)
			}
			w := cur
			w.KMSKeyID, w.Key = cur.Key.ARN, nil
			return w, nil
		},
		set: func(ctx context.Context, env Env, cur, want trailKMSState) error {
			if cur.KMSKeyID == want.KMSKeyID {
				return nil
			}
			// An empty KmsKeyId removes SSE-KMS (SSE-S3 again).
			return updateTrail(ctx, env, &ctapi.UpdateTrailInput{KmsKeyId: aws.String(want.KMSKeyID)})
		},
	}
}

func trailName(arn string) string {
	if t, err := parseTrail(arn); err == nil {
		return t.Name
	}
	return arn
}

// checkTrailKMSKey reads the key given for trail t: it must exist, be an
// enabled symmetric encryption key, and (when it is in the trail's
// account, the only case where its policy can be read) have a key
// policy that lets CloudTrail encrypt with it. A key of another account
// (a central one) is checked as far as DescribeKey lets the account see
// it; CloudTrail itself refuses the update when its policy does not fit.
func checkTrailKMSKey(ctx context.Context, env Env, t trailRef, given string) (*trailParamCheck, error) {
	pc := &trailParamCheck{Given: given}
	region := t.Home
	if strings.HasPrefix(given, "arn:") {
		f := strings.SplitN(given, ":", 6)
		if len(f) != 6 || f[2] != "kms" {
			pc.Problem = fmt.Sprintf("%s %q is not a KMS key or alias ARN", paramKMSKey, given)
			return pc, nil
		}
		region = f[3]
	}
	c := kmsapi.NewFromConfig(env.Config, func(o *kmsapi.Options) { o.Region = region })
	out, err := c.DescribeKey(ctx, &kmsapi.DescribeKeyInput{KeyId: aws.String(given)})
	switch {
	case awsx.IsNotFound(err):
		pc.Problem = fmt.Sprintf("KMS key %s (%s) does not exist in %s", given, paramKMSKey, region)
		return pc, nil
	case awsx.IsAccessDenied(err):
		pc.Problem = fmt.Sprintf("KMS key %s (%s) cannot be read from account %s: %s", given, paramKMSKey, env.Account, awsx.Brief(err))
		return pc, nil
	case err != nil:
		return nil, fmt.Errorf("describe KMS key %s: %w", given, err)
	}
	k := out.KeyMetadata
	pc.ARN = aws.ToString(k.Arn)
	switch {
	case k.KeyState != "Enabled":
		pc.Problem = fmt.Sprintf("KMS key %s (%s) is %s", pc.ARN, paramKMSKey, k.KeyState)
		return pc, nil
	case k.KeySpec != "" && k.KeySpec != "SYMMETRIC_DEFAULT":
		pc.Problem = fmt.Sprintf("KMS key %s (%s) is a %s key: CloudTrail encrypts with symmetric encryption keys only", pc.ARN, paramKMSKey, k.KeySpec)
		return pc, nil
	case aws.ToString(k.AWSAccountId) != t.Owner:
		return pc, nil
	}
	pol, err := c.GetKeyPolicy(ctx, &kmsapi.GetKeyPolicyInput{KeyId: aws.String(pc.ARN), PolicyName: aws.String("default")})
	if err != nil {
		return nil, fmt.Errorf("get key policy of %s: %w", pc.ARN, err)
	}
	if ok, why := trailPolicyAllows(aws.ToString(pol.Policy), cloudtrailPrincipal, "kms:GenerateDataKey"); !ok {
		pc.Problem = fmt.Sprintf("the key policy of KMS key %s (%s) does not let %s use kms:GenerateDataKey* (in it, %s): "+
			"add the statement CloudTrail documents for trail encryption", pc.ARN, paramKMSKey, cloudtrailPrincipal, why)
	}
	return pc, nil
}

const cloudtrailPrincipal = "cloudtrail.amazonaws.com"

// trailPolicyAllows judges whether a resource policy (a key policy, a role's
// trust policy) lets the AWS service principal perform action.
//
// The judgement is deliberately a plain reading, made to give a clear
// skip before a change rather than to predict AWS's decision: a
// statement counts when it allows action to the service by name, or to
// "*" (Principal "*" or {"AWS": "*"}). Conditions are not evaluated:
// CloudTrail's documented statements carry conditions (the encryption
// context's trail ARN, aws:SourceArn) that CloudTrail's own requests
// meet, so a conditional Allow counts. A Deny without a condition that
// names the service (or "*") and the action wins. When the reading is
// wrong the other way, CloudTrail refuses the update
// (InsufficientEncryptionPolicyException, InvalidCloudWatchLogsRoleArn)
// and nothing is changed.
func trailPolicyAllows(doc, service, action string) (bool, string) {
	d, err := iam.ParseDocument(doc)
	if err != nil {
		return false, err.Error()
	}
	var raw struct {
		Statement json.RawMessage
	}
	_ = json.Unmarshal([]byte(doc), &raw)
	var principals []struct{ Principal json.RawMessage }
	if json.Unmarshal(raw.Statement, &principals) != nil {
		var one struct{ Principal json.RawMessage }
		_ = json.Unmarshal(raw.Statement, &one)
		principals = append(principals[:0], one)
	}
	allowed := false
	for i, s := range d.Statements {
		if i >= len(principals) || !principalNames(principals[i].Principal, service) || !s.MatchesAction(action) {
			continue
		}
		if !s.Allow() && !s.Conditional {
			return false, "a statement denies it"
		}
		if s.Allow() {
			allowed = true
		}
	}
	if !allowed {
		return false, "no statement allows it"
	}
	return true, ""
}

// principalNames reports whether a policy's Principal element covers the service
// principal: "*", {"AWS": "*"}, or {"Service": service or a list with it}.
func principalNames(principal json.RawMessage, service string) bool {
	var s string
	if json.Unmarshal(principal, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(principal, &m) != nil {
		return false
	}
	has := func(raw json.RawMessage, want string) bool {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			return one == want
		}
		var many []string
		_ = json.Unmarshal(raw, &many)
		for _, v := range many {
			if v == want {
				return true
			}
		}
		return false
	}
	return has(m["Service"], service) || has(m["AWS"], "*")
}

// ---- CloudTrail.5: CloudWatch Logs ----
//
// The log group and the role are parameters, not created: setting and
// clearing two ARNs on the trail is exactly undone by a rollback, while
// a playbook that created a log group and a role would have to delete
// them on rollback (and the role needs iam:CreateRole and iam:PassRole
// over roles it names itself: more than a remediation should hold).

const (
	paramLogGroup = "cloudtrail-log-group"
	paramLogsRole = "cloudtrail-logs-role"
)

// trailLogsState is the trail's CloudWatch Logs delivery; both ARNs are
// "" when it has none.
type trailLogsState struct {
	Trail       string `json:"trail"`
	LogGroupARN string `json:"log_group_arn"`
	RoleARN     string `json:"role_arn"`
	// Target is what the parameters name, read with the trail while it
	// has no delivery (the fix needs it; Set ignores it).
	Target *trailLogsTarget `json:"param_target,omitempty"`
}

type trailLogsTarget struct {
	LogGroup trailParamCheck `json:"log_group"`
	Role     trailParamCheck `json:"role"`
}

func trailLogs() Playbook {
	return &def[trailLogsState]{
		info: Info{
			Control: "CloudTrail.5", Name: "cloudtrail.cloudwatch-logs",
			Summary: "Send the trail's events to the CloudWatch Logs log group given, through the IAM role given",
			Risk: "CloudWatch Logs bills the ingestion and storage of every event the trail logs (data events can be many GB a day); " +
				"the role must keep its permissions or delivery fails silently (GetTrailStatus shows the error). " +
				"Rollback stops the delivery; the events already delivered stay in the log group",
			Actions: []string{"cloudtrail:GetTrail", "cloudtrail:UpdateTrail", "logs:DescribeLogGroups", "iam:GetRole", "iam:PassRole"},
			Params: []Param{
				{Name: paramLogGroup, Description: "CloudWatch Logs log group to send trail events to: its name (looked up in the trail's account and home region) or ARN; " +
					"{account} and {region} stand for the trail's account and home region (aws-cloudtrail-logs-{account})"},
				{Name: paramLogsRole, Description: "IAM role CloudTrail assumes to write to the log group: its name (in the trail's account) or ARN. " +
					"Its trust policy must let cloudtrail.amazonaws.com assume it, and it needs logs:CreateLogStream and logs:PutLogEvents on the group"},
			},
		},
		read: func(ctx context.Context, env Env) (trailLogsState, error) {
			t, tr, err := readTrail(ctx, env)
			if err != nil {
				return trailLogsState{}, err
			}
			st := trailLogsState{Trail: t.ARN, LogGroupARN: aws.ToString(tr.CloudWatchLogsLogGroupArn), RoleARN: aws.ToString(tr.CloudWatchLogsRoleArn)}
			group, role := trailParam(env, t, paramLogGroup), trailParam(env, t, paramLogsRole)
			if st.LogGroupARN == "" && group != "" && role != "" {
				st.Target = &trailLogsTarget{}
				if st.Target.LogGroup, err = checkTrailLogGroup(ctx, env, t, group); err != nil {
					return trailLogsState{}, err
				}
				if st.Target.Role, err = checkTrailLogsRole(ctx, env, t, role); err != nil {
					return trailLogsState{}, err
				}
			}
			return st, nil
		},
		fix: func(env Env, cur trailLogsState) (trailLogsState, error) {
			switch {
			case cur.LogGroupARN != "":
				return cur, nil
			case cur.Target == nil:
				var missing []string
				for _, p := range []string{paramLogGroup, paramLogsRole} {
					if strings.TrimSpace(env.Params[p]) == "" {
						missing = append(missing, p)
					}
				}
				if len(missing) == 0 {
					missing = []string{paramLogGroup, paramLogsRole}
				}
				return cur, Skip("no log group and role to send trail %s to: give the parameter %s", trailName(cur.Trail), strings.Join(missing, " and "))
			case cur.Target.LogGroup.Problem != "":
				return cur, Skip("%s", cur.Target.LogGroup.Problem)
			case cur.Target.Role.Problem != "":
				return cur, Skip("%s", cur.Target.Role.Problem)
			}
			w := cur
			w.LogGroupARN, w.RoleARN, w.Target = cur.Target.LogGroup.ARN, cur.Target.Role.ARN, nil
			return w, nil
		},
		set: func(ctx context.Context, env Env, cur, want trailLogsState) error {
			if cur.LogGroupARN == want.LogGroupARN && cur.RoleARN == want.RoleARN {
				return nil
			}
			// Empty ARNs remove the delivery; CloudTrail takes both or
			// neither.
			return updateTrail(ctx, env, &ctapi.UpdateTrailInput{
				CloudWatchLogsLogGroupArn: aws.String(want.LogGroupARN), CloudWatchLogsRoleArn: aws.String(want.RoleARN),
			})
		},
	}
}

// checkTrailLogGroup resolves the log group given for trail t to the ARN
// CloudTrail takes (arn:aws:logs:<region>:<account>:log-group:<name>:*)
// and checks it exists when it is in the trail's account.
func checkTrailLogGroup(ctx context.Context, env Env, t trailRef, given string) (trailParamCheck, error) {
	pc := trailParamCheck{Given: given}
	region, account, name := t.Home, t.Owner, given
	if strings.HasPrefix(given, "arn:") {
		f := strings.SplitN(given, ":", 7)
		if len(f) != 7 || f[2] != "logs" || f[5] != "log-group" || f[6] == "" {
			pc.Problem = fmt.Sprintf("%s %q is not a log group ARN", paramLogGroup, given)
			return pc, nil
		}
		region, account, name = f[3], f[4], strings.TrimSuffix(f[6], ":*")
	}
	pc.ARN = "arn:aws:logs:" + region + ":" + account + ":log-group:" + name + ":*"
	if account != t.Owner {
		return pc, nil
	}
	c := logsapi.NewFromConfig(env.Config, func(o *logsapi.Options) { o.Region = region })
	// awsx.Pages, not the SDK's paginator: that takes the client as an
	// interface, which links every operation into the binary.
	found := false
	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
		out, err := c.DescribeLogGroups(ctx, &logsapi.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name), NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("describe log groups %s in %s: %w", name, region, err)
		}
		for _, g := range out.LogGroups {
			if aws.ToString(g.LogGroupName) == name {
				found = true
				return nil, nil
			}
		}
		return out.NextToken, nil
	})
	if err != nil {
		return pc, err
	}
	if found {
		return pc, nil
	}
	pc.Problem = fmt.Sprintf("log group %s (%s) does not exist in %s of account %s", name, paramLogGroup, region, account)
	return pc, nil
}

// checkTrailLogsRole resolves the role given for trail t to its ARN and, for
// a role of the trail's account, checks that it exists and that its
// trust policy lets CloudTrail assume it. Its permissions on the log
// group are not judged (they are an identity policy, possibly with
// conditions); CloudTrail refuses a role it cannot use.
func checkTrailLogsRole(ctx context.Context, env Env, t trailRef, given string) (trailParamCheck, error) {
	pc := trailParamCheck{Given: given}
	account, name := t.Owner, given
	if strings.HasPrefix(given, "arn:") {
		f := strings.SplitN(given, ":", 6)
		if len(f) != 6 || f[2] != "iam" || !strings.HasPrefix(f[5], "role/") {
			pc.Problem = fmt.Sprintf("%s %q is not an IAM role ARN", paramLogsRole, given)
			return pc, nil
		}
		account, name = f[4], f[5][strings.LastIndex(f[5], "/")+1:]
		pc.ARN = given
	}
	if account != t.Owner {
		return pc, nil
	}
	out, err := iamapi.NewFromConfig(env.Config).GetRole(ctx, &iamapi.GetRoleInput{RoleName: aws.String(name)})
	if awsx.IsNotFound(err) {
		pc.Problem = fmt.Sprintf("role %s (%s) does not exist in account %s", name, paramLogsRole, account)
		return pc, nil
	}
	if err != nil {
		return pc, fmt.Errorf("get role %s: %w", name, err)
	}
	pc.ARN = aws.ToString(out.Role.Arn)
	doc := aws.ToString(out.Role.AssumeRolePolicyDocument)
	if d, err := url.QueryUnescape(doc); err == nil {
		doc = d
	}
	if ok, why := trailPolicyAllows(doc, cloudtrailPrincipal, "sts:AssumeRole"); !ok {
		pc.Problem = fmt.Sprintf("role %s (%s) cannot be assumed by %s (in its trust policy, %s)", name, paramLogsRole, cloudtrailPrincipal, why)
	}
	return pc, nil
}
