// Package platform is the Pulumi program: it loads and validates the stack
// configuration once, builds every tier in dependency order, and exports the
// stack outputs. main.go, the tests and the offline synthesis all run it.
package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/edge"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/network"
	"github.com/omnirapeutic/infrastructure/observability"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
	"github.com/omnirapeutic/infrastructure/storage"
)

// Stack is what Deploy built: the decoded configuration, each tier, and the
// stack outputs it exported.
type Stack struct {
	// Config is the validated stack configuration.
	Config *stackconfig.Config
	// Scope is the prefix, account, region and partition every resource
	// was named and scoped with, for reports that name resources.
	Scope naming.Scope
	// Keys are the customer managed KMS keys.
	Keys *security.Keys
	// Network is the VPC tier.
	Network *network.Vpc
	// SecurityGroups are the ALB, ECS, Aurora, bastion, endpoint and
	// internet-egress groups.
	SecurityGroups *security.SecurityGroups
	// Endpoints are the interface VPC endpoints.
	Endpoints *network.Endpoints
	// Secrets is the application's secrets.
	Secrets *security.Secrets
	// Aurora is the database cluster.
	Aurora *data.Aurora
	// Bastion is the SSM-only bastion.
	Bastion *data.Bastion
	// Registry is the ECR repositories.
	Registry *compute.Registry
	// LoadBalancer is the internet-facing ALB.
	LoadBalancer *edge.LoadBalancer
	// WebAcl is the WAF in front of the ALB.
	WebAcl *edge.WebAcl
	// Cluster is the ECS cluster and its services.
	Cluster *compute.Cluster
	// AlarmTopic receives every alarm and high-severity finding.
	AlarmTopic *observability.AlarmTopic
	// Trail is the CloudTrail trail.
	Trail *compliance.Trail
	// Tampering is the EventBridge rules routing tampering to the alarm topic.
	Tampering *compliance.TamperDetection
	// Recorder is AWS Config with the HIPAA conformance pack; nil unless
	// the stack owns the account singletons.
	Recorder *compliance.Recorder
	// ThreatDetection is GuardDuty; nil unless the stack owns the account
	// singletons.
	ThreatDetection *compliance.ThreatDetection
	// Alarms are the 21 CloudWatch alarms, by area.
	Alarms *observability.Alarms
	// AccessLogs is the bucket every other bucket's S3 server access logs go to.
	AccessLogs *storage.Bucket
	// Backup is the AWS Backup vault and plan protecting Aurora.
	Backup *data.Backup
	// SecurityHub is Security Hub with AWS Foundational Security Best Practices.
	SecurityHub *compliance.SecurityHub
	// AccountBaseline is the account-wide settings the stack owns.
	AccountBaseline *compliance.AccountBaseline
	// RecoveryProvider creates what the recovery region holds; nil without
	// a recovery region (recovery.region), as are the four below.
	RecoveryProvider *aws.Provider
	// RecoveryVault holds the backup plan's copies in the recovery region.
	RecoveryVault *data.RecoveryVault
	// AuditReplication is the audit buckets' replicas in the recovery region.
	AuditReplication *compliance.AuditReplication
	// BackupAudit is AWS Backup Audit Manager's framework and reports; nil
	// also unless the stack owns the account singletons (AWS Config).
	BackupAudit *compliance.BackupAudit
	// RestoreTesting is the weekly restore test of Aurora.
	RestoreTesting *data.RestoreTesting
	// Outputs are the exported stack outputs, by name.
	Outputs pulumi.Map
	// Warnings are what the operator should know before `pulumi up`; each
	// is also logged through the engine, so preview and up print it.
	Warnings []string
}

// Run is the program `pulumi up` runs; main.go hands it to pulumi.Run.
func Run(ctx *pulumi.Context) error {
	_, err := Deploy(ctx)
	return err
}

