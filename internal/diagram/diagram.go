package diagram

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// Write prints a Mermaid flowchart drawn from the synthesized
// resources, never by hand: the subnets of each AZ by tier with what runs in
// them, the NAT paths, the ALB's routes to target groups and services, every
// security-group rule as an edge with its ports, what reaches the database
// through those rules, and where audit and observability data goes. Every
// edge follows a typed field of a resource (a trail's bucket, a bucket's
// logging target, a task's log group), never a name found somewhere in its
// inputs.
func Write(w io.Writer, r *synth.Result) error {
	g, err := buildDiagram(r)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, g.full())
	return err
}

// WriteOverview prints the same flowchart at the level of what a newcomer
// asks first: one node per service, NAT path and tier instead of one per AZ,
// no security-group nodes (what they allow to reach the database stays an
// edge), and the EventBridge routes as one node. Every edge is one of
// Write's, folded onto these nodes.
func WriteOverview(w io.Writer, r *synth.Result) error {
	g, err := buildDiagram(r)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, g.overview())
	return err
}

// node is one box of the diagram. In the overview it folds into the node
// fold names (itself when fold is its own ID, dropped when fold is empty),
// labelled foldLabel when that is set.
type node struct {
	id, label, shape string
	// parent is the subgraph the node sits in ("" for none).
	parent          string
	fold, foldLabel string
}

// subgraph is a box of boxes: the VPC, an AZ, a subnet, the security
// groups, the sinks.
type subgraph struct {
	id, label, parent string
	// fold is the overview's subgraph it becomes ("" for none).
	fold, foldLabel string
}

// edge is one arrow; dotted arrows carry data or membership, solid ones
// traffic.
type edge struct {
	from, to, label string
	dotted          bool
}

