// Package network provides the VPC tier: the VPC, three subnet tiers over the
// configured AZs, one NAT gateway per AZ with per-AZ private route tables, the
// closed default security group, and VPC flow logs.
package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// VpcArgs configures a Vpc. Values that decide how many resources exist (AZs,
// subnets) are plain Go values; everything else is a Pulumi input.
type VpcArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every Name tag and physical name; its account scopes the flow-log
	// role's trust policy. Required.
	Scope naming.Scope
	// CidrBlock is the VPC's IPv4 block, e.g. "10.0.0.0/16". Required.
	CidrBlock string
	// AvailabilityZones are the AZs to span, in order; outputs list subnets in this order. Required.
	AvailabilityZones []string
	// SubnetCidrs maps each tier to AZ to CIDR block, one subnet per tier per AZ. Required.
	SubnetCidrs map[stackconfig.Tier]map[string]string
	// FlowLogRetentionDays is the flow-log group's retention. Required.
	FlowLogRetentionDays int
	// FlowLogKmsKeyArn encrypts the flow-log group (the Logs key). Required.
	FlowLogKmsKeyArn pulumi.StringInput
	// SingleNatGateway puts one NAT gateway in the first AZ and routes every
	// AZ's private subnets through it: cheaper, but an outage of that AZ cuts
	// every AZ off the internet, and other AZs pay cross-AZ transfer.
	// Defaults to false: one NAT gateway per AZ.
	SingleNatGateway bool
}

