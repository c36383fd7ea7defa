package tests

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

const (
	tKey           = "aws:kms/key:Key"
	tAlias         = "aws:kms/alias:Alias"
	tSecret        = "aws:secretsmanager/secret:Secret"
	tSecretVersion = "aws:secretsmanager/secretVersion:SecretVersion"
	tSG            = "aws:ec2/securityGroup:SecurityGroup"
	tIngress       = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tEgress        = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

// account is the offline mock's account (synth.AccountID).
const account = synth.AccountID

func keyPolicy(t *testing.T, r *synth.Result, purpose string) policy.Document {
	t.Helper()
	doc, err := policy.Parse(find(t, r, tKey, "keys-"+purpose).Str("policy"))
	require.NoError(t, err)
	return doc
}

func statement(t *testing.T, doc policy.Document, sid string) policy.Statement {
	t.Helper()
	for _, st := range doc.Statement {
		if st.Sid == sid {
			return st
		}
	}
	t.Fatalf("policy has no statement %s", sid)
	return policy.Statement{}
}

// ruleKmsKeys: every purpose has its own key (every store is encrypted
// with a key of its own purpose), rotating, with AWS's deletion window,
// protected, aliased by the stack's prefix, usable only by the services
// that store data under it.
func ruleKmsKeys(t *testing.T, s *stack) {
	// The recovery region's keys are ruleRecoveryVault's and
	// ruleAuditReplication's.
	inRegion := func(typ string) (n int) {
		for _, r := range s.OfType(typ) {
			if r.Region == s.scope.Region {
				n++
			}
		}
		return n
	}
	require.Equal(t, len(security.Purposes), inRegion(tKey))
	require.Equal(t, len(security.Purposes), inRegion(tAlias))
	via := func(service string) string { return "via " + s.scope.ServicePrincipal(service) }
	wantUsers := map[security.Purpose][]string{
		security.AuroraKey:    {via("rds")},
		security.S3Key:        {"cloudtrail.amazonaws.com", "config.amazonaws.com", via("s3")},
		security.SecretsKey:   {via("ecr"), via("secretsmanager")},
		security.LogsKey:      {"cloudwatch.amazonaws.com", "events.amazonaws.com", s.scope.ServicePrincipal("logs"), via("sns")},
		security.AuditLogsKey: {s.scope.ServicePrincipal("logs"), "role/" + s.name("bastion"), "role/" + s.name("bastion-engineer")},
		security.BackupKey:    {via("backup")},
	}
	require.Len(t, wantUsers, len(security.Purposes), "every purpose's users are listed here")
	for _, purpose := range security.Purposes {
		k := find(t, s.Result, tKey, "keys-"+string(purpose))
		assert.Equal(t, true, k.Inputs["enableKeyRotation"], purpose)
		assert.EqualValues(t, security.KeyDeletionWindowDays, k.Inputs["deletionWindowInDays"], purpose)
		assert.Equal(t, "SYMMETRIC_DEFAULT", k.Str("customerMasterKeySpec"), purpose)
		assert.True(t, k.Protect, "the %s key must be protected", purpose)
		alias := find(t, s.Result, tAlias, "keys-"+string(purpose)+"-alias")
		assert.Equal(t, "alias/"+s.name(string(purpose)), alias.Str("name"))
		assert.Equal(t, k.Computed["keyId"], alias.Str("targetKeyId"))
		doc := keyPolicy(t, s.Result, string(purpose))
		assert.Equal(t, wantUsers[purpose], report.KeyUsers(doc), "who may use the %s key", purpose)
		// Who administers it, and who alone may disable it: tests/custody_test.go.
	}
}

// ruleNoUnconditionedWildcardPrincipal: a key policy's "*" principal is
// always pinned to this account where it allows (a deny may name everyone).
func ruleNoUnconditionedWildcardPrincipal(t *testing.T, s *stack) {
	for _, k := range s.OfType(tKey) {
		doc, err := policy.Parse(k.Str("policy"))
		require.NoError(t, err)
		for _, st := range doc.Statement {
			if st.Effect == "Deny" {
				continue
			}
			for _, p := range st.Principal["AWS"] {
				if p == "*" {
					assert.Equal(t, []string{s.scope.Account}, st.Condition["StringEquals"]["kms:CallerAccount"], "%s %s", k.Name, st.Sid)
					assert.NotEmpty(t, st.Condition["StringEquals"]["kms:ViaService"], "%s %s", k.Name, st.Sid)
				}
			}
		}
	}
}

func ruleKeyPolicyConditions(t *testing.T, s *stack) {
	logs := statement(t, keyPolicy(t, s.Result, "logs"), "CloudWatchLogsEncryptsLogGroups")
	assert.Equal(t, policy.Service(s.scope.ServicePrincipal("logs")), logs.Principal)
	assert.Equal(t, []string{s.arn("logs", "log-group:*")}, logs.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"])
	assert.ElementsMatch(t, []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, logs.Action)

	alarms := statement(t, keyPolicy(t, s.Result, "logs"), "CloudWatchAlarmsPublishToTopic")
	assert.Equal(t, policy.Service("cloudwatch.amazonaws.com"), alarms.Principal)
	assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, alarms.Action)
	assert.Equal(t, []string{s.scope.Account}, alarms.Condition["StringEquals"]["aws:SourceAccount"], "confused deputy: only this account's alarms")
	assert.Equal(t, []string{s.arn("cloudwatch", "alarm:*")}, alarms.Condition["ArnLike"]["aws:SourceArn"])
	// SNS does not support aws:SourceAccount/aws:SourceArn in a key policy
	// for EventBridge delivery: with them every finding would be dropped.
	events := statement(t, keyPolicy(t, s.Result, "logs"), "EventBridgePublishesToTopic")
	assert.Equal(t, policy.Service("events.amazonaws.com"), events.Principal)
	assert.Empty(t, events.Condition)

	s3 := keyPolicy(t, s.Result, "s3")
	trail := statement(t, s3, "CloudTrailEncryptsLogs")
	assert.Equal(t, []string{"kms:GenerateDataKey*"}, trail.Action)
	anyTrail := naming.ARN{Partition: s.scope.Partition, Service: "cloudtrail", Region: "*", Account: s.scope.Account, Resource: "trail/*"}
	assert.Equal(t, []string{anyTrail.String()}, trail.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"])
	assert.Equal(t, []string{s.arn("cloudtrail", "trail/"+s.scope.Prefix)}, trail.Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"kms:DescribeKey"}, statement(t, s3, "CloudTrailDescribesKey").Action)
	config := statement(t, s3, "ConfigDeliversSnapshots")
	assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, config.Action)
	assert.Equal(t, []string{s.scope.Account}, config.Condition["StringEquals"]["aws:SourceAccount"])
}

