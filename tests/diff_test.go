package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/diff"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// decoded is a synthesis as `synth diff` reads it back from --json.
func decoded(t *testing.T, r *synth.Result) *synth.Inventory {
	t.Helper()
	var inv synth.Inventory
	require.NoError(t, json.Unmarshal([]byte(inventory(t, r)), &inv))
	return &inv
}

// edit returns a copy of the inventory with one resource changed.
func edit(t *testing.T, inv *synth.Inventory, typ, name string, change func(r *synth.Resource)) *synth.Inventory {
	t.Helper()
	out := *inv
	out.Resources = nil
	found := false
	for _, r := range inv.Resources {
		c := *r
		c.Inputs = map[string]any{}
		for k, v := range r.Inputs {
			c.Inputs[k] = v
		}
		if r.Type == typ && r.Name == name {
			change(&c)
			found = true
		}
		out.Resources = append(out.Resources, &c)
	}
	require.Truef(t, found, "no %s %s", typ, name)
	return &out
}

// compare is diff.Compare on inventories it must read.
func compare(t *testing.T, old, new *synth.Inventory, replaceOnly func(string) []synth.ReplaceOnlyProperty) *diff.Delta {
	t.Helper()
	d, err := diff.Compare(old, new, replaceOnly)
	require.NoError(t, err)
	return d
}

func writeDiff(d *diff.Delta) string {
	var b bytes.Buffer
	diff.Write(&b, d)
	return b.String()
}

// TestDiffOfIdenticalSynthesesIsEmpty: the same program twice differs in nothing.
func TestDiffOfIdenticalSynthesesIsEmpty(t *testing.T) {
	inv := decoded(t, production(t))
	d := compare(t, inv, inv, synth.ReplaceOnly)
	assert.Empty(t, d.Added)
	assert.Empty(t, d.Removed)
	assert.Empty(t, d.Changed)
	assert.Equal(t, diff.NoChange, d.ExitCode(false))
	assert.Contains(t, writeDiff(d), "0 added, 0 removed, 0 changed (0 replaced)")
}

