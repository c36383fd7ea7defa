// Package replacement records, as data, what replaces each AWS resource type
// this program creates, and how the program keeps that replacement safe.
//
// A change to an input the provider cannot update in place (ForceNew, or a
// RequiresReplace plan modifier, in the source of the Terraform AWS provider
// that pulumi-aws wraps) replaces the resource. The engine creates the
// replacement first and deletes the old resource afterwards, unless it must
// delete first: pulumi-aws asks for that whenever the resource's autonamed
// name input is set explicitly (two cannot share the name;
// pulumi/pulumi-terraform-bridge, pkg/tfbridge nameRequiresDeleteBeforeReplace;
// pulumi/pulumi-terraform#383, #465), and the program asks for it with
// deleteBeforeReplace (strategy DeleteFirst).
//
// Create-first is not safe everywhere. Many types configure something their
// parent holds exactly once (a vault's lock, a web ACL's logging, a
// repository's lifecycle policy, a bucket's settings): creating the
// replacement overwrites the parent's one setting, and deleting the old
// resource afterwards removes it, keyed by the parent, so the control is off
// while the state says it is on. Others hold something AWS refuses to give
// twice (a NAT gateway's Elastic IP, Security Hub in an account). The Key,
// Put and Singleton fields record that identity; the tests hold every
// create-first type to triggers that move it to a new identity, and the
// end-to-end stand-in provider (e2e) replaces, overwrites and refuses as AWS
// does from this table.
//
// Every type the program creates has a row (the tests check it against the
// offline synthesis of every configuration); ForceNew lists the
// replace-triggering inputs the program sets, and the naming inputs. The
// offline diff (synth diff) flags a change to a listed input.
package replacement

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// Strategy is how the program makes a replacement of a type safe.
type Strategy string

const (
	// Prefix: the provider generates the name from a prefix, so the engine
	// creates the replacement first, moves dependents to it, then deletes
	// the old one.
	Prefix Strategy = "prefix"
	// Pinned: every replace-triggering input except the name is a constant
	// in code (Pins), with a comment saying why it must not change.
	Pinned Strategy = "pinned"
	// Fixed: the name (and any other trigger) derives from the stack name
	// or from config that is fixed after the first deploy; changing it is a
	// planned migration, not a routine `pulumi up`. Protected resources
	// make the engine refuse such a replacement outright.
	Fixed Strategy = "fixed"
	// Versioned: a replacement is a new version beside the old one under
	// the same name (task-definition revisions), so nothing is deleted first.
	Versioned Strategy = "versioned"
	// DeleteFirst: the program sets deleteBeforeReplace, because the type
	// configures something its parent (Key) or the account (Singleton) holds
	// once, and a trigger outside that identity would otherwise make the old
	// resource's delete undo the new one, or AWS refuse the new one;
	// docs/runbooks.md ("Replacements") says what the gap costs.
	DeleteFirst Strategy = "delete-first"
	// Unnamed: the engine creates the replacement first, which is safe:
	// the type has no physical name, and every trigger the program sets
	// moves it to a new identity (a new parent, address or key), so the old
	// and the new never collide and the old one's delete touches only what
	// was its own. The row exists so the offline diff can flag a replacement
	// and follow it to what references the resource.
	Unnamed Strategy = "unnamed"
	// InPlace: no input the program sets forces a replacement; every
	// change is an update.
	InPlace Strategy = "in-place"
)

// Provider is the repository of the Terraform AWS provider that pulumi-aws
// wraps. pulumi-aws v6 (go.mod: v6.83.4) wraps its 5.x line (pulumi-aws v7
// moved to 6.x, pulumi/pulumi-aws#5665); Source paths are files in it.
const Provider = "hashicorp/terraform-provider-aws"

// Type is one resource type's replacement facts.
type Type struct {
	// Token is the Pulumi type token, e.g. "aws:ec2/securityGroup:SecurityGroup".
	Token string
	// NameProperty is the input pulumi-aws autonames: set explicitly, it
	// names the resource, and every replacement is delete-first ("" for none).
	NameProperty string
	// PrefixProperty is the input that makes the provider generate the name
	// ("" when the type has none).
	PrefixProperty string
	// Key are the inputs naming what AWS holds once and this resource
	// configures or occupies (a parent's one setting, an address, a port):
	// two resources with the same Key values cannot coexist. Named types
	// are keyed by their name; Key is for what else identifies them.
	Key []string
	// Put: creating a resource whose identity is in use overwrites what is
	// there (the Put... and Register... APIs), and deleting it clears the
	// parent's setting, whoever wrote it. Otherwise AWS refuses the second.
	Put bool
	// Singleton: one per account and region; the account is the identity.
	Singleton bool
	// ForceNew lists the inputs the program sets whose change replaces the
	// resource, and the naming inputs. A dotted path names a field inside
	// an object input ("rootBlockDevice.encrypted"); arrays on the way are
	// read element by element.
	ForceNew []string
	// Strategy is the program's answer.
	Strategy Strategy
	// Pins are the constant value of replace-triggering inputs the program
	// must never change (for Pinned types, every non-name trigger); the tests
	// hold every resource of the type to them.
	Pins map[string]any
	// Why says why the strategy fits this type.
	Why string
	// Source is the provider file whose schema marks the inputs ForceNew
	// (internal/service/<service>/<file>.go in Provider).
	Source string
	// Commit is the stored snapshot of Source that was read (an abbreviated
	// commit of Provider); "" when the row was carried over from the
	// provider's registry documentation without reading the source again.
	Commit string
}

