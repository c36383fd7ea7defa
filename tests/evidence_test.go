package tests

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/storage"
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
)

// decode parses a JSON string input (an event pattern) for comparison.
func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
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

// ruleBackup: a vault of its own key, locked in governance mode for at least
// the continuous backup's days, nobody may delete a recovery point; a plan
// whose rules keep what backup and aurora.backupRetentionDays say, selecting
// the cluster by ARN; failed jobs reach the topic.
func ruleBackup(t *testing.T, s *stack) {
	vault := find(t, s.Result, tVault, "backup-vault")
	assert.Equal(t, data.BackupVaultName(s.scope), vault.Str("name"))
	assert.Equal(t, s.keyArn(t, "backup"), vault.Str("kmsKeyArn"), "the vault has a key of its own purpose")
	assert.Equal(t, false, vault.Inputs["forceDestroy"])
	assert.True(t, vault.Protect)
	lock := find(t, s.Result, tVaultLock, "backup-vault-lock")
	assert.EqualValues(t, s.cfg.Aurora.BackupRetentionDays, lock.Inputs["minRetentionDays"], "no recovery point leaves before the shortest rule's retention")
	assert.NotContains(t, lock.Inputs, "changeableForDays", "governance mode: without a changeable period the lock never turns into compliance mode")

	doc, err := policy.Parse(find(t, s.Result, tVaultPolicy, "backup-vault-policy").Str("policy"))
	require.NoError(t, err)
	deny := statement(t, doc, "DenyManualDeletion")
	assert.Equal(t, "Deny", deny.Effect)
	assert.Equal(t, policy.AWS("*"), deny.Principal)
	assert.ElementsMatch(t, []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"}, deny.Action)

	type rule struct {
		name, schedule string
		days           float64
		continuous     bool
	}
	var rules []rule
	for _, x := range find(t, s.Result, tBackupPlan, "backup-plan").Inputs["rules"].([]any) {
		m := x.(map[string]any)
		assert.Equal(t, data.BackupVaultName(s.scope), m["targetVaultName"])
		assert.EqualValues(t, data.StartWindowMinutes, m["startWindow"])
		rules = append(rules, rule{m["ruleName"].(string), m["schedule"].(string), m["lifecycle"].(map[string]any)["deleteAfter"].(float64), m["enableContinuousBackup"].(bool)})
	}
	assert.Equal(t, []rule{
		{"continuous", data.DailySchedule, float64(s.cfg.Aurora.BackupRetentionDays), true}, // AWS Backup takes over the cluster's own retention
		{"daily", data.DailySchedule, float64(s.cfg.Backup.DailyRetentionDays), false},
		{"monthly", data.MonthlySchedule, float64(s.cfg.Backup.MonthlyRetentionDays), false},
	}, rules)
	// The daily rule starts within the cluster's own backup window.
	assert.Equal(t, data.PreferredBackupWindow, find(t, s.Result, tCluster, "aurora-cluster").Str("preferredBackupWindow"))

	sel := find(t, s.Result, tBackupSelection, "backup-aurora")
	assert.Equal(t, []any{find(t, s.Result, tCluster, "aurora-cluster").Computed["arn"]}, sel.Inputs["resources"], "the cluster, selected by ARN")
	assert.Equal(t, s.arn("iam", "role/"+s.name("backup")), sel.Str("iamRoleArn"))
	assert.ElementsMatch(t, []string{
		s.scope.ManagedPolicyARN("service-role/AWSBackupServiceRolePolicyForBackup"),
	}, attachedPolicies(s.Result, s.name("backup")), "the role every scheduled backup runs as cannot restore")
	assert.ElementsMatch(t, []string{
		s.scope.ManagedPolicyARN("service-role/AWSBackupServiceRolePolicyForRestores"),
	}, attachedPolicies(s.Result, data.RestoreRoleName(s.scope)), "restores run as their own role, named by the restore job")
	failed := find(t, s.Result, tEventRule, "backup-failures")
	assert.Equal(t, data.BackupFailuresRuleName(s.scope), failed.Str("name"))
	assert.Equal(t, decode(t, `{"source":["aws.backup"],"$or":[
		{"detail-type":["Backup Job State Change","Copy Job State Change"],"detail":{"state":["FAILED","ABORTED","EXPIRED"]}},
		{"detail-type":["Restore Job State Change"],"detail":{"status":["FAILED","ABORTED"]}}]}`), decode(t, failed.Str("eventPattern")))
	assert.Equal(t, s.topicArn(t), find(t, s.Result, tEventTarget, "backup-failures-to-topic").Str("arn"))
}

// ruleBucketAccessLogging: every bucket of the stack's region but the
// access-log bucket logs to it, under its own name (a replica in the
// recovery region cannot: a bucket logs to a bucket of its own region; the
// multi-region trail records its data events instead); the access-log bucket is private, SSE-S3 (the only
// encryption S3 supports on a log destination), kept six years, protected,
// and admits the logging service for this account's buckets only.
func ruleBucketAccessLogging(t *testing.T, s *stack) {
	accessLogs := compliance.AccessLogBucketName(s.scope)
	doc := assertPrivateBucket(t, s.Result, "s3-access-logs", accessLogs)
	grant := statement(t, doc, "S3ServerAccessLogsDelivery")
	assert.Equal(t, policy.Service("logging.s3.amazonaws.com"), grant.Principal)
	assert.Equal(t, []string{"s3:PutObject"}, grant.Action)
	assert.Equal(t, []string{s.arn("s3", accessLogs+"/*")}, grant.Resource)
	assert.Equal(t, []string{s.scope.Account}, grant.Condition["StringEquals"]["aws:SourceAccount"])
	assert.Equal(t, []string{s.arn("s3", s.name("*"))}, grant.Condition["ArnLike"]["aws:SourceArn"])
	assertLifecycle(t, s.Result, "s3-access-logs", compliance.AuditLifecycle(0))
	sse := find(t, s.Result, tBucketSSE, "s3-access-logs-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"sseAlgorithm": "AES256"}, sse["applyServerSideEncryptionByDefault"])
	assert.True(t, find(t, s.Result, tBucket, "s3-access-logs").Protect)

	logging := map[string]string{}
	for _, l := range s.OfType(tBucketLogging) {
		assert.Equal(t, accessLogs, l.Str("targetBucket"), l.Name)
		assert.Contains(t, l.Dependencies, find(t, s.Result, tBucketPolicy, "s3-access-logs-policy").URN, "%s waits for the grant to the logging service", l.Name)
		logging[s.ByID(l.Str("bucket")).Str("bucket")] = l.Str("targetPrefix")
	}
	buckets := 0
	for _, b := range s.OfType(tBucket) {
		name := b.Str("bucket")
		if name == accessLogs {
			assert.NotContains(t, logging, name, "the access-log bucket would log its own deliveries")
			continue
		}
		if b.Region != s.scope.Region {
			assert.NotContains(t, logging, name, "%s is in %s, the access-log bucket in %s", name, b.Region, s.scope.Region)
			continue
		}
		buckets++
		assert.Equal(t, name+"/", logging[name], "%s logs under its own prefix", name)
	}
	assert.Len(t, logging, buckets)
}

// ruleObjectLock: the trail's bucket, and every audit replica in the
// recovery region, locks what it receives in governance mode for
// auditLogRetentionDays; no other bucket is locked (a locked
// bucket can receive neither access logs nor AWS Config's deliveries). Services delivering to a bucket wait for all of it.
func ruleObjectLock(t *testing.T, s *stack) {
	// Only the trail's bucket: a locked bucket can receive neither access
	// logs nor AWS Config's deliveries (compliance.ConfigBucketHasNoObjectLock).
	want := map[string]bool{compliance.TrailBucketName(s.scope): true}
	if s.cfg.Recovery.Enabled() {
		// Replication into a bucket needs Object Lock there when the
		// source has it, and a replica is evidence kept out of the region.
		for _, logical := range s.auditSources() {
			want[storage.ReplicaName(find(t, s.Result, tBucket, logical).Str("bucket"))] = true
		}
	}
	locked := map[string]bool{}
	for _, l := range s.OfType(tObjectLock) {
		assert.Equal(t, "Enabled", l.Str("objectLockEnabled"))
		assert.Equal(t, map[string]any{"mode": "GOVERNANCE", "days": float64(s.cfg.Logs.AuditRetentionDays)}, l.Inputs["rule"].(map[string]any)["defaultRetention"])
		bucket := s.ByID(l.Str("bucket"))
		locked[bucket.Str("bucket")] = true
		assert.Contains(t, l.Dependencies, find(t, s.Result, tBucketVersion, bucket.Name+"-versioning").URN, "Object Lock needs versioning first")
	}
	assert.Equal(t, want, locked)
	assert.Nil(t, find(t, s.Result, tBucket, "cloudtrail-bucket").Inputs["objectLockEnabled"], "enabled on the existing bucket, never by replacing it")
	consumers := []struct{ consumer, typ, bucket string }{{"cloudtrail", tTrail, "cloudtrail-bucket"}, {"alb", tLB, "alb-access-logs"}}
	if s.cfg.OwnsAccountSingletons {
		consumers = append(consumers, struct{ consumer, typ, bucket string }{"config-delivery", tDelivery, "config-bucket"})
	}
	for _, c := range consumers {
		deps := find(t, s.Result, c.typ, c.consumer).Dependencies
		for _, part := range []string{"-policy", "-encryption", "-versioning", "-access-logging"} {
			urn := ""
			for _, res := range s.Resources {
				if res.Name == c.bucket+part && !res.Component {
					urn = res.URN
				}
			}
			require.NotEmpty(t, urn, c.bucket+part)
			assert.Contains(t, deps, urn, "%s waits for %s%s", c.consumer, c.bucket, part)
		}
	}
}

func ruleTrailDataEvents(t *testing.T, s *stack) {
	trail := find(t, s.Result, tTrail, "cloudtrail")
	assert.Equal(t, []any{
		map[string]any{"name": "Management events", "fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Management"}},
		}},
		map[string]any{"name": "S3 data events, except the trail's and the access logs' buckets", "fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
			map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
			map[string]any{"field": "resources.ARN", "notStartsWiths": []any{
				s.arn("s3", compliance.TrailBucketName(s.scope)+"/"),
				s.arn("s3", compliance.AccessLogBucketName(s.scope)+"/"),
			}},
		}},
		map[string]any{"name": "S3 data events of the excluded buckets, except their deliveries (PutObject)", "fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
			map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
			map[string]any{"field": "resources.ARN", "startsWiths": []any{
				s.arn("s3", compliance.TrailBucketName(s.scope)+"/"),
				s.arn("s3", compliance.AccessLogBucketName(s.scope)+"/"),
			}},
			map[string]any{"field": "eventName", "notEquals": []any{"PutObject"}},
		}},
	}, trail.Inputs["advancedEventSelectors"])
	assert.NotContains(t, trail.Inputs, "eventSelectors", "basic and advanced selectors are exclusive")
}

