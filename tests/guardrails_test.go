package tests

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/guardrails"
	"github.com/omnirapeutic/infrastructure/security"
)

// rulePolicyPackPasses: the policy pack, run over the synthesis as the
// engine runs it, reports no mandatory violation: nothing would block a
// preview or an update. (Advisory ones are logged; a disposable stack has
// some by design, such as staging's short operational logs.)
func rulePolicyPackPasses(t *testing.T, s *stack) {
	got, err := guardrails.Check(s.ConformanceView())
	require.NoError(t, err)
	for _, v := range got {
		if v.Mandatory {
			t.Errorf("%s on %s: %s", v.Policy, v.Resource, v.Message)
		} else {
			t.Logf("advisory: %s on %s: %s", v.Policy, v.Resource, v.Message)
		}
	}
}

// TestPolicyPackPassesProduction: over production, the pack reports no
// violation at all, mandatory or advisory: every deviation is in
// conformance.HIPAAExceptions.
func TestPolicyPackPassesProduction(t *testing.T) {
	got, err := guardrails.Check(production(t).ConformanceView())
	require.NoError(t, err)
	assert.Empty(t, got)
}

// TestPolicyPackBlocksABrokenCopy: a copy of production with the database
// port open to the world, the CloudTrail bucket's encryption removed and an
// application log group without its key is reported on exactly those, each
// by a mandatory policy.
func TestPolicyPackBlocksABrokenCopy(t *testing.T) {
	s := production(t).ConformanceView()
	named := func(name string) *conformance.Resource {
		i := slices.IndexFunc(s.Resources, func(r *conformance.Resource) bool { return r.Name == name })
		require.GreaterOrEqual(t, i, 0, name)
		copied := *s.Resources[i] // the view shares its inputs with the cached production run
		copied.Inputs = maps.Clone(copied.Inputs)
		s.Resources[i] = &copied
		return &copied
	}
	db := named("security-groups-aurora-in-ecs")
	db.Inputs["cidrIpv4"] = "0.0.0.0/0"
	delete(db.Inputs, "referencedSecurityGroupId")
	require.NotNil(t, named("cloudtrail-bucket-encryption"))
	s.Resources = slices.DeleteFunc(s.Resources, func(r *conformance.Resource) bool { return r.Name == "cloudtrail-bucket-encryption" })
	delete(named("ecs-api-logs").Inputs, "kmsKeyId")

	got, err := guardrails.Check(s)
	require.NoError(t, err)
	var found []string
	for _, v := range got {
		assert.True(t, v.Mandatory, "%s on %s", v.Policy, v.Resource)
		assert.Contains(t, v.Message, "Fix: ", v.Policy)
		found = append(found, v.Policy+" "+v.Resource)
	}
	assert.Equal(t, []string{
		"cloudwatch-log-group-encrypted ecs-api-logs",
		"s3-bucket-server-side-encryption-enabled cloudtrail-bucket",
		"s3-default-encryption-kms cloudtrail-bucket",
		"vpc-sg-open-only-to-authorized-ports security-groups-aurora",
	}, found)
}

// TestPolicyPackOpensWhatTheProgramOpens: the pack authorizes exactly the
// ports the program opens to the world.
func TestPolicyPackOpensWhatTheProgramOpens(t *testing.T) {
	assert.Equal(t, security.InternetPorts(), guardrails.AuthorizedTcpPorts)
}

// TestPolicyPackCoversEveryEvidencedControl: every rule the prediction finds
// COMPLIANT or EXCEPTED in a committed stack (a control the stack evidences)
// has a policy, and every policy judges something the committed stacks
// evidence (or is one of the stack's own controls).
func TestPolicyPackCoversEveryEvidencedControl(t *testing.T) {
	all, err := guardrails.All()
	require.NoError(t, err)
	policies := map[string]bool{}
	for _, g := range all {
		policies[g.Rule] = true
	}
	evidenced := map[string]bool{}
	for _, r := range committedStacks(t) {
		for _, v := range r.Conformance.Verdicts {
			if v.Status == conformance.Compliant || v.Status == conformance.Excepted {
				evidenced[v.Identifier] = true
				assert.True(t, policies[v.Identifier], "%s is evidenced by %s but has no policy: add it to guardrails/controls.go", v.Identifier, r.Config.Stack)
			}
		}
	}
	for _, g := range all {
		if _, pack := conformance.Checks[g.Rule]; pack {
			assert.True(t, evidenced[g.Rule], "policy %s judges a rule no committed stack evidences", g.Name)
		}
	}
	assert.Equal(t, len(evidenced)+len(conformance.ControlRules), len(all), "one policy per evidenced rule and per control of the stack's own")
}
