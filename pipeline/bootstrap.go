package pipeline

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"

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
	// Repository is the GitHub repository, "owner/name" (repository).
	Repository string
	// Branch is the branch that deploys (branch).
	Branch string
	// Environment is the GitHub environment that deploys (environment).
	Environment string
	// Apps are the application repositories that ship a service of the
	// platform themselves, by service name (apps).
	Apps map[string]App
}

// repositoryPattern is GitHub's owner/name: owners are alphanumeric with
// single hyphens, names also allow dots and underscores.
var repositoryPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$`)

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
	var errs []error
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"aws:region", &s.Region},
		{project + ":repository", &s.Repository},
		{project + ":branch", &s.Branch},
		{project + ":environment", &s.Environment},
	} {
		v, ok := lookup(f.key)
		if !ok || v == "" {
			errs = append(errs, fmt.Errorf("config %s is required", f.key))
			continue
		}
		*f.dst = v
	}
	if s.Repository != "" && !repositoryPattern.MatchString(s.Repository) {
		errs = append(errs, fmt.Errorf("config %s:repository: %q is not a GitHub repository (owner/name)", project, s.Repository))
	}
	if s.Branch != "" && !namePattern.MatchString(s.Branch) {
		errs = append(errs, fmt.Errorf("config %s:branch: %q is not a branch name", project, s.Branch))
	}
	if s.Environment != "" && !namePattern.MatchString(s.Environment) {
		errs = append(errs, fmt.Errorf("config %s:environment: %q is not an environment name", project, s.Environment))
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
		Scope:       scope,
		Repository:  settings.Repository,
		Branch:      settings.Branch,
		Environment: settings.Environment,
		Backend:     b.Backend,
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
				Repository: app.Repository,
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
