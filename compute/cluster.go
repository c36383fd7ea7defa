package compute

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/edge"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// ClusterArgs configures a Cluster.
type ClusterArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// is the cluster's name and starts every other name; its account and region
	// scope the roles' trust and their policies' resource ARNs. Required.
	Scope naming.Scope
	// Services are the configured services, running or only declared. Required.
	Services map[string]stackconfig.Service
	// Registry holds the services' own repositories. Required.
	Registry *Registry
	// SubnetIDs are the app subnets the tasks run in. Required.
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the ECS security group. Required.
	SecurityGroupID pulumi.StringInput
	// LoadBalancer holds the target groups services serve: a service cannot
	// join a target group that no listener uses yet, so every running
	// service waits for its listeners and rules (LoadBalancer.Ready).
	// Required when a running service names a target group.
	LoadBalancer *edge.LoadBalancer
	// Secrets maps each service to its own secrets' ARNs, by the name it
	// asks for them by (stackconfig.APIKeys): a service's execution role
	// reads its own secrets and no other's. Required for every name a
	// declared service uses.
	Secrets map[string]map[stackconfig.SecretName]pulumi.StringOutput
	// InternetSecurityGroupID is added to the tasks of services with
	// internetEgress (security.InternetEgressGroup). Required when a
	// running service has internetEgress.
	InternetSecurityGroupID pulumi.StringInput
	// SecretsKeyArn decrypts those secrets. Required.
	SecretsKeyArn pulumi.StringInput
	// Database is where services with database: true connect; its
	// ClusterResourceID is required when a declared service uses it.
	Database DatabaseEndpoint
	// LogKeyArn encrypts every log group. Required.
	LogKeyArn pulumi.StringInput
	// LogRetentionDays is the log groups' retention. Required.
	LogRetentionDays int
}

// validate reports every missing or invalid field at once.
func (a ClusterArgs) validate() error {
	c := fields.For("compute.ClusterArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Services", a.Services)
	c.Require("Registry", a.Registry)
	c.Require("SubnetIDs", a.SubnetIDs)
	c.Require("SecurityGroupID", a.SecurityGroupID)
	c.Require("SecretsKeyArn", a.SecretsKeyArn)
	c.Require("LogKeyArn", a.LogKeyArn)
	c.Require("LogRetentionDays", a.LogRetentionDays)
	for _, svc := range slices.Sorted(maps.Keys(a.Services)) {
		spec := a.Services[svc]
		field := fmt.Sprintf("Services[%s]", svc)
		if spec.Database {
			if lacks := a.Database.lacks(true); len(lacks) > 0 {
				c.Invalid(field, "uses the database, but Database has no %s", strings.Join(lacks, ", "))
			}
		}
		for _, secret := range spec.Secrets {
			if _, ok := a.Secrets[svc][secret]; !ok {
				c.Invalid(field, "asks for secret %q, which is not in Secrets[%s]", secret, svc)
			}
		}
		if spec.Enabled && spec.InternetEgress && fields.Absent(a.InternetSecurityGroupID) {
			c.Invalid(field, "has internetEgress, but InternetSecurityGroupID is not given")
		}
		if spec.Enabled && spec.TargetGroup != "" {
			if a.LoadBalancer == nil {
				c.Invalid(field, "serves target group %q, but LoadBalancer is not given", spec.TargetGroup)
			} else if _, ok := a.LoadBalancer.TargetGroupArns[spec.TargetGroup]; !ok {
				c.Invalid(field, "serves target group %q, which is not on LoadBalancer", spec.TargetGroup)
			}
		}
	}
	return c.Err()
}

// DatabaseEndpoint is what a service needs to reach Aurora and sign in with
// IAM database authentication. Every field is required when a service uses
// the database: its task gets DB_HOST, DB_PORT and DB_NAME from them.
type DatabaseEndpoint struct {
	// Host is the writer endpoint.
	Host pulumi.StringInput
	// Port is the PostgreSQL port.
	Port int
	// Name is the database's name.
	Name string
	// ClusterResourceID is the cluster's resource ID (cluster-ABC...), which
	// rds-db:connect ARNs name; the cluster's task roles need it, a service
	// alone does not.
	ClusterResourceID pulumi.StringInput
}

// lacks names the fields a service that uses the database would miss, so
// validation refuses the Args before anything is registered rather than a
// task definition failing, or carrying DB_PORT=0, inside an apply.
func (d DatabaseEndpoint) lacks(withResourceID bool) []string {
	var missing []string
	for _, f := range []struct {
		name   string
		absent bool
	}{
		{"Host", fields.Absent(d.Host)},
		{"Port", d.Port == 0},
		{"Name", d.Name == ""},
		{"ClusterResourceID", withResourceID && fields.Absent(d.ClusterResourceID)},
	} {
		if f.absent {
			missing = append(missing, f.name)
		}
	}
	return missing
}

