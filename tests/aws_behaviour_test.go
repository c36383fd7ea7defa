package tests

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/diff"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/replacement"
)

// The rules in this file are what AWS does on its own, whatever the
// configuration: they run against every committed stack and the
// configuration with everything switched on (everyConfiguration).

// The types these rules read, named here so the file stands alone.
const (
	behBucket          = "aws:s3/bucketV2:BucketV2"
	behRole            = "aws:iam/role:Role"
	behDeliveryChannel = "aws:cfg/deliveryChannel:DeliveryChannel"
	behTrail           = "aws:cloudtrail/trail:Trail"
	behObjectLock      = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
	behBucketPolicy    = "aws:s3/bucketPolicy:BucketPolicy"
	behVaultPolicy     = "aws:backup/vaultPolicy:VaultPolicy"
	behVaultLock       = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	behBackupPlan      = "aws:backup/plan:Plan"
	behAuroraCluster   = "aws:rds/cluster:Cluster"
	behConformancePack = "aws:cfg/conformancePack:ConformancePack"
)

// stacks are the program's runs (the bootstrap stack creates no Config,
// trail or vault).
func stacks(t *testing.T) map[string]*synth.Result {
	t.Helper()
	out := everyConfiguration(t)
	delete(out, "bootstrap")
	return out
}

// bucketNamed is the bucket whose physical name is name.
func bucketNamed(t *testing.T, r *synth.Result, name string) *synth.Resource {
	t.Helper()
	for _, b := range r.OfType(behBucket) {
		if b.Str("bucket") == name {
			return b
		}
	}
	require.Failf(t, "no bucket", "no bucket is named %s", name)
	return nil
}

// partsOf returns the resources of typ that configure the bucket.
func partsOf(r *synth.Result, bucket *synth.Resource, typ string) []*synth.Resource {
	var out []*synth.Resource
	for _, p := range r.OfType(typ) {
		if p.Str("bucket") == bucket.ID {
			out = append(out, p)
		}
	}
	return out
}

// TestConfigDeliversOnlyToABucketWithoutObjectLock: AWS Config does not
// deliver to a bucket with Object Lock (AWS::Config::DeliveryChannel
// reference), so the delivery channel's bucket has none; it keeps its
// evidence by a policy denying object deletion to every principal, and the
// HIPAA prediction says what s3-bucket-default-lock-enabled reports for it:
// an exception with its reason and what ends it.
func TestConfigDeliversOnlyToABucketWithoutObjectLock(t *testing.T) {
	for stack, r := range stacks(t) {
		for _, ch := range r.OfType(behDeliveryChannel) {
			b := bucketNamed(t, r, ch.Str("s3BucketName"))
			assert.Emptyf(t, partsOf(r, b, behObjectLock), "%s: Config delivers to %s, which has Object Lock", stack, b.Name)
			denied := map[string]bool{}
			for _, p := range partsOf(r, b, behBucketPolicy) {
				doc, err := policy.Parse(p.Str("policy"))
				require.NoError(t, err)
				for _, st := range doc.Statement {
					if st.Effect == "Deny" && slices.Contains(st.Principal["AWS"], "*") && len(st.Condition) == 0 {
						for _, a := range st.Action {
							denied[a] = true
						}
					}
				}
			}
			for _, a := range []string{"s3:DeleteObject", "s3:DeleteObjectVersion"} {
				assert.Truef(t, denied[a], "%s: the Config bucket %s does not deny %s to every principal", stack, b.Name, a)
			}
			var row *conformance.Row
			for _, v := range r.Conformance.Verdicts {
				if v.Identifier == "S3_BUCKET_DEFAULT_LOCK_ENABLED" {
					for i := range v.Rows {
						if v.Rows[i].Resource == b.Name {
							row = &v.Rows[i]
						}
					}
				}
			}
			if assert.NotNilf(t, row, "%s: the prediction says nothing of %s for S3_BUCKET_DEFAULT_LOCK_ENABLED", stack, b.Name) {
				assert.Equal(t, conformance.Excepted, row.Status)
				require.NotNil(t, row.Exception)
				assert.Contains(t, row.Exception.Reason, "AWS Config")
				assert.NotEmpty(t, row.Exception.EndsWhen)
			}
		}
	}
}

