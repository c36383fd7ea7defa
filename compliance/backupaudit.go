package compliance

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/storage"
)

// AWS Backup Audit Manager checks the backups against the plan every day
// and writes the result as reports (AWS Backup Developer Guide, "AWS Backup
// Audit Manager"): a framework of controls, each an AWS Config rule AWS
// Backup deploys (so the framework needs AWS Config recording in the region,
// which the stack owning the account singletons runs), and report plans
// that deliver to an S3 bucket "every 24 hours".

// BackupReportsService is the service of Backup Audit Manager's
// service-linked role, AWSServiceRoleForBackupReports, which writes the
// reports. A bucket policy naming a role that does not exist is refused
// ("until the backup report is created the first time, the service-linked
// role referred to in the S3 bucket policy will not yet exist, resulting in
// the error 'Invalid principal'", AWS Backup Developer Guide, "Creating
// report plans using the console"), so the stack creates the role first.
const BackupReportsService = "reports.backup.amazonaws.com"

// BackupReportsRoleName is the name IAM gives that service-linked role.
const BackupReportsRoleName = "AWSServiceRoleForBackupReports"

// BackupReportsRoleArn is that role's ARN in the scope's account: a
// service-linked role's path is /aws-service-role/<service>/.
func BackupReportsRoleArn(scope naming.Scope) string {
	return scope.ARN("iam", "role/aws-service-role/"+BackupReportsService+"/"+BackupReportsRoleName)
}

// BackupReportsBucketName is <prefix>-backup-reports-<account>.
func BackupReportsBucketName(scope naming.Scope) string {
	return scope.Name("backup-reports", scope.Account)
}

// auditName is a framework's or report plan's name: AWS Backup allows
// letters, digits and underscores, starting with a letter.
func auditName(scope naming.Scope, part string) string {
	return strings.ReplaceAll(scope.Name(part), "-", "_")
}

// BackupFrameworkName is the framework's name, <prefix>_backup.
func BackupFrameworkName(scope naming.Scope) string { return auditName(scope, "backup") }

// BackupReports are the report plans, by report template: what each tells
// an auditor (docs/auditor.md, "Disaster recovery evidence").
var BackupReports = map[string]string{
	"CONTROL_COMPLIANCE_REPORT": "each control of the framework, compliant or not, with the resources it judged",
	"BACKUP_JOB_REPORT":         "every backup job of the last 24 hours: resource, recovery point, status, size, duration",
	"COPY_JOB_REPORT":           "every copy job to the recovery region of the last 24 hours: recovery point, destination vault, status",
	"RESTORE_JOB_REPORT":        "every restore job of the last 24 hours, the weekly restore test's among them: recovery point, status, duration",
}