// TestDiffFlagsReplacingTheDatabaseKey: a new KMS key on the Aurora cluster
// replaces the database; the diff says so loudly and fails the check.
func TestDiffFlagsReplacingTheDatabaseKey(t *testing.T) {
	old := decoded(t, production(t))
	new := edit(t, old, "aws:rds/cluster:Cluster", "aurora-cluster", func(r *synth.Resource) {
		r.Inputs["kmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/another"
	})
	d := compare(t, old, new, synth.ReplaceOnly)
	instances := len(production(t).OfType(tClusterInstance))
	changed := map[string]*diff.ResourceChange{}
	for i := range d.Changed {
		changed[d.Changed[i].Name] = &d.Changed[i]
	}
	require.Len(t, d.Changed, 2+instances, "the cluster, every instance that names it, and the backup selection that names its ARN")
	assert.Equal(t, []string{"kmsKeyId"}, changed["aurora-cluster"].Inputs)
	assert.Contains(t, changed, "aurora-writer")
	// The selection reads the cluster's ARN, which the preview knows only
	// once the new cluster exists; not stateful, so not among the dangers.
	require.Contains(t, changed, "backup-aurora")
	assert.Equal(t, []string{"resources (from aurora-cluster)"}, changed["backup-aurora"].Inputs)
	require.Len(t, d.Dangerous, 1+instances, "the cluster and every instance replaced with it")
	assert.Equal(t, "replace", d.Dangerous[0].Action)
	assert.Contains(t, d.Dangerous[1].Why, "clusterIdentifier names aurora-cluster")
	assert.Equal(t, diff.Dangerous, d.ExitCode(false))
	assert.Equal(t, diff.Changes, d.ExitCode(true), "--allow-replace lets it through, as a change")
	out := writeDiff(d)
	assert.Contains(t, out, fmt.Sprintf("!!! %d PROTECTED OR STATEFUL RESOURCE(S) WOULD BE REPLACED OR DELETED !!!", 1+instances))
	assert.Contains(t, out, "!!! REPLACE aws:rds/cluster:Cluster aurora-cluster: kmsKeyId changed")
	assert.Contains(t, out, "hashicorp/terraform-provider-aws/blob/", "the provider source that marks kmsKeyId ForceNew")
	assert.Contains(t, out, "internal/service/rds/cluster.go")
}

// TestDiffFlagsARenamedLogGroup: a changed logical name is a delete and a
// create of the audit log group; an in-place change is only a change.
func TestDiffFlagsARenamedLogGroup(t *testing.T) {
	old := decoded(t, production(t))
	new := edit(t, old, "aws:cloudwatch/logGroup:LogGroup", "cloudtrail-logs", func(r *synth.Resource) {
		r.Name = "trail-logs"
		r.URN = strings.Replace(r.URN, "::cloudtrail-logs", "::trail-logs", 1)
	})
	d := compare(t, old, new, synth.ReplaceOnly)
	require.Len(t, d.Added, 1)
	require.Len(t, d.Removed, 1)
	require.Len(t, d.Dangerous, 1)
	assert.Equal(t, "delete", d.Dangerous[0].Action)
	assert.Contains(t, d.Dangerous[0].Why, "logical name or parent changed")
	assert.Equal(t, diff.Dangerous, d.ExitCode(false))

	tuned := edit(t, old, "aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-aurora-cpu", func(r *synth.Resource) {
		r.Inputs["threshold"] = 90.0
	})
	d = compare(t, old, tuned, synth.ReplaceOnly)
	require.Len(t, d.Changed, 1)
	assert.Empty(t, d.Changed[0].Replace)
	assert.Empty(t, d.Dangerous)
	assert.Equal(t, diff.Changes, d.ExitCode(false))
	assert.Contains(t, writeDiff(d), "~ aws:cloudwatch/metricAlarm:MetricAlarm alarms-aurora-cpu: update; inputs threshold")
}

// TestDiffShowsTheCostDelta: a change that moves the cost (one NAT gateway
// instead of one per AZ) shows the new floor minus the old, and every price
// whose total moves is listed with its delta.
func TestDiffShowsTheCostDelta(t *testing.T) {
	prod := decoded(t, production(t))
	single := decoded(t, runWithin(t, "production", func(v values) { v.set("omnirapeutic:natGateways", stackconfig.NatSingle) }))
	d := compare(t, prod, single, synth.ReplaceOnly)
	out := writeDiff(d)
	assert.Contains(t, out, fmt.Sprintf("floor $%.2f → $%.2f (-$%.2f)", prod.Cost.FloorUSD, single.Cost.FloorUSD, prod.Cost.FloorUSD-single.Cost.FloorUSD))
	perPrice := map[synth.PriceKey]float64{}
	for _, l := range single.Cost.Lines {
		perPrice[l.Price] += l.MonthlyUSD
	}
	for _, l := range prod.Cost.Lines {
		perPrice[l.Price] -= l.MonthlyUSD
	}
	listed := 0
	for price, delta := range perPrice {
		if delta < -0.005 {
			assert.Contains(t, out, fmt.Sprintf("-$%.2f %s", -delta, price))
			listed++
		}
	}
	assert.Positive(t, listed, "fewer NAT gateways cost less on some price")
}

// TestDiffShowsEachChangedValue: every changed input is printed with its old
// and new value, leaf by leaf inside objects, lists and the JSON documents
// held in strings (policies, container definitions): a reviewer reads
// "threshold: 1500 → 3000", not "threshold".
func TestDiffShowsEachChangedValue(t *testing.T) {
	budget, err := strconv.Atoi(stackValues(t, "production").str("omnirapeutic:monthlyBudgetUsd"))
	require.NoError(t, err)
	old := decoded(t, production(t))
	doubled := decoded(t, runWithin(t, "production", func(v values) { v.set("omnirapeutic:monthlyBudgetUsd", strconv.Itoa(2*budget)) }))
	d := compare(t, old, doubled, synth.ReplaceOnly)
	var alarm *diff.ResourceChange
	for i, c := range d.Changed {
		if c.Name == "alarms-cost-estimated-charges" {
			alarm = &d.Changed[i]
		}
	}
	require.NotNil(t, alarm, "the budget alarm's threshold follows monthlyBudgetUsd")
	assert.Contains(t, alarm.Values, diff.InputChange{Path: "threshold", Old: strconv.Itoa(budget), New: strconv.Itoa(2 * budget)})
	assert.Contains(t, writeDiff(d), fmt.Sprintf("\n      threshold: %d → %d\n", budget, 2*budget))
	assert.Equal(t, diff.Changes, d.ExitCode(false), "changes, none dangerous")

	task := edit(t, old, tTaskDef, "ecs-nginx-task", func(r *synth.Resource) {
		var defs []map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.Str("containerDefinitions")), &defs))
		defs[0]["user"] = "4242"
		b, err := json.Marshal(defs)
		require.NoError(t, err)
		r.Inputs["containerDefinitions"] = string(b)
		r.Inputs["tags"] = map[string]any{"Name": r.Tag("Name"), "Owner": "app-team"}
	})
	d = compare(t, old, task, synth.ReplaceOnly)
	require.Len(t, d.Changed, 1)
	assert.Contains(t, d.Changed[0].Values, diff.InputChange{Path: "containerDefinitions[0].user", Old: `"` + stackUser(t, old) + `"`, New: `"4242"`},
		"a JSON document held in a string is compared field by field")
	assert.Contains(t, d.Changed[0].Values, diff.InputChange{Path: "tags.Owner", Old: "unset", New: `"app-team"`})
	assert.Len(t, d.Changed[0].Values, 2, "only what changed")
}

