package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
)

// TestBootstrapAdoptsAnExistingOidcProvider: GitHub's OIDC provider exists
// once per account, so in an account that has one (preflight says so) the
// bootstrap creates none, which would fail with EntityAlreadyExists, and
// its roles trust the one there is, at its well-known ARN; a bad value of
// the setting is refused naming the key.
func TestBootstrapAdoptsAnExistingOidcProvider(t *testing.T) {
	created := bootstrap(t)
	provider := find(t, created, tOidc, "github-oidc")

	r, err := synth.RunProgram(synth.Options{Dir: "../bootstrap", Overrides: map[string]string{
		"omnirapeutic-bootstrap:existingOidcProvider": "true",
	}}, deployBootstrap)
	require.NoError(t, err)
	for _, res := range r.Resources {
		assert.NotEqual(t, tOidc, res.Type, "an account's second GitHub OIDC provider cannot be created")
	}
	for _, role := range []string{"github-preview", "github-deploy"} {
		want := find(t, created, tRole, role+"-role")
		got := find(t, r, tRole, role+"-role")
		assert.NotContains(t, got.Dependencies, provider.URN, role)
		trust, err := policy.Parse(got.Str("assumeRolePolicy"))
		require.NoError(t, err)
		assert.Equal(t, want.Str("assumeRolePolicy"), got.Str("assumeRolePolicy"), "%s trusts the same provider, whoever made it", role)
		require.Len(t, trust.Statement, 1, role)
	}

	_, err = synth.RunProgram(synth.Options{Dir: "../bootstrap", Overrides: map[string]string{
		"omnirapeutic-bootstrap:existingOidcProvider": "yes",
	}}, deployBootstrap)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `config omnirapeutic-bootstrap:existingOidcProvider: "yes" is not true or false`)
}
