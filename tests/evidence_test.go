package tests

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
)

const (
	tBucketLogging   = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	tObjectLock      = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	tVault           = "aws:backup/vault:Vault"
	tVaultLock       = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	tVaultPolicy     = "aws:backup/vaultPolicy:VaultPolicy"
	tBackupPlan      = "aws:backup/plan:Plan"
	tBackupSelection = "aws:backup/selection:Selection"
	tHubAccount      = "aws:securityhub/account:Account"
	tHubStandard     = "aws:securityhub/standardsSubscription:StandardsSubscription"
	tEbsDefault      = "aws:ebs/encryptionByDefault:EncryptionByDefault"
	tAccountPAB      = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	tPasswordPolicy  = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy"
	accessLogBucket  = "omnirapeutic-production-s3-access-logs-123456789012"
)

// decode parses a JSON string input (an event pattern) for comparison.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

func TestAwsBackupProtectsAurora(t *testing.T) {
	r := production(t)
	vault := find(t, r, tVault, "backup-vault")
	assert.Equal(t, "omnirapeutic-production", vault.Str("name"))
	assert.Equal(t, keyArn("backup"), vault.Str("kmsKeyArn"), "the vault has a key of its own purpose")
	assert.Equal(t, false, vault.Inputs["forceDestroy"])
	assert.True(t, vault.Protect)

	lock := find(t, r, tVaultLock, "backup-vault-lock")
	assert.EqualValues(t, 7, lock.Inputs["minRetentionDays"], "no recovery point leaves before the shortest rule's retention")
	assert.NotContains(t, lock.Inputs, "changeableForDays", "governance mode: without a changeable period the lock never turns into compliance mode")

	doc, err := policy.Parse(find(t, r, tVaultPolicy, "backup-vault-policy").Str("policy"))
	require.NoError(t, err)
	deny := statement(t, doc, "DenyManualDeletion")
	assert.Equal(t, "Deny", deny.Effect)
	assert.Equal(t, policy.AWS("*"), deny.Principal)
	assert.Equal(t, []string{"*"}, deny.Resource)
	assert.ElementsMatch(t, []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"}, deny.Action)

	plan := find(t, r, tBackupPlan, "backup-plan")
	type rule struct {
		name, schedule string
		days           float64
		continuous     bool
	}
	var rules []rule
	for _, x := range plan.Inputs["rules"].([]any) {
		m := x.(map[string]any)
		assert.Equal(t, "omnirapeutic-production", m["targetVaultName"])
		rules = append(rules, rule{m["ruleName"].(string), m["schedule"].(string), m["lifecycle"].(map[string]any)["deleteAfter"].(float64), m["enableContinuousBackup"].(bool)})
	}
	assert.Equal(t, []rule{
		{"continuous", "cron(0 7 * * ? *)", 7, true}, // = aurora.backupRetentionDays, which AWS Backup takes over
		{"daily", "cron(0 7 * * ? *)", 35, false},
		{"monthly", "cron(0 7 1 * ? *)", 365, false},
	}, rules)

	// AWS Backup runs the cluster's continuous backup in its rule's window;
	// the daily rule starts at 07:00 UTC within 60 minutes, the cluster's own
	// preferredBackupWindow, so neither side drifts from the other.
	assert.Equal(t, "07:00-08:00", find(t, r, "aws:rds/cluster:Cluster", "aurora-cluster").Str("preferredBackupWindow"))
	for _, x := range plan.Inputs["rules"].([]any) {
		assert.EqualValues(t, 60, x.(map[string]any)["startWindow"])
	}

	sel := find(t, r, tBackupSelection, "backup-aurora")
	assert.Equal(t, []any{"arn:aws:rds:us-east-1:" + account + ":cluster:omnirapeutic-production"}, sel.Inputs["resources"], "the cluster, selected by ARN")
	assert.Equal(t, "arn:aws:iam::"+account+":role/omnirapeutic-production-backup", sel.Str("iamRoleArn"))
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
	}, attachedPolicies(r, "omnirapeutic-production-backup"), "the role every scheduled backup runs as cannot restore")
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
	}, attachedPolicies(r, "omnirapeutic-production-backup-restore"), "restores run as their own role, named by the restore job")

	failed := find(t, r, tEventRule, "backup-failures")
	assert.Equal(t, "omnirapeutic-production-backup-job-failed", failed.Str("name"))
	assert.Equal(t, decode(t, `{"source":["aws.backup"],"$or":[
		{"detail-type":["Backup Job State Change","Copy Job State Change"],"detail":{"state":["FAILED","ABORTED","EXPIRED"]}},
		{"detail-type":["Restore Job State Change"],"detail":{"status":["FAILED","ABORTED"]}}]}`), decode(t, failed.Str("eventPattern")))
	assert.Equal(t, topicArn, find(t, r, tEventTarget, "backup-failures-to-topic").Str("arn"))
	assert.Len(t, r.OfType(tAlarm), 21, "failed jobs notify through EventBridge; the seed's alarms stay 21")
}

