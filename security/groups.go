package security

import (
	"fmt"
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

// The security groups of the seed's diagram.
const (
	// AlbGroup is the load balancer's group: the only one open to the internet.
	AlbGroup Group = "alb"
	// EcsGroup is the Fargate tasks' group.
	EcsGroup Group = "ecs"
	// AuroraGroup is the database's group.
	AuroraGroup Group = "aurora"
	// BastionGroup is the SSM-only bastion's group.
	BastionGroup Group = "bastion"
)

// Groups lists the security groups in creation order.
var Groups = []Group{AlbGroup, EcsGroup, AuroraGroup, BastionGroup}

var groupDescriptions = map[Group]string{
	AlbGroup:     "Internet-facing ALB: HTTP and HTTPS from anywhere, out to ECS tasks only",
	EcsGroup:     "ECS Fargate tasks: from the ALB only; out to the internet via NAT and to Aurora",
	AuroraGroup:  "Aurora PostgreSQL: 5432 from ECS tasks and the bastion only; no egress",
	BastionGroup: "SSM-only bastion: no ingress; out to SSM and updates via NAT, and to Aurora",
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
	// Cidr is the peer CIDR; exactly one of Cidr and Peer is set.
	Cidr string
	// Peer is the peer security group.
	Peer Group
	// Description says why the rule exists.
	Description string
}

// anywhere is the IPv4 internet.
const anywhere = "0.0.0.0/0"

// Rules is the seed's security-group matrix, rule by rule. The ALB accepts
// the internet on 80 and 443; every other group accepts only named groups.
// The ALB and ECS speak TCP only, so "all ports" is all TCP ports.
var Rules = []Rule{
	{Key: "alb-in-http", Group: AlbGroup, Direction: Ingress, Protocol: "tcp", FromPort: 80, ToPort: 80, Cidr: anywhere, Description: "HTTP from the internet (redirected to HTTPS once a certificate exists)"},
	{Key: "alb-in-https", Group: AlbGroup, Direction: Ingress, Protocol: "tcp", FromPort: 443, ToPort: 443, Cidr: anywhere, Description: "HTTPS from the internet"},
	{Key: "alb-out-ecs", Group: AlbGroup, Direction: Egress, Protocol: "tcp", FromPort: 0, ToPort: 65535, Peer: EcsGroup, Description: "To ECS tasks on their container ports and health checks"},
	{Key: "ecs-in-alb", Group: EcsGroup, Direction: Ingress, Protocol: "tcp", FromPort: 0, ToPort: 65535, Peer: AlbGroup, Description: "From the ALB on any TCP port (container ports vary by service)"},
	{Key: "ecs-out-internet", Group: EcsGroup, Direction: Egress, Protocol: "-1", Cidr: anywhere, Description: "To AWS APIs, ECR and the internet through the same-AZ NAT gateway"},
	{Key: "ecs-out-aurora", Group: EcsGroup, Direction: Egress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: AuroraGroup, Description: "To Aurora PostgreSQL"},
	{Key: "aurora-in-ecs", Group: AuroraGroup, Direction: Ingress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: EcsGroup, Description: "PostgreSQL from ECS tasks"},
	{Key: "aurora-in-bastion", Group: AuroraGroup, Direction: Ingress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: BastionGroup, Description: "PostgreSQL from the bastion (port forwarding for engineers)"},
	{Key: "bastion-out-internet", Group: BastionGroup, Direction: Egress, Protocol: "-1", Cidr: anywhere, Description: "To Systems Manager endpoints and package updates through the NAT gateway"},
	{Key: "bastion-out-aurora", Group: BastionGroup, Direction: Egress, Protocol: "tcp", FromPort: PostgresPort, ToPort: PostgresPort, Peer: AuroraGroup, Description: "To Aurora PostgreSQL"},
}

// SecurityGroupsArgs configures SecurityGroups.
type SecurityGroupsArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every group name. Required.
	Scope naming.Scope
	// VpcID is the VPC the groups belong to. Required.
	VpcID pulumi.StringInput
}

// validate reports every missing or invalid field at once.
func (a SecurityGroupsArgs) validate() error {
	c := fields.For("security.SecurityGroupsArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("VpcID", a.VpcID)
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

	for _, r := range Rules {
		var peer pulumi.StringPtrInput
		var cidr pulumi.StringPtrInput
		if r.Peer != "" {
			peer = sg.IDs[r.Peer].ToStringOutput()
		} else {
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
	for _, r := range Rules {
		if r.Direction == Ingress && r.Cidr == anywhere && r.Protocol == "tcp" {
			for p := r.FromPort; p <= r.ToPort; p++ {
				ports = append(ports, strconv.Itoa(p))
			}
		}
	}
	return strings.Join(ports, ",")
}