// URL links the provider file the row was checked against.
func (t Type) URL() string {
	ref := t.Commit
	if ref == "" {
		ref = "main"
	}
	return "https://github.com/" + Provider + "/blob/" + ref + "/" + t.Source
}

// Types lists every type the program creates, by token.
var Types = []Type{
	// Application Auto Scaling.
	{Token: "aws:appautoscaling/policy:Policy", NameProperty: "name",
		ForceNew: []string{"name", "resourceId", "scalableDimension", "serviceNamespace"}, Strategy: Fixed,
		Why:    "named after its service; a replacement pauses scaling for seconds, and PutScalingPolicy updates everything else in place",
		Source: "internal/service/appautoscaling/policy.go", Commit: "048320e8"},
	{Token: "aws:appautoscaling/target:Target", Key: []string{"serviceNamespace", "resourceId", "scalableDimension"}, Put: true,
		ForceNew: []string{"resourceId", "scalableDimension", "serviceNamespace"}, Strategy: Unnamed,
		Why:    "every trigger is its key: a replacement registers a different service, then deregisters the old one; min and max update in place",
		Source: "internal/service/appautoscaling/target.go", Commit: "0105d219"},

	// AWS Backup.
	{Token: "aws:backup/framework:Framework", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "its name derives from the stack and names its reports; controls and their parameters update in place",
		Source: "internal/service/backup/framework.go", Commit: "00a35305"},
	{Token: "aws:backup/plan:Plan", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "its name derives from the stack; rules change in place",
		Source: "internal/service/backup/plan.go", Commit: "01f43111"},
	{Token: "aws:backup/reportPlan:ReportPlan", NameProperty: "name",
		ForceNew: []string{"name", "reportSetting.reportTemplate"}, Strategy: Fixed,
		Why:    "one plan per report template, named from the stack and the template (both fixed); the bucket and formats update in place",
		Source: "internal/service/backup/report_plan.go", Commit: "0be71beb"},
	{Token: "aws:backup/restoreTestingPlan:RestoreTestingPlan", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "its name derives from the stack; the schedule and the recovery point selection update in place",
		Source: "internal/service/backup/restore_testing_plan.go", Commit: "108f85fd"},
	{Token: "aws:backup/restoreTestingSelection:RestoreTestingSelection", NameProperty: "name",
		ForceNew: []string{"name", "protectedResourceType", "restoreTestingPlanName"}, Strategy: Fixed,
		Pins:   map[string]any{"name": "aurora", "protectedResourceType": "Aurora"},
		Why:    "named within its plan; its name and type are pinned and its plan's name derives from the stack; the role, overrides and validation window update in place",
		Source: "internal/service/backup/restore_testing_selection.go", Commit: "00a35305"},
	{Token: "aws:backup/selection:Selection", NameProperty: "name",
		ForceNew: []string{"iamRoleArn", "name", "planId", "resources"}, Strategy: Fixed,
		Why:    "every argument replaces it; its name, role and the cluster ARN derive from the stack, and a replacement only re-selects the cluster",
		Source: "internal/service/backup/selection.go", Commit: "00a35305"},
	{Token: "aws:backup/vault:Vault", NameProperty: "name",
		ForceNew: []string{"kmsKeyArn", "name"}, Strategy: Fixed, Why: "it holds the recovery points; protected, and its name derives from the stack",
		Source: "internal/service/backup/vault.go", Commit: "050ac111"},
	{Token: "aws:backup/vaultLockConfiguration:VaultLockConfiguration", Key: []string{"backupVaultName"}, Put: true,
		ForceNew: []string{"backupVaultName", "minRetentionDays"}, Strategy: DeleteFirst,
		Why:    "minRetentionDays follows aurora.backupRetentionDays and has no update; created first, the new lock is put and the old resource's delete then removes the vault's lock by vault name, leaving the vault unlocked while the state says locked. Deleted first, the vault is unlocked only between the two calls",
		Source: "internal/service/backup/vault_lock_configuration.go", Commit: "01606926"},
	{Token: "aws:backup/vaultPolicy:VaultPolicy", Key: []string{"backupVaultName"}, Put: true,
		ForceNew: []string{"backupVaultName"}, Strategy: Unnamed,
		Why:    "keyed by its vault, its only trigger; the policy document updates in place",
		Source: "internal/service/backup/vault_policy.go", Commit: "01606926"},

	// AWS Config.
	{Token: "aws:cfg/conformancePack:ConformancePack", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "the auditor finds the evidence under this name; the template and parameters update in place",
		Source: "internal/service/configservice/conformance_pack.go", Commit: "01f43111"},
	{Token: "aws:cfg/deliveryChannel:DeliveryChannel", NameProperty: "name", Singleton: true,
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "one per account and region, like the recorder; the bucket and key update in place",
		Source: "internal/service/configservice/delivery_channel.go", Commit: "0593466d"},
	{Token: "aws:cfg/recorder:Recorder", NameProperty: "name", Singleton: true,
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "one per account and region; owned by one stack (ownsAccountSingletons)",
		Source: "internal/service/configservice/configuration_recorder.go", Commit: "09034480"},
	{Token: "aws:cfg/recorderStatus:RecorderStatus", NameProperty: "name", Key: []string{"name"}, Put: true,
		Strategy: InPlace, Why: "its name is the recorder's, and it updates in place (it starts or stops that recorder)",
		Source: "internal/service/configservice/configuration_recorder_status.go", Commit: "013f1736"},

	// CloudTrail, CloudWatch, EventBridge.
	{Token: "aws:cloudtrail/trail:Trail", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "bucket policy and role trust name the trail's ARN; bucket, key and log group update in place",
		Source: "internal/service/cloudtrail/trail.go", Commit: "0a9af16a"},
	{Token: "aws:cloudwatch/eventRule:EventRule", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "the alarm topic's policy names the rule's ARN",
		Source: "internal/service/events/rule.go", Commit: "0cdab4ae"},
	{Token: "aws:cloudwatch/eventTarget:EventTarget", Key: []string{"rule", "targetId"}, Put: true,
		ForceNew: []string{"rule", "targetId"}, Strategy: Unnamed,
		Why:    "its rule and target ID are its key (PutTargets): a new target ID puts a second target, then the old one is removed; the topic ARN updates in place",
		Source: "internal/service/events/target.go", Commit: "0762c41e"},
	{Token: "aws:cloudwatch/logGroup:LogGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed,
		Why:    "services write to these exact names (RDS, WAF's aws-waf-logs- prefix, awslogs); the audit groups are protected; key and retention update in place",
		Source: "internal/service/logs/group.go", Commit: "0073593e"},
	{Token: "aws:cloudwatch/logMetricFilter:LogMetricFilter", NameProperty: "name",
		ForceNew: []string{"logGroupName", "name"}, Strategy: Fixed, Why: "stateless; a replacement leaves at most a minute without the metric",
		Source: "internal/service/logs/metric_filter.go", Commit: "0f14e6f6"},
	{Token: "aws:cloudwatch/metricAlarm:MetricAlarm", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "stateless; the name is what the page says",
		Source: "internal/service/cloudwatch/metric_alarm.go", Commit: "055611a6"},

	// EC2 and VPC.
	{Token: "aws:ebs/encryptionByDefault:EncryptionByDefault", Singleton: true, Put: true,
		Strategy: InPlace, Why: "an account setting that updates in place",
		Source: "internal/service/ec2/ebs_encryption_by_default.go", Commit: "30e63fca"},
	{Token: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", Key: []string{"vpcId"}, Put: true,
		ForceNew: []string{"vpcId"}, Strategy: Unnamed,
		Why:    "it adopts the VPC's default group (delete is a no-op); a new VPC brings a new one",
		Source: "internal/service/ec2/vpc_default_security_group.go", Commit: "01f43111"},
	{Token: "aws:ec2/eip:Eip",
		ForceNew: []string{"domain"}, Strategy: Unnamed,
		Why:    "a new Elastic IP is a new egress address partners must allow-list",
		Source: "internal/service/ec2/ec2_eip.go", Commit: "01606926"},
	{Token: "aws:ec2/flowLog:FlowLog",
		ForceNew: []string{"iamRoleArn", "logDestination", "logDestinationType", "maxAggregationInterval", "trafficType", "vpcId"}, Strategy: Unnamed,
		Why:    "every argument replaces it; created first, the VPC is logged twice for a moment rather than not at all",
		Source: "internal/service/ec2/vpc_flow_log.go", Commit: "00a35305"},
	{Token: "aws:ec2/instance:Instance",
		ForceNew: []string{"ami", "associatePublicIpAddress", "rootBlockDevice.encrypted", "subnetId"}, Strategy: Unnamed,
		Why:    "the bastion is stateless (sessions are logged elsewhere); the AMI is ignored after creation; instanceType, metadata options, monitoring and security groups update in place",
		Source: "internal/service/ec2/ec2_instance.go", Commit: "0015dfcd"},
	{Token: "aws:ec2/internetGateway:InternetGateway",
		Strategy: InPlace, Why: "the VPC attachment updates in place (detach, attach)",
		Source: "internal/service/ec2/vpc_internet_gateway.go", Commit: "08923b68"},
	{Token: "aws:ec2/natGateway:NatGateway", Key: []string{"allocationId"},
		ForceNew: []string{"allocationId", "connectivityType", "subnetId"}, Strategy: DeleteFirst,
		Why:    "the new gateway cannot take the Elastic IP the old one still holds; deleting first keeps the address partners allow-list, at the cost of that AZ's egress for a few minutes",
		Source: "internal/service/ec2/vpc_nat_gateway.go", Commit: "04088eaa"},
	{Token: "aws:ec2/route:Route", Key: []string{"routeTableId", "destinationCidrBlock"},
		ForceNew: []string{"destinationCidrBlock", "routeTableId"}, Strategy: Unnamed,
		Why:    "its table and destination are its key; the target (gateway, NAT gateway) updates in place (ReplaceRoute)",
		Source: "internal/service/ec2/vpc_route.go", Commit: "0128541e"},
	{Token: "aws:ec2/routeTable:RouteTable",
		ForceNew: []string{"vpcId"}, Strategy: Unnamed, Why: "a new VPC brings new route tables",
		Source: "internal/service/ec2/vpc_route_table.go", Commit: "02209241"},
	{Token: "aws:ec2/routeTableAssociation:RouteTableAssociation", Key: []string{"subnetId"},
		ForceNew: []string{"subnetId"}, Strategy: Unnamed,
		Why:    "a subnet has one association, its key; moving the subnet to another table updates in place (ReplaceRouteTableAssociation)",
		Source: "internal/service/ec2/vpc_route_table_association.go", Commit: "0be71beb"},
	{Token: "aws:ec2/securityGroup:SecurityGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"description", "name", "namePrefix", "vpcId"}, Strategy: Prefix,
		Why:    "a description edit would delete the rules, then fail to delete the group while ENIs (ALB, tasks, Aurora, bastion) use it (terraform-provider-aws#27476)",
		Source: "internal/service/ec2/vpc_security_group.go", Commit: "01606926"},
	{Token: "aws:ec2/subnet:Subnet", Key: []string{"vpcId", "cidrBlock"},
		ForceNew: []string{"availabilityZone", "cidrBlock", "vpcId"}, Strategy: Fixed,
		Why:    "subnet CIDRs and AZs come from config and are fixed after the first deploy: a new AZ with the same CIDR would be created first and refused (the CIDR is taken), and the old subnet cannot go first while ENIs use it; changing them is a planned migration",
		Source: "internal/service/ec2/vpc_subnet.go", Commit: "00cda125"},
	{Token: "aws:ec2/vpc:Vpc",
		ForceNew: []string{"cidrBlock"}, Strategy: Unnamed,
		Why:    "a new CIDR is a new VPC: every subnet, NAT gateway, security group and target group follows (the diff shows the chain)",
		Source: "internal/service/ec2/vpc_.go", Commit: "00081ce4"},
	{Token: "aws:ec2/vpcEndpoint:VpcEndpoint", Key: []string{"vpcId", "serviceName"},
		ForceNew: []string{"serviceName", "vpcEndpointType", "vpcId"}, Strategy: DeleteFirst,
		Why: "one endpoint per service in the VPC: an interface endpoint's private DNS (CreateVpcEndpoint's PrivateDnsEnabled: a private hosted zone for the service's public name, associated with the VPC) and a gateway endpoint's route in each route table are held once, " +
			"so a replacement created first is refused; deleting first sends that service's calls through NAT, or (tasks without internetEgress) nowhere, for the minutes it takes. Subnets, security groups, route tables and the policy update in place",
		Source: "internal/service/ec2/vpc_endpoint.go", Commit: "008db85a"},
	{Token: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
		ForceNew: []string{"securityGroupId"}, Strategy: Unnamed,
		Why:    "a rule moves to a new group only with it; ports, protocol, description and the peer update in place (switching the peer's kind, CIDR against group, replaces it, which the program never does)",
		Source: "internal/service/ec2/vpc_security_group_egress_rule.go", Commit: "00a32209"},
	{Token: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
		ForceNew: []string{"securityGroupId"}, Strategy: Unnamed,
		Why:    "as the egress rule: ports, protocol, description and the peer update in place",
		Source: "internal/service/ec2/vpc_security_group_ingress_rule.go", Commit: "00a32209"},

	// ECR and ECS.
	{Token: "aws:ecr/lifecyclePolicy:LifecyclePolicy", Key: []string{"repository"}, Put: true,
		ForceNew: []string{"policy", "repository"}, Strategy: DeleteFirst,
		Why:    "the policy has no update, so any edit replaces it; created first, the new policy is put and the old resource's delete then removes the repository's policy, and images are never expired again",
		Source: "internal/service/ecr/lifecycle_policy.go", Commit: "00a35305"},
	{Token: "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", Singleton: true, Put: true,
		Strategy: InPlace, Why: "the registry's one scanning configuration, put in place; its delete puts basic scanning back",
		Source: "internal/service/ecr/registry_scanning_configuration.go", Commit: "004b82ba"},
	{Token: "aws:ecr/repository:Repository", NameProperty: "name",
		ForceNew: []string{"encryptionConfigurations", "name"}, Strategy: Fixed,
		Why:    "the push address of the app pipeline; its key is protected",
		Source: "internal/service/ecr/repository.go", Commit: "0072eea2"},
	{Token: "aws:ecs/cluster:Cluster", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "the cluster name is the stack's name prefix",
		Source: "internal/service/ecs/cluster.go", Commit: "00a35305"},
	{Token: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", Key: []string{"clusterName"}, Put: true,
		ForceNew: []string{"clusterName"}, Strategy: Unnamed,
		Why:    "keyed by its cluster, its only trigger; providers and the default strategy update in place",
		Source: "internal/service/ecs/cluster_capacity_providers.go", Commit: "0619e62a"},
	{Token: "aws:ecs/service:Service", NameProperty: "name",
		ForceNew: []string{"capacityProviderStrategies", "cluster", "name"}, Strategy: Fixed,
		Pins: map[string]any{"capacityProviderStrategies": []any{map[string]any{"capacityProvider": "FARGATE", "weight": 1}}},
		Why: "named <stack>-<service>; the pipeline and alarms address it by that name, so a replacement deletes the running service first (an outage). " +
			"A change of capacityProviderStrategies replaces it unless forceNewDeployment is set (capacityProviderStrategyCustomizeDiff in the provider's 5.x line; the SDK's ServiceArgs doc says the same), so the strategy is pinned (compute.ServiceCapacityProvider)",
		Source: "internal/service/ecs/service.go", Commit: "00a919d1"},
	{Token: "aws:ecs/taskDefinition:TaskDefinition", NameProperty: "family",
		ForceNew: []string{"containerDefinitions", "cpu", "executionRoleArn", "family", "memory", "networkMode", "requiresCompatibilities", "runtimePlatform", "taskRoleArn"}, Strategy: Versioned,
		Why:    "every change registers a new revision of the family (family is required, so pulumi-aws does not autoname it or delete first); old revisions stay (skipDestroy)",
		Source: "internal/service/ecs/task_definition.go", Commit: "04fc21d5"},

	// ELB.
	{Token: "aws:lb/listener:Listener", Key: []string{"loadBalancerArn", "port"},
		ForceNew: []string{"loadBalancerArn"}, Strategy: Unnamed,
		Why:    "a load balancer has one listener per port; only a new load balancer replaces it, and port, protocol, certificate and actions update in place",
		Source: "internal/service/elbv2/listener.go", Commit: "01c08000"},
	{Token: "aws:lb/listenerRule:ListenerRule", Key: []string{"listenerArn", "priority"},
		ForceNew: []string{"listenerArn"}, Strategy: Unnamed,
		Why:    "only a new listener replaces it; priority, conditions and actions update in place",
		Source: "internal/service/elbv2/listener_rule.go", Commit: "032c4f07"},
	{Token: "aws:lb/loadBalancer:LoadBalancer", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"internal", "loadBalancerType", "name", "namePrefix"}, Strategy: Pinned,
		Pins:   map[string]any{"internal": false, "loadBalancerType": "application"},
		Why:    "its DNS name is what clients resolve; replacing it changes the address",
		Source: "internal/service/elbv2/load_balancer.go", Commit: "00edc94b"},
	{Token: "aws:lb/targetGroup:TargetGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "port", "protocol", "targetType", "vpcId"}, Strategy: Pinned,
		Pins:   map[string]any{"port": 80, "protocol": "HTTP", "targetType": "ip"},
		Why:    "a prefix may have 6 characters only, too few to say which stack a group serves; listeners and services reference the group, so a delete-first replacement fails (ResourceInUse)",
		Source: "internal/service/elbv2/target_group.go", Commit: "013cfb4c"},

	// GuardDuty, IAM, KMS.
	{Token: "aws:guardduty/detector:Detector", Singleton: true,
		Strategy: InPlace, Why: "one per account and region; enable and the publishing frequency update in place",
		Source: "internal/service/guardduty/detector.go", Commit: "0060af23"},
	{Token: "aws:guardduty/detectorFeature:DetectorFeature", NameProperty: "name", Key: []string{"detectorId", "name"}, Put: true,
		ForceNew: []string{"additionalConfigurations.name", "detectorId", "name"}, Strategy: Fixed,
		Why:    "its name names the detector's feature, set explicitly, so pulumi-aws replaces it delete-first (the delete is a no-op); its status updates in place",
		Source: "internal/service/guardduty/detector_feature.go", Commit: "0f87934c"},
	{Token: "aws:iam/accountPasswordPolicy:AccountPasswordPolicy", Singleton: true, Put: true,
		Strategy: InPlace, Why: "an account setting that updates in place",
		Source: "internal/service/iam/account_password_policy.go", Commit: "09537f61"},
	{Token: "aws:iam/instanceProfile:InstanceProfile", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "named like the bastion's role; the role updates in place",
		Source: "internal/service/iam/instance_profile.go", Commit: "013f1736"},
	{Token: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", Key: []string{"url"},
		ForceNew: []string{"url"}, Strategy: Unnamed,
		Why:    "(bootstrap) one provider per issuer URL, its key; the audiences update in place",
		Source: "internal/service/iam/openid_connect_provider.go", Commit: "01606926"},
	{Token: "aws:iam/policy:Policy", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"description", "name", "namePrefix"}, Strategy: Prefix,
		Why:    "a description edit would detach and delete the policy before its replacement exists: the role runs without permissions meanwhile (pulumi/pulumi#4712)",
		Source: "internal/service/iam/policy.go", Commit: "01ccd9a2"},
	{Token: "aws:iam/serviceLinkedRole:ServiceLinkedRole", Key: []string{"awsServiceName"},
		ForceNew: []string{"awsServiceName"}, Strategy: Pinned,
		Pins:   map[string]any{"awsServiceName": "reports.backup.amazonaws.com"},
		Why:    "IAM holds one such role per service in the account (a second create fails); its service is pinned, and only its description updates",
		Source: "internal/service/iam/service_linked_role.go", Commit: "01c08000"},
	{Token: "aws:iam/role:Role", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed,
		Why:    "names come from the stack and the role's purpose; trust policies and key policies name them; trust, description and managed policies update in place",
		Source: "internal/service/iam/role.go", Commit: "0040ea69"},
	{Token: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", Key: []string{"role", "policyArn"}, Put: true,
		ForceNew: []string{"policyArn", "role"}, Strategy: Unnamed,
		Why:    "its role and policy are its key: a new policy is attached before the old one is detached",
		Source: "internal/service/iam/role_policy_attachment.go", Commit: "04c79849"},
	{Token: "aws:kms/alias:Alias", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "the alias is how people name the key; the target key updates in place",
		Source: "internal/service/kms/alias.go", Commit: "01c08000"},
	{Token: "aws:kms/key:Key",
		ForceNew: []string{"customerMasterKeySpec", "keyUsage"}, Strategy: Unnamed,
		Why:    "a new key cannot decrypt what the old one encrypted; the keys are protected, so the engine refuses. (pulumi-aws v6.83.4 has no keySpec input: customerMasterKeySpec.)",
		Source: "internal/service/kms/key.go", Commit: "00a35305"},

	// RDS.
	{Token: "aws:rds/cluster:Cluster", NameProperty: "clusterIdentifier", PrefixProperty: "clusterIdentifierPrefix",
		ForceNew: []string{"clusterIdentifier", "clusterIdentifierPrefix", "databaseName", "dbSubnetGroupName", "engine", "engineMode", "kmsKeyId", "masterUsername", "snapshotIdentifier", "storageEncrypted"}, Strategy: Fixed,
		Why:    "the data itself: protected, so the engine refuses any replacement; masterUsername is fixed after the first deploy",
		Source: "internal/service/rds/cluster.go", Commit: "0168cf68"},
	{Token: "aws:rds/clusterInstance:ClusterInstance", NameProperty: "identifier", PrefixProperty: "identifierPrefix",
		ForceNew: []string{"availabilityZone", "clusterIdentifier", "dbSubnetGroupName", "engine", "identifier", "identifierPrefix"}, Strategy: Prefix,
		Why:    "moving the writer's AZ would delete the only instance first; with a prefix the new instance joins, Aurora fails over to it, then the old one goes",
		Source: "internal/service/rds/cluster_instance.go", Commit: "01606926"},
	{Token: "aws:rds/clusterParameterGroup:ClusterParameterGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"description", "family", "name", "namePrefix"}, Strategy: Pinned,
		Pins:   map[string]any{"family": "aurora-postgresql15", "description": "TLS enforced, pgAudit, statement logging"},
		Why:    "the cluster references it by name; it is protected",
		Source: "internal/service/rds/cluster_parameter_group.go", Commit: "01e5fd8f"},
	{Token: "aws:rds/subnetGroup:SubnetGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "named after the cluster; only a stack rename changes it; subnets and description update in place",
		Source: "internal/service/rds/subnet_group.go", Commit: "01c08000"},

	// S3: the bucket, its one-per-bucket settings, and the account's block.
	{Token: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", Singleton: true, Put: true,
		Strategy: InPlace, Why: "an account setting that updates in place (accountId, its only trigger, is not set)",
		Source: "internal/service/s3control/account_public_access_block.go", Commit: "01f43111"},
	{Token: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its bucket, its only trigger; rules update in place",
		Source: "internal/service/s3/bucket_lifecycle_configuration.go", Commit: "01606926"},
	{Token: "aws:s3/bucketLoggingV2:BucketLoggingV2", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its bucket, its only trigger; the target updates in place",
		Source: "internal/service/s3/bucket_logging.go", Commit: "01f43111"},
	{Token: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket", "objectLockEnabled"}, Strategy: DeleteFirst,
		Pins: map[string]any{"objectLockEnabled": "Enabled"},
		Why: "keyed by its bucket; its delete puts a configuration without a default retention. objectLockEnabled is pinned, and should anything else replace it, " +
			"deleting first leaves new objects without default retention between two calls instead of for good",
		Source: "internal/service/s3/bucket_object_lock_configuration.go", Commit: "01c08000"},
	{Token: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its bucket, its only trigger; the rule updates in place",
		Source: "internal/service/s3/bucket_ownership_controls.go", Commit: "01c08000"},
	{Token: "aws:s3/bucketPolicy:BucketPolicy", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its bucket, its only trigger; the document updates in place",
		Source: "internal/service/s3/bucket_policy.go", Commit: "0073593e"},
	{Token: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its bucket, its only trigger; the flags update in place",
		Source: "internal/service/s3/bucket_public_access_block.go", Commit: "01606926"},
	{Token: "aws:s3/bucketReplicationConfig:BucketReplicationConfig", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its source bucket, its only trigger (PutBucketReplication); the role and rules update in place",
		Source: "internal/service/s3/bucket_replication_configuration.go", Commit: "028665b1"},
	{Token: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its bucket, its only trigger; the key and rules update in place",
		Source: "internal/service/s3/bucket_server_side_encryption_configuration.go", Commit: "01606926"},
	{Token: "aws:s3/bucketV2:BucketV2", NameProperty: "bucket", PrefixProperty: "bucketPrefix",
		ForceNew: []string{"bucket", "bucketPrefix"}, Strategy: Fixed,
		Why:    "bucket policies of CloudTrail, Config and ELB name the bucket; the audit buckets are protected",
		Source: "internal/service/s3/bucket.go"},
	{Token: "aws:s3/bucketVersioningV2:BucketVersioningV2", Key: []string{"bucket"}, Put: true,
		ForceNew: []string{"bucket"}, Strategy: Unnamed, Why: "keyed by its bucket, its only trigger; the status updates in place",
		Source: "internal/service/s3/bucket_versioning.go", Commit: "01c08000"},

	// Secrets Manager, Security Hub, SNS, SSM, WAF.
	{Token: "aws:secretsmanager/secret:Secret", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "applications read it by name; protected; key and description update in place",
		Source: "internal/service/secretsmanager/secret.go", Commit: "00c21ced"},
	{Token: "aws:securityhub/account:Account", Singleton: true,
		ForceNew: []string{"enableDefaultStandards"}, Strategy: DeleteFirst,
		Pins: map[string]any{"enableDefaultStandards": false},
		Why: "Security Hub is enabled once per account: created first, enabling it again is refused, and the old resource's delete would disable Security Hub. " +
			"enableDefaultStandards is pinned (the program subscribes to the standards it chooses), and deleting first is the only order that completes",
		Source: "internal/service/securityhub/account.go", Commit: "0527d6a8"},
	{Token: "aws:securityhub/standardsSubscription:StandardsSubscription", Key: []string{"standardsArn"},
		ForceNew: []string{"standardsArn"}, Strategy: Unnamed,
		Why:    "the standard is its key and only trigger: a new standard is subscribed before the old one is dropped",
		Source: "internal/service/securityhub/standards_subscription.go", Commit: "005b5e26"},
	{Token: "aws:sns/topic:Topic", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "subscribers (on-call email) confirm this topic; display name and key update in place",
		Source: "internal/service/sns/topic.go", Commit: "00a35305"},
	{Token: "aws:sns/topicPolicy:TopicPolicy", Key: []string{"arn"}, Put: true,
		ForceNew: []string{"arn"}, Strategy: Unnamed, Why: "keyed by its topic, its only trigger; the document updates in place",
		Source: "internal/service/sns/topic_policy.go", Commit: "00a35305"},
	{Token: "aws:sns/topicSubscription:TopicSubscription", Key: []string{"topic", "protocol", "endpoint"}, Put: true,
		ForceNew: []string{"endpoint", "protocol", "topic"}, Strategy: Unnamed,
		Why:    "topic, protocol and endpoint are its key and every trigger: a new address is subscribed before the old one is removed; an email subscription must be confirmed again by its recipient before pages reach it",
		Source: "internal/service/sns/topic_subscription.go", Commit: "04a2e6e5"},
	{Token: "aws:ssm/document:Document", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed,
		Why:    "Session Manager reads its preferences from exactly SSM-SessionManagerRunShell; content, format and type update in place",
		Source: "internal/service/ssm/document.go", Commit: "0105d219"},
	{Token: "aws:wafv2/webAcl:WebAcl", NameProperty: "name",
		ForceNew: []string{"name", "scope"}, Strategy: Fixed, Why: "its logging group and metrics carry its name; rules update in place",
		Source: "internal/service/wafv2/web_acl.go", Commit: "0073593e"},
	{Token: "aws:wafv2/webAclAssociation:WebAclAssociation", Key: []string{"resourceArn"}, Put: true,
		ForceNew: []string{"resourceArn", "webAclArn"}, Strategy: DeleteFirst,
		Why:    "it has no update, and its delete disassociates whatever web ACL protects the load balancer: created first, a new web ACL is associated and then the old resource's delete leaves the load balancer unprotected",
		Source: "internal/service/wafv2/web_acl_association.go", Commit: "011a8eed"},
	{Token: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", Key: []string{"resourceArn"}, Put: true,
		ForceNew: []string{"logDestinationConfigs", "resourceArn"}, Strategy: DeleteFirst,
		Why:    "a new log destination replaces it, and its delete is keyed by the web ACL: created first, the new configuration is put and the old resource's delete then turns WAF logging off",
		Source: "internal/service/wafv2/web_acl_logging_configuration.go", Commit: "012f18cf"},
}

