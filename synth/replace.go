package synth

import "slices"

// ReplaceOnlyProperty is an input AWS cannot change in place: changing it
// makes Pulumi delete and re-create the resource.
type ReplaceOnlyProperty struct {
	// Name is the Pulumi input name, e.g. "kmsKeyId".
	Name string
	// Source documents that a change forces a new resource.
	Source string
}

// tf is the Terraform AWS provider's page for a resource: pulumi-aws v6 is
// bridged from that provider, whose "Forces new resource" marks become
// Pulumi replacements; the CloudFormation reference says the same as
// "Update requires: Replacement".
func tf(resource string) string {
	return "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/" + resource
}

// replaceOnlyProperties is the one table of replace-triggering inputs the
// diff consults, by type token. Keep it as data: a new type or property is
// one line with its source.
var replaceOnlyProperties = map[string][]ReplaceOnlyProperty{
	"aws:rds/cluster:Cluster": props(tf("rds_cluster"), "clusterIdentifier", "kmsKeyId", "storageEncrypted", "databaseName",
		"masterUsername", "engine", "engineMode", "dbSubnetGroupName", "availabilityZones", "snapshotIdentifier"),
	"aws:rds/clusterInstance:ClusterInstance":             props(tf("rds_cluster_instance"), "identifier", "clusterIdentifier", "engine", "dbSubnetGroupName", "availabilityZone"),
	"aws:rds/subnetGroup:SubnetGroup":                     props(tf("db_subnet_group"), "name"),
	"aws:rds/clusterParameterGroup:ClusterParameterGroup": props(tf("rds_cluster_parameter_group"), "name", "family", "description"),
	"aws:kms/key:Key":                                     props(tf("kms_key"), "customerMasterKeySpec", "keyUsage", "multiRegion"),
	"aws:kms/alias:Alias":                                 props(tf("kms_alias"), "name"),
	"aws:s3/bucketV2:BucketV2":                            props(tf("s3_bucket"), "bucket", "bucketPrefix", "objectLockEnabled"),
	"aws:cloudwatch/logGroup:LogGroup":                    props(tf("cloudwatch_log_group"), "name", "namePrefix"),
	"aws:secretsmanager/secret:Secret":                    props(tf("secretsmanager_secret"), "name", "namePrefix"),
	"aws:ecr/repository:Repository":                       props(tf("ecr_repository"), "name", "encryptionConfigurations"),
	"aws:sns/topic:Topic":                                 props(tf("sns_topic"), "name", "namePrefix", "fifoTopic"),
	"aws:cloudtrail/trail:Trail":                          props(tf("cloudtrail"), "name"),
	"aws:ec2/vpc:Vpc":                                     props(tf("vpc"), "cidrBlock"),
	"aws:ec2/subnet:Subnet":                               props(tf("subnet"), "vpcId", "cidrBlock", "availabilityZone"),
	"aws:ec2/eip:Eip":                                     props(tf("eip"), "domain"),
	"aws:ec2/natGateway:NatGateway":                       props(tf("nat_gateway"), "allocationId", "subnetId", "connectivityType"),
	"aws:ec2/securityGroup:SecurityGroup":                 props(tf("security_group"), "name", "namePrefix", "description", "vpcId"),
	"aws:ec2/instance:Instance":                           props(tf("instance"), "ami", "availabilityZone", "subnetId", "keyName", "privateIp", "rootBlockDevice"),
	"aws:lb/loadBalancer:LoadBalancer":                    props(tf("lb"), "name", "namePrefix", "internal", "loadBalancerType"),
	"aws:lb/targetGroup:TargetGroup":                      props(tf("lb_target_group"), "name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId"),
	"aws:wafv2/webAcl:WebAcl":                             props(tf("wafv2_web_acl"), "name", "scope"),
	"aws:ecs/cluster:Cluster":                             props(tf("ecs_cluster"), "name"),
	"aws:ecs/service:Service":                             props(tf("ecs_service"), "name", "cluster", "launchType"),
	"aws:cfg/recorder:Recorder":                           props(tf("config_configuration_recorder"), "name"),
	"aws:cfg/conformancePack:ConformancePack":             props(tf("config_conformance_pack"), "name"),
	"aws:iam/role:Role":                                   props(tf("iam_role"), "name", "namePrefix", "path"),
	"aws:ssm/document:Document":                           props(tf("ssm_document"), "name", "documentType"),
}

func props(source string, names ...string) []ReplaceOnlyProperty {
	out := make([]ReplaceOnlyProperty, len(names))
	for i, n := range names {
		out[i] = ReplaceOnlyProperty{Name: n, Source: source}
	}
	return out
}

// ReplaceOnly returns the inputs of a type that AWS cannot change in place.
// The diff takes any function of this shape, so the table can move to the
// package that owns day-two safety without touching the diff.
func ReplaceOnly(typ string) []ReplaceOnlyProperty { return replaceOnlyProperties[typ] }

// statefulTypes hold data or identity that a replacement or deletion loses:
// the database, buckets, log groups, keys, secrets, images, the trail, the
// alarm topic's confirmed subscriptions, and public addresses others allow-list.
var statefulTypes = []string{
	"aws:rds/cluster:Cluster",
	"aws:rds/clusterInstance:ClusterInstance",
	"aws:s3/bucketV2:BucketV2",
	"aws:cloudwatch/logGroup:LogGroup",
	"aws:kms/key:Key",
	"aws:secretsmanager/secret:Secret",
	"aws:ecr/repository:Repository",
	"aws:cloudtrail/trail:Trail",
	"aws:sns/topic:Topic",
	"aws:ec2/eip:Eip",
	"aws:backup/vault:Vault",
}

// Stateful reports whether a resource holds what a replacement or deletion
// would lose: a stateful type, or anything protected or retained on delete.
func Stateful(r *Resource) bool {
	return r.Protect || r.RetainOnDelete || slices.Contains(statefulTypes, r.Type)
}