type diagram struct {
	r         *synth.Result
	subgraphs []subgraph
	nodes     []node
	edges     []edge
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// id turns a logical name into a Mermaid node ID.
func id(parts ...string) string { return idUnsafe.ReplaceAllString(strings.Join(parts, "_"), "_") }

func (d *diagram) has(nodeID string) bool {
	return slices.ContainsFunc(d.nodes, func(n node) bool { return n.id == nodeID })
}

// add declares a node once; it folds into itself in the overview.
func (d *diagram) add(n node) {
	if d.has(n.id) {
		return
	}
	if n.fold == "" {
		n.fold = n.id
	}
	d.nodes = append(d.nodes, n)
}

func (d *diagram) edge(from, to, label string, dotted bool) {
	e := edge{from, to, label, dotted}
	if !slices.Contains(d.edges, e) {
		d.edges = append(d.edges, e)
	}
}

// The inputs the diagram reads, beyond those the report's sections read.
type (
	diagramServiceInputs struct {
		Name                 string `json:"name"`
		TaskDefinition       string `json:"taskDefinition"`
		EnableExecuteCommand bool   `json:"enableExecuteCommand"`
		NetworkConfiguration struct {
			Subnets        []string `json:"subnets"`
			SecurityGroups []string `json:"securityGroups"`
		} `json:"networkConfiguration"`
		LoadBalancers []struct {
			TargetGroupArn string `json:"targetGroupArn"`
			ContainerPort  int    `json:"containerPort"`
		} `json:"loadBalancers"`
	}
	diagramInstanceInputs struct {
		InstanceType        string   `json:"instanceType"`
		SubnetID            string   `json:"subnetId"`
		VpcSecurityGroupIDs []string `json:"vpcSecurityGroupIds"`
	}
	diagramClusterInputs struct {
		ClusterIdentifier            string   `json:"clusterIdentifier"`
		VpcSecurityGroupIDs          []string `json:"vpcSecurityGroupIds"`
		EnabledCloudwatchLogsExports []string `json:"enabledCloudwatchLogsExports"`
	}
	ecsClusterInputs struct {
		Configuration struct {
			ExecuteCommandConfiguration struct {
				LogConfiguration struct {
					CloudWatchLogGroupName string `json:"cloudWatchLogGroupName"`
				} `json:"logConfiguration"`
			} `json:"executeCommandConfiguration"`
		} `json:"configuration"`
	}
	flowLogInputs struct {
		LogDestination     string `json:"logDestination"`
		LogDestinationType string `json:"logDestinationType"`
		LogGroupName       string `json:"logGroupName"`
	}
	webACLAssociationInputs struct {
		ResourceArn string `json:"resourceArn"`
		WebAclArn   string `json:"webAclArn"`
	}
	webACLLoggingInputs struct {
		ResourceArn           string   `json:"resourceArn"`
		LogDestinationConfigs []string `json:"logDestinationConfigs"`
	}
	sessionDocumentInputs struct {
		DocumentType string `json:"documentType"`
		Content      string `json:"content"`
	}
	alarmActionInputs struct {
		AlarmActions []string `json:"alarmActions"`
	}
	eventTargetInputs struct {
		Rule string `json:"rule"`
		Arn  string `json:"arn"`
	}
	natGatewayInputs struct {
		SubnetID string `json:"subnetId"`
	}
	diagramLoadBalancerInputs struct {
		Name       string `json:"name"`
		AccessLogs struct {
			Bucket  string `json:"bucket"`
			Enabled bool   `json:"enabled"`
		} `json:"accessLogs"`
	}
)

// buildDiagram reads the synthesis into nodes and typed edges.
func buildDiagram(r *synth.Result) (*diagram, error) {
	d := &diagram{r: r}
	d.add(node{id: "internet", label: "Internet", shape: "round"})
	for _, step := range []func() error{d.network, d.routes, d.loadBalancing, d.securityGroups, d.reach, d.sinks, d.events} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// network draws the VPC: a subgraph per AZ, in it one per subnet, in each
// what runs there (NAT gateways, instances, each service's tasks, Aurora's
// instances by their AZ).
func (d *diagram) network() error {
	r := d.r
	subnets, subnetIn, err := synth.DecodeAll[synth.SubnetInputs](r, "aws:ec2/subnet:Subnet")
	if err != nil {
		return err
	}
	vpcLabel := "VPC"
	if vpcs, in, err := synth.DecodeAll[synth.VpcInputs](r, "aws:ec2/vpc:Vpc"); err != nil {
		return err
	} else if len(vpcs) == 1 {
		vpcLabel = "VPC " + in[0].CidrBlock
	}
	d.subgraphs = append(d.subgraphs, subgraph{id: "vpc", label: vpcLabel, fold: "vpc", foldLabel: vpcLabel})
	type placed struct{ nodeID, label, shape, fold, foldLabel string }
	inSubnet := map[string][]placed{} // subnet ID → what runs in it
	tierOf := map[string]string{}     // subnet ID → tier
	azs := map[string]int{}
	for i, s := range subnets {
		tierOf[s.ID] = subnetIn[i].Tags["Tier"]
		azs[subnetIn[i].AvailabilityZone]++
	}
	nats := r.OfType("aws:ec2/natGateway:NatGateway")
	_, natIn, err := synth.DecodeAll[natGatewayInputs](r, "aws:ec2/natGateway:NatGateway")
	if err != nil {
		return err
	}
	for i, n := range nats {
		inSubnet[natIn[i].SubnetID] = append(inSubnet[natIn[i].SubnetID], placed{id(n.Name), "NAT gateway", "", "nat", plural(len(nats), "NAT gateway")})
	}
	instances, instanceIn, err := synth.DecodeAll[diagramInstanceInputs](r, "aws:ec2/instance:Instance")
	if err != nil {
		return err
	}
	for i, in := range instances {
		label := in.Name + " (" + instanceIn[i].InstanceType + ")"
		inSubnet[instanceIn[i].SubnetID] = append(inSubnet[instanceIn[i].SubnetID], placed{id(in.Name), label, "", id(in.Name), label})
	}
	services, serviceIn, err := synth.DecodeAll[diagramServiceInputs](r, "aws:ecs/service:Service")
	if err != nil {
		return err
	}
	for i, svc := range services {
		n := len(serviceIn[i].NetworkConfiguration.Subnets)
		for _, sid := range serviceIn[i].NetworkConfiguration.Subnets {
			inSubnet[sid] = append(inSubnet[sid], placed{id(svc.Name, sid), serviceIn[i].Name + " tasks", "", id(svc.Name),
				fmt.Sprintf("%s tasks in %s", serviceIn[i].Name, plural(n, "AZ"))})
		}
	}
	dataSubnet := map[string]string{} // AZ → data subnet ID, for Aurora's instances
	for i, s := range subnets {
		if subnetIn[i].Tags["Tier"] == string(stackconfig.Data) {
			dataSubnet[subnetIn[i].AvailabilityZone] = s.ID
		}
	}
	dbInstances, dbIn, err := synth.DecodeAll[synth.ClusterInstanceInputs](r, "aws:rds/clusterInstance:ClusterInstance")
	if err != nil {
		return err
	}
	for i, inst := range dbInstances {
		if sid, ok := dataSubnet[dbIn[i].AvailabilityZone]; ok {
			label := "Aurora " + named(inst, "identifier")
			inSubnet[sid] = append(inSubnet[sid], placed{id(inst.Name), label, "db", id(inst.Name), label})
		}
	}

	order := make([]int, len(subnets))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ia, ib := subnetIn[order[a]], subnetIn[order[b]]
		if ia.AvailabilityZone != ib.AvailabilityZone {
			return ia.AvailabilityZone < ib.AvailabilityZone
		}
		return tierIndex(ia.Tags["Tier"]) < tierIndex(ib.Tags["Tier"])
	})
	for _, i := range order {
		s, in := subnets[i], subnetIn[i]
		az, tier := id("az", in.AvailabilityZone), in.Tags["Tier"]
		if !slices.ContainsFunc(d.subgraphs, func(g subgraph) bool { return g.id == az }) {
			d.subgraphs = append(d.subgraphs, subgraph{id: az, label: in.AvailabilityZone, parent: "vpc"})
		}
		tierFold := id("tier", tier)
		d.subgraphs = append(d.subgraphs, subgraph{id: id(s.Name), label: tier + " " + in.CidrBlock, parent: az,
			fold: tierFold, foldLabel: fmt.Sprintf("%s subnets (%s)", tier, plural(len(azs), "AZ"))})
		members := inSubnet[s.ID]
		if len(members) == 0 {
			d.add(node{id: id(s.Name, "empty"), label: tier + " subnet", parent: id(s.Name), fold: "-"})
		}
		for _, m := range members {
			d.add(node{id: m.nodeID, label: m.label, shape: m.shape, parent: id(s.Name), fold: m.fold, foldLabel: m.foldLabel})
		}
	}
	return nil
}

