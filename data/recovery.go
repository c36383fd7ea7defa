package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/security"
)

// What AWS Backup can copy to another region, and what it cannot: a
// continuous (point-in-time) recovery point copied across regions "becomes a
// snapshot (periodic) backup. PITR (Point-in-Time Restore) is not available
// for these copies" (AWS Backup Developer Guide, "Copy a backup"), and a
// continuous rule with a copy action takes a snapshot to copy ("Copying
// continuous backups"), for which the role needs rds:DeleteDBSnapshot. The
// daily and monthly snapshot rules carry the copy action instead, so every
// copy is a snapshot the recovery region can restore a cluster from, and
// the continuous rule stays point-in-time restore in the stack's region.
// AWS Backup "will re-encrypt your copy using the customer managed key of
// your destination vault" ("Creating backup copies across AWS Regions"):
// the recovery vault's key (security.CopiesKey). The source snapshot stays
// under the Aurora key, which RDS uses on the copy's behalf (its key policy
// admits RDS in the stack's region).

// RecoveryVaultName is the recovery region's vault: <prefix>-recovery, so
// that the stack's copies are told apart from anything of a stack deployed
// in that region (the recovery stack's own vault is <its prefix>).
func RecoveryVaultName(scope naming.Scope) string { return scope.Name("recovery") }

// CopyActions copy each recovery point of a rule to the vault of that ARN,
// kept as long as the rule keeps its original (days): the recovery region
// holds as much history as the stack's own vault. AWS Backup dates a
// copy's retention from its source's creation ("Copy a backup": the
// expiration date "reference[s] the creation date of source").
func CopyActions(vaultArn pulumi.StringInput, days int) backup.PlanRuleCopyActionArray {
	return backup.PlanRuleCopyActionArray{&backup.PlanRuleCopyActionArgs{
		DestinationVaultArn: vaultArn,
		Lifecycle:           &backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(days)},
	}}
}

// RecoveryVaultArgs configures a RecoveryVault.
type RecoveryVaultArgs struct {
	// Scope is the recovery region's scope (naming.Scope.In): the stack's
	// prefix and account, the recovery region. Required.
	Scope naming.Scope
	// Provider is the recovery region's AWS provider; everything the
	// component creates is created through it. Required.
	Provider pulumi.ProviderResource
	// MinRetentionDays is the lock's minimum retention: the shortest
	// retention of a copied rule (backup.dailyRetentionDays), since AWS
	// Backup refuses a copy the lock would have to keep longer than its
	// lifecycle. Required.
	MinRetentionDays int
	// PolicyAdminArns are exempted from the denial of changing the vault's
	// policy (VaultPolicyAdmins), as for the stack's own vault. Required.
	PolicyAdminArns []string
	// KeyCustodians administer the copies' key, and alone may disable it
	// or schedule its deletion, as for the stack's own keys. Required.
	KeyCustodians security.Custodians
}

// validate reports every missing or invalid field at once.
func (a RecoveryVaultArgs) validate() error {
	c := fields.For("data.RecoveryVaultArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Provider", a.Provider)
	c.Require("MinRetentionDays", a.MinRetentionDays)
	c.Require("PolicyAdminArns", a.PolicyAdminArns)
	c.Require("KeyCustodians.Administrators", a.KeyCustodians.Administrators)
	c.Require("KeyCustodians.BreakGlass", a.KeyCustodians.BreakGlass)
	return c.Err()
}

// RecoveryVault is the recovery region's AWS Backup vault: the copies of the
// stack's recovery points, under a key of that region, locked and
// deny-delete like the stack's own vault.
type RecoveryVault struct {
	pulumi.ResourceState

	// Arn is the vault's ARN, the plan's copy destination.
	Arn pulumi.StringOutput
	// Name is the vault's name.
	Name pulumi.StringOutput
	// KeyArn is the key the copies are encrypted with.
	KeyArn pulumi.StringOutput
}

// NewRecoveryVault creates the vault, its key, lock and policy in the
// recovery region.
func NewRecoveryVault(ctx *pulumi.Context, name string, args *RecoveryVaultArgs, opts ...pulumi.ResourceOption) (*RecoveryVault, error) {
	if args == nil {
		args = &RecoveryVaultArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	v := &RecoveryVault{}
	// The provider is the component's, so every child is created in the
	// recovery region.
	opts = append(opts, pulumi.Providers(args.Provider))
	if err := ctx.RegisterComponentResource("omnirapeutic:data:RecoveryVault", name, v, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(v)
	key, err := security.NewKey(ctx, name+"-key", security.CopiesKey, security.KeysArgs{Scope: args.Scope, Custodians: args.KeyCustodians}, parent)
	if err != nil {
		return nil, err
	}
	vault, err := newVault(ctx, name, vaultArgs{
		name:             RecoveryVaultName(args.Scope),
		kmsKeyArn:        key.Arn,
		minRetentionDays: args.MinRetentionDays,
		policyAdminArns:  args.PolicyAdminArns,
	}, parent)
	if err != nil {
		return nil, err
	}
	v.Arn = vault.Arn
	v.Name = vault.Name
	v.KeyArn = key.Arn
	if err := ctx.RegisterResourceOutputs(v, pulumi.Map{"arn": v.Arn, "name": v.Name, "keyArn": v.KeyArn}); err != nil {
		return nil, err
	}
	return v, nil
}
