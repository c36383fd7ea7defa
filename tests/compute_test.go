package tests

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
)

const (
	tRepo          = "aws:ecr/repository:Repository"
	tRepoLifecycle = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	tRepoPolicy    = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	tEcsCluster    = "aws:ecs/cluster:Cluster"
	tProviders     = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
	tTaskDef       = "aws:ecs/taskDefinition:TaskDefinition"
	tService       = "aws:ecs/service:Service"
	tScaleTarget   = "aws:appautoscaling/target:Target"
	tScalePolicy   = "aws:appautoscaling/policy:Policy"
)

// allServicesOn is the second configuration: a certificate, and api, web and
// worker switched on with pushed images.
var allServicesOn = map[string]string{
	"omnirapeutic:edge": `{"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/0e3c1f5a-1111-2222-3333-444455556666",
		"defaultTargetGroup":"web","pathRoutes":[{"pathPattern":"/api/*","targetGroup":"api"}],"wafRateLimit":2000}`,
	"omnirapeutic:services": `{
		"nginx": {"image":"public.ecr.aws/nginx/nginx-unprivileged@sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0","internetEgress":true,"cpu":256,"memory":512,"desiredCount":2,"containerPort":8080,"healthCheckPath":"/","targetGroup":"web","enabled":false,"user":"101"},
		"api": {"imageTag":"v1.4.2","cpu":512,"memory":1024,"desiredCount":2,"containerPort":8080,"healthCheckPath":"/health","targetGroup":"api","enabled":true,"user":"1000","database":true,"secrets":["apiKeys"],"autoscaling":{"minCount":2,"maxCount":6,"cpuTargetPercent":60}},
		"web": {"imageTag":"v2.0.0","cpu":512,"memory":1024,"desiredCount":2,"containerPort":8080,"healthCheckPath":"/","targetGroup":"web","enabled":true,"user":"1000","autoscaling":{"minCount":2,"maxCount":6,"cpuTargetPercent":60}},
		"worker": {"imageTag":"v1.4.2","cpu":512,"memory":1024,"desiredCount":1,"containerPort":0,"enabled":true,"user":"1000","database":true}}`,
}

func TestEcrRepositories(t *testing.T) {
	r := production(t)
	require.Len(t, r.OfType(tRepo), 3)
	for _, name := range []string{"api", "web", "worker"} {
		repo := find(t, r, tRepo, "ecr-"+name)
		assert.Equal(t, "omnirapeutic-production/"+name, repo.Str("name"))
		assert.Equal(t, "IMMUTABLE", repo.Str("imageTagMutability"))
		assert.Equal(t, map[string]any{"scanOnPush": true}, repo.Inputs["imageScanningConfiguration"])
		assert.Equal(t, []any{map[string]any{"encryptionType": "KMS", "kmsKey": keyArn("secrets")}}, repo.Inputs["encryptionConfigurations"])
		assert.Equal(t, false, repo.Inputs["forceDelete"])

		var lifecycle struct {
			Rules []struct {
				RulePriority int `json:"rulePriority"`
				Selection    struct {
					TagStatus   string `json:"tagStatus"`
					CountType   string `json:"countType"`
					CountNumber int    `json:"countNumber"`
				} `json:"selection"`
			} `json:"rules"`
		}
		lp := find(t, r, tRepoLifecycle, "ecr-"+name+"-lifecycle")
		require.NoError(t, json.Unmarshal([]byte(lp.Str("policy")), &lifecycle))
		require.Len(t, lifecycle.Rules, 2)
		assert.Equal(t, "untagged", lifecycle.Rules[0].Selection.TagStatus)
		assert.Equal(t, "sinceImagePushed", lifecycle.Rules[0].Selection.CountType)
		assert.Equal(t, 7, lifecycle.Rules[0].Selection.CountNumber)
		assert.Equal(t, "imageCountMoreThan", lifecycle.Rules[1].Selection.CountType)
		assert.Equal(t, 50, lifecycle.Rules[1].Selection.CountNumber)
	}
	assert.Empty(t, r.OfType(tRepoPolicy), "no repository policy: nothing is shared, let alone public")
	assert.Equal(t, map[string]any{
		"api":    "123456789012.dkr.ecr.us-east-1.amazonaws.com/omnirapeutic-production/api",
		"web":    "123456789012.dkr.ecr.us-east-1.amazonaws.com/omnirapeutic-production/web",
		"worker": "123456789012.dkr.ecr.us-east-1.amazonaws.com/omnirapeutic-production/worker",
	}, r.Outputs["ecrRepositoryUrls"])
}

