package tests

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
)

const (
	tCluster         = "aws:rds/cluster:Cluster"
	tClusterInstance = "aws:rds/clusterInstance:ClusterInstance"
	tParamGroup      = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
	tSubnetGroup     = "aws:rds/subnetGroup:SubnetGroup"
	tInstance        = "aws:ec2/instance:Instance"
	tProfile         = "aws:iam/instanceProfile:InstanceProfile"
	tDocument        = "aws:ssm/document:Document"
)

// dataSubnetIDs are the data subnets' IDs in AZ order.
func (s *stack) subnetIDs(t *testing.T, tier string) []any {
	t.Helper()
	var out []any
	for _, az := range s.cfg.Network.AvailabilityZones {
		out = append(out, find(t, s.Result, tSubnet, "network-"+tier+"-"+az).ID)
	}
	return out
}

func ruleAuroraCluster(t *testing.T, s *stack) {
	c := find(t, s.Result, tCluster, "aurora-cluster")
	a := s.cfg.Aurora
	assert.Equal(t, data.ClusterID(s.scope), c.Str("clusterIdentifier"))
	assert.Equal(t, "aurora-postgresql", c.Str("engine"))
	assert.Equal(t, a.EngineVersion, c.Str("engineVersion"))
	assert.Equal(t, "provisioned", c.Str("engineMode"))
	assert.Equal(t, map[string]any{"minCapacity": a.MinCapacity, "maxCapacity": a.MaxCapacity}, c.Inputs["serverlessv2ScalingConfiguration"])
	assert.Equal(t, data.DatabaseName, c.Str("databaseName"))
	assert.EqualValues(t, security.PostgresPort, c.Inputs["port"])
	assert.Equal(t, a.MasterUsername, c.Str("masterUsername"))
	assert.Equal(t, true, c.Inputs["manageMasterUserPassword"])
	assert.NotContains(t, c.Inputs, "masterPassword", "no password may pass through config or state")
	assert.Equal(t, s.keyArn(t, "secrets"), c.Str("masterUserSecretKmsKeyId"))
	assert.Equal(t, true, c.Inputs["storageEncrypted"])
	assert.Equal(t, s.keyArn(t, "aurora"), c.Str("kmsKeyId"))
	assert.EqualValues(t, a.BackupRetentionDays, c.Inputs["backupRetentionPeriod"])
	assert.Equal(t, data.PreferredBackupWindow, c.Str("preferredBackupWindow"))
	assert.Equal(t, data.PreferredMaintenanceWindow, c.Str("preferredMaintenanceWindow"))
	assert.Equal(t, true, c.Inputs["deletionProtection"])
	assert.Equal(t, false, c.Inputs["skipFinalSnapshot"])
	assert.Equal(t, data.ClusterID(s.scope)+"-final-"+find(t, s.Result, tVpc, "network-vpc").ID, c.Str("finalSnapshotIdentifier"), "unique per incarnation of the stack (its VPC)")
	assert.Equal(t, true, c.Inputs["applyImmediately"], "a pending change would be sent again on every up")
	assert.Equal(t, true, c.Inputs["copyTagsToSnapshot"])
	assert.Equal(t, true, c.Inputs["iamDatabaseAuthenticationEnabled"])
	assert.Equal(t, []any{"postgresql"}, c.Inputs["enabledCloudwatchLogsExports"])
	if snapshot := s.cfg.Recovery.RestoreFromSnapshot; snapshot != "" {
		assert.Equal(t, snapshot, c.Str("snapshotIdentifier"), "created from the snapshot recovery.restoreFromSnapshot names")
	} else {
		assert.NotContains(t, c.Inputs, "snapshotIdentifier", "a new, empty cluster")
	}
	assert.Contains(t, c.IgnoreChanges, "engineVersion", "automatic minor upgrades move the version; pulumi up must not try to go back")
	assert.Equal(t, []any{find(t, s.Result, tSG, "security-groups-aurora").ID}, c.Inputs["vpcSecurityGroupIds"], "the Aurora security group only")

	subnets := find(t, s.Result, tSubnetGroup, "aurora-subnets")
	assert.Equal(t, s.subnetIDs(t, "data"), subnets.Inputs["subnetIds"])
	assert.Equal(t, subnets.Str("name"), c.Str("dbSubnetGroupName"))

	// RDS would create the export's group unencrypted and never-expiring.
	group := find(t, s.Result, tLogGroup, "aurora-postgresql-logs")
	assert.Equal(t, data.PostgresLogGroupName(data.ClusterID(s.scope)), group.Str("name"))
	assert.EqualValues(t, s.cfg.Logs.AuditRetentionDays, group.Inputs["retentionInDays"], "pgAudit output is an audit log")
	assert.Contains(t, c.Dependencies, group.URN, "the log group exists before the cluster")
}

