package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
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

var azs = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

// seedSubnets is the specification's subnet table, written out by hand.
var seedSubnets = []synth.SubnetRoute{
	{Tier: "public", AZ: "us-east-1a", CIDR: "10.0.1.0/24", Target: "network-igw"},
	{Tier: "public", AZ: "us-east-1b", CIDR: "10.0.2.0/24", Target: "network-igw"},
	{Tier: "public", AZ: "us-east-1c", CIDR: "10.0.3.0/24", Target: "network-igw"},
	{Tier: "app", AZ: "us-east-1a", CIDR: "10.0.11.0/24", Target: "network-nat-us-east-1a"},
	{Tier: "app", AZ: "us-east-1b", CIDR: "10.0.12.0/24", Target: "network-nat-us-east-1b"},
	{Tier: "app", AZ: "us-east-1c", CIDR: "10.0.13.0/24", Target: "network-nat-us-east-1c"},
	{Tier: "data", AZ: "us-east-1a", CIDR: "10.0.21.0/24", Target: "network-nat-us-east-1a"},
	{Tier: "data", AZ: "us-east-1b", CIDR: "10.0.22.0/24", Target: "network-nat-us-east-1b"},
	{Tier: "data", AZ: "us-east-1c", CIDR: "10.0.23.0/24", Target: "network-nat-us-east-1c"},
}

func TestVpc(t *testing.T) {
	r := production(t)
	vpcs := r.OfType(tVpc)
	require.Len(t, vpcs, 1)
	vpc := vpcs[0]
	assert.Equal(t, "10.0.0.0/16", vpc.Str("cidrBlock"))
	assert.Equal(t, true, vpc.Inputs["enableDnsSupport"])
	assert.Equal(t, true, vpc.Inputs["enableDnsHostnames"])
	assert.Equal(t, "omnirapeutic-production-vpc", vpc.Tag("Name"))

	igw := find(t, r, tIgw, "network-igw")
	assert.Equal(t, vpc.ID, igw.Str("vpcId"))
}

func TestSubnetsRouteAsTheSeedSays(t *testing.T) {
	r := production(t)
	got := must(r.SubnetRoutes())(t)
	require.Len(t, got, len(seedSubnets))
	for i, want := range seedSubnets {
		g := got[i]
		assert.Equal(t, want.Tier, g.Tier, "row %d", i)
		assert.Equal(t, want.AZ, g.AZ, "%s subnet", want.CIDR)
		assert.Equal(t, want.CIDR, g.CIDR, "%s subnet in %s", want.Tier, want.AZ)
		assert.Equal(t, want.Target, g.Target, "default route of %s subnet %s", want.Tier, want.CIDR)
	}
}

func TestSubnetsAssignNoPublicIPsAndAreNamedByTierAndAZ(t *testing.T) {
	r := production(t)
	vpc := find(t, r, tVpc, "network-vpc")
	for _, want := range seedSubnets {
		name := fmt.Sprintf("network-%s-%s", want.Tier, want.AZ)
		s := find(t, r, tSubnet, name)
		assert.Equal(t, false, s.Inputs["mapPublicIpOnLaunch"], name)
		assert.Equal(t, vpc.ID, s.Str("vpcId"), name)
		assert.Equal(t, fmt.Sprintf("omnirapeutic-production-%s-%s", want.Tier, want.AZ), s.Tag("Name"))
		assert.Equal(t, want.Tier, s.Tag("Tier"))
	}
}

func TestOneNatGatewayWithItsOwnEIPInEachPublicSubnet(t *testing.T) {
	r := production(t)
	require.Len(t, r.OfType(tNat), len(azs))
	require.Len(t, r.OfType(tEip), len(azs))
	for _, az := range azs {
		nat := find(t, r, tNat, "network-nat-"+az)
		eip := find(t, r, tEip, "network-nat-eip-"+az)
		public := find(t, r, tSubnet, "network-public-"+az)
		assert.Equal(t, public.ID, nat.Str("subnetId"), "NAT in %s sits in the public subnet of %s", az, az)
		assert.Equal(t, eip.ID, nat.Str("allocationId"), "NAT in %s uses its own EIP", az)
		assert.Equal(t, "public", nat.Str("connectivityType"))
		assert.Equal(t, "vpc", eip.Str("domain"))
		assert.Equal(t, "omnirapeutic-production-nat-"+az, nat.Tag("Name"))
		assert.Equal(t, "omnirapeutic-production-nat-eip-"+az, eip.Tag("Name"))
	}
}