// ruleSecurityHubAndBaseline: in the owning stack, Security Hub with AWS
// Foundational Security Best Practices and high findings to the topic, and
// each account baseline setting accountBaseline leaves on.
func ruleSecurityHubAndBaseline(t *testing.T, s *stack) {
	if !s.cfg.OwnsAccountSingletons {
		for _, typ := range []string{tHubAccount, tHubStandard, tEbsDefault, tAccountPAB, tPasswordPolicy} {
			assert.Empty(t, s.OfType(typ))
		}
		return
	}
	hub := find(t, s.Result, tHubAccount, "securityhub")
	assert.Equal(t, false, hub.Inputs["enableDefaultStandards"], "the subscribed standard is named in the program")
	assert.Equal(t, "SECURITY_CONTROL", hub.Str("controlFindingGenerator"))
	std := find(t, s.Result, tHubStandard, "securityhub-fsbp")
	assert.Equal(t, s.scope.InAccount("").ARN("securityhub", "standards/aws-foundational-security-best-practices/v/1.0.0"), std.Str("standardsArn"))
	assert.Contains(t, std.Dependencies, hub.URN)
	rule := find(t, s.Result, tEventRule, "securityhub-findings")
	assert.Equal(t, compliance.SecurityHubFindingsRuleName(s.scope), rule.Str("name"))
	assert.Equal(t, decode(t, `{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"],
		"detail":{"findings":{"Severity":{"Label":["HIGH","CRITICAL"]},"Workflow":{"Status":["NEW"]},"RecordState":["ACTIVE"],
		"ProductName":[{"anything-but":"GuardDuty"}]}}}`), decode(t, rule.Str("eventPattern")))
	assert.Equal(t, s.topicArn(t), find(t, s.Result, tEventTarget, "securityhub-findings-to-topic").Str("arn"))

	b := s.cfg.AccountBaseline
	for typ, on := range map[string]bool{tEbsDefault: b.EbsEncryptionByDefault, tAccountPAB: b.S3PublicAccessBlock, tPasswordPolicy: b.PasswordPolicy} {
		if !on {
			assert.Empty(t, s.OfType(typ), "%s is switched off in accountBaseline", typ)
		} else {
			assert.Len(t, s.OfType(typ), 1, typ)
		}
	}
	if b.EbsEncryptionByDefault {
		assert.Equal(t, true, find(t, s.Result, tEbsDefault, "account-baseline-ebs-encryption").Inputs["enabled"])
	}
	if b.S3PublicAccessBlock {
		assert.Equal(t, map[string]any{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true},
			find(t, s.Result, tAccountPAB, "account-baseline-s3-public-access-block").Inputs)
	}
	if b.PasswordPolicy {
		// The HIPAA pack's iam-password-policy parameters, each met.
		p := compliance.PasswordPolicy
		assert.Equal(t, map[string]any{
			"minimumPasswordLength": float64(p.MinimumLength), "passwordReusePrevention": float64(p.ReusePrevention), "maxPasswordAge": float64(p.MaxAgeDays),
			"requireLowercaseCharacters": true, "requireUppercaseCharacters": true, "requireNumbers": true, "requireSymbols": true,
			"allowUsersToChangePassword": true,
		}, find(t, s.Result, tPasswordPolicy, "account-baseline-password-policy").Inputs)
	}
}

// TestAccountBaselineSwitches: each setting can be left to the organization.
func TestAccountBaselineSwitches(t *testing.T) {
	for _, baseline := range []map[string]any{
		{"ebsEncryptionByDefault": false, "s3PublicAccessBlock": false, "passwordPolicy": false, "deleteDefaultVpc": true},
		{"ebsEncryptionByDefault": true, "s3PublicAccessBlock": false, "passwordPolicy": true, "deleteDefaultVpc": true},
	} {
		r := runWithin(t, "production", func(v values) { v.set("omnirapeutic:accountBaseline", baseline) })
		ruleSecurityHubAndBaseline(t, stackOf(t, r))
	}
}

func TestBackupRetentionIsValidated(t *testing.T) {
	_, err := runWith(t, map[string]string{"omnirapeutic:backup": `{"dailyRetentionDays":14,"monthlyRetentionDays":7}`})
	require.Error(t, err)
	assert.ErrorContains(t, err, "omnirapeutic:backup.dailyRetentionDays: 14")
	assert.ErrorContains(t, err, "omnirapeutic:backup.monthlyRetentionDays: 7")
}
