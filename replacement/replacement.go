// Package replacement records, as data, what replaces each AWS resource this
// program names explicitly, and how the program keeps that replacement safe.
//
// When a resource has an explicit physical name, pulumi-aws must delete it
// before creating its replacement (two cannot share the name), and the engine
// then deletes its dependents first (pulumi/pulumi-terraform#383, #465). A
// change to any input the provider cannot update in place ("forces
// replacement" in the Terraform AWS provider's documentation, which
// pulumi-aws wraps) triggers that. The table below lists those inputs per
// type, with where they are documented, and the program's answer for each.
// The topology tests check that every explicitly named resource has an
// entry and follows it; the offline diff flags a change to a listed input.
package replacement

import (
	"slices"
	"sort"
)

// Strategy is how the program makes a replacement of a type safe.
type Strategy string

const (
	// Prefix: the provider generates the name from a prefix, so the engine
	// creates the replacement first, moves dependents to it, then deletes
	// the old one.
	Prefix Strategy = "prefix"
	// Pinned: every replace-triggering input except the name is a constant
	// in code, with a comment saying why it must not change.
	Pinned Strategy = "pinned"
	// Fixed: the name (and any other trigger) derives from the stack name
	// or from config that is fixed after the first deploy; changing it is a
	// planned migration, not a routine `pulumi up`. Protected resources
	// make the engine refuse such a replacement outright.
	Fixed Strategy = "fixed"
	// Versioned: a replacement is a new version beside the old one under
	// the same name (task-definition revisions), so nothing is deleted first.
	Versioned Strategy = "versioned"
	// DeleteFirst: the type has no name, but holds something only one
	// resource can hold at a time (a NAT gateway's Elastic IP); the program
	// sets deleteBeforeReplace so a replacement completes instead of
	// failing, and docs/runbooks.md ("Replacements") says what the gap costs.
	DeleteFirst Strategy = "delete-first"
	// Unnamed: the type has no physical name, so the engine creates the
	// replacement first; the entry exists so the offline diff (synth diff)
	// can flag a replacement and follow it to what references the resource.
	Unnamed Strategy = "unnamed"
)

// Type is one resource type's replacement facts.
type Type struct {
	// Token is the Pulumi type token, e.g. "aws:ec2/securityGroup:SecurityGroup".
	Token string
	// NameProperty is the input holding the explicit physical name ("" for none).
	NameProperty string
	// PrefixProperty is the input that makes the provider generate the name
	// ("" when the type has none).
	PrefixProperty string
	// ForceNew lists the inputs the program sets (or could set) whose change
	// replaces the resource, naming inputs included.
	ForceNew []string
	// Strategy is the program's answer.
	Strategy Strategy
	// Pins are, for Pinned types, the constant value of each non-name
	// replace-triggering input; the tests hold every resource of the type to them.
	Pins map[string]any
	// Why says why the strategy fits this type.
	Why string
	// Source is where the provider documents the replace-triggering inputs.
	Source string
}

// tf is the Terraform AWS provider's registry documentation, which pulumi-aws
// wraps; each resource page marks the inputs that force a new resource.
const tf = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/"

