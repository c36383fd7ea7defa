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
	tCluster         = "aws:rds/cluster:Cluster"
	tClusterInstance = "aws:rds/clusterInstance:ClusterInstance"
	tParamGroup      = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
	tSubnetGroup     = "aws:rds/subnetGroup:SubnetGroup"
	tInstance        = "aws:ec2/instance:Instance"
	tProfile         = "aws:iam/instanceProfile:InstanceProfile"
	tDocument        = "aws:ssm/document:Document"
)

func TestAuroraCluster(t *testing.T) {
	r := production(t)
	c := find(t, r, tCluster, "aurora-cluster")
	assert.Equal(t, "omnirapeutic-production", c.Str("clusterIdentifier"))
	assert.Equal(t, "aurora-postgresql", c.Str("engine"))
	assert.Equal(t, "15.10", c.Str("engineVersion"))
	assert.Equal(t, "provisioned", c.Str("engineMode"))
	assert.Equal(t, map[string]any{"minCapacity": 0.5, "maxCapacity": 1.0}, c.Inputs["serverlessv2ScalingConfiguration"])
	assert.Equal(t, "omnirapeutic", c.Str("databaseName"))
	assert.EqualValues(t, 5432, c.Inputs["port"])
	assert.Equal(t, "dbadmin", c.Str("masterUsername"))
	assert.Equal(t, true, c.Inputs["manageMasterUserPassword"])
	assert.NotContains(t, c.Inputs, "masterPassword", "no password may pass through config or state")
	assert.Equal(t, keyArn("secrets"), c.Str("masterUserSecretKmsKeyId"))
	assert.Equal(t, true, c.Inputs["storageEncrypted"])
	assert.Equal(t, keyArn("aurora"), c.Str("kmsKeyId"))
	assert.EqualValues(t, 7, c.Inputs["backupRetentionPeriod"])
	assert.Equal(t, "07:00-08:00", c.Str("preferredBackupWindow"))
	assert.Equal(t, "sun:08:30-sun:09:30", c.Str("preferredMaintenanceWindow"))
	assert.Equal(t, true, c.Inputs["deletionProtection"])
	assert.Equal(t, false, c.Inputs["skipFinalSnapshot"])
	assert.Equal(t, "omnirapeutic-production-final-network-vpc-id", c.Str("finalSnapshotIdentifier"), "unique per incarnation of the stack (its VPC)")
	assert.Equal(t, true, c.Inputs["applyImmediately"], "a pending change would be sent again on every up")
	assert.Equal(t, true, c.Inputs["copyTagsToSnapshot"])
	assert.Equal(t, true, c.Inputs["iamDatabaseAuthenticationEnabled"])
	assert.Equal(t, []any{"postgresql"}, c.Inputs["enabledCloudwatchLogsExports"])
	assert.Equal(t, []string{"engineVersion"}, c.IgnoreChanges, "automatic minor upgrades move the version; pulumi up must not try to go back")

	sg := find(t, r, tSG, "security-groups-aurora")
	assert.Equal(t, []any{sg.ID}, c.Inputs["vpcSecurityGroupIds"], "the Aurora security group only")

	subnets := find(t, r, tSubnetGroup, "aurora-subnets")
	assert.Equal(t, []any{"network-data-us-east-1a-id", "network-data-us-east-1b-id", "network-data-us-east-1c-id"}, subnets.Inputs["subnetIds"])
	assert.Equal(t, subnets.Str("name"), c.Str("dbSubnetGroupName"))

	// RDS would create the export's group unencrypted and never-expiring.
	group := find(t, r, tLogGroup, "aurora-postgresql-logs")
	assert.Equal(t, "/aws/rds/cluster/omnirapeutic-production/postgresql", group.Str("name"))
	assert.EqualValues(t, 2192, group.Inputs["retentionInDays"], "pgAudit output is an audit log")
	assert.Contains(t, c.Dependencies, group.URN, "the log group exists before the cluster")
}

