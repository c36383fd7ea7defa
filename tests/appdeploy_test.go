package tests

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/pipeline"
	"github.com/omnirapeutic/infrastructure/policy"
)

// testApps are the applications docs/app-team.md's example adds to the
// bootstrap stack file: api ships to production from main and to staging
// from develop; web to production only.
const testApps = `{"api":{"repository":"omnirapeutic/api","repositoryOwnerId":"1000001","repositoryId":"2000002","deploys":{"production":"main","staging":"develop"}},` +
	`"web":{"repository":"omnirapeutic/web-app","repositoryOwnerId":"1000001","repositoryId":"2000003","deploys":{"production":"main"}}}`

var (
	bootstrapAppsOnce   sync.Once
	bootstrapAppsResult *synth.Result
	bootstrapAppsErr    error
)

// bootstrapWithApps is the bootstrap program with testApps, run once.
func bootstrapWithApps(t *testing.T) *synth.Result {
	t.Helper()
	bootstrapAppsOnce.Do(func() {
		bootstrapAppsResult, bootstrapAppsErr = synth.RunProgram(synth.Options{Dir: "../bootstrap",
			Overrides: map[string]string{"omnirapeutic-bootstrap:apps": testApps}}, deployBootstrap)
	})
	require.NoError(t, bootstrapAppsErr)
	return bootstrapAppsResult
}

// appPolicy is the policy of an application's deploy role as registered.
func appPolicy(t *testing.T, r *synth.Result, stack, service string) policy.Document {
	t.Helper()
	doc, err := policy.Parse(find(t, r, tPolicy, "app-"+stack+"-"+service+"-policy").Str("policy"))
	require.NoError(t, err)
	return doc
}

