// Package data provides the data tier: the Aurora PostgreSQL Serverless v2
// cluster and the SSM-only bastion engineers reach it through.
package data

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// Engine facts the cluster and its parameter group must agree on.
const (
	Engine               = "aurora-postgresql"
	ParameterGroupFamily = "aurora-postgresql15"
	DatabaseName         = "omnirapeutic"
	// InstanceClass makes an instance Serverless v2; the cluster alone has no compute.
	InstanceClass = "db.serverless"
	// CACertificate is the RDS CA that psql's sslmode=verify-full checks against.
	CACertificate = "rds-ca-rsa2048-g1"
	// EnhancedMonitoringSeconds is the OS-metrics interval.
	EnhancedMonitoringSeconds = 60
	// EnhancedMonitoringPolicy is AWS's managed policy for the monitoring
	// role (naming.Scope.ManagedPolicyARN makes its ARN).
	EnhancedMonitoringPolicy = "service-role/AmazonRDSEnhancedMonitoringRole"
	// PreferredBackupWindow (UTC) is the small hours in US time zones.
	PreferredBackupWindow = "07:00-08:00"
	// PreferredMaintenanceWindow (UTC) follows the backup window without overlapping it.
	PreferredMaintenanceWindow = "sun:08:30-sun:09:30"
)

// AWS Backup owns these cluster inputs once the plan's continuous-backup
// rule protects the cluster: it manages the cluster's BackupRetentionPeriod
// and PreferredBackupWindow itself, and RDS then refuses a retention other
// than AWS Backup's ("InvalidParameterValue ... AwsBackupRecoveryPointArn";
// hashicorp/terraform-provider-aws#33465, terraform-aws-modules/
// terraform-aws-rds-aurora#411). The program sets both once, at creation,
// equal to what the backup plan will hold (aurora.backupRetentionDays is the
// continuous rule's lifecycle, data.BackupArgs.ContinuousRetentionDays), and
// never again: a later change of aurora.backupRetentionDays reaches the
// cluster through the backup rule, and a refresh that reads AWS Backup's
// values shows no drift.
const (
	BackupRetentionInput = "backupRetentionPeriod"
	BackupWindowInput    = "preferredBackupWindow"
)

// ClusterIgnoredInputs are the cluster inputs Pulumi sets at creation only:
// the engine version (automatic minor upgrades move it forward, and going
// back is impossible) and what AWS Backup owns (BackupRetentionInput,
// BackupWindowInput).
var ClusterIgnoredInputs = []string{"engineVersion", BackupRetentionInput, BackupWindowInput}

// ClusterParameters are the cluster parameter group's settings: TLS enforced,
// pgAudit loaded and configured, statement logging for CKV2_AWS_27.
//
// pgaudit.log = ddl,role,write records schema changes, grants and role
// changes, and every write to data; session-wide `read` would log every
// SELECT the application makes. Reads of PHI tables are audited per object
// instead: grant SELECT on them to rds_pgaudit (pgaudit.role) and pgAudit logs
// exactly those reads (docs/runbooks.md, "Finish pgAudit after the first deploy").
var ClusterParameters = []Parameter{
	{Name: "rds.force_ssl", Value: "1", ApplyMethod: "immediate"},
	{Name: "shared_preload_libraries", Value: "pg_stat_statements,pgaudit", ApplyMethod: "pending-reboot"},
	{Name: "pgaudit.role", Value: "rds_pgaudit", ApplyMethod: "immediate"},
	{Name: "pgaudit.log", Value: "ddl,role,write", ApplyMethod: "immediate"},
	{Name: "pgaudit.log_catalog", Value: "0", ApplyMethod: "immediate"},
	{Name: "pgaudit.log_parameter", Value: "0", ApplyMethod: "immediate"},
	// DDL only: pgAudit already logs writes, and logging every statement
	// would copy PHI literals into the log.
	{Name: "log_statement", Value: "ddl", ApplyMethod: "immediate"},
	{Name: "log_min_duration_statement", Value: "1000", ApplyMethod: "immediate"},
	// Bind parameter values are patient data. PostgreSQL logs them in full
	// with every statement it logs (log_min_duration_statement, log_statement)
	// and with a failing statement's error unless these are 0: their
	// defaults are -1 ("log in full") and 0 respectively (PostgreSQL 15
	// documentation, "Error Reporting and Logging", log_parameter_max_length
	// and log_parameter_max_length_on_error, new in PostgreSQL 13). Both are
	// pinned to 0, so a default change cannot bring them back. pgAudit logs
	// parameters only with pgaudit.log_parameter, off above. What remains in
	// the log is statement text: a value written into SQL as a literal, not
	// bound as a parameter, is logged with it (docs/app-team.md).
	{Name: "log_parameter_max_length", Value: "0", ApplyMethod: "immediate"},
	{Name: "log_parameter_max_length_on_error", Value: "0", ApplyMethod: "immediate"},
	{Name: "log_connections", Value: "1", ApplyMethod: "immediate"},
	{Name: "log_disconnections", Value: "1", ApplyMethod: "immediate"},
}