// DatabaseConnectArn is the rds-db:connect resource of one database user:
// IAM authentication as exactly that user on exactly this cluster.
func DatabaseConnectArn(scope naming.Scope, clusterResourceID, user string) string {
	return scope.ARN("rds-db", "dbuser:"+clusterResourceID+"/"+user)
}

// DatabaseConnectPolicy lets a task role sign in to the database as one
// user (the service's DatabaseUser, or its MigrationUser) and as no other.
func DatabaseConnectPolicy(scope naming.Scope, clusterResourceID, user string) policy.Document {
	return policy.New(policy.Allow("ConnectAsOwnDatabaseUser", []string{"rds-db:connect"},
		[]string{DatabaseConnectArn(scope, clusterResourceID, user)}))
}

// ClusterName is the ECS cluster's name: the stack's prefix.
func ClusterName(scope naming.Scope) string { return scope.Prefix }

// TaskRoleName is a service's task role: <prefix>-<service>-task.
func TaskRoleName(scope naming.Scope, service string) string { return scope.Name(service, "task") }

// MigrationRoleName is the task role a service's schema migrations run
// under (a one-off task of the service's task definition with this role
// instead of its own): <prefix>-<service>-migrate. Only services with
// database: true have one.
func MigrationRoleName(scope naming.Scope, service string) string {
	return scope.Name(service, "migrate")
}

// TaskFamily is the task-definition family of a service: its ECS name.
func TaskFamily(scope naming.Scope, service string) string { return ServiceName(scope, service) }

// Cluster is the ECS cluster, its services and their roles.
type Cluster struct {
	pulumi.ResourceState

	// Name is the cluster's name (ClusterName dimension of its metrics).
	Name pulumi.StringOutput
	// Arn is the cluster's ARN.
	Arn pulumi.StringOutput
	// Services maps service name to the running services.
	Services map[string]*Service
	// ServiceNames lists the running services' ECS names.
	ServiceNames pulumi.StringArrayOutput
}

// ServiceLogGroupName is a service's log group, which exists whether or not
// it runs: /ecs/<prefix>/<service>, the prefix a path segment under /ecs/
// (ServiceLogGroupName(scope, "") is the path every service's group starts with).
func ServiceLogGroupName(scope naming.Scope, service string) string {
	return "/ecs/" + scope.Prefix + "/" + service
}

// ExecLogGroupName receives ECS Exec sessions, should a service enable them.
func ExecLogGroupName(scope naming.Scope) string { return ServiceLogGroupName(scope, "exec") }

// TaskTrustPolicy lets ECS tasks of this account, and only those, assume a role.
func TaskTrustPolicy(scope naming.Scope) policy.Document {
	return policy.AssumeRole("ecs-tasks.amazonaws.com", policy.Conditions{
		"StringEquals": {"aws:SourceAccount": {scope.Account}},
		"ArnLike":      {"aws:SourceArn": {scope.ARN("ecs", "*")}},
	})
}