// ruleApiKeysSecrets: every service that asks for API keys has a secret of
// its own, encrypted with the Secrets key, protected, never written by
// Pulumi; and only those services have one.
func ruleApiKeysSecrets(t *testing.T, s *stack) {
	var asking []string
	for _, svc := range s.cfg.ServiceNames() {
		if slices.Contains(s.cfg.Services[svc].Secrets, stackconfig.APIKeys) {
			asking = append(asking, svc)
		}
	}
	arns := map[string]any{}
	for _, svc := range asking {
		secret := find(t, s.Result, tSecret, "secrets-api-keys-"+svc)
		assert.Equal(t, s.scope.Prefix+"/"+svc+"/api-keys", secret.Str("name"))
		assert.Equal(t, s.keyArn(t, "secrets"), secret.Str("kmsKeyId"))
		assert.EqualValues(t, 30, secret.Inputs["recoveryWindowInDays"])
		assert.True(t, secret.Protect)
		arns[svc] = secret.Computed["arn"]
	}
	assert.Empty(t, s.OfType(tSecretVersion), "Pulumi must never hold or write a secret value")
	assert.Len(t, s.OfType(tSecret), len(asking), "one per service that asks; the database master secret is RDS-managed, not created here")
	assert.Equal(t, arns, s.Outputs["apiKeysSecretArns"], fmt.Sprintf("each service's own secret, by service: %v", asking))
}

// seedRule is one line of the specification's security-group diagram.
type seedRule struct{ dir, peer, proto, ports string }