// PHIParameters are the parameters that decide whether bind parameter
// values (patient data) reach the postgresql log: ClusterParameters sets
// each to 0, and a test holds every one of them there.
var PHIParameters = []string{"log_parameter_max_length", "log_parameter_max_length_on_error"}

// Parameter is one database parameter.
type Parameter struct {
	Name, Value, ApplyMethod string
}

// AuroraArgs configures Aurora.
type AuroraArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// is the cluster identifier and starts every name. Required.
	Scope naming.Scope
	// Settings are the cluster's sizes and placement, validated by stackconfig. Required.
	Settings stackconfig.Aurora
	// SubnetIDs are the data subnets, one per AZ. Required.
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the Aurora security group. Required.
	SecurityGroupID pulumi.StringInput
	// StorageKeyArn encrypts storage and Performance Insights (the Aurora key). Required.
	StorageKeyArn pulumi.StringInput
	// SecretKeyArn encrypts the RDS-managed master secret (the Secrets key). Required.
	SecretKeyArn pulumi.StringInput
	// LogKeyArn encrypts the postgresql log group (the Logs key). Required.
	LogKeyArn pulumi.StringInput
	// LogRetentionDays is the postgresql (audit) log group's retention. Required.
	LogRetentionDays int
	// Incarnation is a value unique to this incarnation of the stack (the
	// VPC's ID), added to the final snapshot's name so that destroying a
	// recreated stack of the same name does not collide with the snapshot
	// the first destroy left. Required.
	Incarnation pulumi.StringInput
	// RestoreFromSnapshot, when set, is the ARN of an Aurora cluster
	// snapshot in the stack's region that the cluster is created from
	// (stackconfig.Recovery.RestoreFromSnapshot).
	RestoreFromSnapshot string
}

// validate reports every missing or invalid field at once: nothing here is
// unencrypted, and Incarnation keeps final snapshot names unique.
func (a AuroraArgs) validate() error {
	c := fields.For("data.AuroraArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Settings", a.Settings)
	c.Require("SubnetIDs", a.SubnetIDs)
	c.Require("SecurityGroupID", a.SecurityGroupID)
	c.Require("StorageKeyArn", a.StorageKeyArn)
	c.Require("SecretKeyArn", a.SecretKeyArn)
	c.Require("LogKeyArn", a.LogKeyArn)
	c.Require("LogRetentionDays", a.LogRetentionDays)
	c.Require("Incarnation", a.Incarnation)
	if a.Scope.Prefix != "" {
		for _, p := range a.instancePrefixes() {
			if len(p) > maxIdentifierPrefix {
				c.Invalid("Scope.Prefix", "instance identifier prefix %q is longer than %d characters (identifiers are at most 63, and the provider adds 26)", p, maxIdentifierPrefix)
			}
		}
	}
	return c.Err()
}

// Aurora is the Aurora PostgreSQL Serverless v2 cluster.
type Aurora struct {
	pulumi.ResourceState

	// ClusterIdentifier is the cluster's identifier (alarm dimension DBClusterIdentifier).
	ClusterIdentifier pulumi.StringOutput
	// Arn is the cluster's ARN as RDS reports it (rds:…:cluster:<identifier>),
	// which AWS Backup selects it by.
	Arn pulumi.StringOutput
	// Endpoint is the writer endpoint.
	Endpoint pulumi.StringOutput
	// ReaderEndpoint is the load-balanced reader endpoint (the writer while there are no readers).
	ReaderEndpoint pulumi.StringOutput
	// Port is the PostgreSQL port.
	Port pulumi.IntOutput
	// MasterSecretArn is the RDS-managed master credentials secret, for
	// break-glass use through the bastion; no service receives it.
	MasterSecretArn pulumi.StringOutput
	// ClusterResourceID is the cluster's resource ID (cluster-ABC...), which
	// IAM database authentication's rds-db:connect ARNs name.
	ClusterResourceID pulumi.StringOutput
	// LogGroupName is the postgresql log export's group.
	LogGroupName pulumi.StringOutput
}

