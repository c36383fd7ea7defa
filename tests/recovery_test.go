package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/platform"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/recovery"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/storage"
)

const (
	tAwsProvider       = "pulumi:providers:aws"
	tReplication       = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	tRestorePlan       = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
	tRestoreSelection  = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
	tFramework         = "aws:backup/framework:Framework"
	tReportPlan        = "aws:backup/reportPlan:ReportPlan"
	tServiceLinkedRole = "aws:iam/serviceLinkedRole:ServiceLinkedRole"
)

// there is the stack's scope in its recovery region.
func (s *stack) there() naming.Scope { return s.scope.In(s.cfg.Recovery.Region) }

// recoveryKeyArn is the ARN of a key of the recovery region, by its
// logical name.
func (s *stack) recoveryKeyArn(t *testing.T, name string) string {
	t.Helper()
	k := find(t, s.Result, tKey, name)
	assert.Equal(t, s.cfg.Recovery.Region, k.Region, "%s is in the recovery region", name)
	arn, ok := k.Computed["arn"].(string)
	require.True(t, ok, "%s has an ARN", name)
	return arn
}

// outside lists the custom resources created outside the stack's region.
func (s *stack) outside() []*synth.Resource {
	var out []*synth.Resource
	for _, r := range s.Resources {
		if !r.Component && r.Region != s.scope.Region {
			out = append(out, r)
		}
	}
	return out
}

// auditSources are the buckets replicated to the recovery region, by the
// key that names their replica's component, with their logical names: the
// trail's always, AWS Config's and the backup reports' where the stack runs
// them (the owner of the account singletons).
func (s *stack) auditSources() map[string]string {
	out := map[string]string{"cloudtrail": "cloudtrail-bucket"}
	if s.cfg.OwnsAccountSingletons {
		out["config"] = "config-bucket"
		out["backup-reports"] = "backup-audit-bucket"
	}
	return out
}

// ruleRecoveryRegion: without recovery.region nothing of disaster recovery
// exists and nothing leaves the stack's region; with it, one explicit
// provider for that region carries the stack's default tags, and whatever
// is created there is the stack's, named with its prefix, under the
// components that own the recovery region's resources.
func ruleRecoveryRegion(t *testing.T, s *stack) {
	providers := s.OfType(tAwsProvider)
	if !s.cfg.Recovery.Enabled() {
		assert.Empty(t, providers, "no recovery region, no second provider")
		assert.Empty(t, s.outside(), "nothing is created outside %s", s.scope.Region)
		for _, typ := range []string{tReplication, tRestorePlan, tRestoreSelection, tFramework, tReportPlan, tServiceLinkedRole} {
			assert.Empty(t, s.OfType(typ), typ)
		}
		for _, x := range find(t, s.Result, tBackupPlan, "backup-plan").Inputs["rules"].([]any) {
			assert.NotContains(t, x.(map[string]any), "copyActions", "no copy without a recovery region")
		}
		for _, o := range []string{"recoveryVaultName", "auditReplicaBucketNames", "backupReportsBucketName", "restoreTestingPlanName"} {
			assert.NotContains(t, s.Outputs, o)
		}
		return
	}
	require.Len(t, providers, 1)
	p := providers[0]
	assert.Equal(t, platform.RecoveryProviderName, p.Name)
	assert.Equal(t, s.cfg.Recovery.Region, p.Str("region"))
	assert.Equal(t, s.cfg.Recovery.Region, p.Region)
	if len(s.cfg.DefaultTags) > 0 {
		tags := map[string]any{}
		for k, v := range s.cfg.DefaultTags {
			tags[k] = v
		}
		assert.Equal(t, map[string]any{"tags": tags}, p.Inputs["defaultTags"], "an explicit provider reads no aws:defaultTags: the program gives it the stack's")
	}
	assert.NotEqual(t, s.scope.Region, s.cfg.Recovery.Region)
	assert.Equal(t, s.scope.Partition, naming.Partition(s.cfg.Recovery.Region))

	owners := map[string]bool{
		"omnirapeutic:data:RecoveryVault":          true,
		"omnirapeutic:compliance:AuditReplication": true,
	}
	outside := s.outside()
	require.NotEmpty(t, outside)
	for _, r := range outside {
		if r.Type == tAwsProvider {
			continue
		}
		assert.Equal(t, s.cfg.Recovery.Region, r.Region, "%s %s", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.URN, "urn:pulumi:"+s.Config.Stack+"::"), "%s is the stack's", r.Name)
		owned := false
		for parent := s.ByURN(r.Parent); parent != nil; parent = s.ByURN(parent.Parent) {
			owned = owned || owners[parent.Type]
		}
		assert.True(t, owned, "%s %s is created by a recovery-region component", r.Type, r.Name)
		n := r.Str("name")
		if r.Type == tBucket {
			n = r.Str("bucket")
		}
		if n != "" {
			assert.True(t, strings.HasPrefix(strings.TrimPrefix(n, "alias/"), s.scope.Prefix+"-"), "%s %s is named %q", r.Type, r.Name, n)
		}
	}
}

