package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
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

// compare is synth.Compare on inventories it must read.
func compare(t *testing.T, old, new *synth.Inventory, replaceOnly func(string) []synth.ReplaceOnlyProperty) *synth.Delta {
	t.Helper()
	d, err := synth.Compare(old, new, replaceOnly)
	require.NoError(t, err)
	return d
}

func writeDiff(d *synth.Delta) string {
	var b bytes.Buffer
	synth.WriteDiff(&b, d)
	return b.String()
}

// TestDiffOfIdenticalSynthesesIsEmpty: the same program twice differs in nothing.
func TestDiffOfIdenticalSynthesesIsEmpty(t *testing.T) {
	inv := decoded(t, production(t))
	d := compare(t, inv, inv, synth.ReplaceOnly)
	assert.Empty(t, d.Added)
	assert.Empty(t, d.Removed)
	assert.Empty(t, d.Changed)
	assert.Equal(t, 0, d.ExitCode(false))
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
	changed := map[string]*synth.ResourceChange{}
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
	assert.Equal(t, 2, d.ExitCode(false))
	assert.Equal(t, 0, d.ExitCode(true), "--allow-replace lets it through")
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
	assert.Equal(t, 2, d.ExitCode(false))

	tuned := edit(t, old, "aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-aurora-cpu", func(r *synth.Resource) {
		r.Inputs["threshold"] = 90.0
	})
	d = compare(t, old, tuned, synth.ReplaceOnly)
	require.Len(t, d.Changed, 1)
	assert.Empty(t, d.Changed[0].Replace)
	assert.Empty(t, d.Dangerous)
	assert.Equal(t, 0, d.ExitCode(false))
	assert.Contains(t, writeDiff(d), "~ aws:cloudwatch/metricAlarm:MetricAlarm alarms-aurora-cpu: update; inputs threshold")
}

// TestDiffShowsTheCostDelta: production to staging is staging's floor minus
// production's, and every price whose total moves is listed with its delta.
func TestDiffShowsTheCostDelta(t *testing.T) {
	prod, stg := decoded(t, production(t)), decoded(t, staging(t))
	d := compare(t, prod, stg, synth.ReplaceOnly)
	out := writeDiff(d)
	assert.Contains(t, out, fmt.Sprintf("floor $%.2f → $%.2f (-$%.2f)", prod.Cost.FloorUSD, stg.Cost.FloorUSD, prod.Cost.FloorUSD-stg.Cost.FloorUSD))
	perPrice := map[synth.PriceKey]float64{}
	for _, l := range stg.Cost.Lines {
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
	assert.Positive(t, listed, "staging costs less than production on some price")
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
	require.NotPanics(t, func() { _, err = synth.Compare(bad, renamed, synth.ReplaceOnly) })
	require.Error(t, err)
	urn := find(t, &synth.Result{Resources: bad.Resources}, lg, "cloudtrail-logs").URN
	assert.Contains(t, err.Error(), "read the inputs of "+lg+" cloudtrail-logs ("+urn+")")
	assert.Contains(t, err.Error(), "cannot unmarshal number")

	const vpc = "aws:ec2/vpc:Vpc"
	badARN := edit(t, old, vpc, "network-vpc", func(r *synth.Resource) { r.Computed = map[string]any{"arn": 7.0} })
	recut := edit(t, badARN, vpc, "network-vpc", func(r *synth.Resource) { r.Inputs["cidrBlock"] = "10.9.0.0/16" })
	_, err = synth.Compare(badARN, recut, synth.ReplaceOnly)
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
	assert.Equal(t, 0, d.ExitCode(false), "nothing stateful depends on the VPC through a replace-only input")
}
