package tests

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
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

// testCertificate is an ACM certificate ARN in a stack's region and
// partition, as a platform engineer would set edge.certificateArn.
func testCertificate(v values) string {
	return naming.NewScope("", synth.AccountID, v.str("aws:region")).ARN("acm", "certificate/0e3c1f5a-1111-2222-3333-444455556666")
}

// everyServiceOn is the change the app team makes: a certificate, and every
// service of the stack file switched on with a pushed image (api uses the
// database, so it needs the certificate).
func everyServiceOn(v values) {
	edge := v.object("omnirapeutic:edge")
	edge["certificateArn"] = testCertificate(v)
	v.set("omnirapeutic:edge", edge)
	services := v.object("omnirapeutic:services")
	for name, raw := range services {
		svc := raw.(map[string]any)
		svc["enabled"] = true
		if img, _ := svc["image"].(string); img == "" {
			svc["imageTag"] = "v1.4.2-" + name
		}
	}
	v.set("omnirapeutic:services", services)
}

// allServicesOn is production with every service switched on.
func allServicesOn(t *testing.T) *synth.Result {
	t.Helper()
	return runWithin(t, "production", everyServiceOn)
}

// enabled lists the names of the stack's enabled services.
func (s *stack) enabled() []string {
	var out []string
	for _, name := range s.cfg.ServiceNames() {
		if s.cfg.Services[name].Enabled {
			out = append(out, name)
		}
	}
	return out
}

func ruleEcrRepositories(t *testing.T, s *stack) {
	require.Len(t, s.OfType(tRepo), len(s.cfg.EcrRepositories))
	urls := map[string]any{}
	for _, name := range s.cfg.EcrRepositories {
		repo := find(t, s.Result, tRepo, "ecr-"+name)
		assert.Equal(t, compute.RepositoryName(s.scope, name), repo.Str("name"))
		assert.Equal(t, "IMMUTABLE", repo.Str("imageTagMutability"))
		assert.Equal(t, map[string]any{"scanOnPush": true}, repo.Inputs["imageScanningConfiguration"])
		assert.Equal(t, []any{map[string]any{"encryptionType": "KMS", "kmsKey": s.keyArn(t, "secrets")}}, repo.Inputs["encryptionConfigurations"])
		assert.Equal(t, false, repo.Inputs["forceDelete"])
		assert.JSONEq(t, compute.LifecyclePolicy(), find(t, s.Result, tRepoLifecycle, "ecr-"+name+"-lifecycle").Str("policy"))
		urls[name] = repo.Computed["repositoryUrl"]
	}
	assert.Empty(t, s.OfType(tRepoPolicy), "no repository policy: nothing is shared, let alone public")
	assert.Equal(t, urls, s.Outputs["ecrRepositoryUrls"])
}

// TestRepositoryLifecycle pins the lifecycle rules to the constants the docs name.
func TestRepositoryLifecycle(t *testing.T) {
	var lifecycle struct {
		Rules []struct {
			Selection struct {
				TagStatus   string `json:"tagStatus"`
				CountType   string `json:"countType"`
				CountNumber int    `json:"countNumber"`
			} `json:"selection"`
		} `json:"rules"`
	}
	require.NoError(t, json.Unmarshal([]byte(compute.LifecyclePolicy()), &lifecycle))
	require.Len(t, lifecycle.Rules, 2)
	assert.Equal(t, "untagged", lifecycle.Rules[0].Selection.TagStatus)
	assert.Equal(t, "sinceImagePushed", lifecycle.Rules[0].Selection.CountType)
	assert.Equal(t, compute.UntaggedImageDays, lifecycle.Rules[0].Selection.CountNumber)
	assert.Equal(t, "imageCountMoreThan", lifecycle.Rules[1].Selection.CountType)
	assert.Equal(t, compute.TaggedImagesKept, lifecycle.Rules[1].Selection.CountNumber)
}

