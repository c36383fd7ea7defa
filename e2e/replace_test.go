//go:build e2e

package e2e

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const standInURN = "urn:pulumi:production::omnirapeutic::"

func diffOf(t *testing.T, p *Provider, typ string, olds, news map[string]any) *pulumirpc.DiffResponse {
	t.Helper()
	o, err := marshal(resource.NewPropertyMapFromMap(olds))
	require.NoError(t, err)
	n, err := marshal(resource.NewPropertyMapFromMap(news))
	require.NoError(t, err)
	resp, err := p.Diff(context.Background(), &pulumirpc.DiffRequest{Urn: standInURN + typ + "::x", Type: typ, Olds: o, OldInputs: o, News: n})
	require.NoError(t, err)
	return resp
}

func create(p *Provider, typ, name string, inputs map[string]any) error {
	props, err := marshal(resource.NewPropertyMapFromMap(inputs))
	if err != nil {
		return err
	}
	_, err = p.Create(context.Background(), &pulumirpc.CreateRequest{Urn: standInURN + typ + "::" + name, Type: typ, Properties: props})
	return err
}

func remove(t *testing.T, p *Provider, typ, name string, inputs map[string]any) {
	t.Helper()
	props, err := marshal(resource.NewPropertyMapFromMap(inputs))
	require.NoError(t, err)
	_, err = p.Delete(context.Background(), &pulumirpc.DeleteRequest{Id: name + "-id", Urn: standInURN + typ + "::" + name, Type: typ, Properties: props, OldInputs: props})
	require.NoError(t, err)
}

// TestProviderReplacesFromTheTable: the stand-in's Diff replaces exactly
// for the replace-triggering inputs of replacement.Types, and asks to
// delete first only where pulumi-aws would (an explicit name).
func TestProviderReplacesFromTheTable(t *testing.T) {
	p := NewProvider("omnirapeutic", "production", "us-east-1", "6.83.4")
	const lock = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	resp := diffOf(t, p, lock, map[string]any{"backupVaultName": "v", "minRetentionDays": 7}, map[string]any{"backupVaultName": "v", "minRetentionDays": 14})
	assert.Equal(t, []string{"minRetentionDays"}, resp.GetReplaces())
	assert.False(t, resp.GetDeleteBeforeReplace(), "unnamed: the program's deleteBeforeReplace decides")

	const role = "aws:iam/role:Role"
	resp = diffOf(t, p, role, map[string]any{"name": "r", "description": "a"}, map[string]any{"name": "r", "description": "b"})
	assert.Empty(t, resp.GetReplaces(), "a description updates in place")
	resp = diffOf(t, p, role, map[string]any{"name": "r"}, map[string]any{"name": "s"})
	assert.Equal(t, []string{"name"}, resp.GetReplaces())
	assert.True(t, resp.GetDeleteBeforeReplace(), "an explicit name: pulumi-aws deletes first")

	const instance = "aws:ec2/instance:Instance"
	resp = diffOf(t, p, instance, map[string]any{"rootBlockDevice": map[string]any{"encrypted": true, "volumeType": "gp3"}}, map[string]any{"rootBlockDevice": map[string]any{"encrypted": true, "volumeType": "gp2"}})
	assert.Empty(t, resp.GetReplaces(), "only encryption inside the root device replaces the instance")
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_SOME, resp.GetChanges())
}

// TestProviderRefusesAnIdentityInUse: AWS refuses a second resource with a
// name (or another identity it holds once) in use, until the first is
// deleted; a Put type overwrites its parent's setting instead, and its
// delete clears the setting whoever wrote it.
func TestProviderRefusesAnIdentityInUse(t *testing.T) {
	p := NewProvider("omnirapeutic", "production", "us-east-1", "6.83.4")
	const role = "aws:iam/role:Role"
	require.NoError(t, create(p, role, "a", map[string]any{"name": "same"}))
	err := create(p, role, "b", map[string]any{"name": "same"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already in use")
	assert.NotEmpty(t, p.Refused())
	remove(t, p, role, "a", map[string]any{"name": "same"})
	require.NoError(t, create(p, role, "b", map[string]any{"name": "same"}), "the name is free once the first is deleted")

	const lock = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	old := map[string]any{"backupVaultName": "v", "minRetentionDays": 7}
	require.NoError(t, create(p, lock, "old", old))
	require.NoError(t, create(p, lock, "new", map[string]any{"backupVaultName": "v", "minRetentionDays": 14}), "a vault lock is put")
	holder, err := p.Holder(lock, old)
	require.NoError(t, err)
	assert.Equal(t, "new-id", holder)
	remove(t, p, lock, "old", old)
	holder, err = p.Holder(lock, old)
	require.NoError(t, err)
	assert.Empty(t, holder, "the old lock's delete removes the vault's lock, whoever put it")
}