// stackUser is the user the nginx container runs as, from the inventory.
func stackUser(t *testing.T, inv *synth.Inventory) string {
	t.Helper()
	for _, r := range inv.Resources {
		if r.Type == tTaskDef && r.Name == "ecs-nginx-task" {
			var defs []struct{ User string }
			require.NoError(t, json.Unmarshal([]byte(r.Str("containerDefinitions")), &defs))
			return defs[0].User
		}
	}
	t.Fatal("no nginx task definition")
	return ""
}

// TestDiffMasksSecrets: a secret input (the program marks the HTTPS
// endpoint's URL, which carries an integration key, with pulumi.ToSecret)
// is in --json only as Pulumi's secret marker and a digest, never its
// value, and the diff says it changed without printing either side.
func TestDiffMasksSecrets(t *testing.T) {
	hook := "https://events.pagerduty.example/integration/0123abcd/enqueue"
	r := runWithin(t, "production", func(v values) { v.set("omnirapeutic:alarmHttpsEndpoints", []any{hook}) })
	js := inventory(t, r)
	assert.NotContains(t, js, "0123abcd", "the plaintext never reaches the inventory")
	assert.Contains(t, js, sig.Key, "the secret is marked as Pulumi marks one")

	old := decoded(t, r)
	var sub string
	for _, res := range old.Resources {
		if res.Type == tSubscription && res.Str("protocol") == "https" {
			sub = res.Name
		}
	}
	require.NotEmpty(t, sub)
	rotated := edit(t, old, tSubscription, sub, func(r *synth.Resource) {
		r.Inputs["endpoint"] = map[string]any{sig.Key: sig.Secret, "sha256": strings.Repeat("0", 64)}
	})
	d := compare(t, old, rotated, synth.ReplaceOnly)
	require.Len(t, d.Changed, 1)
	assert.Equal(t, []diff.InputChange{{Path: "endpoint", Old: "[secret]", New: "[secret]", Secret: true}}, d.Changed[0].Values)
	out := writeDiff(d)
	assert.Contains(t, out, "      endpoint: [secret] → [secret]\n")
	assert.NotContains(t, out, strings.Repeat("0", 64), "not even the digest is printed")
}