// attachedPolicies lists the policy ARNs attached to the role of that name.
func attachedPolicies(r *synth.Result, role string) []string {
	var out []string
	for _, a := range r.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if a.Str("role") == role {
			out = append(out, a.Str("policyArn"))
		}
	}
	return out
}

func TestEveryBucketLogsToTheAccessLogBucket(t *testing.T) {
	r := production(t)
	doc := assertPrivateBucket(t, r, "s3-access-logs", accessLogBucket)
	grant := statement(t, doc, "S3ServerAccessLogsDelivery")
	assert.Equal(t, policy.Service("logging.s3.amazonaws.com"), grant.Principal)
	assert.Equal(t, []string{"s3:PutObject"}, grant.Action)
	assert.Equal(t, []string{"arn:aws:s3:::" + accessLogBucket + "/*"}, grant.Resource)
	assert.Equal(t, []string{account}, grant.Condition["StringEquals"]["aws:SourceAccount"])
	assert.Equal(t, []string{"arn:aws:s3:::omnirapeutic-production-*"}, grant.Condition["ArnLike"]["aws:SourceArn"])
	rule := find(t, r, tBucketLifecyle, "s3-access-logs-lifecycle").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"days": 2192.0}, rule["expiration"], "access logs are audit records, kept six years")
	sse := find(t, r, tBucketSSE, "s3-access-logs-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"sseAlgorithm": "AES256"}, sse["applyServerSideEncryptionByDefault"], "S3 supports only SSE-S3 on a log destination")
	assert.True(t, find(t, r, tBucket, "s3-access-logs").Protect)

	logging := map[string]string{}
	for _, l := range r.OfType(tBucketLogging) {
		assert.Equal(t, accessLogBucket, l.Str("targetBucket"), l.Name)
		assert.Contains(t, l.Dependencies, find(t, r, tBucketPolicy, "s3-access-logs-policy").URN, "%s waits for the grant to the logging service", l.Name)
		logging[r.ByID(l.Str("bucket")).Str("bucket")] = l.Str("targetPrefix")
	}
	buckets := 0
	for _, b := range r.OfType(tBucket) {
		name := b.Str("bucket")
		if name == accessLogBucket {
			assert.NotContains(t, logging, name, "the access-log bucket would log its own deliveries")
			continue
		}
		buckets++
		assert.Equal(t, name+"/", logging[name], "%s logs under its own prefix", name)
	}
	assert.Equal(t, 3, buckets, "ALB logs, CloudTrail, Config")
	assert.Len(t, logging, buckets)
}

func TestAuditBucketsHaveObjectLock(t *testing.T) {
	r := production(t)
	locked := map[string]bool{}
	for _, l := range r.OfType(tObjectLock) {
		assert.Equal(t, "Enabled", l.Str("objectLockEnabled"))
		assert.Equal(t, map[string]any{"mode": "GOVERNANCE", "days": 2192.0}, l.Inputs["rule"].(map[string]any)["defaultRetention"], "audit retention")
		bucket := r.ByID(l.Str("bucket"))
		locked[bucket.Str("bucket")] = true
		assert.Contains(t, l.Dependencies, find(t, r, tBucketVersion, bucket.Name+"-versioning").URN, "Object Lock needs versioning first")
	}
	assert.Equal(t, map[string]bool{
		"omnirapeutic-production-cloudtrail-123456789012": true,
		"omnirapeutic-production-config-123456789012":     true,
	}, locked, "only the audit buckets; a locked bucket cannot receive access logs")
	assert.Nil(t, find(t, r, tBucket, "cloudtrail-bucket").Inputs["objectLockEnabled"], "enabled on the existing bucket, never by replacing it")
	// Services that deliver to a bucket wait for every part of it, Object
	// Lock and encryption included, not only for what the SDK saw of the
	// component when they registered.
	for _, c := range []struct{ consumer, typ, bucket string }{
		{"cloudtrail", tTrail, "cloudtrail-bucket"}, {"config-delivery", tDelivery, "config-bucket"}, {"alb", "aws:lb/loadBalancer:LoadBalancer", "alb-access-logs"},
	} {
		deps := find(t, r, c.typ, c.consumer).Dependencies
		for _, part := range []string{"-policy", "-encryption", "-versioning", "-access-logging"} {
			urn := ""
			for _, res := range r.Resources {
				if res.Name == c.bucket+part && !res.Component {
					urn = res.URN
				}
			}
			require.NotEmpty(t, urn, c.bucket+part)
			assert.Contains(t, deps, urn, "%s waits for %s%s", c.consumer, c.bucket, part)
		}
	}
}

