package tests

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/pipeline"
	"github.com/omnirapeutic/infrastructure/policy"
)

const tOidc = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"

var (
	bootstrapOnce   sync.Once
	bootstrapResult *synth.Result
	bootstrapErr    error
)

// deployBootstrap is the bootstrap program, returning its outputs.
func deployBootstrap(ctx *pulumi.Context) (pulumi.Map, error) {
	b, err := pipeline.Deploy(ctx)
	if err != nil {
		return nil, err
	}
	return b.Outputs, nil
}

// bootstrap is the bootstrap program run once against its real stack file.
func bootstrap(t *testing.T) *synth.Result {
	t.Helper()
	bootstrapOnce.Do(func() {
		bootstrapResult, bootstrapErr = synth.RunProgram(synth.Options{Dir: "../bootstrap"}, deployBootstrap)
	})
	require.NoError(t, bootstrapErr)
	return bootstrapResult
}

// TestBootstrapInventory: the backend, GitHub's access, and one deploy role
// per application and stack the bootstrap stack file lists.
func TestBootstrapInventory(t *testing.T) {
	for _, r := range []*synth.Result{bootstrap(t), bootstrapWithApps(t)} {
		counts := map[string]int{}
		for _, res := range r.Resources {
			counts[res.Type]++
		}
		apps := 0
		settings := settingsOf(t, r)
		for _, app := range settings.Apps {
			apps += len(app.Deploys)
		}
		assert.Equal(t, map[string]int{
			"omnirapeutic:pipeline:StateBackend": 1, "omnirapeutic:pipeline:GitHubAccess": 1, "omnirapeutic:storage:Bucket": 1,
			tKey: 2, tAlias: 2,
			tBucket: 1, tBucketPAB: 1, tBucketOwner: 1, tBucketVersion: 1, tBucketSSE: 1, tBucketLifecyle: 1, tBucketPolicy: 1,
			tOidc: 1, tRole: 2 + apps, tPolicy: 2 + apps, tAttachment: 4 + apps, "omnirapeutic:pipeline:AppDeploy": apps,
		}, withoutZeros(counts, "omnirapeutic:pipeline:AppDeploy"))
	}
}

// withoutZeros adds a zero count for types a run did not register, so one
// expected map serves every run.
func withoutZeros(counts map[string]int, types ...string) map[string]int {
	for _, typ := range types {
		if _, ok := counts[typ]; !ok {
			counts[typ] = 0
		}
	}
	return counts
}

// settingsOf decodes the configuration a bootstrap run had.
func settingsOf(t *testing.T, r *synth.Result) *pipeline.Settings {
	t.Helper()
	s, err := pipeline.DecodeSettings(r.Config.Project, r.Config.Lookup)
	require.NoError(t, err)
	return s
}

// TestStateBackend pins the state bucket and the keys: private, versioned,
// TLS-only, KMS-encrypted, protected, and current state never expires.
func TestStateBackend(t *testing.T) {
	r := bootstrap(t)
	const bucket = "omnirapeutic-pulumi-state-123456789012"
	assertPrivateBucket(t, r, "state-bucket", bucket)
	assert.True(t, find(t, r, tBucket, "state-bucket").Protect, "losing the bucket loses every stack's state")

	sse := find(t, r, tBucketSSE, "state-bucket-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:us-east-1:123456789012:key/state-state-key-key-id"},
		sse["applyServerSideEncryptionByDefault"])
	rule := find(t, r, tBucketLifecyle, "state-bucket-lifecycle").Inputs["rules"].([]any)[0].(map[string]any)
	assert.NotContains(t, rule, "expiration", "the current checkpoint must never expire")
	assert.Equal(t, map[string]any{"noncurrentDays": float64(pipeline.StateVersionDays)}, rule["noncurrentVersionExpiration"])

	for purpose, alias := range map[string]string{"state": "alias/omnirapeutic-pulumi-state", "secrets": "alias/omnirapeutic-pulumi-secrets"} {
		key := find(t, r, tKey, "state-"+purpose+"-key")
		assert.True(t, key.Protect, purpose)
		assert.Equal(t, true, key.Inputs["enableKeyRotation"], purpose)
		assert.Equal(t, 30.0, key.Inputs["deletionWindowInDays"], purpose)
		doc, err := policy.Parse(key.Str("policy"))
		require.NoError(t, err)
		assert.Equal(t, pipeline.KeyPolicy(naming.NewScope("omnirapeutic", "123456789012", "us-east-1")), doc, "only the account's IAM policies grant use of %s", purpose)
		assert.Equal(t, alias, find(t, r, tAlias, "state-"+purpose+"-alias").Str("name"))
	}
}

