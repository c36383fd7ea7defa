package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/observability"
	"github.com/omnirapeutic/infrastructure/policy"
)

// AWS's managed policies for the AWS Backup service role, by path and name
// (naming.Scope.ManagedPolicyARN makes their ARNs).
const (
	BackupServicePolicy  = "service-role/AWSBackupServiceRolePolicyForBackup"
	RestoreServicePolicy = "service-role/AWSBackupServiceRolePolicyForRestores"
)

// Backup schedules (UTC), in the small hours of US time zones like the
// cluster's own backup window, and how long a job may wait to start and run.
const (
	DailySchedule           = "cron(0 7 * * ? *)"
	MonthlySchedule         = "cron(0 7 1 * ? *)"
	StartWindowMinutes      = 60
	CompletionWindowMinutes = 360
)

// ProtectedActions are what the vault's access policy denies to everyone:
// deleting a recovery point, shortening its life, or loosening the policy
// itself (HIPAA pack rule BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED
// wants all three, with wildcard principal and resource).
var ProtectedActions = []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"}

// BackupArgs configures Backup.
type BackupArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the vault, plan, role and rule; its account scopes the role's trust.
	// Required.
	Scope naming.Scope
	// KmsKeyArn encrypts the vault (the Backup key). Required.
	KmsKeyArn pulumi.StringInput
	// Cluster is the Aurora cluster the plan protects. Required.
	Cluster *Aurora
	// ContinuousRetentionDays is the point-in-time window (1 to 35). It must
	// equal the cluster's own backup retention: AWS Backup takes over the
	// cluster's automated backups and holds that setting to its rule's. Required.
	ContinuousRetentionDays int
	// DailyRetentionDays keeps each daily snapshot this long. Required.
	DailyRetentionDays int
	// MonthlyRetentionDays keeps each monthly snapshot this long. Required.
	MonthlyRetentionDays int
	// TopicArn receives failed backup, copy and restore jobs. Required.
	TopicArn pulumi.StringInput
}