// Deploy builds the whole stack and exports its outputs. Bad configuration
// fails here, before any resource is registered.
func Deploy(ctx *pulumi.Context) (*Stack, error) {
	cfg, err := stackconfig.Decode(ctx.Project(), ctx.Stack(), ctx.GetConfig)
	if err != nil {
		return nil, fmt.Errorf("invalid stack configuration:\n%w", err)
	}
	// The account is read once and passed down, with the name prefix, the
	// region and its partition, as one plain value: it names every
	// resource and scopes every ARN, trust and key policy, and it is known
	// at preview time.
	identity, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read caller identity: %w", err)
	}
	scope := naming.NewScope(cfg.NamePrefix(), identity.AccountId, cfg.Region)
	s := &Stack{Config: cfg, Scope: scope, Outputs: pulumi.Map{}, Warnings: cfg.Warnings()}
	for _, w := range s.Warnings {
		if err := ctx.Log.Warn(w, nil); err != nil {
			return nil, fmt.Errorf("log warning: %w", err)
		}
	}

	if s.Keys, err = security.NewKeys(ctx, "keys", &security.KeysArgs{
		Scope:      scope,
		Custodians: custodians(cfg, scope),
		AuditLogGroups: []string{
			compliance.TrailLogGroupName(scope),
			data.PostgresLogGroupName(data.ClusterID(scope)),
			data.SessionLogGroupName(scope),
		},
		// Sessions are encrypted with the audit-logs key: the engineer who
		// starts one asks KMS for its data key, the bastion's agent
		// decrypts with it (Systems Manager User Guide, "Turn on KMS key
		// encryption of session data").
		DirectUsers: map[security.Purpose][]security.DirectUser{
			security.AuditLogsKey: {
				{PrincipalArn: scope.ARN("iam", "role/"+data.BastionRoleName(scope)), Actions: []string{"kms:Decrypt"}, Why: "BastionDecryptsSessions"},
				{PrincipalArn: scope.ARN("iam", "role/"+data.EngineerRoleName(scope)), Actions: []string{"kms:GenerateDataKey"}, Why: "EngineersEncryptSessions"},
			},
		},
	}); err != nil {
		return nil, fmt.Errorf("security tier: %w", err)
	}

	if s.AccessLogs, err = compliance.NewAccessLogBucket(ctx, "s3-access-logs", &compliance.AccessLogBucketArgs{
		Scope: scope,
	}); err != nil {
		return nil, fmt.Errorf("compliance tier: %w", err)
	}

	if s.Network, err = network.NewVpc(ctx, "network", &network.VpcArgs{
		Scope:                scope,
		CidrBlock:            cfg.Network.VpcCidr,
		AvailabilityZones:    cfg.Network.AvailabilityZones,
		SubnetCidrs:          cfg.Network.SubnetCidrs,
		FlowLogRetentionDays: cfg.Logs.RetentionDays,
		FlowLogKmsKeyArn:     s.Keys.Arns[security.LogsKey],
		SingleNatGateway:     cfg.Network.NatGateways == stackconfig.NatSingle,
	}); err != nil {
		return nil, fmt.Errorf("network tier: %w", err)
	}

	var containerPorts []int
	var apiKeyServices []string
	for _, name := range cfg.ServiceNames() {
		svc := cfg.Services[name]
		if svc.TargetGroup != "" {
			containerPorts = append(containerPorts, svc.ContainerPort)
		}
		if slices.Contains(svc.Secrets, stackconfig.APIKeys) {
			apiKeyServices = append(apiKeyServices, name)
		}
	}
	if s.SecurityGroups, err = security.NewSecurityGroups(ctx, "security-groups", &security.SecurityGroupsArgs{
		Scope:          scope,
		VpcID:          s.Network.VpcID.ToStringOutput(),
		VpcCidr:        cfg.Network.VpcCidr,
		S3PrefixListID: s.Network.S3PrefixListID,
		ContainerPorts: containerPorts,
	}); err != nil {
		return nil, fmt.Errorf("security tier: %w", err)
	}

	// AWS traffic of the tasks and the bastion leaves through interface
	// endpoints in the AZs of its consumers (network.Placements).
	if s.Endpoints, err = network.NewEndpoints(ctx, "endpoints", &network.EndpointsArgs{
		Scope:           scope,
		VpcID:           s.Network.VpcID.ToStringOutput(),
		SubnetIDsByAZ:   s.Network.SubnetIDsByAZ[stackconfig.App],
		SecurityGroupID: s.SecurityGroups.IDs[security.EndpointsGroup].ToStringOutput(),
		Placements: network.Placements(cfg.Network.AvailabilityZones, map[network.Consumer][]string{
			network.Tasks:   s.Network.NatAvailabilityZones,
			network.Bastion: {cfg.Bastion.AvailabilityZone},
		}),
	}); err != nil {
		return nil, fmt.Errorf("network tier: %w", err)
	}

	if s.Secrets, err = security.NewSecrets(ctx, "secrets", &security.SecretsArgs{
		Scope:          scope,
		KmsKeyArn:      s.Keys.Arns[security.SecretsKey],
		APIKeyServices: apiKeyServices,
	}); err != nil {
		return nil, fmt.Errorf("security tier: %w", err)
	}

	if s.Aurora, err = data.NewAurora(ctx, "aurora", &data.AuroraArgs{
		Scope:               scope,
		Settings:            cfg.Aurora,
		SubnetIDs:           s.Network.SubnetIDs[stackconfig.Data],
		SecurityGroupID:     s.SecurityGroups.IDs[security.AuroraGroup].ToStringOutput(),
		StorageKeyArn:       s.Keys.Arns[security.AuroraKey],
		SecretKeyArn:        s.Keys.Arns[security.SecretsKey],
		LogKeyArn:           s.Keys.Arns[security.AuditLogsKey],
		LogRetentionDays:    cfg.Logs.AuditRetentionDays,
		Incarnation:         s.Network.VpcID.ToStringOutput(),
		RestoreFromSnapshot: cfg.Recovery.RestoreFromSnapshot,
	}); err != nil {
		return nil, fmt.Errorf("data tier: %w", err)
	}

	if s.Bastion, err = data.NewBastion(ctx, "bastion", &data.BastionArgs{
		Scope:                  scope,
		Settings:               cfg.Bastion,
		SubnetID:               s.Network.SubnetIDsByAZ[stackconfig.Data][cfg.Bastion.AvailabilityZone].ToStringOutput(),
		SecurityGroupID:        s.SecurityGroups.IDs[security.BastionGroup].ToStringOutput(),
		LogKeyArn:              s.Keys.Arns[security.AuditLogsKey],
		LogKeyID:               s.Keys.IDs[security.AuditLogsKey],
		LogRetentionDays:       cfg.Logs.AuditRetentionDays,
		DatabaseEndpoint:       s.Aurora.Endpoint,
		DatabaseReaderEndpoint: s.Aurora.ReaderEndpoint,
		MasterSecretArn:        s.Aurora.MasterSecretArn,
		SecretsKeyArn:          s.Keys.Arns[security.SecretsKey],
		// One per account: created only by the stack that owns them.
		OwnsSessionPreferences: cfg.OwnsAccountSingletons,
	}); err != nil {
		return nil, fmt.Errorf("data tier: %w", err)
	}

	if s.Registry, err = compute.NewRegistry(ctx, "ecr", &compute.RegistryArgs{
		Scope:        scope,
		Repositories: cfg.EcrRepositories,
		KmsKeyArn:    s.Keys.Arns[security.SecretsKey],
		// The registry's scanning configuration is one per account and region.
		OwnsScanningConfiguration: cfg.OwnsAccountSingletons,
	}); err != nil {
		return nil, fmt.Errorf("compute tier: %w", err)
	}

	var targetGroups []edge.TargetGroup
	for _, tg := range cfg.Edge.TargetGroups() {
		targetGroups = append(targetGroups, edge.TargetGroup{Name: tg, HealthCheckPath: cfg.HealthCheckPath(tg)})
	}
	if s.LoadBalancer, err = edge.NewLoadBalancer(ctx, "alb", &edge.LoadBalancerArgs{
		Scope:              scope,
		VpcID:              s.Network.VpcID.ToStringOutput(),
		SubnetIDs:          s.Network.SubnetIDs[stackconfig.Public],
		SecurityGroupID:    s.SecurityGroups.IDs[security.AlbGroup].ToStringOutput(),
		TargetGroups:       targetGroups,
		DefaultTargetGroup: cfg.Edge.DefaultTargetGroup,
		PathRoutes:         cfg.Edge.PathRoutes,
		CertificateArn:     cfg.Edge.CertificateArn,
		AccessLogDays:      cfg.Logs.RetentionDays,
		DeletionProtection: cfg.AlbDeletionProtection,
		S3AccessLogBucket:  s.AccessLogs,
	}); err != nil {
		return nil, fmt.Errorf("edge tier: %w", err)
	}
	if s.WebAcl, err = edge.NewWebAcl(ctx, "waf", &edge.WebAclArgs{
		Scope:            scope,
		LoadBalancer:     s.LoadBalancer,
		RateLimit:        cfg.Edge.WafRateLimit,
		LogKeyArn:        s.Keys.Arns[security.LogsKey],
		LogRetentionDays: cfg.Logs.RetentionDays,
	}); err != nil {
		return nil, fmt.Errorf("edge tier: %w", err)
	}

	if s.Cluster, err = compute.NewCluster(ctx, "ecs", &compute.ClusterArgs{
		Scope:           scope,
		Services:        cfg.Services,
		Registry:        s.Registry,
		SubnetIDs:       s.Network.SubnetIDs[stackconfig.App],
		SecurityGroupID: s.SecurityGroups.IDs[security.EcsGroup].ToStringOutput(),
		LoadBalancer:    s.LoadBalancer,
		// The Aurora master secret is deliberately not here: services sign
		// in as their own IAM database users.
		Secrets:                 serviceSecrets(s.Secrets),
		InternetSecurityGroupID: s.SecurityGroups.IDs[security.InternetEgressGroup].ToStringOutput(),
		SecretsKeyArn:           s.Keys.Arns[security.SecretsKey],
		Database: compute.DatabaseEndpoint{
			Host: s.Aurora.Endpoint, Port: security.PostgresPort, Name: data.DatabaseName, ClusterResourceID: s.Aurora.ClusterResourceID,
		},
		LogKeyArn:        s.Keys.Arns[security.LogsKey],
		LogRetentionDays: cfg.Logs.RetentionDays,
	}); err != nil {
		return nil, fmt.Errorf("compute tier: %w", err)
	}

	// GuardDuty's and Security Hub's findings and the account-wide
	// tampering reach the topic through the rules of the stack that owns
	// the account singletons; every stack reports its own failed backup
	// jobs and ECS deploys outside the pipelines.
	routes := compliance.RoutesFor(tamperArgs(cfg, scope), cfg.OwnsAccountSingletons)
	var eventRules, rules []string
	if cfg.OwnsAccountSingletons {
		rules = append(rules, compliance.FindingsRuleName(scope), compliance.SecurityHubFindingsRuleName(scope))
	}
	rules = append(rules, data.BackupFailuresRuleName(scope))
	for _, r := range routes {
		rules = append(rules, compliance.TamperRuleName(scope, r.Key))
	}
	for _, rule := range rules {
		eventRules = append(eventRules, scope.ARN("events", "rule/"+rule))
	}
	if s.AlarmTopic, err = observability.NewAlarmTopic(ctx, "alarm-topic", &observability.AlarmTopicArgs{
		Scope:          scope,
		KmsKeyArn:      s.Keys.Arns[security.LogsKey],
		EventRuleArns:  eventRules,
		Emails:         cfg.AlarmEmails,
		HTTPSEndpoints: cfg.AlarmHttpsEndpoints,
	}); err != nil {
		return nil, fmt.Errorf("observability tier: %w", err)
	}

	if s.Tampering, err = compliance.NewTamperDetection(ctx, "tampering", &compliance.TamperDetectionArgs{
		Scope:    scope,
		Routes:   routes,
		TopicArn: s.AlarmTopic.Arn,
	}); err != nil {
		return nil, fmt.Errorf("compliance tier: %w", err)
	}
	for _, w := range s.Tampering.Warnings {
		s.Warnings = append(s.Warnings, w)
		if err := ctx.Log.Warn(w, nil); err != nil {
			return nil, fmt.Errorf("log warning: %w", err)
		}
	}

	if s.Trail, err = compliance.NewTrail(ctx, "cloudtrail", &compliance.TrailArgs{
		Scope:            scope,
		KmsKeyArn:        s.Keys.Arns[security.S3Key],
		LogKeyArn:        s.Keys.Arns[security.AuditLogsKey],
		LogRetentionDays: cfg.Logs.AuditRetentionDays,
		AccessLogBucket:  s.AccessLogs,
	}); err != nil {
		return nil, fmt.Errorf("compliance tier: %w", err)
	}
	if err := s.accountSingletons(ctx, scope); err != nil {
		return nil, err
	}
	if err := s.recoveryRegion(ctx, scope); err != nil {
		return nil, err
	}

	if s.Backup, err = data.NewBackup(ctx, "backup", &data.BackupArgs{
		Scope:                   scope,
		KmsKeyArn:               s.Keys.Arns[security.BackupKey],
		Cluster:                 s.Aurora,
		ContinuousRetentionDays: cfg.Aurora.BackupRetentionDays,
		DailyRetentionDays:      cfg.Backup.DailyRetentionDays,
		MonthlyRetentionDays:    cfg.Backup.MonthlyRetentionDays,
		TopicArn:                s.AlarmTopic.Arn,
		Bastion:                 s.Bastion,
		PolicyAdminArns:         data.VaultPolicyAdmins(scope),
		CopyVaultArn:            s.copyVaultArn(),
	}); err != nil {
		return nil, fmt.Errorf("data tier: %w", err)
	}
	if err := s.restoreTesting(ctx, scope); err != nil {
		return nil, err
	}

	var serviceNames []string
	for _, svc := range cfg.ServiceNames() {
		serviceNames = append(serviceNames, compute.ServiceName(scope, svc))
	}
	if s.Alarms, err = observability.NewAlarms(ctx, "alarms", &observability.AlarmsArgs{
		Scope:                  scope,
		TopicArn:               s.AlarmTopic.Arn,
		AuroraClusterID:        s.Aurora.ClusterIdentifier,
		LoadBalancerArnSuffix:  s.LoadBalancer.ArnSuffix,
		TargetGroupArnSuffixes: s.LoadBalancer.TargetGroupArnSuffixes,
		ClusterName:            s.Cluster.Name,
		ServiceNames:           serviceNames,
		WebAclName:             s.WebAcl.Name,
		AvailabilityZones:      s.Network.NatAvailabilityZones,
		NatGatewayIDs:          s.Network.NatGatewayIDsByAZ,
		TrailLogGroupName:      s.Trail.LogGroupName,
		FlowLogGroupName:       s.Network.FlowLogGroupName,
		MonthlyBudgetUsd:       cfg.MonthlyBudgetUsd,
		AuroraMaxCapacity:      cfg.Aurora.MaxCapacity,
		LogGroups: observability.AlarmLogGroups{
			Postgres:       data.PostgresLogGroupName(data.ClusterID(scope)),
			Trail:          compliance.TrailLogGroupName(scope),
			ServicesPrefix: compute.ServiceLogGroupName(scope, ""),
			FlowLogs:       network.FlowLogGroupName(scope),
		},
	}); err != nil {
		return nil, fmt.Errorf("observability tier: %w", err)
	}

	s.export()
	for name, value := range s.Outputs {
		ctx.Export(name, value)
	}
	return s, nil
}