// ruleAuroraParameterGroup: TLS forced and pgAudit loaded, whatever the config.
func ruleAuroraParameterGroup(t *testing.T, s *stack) {
	pg := find(t, s.Result, tParamGroup, "aurora-params")
	major := strings.SplitN(s.cfg.Aurora.EngineVersion, ".", 2)[0]
	assert.Equal(t, "aurora-postgresql"+major, pg.Str("family"))
	assert.Equal(t, pg.Str("name"), find(t, s.Result, tCluster, "aurora-cluster").Str("dbClusterParameterGroupName"))
	got := map[string][2]any{}
	for _, p := range pg.Inputs["parameters"].([]any) {
		m := p.(map[string]any)
		got[m["name"].(string)] = [2]any{m["value"], m["applyMethod"]}
	}
	assert.Equal(t, map[string][2]any{
		"rds.force_ssl":                     {"1", "immediate"},
		"shared_preload_libraries":          {"pg_stat_statements,pgaudit", "pending-reboot"},
		"pgaudit.role":                      {"rds_pgaudit", "immediate"},
		"pgaudit.log":                       {"ddl,role,write", "immediate"},
		"pgaudit.log_catalog":               {"0", "immediate"},
		"pgaudit.log_parameter":             {"0", "immediate"},
		"log_statement":                     {"ddl", "immediate"},
		"log_min_duration_statement":        {"1000", "immediate"},
		"log_parameter_max_length":          {"0", "immediate"},
		"log_parameter_max_length_on_error": {"0", "immediate"},
		"log_connections":                   {"1", "immediate"},
		"log_disconnections":                {"1", "immediate"},
	}, got)
}

// ruleAuroraInstances: the writer in its configured AZ and one reader per
// configured reader AZ, each named by a prefix the provider completes (a new
// AZ creates the new instance first) and never protected, so a reader can be
// removed by config.
func ruleAuroraInstances(t *testing.T, s *stack) {
	a := s.cfg.Aurora
	require.Len(t, s.OfType(tClusterInstance), 1+len(a.ReaderAvailabilityZones))
	check := func(name, prefix, az string, tier int) {
		t.Helper()
		i := find(t, s.Result, tClusterInstance, name)
		assert.NotContains(t, i.Inputs, "identifier", "an explicit identifier would make a replacement (a new AZ) delete the instance first")
		assert.Equal(t, prefix, i.Str("identifierPrefix"))
		assert.LessOrEqual(t, len(prefix), 63-26, "RDS identifiers have at most 63 characters; the provider appends 26")
		assert.Equal(t, true, i.Inputs["applyImmediately"])
		assert.Equal(t, az, i.Str("availabilityZone"))
		assert.Equal(t, "db.serverless", i.Str("instanceClass"))
		assert.Equal(t, "aurora-postgresql", i.Str("engine"))
		assert.NotContains(t, i.Inputs, "engineVersion", "an instance runs its cluster's version")
		assert.Equal(t, find(t, s.Result, tCluster, "aurora-cluster").ID, i.Str("clusterIdentifier"))
		assert.Equal(t, false, i.Inputs["publiclyAccessible"])
		assert.Equal(t, true, i.Inputs["autoMinorVersionUpgrade"])
		assert.Equal(t, true, i.Inputs["performanceInsightsEnabled"])
		assert.Equal(t, s.keyArn(t, "aurora"), i.Str("performanceInsightsKmsKeyId"))
		assert.EqualValues(t, data.EnhancedMonitoringSeconds, i.Inputs["monitoringInterval"])
		assert.Equal(t, s.arn("iam", "role/"+s.name("rds-monitoring")), i.Str("monitoringRoleArn"))
		assert.Equal(t, data.CACertificate, i.Str("caCertIdentifier"))
		assert.EqualValues(t, tier, i.Inputs["promotionTier"])
		assert.False(t, i.Protect, "instances are not protected, so readers can be removed by config")
	}
	check("aurora-writer", data.InstanceIdentifierPrefix(data.ClusterID(s.scope), "writer"), a.WriterAvailabilityZone, 0)
	for _, az := range a.ReaderAvailabilityZones {
		role := "reader-" + az[strings.LastIndex(az, "-")+1:]
		check("aurora-reader-"+az, data.InstanceIdentifierPrefix(data.ClusterID(s.scope), role), az, 1)
	}
}

