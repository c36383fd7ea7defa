package data

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// vaultArgs configures one locked AWS Backup vault: the plan's own, or the
// recovery region's that its copies go to.
type vaultArgs struct {
	// name is the vault's name, unique in its region.
	name string
	// kmsKeyArn encrypts what the vault holds.
	kmsKeyArn pulumi.StringInput
	// minRetentionDays is the vault lock's minimum retention: no recovery
	// point leaves the vault earlier, and AWS Backup refuses to store one
	// with a shorter lifecycle.
	minRetentionDays int
	// policyAdminArns are exempted from the vault policy's denial of
	// changing the policy itself (VaultPolicy).
	policyAdminArns []string
}

// newVault creates the vault (protected: it holds the recovery points), its
// governance-mode lock and its deny-deletion access policy, named
// <name>-vault, <name>-vault-lock and <name>-vault-policy. opts place them:
// the parent, and for the recovery region its provider.
func newVault(ctx *pulumi.Context, name string, args vaultArgs, opts ...pulumi.ResourceOption) (*backup.Vault, error) {
	vault, err := backup.NewVault(ctx, name+"-vault", &backup.VaultArgs{
		Name:         pulumi.String(args.name),
		KmsKeyArn:    args.kmsKeyArn,
		ForceDestroy: pulumi.Bool(false),
	}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.Protect(true)})...)
	if err != nil {
		return nil, fmt.Errorf("create backup vault %s: %w", args.name, err)
	}
	// Governance mode: without ChangeableForDays the lock never becomes
	// immutable (compliance mode), so a privileged principal can still
	// remove it; until then no recovery point is deleted early.
	//
	// minRetentionDays forces a new lock and has no update
	// (terraform-provider-aws
	// internal/service/backup/vault_lock_configuration.go); the delete
	// removes the vault's lock by vault name. Replaced create-first, the new
	// lock would be put and then removed by the old one's delete, so the
	// replacement deletes first (replacement.Types: DeleteFirst).
	if _, err := backup.NewVaultLockConfiguration(ctx, name+"-vault-lock", &backup.VaultLockConfigurationArgs{
		BackupVaultName:  vault.Name,
		MinRetentionDays: pulumi.Int(args.minRetentionDays),
	}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.DeleteBeforeReplace(true)})...); err != nil {
		return nil, fmt.Errorf("lock backup vault %s: %w", args.name, err)
	}
	if _, err := backup.NewVaultPolicy(ctx, name+"-vault-policy", &backup.VaultPolicyArgs{
		BackupVaultName: vault.Name,
		Policy:          pulumi.String(VaultPolicy(args.policyAdminArns).JSON()),
	}, opts...); err != nil {
		return nil, fmt.Errorf("set the policy of backup vault %s: %w", args.name, err)
	}
	return vault, nil
}