// MasterSecretArn picks the RDS-managed master secret out of what RDS
// reports. The generated SDK's Index does not bounds-check, so an empty list
// (RDS has not created the secret, or manageMasterUserPassword was turned
// off outside Pulumi) would panic the program: it is an error instead.
func MasterSecretArn(clusterID string, secrets []rds.ClusterMasterUserSecret) (string, error) {
	if len(secrets) == 0 || secrets[0].SecretArn == nil || *secrets[0].SecretArn == "" {
		return "", fmt.Errorf("aurora cluster %s reports no master user secret: RDS creates it when manageMasterUserPassword is true; "+
			"check the cluster with `aws rds describe-db-clusters --db-cluster-identifier %s --query 'DBClusters[0].MasterUserSecret'`", clusterID, clusterID)
	}
	return *secrets[0].SecretArn, nil
}

// maxIdentifierPrefix is the longest instance identifier prefix: RDS allows
// 63 characters and the provider appends a 26-character unique suffix.
const maxIdentifierPrefix = 63 - 26

// InstanceIdentifierPrefix is the identifier prefix of the writer ("writer")
// or of the reader in an AZ ("reader-1b" for us-east-1b). The provider
// completes it, so replacing an instance (moving the writer's AZ) creates
// the new one first and Aurora fails over to it before the old one goes.
func InstanceIdentifierPrefix(clusterID, role string) string {
	return clusterID + "-" + role + "-"
}

// readerRole names the reader in an AZ by the AZ's last part ("1b").
func readerRole(az string) string {
	return "reader-" + az[strings.LastIndex(az, "-")+1:]
}

// instancePrefixes lists the identifier prefix of every instance.
func (a AuroraArgs) instancePrefixes() []string {
	out := []string{InstanceIdentifierPrefix(ClusterID(a.Scope), "writer")}
	for _, az := range a.Settings.ReaderAvailabilityZones {
		out = append(out, InstanceIdentifierPrefix(ClusterID(a.Scope), readerRole(az)))
	}
	return out
}

// FinalSnapshotIdentifier is the snapshot RDS takes when the cluster is
// deleted: unique per incarnation of the stack, so a second destroy of a
// stack with the same name does not fail on an existing snapshot.
func FinalSnapshotIdentifier(clusterID, incarnation string) string {
	return clusterID + "-final-" + incarnation
}

// ParameterGroupName is the cluster parameter group's name: the cluster's
// identifier and the family.
func ParameterGroupName(clusterID string) string { return clusterID + "-" + ParameterGroupFamily }

// ClusterID is the Aurora cluster's identifier: the prefix alone.
func ClusterID(scope naming.Scope) string { return scope.Name() }

// PostgresLogGroupName is where RDS exports the postgresql log.
func PostgresLogGroupName(clusterID string) string {
	return fmt.Sprintf("/aws/rds/cluster/%s/postgresql", clusterID)
}

