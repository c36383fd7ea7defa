package tests

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// TestHipaaPackHasNoUnexceptedFailure is the auditor's first page: every
// rule of the pack has a predicted verdict, none is NON_COMPLIANT without an
// exception, and every exception is still needed.
func TestHipaaPackHasNoUnexceptedFailure(t *testing.T) {
	// The account's pack judges every stack's resources, so no stack may
	// leave a failure unexplained.
	for stack := range synthesized {
		r := synthesize(t, stack)
		require.NotNil(t, r.Conformance)
		require.Len(t, r.Conformance.Verdicts, len(conformance.HIPAARules))
		for _, v := range r.Conformance.Verdicts {
			for _, row := range v.Rows {
				assert.NotEqual(t, conformance.NonCompliant, row.Status,
					"%s: %s: %s is NON_COMPLIANT (%s): fix it, or accept it in conformance.HIPAAExceptions with what ends it", stack, v.Identifier, row.Resource, row.Reason)
			}
		}
		for _, x := range r.Conformance.UnusedExceptions {
			assert.Emptyf(t, x.Stacks, "%s no longer needs %s on %s, which is scoped to it: remove it", stack, x.Rule, x.Resource)
		}
	}
	r := production(t)
	assert.Empty(t, r.Conformance.UnusedExceptions, "exceptions production no longer needs: remove them")
	// A stack-scoped exception names stacks that exist, and is not
	// production's unless it says so.
	for _, x := range conformance.HIPAAExceptions {
		for _, stack := range x.Stacks {
			if stack == synth.BootstrapSource || stack == conformance.DefaultVpcSource {
				continue // account sources that are not stacks of this project (PredictAccount)
			}
			assert.Containsf(t, synthesized, stack, "%s on %s is scoped to %s, which has no stack file", x.Rule, x.Resource, stack)
		}
		if len(x.Stacks) > 0 && !slices.Contains(x.Stacks, "production") {
			assert.NotContains(t, conformance.For("production", conformance.HIPAAExceptions), x)
		}
	}
	for _, x := range conformance.HIPAAExceptions {
		assert.NotEmpty(t, x.Reason, "%s/%s", x.Rule, x.Resource)
		assert.NotEmpty(t, x.EndsWhen, "%s/%s: say what ends it", x.Rule, x.Resource)
	}
}

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

// TestTheControlsOfThisIssueAreCompliant pins the rules this stack closed.
func TestTheControlsOfThisIssueAreCompliant(t *testing.T) {
	r := production(t)
	got := map[string]conformance.Status{}
	for _, v := range r.Conformance.Verdicts {
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

// TestCertificateEndsTheHttpsExceptions: with a certificate and every
// service on, the pack still has no unexcepted failure, and the two HTTPS
// exceptions are exactly the ones no longer needed.
func TestCertificateEndsTheHttpsExceptions(t *testing.T) {
	r, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	for _, v := range r.Conformance.Verdicts {
		for _, row := range v.Rows {
			assert.NotEqual(t, conformance.NonCompliant, row.Status, "%s: %s (%s)", v.Identifier, row.Resource, row.Reason)
		}
	}
	var ended []string
	for _, x := range r.Conformance.UnusedExceptions {
		ended = append(ended, x.Rule)
	}
	assert.ElementsMatch(t, []string{"ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "ELBV2_ACM_CERTIFICATE_REQUIRED"}, ended)
}