// validate reports every missing or invalid field at once.
func (a BackupArgs) validate() error {
	c := fields.For("data.BackupArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	c.Require("Cluster", a.Cluster)
	c.Require("ContinuousRetentionDays", a.ContinuousRetentionDays)
	c.Require("DailyRetentionDays", a.DailyRetentionDays)
	c.Require("MonthlyRetentionDays", a.MonthlyRetentionDays)
	c.Require("TopicArn", a.TopicArn)
	if n := a.ContinuousRetentionDays; n < 0 || n > 35 {
		c.Invalid("ContinuousRetentionDays", "%d is outside 1 to 35 days", n)
	}
	if a.DailyRetentionDays < a.ContinuousRetentionDays || a.MonthlyRetentionDays < a.DailyRetentionDays {
		c.Invalid("Daily/MonthlyRetentionDays", "retention must grow from continuous (%d) to daily (%d) to monthly (%d) days",
			a.ContinuousRetentionDays, a.DailyRetentionDays, a.MonthlyRetentionDays)
	}
	return c.Err()
}

// Backup is the AWS Backup vault and plan protecting Aurora.
type Backup struct {
	pulumi.ResourceState

	// VaultName is the backup vault's name.
	VaultName pulumi.StringOutput
	// PlanID is the backup plan's ID.
	PlanID pulumi.IDOutput
	// RestoreRoleArn is the role a restore job names.
	RestoreRoleArn pulumi.StringOutput
}

// BackupVaultName is the vault's name: <prefix>.
func BackupVaultName(scope naming.Scope) string { return scope.Name() }

// BackupFailuresRuleName is the EventBridge rule routing failed jobs to the
// topic: <prefix>-backup-job-failed.
func BackupFailuresRuleName(scope naming.Scope) string { return scope.Name("backup-job-failed") }

// BackupFailuresPattern matches backup and copy jobs (field "state") and
// restore jobs (field "status") that did not complete.
func BackupFailuresPattern() string {
	return observability.EventPattern(map[string]any{
		"source": []string{"aws.backup"},
		"$or": []map[string]any{
			{"detail-type": []string{"Backup Job State Change", "Copy Job State Change"}, "detail": map[string]any{"state": []string{"FAILED", "ABORTED", "EXPIRED"}}},
			{"detail-type": []string{"Restore Job State Change"}, "detail": map[string]any{"status": []string{"FAILED", "ABORTED"}}},
		},
	})
}

// VaultPolicy denies ProtectedActions to every principal. To change it later,
// delete it first (aws backup delete-backup-vault-access-policy), which it
// does not deny.
func VaultPolicy() policy.Document {
	return policy.New(policy.Statement{
		Sid: "DenyManualDeletion", Effect: "Deny", Principal: policy.AWS("*"),
		Action: ProtectedActions, Resource: []string{"*"},
	})
}

// NewBackup creates the encrypted, locked vault, the plan (continuous
// backup for point-in-time restore, daily and monthly snapshots), the
// selection of the Aurora cluster by ARN, the service role, and the rule
// that reports failed jobs.
func NewBackup(ctx *pulumi.Context, name string, args *BackupArgs, opts ...pulumi.ResourceOption) (*Backup, error) {
	if args == nil {
		args = &BackupArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &Backup{}
	if err := ctx.RegisterComponentResource("omnirapeutic:data:Backup", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	vault, err := backup.NewVault(ctx, name+"-vault", &backup.VaultArgs{
		Name:         pulumi.String(BackupVaultName(args.Scope)),
		KmsKeyArn:    args.KmsKeyArn,
		ForceDestroy: pulumi.Bool(false),
	}, parent, pulumi.Protect(true))
	if err != nil {
		return nil, fmt.Errorf("create backup vault: %w", err)
	}
	// Governance mode: without ChangeableForDays the lock never becomes
	// immutable (compliance mode), so a privileged principal can still
	// remove it; until then no recovery point is deleted early.
	if _, err := backup.NewVaultLockConfiguration(ctx, name+"-vault-lock", &backup.VaultLockConfigurationArgs{
		BackupVaultName:  vault.Name,
		MinRetentionDays: pulumi.Int(args.ContinuousRetentionDays),
	}, parent); err != nil {
		return nil, fmt.Errorf("lock backup vault: %w", err)
	}
	if _, err := backup.NewVaultPolicy(ctx, name+"-vault-policy", &backup.VaultPolicyArgs{
		BackupVaultName: vault.Name,
		Policy:          pulumi.String(VaultPolicy().JSON()),
	}, parent); err != nil {
		return nil, fmt.Errorf("set backup vault policy: %w", err)
	}

	role, err := access.NewRole(ctx, name, &access.RoleArgs{
		Name:              args.Scope.Name("backup"),
		Description:       "Lets AWS Backup back up the Aurora cluster",
		Trust:             policy.AssumeRole("backup.amazonaws.com", policy.Conditions{"StringEquals": {"aws:SourceAccount": {args.Scope.Account}}}),
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(BackupServicePolicy)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("AWS Backup role: %w", err)
	}
	restore, err := newRestoreRole(ctx, name, args, parent)
	if err != nil {
		return nil, err
	}

	rule := func(ruleName, schedule string, days int, continuous bool) *backup.PlanRuleArgs {
		return &backup.PlanRuleArgs{
			RuleName:               pulumi.String(ruleName),
			TargetVaultName:        vault.Name,
			Schedule:               pulumi.String(schedule),
			StartWindow:            pulumi.Int(StartWindowMinutes),
			CompletionWindow:       pulumi.Int(CompletionWindowMinutes),
			EnableContinuousBackup: pulumi.Bool(continuous),
			Lifecycle:              &backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(days)},
		}
	}
	plan, err := backup.NewPlan(ctx, name+"-plan", &backup.PlanArgs{
		Name: pulumi.String(args.Scope.Prefix),
		Rules: backup.PlanRuleArray{
			rule("continuous", DailySchedule, args.ContinuousRetentionDays, true),
			rule("daily", DailySchedule, args.DailyRetentionDays, false),
			rule("monthly", MonthlySchedule, args.MonthlyRetentionDays, false),
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create backup plan: %w", err)
	}
	if _, err := backup.NewSelection(ctx, name+"-aurora", &backup.SelectionArgs{
		Name:       pulumi.String(args.Scope.Name("aurora")),
		PlanId:     plan.ID(),
		IamRoleArn: role.Arn,
		Resources:  pulumi.StringArray{args.Cluster.Arn},
	}, parent, pulumi.DependsOn(role.Attachments)); err != nil {
		return nil, fmt.Errorf("select Aurora for backup: %w", err)
	}
	if err := observability.RouteToTopic(ctx, name+"-failures", BackupFailuresRuleName(args.Scope),
		"AWS Backup backup, copy and restore jobs that failed, aborted or expired, to the alarm topic",
		BackupFailuresPattern(), args.TopicArn, parent); err != nil {
		return nil, err
	}

	b.VaultName = vault.Name
	b.PlanID = plan.ID()
	b.RestoreRoleArn = restore.Arn
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"vaultName": b.VaultName, "planId": b.PlanID}); err != nil {
		return nil, err
	}
	return b, nil
}