func ruleBastion(t *testing.T, s *stack) {
	b := find(t, s.Result, tInstance, "bastion")
	az := s.cfg.Bastion.AvailabilityZone
	subnet := find(t, s.Result, tSubnet, "network-data-"+az)
	assert.Equal(t, subnet.ID, b.Str("subnetId"), "the data subnet of the bastion's AZ")
	assert.Equal(t, s.cfg.Network.SubnetCidrs["data"][az], subnet.Str("cidrBlock"))
	assert.Equal(t, false, b.Inputs["associatePublicIpAddress"])
	assert.NotContains(t, b.Inputs, "keyName", "no key pair: SSM only")
	assert.Equal(t, []any{find(t, s.Result, tSG, "security-groups-bastion").ID}, b.Inputs["vpcSecurityGroupIds"])
	assert.Equal(t, map[string]any{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1.0}, b.Inputs["metadataOptions"])
	assert.Equal(t, true, b.Inputs["rootBlockDevice"].(map[string]any)["encrypted"])
	assert.Equal(t, true, b.Inputs["monitoring"])
	assert.Equal(t, s.cfg.Bastion.InstanceType, b.Str("instanceType"))
	assert.Equal(t, s.name("bastion"), b.Str("iamInstanceProfile"))
	assert.Equal(t, []string{"ami"}, b.IgnoreChanges, "a newly published AMI must not replace the bastion")
	assert.Equal(t, s.name("bastion"), b.Tag("Name"))

	trust, err := policy.Parse(find(t, s.Result, tRole, "bastion-role").Str("assumeRolePolicy"))
	require.NoError(t, err)
	assert.Equal(t, policy.Service("ec2.amazonaws.com"), trust.Statement[0].Principal)
	assert.ElementsMatch(t, []string{
		s.scope.ManagedPolicyARN(policy.SSMManagedInstanceCore),
		policyArn(t, s.Result, "bastion-policy", s.name("bastion")+"-"),
	}, attachedPolicies(s.Result, s.name("bastion")))
	doc, err := policy.Parse(find(t, s.Result, tPolicy, "bastion-policy").Str("policy"))
	require.NoError(t, err)
	group := s.arn("logs", "log-group:"+data.SessionLogGroupName(s.scope))
	assert.Equal(t, []string{group, group + ":*"}, statement(t, doc, "WriteSessionLogs").Resource)
	assert.Equal(t, []string{s.keyArn(t, "audit-logs")}, statement(t, doc, "DecryptSessions").Resource, "kms:Decrypt on the audit-logs key only, never on *")
}

// ruleSessionLogging: the session log group always exists; the account's
// Session Manager preferences (a singleton) are set by the stack that owns them.
func ruleSessionLogging(t *testing.T, s *stack) {
	logs := find(t, s.Result, tLogGroup, "bastion-session-logs")
	assert.Equal(t, data.SessionLogGroupName(s.scope), logs.Str("name"))
	assert.EqualValues(t, s.cfg.Logs.AuditRetentionDays, logs.Inputs["retentionInDays"])
	if !s.cfg.OwnsAccountSingletons {
		assert.Nil(t, s.Find(tDocument, "bastion-session-preferences"), "another stack owns the account's preferences")
		return
	}
	d := find(t, s.Result, tDocument, "bastion-session-preferences")
	assert.Equal(t, "SSM-SessionManagerRunShell", d.Str("name"))
	assert.Equal(t, "Session", d.Str("documentType"))
	var content struct {
		SchemaVersion string         `json:"schemaVersion"`
		SessionType   string         `json:"sessionType"`
		Inputs        map[string]any `json:"inputs"`
	}
	require.NoError(t, json.Unmarshal([]byte(d.Str("content")), &content))
	assert.Equal(t, "1.0", content.SchemaVersion)
	assert.Equal(t, "Standard_Stream", content.SessionType)
	assert.Equal(t, data.SessionLogGroupName(s.scope), content.Inputs["cloudWatchLogGroupName"])
	assert.Equal(t, true, content.Inputs["cloudWatchEncryptionEnabled"])
	assert.Equal(t, true, content.Inputs["cloudWatchStreamingEnabled"])
	assert.Equal(t, find(t, s.Result, tKey, "keys-audit-logs").Computed["keyId"], content.Inputs["kmsKeyId"])
	assert.Equal(t, strconv.Itoa(s.cfg.Bastion.IdleSessionTimeoutMinutes), content.Inputs["idleSessionTimeout"])
	assert.Equal(t, strconv.Itoa(s.cfg.Bastion.MaxSessionDurationMinutes), content.Inputs["maxSessionDuration"])
}

