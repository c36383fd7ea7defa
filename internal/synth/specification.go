package synth

import (
	"bytes"
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

// writeSpecificationDoc states the seed specification in the repository's
// own words and sets each of its values beside what the stack that owns the
// account (production) has.
func writeSpecificationDoc(b *bytes.Buffer, g *docSet) error {
	// The specification describes production: the first stack that owns
	// its region's account singletons, as the stacks are listed production
	// first (stackfile). The recovery stack owns its own region's too, and
	// departs from the specification's region by design.
	var owner *Result
	for _, r := range g.stacks {
		if r.Stack != nil && r.Stack.Config.OwnsAccountSingletons {
			owner = r
			break
		}
	}
	if owner == nil {
		return fmt.Errorf("no stack owns the account: none is production")
	}
	have, err := owner.Specification()
	if err != nil {
		return err
	}
	name := owner.Config.Stack
	b.WriteString("# The seed specification\n\n")
	b.WriteString("The architecture document the platform was built from fixed production's starting point. Its design and\n" +
		"numbers are stated here in the repository's own words (package `specification`, the one place they are\n" +
		"held), each beside what the " + name + " stack has. `go test` fails while " + name + " departs from one, saying\n" +
		"so: a departure is made on purpose, by changing the value in `specification/specification.go` in the same\n" +
		"pull request, with the reason. Every other test is a rule that holds for any valid configuration.\n\n")
	b.WriteString(specification.Summary + "\n\n")
	b.WriteString("## Its numbers, and " + name + "'s\n\n")
	var rows [][]string
	for _, req := range specification.Compare(have) {
		holds := "holds"
		if !req.Holds() {
			holds = "**departs**"
		}
		rows = append(rows, []string{req.What, req.Want, req.Got, holds})
	}
	mdTable(b, []string{"what", "the specification", name, ""}, rows)
	return nil
}
