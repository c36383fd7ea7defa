package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// params are the pack's parameters for the rules that take them.
var params = map[string]Params{
	"CLOUDWATCH_ALARM_ACTION_CHECK":                  {"alarmActionRequired": "true", "insufficientDataActionRequired": "true", "okActionRequired": "false"},
	"IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS":        {"blockedActionsPatterns": "kms:*, kms:Decrypt, kms:ReEncrypt*"},
	"IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS":          {"blockedActionsPatterns": "kms:*, kms:Decrypt, kms:ReEncrypt*"},
	"IAM_PASSWORD_POLICY":                            {"MaxPasswordAge": "90", "MinimumPasswordLength": "14", "PasswordReusePrevention": "24", "RequireLowercaseCharacters": "true", "RequireNumbers": "true", "RequireSymbols": "true", "RequireUppercaseCharacters": "true"},
	"RESTRICTED_INCOMING_TRAFFIC":                    {"blockedPort1": "20", "blockedPort2": "21", "blockedPort3": "3389", "blockedPort4": "3306", "blockedPort5": "4333"},
	"S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC": {"BlockPublicAcls": "true", "BlockPublicPolicy": "true", "IgnorePublicAcls": "true", "RestrictPublicBuckets": "true"},
	"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS":           {"authorizedTcpPorts": "80,443"},
	"INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY":           {"AuthorizedVpcIds": "vpc-other, vpc-id"},
}

func evaluate(t *testing.T, id string, s *Stack) []Evaluation {
	t.Helper()
	c := Checks[id]
	require.NotNil(t, c.Evaluate, id)
	return c.Evaluate(s, params[id])
}

// TestEveryPredicatePassesAndFails: for each rule with a predicate, the
// compliant world passes it (with at least one resource in scope) and one
// change makes it fail, so no predicate is vacuous.
func TestEveryPredicatePassesAndFails(t *testing.T) {
	for id, c := range Checks {
		if c.Evaluate == nil {
			continue
		}
		t.Run(id, func(t *testing.T) {
			if guarded(id) {
				return // TestAbsentTypesTurnNonCompliant covers it
			}
			evals := evaluate(t, id, CompliantWorld())
			require.NotEmpty(t, evals, "the compliant world has nothing in %s's scope", id)
			for _, e := range evals {
				assert.True(t, e.Compliant, "%s: %s: %s", id, e.Resource, e.Reason)
			}
			brk, ok := Breaks[id]
			require.True(t, ok, "no failing case for %s", id)
			world := CompliantWorld()
			if brk == nil { // a rule satisfied by presence fails by absence
				world = &Stack{}
				assert.Empty(t, evaluate(t, id, world))
				return
			}
			brk(world)
			assert.True(t, slices.ContainsFunc(evaluate(t, id, world), func(e Evaluation) bool { return !e.Compliant }), "%s: the change did not make it fail", id)
		})
	}
}

// guarded: the rule's check is an absent-type guard (fails on any resource).
func guarded(id string) bool {
	evals := Checks[id].Evaluate(CompliantWorld(), nil)
	return len(evals) == 0 && !slices.Contains([]string{"ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK"}, id) && Breaks[id] == nil
}

// TestAbsentTypesTurnNonCompliant: a guarded rule is NOT_APPLICABLE with
// nothing in scope and NON_COMPLIANT as soon as such a resource appears.
func TestAbsentTypesTurnNonCompliant(t *testing.T) {
	n := 0
	for id, c := range Checks {
		if c.Evaluate == nil || !guarded(id) {
			continue
		}
		n++
		typ := guardedType(id)
		require.NotEmpty(t, typ, id)
		evals := c.Evaluate(&Stack{Resources: []*Resource{res(typ, "new", map[string]any{})}}, nil)
		require.Len(t, evals, 1, id)
		assert.False(t, evals[0].Compliant, id)
		assert.Contains(t, evals[0].Reason, "write one", id)
	}
	assert.Equal(t, 44, n, "rules whose scope neither this stack nor AWS on its behalf creates")
}

