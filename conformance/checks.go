package conformance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/naming"
)

// Pulumi type tokens the predicates read.
const (
	typeBucket        = "aws:s3/bucketV2:BucketV2"
	typeBucketPAB     = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeBucketOwner   = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeBucketVersion = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeBucketSSE     = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeBucketLife    = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	typeBucketPolicy  = "aws:s3/bucketPolicy:BucketPolicy"
	typeBucketLogging = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeBucketLock    = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	typeBucketRepl    = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	typeBucketNotify  = "aws:s3/bucketNotification:BucketNotification"
	typeAccountPAB    = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	typeTrail         = "aws:cloudtrail/trail:Trail"
	typeAlarm         = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeLB            = "aws:lb/loadBalancer:LoadBalancer"
	typeListener      = "aws:lb/listener:Listener"
	typeWafAssoc      = "aws:wafv2/webAclAssociation:WebAclAssociation"
	typeWebAcl        = "aws:wafv2/webAcl:WebAcl"
	typeWafLogging    = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	typeCluster       = "aws:rds/cluster:Cluster"
	typeClusterInst   = "aws:rds/clusterInstance:ClusterInstance"
	typeDBInstance    = "aws:rds/instance:Instance"
	typeBackupPlan    = "aws:backup/plan:Plan"
	typeBackupSel     = "aws:backup/selection:Selection"
	typeVault         = "aws:backup/vault:Vault"
	typeVaultPolicy   = "aws:backup/vaultPolicy:VaultPolicy"
	typeInstance      = "aws:ec2/instance:Instance"
	typeVolume        = "aws:ebs/volume:Volume"
	typeEbsDefault    = "aws:ebs/encryptionByDefault:EncryptionByDefault"
	typeInstanceProf  = "aws:iam/instanceProfile:InstanceProfile"
	typeRole          = "aws:iam/role:Role"
	typeUser          = "aws:iam/user:User"
	typeGroup         = "aws:iam/group:Group"
	typePolicy        = "aws:iam/policy:Policy"
	typeRolePolicy    = "aws:iam/rolePolicy:RolePolicy"
	typeUserPolicy    = "aws:iam/userPolicy:UserPolicy"
	typeGroupPolicy   = "aws:iam/groupPolicy:GroupPolicy"
	typeAttachment    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeUserAttach    = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
	typePasswordPol   = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
	typeTaskDef       = "aws:ecs/taskDefinition:TaskDefinition"
	typeDetector      = "aws:guardduty/detector:Detector"
	typeHub           = "aws:securityhub/account:Account"
	typeSG            = "aws:ec2/securityGroup:SecurityGroup"
	typeIngress       = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeDefaultSG     = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	typeVpc           = "aws:ec2/vpc:Vpc"
	typeSubnet        = "aws:ec2/subnet:Subnet"
	typeIgw           = "aws:ec2/internetGateway:InternetGateway"
	typeRoute         = "aws:ec2/route:Route"
	typeRouteTable    = "aws:ec2/routeTable:RouteTable"
	typeFlowLog       = "aws:ec2/flowLog:FlowLog"
	typeKey           = "aws:kms/key:Key"
	typeSecret        = "aws:secretsmanager/secret:Secret"
	typeRotation      = "aws:secretsmanager/secretRotation:SecretRotation"
	typeTopic         = "aws:sns/topic:Topic"
	typeSsmDoc        = "aws:ssm/document:Document"
	typeInstanceState = "aws:ec2/instanceState:InstanceState"
	typeClusterSnap   = "aws:rds/clusterSnapshot:ClusterSnapshot"
	typeDBSnap        = "aws:rds/snapshot:Snapshot"
	typeScaling       = "aws:appautoscaling/policy:Policy"
	typeEcsService    = "aws:ecs/service:Service"
	typeVpcEndpoint   = "aws:ec2/vpcEndpoint:VpcEndpoint"
	// typeRecoveryPoint has no Pulumi resource: AWS Backup creates recovery
	// points. AWSCreated models them under this token.
	typeRecoveryPoint = "aws:backup/recoveryPoint:RecoveryPoint"
)

// OwnVpcs, as an AuthorizedVpcIds entry, authorizes every VPC the judged
// stack declares: what the policy pack passes, since a stack's own VPC ID is
// unknown before it is created.
const OwnVpcs = "\x00own-vpcs"

// isManagedPolicy reports whether arn is the AWS managed policy of that
// name, in any partition.
func isManagedPolicy(arn, name string) bool {
	a, err := naming.ParseARN(arn)
	return err == nil && a.Service == "iam" && a.Account == "aws" && a.Resource == "policy/"+name
}

