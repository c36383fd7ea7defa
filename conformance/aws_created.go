package conformance

import (
	"fmt"
	"slices"
)

// AWSCreatedPrefix starts the name of every resource AWSCreated models, so
// that reports and exceptions tell them from the program's.
const AWSCreatedPrefix = "aws-"

// AccountFacts are settings of the stack that owns the account singletons
// that make AWS create resources in every stack of the account.
type AccountFacts struct {
	// GuardDutyFargateAgent: GuardDuty runtime monitoring manages the
	// Fargate agent, so GuardDuty creates a VPC endpoint and a security
	// group in every VPC where Fargate tasks run.
	GuardDutyFargateAgent bool
}

// AWSCreated models what AWS creates on its own for a stack's resources and
// AWS Config then records and judges like any other:
//
//   - Two CloudWatch alarms per target-tracking scaling policy, whose only
//     action is the policy. Application Auto Scaling "creates and manages
//     the CloudWatch alarms that invoke the scaling policy" and deletes them
//     with it (Application Auto Scaling user guide, "How target tracking
//     scaling for Application Auto Scaling works" and "Delete a target
//     tracking scaling policy"): they are not the program's to change.
//   - RDS's automated snapshots of each cluster with backups on, encrypted
//     as the cluster's storage is.
//   - AWS Backup's recovery points of each selection, encrypted with the
//     plan's vault key.
//   - With GuardDuty's Fargate agent management on, a VPC endpoint and a
//     security group in each VPC that runs an ECS service: "GuardDuty adds
//     inbound rules that match the VPC CIDR range" (GuardDuty user guide,
//     "How Runtime Monitoring works with Fargate (Amazon ECS only)"); the
//     model's rule is HTTPS from the VPC's CIDR, the endpoint's port.
//
// Each model is named AWSCreatedPrefix plus what it derives from.
func AWSCreated(s *Stack, facts AccountFacts) []*Resource {
	var out []*Resource
	add := func(typ, name string, inputs map[string]any) *Resource {
		r := &Resource{Type: typ, Name: AWSCreatedPrefix + name, ID: AWSCreatedPrefix + name + "-id", Inputs: inputs, Outputs: map[string]any{}}
		out = append(out, r)
		return r
	}
	for _, p := range s.OfType(typeScaling) {
		if p.Str("policyType") != "TargetTrackingScaling" {
			continue
		}
		for _, side := range []string{"alarm-high", "alarm-low"} {
			add(typeAlarm, fmt.Sprintf("target-tracking-%s-%s", p.Name, side), map[string]any{
				"actionsEnabled": true, "alarmActions": []any{p.Arn()},
			})
		}
	}
	for _, c := range s.OfType(typeCluster) {
		if c.Num("backupRetentionPeriod") > 0 {
			add(typeClusterSnap, "automated-snapshots-"+c.Name, map[string]any{
				"storageEncrypted": c.Bool("storageEncrypted"), "kmsKeyId": c.Str("kmsKeyId"),
			})
		}
	}
	for _, sel := range s.OfType(typeBackupSel) {
		encrypted := false
		for _, plan := range s.OfType(typeBackupPlan) {
			if plan.ID != sel.Str("planId") {
				continue
			}
			for _, x := range plan.List("rules") {
				rule, _ := x.(map[string]any)
				for _, v := range s.Refer(typeVault, "name", fmt.Sprint(rule["targetVaultName"])) {
					encrypted = encrypted || v.Str("kmsKeyArn") != ""
				}
			}
		}
		add(typeRecoveryPoint, "recovery-points-"+sel.Name, map[string]any{"encrypted": encrypted, "resources": sel.List("resources")})
	}
	if facts.GuardDutyFargateAgent && len(s.OfType(typeEcsService)) > 0 {
		for _, vpc := range s.OfType(typeVpc) {
			sg := add(typeSG, "guardduty-sg-"+vpc.Name, map[string]any{"vpcId": vpc.ID, "name": "GuardDutyManagedSecurityGroup-" + vpc.ID})
			add(typeIngress, "guardduty-sg-"+vpc.Name+"-https", map[string]any{
				"securityGroupId": sg.ID, "cidrIpv4": vpc.Str("cidrBlock"), "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0,
			})
			add(typeVpcEndpoint, "guardduty-endpoint-"+vpc.Name, map[string]any{"vpcId": vpc.ID, "vpcEndpointType": "Interface", "securityGroupIds": []any{sg.ID}})
		}
	}
	return out
}

// FargateAgentManaged reports whether a stack's GuardDuty detector manages
// the Fargate agent: the fact AWSCreated needs from the owning stack.
func FargateAgentManaged(s *Stack) bool {
	for _, f := range s.OfType("aws:guardduty/detectorFeature:DetectorFeature") {
		if f.Str("name") != "RUNTIME_MONITORING" || f.Str("status") != "ENABLED" {
			continue
		}
		if slices.ContainsFunc(f.List("additionalConfigurations"), func(x any) bool {
			m, _ := x.(map[string]any)
			return m["name"] == "ECS_FARGATE_AGENT_MANAGEMENT" && m["status"] == "ENABLED"
		}) {
			return true
		}
	}
	return false
}

// DefaultVpc models the region's default VPC as AWS creates it, for an
// account that keeps it: a VPC with no flow log and its default security
// group unmanaged (AWS's rules allow all traffic from the group itself and
// all outbound), a default subnet in each AZ that gives instances public
// IPv4 addresses (one resource stands for all of them), an internet gateway,
// and a main route table sending 0.0.0.0/0 to it (Amazon VPC user guide,
// "Default VPCs"; CreateDefaultVpc: "a size /16 IPv4 CIDR block and a default
// subnet in each Availability Zone").
func DefaultVpc() *Stack {
	r := func(typ, name string, inputs map[string]any) *Resource {
		return &Resource{Type: typ, Name: name, ID: name + "-id", Inputs: inputs, Outputs: map[string]any{}}
	}
	return &Stack{Resources: []*Resource{
		r(typeVpc, "default-vpc", map[string]any{"cidrBlock": "172.31.0.0/16", "isDefault": true}),
		r(typeSG, "default-vpc-default-sg", map[string]any{"vpcId": "default-vpc-id", "name": "default"}),
		r(typeSubnet, "default-vpc-subnets", map[string]any{"vpcId": "default-vpc-id", "mapPublicIpOnLaunch": true}),
		r(typeIgw, "default-vpc-igw", map[string]any{"vpcId": "default-vpc-id"}),
		r(typeRouteTable, "default-vpc-main-rt", map[string]any{"vpcId": "default-vpc-id"}),
		r(typeRoute, "default-vpc-main-rt-igw", map[string]any{"routeTableId": "default-vpc-main-rt-id", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "default-vpc-igw-id"}),
	}}
}
