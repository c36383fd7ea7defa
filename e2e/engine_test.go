//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// engineOnly are the steps the engine adds to what the program registers:
// the stack itself and the default AWS provider.
func engineOnly(urn string) bool {
	parts := strings.Split(urn, "::")
	return len(parts) >= 3 && strings.HasPrefix(parts[2], "pulumi:")
}

// TestEngine drives the real engine through one stack's life: stack init,
// preview, up, an idempotent second preview, a one-key config change, a
// refused destroy, and bad configuration. The steps share one stack, so
// they run in order and stop at the first failure.
func TestEngine(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	h := Start(t, Options{})
	t.Logf("stack init: %s", time.Since(start).Round(time.Millisecond))

	// `pulumi stack init` rewrote the copied stack file; the offline
	// synthesis must read the rewritten file exactly as it read the
	// committed one, and its inventory is what the engine must plan.
	original, err := stackfile.Load("..", "production")
	require.NoError(t, err)
	rewritten, err := stackfile.Load(h.Dir, "production")
	require.NoError(t, err, "the stack file as stack init rewrote it must load")
	assert.Equal(t, original.Values, rewritten.Values, "stack init changed what the program is handed")
	raw, err := os.ReadFile(filepath.Join(h.Dir, "Pulumi.production.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "encryptionsalt:", "stack init with a passphrase adds the salt to the stack file")
	assert.Contains(t, string(raw), `omnirapeutic:ownsAccountSingletons: "true"`, "stack init quotes top-level booleans")

	offline, err := synth.Run(synth.Options{Dir: h.Dir})
	require.NoError(t, err, "offline synthesis of the rewritten stack file")
	want := map[string]bool{}
	custom := 0
	for _, r := range offline.Resources {
		want[r.URN] = true
		if !r.Component {
			custom++
		}
	}

	var resources int
	if !t.Run("preview creates every resource the offline synthesis lists", func(t *testing.T) {
		run, err := h.Preview(ctx)
		require.NoError(t, err, run.Stdout)
		t.Logf("preview: %s, %v", run.Duration.Round(time.Millisecond), run.Ops())
		var extra []string
		for urn, op := range run.Steps {
			assert.Equalf(t, apitype.OpCreate, op, "%s", urn)
			if !want[urn] && !engineOnly(urn) {
				extra = append(extra, urn)
			}
		}
		var missing []string
		for urn := range want {
			if _, ok := run.Steps[urn]; !ok {
				missing = append(missing, urn)
			}
		}
		sort.Strings(extra)
		sort.Strings(missing)
		assert.Empty(t, missing, "the offline synthesis lists these, the engine does not plan them")
		assert.Empty(t, extra, "the engine plans these, the offline synthesis does not list them")
		assert.Len(t, run.Steps, len(want)+2, "the program's resources, the stack and the default AWS provider")
		assertExpectedWarnings(t, run.Warnings)
		resources = len(run.Steps)
		t.Logf("resources: %d planned (%d custom and %d components from the program, plus the stack and the aws provider)",
			resources, custom, len(want)-custom)
	}) {
		t.FailNow()
	}

	if !t.Run("up creates them and exports the offline synthesis's outputs", func(t *testing.T) {
		run, err := h.Up(ctx)
		require.NoError(t, err, run.Stdout)
		t.Logf("up: %s, %v", run.Duration.Round(time.Millisecond), run.Ops())
		assert.Equal(t, map[apitype.OpType]int{apitype.OpCreate: resources}, run.Ops())
		assertExpectedWarnings(t, run.Warnings)

		outputs, err := h.Stack.Outputs(ctx)
		require.NoError(t, err)
		got := map[string]any{}
		for k, v := range outputs {
			got[k] = plain(t, v.Value)
		}
		assert.Equal(t, plain(t, offline.Outputs), plain(t, got),
			"the stand-in answers Create as the offline mock does, so the outputs must agree")
		assertRegionsAsOffline(t, ctx, h, offline)
	}) {
		t.FailNow()
	}

	if !t.Run("a second preview changes nothing", func(t *testing.T) {
		run, err := h.Preview(ctx)
		require.NoError(t, err, run.Stdout)
		t.Logf("second preview: %s, %v", run.Duration.Round(time.Millisecond), run.Ops())
		assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: resources}, run.Ops())
	}) {
		t.FailNow()
	}

	if !t.Run("up keeps the pipeline's revision and never redeploys a rolled-back one", func(t *testing.T) {
		svc := offline.Find("aws:ecs/service:Service", "ecs-nginx")
		require.NotNil(t, svc, "the offline synthesis runs nginx")
		name, _ := svc.Inputs["name"].(string)
		family, revision, err := compute.ParseRevision(h.Provider.Running(name))
		require.NoError(t, err, "the stand-in runs what the first up deployed")

		// The pipeline registers revision+1 and deploys it; the next up
		// records it and changes nothing else (never reverts it).
		deployed := fmt.Sprintf("%s:%d", family, revision+1)
		h.Provider.Deploy(name, deployed)
		run, err := h.Up(ctx)
		require.NoError(t, err, run.Stdout)
		t.Logf("up after a pipeline deploy: %s, %v", run.Duration.Round(time.Millisecond), run.Ops())
		assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: resources - 1, apitype.OpUpdate: 1}, run.Ops())
		assert.Equal(t, []string{svc.URN}, run.URNs(apitype.OpUpdate), "only the service's recorded revision changes")
		assert.Equal(t, deployed, h.Provider.Running(name), "pulumi up reverted the pipeline's deploy")

		// The pipeline registers revision+2; ECS's circuit breaker rolls
		// the deployment back, so the service still runs revision+1. The
		// program never asks for the family's newest revision (the
		// stand-in refuses any other invoke), so the next up keeps
		// revision+1 and changes nothing.
		run, err = h.Up(ctx)
		require.NoError(t, err, run.Stdout)
		t.Logf("up after a rolled-back pipeline deploy: %s, %v", run.Duration.Round(time.Millisecond), run.Ops())
		assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: resources}, run.Ops())
		assert.Equal(t, deployed, h.Provider.Running(name), "pulumi up redeployed a rolled-back revision")
	}) {
		t.FailNow()
	}

	if !t.Run("one desired count changes one service", func(t *testing.T) {
		require.NoError(t, h.Stack.SetConfigWithOptions(ctx, "omnirapeutic:services.nginx.desiredCount",
			auto.ConfigValue{Value: "3"}, &auto.ConfigOptions{Path: true}))
		run, err := h.Preview(ctx)
		require.NoError(t, err, run.Stdout)
		t.Logf("preview after a config change: %s, %v", run.Duration.Round(time.Millisecond), run.Ops())
		assert.Equal(t, map[apitype.OpType]int{apitype.OpSame: resources - 1, apitype.OpUpdate: 1}, run.Ops())
		updated := run.URNs(apitype.OpUpdate)
		require.Len(t, updated, 1)
		svc := offline.ByURN(updated[0])
		require.NotNil(t, svc, "the updated resource is one the offline synthesis lists")
		assert.Equal(t, "aws:ecs/service:Service", svc.Type)
		assert.Equal(t, 2.0, svc.Inputs["desiredCount"], "nginx's seed desired count")
		assert.Contains(t, svc.Name, "nginx")
	}) {
		t.FailNow()
	}

	t.Run("destroy is refused while protected resources exist", func(t *testing.T) {
		// `pulumi destroy` previews first; the preview refuses.
		run, err := h.PreviewDestroy(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "because it is protected")
		assert.Zero(t, h.Provider.Calls()["Delete"], "a preview deleted something")
		assert.NotZero(t, run.Ops()[apitype.OpDelete], "the preview planned the deletes it then refused")
		state, err := h.Stack.Export(ctx)
		require.NoError(t, err)
		var deployment apitype.DeploymentV3
		require.NoError(t, json.Unmarshal(state.Deployment, &deployment))
		assert.Len(t, deployment.Resources, resources, "the state lost resources")
	})

	t.Run("a wrongly typed value fails in the CLI", func(t *testing.T) {
		require.NoError(t, h.Stack.SetConfig(ctx, "omnirapeutic:logRetentionDays", auto.ConfigValue{Value: "a year"}))
		t.Cleanup(func() { _ = h.Stack.SetConfig(ctx, "omnirapeutic:logRetentionDays", auto.ConfigValue{Value: "365"}) })
		run, err := h.Preview(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Stack 'production' with configuration key 'logRetentionDays' must be of type 'integer'")
		assert.Empty(t, run.Steps, "the program must not have run")
	})

	t.Run("a stack without a per-stack key fails in the CLI naming it, as offline", func(t *testing.T) {
		require.NoError(t, h.Stack.RemoveConfig(ctx, "omnirapeutic:vpcCidr"))
		t.Cleanup(func() { _ = h.Stack.SetConfig(ctx, "omnirapeutic:vpcCidr", auto.ConfigValue{Value: "10.0.0.0/16"}) })
		run, err := h.Preview(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Stack 'production' is missing configuration value 'vpcCidr'")
		assert.Empty(t, run.Steps, "the program must not have run")
		_, err = stackfile.Load(h.Dir, "production")
		require.Error(t, err)
		assert.Contains(t, err.Error(), `stack "production" is missing configuration value 'vpcCidr'`)
	})

	t.Run("a wrong value fails with the program's message", func(t *testing.T) {
		require.NoError(t, h.Stack.SetConfig(ctx, "omnirapeutic:vpcCidr", auto.ConfigValue{Value: "10.0.0.0/8"}))
		t.Cleanup(func() { _ = h.Stack.SetConfig(ctx, "omnirapeutic:vpcCidr", auto.ConfigValue{Value: "10.0.0.0/16"}) })
		run, err := h.Preview(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `omnirapeutic:vpcCidr: "10.0.0.0/8" must be between /16 and /28`)
		for urn, op := range run.Steps {
			assert.Truef(t, engineOnly(urn), "%s %s registered despite invalid config", op, urn)
		}
	})

	// Last, as it empties the stack: `pulumi destroy --yes --skip-preview`
	// (what the Automation API and an unattended script run) has no preview
	// to refuse. It deletes what is unprotected and fails on the rest, so
	// keys, buckets and the database outlive it.
	t.Run("destroy without a preview deletes only unprotected resources", func(t *testing.T) {
		run, err := h.Destroy(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "because it is protected")
		state, err := h.Stack.Export(ctx)
		require.NoError(t, err)
		var deployment apitype.DeploymentV3
		require.NoError(t, json.Unmarshal(state.Deployment, &deployment))
		left := map[string]bool{}
		for _, r := range deployment.Resources {
			left[string(r.URN)] = true
		}
		// What a protected resource needs (its parent, its dependencies, and
		// theirs) cannot be deleted before it; everything else must go.
		needed := map[string]bool{}
		var need func(urn string)
		need = func(urn string) {
			r := offline.ByURN(urn)
			if r == nil || needed[urn] {
				return
			}
			needed[urn] = true
			need(r.Parent)
			need(r.Provider) // an explicit provider outlives what it created
			for _, d := range r.Dependencies {
				need(d)
			}
		}
		protected := 0
		for _, r := range offline.Resources {
			if r.Protect {
				protected++
				need(r.URN)
				assert.Truef(t, left[r.URN], "protected %s was deleted", r.URN)
			}
		}
		for _, r := range offline.Resources {
			if !needed[r.URN] {
				assert.Falsef(t, left[r.URN], "%s: nothing protected needs it, yet it was not deleted", r.URN)
			}
		}
		assert.Len(t, deployment.Resources, len(needed)+2, "left: what protected resources need, the stack and the aws provider")
		t.Logf("destroy --skip-preview: %s, deleted %d, kept %d protected (%d resources left in state)",
			run.Duration.Round(time.Millisecond), len(run.Done), protected, len(deployment.Resources))
	})

	t.Logf("stand-in provider calls: %v", h.Provider.Calls())
}

// assertRegionsAsOffline: every resource the engine created through an
// explicit provider (the recovery region's) has the ARN the offline
// synthesis gives it, in that provider's region: the engine configured a
// provider instance of that region, and the stand-in answered in it.
func assertRegionsAsOffline(t *testing.T, ctx context.Context, h *Harness, offline *synth.Result) {
	t.Helper()
	state, err := h.Stack.Export(ctx)
	require.NoError(t, err)
	var deployment apitype.DeploymentV3
	require.NoError(t, json.Unmarshal(state.Deployment, &deployment))
	outputs := map[string]map[string]any{}
	for _, r := range deployment.Resources {
		outputs[string(r.URN)] = r.Outputs
	}
	elsewhere := 0
	for _, r := range offline.Resources {
		if r.Component || r.Provider == "" {
			continue
		}
		elsewhere++
		assert.Contains(t, h.Provider.Regions(), r.Region, "a provider instance was configured with %s", r.Region)
		if arn, ok := r.Computed["arn"]; ok {
			assert.Equalf(t, arn, outputs[r.URN]["arn"], "%s is created in %s", r.URN, r.Region)
		}
	}
	if cfg := offline.Stack.Config; cfg.Recovery.Enabled() {
		assert.Positive(t, elsewhere, "%s creates resources in %s", cfg.Stack, cfg.Recovery.Region)
	}
}

// expectedWarnings are the warnings the program gives on purpose, each as a
// substring of its message; any other warning fails the test.
var expectedWarnings = []string{
	// platform: the committed stack file has no on-call subscriber yet.
	"the alarm topic has no subscriber",
	// platform: nor the account's key administrators, which are the
	// account's own (docs/platform-engineer.md lists them before the first up).
	"omnirapeutic:keyAdministrators is empty",
	// compliance: the recovery stack, outside the partition's global-events
	// region, cannot route IAM and console sign-in events to its topic
	// (docs/runbooks.md, "Lose the region", says what watches them then).
	"IAM and console sign-in record them in",
}

func assertExpectedWarnings(t *testing.T, warnings []string) {
	t.Helper()
	for _, w := range warnings {
		expected := false
		for _, e := range expectedWarnings {
			expected = expected || strings.Contains(w, e)
		}
		assert.Truef(t, expected, "unexpected warning: %s", w)
	}
}

// plain round-trips a value through JSON, so that numbers and nested
// values compare alike whichever side decoded them.
func plain(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
