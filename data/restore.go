package data

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// RestoreRoleName is the role a restore job runs as, <prefix>-backup-restore.
func RestoreRoleName(scope naming.Scope) string { return scope.Name("backup", "restore") }

// newRestoreRole creates the role AWS Backup assumes for a restore, and only
// for one: AWSBackupServiceRolePolicyForRestores may create and configure
// clusters and instances from recovery points, which the role that runs
// every scheduled backup has no need to hold. Nothing selects it; the
// person restoring names it in start-restore-job (docs/runbooks.md,
// "Restore Aurora to a point in time"), so its use is one CloudTrail event
// with their identity.
func newRestoreRole(ctx *pulumi.Context, name string, args *BackupArgs, parent pulumi.ResourceOption) (*access.Role, error) {
	role, err := access.NewRole(ctx, name+"-restore", &access.RoleArgs{
		Name:        RestoreRoleName(args.Scope),
		Description: "Lets AWS Backup restore the Aurora cluster's recovery points, when a restore job names it",
		// Trusted without a condition, as the backup role is (its comment
		// in backup.go says why).
		Trust:             policy.AssumeRole("backup.amazonaws.com", nil),
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(RestoreServicePolicy)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("AWS Backup restore role: %w", err)
	}
	return role, nil
}
