package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// smallStack is a hand-built synthesis: one of each priced kind, so the
// arithmetic below can be checked with a pocket calculator.
func smallStack(extra ...*synth.Resource) *synth.Result {
	comp := func(typ, name string) *synth.Resource {
		return &synth.Resource{Type: typ, Name: name, URN: "urn:" + name, Component: true}
	}
	res := func(typ, name, parent string, inputs map[string]any) *synth.Resource {
		return &synth.Resource{Type: typ, Name: name, URN: "urn:" + name, ID: name + "-id", Parent: "urn:" + parent, Inputs: inputs}
	}
	r := &synth.Result{
		Config: &stackfile.Config{Project: "omnirapeutic", Stack: "small", Values: map[string]string{"aws:region": "us-east-1"}},
		Resources: []*synth.Resource{
			comp("omnirapeutic:network:Vpc", "net"),
			res("aws:ec2/natGateway:NatGateway", "nat", "net", map[string]any{}),
			res("aws:ec2/eip:Eip", "eip", "net", map[string]any{}),
			comp("omnirapeutic:edge:LoadBalancer", "lb"),
			res("aws:lb/loadBalancer:LoadBalancer", "alb", "lb", map[string]any{"internal": false, "subnets": []any{"a", "b"}}),
			comp("omnirapeutic:edge:WebAcl", "acl"),
			res("aws:wafv2/webAcl:WebAcl", "waf", "acl", map[string]any{"rules": []any{map[string]any{}, map[string]any{}, map[string]any{}}}),
			comp("omnirapeutic:data:Aurora", "db"),
			res("aws:rds/cluster:Cluster", "cluster", "db", map[string]any{
				"serverlessv2ScalingConfiguration": map[string]any{"minCapacity": 0.5, "maxCapacity": 1.0},
				"manageMasterUserPassword":         true,
			}),
			res("aws:rds/clusterInstance:ClusterInstance", "writer", "db", map[string]any{"instanceClass": "db.serverless"}),
			comp("omnirapeutic:compute:Cluster", "ecs"),
			res("aws:ecs/taskDefinition:TaskDefinition", "td", "ecs", map[string]any{"family": "small-app", "cpu": "256", "memory": "512"}),
			res("aws:ecs/service:Service", "svc", "ecs", map[string]any{"desiredCount": 2.0, "taskDefinition": "small-app:1"}),
			comp("omnirapeutic:security:Keys", "keys"),
			res("aws:kms/key:Key", "key", "keys", map[string]any{}),
			comp("omnirapeutic:observability:Alarms", "alarms"),
			res("aws:cloudwatch/metricAlarm:MetricAlarm", "math-alarm", "alarms", map[string]any{"metricQueries": []any{
				map[string]any{"id": "a", "metric": map[string]any{}}, map[string]any{"id": "b", "metric": map[string]any{}}, map[string]any{"id": "e", "expression": "a+b"},
			}}),
		},
	}
	r.Resources = append(r.Resources, extra...)
	return r
}

// estimate is cost.Estimate on a synthesis whose inputs it must read.
func estimate(t *testing.T, r *synth.Result, u synth.UsageProfile) *synth.Cost {
	t.Helper()
	c, err := cost.Estimate(r, u)
	require.NoError(t, err)
	return c
}

var smallUsage = synth.UsageProfile{NatGB: 100, AlbLCUs: 2, WafMillionRequests: 3, ExtraACUHours: 10, AuroraMillionIOs: 5, DatabaseGB: 10}