func ruleEcsCluster(t *testing.T, s *stack) {
	c := find(t, s.Result, tEcsCluster, "ecs")
	assert.Equal(t, compute.ClusterName(s.scope), c.Str("name"))
	assert.Equal(t, []any{map[string]any{"name": "containerInsights", "value": "enabled"}}, c.Inputs["settings"])
	exec := c.Inputs["configuration"].(map[string]any)["executeCommandConfiguration"].(map[string]any)
	assert.Equal(t, s.keyArn(t, "logs"), exec["kmsKeyId"])
	assert.Equal(t, "OVERRIDE", exec["logging"])
	assert.Equal(t, map[string]any{"cloudWatchEncryptionEnabled": true, "cloudWatchLogGroupName": compute.ExecLogGroupName(s.scope)}, exec["logConfiguration"])
	p := find(t, s.Result, tProviders, "ecs-capacity-providers")
	assert.Equal(t, []any{"FARGATE", "FARGATE_SPOT"}, p.Inputs["capacityProviders"])
	assert.Equal(t, compute.ClusterName(s.scope), s.Outputs["clusterName"])
}

// ruleServiceLogGroupsAndRoles: every declared service, running or not, has
// its log group, and a task role that starts with no permissions; one that
// uses the database may sign in as its own database user only, and its
// migrations have a role of their own that may sign in as its migration user
// only.
func ruleServiceLogGroupsAndRoles(t *testing.T, s *stack) {
	cluster := find(t, s.Result, tCluster, "aurora-cluster").Computed["clusterResourceId"].(string)
	for _, svc := range s.cfg.ServiceNames() {
		g := find(t, s.Result, tLogGroup, "ecs-"+svc+"-logs")
		assert.Equal(t, compute.ServiceLogGroupName(s.scope, svc), g.Str("name"))
		assert.Equal(t, s.keyArn(t, "logs"), g.Str("kmsKeyId"))
		assert.EqualValues(t, s.cfg.Logs.RetentionDays, g.Inputs["retentionInDays"])

		role := find(t, s.Result, tRole, "ecs-"+svc+"-task-role")
		assert.Equal(t, compute.TaskRoleName(s.scope, svc), role.Str("name"))
		trust, err := policy.Parse(role.Str("assumeRolePolicy"))
		require.NoError(t, err)
		assert.Equal(t, policy.Service("ecs-tasks.amazonaws.com"), trust.Statement[0].Principal)
		assert.Equal(t, []string{s.scope.Account}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])

		if !s.cfg.Services[svc].Database {
			assert.Empty(t, attachedPolicies(s.Result, role.Str("name")), "%s: task roles start with no permissions", svc)
			assert.Nil(t, s.Find(tRole, "ecs-"+svc+"-migrate-role"), "%s has no database, so no migrations", svc)
			continue
		}
		for roleName, user := range map[string]string{
			"ecs-" + svc + "-task":    stackconfig.DatabaseUser(svc),
			"ecs-" + svc + "-migrate": stackconfig.MigrationUser(svc),
		} {
			r := find(t, s.Result, tRole, roleName+"-role")
			assert.Equal(t, []string{policyArn(t, s.Result, roleName+"-policy", r.Str("name")+"-")}, attachedPolicies(s.Result, r.Str("name")), roleName)
			doc, err := policy.Parse(find(t, s.Result, tPolicy, roleName+"-policy").Str("policy"))
			require.NoError(t, err)
			require.Len(t, doc.Statement, 1, roleName)
			assert.Equal(t, []string{"rds-db:connect"}, doc.Statement[0].Action, roleName)
			assert.Equal(t, []string{compute.DatabaseConnectArn(s.scope, cluster, user)}, doc.Statement[0].Resource,
				"%s: IAM database authentication as exactly %s on exactly this cluster", roleName, user)
		}
		assert.Equal(t, compute.MigrationRoleName(s.scope, svc), find(t, s.Result, tRole, "ecs-"+svc+"-migrate-role").Str("name"))
	}
}