// ruleSecurityGroupMatrix: the groups carry exactly these rules (the matrix
// is code, security.Rules, narrowed from the specification's): the internet
// reaches the ALB on 80 and 443; the ALB reaches the tasks on each container
// port a target group serves, and nothing else; the tasks leave only for
// HTTPS inside the VPC (its endpoints), HTTPS to S3 and 5432 to Aurora; the
// bastion only for HTTPS to the endpoints and S3, and 5432 to Aurora; a
// service leaves for the internet only through the internet-egress group,
// and only for HTTPS. Each rule has a description, none is inline.
func ruleSecurityGroupMatrix(t *testing.T, s *stack) {
	alb, ecs, aurora, bastion, endpoints := s.name("alb"), s.name("ecs"), s.name("aurora"), s.name("bastion"), s.name("endpoints")
	s3 := "S3 through network-s3-endpoint"
	want := map[string][]seedRule{
		alb:                       {{"ingress", "0.0.0.0/0", "tcp", "80"}, {"ingress", "0.0.0.0/0", "tcp", "443"}},
		ecs:                       {{"egress", s.cfg.Network.VpcCidr, "tcp", "443"}, {"egress", s3, "tcp", "443"}, {"egress", aurora, "tcp", "5432"}},
		aurora:                    {{"ingress", ecs, "tcp", "5432"}, {"ingress", bastion, "tcp", "5432"}},
		bastion:                   {{"egress", endpoints, "tcp", "443"}, {"egress", s3, "tcp", "443"}, {"egress", aurora, "tcp", "5432"}},
		endpoints:                 {{"ingress", ecs, "tcp", "443"}, {"ingress", bastion, "tcp", "443"}},
		s.name("internet-egress"): {{"egress", "0.0.0.0/0", "tcp", "443"}},
	}
	ports := map[int]bool{}
	for _, svc := range s.cfg.ServiceNames() {
		if spec := s.cfg.Services[svc]; spec.TargetGroup != "" {
			ports[spec.ContainerPort] = true
		}
	}
	for port := range ports {
		want[alb] = append(want[alb], seedRule{"egress", ecs, "tcp", fmt.Sprint(port)})
		want[ecs] = append(want[ecs], seedRule{"ingress", alb, "tcp", fmt.Sprint(port)})
	}
	got := map[string][]seedRule{}
	for _, gr := range must(s.SecurityGroupRules())(t) {
		got[gr.Group] = append(got[gr.Group], seedRule{gr.Direction, gr.Peer, gr.Protocol, gr.Ports})
		assert.NotEmpty(t, gr.Description, "rule of %s to %s needs a description", gr.Group, gr.Peer)
	}
	require.Len(t, got, len(want))
	for group, rules := range want {
		assert.ElementsMatch(t, rules, got[group], "rules of %s", group)
	}
	sgs := s.OfType(tSG)
	require.Len(t, sgs, len(security.Groups))
	for _, sg := range sgs {
		assert.NotContains(t, sg.Inputs, "ingress", "%s must have no inline rules", sg.Name)
		assert.NotContains(t, sg.Inputs, "egress", "%s must have no inline rules", sg.Name)
		assert.NotEmpty(t, sg.Str("description"))
		assert.Equal(t, find(t, s.Result, tVpc, "network-vpc").ID, sg.Str("vpcId"))
	}
}

func ruleOnlyAlbFacesInternet(t *testing.T, s *stack) {
	for _, gr := range must(s.SecurityGroupRules())(t) {
		if gr.Direction != "ingress" {
			continue
		}
		if gr.Peer == "0.0.0.0/0" || strings.HasPrefix(gr.Peer, "::") {
			assert.Equal(t, s.name("alb"), gr.Group, "only the ALB accepts the internet")
			assert.Contains(t, []string{"80", "443"}, gr.Ports)
			assert.Equal(t, "tcp", gr.Protocol)
		}
		assert.NotEqual(t, s.name("bastion"), gr.Group, "the bastion has no ingress at all")
	}
	for _, rule := range s.OfType(tIngress) {
		assert.Empty(t, rule.Str("cidrIpv6"), rule.Name)
	}
}

