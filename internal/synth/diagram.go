package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// WriteDiagram prints a Mermaid flowchart drawn from the synthesized
// resources, never by hand: the subnets of each AZ by tier with what runs in
// them, the NAT paths, the ALB's routes to target groups and services, every
// security-group rule as an edge with its ports, and where audit and
// observability data goes.
func WriteDiagram(w io.Writer, r *Result) error {
	d := &diagram{r: r, declared: map[string]bool{}}
	d.build()
	_, err := io.WriteString(w, d.b.String())
	return err
}

type diagram struct {
	r        *Result
	b        strings.Builder
	declared map[string]bool
	edges    []string
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// id turns a logical name into a Mermaid node ID.
func id(parts ...string) string { return idUnsafe.ReplaceAllString(strings.Join(parts, "_"), "_") }

func (d *diagram) line(indent int, format string, args ...any) {
	d.b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteString("\n")
}

func (d *diagram) node(indent int, nodeID, label, shape string) {
	if d.declared[nodeID] {
		return
	}
	d.declared[nodeID] = true
	open, closeShape := "[", "]"
	switch shape {
	case "db":
		open, closeShape = "[(", ")]"
	case "round":
		open, closeShape = "((", "))"
	case "stadium":
		open, closeShape = "([", "])"
	}
	d.line(indent, "%s%s\"%s\"%s", nodeID, open, strings.ReplaceAll(label, `"`, "'"), closeShape)
}

func (d *diagram) edge(from, to, label, style string) {
	arrow := "-->"
	if style == "dotted" {
		arrow = "-.->"
	}
	e := fmt.Sprintf("%s %s %s", from, arrow, to)
	if label != "" {
		e = fmt.Sprintf("%s %s|\"%s\"| %s", from, arrow, strings.ReplaceAll(label, `"`, "'"), to)
	}
	if !slices.Contains(d.edges, e) {
		d.edges = append(d.edges, e)
	}
}

func (d *diagram) build() {
	r := d.r
	d.line(0, "flowchart LR")
	d.node(1, "internet", "Internet", "round")

	subnetsByAZ := map[string][]*Resource{}
	for _, s := range r.OfType("aws:ec2/subnet:Subnet") {
		az := s.Str("availabilityZone")
		subnetsByAZ[az] = append(subnetsByAZ[az], s)
	}
	// What runs in which subnet: NAT gateways, the database's instances, EC2
	// instances and Fargate services (a node per AZ they spread over).
	inSubnet := map[string][][2]string{} // subnet ID → (node ID, label)
	for _, n := range r.OfType("aws:ec2/natGateway:NatGateway") {
		inSubnet[n.Str("subnetId")] = append(inSubnet[n.Str("subnetId")], [2]string{id(n.Name), "NAT gateway"})
	}
	for _, in := range r.OfType("aws:ec2/instance:Instance") {
		inSubnet[in.Str("subnetId")] = append(inSubnet[in.Str("subnetId")], [2]string{id(in.Name), in.Name + " (" + in.Str("instanceType") + ")"})
	}
	for _, svc := range r.OfType("aws:ecs/service:Service") {
		net, _ := svc.Inputs["networkConfiguration"].(map[string]any)
		subnets, _ := net["subnets"].([]any)
		for _, s := range subnets {
			sid := fmt.Sprint(s)
			inSubnet[sid] = append(inSubnet[sid], [2]string{id(svc.Name, sid), fmt.Sprintf("%s tasks", svc.Str("name"))})
		}
	}
	dbSubnets := map[string]string{} // AZ → data subnet ID, for the database instances
	for _, s := range r.OfType("aws:ec2/subnet:Subnet") {
		if s.Tag("Tier") == "data" {
			dbSubnets[s.Str("availabilityZone")] = s.ID
		}
	}
	for _, inst := range r.OfType("aws:rds/clusterInstance:ClusterInstance") {
		if sid, ok := dbSubnets[inst.Str("availabilityZone")]; ok {
			inSubnet[sid] = append(inSubnet[sid], [2]string{id(inst.Name), "Aurora " + named(inst, "identifier")})
		}
	}

	vpc := r.OfType("aws:ec2/vpc:Vpc")
	vpcLabel := "VPC"
	if len(vpc) == 1 {
		vpcLabel = "VPC " + vpc[0].Str("cidrBlock")
	}
	d.line(1, "subgraph vpc[\"%s\"]", vpcLabel)
	for _, az := range slices.Sorted(maps.Keys(subnetsByAZ)) {
		d.line(2, "subgraph %s[\"%s\"]", id("az", az), az)
		subnets := subnetsByAZ[az]
		sort.Slice(subnets, func(i, j int) bool { return tierOrderOf(subnets[i]) < tierOrderOf(subnets[j]) })
		for _, s := range subnets {
			d.line(3, "subgraph %s[\"%s %s\"]", id(s.Name), s.Tag("Tier"), s.Str("cidrBlock"))
			members := inSubnet[s.ID]
			if len(members) == 0 {
				d.node(4, id(s.Name, "empty"), s.Tag("Tier")+" subnet", "")
			}
			for _, m := range members {
				shape := ""
				if strings.HasPrefix(m[1], "Aurora") {
					shape = "db"
				}
				d.node(4, m[0], m[1], shape)
			}
			d.line(3, "end")
		}
		d.line(2, "end")
	}
	d.line(1, "end")

	d.routes()
	d.loadBalancing()
	d.securityGroups()
	d.sinks()

	for _, e := range d.edges {
		d.line(1, "%s", e)
	}
}

func tierOrderOf(s *Resource) int {
	return slices.Index(stackconfig.Tiers, stackconfig.Tier(s.Tag("Tier")))
}

// routes draws each subnet's default route: private tiers to their NAT
// gateway, NAT gateways and public subnets to the internet gateway.
func (d *diagram) routes() {
	r := d.r
	for _, igw := range r.OfType("aws:ec2/internetGateway:InternetGateway") {
		d.node(1, id(igw.Name), "internet gateway", "")
		d.edge(id(igw.Name), "internet", "", "")
	}
	tableSubnets := map[string][]string{}
	for _, a := range r.OfType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
		tableSubnets[a.Str("routeTableId")] = append(tableSubnets[a.Str("routeTableId")], a.Str("subnetId"))
	}
	for _, route := range r.OfType("aws:ec2/route:Route") {
		var target *Resource
		if t := r.ByID(route.Str("natGatewayId")); t != nil {
			target = t
		} else if t := r.ByID(route.Str("gatewayId")); t != nil {
			target = t
		}
		if target == nil {
			continue
		}
		for _, sid := range tableSubnets[route.Str("routeTableId")] {
			if s := r.ByID(sid); s != nil {
				d.edge(id(s.Name), id(target.Name), route.Str("destinationCidrBlock"), "dotted")
			}
		}
	}
	for _, n := range r.OfType("aws:ec2/natGateway:NatGateway") {
		if s := r.ByID(n.Str("subnetId")); s != nil {
			for _, route := range r.OfType("aws:ec2/route:Route") {
				if slices.Contains(tableSubnets[route.Str("routeTableId")], s.ID) && r.ByID(route.Str("gatewayId")) != nil {
					d.edge(id(n.Name), id(r.ByID(route.Str("gatewayId")).Name), "", "dotted")
				}
			}
		}
	}
}

