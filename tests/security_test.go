package tests

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
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

const account = "123456789012"

func keyArn(purpose string) string {
	return fmt.Sprintf("arn:aws:kms:us-east-1:%s:key/keys-%s-key-id", account, purpose)
}

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
	t.Fatalf("key policy has no statement %s", sid)
	return policy.Statement{}
}

func TestKmsKeys(t *testing.T) {
	r := production(t)
	require.Len(t, r.OfType(tKey), len(security.Purposes))
	require.Len(t, r.OfType(tAlias), len(security.Purposes))
	wantUsers := map[string][]string{
		"aurora":     {"via rds.us-east-1.amazonaws.com"},
		"s3":         {"cloudtrail.amazonaws.com", "config.amazonaws.com", "via s3.us-east-1.amazonaws.com"},
		"secrets":    {"via ecr.us-east-1.amazonaws.com", "via secretsmanager.us-east-1.amazonaws.com"},
		"logs":       {"cloudwatch.amazonaws.com", "events.amazonaws.com", "logs.us-east-1.amazonaws.com", "via sns.us-east-1.amazonaws.com"},
		"audit-logs": {"logs.us-east-1.amazonaws.com", "role/omnirapeutic-production-bastion", "role/omnirapeutic-production-bastion-engineer"},
		"backup":     {"via backup.us-east-1.amazonaws.com"},
	}
	require.Len(t, wantUsers, len(security.Purposes))
	for purpose, users := range wantUsers {
		k := find(t, r, tKey, "keys-"+purpose)
		assert.Equal(t, true, k.Inputs["enableKeyRotation"], purpose)
		assert.EqualValues(t, 30, k.Inputs["deletionWindowInDays"], purpose)
		assert.Equal(t, "SYMMETRIC_DEFAULT", k.Str("customerMasterKeySpec"), purpose)
		assert.True(t, k.Protect, "the %s key must be protected", purpose)

		alias := find(t, r, tAlias, "keys-"+purpose+"-alias")
		assert.Equal(t, "alias/omnirapeutic-production-"+purpose, alias.Str("name"))
		assert.Equal(t, k.Computed["keyId"], alias.Str("targetKeyId"))

		doc := keyPolicy(t, r, purpose)
		assert.Equal(t, users, synth.KeyUsers(doc), "who may use the %s key", purpose)
		// Who administers it: tests/custody_test.go.
	}
}

// TestNoUnconditionedWildcardPrincipal: a key policy's "*" principal is
// always pinned to this account where it allows (a deny may name everyone).
func TestNoUnconditionedWildcardPrincipal(t *testing.T) {
	r := production(t)
	for _, k := range r.OfType(tKey) {
		doc, err := policy.Parse(k.Str("policy"))
		require.NoError(t, err)
		for _, st := range doc.Statement {
			if st.Effect == "Deny" {
				continue
			}
			for _, p := range st.Principal["AWS"] {
				if p == "*" {
					assert.Equal(t, []string{account}, st.Condition["StringEquals"]["kms:CallerAccount"], "%s %s", k.Name, st.Sid)
					assert.NotEmpty(t, st.Condition["StringEquals"]["kms:ViaService"], "%s %s", k.Name, st.Sid)
				}
			}
		}
	}
}

func TestKeyPoliciesCarryTheConditionsAWSDocuments(t *testing.T) {
	r := production(t)
	logs := statement(t, keyPolicy(t, r, "logs"), "CloudWatchLogsEncryptsLogGroups")
	assert.Equal(t, policy.Service("logs.us-east-1.amazonaws.com"), logs.Principal)
	assert.Equal(t, []string{"arn:aws:logs:us-east-1:" + account + ":log-group:*"}, logs.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"])
	assert.ElementsMatch(t, []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}, logs.Action)

	alarms := statement(t, keyPolicy(t, r, "logs"), "CloudWatchAlarmsPublishToTopic")
	assert.Equal(t, policy.Service("cloudwatch.amazonaws.com"), alarms.Principal)
	assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, alarms.Action)

	s3 := keyPolicy(t, r, "s3")
	trail := statement(t, s3, "CloudTrailEncryptsLogs")
	assert.Equal(t, []string{"kms:GenerateDataKey*"}, trail.Action)
	assert.Equal(t, []string{"arn:aws:cloudtrail:*:" + account + ":trail/*"}, trail.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"])
	assert.Equal(t, []string{"arn:aws:cloudtrail:us-east-1:" + account + ":trail/omnirapeutic-production"}, trail.Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"kms:DescribeKey"}, statement(t, s3, "CloudTrailDescribesKey").Action)
	config := statement(t, s3, "ConfigDeliversSnapshots")
	assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, config.Action)
	assert.Equal(t, []string{account}, config.Condition["StringEquals"]["aws:SourceAccount"])
}

