package tests

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/report"
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
// which one), never a panic and never a silently wrong row. Inputs the cost
// model reads (cost: true) fail the estimate and --json too, never a $0 line.
func TestReportRefusesMalformedInputsNamingTheResource(t *testing.T) {
	r := runWithin(t, "production", nginxOverHTTP)
	const priced, reportOnly = true, false
	for _, tc := range []struct {
		typ, name, key string
		value          any
		want           string
		cost           bool
	}{
		{tTargetGroup, "alb-api", "healthCheck", "/health", "cannot unmarshal string", reportOnly},
		{tListenerRule, "alb-http-api", "conditions", []any{}, "no path-pattern condition", reportOnly},
		{tListenerRule, "alb-http-api", "priority", "ten", "cannot unmarshal string", reportOnly},
		{tWebAcl, "waf", "rules", map[string]any{"name": "x"}, "cannot unmarshal object", priced},
		{"aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-alb-5xx", "threshold", "high", "cannot unmarshal string", reportOnly},
		{tRepo, "ecr-api", "imageScanningConfiguration", true, "cannot unmarshal bool", reportOnly},
		{"aws:ec2/subnet:Subnet", "network-app-us-east-1a", "tags", []any{"Tier", "app"}, "cannot unmarshal array", reportOnly},
		{tCluster, "aurora-cluster", "port", "5432", "cannot unmarshal string", reportOnly},
		{tBackupPlan, "backup-plan", "rules", "daily", "cannot unmarshal string", reportOnly},
		{"aws:kms/key:Key", "keys-aurora", "deletionWindowInDays", 7.5, "cannot unmarshal number 7.5", reportOnly},
		{tTrail, "cloudtrail", "advancedEventSelectors", map[string]any{}, "cannot unmarshal object", reportOnly},
		{"aws:cloudwatch/logGroup:LogGroup", "cloudtrail-logs", "retentionInDays", "forever", "cannot unmarshal string", reportOnly},
		{tCluster, "aurora-cluster", "serverlessv2ScalingConfiguration", "0.5-4", "cannot unmarshal string", priced},
		{tCluster, "aurora-cluster", "manageMasterUserPassword", "yes", "cannot unmarshal string", priced},
		{tService, "ecs-nginx", "desiredCount", "two", "cannot unmarshal string", priced},
		{tService, "ecs-nginx", "taskDefinition", "omnirapeutic-production-nothing:1", `taskDefinition "omnirapeutic-production-nothing:1" names no registered task definition`, priced},
		{tTaskDef, "ecs-nginx-task", "cpu", "a quarter", `cannot unmarshal string "a quarter"`, priced},
		{tTaskDef, "ecs-nginx-task", "memory", true, "cannot unmarshal bool", priced},
		{"aws:ec2/instance:Instance", "bastion", "rootBlockDevice", map[string]any{"volumeSize": "eight"}, "cannot unmarshal string", priced},
		{"aws:lb/loadBalancer:LoadBalancer", "alb", "subnets", "network-public-us-east-1a-id", "cannot unmarshal string", priced},
		{"aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-alb-5xx", "metricQueries", map[string]any{"id": "a"}, "cannot unmarshal object", priced},
		{"aws:cfg/conformancePack:ConformancePack", "config-hipaa", "templateBody", 1.0, "cannot unmarshal number", priced},
		{"aws:guardduty/detectorFeature:DetectorFeature", "guardduty-RUNTIME_MONITORING", "name", 7.0, "cannot unmarshal number", priced},
	} {
		t.Run(tc.name+"."+tc.key, func(t *testing.T) {
			bad, res := withInput(t, r, tc.typ, tc.name, tc.key, tc.value)
			var err error
			require.NotPanics(t, func() { err = report.Write(io.Discard, bad) })
			require.Error(t, err)
			assert.Contains(t, err.Error(), "read the inputs of "+tc.typ+" "+tc.name+" ("+res.URN+")")
			assert.Contains(t, err.Error(), tc.want)
			if !tc.cost {
				return
			}
			var c *synth.Cost
			require.NotPanics(t, func() { c, err = cost.Estimate(bad, bad.Usage) })
			require.Error(t, err, "the cost model must not price a malformed input at $0")
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), "read the inputs of "+tc.typ+" "+tc.name+" ("+res.URN+")")
			assert.Contains(t, err.Error(), tc.want)
			require.ErrorContains(t, report.WriteJSON(io.Discard, bad), "read the inputs of "+tc.typ+" "+tc.name+" ("+res.URN+")")
		})
	}
	c, err := cost.Estimate(r, r.Usage)
	require.NoError(t, err, "the shared synthesis prices")
	assert.Positive(t, c.FloorUSD)
	require.NoError(t, report.Write(io.Discard, r), "the shared synthesis is untouched")

	bad, res := withInput(t, r, tListener, "alb-http", "defaultActions", []any{})
	_, err = bad.Routes()
	require.EqualError(t, err, "read the inputs of "+tListener+" alb-http ("+res.URN+"): no default action")
}

// ruleReportLeadsWithDecisions: the report opens with what a person decides
// on (the resources by tier, the warnings, the monthly cost, the predicted
// HIPAA verdicts, what Pulumi protects) and only then the details, and no
// line is wider than layout.ReportWidth: long cells and prose wrap.
func ruleReportLeadsWithDecisions(t *testing.T, s *stack) {
	var b strings.Builder
	require.NoError(t, report.Write(&b, s.Result))
	report := b.String()
	var headings []string
	for i, line := range strings.Split(report, "\n") {
		assert.LessOrEqualf(t, utf8.RuneCountInString(line), layout.ReportWidth, "report line %d is wider than layout.ReportWidth: %q", i+1, line)
		if title, ok := strings.CutPrefix(line, "== "); ok {
			headings = append(headings, strings.TrimSuffix(title, " =="))
		}
	}
	want := []string{"Resources and components"}
	if len(s.Stack.Warnings) > 0 {
		want = append(want, "Warnings")
	}
	want = append(want, "Cost", "HIPAA conformance pack, predicted: summary", "Protected and retained resources", "Network")
	require.GreaterOrEqual(t, len(headings), len(want))
	assert.Equal(t, want, headings[:len(want)], "the summary comes first, the tiers' details after")
	assert.Equal(t, []string{"Resources by component", "Stack outputs"}, headings[len(headings)-2:])

	// The summary's resource counts are the synthesis's, tier by tier.
	byTier := map[string]int{}
	for _, res := range s.Resources {
		if !res.Component {
			byTier[s.Tier(res)]++
		}
	}
	section := func(title string) string {
		i := strings.Index(report, "== "+title+" ==\n")
		require.GreaterOrEqual(t, i, 0, title)
		out, _, _ := strings.Cut(report[i:], "\n\n== ")
		return out
	}
	summary := section("Resources and components")
	for tier, n := range byTier {
		assert.Regexpf(t, `\n`+tier+` +`+fmt.Sprint(n)+`  `, summary, "the summary counts %d resources in %s", n, tier)
	}
	// Every protected or retained resource is in the summary, by logical name.
	protected := section("Protected and retained resources")
	for _, res := range s.Resources {
		if res.Protect || res.RetainOnDelete {
			assert.Regexpf(t, `\n`+res.Type+` +`+res.Name+` `, protected, "the summary lists %s %s", res.Type, res.Name)
		}
	}
}