// ruleRecoveryVault: the daily and monthly recovery points are copied to a
// vault of the recovery region, under that region's key of its own
// purpose, locked and deny-delete as the stack's own vault, each copy kept
// as long as its original; the continuous rule is not copied (a
// cross-region copy of it would be a snapshot anyway).
func ruleRecoveryVault(t *testing.T, s *stack) {
	if !s.cfg.Recovery.Enabled() {
		return
	}
	there := s.there()
	keyArn := s.recoveryKeyArn(t, "recovery-backup-key")
	key := find(t, s.Result, tKey, "recovery-backup-key")
	assert.True(t, key.Protect)
	assert.Equal(t, true, key.Inputs["enableKeyRotation"])
	alias := find(t, s.Result, tAlias, "recovery-backup-key-alias")
	assert.Equal(t, s.cfg.Recovery.Region, alias.Region)
	assert.Equal(t, security.Alias(there, security.CopiesKey), alias.Str("name"))
	doc, err := policy.Parse(key.Str("policy"))
	require.NoError(t, err)
	assert.Equal(t, []string{"via " + there.ServicePrincipal("backup"), "via " + there.ServicePrincipal("rds")}, report.KeyUsers(doc),
		"AWS Backup re-encrypts the copy with the destination vault's key; RDS restores from it")

	vault := find(t, s.Result, tVault, "recovery-backup-vault")
	assert.Equal(t, s.cfg.Recovery.Region, vault.Region)
	assert.Equal(t, data.RecoveryVaultName(s.scope), vault.Str("name"))
	assert.Equal(t, keyArn, vault.Str("kmsKeyArn"))
	assert.Equal(t, false, vault.Inputs["forceDestroy"])
	assert.True(t, vault.Protect)
	lock := find(t, s.Result, tVaultLock, "recovery-backup-vault-lock")
	assert.Equal(t, s.cfg.Recovery.Region, lock.Region)
	assert.EqualValues(t, s.cfg.Backup.DailyRetentionDays, lock.Inputs["minRetentionDays"], "the shortest copied rule's retention")
	assert.NotContains(t, lock.Inputs, "changeableForDays")
	vp := find(t, s.Result, tVaultPolicy, "recovery-backup-vault-policy")
	assert.Equal(t, s.cfg.Recovery.Region, vp.Region)
	vdoc, err := policy.Parse(vp.Str("policy"))
	require.NoError(t, err)
	deny := statement(t, vdoc, "DenyManualDeletion")
	assert.Equal(t, "Deny", deny.Effect)
	assert.ElementsMatch(t, []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"}, deny.Action)

	vaultArn := there.ARN("backup", "backup-vault:"+data.RecoveryVaultName(s.scope))
	assert.Equal(t, vaultArn, vault.Computed["arn"])
	copies := map[string]any{}
	for _, x := range find(t, s.Result, tBackupPlan, "backup-plan").Inputs["rules"].([]any) {
		m := x.(map[string]any)
		copies[m["ruleName"].(string)] = m["copyActions"]
	}
	copyTo := func(days int) any {
		return []any{map[string]any{"destinationVaultArn": vaultArn, "lifecycle": map[string]any{"deleteAfter": float64(days)}}}
	}
	assert.Equal(t, map[string]any{
		"continuous": nil,
		"daily":      copyTo(s.cfg.Backup.DailyRetentionDays),
		"monthly":    copyTo(s.cfg.Backup.MonthlyRetentionDays),
	}, copies)
	assert.Equal(t, data.RecoveryVaultName(s.scope), s.Outputs["recoveryVaultName"])
}

// ruleAuditReplication: each audit bucket replicates, KMS-encrypted objects
// included, to a locked, versioned, private replica in the recovery region
// under that region's key, within S3 Replication Time Control's window,
// without deleting what the source deletes; the role S3 replicates with
// reads only those sources and writes only those replicas, through S3 and
// each bucket's key only.
func ruleAuditReplication(t *testing.T, s *stack) {
	if !s.cfg.Recovery.Enabled() {
		return
	}
	there := s.there()
	keyArn := s.recoveryKeyArn(t, "audit-replication-key")
	kdoc, err := policy.Parse(find(t, s.Result, tKey, "audit-replication-key").Str("policy"))
	require.NoError(t, err)
	assert.Equal(t, []string{"via " + there.ServicePrincipal("s3")}, report.KeyUsers(kdoc))

	role := s.arn("iam", "role/"+compliance.ReplicationRoleName(s.scope))
	var sources, replicas []string
	names := map[string]any{}
	for key, logical := range s.auditSources() {
		src := find(t, s.Result, tBucket, logical)
		assert.Equal(t, s.scope.Region, src.Region)
		replica := storage.ReplicaName(src.Str("bucket"))
		names[key] = replica
		sources = append(sources, src.Str("bucket"))
		replicas = append(replicas, replica)

		b := find(t, s.Result, tBucket, "audit-replication-"+key+"-bucket")
		assert.Equal(t, s.cfg.Recovery.Region, b.Region)
		assertPrivateBucket(t, s.Result, "audit-replication-"+key+"-bucket", replica)
		assertLifecycle(t, s.Result, "audit-replication-"+key+"-bucket", compliance.AuditLifecycle(s.cfg.Logs.AuditRetentionDays))
		assert.True(t, b.Protect)
		sse := find(t, s.Result, tBucketSSE, "audit-replication-"+key+"-bucket-encryption").Inputs["rules"].([]any)[0].(map[string]any)
		assert.Equal(t, map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": keyArn}, sse["applyServerSideEncryptionByDefault"])

		rc := find(t, s.Result, tReplication, "audit-replication-"+key+"-replication")
		assert.Equal(t, s.scope.Region, rc.Region, "a replication configuration is the source's")
		assert.Equal(t, src.ID, rc.Str("bucket"))
		assert.Equal(t, role, rc.Str("role"))
		rules := rc.Inputs["rules"].([]any)
		require.Len(t, rules, 1)
		r := rules[0].(map[string]any)
		assert.Equal(t, "Enabled", r["status"])
		assert.Equal(t, map[string]any{}, r["filter"], "every object")
		assert.Equal(t, map[string]any{"status": "Disabled"}, r["deleteMarkerReplication"], "a delete on the source is not a delete of the evidence")
		assert.Equal(t, map[string]any{"sseKmsEncryptedObjects": map[string]any{"status": "Enabled"}}, r["sourceSelectionCriteria"], "SSE-KMS objects replicate only when the rule opts in")
		dst := r["destination"].(map[string]any)
		assert.Equal(t, there.ARN("s3", replica), dst["bucket"])
		assert.Equal(t, map[string]any{"replicaKmsKeyId": keyArn}, dst["encryptionConfiguration"], "a key of the destination's region")
		assert.Equal(t, map[string]any{"status": "Enabled", "time": map[string]any{"minutes": float64(storage.ReplicationTimeMinutes)}}, dst["replicationTime"])
		for _, part := range []string{"-object-lock", "-versioning"} {
			assert.Contains(t, rc.Dependencies, find(t, s.Result, resourceTypeOf(part), "audit-replication-"+key+"-bucket"+part).URN,
				"the replica's %s exists before S3 replicates into it", part)
		}
		assert.Contains(t, rc.Dependencies, find(t, s.Result, tBucketVersion, logical+"-versioning").URN, "replication needs the source versioned")
	}
	assert.Equal(t, names, s.Outputs["auditReplicaBucketNames"])

	// The role: S3 alone, and nothing beyond these buckets and keys.
	trust, err := policy.Parse(find(t, s.Result, tRole, "audit-replication-role").Str("assumeRolePolicy"))
	require.NoError(t, err)
	require.Len(t, trust.Statement, 1)
	assert.Equal(t, policy.Service("s3.amazonaws.com"), trust.Statement[0].Principal)
	doc, err := policy.Parse(find(t, s.Result, tPolicy, "audit-replication-policy").Str("policy"))
	require.NoError(t, err)
	var srcArns, srcObjects, dstObjects []string
	for i := range sources {
		srcArns = append(srcArns, s.arn("s3", sources[i]))
		srcObjects = append(srcObjects, s.arn("s3", sources[i]+"/*"))
		dstObjects = append(dstObjects, there.ARN("s3", replicas[i]+"/*"))
	}
	read := statement(t, doc, "ReadReplicationConfiguration")
	assert.ElementsMatch(t, srcArns, read.Resource)
	versions := statement(t, doc, "ReadSourceVersions")
	assert.ElementsMatch(t, srcObjects, versions.Resource)
	assert.Subset(t, versions.Action, []string{"s3:GetObjectVersionForReplication", "s3:GetObjectRetention", "s3:GetObjectLegalHold"},
		"a locked source replicates only if the role reads retention and legal hold")
	write := statement(t, doc, "WriteReplicas")
	assert.Equal(t, []string{"s3:ReplicateObject"}, write.Action)
	assert.ElementsMatch(t, dstObjects, write.Resource)
	decrypt := statement(t, doc, "DecryptSources")
	assert.Equal(t, []string{"kms:Decrypt"}, decrypt.Action)
	assert.Equal(t, []string{s.keyArn(t, "s3")}, decrypt.Resource)
	assert.Equal(t, []string{s.scope.ServicePrincipal("s3")}, decrypt.Condition["StringEquals"]["kms:ViaService"])
	encrypt := statement(t, doc, "EncryptReplicas")
	assert.Equal(t, []string{keyArn}, encrypt.Resource)
	assert.Equal(t, []string{there.ServicePrincipal("s3")}, encrypt.Condition["StringEquals"]["kms:ViaService"])
	for _, st := range doc.Statement {
		assert.NotContains(t, st.Resource, "*", st.Sid)
		assert.Equal(t, "Allow", st.Effect, st.Sid)
	}
}

// resourceTypeOf is the type of a bucket part by its name's suffix.
func resourceTypeOf(part string) string {
	switch part {
	case "-object-lock":
		return tObjectLock
	case "-versioning":
		return tBucketVersion
	}
	panic(part)
}

// ruleRestoreTesting: every week AWS Backup restores the newest snapshot of
// the stack's vault into the stack's subnets, security group and
// parameter group (AWS Backup would infer the default VPC, which the
// baseline deletes), keeps it for the validation window, then deletes it;
// a failed test is a restore job failure the backup-failures rule sends to
// the topic (ruleBackup checks that pattern).
func ruleRestoreTesting(t *testing.T, s *stack) {
	if !s.cfg.Recovery.Enabled() {
		return
	}
	plan := find(t, s.Result, tRestorePlan, "restore-testing-plan")
	assert.Equal(t, s.scope.Region, plan.Region)
	assert.Equal(t, data.RestoreTestingPlanName(s.scope), plan.Str("name"))
	assert.Equal(t, data.RestoreTestSchedule, plan.Str("scheduleExpression"))
	assert.Equal(t, map[string]any{
		"algorithm":           "LATEST_WITHIN_WINDOW",
		"includeVaults":       []any{find(t, s.Result, tVault, "backup-vault").Computed["arn"]},
		"recoveryPointTypes":  []any{"SNAPSHOT"},
		"selectionWindowDays": float64(data.RestoreTestSelectionWindowDays),
	}, plan.Inputs["recoveryPointSelection"])

	sel := find(t, s.Result, tRestoreSelection, "restore-testing-aurora")
	cluster := find(t, s.Result, tCluster, "aurora-cluster")
	assert.Equal(t, plan.Str("name"), sel.Str("restoreTestingPlanName"))
	assert.Equal(t, "Aurora", sel.Str("protectedResourceType"))
	assert.Equal(t, []any{cluster.Computed["arn"]}, sel.Inputs["protectedResourceArns"])
	assert.EqualValues(t, data.RestoreTestValidationWindowHours, sel.Inputs["validationWindowHours"])
	assert.Equal(t, s.arn("iam", "role/"+s.name("restore-testing")), sel.Str("iamRoleArn"))
	assert.Equal(t, []string{s.scope.ManagedPolicyARN(data.RestoreServicePolicy)}, attachedPolicies(s.Result, s.name("restore-testing")))
	groups, err := json.Marshal([]any{find(t, s.Result, tSG, "security-groups-aurora").ID})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"dbSubnetGroupName":           find(t, s.Result, tSubnetGroup, "aurora-subnets").Str("name"),
		"dbClusterParameterGroupName": find(t, s.Result, tParamGroup, "aurora-params").Str("name"),
		"vpcSecurityGroupIds":         string(groups),
	}, sel.Inputs["restoreMetadataOverrides"])
	assert.Equal(t, plan.Str("name"), s.Outputs["restoreTestingPlanName"])
	// A failed restore test reaches the topic: the rule's pattern has
	// restore jobs (ruleBackup), and its target is the topic.
	failed := find(t, s.Result, tEventRule, "backup-failures")
	assert.Contains(t, failed.Str("eventPattern"), "Restore Job State Change")
}