func TestTrailRecordsS3DataEvents(t *testing.T) {
	r := production(t)
	trail := find(t, r, tTrail, "cloudtrail")
	assert.Equal(t, []any{
		map[string]any{"name": "Management events", "fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Management"}},
		}},
		map[string]any{"name": "S3 data events, except the trail's and the access logs' buckets", "fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
			map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
			map[string]any{"field": "resources.ARN", "notStartsWiths": []any{
				"arn:aws:s3:::omnirapeutic-production-cloudtrail-123456789012/",
				"arn:aws:s3:::" + accessLogBucket + "/",
			}},
		}},
	}, trail.Inputs["advancedEventSelectors"])
	assert.NotContains(t, trail.Inputs, "eventSelectors", "basic and advanced selectors are exclusive")
}

func TestSecurityHub(t *testing.T) {
	r := production(t)
	hub := find(t, r, tHubAccount, "securityhub")
	assert.Equal(t, false, hub.Inputs["enableDefaultStandards"], "the subscribed standard is named in the program")
	assert.Equal(t, "SECURITY_CONTROL", hub.Str("controlFindingGenerator"))
	std := find(t, r, tHubStandard, "securityhub-fsbp")
	assert.Equal(t, "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0", std.Str("standardsArn"))
	assert.Contains(t, std.Dependencies, hub.URN)

	rule := find(t, r, tEventRule, "securityhub-findings")
	assert.Equal(t, "omnirapeutic-production-securityhub-high-severity", rule.Str("name"))
	assert.Equal(t, decode(t, `{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"],
		"detail":{"findings":{"Severity":{"Label":["HIGH","CRITICAL"]},"Workflow":{"Status":["NEW"]},"RecordState":["ACTIVE"],
		"ProductName":[{"anything-but":"GuardDuty"}]}}}`), decode(t, rule.Str("eventPattern")))
	assert.Equal(t, topicArn, find(t, r, tEventTarget, "securityhub-findings-to-topic").Str("arn"))
}

func TestAccountBaseline(t *testing.T) {
	r := production(t)
	assert.Equal(t, true, find(t, r, tEbsDefault, "account-baseline-ebs-encryption").Inputs["enabled"])
	assert.Equal(t, map[string]any{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true},
		find(t, r, tAccountPAB, "account-baseline-s3-public-access-block").Inputs)
	// The HIPAA pack's iam-password-policy parameters, each met.
	assert.Equal(t, map[string]any{
		"minimumPasswordLength": 14.0, "passwordReusePrevention": 24.0, "maxPasswordAge": 90.0,
		"requireLowercaseCharacters": true, "requireUppercaseCharacters": true, "requireNumbers": true, "requireSymbols": true,
		"allowUsersToChangePassword": true,
	}, find(t, r, tPasswordPolicy, "account-baseline-password-policy").Inputs)

	off, err := runWith(t, map[string]string{
		"omnirapeutic:accountBaseline": `{"ebsEncryptionByDefault":false,"s3PublicAccessBlock":false,"passwordPolicy":false}`,
	})
	require.NoError(t, err)
	for _, typ := range []string{tEbsDefault, tAccountPAB, tPasswordPolicy} {
		assert.Empty(t, off.OfType(typ), "%s is switched off in config", typ)
	}
	partial, err := runWith(t, map[string]string{
		"omnirapeutic:accountBaseline": `{"ebsEncryptionByDefault":true,"s3PublicAccessBlock":false,"passwordPolicy":true}`,
	})
	require.NoError(t, err)
	assert.Len(t, partial.OfType(tEbsDefault), 1)
	assert.Empty(t, partial.OfType(tAccountPAB))
	assert.Len(t, partial.OfType(tPasswordPolicy), 1)
}

func TestBackupRetentionIsValidated(t *testing.T) {
	_, err := runWith(t, map[string]string{"omnirapeutic:backup": `{"dailyRetentionDays":14,"monthlyRetentionDays":7}`})
	require.Error(t, err)
	assert.ErrorContains(t, err, "omnirapeutic:backup.dailyRetentionDays: 14")
	assert.ErrorContains(t, err, "omnirapeutic:backup.monthlyRetentionDays: 7")
}