// ReportTemplates lists BackupReports' templates, sorted.
func ReportTemplates() []string {
	var out []string
	for t := range BackupReports {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// BackupReportPlanName is a report plan's name: <prefix>_<template>, with
// the template's _REPORT left out and in lower case.
func BackupReportPlanName(scope naming.Scope, template string) string {
	return auditName(scope, strings.ToLower(strings.TrimSuffix(template, "_REPORT")))
}

// BackupControl is one control of the backup framework.
type BackupControl struct {
	// Name is the control (AWS Backup Audit Manager's control name).
	Name string
	// Parameters are its input parameters.
	Parameters map[string]string
	// Cluster scopes it to the stack's Aurora cluster (by its Name tag);
	// otherwise it judges every resource of its kind in the account and
	// region (plans, vaults, recovery points).
	Cluster bool
	// Checks says what it checks, for the auditor.
	Checks string
}

// BackupAuditArgs configures BackupAudit.
type BackupAuditArgs struct {
	// Scope is the stack's scope: its prefix names the framework, the
	// report plans and the reports' bucket. Required.
	Scope naming.Scope
	// KmsKeyArn encrypts the reports' bucket (the S3 key, which admits any
	// principal of the account through S3, the reports' role included). Required.
	KmsKeyArn pulumi.StringInput
	// AccessLogBucket receives the reports' bucket's access logs. Required.
	AccessLogBucket *storage.Bucket
	// RetentionDays is the audit retention: the reports are kept that long
	// at least (AuditLifecycle). Required.
	RetentionDays int
	// Recorder is AWS Config, which the framework's controls need recording
	// (the stack that owns the account singletons runs it). Required.
	Recorder *Recorder
	// ClusterName is the Aurora cluster's Name tag, which scopes the
	// resource controls to the stack's cluster. Required.
	ClusterName string
	// RecoveryRegion is where the cluster's recovery points must be copied. Required.
	RecoveryRegion string
	// DailyRetentionDays is the plan's daily retention, the least a plan
	// must keep a daily recovery point. Required.
	DailyRetentionDays int
	// MinRetentionDays is the shortest retention of any recovery point
	// (the continuous rule's) and the vault lock's minimum. Required.
	MinRetentionDays int
	// RestoreTargetMinutes is the longest a restore may take
	// (recovery.AuroraRestore). Required.
	RestoreTargetMinutes int
	// PolicyAdminArns are the principals the vault policies let change
	// them (data.VaultPolicyAdmins), which the deletion control does not
	// check, as the HIPAA pack does not. Required.
	PolicyAdminArns []string
}

// validate reports every missing or invalid field at once.
func (a BackupAuditArgs) validate() error {
	c := fields.For("compliance.BackupAuditArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	c.Require("AccessLogBucket", a.AccessLogBucket)
	c.Require("RetentionDays", a.RetentionDays)
	c.Require("Recorder", a.Recorder)
	c.Require("ClusterName", a.ClusterName)
	c.Require("RecoveryRegion", a.RecoveryRegion)
	c.Require("DailyRetentionDays", a.DailyRetentionDays)
	c.Require("MinRetentionDays", a.MinRetentionDays)
	c.Require("RestoreTargetMinutes", a.RestoreTargetMinutes)
	c.Require("PolicyAdminArns", a.PolicyAdminArns)
	return c.Err()
}

// BackupControls are the framework's controls for these arguments: the
// plan's frequency and retention, encryption, the vault lock and the
// deny-delete policy, the copy to the recovery region, the last backup's
// age and the restore time (control names and parameters: AWS Backup
// Developer Guide, "Creating frameworks using the AWS Backup API").
func BackupControls(a BackupAuditArgs) []BackupControl {
	days := strconv.Itoa
	return []BackupControl{
		{Name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN", Cluster: true,
			Checks: "the cluster is in a backup plan"},
		{Name: "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", Parameters: map[string]string{
			"requiredFrequencyUnit": "hours", "requiredFrequencyValue": "24", "requiredRetentionDays": days(a.DailyRetentionDays)},
			Checks: "every backup plan backs up at least daily and keeps a recovery point at least backup.dailyRetentionDays"},
		{Name: "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", Parameters: map[string]string{"requiredRetentionDays": days(a.MinRetentionDays)},
			Checks: "no recovery point is kept less than aurora.backupRetentionDays"},
		{Name: "BACKUP_RECOVERY_POINT_ENCRYPTED",
			Checks: "every recovery point is encrypted"},
		{Name: "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", Parameters: map[string]string{"principalArnList": strings.Join(a.PolicyAdminArns, ",")},
			Checks: "every vault's policy denies deleting recovery points (the deploy role may change the policy, not delete)"},
		{Name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK", Parameters: map[string]string{"minRetentionDays": days(a.MinRetentionDays)}, Cluster: true,
			Checks: "the cluster's recovery points are in a locked vault"},
		{Name: "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION", Parameters: map[string]string{"crossRegionList": a.RecoveryRegion}, Cluster: true,
			Checks: "the cluster's recovery points are copied to recovery.region"},
		{Name: "BACKUP_LAST_RECOVERY_POINT_CREATED", Parameters: map[string]string{"recoveryPointAgeUnit": "days", "recoveryPointAgeValue": "1"}, Cluster: true,
			Checks: "the cluster's newest recovery point is less than a day old"},
		{Name: "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET", Parameters: map[string]string{"maxRestoreTime": days(a.RestoreTargetMinutes)}, Cluster: true,
			Checks: "every restore of the cluster, the weekly test's included, finished within the modeled restore time (minutes)"},
	}
}

// BackupAudit is AWS Backup Audit Manager for the stack: the framework, the
// report plans and the bucket the reports land in.
type BackupAudit struct {
	pulumi.ResourceState

	// Bucket is the reports' bucket, and BucketName its name.
	Bucket     *storage.Bucket
	BucketName pulumi.StringOutput
	// FrameworkArn is the framework's ARN.
	FrameworkArn pulumi.StringOutput
}

// NewBackupAudit creates the reports' bucket, Backup Audit Manager's
// service-linked role, the framework and one report plan per BackupReports.
func NewBackupAudit(ctx *pulumi.Context, name string, args *BackupAuditArgs, opts ...pulumi.ResourceOption) (*BackupAudit, error) {
	if args == nil {
		args = &BackupAuditArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	a := &BackupAudit{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:BackupAudit", name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)

	role, err := iam.NewServiceLinkedRole(ctx, name+"-role", &iam.ServiceLinkedRoleArgs{
		AwsServiceName: pulumi.String(BackupReportsService),
		Description:    pulumi.String("AWS Backup Audit Manager writes the backup reports"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("Backup Audit Manager's service-linked role: %w", err)
	}
	reportsRole := BackupReportsRoleArn(args.Scope)
	// No Object Lock, as for AWS Config's bucket: AWS documents Object Lock
	// for no Backup Audit Manager delivery, and a delivery that fails is
	// silent. The policy denies deleting a report instead, and the replica
	// in the recovery region is locked (AuditReplication).
	bucket, err := storage.NewBucket(ctx, name+"-bucket", &storage.BucketArgs{
		Name:            BackupReportsBucketName(args.Scope),
		Scope:           args.Scope,
		KmsKeyArn:       args.KmsKeyArn,
		Lifecycle:       AuditLifecycle(args.RetentionDays),
		Protect:         true,
		AccessLogBucket: args.AccessLogBucket,
		GrantsAfter:     []pulumi.Resource{role},
		Grants: func(bucketArn string) []policy.Statement {
			return []policy.Statement{
				// The policy AWS Backup Audit Manager asks for ("Creating
				// report plans using the console", sample bucket policy).
				{Sid: "BackupAuditManagerWritesReports", Effect: "Allow", Principal: policy.AWS(reportsRole),
					Action: []string{"s3:PutObject"}, Resource: []string{bucketArn + "/*"},
					Condition: policy.Conditions{"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}}}},
				ConfigSnapshotsDenyDeletion(bucketArn),
			}
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	var controls backup.FrameworkControlArray
	for _, c := range BackupControls(*args) {
		ctl := &backup.FrameworkControlArgs{Name: pulumi.String(c.Name)}
		var params backup.FrameworkControlInputParameterArray
		for _, k := range sortedParams(c.Parameters) {
			params = append(params, &backup.FrameworkControlInputParameterArgs{Name: pulumi.String(k), Value: pulumi.String(c.Parameters[k])})
		}
		if len(params) > 0 {
			ctl.InputParameters = params
		}
		if c.Cluster {
			// A scope is resource types, or a tag, or one resource: the
			// cluster's Name tag picks the stack's cluster alone.
			ctl.Scope = &backup.FrameworkControlScopeArgs{Tags: pulumi.StringMap{"Name": pulumi.String(args.ClusterName)}}
		}
		controls = append(controls, ctl)
	}
	framework, err := backup.NewFramework(ctx, name+"-framework", &backup.FrameworkArgs{
		Name:        pulumi.String(BackupFrameworkName(args.Scope)),
		Description: pulumi.String("The backup plan as the HIPAA contingency plan states it: frequency, retention, encryption, locked vaults, the copy to the recovery region, restores within the modeled time"),
		Controls:    controls,
	}, parent, pulumi.DependsOn([]pulumi.Resource{args.Recorder, role}))
	if err != nil {
		return nil, fmt.Errorf("create backup framework: %w", err)
	}
	for _, template := range ReportTemplates() {
		setting := &backup.ReportPlanReportSettingArgs{ReportTemplate: pulumi.String(template)}
		if template == "CONTROL_COMPLIANCE_REPORT" {
			setting.FrameworkArns = pulumi.StringArray{framework.Arn}
			setting.NumberOfFrameworks = pulumi.Int(1)
		}
		if _, err := backup.NewReportPlan(ctx, name+"-"+strings.ToLower(strings.ReplaceAll(strings.TrimSuffix(template, "_REPORT"), "_", "-")), &backup.ReportPlanArgs{
			Name:          pulumi.String(BackupReportPlanName(args.Scope, template)),
			Description:   pulumi.String(BackupReports[template]),
			ReportSetting: setting,
			ReportDeliveryChannel: &backup.ReportPlanReportDeliveryChannelArgs{
				S3BucketName: bucket.Name,
				Formats:      pulumi.StringArray{pulumi.String("CSV"), pulumi.String("JSON")},
			},
		}, parent, pulumi.DependsOn(bucket.Ready)); err != nil {
			return nil, fmt.Errorf("create the %s plan: %w", template, err)
		}
	}

	a.Bucket = bucket
	a.BucketName = bucket.Name
	a.FrameworkArn = framework.Arn
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{"bucketName": a.BucketName, "frameworkArn": a.FrameworkArn}); err != nil {
		return nil, err
	}
	return a, nil
}

// sortedParams lists a control's parameters in a stable order.
func sortedParams(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