// TestCostArithmeticOnASmallStack pins every line of a small stack against
// numbers worked out by hand from the price table, so a price edit shows here.
func TestCostArithmeticOnASmallStack(t *testing.T) {
	c := estimate(t, smallStack(), smallUsage)
	got := map[string]float64{}
	for _, l := range c.Lines {
		got[l.Resource+"/"+string(l.Price)] += l.MonthlyUSD
	}
	want := map[string]float64{
		"nat/NAT gateway hour":                              730 * 0.045,     // 32.85
		"nat/NAT gateway data processed":                    100 * 0.045,     // 4.50
		"eip/public IPv4 address hour":                      730 * 0.005,     // 3.65
		"alb/ALB hour":                                      730 * 0.0225,    // 16.425
		"alb/public IPv4 address hour":                      2 * 730 * 0.005, // 7.30: one per subnet
		"alb/ALB LCU-hour":                                  2 * 730 * 0.008, // 11.68
		"waf/WAF web ACL month":                             5,
		"waf/WAF rule month":                                3,
		"waf/WAF million requests":                          3 * 0.60,
		"writer/Aurora Serverless v2 ACU-hour":              0.5 * 730 * 0.12, // 43.80
		"cluster/Aurora Serverless v2 ACU-hour":             10 * 0.12,
		"cluster/Aurora storage GB-month":                   10 * 0.10,
		"cluster/Aurora million I/O requests":               5 * 0.20,
		"cluster/Secrets Manager secret month":              0.40,
		"svc/Fargate vCPU-hour (Linux/x86)":                 2 * 0.25 * 730 * 0.04048, // 14.7752
		"svc/Fargate GB-hour (Linux/x86)":                   2 * 0.5 * 730 * 0.004445, // 3.24485
		"key/KMS customer managed key month":                1,
		"math-alarm/CloudWatch standard alarm metric month": 2 * 0.10, // metrics, not the expression
	}
	assert.Len(t, got, len(want), "lines: %v", got)
	for k, v := range want {
		assert.InDeltaf(t, v, got[k], 1e-9, "line %s", k)
	}
	assert.InDelta(t, 132.64505, c.FloorUSD, 1e-9)
	assert.InDelta(t, 20.18, c.UsageUSD, 1e-9)
	assert.InDelta(t, 152.82505, c.TotalUSD, 1e-9)
	tiers := c.ByTier()
	assert.InDelta(t, 32.85+3.65, tiers["network"][0], 1e-9)
	assert.InDelta(t, 4.5, tiers["network"][1], 1e-9)

	// The usage profile moves the total and nothing else.
	more := smallUsage
	more.NatGB = 1100
	c2 := estimate(t, smallStack(), more)
	assert.InDelta(t, c.FloorUSD, c2.FloorUSD, 1e-9)
	assert.InDelta(t, 1000*0.045, c2.TotalUSD-c.TotalUSD, 1e-9)
}

// TestCostPricesOnlyWhatIsThere: Backup storage and Security Hub checks are
// priced when those resources appear in a synthesis, and only then.
func TestCostPricesOnlyWhatIsThere(t *testing.T) {
	u := smallUsage
	u.BackupGB, u.SecurityHubChecks = 100, 5000
	base := estimate(t, smallStack(), u)
	with := estimate(t, smallStack(
		&synth.Resource{Type: "aws:backup/plan:Plan", Name: "plan", URN: "urn:plan", Inputs: map[string]any{}},
		&synth.Resource{Type: "aws:securityhub/account:Account", Name: "hub", URN: "urn:hub", Inputs: map[string]any{}},
	), u)
	assert.InDelta(t, 100*0.021+5000*0.001, with.FloorUSD-base.FloorUSD, 1e-9)
	for _, l := range base.Lines {
		assert.NotContains(t, []synth.PriceKey{cost.BackupWarmGBMonth, cost.SecurityHubCheck}, l.Price)
	}
}

