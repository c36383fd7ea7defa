package synth

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/specification"
)

// Specification is what the synthesized stack has of the values the seed
// specification fixes (package specification), read from the same tables
// the report prints: its configuration, its subnets, its listener rules and
// its alarms.
func (r *Result) Specification() (specification.Stack, error) {
	if r.Stack == nil {
		return specification.Stack{}, fmt.Errorf("the program failed: nothing to compare with the specification")
	}
	cfg := r.Stack.Config
	s := specification.Stack{
		Region: cfg.Region, AvailabilityZones: cfg.Network.AvailabilityZones, VpcCidr: cfg.Network.VpcCidr,
		Subnets: map[string]map[string]string{}, WafRateLimit: cfg.Edge.WafRateLimit,
		AuroraEngineVersion: cfg.Aurora.EngineVersion, AuroraMinACU: cfg.Aurora.MinCapacity, AuroraMaxACU: cfg.Aurora.MaxCapacity,
	}
	subnets, err := r.SubnetRoutes()
	if err != nil {
		return s, err
	}
	for _, row := range subnets {
		if s.Subnets[row.Tier] == nil {
			s.Subnets[row.Tier] = map[string]string{}
		}
		s.Subnets[row.Tier][row.AZ] = row.CIDR
	}
	routes, err := r.Routes()
	if err != nil {
		return s, err
	}
	prefix := r.Stack.Scope.Name() + "-"
	for _, route := range routes {
		priority, err := strconv.Atoi(route.Priority)
		group, forwards := strings.CutPrefix(route.Action, "forward "+prefix)
		if err != nil || !forwards {
			continue // the default action, or a redirect to HTTPS
		}
		s.Routes = append(s.Routes, specification.Route{Path: route.Match, TargetGroup: group, Priority: priority})
	}
	waf, err := r.WafRules()
	if err != nil {
		return s, err
	}
	s.WafRules = map[int]string{}
	for _, rule := range waf {
		s.WafRules[rule.Priority] = rule.Name
	}
	alarms, err := r.Alarms()
	if err != nil {
		return s, err
	}
	for _, a := range alarms {
		what := strings.TrimPrefix(strings.TrimPrefix(a.Name, prefix), a.Area+"-")
		s.Alarms = append(s.Alarms, specification.Alarm{Area: a.Area, What: what, Metric: a.Metric, Condition: a.Condition, Period: a.Period})
	}
	return s, nil
}
