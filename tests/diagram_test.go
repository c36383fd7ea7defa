package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/diagram"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

func diagramOf(t *testing.T, r *synth.Result) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, diagram.Write(&b, r))
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
		`waf --> alb`,
		`events_aws_backup -->|"failed jobs"| backup_failures_to_topic`,
		`backup_failures_to_topic -.-> alarm_topic`,
		`security_groups_aurora["sg ` + s.name("aurora") + `-*"]`,
		`aurora_writer[("Aurora ` + s.name("writer") + `-*")]`,
	}
	if s.cfg.OwnsAccountSingletons {
		edges = append(edges, `guardduty_findings_to_topic -.-> alarm_topic`,
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

	declared := declaredIDs(d)
	for _, e := range edgesOf(d) {
		assert.True(t, declared[e.from] && declared[e.to], "%s → %s: both ends are drawn (a node or a box)", e.from, e.to)
	}
	ruleDiagramSinks(t, s, d)
	ruleDiagramReach(t, s, d)
	ruleOverview(t, s)
}

// diagramEdge is one arrow of a rendered diagram.
type diagramEdge struct {
	from, label, to string
	dotted          bool
}

var edgeLine = regexp.MustCompile(`^\s+(\S+) (-->|-\.->)(?:\|"([^"]*)"\|)? (\S+)$`)

// edgesOf reads every arrow of a rendered diagram.
func edgesOf(d string) []diagramEdge {
	var out []diagramEdge
	for _, line := range strings.Split(d, "\n") {
		if m := edgeLine.FindStringSubmatch(line); m != nil {
			out = append(out, diagramEdge{from: m[1], label: m[3], to: m[4], dotted: m[2] == "-.->"})
		}
	}
	return out
}

// targets are where the arrows from a node with a label go, sorted.
func targets(d, from, label string) []string {
	var out []string
	for _, e := range edgesOf(d) {
		if e.from == from && e.label == label {
			out = append(out, e.to)
		}
	}
	slices.Sort(out)
	return out
}

// bucketNode is the node of the bucket with that physical name.
func bucketNode(t *testing.T, s *stack, name string) string {
	t.Helper()
	for _, b := range s.OfType(tBucket) {
		if b.Str("bucket") == name {
			return nodeID(b.Name)
		}
	}
	t.Fatalf("no bucket %s", name)
	return ""
}

// logGroupNode is the node of the log group with that name or ARN.
func logGroupNode(t *testing.T, s *stack, nameOrARN string) string {
	t.Helper()
	for _, lg := range s.OfType(tLogGroup) {
		if lg.Str("name") == nameOrARN || lg.Computed["arn"] == strings.TrimSuffix(nameOrARN, ":*") {
			return nodeID(lg.Name)
		}
	}
	t.Fatalf("no log group %s", nameOrARN)
	return ""
}

// serviceNodes are a service's per-AZ nodes, and the log group its
// containers' awslogs driver names.
func serviceNodes(t *testing.T, s *stack, svc *synth.Resource) (nodes []string, logGroup string) {
	t.Helper()
	net, _ := svc.Inputs["networkConfiguration"].(map[string]any)
	subnets, _ := net["subnets"].([]any)
	for _, sub := range subnets {
		nodes = append(nodes, nodeID(svc.Name)+"_"+nodeID(fmt.Sprint(sub)))
	}
	family := strings.SplitN(svc.Str("taskDefinition"), ":", 2)[0]
	for _, td := range s.OfType(tTaskDef) {
		if td.Str("family") == family {
			var defs []struct {
				LogConfiguration struct{ Options map[string]string }
			}
			require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
			logGroup = defs[0].LogConfiguration.Options["awslogs-group"]
		}
	}
	require.NotEmpty(t, logGroup, "%s's task definition logs somewhere", svc.Name)
	return nodes, logGroup
}

// ruleDiagramSinks: every arrow to an audit or observability sink goes
// where a typed field of its source says, and only there: the trail to its
// own bucket (not the access-log bucket its selectors exclude) and its log
// group, each logged bucket to the bucket its logging names, the ALB to its
// access-log bucket, the flow log, the WAF's logging and Config's delivery
// channel to their destinations, every task of every service to its log
// group, the database to its exported log, the bastion to its session log.
func ruleDiagramSinks(t *testing.T, s *stack, d string) {
	for _, tr := range s.OfType(tTrail) {
		assert.Equal(t, []string{bucketNode(t, s, tr.Str("s3BucketName"))}, targets(d, nodeID(tr.Name), "log files"), "the trail delivers to its own bucket only")
		assert.Equal(t, []string{logGroupNode(t, s, tr.Str("cloudWatchLogsGroupArn"))}, targets(d, nodeID(tr.Name), "events"))
	}
	logged := map[string]bool{}
	for _, l := range s.OfType(tBucketLogging) {
		src := s.ByID(l.Str("bucket"))
		require.NotNil(t, src)
		logged[src.Name] = true
		assert.Equal(t, []string{bucketNode(t, s, l.Str("targetBucket"))}, targets(d, nodeID(src.Name), "access logs"), "%s logs to its logging's target", src.Name)
	}
	for _, b := range s.OfType(tBucket) {
		assert.Equal(t, logged[b.Name], len(targets(d, nodeID(b.Name), "access logs")) == 1, "%s: an access-log arrow exactly when it logs", b.Name)
	}
	for _, lb := range s.OfType(tLB) {
		logs, _ := lb.Inputs["accessLogs"].(map[string]any)
		assert.Equal(t, []string{bucketNode(t, s, fmt.Sprint(logs["bucket"]))}, targets(d, nodeID(lb.Name), "access logs"))
	}
	for _, f := range s.OfType(tFlowLog) {
		assert.Equal(t, []string{logGroupNode(t, s, f.Str("logDestination"))}, targets(d, nodeID(f.Name), "flow logs"))
	}
	for _, l := range s.OfType(tWebAclLogging) {
		acl := s.byARN(t, l.Str("resourceArn"))
		dests, _ := l.Inputs["logDestinationConfigs"].([]any)
		require.Len(t, dests, 1)
		assert.Equal(t, []string{logGroupNode(t, s, fmt.Sprint(dests[0]))}, targets(d, nodeID(acl.Name), "WAF logs"))
	}
	for _, ch := range s.OfType(tDelivery) {
		assert.Equal(t, []string{bucketNode(t, s, ch.Str("s3BucketName"))}, targets(d, nodeID(ch.Name), "configuration history"))
	}
	services := s.OfType(tService)
	assert.Len(t, services, len(s.enabled()), "every running service is drawn")
	for _, svc := range services {
		nodes, group := serviceNodes(t, s, svc)
		for _, n := range nodes {
			assert.Equal(t, []string{logGroupNode(t, s, group)}, targets(d, n, "container logs"), "every task of %s logs to its own group", svc.Name)
		}
	}
	for _, c := range s.OfType(tCluster) {
		for _, inst := range s.OfType(tClusterInstance) {
			assert.Equal(t, []string{logGroupNode(t, s, data.PostgresLogGroupName(c.Str("clusterIdentifier")))}, targets(d, nodeID(inst.Name), "postgresql log"))
		}
	}
	for _, in := range s.OfType(tInstance) {
		assert.Equal(t, []string{logGroupNode(t, s, data.SessionLogGroupName(s.scope))}, targets(d, nodeID(in.Name), "sessions"))
	}
}

// byARN is the resource whose computed ARN is arn.
func (s *stack) byARN(t *testing.T, arn string) *synth.Resource {
	t.Helper()
	for _, r := range s.Resources {
		if r.Computed["arn"] == arn {
			return r
		}
	}
	t.Fatalf("nothing has the ARN %s", arn)
	return nil
}

// ruleDiagramReach: every task of every service and the bastion reach each
// of Aurora's instances, on the cluster's port, because their security
// groups' rules allow it both ways.
func ruleDiagramReach(t *testing.T, s *stack, d string) {
	cluster := find(t, s.Result, tCluster, "aurora-cluster")
	port := fmt.Sprintf("tcp %v", cluster.Inputs["port"])
	var instances []string
	for _, inst := range s.OfType(tClusterInstance) {
		instances = append(instances, nodeID(inst.Name))
	}
	slices.Sort(instances)
	var from []string
	for _, svc := range s.OfType(tService) {
		nodes, _ := serviceNodes(t, s, svc)
		from = append(from, nodes...)
	}
	for _, in := range s.OfType(tInstance) {
		from = append(from, nodeID(in.Name))
	}
	require.NotEmpty(t, from)
	for _, n := range from {
		assert.Equal(t, instances, targets(d, n, port), "%s reaches every Aurora instance through the security groups", n)
	}
}

// ruleOverview: the overview (the README's picture) folds the same arrows
// onto one node per service and path: no security group is drawn, and
// each kind of arrow is there.
func ruleOverview(t *testing.T, s *stack) {
	var b bytes.Buffer
	require.NoError(t, diagram.WriteOverview(&b, s.Result))
	o := b.String()
	assert.NotContains(t, o, "security_groups_", "the overview draws what the groups allow, not the groups")
	for _, tr := range s.OfType(tTrail) {
		assert.Equal(t, []string{bucketNode(t, s, tr.Str("s3BucketName"))}, targets(o, nodeID(tr.Name), "log files"))
	}
	for _, svc := range s.OfType(tService) {
		_, group := serviceNodes(t, s, svc)
		assert.Equal(t, []string{logGroupNode(t, s, group)}, targets(o, nodeID(svc.Name), "container logs"))
		assert.NotEmpty(t, targets(o, nodeID(svc.Name), fmt.Sprintf("tcp %v", find(t, s.Result, tCluster, "aurora-cluster").Inputs["port"])))
	}
	declared := declaredIDs(o)
	for _, e := range edgesOf(o) {
		assert.NotEqual(t, e.from, e.to, "no arrow from a node to itself")
		assert.True(t, declared[e.from] && declared[e.to], "%s → %s: both ends are drawn (a node or a box)", e.from, e.to)
	}
	for _, l := range s.OfType(tBucketLogging) {
		src := s.ByID(l.Str("bucket"))
		assert.Equal(t, []string{bucketNode(t, s, l.Str("targetBucket"))}, targets(o, nodeID(src.Name), "access logs"))
	}
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

// TestDiagramEdgesFollowTheirFields: each kind of arrow is read from a
// field, so pointing the field elsewhere moves the arrow, and nothing draws
// it from a name found elsewhere in the inputs.
func TestDiagramEdgesFollowTheirFields(t *testing.T) {
	r := production(t)
	s := stackOf(t, r)
	arn := func(typ, name string) string { return find(t, r, typ, name).Computed["arn"].(string) }
	bucket := func(name string) string { return find(t, r, tBucket, name).Str("bucket") }
	nginx := find(t, r, tService, "ecs-nginx")
	tasks, _ := serviceNodes(t, s, nginx)
	containers := func() string {
		td := find(t, r, tTaskDef, "ecs-nginx-task")
		return strings.Replace(td.Str("containerDefinitions"), `"awslogs-group":"/ecs/`+s.Config.Project+`-`+s.Config.Stack+`/nginx"`,
			`"awslogs-group":"`+find(t, r, tLogGroup, "ecs-exec-logs").Str("name")+`"`, 1)
	}
	for _, tc := range []struct {
		kind, typ, name, key string
		value                any
		want, not            string
	}{
		{"the trail's bucket", tTrail, "cloudtrail", "s3BucketName", bucket("config-bucket"),
			`cloudtrail -.->|"log files"| config_bucket`, `cloudtrail -.->|"log files"| cloudtrail_bucket`},
		{"the trail's log group", tTrail, "cloudtrail", "cloudWatchLogsGroupArn", arn(tLogGroup, "waf-logs") + ":*",
			`cloudtrail -.->|"events"| waf_logs`, `cloudtrail -.->|"events"| cloudtrail_logs`},
		{"a bucket's access logs", tBucketLogging, "config-bucket-access-logging", "targetBucket", bucket("alb-access-logs"),
			`config_bucket -.->|"access logs"| alb_access_logs`, `config_bucket -.->|"access logs"| s3_access_logs`},
		{"the ALB's access logs", tLB, "alb", "accessLogs", map[string]any{"bucket": bucket("config-bucket"), "enabled": true, "prefix": "alb"},
			`alb -.->|"access logs"| config_bucket`, `alb -.->|"access logs"| alb_access_logs`},
		{"the flow log's destination", tFlowLog, "network-flow-log", "logDestination", arn(tLogGroup, "waf-logs"),
			`network_flow_log -.->|"flow logs"| waf_logs`, `network_flow_log -.->|"flow logs"| network_flow_logs`},
		{"the WAF's logging", tWebAclLogging, "waf-logging", "logDestinationConfigs", []any{arn(tLogGroup, "network-flow-logs")},
			`waf -.->|"WAF logs"| network_flow_logs`, `waf -.->|"WAF logs"| waf_logs`},
		{"Config's delivery", tDelivery, "config-delivery", "s3BucketName", bucket("alb-access-logs"),
			`config_delivery -.->|"configuration history"| alb_access_logs`, `config_delivery -.->|"configuration history"| config_bucket`},
		{"a service's log group", tTaskDef, "ecs-nginx-task", "containerDefinitions", containers(),
			tasks[0] + ` -.->|"container logs"| ecs_exec_logs`, tasks[0] + ` -.->|"container logs"| ecs_nginx_logs`},
		{"the tasks reach Aurora only if Aurora's group lets them in", tIngress, "security-groups-aurora-in-ecs", "referencedSecurityGroupId", find(t, r, tSG, "security-groups-alb").ID,
			`bastion -->|"tcp 5432"| aurora_writer`, tasks[0] + ` -->|"tcp 5432"| aurora_writer`},
		{"the bastion reaches Aurora only on a port both sides allow", tEgress, "security-groups-bastion-out-aurora", "fromPort", 5433.0,
			tasks[0] + ` -->|"tcp 5432"| aurora_writer`, `bastion -->|"tcp 5432"| aurora_writer`},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			before := diagramOf(t, r)
			require.Contains(t, before, tc.not, "the committed stack draws it")
			moved, _ := withInput(t, r, tc.typ, tc.name, tc.key, tc.value)
			after := diagramOf(t, moved)
			assert.Contains(t, after, tc.want)
			assert.NotContains(t, after, tc.not)
		})
	}
}

var declaration = regexp.MustCompile(`^\s+(?:subgraph )?([A-Za-z0-9_]+)[\[(]`)

// declaredIDs are the nodes and subgraphs a rendered diagram declares: an
// arrow to anything else draws a bare box Mermaid makes up.
func declaredIDs(d string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(d, "\n") {
		if m := declaration.FindStringSubmatch(line); m != nil {
			out[m[1]] = true
		}
	}
	return out
}
