package tests

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/pipeline"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// keyAllows decides, as KMS would for a caller of this account calling KMS
// directly (not through a service), whether a key policy lets principalArn
// call action. A statement naming the account (its root) lets the IAM
// policies of the account decide; the roles here are administrators by
// IAM (the deploy role has AdministratorAccess), so such a statement grants
// them whatever its conditions allow. Statements that hold only through a
// service (kms:ViaService) or for a service principal do not apply to a
// direct call. An explicit deny wins (AWS KMS Developer Guide, "Key
// policies"; IAM User Guide, "Policy evaluation logic").
func keyAllows(t *testing.T, doc policy.Document, principalArn, action string) bool {
	t.Helper()
	account := strings.Split(principalArn, ":")[4]
	applies := func(st policy.Statement) bool {
		if !slices.Contains(st.Principal["AWS"], "*") && !slices.Contains(st.Principal["AWS"], "arn:aws:iam::"+account+":root") {
			return false
		}
		if len(st.Condition["StringEquals"]["kms:ViaService"]) > 0 {
			return false
		}
		matched := func(patterns []string) bool {
			for _, p := range patterns {
				if ok, err := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(principalArn, "/", "\x00")); err == nil && ok {
					return true
				}
			}
			return false
		}
		for op, keys := range st.Condition {
			for key, values := range keys {
				if key != "aws:PrincipalArn" {
					t.Fatalf("statement %s has a condition this evaluator does not know: %s %s", st.Sid, op, key)
				}
				switch op {
				case "ArnLike", "ArnEquals":
					if !matched(values) {
						return false
					}
				case "ArnNotEquals", "ArnNotLike":
					if matched(values) {
						return false
					}
				default:
					t.Fatalf("statement %s has an operator this evaluator does not know: %s", st.Sid, op)
				}
			}
		}
		return true
	}
	actionMatches := func(st policy.Statement) bool {
		for _, a := range st.Action {
			if ok, _ := path.Match(a, action); ok {
				return true
			}
		}
		return false
	}
	allowed := false
	for _, st := range doc.Statement {
		if !applies(st) || !actionMatches(st) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

// TestEveryKeyNamesItsCustodians: on every key of every stack, the deploy
// pipeline and the keyAdministrators may administer it, re-policy it
// included, so the program can always change what it owns (no lockout);
// only the root user may disable it or schedule its deletion; no other
// administrator, however broad its IAM policy, may change, disable or use
// it; and administering a key is not using it.
func TestEveryKeyNamesItsCustodians(t *testing.T) {
	admins, err := runWith(t, map[string]string{"omnirapeutic:keyAdministrators": `["aws-reserved/sso.amazonaws.com/*AWSReservedSSO_AdministratorAccess_*"]`})
	require.NoError(t, err)
	role := func(name string) string { return "arn:aws:iam::" + account + ":role/" + name }
	deploy := role(stackconfig.DeployRoleName)
	laptop := role("aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef")
	otherAdmin := role("aws-reserved/sso.amazonaws.com/AWSReservedSSO_PowerUserAccess_fedcba9876543210")
	root := "arn:aws:iam::" + account + ":root"
	for name, r := range map[string]*synth.Result{"production": production(t), "staging": staging(t), "with keyAdministrators": admins} {
		keys := r.OfType(tKey)
		require.NotEmpty(t, keys)
		for _, k := range keys {
			doc, err := policy.Parse(k.Str("policy"))
			require.NoError(t, err)
			can := func(who, action string) bool { return keyAllows(t, doc, who, action) }
			what := name + " " + k.Name
			for _, a := range []string{"kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:UpdateKeyDescription", "kms:TagResource", "kms:CreateAlias", "kms:DescribeKey", "kms:GetKeyPolicy"} {
				assert.True(t, can(deploy, a), "%s: the deploy pipeline may %s", what, a)
			}
			assert.Equal(t, name == "with keyAdministrators", can(laptop, "kms:PutKeyPolicy"), "%s: a laptop administrator may re-policy exactly when keyAdministrators names it", what)
			for _, who := range []string{deploy, laptop, otherAdmin} {
				for _, a := range []string{"kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:CreateGrant"} {
					assert.False(t, can(who, a), "%s: %s may not %s", what, who, a)
				}
			}
			assert.False(t, can(otherAdmin, "kms:PutKeyPolicy"), "%s: IAM alone does not make a key administrator", what)
			assert.True(t, can(otherAdmin, "kms:DescribeKey"), "%s: IAM may grant reading a key's configuration", what)
			for _, a := range []string{"kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:CancelKeyDeletion"} {
				assert.True(t, can(root, a), "%s: the break-glass principal may %s", what, a)
			}
			assert.False(t, can(root, "kms:Decrypt"), "%s: breaking glass is not reading", what)
		}
	}
	require.ErrorContains(t, func() error {
		_, err := runWith(t, map[string]string{"omnirapeutic:keyAdministrators": `["/leading/slash"]`})
		return err
	}(), `config omnirapeutic:keyAdministrators: "/leading/slash" is not an IAM role name`)
}

// TestDeployRoleNameIsTheBootstrapsDeployRole: the stacks name the deploy
// role by stackconfig.DeployRoleName; the bootstrap creates it by
// pipeline.RoleName in its own scope.
func TestDeployRoleNameIsTheBootstrapsDeployRole(t *testing.T) {
	scope := naming.NewScope(stackconfig.Project, synth.AccountID, "us-east-1")
	assert.Equal(t, pipeline.RoleName(scope, "deploy"), stackconfig.DeployRoleName)
}

// TestAuditLogsHaveTheirOwnKey: the audit log groups (protected, retained:
// logs.GroupArgs.Audit) and the sessions use the audit-logs key, which
// CloudWatch Logs may use for exactly those groups; the application's log
// groups use the logs key, which keeps admitting CloudWatch Logs for every
// group so that audit events ingested before the move stay readable.
func TestAuditLogsHaveTheirOwnKey(t *testing.T) {
	for _, r := range []*synth.Result{production(t), staging(t)} {
		s := stackOf(t, r)
		var audit, operational []string
		for _, g := range r.OfType(tLogGroup) {
			arn := s.arn("logs", "log-group:"+g.Str("name"))
			if g.Protect {
				audit = append(audit, arn)
				assert.Equal(t, s.keyArn(t, "audit-logs"), g.Str("kmsKeyId"), g.Str("name"))
			} else {
				operational = append(operational, arn)
				assert.Equal(t, s.keyArn(t, "logs"), g.Str("kmsKeyId"), g.Str("name"))
			}
		}
		require.Len(t, audit, 3, "the trail's, the database audit's and the sessions' groups")
		require.NotEmpty(t, operational)
		auditKey := statement(t, keyPolicy(t, r, "audit-logs"), "CloudWatchLogsEncryptsAuditLogGroups")
		assert.ElementsMatch(t, audit, auditKey.Condition["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"], "the audit key serves the audit groups and no other")
		logsKey := statement(t, keyPolicy(t, r, "logs"), "CloudWatchLogsEncryptsLogGroups")
		assert.Equal(t, []string{"arn:aws:logs:us-east-1:" + account + ":log-group:*"}, logsKey.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"],
			"older audit events stay readable under the logs key")
		for _, d := range r.OfType(tDocument) {
			if strings.Contains(d.Str("content"), `"kmsKeyId"`) {
				assert.Contains(t, d.Str("content"), `"kmsKeyId":"keys-audit-logs-key-id"`, "%s encrypts sessions with the audit-logs key", d.Name)
			}
		}
	}
}

// TestNoBindParametersInTheDatabaseLog: bind parameter values (patient
// data) reach neither the postgresql log nor pgAudit's.
func TestNoBindParametersInTheDatabaseLog(t *testing.T) {
	got := map[string]any{}
	for _, p := range find(t, production(t), tParamGroup, "aurora-params").Inputs["parameters"].([]any) {
		m := p.(map[string]any)
		got[m["name"].(string)] = m["value"]
	}
	require.NotEmpty(t, data.PHIParameters)
	for _, name := range append(slices.Clone(data.PHIParameters), "pgaudit.log_parameter") {
		assert.Equal(t, "0", got[name], "%s logs no parameter value", name)
	}
	assert.NotEqual(t, "all", got["log_statement"], "every statement's text would be logged")
}
