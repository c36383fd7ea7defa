package tests

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
)

// mockARNs pins the ARN the offline mock answers for one resource of every
// type the program registers that has an ARN output in pulumi-aws v6, in the
// form AWS documents for it (the Service Authorization Reference's
// resource-types table of each service; RDS's "Constructing an ARN for Amazon
// RDS"). A log group's is without the ":*" the CloudWatch Logs API appends:
// the provider trims it. IDs AWS generates are the mock's "<name>-id".
var mockARNs = []struct{ typ, name, arn string }{
	{"aws:backup/plan:Plan", "backup-plan", "arn:aws:backup:us-east-1:123456789012:backup-plan:backup-plan-id"},
	{"aws:backup/vault:Vault", "backup-vault", "arn:aws:backup:us-east-1:123456789012:backup-vault:omnirapeutic-production"},
	{"aws:cfg/conformancePack:ConformancePack", "config-hipaa", "arn:aws:config:us-east-1:123456789012:conformance-pack/omnirapeutic-production-hipaa/conformance-pack-offline"},
	{"aws:cloudtrail/trail:Trail", "cloudtrail", "arn:aws:cloudtrail:us-east-1:123456789012:trail/omnirapeutic-production"},
	{"aws:cloudwatch/eventRule:EventRule", "guardduty-findings", "arn:aws:events:us-east-1:123456789012:rule/omnirapeutic-production-guardduty-high-severity"},
	{"aws:cloudwatch/logGroup:LogGroup", "cloudtrail-logs", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/omnirapeutic-production"},
	{"aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-alb-5xx", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:omnirapeutic-production-alb-5xx"},
	{"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default-sg", "arn:aws:ec2:us-east-1:123456789012:security-group/network-default-sg-id"},
	{"aws:ec2/eip:Eip", "network-nat-eip-us-east-1a", "arn:aws:ec2:us-east-1:123456789012:elastic-ip/network-nat-eip-us-east-1a-id"},
	{"aws:ec2/flowLog:FlowLog", "network-flow-log", "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/network-flow-log-id"},
	{"aws:ec2/instance:Instance", "bastion", "arn:aws:ec2:us-east-1:123456789012:instance/bastion-id"},
	{"aws:ec2/internetGateway:InternetGateway", "network-igw", "arn:aws:ec2:us-east-1:123456789012:internet-gateway/network-igw-id"},
	{"aws:ec2/routeTable:RouteTable", "network-public-rt", "arn:aws:ec2:us-east-1:123456789012:route-table/network-public-rt-id"},
	{"aws:ec2/securityGroup:SecurityGroup", "security-groups-alb", "arn:aws:ec2:us-east-1:123456789012:security-group/security-groups-alb-id"},
	{"aws:ec2/subnet:Subnet", "network-app-us-east-1a", "arn:aws:ec2:us-east-1:123456789012:subnet/network-app-us-east-1a-id"},
	{"aws:ec2/vpc:Vpc", "network-vpc", "arn:aws:ec2:us-east-1:123456789012:vpc/network-vpc-id"},
	{"aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3-endpoint", "arn:aws:ec2:us-east-1:123456789012:vpc-endpoint/network-s3-endpoint-id"},
	{"aws:ecr/repository:Repository", "ecr-api", "arn:aws:ecr:us-east-1:123456789012:repository/omnirapeutic-production/api"},
	{"aws:ecs/cluster:Cluster", "ecs", "arn:aws:ecs:us-east-1:123456789012:cluster/omnirapeutic-production"},
	{"aws:ecs/taskDefinition:TaskDefinition", "ecs-nginx-task", "arn:aws:ecs:us-east-1:123456789012:task-definition/omnirapeutic-production-nginx:1"},
	{"aws:guardduty/detector:Detector", "guardduty", "arn:aws:guardduty:us-east-1:123456789012:detector/guardduty-id"},
	{"aws:iam/instanceProfile:InstanceProfile", "bastion-profile", "arn:aws:iam::123456789012:instance-profile/omnirapeutic-production-bastion"},
	{"aws:iam/policy:Policy", "ecs-nginx-execution-policy", "arn:aws:iam::123456789012:policy/omnirapeutic-production-nginx-execution-offline"},
	{"aws:iam/role:Role", "config-role", "arn:aws:iam::123456789012:role/omnirapeutic-production-config"},
	{"aws:kms/alias:Alias", "keys-aurora-alias", "arn:aws:kms:us-east-1:123456789012:alias/omnirapeutic-production-aurora"},
	{"aws:kms/key:Key", "keys-aurora", "arn:aws:kms:us-east-1:123456789012:key/keys-aurora-key-id"},
	{"aws:lb/listener:Listener", "alb-http", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/omnirapeutic-production-alb/offline/alb-http-id"},
	{"aws:lb/listenerRule:ListenerRule", "alb-http-api", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/omnirapeutic-production-alb/offline/alb-http-id/alb-http-api-id"},
	{"aws:lb/loadBalancer:LoadBalancer", "alb", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/omnirapeutic-production-alb/offline"},
	{"aws:lb/targetGroup:TargetGroup", "alb-api", "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/omnirapeutic-production-api/offline"},
	{"aws:rds/cluster:Cluster", "aurora-cluster", "arn:aws:rds:us-east-1:123456789012:cluster:omnirapeutic-production"},
	{"aws:rds/clusterInstance:ClusterInstance", "aurora-writer", "arn:aws:rds:us-east-1:123456789012:db:omnirapeutic-production-writer-offline"},
	{"aws:rds/clusterParameterGroup:ClusterParameterGroup", "aurora-params", "arn:aws:rds:us-east-1:123456789012:cluster-pg:omnirapeutic-production-aurora-postgresql15"},
	{"aws:rds/subnetGroup:SubnetGroup", "aurora-subnets", "arn:aws:rds:us-east-1:123456789012:subgrp:omnirapeutic-production"},
	{"aws:s3/bucketV2:BucketV2", "cloudtrail-bucket", "arn:aws:s3:::omnirapeutic-production-cloudtrail-123456789012"},
	{"aws:secretsmanager/secret:Secret", "secrets-api-keys-api", "arn:aws:secretsmanager:us-east-1:123456789012:secret:omnirapeutic-production/api/api-keys-" + synth.SecretSuffix},
	{"aws:securityhub/account:Account", "securityhub", "arn:aws:securityhub:us-east-1:123456789012:hub/default"},
	{"aws:sns/topic:Topic", "alarm-topic", "arn:aws:sns:us-east-1:123456789012:omnirapeutic-production-alarms"},
	{"aws:ssm/document:Document", "bastion-session-preferences", "arn:aws:ssm:us-east-1:123456789012:document/SSM-SessionManagerRunShell"},
	{"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "security-groups-alb-out-ecs-8080", "arn:aws:ec2:us-east-1:123456789012:security-group-rule/security-groups-alb-out-ecs-8080-id"},
	{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "security-groups-alb-in-http", "arn:aws:ec2:us-east-1:123456789012:security-group-rule/security-groups-alb-in-http-id"},
	{"aws:wafv2/webAcl:WebAcl", "waf", "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/omnirapeutic-production-waf/waf-id"},
}

// noARNOutput are the registered types whose pulumi-aws v6 resource has no
// ARN output (eventTarget's and topicPolicy's arn is an input naming
// another resource): nothing in the program can read a mock ARN of theirs.
var noARNOutput = []string{
	"aws:backup/selection:Selection", "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "aws:backup/vaultPolicy:VaultPolicy",
	"aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorder:Recorder", "aws:cfg/recorderStatus:RecorderStatus",
	"aws:cloudwatch/eventTarget:EventTarget", "aws:cloudwatch/logMetricFilter:LogMetricFilter",
	"aws:ebs/encryptionByDefault:EncryptionByDefault",
	"aws:ec2/natGateway:NatGateway", "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "aws:ecs/service:Service",
	"aws:guardduty/detectorFeature:DetectorFeature",
	"aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
	"aws:s3/bucketLoggingV2:BucketLoggingV2", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketPolicy:BucketPolicy",
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "aws:s3/bucketVersioningV2:BucketVersioningV2",
	"aws:securityhub/standardsSubscription:StandardsSubscription", "aws:sns/topicPolicy:TopicPolicy",
	"aws:wafv2/webAclAssociation:WebAclAssociation", "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
}

// TestMockARNForms: the offline mock (and e2e's stand-in provider, which
// answers with it) gives each resource the ARN AWS would, so an ARN the
// program reads from a resource is the string a real deployment sees; and
// every type either stacks registers is pinned here or known to have no ARN
// output, so a new type needs a decision.
func TestMockARNForms(t *testing.T) {
	r := production(t)
	pinned := map[string]bool{}
	for _, tc := range mockARNs {
		pinned[tc.typ] = true
		assert.Equalf(t, tc.arn, find(t, r, tc.typ, tc.name).Computed["arn"], "%s %s", tc.typ, tc.name)
	}
	var undecided []string
	for _, res := range append(production(t).Resources, staging(t).Resources...) {
		if strings.HasPrefix(res.Type, "aws:") && !pinned[res.Type] && !slices.Contains(noARNOutput, res.Type) && !slices.Contains(undecided, res.Type) {
			undecided = append(undecided, res.Type)
		}
	}
	sort.Strings(undecided)
	assert.Empty(t, undecided, "pin the ARN AWS documents for these types in mockARNs, or list them in noARNOutput")
}

// The ECS service lookup (offline and in e2e's stand-in provider) answers
// the long ARN, service/CLUSTER/SERVICE, that every service created since
// 2021 has: the cluster's name, not its ARN.
func TestMockECSServiceARN(t *testing.T) {
	scope := naming.NewScope("", synth.AccountID, "us-east-1")
	assert.Equal(t, "arn:aws:ecs:us-east-1:123456789012:service/omnirapeutic-production/omnirapeutic-production-api",
		synth.ECSServiceARN(scope, "arn:aws:ecs:us-east-1:123456789012:cluster/omnirapeutic-production", "omnirapeutic-production-api"))
	assert.Equal(t, "arn:aws:ecs:us-east-1:123456789012:service/omnirapeutic-production/omnirapeutic-production-nginx",
		find(t, production(t), "aws:ecs/service:Service", "ecs-nginx").Computed["arn"])
}