// isService reports whether arn is an ARN of that service, in any partition.
func isService(arn, service string) bool {
	a, err := naming.ParseARN(arn)
	return err == nil && a.Service == service
}

func pass(r *Resource, reason string, args ...any) Evaluation {
	return Evaluation{Resource: r.Name, Compliant: true, Reason: fmt.Sprintf(reason, args...)}
}

func fail(r *Resource, reason string, args ...any) Evaluation {
	return Evaluation{Resource: r.Name, Compliant: false, Reason: fmt.Sprintf(reason, args...)}
}

func verdict(r *Resource, ok bool, yes, no string) Evaluation {
	if ok {
		return pass(r, "%s", yes)
	}
	return fail(r, "%s", no)
}

// each evaluates every resource of the types with one test.
func each(types []string, test func(s *Stack, r *Resource) Evaluation) func(*Stack, Params) []Evaluation {
	return func(s *Stack, _ Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(types...) {
			out = append(out, test(s, r))
		}
		return out
	}
}

// absent guards a rule whose scope this stack does not create: NOT
// APPLICABLE while none exists; the day one does, NON_COMPLIANT until a
// real predicate is written, so the rule is never silently vacuous.
func absent(types ...string) Check {
	return Check{Evaluate: each(types, func(_ *Stack, r *Resource) Evaluation {
		return fail(r, "this stack now creates a %s and the rule has no predicate for it yet: write one in conformance/checks.go", r.Type)
	})}
}

// process marks a rule that evaluates account state no program creates.
func process(what string) Check { return Check{Process: what} }

// bucketPart returns the one sub-resource of a bucket (encryption,
// versioning...), found by the bucket's ID.
func bucketPart(s *Stack, bucket *Resource, typ string) *Resource {
	if l := s.Refer(typ, "bucket", bucket.ID); len(l) > 0 {
		return l[0]
	}
	return nil
}

func buckets(test func(s *Stack, b *Resource) Evaluation) func(*Stack, Params) []Evaluation {
	return each([]string{typeBucket}, test)
}

func publicAccessBlocked(r *Resource) bool {
	return r != nil && r.Bool("blockPublicAcls") && r.Bool("blockPublicPolicy") && r.Bool("ignorePublicAcls") && r.Bool("restrictPublicBuckets")
}

func sseDefault(s *Stack, b *Resource) map[string]any {
	sse := bucketPart(s, b, typeBucketSSE)
	if sse == nil || len(sse.List("rules")) == 0 {
		return nil
	}
	rule, _ := sse.List("rules")[0].(map[string]any)
	m, _ := rule["applyServerSideEncryptionByDefault"].(map[string]any)
	return m
}

func versioned(s *Stack, b *Resource) bool {
	v := bucketPart(s, b, typeBucketVersion)
	return v != nil && v.Map("versioningConfiguration")["status"] == "Enabled"
}

// deniesInsecureTransport: the bucket policy denies every request with
// aws:SecureTransport false.
func deniesInsecureTransport(s *Stack, b *Resource) bool {
	p := bucketPart(s, b, typeBucketPolicy)
	if p == nil {
		return false
	}
	for _, st := range statements(p.Str("policy")) {
		if st.Effect == "Deny" && slices.Contains(st.principals(), "*") && slices.Contains(strs(st.Condition["Bool"]["aws:SecureTransport"]), "false") {
			return true
		}
	}
	return false
}

// clusterOf returns an Aurora instance's cluster.
func clusterOf(s *Stack, inst *Resource) *Resource {
	if c := s.ByID(inst.Str("clusterIdentifier")); c != nil {
		return c
	}
	for _, c := range s.OfType(typeCluster) {
		if c.Str("clusterIdentifier") == inst.Str("clusterIdentifier") {
			return c
		}
	}
	return nil
}

// inBackupPlan: some backup selection names the resource's ARN, one ending
// in ":<kind>:<identifier>" (RDS) or ":<kind>/<identifier>" (EC2); the ARN
// carries account and region.
func inBackupPlan(s *Stack, kind, identifier string) bool {
	if identifier == "" {
		return false
	}
	for _, sel := range s.OfType(typeBackupSel) {
		for _, arn := range sel.Strings("resources") {
			if arn == "*" || strings.HasSuffix(arn, ":"+kind+":"+identifier) || strings.HasSuffix(arn, ":"+kind+"/"+identifier) {
				return true
			}
		}
	}
	return false
}