// guardedType finds a type the guard reacts to, by trying the token of
// each AWS service the guarded rules name.
func guardedType(id string) string {
	for _, typ := range []string{"aws:apigateway/stage:Stage", "aws:autoscaling/group:Group", "aws:ec2/launchConfiguration:LaunchConfiguration",
		"aws:codebuild/project:Project", "aws:dms/replicationInstance:ReplicationInstance", "aws:dynamodb/table:Table", "aws:ebs/snapshot:Snapshot",
		"aws:efs/fileSystem:FileSystem", "aws:elasticbeanstalk/environment:Environment", "aws:elasticache/replicationGroup:ReplicationGroup",
		"aws:elasticsearch/domain:Domain", "aws:opensearch/domain:Domain", "aws:elb/loadBalancer:LoadBalancer", "aws:emr/cluster:Cluster",
		"aws:kinesis/stream:Stream", "aws:lambda/function:Function", typeDBInstance, "aws:rds/snapshot:Snapshot", "aws:redshift/cluster:Cluster",
		"aws:sagemaker/endpointConfiguration:EndpointConfiguration", "aws:sagemaker/notebookInstance:NotebookInstance", "aws:ec2/vpnConnection:VpnConnection"} {
		if len(Checks[id].Evaluate(&Stack{Resources: []*Resource{res(typ, "probe", map[string]any{})}}, nil)) > 0 {
			return typ
		}
	}
	return ""
}

func TestProcessRulesSayWhatToDo(t *testing.T) {
	n := 0
	for id, c := range Checks {
		if c.Evaluate == nil {
			n++
			assert.NotEmpty(t, c.Process, id)
		}
	}
	assert.Equal(t, 11, n, "ten managed rules only an account process satisfies, and the pack's process check")
	for _, r := range HIPAARules {
		if r.Identifier == ProcessCheck {
			assert.NotEmpty(t, Checks[CheckKey(r.Name, r.Identifier)].Process, "process check %s says what to record", r.Name)
		}
	}
}

func TestEvaluateAppliesExceptionsAndRefusesUnknownRules(t *testing.T) {
	world := CompliantWorld()
	world.drop("b-log")
	rules := []Rule{{Name: "s3-bucket-logging-enabled", Identifier: "S3_BUCKET_LOGGING_ENABLED"}, {Name: "root-account-mfa-enabled", Identifier: "ROOT_ACCOUNT_MFA_ENABLED"}, {Name: "dynamodb-pitr-enabled", Identifier: "DYNAMODB_PITR_ENABLED"}}
	rep, err := Evaluate(rules, world, Checks, nil)
	require.NoError(t, err)
	assert.Equal(t, []Status{NonCompliant, Process, NotApplicable}, []Status{rep.Verdicts[0].Status, rep.Verdicts[1].Status, rep.Verdicts[2].Status})

	x := []Exception{{Rule: "S3_BUCKET_LOGGING_ENABLED", Resource: "b", Reason: "r", EndsWhen: "e"}, {Rule: "S3_BUCKET_LOGGING_ENABLED", Resource: "gone", Reason: "r", EndsWhen: "e"}}
	rep, err = Evaluate(rules, world, Checks, x)
	require.NoError(t, err)
	assert.Equal(t, Excepted, rep.Verdicts[0].Status)
	assert.Equal(t, "r", rep.Verdicts[0].Rows[0].Exception.Reason)
	assert.Equal(t, []Exception{x[1]}, rep.UnusedExceptions)
	assert.Equal(t, map[Status]int{Compliant: 0, Excepted: 1, Process: 1, NotApplicable: 1, NonCompliant: 0}, rep.Counts())

	_, err = Evaluate([]Rule{{Name: "new-rule", Identifier: "NEW_RULE"}}, world, Checks, nil)
	assert.ErrorContains(t, err, "NEW_RULE")
}

func TestMarkdownEscapesCells(t *testing.T) {
	md := Markdown([]Exception{{Rule: "R", Resource: "x", Reason: "a | b", EndsWhen: "c"}})
	assert.True(t, strings.HasSuffix(md, "| R | `x` | a \\| b | c |\n"), md)
}

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, action string
		want            bool
	}{{"kms:*", "kms:Decrypt", true}, {"kms:ReEncrypt*", "kms:ReEncryptFrom", true}, {"kms:Decrypt", "kms:Encrypt", false}, {"*", "kms:decrypt", true}, {"s3:Get*", "kms:Get", false}} {
		assert.Equal(t, c.want, matches(c.pattern, c.action), "%s ~ %s", c.pattern, c.action)
	}
}