// ruleBackupAudit: where the stack runs AWS Config (the framework's
// controls are Config rules) and has a recovery region, AWS Backup Audit
// Manager judges the backups against the configuration every day and
// delivers four reports to a private, KMS-encrypted, deny-delete audit
// bucket only its service-linked role writes to; elsewhere none of it.
func ruleBackupAudit(t *testing.T, s *stack) {
	if !s.cfg.Recovery.Enabled() || !s.cfg.OwnsAccountSingletons {
		assert.Empty(t, s.OfType(tFramework))
		assert.Empty(t, s.OfType(tReportPlan))
		assert.Empty(t, s.OfType(tServiceLinkedRole))
		return
	}
	slr := find(t, s.Result, tServiceLinkedRole, "backup-audit-role")
	assert.Equal(t, compliance.BackupReportsService, slr.Str("awsServiceName"))
	bucketName := compliance.BackupReportsBucketName(s.scope)
	doc := assertPrivateBucket(t, s.Result, "backup-audit-bucket", bucketName)
	assertAuditBucket(t, s, "backup-audit-bucket")
	grant := statement(t, doc, "BackupAuditManagerWritesReports")
	assert.Equal(t, policy.AWS(compliance.BackupReportsRoleArn(s.scope)), grant.Principal)
	assert.Equal(t, []string{"s3:PutObject"}, grant.Action)
	assert.Equal(t, []string{s.arn("s3", bucketName+"/*")}, grant.Resource)
	assert.Contains(t, find(t, s.Result, tBucketPolicy, "backup-audit-bucket-policy").Dependencies, slr.URN,
		"a bucket policy naming a role that does not exist yet is refused")
	assert.Equal(t, "Deny", statement(t, doc, "DenyObjectDeletion").Effect)

	fw := find(t, s.Result, tFramework, "backup-audit-framework")
	assert.Equal(t, compliance.BackupFrameworkName(s.scope), fw.Str("name"))
	assert.Contains(t, fw.Dependencies, find(t, s.Result, tRecorderStatus, "config-status").URN, "the controls are AWS Config rules: the recorder is on first")
	controls := map[string]map[string]any{}
	for _, x := range fw.Inputs["controls"].([]any) {
		c := x.(map[string]any)
		params := map[string]any{}
		for _, p := range asList(c["inputParameters"]) {
			params[p.(map[string]any)["name"].(string)] = p.(map[string]any)["value"]
		}
		if c["scope"] != nil {
			params["scope"] = c["scope"]
		}
		controls[c["name"].(string)] = params
	}
	onCluster := map[string]any{"tags": map[string]any{"Name": data.ClusterID(s.scope)}}
	num := func(n int) string { b, _ := json.Marshal(n); return string(b) }
	assert.Equal(t, map[string]any{"requiredFrequencyUnit": "hours", "requiredFrequencyValue": "24", "requiredRetentionDays": num(s.cfg.Backup.DailyRetentionDays)},
		controls["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"], "frequency and retention")
	assert.Equal(t, map[string]any{"crossRegionList": s.cfg.Recovery.Region, "scope": onCluster},
		controls["BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"], "the copy to the recovery region")
	assert.Equal(t, map[string]any{"minRetentionDays": num(s.cfg.Aurora.BackupRetentionDays), "scope": onCluster},
		controls["BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK"], "the vault lock")
	assert.Equal(t, map[string]any{}, controls["BACKUP_RECOVERY_POINT_ENCRYPTED"], "encryption")
	assert.Equal(t, map[string]any{"maxRestoreTime": num(int(recovery.AuroraRestore.Minutes)), "scope": onCluster},
		controls["RESTORE_TIME_FOR_RESOURCES_MEET_TARGET"], "the modeled restore time")
	assert.Contains(t, controls, "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN")
	assert.Contains(t, controls, "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED")

	var templates []string
	for _, rp := range s.OfType(tReportPlan) {
		setting := rp.Inputs["reportSetting"].(map[string]any)
		template := setting["reportTemplate"].(string)
		templates = append(templates, template)
		assert.Equal(t, compliance.BackupReportPlanName(s.scope, template), rp.Str("name"))
		assert.Equal(t, map[string]any{"s3BucketName": bucketName, "formats": []any{"CSV", "JSON"}}, rp.Inputs["reportDeliveryChannel"])
		if template == "CONTROL_COMPLIANCE_REPORT" {
			assert.Equal(t, []any{fw.Computed["arn"]}, setting["frameworkArns"])
		}
	}
	assert.ElementsMatch(t, []string{"BACKUP_JOB_REPORT", "CONTROL_COMPLIANCE_REPORT", "COPY_JOB_REPORT", "RESTORE_JOB_REPORT"}, templates)
	assert.Equal(t, bucketName, s.Outputs["backupReportsBucketName"])
}

