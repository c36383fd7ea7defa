//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
)

// TestRecoveryStack runs the region-loss runbook's deployment with the real
// engine (docs/runbooks.md, "Lose the region"): the committed recovery stack
// file, with recovery.restoreFromSnapshot naming a copy in its region as the
// runbook's third step sets it, is created exactly as its offline synthesis
// lists, its Aurora cluster from that snapshot, with the offline outputs;
// a second preview changes nothing, so the snapshot is read at creation
// only and nothing keeps replacing the restored cluster.
func TestRecoveryStack(t *testing.T) {
	ctx := context.Background()
	h := Start(t, Options{Stack: "recovery"})
	snapshot := naming.NewScope("", synth.AccountID, h.Provider.region).
		ARN("rds", "cluster-snapshot:awsbackup:copyjob-e2e0000-0000-0000-0000-000000000000")
	require.NoError(t, h.Stack.SetConfigWithOptions(ctx, "omnirapeutic:recovery.restoreFromSnapshot",
		auto.ConfigValue{Value: snapshot}, &auto.ConfigOptions{Path: true}))

	offline, err := synth.Run(synth.Options{Dir: h.Dir, Stack: "recovery"})
	require.NoError(t, err, "offline synthesis of the recovery stack file, as the runbook leaves it")
	cluster := offline.Find("aws:rds/cluster:Cluster", "aurora-cluster")
	require.NotNil(t, cluster)
	require.Equal(t, snapshot, cluster.Str("snapshotIdentifier"), "the program restores from the configured snapshot")
	want := map[string]bool{}
	for _, r := range offline.Resources {
		want[r.URN] = true
	}

	run, err := h.Up(ctx)
	require.NoError(t, err, run.Stdout)
	t.Logf("up: %s, %v", run.Duration.Round(time.Millisecond), run.Ops())
	var extra, missing []string
	for urn, op := range run.Steps {
		assert.Equalf(t, apitype.OpCreate, op, "%s", urn)
		if !want[urn] && !engineOnly(urn) {
			extra = append(extra, urn)
		}
	}
	for urn := range want {
		if _, ok := run.Steps[urn]; !ok {
			missing = append(missing, urn)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	assert.Empty(t, missing, "the offline synthesis lists these, the engine did not create them")
	assert.Empty(t, extra, "the engine created these, the offline synthesis does not list them")
	assert.Len(t, run.Steps, len(want)+2, "the program's resources, the stack and the default AWS provider")
	assertExpectedWarnings(t, run.Warnings)

	outputs, err := h.Stack.Outputs(ctx)
	require.NoError(t, err)
	got := map[string]any{}
	for k, v := range outputs {
		got[k] = plain(t, v.Value)
	}
	assert.Equal(t, plain(t, offline.Outputs), plain(t, got))
	assert.NotContains(t, got, "recoveryVaultName", "the recovery stack has no recovery region of its own")

	state, err := h.Stack.Export(ctx)
	require.NoError(t, err)
	var deployment apitype.DeploymentV3
	require.NoError(t, json.Unmarshal(state.Deployment, &deployment))
	restored := false
	for _, r := range deployment.Resources {
		if string(r.URN) == cluster.URN {
			restored = true
			assert.Equal(t, snapshot, r.Inputs["snapshotIdentifier"], "the cluster was created from the snapshot")
			assert.True(t, r.Protect)
		}
	}
	assert.True(t, restored, "the state holds the restored cluster")

	again, err := h.Preview(ctx)
	require.NoError(t, err, again.Stdout)
	t.Logf("second preview: %s, %v", again.Duration.Round(time.Millisecond), again.Ops())
	assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: len(want) + 2}, again.Ops())
}
