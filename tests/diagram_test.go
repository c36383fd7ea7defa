package tests

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
)

func diagramOf(t *testing.T, r *synth.Result) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, synth.WriteDiagram(&b, r))
	return b.String()
}

// TestDiagramComesFromTheResources: each tier of each AZ is a subgraph,
// every security-group rule and ALB route is an edge, private subnets route
// to their NAT gateway, and the sinks are drawn; an added rule adds an edge.
func TestDiagramComesFromTheResources(t *testing.T) {
	r := production(t)
	d := diagramOf(t, r)
	for _, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
		assert.Contains(t, d, `subgraph az_`+strings.ReplaceAll(az, "-", "_")+`["`+az+`"]`)
		for _, tier := range []string{"public", "app", "data"} {
			assert.Contains(t, d, "subgraph network_"+tier+"_"+strings.ReplaceAll(az, "-", "_"))
			if tier != "public" {
				assert.Contains(t, d, "network_"+tier+"_"+strings.ReplaceAll(az, "-", "_")+` -.->|"0.0.0.0/0"| network_nat_`+strings.ReplaceAll(az, "-", "_"))
			}
		}
	}
	for _, edge := range []string{
		`internet -->|"tcp 443"| security_groups_alb`,
		`internet -->|"tcp 80"| security_groups_alb`,
		`security_groups_alb -->|"tcp 8080"| security_groups_ecs`,
		`security_groups_ecs -->|"tcp 5432"| security_groups_aurora`,
		`security_groups_bastion -->|"tcp 5432"| security_groups_aurora`,
		`security_groups_internet_egress -->|"tcp 443"| internet`,
		`security_groups_ecs -->|"tcp 443"| prefix_list_pl_offline_network_s3_endpoint`,
		`security_groups_bastion -->|"tcp 443"| security_groups_endpoints`,
		`alb -->|"/api/*"| alb_api`,
		`alb -->|"HTTP 80 default"| alb_web`,
		`internet -->|"HTTP(S)"| waf`,
		`network_flow_log -.-> network_flow_logs`,
		`cloudtrail -.-> cloudtrail_bucket`,
		`config_delivery -.-> config_bucket`,
		`alarms -.-> alarm_topic`,
		`guardduty_findings_to_topic -.-> alarm_topic`,
		// Each EventBridge target is drawn from the service its rule's
		// pattern names, not every one from GuardDuty.
		`events_aws_guardduty -->|"findings"| guardduty_findings_to_topic`,
		`events_aws_securityhub -->|"findings"| securityhub_findings_to_topic`,
		`events_aws_backup -->|"failed jobs"| backup_failures_to_topic`,
		// Resources named with a prefix (so a replacement is created
		// first) are labelled with it.
		`security_groups_aurora["sg omnirapeutic-production-aurora-*"]`,
		`aurora_writer[("Aurora omnirapeutic-production-writer-*")]`,
	} {
		assert.Contains(t, d, edge)
	}
	assert.NotContains(t, d, `-->|"findings"| backup_failures_to_topic`)
	// No node's label is a bare kind ("sg ", "Aurora ") missing its name.
	assert.NotRegexp(t, `\[\(?"[A-Za-z]+ "\)?\]`, d)
	// One edge per distinct flow: an ingress rule and the egress rule it
	// pairs with draw one edge (alb-out-ecs and ecs-in-alb, the Aurora
	// and bastion-endpoint pairs), so the matrix's 15 rules are 11 flows.
	flows := 0
	for _, line := range strings.Split(d, "\n") {
		if strings.Contains(line, "security_groups_") && strings.Contains(line, "-->|") {
			flows++
		}
	}
	assert.Equal(t, 11, flows)

	// A new rule is a new edge.
	rule := *find(t, r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "security-groups-aurora-in-ecs")
	rule.Name, rule.URN = "extra", "urn:extra"
	rule.Inputs = map[string]any{"securityGroupId": rule.Inputs["securityGroupId"], "ipProtocol": "tcp", "fromPort": 6379.0, "toPort": 6379.0,
		"referencedSecurityGroupId": find(t, r, "aws:ec2/securityGroup:SecurityGroup", "security-groups-bastion").ID}
	more := *r
	more.Resources = append(append([]*synth.Resource(nil), r.Resources...), &rule)
	assert.Contains(t, diagramOf(t, &more), `security_groups_bastion -->|"tcp 6379"| security_groups_aurora`)

	// Staging draws its single NAT gateway as every private subnet's path.
	s := diagramOf(t, staging(t))
	assert.Contains(t, s, `network_app_us_east_1b -.->|"0.0.0.0/0"| network_nat_us_east_1a`)
	assert.NotContains(t, s, "network_nat_us_east_1b")
}