// loadBalancing draws internet → WAF → ALB → target groups (by listener
// rule) → services.
func (d *diagram) loadBalancing() {
	r := d.r
	for _, lb := range r.OfType("aws:lb/loadBalancer:LoadBalancer") {
		d.node(1, id(lb.Name), "ALB "+lb.Str("name"), "")
		for _, assoc := range r.OfType("aws:wafv2/webAclAssociation:WebAclAssociation") {
			if acl := r.byComputedArn(assoc.Str("webAclArn")); acl != nil {
				d.node(1, id(acl.Name), "WAF "+acl.Str("name"), "")
				d.edge("internet", id(acl.Name), "HTTP(S)", "")
				d.edge(id(acl.Name), id(lb.Name), "", "")
			}
		}
		for _, l := range r.OfType("aws:lb/listener:Listener") {
			actions, _ := l.Inputs["defaultActions"].([]any)
			for _, a := range actions {
				m, _ := a.(map[string]any)
				if tg := r.byComputedArn(fmt.Sprint(m["targetGroupArn"])); tg != nil {
					d.edge(id(lb.Name), id(tg.Name), fmt.Sprintf("%v %v default", l.Inputs["protocol"], l.Inputs["port"]), "")
				} else if m["type"] == "redirect" {
					d.edge(id(lb.Name), id(lb.Name), fmt.Sprintf("%v %v redirect", l.Inputs["protocol"], l.Inputs["port"]), "")
				}
			}
		}
		for _, rule := range r.OfType("aws:lb/listenerRule:ListenerRule") {
			var paths []string
			conds, _ := rule.Inputs["conditions"].([]any)
			for _, c := range conds {
				m, _ := c.(map[string]any)
				pp, _ := m["pathPattern"].(map[string]any)
				vals, _ := pp["values"].([]any)
				for _, v := range vals {
					paths = append(paths, fmt.Sprint(v))
				}
			}
			actions, _ := rule.Inputs["actions"].([]any)
			for _, a := range actions {
				m, _ := a.(map[string]any)
				if tg := r.byComputedArn(fmt.Sprint(m["targetGroupArn"])); tg != nil {
					d.edge(id(lb.Name), id(tg.Name), strings.Join(paths, " "), "")
				}
			}
		}
	}
	for _, tg := range r.OfType("aws:lb/targetGroup:TargetGroup") {
		d.node(1, id(tg.Name), fmt.Sprintf("target group %s :%v", tg.Str("name"), tg.Inputs["port"]), "stadium")
	}
	for _, svc := range r.OfType("aws:ecs/service:Service") {
		lbs, _ := svc.Inputs["loadBalancers"].([]any)
		for _, l := range lbs {
			m, _ := l.(map[string]any)
			if tg := r.byComputedArn(fmt.Sprint(m["targetGroupArn"])); tg != nil {
				for _, member := range d.serviceNodes(svc) {
					d.edge(id(tg.Name), member, fmt.Sprintf("%v", m["containerPort"]), "")
				}
			}
		}
	}
}

