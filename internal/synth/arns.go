package synth

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/naming"
)

// SecretSuffix is the six characters Secrets Manager appends to a secret's
// name in its ARN (secret:NAME-XXXXXX); offline, always these.
const SecretSuffix = "0ff1ne"

// arnOf is the ARN AWS gives a resource of type token, in the form the
// Service Authorization Reference's resource-types table documents for its
// service (and as the AWS provider reports it: a log group's without the
// ":*" its API appends). id is the mock physical ID, physical the name.
// ok is false for a type this table does not know; the caller then answers
// the generic "<service>:…:<type>/<name>", which no program reads (the
// provider has no ARN output for those types, see TestMockARNForms).
func (r *Recorder) arnOf(token, id, physical string, inputs resource.PropertyMap, region string) (arn string, ok bool) {
	where := r.scopeIn(region)
	str := func(key string) string {
		if v := inputs[resource.PropertyKey(key)]; v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	regional := func(service, resource string) string {
		return naming.ARN{Partition: where.Partition, Service: service, Region: where.Region, Account: AccountID, Resource: resource}.String()
	}
	// inside is an ARN's resource part, for ARNs built on another's (a
	// listener's on its load balancer's); "" when ref is not an ARN.
	inside := func(ref, prefix string) string {
		a, err := naming.ParseARN(ref)
		if err != nil || !strings.HasPrefix(a.Resource, prefix) {
			return ""
		}
		return strings.TrimPrefix(a.Resource, prefix)
	}
	iamPath := func() string {
		if p := str("path"); p != "" {
			return p
		}
		return "/"
	}
	switch token {
	case "aws:appautoscaling/target:Target":
		// Service Authorization Reference, Application Auto Scaling:
		// scalable-target/${ResourceId}, an ID AWS generates (not the
		// service/CLUSTER/SERVICE the inputs name).
		return regional("application-autoscaling", "scalable-target/"+id), true
	case "aws:appautoscaling/policy:Policy":
		// The PolicyARN PutScalingPolicy returns (Application Auto Scaling
		// API reference): the autoscaling namespace, an ID AWS generates,
		// the scalable target's namespace and resource ID, and the name.
		return regional("autoscaling", fmt.Sprintf("scalingPolicy:%s:resource/%s/%s:policyName/%s",
			id, str("serviceNamespace"), str("resourceId"), physical)), true
	case "aws:sns/topicSubscription:TopicSubscription":
		// A subscription's ARN is its topic's with an ID AWS generates.
		if t, err := naming.ParseARN(str("topic")); err == nil {
			return regional("sns", t.Resource+":"+id), true
		}
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		// oidc-provider/<the issuer URL without https://>.
		return where.ARN("iam", "oidc-provider/"+strings.TrimPrefix(str("url"), "https://")), true
	case "aws:backup/plan:Plan":
		return regional("backup", "backup-plan:"+id), true
	case "aws:backup/vault:Vault":
		return regional("backup", "backup-vault:"+physical), true
	// AWS Backup appends an ID it generates to these names.
	case "aws:backup/framework:Framework":
		return regional("backup", "framework:"+physical+"-"+id), true
	case "aws:backup/reportPlan:ReportPlan":
		return regional("backup", "report-plan:"+physical+"-"+id), true
	case "aws:backup/restoreTestingPlan:RestoreTestingPlan":
		return regional("backup", "restore-testing-plan:"+physical+"-"+id), true
	case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
		// IAM names a service-linked role for its service, under the
		// path /aws-service-role/<service>/.
		if str("awsServiceName") == compliance.BackupReportsService {
			return compliance.BackupReportsRoleArn(where), true
		}
	case "aws:cfg/conformancePack:ConformancePack":
		return regional("config", "conformance-pack/"+physical+"/conformance-pack-offline"), true
	case "aws:cloudtrail/trail:Trail":
		return regional("cloudtrail", "trail/"+physical), true
	case "aws:cloudwatch/eventRule:EventRule":
		if bus := str("eventBusName"); bus != "" && bus != "default" {
			return regional("events", "rule/"+bus+"/"+physical), true
		}
		return regional("events", "rule/"+physical), true
	case "aws:cloudwatch/logGroup:LogGroup":
		return regional("logs", "log-group:"+physical), true
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		return regional("cloudwatch", "alarm:"+physical), true
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
		return regional("ecr", "repository/"+physical), true
	case "aws:ecs/cluster:Cluster":
		return regional("ecs", "cluster/"+physical), true
	case "aws:ecs/service:Service":
		return ECSServiceARN(where, str("cluster"), physical), true
	case "aws:guardduty/detector:Detector":
		return regional("guardduty", "detector/"+id), true
	case "aws:iam/instanceProfile:InstanceProfile":
		return where.ARN("iam", "instance-profile"+iamPath()+physical), true
	case "aws:iam/policy:Policy":
		return where.ARN("iam", "policy"+iamPath()+physical), true
	case "aws:iam/role:Role":
		return where.ARN("iam", "role"+iamPath()+physical), true
	case "aws:kms/alias:Alias":
		return regional("kms", physical), true // the name is "alias/…"
	case "aws:lb/loadBalancer:LoadBalancer":
		return regional("elasticloadbalancing", "loadbalancer/app/"+physical+"/offline"), true
	case "aws:lb/targetGroup:TargetGroup":
		return regional("elasticloadbalancing", "targetgroup/"+physical+"/offline"), true
	case "aws:lb/listener:Listener":
		if lb := inside(str("loadBalancerArn"), "loadbalancer/"); lb != "" {
			return regional("elasticloadbalancing", "listener/"+lb+"/"+id), true
		}
	case "aws:lb/listenerRule:ListenerRule":
		if l := inside(str("listenerArn"), "listener/"); l != "" {
			return regional("elasticloadbalancing", "listener-rule/"+l+"/"+id), true
		}
	case "aws:rds/cluster:Cluster":
		return regional("rds", "cluster:"+str("clusterIdentifier")), true
	case "aws:rds/clusterInstance:ClusterInstance":
		if id := str("identifier"); id != "" {
			return regional("rds", "db:"+id), true
		}
		return regional("rds", "db:"+physical), true
	case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
		return regional("rds", "cluster-pg:"+physical), true
	case "aws:rds/subnetGroup:SubnetGroup":
		return regional("rds", "subgrp:"+physical), true
	case "aws:s3/bucketV2:BucketV2":
		if b := str("bucket"); b != "" {
			return where.ARN("s3", b), true
		}
		if p := str("bucketPrefix"); p != "" {
			return where.ARN("s3", p+"offline"), true
		}
		return where.ARN("s3", physical), true
	case "aws:secretsmanager/secret:Secret":
		return regional("secretsmanager", "secret:"+physical+"-"+SecretSuffix), true
	case "aws:securityhub/account:Account":
		return regional("securityhub", "hub/default"), true
	case "aws:sns/topic:Topic":
		return regional("sns", physical), true
	case "aws:ssm/document:Document":
		return regional("ssm", "document/"+physical), true
	case "aws:wafv2/webAcl:WebAcl":
		if str("scope") == "CLOUDFRONT" {
			return naming.ARN{Partition: where.Partition, Service: "wafv2", Region: "us-east-1", Account: AccountID,
				Resource: "global/webacl/" + physical + "/" + id}.String(), true
		}
		return regional("wafv2", "regional/webacl/"+physical+"/"+id), true
	case "aws:ecs/taskDefinition:TaskDefinition", "aws:kms/key:Key":
		// computedState answers these: a task definition's revision is the
		// recorder's count, a key's ID its own "<name>-key-id".
	}
	return "", false
}

// ECSServiceARN is the ARN AWS gives service in the cluster whose ARN is
// clusterARN: the long format, service/CLUSTER-NAME/SERVICE-NAME, that every
// service created since 2021 has. The offline lookup and e2e's stand-in
// provider answer it too.
func ECSServiceARN(scope naming.Scope, clusterARN, service string) string {
	cluster := clusterARN
	if a, err := naming.ParseARN(clusterARN); err == nil {
		cluster = strings.TrimPrefix(a.Resource, "cluster/")
	}
	return scope.ARN("ecs", "service/"+cluster+"/"+service)
}
