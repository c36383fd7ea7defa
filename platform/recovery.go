package platform

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/recovery"
	"github.com/omnirapeutic/infrastructure/security"
)

// RecoveryProviderName is the logical name of the recovery region's AWS
// provider.
const RecoveryProviderName = "recovery-region"

// NewRecoveryProvider is the AWS provider of the recovery region. An
// explicit provider does not read the stack's aws:* configuration, so the
// region and the stack's default tags are set on it here: everything it
// creates is tagged as the stack's other resources are.
func NewRecoveryProvider(ctx *pulumi.Context, region string, defaultTags map[string]string) (*aws.Provider, error) {
	args := &aws.ProviderArgs{Region: pulumi.String(region)}
	if len(defaultTags) > 0 {
		args.DefaultTags = &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(defaultTags)}
	}
	p, err := aws.NewProvider(ctx, RecoveryProviderName, args)
	if err != nil {
		return nil, fmt.Errorf("the recovery region's provider: %w", err)
	}
	return p, nil
}

// recoveryRegion builds, when the stack has a recovery region
// (recovery.region), what the region holds and what reports on it: the
// region's provider, the vault the backup plan copies to, the backup
// audit's framework, reports and bucket (in the stack that runs AWS Config
// for the account), and the audit buckets' replicas. It runs after the
// trail and AWS Config (their buckets are replicated) and before the
// backup plan (which copies to the vault).
func (s *Stack) recoveryRegion(ctx *pulumi.Context, scope naming.Scope) error {
	cfg := s.Config
	if !cfg.Recovery.Enabled() {
		return nil
	}
	there := scope.In(cfg.Recovery.Region)
	var err error
	if s.RecoveryProvider, err = NewRecoveryProvider(ctx, cfg.Recovery.Region, cfg.DefaultTags); err != nil {
		return fmt.Errorf("recovery region: %w", err)
	}
	if s.RecoveryVault, err = data.NewRecoveryVault(ctx, "recovery-backup", &data.RecoveryVaultArgs{
		Scope:            there,
		Provider:         s.RecoveryProvider,
		MinRetentionDays: cfg.Backup.DailyRetentionDays,
		PolicyAdminArns:  data.VaultPolicyAdmins(scope),
		KeyCustodians:    custodians(cfg, scope),
	}); err != nil {
		return fmt.Errorf("recovery region: %w", err)
	}

	sources := map[string]compliance.AuditSource{
		"cloudtrail": {Bucket: s.Trail.Bucket, Name: compliance.TrailBucketName(scope), KmsKeyArn: s.Keys.Arns[security.S3Key]},
	}
	if s.Recorder != nil {
		sources["config"] = compliance.AuditSource{Bucket: s.Recorder.Bucket, Name: compliance.ConfigBucketName(scope), KmsKeyArn: s.Keys.Arns[security.S3Key]}
		// The framework's controls are AWS Config rules: the stack that
		// runs AWS Config in the region runs the audit.
		if s.BackupAudit, err = compliance.NewBackupAudit(ctx, "backup-audit", &compliance.BackupAuditArgs{
			Scope:                scope,
			KmsKeyArn:            s.Keys.Arns[security.S3Key],
			AccessLogBucket:      s.AccessLogs,
			RetentionDays:        cfg.Logs.AuditRetentionDays,
			Recorder:             s.Recorder,
			ClusterName:          data.ClusterID(scope),
			RecoveryRegion:       cfg.Recovery.Region,
			DailyRetentionDays:   cfg.Backup.DailyRetentionDays,
			MinRetentionDays:     cfg.Aurora.BackupRetentionDays,
			RestoreTargetMinutes: int(recovery.AuroraRestore.Minutes),
			PolicyAdminArns:      data.VaultPolicyAdmins(scope),
		}); err != nil {
			return fmt.Errorf("compliance tier: %w", err)
		}
		sources["backup-reports"] = compliance.AuditSource{Bucket: s.BackupAudit.Bucket, Name: compliance.BackupReportsBucketName(scope), KmsKeyArn: s.Keys.Arns[security.S3Key]}
	}
	if s.AuditReplication, err = compliance.NewAuditReplication(ctx, "audit-replication", &compliance.AuditReplicationArgs{
		Scope:         scope,
		RecoveryScope: there,
		Provider:      s.RecoveryProvider,
		Sources:       sources,
		RetentionDays: cfg.Logs.AuditRetentionDays,
		KeyCustodians: custodians(cfg, scope),
	}); err != nil {
		return fmt.Errorf("compliance tier: %w", err)
	}
	return nil
}

// restoreTesting tests the backups every week, when the stack has a
// recovery region: a restore test is part of the contingency plan the
// region is.
func (s *Stack) restoreTesting(ctx *pulumi.Context, scope naming.Scope) error {
	if !s.Config.Recovery.Enabled() {
		return nil
	}
	var err error
	if s.RestoreTesting, err = data.NewRestoreTesting(ctx, "restore-testing", &data.RestoreTestingArgs{
		Scope:           scope,
		Cluster:         s.Aurora,
		SecurityGroupID: s.SecurityGroups.IDs[security.AuroraGroup].ToStringOutput(),
		VaultArn:        s.Backup.VaultArn,
	}); err != nil {
		return fmt.Errorf("data tier: %w", err)
	}
	return nil
}

// copyVaultArn is where the backup plan copies recovery points: the
// recovery vault, or nil without a recovery region.
func (s *Stack) copyVaultArn() pulumi.StringInput {
	if s.RecoveryVault == nil {
		return nil
	}
	return s.RecoveryVault.Arn
}

// exportRecovery adds the recovery region's outputs.
func (s *Stack) exportRecovery() {
	o := s.Outputs
	if s.RecoveryVault != nil {
		o["recoveryVaultName"] = s.RecoveryVault.Name
	}
	if s.AuditReplication != nil {
		replicas := pulumi.StringMap{}
		for k, n := range s.AuditReplication.ReplicaNames {
			replicas[k] = n
		}
		o["auditReplicaBucketNames"] = replicas
	}
	if s.BackupAudit != nil {
		o["backupReportsBucketName"] = s.BackupAudit.BucketName
	}
	if s.RestoreTesting != nil {
		o["restoreTestingPlanName"] = s.RestoreTesting.PlanName
	}
}
