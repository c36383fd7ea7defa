package specification

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// seed is a stack that keeps to the specification.
func seed() Stack {
	subnets := map[string]map[string]string{}
	for tier, byAZ := range Subnets {
		subnets[tier] = maps.Clone(byAZ)
	}
	alarms := slices.Clone(Alarms)
	alarms[2].Metric = "FILL(unhealthy_api, 0) + FILL(unhealthy_web, 0)"
	alarms[8].Condition = "> 1500"
	return Stack{
		Region: Region, AvailabilityZones: slices.Clone(AvailabilityZones), VpcCidr: VpcCidr, Subnets: subnets,
		Routes:       []Route{{Path: "/internal/*", TargetGroup: "web", Priority: 20}, APIRoute},
		WafRateLimit: WafRateLimit, WafRules: map[int]string{1: WafRules[0], 2: WafRules[1], 3: WafRules[2], 4: WafRules[3], 5: "AWSManagedRulesAmazonIpReputationList"},
		AuroraEngineVersion: AuroraEngineVersion, AuroraMinACU: AuroraMinACU, AuroraMaxACU: AuroraMaxACU,
		Alarms: alarms,
	}
}

func departures(s Stack) []string {
	var out []string
	for _, r := range Compare(s) {
		if !r.Holds() {
			out = append(out, r.What)
		}
	}
	return out
}

func TestCompare(t *testing.T) {
	assert.Len(t, Alarms, 21, "the specification's 21 alarms")
	for name, tc := range map[string]struct {
		edit func(*Stack)
		want []string
	}{
		"the seed, with what config may change (metric math, the budget, other routes)": {func(*Stack) {}, nil},
		"another region":                     {func(s *Stack) { s.Region = "us-west-2" }, []string{"region (aws:region)"}},
		"two AZs":                            {func(s *Stack) { s.AvailabilityZones = s.AvailabilityZones[:2] }, []string{"availabilityZones"}},
		"another VPC range":                  {func(s *Stack) { s.VpcCidr = "10.8.0.0/16" }, []string{"vpcCidr"}},
		"a moved app subnet":                 {func(s *Stack) { s.Subnets["app"]["us-east-1b"] = "10.0.14.0/24" }, []string{"subnet layout (subnetCidrs.app)"}},
		"no /api/* route":                    {func(s *Stack) { s.Routes = s.Routes[:1] }, []string{"ALB routing (edge.pathRoutes)"}},
		"/api/* at another rank":             {func(s *Stack) { s.Routes[1].Priority = 20 }, []string{"ALB routing (edge.pathRoutes)"}},
		"a higher WAF limit":                 {func(s *Stack) { s.WafRateLimit = 5000 }, []string{"WAF rate limit (edge.wafRateLimit, requests per IP per 5 minutes)"}},
		"Aurora 16":                          {func(s *Stack) { s.AuroraEngineVersion = "16.4" }, []string{"Aurora version (aurora.engineVersion)"}},
		"a group before the specification's": {func(s *Stack) { s.WafRules[1], s.WafRules[5] = s.WafRules[5], s.WafRules[1] }, []string{"WAF rule at priority 1"}},
		"Aurora up to 4 ACU":                 {func(s *Stack) { s.AuroraMaxACU = 4 }, []string{"Aurora capacity (aurora.minCapacity, aurora.maxCapacity)"}},
		"a changed threshold":                {func(s *Stack) { s.Alarms[0].Condition = "> 20" }, []string{"alarm alb-5xx"}},
		"a missing alarm":                    {func(s *Stack) { s.Alarms = s.Alarms[1:] }, []string{"alarm alb-5xx"}},
		"one NAT gateway": {func(s *Stack) {
			s.Alarms = slices.DeleteFunc(s.Alarms, func(a Alarm) bool { return a.What == "port-allocation-errors-us-east-1b" })
		}, []string{"alarm nat-port-allocation-errors-us-east-1b"}},
		"an alarm more": {func(s *Stack) { s.Alarms = append(s.Alarms, Alarm{Area: "aurora", What: "replica-lag"}) },
			[]string{"alarms beyond the specification's 21"}},
	} {
		t.Run(name, func(t *testing.T) {
			s := seed()
			tc.edit(&s)
			assert.Equal(t, tc.want, departures(s))
		})
	}
	r := Compare(seed())[0]
	r.Got = "us-west-2"
	assert.Equal(t, "production's region (aws:region) is us-west-2; the seed specification says us-east-1. This change departs from the specification: "+
		"if that is intended, update the value in specification/specification.go in the same pull request and say why in its description; "+
		"if not, put the stack file back", r.Departure("production"))
}
