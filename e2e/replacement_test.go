//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/platform"
	"github.com/omnirapeutic/infrastructure/replacement"
)

// everythingOn switches on every optional part of the program in the
// project directory's production stack file, so that the stack creates
// every type the replacement table has a row for: every declared service on
// (as the stack file declares it; one from its ECR repository gets a pushed
// tag), a certificate (HTTPS listener and rules), and both kinds of alarm
// subscription.
func everythingOn(t *testing.T, dir string) map[string]string {
	t.Helper()
	sf, err := stackfile.Load(dir, "production")
	require.NoError(t, err)
	var services map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(sf.Values["omnirapeutic:services"]), &services))
	for name, svc := range services {
		svc["enabled"] = true
		if img, _ := svc["image"].(string); img == "" {
			svc["imageTag"] = "v1.4.2-" + name
		}
	}
	var edge map[string]any
	require.NoError(t, json.Unmarshal([]byte(sf.Values["omnirapeutic:edge"]), &edge))
	edge["certificateArn"] = "arn:aws:acm:" + sf.Values["aws:region"] + ":" + synth.AccountID + ":certificate/0e3c1f5a-1111-2222-3333-444455556666"
	encode := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	return map[string]string{
		"omnirapeutic:services":            encode(services),
		"omnirapeutic:edge":                encode(edge),
		"omnirapeutic:alarmEmails":         `["oncall@omnirapeutic.example"]`,
		"omnirapeutic:alarmHttpsEndpoints": `["https://events.pagerduty.example/integration/abc/enqueue"]`,
	}
}

// bootstrapOnly are the rows only the bootstrap program creates; this
// stack runs the platform program.
var bootstrapOnly = []string{"aws:iam/openIdConnectProvider:OpenIdConnectProvider"}

// switchOn sets structured config values (JSON) in a stack file, as
// `pulumi config set --path` would one leaf at a time.
func switchOn(t *testing.T, stackFile string, values map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(stackFile)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	cfg, _ := doc["config"].(map[string]any)
	require.NotNil(t, cfg, "the stack file has no config")
	for k, v := range values {
		var parsed any
		require.NoError(t, json.Unmarshal([]byte(v), &parsed), k)
		cfg[k] = parsed
	}
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(stackFile, out, 0o644))
}

// trigger is one replace-triggering input the test changes on one resource.
type trigger struct {
	row   replacement.Type
	res   *synth.Resource
	path  string
	value any // the new value of path's top-level input
}

// TestReplacementsFollowTheTable: for every row of replacement.Types with a
// trigger the program sets, change that trigger on one resource through a
// resource transform (as a program change would), and check that the real
// engine, asking the stand-in provider (which answers from the same table),
// plans and performs a replacement in the order the table promises
// (create-first, or delete-first), that `up` completes without any name or
// identity collision, and that the controls their parent holds once (the
// vault lock, WAF logging, every bucket setting, ...) are still in place
// afterwards. Triggers are batched: a batch never holds a resource and
// another that depends on it, so each replacement's order is its own.
func TestReplacementsFollowTheTable(t *testing.T) {
	ctx := context.Background()
	start := time.Now()

	var mu sync.Mutex
	changed := map[string]trigger{} // type + " " + logical name → the change in force
	program := func(pctx *pulumi.Context) error {
		err := pctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if !a.Custom || !strings.HasPrefix(a.Type, "aws:") {
				return nil
			}
			// `pulumi state unprotect --all`: the engine refuses to replace
			// a protected resource, and this test replaces one of each type.
			opts := a.Opts
			opts.Protect = false
			props := a.Props
			mu.Lock()
			c, ok := changed[a.Type+" "+a.Name]
			mu.Unlock()
			if ok {
				props = maps.Clone(props)
				top, _, _ := strings.Cut(c.path, ".")
				props[top] = pulumi.Any(c.value)
			}
			return &pulumi.ResourceTransformResult{Props: props, Opts: opts}
		})
		if err != nil {
			return err
		}
		return platform.Run(pctx)
	}
	h := Start(t, Options{Program: program})
	switchOn(t, filepath.Join(h.Dir, "Pulumi.production.yaml"), everythingOn(t, h.Dir))
	offline, err := synth.Run(synth.Options{Dir: h.Dir})
	require.NoError(t, err, "offline synthesis with everything switched on")

	run, err := h.Up(ctx)
	require.NoError(t, err, run.Stdout)
	require.Empty(t, h.Provider.Refused(), "the first up collided")
	t.Logf("stack init and first up: %s, %d resources", time.Since(start).Round(time.Millisecond), len(run.Steps))

	triggers := chooseTriggers(t, offline)
	batches := batch(offline, triggers)
	t.Logf("%d rows with a trigger the program sets, in %d batches", len(triggers), len(batches))

	for i, b := range batches {
		mu.Lock()
		for _, tr := range b {
			changed[tr.res.Type+" "+tr.res.Name] = tr
		}
		mu.Unlock()
		names := make([]string, 0, len(b))
		for _, tr := range b {
			names = append(names, tr.res.Name+"."+tr.path)
		}
		t.Run(fmt.Sprintf("batch %d", i+1), func(t *testing.T) {
			t.Logf("changing %s", strings.Join(names, ", "))
			preview, err := h.Preview(ctx)
			require.NoError(t, err, preview.Stdout)
			up, err := h.Up(ctx)
			require.NoError(t, err, up.Stdout)
			assert.Empty(t, up.Errors)
			assert.Empty(t, h.Provider.Refused(), "a create collided with an identity in use")
			for _, tr := range b {
				for what, r := range map[string]*Run{"preview": preview, "up": up} {
					assertReplaced(t, what, r, tr)
				}
			}
			assertControlsHeld(t, ctx, h)
			t.Logf("preview %s, up %s: %v", preview.Duration.Round(time.Millisecond), up.Duration.Round(time.Millisecond), up.Ops())
		})
	}

	t.Logf("replacements: %s in all", time.Since(start).Round(time.Millisecond))
}