// asList is a list input, or none.
func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// TestWithoutARecoveryRegionTheReplicationExceptionsAreUnexcepted: the
// exceptions of s3-bucket-replication-enabled hold only while a stack has
// no recovery region; production without one fails the rule on its audit
// buckets, unexcepted.
func TestWithoutARecoveryRegionTheReplicationExceptionsAreUnexcepted(t *testing.T) {
	r := runWithin(t, "production", func(v values) { v.set("omnirapeutic:recovery", map[string]any{}) })
	assert.Empty(t, r.OfType(tAwsProvider))
	var unexcepted []string
	for _, v := range r.Conformance.Verdicts {
		for _, row := range v.Rows {
			if v.Rule == "s3-bucket-replication-enabled" && row.Status == conformance.NonCompliant {
				unexcepted = append(unexcepted, row.Resource)
			}
		}
	}
	assert.Contains(t, unexcepted, "cloudtrail-bucket", "production's audit buckets need a recovery region")
	assert.Contains(t, unexcepted, "config-bucket")
}

// TestTheDeployCriticalPathIsTheGraphs: the RTO's deploy time is the
// longest chain of the synthesized dependency graph, each resource timed
// by its type; the Aurora cluster and its writer are on it, and a restore
// from a snapshot takes longer than a new cluster.
func TestTheDeployCriticalPathIsTheGraphs(t *testing.T) {
	r := production(t)
	fresh, err := synth.DeployCriticalPath(r, false)
	require.NoError(t, err)
	restored, err := synth.DeployCriticalPath(r, true)
	require.NoError(t, err)
	var types []string
	sum := 0.0
	for i, n := range restored.Nodes {
		types = append(types, n.Type)
		sum += n.Minutes
		if i > 0 {
			prev := restored.Nodes[i-1].ID
			res := r.ByURN(n.ID)
			waits := slices.Contains(res.Dependencies, prev) || res.Parent == prev || r.ByURN(prev).Parent == n.ID
			assert.True(t, waits || res.Component || r.ByURN(prev).Component, "%s follows %s in the graph", n.Name, restored.Nodes[i-1].Name)
		}
	}
	assert.Contains(t, types, tCluster)
	assert.Contains(t, types, tClusterInstance)
	assert.InDelta(t, sum, restored.Minutes, 1e-9)
	assert.Greater(t, restored.Minutes, fresh.Minutes-recovery.Creation(tCluster).Minutes)
	assert.GreaterOrEqual(t, restored.Minutes, recovery.AuroraRestore.Minutes+recovery.Creation(tClusterInstance).Minutes)
}

