package tests

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/replacement"
)

// everyConfiguration is every program run whose resources the replacement
// table must cover: the committed stacks, the configuration with every
// service, certificate, autoscaling and alarm subscription switched on, and
// the bootstrap stack.
func everyConfiguration(t *testing.T) map[string]*synth.Result {
	t.Helper()
	all := runWithin(t, "production", everyServiceOn, func(v values) {
		v.set("omnirapeutic:alarmEmails", []string{"oncall@omnirapeutic.example"})
		v.set("omnirapeutic:alarmHttpsEndpoints", []string{"https://events.pagerduty.example/integration/abc/enqueue"})
	})
	return map[string]*synth.Result{
		"production": production(t), "staging": synthesize(t, "staging"), "recovery": synthesize(t, "recovery"),
		"all services and subscriptions": all, "bootstrap": bootstrap(t),
		"the recovery stack restored": runWithin(t, "recovery", restoredFromSnapshot),
	}
}

// createdTypes maps each custom resource type to the resources of it,
// across configurations.
func createdTypes(t *testing.T) map[string][]*synth.Resource {
	t.Helper()
	out := map[string][]*synth.Resource{}
	for _, r := range everyConfiguration(t) {
		for _, res := range r.Resources {
			if !res.Component && strings.HasPrefix(res.Type, "aws:") {
				out[res.Type] = append(out[res.Type], res)
			}
		}
	}
	return out
}

// TestEveryCreatedTypeHasAReplacementRow: every type the program (or the
// bootstrap program) creates, in any configuration, has a row in
// replacement.Types, named or not, and every row is a type the program
// creates.
func TestEveryCreatedTypeHasAReplacementRow(t *testing.T) {
	created := createdTypes(t)
	for _, typ := range slices.Sorted(maps.Keys(created)) {
		_, ok := replacement.Lookup(typ)
		assert.Truef(t, ok, "%s is created (%s) but has no row in replacement.Types", typ, created[typ][0].Name)
	}
	for _, row := range replacement.Types {
		assert.NotEmptyf(t, created[row.Token], "%s has a row in replacement.Types but no configuration creates it", row.Token)
	}
}

// TestEveryReplaceTriggerIsAnInputTheProgramSets: a row lists the
// replace-triggering inputs the program sets (naming inputs aside), so each
// one is set by some resource of the type; an input the SDK does not have
// (kms keySpec) or the program never sets cannot hide a missing one.
func TestEveryReplaceTriggerIsAnInputTheProgramSets(t *testing.T) {
	created := createdTypes(t)
	for _, row := range replacement.Types {
		for _, p := range row.ForceNew {
			if p == row.NameProperty || p == row.PrefixProperty {
				continue
			}
			set := false
			for _, res := range created[row.Token] {
				set = set || len(replacement.Values(res.Inputs, p)) > 0
			}
			assert.Truef(t, set, "%s: no resource sets %s; list only the replace-triggering inputs the program sets", row.Token, p)
		}
	}
}

// TestCreateFirstReplacementsNeitherCollideNorUndo: a type AWS holds once
// per parent, address or account (Key, Singleton) is replaced create-first
// only when every trigger moves it to a new identity; otherwise the new
// resource is refused, or overwrites the parent's setting that the old
// resource's delete then removes. Such rows delete first (the program's
// deleteBeforeReplace, or pulumi-aws for an explicit name), or are Fixed: a
// planned migration, said so in the row.
func TestCreateFirstReplacementsNeitherCollideNorUndo(t *testing.T) {
	for _, row := range replacement.Types {
		if row.Strategy == replacement.InPlace || replacement.DeletesFirst(row.Token) {
			continue
		}
		if len(row.Key) == 0 && !row.Singleton {
			continue
		}
		for _, p := range row.ForceNew {
			if slices.Contains(row.Key, p) {
				continue
			}
			if row.Strategy == replacement.Fixed {
				assert.Containsf(t, row.Why, "planned migration", "%s: %s replaces it create-first within the same identity; a Fixed row says why that is a planned migration", row.Token, p)
				continue
			}
			t.Errorf("%s: %s forces a replacement that keeps the identity %v (singleton: %v); created first, AWS refuses the new one or the old one's delete undoes it: delete first", row.Token, p, row.Key, row.Singleton)
		}
	}
}