// ruleCostFollowsTheSynthesis: every line is its quantity at its price in
// the table; the floor and the usage are the sums of their lines; and the
// floor prices, at the hour, every NAT gateway, every Aurora instance at the
// minimum capacity and every running task at its architecture's rates,
// whatever the configuration. The figures themselves are in
// docs/generated/cost.md, which TestGeneratedDocsAreCurrent keeps true.
func ruleCostFollowsTheSynthesis(t *testing.T, s *stack) {
	c := estimate(t, s.Result, synth.DefaultUsage)
	var floor, usage float64
	byPrice := map[synth.PriceKey]float64{}
	for _, l := range c.Lines {
		p, ok := cost.Prices[l.Price]
		require.Truef(t, ok, "%s is priced at %q, which the table lacks", l.Resource, l.Price)
		assert.InDeltaf(t, l.Quantity*p.USD, l.MonthlyUSD, 1e-9, "%s %s", l.Resource, l.Price)
		if l.Floor {
			floor += l.MonthlyUSD
			byPrice[l.Price] += l.MonthlyUSD
		} else {
			usage += l.MonthlyUSD
		}
	}
	assert.InDelta(t, floor, c.FloorUSD, 1e-6)
	assert.InDelta(t, usage, c.UsageUSD, 1e-6)
	assert.InDelta(t, floor+usage, c.TotalUSD, 1e-6)

	hour := func(key synth.PriceKey, n float64) float64 { return n * cost.HoursPerMonth * cost.Prices[key].USD }
	assert.InDelta(t, hour(cost.NatGatewayHour, float64(len(s.OfType(tNat)))), byPrice[cost.NatGatewayHour], 1e-9)
	instances := float64(len(s.OfType(tClusterInstance)))
	assert.InDelta(t, hour(cost.AuroraACUHour, instances*s.cfg.Aurora.MinCapacity), byPrice[cost.AuroraACUHour], 1e-9)
	endpointAZs := 0.0
	for _, e := range s.OfType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		if e.Str("vpcEndpointType") == "Interface" {
			subnets, _ := e.Inputs["subnetIds"].([]any)
			endpointAZs += float64(len(subnets))
		}
	}
	assert.InDelta(t, hour(cost.VpcEndpointAZHour, endpointAZs), byPrice[cost.VpcEndpointAZHour], 1e-9, "every interface endpoint, in each AZ it has a network interface in")
	var x86, arm [2]float64
	for _, svc := range s.enabled() {
		spec := s.cfg.Services[svc]
		n := float64(spec.DesiredCount)
		vcpu, gb := n*float64(spec.Cpu)/1024, n*float64(spec.Memory)/1024
		if spec.Architecture() == stackconfig.ARM64 {
			arm[0], arm[1] = arm[0]+vcpu, arm[1]+gb
		} else {
			x86[0], x86[1] = x86[0]+vcpu, x86[1]+gb
		}
	}
	assert.InDelta(t, hour(cost.FargateVCPUHour, x86[0]), byPrice[cost.FargateVCPUHour], 1e-9)
	assert.InDelta(t, hour(cost.FargateGBHour, x86[1]), byPrice[cost.FargateGBHour], 1e-9)
	assert.InDelta(t, hour(cost.FargateARMVCPUHour, arm[0]), byPrice[cost.FargateARMVCPUHour], 1e-9)
	assert.InDelta(t, hour(cost.FargateARMGBHour, arm[1]), byPrice[cost.FargateARMGBHour], 1e-9)
}

// TestStagingCostsLessThanProduction: staging exists to be the same program
// at a fraction of production's cost (its stack file says what it gives up).
func TestStagingCostsLessThanProduction(t *testing.T) {
	prod := estimate(t, production(t), synth.DefaultUsage)
	stg := estimate(t, staging(t), synth.DefaultUsage)
	assert.Less(t, stg.FloorUSD, prod.FloorUSD, "staging's idle floor must be below production's")
}

var pricingPage = regexp.MustCompile(`^https://aws\.amazon\.com/[a-z0-9/-]+/pricing/(on-demand/)?$`)

