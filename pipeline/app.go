package pipeline

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// App is one application repository that ships one service of the platform
// (omnirapeutic-bootstrap:apps, keyed by the service's name): its own
// pipeline pushes images, registers task definitions and deploys, without
// the platform team and without Pulumi.
type App struct {
	// Repository is the application's GitHub repository, owner/name.
	Repository string `json:"repository"`
	// RepositoryOwnerID and RepositoryID are the numeric IDs GitHub's
	// immutable OIDC subjects carry (`gh api repos/OWNER/NAME --jq '.owner.id, .id'`).
	RepositoryOwnerID string `json:"repositoryOwnerId"`
	RepositoryID      string `json:"repositoryId"`
	// Deploys maps each platform stack the application deploys to
	// (production) to the branch whose pushes deploy it (main): one role
	// per stack, each trusting only that branch.
	Deploys map[string]string `json:"deploys"`
}

// GitHub is the application's repository as OIDC subjects name it.
func (a App) GitHub() Repository {
	owner, name, _ := strings.Cut(a.Repository, "/")
	return Repository{Owner: owner, Name: name, OwnerID: a.RepositoryOwnerID, ID: a.RepositoryID}
}

var (
	// serviceNamePattern is a service's name, as the platform's config
	// allows it (stackconfig: 1 to 8 lowercase letters, digits or hyphens).
	serviceNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,7}$`)
	// stackNamePattern is a platform stack's name (production, staging).
	stackNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
)

// validateApps reports every bad application entry, naming the key path,
// the value and what it must be.
func validateApps(key string, apps map[string]App) []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(apps)) {
		app, at := apps[name], key+"."+name
		if !serviceNamePattern.MatchString(name) {
			errs = append(errs, fmt.Errorf("config %s: %q is not a service name of the platform (1 to 8 lowercase letters, digits or hyphens)", key, name))
		}
		if err := app.GitHub().Validate(); err != nil {
			errs = append(errs, fmt.Errorf("config %s: repository %q, repositoryOwnerId %q, repositoryId %q: %w (the IDs: gh api repos/OWNER/NAME --jq '.owner.id, .id')",
				at, app.Repository, app.RepositoryOwnerID, app.RepositoryID, err))
		}
		if len(app.Deploys) == 0 {
			errs = append(errs, fmt.Errorf("config %s.deploys: empty; map each stack the application deploys to to the branch that deploys it (production: main)", at))
		}
		for _, stack := range slices.Sorted(maps.Keys(app.Deploys)) {
			if !stackNamePattern.MatchString(stack) {
				errs = append(errs, fmt.Errorf("config %s.deploys: %q is not a stack name", at, stack))
			}
			if branch := app.Deploys[stack]; !namePattern.MatchString(branch) {
				errs = append(errs, fmt.Errorf("config %s.deploys.%s: %q is not a branch name", at, stack, branch))
			}
		}
	}
	return errs
}

// AppDeployArgs configures an AppDeploy.
type AppDeployArgs struct {
	// Scope is the bootstrap's naming (the project's prefix, the account,
	// the region): it names the role, <prefix>-app-<stack>-<service>, and
	// its account holds the OIDC provider. Required.
	Scope naming.Scope
	// Service is the platform service the application ships ("api"). Required.
	Service string
	// Stack is the platform stack it deploys to ("production"). Required.
	Stack string
	// Repository is the application's GitHub repository, with its owner's
	// and its own numeric IDs. Required.
	Repository Repository
	// Branch is the branch whose workflows may deploy. Required.
	Branch string
	// GitHub is the OIDC provider the role trusts. Required.
	GitHub *GitHubAccess
}

// validate reports every missing or invalid field at once.
func (a AppDeployArgs) validate() error {
	c := fields.For("pipeline.AppDeployArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Service", a.Service)
	c.Require("Stack", a.Stack)
	c.RequireValid("Repository", a.Repository, a.Repository.Validate())
	c.Require("Branch", a.Branch)
	c.Require("GitHub", a.GitHub)
	return c.Err()
}

// AppDeploy is one application's deploy role for one stack.
type AppDeploy struct {
	pulumi.ResourceState

	// RoleArn is what the application's workflow assumes
	// (aws-actions/configure-aws-credentials role-to-assume).
	RoleArn pulumi.StringOutput
}

// AppRoleName is the deploy role of a service in a stack:
// <prefix>-app-<stack>-<service>.
func AppRoleName(scope naming.Scope, stack, service string) string {
	return scope.Name("app", stack, service)
}

// PlatformScope is how the platform stack names its resources: the
// bootstrap's account and region, that stack's prefix.
func PlatformScope(bootstrap naming.Scope, stack string) naming.Scope {
	return naming.NewScope(stackconfig.NamePrefix(stackconfig.Project, stack), bootstrap.Account, bootstrap.Region)
}

// NewAppDeploy creates the role an application's workflow on its branch
// assumes through GitHub's OIDC provider to ship its service.
func NewAppDeploy(ctx *pulumi.Context, name string, args *AppDeployArgs, opts ...pulumi.ResourceOption) (*AppDeploy, error) {
	if args == nil {
		args = &AppDeployArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	a := &AppDeploy{}
	if err := ctx.RegisterComponentResource("omnirapeutic:pipeline:AppDeploy", name, a, opts...); err != nil {
		return nil, err
	}
	platform := PlatformScope(args.Scope, args.Stack)
	roleOpts := []pulumi.ResourceOption{pulumi.Parent(a)}
	if args.GitHub.Provider != nil {
		roleOpts = append(roleOpts, pulumi.DependsOn([]pulumi.Resource{args.GitHub.Provider}))
	}
	role, err := access.NewRole(ctx, name, &access.RoleArgs{
		Name:              AppRoleName(args.Scope, args.Stack, args.Service),
		Description:       fmt.Sprintf("Ship %s to %s from %s's %s branch: push, register, deploy", args.Service, args.Stack, args.Repository.FullName(), args.Branch),
		Trust:             Trust(args.GitHub.ProviderArn, args.Repository.Subjects(BranchContext(args.Branch))),
		Policy:            pulumi.String(AppDeployPolicy(platform, args.Service).JSON()),
		PolicyDescription: fmt.Sprintf("Push to %s's repository, register its task definitions, deploy and watch its service", args.Service),
	}, roleOpts...)
	if err != nil {
		return nil, err
	}
	a.RoleArn = role.Arn
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{"roleArn": a.RoleArn}); err != nil {
		return nil, err
	}
	return a, nil
}

// AppDeployPolicy is what an application's pipeline may do to ship one
// service of a platform stack (scope is that stack's naming), and nothing
// else. Resource-level permissions and condition keys are the Service
// Authorization Reference's (Amazon ECS, Amazon ECR, IAM; as machine-read
// in iann0036/iam-dataset, aws/iam_definition.json):
//
//   - ecr:GetAuthorizationToken has no resource type: "*". The push actions
//     the ECR user guide lists ("IAM permissions for pushing an image to an
//     Amazon ECR private repository": BatchCheckLayerAvailability,
//     InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload, PutImage,
//     BatchGetImage) take repository*: the service's own. The repository's
//     KMS key needs no grant here: ECR uses the grants it made on the key
//     when the repository was created (ECR user guide, "Encryption at rest").
//   - ecs:DescribeTaskDefinition has no resource type: "*" (read-only; it
//     returns a definition's settings, never a secret's value).
//   - ecs:RegisterTaskDefinition takes task-definition*
//     (task-definition/FAMILY:REVISION), so the role registers revisions of
//     the service's family only; it depends on iam:PassRole for the task
//     and execution roles in the definition.
//   - iam:PassRole, conditioned on iam:PassedToService
//     ecs-tasks.amazonaws.com (IAM user guide, "Grant a user permissions to
//     pass a role to an AWS service"), for the service's task role, the shared
//     execution role and (services with database: true) the migration role:
//     no other role can reach a task this role starts.
//   - ecs:UpdateService and ecs:DescribeServices take service*
//     (service/CLUSTER/SERVICE): the service's own. UpdateService is denied
//     a public IP (ecs:auto-assign-public-ip, a Bool key, checked when the
//     request sets it).
//   - ecs:RunTask takes task-definition* with ecs:cluster (the cluster's
//     ARN): the service's family in the stack's cluster, for one-off tasks
//     such as schema migrations; ecs:DescribeTasks takes task* in the
//     cluster, to wait for one to stop and read its exit code.
func AppDeployPolicy(scope naming.Scope, service string) policy.Document {
	repo := scope.ARN("ecr", "repository/"+compute.RepositoryName(scope, service))
	family := scope.ARN("ecs", "task-definition/"+compute.TaskFamily(scope, service)+":*")
	cluster := compute.ClusterName(scope)
	clusterArn := scope.ARN("ecs", "cluster/"+cluster)
	svc := scope.ARN("ecs", "service/"+cluster+"/"+compute.ServiceName(scope, service))
	roles := []string{
		scope.ARN("iam", "role/"+compute.TaskRoleName(scope, service)),
		scope.ARN("iam", "role/"+compute.ExecutionRoleName(scope, service)),
		scope.ARN("iam", "role/"+compute.MigrationRoleName(scope, service)),
	}
	return policy.New(
		policy.Allow("EcrLogin", []string{"ecr:GetAuthorizationToken"}, []string{"*"}),
		policy.Allow("PushOwnImages", []string{
			"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
			"ecr:BatchGetImage",
		}, []string{repo}),
		policy.Allow("ReadTaskDefinitions", []string{"ecs:DescribeTaskDefinition"}, []string{"*"}),
		policy.Allow("RegisterOwnFamily", []string{"ecs:RegisterTaskDefinition"}, []string{family}),
		policy.Statement{
			Sid: "PassOwnRolesToEcsTasks", Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: roles,
			Condition: policy.Conditions{"StringEquals": {"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}},
		},
		policy.Statement{
			Sid: "DeployOwnService", Effect: "Allow", Action: []string{"ecs:UpdateService"}, Resource: []string{svc},
			Condition: policy.Conditions{"BoolIfExists": {"ecs:auto-assign-public-ip": {"false"}}},
		},
		policy.Allow("ReadOwnDeployments", []string{"ecs:DescribeServices"}, []string{svc}),
		policy.Statement{
			Sid: "RunOwnTasks", Effect: "Allow", Action: []string{"ecs:RunTask"}, Resource: []string{family},
			Condition: policy.Conditions{"ArnEquals": {"ecs:cluster": {clusterArn}}},
		},
		policy.Statement{
			Sid: "WatchTasksInTheCluster", Effect: "Allow", Action: []string{"ecs:DescribeTasks"}, Resource: []string{scope.ARN("ecs", "task/"+cluster+"/*")},
			Condition: policy.Conditions{"ArnEquals": {"ecs:cluster": {clusterArn}}},
		},
	)
}

// decodeApps reads omnirapeutic-bootstrap:apps, strictly: a misspelt field
// is an error at its key path, like the platform's own keys.
func decodeApps(key string, raw string, ok bool) (map[string]App, []error) {
	apps := map[string]App{}
	if !ok || raw == "" {
		return apps, nil
	}
	if errs := stackconfig.DecodeStrict(key, raw, &apps); len(errs) > 0 {
		return nil, errs
	}
	return apps, validateApps(key, apps)
}