// tierIndex orders subnets by tier as the configuration does.
func tierIndex(tier string) int { return slices.Index(stackconfig.Tiers, stackconfig.Tier(tier)) }

// plural is "1 AZ" or "3 AZs".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// routes draws each subnet's default route: private tiers to their NAT
// gateway, NAT gateways and public subnets to the internet gateway.
func (d *diagram) routes() error {
	r := d.r
	for _, igw := range r.OfType("aws:ec2/internetGateway:InternetGateway") {
		d.add(node{id: id(igw.Name), label: "internet gateway"})
		d.edge(id(igw.Name), "internet", "", false)
	}
	_, assocs, err := synth.DecodeAll[synth.RouteTableAssociationInputs](r, "aws:ec2/routeTableAssociation:RouteTableAssociation")
	if err != nil {
		return err
	}
	tableSubnets := map[string][]string{}
	for _, a := range assocs {
		tableSubnets[a.RouteTableID] = append(tableSubnets[a.RouteTableID], a.SubnetID)
	}
	_, routes, err := synth.DecodeAll[synth.RouteInputs](r, "aws:ec2/route:Route")
	if err != nil {
		return err
	}
	_, natIn, err := synth.DecodeAll[natGatewayInputs](r, "aws:ec2/natGateway:NatGateway")
	if err != nil {
		return err
	}
	for _, route := range routes {
		target := r.ByID(route.NatGatewayID)
		if target == nil {
			target = r.ByID(route.GatewayID)
		}
		if target == nil {
			continue
		}
		for _, sid := range tableSubnets[route.RouteTableID] {
			if s := r.ByID(sid); s != nil {
				d.edge(id(s.Name), id(target.Name), route.DestinationCidrBlock, true)
			}
		}
		// A NAT gateway reaches the internet through its own subnet's route.
		if igw := r.ByID(route.GatewayID); igw != nil {
			for i, n := range r.OfType("aws:ec2/natGateway:NatGateway") {
				if slices.Contains(tableSubnets[route.RouteTableID], natIn[i].SubnetID) {
					d.edge(id(n.Name), id(igw.Name), "", true)
				}
			}
		}
	}
	return nil
}

// loadBalancing draws internet → WAF → ALB → target groups (by listener and
// rule) → services, each step by the ARN its field names.
func (d *diagram) loadBalancing() error {
	r := d.r
	lbs, lbIn, err := synth.DecodeAll[synth.LoadBalancerInputs](r, "aws:lb/loadBalancer:LoadBalancer")
	if err != nil {
		return err
	}
	for i, lb := range lbs {
		d.add(node{id: id(lb.Name), label: "ALB " + lbIn[i].Name})
	}
	_, assocs, err := synth.DecodeAll[webACLAssociationInputs](r, "aws:wafv2/webAclAssociation:WebAclAssociation")
	if err != nil {
		return err
	}
	for _, a := range assocs {
		acl, lb := r.ByARN(a.WebAclArn), r.ByARN(a.ResourceArn)
		if acl == nil || lb == nil {
			continue
		}
		d.add(node{id: id(acl.Name), label: "WAF " + named(acl, "name")})
		d.edge("internet", id(acl.Name), "HTTP(S)", false)
		d.edge(id(acl.Name), id(lb.Name), "", false)
	}
	groups, groupIn, err := synth.DecodeAll[synth.TargetGroupInputs](r, "aws:lb/targetGroup:TargetGroup")
	if err != nil {
		return err
	}
	for i, tg := range groups {
		d.add(node{id: id(tg.Name), label: fmt.Sprintf("target group %s :%v", groupIn[i].Name, tg.Inputs["port"]), shape: "stadium"})
	}
	listeners, listenerIn, err := synth.DecodeAll[synth.ListenerInputs](r, "aws:lb/listener:Listener")
	if err != nil {
		return err
	}
	for i, l := range listeners {
		lb := r.ByARN(l.Str("loadBalancerArn"))
		if lb == nil {
			continue
		}
		for _, a := range listenerIn[i].DefaultActions {
			if tg := r.ByARN(a.TargetGroupArn); tg != nil {
				d.edge(id(lb.Name), id(tg.Name), fmt.Sprintf("%s %d default", listenerIn[i].Protocol, listenerIn[i].Port), false)
			} else if a.Type == "redirect" {
				d.edge(id(lb.Name), id(lb.Name), fmt.Sprintf("%s %d redirect", listenerIn[i].Protocol, listenerIn[i].Port), false)
			}
		}
	}
	_, rules, err := synth.DecodeAll[synth.ListenerRuleInputs](r, "aws:lb/listenerRule:ListenerRule")
	if err != nil {
		return err
	}
	for _, rule := range rules {
		l := r.ByARN(rule.ListenerArn)
		if l == nil {
			continue
		}
		lb := r.ByARN(l.Str("loadBalancerArn"))
		var paths []string
		for _, c := range rule.Conditions {
			paths = append(paths, c.PathPattern.Values...)
		}
		for _, a := range rule.Actions {
			if tg := r.ByARN(a.TargetGroupArn); tg != nil && lb != nil {
				d.edge(id(lb.Name), id(tg.Name), strings.Join(paths, " "), false)
			}
		}
	}
	services, serviceIn, err := synth.DecodeAll[diagramServiceInputs](r, "aws:ecs/service:Service")
	if err != nil {
		return err
	}
	for i, svc := range services {
		for _, l := range serviceIn[i].LoadBalancers {
			if tg := r.ByARN(l.TargetGroupArn); tg != nil {
				for _, member := range serviceNodes(svc, serviceIn[i]) {
					d.edge(id(tg.Name), member, fmt.Sprint(l.ContainerPort), false)
				}
			}
		}
	}
	return nil
}

