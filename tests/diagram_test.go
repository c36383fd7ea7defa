package tests

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

func diagramOf(t *testing.T, r *synth.Result) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, synth.WriteDiagram(&b, r))
	return b.String()
}

// nodeID is how the diagram names a resource's node.
func nodeID(name string) string { return strings.NewReplacer("-", "_", ".", "_").Replace(name) }

// ruleDiagram: the diagram is drawn from the resources: each tier of each
// AZ is a subgraph, private subnets route to their NAT gateway, every
// security-group flow and ALB route is an edge, the sinks are drawn, and
// prefix-named resources are labelled by their prefix.
func ruleDiagram(t *testing.T, s *stack) {
	d := diagramOf(t, s.Result)
	for _, az := range s.cfg.Network.AvailabilityZones {
		assert.Contains(t, d, `subgraph az_`+nodeID(az)+`["`+az+`"]`)
		for _, tier := range stackconfig.Tiers {
			sub := nodeID("network-" + string(tier) + "-" + az)
			assert.Contains(t, d, "subgraph "+sub)
			if tier != stackconfig.Public {
				assert.Contains(t, d, sub+` -.->|"0.0.0.0/0"| `+nodeID("network-nat-"+s.natAZ(az)))
			}
		}
	}
	edges := []string{
		`internet -->|"tcp 443"| security_groups_alb`,
		`internet -->|"tcp 80"| security_groups_alb`,
		`security_groups_alb -->|"tcp 8080"| security_groups_ecs`,
		`security_groups_ecs -->|"tcp 5432"| security_groups_aurora`,
		`security_groups_bastion -->|"tcp 5432"| security_groups_aurora`,
		`security_groups_internet_egress -->|"tcp 443"| internet`,
		`security_groups_bastion -->|"tcp 443"| security_groups_endpoints`,
		`internet -->|"HTTP(S)"| waf`,
		`network_flow_log -.-> network_flow_logs`,
		`cloudtrail -.-> cloudtrail_bucket`,
		`alarms -.-> alarm_topic`,
		`events_aws_backup -->|"failed jobs"| backup_failures_to_topic`,
		`security_groups_aurora["sg ` + s.name("aurora") + `-*"]`,
		`aurora_writer[("Aurora ` + s.name("writer") + `-*")]`,
	}
	if s.cfg.OwnsAccountSingletons {
		edges = append(edges, `config_delivery -.-> config_bucket`, `guardduty_findings_to_topic -.-> alarm_topic`,
			`events_aws_guardduty -->|"findings"| guardduty_findings_to_topic`,
			`events_aws_securityhub -->|"findings"| securityhub_findings_to_topic`)
	}
	serving := `"HTTP 80 default"`
	if s.cfg.Edge.CertificateArn != "" {
		serving = `"HTTPS 443 default"`
	}
	edges = append(edges, `alb -->|`+serving+`| alb_`+nodeID(s.cfg.Edge.DefaultTargetGroup))
	for _, r := range s.cfg.Edge.PathRoutes {
		edges = append(edges, `alb -->|"`+r.PathPattern+`"| alb_`+nodeID(r.TargetGroup))
	}
	for _, e := range edges {
		assert.Contains(t, d, e)
	}
	assert.NotContains(t, d, `-->|"findings"| backup_failures_to_topic`, "each EventBridge target is drawn from the service its rule names")
	assert.NotRegexp(t, `\[\(?"[A-Za-z]+ "\)?\]`, d, "no node's label is a bare kind missing its name")
	// One edge per distinct flow: an ingress rule and the egress rule it
	// pairs with (alb-out-ecs and ecs-in-alb, the Aurora and bastion-endpoint
	// pairs) draw one edge.
	flows := 0
	for _, line := range strings.Split(d, "\n") {
		if strings.Contains(line, "security_groups_") && strings.Contains(line, "-->|") {
			flows++
		}
	}
	assert.Equal(t, len(securityGroupFlows(s)), flows)
}

// securityGroupFlows are the distinct flows the security-group rules allow,
// read from the rules themselves: an ingress rule (peer to its group) and
// the egress rule (group to peer) that pairs with it are one flow.
func securityGroupFlows(s *stack) map[string]bool {
	peer := func(r *synth.Resource) string {
		for _, k := range []string{"referencedSecurityGroupId", "cidrIpv4", "prefixListId"} {
			if v := r.Str(k); v != "" {
				return v
			}
		}
		return "?"
	}
	ports := func(r *synth.Resource) string {
		return fmt.Sprintf("%s %v-%v", r.Str("ipProtocol"), r.Inputs["fromPort"], r.Inputs["toPort"])
	}
	flows := map[string]bool{}
	for _, r := range s.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		flows[peer(r)+" -> "+r.Str("securityGroupId")+" "+ports(r)] = true
	}
	for _, r := range s.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		flows[r.Str("securityGroupId")+" -> "+peer(r)+" "+ports(r)] = true
	}
	return flows
}

// TestANewRuleIsANewEdge: the diagram follows the resources, not a drawing.
func TestANewRuleIsANewEdge(t *testing.T) {
	r := production(t)
	rule := *find(t, r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "security-groups-aurora-in-ecs")
	rule.Name, rule.URN = "extra", "urn:extra"
	rule.Inputs = map[string]any{"securityGroupId": rule.Inputs["securityGroupId"], "ipProtocol": "tcp", "fromPort": 6379.0, "toPort": 6379.0,
		"referencedSecurityGroupId": find(t, r, "aws:ec2/securityGroup:SecurityGroup", "security-groups-bastion").ID}
	more := *r
	more.Resources = append(append([]*synth.Resource(nil), r.Resources...), &rule)
	assert.Contains(t, diagramOf(t, &more), `security_groups_bastion -->|"tcp 6379"| security_groups_aurora`)
}
