package compute

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/edge"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// PlatformVersion is the Fargate platform every service runs on (1.4.0 or
// later is needed for GuardDuty runtime monitoring and CKV_AWS_332).
const PlatformVersion = "1.4.0"

// HealthCheckGraceSeconds gives a new task time to start before the ALB's
// health checks can have it killed.
const HealthCheckGraceSeconds = 60

// TmpfsMountOptions are the options of every container's tmpfs /tmp: writable,
// no setuid binaries, no device files, nothing executable, and world-writable
// with the sticky bit (like a host's /tmp), so that any non-root uid the image
// runs as can write there (ECS API reference, Tmpfs.mountOptions).
var TmpfsMountOptions = []string{"rw", "nosuid", "nodev", "noexec", "mode=1777"}

// DroppedCapabilities are the Linux capabilities every container drops:
// all of them. A container otherwise keeps Docker's default set (CHOWN,
// DAC_OVERRIDE, FOWNER, NET_RAW, SETUID, SETGID and others), which a
// non-root process can use through a setuid binary or file capabilities in
// its image; Fargate accepts drop, and adds back only SYS_PTRACE (Amazon ECS
// API Reference, KernelCapabilities). A service that must bind a port
// below 1024 binds a higher one instead (containerPort).
var DroppedCapabilities = []string{"ALL"}

// DeploymentMinimumHealthyPercent and DeploymentMaximumPercent make every
// deployment rolling: the new tasks start (up to twice the desired count)
// before any old one stops, so capacity never drops below desired.
const (
	DeploymentMinimumHealthyPercent = 100
	DeploymentMaximumPercent        = 200
)

// ServiceArgs configures a Service.
type ServiceArgs struct {
	// Name is the service's short name ("api"). Required.
	Name string
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the service and its log group; its region is where the logs go.
	// Required.
	Scope naming.Scope
	// Spec is the service's configuration. Required.
	Spec stackconfig.Service
	// Image is the full image reference. Required.
	Image pulumi.StringInput
	// ClusterArn and ClusterName name the cluster. Required.
	ClusterArn, ClusterName pulumi.StringInput
	// Cluster is the cluster's name as a plain value, with which the
	// program reads the revision the service runs now. Required.
	Cluster string
	// ExecutionRoleArn and TaskRoleArn are the two roles of its tasks. Required.
	ExecutionRoleArn, TaskRoleArn pulumi.StringInput
	// SubnetIDs are the app subnets. Required.
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupIDs are the tasks' security groups: the ECS group, and
	// the internet-egress group for a service with internetEgress. Required.
	SecurityGroupIDs pulumi.StringArrayInput
	// LoadBalancer holds Spec.TargetGroup; the service waits for its
	// listeners and rules (LoadBalancer.Ready), or joining the target group
	// fails. Required when Spec.TargetGroup is set.
	LoadBalancer *edge.LoadBalancer
	// CapacityProviders is the cluster's capacity-provider association,
	// which must exist before a service whose strategy names FARGATE. Required.
	CapacityProviders pulumi.Resource
	// Secrets maps secret name to ARN; every name in Spec.Secrets is required.
	Secrets map[stackconfig.SecretName]pulumi.StringOutput
	// Database is where a service with Spec.Database connects: Host, Port
	// and Name are then required.
	Database DatabaseEndpoint
}