// ruleEnabledServicesRun: a service runs exactly when enabled: a task
// definition and an ECS service each, autoscaling where configured.
func ruleEnabledServicesRun(t *testing.T, s *stack) {
	var names []any
	var scaled int
	for _, svc := range s.enabled() {
		names = append(names, compute.ServiceName(s.scope, svc))
		if s.cfg.Services[svc].Autoscaling != nil {
			scaled++
		}
	}
	assert.Len(t, s.OfType(tService), len(names))
	assert.Len(t, s.OfType(tTaskDef), len(names))
	assert.Len(t, s.OfType(tScaleTarget), scaled)
	assert.Len(t, s.OfType(tScalePolicy), scaled)
	assert.ElementsMatch(t, names, s.Outputs["serviceNames"])
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

// ruleTaskDefinitions: each enabled service's task definition is its
// configuration: size, architecture, image, user, port, plain settings (the
// service's own and, with the database, where to connect), secrets only by
// reference, and the platform's hardening.
func ruleTaskDefinitions(t *testing.T, s *stack) {
	endpoint := find(t, s.Result, tCluster, "aurora-cluster").Computed["endpoint"].(string)
	for _, svc := range s.enabled() {
		spec := s.cfg.Services[svc]
		td, c := container(t, s.Result, svc)
		assert.Equal(t, compute.TaskFamily(s.scope, svc), td.Str("family"))
		assert.Equal(t, strconv.Itoa(spec.Cpu), td.Str("cpu"))
		assert.Equal(t, strconv.Itoa(spec.Memory), td.Str("memory"))
		assert.Equal(t, "awsvpc", td.Str("networkMode"))
		assert.Equal(t, []any{"FARGATE"}, td.Inputs["requiresCompatibilities"])
		assert.Equal(t, map[string]any{"operatingSystemFamily": "LINUX", "cpuArchitecture": spec.Architecture()}, td.Inputs["runtimePlatform"])
		assert.Equal(t, s.arn("iam", "role/"+compute.ExecutionRoleName(s.scope, svc)), td.Str("executionRoleArn"), "every service has its own execution role")
		assert.Equal(t, s.arn("iam", "role/"+compute.TaskRoleName(s.scope, svc)), td.Str("taskRoleArn"))
		assert.Equal(t, true, td.Inputs["skipDestroy"], "revisions stay registered for rollback")

		image := spec.Image
		if image == "" {
			image = find(t, s.Result, tRepo, "ecr-"+svc).Computed["repositoryUrl"].(string) + ":" + spec.ImageTag
		}
		assert.Equal(t, image, c.Image, svc)
		assert.Equal(t, spec.User, c.User)
		assert.NotContains(t, []string{"", "0", "root"}, c.User)
		assert.True(t, c.ReadonlyRootFilesystem)
		assert.False(t, c.Privileged)
		assert.Equal(t, compute.DroppedCapabilities, c.LinuxParameters.Capabilities.Drop, "%s: every capability dropped", svc)
		assert.Empty(t, c.LinuxParameters.Capabilities.Add, svc)
		assert.Equal(t, "awslogs", c.LogConfiguration.LogDriver)
		assert.Equal(t, compute.ServiceLogGroupName(s.scope, svc), c.LogConfiguration.Options["awslogs-group"])
		assert.Equal(t, s.scope.Region, c.LogConfiguration.Options["awslogs-region"])
		if spec.ContainerPort > 0 {
			assert.Equal(t, []map[string]any{{"containerPort": float64(spec.ContainerPort), "protocol": "tcp"}}, c.PortMappings)
		} else {
			assert.Empty(t, c.PortMappings)
		}

		wantEnv := maps.Clone(spec.Environment)
		if wantEnv == nil {
			wantEnv = map[string]string{}
		}
		if spec.Database {
			wantEnv["DB_HOST"], wantEnv["DB_PORT"] = endpoint, strconv.Itoa(security.PostgresPort)
			wantEnv["DB_NAME"], wantEnv["DB_USER"] = data.DatabaseName, stackconfig.DatabaseUser(svc)
		}
		gotEnv := map[string]string{}
		for _, e := range c.Environment {
			gotEnv[e["name"]] = e["value"]
			assert.Empty(t, stackconfig.SecretLooking(e["name"], e["value"]), "%s: plain setting %s looks like a secret", svc, e["name"])
		}
		assert.Equal(t, wantEnv, gotEnv, "%s's plain settings", svc)

		wantSecrets := map[string]string{}
		for _, name := range spec.Secrets {
			wantSecrets[name.EnvName()] = find(t, s.Result, tSecret, "secrets-api-keys-"+svc).Computed["arn"].(string)
		}
		gotSecrets := map[string]string{}
		for _, sec := range c.Secrets {
			assert.NotContains(t, sec, "value", "%s: a secret arrives only by reference", svc)
			gotSecrets[sec["name"]] = sec["valueFrom"]
		}
		assert.Equal(t, wantSecrets, gotSecrets, "%s's secrets", svc)
	}
}

// ruleServices: each enabled service runs the revision just registered,
// in the app subnets without public IPs, with rolling deployments and the
// circuit breaker, behind its target group when it has one, waiting for
// the load balancer's listeners, and with autoscaling owning the count
// where configured.
func ruleServices(t *testing.T, s *stack) {
	for _, svc := range s.enabled() {
		spec := s.cfg.Services[svc]
		sv := find(t, s.Result, tService, "ecs-"+svc)
		assert.Equal(t, compute.ServiceName(s.scope, svc), sv.Str("name"))
		assert.Equal(t, find(t, s.Result, tEcsCluster, "ecs").Computed["arn"], sv.Str("cluster"))
		assert.Equal(t, compute.TaskFamily(s.scope, svc)+":1", sv.Str("taskDefinition"), "the family's newest revision: the one just registered")
		assert.NotContains(t, sv.Inputs, "forceNewDeployment", "an unchanged revision must not redeploy on every pulumi up")
		assert.EqualValues(t, spec.DesiredCount, sv.Inputs["desiredCount"])
		assert.Equal(t, compute.PlatformVersion, sv.Str("platformVersion"))
		groups := []any{find(t, s.Result, tSG, "security-groups-ecs").ID}
		if spec.InternetEgress {
			groups = append(groups, find(t, s.Result, tSG, "security-groups-internet-egress").ID)
		}
		assert.Equal(t, map[string]any{
			"assignPublicIp": false,
			"securityGroups": groups,
			"subnets":        s.subnetIDs(t, "app"),
		}, sv.Inputs["networkConfiguration"], "%s: the tasks' group, and the internet-egress group only with internetEgress", svc)
		assert.EqualValues(t, compute.DeploymentMinimumHealthyPercent, sv.Inputs["deploymentMinimumHealthyPercent"])
		assert.EqualValues(t, compute.DeploymentMaximumPercent, sv.Inputs["deploymentMaximumPercent"])
		assert.Equal(t, map[string]any{"enable": true, "rollback": true}, sv.Inputs["deploymentCircuitBreaker"])
		assert.Equal(t, "SERVICE", sv.Str("propagateTags"))
		assert.Equal(t, true, sv.Inputs["waitForSteadyState"], "pulumi up waits for every deployment")
		assert.Contains(t, sv.Dependencies, find(t, s.Result, tProviders, "ecs-capacity-providers").URN)
		if spec.TargetGroup == "" {
			assert.NotContains(t, sv.Inputs, "loadBalancers")
			assert.NotContains(t, sv.Inputs, "healthCheckGracePeriodSeconds")
		} else {
			assert.Equal(t, []any{map[string]any{
				"containerName":  svc,
				"containerPort":  float64(spec.ContainerPort),
				"targetGroupArn": find(t, s.Result, tTargetGroup, "alb-"+spec.TargetGroup).Computed["arn"],
			}}, sv.Inputs["loadBalancers"])
			assert.EqualValues(t, compute.HealthCheckGraceSeconds, sv.Inputs["healthCheckGracePeriodSeconds"])
		}
		a := spec.Autoscaling
		if a == nil {
			assert.Empty(t, sv.IgnoreChanges, "%s has no autoscaling: Pulumi owns its count", svc)
			continue
		}
		assert.Equal(t, []string{"desiredCount"}, sv.IgnoreChanges, "autoscaling owns %s's task count", svc)
		target := find(t, s.Result, tScaleTarget, "ecs-"+svc+"-scaling-target")
		assert.Equal(t, "service/"+compute.ClusterName(s.scope)+"/"+compute.ServiceName(s.scope, svc), target.Str("resourceId"))
		assert.Equal(t, "ecs:service:DesiredCount", target.Str("scalableDimension"))
		assert.EqualValues(t, a.MinCount, target.Inputs["minCapacity"])
		assert.EqualValues(t, a.MaxCount, target.Inputs["maxCapacity"])
		pol := find(t, s.Result, tScalePolicy, "ecs-"+svc+"-cpu-scaling")
		assert.Equal(t, "TargetTrackingScaling", pol.Str("policyType"))
		assert.Equal(t, target.Str("resourceId"), pol.Str("resourceId"))
		cfg := pol.Inputs["targetTrackingScalingPolicyConfiguration"].(map[string]any)
		assert.EqualValues(t, a.CpuTargetPercent, cfg["targetValue"])
		assert.Equal(t, map[string]any{"predefinedMetricType": "ECSServiceAverageCPUUtilization"}, cfg["predefinedMetricSpecification"])
	}
}

// TestPulumiUpKeepsThePipelinesRevision: on a later `pulumi up`, when the
// service runs a revision the pipeline registered and deployed (7), newer
// than the program's (1), the service keeps running it.
func TestPulumiUpKeepsThePipelinesRevision(t *testing.T) {
	family := compute.TaskFamily(production(t).Stack.Scope, "nginx")
	r, err := runOpts(t, synth.Options{RunningRevisions: map[string]int{family: 7}}, nginxOverHTTP)
	require.NoError(t, err)
	assert.Equal(t, family+":7", find(t, r, tService, "ecs-nginx").Str("taskDefinition"))
}

// TestPulumiUpNeverRedeploysARolledBackRevision: the pipeline registered
// revision 8 and the circuit breaker rolled it back to 7, so 8 is the
// family's newest ACTIVE revision but the service runs 7. A later `pulumi up`
// (program's revision 3) keeps 7; only the service's own state counts.
func TestPulumiUpNeverRedeploysARolledBackRevision(t *testing.T) {
	family := compute.TaskFamily(production(t).Stack.Scope, "nginx")
	r, err := runOpts(t, synth.Options{RunningRevisions: map[string]int{family: 7}, RegisteredRevisions: map[string]int{family: 3}}, nginxOverHTTP)
	require.NoError(t, err)
	assert.Equal(t, family+":7", find(t, r, tService, "ecs-nginx").Str("taskDefinition"))
}

// TestPulumiUpDeploysAConfigChange: a config change registers a revision (9)
// newer than what runs (7), and that one is deployed.
func TestPulumiUpDeploysAConfigChange(t *testing.T) {
	family := compute.TaskFamily(production(t).Stack.Scope, "nginx")
	r, err := runOpts(t, synth.Options{RunningRevisions: map[string]int{family: 7}, RegisteredRevisions: map[string]int{family: 9}}, nginxOverHTTP)
	require.NoError(t, err)
	assert.Equal(t, family+":9", find(t, r, tService, "ecs-nginx").Str("taskDefinition"))
}

// TestRolledBackDeploymentFailsPulumiUp: the provider reports a
// circuit-breaker rollback as a steady state (terraform-provider-aws#19519);
// the program compares what the service runs after the update with what it
// asked for, and fails the run.
func TestRolledBackDeploymentFailsPulumiUp(t *testing.T) {
	family := compute.TaskFamily(production(t).Stack.Scope, "nginx")
	_, err := runOpts(t, synth.Options{
		RunningRevisions:    map[string]int{family: 7},
		RegisteredRevisions: map[string]int{family: 9},
		RolledBack:          map[string]int{family: 7},
	}, nginxOverHTTP)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deployment of "+family+":9 failed: the service runs "+family+":7")
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

// ruleExecutionRole: each service's execution role (the role ECS starts
// its tasks with) pulls only that service's repository when it runs from it
// (and GuardDuty's Fargate agent), writes only that service's log group, and
// reads exactly that service's own secrets, decrypting only through Secrets
// Manager: no execution role is shared, none reads another service's keys.
func ruleExecutionRole(t *testing.T, s *stack) {
	assert.Nil(t, s.Find(tPolicy, "ecs-execution-policy"), "no execution role is shared")
	for _, svc := range s.cfg.ServiceNames() {
		spec := s.cfg.Services[svc]
		doc, err := policy.Parse(find(t, s.Result, tPolicy, "ecs-"+svc+"-execution-policy").Str("policy"))
		require.NoError(t, err)
		assert.Equal(t, []string{"*"}, statement(t, doc, "EcrLogin").Resource, "ecr:GetAuthorizationToken has no resource-level permissions")
		assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, statement(t, doc, "EcrLogin").Action)
		var own, agent []string
		for _, arn := range statement(t, doc, "PullImages").Resource {
			if strings.HasSuffix(arn, ":repository/aws-guardduty-agent-fargate") {
				agent = append(agent, arn)
			} else {
				own = append(own, arn)
			}
		}
		var repos []string
		if spec.Image == "" {
			repos = append(repos, s.arn("ecr", "repository/"+compute.RepositoryName(s.scope, svc)))
		}
		assert.Equal(t, repos, own, "%s: its own repository, when it runs from it", svc)
		assert.LessOrEqual(t, len(agent), 1, "GuardDuty's Fargate agent, where GuardDuty publishes one")
		assert.Equal(t, []string{s.arn("logs", "log-group:"+compute.ServiceLogGroupName(s.scope, svc)+":*")}, statement(t, doc, "WriteLogs").Resource, svc)
		if len(spec.Secrets) == 0 {
			for _, st := range doc.Statement {
				assert.NotEqual(t, "ReadServiceSecrets", st.Sid, "%s is given no secret, so it may read none", svc)
			}
			continue
		}
		assert.Equal(t, []string{find(t, s.Result, tSecret, "secrets-api-keys-"+svc).Computed["arn"].(string)},
			statement(t, doc, "ReadServiceSecrets").Resource, "%s: exactly its own secret", svc)
		decrypt := statement(t, doc, "DecryptSecretsThroughSecretsManager")
		assert.Equal(t, []string{s.keyArn(t, "secrets")}, decrypt.Resource)
		assert.Equal(t, []string{s.scope.ServicePrincipal("secretsmanager")}, decrypt.Condition["StringEquals"]["kms:ViaService"])
	}
}

// ruleNoKmsOnEverything: HIPAA IAM_*_BLOCKED_KMS_ACTIONS, on every customer
// managed policy; and no inline role policies.
func ruleNoKmsOnEverything(t *testing.T, s *stack) {
	for _, p := range s.OfType(tPolicy) {
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
	assert.Empty(t, s.OfType("aws:iam/rolePolicy:RolePolicy"), "no inline role policies")
}

// ruleNoMasterSecret: no task definition, and no role a task starts with,
// can reach the Aurora master secret; it stays, for break-glass use.
func ruleNoMasterSecret(t *testing.T, s *stack) {
	master := s.Outputs["auroraMasterSecretArn"].(string)
	require.NotEmpty(t, master)
	for _, td := range s.OfType(tTaskDef) {
		assert.NotContains(t, td.Str("containerDefinitions"), master, td.Name)
	}
	for _, svc := range s.cfg.ServiceNames() {
		exec, err := policy.Parse(find(t, s.Result, tPolicy, "ecs-"+svc+"-execution-policy").Str("policy"))
		require.NoError(t, err)
		for _, st := range exec.Statement {
			assert.NotContains(t, st.Resource, master, "%s's execution role cannot read the master secret", svc)
		}
	}
	for _, svc := range s.enabled() {
		_, c := container(t, s.Result, svc)
		for _, e := range c.Environment {
			if e["name"] == "DB_USER" {
				assert.Equal(t, stackconfig.DatabaseUser(svc), e["value"], "%s signs in as its own user", svc)
				assert.NotEqual(t, s.cfg.Aurora.MasterUsername, e["value"])
			}
		}
	}
}

// tmpfsDef is the part of a container definition that gives it a writable /tmp.
type tmpfsDef struct {
	LinuxParameters struct {
		Tmpfs []struct {
			ContainerPath string   `json:"containerPath"`
			Size          int      `json:"size"`
			MountOptions  []string `json:"mountOptions"`
		} `json:"tmpfs"`
	} `json:"linuxParameters"`
	MountPoints            []any `json:"mountPoints"`
	ReadonlyRootFilesystem bool  `json:"readonlyRootFilesystem"`
}

// ruleTmpfs: an empty Fargate bind volume is root-owned 0755, so a non-root
// container gets a tmpfs /tmp of its configured size, with safe options.
func ruleTmpfs(t *testing.T, s *stack) {
	for _, svc := range s.enabled() {
		td := find(t, s.Result, tTaskDef, "ecs-"+svc+"-task")
		assert.NotContains(t, td.Inputs, "volumes", "%s: an empty Fargate bind volume is root-owned, mode 0755", svc)
		var defs []tmpfsDef
		require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
		require.Len(t, defs, 1)
		assert.True(t, defs[0].ReadonlyRootFilesystem)
		assert.Empty(t, defs[0].MountPoints, "%s: /tmp is no task volume", svc)
		require.Len(t, defs[0].LinuxParameters.Tmpfs, 1, "%s: a tmpfs /tmp", svc)
		tmp := defs[0].LinuxParameters.Tmpfs[0]
		assert.Equal(t, "/tmp", tmp.ContainerPath)
		assert.Equal(t, s.cfg.Services[svc].Tmpfs(), tmp.Size, "%s: tmpfsMiB or the default, counted against task memory", svc)
		assert.Equal(t, compute.TmpfsMountOptions, tmp.MountOptions)
	}
}

// ruleDependentsWaitForListeners: the WAF association and every ECS service
// depend on the ALB, each listener and each listener rule by URN. Depending
// on the component waits only for the children the Go SDK had seen; AWS
// refuses both too early (WAFUnavailableEntityException; "target group does
// not have an associated load balancer").
func ruleDependentsWaitForListeners(t *testing.T, s *stack) {
	var edge []string
	for _, typ := range []string{tLB, tListener, tListenerRule} {
		for _, res := range s.OfType(typ) {
			edge = append(edge, res.URN)
		}
	}
	require.GreaterOrEqual(t, len(edge), 2, "the ALB and a listener")
	for _, d := range append(s.OfType(tWebAclAssoc), s.OfType(tService)...) {
		for _, urn := range edge {
			assert.Contains(t, d.Dependencies, urn, "%s waits for %s", d.Name, urn)
		}
	}
}

// TestTmpfsSizeFollowsConfig: tmpfsMiB sizes the mount.
func TestTmpfsSizeFollowsConfig(t *testing.T) {
	r := runWithin(t, "production", nginxOverHTTP, func(v values) { v.service("nginx")["tmpfsMiB"] = 128.0 })
	var defs []tmpfsDef
	require.NoError(t, json.Unmarshal([]byte(find(t, r, tTaskDef, "ecs-nginx-task").Str("containerDefinitions")), &defs))
	assert.Equal(t, 128, defs[0].LinuxParameters.Tmpfs[0].Size)
}

// TestGravitonAndPlainSettings: cpuArchitecture ARM64 registers an ARM64
// task definition priced at Fargate's Linux/ARM rates, and environment
// reaches the container as plain settings beside the platform's own.
func TestGravitonAndPlainSettings(t *testing.T) {
	r := runWithin(t, "production", everyServiceOn, func(v values) {
		api := v.service("api")
		api["cpuArchitecture"] = "ARM64"
		api["environment"] = map[string]any{"LOG_LEVEL": "info", "FEATURE_FLAGS": "intake-v2"}
	})
	td, c := container(t, r, "api")
	assert.Equal(t, map[string]any{"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}, td.Inputs["runtimePlatform"])
	names := map[string]string{}
	for _, e := range c.Environment {
		names[e["name"]] = e["value"]
	}
	assert.Equal(t, "info", names["LOG_LEVEL"])
	assert.Equal(t, "app_api", names["DB_USER"], "the platform's settings stay")
	c2, err := cost.Estimate(r, synth.DefaultUsage)
	require.NoError(t, err)
	var prices []synth.PriceKey
	for _, l := range c2.Lines {
		if l.Resource == "ecs-api" {
			prices = append(prices, l.Price)
		}
	}
	assert.ElementsMatch(t, []synth.PriceKey{cost.FargateARMVCPUHour, cost.FargateARMGBHour}, prices)
	assert.Less(t, cost.Prices[cost.FargateARMVCPUHour].USD, cost.Prices[cost.FargateVCPUHour].USD, "Graviton is cheaper per vCPU-hour")
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
		"unknown architecture": {`{"api":{"imageTag":"v1","cpuArchitecture":"arm",` + base + `}}`,
			`omnirapeutic:services.api.cpuArchitecture: "arm" is not a CPU architecture Fargate runs`},
		"a secret as a plain setting": {`{"api":{"imageTag":"v1","environment":{"STRIPE_SECRET":"sk_live_abcdefghijkl"},` + base + `}}`,
			`omnirapeutic:services.api.environment: STRIPE_SECRET looks like a secret`},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := runWith(t, map[string]string{"omnirapeutic:services": tc.services})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, r.Resources)
		})
	}
}

// TestApiKeysReachTheContainerAsAPI_KEYS: a service given apiKeys reads the
// secret as API_KEYS by reference, and the execution role may read it.
func TestApiKeysReachTheContainerAsAPI_KEYS(t *testing.T) {
	r := runWithin(t, "production", everyServiceOn, func(v values) {
		v.service("api")["secrets"] = []any{string(stackconfig.APIKeys)}
	})
	_, c := container(t, r, "api")
	secret := find(t, r, tSecret, "secrets-api-keys-api").Computed["arn"].(string)
	assert.Equal(t, []map[string]string{{"name": "API_KEYS", "valueFrom": secret}}, c.Secrets)
	ruleExecutionRole(t, stackOf(t, r))
	assert.True(t, slices.Contains(stackconfig.ReservedEnvironment(), "API_KEYS"), "no plain setting may shadow it")
}