// export collects the stack outputs: what later tiers, people and the
// runbooks (docs/runbooks.md) need.
func (s *Stack) export() {
	o := s.Outputs
	o["vpcId"] = s.Network.VpcID
	o["publicSubnetIds"] = s.Network.SubnetIDs[stackconfig.Public]
	o["appSubnetIds"] = s.Network.SubnetIDs[stackconfig.App]
	o["dataSubnetIds"] = s.Network.SubnetIDs[stackconfig.Data]
	o["natGatewayIds"] = s.Network.NatGatewayIDs
	o["flowLogGroupName"] = s.Network.FlowLogGroupName
	for _, p := range security.Purposes {
		o[security.KeyArnOutput(p)] = s.Keys.Arns[p]
	}
	apiKeys := pulumi.StringMap{}
	for svc, arn := range s.Secrets.APIKeysArns {
		apiKeys[svc] = arn
	}
	o["apiKeysSecretArns"] = apiKeys
	o["auroraEndpoint"] = s.Aurora.Endpoint
	o["auroraReaderEndpoint"] = s.Aurora.ReaderEndpoint
	o["auroraPort"] = s.Aurora.Port
	o["auroraMasterSecretArn"] = s.Aurora.MasterSecretArn
	o["bastionInstanceId"] = s.Bastion.InstanceID
	o["bastionConnectCommand"] = s.Bastion.ConnectCommand
	o["bastionEngineerRoleArn"] = s.Bastion.EngineerRoleArn
	repos := pulumi.StringMap{}
	for name, url := range s.Registry.RepositoryUrls {
		repos[name] = url
	}
	o["ecrRepositoryUrls"] = repos
	o["clusterName"] = s.Cluster.Name
	o["serviceNames"] = s.Cluster.ServiceNames
	o["albDnsName"] = s.LoadBalancer.DnsName
	o["webAclArn"] = s.WebAcl.Arn
	o["alarmTopicArn"] = s.AlarmTopic.Arn
	o["trailArn"] = s.Trail.Arn
	// The account's singletons are reported by the stack that owns them.
	if s.Recorder != nil {
		o["configRecorderName"] = s.Recorder.Name
		o["conformancePackName"] = s.Recorder.PackName
	}
	if s.ThreatDetection != nil {
		o["guardDutyDetectorId"] = s.ThreatDetection.DetectorID
	}
	o["s3AccessLogBucketName"] = s.AccessLogs.Name
	o["backupVaultName"] = s.Backup.VaultName
	o["backupPlanId"] = s.Backup.PlanID
	o["backupRestoreRoleArn"] = s.Backup.RestoreRoleArn
	s.exportRecovery()
}

