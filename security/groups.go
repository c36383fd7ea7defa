package security

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
)

// PostgresPort is Aurora PostgreSQL's port; the security groups and the
// cluster agree on it through this constant.
const PostgresPort = 5432

// Group names one of the stack's security groups.
type Group string

// The security groups: the seed's four, the interface endpoints' and the
// one that lets a service reach the internet.
const (
	// AlbGroup is the load balancer's group: the only one open to the internet.
	AlbGroup Group = "alb"
	// EcsGroup is every Fargate task's group.
	EcsGroup Group = "ecs"
	// AuroraGroup is the database's group.
	AuroraGroup Group = "aurora"
	// BastionGroup is the SSM-only bastion's group.
	BastionGroup Group = "bastion"
	// EndpointsGroup is the interface VPC endpoints' group: HTTPS from the
	// tasks and the bastion.
	EndpointsGroup Group = "endpoints"
	// InternetEgressGroup is added to the tasks of a service with
	// internetEgress: HTTPS to the internet through the NAT gateways.
	InternetEgressGroup Group = "internet-egress"
)

// Groups lists the security groups in creation order.
var Groups = []Group{AlbGroup, EcsGroup, AuroraGroup, BastionGroup, EndpointsGroup, InternetEgressGroup}

var groupDescriptions = map[Group]string{
	AlbGroup:            "Internet-facing ALB: HTTP and HTTPS from anywhere, out to ECS tasks only",
	EcsGroup:            "ECS Fargate tasks: from the ALB only; out to the VPC endpoints, S3 and Aurora",
	AuroraGroup:         "Aurora PostgreSQL: 5432 from ECS tasks and the bastion only; no egress",
	BastionGroup:        "SSM-only bastion: no ingress; out to the VPC endpoints, S3 and Aurora",
	EndpointsGroup:      "Interface VPC endpoints: HTTPS from the ECS tasks and the bastion; no egress",
	InternetEgressGroup: "Tasks of services with internetEgress: HTTPS to the internet through NAT",
}

// Direction is a rule's direction.
type Direction string

// Rule directions.
const (
	Ingress Direction = "ingress"
	Egress  Direction = "egress"
)

// Rule is one security group rule. Each becomes its own resource with a
// description; no group has inline rules.
type Rule struct {
	// Key names the rule's resource; it must never change once deployed.
	Key string
	// Group is the group the rule belongs to.
	Group Group
	// Direction is ingress or egress.
	Direction Direction
	// Protocol is "tcp" or "-1" (all protocols, all ports).
	Protocol string
	// FromPort and ToPort bound the ports (ignored for "-1").
	FromPort, ToPort int
	// Cidr is the peer CIDR; exactly one of Cidr, Peer and S3 is set.
	Cidr string
	// Peer is the peer security group.
	Peer Group
	// S3 makes the peer the S3 gateway endpoint's prefix list: S3's
	// addresses in the region, reached through the endpoint, not NAT.
	S3 bool
	// Description says why the rule exists.
	Description string
}

// anywhere is the IPv4 internet.
const anywhere = "0.0.0.0/0"

// HTTPSPort is the one port AWS's APIs, the interface endpoints and S3
// answer on.
const HTTPSPort = 443

