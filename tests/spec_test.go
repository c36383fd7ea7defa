package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/edge"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// The seed specification's numbers (shared/architecture.md, outside this
// repository: the starting point of production) are pinned here and only
// here. Everything else the tests check is a rule that holds for any valid
// configuration. A change the docs or a stack file's comment invite (alarm
// subscribers, a certificate, services on, readers, autoscaling, a budget,
// Graviton, plain settings) never touches these numbers.

// seedAZs are the specification's availability zones and region.
var seedAZs = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

// seedSubnets is the specification's VPC layout, tier by AZ.
var seedSubnets = map[string]map[string]string{
	"public": {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24", "us-east-1c": "10.0.3.0/24"},
	"app":    {"us-east-1a": "10.0.11.0/24", "us-east-1b": "10.0.12.0/24", "us-east-1c": "10.0.13.0/24"},
	"data":   {"us-east-1a": "10.0.21.0/24", "us-east-1b": "10.0.22.0/24", "us-east-1c": "10.0.23.0/24"},
}

// seedAlarm is one of the specification's 21 alarms: its area, what it
// watches, its threshold and its period. The cost alarm's threshold is
// monthlyBudgetUsd (a budget is the payer's to change) and the Aurora
// connection and memory thresholds are the seed's at its 1 ACU maximum.
type seedAlarm struct{ area, what, metric, condition, period string }

var seedAlarms = []seedAlarm{
	{"alb", "5xx", "AWS/ApplicationELB HTTPCode_ELB_5XX_Count Sum", "> 10", "300s, 2 of 2"},
	{"alb", "target-response-time", "AWS/ApplicationELB TargetResponseTime p95", "> 1", "300s, 3 of 3"},
	{"alb", "unhealthy-hosts", "", ">= 1", "60s, 2 of 2"},
	{"aurora", "acu-utilization", "AWS/RDS ACUUtilization Average", "> 90", "300s, 3 of 3"},
	{"aurora", "connections", "AWS/RDS DatabaseConnections Maximum", "> 72", "300s, 3 of 3"},
	{"aurora", "cpu", "AWS/RDS CPUUtilization Average", "> 80", "300s, 3 of 3"},
	{"aurora", "deadlocks", "AWS/RDS Deadlocks Sum", "> 0", "300s, 1 of 1"},
	{"aurora", "freeable-memory", "AWS/RDS FreeableMemory Minimum", "< 268435456", "300s, 3 of 3"},
	{"cost", "estimated-charges", "AWS/Billing EstimatedCharges Maximum", "", "21600s, 1 of 1"},
	{"ecs", "cpu", "100 * used / reserved", "> 80", "300s, 3 of 3"},
	{"ecs", "memory", "100 * used / reserved", "> 80", "300s, 3 of 3"},
	{"ecs", "running-tasks", "", "> 0", "300s, 3 of 3"},
	{"flowlogs", "rejected-spike", "Omnirapeutic/FlowLogs RejectedFlows Sum", "> 1000", "300s, 2 of 2"},
	{"flowlogs", "rejected-ssh-rdp", "Omnirapeutic/FlowLogs RejectedRemoteAdminFlows Sum", "> 50", "300s, 1 of 1"},
	{"nat", "port-allocation-errors-us-east-1a", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1"},
	{"nat", "port-allocation-errors-us-east-1b", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1"},
	{"nat", "port-allocation-errors-us-east-1c", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1"},
	{"vpc", "gateway-route-changes", "Omnirapeutic/CIS GatewayRouteChanges Sum", ">= 1", "300s, 1 of 1"},
	{"vpc", "network-changes", "Omnirapeutic/CIS NetworkChanges Sum", ">= 1", "300s, 1 of 1"},
	{"vpc", "security-group-changes", "Omnirapeutic/CIS SecurityGroupChanges Sum", ">= 1", "300s, 1 of 1"},
	{"waf", "blocked-requests", "AWS/WAFV2 BlockedRequests Sum", "> 500", "300s, 2 of 2"},
}

// The specification's single values.
const (
	seedVpcCidr            = "10.0.0.0/16"
	seedApiPath            = "/api/*"
	seedApiTargetGroup     = "api"
	seedApiRulePriority    = 10
	seedWafLimit           = 2000
	seedEngineVersion      = "15.10"
	seedMinACU, seedMaxACU = 0.5, 1.0
)

// departs is the failure message of a seed value: it says the change
// departs from the specification and what to update if that is meant.
func departs(what string, want, got any) string {
	return fmt.Sprintf("production's %s is %v; the seed specification (shared/architecture.md) says %v. This change departs from the specification: "+
		"if that is intended, update the seed value in tests/spec_test.go in the same pull request and say why in its description; "+
		"if not, put the stack file back", what, got, want)
}

// TestSpecification holds production to the seed specification's numbers:
// the VPC and subnet CIDRs over its three AZs, the ALB's routing of /api/*,
// the WAF's rate limit, the 21 alarms and their thresholds, and Aurora's
// version and capacity range.
func TestSpecification(t *testing.T) {
	require.Len(t, seedAlarms, 21, "the seed's 21 alarms")
	checkSpecification(t, production(t))
}

// TestSpecificationCatchesADeparture: a seed value changed in the stack file
// (Aurora up to 4 ACU, a single NAT gateway, another VPC CIDR block) fails
// the specification check with the message that says so and what to update,
// while a change the docs invite (alarm subscribers, a certificate with
// every service on, readers, a budget) adds no failure to what the committed
// file already reports (nothing, while it keeps to the seed).
func TestSpecificationCatchesADeparture(t *testing.T) {
	var committed recorder
	checkSpecification(&committed, production(t))
	for name, tc := range map[string]struct {
		edit func(values)
		what string
	}{
		"Aurora up to 4 ACU":   {func(v values) { v.object("omnirapeutic:aurora")["maxCapacity"] = 4.0 }, "Aurora capacity"},
		"a single NAT gateway": {func(v values) { v.set("omnirapeutic:natGateways", "single") }, "alarm " + production(t).Stack.Scope.Name("nat")},
		"another VPC CIDR block": {func(v values) {
			v.set("omnirapeutic:vpcCidr", "10.8.0.0/16")
			for _, tier := range v.object("omnirapeutic:subnetCidrs") {
				for az, cidr := range tier.(map[string]any) {
					tier.(map[string]any)[az] = strings.Replace(cidr.(string), "10.0.", "10.8.", 1)
				}
			}
		}, "vpcCidr"},
	} {
		var rec recorder
		checkSpecification(&rec, runWithin(t, "production", tc.edit))
		found := false
		for _, e := range rec.errors {
			if strings.Contains(e, "production's "+tc.what) {
				found = true
				assert.Contains(t, e, "This change departs from the specification: if that is intended, update the seed value in tests/spec_test.go", name)
			}
		}
		assert.True(t, found, "%s departs from the specification: %v", name, rec.errors)
	}
	for name, edit := range map[string]func(values){
		"alarm subscribers":                  func(v values) { v.set("omnirapeutic:alarmEmails", []any{"oncall@omnirapeutic.example"}) },
		"a certificate and every service on": everyServiceOn,
		"readers":                            readersInTheOtherAZs,
		"a budget":                           func(v values) { v.set("omnirapeutic:monthlyBudgetUsd", "2500") },
	} {
		var rec recorder
		checkSpecification(&rec, runWithin(t, "production", edit))
		assert.Equal(t, committed.errors, rec.errors, "%s keeps to the specification", name)
	}
}

// recorder is an assert.TestingT that keeps each failure's message (not
// where it was raised).
type recorder struct{ errors []string }

func (r *recorder) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if _, m, ok := strings.Cut(msg, "Messages:"); ok {
		msg = m
	}
	r.errors = append(r.errors, strings.TrimSpace(msg))
}

// checkSpecification reports every seed value production departs from.
func checkSpecification(t assert.TestingT, r *synth.Result) {
	cfg := r.Stack.Config
	assert.Equal(t, seedAZs, cfg.Network.AvailabilityZones, departs("availabilityZones", seedAZs, cfg.Network.AvailabilityZones))
	assert.Equal(t, seedVpcCidr, cfg.Network.VpcCidr, departs("vpcCidr", seedVpcCidr, cfg.Network.VpcCidr))
	subnets, err := r.SubnetRoutes()
	assert.NoError(t, err)
	got := map[string]map[string]string{}
	for _, row := range subnets {
		if got[row.Tier] == nil {
			got[row.Tier] = map[string]string{}
		}
		got[row.Tier][row.AZ] = row.CIDR
	}
	assert.Equal(t, seedSubnets, got, departs("subnet layout (subnetCidrs)", seedSubnets, got))

	routes, err := r.Routes()
	assert.NoError(t, err)
	apiRoute := fmt.Sprintf("%s at priority %d to target group %s", seedApiPath, seedApiRulePriority, seedApiTargetGroup)
	var api *synth.Route
	for i := range routes {
		if routes[i].Match == seedApiPath {
			api = &routes[i]
		}
	}
	if assert.NotNil(t, api, departs("ALB routing", apiRoute, "no "+seedApiPath+" route")) {
		gotRoute := fmt.Sprintf("%s at priority %s, %s", api.Match, api.Priority, api.Action)
		assert.Equal(t, fmt.Sprint(seedApiRulePriority), api.Priority, departs("ALB routing", apiRoute, gotRoute))
		assert.Equal(t, "forward "+r.Stack.Scope.Name(seedApiTargetGroup), api.Action, departs("ALB routing", apiRoute, gotRoute))
	}
	assert.Equal(t, seedApiRulePriority, edge.RulePriority(0), departs("first listener rule's priority", seedApiRulePriority, edge.RulePriority(0)))
	assert.Equal(t, seedWafLimit, cfg.Edge.WafRateLimit, departs("WAF rate limit (edge.wafRateLimit, requests per IP per 5 minutes)", seedWafLimit, cfg.Edge.WafRateLimit))
	assert.Equal(t, seedEngineVersion, cfg.Aurora.EngineVersion, departs("Aurora version (aurora.engineVersion)", seedEngineVersion, cfg.Aurora.EngineVersion))
	wantACU, gotACU := fmt.Sprintf("%g to %g ACU", seedMinACU, seedMaxACU), fmt.Sprintf("%g to %g ACU", cfg.Aurora.MinCapacity, cfg.Aurora.MaxCapacity)
	assert.Equal(t, wantACU, gotACU, departs("Aurora capacity (aurora.minCapacity, aurora.maxCapacity)", wantACU, gotACU))

	alarms, err := r.Alarms()
	assert.NoError(t, err)
	rows := map[string]synth.AlarmRow{}
	for _, row := range alarms {
		rows[row.Name] = row
	}
	for _, a := range seedAlarms {
		name := r.Stack.Scope.Name(a.area, a.what)
		row, ok := rows[name]
		if !assert.True(t, ok, departs("alarm "+name, "present", "absent")) {
			continue
		}
		delete(rows, name)
		have := seedAlarm{row.Area, a.what, row.Metric, row.Condition, row.Period}
		if a.metric == "" {
			have.metric = "" // metric math over the services or target groups config declares
		}
		if a.condition == "" {
			have.condition = "" // monthlyBudgetUsd
		}
		assert.Equal(t, a, have, departs("alarm "+name, a, have))
	}
	var extra []string
	for name := range rows {
		extra = append(extra, name)
	}
	assert.Empty(t, extra, departs("alarms", fmt.Sprintf("the %d the seed lists", len(seedAlarms)), extra))
}