// assertControlsHeld: every configuration its parent holds once (Put
// types with a Key: the vault lock, WAF logging and association, lifecycle
// policies, every bucket setting) that the state has, AWS has too: no
// replacement's old delete cleared it. The vault lock and WAF logging are
// among them.
func assertControlsHeld(t *testing.T, ctx context.Context, h *Harness) {
	t.Helper()
	state, err := h.Stack.Export(ctx)
	require.NoError(t, err)
	var deployment apitype.DeploymentV3
	require.NoError(t, json.Unmarshal(state.Deployment, &deployment))
	held := map[string]int{}
	for _, r := range deployment.Resources {
		row, ok := replacement.Lookup(string(r.Type))
		if !ok || !row.Put || len(row.Key) == 0 {
			continue
		}
		holder, err := h.Provider.Holder(string(r.Type), r.Inputs)
		require.NoError(t, err)
		assert.Equalf(t, string(r.ID), holder, "%s: the state has it, AWS does not (its parent's setting was cleared)", r.URN)
		held[string(r.Type)]++
	}
	for _, typ := range []string{
		"aws:backup/vaultLockConfiguration:VaultLockConfiguration",
		"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
		"aws:wafv2/webAclAssociation:WebAclAssociation",
		"aws:ecr/lifecyclePolicy:LifecyclePolicy",
		"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
	} {
		assert.NotZerof(t, held[typ], "%s: none in the state", typ)
	}
}

// assertReplaced checks that the run replaced the resource, in the order
// the table promises.
func assertReplaced(t *testing.T, what string, r *Run, tr trigger) {
	t.Helper()
	create, del := -1, -1
	for i, s := range r.Sequence {
		if s.URN != tr.res.URN {
			continue
		}
		switch s.Op {
		case apitype.OpCreateReplacement:
			create = i
		case apitype.OpDeleteReplaced:
			del = i
		}
	}
	if !assert.Truef(t, create >= 0 && del >= 0, "%s: %s %s (%s changed) is not replaced", what, tr.row.Token, tr.res.Name, tr.path) {
		return
	}
	if replacement.DeletesFirst(tr.row.Token) {
		assert.Lessf(t, del, create, "%s: %s %s: the table promises delete-first", what, tr.row.Token, tr.res.Name)
	} else {
		assert.Lessf(t, create, del, "%s: %s %s: the table promises create-first", what, tr.row.Token, tr.res.Name)
	}
}

