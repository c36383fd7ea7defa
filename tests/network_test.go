package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

const (
	tVpc         = "aws:ec2/vpc:Vpc"
	tSubnet      = "aws:ec2/subnet:Subnet"
	tEip         = "aws:ec2/eip:Eip"
	tNat         = "aws:ec2/natGateway:NatGateway"
	tRouteTable  = "aws:ec2/routeTable:RouteTable"
	tRoute       = "aws:ec2/route:Route"
	tAssociation = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	tIgw         = "aws:ec2/internetGateway:InternetGateway"
	tDefaultSG   = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	tFlowLog     = "aws:ec2/flowLog:FlowLog"
	tLogGroup    = "aws:cloudwatch/logGroup:LogGroup"
	tRole        = "aws:iam/role:Role"
	tPolicy      = "aws:iam/policy:Policy"
	tAttachment  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
)

// natAZ is the AZ whose NAT gateway a private subnet of az routes through:
// its own with natGateways perAz, the first AZ's with single.
func (s *stack) natAZ(az string) string {
	if s.cfg.Network.NatGateways == stackconfig.NatSingle {
		return s.cfg.Network.AvailabilityZones[0]
	}
	return az
}

// natAZs are the AZs that have a NAT gateway.
func (s *stack) natAZs() []string {
	if s.cfg.Network.NatGateways == stackconfig.NatSingle {
		return s.cfg.Network.AvailabilityZones[:1]
	}
	return s.cfg.Network.AvailabilityZones
}

func ruleVpc(t *testing.T, s *stack) {
	vpcs := s.OfType(tVpc)
	require.Len(t, vpcs, 1)
	vpc := vpcs[0]
	assert.Equal(t, s.cfg.Network.VpcCidr, vpc.Str("cidrBlock"))
	assert.Equal(t, true, vpc.Inputs["enableDnsSupport"])
	assert.Equal(t, true, vpc.Inputs["enableDnsHostnames"])
	assert.Equal(t, s.name("vpc"), vpc.Tag("Name"))
	assert.Equal(t, vpc.ID, find(t, s.Result, tIgw, "network-igw").Str("vpcId"))
}

// ruleSubnetRoutes: one subnet per tier and AZ with the configured CIDR;
// public subnets route to the internet gateway, private ones to a NAT
// gateway (their own AZ's with perAz); none assigns public IPs.
func ruleSubnetRoutes(t *testing.T, s *stack) {
	var want []synth.SubnetRoute
	for _, tier := range stackconfig.Tiers {
		for _, az := range s.cfg.Network.AvailabilityZones {
			target := "network-igw"
			if tier != stackconfig.Public {
				target = "network-nat-" + s.natAZ(az)
			}
			want = append(want, synth.SubnetRoute{Tier: string(tier), AZ: az, CIDR: s.cfg.Network.SubnetCidrs[tier][az], Target: target})
		}
	}
	got := must(s.SubnetRoutes())(t)
	require.Len(t, got, len(want))
	for i, w := range want {
		assert.Equal(t, [4]string{w.Tier, w.AZ, w.CIDR, w.Target}, [4]string{got[i].Tier, got[i].AZ, got[i].CIDR, got[i].Target}, "row %d", i)
	}
	vpc := find(t, s.Result, tVpc, "network-vpc")
	for _, w := range want {
		sub := find(t, s.Result, tSubnet, fmt.Sprintf("network-%s-%s", w.Tier, w.AZ))
		assert.Equal(t, false, sub.Inputs["mapPublicIpOnLaunch"], sub.Name)
		assert.Equal(t, vpc.ID, sub.Str("vpcId"), sub.Name)
		assert.Equal(t, s.name(w.Tier, w.AZ), sub.Tag("Name"))
		assert.Equal(t, w.Tier, sub.Tag("Tier"))
	}
}

