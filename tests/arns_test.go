package tests

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
)

// arnForm is the ARN AWS gives a resource of one type, as a regular
// expression over the resource's own name, ID and inputs, in the form the
// Service Authorization Reference's resource-types table documents for its
// service (RDS: "Constructing an ARN for Amazon RDS"; a scaling policy: the
// PolicyARN of Application Auto Scaling's PutScalingPolicy). A log group's
// is without the ":*" the CloudWatch Logs API appends: the provider trims
// it. A part AWS generates (a load balancer's hash) matches any ID.
func arnForm(scope naming.Scope, res *synth.Resource) (string, bool) {
	q := regexp.QuoteMeta
	const generated = `[^:/]+`
	name := res.Str("name")
	if name == "" {
		name, _ = res.Computed["name"].(string)
	}
	regional := func(service, resource string) string {
		return q(scope.ARN(service, "")) + resource
	}
	iam := func(kind string) string { return q(scope.ARN("iam", kind+"/")) + q(name) }
	id := q(res.ID)
	switch res.Type {
	case "aws:appautoscaling/policy:Policy":
		return regional("autoscaling", "scalingPolicy:"+generated+":resource/"+q(res.Str("serviceNamespace"))+"/"+q(res.Str("resourceId"))+":policyName/"+q(name)), true
	case "aws:appautoscaling/target:Target":
		return regional("application-autoscaling", "scalable-target/"+generated), true
	case "aws:backup/plan:Plan":
		return regional("backup", "backup-plan:"+id), true
	case "aws:backup/vault:Vault":
		return regional("backup", "backup-vault:"+q(name)), true
	// AWS Backup appends an ID it generates to these names.
	case "aws:backup/framework:Framework":
		return regional("backup", "framework:"+q(name)+"-"+generated), true
	case "aws:backup/reportPlan:ReportPlan":
		return regional("backup", "report-plan:"+q(name)+"-"+generated), true
	case "aws:backup/restoreTestingPlan:RestoreTestingPlan":
		return regional("backup", "restore-testing-plan:"+q(name)+"-"+generated), true
	case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
		// A service-linked role's path is /aws-service-role/<service>/.
		return q(scope.ARN("iam", "role/aws-service-role/"+res.Str("awsServiceName")+"/")) + "AWSServiceRoleFor[A-Za-z]+", true
	case "aws:cfg/conformancePack:ConformancePack":
		return regional("config", "conformance-pack/"+q(name)+"/conformance-pack-"+generated), true
	case "aws:cloudtrail/trail:Trail":
		return regional("cloudtrail", "trail/"+q(name)), true
	case "aws:cloudwatch/eventRule:EventRule":
		return regional("events", "rule/"+q(name)), true
	case "aws:cloudwatch/logGroup:LogGroup":
		return regional("logs", "log-group:"+q(name)), true
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		return regional("cloudwatch", "alarm:"+q(name)), true
	case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/securityGroup:SecurityGroup":
		return regional("ec2", "security-group/"+id), true
	case "aws:ec2/eip:Eip":
		return regional("ec2", "elastic-ip/"+id), true
	case "aws:ec2/flowLog:FlowLog":
		return regional("ec2", "vpc-flow-log/"+id), true
	case "aws:ec2/instance:Instance":
		return regional("ec2", "instance/"+id), true
	case "aws:ec2/internetGateway:InternetGateway":
		return regional("ec2", "internet-gateway/"+id), true
	case "aws:ec2/routeTable:RouteTable":
		return regional("ec2", "route-table/"+id), true
	case "aws:ec2/subnet:Subnet":
		return regional("ec2", "subnet/"+id), true
	case "aws:ec2/vpc:Vpc":
		return regional("ec2", "vpc/"+id), true
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		return regional("ec2", "vpc-endpoint/"+id), true
	case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
		return regional("ec2", "security-group-rule/"+id), true
	case "aws:ecr/repository:Repository":
		return regional("ecr", "repository/"+q(name)), true
	case "aws:ecs/cluster:Cluster":
		return regional("ecs", "cluster/"+q(name)), true
	case "aws:ecs/service:Service":
		// The long format every service created since 2021 has.
		return regional("ecs", "service/"+q(compute.ClusterName(scope))+"/"+q(name)), true
	case "aws:ecs/taskDefinition:TaskDefinition":
		return regional("ecs", "task-definition/"+q(res.Str("family"))+`:[1-9][0-9]*`), true
	case "aws:guardduty/detector:Detector":
		return regional("guardduty", "detector/"+id), true
	case "aws:iam/instanceProfile:InstanceProfile":
		return iam("instance-profile"), true
	case "aws:iam/policy:Policy":
		return iam("policy"), true
	case "aws:iam/role:Role":
		return iam("role"), true
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		return q(scope.ARN("iam", "oidc-provider/"+strings.TrimPrefix(res.Str("url"), "https://"))), true
	case "aws:kms/alias:Alias":
		return regional("kms", q(name)), true // the name is "alias/…"
	case "aws:kms/key:Key":
		return regional("kms", "key/"+generated), true
	case "aws:lb/loadBalancer:LoadBalancer":
		return regional("elasticloadbalancing", "loadbalancer/app/"+q(name)+"/"+generated), true
	case "aws:lb/targetGroup:TargetGroup":
		return regional("elasticloadbalancing", "targetgroup/"+q(name)+"/"+generated), true
	case "aws:lb/listener:Listener":
		return regional("elasticloadbalancing", "listener/app/"+q(scope.Name("alb"))+"/"+generated+"/"+generated), true
	case "aws:lb/listenerRule:ListenerRule":
		return regional("elasticloadbalancing", "listener-rule/app/"+q(scope.Name("alb"))+"/"+generated+"/"+generated+"/"+generated), true
	case "aws:rds/cluster:Cluster":
		return regional("rds", "cluster:"+q(res.Str("clusterIdentifier"))), true
	case "aws:rds/clusterInstance:ClusterInstance":
		return regional("rds", "db:"+q(res.Str("identifierPrefix"))+generated), true
	case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
		return regional("rds", "cluster-pg:"+q(name)), true
	case "aws:rds/subnetGroup:SubnetGroup":
		return regional("rds", "subgrp:"+q(name)), true
	case "aws:s3/bucketV2:BucketV2":
		return q(scope.ARN("s3", res.Str("bucket"))), true
	case "aws:secretsmanager/secret:Secret":
		// Secrets Manager appends six random characters to the name.
		return regional("secretsmanager", "secret:"+q(name)+"-[A-Za-z0-9]{6}"), true
	case "aws:securityhub/account:Account":
		return regional("securityhub", "hub/default"), true
	case "aws:sns/topic:Topic":
		return regional("sns", q(name)), true
	case "aws:sns/topicSubscription:TopicSubscription":
		return q(res.Str("topic")) + ":" + generated, true
	case "aws:ssm/document:Document":
		return regional("ssm", "document/"+q(name)), true
	case "aws:wafv2/webAcl:WebAcl":
		return regional("wafv2", "regional/webacl/"+q(name)+"/"+generated), true
	}
	return "", false
}