// TestGitHubRoles pins the OIDC provider and the roles' shape; who may
// assume them and what they may do are rules in pipeline_roles_test.go.
func TestGitHubRoles(t *testing.T) {
	r := bootstrap(t)
	oidc := find(t, r, tOidc, "github-oidc")
	assert.Equal(t, "https://token.actions.githubusercontent.com", oidc.Str("url"))
	assert.Equal(t, []any{"sts.amazonaws.com"}, oidc.Inputs["clientIdLists"])
	const provider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

	for _, role := range []string{"github-preview", "github-deploy"} {
		res := find(t, r, tRole, role+"-role")
		assert.Equal(t, "omnirapeutic-"+role, res.Str("name"))
		assert.Contains(t, res.Dependencies, oidc.URN, "a role trusting a provider that does not exist yet is rejected")
		trust, err := policy.Parse(res.Str("assumeRolePolicy"))
		require.NoError(t, err)
		require.Len(t, trust.Statement, 1, role)
		s := trust.Statement[0]
		assert.Equal(t, policy.Federated(provider), s.Principal, role)
		assert.Equal(t, []string{"sts:AssumeRoleWithWebIdentity"}, s.Action, role)
		assert.Equal(t, []string{"sts.amazonaws.com"}, s.Condition["StringEquals"]["token.actions.githubusercontent.com:aud"], role)
		require.NotNil(t, find(t, r, tPolicy, role+"-policy"), "%s has its own policy", role)
	}

	assert.Equal(t, "arn:aws:iam::aws:policy/ReadOnlyAccess",
		find(t, r, tAttachment, "github-preview-ReadOnlyAccess-attachment").Str("policyArn"))
	assert.Equal(t, "arn:aws:iam::aws:policy/AdministratorAccess",
		find(t, r, tAttachment, "github-deploy-AdministratorAccess-attachment").Str("policyArn"))
}

// TestBootstrapOutputs pins what the workflows and the README take from
// `pulumi stack output` of the bootstrap stack.
func TestBootstrapOutputs(t *testing.T) {
	assert.Equal(t, map[string]any{
		"backendUrl":      "s3://omnirapeutic-pulumi-state-123456789012?region=us-east-1",
		"secretsProvider": "awskms://alias/omnirapeutic-pulumi-secrets?region=us-east-1",
		"stateBucketName": "omnirapeutic-pulumi-state-123456789012",
		"previewRoleArn":  "arn:aws:iam::123456789012:role/omnirapeutic-github-preview",
		"deployRoleArn":   "arn:aws:iam::123456789012:role/omnirapeutic-github-deploy",
	}, bootstrap(t).Outputs)
}

// TestBootstrapBadConfig: a bad repository fails before anything is registered.
func TestBootstrapBadConfig(t *testing.T) {
	for _, tc := range []struct{ key, value, want string }{
		{"omnirapeutic-bootstrap:repository", "infrastructure", `omnirapeutic-bootstrap:repository: "infrastructure" is not a GitHub repository (owner/name)`},
		{"omnirapeutic-bootstrap:repository", "omnirapeutic/*", `omnirapeutic-bootstrap:repository: "omnirapeutic/*" is not a GitHub repository`},
		{"omnirapeutic-bootstrap:environment", "prod*", `omnirapeutic-bootstrap:environment: "prod*" is not an environment name`},
		{"omnirapeutic-bootstrap:apps", `{"api":{"repository":"omnirapeutic/api","repositoryOwnerId":"1000001","repositoryId":"2000002","deploys":{"production":"main*"}}}`,
			`omnirapeutic-bootstrap:apps.api.deploys.production: "main*" is not a branch name`},
		{"omnirapeutic-bootstrap:apps", `{"API":{"repository":"omnirapeutic","repositoryOwnerId":"1000001","repositoryId":"2000002","deploys":{}}}`,
			`omnirapeutic-bootstrap:apps: "API" is not a service name of the platform`},
		{"omnirapeutic-bootstrap:apps", `{"api":{"repository":"omnirapeutic","repositoryOwnerId":"1000001","repositoryId":"2000002","deploys":{}}}`,
			`omnirapeutic-bootstrap:apps.api: repository "omnirapeutic"`},
		{"omnirapeutic-bootstrap:apps", `{"api":{"repository":"omnirapeutic/api","repositoryOwnerId":"1000001","repositoryId":"api","deploys":{"production":"main"}}}`,
			`repositoryId "api": pipeline.Repository: ID: "api" is not a numeric ID`},
		{"omnirapeutic-bootstrap:apps", `{"api":{"repository":"omnirapeutic/api","repositoryOwnerId":"1000001","repositoryId":"2000002","deploys":{}}}`,
			`omnirapeutic-bootstrap:apps.api.deploys: empty`},
		{"omnirapeutic-bootstrap:apps", `{"api":{"repository":"omnirapeutic/api","repositoryOwnerId":"1000001","repositoryId":"2000002","branch":"main"}}`,
			`omnirapeutic-bootstrap:apps.api.branch: unknown key (value "main")`},
	} {
		t.Run(tc.value, func(t *testing.T) {
			r, err := synth.RunProgram(synth.Options{Dir: "../bootstrap", Overrides: map[string]string{tc.key: tc.value}}, deployBootstrap)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, r.Resources)
		})
	}
}