// ruleNatGateways: a NAT gateway with its own Elastic IP in the public
// subnet of each AZ that has one, deleted before it is replaced (the new
// one needs the old one's address).
func ruleNatGateways(t *testing.T, s *stack) {
	require.Len(t, s.OfType(tNat), len(s.natAZs()))
	require.Len(t, s.OfType(tEip), len(s.natAZs()))
	for _, az := range s.natAZs() {
		nat := find(t, s.Result, tNat, "network-nat-"+az)
		eip := find(t, s.Result, tEip, "network-nat-eip-"+az)
		assert.Equal(t, find(t, s.Result, tSubnet, "network-public-"+az).ID, nat.Str("subnetId"), "NAT in %s sits in that AZ's public subnet", az)
		assert.Equal(t, eip.ID, nat.Str("allocationId"), "NAT in %s uses its own EIP", az)
		assert.Equal(t, "public", nat.Str("connectivityType"))
		assert.Equal(t, "vpc", eip.Str("domain"))
		assert.Equal(t, s.name("nat", az), nat.Tag("Name"))
		assert.Equal(t, s.name("nat-eip", az), eip.Tag("Name"))
		assert.True(t, nat.DeleteBeforeReplace, "%s: the new gateway needs the Elastic IP the old one holds", nat.Name)
	}
}

// ruleRouteTables: one public table to the internet gateway; an app and a
// data table per AZ, each to a NAT gateway and never to the internet gateway.
func ruleRouteTables(t *testing.T, s *stack) {
	azs := s.cfg.Network.AvailabilityZones
	require.Len(t, s.OfType(tRouteTable), 1+2*len(azs))
	require.Len(t, s.OfType(tRoute), 1+2*len(azs))
	routes := routesOf(s.Result, find(t, s.Result, tRouteTable, "network-public-rt").ID)
	require.Len(t, routes, 1)
	assert.Equal(t, "0.0.0.0/0", routes[0].Str("destinationCidrBlock"))
	assert.Equal(t, find(t, s.Result, tIgw, "network-igw").ID, routes[0].Str("gatewayId"))
	for _, tier := range []string{"app", "data"} {
		for _, az := range azs {
			rt := find(t, s.Result, tRouteTable, fmt.Sprintf("network-%s-rt-%s", tier, az))
			routes := routesOf(s.Result, rt.ID)
			require.Len(t, routes, 1, rt.Name)
			assert.Equal(t, "0.0.0.0/0", routes[0].Str("destinationCidrBlock"))
			assert.Equal(t, find(t, s.Result, tNat, "network-nat-"+s.natAZ(az)).ID, routes[0].Str("natGatewayId"), rt.Name)
			assert.Empty(t, routes[0].Str("gatewayId"), "%s must not route to the internet gateway", rt.Name)
			assert.Equal(t, s.name(tier, "rt", az), rt.Tag("Name"))
		}
	}
}

func routesOf(r *synth.Result, routeTableID string) []*synth.Resource {
	var out []*synth.Resource
	for _, route := range r.OfType(tRoute) {
		if route.Str("routeTableId") == routeTableID {
			out = append(out, route)
		}
	}
	return out
}

func ruleSubnetAssociations(t *testing.T, s *stack) {
	perSubnet := map[string]int{}
	for _, a := range s.OfType(tAssociation) {
		perSubnet[a.Str("subnetId")]++
	}
	require.Len(t, s.OfType(tAssociation), len(s.OfType(tSubnet)))
	for _, sub := range s.OfType(tSubnet) {
		assert.Equal(t, 1, perSubnet[sub.ID], "associations of %s", sub.Name)
	}
}

func ruleDefaultSecurityGroupClosed(t *testing.T, s *stack) {
	sg := find(t, s.Result, tDefaultSG, "network-default-sg")
	assert.Equal(t, find(t, s.Result, tVpc, "network-vpc").ID, sg.Str("vpcId"))
	assert.NotContains(t, sg.Inputs, "ingress", "the default security group must have no ingress rules")
	assert.NotContains(t, sg.Inputs, "egress", "the default security group must have no egress rules")
}