// NewAurora creates the cluster, its parameter and subnet groups, its log
// group (first, so RDS does not create it unencrypted and never-expiring),
// the enhanced-monitoring role, a writer and one reader per configured AZ.
func NewAurora(ctx *pulumi.Context, name string, args *AuroraArgs, opts ...pulumi.ResourceOption) (*Aurora, error) {
	if args == nil {
		args = &AuroraArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	a := &Aurora{}
	if err := ctx.RegisterComponentResource("omnirapeutic:data:Aurora", name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	clusterID := ClusterID(args.Scope)
	set := args.Settings

	logGroup, err := logs.NewGroup(ctx, name+"-postgresql-logs", &logs.GroupArgs{
		Name:          PostgresLogGroupName(clusterID),
		RetentionDays: args.LogRetentionDays,
		KmsKeyArn:     args.LogKeyArn,
		Audit:         true,
	}, parent)
	if err != nil {
		return nil, err
	}

	subnetGroup, err := rds.NewSubnetGroup(ctx, name+"-subnets", &rds.SubnetGroupArgs{
		Name:        pulumi.String(clusterID),
		Description: pulumi.String("Aurora in the private data subnets"),
		SubnetIds:   args.SubnetIDs,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create DB subnet group: %w", err)
	}

	var params rds.ClusterParameterGroupParameterArray
	for _, p := range ClusterParameters {
		params = append(params, rds.ClusterParameterGroupParameterArgs{
			Name:        pulumi.String(p.Name),
			Value:       pulumi.String(p.Value),
			ApplyMethod: pulumi.String(p.ApplyMethod),
		})
	}
	paramGroup, err := rds.NewClusterParameterGroup(ctx, name+"-params", &rds.ClusterParameterGroupArgs{
		Name:        pulumi.String(ParameterGroupName(clusterID)),
		Family:      pulumi.String(ParameterGroupFamily),
		Description: pulumi.String("TLS enforced, pgAudit, statement logging"),
		Parameters:  params,
	}, parent, pulumi.Protect(true))
	if err != nil {
		return nil, fmt.Errorf("create cluster parameter group: %w", err)
	}

	monitoringRole, err := access.NewRole(ctx, name+"-monitoring", &access.RoleArgs{
		Name:              clusterID + "-rds-monitoring",
		Description:       "Lets RDS enhanced monitoring publish OS metrics",
		Trust:             policy.AssumeRole("monitoring.rds.amazonaws.com", nil),
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(EnhancedMonitoringPolicy)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("enhanced-monitoring role: %w", err)
	}

	// Changes apply at once, on the cluster and every instance, and are not
	// left to the provider's default (false): a change left pending until
	// the maintenance window shows as a diff, and is sent again, on every
	// `up` until then. The disruptive changes (engine, instance class) are
	// pinned, and static parameters wait for a reboot either way.
	const applyImmediately = true
	// Unique per incarnation of the stack: a second destroy of a recreated
	// stack of the same name does not collide with the first's snapshot.
	finalSnapshot := args.Incarnation.ToStringOutput().ApplyT(func(id string) string {
		return FinalSnapshotIdentifier(clusterID, id)
	}).(pulumi.StringOutput)
	clusterArgs := &rds.ClusterArgs{
		ClusterIdentifier: pulumi.String(clusterID),
		Engine:            pulumi.String(Engine),
		EngineMode:        pulumi.String("provisioned"),
		EngineVersion:     pulumi.String(set.EngineVersion),
		DatabaseName:      pulumi.String(DatabaseName),
		Port:              pulumi.Int(security.PostgresPort),
		Serverlessv2ScalingConfiguration: &rds.ClusterServerlessv2ScalingConfigurationArgs{
			MinCapacity: pulumi.Float64(set.MinCapacity),
			MaxCapacity: pulumi.Float64(set.MaxCapacity),
		},
		MasterUsername: pulumi.String(set.MasterUsername),
		// RDS generates, stores, encrypts and rotates the password: it never
		// passes through config or Pulumi state.
		ManageMasterUserPassword:         pulumi.Bool(true),
		MasterUserSecretKmsKeyId:         args.SecretKeyArn,
		DbSubnetGroupName:                subnetGroup.Name,
		VpcSecurityGroupIds:              pulumi.StringArray{args.SecurityGroupID},
		DbClusterParameterGroupName:      paramGroup.Name,
		StorageEncrypted:                 pulumi.Bool(true),
		KmsKeyId:                         args.StorageKeyArn,
		BackupRetentionPeriod:            pulumi.Int(set.BackupRetentionDays),
		PreferredBackupWindow:            pulumi.String(PreferredBackupWindow),
		PreferredMaintenanceWindow:       pulumi.String(PreferredMaintenanceWindow),
		DeletionProtection:               pulumi.Bool(true),
		SkipFinalSnapshot:                pulumi.Bool(false),
		FinalSnapshotIdentifier:          finalSnapshot,
		ApplyImmediately:                 pulumi.Bool(applyImmediately),
		CopyTagsToSnapshot:               pulumi.Bool(true),
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		EnabledCloudwatchLogsExports:     pulumi.StringArray{pulumi.String("postgresql")},
		Tags:                             pulumi.StringMap{"Name": pulumi.String(clusterID)},
		// Automatic minor upgrades (RDS_AUTOMATIC_MINOR_VERSION_UPGRADE) move
		// the cluster past the configured version; going back is impossible,
		// so the configured version is the creation version, not a pin.
		// The backup retention and window are creation values too: AWS
		// Backup owns them afterwards (ClusterIgnoredInputs).
	}
	if args.RestoreFromSnapshot != "" {
		// The provider then calls RestoreDBClusterFromSnapshot with the
		// database name, subnet and parameter groups, security groups, log
		// exports and the Aurora key (the restored cluster is re-encrypted
		// with it), and sets the master secret, Serverless v2 capacity,
		// retention and windows with ModifyDBCluster right after; the master
		// user is the snapshot's (terraform-provider-aws
		// internal/service/rds/cluster.go, resourceClusterCreate).
		// snapshot_identifier is ForceNew: named later, it would replace the
		// protected cluster, which `pulumi up` refuses (removing it is
		// suppressed, so it may stay set after the restore).
		clusterArgs.SnapshotIdentifier = pulumi.String(args.RestoreFromSnapshot)
	}
	cluster, err := rds.NewCluster(ctx, name+"-cluster", clusterArgs,
		parent, pulumi.Protect(true), pulumi.DependsOn([]pulumi.Resource{logGroup}), pulumi.IgnoreChanges(ClusterIgnoredInputs))
	if err != nil {
		return nil, fmt.Errorf("create Aurora cluster: %w", err)
	}

	// logical is the instance's logical name (a contract); role its
	// identifier prefix's part.
	newInstance := func(logical, role, az string, tier int) error {
		id := InstanceIdentifierPrefix(clusterID, role)
		_, err := rds.NewClusterInstance(ctx, fmt.Sprintf("%s-%s", name, logical), &rds.ClusterInstanceArgs{
			IdentifierPrefix:  pulumi.String(id),
			ClusterIdentifier: cluster.ID(),
			InstanceClass:     pulumi.String(InstanceClass),
			// No engine version: an Aurora instance runs its cluster's.
			Engine:                             pulumi.String(Engine),
			AvailabilityZone:                   pulumi.String(az),
			DbSubnetGroupName:                  subnetGroup.Name,
			PubliclyAccessible:                 pulumi.Bool(false),
			AutoMinorVersionUpgrade:            pulumi.Bool(true),
			CaCertIdentifier:                   pulumi.String(CACertificate),
			PerformanceInsightsEnabled:         pulumi.Bool(true),
			PerformanceInsightsKmsKeyId:        args.StorageKeyArn,
			PerformanceInsightsRetentionPeriod: pulumi.Int(7),
			MonitoringInterval:                 pulumi.Int(EnhancedMonitoringSeconds),
			MonitoringRoleArn:                  monitoringRole.Arn,
			PromotionTier:                      pulumi.Int(tier),
			CopyTagsToSnapshot:                 pulumi.Bool(true),
			ApplyImmediately:                   pulumi.Bool(applyImmediately),
			Tags:                               pulumi.StringMap{"Name": pulumi.String(strings.TrimSuffix(id, "-"))},
		}, parent)
		if err != nil {
			return fmt.Errorf("create Aurora %s instance in %s: %w", logical, az, err)
		}
		return nil
	}
	if err := newInstance("writer", "writer", set.WriterAvailabilityZone, 0); err != nil {
		return nil, err
	}
	// Readers are named by AZ, so adding or removing one never renames another.
	for _, az := range set.ReaderAvailabilityZones {
		if err := newInstance("reader-"+az, readerRole(az), az, 1); err != nil {
			return nil, err
		}
	}

	a.ClusterIdentifier = cluster.ClusterIdentifier
	a.Arn = cluster.Arn
	a.Endpoint = cluster.Endpoint
	a.ReaderEndpoint = cluster.ReaderEndpoint
	a.Port = cluster.Port
	a.MasterSecretArn = cluster.MasterUserSecrets.ApplyT(func(secrets []rds.ClusterMasterUserSecret) (string, error) {
		return MasterSecretArn(clusterID, secrets)
	}).(pulumi.StringOutput)
	a.ClusterResourceID = cluster.ClusterResourceId
	a.LogGroupName = logGroup.Name
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{
		"clusterIdentifier": a.ClusterIdentifier,
		"arn":               a.Arn,
		"endpoint":          a.Endpoint,
		"readerEndpoint":    a.ReaderEndpoint,
		"port":              a.Port,
		"masterSecretArn":   a.MasterSecretArn,
		"clusterResourceId": a.ClusterResourceID,
	}); err != nil {
		return nil, err
	}
	return a, nil
}