// TestTheRecoveryStackFitsProductionsCopies: every committed stack with a
// recovery region has a committed stack there to bring up from its copies
// (the runbook's), which owns that region's singletons (AWS Config judges
// the replicas there), and whose cluster can be restored from the copy:
// the snapshot's master user and engine version.
func TestTheRecoveryStackFitsProductionsCopies(t *testing.T) {
	stacks := committedStacks(t)
	for _, r := range stacks {
		cfg := r.Stack.Config
		if !cfg.Recovery.Enabled() {
			continue
		}
		var there []*synth.Result
		for _, o := range stacks {
			if o.Stack.Config.Region == cfg.Recovery.Region {
				there = append(there, o)
			}
		}
		require.Lenf(t, there, 1, "%s's recovery region %s needs one committed stack to bring up there", r.Config.Stack, cfg.Recovery.Region)
		rc := there[0].Stack.Config
		assert.True(t, rc.OwnsAccountSingletons, "%s owns %s's singletons", there[0].Config.Stack, rc.Region)
		assert.Equal(t, cfg.Aurora.MasterUsername, rc.Aurora.MasterUsername, "a restored cluster's master user is the snapshot's")
		assert.Equal(t, cfg.Aurora.EngineVersion, rc.Aurora.EngineVersion, "the engine version the snapshot was taken with")
		assert.Empty(t, rc.Recovery.Region, "while the primary is lost, the recovery stack has no recovery region")
	}
}