// TestApiKeysSecretIsEncryptedAndNeverWritten: every service that asks for
// API keys has a secret of its own, and only those services have one.
func TestApiKeysSecretIsEncryptedAndNeverWritten(t *testing.T) {
	r := production(t)
	var asking []string
	for _, svc := range r.Stack.Config.ServiceNames() {
		if slices.Contains(r.Stack.Config.Services[svc].Secrets, stackconfig.APIKeys) {
			asking = append(asking, svc)
		}
	}
	require.NotEmpty(t, asking, "production has a service with API keys")
	for _, svc := range asking {
		s := find(t, r, tSecret, "secrets-api-keys-"+svc)
		assert.Equal(t, "omnirapeutic-production/"+svc+"/api-keys", s.Str("name"))
		assert.Equal(t, keyArn("secrets"), s.Str("kmsKeyId"))
		assert.EqualValues(t, 30, s.Inputs["recoveryWindowInDays"])
		assert.True(t, s.Protect)
	}
	assert.Empty(t, r.OfType(tSecretVersion), "Pulumi must never hold or write a secret value")
	assert.Len(t, r.OfType(tSecret), len(asking), "one per service that asks; the database master secret is RDS-managed, not created here")
}

// seedRule is one line of the seed's security-group diagram.
type seedRule struct{ dir, peer, proto, ports string }

// TestSecurityGroupsHaveExactlyTheSeedsRules: the seed's matrix, narrowed
// (issue 24): the ALB reaches the tasks on their container port only, and
// the tasks and the bastion, which the seed let out everywhere, reach only
// HTTPS to the VPC's endpoints and S3 and 5432 to Aurora; a service leaves
// for the internet only through the internet-egress group.
func TestSecurityGroupsHaveExactlyTheSeedsRules(t *testing.T) {
	r := production(t)
	s3 := "S3 through network-s3-endpoint"
	want := map[string][]seedRule{
		"omnirapeutic-production-alb": {
			{"ingress", "0.0.0.0/0", "tcp", "80"},
			{"ingress", "0.0.0.0/0", "tcp", "443"},
			{"egress", "omnirapeutic-production-ecs", "tcp", "8080"},
		},
		"omnirapeutic-production-ecs": {
			{"ingress", "omnirapeutic-production-alb", "tcp", "8080"},
			{"egress", "10.0.0.0/16", "tcp", "443"},
			{"egress", s3, "tcp", "443"},
			{"egress", "omnirapeutic-production-aurora", "tcp", "5432"},
		},
		"omnirapeutic-production-aurora": {
			{"ingress", "omnirapeutic-production-ecs", "tcp", "5432"},
			{"ingress", "omnirapeutic-production-bastion", "tcp", "5432"},
		},
		"omnirapeutic-production-bastion": {
			{"egress", "omnirapeutic-production-endpoints", "tcp", "443"},
			{"egress", s3, "tcp", "443"},
			{"egress", "omnirapeutic-production-aurora", "tcp", "5432"},
		},
		"omnirapeutic-production-endpoints": {
			{"ingress", "omnirapeutic-production-ecs", "tcp", "443"},
			{"ingress", "omnirapeutic-production-bastion", "tcp", "443"},
		},
		"omnirapeutic-production-internet-egress": {
			{"egress", "0.0.0.0/0", "tcp", "443"},
		},
	}
	got := map[string][]seedRule{}
	for _, gr := range must(r.SecurityGroupRules())(t) {
		got[gr.Group] = append(got[gr.Group], seedRule{gr.Direction, gr.Peer, gr.Protocol, gr.Ports})
		assert.NotEmpty(t, gr.Description, "rule of %s to %s needs a description", gr.Group, gr.Peer)
	}
	require.Len(t, got, len(want))
	for group, rules := range want {
		assert.ElementsMatch(t, rules, got[group], "rules of %s", group)
	}

	sgs := r.OfType(tSG)
	require.Len(t, sgs, len(security.Groups))
	for _, sg := range sgs {
		assert.NotContains(t, sg.Inputs, "ingress", "%s must have no inline rules", sg.Name)
		assert.NotContains(t, sg.Inputs, "egress", "%s must have no inline rules", sg.Name)
		assert.NotEmpty(t, sg.Str("description"))
		assert.Equal(t, find(t, r, tVpc, "network-vpc").ID, sg.Str("vpcId"))
	}
}