// chooseTriggers picks, per row, one resource and one trigger the program
// sets: a pinned input first (what the pin protects against), then another
// input that is neither identity nor name (the traps: the old resource's
// delete undoing the new one), then a key, then the name. A row replaced
// create-first and keyed by a parent changes its key only: anything else
// collides, which the table's row says (a Fixed row, a planned migration).
func chooseTriggers(t *testing.T, offline *synth.Result) []trigger {
	t.Helper()
	byType := map[string][]*synth.Resource{}
	for _, r := range offline.Resources {
		if !r.Component {
			byType[r.Type] = append(byType[r.Type], r)
		}
	}
	var out []trigger
	for _, row := range replacement.Types {
		if row.Strategy == replacement.InPlace {
			continue
		}
		resources := byType[row.Token]
		if len(resources) == 0 {
			assert.Containsf(t, bootstrapOnly, row.Token, "%s: the stack with everything on creates none", row.Token)
			continue
		}
		sort.Slice(resources, func(i, j int) bool { return resources[i].Name < resources[j].Name })
		best, rank := trigger{}, 99
		for _, res := range resources {
			for _, p := range row.ForceNew {
				top, _, _ := strings.Cut(p, ".")
				if slices.Contains(res.IgnoreChanges, top) || len(replacement.Values(res.Inputs, p)) == 0 {
					continue
				}
				r := triggerRank(row, p, res.Inputs[top])
				if r < rank {
					best, rank = trigger{row: row, res: res, path: p}, r
				}
			}
		}
		if assert.Lessf(t, rank, 99, "%s: no resource sets a trigger that can be changed", row.Token) {
			// A suffix of its own: an earlier batch may have changed this
			// input already, through a replaced resource it names.
			best.value = changedAt(best.res.Inputs, best.path, fmt.Sprintf("-e2e%d", len(out)+1))
			out = append(out, best)
		}
	}
	return out
}

// triggerRank orders a row's triggers; 99 means never.
func triggerRank(row replacement.Type, path string, value any) int {
	naming := path == row.NameProperty || path == row.PrefixProperty
	key := slices.Contains(row.Key, path)
	if !replacement.DeletesFirst(row.Token) && (len(row.Key) > 0 || row.Singleton) && !key && !naming {
		return 99
	}
	switch {
	case naming:
		return 5
	case key:
		return 4
	case row.Pins[path] != nil:
		return 1
	}
	switch value.(type) {
	case string, float64, bool:
		return 2
	}
	return 3
}

// changedAt returns the top-level input of path with the value at path
// changed (suffix: what strings get).
func changedAt(inputs map[string]any, path, suffix string) any {
	change := func(v any) any { return change(v, suffix) }
	top, rest, nested := strings.Cut(path, ".")
	v := clone(inputs[top])
	if !nested {
		return change(v)
	}
	var walk func(v any, parts []string) any
	walk = func(v any, parts []string) any {
		switch x := v.(type) {
		case []any:
			for i := range x {
				x[i] = walk(x[i], parts)
			}
			return x
		case map[string]any:
			if len(parts) == 1 {
				x[parts[0]] = change(x[parts[0]])
			} else if next, ok := x[parts[0]]; ok {
				x[parts[0]] = walk(next, parts[1:])
			}
			return x
		}
		return v
	}
	return walk(v, strings.Split(rest, "."))
}

// change returns a different value of the same shape: strings get the
// suffix (JSON documents trailing spaces, so they stay valid), numbers grow
// by one, booleans flip, and lists and objects change every element.
func change(v any, suffix string) any {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[") {
			return x + strings.Repeat(" ", len(suffix))
		}
		return x + suffix
	case float64:
		return x + 1
	case bool:
		return !x
	case []any:
		for i := range x {
			x[i] = change(x[i], suffix)
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = change(x[k], suffix)
		}
		return x
	}
	return v
}

func clone(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// batch groups triggers so that no resource in a batch depends, directly
// or through others, on another resource in it, nor is depended on by one:
// a replacement's order is then its own, not one a neighbour's replacement
// forced on it.
func batch(offline *synth.Result, triggers []trigger) [][]trigger {
	dependents := map[string][]string{}
	for _, r := range offline.Resources {
		for _, d := range r.Dependencies {
			dependents[d] = append(dependents[d], r.URN)
		}
	}
	reach := func(urn string) map[string]bool {
		seen := map[string]bool{}
		var walk func(string)
		walk = func(u string) {
			for _, d := range dependents[u] {
				if !seen[d] {
					seen[d] = true
					walk(d)
				}
			}
		}
		walk(urn)
		return seen
	}
	var batches [][]trigger
	var reached []map[string]bool
	for _, tr := range triggers {
		mine := reach(tr.res.URN)
		placed := false
		for i, b := range batches {
			fits := !reached[i][tr.res.URN]
			for _, other := range b {
				fits = fits && !mine[other.res.URN]
			}
			if fits {
				batches[i] = append(b, tr)
				maps.Copy(reached[i], mine)
				placed = true
				break
			}
		}
		if !placed {
			batches = append(batches, []trigger{tr})
			reached = append(reached, mine)
		}
	}
	return batches
}