// TestTheTrailBucketKeepsItsObjectLock: CloudTrail's bucket keeps its
// default-retention lock (AWS documents no refusal for CloudTrail; the
// first-deploy checks in docs/platform-engineer.md confirm delivery).
func TestTheTrailBucketKeepsItsObjectLock(t *testing.T) {
	for stack, r := range stacks(t) {
		for _, trail := range r.OfType(behTrail) {
			b := bucketNamed(t, r, trail.Str("s3BucketName"))
			locks := partsOf(r, b, behObjectLock)
			require.Lenf(t, locks, 1, "%s: the trail's bucket %s has no Object Lock", stack, b.Name)
			rule, _ := locks[0].Inputs["rule"].(map[string]any)
			retention, _ := rule["defaultRetention"].(map[string]any)
			assert.Positivef(t, retention["days"], "%s: %s has no default retention", stack, b.Name)
		}
	}
	doc, err := os.ReadFile("../docs/platform-engineer.md")
	require.NoError(t, err)
	assert.Contains(t, string(doc), "CloudTrail delivers to its Object Lock bucket", "the first-deploy checks confirm CloudTrail delivers to its locked bucket")
}

// TestServiceRolesTrustWithoutConditionsTheServiceDoesNotSend: CloudTrail
// does not send aws:SourceArn or aws:SourceAccount when it assumes the role
// that writes to CloudWatch Logs (CloudTrail guide, "Role policy document
// for CloudTrail to use CloudWatch Logs for monitoring"), and AWS Backup
// documents conditions for vault access policies only; a condition the
// service does not send makes the role unusable. These roles trust their
// service with no condition.
func TestServiceRolesTrustWithoutConditionsTheServiceDoesNotSend(t *testing.T) {
	for stack, r := range stacks(t) {
		found := map[string]bool{}
		for _, role := range r.OfType(behRole) {
			doc, err := policy.Parse(role.Str("assumeRolePolicy"))
			require.NoError(t, err)
			for _, st := range doc.Statement {
				for _, svc := range st.Principal["Service"] {
					if svc == "cloudtrail.amazonaws.com" || svc == "backup.amazonaws.com" {
						found[svc] = true
						assert.Emptyf(t, st.Condition, "%s: %s trusts %s with a condition it does not send", stack, role.Name, svc)
					}
				}
			}
		}
		assert.Lenf(t, found, 2, "%s: roles trusted by CloudTrail and AWS Backup", stack)
	}
}

// TestAWSBackupOwnsTheClusterBackupSettings: once the continuous-backup rule
// protects the cluster, AWS Backup sets its backup retention and window, and
// RDS refuses another retention. The cluster sets both at creation only
// (ignoreChanges), equal to the continuous rule's retention, so a change of
// aurora.backupRetentionDays changes the backup rule and the vault lock,
// never the cluster.
func TestAWSBackupOwnsTheClusterBackupSettings(t *testing.T) {
	continuous := func(r *synth.Result) float64 {
		plans := r.OfType(behBackupPlan)
		require.Len(t, plans, 1)
		for _, rule := range plans[0].Inputs["rules"].([]any) {
			m := rule.(map[string]any)
			if m["enableContinuousBackup"] == true {
				return m["lifecycle"].(map[string]any)["deleteAfter"].(float64)
			}
		}
		require.Fail(t, "no continuous-backup rule")
		return 0
	}
	for stack, r := range stacks(t) {
		for _, c := range r.OfType(behAuroraCluster) {
			for _, in := range []string{data.BackupRetentionInput, data.BackupWindowInput} {
				assert.Containsf(t, c.IgnoreChanges, in, "%s: AWS Backup owns the cluster's %s", stack, in)
				assert.NotNilf(t, c.Inputs[in], "%s: the cluster sets %s at creation", stack, in)
			}
			assert.EqualValuesf(t, continuous(r), c.Inputs[data.BackupRetentionInput], "%s: the cluster starts with the continuous rule's retention", stack)
		}
	}

	// A change of the retention in config reaches AWS through the backup
	// rule (and the vault lock, replaced delete-first); the cluster shows no
	// change, so no preview shows drift or asks RDS for a retention AWS
	// Backup refuses.
	prod := production(t)
	var aurora map[string]any
	require.NoError(t, json.Unmarshal([]byte(prod.Config.Values["omnirapeutic:aurora"]), &aurora))
	days := aurora["backupRetentionDays"].(float64)
	aurora["backupRetentionDays"] = days + 7
	if days+7 > 35 {
		aurora["backupRetentionDays"] = days - 1
	}
	changed, err := json.Marshal(aurora)
	require.NoError(t, err)
	longer, err := runWith(t, map[string]string{"omnirapeutic:aurora": string(changed)})
	require.NoError(t, err)
	assert.EqualValues(t, aurora["backupRetentionDays"], continuous(longer))
	d := compare(t, decoded(t, prod), decoded(t, longer), synth.ReplaceOnly)
	byType := map[string]diff.ResourceChange{}
	for _, c := range d.Changed {
		byType[c.Type] = c
	}
	assert.NotContains(t, byType, behAuroraCluster, "the cluster must not change: AWS Backup owns its retention")
	assert.Contains(t, byType, behBackupPlan, "the continuous rule carries the new retention")
	if lock, ok := byType[behVaultLock]; assert.True(t, ok, "the vault lock follows the retention") {
		assert.NotEmpty(t, lock.Replace, "minRetentionDays replaces the lock")
		assert.True(t, replacement.DeletesFirst(behVaultLock))
	}
}