// Types lists every type the program names explicitly, plus the unnamed
// types that need a replacement decision, by token.
var Types = []Type{
	{Token: "aws:ec2/securityGroup:SecurityGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "description", "vpcId"}, Strategy: Prefix,
		Why:    "a description edit would delete the rules, then fail to delete the group while ENIs (ALB, tasks, Aurora, bastion) use it (terraform-provider-aws#27476)",
		Source: tf + "security_group"},
	{Token: "aws:iam/policy:Policy", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "description", "path"}, Strategy: Prefix,
		Why:    "a description edit would detach and delete the policy before its replacement exists: the role runs without permissions meanwhile (pulumi/pulumi#4712)",
		Source: tf + "iam_policy"},
	{Token: "aws:rds/clusterInstance:ClusterInstance", NameProperty: "identifier", PrefixProperty: "identifierPrefix",
		ForceNew: []string{"identifier", "identifierPrefix", "availabilityZone", "clusterIdentifier", "engine", "dbSubnetGroupName"}, Strategy: Prefix,
		Why:    "moving the writer's AZ would delete the only instance first; with a prefix the new instance joins, Aurora fails over to it, then the old one goes",
		Source: tf + "rds_cluster_instance"},
	{Token: "aws:lb/targetGroup:TargetGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType"}, Strategy: Pinned,
		Pins:   map[string]any{"port": 80, "protocol": "HTTP", "targetType": "ip"},
		Why:    "a prefix may have 6 characters only, too few to say which stack a group serves; listeners and services reference the group, so a delete-first replacement fails (ResourceInUse)",
		Source: tf + "lb_target_group"},
	{Token: "aws:lb/loadBalancer:LoadBalancer", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "internal", "loadBalancerType"}, Strategy: Pinned,
		Pins:   map[string]any{"internal": false, "loadBalancerType": "application"},
		Why:    "its DNS name is what clients resolve; replacing it changes the address",
		Source: tf + "lb"},
	{Token: "aws:rds/clusterParameterGroup:ClusterParameterGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "family", "description"}, Strategy: Pinned,
		Pins:   map[string]any{"family": "aurora-postgresql15", "description": "TLS enforced, pgAudit, statement logging"},
		Why:    "the cluster references it by name; it is protected",
		Source: tf + "rds_cluster_parameter_group"},
	{Token: "aws:ssm/document:Document", NameProperty: "name",
		ForceNew: []string{"name", "documentType"}, Strategy: Pinned,
		Pins:   map[string]any{"documentType": "Session"},
		Why:    "Session Manager reads its preferences from exactly SSM-SessionManagerRunShell",
		Source: tf + "ssm_document"},
	{Token: "aws:ecs/taskDefinition:TaskDefinition", NameProperty: "family",
		ForceNew: []string{"family", "containerDefinitions", "cpu", "memory", "executionRoleArn", "taskRoleArn", "networkMode", "requiresCompatibilities", "runtimePlatform", "volumes"}, Strategy: Versioned,
		Why:    "every change registers a new revision of the family; old revisions stay (skipDestroy)",
		Source: tf + "ecs_task_definition"},
	{Token: "aws:ec2/natGateway:NatGateway",
		ForceNew: []string{"allocationId", "subnetId", "connectivityType"}, Strategy: DeleteFirst,
		Why:    "the new gateway cannot take the Elastic IP the old one still holds; deleting first keeps the address partners allow-list, at the cost of that AZ's egress for a few minutes",
		Source: tf + "nat_gateway"},
	{Token: "aws:rds/cluster:Cluster", NameProperty: "clusterIdentifier", PrefixProperty: "clusterIdentifierPrefix",
		ForceNew: []string{"clusterIdentifier", "clusterIdentifierPrefix", "engine", "engineMode", "databaseName", "masterUsername", "storageEncrypted", "kmsKeyId", "dbSubnetGroupName", "availabilityZones"}, Strategy: Fixed,
		Why:    "the data itself: protected, so the engine refuses any replacement; masterUsername is fixed after the first deploy",
		Source: tf + "rds_cluster"},
	{Token: "aws:rds/subnetGroup:SubnetGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "named after the cluster; only a stack rename changes it", Source: tf + "db_subnet_group"},
	{Token: "aws:iam/role:Role", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "path"}, Strategy: Fixed,
		Why:    "names come from the stack and the role's purpose; trust policies and key policies name them; the description updates in place",
		Source: tf + "iam_role"},
	{Token: "aws:iam/instanceProfile:InstanceProfile", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "path"}, Strategy: Fixed, Why: "named like the bastion's role", Source: tf + "iam_instance_profile"},
	{Token: "aws:ecs/cluster:Cluster", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "the cluster name is the stack's name prefix", Source: tf + "ecs_cluster"},
	{Token: "aws:ecs/service:Service", NameProperty: "name",
		ForceNew: []string{"name", "cluster", "launchType", "schedulingStrategy"}, Strategy: Fixed,
		Why:    "named <stack>-<service>; the pipeline and alarms address it by that name",
		Source: tf + "ecs_service"},
	{Token: "aws:ecr/repository:Repository", NameProperty: "name",
		ForceNew: []string{"name", "encryptionConfigurations"}, Strategy: Fixed,
		Why:    "the push address of the app pipeline; its key is protected",
		Source: tf + "ecr_repository"},
	{Token: "aws:kms/alias:Alias", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "the alias is how people name the key", Source: tf + "kms_alias"},
	{Token: "aws:secretsmanager/secret:Secret", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed, Why: "applications read it by name; protected", Source: tf + "secretsmanager_secret"},
	{Token: "aws:s3/bucketV2:BucketV2", NameProperty: "bucket", PrefixProperty: "bucketPrefix",
		ForceNew: []string{"bucket", "bucketPrefix"}, Strategy: Fixed,
		Why:    "bucket policies of CloudTrail, Config and ELB name the bucket; the audit buckets are protected",
		Source: tf + "s3_bucket"},
	{Token: "aws:cloudwatch/logGroup:LogGroup", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix"}, Strategy: Fixed,
		Why:    "services write to these exact names (RDS, WAF's aws-waf-logs- prefix, awslogs); the audit groups are protected",
		Source: tf + "cloudwatch_log_group"},
	{Token: "aws:cloudwatch/logMetricFilter:LogMetricFilter", NameProperty: "name",
		ForceNew: []string{"name", "logGroupName"}, Strategy: Fixed, Why: "stateless; a replacement leaves at most a minute without the metric", Source: tf + "cloudwatch_log_metric_filter"},
	{Token: "aws:cloudwatch/metricAlarm:MetricAlarm", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "stateless; the name is what the page says", Source: tf + "cloudwatch_metric_alarm"},
	{Token: "aws:cloudwatch/eventRule:EventRule", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "eventBusName"}, Strategy: Fixed, Why: "the alarm topic's policy names the rule's ARN", Source: tf + "cloudwatch_event_rule"},
	{Token: "aws:sns/topic:Topic", NameProperty: "name", PrefixProperty: "namePrefix",
		ForceNew: []string{"name", "namePrefix", "fifoTopic"}, Strategy: Fixed, Why: "subscribers (on-call email) confirm this topic", Source: tf + "sns_topic"},
	{Token: "aws:wafv2/webAcl:WebAcl", NameProperty: "name",
		ForceNew: []string{"name", "scope"}, Strategy: Fixed, Why: "its logging group and metrics carry its name", Source: tf + "wafv2_web_acl"},
	{Token: "aws:cloudtrail/trail:Trail", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "bucket policy and role trust name the trail's ARN", Source: tf + "cloudtrail"},
	{Token: "aws:cfg/recorder:Recorder", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "one per account and region; owned by one stack (ownsAccountSingletons)", Source: tf + "config_configuration_recorder"},
	{Token: "aws:cfg/deliveryChannel:DeliveryChannel", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "one per account and region, like the recorder", Source: tf + "config_delivery_channel"},
	{Token: "aws:cfg/recorderStatus:RecorderStatus", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "the recorder's name", Source: tf + "config_configuration_recorder_status"},
	{Token: "aws:backup/vault:Vault", NameProperty: "name",
		ForceNew: []string{"name", "kmsKeyArn"}, Strategy: Fixed, Why: "it holds the recovery points; protected, and its name derives from the stack", Source: tf + "backup_vault"},
	{Token: "aws:backup/plan:Plan", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "its name derives from the stack; rules change in place", Source: tf + "backup_plan"},
	{Token: "aws:backup/selection:Selection", NameProperty: "name",
		ForceNew: []string{"name", "planId", "iamRoleArn", "resources", "notResources", "conditions", "selectionTags"}, Strategy: Fixed, Why: "every argument replaces it; its name, role and the cluster ARN derive from the stack, and a replacement only re-selects the cluster", Source: tf + "backup_selection"},
	{Token: "aws:cfg/conformancePack:ConformancePack", NameProperty: "name",
		ForceNew: []string{"name"}, Strategy: Fixed, Why: "the auditor finds the evidence under this name", Source: tf + "config_conformance_pack"},
	{Token: "aws:ec2/vpc:Vpc", ForceNew: []string{"cidrBlock"}, Strategy: Unnamed,
		Why:    "a new CIDR is a new VPC: every subnet, NAT gateway, security group and target group follows (the diff shows the chain)",
		Source: tf + "vpc"},
	{Token: "aws:ec2/subnet:Subnet", ForceNew: []string{"vpcId", "cidrBlock", "availabilityZone"}, Strategy: Unnamed,
		Why:    "subnet CIDRs and AZs come from config and are fixed after the first deploy",
		Source: tf + "subnet"},
	{Token: "aws:ec2/eip:Eip", ForceNew: []string{"domain"}, Strategy: Unnamed,
		Why:    "a new Elastic IP is a new egress address partners must allow-list",
		Source: tf + "eip"},
	{Token: "aws:kms/key:Key", ForceNew: []string{"customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion"}, Strategy: Unnamed,
		Why:    "a new key cannot decrypt what the old one encrypted; the keys are protected, so the engine refuses",
		Source: tf + "kms_key"},
	{Token: "aws:ec2/instance:Instance", ForceNew: []string{"ami", "availabilityZone", "subnetId", "keyName", "privateIp", "rootBlockDevice"}, Strategy: Unnamed,
		Why:    "the bastion is stateless (sessions are logged elsewhere); the AMI is ignored after creation",
		Source: tf + "instance"},
	{Token: "aws:appautoscaling/policy:Policy", NameProperty: "name",
		ForceNew: []string{"name", "resourceId", "scalableDimension", "serviceNamespace"}, Strategy: Fixed,
		Why:    "stateless; a replacement pauses scaling for seconds",
		Source: tf + "appautoscaling_policy"},
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

// Triggers returns, sorted, which of the changed input properties of a
// resource of the given type force its replacement. Unknown types return nil:
// the table covers what this program names, not every AWS type.
func Triggers(token string, changed []string) []string {
	t, ok := Lookup(token)
	if !ok {
		return nil
	}
	var out []string
	for _, p := range changed {
		if slices.Contains(t.ForceNew, p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// DeletesFirst reports whether the engine would delete a resource of this
// type before creating its replacement, given how the program names it:
// explicitly named types are replaced delete-first, as are DeleteFirst types.
func DeletesFirst(token string) bool {
	t, ok := Lookup(token)
	if !ok {
		return false
	}
	switch t.Strategy {
	case Prefix, Versioned, Unnamed:
		return false
	}
	return true
}