// serviceNodes are the per-AZ nodes of a Fargate service.
func (d *diagram) serviceNodes(svc *Resource) []string {
	net, _ := svc.Inputs["networkConfiguration"].(map[string]any)
	subnets, _ := net["subnets"].([]any)
	var out []string
	for _, s := range subnets {
		out = append(out, id(svc.Name, fmt.Sprint(s)))
	}
	return out
}

// securityGroups draws one node per group, each member's membership, and
// each rule as an edge from the side that opens the connection, labelled
// with protocol and ports. An ingress rule and its matching egress rule
// draw one edge.
func (d *diagram) securityGroups() {
	r := d.r
	d.line(1, "subgraph sgs[\"security groups: every allowed flow\"]")
	for _, g := range r.OfType("aws:ec2/securityGroup:SecurityGroup") {
		d.node(2, id(g.Name), "sg "+named(g, "name"), "")
	}
	d.line(1, "end")
	peer := func(rule *Resource) string {
		if p := r.ByID(rule.Str("referencedSecurityGroupId")); p != nil {
			return id(p.Name)
		}
		if pl := rule.Str("prefixListId"); pl != "" {
			nodeID := id("prefix-list", pl)
			label := "prefix list " + pl
			if owner := r.prefixListOwner(pl); owner != "" {
				label = owner
			}
			d.node(1, nodeID, label, "round")
			return nodeID
		}
		cidr := rule.Str("cidrIpv4")
		if cidr == "0.0.0.0/0" {
			return "internet"
		}
		nodeID := id("cidr", cidr)
		d.node(1, nodeID, cidr, "round")
		return nodeID
	}
	ports := func(rule *Resource) string {
		if rule.Str("ipProtocol") == "-1" {
			return "all traffic"
		}
		from, to := rule.Inputs["fromPort"], rule.Inputs["toPort"]
		if fmt.Sprint(from) == fmt.Sprint(to) {
			return fmt.Sprintf("%s %v", rule.Str("ipProtocol"), from)
		}
		return fmt.Sprintf("%s %v-%v", rule.Str("ipProtocol"), from, to)
	}
	for _, rule := range r.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if g := r.ByID(rule.Str("securityGroupId")); g != nil {
			d.edge(peer(rule), id(g.Name), ports(rule), "")
		}
	}
	for _, rule := range r.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		if g := r.ByID(rule.Str("securityGroupId")); g != nil {
			d.edge(id(g.Name), peer(rule), ports(rule), "")
		}
	}
	// Members: whatever names a group in its inputs.
	for _, res := range r.Resources {
		if res.Component {
			continue
		}
		var groups []any
		if v, ok := res.Inputs["securityGroups"].([]any); ok {
			groups = v
		} else if v, ok := res.Inputs["vpcSecurityGroupIds"].([]any); ok {
			groups = v
		} else if net, ok := res.Inputs["networkConfiguration"].(map[string]any); ok {
			groups, _ = net["securityGroups"].([]any)
		}
		for _, gid := range groups {
			g := r.ByID(fmt.Sprint(gid))
			if g == nil {
				continue
			}
			var members []string
			switch res.Type {
			case "aws:ecs/service:Service":
				members = d.serviceNodes(res)
			case "aws:rds/cluster:Cluster":
				for _, inst := range r.OfType("aws:rds/clusterInstance:ClusterInstance") {
					members = append(members, id(inst.Name))
				}
			default:
				members = []string{id(res.Name)}
			}
			for _, m := range members {
				if d.declared[m] {
					d.edge(id(g.Name), m, "", "dotted")
				}
			}
		}
	}
}