// TestDiffExitCodes: synth diff exits with one code per outcome, as its
// --help and the platform engineer's guide say, and the pull-request
// workflow acts on (TestSynthDiffJobFailsOnlyOnARefusal).
func TestDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, v any) string {
		path := filepath.Join(dir, name)
		b, ok := v.([]byte)
		if !ok {
			var err error
			b, err = json.Marshal(v)
			require.NoError(t, err)
		}
		require.NoError(t, os.WriteFile(path, b, 0o644))
		return path
	}
	prod := decoded(t, production(t))
	base := file("base.json", prod)
	tuned := file("tuned.json", edit(t, prod, "aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-aurora-cpu", func(r *synth.Resource) { r.Inputs["threshold"] = 91.0 }))
	rekeyed := file("rekeyed.json", edit(t, prod, tCluster, "aurora-cluster", func(r *synth.Resource) {
		r.Inputs["kmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/another"
	}))
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := diff.Main(args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no change", []string{base, base}, diff.NoChange, ""},
		{"an alarm tuned", []string{base, tuned}, diff.Changes, ""},
		{"the database replaced", []string{base, rekeyed}, diff.Dangerous, "would be replaced or deleted; re-run with --allow-replace"},
		{"the database replaced, allowed", []string{"--allow-replace", base, rekeyed}, diff.Changes, ""},
		{"allowed, flag after the files", []string{base, rekeyed, "--allow-replace"}, diff.Changes, ""},
		{"one file", []string{base}, diff.BadInput, "want two inventories, OLD.json and NEW.json; got 1"},
		{"three files", []string{base, base, base}, diff.BadInput, "got 3"},
		{"an unknown flag", []string{"--force", base, base}, diff.BadInput, "flag provided but not defined: -force"},
		{"a missing file", []string{base, filepath.Join(dir, "missing.json")}, diff.BadInput, "no such file"},
		{"not JSON", []string{base, file("text.json", []byte("Offline synthesis of ..."))}, diff.BadInput, "is not a `synth --json` inventory"},
		{"an empty inventory", []string{file("empty.json", []byte("{}")), base}, diff.BadInput, "names no project, no stack or no resource"},
		{"two stacks", []string{base, file("staging.json", decoded(t, staging(t)))}, diff.BadInput,
			"the old inventory is omnirapeutic/production and the new one omnirapeutic/staging: synth diff compares two syntheses of one stack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
			assert.Equal(t, tc.code, code)
			if tc.stderr == "" {
				assert.Empty(t, stderr)
			} else {
				assert.Contains(t, stderr, tc.stderr)
			}
			if tc.code == diff.BadInput {
				assert.Empty(t, stdout, "nothing compared, nothing printed")
			} else {
				assert.Contains(t, stdout, "Synthesis diff omnirapeutic/production → omnirapeutic/production")
			}
		})
	}
	code, _, help := run("--help")
	assert.Equal(t, diff.NoChange, code)
	for c, what := range map[int]string{diff.NoChange: "no change", diff.Changes: "changes", diff.Dangerous: "a protected or stateful resource would be replaced or deleted", diff.BadInput: "bad input"} {
		assert.Containsf(t, help, fmt.Sprintf("\n  %d  %s", c, what), "--help documents exit code %d", c)
	}
	guide := strings.Join(readDoc(t, "docs/platform-engineer.md"), "\n")
	for _, c := range []int{diff.NoChange, diff.Changes, diff.Dangerous, diff.BadInput} {
		assert.Containsf(t, guide, fmt.Sprintf("| %d |", c), "the platform engineer's guide documents exit code %d", c)
	}
}