func TestOnlyTheAlbAcceptsTheInternetAndOnlyOnWebPorts(t *testing.T) {
	r := production(t)
	for _, gr := range must(r.SecurityGroupRules())(t) {
		if gr.Direction != "ingress" {
			continue
		}
		if gr.Peer == "0.0.0.0/0" || strings.HasPrefix(gr.Peer, "::") {
			assert.Equal(t, "omnirapeutic-production-alb", gr.Group, "only the ALB accepts the internet")
			assert.Contains(t, []string{"80", "443"}, gr.Ports)
			assert.Equal(t, "tcp", gr.Protocol)
		}
		assert.NotEqual(t, "omnirapeutic-production-bastion", gr.Group, "the bastion has no ingress at all")
	}
	for _, rule := range r.OfType(tIngress) {
		assert.Empty(t, rule.Str("cidrIpv6"), rule.Name)
	}
}

// TestEveryLogGroupIsEncryptedAndRetained covers every log group in the
// stack, so a tier added later cannot slip an unencrypted one in.
func TestEveryLogGroupIsEncryptedAndRetained(t *testing.T) {
	r := production(t)
	groups := r.OfType(tLogGroup)
	require.NotEmpty(t, groups)
	for _, g := range groups {
		key := "logs"
		if g.Protect { // an audit log group (logs.GroupArgs.Audit)
			key = "audit-logs"
		}
		assert.Equal(t, keyArn(key), g.Str("kmsKeyId"), "%s is encrypted with the %s key", g.Str("name"), key)
		assert.NotNil(t, g.Inputs["retentionInDays"], "%s has an explicit retention", g.Str("name"))
	}
}

// TestStatefulResourcesAreProtectedAndKeepTheirNames pins the URN of every
// resource whose loss loses data: renaming one would replace it, and
// dropping its protection would let `pulumi destroy` delete it.
func TestStatefulResourcesAreProtectedAndKeepTheirNames(t *testing.T) {
	r := production(t)
	const stack = "urn:pulumi:production::omnirapeutic::"
	want := []string{
		stack + "omnirapeutic:security:Keys$aws:kms/key:Key::keys-aurora",
		stack + "omnirapeutic:security:Keys$aws:kms/key:Key::keys-s3",
		stack + "omnirapeutic:security:Keys$aws:kms/key:Key::keys-secrets",
		stack + "omnirapeutic:security:Keys$aws:kms/key:Key::keys-logs",
		stack + "omnirapeutic:security:Keys$aws:kms/key:Key::keys-audit-logs",
		stack + "omnirapeutic:security:Keys$aws:kms/key:Key::keys-backup",
		stack + "omnirapeutic:data:Backup$aws:backup/vault:Vault::backup-vault",
		stack + "omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2::s3-access-logs",
		stack + "omnirapeutic:security:Secrets$aws:secretsmanager/secret:Secret::secrets-api-keys-api",
		stack + "omnirapeutic:data:Aurora$aws:rds/cluster:Cluster::aurora-cluster",
		stack + "omnirapeutic:data:Aurora$aws:rds/clusterParameterGroup:ClusterParameterGroup::aurora-params",
		stack + "omnirapeutic:compliance:Trail$omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2::cloudtrail-bucket",
		stack + "omnirapeutic:compliance:Recorder$omnirapeutic:storage:Bucket$aws:s3/bucketV2:BucketV2::config-bucket",
		stack + "omnirapeutic:compliance:Trail$aws:cloudwatch/logGroup:LogGroup::cloudtrail-logs",
		stack + "omnirapeutic:data:Aurora$aws:cloudwatch/logGroup:LogGroup::aurora-postgresql-logs",
		stack + "omnirapeutic:data:Bastion$aws:cloudwatch/logGroup:LogGroup::bastion-session-logs",
		stack + "omnirapeutic:edge:LoadBalancer$aws:lb/loadBalancer:LoadBalancer::alb",
	}
	var protected []string
	for _, res := range r.Resources {
		if res.Protect {
			protected = append(protected, res.URN)
		}
	}
	assert.ElementsMatch(t, want, protected)
}
