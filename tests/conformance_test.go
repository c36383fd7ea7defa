package tests

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// ruleHipaaNoUnexceptedFailure is the auditor's first page, for any
// configuration: every rule of the pack has a predicted verdict, and none is
// NON_COMPLIANT without an exception (the account's pack judges every
// stack's resources, so no stack may leave a failure unexplained).
func ruleHipaaNoUnexceptedFailure(t *testing.T, s *stack) {
	require.NotNil(t, s.Conformance)
	require.Len(t, s.Conformance.Verdicts, len(conformance.HIPAARules))
	for _, v := range s.Conformance.Verdicts {
		for _, row := range v.Rows {
			assert.NotEqual(t, conformance.NonCompliant, row.Status,
				"%s: %s: %s is NON_COMPLIANT (%s): fix it, or accept it in conformance.HIPAAExceptions with what ends it", s.Config.Stack, v.Identifier, row.Resource, row.Reason)
		}
	}
	for _, x := range s.Conformance.UnusedExceptions {
		assert.Emptyf(t, x.Stacks, "%s no longer needs %s on %s, which is scoped to it: remove it", s.Config.Stack, x.Rule, x.Resource)
	}
}

// TestEveryExceptionIsStillNeeded: an exception no committed stack uses is
// stale: remove it. (One a config change ends, such as the certificate's,
// stays while a committed stack still needs it.) A stack-scoped exception
// names stacks that exist and is never production's unless it says so; each
// gives its reason and what ends it.
func TestEveryExceptionIsStillNeeded(t *testing.T) {
	unused := map[[2]string]int{}
	for _, r := range committedStacks(t) {
		for _, x := range r.Conformance.UnusedExceptions {
			unused[exceptionKey(x)]++
		}
	}
	for _, x := range conformance.HIPAAExceptions {
		stacks := len(synthesized)
		if len(x.Stacks) > 0 {
			stacks = len(x.Stacks)
		}
		assert.Lessf(t, unused[exceptionKey(x)], stacks, "no committed stack needs %s on %s any more: remove it from conformance.HIPAAExceptions", x.Rule, x.Resource)
		for _, stack := range x.Stacks {
			if stack == synth.BootstrapSource || stack == conformance.DefaultVpcSource {
				continue // account sources that are not stacks of this project (PredictAccount)
			}
			assert.Containsf(t, synthesized, stack, "%s on %s is scoped to %s, which has no stack file", x.Rule, x.Resource, stack)
		}
		if len(x.Stacks) > 0 && !slices.Contains(x.Stacks, "production") {
			assert.NotContains(t, conformance.For("production", conformance.HIPAAExceptions), x)
		}
		assert.NotEmpty(t, x.Reason, "%s/%s", x.Rule, x.Resource)
		assert.NotEmpty(t, x.EndsWhen, "%s/%s: say what ends it", x.Rule, x.Resource)
	}
}

// exceptionKey identifies an exception (its Stacks slice makes it unhashable).
func exceptionKey(x conformance.Exception) [2]string { return [2]string{x.Rule, x.Resource} }

// TestEveryCheckIsAPackRule keeps conformance.Checks and the pack in step.
func TestEveryCheckIsAPackRule(t *testing.T) {
	rules := map[string]bool{}
	for _, r := range conformance.HIPAARules {
		key := conformance.CheckKey(r.Name, r.Identifier)
		rules[key] = true
		assert.Contains(t, conformance.Checks, key, "rule %s has no predicate", r.Name)
	}
	for id := range conformance.Checks {
		assert.True(t, rules[id], "conformance.Checks has %s, which the pack does not", id)
	}
}

// TestTheEvidenceControlsAreCompliant: in the stack that owns the account
// singletons, the backup, Security Hub, account-baseline and key controls are
// COMPLIANT, and the logging and lock controls are compliant but for the
// exceptions listed.
func TestTheEvidenceControlsAreCompliant(t *testing.T) {
	got := map[string]conformance.Status{}
	for _, v := range production(t).Conformance.Verdicts {
		got[v.Identifier] = v.Status
	}
	for _, id := range []string{"AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN", "RDS_IN_BACKUP_PLAN", "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
		"BACKUP_RECOVERY_POINT_ENCRYPTED", "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", "SECURITYHUB_ENABLED", "EC2_EBS_ENCRYPTION_BY_DEFAULT",
		"S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", "IAM_PASSWORD_POLICY", "KMS_CMK_NOT_SCHEDULED_FOR_DELETION"} {
		assert.Equal(t, conformance.Compliant, got[id], id)
	}
	for _, id := range []string{"S3_BUCKET_LOGGING_ENABLED", "S3_BUCKET_DEFAULT_LOCK_ENABLED", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"} {
		assert.Equal(t, conformance.Excepted, got[id], "%s: compliant but for the exceptions listed", id)
	}
}

// TestConfigChangesEndTheirExceptions: the exceptions whose end is a config
// change end with it: a certificate ends the two HTTPS ones, readers in the
// other AZs the multi-AZ one; nothing else changes.
func TestConfigChangesEndTheirExceptions(t *testing.T) {
	ended := func(edits ...func(values)) []string {
		r := runWithin(t, "production", edits...)
		ruleHipaaNoUnexceptedFailure(t, stackOf(t, r))
		var out []string
		for _, x := range r.Conformance.UnusedExceptions {
			out = append(out, x.Rule)
		}
		return out
	}
	assert.ElementsMatch(t, []string{"ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "ELBV2_ACM_CERTIFICATE_REQUIRED"}, ended(everyServiceOn, withoutReaders))
	assert.ElementsMatch(t, []string{"RDS_CLUSTER_MULTI_AZ_ENABLED"}, ended(withoutCertificate, readersInTheOtherAZs))
}