// custodians are who administers the stack's KMS keys: the deploy
// pipeline's role and the keyAdministrators; and who alone may disable
// them or schedule their deletion: the account's root user
// (docs/runbooks.md, "Disable a key or schedule its deletion (break glass)").
func custodians(cfg *stackconfig.Config, scope naming.Scope) security.Custodians {
	admins := []string{scope.ARN("iam", "role/"+stackconfig.DeployRoleName)}
	for _, role := range cfg.KeyAdministrators {
		admins = append(admins, scope.ARN("iam", "role/"+role))
	}
	return security.Custodians{Administrators: admins, BreakGlass: scope.AccountRoot()}
}

// tamperArgs names what the tampering routes exempt: the pipelines' roles
// (the deploy role, and each declared service's application deploy role,
// which the bootstrap creates for the applications it lists) and
// Application Auto Scaling's, whose ECS deploys are expected.
func tamperArgs(cfg *stackconfig.Config, scope naming.Scope) compliance.TamperArgs {
	deployers := []string{scope.ARN("iam", "role/"+stackconfig.DeployRoleName), compliance.ApplicationAutoScalingECSRole(scope)}
	for _, svc := range cfg.ServiceNames() {
		deployers = append(deployers, scope.ARN("iam", "role/"+stackconfig.AppDeployRoleName(cfg.Stack, svc)))
	}
	return compliance.TamperArgs{Scope: scope, ClusterArn: scope.ARN("ecs", "cluster/"+scope.Prefix), Deployers: deployers}
}

