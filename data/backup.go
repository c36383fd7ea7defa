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
	"github.com/omnirapeutic/infrastructure/stackconfig"
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

// ProtectedActions are what the vault's access policy denies: deleting a
// recovery point, shortening its life, or loosening the policy itself (HIPAA
// pack rule BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED wants all three in
// one Deny statement, with wildcard principal and resource).
var ProtectedActions = []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"}

// RecoveryPointActions are the ProtectedActions that touch recovery points;
// the vault policy denies them to every principal without exception.
var RecoveryPointActions = []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"}

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
	// Bastion, when set, is selected too: it holds no data, but its daily
	// and monthly snapshots are cheap and end two HIPAA pack exceptions
	// (EBS_IN_BACKUP_PLAN, EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN).
	// Continuous backup is for supported resources only, so the plan's
	// continuous rule takes snapshots of it.
	Bastion *Bastion
	// PolicyAdminArns are the IAM role ARNs exempted from the vault
	// policy's denial of backup:PutBackupVaultAccessPolicy (VaultPolicyAdmins:
	// the deploy role), so that `pulumi up` can change the policy; nobody is
	// exempted from the denial of deleting recovery points. Required.
	PolicyAdminArns []string
	// CopyVaultArn, when set, is the recovery region's vault
	// (RecoveryVault.Arn): the daily and monthly rules copy every recovery
	// point there, each copy kept as long as its original (CopyActions).
	CopyVaultArn pulumi.StringInput
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
	c.Require("PolicyAdminArns", a.PolicyAdminArns)
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
	// VaultArn is the backup vault's ARN.
	VaultArn pulumi.StringOutput
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

// VaultPolicyAdmins are the principals VaultPolicy exempts from the denial
// of changing the policy: the deployment workflow's role
// (stackconfig.DeployRoleName) in the stack's account. The exemption names a
// role, never a session, as aws:PrincipalArn of an assumed role is the role's
// ARN.
func VaultPolicyAdmins(scope naming.Scope) []string {
	return []string{scope.ARN("iam", "role/"+stackconfig.DeployRoleName)}
}

// VaultPolicy denies recovery-point deletion and lifecycle changes to every
// principal, and changing the policy itself to every principal but admins.
//
// A policy denying backup:PutBackupVaultAccessPolicy to everyone would deny
// the deploy role too (an explicit deny beats its allow), so any later change
// to the policy would fail `pulumi up`. The exemption is a condition on the
// global key aws:PrincipalArn (for an assumed role, the role's ARN), so the
// statement keeps the wildcard principal and resource that AWS Config's
// backup-recovery-point-manual-deletion-disabled requires ("Wildcard
// required for Resource and Principal of the Deny statement", AWS Config
// Developer Guide), and the pack tells the rule not to check the exempted
// principals (its principalArnList parameter, conformance.VaultPolicyAdminArns).
// The second statement keeps every principal, admins included, from deleting
// or shortening a recovery point; the vault lock enforces the minimum
// retention besides.
func VaultPolicy(admins []string) policy.Document {
	return policy.New(
		policy.Statement{
			Sid: "DenyManualDeletion", Effect: "Deny", Principal: policy.AWS("*"),
			Action: ProtectedActions, Resource: []string{"*"},
			Condition: policy.Conditions{"ArnNotEquals": {"aws:PrincipalArn": admins}},
		},
		policy.Statement{
			Sid: "DenyRecoveryPointDeletion", Effect: "Deny", Principal: policy.AWS("*"),
			Action: RecoveryPointActions, Resource: []string{"*"},
		},
	)
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

	vault, err := newVault(ctx, name, vaultArgs{
		name:             BackupVaultName(args.Scope),
		kmsKeyArn:        args.KmsKeyArn,
		minRetentionDays: args.ContinuousRetentionDays,
		policyAdminArns:  args.PolicyAdminArns,
	}, parent)
	if err != nil {
		return nil, err
	}

	role, err := access.NewRole(ctx, name, &access.RoleArgs{
		Name:        args.Scope.Name("backup"),
		Description: "Lets AWS Backup back up the Aurora cluster",
		// No aws:SourceAccount condition: AWS Backup's developer guide
		// ("Access control") documents condition keys for vault access
		// policies, not for the trust of the role AWS Backup assumes (no AWS
		// statement that AWS Backup sends aws:SourceAccount was found), and
		// the provider's aws_backup_selection example trusts
		// backup.amazonaws.com without one; a condition the service does not
		// send would fail every backup job.
		Trust:             policy.AssumeRole("backup.amazonaws.com", nil),
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
		r := &backup.PlanRuleArgs{
			RuleName:               pulumi.String(ruleName),
			TargetVaultName:        vault.Name,
			Schedule:               pulumi.String(schedule),
			StartWindow:            pulumi.Int(StartWindowMinutes),
			CompletionWindow:       pulumi.Int(CompletionWindowMinutes),
			EnableContinuousBackup: pulumi.Bool(continuous),
			Lifecycle:              &backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(days)},
		}
		if args.CopyVaultArn != nil && !continuous {
			r.CopyActions = CopyActions(args.CopyVaultArn, days)
		}
		return r
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
	if args.Bastion != nil {
		// Its own selection, so that replacing the bastion (a newer AMI),
		// which replaces this selection, never touches Aurora's.
		if _, err := backup.NewSelection(ctx, name+"-bastion", &backup.SelectionArgs{
			Name:       pulumi.String(args.Scope.Name("bastion")),
			PlanId:     plan.ID(),
			IamRoleArn: role.Arn,
			Resources:  pulumi.StringArray{args.Bastion.Arn},
		}, parent, pulumi.DependsOn(role.Attachments)); err != nil {
			return nil, fmt.Errorf("select the bastion for backup: %w", err)
		}
	}
	if err := observability.RouteToTopic(ctx, name+"-failures", BackupFailuresRuleName(args.Scope),
		"AWS Backup backup, copy and restore jobs that failed, aborted or expired, to the alarm topic",
		BackupFailuresPattern(), args.TopicArn, parent); err != nil {
		return nil, err
	}

	b.VaultName = vault.Name
	b.VaultArn = vault.Arn
	b.PlanID = plan.ID()
	b.RestoreRoleArn = restore.Arn
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"vaultName": b.VaultName, "planId": b.PlanID}); err != nil {
		return nil, err
	}
	return b, nil
}