// TestPriceTableIsDatedAndSourced: every price names the AWS page it comes from.
func TestPriceTableIsDatedAndSourced(t *testing.T) {
	assert.Regexp(t, regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`), cost.PricesAsOf)
	assert.Equal(t, 730, cost.HoursPerMonth)
	for k, p := range cost.Prices {
		assert.Regexpf(t, pricingPage, p.Page, "%s does not cite an AWS pricing page", k)
		assert.Positivef(t, p.USD, "%s has no price", k)
		assert.NotEmptyf(t, p.Unit, "%s has no unit", k)
	}
}

// ruleReportRenders: the default report renders and ends with the cost
// line, which is the estimate's; --cost prints every line with its source;
// --json carries the same cost.
func ruleReportRenders(t *testing.T, s *stack) {
	c := estimate(t, s.Result, s.Usage)
	var text, costs, js bytes.Buffer
	require.NoError(t, report.Write(&text, s.Result))
	assert.Contains(t, text.String(), fmt.Sprintf("== Cost ==\nModeled monthly cost: $%.2f = idle floor $%.2f + usage $%.2f (US East (N. Virginia) list prices as of %s",
		c.TotalUSD, c.FloorUSD, c.UsageUSD, cost.PricesAsOf))
	require.NoError(t, cost.WriteCost(&costs, c))
	for _, l := range c.Lines {
		assert.Contains(t, costs.String(), l.Resource)
		assert.Contains(t, costs.String(), cost.Prices[l.Price].Page)
	}
	require.NoError(t, report.WriteJSON(&js, s.Result))
	var inv synth.Inventory
	require.NoError(t, json.Unmarshal(js.Bytes(), &inv))
	require.NotNil(t, inv.Cost)
	assert.InDelta(t, c.FloorUSD, inv.Cost.FloorUSD, 1e-9)
}

// TestCloudTrailDataEventsArePriced: a trail whose selectors record S3 data
// events costs s3DataEventsMillions at the data-event price (every delivery
// is charged, the first included); one recording only management events
// (whose first copy is free) adds no line. Every committed trail records them.
func TestCloudTrailDataEventsArePriced(t *testing.T) {
	selector := func(category, typ string) map[string]any {
		fields := []any{map[string]any{"field": "eventCategory", "equals": []any{category}}}
		if typ != "" {
			fields = append(fields, map[string]any{"field": "resources.type", "equals": []any{typ}})
		}
		return map[string]any{"name": category, "fieldSelectors": fields}
	}
	trail := func(selectors ...any) *synth.Resource {
		return &synth.Resource{Type: tTrail, Name: "trail", URN: "urn:trail", ID: "trail-id", Parent: "urn:net",
			Inputs: map[string]any{"advancedEventSelectors": selectors}}
	}
	u := synth.UsageProfile{S3DataEventsMillions: 2.5}
	lines := func(r *synth.Result) []synth.CostLine {
		var out []synth.CostLine
		for _, l := range estimate(t, r, u).Lines {
			if l.Price == cost.CloudTrailDataEvents {
				out = append(out, l)
			}
		}
		return out
	}
	got := lines(smallStack(trail(selector("Management", ""), selector("Data", "AWS::S3::Object"))))
	require.Len(t, got, 1)
	assert.Equal(t, 25.0, got[0].Quantity, "2.5 million events are 25 units of 100,000")
	assert.InDelta(t, 2.50, got[0].MonthlyUSD, 1e-9, "$0.10 per 100,000 events")
	assert.False(t, got[0].Floor, "usage, not floor")
	assert.Empty(t, lines(smallStack(trail(selector("Management", "")))), "management events only: the first copy is free")
	assert.Empty(t, lines(smallStack(trail(selector("Data", "AWS::Lambda::Function")))), "another kind of data event is not S3's")

	for _, r := range committedStacks(t) {
		c := estimate(t, r, synth.DefaultUsage)
		priced := 0
		for _, l := range c.Lines {
			if l.Price == cost.CloudTrailDataEvents {
				priced++
				assert.InDelta(t, synth.DefaultUsage.S3DataEventsMillions*10*cost.Prices[cost.CloudTrailDataEvents].USD, l.MonthlyUSD, 1e-9)
			}
		}
		assert.Equalf(t, len(r.OfType(tTrail)), priced, "%s: its trail records S3 data events (ruleTrailDataEvents), so it is priced", r.Config.Stack)
	}
}