// TestProductionLeavesTheRegionStagingDoesNot is the acceptance,
// for the stacks as their files configure them: a stack with a recovery
// region (production) has the recovery vault and its key there, a copy
// action on the daily and monthly rules, the audit buckets' replication, a
// restore testing plan and selection, and the backup report; a stack
// without one (staging) has none of it (ruleRecoveryRegion holds each to its
// configuration, over the change matrix too).
func TestProductionLeavesTheRegionStagingDoesNot(t *testing.T) {
	for _, stack := range []string{"production", "staging"} {
		s := stackOf(t, synthesize(t, stack))
		if s.cfg.Recovery.Enabled() {
			assertLeavesTheRegion(t, s)
		} else {
			assertStaysInTheRegion(t, s)
		}
	}
}

// assertLeavesTheRegion: the stack copies, replicates, tests restores and
// reports in and on its recovery region.
func assertLeavesTheRegion(t *testing.T, s *stack) {
	t.Helper()
	for _, r := range []*synth.Resource{
		find(t, s.Result, tVault, "recovery-backup-vault"),
		find(t, s.Result, tKey, "recovery-backup-key"),
		find(t, s.Result, tBucket, "audit-replication-cloudtrail-bucket"),
	} {
		assert.Equal(t, s.cfg.Recovery.Region, r.Region, r.Name)
	}
	for _, x := range find(t, s.Result, tBackupPlan, "backup-plan").Inputs["rules"].([]any) {
		m := x.(map[string]any)
		assert.Equal(t, m["ruleName"] != "continuous", m["copyActions"] != nil, "%s copies", m["ruleName"])
	}
	assert.Len(t, s.OfType(tReplication), len(s.auditSources()))
	assert.Len(t, s.OfType(tRestorePlan), 1)
	assert.Len(t, s.OfType(tRestoreSelection), 1)
	if s.cfg.OwnsAccountSingletons {
		// The backup audit's controls are AWS Config rules: it runs in the
		// stack that runs AWS Config.
		assert.Len(t, s.OfType(tFramework), 1)
		assert.NotEmpty(t, s.OfType(tReportPlan))
	}
}

// assertStaysInTheRegion: a stack without a recovery region creates
// nothing outside its region, and none of what leaves it.
func assertStaysInTheRegion(t *testing.T, staging *stack) {
	t.Helper()
	assert.Empty(t, staging.outside())
	for _, typ := range []string{tAwsProvider, tReplication, tRestorePlan, tRestoreSelection, tFramework, tReportPlan} {
		assert.Empty(t, staging.OfType(typ), typ)
	}
}