// noARNOutput are the registered types whose pulumi-aws v6 resource has no
// ARN output (eventTarget's and topicPolicy's arn is an input naming
// another resource): nothing in the program can read a mock ARN of theirs.
var noARNOutput = []string{
	"aws:backup/selection:Selection", "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "aws:backup/vaultPolicy:VaultPolicy",
	"aws:backup/restoreTestingSelection:RestoreTestingSelection", "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
	"aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorder:Recorder", "aws:cfg/recorderStatus:RecorderStatus",
	"aws:cloudwatch/eventTarget:EventTarget", "aws:cloudwatch/logMetricFilter:LogMetricFilter",
	"aws:ebs/encryptionByDefault:EncryptionByDefault",
	"aws:ec2/natGateway:NatGateway", "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
	"aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
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

// assertMockARNs: the offline mock (and e2e's stand-in provider, which
// answers with it) gives each resource the ARN AWS would, so an ARN the
// program reads from a resource is the string a real deployment sees; and
// every type registered either has its form above or is known to have no
// ARN output, so a type a new configuration creates needs a decision.
func assertMockARNs(t *testing.T, scope naming.Scope, r *synth.Result) {
	t.Helper()
	for _, res := range r.Resources {
		if res.Component || !strings.HasPrefix(res.Type, "aws:") || slices.Contains(noARNOutput, res.Type) {
			continue
		}
		// A resource of the recovery region has that region's ARN.
		where := scope
		if res.Region != "" {
			where = scope.In(res.Region)
		}
		pattern, ok := arnForm(where, res)
		if !assert.Truef(t, ok, "%s %s: add the ARN AWS documents for %s to arnForm (and synth's arnOf), or list the type in noARNOutput", res.Type, res.Name, res.Type) {
			continue
		}
		assert.Regexpf(t, "^"+pattern+"$", res.Computed["arn"], "%s %s", res.Type, res.Name)
	}
}

func ruleMockARNForms(t *testing.T, s *stack) { assertMockARNs(t, s.scope, s.Result) }

// TestBootstrapARNForms: the bootstrap program's resources too.
func TestBootstrapARNForms(t *testing.T) {
	r := bootstrapWithApps(t)
	assertMockARNs(t, naming.NewScope("", synth.AccountID, r.Config.Values["aws:region"]), r)
}

// The ECS service lookup (offline and in e2e's stand-in provider) answers
// the long ARN, service/CLUSTER/SERVICE: the cluster's name, not its ARN.
func TestMockECSServiceARN(t *testing.T) {
	scope := naming.NewScope("", synth.AccountID, "us-east-1")
	assert.Equal(t, "arn:aws:ecs:us-east-1:123456789012:service/omnirapeutic-production/omnirapeutic-production-api",
		synth.ECSServiceARN(scope, "arn:aws:ecs:us-east-1:123456789012:cluster/omnirapeutic-production", "omnirapeutic-production-api"))
}