// serviceSecrets are each service's own secrets, by the name it asks for them by.
func serviceSecrets(secrets *security.Secrets) map[string]map[stackconfig.SecretName]pulumi.StringOutput {
	out := map[string]map[stackconfig.SecretName]pulumi.StringOutput{}
	for svc, arn := range secrets.APIKeysArns {
		out[svc] = map[stackconfig.SecretName]pulumi.StringOutput{stackconfig.APIKeys: arn}
	}
	return out
}

// accountSingletons creates AWS Config with the HIPAA pack, GuardDuty,
// Security Hub and the account baseline, which exist once per account and
// region, when this stack owns them (ownsAccountSingletons); another stack
// in the account leaves them alone, so neither its `up` nor its `destroy`
// touches them. Within the baseline, accountBaseline switches off what the
// organization manages centrally.
func (s *Stack) accountSingletons(ctx *pulumi.Context, scope naming.Scope) error {
	if !s.Config.OwnsAccountSingletons {
		return nil
	}
	vpcs, err := s.authorizedVpcIDs(ctx)
	if err != nil {
		return fmt.Errorf("compliance tier: %w", err)
	}
	if s.Recorder, err = compliance.NewRecorder(ctx, "config", &compliance.RecorderArgs{
		Scope:              scope,
		KmsKeyArn:          s.Keys.Arns[security.S3Key],
		Rules:              conformance.HIPAARules,
		VpcID:              vpcs,
		AuthorizedTcpPorts: security.InternetPorts(),
		AccessLogBucket:    s.AccessLogs,
		RetentionDays:      s.Config.Logs.AuditRetentionDays,
		VaultPolicyAdmins:  data.VaultPolicyAdmins(scope),
	}); err != nil {
		return fmt.Errorf("compliance tier: %w", err)
	}
	if s.ThreatDetection, err = compliance.NewThreatDetection(ctx, "guardduty", &compliance.ThreatDetectionArgs{
		Scope:    scope,
		TopicArn: s.AlarmTopic.Arn,
	}); err != nil {
		return fmt.Errorf("compliance tier: %w", err)
	}
	if s.SecurityHub, err = compliance.NewSecurityHub(ctx, "securityhub", &compliance.SecurityHubArgs{
		Scope:    scope,
		TopicArn: s.AlarmTopic.Arn,
	}); err != nil {
		return fmt.Errorf("compliance tier: %w", err)
	}
	baseline := s.Config.AccountBaseline
	if s.AccountBaseline, err = compliance.NewAccountBaseline(ctx, "account-baseline", &compliance.AccountBaselineArgs{
		EbsEncryptionByDefault: baseline.EbsEncryptionByDefault,
		S3PublicAccessBlock:    baseline.S3PublicAccessBlock,
		PasswordPolicy:         baseline.PasswordPolicy,
	}); err != nil {
		return fmt.Errorf("compliance tier: %w", err)
	}
	return nil
}