// TestDiffRefusesMalformedInputsNamingTheResource: the diff reads physical
// names and ARNs by type; one of another type is an error naming the
// resource, not a rename missed or a cascade cut short.
func TestDiffRefusesMalformedInputsNamingTheResource(t *testing.T) {
	old := decoded(t, production(t))
	const lg = "aws:cloudwatch/logGroup:LogGroup"
	bad := edit(t, old, lg, "cloudtrail-logs", func(r *synth.Resource) { r.Inputs["name"] = 7.0 })
	renamed := edit(t, bad, lg, "cloudtrail-logs", func(r *synth.Resource) {
		r.Name = "trail-logs"
		r.URN = strings.Replace(r.URN, "::cloudtrail-logs", "::trail-logs", 1)
	})
	var err error
	require.NotPanics(t, func() { _, err = diff.Compare(bad, renamed, synth.ReplaceOnly) })
	require.Error(t, err)
	urn := find(t, &synth.Result{Resources: bad.Resources}, lg, "cloudtrail-logs").URN
	assert.Contains(t, err.Error(), "read the inputs of "+lg+" cloudtrail-logs ("+urn+")")
	assert.Contains(t, err.Error(), "cannot unmarshal number")

	const vpc = "aws:ec2/vpc:Vpc"
	badARN := edit(t, old, vpc, "network-vpc", func(r *synth.Resource) { r.Computed = map[string]any{"arn": 7.0} })
	recut := edit(t, badARN, vpc, "network-vpc", func(r *synth.Resource) { r.Inputs["cidrBlock"] = "10.9.0.0/16" })
	_, err = diff.Compare(badARN, recut, synth.ReplaceOnly)
	require.Error(t, err)
	urn = find(t, &synth.Result{Resources: badARN.Resources}, vpc, "network-vpc").URN
	assert.Contains(t, err.Error(), "read the computed outputs of "+vpc+" network-vpc ("+urn+")")
	assert.Contains(t, err.Error(), "cannot unmarshal number")
}

// TestReplaceOnlyTableIsSourced: every entry names a property and a source.
func TestReplaceOnlyTableIsSourced(t *testing.T) {
	for _, typ := range []string{"aws:rds/cluster:Cluster", "aws:kms/key:Key", "aws:s3/bucketV2:BucketV2", "aws:cloudwatch/logGroup:LogGroup"} {
		props := synth.ReplaceOnly(typ)
		require.NotEmptyf(t, props, "%s has no replace-only properties", typ)
		for _, p := range props {
			assert.NotEmpty(t, p.Name)
			assert.True(t, strings.HasPrefix(p.Source, "https://"), p.Source)
		}
	}
}

// TestDiffFollowsReplacementsThroughReferences: a new VPC CIDR replaces the
// VPC, and with it every subnet (vpcId is replace-only) and what names those.
func TestDiffFollowsReplacementsThroughReferences(t *testing.T) {
	old := decoded(t, production(t))
	new := edit(t, old, "aws:ec2/vpc:Vpc", "network-vpc", func(r *synth.Resource) { r.Inputs["cidrBlock"] = "10.9.0.0/16" })
	d := compare(t, old, new, synth.ReplaceOnly)
	replaced := map[string]bool{}
	for _, c := range d.Changed {
		if len(c.Replace) > 0 {
			replaced[c.Name] = true
		}
	}
	names := []string{"network-vpc", "security-groups-aurora"}
	for _, typ := range []string{tSubnet, tNat, tTargetGroup} {
		for _, res := range production(t).OfType(typ) {
			names = append(names, res.Name)
		}
	}
	for _, name := range names {
		assert.Truef(t, replaced[name], "%s should be replaced with the VPC", name)
	}
	assert.False(t, replaced["keys-aurora"], "a KMS key does not depend on the VPC")
	assert.Equal(t, diff.Changes, d.ExitCode(false), "nothing stateful depends on the VPC through a replace-only input")
}
