package pipeline

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// Settings are the bootstrap stack's configuration. bootstrap/Pulumi.yaml
// declares each key, and is the one source of its default: the Pulumi CLI
// (and internal/stackfile, offline) fills the default in for a key the stack
// file leaves out, so every key arrives set.
type Settings struct {
	// Region is aws:region, where the state bucket and keys live.
	Region string
	// Repository is the GitHub repository, with its numeric IDs
	// (repository, repositoryOwnerId, repositoryId).
	Repository Repository
	// Branch is the branch that previews production, checks for drift and
	// backs up the state (branch).
	Branch string
	// Environment is the GitHub environment that deploys production (environment).
	Environment string
	// StagingEnvironment is the GitHub environment that deploys staging
	// (stagingEnvironment).
	StagingEnvironment string
	// ExistingOidcProvider says the account already has GitHub's OIDC
	// provider, which the roles then trust without owning it
	// (existingOidcProvider).
	ExistingOidcProvider bool
	// Apps are the application repositories that ship a service of the
	// platform themselves, by service name (apps).
	Apps map[string]App
}

// namePattern is what a branch or environment name may be here: anything
// that cannot widen the trust policy's exact subject match.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// DecodeSettings reads and validates the configuration; the error names
// every missing or bad key and its value. It has no defaults of its own:
// a key bootstrap/Pulumi.yaml defaults arrives with that default, and one
// that arrives unset (its default deleted, or a lookup that skips the
// project's defaults) is reported by name rather than silently replaced.
func DecodeSettings(project string, lookup stackconfig.Lookup) (*Settings, error) {
	s := &Settings{}
	var repository string
	var errs []error
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"aws:region", &s.Region},
		{project + ":repository", &repository},
		{project + ":repositoryOwnerId", &s.Repository.OwnerID},
		{project + ":repositoryId", &s.Repository.ID},
		{project + ":branch", &s.Branch},
		{project + ":environment", &s.Environment},
		{project + ":stagingEnvironment", &s.StagingEnvironment},
	} {
		v, ok := lookup(f.key)
		if !ok || v == "" {
			errs = append(errs, fmt.Errorf("config %s is required", f.key))
			continue
		}
		*f.dst = v
	}
	if repository != "" {
		owner, name, ok := strings.Cut(repository, "/")
		if !ok || !ownerPattern.MatchString(owner) || !repositoryNamePattern.MatchString(name) {
			errs = append(errs, fmt.Errorf("config %s:repository: %q is not a GitHub repository (owner/name)", project, repository))
		}
		s.Repository.Owner, s.Repository.Name = owner, name
	}
	for _, f := range []struct{ key, value, what string }{
		{"repositoryOwnerId", s.Repository.OwnerID, ""},
		{"repositoryId", s.Repository.ID, ""},
		{"branch", s.Branch, "a branch name"},
		{"environment", s.Environment, "an environment name"},
		{"stagingEnvironment", s.StagingEnvironment, "an environment name"},
	} {
		switch {
		case f.value == "":
		case f.what == "" && !idPattern.MatchString(f.value):
			errs = append(errs, fmt.Errorf("config %s:%s: %q is not a numeric ID: take it from `gh api repos/%s --jq '.owner.id, .id'`", project, f.key, f.value, repository))
		case f.what != "" && !namePattern.MatchString(f.value):
			errs = append(errs, fmt.Errorf("config %s:%s: %q is not %s", project, f.key, f.value, f.what))
		}
	}
	// The CLI hands a boolean to the program as "true" or "false"; a stack
	// file rewritten by `pulumi config set` may quote it.
	existing, ok := lookup(project + ":existingOidcProvider")
	switch {
	case !ok || existing == "":
		errs = append(errs, fmt.Errorf("config %s:existingOidcProvider is required", project))
	case existing == "true":
		s.ExistingOidcProvider = true
	case existing == "false":
	default:
		errs = append(errs, fmt.Errorf("config %s:existingOidcProvider: %q is not true or false: true when the account already has GitHub's OIDC provider (preflight checks), false to create it", project, existing))
	}
	if s.Environment != "" && s.Environment == s.StagingEnvironment {
		errs = append(errs, fmt.Errorf("config %s:stagingEnvironment: %q is also the production environment: staging deploys without production's reviewers, so it needs its own", project, s.StagingEnvironment))
	}
	raw, ok := lookup(project + ":apps")
	if !ok {
		errs = append(errs, fmt.Errorf("config %s:apps is required", project))
	}
	apps, appErrs := decodeApps(project+":apps", raw, ok)
	s.Apps = apps
	errs = append(errs, appErrs...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// Bootstrap is what Deploy built.
type Bootstrap struct {
	// Settings is the validated configuration.
	Settings *Settings
	// Backend is the state bucket and keys.
	Backend *StateBackend
	// GitHub is the OIDC provider and the workflows' roles.
	GitHub *GitHubAccess
	// Apps are the applications' deploy roles, by role name.
	Apps map[string]*AppDeploy
	// Outputs are the stack outputs the workflows and docs/platform-engineer.md use.
	Outputs pulumi.Map
}

// Run is the bootstrap program; bootstrap/main.go hands it to pulumi.Run.
func Run(ctx *pulumi.Context) error {
	_, err := Deploy(ctx)
	return err
}

// Deploy creates the backend and GitHub's access for the production
// stack's project, and exports what the workflows need.
func Deploy(ctx *pulumi.Context) (*Bootstrap, error) {
	settings, err := DecodeSettings(ctx.Project(), ctx.GetConfig)
	if err != nil {
		return nil, fmt.Errorf("invalid stack configuration:\n%w", err)
	}
	identity, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read caller identity: %w", err)
	}
	// One scope for both components: the project's name (the backend and
	// the workflows' roles serve every stack of it), this account, this region.
	scope := naming.NewScope(stackconfig.Project, identity.AccountId, settings.Region)
	b := &Bootstrap{Settings: settings}
	if b.Backend, err = NewStateBackend(ctx, "state", &StateBackendArgs{
		Scope: scope,
	}); err != nil {
		return nil, fmt.Errorf("state backend: %w", err)
	}
	if b.GitHub, err = NewGitHubAccess(ctx, "github", &GitHubAccessArgs{
		Scope:              scope,
		Repository:         settings.Repository,
		Branch:             settings.Branch,
		Environment:        settings.Environment,
		StagingEnvironment: settings.StagingEnvironment,
		ExistingProvider:   settings.ExistingOidcProvider,
		Backend:            b.Backend,
	}); err != nil {
		return nil, fmt.Errorf("GitHub access: %w", err)
	}
	b.Apps = map[string]*AppDeploy{}
	for _, service := range slices.Sorted(maps.Keys(settings.Apps)) {
		app := settings.Apps[service]
		for _, stack := range slices.Sorted(maps.Keys(app.Deploys)) {
			role := AppRoleName(scope, stack, service)
			if b.Apps[role], err = NewAppDeploy(ctx, "app-"+stack+"-"+service, &AppDeployArgs{
				Scope:      scope,
				Service:    service,
				Stack:      stack,
				Repository: app.GitHub(),
				Branch:     app.Deploys[stack],
				GitHub:     b.GitHub,
			}); err != nil {
				return nil, fmt.Errorf("deploy role of %s in %s: %w", service, stack, err)
			}
		}
	}
	b.Outputs = pulumi.Map{
		"backendUrl":      pulumi.String(b.Backend.BackendURL),
		"secretsProvider": pulumi.String(b.Backend.SecretsProvider),
		"stateBucketName": pulumi.String(b.Backend.BucketName),
		"previewRoleArn":  b.GitHub.PreviewRoleArn,
		"deployRoleArn":   b.GitHub.DeployRoleArn,
	}
	for k, v := range b.Outputs {
		ctx.Export(k, v)
	}
	return b, nil
}
