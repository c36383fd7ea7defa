package data

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// The weekly restore test: AWS Backup restores the newest Aurora snapshot of
// the stack's vault into a new cluster, measures how long it took, keeps the
// cluster for the validation window and then deletes it ("Once the optional
// validation completes or the validation window closes, AWS Backup deletes
// the resources involved with the restore test", AWS Backup Developer
// Guide, "Restore testing"). Restore testing "runs restore jobs in the same
// way as on-demand restores", so a failed test is a Restore Job State
// Change event with status FAILED or ABORTED, which the stack's
// backup-job-failed rule (BackupFailuresPattern) already sends to the alarm
// topic.
const (
	// RestoreTestSchedule is Sunday 10:00 UTC: after the daily backup
	// (DailySchedule) has had its start window.
	RestoreTestSchedule = "cron(0 10 ? * SUN *)"
	// RestoreTestStartWindowHours is how long the test may wait to start.
	RestoreTestStartWindowHours = 4
	// RestoreTestSelectionWindowDays: the newest snapshot of the last week.
	RestoreTestSelectionWindowDays = 7
	// RestoreTestValidationWindowHours is how long the restored cluster is
	// kept before AWS Backup deletes it.
	RestoreTestValidationWindowHours = 1
	// RestoreTestRecoveryPoints are the recovery points tested: snapshots,
	// the kind the recovery region holds copies of (a cross-region copy of
	// a continuous backup is a snapshot too).
	RestoreTestRecoveryPoints = "SNAPSHOT"
)

// RestoreTestingPlanName is the plan's name: AWS Backup allows letters,
// digits and underscores only, so <prefix>_aurora with hyphens made
// underscores.
func RestoreTestingPlanName(scope naming.Scope) string {
	return strings.ReplaceAll(scope.Name("aurora"), "-", "_")
}

// maxRestoreTestingPlanName is AWS Backup's limit on a plan's name.
const maxRestoreTestingPlanName = 50

// RestoreTestingArgs configures RestoreTesting.
type RestoreTestingArgs struct {
	// Scope is the stack's scope: its prefix names the plan and the role,
	// and the vault the snapshots are chosen from. Required.
	Scope naming.Scope
	// Cluster is the Aurora cluster whose snapshots are restored. Required.
	Cluster *Aurora
	// SecurityGroupID is the Aurora security group the restored cluster
	// gets. Required: AWS Backup would otherwise restore into the default
	// VPC, which the account baseline deletes, and the test would fail
	// ("Restore testing inferred metadata").
	SecurityGroupID pulumi.StringInput
	// VaultArn is the vault whose recovery points are tested (Backup's).
	// Required: an input, not a name, so that the plan follows the vault
	// in the dependency graph without depending on the whole component,
	// whose children the Pulumi Go SDK registers concurrently.
	VaultArn pulumi.StringInput
}

// validate reports every missing or invalid field at once.
func (a RestoreTestingArgs) validate() error {
	c := fields.For("data.RestoreTestingArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Cluster", a.Cluster)
	c.Require("SecurityGroupID", a.SecurityGroupID)
	c.Require("VaultArn", a.VaultArn)
	if n := RestoreTestingPlanName(a.Scope); a.Scope.Prefix != "" && len(n) > maxRestoreTestingPlanName {
		c.Invalid("Scope.Prefix", "restore testing plan name %q is longer than the %d characters AWS Backup allows", n, maxRestoreTestingPlanName)
	}
	return c.Err()
}

// RestoreTesting is AWS Backup's weekly restore test of the Aurora cluster.
type RestoreTesting struct {
	pulumi.ResourceState

	// PlanName is the restore testing plan's name.
	PlanName pulumi.StringOutput
}

// RestoreMetadataOverrides place the restored cluster where the stack's
// cluster is: its subnet group, security group and parameter group (keys
// AWS Backup lets a restore testing selection override for Aurora,
// "Restore testing inferred metadata"; vpcSecurityGroupIds is a JSON list).
func RestoreMetadataOverrides(clusterID string, securityGroupID pulumi.StringInput) pulumi.StringMap {
	return pulumi.StringMap{
		"dbSubnetGroupName":           pulumi.String(clusterID),
		"dbClusterParameterGroupName": pulumi.String(ParameterGroupName(clusterID)),
		"vpcSecurityGroupIds": securityGroupID.ToStringOutput().ApplyT(func(id string) (string, error) {
			b, err := json.Marshal([]string{id})
			return string(b), err
		}).(pulumi.StringOutput),
	}
}

// NewRestoreTesting creates the restore testing plan, its selection of the
// cluster and the role AWS Backup restores with.
func NewRestoreTesting(ctx *pulumi.Context, name string, args *RestoreTestingArgs, opts ...pulumi.ResourceOption) (*RestoreTesting, error) {
	if args == nil {
		args = &RestoreTestingArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &RestoreTesting{}
	if err := ctx.RegisterComponentResource("omnirapeutic:data:RestoreTesting", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)

	// A role of its own that can restore and nothing else: the restore test
	// creates a cluster from a snapshot; AWS Backup deletes it afterwards
	// with its own service-linked role (AWSServiceRolePolicyForBackupRestoreTesting).
	role, err := access.NewRole(ctx, name, &access.RoleArgs{
		Name:        args.Scope.Name("restore-testing"),
		Description: "Lets AWS Backup restore the Aurora cluster's snapshots for the weekly restore test",
		// As the backup role: AWS Backup's guide documents no condition key
		// it sends when it assumes the role (data.NewBackup).
		Trust:             policy.AssumeRole("backup.amazonaws.com", nil),
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(RestoreServicePolicy)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("restore testing role: %w", err)
	}
	plan, err := backup.NewRestoreTestingPlan(ctx, name+"-plan", &backup.RestoreTestingPlanArgs{
		Name:               pulumi.String(RestoreTestingPlanName(args.Scope)),
		ScheduleExpression: pulumi.String(RestoreTestSchedule),
		StartWindowHours:   pulumi.Int(RestoreTestStartWindowHours),
		RecoveryPointSelection: &backup.RestoreTestingPlanRecoveryPointSelectionArgs{
			Algorithm:           pulumi.String("LATEST_WITHIN_WINDOW"),
			IncludeVaults:       pulumi.StringArray{args.VaultArn},
			RecoveryPointTypes:  pulumi.StringArray{pulumi.String(RestoreTestRecoveryPoints)},
			SelectionWindowDays: pulumi.Int(RestoreTestSelectionWindowDays),
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create restore testing plan: %w", err)
	}
	if _, err := backup.NewRestoreTestingSelection(ctx, name+"-aurora", &backup.RestoreTestingSelectionArgs{
		Name:                     pulumi.String("aurora"),
		RestoreTestingPlanName:   plan.Name,
		ProtectedResourceType:    pulumi.String("Aurora"),
		ProtectedResourceArns:    pulumi.StringArray{args.Cluster.Arn},
		IamRoleArn:               role.Arn,
		ValidationWindowHours:    pulumi.Int(RestoreTestValidationWindowHours),
		RestoreMetadataOverrides: RestoreMetadataOverrides(ClusterID(args.Scope), args.SecurityGroupID),
	}, parent, pulumi.DependsOn(role.Attachments)); err != nil {
		return nil, fmt.Errorf("select Aurora for restore testing: %w", err)
	}
	r.PlanName = plan.Name
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"planName": r.PlanName}); err != nil {
		return nil, err
	}
	return r, nil
}