// bootstrapCopy copies the bootstrap project's Pulumi.yaml, edited by edit,
// and its production stack file into a temporary directory.
func bootstrapCopy(t *testing.T, edit func(project string) string, stackExtra string) string {
	t.Helper()
	dir := t.TempDir()
	project, err := os.ReadFile("../bootstrap/Pulumi.yaml")
	require.NoError(t, err)
	stack, err := os.ReadFile("../bootstrap/Pulumi.production.yaml")
	require.NoError(t, err)
	edited := edit(string(project))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(edited), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.production.yaml"), append(stack, stackExtra...), 0o644))
	return dir
}

// The bootstrap stack file sets only what differs from bootstrap/Pulumi.yaml's
// defaults, as the main project's stack files do; the check can fail.
func TestBootstrapStackFileSetsOnlyWhatDiffersFromTheDefaults(t *testing.T) {
	stacks, err := stackfile.Stacks("../bootstrap")
	require.NoError(t, err)
	require.Contains(t, stacks, "production")
	for _, stack := range stacks {
		repeated, err := stackfile.Repeated("../bootstrap", stack)
		require.NoError(t, err)
		assert.Emptyf(t, repeated, "bootstrap/Pulumi.%s.yaml sets these keys to their default in bootstrap/Pulumi.yaml: delete them from the stack file", stack)
	}
	dir := bootstrapCopy(t, func(p string) string { return p }, "  omnirapeutic-bootstrap:branch: main\n")
	repeated, err := stackfile.Repeated(dir, "production")
	require.NoError(t, err)
	assert.Equal(t, []string{"branch"}, repeated)
}

// bootstrap/Pulumi.yaml is the one source of the branch and environment
// defaults: the program follows a changed default, and without one (and no
// value in the stack file) the stack is refused naming the key, offline as
// by the CLI; DecodeSettings itself, handed config without the defaults,
// names each missing key instead of supplying a value of its own.
func TestBootstrapDefaultsComeFromPulumiYaml(t *testing.T) {
	r, err := synth.RunProgram(synth.Options{Dir: bootstrapCopy(t, func(p string) string {
		return strings.Replace(p, "default: main", "default: release", 1)
	}, "")}, deployBootstrap)
	require.NoError(t, err)
	trust, err := policy.Parse(find(t, r, tRole, "github-preview-role").Str("assumeRolePolicy"))
	require.NoError(t, err)
	assert.Contains(t, trust.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"],
		"repo:omnirapeutic/infrastructure:ref:refs/heads/release", "the branch comes from Pulumi.yaml's default")

	for key, def := range map[string]string{"branch": "main", "environment": "production", "stagingEnvironment": "staging", "existingOidcProvider": "false"} {
		t.Run(key, func(t *testing.T) {
			line := "    default: " + def + "\n"
			r, err := synth.RunProgram(synth.Options{Dir: bootstrapCopy(t, func(p string) string {
				require.Contains(t, p, line)
				return strings.Replace(p, line, "", 1)
			}, "")}, deployBootstrap)
			require.EqualError(t, err, `stack "production" is missing configuration value '`+key+`': `+
				`Pulumi.yaml declares it without a default, so every stack sets its own in Pulumi.production.yaml`)
			assert.Nil(t, r)
		})
	}

	set, err := stackfile.Set("../bootstrap", "production")
	require.NoError(t, err)
	_, err = pipeline.DecodeSettings("omnirapeutic-bootstrap", func(key string) (string, bool) {
		v, ok := set[key].(string)
		return v, ok
	})
	require.Error(t, err)
	assert.Equal(t, "config omnirapeutic-bootstrap:branch is required\nconfig omnirapeutic-bootstrap:environment is required\n"+
		"config omnirapeutic-bootstrap:stagingEnvironment is required\nconfig omnirapeutic-bootstrap:existingOidcProvider is required\n"+
		"config omnirapeutic-bootstrap:apps is required", err.Error())
}