// serviceNodes are a Fargate service's nodes, one per subnet (AZ) it runs in.
func serviceNodes(svc *synth.Resource, in diagramServiceInputs) []string {
	var out []string
	for _, s := range in.NetworkConfiguration.Subnets {
		out = append(out, id(svc.Name, s))
	}
	return out
}

// portLabel is a rule's protocol and ports as the diagram labels them.
func portLabel(rule synth.GroupRuleInputs) string {
	switch {
	case rule.IPProtocol == "-1":
		return "all traffic"
	case rule.FromPort == rule.ToPort:
		return fmt.Sprintf("%s %d", rule.IPProtocol, rule.FromPort)
	}
	return fmt.Sprintf("%s %d-%d", rule.IPProtocol, rule.FromPort, rule.ToPort)
}

// securityGroups draws one node per group, each member's membership, and
// each rule as an edge from the side that opens the connection, labelled
// with protocol and ports. An ingress rule and its matching egress rule
// draw one edge.
func (d *diagram) securityGroups() error {
	r := d.r
	d.subgraphs = append(d.subgraphs, subgraph{id: "sgs", label: "security groups: every allowed flow"})
	groups := r.OfType("aws:ec2/securityGroup:SecurityGroup")
	for _, g := range groups {
		d.add(node{id: id(g.Name), label: "sg " + named(g, "name"), parent: "sgs", fold: "-"})
	}
	peer := func(rule synth.GroupRuleInputs) string {
		if p := r.ByID(rule.ReferencedSecurityGroupID); p != nil {
			return id(p.Name)
		}
		if pl := rule.PrefixListID; pl != "" {
			nodeID := id("prefix-list", pl)
			label := "prefix list " + pl
			if owner := r.PrefixListOwner(pl); owner != "" {
				label = owner
			}
			d.add(node{id: nodeID, label: label, shape: "round", fold: "-"})
			return nodeID
		}
		if rule.CidrIPv4 == "0.0.0.0/0" {
			return "internet"
		}
		nodeID := id("cidr", rule.CidrIPv4)
		d.add(node{id: nodeID, label: rule.CidrIPv4, shape: "round", fold: "-"})
		return nodeID
	}
	for _, dir := range synth.GroupRuleTypes {
		_, rules, err := synth.DecodeAll[synth.GroupRuleInputs](r, dir.Type)
		if err != nil {
			return err
		}
		for _, rule := range rules {
			g := r.ByID(rule.SecurityGroupID)
			if g == nil {
				continue
			}
			if dir.Direction == security.Ingress {
				d.edge(peer(rule), id(g.Name), portLabel(rule), false)
			} else {
				d.edge(id(g.Name), peer(rule), portLabel(rule), false)
			}
		}
	}
	members, err := d.groupMembers()
	if err != nil {
		return err
	}
	for _, m := range members {
		for _, gid := range m.groups {
			if g := r.ByID(gid); g != nil {
				for _, n := range m.nodes {
					if d.has(n) {
						d.edge(id(g.Name), n, "", true)
					}
				}
			}
		}
	}
	return nil
}

// member is what a security group applies to: its nodes and its groups.
type member struct {
	res    *synth.Resource
	nodes  []string
	groups []string
}

// groupMembers reads every resource the security groups apply to: the
// load balancer, each service (its per-AZ nodes), each instance and each
// Aurora cluster (drawn as its instances).
func (d *diagram) groupMembers() ([]member, error) {
	r := d.r
	var out []member
	lbs, lbIn, err := synth.DecodeAll[struct {
		SecurityGroups []string `json:"securityGroups"`
	}](r, "aws:lb/loadBalancer:LoadBalancer")
	if err != nil {
		return nil, err
	}
	for i, lb := range lbs {
		out = append(out, member{lb, []string{id(lb.Name)}, lbIn[i].SecurityGroups})
	}
	services, serviceIn, err := synth.DecodeAll[diagramServiceInputs](r, "aws:ecs/service:Service")
	if err != nil {
		return nil, err
	}
	for i, svc := range services {
		out = append(out, member{svc, serviceNodes(svc, serviceIn[i]), serviceIn[i].NetworkConfiguration.SecurityGroups})
	}
	instances, instanceIn, err := synth.DecodeAll[diagramInstanceInputs](r, "aws:ec2/instance:Instance")
	if err != nil {
		return nil, err
	}
	for i, in := range instances {
		out = append(out, member{in, []string{id(in.Name)}, instanceIn[i].VpcSecurityGroupIDs})
	}
	clusters, clusterIn, err := synth.DecodeAll[diagramClusterInputs](r, "aws:rds/cluster:Cluster")
	if err != nil {
		return nil, err
	}
	for i, cl := range clusters {
		var nodes []string
		for _, inst := range r.OfType("aws:rds/clusterInstance:ClusterInstance") {
			nodes = append(nodes, id(inst.Name))
		}
		out = append(out, member{cl, nodes, clusterIn[i].VpcSecurityGroupIDs})
	}
	return out, nil
}