// TestAppDeployRoleTrustsOnlyItsRepositoryAndBranch: one role per
// application and stack, named for both, that only a workflow of that
// repository on that branch can assume (a pull request cannot, another
// branch cannot, another repository cannot), through GitHub's OIDC provider.
func TestAppDeployRoleTrustsOnlyItsRepositoryAndBranch(t *testing.T) {
	r := bootstrapWithApps(t)
	oidc := find(t, r, tOidc, "github-oidc")
	provider := oidc.Computed["arn"].(string)
	bootstrapScope := naming.NewScope("omnirapeutic", account, r.Config.Values["aws:region"])
	for _, tc := range []struct{ stack, service, subject, immutable string }{
		{"production", "api", "repo:omnirapeutic/api:ref:refs/heads/main", "repo:omnirapeutic@1000001/api@2000002:ref:refs/heads/main"},
		{"staging", "api", "repo:omnirapeutic/api:ref:refs/heads/develop", "repo:omnirapeutic@1000001/api@2000002:ref:refs/heads/develop"},
		{"production", "web", "repo:omnirapeutic/web-app:ref:refs/heads/main", "repo:omnirapeutic@1000001/web-app@2000003:ref:refs/heads/main"},
	} {
		name, subject := "app-"+tc.stack+"-"+tc.service, tc.subject
		role := find(t, r, tRole, name+"-role")
		assert.Equal(t, pipeline.AppRoleName(bootstrapScope, tc.stack, tc.service), role.Str("name"))
		assert.Equal(t, "omnirapeutic-"+name, role.Str("name"))
		assert.Contains(t, role.Dependencies, oidc.URN, "a role trusting a provider that does not exist yet is rejected")
		trust, err := policy.Parse(role.Str("assumeRolePolicy"))
		require.NoError(t, err)
		assert.Equal(t, pipeline.Trust(provider, []string{subject, tc.immutable}), trust, "%s trusts both of GitHub's subject formats of its branch, and nothing else", name)
		assert.Equal(t, []string{policyArn(t, r, name+"-policy", role.Str("name")+"-")}, attachedPolicies(r, role.Str("name")), "its own policy and no managed one")
		for _, other := range []string{
			"repo:omnirapeutic/api:pull_request", "repo:omnirapeutic/api:ref:refs/heads/feature", "repo:omnirapeutic/api:environment:production",
			"repo:omnirapeutic/infrastructure:ref:refs/heads/main", "repo:someone/api:ref:refs/heads/main",
		} {
			if other != subject {
				assert.NotContains(t, trust.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"], other, name)
			}
		}
	}
	assert.Nil(t, r.Find(tRole, "app-staging-web-role"), "web ships to production only")
}

// TestAppDeployRoleCanShipItsServiceAndNothingElse evaluates the registered
// policy of production's api role against what its pipeline does and what
// it must never do.
func TestAppDeployRoleCanShipItsServiceAndNothingElse(t *testing.T) {
	doc := appPolicy(t, bootstrapWithApps(t), "production", "api")
	prod := naming.NewScope("omnirapeutic-production", account, "us-east-1")
	stg := naming.NewScope("omnirapeutic-staging", account, "us-east-1")
	repo := func(s naming.Scope, svc string) string {
		return s.ARN("ecr", "repository/"+compute.RepositoryName(s, svc))
	}
	td := func(s naming.Scope, svc string) string {
		return s.ARN("ecs", "task-definition/"+compute.TaskFamily(s, svc)+":42")
	}
	service := func(s naming.Scope, svc string) string {
		return s.ARN("ecs", "service/"+compute.ClusterName(s)+"/"+compute.ServiceName(s, svc))
	}
	role := func(name string) string { return prod.ARN("iam", "role/"+name) }
	toEcs := map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"}
	inCluster := map[string]string{"ecs:cluster": prod.ARN("ecs", "cluster/"+compute.ClusterName(prod))}

	for what, r := range map[string]request{
		"log in to ECR":                      {"ecr:GetAuthorizationToken", "*", nil},
		"push a layer":                       {"ecr:UploadLayerPart", repo(prod, "api"), nil},
		"push the manifest":                  {"ecr:PutImage", repo(prod, "api"), nil},
		"check layers":                       {"ecr:BatchCheckLayerAvailability", repo(prod, "api"), nil},
		"check whether a manifest exists":    {"ecr:BatchGetImage", repo(prod, "api"), nil},
		"read the running task definition":   {"ecs:DescribeTaskDefinition", "*", nil},
		"register a revision of its family":  {"ecs:RegisterTaskDefinition", td(prod, "api"), nil},
		"pass its task role to ECS":          {"iam:PassRole", role(compute.TaskRoleName(prod, "api")), toEcs},
		"pass its execution role to ECS":     {"iam:PassRole", role(compute.ExecutionRoleName(prod, "api")), toEcs},
		"pass its migration role to ECS":     {"iam:PassRole", role(compute.MigrationRoleName(prod, "api")), toEcs},
		"update its service":                 {"ecs:UpdateService", service(prod, "api"), nil},
		"read its deployment status":         {"ecs:DescribeServices", service(prod, "api"), inCluster},
		"run a migration of its family":      {"ecs:RunTask", td(prod, "api"), inCluster},
		"watch the migration task":           {"ecs:DescribeTasks", prod.ARN("ecs", "task/"+compute.ClusterName(prod)+"/0123abcd"), inCluster},
		"keep its tasks without a public IP": {"ecs:UpdateService", service(prod, "api"), map[string]string{"ecs:auto-assign-public-ip": "false"}},
	} {
		assert.Truef(t, allows(doc, r), "the api role can %s", what)
	}
	for what, r := range map[string]request{
		"push to web's repository":                      {"ecr:PutImage", repo(prod, "web"), nil},
		"push to staging's repository":                  {"ecr:PutImage", repo(stg, "api"), nil},
		"delete images":                                 {"ecr:BatchDeleteImage", repo(prod, "api"), nil},
		"change its repository's policy":                {"ecr:SetRepositoryPolicy", repo(prod, "api"), nil},
		"pull images":                                   {"ecr:BatchGetImage", repo(prod, "web"), nil},
		"register web's family":                         {"ecs:RegisterTaskDefinition", td(prod, "web"), nil},
		"register staging's family":                     {"ecs:RegisterTaskDefinition", td(stg, "api"), nil},
		"pass web's task role":                          {"iam:PassRole", role(compute.TaskRoleName(prod, "web")), toEcs},
		"pass its task role to Lambda":                  {"iam:PassRole", role(compute.TaskRoleName(prod, "api")), map[string]string{"iam:PassedToService": "lambda.amazonaws.com"}},
		"pass the platform's deploy role":               {"iam:PassRole", prod.ARN("iam", "role/omnirapeutic-github-deploy"), toEcs},
		"update web's service":                          {"ecs:UpdateService", service(prod, "web"), nil},
		"update staging's service":                      {"ecs:UpdateService", service(stg, "api"), nil},
		"give its tasks a public IP":                    {"ecs:UpdateService", service(prod, "api"), map[string]string{"ecs:auto-assign-public-ip": "true"}},
		"create a service":                              {"ecs:CreateService", service(prod, "api"), inCluster},
		"delete its service":                            {"ecs:DeleteService", service(prod, "api"), inCluster},
		"run its family in another cluster":             {"ecs:RunTask", td(prod, "api"), map[string]string{"ecs:cluster": stg.ARN("ecs", "cluster/"+compute.ClusterName(stg))}},
		"run web's family":                              {"ecs:RunTask", td(prod, "web"), inCluster},
		"exec into a task":                              {"ecs:ExecuteCommand", prod.ARN("ecs", "task/"+compute.ClusterName(prod)+"/0123abcd"), inCluster},
		"stop tasks":                                    {"ecs:StopTask", prod.ARN("ecs", "task/"+compute.ClusterName(prod)+"/0123abcd"), inCluster},
		"create a role":                                 {"iam:CreateRole", prod.ARN("iam", "role/anything"), nil},
		"change its own policy":                         {"iam:CreatePolicyVersion", prod.ARN("iam", "policy/omnirapeutic-app-production-api-x"), nil},
		"read a secret":                                 {"secretsmanager:GetSecretValue", prod.ARN("secretsmanager", "secret:omnirapeutic-production/api-keys-abcdef"), nil},
		"decrypt with a key":                            {"kms:Decrypt", prod.ARN("kms", "key/1234"), nil},
		"read the Pulumi state":                         {"s3:GetObject", "arn:aws:s3:::omnirapeutic-pulumi-state-" + account + "/.pulumi/stacks/production.json", nil},
		"connect to the database":                       {"rds-db:connect", prod.ARN("rds-db", "dbuser:cluster-X/app_api"), nil},
		"assume another role":                           {"sts:AssumeRole", prod.ARN("iam", "role/omnirapeutic-github-deploy"), nil},
		"change the service's autoscaling":              {"application-autoscaling:RegisterScalableTarget", "*", nil},
		"read logs":                                     {"logs:GetLogEvents", prod.ARN("logs", "log-group:/ecs/omnirapeutic-production/api:*"), nil},
		"change the load balancer":                      {"elasticloadbalancing:ModifyListener", "*", nil},
		"deregister revisions (they stay for rollback)": {"ecs:DeregisterTaskDefinition", "*", nil},
	} {
		assert.Falsef(t, allows(doc, r), "the api role must not %s", what)
	}

	// Nothing else: these actions only, each on its own resources but the
	// two that have no resource-level permissions.
	granted := map[string]bool{}
	for _, st := range doc.Statement {
		assert.Equal(t, "Allow", st.Effect)
		for _, a := range st.Action {
			granted[a] = true
			if a != "ecr:GetAuthorizationToken" && a != "ecs:DescribeTaskDefinition" {
				assert.NotContains(t, st.Resource, "*", "%s on everything", a)
			}
		}
	}
	assert.ElementsMatch(t, []string{
		"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
		"ecr:BatchGetImage",
		"ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "iam:PassRole", "ecs:UpdateService", "ecs:DescribeServices", "ecs:RunTask", "ecs:DescribeTasks",
	}, keys(granted))
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestAppDeployRoleNamesWhatThePlatformCreates: every ARN the api role is
// granted is the ARN of what the platform stack registers for api (its
// repository, task family, roles, service, cluster), so the bootstrap and
// the platform cannot drift apart.
func TestAppDeployRoleNamesWhatThePlatformCreates(t *testing.T) {
	platform := allServicesOn(t)
	computed := func(typ, name string) string { return find(t, platform, typ, name).Computed["arn"].(string) }
	cluster := computed(tEcsCluster, "ecs")
	doc := appPolicy(t, bootstrapWithApps(t), platform.Config.Stack, "api")
	resources := map[string][]string{}
	for _, st := range doc.Statement {
		resources[st.Sid] = st.Resource
	}
	assert.Equal(t, []string{computed(tRepo, "ecr-api")}, resources["PushOwnImages"])
	family := find(t, platform, tTaskDef, "ecs-api-task").Str("family")
	assert.Equal(t, []string{platform.Stack.Scope.ARN("ecs", "task-definition/"+family+":*")}, resources["RegisterOwnFamily"])
	assert.Equal(t, []string{computed(tRole, "ecs-api-task-role"), computed(tRole, "ecs-api-execution-role"), computed(tRole, "ecs-api-migrate-role")}, resources["PassOwnRolesToEcsTasks"])
	assert.Equal(t, []string{computed(tService, "ecs-api")}, resources["DeployOwnService"])
	assert.Equal(t, []string{computed(tService, "ecs-api")}, resources["ReadOwnDeployments"])
	for _, sid := range []string{"RunOwnTasks", "WatchTasksInTheCluster"} {
		for _, st := range doc.Statement {
			if st.Sid == sid {
				assert.Equal(t, []string{cluster}, st.Condition["ArnEquals"]["ecs:cluster"], sid)
			}
		}
	}
	// The task definition the service runs names exactly the roles the app may pass.
	td := find(t, platform, tTaskDef, "ecs-api-task")
	assert.Contains(t, resources["PassOwnRolesToEcsTasks"], td.Str("taskRoleArn"))
	assert.Contains(t, resources["PassOwnRolesToEcsTasks"], td.Str("executionRoleArn"))
}