// TestControlsKeyedByTheirParentAreReplacedDeleteFirst: the vault lock, the
// web ACL's logging and association, the repositories' lifecycle policies,
// the audit bucket's Object Lock and Security Hub are configurations their
// parent holds once; every resource of them asks the engine to delete
// before replacing, so a replacement never ends with the control off.
func TestControlsKeyedByTheirParentAreReplacedDeleteFirst(t *testing.T) {
	created := createdTypes(t)
	for _, typ := range []string{
		"aws:backup/vaultLockConfiguration:VaultLockConfiguration",
		"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
		"aws:wafv2/webAclAssociation:WebAclAssociation",
		"aws:ecr/lifecyclePolicy:LifecyclePolicy",
		"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
		"aws:securityhub/account:Account",
	} {
		row, ok := replacement.Lookup(typ)
		require.True(t, ok, typ)
		assert.Equal(t, replacement.DeleteFirst, row.Strategy, typ)
		require.NotEmpty(t, created[typ], typ)
		for _, res := range created[typ] {
			assert.Truef(t, res.DeleteBeforeReplace, "%s %s: deleteBeforeReplace", typ, res.Name)
		}
	}
	for _, res := range everyConfigurationResources(t) {
		row, ok := replacement.Lookup(res.Type)
		if ok && !res.Component {
			assert.Equalf(t, row.Strategy == replacement.DeleteFirst, res.DeleteBeforeReplace, "%s %s: deleteBeforeReplace exactly for delete-first rows", res.Type, res.Name)
		}
	}
}

func everyConfigurationResources(t *testing.T) []*synth.Resource {
	var out []*synth.Resource
	for _, r := range everyConfiguration(t) {
		out = append(out, r.Resources...)
	}
	return out
}

// TestPinnedTriggersHoldInEveryConfiguration: a pinned trigger has its
// pinned value in every resource of its type, whatever the configuration,
// so no config edit can replace the resource through it.
func TestPinnedTriggersHoldInEveryConfiguration(t *testing.T) {
	created := createdTypes(t)
	for _, row := range replacement.Types {
		for in, want := range row.Pins {
			for _, res := range created[row.Token] {
				assert.Truef(t, replacement.Equal(want, res.Inputs[in]), "%s %s: %s is %v, pinned to %v (replacement.Types says why)", row.Token, res.Name, in, res.Inputs[in], want)
			}
		}
	}
}

const serviceType = "aws:ecs/service:Service"

// TestServiceCapacityStrategyIsThePinnedOne: the capacity provider strategy
// every service is given is the one the replacement table pins, as a change
// would replace the named service delete-first.
func TestServiceCapacityStrategyIsThePinnedOne(t *testing.T) {
	row, ok := replacement.Lookup(serviceType)
	require.True(t, ok)
	want := []any{map[string]any{"capacityProvider": compute.ServiceCapacityProvider, "weight": compute.ServiceCapacityProviderWeight}}
	assert.True(t, replacement.Equal(want, row.Pins["capacityProviderStrategies"]), "the table pins compute's strategy")
	assert.Contains(t, row.ForceNew, "capacityProviderStrategies")
	assert.True(t, replacement.DeletesFirst(serviceType), "a named service is replaced delete-first: the reason for the pin")
}

// TestDiffReplacesOnlyForTheNestedTrigger: inside the bastion's root device
// only encryption (and its key) force a new instance; a volume type change
// and an instance type change update it in place.
func TestDiffReplacesOnlyForTheNestedTrigger(t *testing.T) {
	old := decoded(t, production(t))
	device := func(field string, value any) func(r *synth.Resource) {
		return func(r *synth.Resource) {
			d := maps.Clone(r.Inputs["rootBlockDevice"].(map[string]any))
			d[field] = value
			r.Inputs["rootBlockDevice"] = d
		}
	}
	for _, c := range []struct {
		name    string
		change  func(r *synth.Resource)
		replace bool
	}{
		{"volume type", device("volumeType", "gp2"), false},
		{"instance type", func(r *synth.Resource) { r.Inputs["instanceType"] = "t3.small" }, false},
		{"encryption", device("encrypted", false), true},
	} {
		new := edit(t, old, "aws:ec2/instance:Instance", "bastion", c.change)
		d := compare(t, old, new, synth.ReplaceOnly)
		require.NotEmptyf(t, d.Changed, c.name)
		assert.Equalf(t, "bastion", d.Changed[0].Name, c.name)
		assert.Equalf(t, c.replace, len(d.Changed[0].Replace) > 0, "%s: replace", c.name)
	}
}