// sinkSources are the types that send audit or observability data
// somewhere; each is drawn to every log group, bucket or topic its inputs name.
var sinkSources = []string{
	"aws:ec2/flowLog:FlowLog",
	"aws:cloudtrail/trail:Trail",
	"aws:cfg/deliveryChannel:DeliveryChannel",
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
	"aws:lb/loadBalancer:LoadBalancer",
	"aws:ecs/taskDefinition:TaskDefinition",
	"aws:rds/cluster:Cluster",
	"aws:ssm/document:Document",
	"aws:cloudwatch/eventTarget:EventTarget",
	"aws:cloudwatch/metricAlarm:MetricAlarm",
}

// sinks draws where audit and observability data goes.
func (d *diagram) sinks() {
	r := d.r
	type sink struct {
		nodeID, label string
		keys          []string
	}
	var all []sink
	for _, lg := range r.OfType("aws:cloudwatch/logGroup:LogGroup") {
		all = append(all, sink{id(lg.Name), "log group " + lg.Str("name"), []string{lg.Str("name")}})
	}
	for _, b := range r.OfType("aws:s3/bucketV2:BucketV2") {
		all = append(all, sink{id(b.Name), "bucket " + b.Str("bucket"), []string{b.Str("bucket")}})
	}
	for _, t := range r.OfType("aws:sns/topic:Topic") {
		arn, _ := t.Computed["arn"].(string)
		all = append(all, sink{id(t.Name), "SNS topic " + t.Str("name"), []string{arn}})
	}
	d.line(1, "subgraph sinks[\"audit and observability sinks\"]")
	for _, s := range all {
		d.node(2, s.nodeID, s.label, "db")
	}
	d.line(1, "end")

	alarms := r.OfType("aws:cloudwatch/metricAlarm:MetricAlarm")
	if len(alarms) > 0 {
		d.node(1, "alarms", fmt.Sprintf("%d CloudWatch alarms", len(alarms)), "")
	}
	for _, typ := range sinkSources {
		for _, src := range r.OfType(typ) {
			b, _ := json.Marshal(src.Inputs)
			text := string(b)
			from := id(src.Name)
			switch {
			case typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
				from = "alarms"
			case typ == "aws:ecs/taskDefinition:TaskDefinition":
				from = ""
				for _, svc := range r.OfType("aws:ecs/service:Service") {
					if r.taskDefinition(svc.Str("taskDefinition")) == src {
						from = d.serviceNodes(svc)[0]
					}
				}
			case typ == "aws:rds/cluster:Cluster":
				if exports, _ := src.Inputs["enabledCloudwatchLogsExports"].([]any); len(exports) > 0 {
					for _, e := range exports {
						text += fmt.Sprintf(" /aws/rds/cluster/%s/%v", src.Str("clusterIdentifier"), e)
					}
				}
				if insts := r.OfType("aws:rds/clusterInstance:ClusterInstance"); len(insts) > 0 {
					from = id(insts[0].Name)
				}
			case typ == "aws:ssm/document:Document":
				from = ""
				if in := r.OfType("aws:ec2/instance:Instance"); len(in) == 1 {
					from = id(in[0].Name)
				}
			case typ == "aws:cloudwatch/eventTarget:EventTarget":
				d.node(1, from, "EventBridge "+src.Name, "stadium")
				for _, source := range r.eventSources(src.Str("rule")) {
					label, what := source, "events"
					if known, ok := eventSourceLabels[source]; ok {
						label, what = known[0], known[1]
					}
					d.node(1, id("events", source), label, "")
					d.edge(id("events", source), from, what, "")
				}
			case !d.declared[from]:
				d.node(1, from, typeName(typ)+" "+src.Name, "stadium")
			}
			if from == "" {
				continue
			}
			for _, s := range all {
				// Alarm descriptions name log groups for the reader; alarms
				// only send to topics.
				if typ == "aws:cloudwatch/metricAlarm:MetricAlarm" && !strings.HasPrefix(s.label, "SNS") {
					continue
				}
				for _, k := range s.keys {
					if k != "" && strings.Contains(text, k) {
						d.edge(from, s.nodeID, "", "dotted")
					}
				}
			}
		}
	}
}