// Lookup returns the entry for a type token.
func Lookup(token string) (Type, bool) {
	for _, t := range Types {
		if t.Token == token {
			return t, true
		}
	}
	return Type{}, false
}

// top is the top-level input a path reads.
func top(path string) string {
	head, _, _ := strings.Cut(path, ".")
	return head
}

// Values returns what a path reads from inputs, in order: "a.b" reads b
// in the object at a, element by element when a (or anything on the way)
// is an array. A missing field reads nothing.
func Values(inputs map[string]any, path string) []any {
	var walk func(v any, parts []string) []any
	walk = func(v any, parts []string) []any {
		if arr, ok := v.([]any); ok {
			var out []any
			for _, e := range arr {
				out = append(out, walk(e, parts)...)
			}
			return out
		}
		if len(parts) == 0 {
			return []any{v}
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		next, ok := m[parts[0]]
		if !ok || next == nil {
			return nil
		}
		return walk(next, parts[1:])
	}
	parts := strings.Split(path, ".")
	v, ok := inputs[parts[0]]
	if !ok || v == nil {
		return nil
	}
	if len(parts) == 1 {
		return []any{v}
	}
	return walk(v, parts[1:])
}

// Changed reports whether the value a path reads differs between old and
// new inputs; numbers compare by value, whatever their Go type.
func Changed(path string, old, new map[string]any) bool {
	return !Equal(Values(old, path), Values(new, path))
}

// Equal compares two input values as JSON does: 1 and 1.0 are equal.
func Equal(a, b any) bool {
	na, errA := normal(a)
	nb, errB := normal(b)
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a, b)
	}
	return reflect.DeepEqual(na, nb)
}