// validate reports every missing or invalid field at once.
func (a VpcArgs) validate() error {
	c := fields.For("network.VpcArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("CidrBlock", a.CidrBlock)
	c.Require("AvailabilityZones", a.AvailabilityZones)
	c.Require("SubnetCidrs", a.SubnetCidrs)
	c.Require("FlowLogRetentionDays", a.FlowLogRetentionDays)
	// Flow logs are encrypted.
	c.Require("FlowLogKmsKeyArn", a.FlowLogKmsKeyArn)
	if len(a.SubnetCidrs) > 0 {
		for _, tier := range stackconfig.Tiers {
			for _, az := range a.AvailabilityZones {
				if a.SubnetCidrs[tier][az] == "" {
					c.Invalid("SubnetCidrs", "no %s subnet in %s", tier, az)
				}
			}
		}
	}
	return c.Err()
}

// ProjectVpcNamePattern matches the Name tag of every stack's VPC in the
// project ("<project>-<stack>-vpc", what NewVpc tags it), as an EC2 filter
// value: the stack that owns the account's conformance pack finds the other
// stacks' VPCs by it, to authorize their internet gateways.
func ProjectVpcNamePattern(project string) string { return project + "-*-vpc" }

// Vpc is the network tier. Per-AZ maps are keyed by AZ name; the arrays follow
// VpcArgs.AvailabilityZones order.
type Vpc struct {
	pulumi.ResourceState

	// VpcID is the VPC's ID.
	VpcID pulumi.IDOutput
	// CidrBlock is the VPC's IPv4 block.
	CidrBlock pulumi.StringOutput
	// SubnetIDs lists each tier's subnet IDs in AZ order.
	SubnetIDs map[stackconfig.Tier]pulumi.StringArrayOutput
	// SubnetIDsByAZ maps each tier to AZ to subnet ID (the bastion needs one AZ's data subnet).
	SubnetIDsByAZ map[stackconfig.Tier]map[string]pulumi.IDOutput
	// NatGatewayIDs lists the NAT gateway IDs in AZ order.
	NatGatewayIDs pulumi.StringArrayOutput
	// NatGatewayIDsByAZ maps AZ to its NAT gateway's ID (per-NAT alarms use it).
	NatGatewayIDsByAZ map[string]pulumi.IDOutput
	// NatAvailabilityZones are the AZs holding a NAT gateway, in AZ order.
	NatAvailabilityZones []string
	// FlowLogGroupName is the CloudWatch log group receiving the VPC's flow logs.
	FlowLogGroupName pulumi.StringOutput
	// FlowLogGroupArn is that log group's ARN.
	FlowLogGroupArn pulumi.StringOutput
	// S3PrefixListID is the S3 gateway endpoint's prefix list: S3's
	// addresses, which security groups name to allow HTTPS to S3 only.
	S3PrefixListID pulumi.StringOutput
}

// NewVpc creates the network tier.
func NewVpc(ctx *pulumi.Context, name string, args *VpcArgs, opts ...pulumi.ResourceOption) (*Vpc, error) {
	if args == nil {
		args = &VpcArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	v := &Vpc{
		SubnetIDs:         map[stackconfig.Tier]pulumi.StringArrayOutput{},
		SubnetIDsByAZ:     map[stackconfig.Tier]map[string]pulumi.IDOutput{},
		NatGatewayIDsByAZ: map[string]pulumi.IDOutput{},
	}
	if err := ctx.RegisterComponentResource("omnirapeutic:network:Vpc", name, v, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(v)
	tags := func(role string) pulumi.StringMap {
		return pulumi.StringMap{"Name": pulumi.String(args.Scope.Name(role))}
	}

	vpc, err := ec2.NewVpc(ctx, name+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(args.CidrBlock),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               tags("vpc"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create VPC: %w", err)
	}

	// Managing the default security group with no rules removes AWS's
	// allow-all rules from it (CIS 5.4, HIPAA VPC_DEFAULT_SECURITY_GROUP_CLOSED).
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  tags("default-sg"),
	}, parent); err != nil {
		return nil, fmt.Errorf("manage default security group: %w", err)
	}

	igw, err := ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  tags("igw"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create internet gateway: %w", err)
	}

	// One public route table serves every AZ: its only route is to the IGW,
	// which is regional, so per-AZ tables would be identical.
	publicRT, err := ec2.NewRouteTable(ctx, name+"-public-rt", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  tags("public-rt"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create public route table: %w", err)
	}
	if _, err := ec2.NewRoute(ctx, name+"-public-default-route", &ec2.RouteArgs{
		RouteTableId:         publicRT.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, parent); err != nil {
		return nil, fmt.Errorf("create public default route: %w", err)
	}

	ids := map[stackconfig.Tier]pulumi.StringArray{}
	var privateRouteTables pulumi.StringArray
	var natIDs pulumi.StringArray
	var nat *ec2.NatGateway
	for _, az := range args.AvailabilityZones {
		subnets := map[stackconfig.Tier]*ec2.Subnet{}
		for _, tier := range stackconfig.Tiers {
			role := fmt.Sprintf("%s-%s", tier, az)
			s, err := ec2.NewSubnet(ctx, name+"-"+role, &ec2.SubnetArgs{
				VpcId:            vpc.ID(),
				CidrBlock:        pulumi.String(args.SubnetCidrs[tier][az]),
				AvailabilityZone: pulumi.String(az),
				// Even public subnets assign no public IPs: only the NAT
				// gateways' EIPs and the ALB face the internet.
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags: pulumi.StringMap{
					"Name": pulumi.String(args.Scope.Name(role)),
					"Tier": pulumi.String(string(tier)),
				},
			}, parent)
			if err != nil {
				return nil, fmt.Errorf("create %s subnet in %s: %w", tier, az, err)
			}
			subnets[tier] = s
			ids[tier] = append(ids[tier], s.ID().ToStringOutput())
			if v.SubnetIDsByAZ[tier] == nil {
				v.SubnetIDsByAZ[tier] = map[string]pulumi.IDOutput{}
			}
			v.SubnetIDsByAZ[tier][az] = s.ID()
		}

		if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-public-rta-%s", name, az), &ec2.RouteTableAssociationArgs{
			SubnetId:     subnets[stackconfig.Public].ID(),
			RouteTableId: publicRT.ID(),
		}, parent); err != nil {
			return nil, fmt.Errorf("associate public subnet in %s: %w", az, err)
		}

		// Logical names stay keyed by AZ whichever mode is chosen, so
		// switching to a single NAT removes the others and renames nothing.
		if !args.SingleNatGateway || nat == nil {
			eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-eip-%s", name, az), &ec2.EipArgs{
				Domain: pulumi.String("vpc"),
				Tags:   tags("nat-eip-" + az),
			}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
			if err != nil {
				return nil, fmt.Errorf("create NAT EIP in %s: %w", az, err)
			}
			nat, err = ec2.NewNatGateway(ctx, fmt.Sprintf("%s-nat-%s", name, az), &ec2.NatGatewayArgs{
				AllocationId:     eip.ID(),
				SubnetId:         subnets[stackconfig.Public].ID(),
				ConnectivityType: pulumi.String("public"),
				Tags:             tags("nat-" + az),
				// Delete first: a replacement (a new public subnet) cannot take
				// the Elastic IP the old gateway still holds, so creating first
				// fails. The AZ's egress pauses for the swap (docs/runbooks.md, "Replacements");
				// the address partners allow-list is kept.
			}, parent, pulumi.DependsOn([]pulumi.Resource{igw}), pulumi.DeleteBeforeReplace(true))
			if err != nil {
				return nil, fmt.Errorf("create NAT gateway in %s: %w", az, err)
			}
			natIDs = append(natIDs, nat.ID().ToStringOutput())
			v.NatGatewayIDsByAZ[az] = nat.ID()
			v.NatAvailabilityZones = append(v.NatAvailabilityZones, az)
		}

		// Each private tier gets its own table per AZ, routing out through
		// the NAT in the same AZ (or the single NAT) so that, with a NAT per
		// AZ, an AZ outage cannot cut off the others and no traffic pays for
		// cross-AZ transfer.
		for _, tier := range []stackconfig.Tier{stackconfig.App, stackconfig.Data} {
			role := fmt.Sprintf("%s-rt-%s", tier, az)
			rt, err := ec2.NewRouteTable(ctx, name+"-"+role, &ec2.RouteTableArgs{
				VpcId: vpc.ID(),
				Tags:  tags(role),
			}, parent)
			if err != nil {
				return nil, fmt.Errorf("create %s route table in %s: %w", tier, az, err)
			}
			privateRouteTables = append(privateRouteTables, rt.ID().ToStringOutput())
			if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-%s-default-route-%s", name, tier, az), &ec2.RouteArgs{
				RouteTableId:         rt.ID(),
				DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
				NatGatewayId:         nat.ID(),
			}, parent); err != nil {
				return nil, fmt.Errorf("create %s default route in %s: %w", tier, az, err)
			}
			if _, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-%s-rta-%s", name, tier, az), &ec2.RouteTableAssociationArgs{
				SubnetId:     subnets[tier].ID(),
				RouteTableId: rt.ID(),
			}, parent); err != nil {
				return nil, fmt.Errorf("associate %s subnet in %s: %w", tier, az, err)
			}
		}
	}

	flowLogs, err := newFlowLogs(ctx, name, args, vpc.ID(), parent)
	if err != nil {
		return nil, err
	}
	s3, err := newS3Gateway(ctx, name, args, vpc.ID(), privateRouteTables, parent)
	if err != nil {
		return nil, err
	}
	v.S3PrefixListID = s3.PrefixListId

	v.VpcID = vpc.ID()
	v.CidrBlock = vpc.CidrBlock
	for _, tier := range stackconfig.Tiers {
		v.SubnetIDs[tier] = ids[tier].ToStringArrayOutput()
	}
	v.NatGatewayIDs = natIDs.ToStringArrayOutput()
	v.FlowLogGroupName = flowLogs.Name
	v.FlowLogGroupArn = flowLogs.Arn

	outputs := pulumi.Map{
		"vpcId":         v.VpcID,
		"natGatewayIds": v.NatGatewayIDs,
		"flowLogGroup":  v.FlowLogGroupName,
	}
	for _, tier := range stackconfig.Tiers {
		outputs[string(tier)+"SubnetIds"] = v.SubnetIDs[tier]
	}
	if err := ctx.RegisterResourceOutputs(v, outputs); err != nil {
		return nil, err
	}
	return v, nil
}