func ruleFlowLogs(t *testing.T, s *stack) {
	group := find(t, s.Result, tLogGroup, "network-flow-logs")
	assert.Equal(t, "/aws/vpc/"+s.name("flow-logs"), group.Str("name"))
	assert.EqualValues(t, s.cfg.Logs.RetentionDays, group.Inputs["retentionInDays"])
	assert.Equal(t, s.keyArn(t, "logs"), group.Str("kmsKeyId"))
	groupArn := s.arn("logs", "log-group:"+group.Str("name"))

	fl := find(t, s.Result, tFlowLog, "network-flow-log")
	assert.Equal(t, "ALL", fl.Str("trafficType"))
	assert.Equal(t, find(t, s.Result, tVpc, "network-vpc").ID, fl.Str("vpcId"))
	assert.Equal(t, "cloud-watch-logs", fl.Str("logDestinationType"))
	assert.Equal(t, groupArn, fl.Str("logDestination"))

	role := find(t, s.Result, tRole, "network-flow-logs-role")
	assert.Equal(t, s.arn("iam", "role/"+s.name("vpc-flow-logs")), fl.Str("iamRoleArn"))
	trust, err := policy.Parse(role.Str("assumeRolePolicy"))
	require.NoError(t, err)
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, policy.Service("vpc-flow-logs.amazonaws.com"), trust.Statement[0].Principal)
	assert.Equal(t, []string{s.scope.Account}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])

	doc, err := policy.Parse(find(t, s.Result, tPolicy, "network-flow-logs-policy").Str("policy"))
	require.NoError(t, err)
	for _, st := range doc.Statement {
		assert.Equal(t, "Allow", st.Effect)
		for _, res := range st.Resource {
			assert.True(t, strings.HasPrefix(res, s.arn("logs", "log-group:")), "flow-log policy statement %s reaches %s", st.Sid, res)
		}
		for _, a := range st.Action {
			assert.True(t, strings.HasPrefix(a, "logs:"), a)
		}
	}
	assert.Equal(t, []string{groupArn, groupArn + ":*"}, statement(t, doc, "WriteFlowLogs").Resource, "it writes only its own group")
	att := find(t, s.Result, tAttachment, "network-flow-logs-policy-attachment")
	assert.Equal(t, s.name("vpc-flow-logs"), att.Str("role"))
	assert.Contains(t, fl.Dependencies, att.URN, "the flow log waits for its role's policy")
}

// ruleNetworkNames: the tier's resources, keyed by tier and AZ (never by a
// position in a list) and counted from the configured AZs; a renamed
// resource is a replaced resource. Every taggable one is Name-tagged with
// the stack's prefix.
func ruleNetworkNames(t *testing.T, s *stack) {
	net := component(t, s.Result, "omnirapeutic:network:Vpc")
	assert.Equal(t, "network", net.Name)
	want := []string{"network-vpc", "network-igw", "network-default-sg", "network-public-rt", "network-public-default-route",
		"network-flow-logs", "network-flow-logs-role", "network-flow-logs-policy", "network-flow-logs-policy-attachment", "network-flow-log",
		"network-s3-endpoint"}
	for _, az := range s.cfg.Network.AvailabilityZones {
		want = append(want,
			"network-public-"+az, "network-app-"+az, "network-data-"+az,
			"network-public-rta-"+az, "network-app-rta-"+az, "network-data-rta-"+az,
			"network-app-rt-"+az, "network-data-rt-"+az,
			"network-app-default-route-"+az, "network-data-default-route-"+az)
	}
	for _, az := range s.natAZs() {
		want = append(want, "network-nat-eip-"+az, "network-nat-"+az)
	}
	var got []string
	for _, res := range s.Resources {
		if res.Parent != net.URN {
			continue
		}
		got = append(got, res.Name)
		switch res.Type {
		case tRoute, tAssociation, tLogGroup, tRole, tPolicy, tAttachment:
			continue // untaggable, or named by their physical name
		}
		assert.Truef(t, strings.HasPrefix(res.Tag("Name"), s.scope.Prefix+"-"), "%s %s has Name tag %q", res.Type, res.Name, res.Tag("Name"))
	}
	assert.ElementsMatch(t, want, got)
}

func ruleNetworkOutputs(t *testing.T, s *stack) {
	assert.Equal(t, find(t, s.Result, tVpc, "network-vpc").ID, s.Outputs["vpcId"])
	for _, tier := range stackconfig.Tiers {
		var want []any
		for _, az := range s.cfg.Network.AvailabilityZones {
			want = append(want, find(t, s.Result, tSubnet, fmt.Sprintf("network-%s-%s", tier, az)).ID)
		}
		assert.Equal(t, want, s.Outputs[string(tier)+"SubnetIds"], "%s subnets in AZ order", tier)
	}
	var nats []any
	for _, az := range s.natAZs() {
		nats = append(nats, find(t, s.Result, tNat, "network-nat-"+az).ID)
	}
	assert.Equal(t, nats, s.Outputs["natGatewayIds"])
	assert.Equal(t, "/aws/vpc/"+s.name("flow-logs"), s.Outputs["flowLogGroupName"])
}
