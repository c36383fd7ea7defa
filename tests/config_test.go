package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// TestBadConfigRegistersNothing runs the whole program with broken values:
// it must fail naming the key and value, before registering any resource.
func TestBadConfigRegistersNothing(t *testing.T) {
	for _, tc := range []struct {
		key, value, want string
	}{
		{"omnirapeutic:vpcCidr", "10.0.0.0/8", `omnirapeutic:vpcCidr: "10.0.0.0/8" must be between /16 and /28`},
		{"omnirapeutic:availabilityZones", `["us-east-1a","us-east-1a","us-east-1c"]`, `omnirapeutic:availabilityZones: "us-east-1a" is listed twice`},
		{"aws:region", "us-west-2", `omnirapeutic:availabilityZones: "us-east-1a" is not an availability zone of region "us-west-2"`},
	} {
		t.Run(tc.key, func(t *testing.T) {
			r, err := runWith(t, map[string]string{tc.key: tc.value})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, r.Resources, "nothing may be registered when config is invalid")
		})
	}
}

// TestStackFileCarriesDefaultTags pins the tags the AWS provider applies to
// every resource (they are provider config, so mocks never see them).
func TestStackFileCarriesDefaultTags(t *testing.T) {
	raw, err := os.ReadFile("../Pulumi.production.yaml")
	require.NoError(t, err)
	var stack struct {
		Config map[string]any `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &stack))
	tags := stack.Config["aws:defaultTags"].(map[string]any)["tags"].(map[string]any)
	assert.Equal(t, "omnirapeutic", tags["Project"])
	assert.Equal(t, "production", tags["Environment"])
	assert.Equal(t, "pulumi", tags["ManagedBy"])
	assert.Equal(t, "phi", tags["DataClassification"])
}

// TestQuotedIntegers runs the program against the stack files as `pulumi
// stack init` rewrites them: top-level integers and booleans quoted, a salt
// added. The rewritten file is committed, so it must render exactly as the
// original. (Every stack sets ownsAccountSingletons at the top level, so
// every file has a value to quote.)
func TestQuotedIntegers(t *testing.T) {
	project, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	for stack := range synthesized {
		t.Run(stack, func(t *testing.T) {
			raw, err := os.ReadFile("../Pulumi." + stack + ".yaml")
			require.NoError(t, err)
			quoted := regexp.MustCompile(`(?m)^(  omnirapeutic:\w+): (\d+|true|false)$`).ReplaceAllString(string(raw), `$1: "$2"`)
			require.Contains(t, quoted, `omnirapeutic:ownsAccountSingletons: "`, "every stack sets this boolean at the top level")
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"),
				[]byte(quoted+"encryptionsalt: v1:AAAAAAAAAAA=:v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n"), 0o644))

			r, err := synth.Run(synth.Options{Dir: dir, Stack: stack})
			require.NoError(t, err)
			want := synthesize(t, stack)
			assert.Equal(t, want.Config.Values, r.Config.Values)
			assert.Equal(t, len(want.Resources), len(r.Resources))
			assert.Equal(t, want.Outputs, r.Outputs)
		})
	}
}