// ruleLogGroupsEncrypted covers every log group, so a tier added later
// cannot slip an unencrypted one in.
func ruleLogGroupsEncrypted(t *testing.T, s *stack) {
	groups := s.OfType(tLogGroup)
	require.NotEmpty(t, groups)
	for _, g := range groups {
		key := "logs"
		if g.Protect { // an audit log group (logs.GroupArgs.Audit)
			key = "audit-logs"
		}
		assert.Equal(t, s.keyArn(t, key), g.Str("kmsKeyId"), "%s is encrypted with the %s key", g.Str("name"), key)
		assert.NotNil(t, g.Inputs["retentionInDays"], "%s has an explicit retention", g.Str("name"))
	}
}

// ruleProtectedResources pins the URN of every resource whose loss loses
// data: renaming one would replace it, and dropping its protection would let
// `pulumi destroy` delete it. The ALB is protected exactly while
// albDeletionProtection is on; the Config bucket exists only in the stack
// that owns the account singletons.
func ruleProtectedResources(t *testing.T, s *stack) {
	want := []string{
		s.urn("omnirapeutic:security:Keys$aws:kms/key:Key", "keys-aurora"),
		s.urn("omnirapeutic:security:Keys$aws:kms/key:Key", "keys-s3"),
		s.urn("omnirapeutic:security:Keys$aws:kms/key:Key", "keys-secrets"),
		s.urn("omnirapeutic:security:Keys$aws:kms/key:Key", "keys-logs"),
		s.urn("omnirapeutic:security:Keys$aws:kms/key:Key", "keys-audit-logs"),
		s.urn("omnirapeutic:security:Keys$aws:kms/key:Key", "keys-backup"),
		s.urn("omnirapeutic:data:Backup$aws:backup/vault:Vault", "backup-vault"),
		s.urn("omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2", "s3-access-logs"),
		s.urn("omnirapeutic:data:Aurora$aws:rds/cluster:Cluster", "aurora-cluster"),
		s.urn("omnirapeutic:data:Aurora$aws:rds/clusterParameterGroup:ClusterParameterGroup", "aurora-params"),
		s.urn("omnirapeutic:compliance:Trail$omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2", "cloudtrail-bucket"),
		s.urn("omnirapeutic:compliance:Trail$aws:cloudwatch/logGroup:LogGroup", "cloudtrail-logs"),
		s.urn("omnirapeutic:data:Aurora$aws:cloudwatch/logGroup:LogGroup", "aurora-postgresql-logs"),
		s.urn("omnirapeutic:data:Bastion$aws:cloudwatch/logGroup:LogGroup", "bastion-session-logs"),
	}
	if s.cfg.OwnsAccountSingletons {
		want = append(want, s.urn("omnirapeutic:compliance:Recorder$omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2", "config-bucket"))
	}
	if s.cfg.AlbDeletionProtection {
		want = append(want, s.urn("omnirapeutic:edge:LoadBalancer$aws:lb/loadBalancer:LoadBalancer", "alb"))
	}
	if s.cfg.Recovery.Enabled() {
		// The recovery region's keys, vault and audit replicas.
		want = append(want,
			s.urn("omnirapeutic:data:RecoveryVault$aws:kms/key:Key", "recovery-backup-key"),
			s.urn("omnirapeutic:data:RecoveryVault$aws:backup/vault:Vault", "recovery-backup-vault"),
			s.urn("omnirapeutic:compliance:AuditReplication$aws:kms/key:Key", "audit-replication-key"))
		for key := range s.auditSources() {
			want = append(want, s.urn("omnirapeutic:compliance:AuditReplication$omnirapeutic:storage:Replica$omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2", "audit-replication-"+key+"-bucket"))
		}
		if s.cfg.OwnsAccountSingletons {
			want = append(want, s.urn("omnirapeutic:compliance:BackupAudit$omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2", "backup-audit-bucket"))
		}
	}
	for _, svc := range s.cfg.ServiceNames() {
		if slices.Contains(s.cfg.Services[svc].Secrets, stackconfig.APIKeys) {
			want = append(want, s.urn("omnirapeutic:security:Secrets$aws:secretsmanager/secret:Secret", "secrets-api-keys-"+svc))
		}
	}
	var protected []string
	for _, res := range s.Resources {
		if res.Protect {
			protected = append(protected, res.URN)
		}
	}
	assert.ElementsMatch(t, want, protected)
}