// Rules is the security-group matrix. The ALB accepts the internet on 80
// and 443 and reaches the tasks only on the services' container ports
// (its health checks use the traffic port). Tasks and the bastion reach
// only what they need: HTTPS to the interface endpoints and to S3 through
// its gateway endpoint (ECR image layers, package repositories), and 5432
// to Aurora. A task reaches the internet only through InternetEgressGroup.
// DNS (the VPC resolver) and the task metadata and credentials endpoints
// are link-local, which security groups do not filter (Amazon VPC User
// Guide, "Security group rules": traffic to and from the Amazon DNS server
// and the instance and task metadata services is not filtered).
//
// The tasks reach the endpoints by the VPC's CIDR, not EndpointsGroup:
// GuardDuty's runtime agent, a sidecar in every task, sends to an endpoint
// GuardDuty creates with its own security group admitting the VPC's CIDR
// (GuardDuty User Guide, "How Runtime Monitoring works with Fargate"); only
// HTTPS is open, and nothing else in the VPC accepts HTTPS from the tasks.
func Rules(containerPorts []int, vpcCidr string) []Rule {
	rules := []Rule{
		{Key: "alb-in-http", Group: AlbGroup, Direction: Ingress, Protocol: "tcp", FromPort: 80, ToPort: 80, Cidr: anywhere, Description: "HTTP from the internet (redirected to HTTPS once a certificate exists)"},
		{Key: "alb-in-https", Group: AlbGroup, Direction: Ingress, Protocol: "tcp", FromPort: 443, ToPort: 443, Cidr: anywhere, Description: "HTTPS from the internet"},
	}
	ports := slices.Clone(containerPorts)
	slices.Sort(ports)
	for _, port := range slices.Compact(ports) {
		// Keyed by port, never by position: adding a service renames nothing.
		rules = append(rules,
			Rule{Key: fmt.Sprintf("alb-out-ecs-%d", port), Group: AlbGroup, Direction: Egress, Protocol: "tcp", FromPort: port, ToPort: port, Peer: EcsGroup,
				Description: fmt.Sprintf("To ECS tasks on container port %d (requests and health checks)", port)},
			Rule{Key: fmt.Sprintf("ecs-in-alb-%d", port), Group: EcsGroup, Direction: Ingress, Protocol: "tcp", FromPort: port, ToPort: port, Peer: AlbGroup,
				Description: fmt.Sprintf("From the ALB on container port %d", port)},
		)
	}
	rules = append(rules,
		Rule{Key: "ecs-out-endpoints", Group: EcsGroup, Direction: Egress, Protocol: "tcp", FromPort: HTTPSPort, ToPort: HTTPSPort, Cidr: vpcCidr, Description: "HTTPS to the VPC's interface endpoints (this stack's and GuardDuty's agent endpoint)"},
		Rule{Key: "ecs-out-s3", Group: EcsGroup, Direction: Egress, Protocol: "tcp", FromPort: HTTPSPort, ToPort: HTTPSPort, S3: true, Description: "HTTPS to S3 through its gateway endpoint (ECR image layers)"},
		Rule{Key: "ecs-out-aurora", Group: EcsGroup, Direction: Egress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: AuroraGroup, Description: "To Aurora PostgreSQL"},
		Rule{Key: "aurora-in-ecs", Group: AuroraGroup, Direction: Ingress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: EcsGroup, Description: "PostgreSQL from ECS tasks"},
		Rule{Key: "aurora-in-bastion", Group: AuroraGroup, Direction: Ingress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: BastionGroup, Description: "PostgreSQL from the bastion (port forwarding for engineers)"},
		Rule{Key: "bastion-out-endpoints", Group: BastionGroup, Direction: Egress, Protocol: "tcp", FromPort: HTTPSPort, ToPort: HTTPSPort, Peer: EndpointsGroup, Description: "HTTPS to the Systems Manager, CloudWatch Logs and KMS interface endpoints"},
		Rule{Key: "bastion-out-s3", Group: BastionGroup, Direction: Egress, Protocol: "tcp", FromPort: HTTPSPort, ToPort: HTTPSPort, S3: true, Description: "HTTPS to S3 through its gateway endpoint (package repositories, SSM Agent updates)"},
		Rule{Key: "bastion-out-aurora", Group: BastionGroup, Direction: Egress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: AuroraGroup, Description: "To Aurora PostgreSQL"},
		Rule{Key: "endpoints-in-ecs", Group: EndpointsGroup, Direction: Ingress, Protocol: "tcp", FromPort: HTTPSPort, ToPort: HTTPSPort, Peer: EcsGroup, Description: "HTTPS from ECS tasks"},
		Rule{Key: "endpoints-in-bastion", Group: EndpointsGroup, Direction: Ingress, Protocol: "tcp", FromPort: HTTPSPort, ToPort: HTTPSPort, Peer: BastionGroup, Description: "HTTPS from the bastion"},
		Rule{Key: "internet-egress-out-https", Group: InternetEgressGroup, Direction: Egress, Protocol: "tcp", FromPort: HTTPSPort, ToPort: HTTPSPort, Cidr: anywhere, Description: "HTTPS to the internet through the same-AZ NAT gateway, for services with internetEgress"},
	)
	return rules
}

// SecurityGroupsArgs configures SecurityGroups.
type SecurityGroupsArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every group name. Required.
	Scope naming.Scope
	// VpcID is the VPC the groups belong to. Required.
	VpcID pulumi.StringInput
	// VpcCidr is the VPC's IPv4 block, where the interface endpoints are. Required.
	VpcCidr string
	// S3PrefixListID is the S3 gateway endpoint's prefix list. Required.
	S3PrefixListID pulumi.StringInput
	// ContainerPorts are the ports the ALB reaches services on.
	ContainerPorts []int
}