// openToWorld: an ingress rule from 0.0.0.0/0 or ::/0, with its port range
// (all ports for protocol -1).
func openToWorld(r *Resource) (from, to int, tcp, ok bool) {
	if r.Str("cidrIpv4") != "0.0.0.0/0" && r.Str("cidrIpv6") != "::/0" {
		return 0, 0, false, false
	}
	if p := r.Str("ipProtocol"); p == "-1" || p == "all" {
		return 0, 65535, true, true
	}
	return int(r.Num("fromPort")), int(r.Num("toPort")), r.Str("ipProtocol") == "tcp" || r.Str("ipProtocol") == "6", true
}

func csvInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// allowsOnAll lists the Allow statements' actions that act on Resource "*".
func allowsOnAll(doc string) []string {
	var out []string
	for _, st := range statements(doc) {
		if st.Effect == "Allow" && slices.Contains(strs(st.Resource), "*") {
			out = append(out, strs(st.Action)...)
		}
	}
	return out
}

// blocked reports which of the actions fall under the blocked patterns.
func blocked(actions []string, patterns string) []string {
	var out []string
	for _, a := range actions {
		for _, p := range strings.Split(patterns, ",") {
			p = strings.TrimSpace(p)
			if p != "" && (matches(p, a) || matches(a, strings.ReplaceAll(p, "*", "X"))) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// taskContainers parses a task definition's container definitions.
func taskContainers(r *Resource) []map[string]any {
	var out []map[string]any
	if raw := r.Str("containerDefinitions"); raw != "" {
		_ = jsonUnmarshal(raw, &out)
	}
	return out
}

// vaultDeniesDeletion judges one vault as AWS Config's
// backup-recovery-point-manual-deletion-disabled does, by its documented
// criteria: a Deny statement with wildcard Principal and Resource naming
// backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle and
// backup:PutBackupVaultAccessPolicy. A condition on it may only exempt
// principals by aws:PrincipalArn, and each exempted principal must be one the
// rule's principalArnList parameter ("IAM ARNs for the rule to NOT check")
// names, as a pattern or exactly; anything else is judged NON_COMPLIANT,
// since the rule would then see principals allowed to delete.
func vaultDeniesDeletion(s *Stack, r *Resource, p Params) Evaluation {
	for _, vp := range s.Refer(typeVaultPolicy, "backupVaultName", r.Str("name")) {
		for _, st := range statements(vp.Str("policy")) {
			acts := strs(st.Action)
			if st.Effect != "Deny" || !slices.Contains(st.principals(), "*") || !slices.Contains(strs(st.Resource), "*") ||
				!slices.Contains(acts, "backup:DeleteRecoveryPoint") || !slices.Contains(acts, "backup:UpdateRecoveryPointLifecycle") ||
				!slices.Contains(acts, "backup:PutBackupVaultAccessPolicy") {
				continue
			}
			exempt, ok := principalExemptions(st)
			if !ok {
				return fail(r, "the vault policy's deny carries a condition other than an aws:PrincipalArn exemption")
			}
			skipped := strings.Split(p["principalArnList"], ",")
			for _, arn := range exempt {
				if !slices.ContainsFunc(skipped, func(pattern string) bool {
					pattern = strings.TrimSpace(pattern)
					return pattern != "" && matches(pattern, arn)
				}) {
					return fail(r, "the vault policy's deny exempts %s, which the rule's principalArnList does not name", arn)
				}
			}
			if len(exempt) > 0 {
				return pass(r, "the vault policy denies deleting recovery points to everyone but %s, which the rule does not check (principalArnList)", strings.Join(exempt, ", "))
			}
			return pass(r, "the vault policy denies deleting recovery points to everyone")
		}
	}
	return fail(r, "no vault policy denies deleting recovery points")
}

// principalExemptions returns the principal ARNs a statement's condition
// exempts (ArnNotEquals, ArnNotLike, StringNotEquals or StringNotLike on
// aws:PrincipalArn), and false if the condition tests anything else.
func principalExemptions(st policyStatement) ([]string, bool) {
	var out []string
	for op, keys := range st.Condition {
		switch op {
		case "ArnNotEquals", "ArnNotLike", "StringNotEquals", "StringNotLike":
		default:
			return nil, false
		}
		for key, v := range keys {
			if !strings.EqualFold(key, "aws:PrincipalArn") {
				return nil, false
			}
			out = append(out, strs(v)...)
		}
	}
	slices.Sort(out)
	return out, true
}