// validate reports every missing or invalid field at once.
func (a ServiceArgs) validate() error {
	c := fields.For("compute.ServiceArgs")
	c.Require("Name", a.Name)
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Spec", a.Spec)
	c.Require("Image", a.Image)
	c.Require("ClusterArn", a.ClusterArn)
	c.Require("ClusterName", a.ClusterName)
	c.Require("Cluster", a.Cluster)
	c.Require("ExecutionRoleArn", a.ExecutionRoleArn)
	c.Require("TaskRoleArn", a.TaskRoleArn)
	c.Require("SubnetIDs", a.SubnetIDs)
	c.Require("SecurityGroupIDs", a.SecurityGroupIDs)
	c.Require("CapacityProviders", a.CapacityProviders)
	if tg := a.Spec.TargetGroup; tg != "" {
		if a.LoadBalancer == nil {
			c.Invalid("LoadBalancer", "required: the service serves target group %q", tg)
		} else if _, ok := a.LoadBalancer.TargetGroupArns[tg]; !ok {
			c.Invalid("Spec.TargetGroup", "%q is not on LoadBalancer", tg)
		}
	}
	if a.Spec.Database {
		if lacks := a.Database.lacks(false); len(lacks) > 0 {
			c.Invalid("Database", "has no %s, which Spec.Database needs", strings.Join(lacks, ", "))
		}
	}
	// The platform's own variables are set after the service's: a service
	// setting one would be silently overridden.
	for _, k := range slices.Sorted(maps.Keys(a.Spec.Environment)) {
		if slices.Contains(stackconfig.ReservedEnvironment(), k) {
			c.Invalid("Spec.Environment", "%s is set by the platform", k)
		}
	}
	for _, secret := range a.Spec.Secrets {
		if _, ok := a.Secrets[secret]; !ok {
			c.Invalid("Secrets", "has no %q, which Spec.Secrets asks for", secret)
		}
		if secret.EnvName() == "" {
			c.Invalid("Spec.Secrets", "%q has no environment variable to be injected as", secret)
		}
	}
	return c.Err()
}

// Service is one running ECS service.
type Service struct {
	pulumi.ResourceState

	// Name is the ECS service name (ServiceName dimension of its metrics).
	Name pulumi.StringOutput
	// TaskDefinitionArn is the revision this program registered.
	TaskDefinitionArn pulumi.StringOutput
	// TaskDefinition is the family:revision the service runs after this
	// update; the update fails if ECS rolled the deployment back.
	TaskDefinition pulumi.StringOutput
}

// ServiceName is the ECS name of a service: <prefix>-<service>.
func ServiceName(scope naming.Scope, service string) string { return scope.Name(service) }

// Container is what a container definition needs, as plain values.
type Container struct {
	Name, Image, User, LogGroup, Region string
	// Port is the container port; 0 for none.
	Port int
	// Secrets maps environment variable to secret ARN.
	Secrets map[string]string
	// Environment holds plain, non-secret settings.
	Environment map[string]string
	// TmpfsMiB is the size of the writable tmpfs /tmp. Required.
	TmpfsMiB int
}