func TestRouteTables(t *testing.T) {
	r := production(t)
	// One shared public table plus one app and one data table per AZ.
	require.Len(t, r.OfType(tRouteTable), 1+2*len(azs))
	require.Len(t, r.OfType(tRoute), 1+2*len(azs))

	publicRT := find(t, r, tRouteTable, "network-public-rt")
	igw := find(t, r, tIgw, "network-igw")
	routes := routesOf(r, publicRT.ID)
	require.Len(t, routes, 1)
	assert.Equal(t, "0.0.0.0/0", routes[0].Str("destinationCidrBlock"))
	assert.Equal(t, igw.ID, routes[0].Str("gatewayId"))
	assert.Empty(t, routes[0].Str("natGatewayId"))

	for _, tier := range []string{"app", "data"} {
		for _, az := range azs {
			rt := find(t, r, tRouteTable, fmt.Sprintf("network-%s-rt-%s", tier, az))
			nat := find(t, r, tNat, "network-nat-"+az)
			routes := routesOf(r, rt.ID)
			require.Len(t, routes, 1, rt.Name)
			assert.Equal(t, "0.0.0.0/0", routes[0].Str("destinationCidrBlock"))
			assert.Equal(t, nat.ID, routes[0].Str("natGatewayId"), "%s routes through the NAT in its own AZ", rt.Name)
			assert.Empty(t, routes[0].Str("gatewayId"), "%s must not route to the internet gateway", rt.Name)
			assert.Equal(t, fmt.Sprintf("omnirapeutic-production-%s-rt-%s", tier, az), rt.Tag("Name"))
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

func TestEverySubnetIsExplicitlyAssociatedOnce(t *testing.T) {
	r := production(t)
	assocs := r.OfType(tAssociation)
	require.Len(t, assocs, 9)
	perSubnet := map[string]int{}
	for _, a := range assocs {
		perSubnet[a.Str("subnetId")]++
	}
	for _, s := range r.OfType(tSubnet) {
		assert.Equal(t, 1, perSubnet[s.ID], "associations of %s", s.Name)
	}
}

func TestDefaultSecurityGroupIsClosed(t *testing.T) {
	r := production(t)
	sg := find(t, r, tDefaultSG, "network-default-sg")
	assert.Equal(t, find(t, r, tVpc, "network-vpc").ID, sg.Str("vpcId"))
	assert.NotContains(t, sg.Inputs, "ingress", "the default security group must have no ingress rules")
	assert.NotContains(t, sg.Inputs, "egress", "the default security group must have no egress rules")
}

func TestFlowLogsRecordAllTrafficThroughALeastPrivilegeRole(t *testing.T) {
	r := production(t)
	group := find(t, r, tLogGroup, "network-flow-logs")
	assert.Equal(t, "/aws/vpc/omnirapeutic-production-flow-logs", group.Str("name"))
	assert.EqualValues(t, 365, group.Inputs["retentionInDays"])
	assert.Equal(t, keyArn("logs"), group.Str("kmsKeyId"))
	groupArn := "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/omnirapeutic-production-flow-logs"

	fl := find(t, r, tFlowLog, "network-flow-log")
	assert.Equal(t, "ALL", fl.Str("trafficType"))
	assert.Equal(t, find(t, r, tVpc, "network-vpc").ID, fl.Str("vpcId"))
	assert.Equal(t, "cloud-watch-logs", fl.Str("logDestinationType"))
	assert.Equal(t, groupArn, fl.Str("logDestination"))

	role := find(t, r, tRole, "network-flow-logs-role")
	assert.Equal(t, "arn:aws:iam::123456789012:role/omnirapeutic-production-vpc-flow-logs", fl.Str("iamRoleArn"))
	trust, err := policy.Parse(role.Str("assumeRolePolicy"))
	require.NoError(t, err)
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, policy.Service("vpc-flow-logs.amazonaws.com"), trust.Statement[0].Principal)
	assert.Equal(t, []string{"123456789012"}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])

	pol := find(t, r, tPolicy, "network-flow-logs-policy")
	doc, err := policy.Parse(pol.Str("policy"))
	require.NoError(t, err)
	for _, st := range doc.Statement {
		assert.Equal(t, "Allow", st.Effect)
		for _, res := range st.Resource {
			assert.NotEqual(t, "*", res, "flow-log policy statement %s", st.Sid)
			assert.True(t, strings.HasPrefix(res, "arn:aws:logs:us-east-1:123456789012:log-group:"), res)
		}
		for _, a := range st.Action {
			assert.True(t, strings.HasPrefix(a, "logs:"), a)
		}
	}
	assert.Equal(t, []string{groupArn, groupArn + ":*"}, doc.Statement[0].Resource)

	att := find(t, r, tAttachment, "network-flow-logs-policy-attachment")
	assert.Equal(t, "omnirapeutic-production-vpc-flow-logs", att.Str("role"))
	assert.Contains(t, fl.Dependencies, att.URN, "the flow log waits for its role's policy")
}

func TestNetworkComponentOwnsItsResources(t *testing.T) {
	r := production(t)
	net := component(t, r, "omnirapeutic:network:Vpc")
	assert.Equal(t, "network", net.Name)
	assert.Equal(t, map[string]int{
		tVpc: 1, tIgw: 1, tDefaultSG: 1,
		tSubnet: 9, tEip: 3, tNat: 3,
		tRouteTable: 7, tRoute: 7, tAssociation: 9,
		tLogGroup: 1, tRole: 1, tPolicy: 1, tAttachment: 1, tFlowLog: 1,
		"aws:ec2/vpcEndpoint:VpcEndpoint": 1,
	}, countByType(r, net.URN))
}

// TestNetworkLogicalNames pins every logical name in the tier: a renamed
// resource is a replaced resource. Names come from tiers and AZ names, never
// from positions in a list.
func TestNetworkLogicalNames(t *testing.T) {
	r := production(t)
	net := component(t, r, "omnirapeutic:network:Vpc")
	want := []string{"network-vpc", "network-igw", "network-default-sg", "network-public-rt", "network-public-default-route",
		"network-flow-logs", "network-flow-logs-role", "network-flow-logs-policy", "network-flow-logs-policy-attachment", "network-flow-log",
		"network-s3-endpoint"}
	for _, az := range azs {
		want = append(want,
			"network-public-"+az, "network-app-"+az, "network-data-"+az,
			"network-nat-eip-"+az, "network-nat-"+az,
			"network-public-rta-"+az, "network-app-rta-"+az, "network-data-rta-"+az,
			"network-app-rt-"+az, "network-data-rt-"+az,
			"network-app-default-route-"+az, "network-data-default-route-"+az)
	}
	var got []string
	for _, res := range r.Resources {
		if res.Parent == net.URN {
			got = append(got, res.Name)
		}
	}
	assert.ElementsMatch(t, want, got)
}

func TestNameTags(t *testing.T) {
	r := production(t)
	net := component(t, r, "omnirapeutic:network:Vpc")
	for _, res := range r.Resources {
		if res.Parent != net.URN {
			continue
		}
		switch res.Type {
		case tRoute, tAssociation, tLogGroup, tRole, tPolicy, tAttachment:
			continue // untaggable, or named by their physical name
		}
		assert.Truef(t, strings.HasPrefix(res.Tag("Name"), "omnirapeutic-production-"), "%s %s has Name tag %q", res.Type, res.Name, res.Tag("Name"))
	}
}

func TestNetworkOutputs(t *testing.T) {
	r := production(t)
	assert.Equal(t, "network-vpc-id", r.Outputs["vpcId"])
	for _, tier := range []string{"public", "app", "data"} {
		var want []any
		for _, az := range azs {
			want = append(want, fmt.Sprintf("network-%s-%s-id", tier, az))
		}
		assert.Equal(t, want, r.Outputs[tier+"SubnetIds"], "%s subnets in AZ order", tier)
	}
	assert.Equal(t, []any{"network-nat-us-east-1a-id", "network-nat-us-east-1b-id", "network-nat-us-east-1c-id"}, r.Outputs["natGatewayIds"])
	assert.Equal(t, "/aws/vpc/omnirapeutic-production-flow-logs", r.Outputs["flowLogGroupName"])
}