// NewCluster creates the cluster (Container Insights, Fargate and Fargate
// Spot, ECS Exec logged encrypted), every declared service's log group,
// task role and execution role, and the enabled services.
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		args = &ClusterArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &Cluster{Services: map[string]*Service{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:compute:Cluster", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	names := slices.Sorted(maps.Keys(args.Services))

	execLogs, err := logs.NewGroup(ctx, name+"-exec-logs", &logs.GroupArgs{
		Name: ExecLogGroupName(args.Scope), RetentionDays: args.LogRetentionDays, KmsKeyArn: args.LogKeyArn,
	}, parent)
	if err != nil {
		return nil, err
	}
	cluster, err := ecs.NewCluster(ctx, name, &ecs.ClusterArgs{
		Name:     pulumi.String(ClusterName(args.Scope)),
		Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
		Configuration: &ecs.ClusterConfigurationArgs{
			ExecuteCommandConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationArgs{
				KmsKeyId: args.LogKeyArn,
				Logging:  pulumi.String("OVERRIDE"),
				LogConfiguration: &ecs.ClusterConfigurationExecuteCommandConfigurationLogConfigurationArgs{
					CloudWatchEncryptionEnabled: pulumi.Bool(true),
					CloudWatchLogGroupName:      execLogs.Name,
				},
			},
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(args.Scope.Prefix)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create ECS cluster: %w", err)
	}
	providers, err := ecs.NewClusterCapacityProviders(ctx, name+"-capacity-providers", &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       cluster.Name,
		CapacityProviders: pulumi.StringArray{pulumi.String("FARGATE"), pulumi.String("FARGATE_SPOT")},
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			&ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE"), Weight: pulumi.Int(1)},
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("set cluster capacity providers: %w", err)
	}

	// Every declared service gets its log group and task role now, so the
	// app team can push images and wire permissions before switching it on.
	trust := TaskTrustPolicy(args.Scope)
	taskRoles, executionRoles := map[string]*access.Role{}, map[string]*access.Role{}
	for _, svc := range names {
		if _, err := logs.NewGroup(ctx, fmt.Sprintf("%s-%s-logs", name, svc), &logs.GroupArgs{
			Name: ServiceLogGroupName(args.Scope, svc), RetentionDays: args.LogRetentionDays, KmsKeyArn: args.LogKeyArn,
		}, parent); err != nil {
			return nil, err
		}
		// The task role starts with no permissions: each service is granted
		// what its code needs, and nothing the execution role has. A
		// database user may sign in as its own database user only.
		roleArgs := &access.RoleArgs{
			Name:        TaskRoleName(args.Scope, svc),
			Description: fmt.Sprintf("Application permissions of the %s service", svc),
			Trust:       trust,
		}
		if args.Services[svc].Database {
			roleArgs.Policy = connectPolicy(args, stackconfig.DatabaseUser(svc))
			roleArgs.PolicyDescription = fmt.Sprintf("Sign in to Aurora as %s with IAM database authentication", stackconfig.DatabaseUser(svc))
		}
		role, err := access.NewRole(ctx, fmt.Sprintf("%s-%s-task", name, svc), roleArgs, parent)
		if err != nil {
			return nil, fmt.Errorf("task role of %s: %w", svc, err)
		}
		taskRoles[svc] = role
		// Schema migrations run as their own database user, which owns the
		// service's tables, under their own role: the running service keeps
		// data grants only, and cannot sign in as the migration user.
		if args.Services[svc].Database {
			if _, err := access.NewRole(ctx, fmt.Sprintf("%s-%s-migrate", name, svc), &access.RoleArgs{
				Name:              MigrationRoleName(args.Scope, svc),
				Description:       fmt.Sprintf("Schema migrations of the %s service (a one-off task of its task definition)", svc),
				Trust:             trust,
				Policy:            connectPolicy(args, stackconfig.MigrationUser(svc)),
				PolicyDescription: fmt.Sprintf("Sign in to Aurora as %s with IAM database authentication", stackconfig.MigrationUser(svc)),
			}, parent); err != nil {
				return nil, fmt.Errorf("migration role of %s: %w", svc, err)
			}
		}
		if executionRoles[svc], err = newExecutionRole(ctx, name, args, svc, parent); err != nil {
			return nil, err
		}
	}

	var running pulumi.StringArray
	for _, svc := range names {
		spec := args.Services[svc]
		if !spec.Enabled {
			continue
		}
		image := pulumi.String(spec.Image).ToStringOutput()
		if spec.Image == "" {
			image = pulumi.Sprintf("%s:%s", args.Registry.RepositoryUrls[svc], spec.ImageTag)
		}
		s, err := NewService(ctx, fmt.Sprintf("%s-%s", name, svc), &ServiceArgs{
			Name:              svc,
			Scope:             args.Scope,
			Spec:              spec,
			Image:             image,
			ClusterArn:        cluster.Arn,
			ClusterName:       cluster.Name,
			Cluster:           ClusterName(args.Scope),
			ExecutionRoleArn:  executionRoles[svc].Arn,
			TaskRoleArn:       taskRoles[svc].Arn,
			SubnetIDs:         args.SubnetIDs,
			SecurityGroupIDs:  serviceGroups(args, spec),
			LoadBalancer:      args.LoadBalancer,
			CapacityProviders: providers,
			Secrets:           args.Secrets[svc],
			Database:          args.Database,
		}, parent)
		if err != nil {
			return nil, err
		}
		c.Services[svc] = s
		running = append(running, s.Name)
	}

	c.Name = cluster.Name
	c.Arn = cluster.Arn
	c.ServiceNames = running.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"name": c.Name, "serviceNames": c.ServiceNames}); err != nil {
		return nil, err
	}
	return c, nil
}

// connectPolicy is the policy of a role that signs in to the database as user.
func connectPolicy(args *ClusterArgs, user string) pulumi.StringOutput {
	return pulumi.All(args.Database.ClusterResourceID).ApplyT(func(v []any) string {
		return DatabaseConnectPolicy(args.Scope, v[0].(string), user).JSON()
	}).(pulumi.StringOutput)
}