// byComputedArn finds the resource whose computed ARN is arn.
func (r *Result) byComputedArn(arn string) *Resource {
	if arn == "" {
		return nil
	}
	for _, res := range r.Resources {
		if a, _ := res.Computed["arn"].(string); a == arn {
			return res
		}
	}
	return nil
}

// named is a resource's physical name: the name input, or the prefix AWS
// completes when the program names it with a prefix so that a replacement
// can be created before the original is deleted.
func named(res *Resource, key string) string {
	if v := res.Str(key); v != "" {
		return v
	}
	if v := res.Str(key + "Prefix"); v != "" {
		return v + "*"
	}
	return res.Name
}

// eventSourceLabels name the AWS services whose events the stack routes,
// and what the events are, for the diagram's edges.
var eventSourceLabels = map[string][2]string{
	"aws.guardduty":   {"GuardDuty", "findings"},
	"aws.securityhub": {"Security Hub", "findings"},
	"aws.backup":      {"AWS Backup", "failed jobs"},
}

// eventSources are the event sources of the EventBridge rule named rule,
// read from its event pattern, so each target is drawn from the service
// whose events it actually receives.
func (r *Result) eventSources(rule string) []string {
	for _, er := range r.OfType("aws:cloudwatch/eventRule:EventRule") {
		if er.Str("name") != rule {
			continue
		}
		var pattern struct {
			Source []string `json:"source"`
		}
		if err := json.Unmarshal([]byte(er.Str("eventPattern")), &pattern); err != nil {
			return nil
		}
		return pattern.Source
	}
	return nil
}
