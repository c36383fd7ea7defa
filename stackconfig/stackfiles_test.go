package stackconfig_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// stackNames lists the committed stacks: every Pulumi.<stack>.yaml.
func stackNames(t *testing.T) []string {
	t.Helper()
	names, err := stackfile.Stacks("..")
	require.NoError(t, err)
	require.Contains(t, names, "production")
	require.Contains(t, names, "staging")
	return names
}

// One file decides each value: a stack file that sets a key to exactly its
// Pulumi.yaml default hides which file decides, and the two drift apart
// the first time someone changes only one of them (stackfile.Repeated).
func TestStackFilesSetOnlyWhatDiffersFromTheDefaults(t *testing.T) {
	for _, stack := range stackNames(t) {
		repeated, err := stackfile.Repeated("..", stack)
		require.NoError(t, err)
		assert.Emptyf(t, repeated, "Pulumi.%s.yaml sets these keys to their default in Pulumi.yaml: delete them from the stack file", stack)
	}
}

// The keys each environment must choose (its address space, its AZs, whether
// it owns the account singletons) have no project default, so a new stack
// cannot inherit production's by leaving them out; every other key has one.
func TestPerStackKeysHaveNoDefaultAndEveryStackSetsThem(t *testing.T) {
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	for _, key := range stackconfig.PerStackKeys {
		require.Containsf(t, proj.Config, key, "per-stack key %s is not declared in Pulumi.yaml", key)
	}
	for name, decl := range proj.Config {
		if slices.Contains(stackconfig.PerStackKeys, name) {
			assert.Nilf(t, decl.Default, "Pulumi.yaml: %s is chosen per stack (stackconfig.PerStackKeys) and must have no default", name)
		} else {
			assert.NotNilf(t, decl.Default, "Pulumi.yaml: %s needs a default, or belongs in stackconfig.PerStackKeys", name)
		}
	}
	for _, stack := range stackNames(t) {
		set, err := stackfile.Set("..", stack)
		require.NoError(t, err)
		for _, key := range stackconfig.PerStackKeys {
			assert.Containsf(t, set, stackconfig.Key(key), "Pulumi.%s.yaml sets %s", stack, key)
		}
	}
}

// A stack file that leaves out a per-stack key fails to load, offline as in
// the CLI, naming every missing key; Decode, handed config without one,
// names it too.
func TestAStackWithoutItsPerStackKeysIsRefusedNamingThem(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config:\n  aws:region: us-east-1\n  omnirapeutic:vpcCidr: 10.2.0.0/16\n"), 0o644))
	_, err = stackfile.Load(dir, "dev")
	require.EqualError(t, err, `stack "dev" is missing configuration values 'availabilityZones', 'ownsAccountSingletons' and 'subnetCidrs': `+
		`Pulumi.yaml declares them without a default, so every stack sets its own in Pulumi.dev.yaml`)

	sf := production(t)
	delete(sf.Values, stackconfig.Key("subnetCidrs"))
	_, err = stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.ErrorContains(t, err, "config omnirapeutic:subnetCidrs is required in every stack: set it in Pulumi.production.yaml (it has no default in Pulumi.yaml")
}

// Pulumi.yaml's description of services (and the config reference made from
// it) names the secrets a service may ask for: every one of SecretNames.
func TestServicesDescriptionNamesEverySecret(t *testing.T) {
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	for _, name := range stackconfig.SecretNames {
		assert.Containsf(t, proj.Config["services"].Description, string(name), "Pulumi.yaml's services description lists secret %s", name)
	}
}

// A stack file that sets an object key to change one field must set them
// all: its value replaces the default object whole, so a left-out field would
// silently be false or zero (accountBaseline with one switch would turn the
// other two off). Fields documented as optional (omitempty) may be left out.
func TestAPartialConfigObjectNamesEveryMissingField(t *testing.T) {
	_, err := decodeWith(t, map[string]string{stackconfig.Key("accountBaseline"): `{"ebsEncryptionByDefault":false}`})
	require.ErrorContains(t, err, "config omnirapeutic:accountBaseline.passwordPolicy is missing: set every field of omnirapeutic:accountBaseline "+
		"(a stack file's value replaces Pulumi.yaml's default object whole; it is not merged)")
	require.ErrorContains(t, err, "config omnirapeutic:accountBaseline.s3PublicAccessBlock is missing")

	_, err = decodeWith(t, map[string]string{stackconfig.Key("services"): services(t, "nginx", "enabled", nil)})
	require.ErrorContains(t, err, "config omnirapeutic:services.nginx.enabled is missing")

	cfg, err := decodeWith(t, map[string]string{stackconfig.Key("services"): services(t, "api", "autoscaling", nil)})
	require.NoError(t, err, "autoscaling (like image, imageTag, secrets, database, tmpfsMiB) is optional")
	require.Nil(t, cfg.Services["api"].Autoscaling)
}