func ruleDataOutputs(t *testing.T, s *stack) {
	c := find(t, s.Result, tCluster, "aurora-cluster")
	endpoint := c.Computed["endpoint"]
	assert.Equal(t, endpoint, s.Outputs["auroraEndpoint"])
	assert.Equal(t, c.Computed["readerEndpoint"], s.Outputs["auroraReaderEndpoint"])
	assert.EqualValues(t, security.PostgresPort, s.Outputs["auroraPort"])
	assert.Equal(t, c.Computed["masterUserSecrets"].([]any)[0].(map[string]any)["secretArn"], s.Outputs["auroraMasterSecretArn"])
	bastion := find(t, s.Result, tInstance, "bastion").ID
	assert.Equal(t, bastion, s.Outputs["bastionInstanceId"])
	assert.Equal(t, "aws ssm start-session --region "+s.scope.Region+" --target "+bastion+" --document-name "+data.TunnelDocumentName(s.scope)+
		" --parameters host="+endpoint.(string)+",localPortNumber="+strconv.Itoa(security.PostgresPort), s.Outputs["bastionConnectCommand"],
		"the stack's own tunnel document, which forwards only to Aurora")
}

func TestAuroraReadersFromConfig(t *testing.T) {
	// One reader in each AZ other than the writer's, as Pulumi.production.yaml's comment suggests.
	r := runWithin(t, "production", func(v values) {
		a := v.object("omnirapeutic:aurora")
		var readers []any
		for _, az := range v.list("omnirapeutic:availabilityZones") {
			if az != a["writerAvailabilityZone"] {
				readers = append(readers, az)
			}
		}
		a["readerAvailabilityZones"] = readers
		a["maxCapacity"] = 2.0
		v.set("omnirapeutic:aurora", a)
	})
	s := stackOf(t, r)
	require.NotEmpty(t, s.cfg.Aurora.ReaderAvailabilityZones)
	ruleAuroraInstances(t, s)
	assert.Equal(t, map[string]any{"minCapacity": s.cfg.Aurora.MinCapacity, "maxCapacity": 2.0}, find(t, r, tCluster, "aurora-cluster").Inputs["serverlessv2ScalingConfiguration"])
}

func TestAuroraBadConfigRegistersNothing(t *testing.T) {
	base := `"engineVersion":"15.10","writerAvailabilityZone":"us-east-1a","backupRetentionDays":7`
	for name, tc := range map[string]struct{ aurora, want string }{
		"ACU not a half step": {`{` + base + `,"minCapacity":0.75,"maxCapacity":1,"readerAvailabilityZones":[],"masterUsername":"dbadmin"}`,
			"omnirapeutic:aurora.minCapacity: 0.75 ACU is not a Serverless v2 capacity"},
		"min above max": {`{` + base + `,"minCapacity":2,"maxCapacity":1,"readerAvailabilityZones":[],"masterUsername":"dbadmin"}`,
			"omnirapeutic:aurora.minCapacity: 2 ACU is above maxCapacity 1 ACU"},
		"reader in unknown AZ": {`{` + base + `,"minCapacity":0.5,"maxCapacity":1,"readerAvailabilityZones":["us-east-1d"],"masterUsername":"dbadmin"}`,
			`omnirapeutic:aurora.readerAvailabilityZones: "us-east-1d" is not one of the VPC's availability zones`},
		"reserved master user": {`{` + base + `,"minCapacity":0.5,"maxCapacity":1,"readerAvailabilityZones":[],"masterUsername":"admin"}`,
			`omnirapeutic:aurora.masterUsername: "admin" is not allowed`},
		"misspelt field": {`{` + base + `,"minCapacity":0.5,"maxCapacity":1,"readerCount":2,"masterUsername":"dbadmin"}`,
			`omnirapeutic:aurora.readerCount: unknown key (value 2); known keys: backupRetentionDays,`},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := runWith(t, map[string]string{"omnirapeutic:aurora": tc.aurora})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, r.Resources)
		})
	}
}