// validate reports every missing or invalid field at once.
func (a SecurityGroupsArgs) validate() error {
	c := fields.For("security.SecurityGroupsArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("VpcID", a.VpcID)
	c.Require("VpcCidr", a.VpcCidr)
	c.Require("S3PrefixListID", a.S3PrefixListID)
	for _, p := range a.ContainerPorts {
		if p < 1 || p > 65535 {
			c.Invalid("ContainerPorts", "%d is not a port", p)
		}
	}
	return c.Err()
}

// SecurityGroups is the stack's security groups and their rules.
type SecurityGroups struct {
	pulumi.ResourceState

	// IDs maps each group to its ID.
	IDs map[Group]pulumi.IDOutput
}

// NewSecurityGroups creates the groups with no inline rules, then each rule
// of Rules as its own resource. AWS's default allow-all egress is removed
// when a group is created without egress, so a group has exactly the rules listed.
func NewSecurityGroups(ctx *pulumi.Context, name string, args *SecurityGroupsArgs, opts ...pulumi.ResourceOption) (*SecurityGroups, error) {
	if args == nil {
		args = &SecurityGroupsArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	sg := &SecurityGroups{IDs: map[Group]pulumi.IDOutput{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:security:SecurityGroups", name, sg, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(sg)
	outputs := pulumi.Map{}
	for _, g := range Groups {
		physical := args.Scope.Name(string(g))
		// A name prefix, not a name: a description edit replaces the group,
		// and only a generated name lets the engine create the new group,
		// move the ENIs to it and then delete the old one (replacement.Types).
		group, err := ec2.NewSecurityGroup(ctx, fmt.Sprintf("%s-%s", name, g), &ec2.SecurityGroupArgs{
			NamePrefix:  pulumi.String(physical + "-"),
			Description: pulumi.String(groupDescriptions[g]),
			VpcId:       args.VpcID,
			Tags:        pulumi.StringMap{"Name": pulumi.String(physical)},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create %s security group: %w", g, err)
		}
		sg.IDs[g] = group.ID()
		outputs[string(g)+"SecurityGroupId"] = group.ID()
	}

	for _, r := range Rules(args.ContainerPorts, args.VpcCidr) {
		var peer, cidr, prefixList pulumi.StringPtrInput
		switch {
		case r.Peer != "":
			peer = sg.IDs[r.Peer].ToStringOutput()
		case r.S3:
			prefixList = args.S3PrefixListID
		default:
			cidr = pulumi.String(r.Cidr)
		}
		var from, to pulumi.IntPtrInput
		if r.Protocol != "-1" {
			from, to = pulumi.Int(r.FromPort), pulumi.Int(r.ToPort)
		}
		ruleName := fmt.Sprintf("%s-%s", name, r.Key)
		tags := pulumi.StringMap{"Name": pulumi.String(args.Scope.Name(r.Key))}
		var err error
		switch r.Direction {
		case Ingress:
			_, err = vpc.NewSecurityGroupIngressRule(ctx, ruleName, &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId:           sg.IDs[r.Group].ToStringOutput(),
				IpProtocol:                pulumi.String(r.Protocol),
				FromPort:                  from,
				ToPort:                    to,
				CidrIpv4:                  cidr,
				ReferencedSecurityGroupId: peer,
				PrefixListId:              prefixList,
				Description:               pulumi.String(r.Description),
				Tags:                      tags,
			}, parent)
		case Egress:
			_, err = vpc.NewSecurityGroupEgressRule(ctx, ruleName, &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId:           sg.IDs[r.Group].ToStringOutput(),
				IpProtocol:                pulumi.String(r.Protocol),
				FromPort:                  from,
				ToPort:                    to,
				CidrIpv4:                  cidr,
				ReferencedSecurityGroupId: peer,
				PrefixListId:              prefixList,
				Description:               pulumi.String(r.Description),
				Tags:                      tags,
			}, parent)
		}
		if err != nil {
			return nil, fmt.Errorf("create security group rule %s: %w", r.Key, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(sg, outputs); err != nil {
		return nil, err
	}
	return sg, nil
}

// InternetPorts lists, comma-separated, the TCP ports some rule opens to the
// internet (the conformance pack's authorized ports): derived from Rules, so
// the evidence and the rules cannot disagree.
func InternetPorts() string {
	var ports []string
	for _, r := range Rules(nil, "") {
		if r.Direction == Ingress && r.Cidr == anywhere && r.Protocol == "tcp" {
			for p := r.FromPort; p <= r.ToPort; p++ {
				ports = append(ports, strconv.Itoa(p))
			}
		}
	}
	return strings.Join(ports, ",")
}