// ContainerDefinitions renders the task's one container: read-only root
// filesystem with a writable tmpfs /tmp, non-root, not privileged, every
// capability dropped, awslogs, and secrets only through valueFrom.
//
// /tmp is a tmpfs (linuxParameters.tmpfs, on Fargate since January 2026),
// not a task volume: Fargate creates an empty bind volume owned by root with
// mode 0755, so a non-root process (nginx as uid 101, the apps as 1000)
// could not write its pid file or temp files there and would exit at start.
func ContainerDefinitions(c Container) (string, error) {
	type kv struct {
		Name  string `json:"name"`
		Value string `json:"value,omitempty"`
		From  string `json:"valueFrom,omitempty"`
	}
	def := map[string]any{
		"name":                   c.Name,
		"image":                  c.Image,
		"essential":              true,
		"user":                   c.User,
		"readonlyRootFilesystem": true,
		"privileged":             false,
		"linuxParameters": map[string]any{
			"tmpfs":        []map[string]any{{"containerPath": "/tmp", "size": c.TmpfsMiB, "mountOptions": TmpfsMountOptions}},
			"capabilities": map[string]any{"drop": DroppedCapabilities},
		},
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group":         c.LogGroup,
				"awslogs-region":        c.Region,
				"awslogs-stream-prefix": c.Name,
			},
		},
	}
	if c.Port > 0 {
		def["portMappings"] = []map[string]any{{"containerPort": c.Port, "protocol": "tcp"}}
	}
	var env, secrets []kv
	for _, k := range slices.Sorted(maps.Keys(c.Environment)) {
		env = append(env, kv{Name: k, Value: c.Environment[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(c.Secrets)) {
		secrets = append(secrets, kv{Name: k, From: c.Secrets[k]})
	}
	if len(env) > 0 {
		def["environment"] = env
	}
	if len(secrets) > 0 {
		def["secrets"] = secrets
	}
	b, err := json.Marshal([]any{def})
	return string(b), err
}

// NewService registers a task definition revision and runs the family's
// newest revision as a service, so that neither the deployment pipeline nor
// `pulumi up` undoes the other. Where autoscaling owns the task count,
// Pulumi sets it at creation only.
func NewService(ctx *pulumi.Context, name string, args *ServiceArgs, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil {
		args = &ServiceArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	spec := args.Spec
	s := &Service{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compute:Service", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	physical := ServiceName(args.Scope, args.Name)

	// Inputs to the container definition: the image and each secret's ARN.
	inputs := []any{args.Image}
	var envNames []string
	for _, secret := range spec.Secrets {
		envNames = append(envNames, secret.EnvName())
		inputs = append(inputs, args.Secrets[secret])
	}
	// A service that uses the database gets where to connect and its own
	// user, as plain settings; it signs in with an IAM token its task role
	// allows, never with the master password.
	usesDatabase := spec.Database
	if usesDatabase {
		inputs = append(inputs, args.Database.Host)
	}
	containers := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		c := Container{
			Name:        args.Name,
			Image:       v[0].(string),
			User:        spec.User,
			LogGroup:    ServiceLogGroupName(args.Scope, args.Name),
			Region:      args.Scope.Region,
			Port:        spec.ContainerPort,
			Secrets:     map[string]string{},
			Environment: maps.Clone(spec.Environment),
			TmpfsMiB:    spec.Tmpfs(),
		}
		if c.Environment == nil {
			c.Environment = map[string]string{}
		}
		for i, e := range envNames {
			c.Secrets[e] = v[1+i].(string)
		}
		if usesDatabase {
			c.Environment["DB_HOST"] = v[len(v)-1].(string)
			c.Environment["DB_PORT"] = strconv.Itoa(args.Database.Port)
			c.Environment["DB_NAME"] = args.Database.Name
			c.Environment["DB_USER"] = stackconfig.DatabaseUser(args.Name)
		}
		return ContainerDefinitions(c)
	}).(pulumi.StringOutput)

	task, err := ecs.NewTaskDefinition(ctx, name+"-task", &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(TaskFamily(args.Scope, args.Name)),
		Cpu:                     pulumi.String(strconv.Itoa(spec.Cpu)),
		Memory:                  pulumi.String(strconv.Itoa(spec.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn:        args.ExecutionRoleArn,
		TaskRoleArn:             args.TaskRoleArn,
		// X86_64 or ARM64 (validated): the image must be built for it.
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(spec.Architecture()),
		},
		ContainerDefinitions: containers,
		// Earlier revisions stay registered, for rollbacks and for the
		// pipeline's revisions, which Pulumi does not own.
		SkipDestroy: pulumi.Bool(true),
		Tags:        pulumi.StringMap{"Name": pulumi.String(physical)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("register task definition of %s: %w", args.Name, err)
	}

	// The service runs the newer of the revision it runs now and the one
	// registered here: `pulumi up` never reverts the pipeline's revision,
	// a config change (a new revision here) is deployed, and a pipeline
	// revision the circuit breaker rolled back is never picked up again,
	// since the service no longer runs it. family:revision is stored as
	// given, so there is no perpetual diff.
	running, err := RunningTaskDefinition(ctx, args.Cluster, physical, pulumi.Parent(s))
	if err != nil {
		return nil, err
	}
	revision := task.Revision.ApplyT(func(registered int) (string, error) {
		return ChooseRevision(physical, registered, running)
	}).(pulumi.StringOutput)

	svcArgs := &ecs.ServiceArgs{
		Name:           pulumi.String(physical),
		Cluster:        args.ClusterArn,
		TaskDefinition: revision,
		DesiredCount:   pulumi.Int(spec.DesiredCount),
		CapacityProviderStrategies: ecs.ServiceCapacityProviderStrategyArray{&ecs.ServiceCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String(ServiceCapacityProvider), Weight: pulumi.Int(ServiceCapacityProviderWeight),
		}},
		PlatformVersion: pulumi.String(PlatformVersion),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        args.SubnetIDs,
			SecurityGroups: args.SecurityGroupIDs,
			AssignPublicIp: pulumi.Bool(false),
		},
		DeploymentMinimumHealthyPercent: pulumi.Int(DeploymentMinimumHealthyPercent),
		DeploymentMaximumPercent:        pulumi.Int(DeploymentMaximumPercent),
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{
			Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true),
		},
		EnableEcsManagedTags: pulumi.Bool(true),
		PropagateTags:        pulumi.String("SERVICE"),
		EnableExecuteCommand: pulumi.Bool(false),
		// `pulumi up` waits until the deployment settles (up to the
		// provider's 20-minute update timeout).
		WaitForSteadyState: pulumi.Bool(true),
		Tags:               pulumi.StringMap{"Name": pulumi.String(physical)},
	}
	if spec.TargetGroup != "" {
		svcArgs.LoadBalancers = ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: args.LoadBalancer.TargetGroupArns[spec.TargetGroup],
			ContainerName:  pulumi.String(args.Name),
			ContainerPort:  pulumi.Int(spec.ContainerPort),
		}}
		svcArgs.HealthCheckGracePeriodSeconds = pulumi.Int(HealthCheckGraceSeconds)
	}
	// Every running service waits for the load balancer's listeners and
	// rules, whether or not it serves a target group.
	deps := []pulumi.Resource{args.CapacityProviders}
	if args.LoadBalancer != nil {
		deps = append(deps, args.LoadBalancer.Ready...)
	}
	svcOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn(deps)}
	if spec.Autoscaling != nil {
		svcOpts = append(svcOpts, pulumi.IgnoreChanges([]string{"desiredCount"}))
	}
	service, err := ecs.NewService(ctx, name, svcArgs, svcOpts...)
	if err != nil {
		return nil, fmt.Errorf("create service %s: %w", args.Name, err)
	}

	if a := spec.Autoscaling; a != nil {
		resourceID := pulumi.Sprintf("service/%s/%s", args.ClusterName, service.Name)
		target, err := appautoscaling.NewTarget(ctx, name+"-scaling-target", &appautoscaling.TargetArgs{
			ServiceNamespace:  pulumi.String("ecs"),
			ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
			ResourceId:        resourceID,
			MinCapacity:       pulumi.Int(a.MinCount),
			MaxCapacity:       pulumi.Int(a.MaxCount),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create scaling target of %s: %w", args.Name, err)
		}
		if _, err := appautoscaling.NewPolicy(ctx, name+"-cpu-scaling", &appautoscaling.PolicyArgs{
			Name:              pulumi.String(physical + "-cpu"),
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				PredefinedMetricSpecification: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String("ECSServiceAverageCPUUtilization"),
				},
				TargetValue: pulumi.Float64(float64(a.CpuTargetPercent)),
				// Out fast, in slowly: scaling in too eagerly drops capacity mid-spike.
				ScaleOutCooldown: pulumi.Int(60),
				ScaleInCooldown:  pulumi.Int(300),
			},
		}, parent); err != nil {
			return nil, fmt.Errorf("create CPU scaling policy of %s: %w", args.Name, err)
		}
	}

	s.Name = service.Name
	s.TaskDefinitionArn = task.Arn
	// A circuit-breaker rollback also reaches a steady state, which the
	// provider reports as success (terraform-provider-aws#19519, #20858):
	// after the update it reads back what the service runs, and a
	// revision other than the one requested fails `pulumi up` here.
	s.TaskDefinition = pulumi.All(revision, service.TaskDefinition).ApplyT(func(v []any) (string, error) {
		requested, deployed := v[0].(string), v[1].(*string)
		if deployed == nil {
			return requested, nil
		}
		return *deployed, CheckDeployed(requested, *deployed)
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"name": s.Name, "taskDefinitionArn": s.TaskDefinitionArn, "taskDefinition": s.TaskDefinition}); err != nil {
		return nil, err
	}
	return s, nil
}