// TestTheVaultPolicyLetsTheDeployRoleChangeItAndNobodyDeleteRecoveryPoints:
// an explicit deny beats any allow, so the vault policy exempts the deploy
// role (the bootstrap stack's deployRoleArn) from the denial of changing
// the policy, by an aws:PrincipalArn condition, and from nothing else;
// every principal, the deploy role included, is denied deleting or
// shortening a recovery point. The pack tells the rule not to check the
// exempted role (principalArnList), and the prediction is COMPLIANT.
func TestTheVaultPolicyLetsTheDeployRoleChangeItAndNobodyDeleteRecoveryPoints(t *testing.T) {
	deployRole, _ := bootstrap(t).Outputs["deployRoleArn"].(string)
	require.NotEmpty(t, deployRole)
	someoneElse := strings.Replace(deployRole, "role/", "role/admin-", 1)
	// denied evaluates the policy's explicit denies for a principal (an
	// assumed role's aws:PrincipalArn is the role's ARN).
	denied := func(doc policy.Document, principal, action string) bool {
		for _, st := range doc.Statement {
			if st.Effect != "Deny" || !slices.Contains(st.Principal["AWS"], "*") || !slices.Contains(st.Action, action) {
				continue
			}
			applies := true
			for op, keys := range st.Condition {
				for key, values := range keys {
					require.Equalf(t, "aws:PrincipalArn", key, "the vault policy conditions on %s", key)
					require.Equalf(t, "ArnNotEquals", op, "the vault policy's condition operator")
					applies = applies && !slices.Contains(values, principal)
				}
			}
			if applies {
				return true
			}
		}
		return false
	}
	for stack, r := range stacks(t) {
		policies := r.OfType(behVaultPolicy)
		require.NotEmpty(t, policies, stack)
		for _, vp := range policies {
			doc, err := policy.Parse(vp.Str("policy"))
			require.NoError(t, err)
			assert.Falsef(t, denied(doc, deployRole, "backup:PutBackupVaultAccessPolicy"), "%s: the deploy role cannot change the vault policy: every later `pulumi up` that touches it fails", stack)
			assert.Truef(t, denied(doc, someoneElse, "backup:PutBackupVaultAccessPolicy"), "%s: another principal may loosen the vault policy", stack)
			for _, action := range data.RecoveryPointActions {
				for _, p := range []string{deployRole, someoneElse} {
					assert.Truef(t, denied(doc, p, action), "%s: %s may %s", stack, p, action)
				}
			}
		}
		var skipped []string
		for _, pack := range r.OfType(behConformancePack) {
			for _, p := range pack.Inputs["inputParameters"].([]any) {
				m := p.(map[string]any)
				if m["parameterName"] == conformance.VaultPolicyAdminArns {
					skipped = strings.Split(m["parameterValue"].(string), ",")
				}
			}
		}
		if len(r.OfType(behConformancePack)) > 0 {
			assert.Equalf(t, []string{deployRole}, skipped, "%s: the rule skips exactly the exempted principals", stack)
		}
		for _, v := range r.Conformance.Verdicts {
			if v.Identifier == "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED" {
				assert.Equalf(t, conformance.Compliant, v.Status, "%s: %+v", stack, v.Rows)
			}
		}
	}
}