func TestEcsCluster(t *testing.T) {
	r := production(t)
	c := find(t, r, tEcsCluster, "ecs")
	assert.Equal(t, "omnirapeutic-production", c.Str("name"))
	assert.Equal(t, []any{map[string]any{"name": "containerInsights", "value": "enabled"}}, c.Inputs["settings"])
	exec := c.Inputs["configuration"].(map[string]any)["executeCommandConfiguration"].(map[string]any)
	assert.Equal(t, keyArn("logs"), exec["kmsKeyId"])
	assert.Equal(t, "OVERRIDE", exec["logging"])
	assert.Equal(t, map[string]any{"cloudWatchEncryptionEnabled": true, "cloudWatchLogGroupName": "/ecs/omnirapeutic-production/exec"}, exec["logConfiguration"])

	p := find(t, r, tProviders, "ecs-capacity-providers")
	assert.Equal(t, []any{"FARGATE", "FARGATE_SPOT"}, p.Inputs["capacityProviders"])
	assert.Equal(t, "omnirapeutic-production", r.Outputs["clusterName"])
}

func TestEveryDeclaredServiceHasItsLogGroupAndTaskRole(t *testing.T) {
	r := production(t)
	for _, svc := range []string{"nginx", "api", "web", "worker"} {
		g := find(t, r, tLogGroup, "ecs-"+svc+"-logs")
		assert.Equal(t, "/ecs/omnirapeutic-production/"+svc, g.Str("name"))
		assert.Equal(t, keyArn("logs"), g.Str("kmsKeyId"))
		assert.EqualValues(t, 365, g.Inputs["retentionInDays"])

		role := find(t, r, tRole, "ecs-"+svc+"-task-role")
		assert.Equal(t, "omnirapeutic-production-"+svc+"-task", role.Str("name"))
		trust, err := policy.Parse(role.Str("assumeRolePolicy"))
		require.NoError(t, err)
		assert.Equal(t, policy.Service("ecs-tasks.amazonaws.com"), trust.Statement[0].Principal)
		assert.Equal(t, []string{account}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
		// Task roles start with no permissions; a database user's may only
		// sign in as its own database user.
		var attached []string
		for _, a := range r.OfType(tAttachment) {
			if a.Str("role") == role.Str("name") {
				attached = append(attached, a.Str("policyArn"))
			}
		}
		if svc == "api" || svc == "worker" {
			assert.Equal(t, []string{policyArn(t, r, "ecs-"+svc+"-task-policy", "omnirapeutic-production-"+svc+"-task-")}, attached, svc)
		} else {
			assert.Empty(t, attached, "%s: task roles start with no permissions", svc)
		}
	}
}

func TestOnlyNginxRunsInProduction(t *testing.T) {
	r := production(t)
	services := r.OfType(tService)
	require.Len(t, services, 1)
	assert.Equal(t, "omnirapeutic-production-nginx", services[0].Str("name"))
	assert.Len(t, r.OfType(tTaskDef), 1)
	assert.Empty(t, r.OfType(tScaleTarget), "autoscaling belongs to api and web, which are off")
	assert.Equal(t, []any{"omnirapeutic-production-nginx"}, r.Outputs["serviceNames"])
}

type containerDef struct {
	Name                   string              `json:"name"`
	Image                  string              `json:"image"`
	User                   string              `json:"user"`
	ReadonlyRootFilesystem bool                `json:"readonlyRootFilesystem"`
	Privileged             bool                `json:"privileged"`
	PortMappings           []map[string]any    `json:"portMappings"`
	Environment            []map[string]string `json:"environment"`
	Secrets                []map[string]string `json:"secrets"`
	LogConfiguration       struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
	LinuxParameters struct {
		Capabilities struct {
			Add  []string `json:"add"`
			Drop []string `json:"drop"`
		} `json:"capabilities"`
	} `json:"linuxParameters"`
}

func container(t *testing.T, r *synth.Result, svc string) (*synth.Resource, containerDef) {
	t.Helper()
	td := find(t, r, tTaskDef, "ecs-"+svc+"-task")
	var defs []containerDef
	require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
	require.Len(t, defs, 1)
	return td, defs[0]
}

func assertTaskDefinition(t *testing.T, r *synth.Result, svc, image, cpu, memory, user string, port int) containerDef {
	t.Helper()
	td, c := container(t, r, svc)
	assert.Equal(t, "omnirapeutic-production-"+svc, td.Str("family"))
	assert.Equal(t, cpu, td.Str("cpu"))
	assert.Equal(t, memory, td.Str("memory"))
	assert.Equal(t, "awsvpc", td.Str("networkMode"))
	assert.Equal(t, []any{"FARGATE"}, td.Inputs["requiresCompatibilities"])
	assert.Equal(t, "arn:aws:iam::"+account+":role/omnirapeutic-production-"+svc+"-execution", td.Str("executionRoleArn"), "every service has its own execution role")
	assert.Equal(t, "arn:aws:iam::"+account+":role/omnirapeutic-production-"+svc+"-task", td.Str("taskRoleArn"))
	assert.NotEqual(t, td.Str("executionRoleArn"), td.Str("taskRoleArn"))
	assert.Equal(t, true, td.Inputs["skipDestroy"], "revisions stay registered for rollback")

	assert.Equal(t, image, c.Image)
	assert.Equal(t, user, c.User)
	assert.NotContains(t, []string{"", "0", "root"}, c.User)
	assert.True(t, c.ReadonlyRootFilesystem)
	assert.False(t, c.Privileged)
	assert.Equal(t, []string{"ALL"}, c.LinuxParameters.Capabilities.Drop, "every capability dropped")
	assert.Empty(t, c.LinuxParameters.Capabilities.Add)
	assert.Equal(t, "awslogs", c.LogConfiguration.LogDriver)
	assert.Equal(t, "/ecs/omnirapeutic-production/"+svc, c.LogConfiguration.Options["awslogs-group"])
	assert.Equal(t, "us-east-1", c.LogConfiguration.Options["awslogs-region"])
	if port > 0 {
		assert.Equal(t, []map[string]any{{"containerPort": float64(port), "protocol": "tcp"}}, c.PortMappings)
	} else {
		assert.Empty(t, c.PortMappings)
	}
	for _, e := range c.Environment {
		assert.NotContains(t, e["name"], "PASSWORD")
		assert.NotContains(t, e["name"], "SECRET")
	}
	return c
}

func assertService(t *testing.T, r *synth.Result, svc string, desired int, targetGroup string, port int) *synth.Resource {
	t.Helper()
	s := find(t, r, tService, "ecs-"+svc)
	assert.Equal(t, "omnirapeutic-production-"+svc, s.Str("name"))
	assert.Equal(t, "arn:aws:ecs:us-east-1:"+account+":cluster/omnirapeutic-production", s.Str("cluster"))
	assert.Equal(t, "omnirapeutic-production-"+svc+":1", s.Str("taskDefinition"), "the family's newest revision: the one just registered")
	assert.NotContains(t, s.Inputs, "forceNewDeployment", "an unchanged revision must not redeploy on every pulumi up")
	assert.EqualValues(t, desired, s.Inputs["desiredCount"])
	assert.Equal(t, "1.4.0", s.Str("platformVersion"))
	groups := []any{"security-groups-ecs-id"}
	if svc == "nginx" { // internetEgress: its image is pulled from ECR Public
		groups = append(groups, "security-groups-internet-egress-id")
	}
	assert.Equal(t, map[string]any{
		"assignPublicIp": false,
		"securityGroups": groups,
		"subnets":        []any{"network-app-us-east-1a-id", "network-app-us-east-1b-id", "network-app-us-east-1c-id"},
	}, s.Inputs["networkConfiguration"])
	assert.EqualValues(t, 100, s.Inputs["deploymentMinimumHealthyPercent"])
	assert.EqualValues(t, 200, s.Inputs["deploymentMaximumPercent"])
	assert.Equal(t, map[string]any{"enable": true, "rollback": true}, s.Inputs["deploymentCircuitBreaker"])
	assert.Equal(t, "SERVICE", s.Str("propagateTags"))
	if targetGroup == "" {
		assert.NotContains(t, s.Inputs, "loadBalancers")
		assert.NotContains(t, s.Inputs, "healthCheckGracePeriodSeconds")
	} else {
		assert.Equal(t, []any{map[string]any{
			"containerName":  svc,
			"containerPort":  float64(port),
			"targetGroupArn": fmt.Sprintf("arn:aws:elasticloadbalancing:us-east-1:%s:targetgroup/omnirapeutic-production-%s/offline", account, targetGroup),
		}}, s.Inputs["loadBalancers"])
		assert.EqualValues(t, 60, s.Inputs["healthCheckGracePeriodSeconds"])
		assert.Contains(t, s.Dependencies, find(t, r, tListener, "alb-http").URN, "the service waits for the listeners")
	}
	assert.Contains(t, s.Dependencies, find(t, r, tProviders, "ecs-capacity-providers").URN)
	return s
}

func TestNginxServiceInProduction(t *testing.T) {
	r := production(t)
	c := assertTaskDefinition(t, r, "nginx", "public.ecr.aws/nginx/nginx-unprivileged@sha256:65e3e85dbaed8ba248841d9d58a899b6197106c23cb0ff1a132b7bfe0547e4c0", "256", "512", "101", 8080)
	assert.Empty(t, c.Secrets)
	s := assertService(t, r, "nginx", 2, "web", 8080)
	assert.Empty(t, s.IgnoreChanges, "nginx has no autoscaling: Pulumi owns its count")
}

// TestPulumiUpKeepsThePipelinesRevision: on a later `pulumi up`, when the
// service runs a revision the pipeline registered and deployed (7), newer
// than the program's (1), the service keeps running it.
func TestPulumiUpKeepsThePipelinesRevision(t *testing.T) {
	r, err := synth.Run(synth.Options{Dir: "..", RunningRevisions: map[string]int{"omnirapeutic-production-nginx": 7}})
	require.NoError(t, err)
	assert.Equal(t, "omnirapeutic-production-nginx:7", find(t, r, tService, "ecs-nginx").Str("taskDefinition"))
}

// TestPulumiUpNeverRedeploysARolledBackRevision: the pipeline registered
// revision 8 and the circuit breaker rolled it back to 7, so 8 is the
// family's newest ACTIVE revision but the service runs 7. A later `pulumi up`
// (program's revision 3) keeps 7; only the service's own state counts.
func TestPulumiUpNeverRedeploysARolledBackRevision(t *testing.T) {
	r, err := synth.Run(synth.Options{Dir: "..",
		RunningRevisions:    map[string]int{"omnirapeutic-production-nginx": 7},
		RegisteredRevisions: map[string]int{"omnirapeutic-production-nginx": 3},
	})
	require.NoError(t, err)
	assert.Equal(t, "omnirapeutic-production-nginx:7", find(t, r, tService, "ecs-nginx").Str("taskDefinition"))
}

// TestPulumiUpDeploysAConfigChange: a config change registers a revision (9)
// newer than what runs (7), and that one is deployed; on a first deploy (no
// service yet) the registered revision is.
func TestPulumiUpDeploysAConfigChange(t *testing.T) {
	r, err := synth.Run(synth.Options{Dir: "..",
		RunningRevisions:    map[string]int{"omnirapeutic-production-nginx": 7},
		RegisteredRevisions: map[string]int{"omnirapeutic-production-nginx": 9},
	})
	require.NoError(t, err)
	assert.Equal(t, "omnirapeutic-production-nginx:9", find(t, r, tService, "ecs-nginx").Str("taskDefinition"))
	assert.Equal(t, "omnirapeutic-production-nginx:1", find(t, production(t), tService, "ecs-nginx").Str("taskDefinition"))
}

// TestRolledBackDeploymentFailsPulumiUp: the provider reports a
// circuit-breaker rollback as a steady state (terraform-provider-aws#19519);
// the program compares what the service runs after the update with what it
// asked for, and fails the run.
func TestRolledBackDeploymentFailsPulumiUp(t *testing.T) {
	_, err := synth.Run(synth.Options{Dir: "..",
		RunningRevisions:    map[string]int{"omnirapeutic-production-nginx": 7},
		RegisteredRevisions: map[string]int{"omnirapeutic-production-nginx": 9},
		RolledBack:          map[string]int{"omnirapeutic-production-nginx": 7},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deployment of omnirapeutic-production-nginx:9 failed: the service runs omnirapeutic-production-nginx:7")
}

// TestServicesWaitForSteadyState: `pulumi up` waits for every deployment.
func TestServicesWaitForSteadyState(t *testing.T) {
	r, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	services := r.OfType(tService)
	require.Len(t, services, 3)
	for _, s := range services {
		assert.Equal(t, true, s.Inputs["waitForSteadyState"], s.Name)
	}
}

func TestChooseRevision(t *testing.T) {
	const family = "omnirapeutic-production-api"
	arn := func(fam string, rev int) string {
		return fmt.Sprintf("arn:aws:ecs:us-east-1:%s:task-definition/%s:%d", account, fam, rev)
	}
	for _, tc := range []struct {
		name       string
		registered int
		running    string
		want       string
		wantErr    string
	}{
		{"first deploy: nothing runs", 1, "", family + ":1", ""},
		{"pipeline's newer revision runs", 3, arn(family, 7), family + ":7", ""},
		{"config change is newer", 9, arn(family, 7), family + ":9", ""},
		{"unchanged", 4, family + ":4", family + ":4", ""},
		{"another family runs", 2, arn("old-api", 40), family + ":2", ""},
		{"unparseable running", 2, "arn:aws:ecs:us-east-1:1:task-definition/x", "", "has no revision"},
		{"invalid registered", 0, "", "", "not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := compute.ChooseRevision(family, tc.registered, tc.running)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	for msg, missing := range map[string]bool{
		"invoking aws:ecs/getService:getService: 1 error occurred:\n\t* no matching ECS Service found":    true,
		`service with name "omnirapeutic-production-api" in cluster "omnirapeutic-production" not found`:  true,
		"reading ECS Service (omnirapeutic-production-api): ClusterNotFoundException: Cluster not found.": true,
		"reading ECS Service (omnirapeutic-production-api): AccessDeniedException: not authorized":        false,
	} {
		assert.Equal(t, missing, compute.ServiceMissing(errors.New(msg)), msg)
	}
	require.NoError(t, compute.CheckDeployed(family+":5", family+":5"))
	require.ErrorContains(t, compute.CheckDeployed(family+":6", arn(family, 5)), "rolled back")
}

func TestAllServicesSwitchedOn(t *testing.T) {
	r, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	repo := "123456789012.dkr.ecr.us-east-1.amazonaws.com/omnirapeutic-production/"

	api := assertTaskDefinition(t, r, "api", repo+"api:v1.4.2", "512", "1024", "1000", 8080)
	assert.Equal(t, []map[string]string{{"name": "API_KEYS", "valueFrom": "arn:aws:secretsmanager:us-east-1:" + account + ":secret:omnirapeutic-production/api/api-keys-0ff1ne"}}, api.Secrets,
		"its own API keys; the database is reached with IAM auth, not a secret")
	assert.Contains(t, api.Environment, map[string]string{"name": "DB_HOST", "value": "omnirapeutic-production.cluster-offline.us-east-1.rds.amazonaws.com"})
	web := assertTaskDefinition(t, r, "web", repo+"web:v2.0.0", "512", "1024", "1000", 8080)
	assert.Empty(t, web.Secrets)
	assert.Empty(t, web.Environment, "web does not use the database")
	worker := assertTaskDefinition(t, r, "worker", repo+"worker:v1.4.2", "512", "1024", "1000", 0)
	assert.Empty(t, worker.Secrets)

	for svc, want := range map[string]struct {
		desired int
		tg      string
		port    int
		scaling bool
	}{"api": {2, "api", 8080, true}, "web": {2, "web", 8080, true}, "worker": {1, "", 0, false}} {
		s := assertService(t, r, svc, want.desired, want.tg, want.port)
		if !want.scaling {
			assert.Empty(t, s.IgnoreChanges)
			continue
		}
		assert.Equal(t, []string{"desiredCount"}, s.IgnoreChanges, "autoscaling owns %s's task count", svc)
		target := find(t, r, tScaleTarget, "ecs-"+svc+"-scaling-target")
		assert.Equal(t, "service/omnirapeutic-production/omnirapeutic-production-"+svc, target.Str("resourceId"))
		assert.Equal(t, "ecs:service:DesiredCount", target.Str("scalableDimension"))
		assert.EqualValues(t, 2, target.Inputs["minCapacity"])
		assert.EqualValues(t, 6, target.Inputs["maxCapacity"])
		pol := find(t, r, tScalePolicy, "ecs-"+svc+"-cpu-scaling")
		assert.Equal(t, "TargetTrackingScaling", pol.Str("policyType"))
		cfg := pol.Inputs["targetTrackingScalingPolicyConfiguration"].(map[string]any)
		assert.EqualValues(t, 60, cfg["targetValue"])
		assert.Equal(t, map[string]any{"predefinedMetricType": "ECSServiceAverageCPUUtilization"}, cfg["predefinedMetricSpecification"])
	}
	assert.Nil(t, r.Find(tService, "ecs-nginx"), "nginx switched off")
	assert.ElementsMatch(t, []any{"omnirapeutic-production-api", "omnirapeutic-production-web", "omnirapeutic-production-worker"}, r.Outputs["serviceNames"])
}

// TestExecutionRoleIsLeastPrivilege: each service's execution role pulls
// that service's image (and GuardDuty's agent), writes that service's log
// group, and reads that service's secrets: no other's.
func TestExecutionRoleIsLeastPrivilege(t *testing.T) {
	r, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	repoArn := func(n string) string {
		return "arn:aws:ecr:us-east-1:" + account + ":repository/omnirapeutic-production/" + n
	}
	logArn := func(n string) string {
		return "arn:aws:logs:us-east-1:" + account + ":log-group:/ecs/omnirapeutic-production/" + n + ":*"
	}
	const agent = "arn:aws:ecr:us-east-1:593207742271:repository/aws-guardduty-agent-fargate"
	for _, svc := range []string{"api", "nginx", "web", "worker"} {
		doc, err := policy.Parse(find(t, r, tPolicy, "ecs-"+svc+"-execution-policy").Str("policy"))
		require.NoError(t, err)
		assert.Equal(t, []string{"*"}, statement(t, doc, "EcrLogin").Resource)
		assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, statement(t, doc, "EcrLogin").Action)
		pulls := []string{agent}
		if svc != "nginx" { // nginx's image is external
			pulls = append(pulls, repoArn(svc))
		}
		assert.Equal(t, pulls, statement(t, doc, "PullImages").Resource, "%s: its own repository and GuardDuty's Fargate agent", svc)
		assert.Equal(t, []string{logArn(svc)}, statement(t, doc, "WriteLogs").Resource, svc)
		if svc != "api" {
			for _, st := range doc.Statement {
				assert.NotEqual(t, "ReadServiceSecrets", st.Sid, "%s is given no secret, so it may read none", svc)
			}
			continue
		}
		assert.Equal(t, []string{"arn:aws:secretsmanager:us-east-1:" + account + ":secret:omnirapeutic-production/api/api-keys-0ff1ne"},
			statement(t, doc, "ReadServiceSecrets").Resource, "exactly api's own secret")
		decrypt := statement(t, doc, "DecryptSecretsThroughSecretsManager")
		assert.Equal(t, []string{keyArn("secrets")}, decrypt.Resource)
		assert.Equal(t, []string{"secretsmanager.us-east-1.amazonaws.com"}, decrypt.Condition["StringEquals"]["kms:ViaService"])
	}
	assert.Nil(t, r.Find(tPolicy, "ecs-execution-policy"), "no execution role is shared")
}

// TestNoPolicyAllowsKmsOnEverything covers every customer managed policy in
// both configurations: HIPAA IAM_*_BLOCKED_KMS_ACTIONS.
func TestNoPolicyAllowsKmsOnEverything(t *testing.T) {
	second, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	for _, r := range []*synth.Result{production(t), second} {
		for _, p := range r.OfType(tPolicy) {
			doc, err := policy.Parse(p.Str("policy"))
			require.NoError(t, err)
			for _, st := range doc.Statement {
				for _, a := range st.Action {
					if a == "kms:*" || a == "kms:Decrypt" || a == "kms:ReEncrypt*" || a == "*" {
						assert.NotContains(t, st.Resource, "*", "%s: %s %s on *", p.Name, st.Sid, a)
					}
				}
			}
		}
		assert.Empty(t, r.OfType("aws:iam/rolePolicy:RolePolicy"), "no inline role policies")
	}
}

func TestServiceConfigValidation(t *testing.T) {
	base := `"cpu":512,"memory":1024,"desiredCount":2,"containerPort":8080,"healthCheckPath":"/health","targetGroup":"api","enabled":true,"user":"1000"`
	for name, tc := range map[string]struct{ services, want string }{
		"CPU/memory pair Fargate refuses": {`{"api":{"imageTag":"v1","cpu":256,"memory":4096,"desiredCount":1,"containerPort":8080,"healthCheckPath":"/health","targetGroup":"api","enabled":true,"user":"1000"}}`,
			"omnirapeutic:services.api.memory: 4096 MiB is not a Fargate size for 256 CPU units"},
		"negative count": {`{"api":{"imageTag":"v1","cpu":512,"memory":1024,"desiredCount":-1,"containerPort":8080,"healthCheckPath":"/health","targetGroup":"api","enabled":true,"user":"1000"}}`,
			"omnirapeutic:services.api.desiredCount: -1 must be 0 or more"},
		"unknown target group": {`{"api":{"imageTag":"v1",` + base[:len(base)-len(`"targetGroup":"api","enabled":true,"user":"1000"`)] + `"targetGroup":"admin","enabled":true,"user":"1000"}}`,
			`omnirapeutic:services.api.targetGroup: "admin" is not a target group the ALB routes to`},
		"unknown service name": {`{"apii":{"imageTag":"v1",` + base + `}}`,
			`omnirapeutic:services.apii.image: unknown service "apii": no ECR repository of that name`},
		"enabled without an image": {`{"api":{` + base + `}}`,
			`omnirapeutic:services.api.imageTag: "api" runs from its ECR repository but names no tag`},
		"root user": {`{"api":{"imageTag":"v1",` + base[:len(base)-len(`"user":"1000"`)] + `"user":"0"}}`,
			`omnirapeutic:services.api.user: "0": containers run as a non-root user`},
		"unknown secret": {`{"api":{"imageTag":"v1","secrets":["stripe"],` + base + `}}`,
			`omnirapeutic:services.api.secrets: unknown secret "stripe"`},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := runWith(t, map[string]string{"omnirapeutic:services": tc.services})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, r.Resources)
		})
	}
}