func TestAuroraParameterGroup(t *testing.T) {
	r := production(t)
	pg := find(t, r, tParamGroup, "aurora-params")
	assert.Equal(t, "aurora-postgresql15", pg.Str("family"))
	assert.Equal(t, pg.Str("name"), find(t, r, tCluster, "aurora-cluster").Str("dbClusterParameterGroupName"))
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

func assertInstance(t *testing.T, r *synth.Result, name, identifierPrefix, az string, tier int) {
	t.Helper()
	i := find(t, r, tClusterInstance, name)
	assert.NotContains(t, i.Inputs, "identifier", "an explicit identifier would make a replacement (a new AZ) delete the instance first")
	assert.Equal(t, identifierPrefix, i.Str("identifierPrefix"))
	assert.LessOrEqual(t, len(identifierPrefix), 63-26, "RDS identifiers have at most 63 characters; the provider appends 26")
	assert.Equal(t, true, i.Inputs["applyImmediately"], "a pending change would be sent again on every up")
	assert.Equal(t, az, i.Str("availabilityZone"))
	assert.Equal(t, "db.serverless", i.Str("instanceClass"))
	assert.Equal(t, "aurora-postgresql", i.Str("engine"))
	assert.NotContains(t, i.Inputs, "engineVersion", "an instance runs its cluster's version")
	assert.Equal(t, "aurora-cluster-id", i.Str("clusterIdentifier"))
	assert.Equal(t, false, i.Inputs["publiclyAccessible"])
	assert.Equal(t, true, i.Inputs["autoMinorVersionUpgrade"])
	assert.Equal(t, true, i.Inputs["performanceInsightsEnabled"])
	assert.Equal(t, keyArn("aurora"), i.Str("performanceInsightsKmsKeyId"))
	assert.EqualValues(t, 60, i.Inputs["monitoringInterval"])
	assert.Equal(t, "arn:aws:iam::"+account+":role/omnirapeutic-production-rds-monitoring", i.Str("monitoringRoleArn"))
	assert.Equal(t, "rds-ca-rsa2048-g1", i.Str("caCertIdentifier"))
	assert.EqualValues(t, tier, i.Inputs["promotionTier"])
	assert.False(t, i.Protect, "instances are not protected, so readers can be removed by config")
}

func TestAuroraWriterOnlyInProduction(t *testing.T) {
	r := production(t)
	require.Len(t, r.OfType(tClusterInstance), 1)
	assertInstance(t, r, "aurora-writer", "omnirapeutic-production-writer-", "us-east-1a", 0)
}

func TestAuroraReadersFromConfig(t *testing.T) {
	r, err := runWith(t, map[string]string{"omnirapeutic:aurora": `{"engineVersion":"15.10","minCapacity":0.5,"maxCapacity":2,
		"writerAvailabilityZone":"us-east-1a","readerAvailabilityZones":["us-east-1b","us-east-1c"],"backupRetentionDays":7,"masterUsername":"dbadmin"}`})
	require.NoError(t, err)
	require.Len(t, r.OfType(tClusterInstance), 3)
	assertInstance(t, r, "aurora-writer", "omnirapeutic-production-writer-", "us-east-1a", 0)
	assertInstance(t, r, "aurora-reader-us-east-1b", "omnirapeutic-production-reader-1b-", "us-east-1b", 1)
	assertInstance(t, r, "aurora-reader-us-east-1c", "omnirapeutic-production-reader-1c-", "us-east-1c", 1)
	assert.Equal(t, map[string]any{"minCapacity": 0.5, "maxCapacity": 2.0}, find(t, r, tCluster, "aurora-cluster").Inputs["serverlessv2ScalingConfiguration"])
}

func TestAuroraBadConfigRegistersNothing(t *testing.T) {
	for name, tc := range map[string]struct{ aurora, want string }{
		"ACU not a half step": {`{"engineVersion":"15.10","minCapacity":0.75,"maxCapacity":1,"writerAvailabilityZone":"us-east-1a","readerAvailabilityZones":[],"backupRetentionDays":7,"masterUsername":"dbadmin"}`,
			"omnirapeutic:aurora.minCapacity: 0.75 ACU is not a Serverless v2 capacity"},
		"min above max": {`{"engineVersion":"15.10","minCapacity":2,"maxCapacity":1,"writerAvailabilityZone":"us-east-1a","readerAvailabilityZones":[],"backupRetentionDays":7,"masterUsername":"dbadmin"}`,
			"omnirapeutic:aurora.minCapacity: 2 ACU is above maxCapacity 1 ACU"},
		"reader in unknown AZ": {`{"engineVersion":"15.10","minCapacity":0.5,"maxCapacity":1,"writerAvailabilityZone":"us-east-1a","readerAvailabilityZones":["us-east-1d"],"backupRetentionDays":7,"masterUsername":"dbadmin"}`,
			`omnirapeutic:aurora.readerAvailabilityZones: "us-east-1d" is not one of the VPC's availability zones`},
		"reserved master user": {`{"engineVersion":"15.10","minCapacity":0.5,"maxCapacity":1,"writerAvailabilityZone":"us-east-1a","readerAvailabilityZones":[],"backupRetentionDays":7,"masterUsername":"admin"}`,
			`omnirapeutic:aurora.masterUsername: "admin" is not allowed`},
		"misspelt field": {`{"engineVersion":"15.10","minCapacity":0.5,"maxCapacity":1,"writerAvailabilityZone":"us-east-1a","readerCount":2,"backupRetentionDays":7,"masterUsername":"dbadmin"}`,
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

func TestBastion(t *testing.T) {
	r := production(t)
	b := find(t, r, tInstance, "bastion")
	assert.Equal(t, "network-data-us-east-1a-id", b.Str("subnetId"), "the data subnet of us-east-1a (10.0.21.0/24)")
	assert.Equal(t, "10.0.21.0/24", r.ByID(b.Str("subnetId")).Str("cidrBlock"))
	assert.Equal(t, false, b.Inputs["associatePublicIpAddress"])
	assert.NotContains(t, b.Inputs, "keyName", "no key pair: SSM only")
	assert.Equal(t, []any{find(t, r, tSG, "security-groups-bastion").ID}, b.Inputs["vpcSecurityGroupIds"])
	assert.Equal(t, map[string]any{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1.0}, b.Inputs["metadataOptions"])
	assert.Equal(t, true, b.Inputs["rootBlockDevice"].(map[string]any)["encrypted"])
	assert.Equal(t, true, b.Inputs["monitoring"])
	assert.Equal(t, "t3.micro", b.Str("instanceType"))
	assert.Equal(t, "omnirapeutic-production-bastion", b.Str("iamInstanceProfile"))
	assert.Equal(t, []string{"ami"}, b.IgnoreChanges, "a newly published AMI must not replace the bastion")
	assert.Equal(t, "omnirapeutic-production-bastion", b.Tag("Name"))

	role := find(t, r, tRole, "bastion-role")
	trust, err := policy.Parse(role.Str("assumeRolePolicy"))
	require.NoError(t, err)
	assert.Equal(t, policy.Service("ec2.amazonaws.com"), trust.Statement[0].Principal)
	var attached []string
	for _, a := range r.OfType(tAttachment) {
		if a.Str("role") == "omnirapeutic-production-bastion" {
			attached = append(attached, a.Str("policyArn"))
		}
	}
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
		policyArn(t, r, "bastion-policy", "omnirapeutic-production-bastion-"),
	}, attached)

	doc, err := policy.Parse(find(t, r, tPolicy, "bastion-policy").Str("policy"))
	require.NoError(t, err)
	group := "arn:aws:logs:us-east-1:" + account + ":log-group:/aws/ssm/omnirapeutic-production-bastion-sessions"
	assert.Equal(t, []string{group, group + ":*"}, statement(t, doc, "WriteSessionLogs").Resource)
	assert.Equal(t, []string{keyArn("audit-logs")}, statement(t, doc, "DecryptSessions").Resource, "kms:Decrypt on the audit-logs key only, never on *")
}

func TestSessionManagerLogsEverySessionEncrypted(t *testing.T) {
	r := production(t)
	logs := find(t, r, tLogGroup, "bastion-session-logs")
	assert.Equal(t, "/aws/ssm/omnirapeutic-production-bastion-sessions", logs.Str("name"))
	assert.EqualValues(t, 2192, logs.Inputs["retentionInDays"])

	d := find(t, r, tDocument, "bastion-session-preferences")
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
	assert.Equal(t, "/aws/ssm/omnirapeutic-production-bastion-sessions", content.Inputs["cloudWatchLogGroupName"])
	assert.Equal(t, true, content.Inputs["cloudWatchEncryptionEnabled"])
	assert.Equal(t, true, content.Inputs["cloudWatchStreamingEnabled"])
	assert.Equal(t, "keys-audit-logs-key-id", content.Inputs["kmsKeyId"])
	assert.Equal(t, "20", content.Inputs["idleSessionTimeout"])
	assert.Equal(t, "60", content.Inputs["maxSessionDuration"])
}

func TestDataOutputs(t *testing.T) {
	r := production(t)
	endpoint := "omnirapeutic-production.cluster-offline.us-east-1.rds.amazonaws.com"
	assert.Equal(t, endpoint, r.Outputs["auroraEndpoint"])
	assert.Equal(t, "omnirapeutic-production.cluster-ro-offline.us-east-1.rds.amazonaws.com", r.Outputs["auroraReaderEndpoint"])
	assert.EqualValues(t, 5432, r.Outputs["auroraPort"])
	assert.Equal(t, "arn:aws:secretsmanager:us-east-1:"+account+":secret:rds!cluster-omnirapeutic-production-0ff1ne", r.Outputs["auroraMasterSecretArn"])
	assert.Equal(t, "bastion-id", r.Outputs["bastionInstanceId"])
	assert.Equal(t, "aws ssm start-session --region us-east-1 --target bastion-id --document-name omnirapeutic-production-aurora-tunnel "+
		"--parameters host="+endpoint+",localPortNumber=5432", r.Outputs["bastionConnectCommand"], "the stack's own tunnel document, which forwards only to Aurora")
}
