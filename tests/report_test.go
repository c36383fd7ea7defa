package tests

import (
	"io"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// must returns what a report reader read, failing the test on its error:
// must(r.Routes())(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		require.NoError(t, err)
		return v
	}
}

// withInput returns a copy of a synthesis in which one resource's input is
// replaced, and that resource; the shared synthesis is left untouched.
func withInput(t *testing.T, r *synth.Result, typ, name, key string, value any) (*synth.Result, *synth.Resource) {
	t.Helper()
	res := find(t, r, typ, name)
	bad := *res
	bad.Inputs = maps.Clone(res.Inputs)
	bad.Inputs[key] = value
	out := *r
	out.Resources = slices.Clone(r.Resources)
	out.Resources[slices.Index(out.Resources, res)] = &bad
	return &out, &bad
}

// The report reads recorded inputs through typed decoding: an input of the
// wrong shape is an error that names the resource (so the command prints
// which one), never a panic and never a silently wrong row.
func TestReportRefusesMalformedInputsNamingTheResource(t *testing.T) {
	r := production(t)
	for _, tc := range []struct {
		typ, name, key string
		value          any
		want           string
	}{
		{tTargetGroup, "alb-api", "healthCheck", "/health", "cannot unmarshal string"},
		{tListenerRule, "alb-http-api", "conditions", []any{}, "no path-pattern condition"},
		{tListenerRule, "alb-http-api", "priority", "ten", "cannot unmarshal string"},
		{tWebAcl, "waf", "rules", map[string]any{"name": "x"}, "cannot unmarshal object"},
		{"aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-alb-5xx", "threshold", "high", "cannot unmarshal string"},
		{tRepo, "ecr-api", "imageScanningConfiguration", true, "cannot unmarshal bool"},
		{"aws:ec2/subnet:Subnet", "network-app-us-east-1a", "tags", []any{"Tier", "app"}, "cannot unmarshal array"},
		{tCluster, "aurora-cluster", "port", "5432", "cannot unmarshal string"},
		{tBackupPlan, "backup-plan", "rules", "daily", "cannot unmarshal string"},
		{"aws:kms/key:Key", "keys-aurora", "deletionWindowInDays", 7.5, "cannot unmarshal number 7.5"},
		{tTrail, "cloudtrail", "advancedEventSelectors", map[string]any{}, "cannot unmarshal object"},
		{"aws:cloudwatch/logGroup:LogGroup", "cloudtrail-logs", "retentionInDays", "forever", "cannot unmarshal string"},
	} {
		t.Run(tc.name+"."+tc.key, func(t *testing.T) {
			bad, res := withInput(t, r, tc.typ, tc.name, tc.key, tc.value)
			var err error
			require.NotPanics(t, func() { err = synth.WriteReport(io.Discard, bad) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), "read the inputs of "+tc.typ+" "+tc.name+" ("+res.URN+")")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	require.NoError(t, synth.WriteReport(io.Discard, r), "the shared synthesis is untouched")

	bad, res := withInput(t, r, tListener, "alb-http", "defaultActions", []any{})
	_, err := bad.Routes()
	require.EqualError(t, err, "read the inputs of "+tListener+" alb-http ("+res.URN+"): no default action")
}