// reach draws what reaches the database through the security groups: an
// edge from each service and instance to each Aurora instance when one of
// its groups has an egress rule to one of the cluster's groups and that
// group an ingress rule from one of its groups, on overlapping ports. Both
// rules are needed (security groups are stateful per direction of the
// opened connection, each side checks its own rules); only rules that
// reference a group are read, as the program writes no CIDR rule to the
// database.
func (d *diagram) reach() error {
	r := d.r
	_, ingress, err := synth.DecodeAll[synth.GroupRuleInputs](r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
	if err != nil {
		return err
	}
	_, egress, err := synth.DecodeAll[synth.GroupRuleInputs](r, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
	if err != nil {
		return err
	}
	members, err := d.groupMembers()
	if err != nil {
		return err
	}
	for _, db := range members {
		if db.res.Type != "aws:rds/cluster:Cluster" {
			continue
		}
		for _, src := range members {
			if src.res.Type != "aws:ecs/service:Service" && src.res.Type != "aws:ec2/instance:Instance" {
				continue
			}
			for _, label := range allowedFlows(src.groups, db.groups, egress, ingress) {
				for _, from := range src.nodes {
					for _, to := range db.nodes {
						d.edge(from, to, label, false)
					}
				}
			}
		}
	}
	return nil
}

// allowedFlows lists the protocol and ports on which a member of the src
// groups may open a connection to a member of the dst groups: an egress
// rule out of src to a dst group that an ingress rule of that group
// answers from a src group, on the ports both allow.
func allowedFlows(src, dst []string, egress, ingress []synth.GroupRuleInputs) []string {
	var out []string
	for _, e := range egress {
		if !slices.Contains(src, e.SecurityGroupID) || !slices.Contains(dst, e.ReferencedSecurityGroupID) {
			continue
		}
		for _, in := range ingress {
			if in.SecurityGroupID != e.ReferencedSecurityGroupID || !slices.Contains(src, in.ReferencedSecurityGroupID) {
				continue
			}
			if e.IPProtocol != in.IPProtocol && e.IPProtocol != "-1" && in.IPProtocol != "-1" {
				continue
			}
			flow := in
			if in.IPProtocol == "-1" {
				flow = e
			} else if e.IPProtocol != "-1" {
				flow.FromPort, flow.ToPort = max(e.FromPort, in.FromPort), min(e.ToPort, in.ToPort)
				if flow.FromPort > flow.ToPort {
					continue
				}
			}
			if l := portLabel(flow); !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}

// sinks draws where audit and observability data goes: every log group,
// bucket and topic, and an edge from each resource to the sink a typed
// field of it names.
func (d *diagram) sinks() error {
	r := d.r
	d.subgraphs = append(d.subgraphs, subgraph{id: "sinks", label: "audit and observability sinks", fold: "sinks", foldLabel: "audit and observability sinks"})
	groups, groupIn, err := synth.DecodeAll[synth.LogGroupInputs](r, "aws:cloudwatch/logGroup:LogGroup")
	if err != nil {
		return err
	}
	for i, lg := range groups {
		d.add(node{id: id(lg.Name), label: "log group " + groupIn[i].Name, shape: "db", parent: "sinks"})
	}
	buckets, bucketIn, err := synth.DecodeAll[synth.BucketInputs](r, "aws:s3/bucketV2:BucketV2")
	if err != nil {
		return err
	}
	for i, b := range buckets {
		d.add(node{id: id(b.Name), label: "bucket " + bucketIn[i].Bucket, shape: "db", parent: "sinks"})
	}
	topics, topicIn, err := synth.DecodeAll[struct {
		Name string `json:"name"`
	}](r, "aws:sns/topic:Topic")
	if err != nil {
		return err
	}
	for i, t := range topics {
		d.add(node{id: id(t.Name), label: "SNS topic " + topicIn[i].Name, shape: "db", parent: "sinks"})
	}
	logGroup := func(name string) *synth.Resource {
		for i, lg := range groups {
			if groupIn[i].Name == name {
				return lg
			}
		}
		return nil
	}
	// A log group's ARN as a service names it may end in ":*" (all streams).
	logGroupByARN := func(arn string) *synth.Resource { return r.ByARN(strings.TrimSuffix(arn, ":*")) }
	bucket := func(name string) *synth.Resource {
		for i, b := range buckets {
			if bucketIn[i].Bucket == name {
				return b
			}
		}
		return nil
	}
	sink := func(from string, to *synth.Resource, label string) {
		if to != nil && from != "" {
			d.edge(from, id(to.Name), label, true)
		}
	}

	_, trailIn, err := synth.DecodeAll[synth.TrailInputs](r, "aws:cloudtrail/trail:Trail")
	if err != nil {
		return err
	}
	for i, t := range r.OfType("aws:cloudtrail/trail:Trail") {
		d.add(node{id: id(t.Name), label: "CloudTrail " + trailIn[i].Name, shape: "stadium"})
		sink(id(t.Name), bucket(trailIn[i].S3BucketName), "log files")
		sink(id(t.Name), logGroupByARN(trailIn[i].CloudWatchLogsGroupArn), "events")
	}
	_, logging, err := synth.DecodeAll[synth.BucketLoggingInputs](r, "aws:s3/bucketLoggingV2:BucketLoggingV2")
	if err != nil {
		return err
	}
	for _, l := range logging {
		if src := r.ByID(l.Bucket); src != nil {
			sink(id(src.Name), bucket(l.TargetBucket), "access logs")
		}
	}
	lbs, lbIn, err := synth.DecodeAll[diagramLoadBalancerInputs](r, "aws:lb/loadBalancer:LoadBalancer")
	if err != nil {
		return err
	}
	for i, lb := range lbs {
		if lbIn[i].AccessLogs.Enabled {
			sink(id(lb.Name), bucket(lbIn[i].AccessLogs.Bucket), "access logs")
		}
	}
	flows, flowIn, err := synth.DecodeAll[flowLogInputs](r, "aws:ec2/flowLog:FlowLog")
	if err != nil {
		return err
	}
	for i, f := range flows {
		d.add(node{id: id(f.Name), label: "VPC flow log", shape: "stadium"})
		d.edge("vpc", id(f.Name), "", true)
		switch {
		case flowIn[i].LogDestinationType == "s3":
			sink(id(f.Name), r.ByARN(strings.TrimSuffix(flowIn[i].LogDestination, "/")), "flow logs")
		case flowIn[i].LogDestination != "":
			sink(id(f.Name), logGroupByARN(flowIn[i].LogDestination), "flow logs")
		default:
			sink(id(f.Name), logGroup(flowIn[i].LogGroupName), "flow logs")
		}
	}
	_, wafLogging, err := synth.DecodeAll[webACLLoggingInputs](r, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
	if err != nil {
		return err
	}
	for _, l := range wafLogging {
		if acl := r.ByARN(l.ResourceArn); acl != nil {
			for _, dest := range l.LogDestinationConfigs {
				sink(id(acl.Name), logGroupByARN(dest), "WAF logs")
			}
		}
	}
	channels, channelIn, err := synth.DecodeAll[synth.DeliveryChannelInputs](r, "aws:cfg/deliveryChannel:DeliveryChannel")
	if err != nil {
		return err
	}
	for i, ch := range channels {
		d.add(node{id: id(ch.Name), label: "AWS Config delivery", shape: "stadium"})
		sink(id(ch.Name), bucket(channelIn[i].S3BucketName), "configuration history")
	}

	// Each service's containers log where their task definition's awslogs
	// driver says; ECS Exec sessions where the cluster's configuration says,
	// for services that enable it.
	services, serviceIn, err := synth.DecodeAll[diagramServiceInputs](r, "aws:ecs/service:Service")
	if err != nil {
		return err
	}
	_, ecsIn, err := synth.DecodeAll[ecsClusterInputs](r, "aws:ecs/cluster:Cluster")
	if err != nil {
		return err
	}
	tds, tdIn, err := synth.DecodeAll[synth.TaskDefinitionInputs](r, "aws:ecs/taskDefinition:TaskDefinition")
	if err != nil {
		return err
	}
	for i, svc := range services {
		family := serviceIn[i].TaskDefinition[strings.LastIndex(serviceIn[i].TaskDefinition, "/")+1:]
		family, _, _ = strings.Cut(family, ":")
		for j := range tds {
			if tdIn[j].Family != family {
				continue
			}
			var defs []struct {
				LogConfiguration struct {
					LogDriver string            `json:"logDriver"`
					Options   map[string]string `json:"options"`
				} `json:"logConfiguration"`
			}
			if err := json.Unmarshal([]byte(tdIn[j].ContainerDefinitions), &defs); err != nil {
				return synth.Invalid(tds[j], "containerDefinitions: %v", err)
			}
			for _, def := range defs {
				if def.LogConfiguration.LogDriver == "awslogs" {
					for _, n := range serviceNodes(svc, serviceIn[i]) {
						sink(n, logGroup(def.LogConfiguration.Options["awslogs-group"]), "container logs")
					}
				}
			}
		}
		if serviceIn[i].EnableExecuteCommand {
			for _, c := range ecsIn {
				for _, n := range serviceNodes(svc, serviceIn[i]) {
					sink(n, logGroup(c.Configuration.ExecuteCommandConfiguration.LogConfiguration.CloudWatchLogGroupName), "exec sessions")
				}
			}
		}
	}
	// Aurora exports each log type to the group AWS names for it,
	// /aws/rds/cluster/<cluster>/<type>, from each of its instances.
	_, clusterIn, err := synth.DecodeAll[diagramClusterInputs](r, "aws:rds/cluster:Cluster")
	if err != nil {
		return err
	}
	for _, c := range clusterIn {
		for _, export := range c.EnabledCloudwatchLogsExports {
			for _, inst := range r.OfType("aws:rds/clusterInstance:ClusterInstance") {
				sink(id(inst.Name), logGroup("/aws/rds/cluster/"+c.ClusterIdentifier+"/"+export), export+" log")
			}
		}
	}
	// Session Manager sessions on the instances stream to the group each
	// Session document's inputs name.
	_, docs, err := synth.DecodeAll[sessionDocumentInputs](r, "aws:ssm/document:Document")
	if err != nil {
		return err
	}
	for _, doc := range docs {
		if doc.DocumentType != "Session" {
			continue
		}
		var content struct {
			Inputs struct {
				CloudWatchLogGroupName string `json:"cloudWatchLogGroupName"`
			} `json:"inputs"`
		}
		if json.Unmarshal([]byte(doc.Content), &content) != nil || content.Inputs.CloudWatchLogGroupName == "" {
			continue
		}
		for _, in := range r.OfType("aws:ec2/instance:Instance") {
			sink(id(in.Name), logGroup(content.Inputs.CloudWatchLogGroupName), "sessions")
		}
	}
	// Alarms notify the topics their actions name.
	alarms, alarmIn, err := synth.DecodeAll[alarmActionInputs](r, "aws:cloudwatch/metricAlarm:MetricAlarm")
	if err != nil {
		return err
	}
	if len(alarms) > 0 {
		d.add(node{id: "alarms", label: plural(len(alarms), "CloudWatch alarm")})
	}
	for i := range alarms {
		for _, a := range alarmIn[i].AlarmActions {
			sink("alarms", r.ByARN(a), "alarm")
		}
	}
	return nil
}

// eventSourceLabels name the AWS services whose events the stack routes,
// and what the events are, for the diagram's edges.
var eventSourceLabels = map[string][2]string{
	"aws.guardduty":   {"GuardDuty", "findings"},
	"aws.securityhub": {"Security Hub", "findings"},
	"aws.backup":      {"AWS Backup", "failed jobs"},
	"aws.cloudtrail":  {"CloudTrail", "API calls"},
	"aws.config":      {"AWS Config", "API calls"},
	"aws.ecs":         {"ECS", "API calls"},
	"aws.iam":         {"IAM", "API calls"},
	"aws.kms":         {"KMS", "API calls"},
	"aws.s3":          {"S3", "API calls"},
}

// events draws each EventBridge rule's target: from the services its
// pattern's source names, to the resource the target's ARN names.
func (d *diagram) events() error {
	r := d.r
	rules, ruleIn, err := synth.DecodeAll[synth.EventRuleInputs](r, "aws:cloudwatch/eventRule:EventRule")
	if err != nil {
		return err
	}
	targets, targetIn, err := synth.DecodeAll[eventTargetInputs](r, "aws:cloudwatch/eventTarget:EventTarget")
	if err != nil {
		return err
	}
	var sources []string
	anySource := 0 // rules whose pattern names no source
	for i, t := range targets {
		from := id(t.Name)
		d.add(node{id: from, label: "EventBridge " + t.Name, shape: "stadium", fold: "eventbridge",
			foldLabel: fmt.Sprintf("EventBridge: %s to the topic", plural(len(targets), "rule"))})
		for j := range rules {
			if ruleIn[j].Name != targetIn[i].Rule {
				continue
			}
			var pattern struct {
				Source     []string `json:"source"`
				DetailType []string `json:"detail-type"`
			}
			if err := json.Unmarshal([]byte(ruleIn[j].EventPattern), &pattern); err != nil {
				return synth.Invalid(rules[j], "eventPattern: %v", err)
			}
			// A pattern that names no source matches its detail types
			// from any service (the root user's calls, console sign-ins).
			sourcesOf := pattern.Source
			if len(sourcesOf) == 0 {
				sourcesOf = pattern.DetailType
				anySource++
			}
			for _, source := range sourcesOf {
				label, what := source, "events"
				if known, ok := eventSourceLabels[source]; ok {
					label, what = known[0], known[1]
				}
				if len(pattern.Source) > 0 && !slices.Contains(sources, label) {
					sources = append(sources, label)
				}
				d.add(node{id: id("events", source), label: label, fold: "event_sources"})
				d.edge(id("events", source), from, what, false)
			}
		}
		if to := r.ByARN(targetIn[i].Arn); to != nil {
			d.edge(from, id(to.Name), "", true)
		}
	}
	for i, n := range d.nodes {
		if n.fold == "event_sources" {
			d.nodes[i].foldLabel = "events from " + strings.Join(sources, ", ")
			if anySource > 0 {
				d.nodes[i].foldLabel += fmt.Sprintf("; %s on any source", plural(anySource, "rule"))
			}
		}
	}
	return nil
}

// full renders every node and edge, in subgraphs.
func (d *diagram) full() string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	d.render(&b, d.subgraphs, d.nodes, d.edges)
	return b.String()
}

// overview folds the diagram: each node becomes the node its fold names
// (dropped when that is "-"), subgraphs their fold (none when empty), and
// each edge joins the folded nodes (never a node to itself); the arrows
// between the same two nodes become one, their labels joined. A node no
// arrow touches (a log group of a service that is off) is left to the full
// diagram.
func (d *diagram) overview() string {
	fold := map[string]string{}
	for _, n := range d.nodes {
		fold[n.id] = n.fold
	}
	// Subgraph IDs fold too: a route from a subnet is a route from its tier.
	for _, g := range d.subgraphs {
		if g.fold != "" {
			fold[g.id] = g.fold
		}
	}
	var edges []edge
	touched := map[string]bool{}
	for _, e := range d.edges {
		from, to := fold[e.from], fold[e.to]
		if from == "" || to == "" || from == "-" || to == "-" || from == to {
			continue
		}
		touched[from], touched[to] = true, true
		i := slices.IndexFunc(edges, func(x edge) bool { return x.from == from && x.to == to && x.dotted == e.dotted })
		switch {
		case i < 0:
			edges = append(edges, edge{from, to, e.label, e.dotted})
		case e.label != "" && !slices.Contains(strings.Split(edges[i].label, ", "), e.label):
			edges[i].label = strings.TrimPrefix(edges[i].label+", "+e.label, ", ")
		}
	}
	var nodes []node
	for _, n := range d.nodes {
		if n.fold == "-" || !touched[n.fold] || slices.ContainsFunc(nodes, func(x node) bool { return x.id == n.fold }) {
			continue
		}
		f := node{id: n.fold, label: n.label, shape: n.shape, parent: n.parent}
		if n.foldLabel != "" {
			f.label = n.foldLabel
		}
		nodes = append(nodes, f)
	}
	graphs := map[string]subgraph{}
	for _, g := range d.subgraphs {
		graphs[g.id] = g
	}
	// folded is the overview's subgraph that subgraph p's contents sit in:
	// the fold of p or of its innermost ancestor that has one ("" for none).
	folded := func(p string) string {
		for p != "" && graphs[p].fold == "" {
			p = graphs[p].parent
		}
		if p == "" {
			return ""
		}
		return graphs[p].fold
	}
	// keep declares the overview's subgraph that p folds into, and its
	// ancestors first, so that a tier's box is drawn inside the VPC's.
	var subgraphs []subgraph
	var keep func(p string)
	keep = func(p string) {
		for p != "" && graphs[p].fold == "" {
			p = graphs[p].parent
		}
		if p == "" {
			return
		}
		g := graphs[p]
		if slices.ContainsFunc(subgraphs, func(x subgraph) bool { return x.id == g.fold }) {
			return
		}
		keep(g.parent)
		subgraphs = append(subgraphs, subgraph{id: g.fold, label: g.foldLabel, parent: folded(g.parent)})
	}
	for i, n := range nodes {
		// A node sits in the innermost subgraph that folds into one.
		nodes[i].parent = folded(n.parent)
		keep(n.parent)
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	d.render(&b, subgraphs, nodes, edges)
	return b.String()
}

// render writes subgraphs (nested by parent) with their nodes, then the
// nodes outside any, then the edges.
func (d *diagram) render(b *strings.Builder, subgraphs []subgraph, nodes []node, edges []edge) {
	line := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(b, format, args...)
		b.WriteString("\n")
	}
	writeNode := func(indent int, n node) {
		open, closeShape := "[", "]"
		switch n.shape {
		case "db":
			open, closeShape = "[(", ")]"
		case "round":
			open, closeShape = "((", "))"
		case "stadium":
			open, closeShape = "([", "])"
		}
		line(indent, "%s%s\"%s\"%s", n.id, open, strings.ReplaceAll(n.label, `"`, "'"), closeShape)
	}
	var writeGraph func(indent int, parent string)
	writeGraph = func(indent int, parent string) {
		for _, g := range subgraphs {
			if g.parent != parent {
				continue
			}
			line(indent, "subgraph %s[\"%s\"]", g.id, g.label)
			for _, n := range nodes {
				if n.parent == g.id {
					writeNode(indent+1, n)
				}
			}
			writeGraph(indent+1, g.id)
			line(indent, "end")
		}
	}
	// The internet first, then the VPC's boxes, then the rest in the order
	// they were read.
	for _, n := range nodes {
		if n.parent == "" && n.id == "internet" {
			writeNode(1, n)
		}
	}
	writeGraph(1, "")
	for _, n := range nodes {
		if n.parent == "" && n.id != "internet" {
			writeNode(1, n)
		}
	}
	for _, e := range edges {
		arrow := "-->"
		if e.dotted {
			arrow = "-.->"
		}
		if e.label == "" {
			line(1, "%s %s %s", e.from, arrow, e.to)
		} else {
			line(1, "%s %s|\"%s\"| %s", e.from, arrow, strings.ReplaceAll(e.label, `"`, "'"), e.to)
		}
	}
}

// named is a resource's physical name: the name input, or the prefix AWS
// completes when the program names it with a prefix so that a replacement
// can be created before the original is deleted.
func named(res *synth.Resource, key string) string {
	if v := res.Str(key); v != "" {
		return v
	}
	if v := res.Str(key + "Prefix"); v != "" {
		return v + "*"
	}
	return res.Name
}