func normal(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// Triggered returns, sorted, the type's replace-triggering inputs whose
// values differ between old and new inputs, leaving out any whose top-level
// input is ignored (ignoreChanges).
func (t Type) Triggered(old, new map[string]any, ignored []string) []string {
	var out []string
	for _, p := range t.ForceNew {
		if slices.Contains(ignored, top(p)) {
			continue
		}
		if Changed(p, old, new) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// Triggers returns, sorted, which of the replace-triggering inputs of a
// type could have changed, given the top-level inputs that did. Unknown
// types return nil.
func Triggers(token string, changed []string) []string {
	t, ok := Lookup(token)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range t.ForceNew {
		if slices.Contains(changed, top(p)) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// DeletesFirst reports whether the engine deletes a resource of this type
// before creating its replacement, given how the program names it: the
// program asks for it (DeleteFirst), or pulumi-aws does because the name is
// set explicitly (Pinned and Fixed types with a NameProperty).
func DeletesFirst(token string) bool {
	t, ok := Lookup(token)
	if !ok {
		return false
	}
	switch t.Strategy {
	case DeleteFirst:
		return true
	case Pinned, Fixed:
		return t.NameProperty != ""
	}
	return false
}

// Named reports whether pulumi-aws replaces a resource with these inputs
// delete-first by itself: its autonamed name input is set explicitly
// (pulumi-terraform-bridge's nameRequiresDeleteBeforeReplace). Versioned
// types name a family, which is required and not autonamed.
func (t Type) Named(inputs map[string]any) bool {
	if t.NameProperty == "" || t.Strategy == Versioned {
		return false
	}
	s, ok := inputs[t.NameProperty].(string)
	return ok && s != ""
}

// Identity is what AWS holds once for a resource with these inputs: its
// token with its Key values, its explicit name, or (Singleton) the account.
// ok is false when nothing identifies it (a generated name, an ID AWS
// assigns) or a key value is unknown.
func (t Type) Identity(inputs map[string]any) (id string, ok bool) {
	parts := []string{t.Token}
	switch {
	case len(t.Key) > 0:
		for _, k := range t.Key {
			v, set := inputs[k]
			if !set || v == nil {
				return "", false
			}
			b, err := json.Marshal(v)
			if err != nil {
				return "", false
			}
			parts = append(parts, k+"="+string(b))
		}
	case t.Singleton:
	case t.Named(inputs):
		parts = append(parts, t.NameProperty+"="+inputs[t.NameProperty].(string))
	default:
		return "", false
	}
	return strings.Join(parts, " "), true
}