// authorizedVpcIDs are the VPCs whose internet gateways the account's pack
// accepts (internet-gateway-authorized-vpc-only takes a comma-separated
// list and, without one, judges every attached gateway NON_COMPLIANT): this
// stack's VPC and every other VPC of the project in the region, found by
// their Name tag (network.ProjectVpcNamePattern). A lookup rather than
// config or a stack reference: another stack's VPC ID is known only once
// that stack is up, changes whenever it is rebuilt (staging is built to
// be), and a stack reference would fail this stack's preview while the
// other stack does not exist. The lookup runs on every preview, so the
// nightly drift check shows a rebuilt stack's new VPC as a change to the
// pack until the next deploy.
func (s *Stack) authorizedVpcIDs(ctx *pulumi.Context) (pulumi.StringOutput, error) {
	found, err := ec2.GetVpcs(ctx, &ec2.GetVpcsArgs{Filters: []ec2.GetVpcsFilter{
		{Name: "tag:Name", Values: []string{network.ProjectVpcNamePattern(s.Config.Project)}},
	}})
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("find the project's VPCs: %w", err)
	}
	return s.Network.VpcID.ToStringOutput().ApplyT(func(own string) string {
		ids := append([]string{own}, found.Ids...)
		slices.Sort(ids)
		return strings.Join(slices.Compact(ids), ",")
	}).(pulumi.StringOutput), nil
}
