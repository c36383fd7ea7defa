package stackconfig_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// production reads the real stack file, so each case below is one mistake
// away from the configuration that is deployed.
func production(t *testing.T) *stackfile.Config {
	t.Helper()
	sf, err := stackfile.Load("..", "production")
	require.NoError(t, err)
	return sf
}

func TestProductionConfigDecodes(t *testing.T) {
	sf := production(t)
	cfg, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.NoError(t, err)
	require.Equal(t, "omnirapeutic-production", cfg.NamePrefix())
	require.Equal(t, "us-east-1", cfg.Region)
	require.Equal(t, "10.0.0.0/16", cfg.Network.VpcCidr)
	require.Equal(t, []string{"us-east-1a", "us-east-1b", "us-east-1c"}, cfg.Network.AvailabilityZones)
	require.Equal(t, map[stackconfig.Tier]map[string]string{
		stackconfig.Public: {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24", "us-east-1c": "10.0.3.0/24"},
		stackconfig.App:    {"us-east-1a": "10.0.11.0/24", "us-east-1b": "10.0.12.0/24", "us-east-1c": "10.0.13.0/24"},
		stackconfig.Data:   {"us-east-1a": "10.0.21.0/24", "us-east-1b": "10.0.22.0/24", "us-east-1c": "10.0.23.0/24"},
	}, cfg.Network.SubnetCidrs)
	require.Equal(t, 365, cfg.Logs.RetentionDays)
	require.Equal(t, 2192, cfg.Logs.AuditRetentionDays)
	require.Equal(t, stackconfig.Aurora{
		EngineVersion: "15.10", MinCapacity: 0.5, MaxCapacity: 1, WriterAvailabilityZone: "us-east-1a",
		ReaderAvailabilityZones: []string{}, BackupRetentionDays: 7, MasterUsername: "dbadmin",
	}, cfg.Aurora)
	require.Equal(t, stackconfig.Bastion{
		AvailabilityZone: "us-east-1a", InstanceType: "t3.micro",
		AmiParameter:              "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
		IdleSessionTimeoutMinutes: 20, MaxSessionDurationMinutes: 60,
	}, cfg.Bastion)
}

// aurora and bastion return production's object with one field replaced.
func aurora(field string, value any) string  { return object(productionAurora, field, value) }
func bastion(field string, value any) string { return object(productionBastion, field, value) }

var (
	productionAurora  = `{"engineVersion":"15.10","minCapacity":0.5,"maxCapacity":1,"writerAvailabilityZone":"us-east-1a","readerAvailabilityZones":[],"backupRetentionDays":7,"masterUsername":"dbadmin"}`
	productionBastion = `{"availabilityZone":"us-east-1a","instanceType":"t3.micro","amiParameter":"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64","idleSessionTimeoutMinutes":20,"maxSessionDurationMinutes":60}`
)

func object(base, field string, value any) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(base), &m); err != nil {
		panic(err)
	}
	m[field] = value
	b, _ := json.Marshal(m)
	return string(b)
}

// subnets returns production's subnet map with one edit applied.
func subnets(edit func(m map[string]map[string]string)) string {
	m := map[string]map[string]string{
		"public": {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24", "us-east-1c": "10.0.3.0/24"},
		"app":    {"us-east-1a": "10.0.11.0/24", "us-east-1b": "10.0.12.0/24", "us-east-1c": "10.0.13.0/24"},
		"data":   {"us-east-1a": "10.0.21.0/24", "us-east-1b": "10.0.22.0/24", "us-east-1c": "10.0.23.0/24"},
	}
	edit(m)
	b, _ := json.Marshal(m)
	return string(b)
}

func TestDecodeRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		key  string
		raw  string
		want []string // every fragment must appear in the error
	}{
		{"CIDR does not parse", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["app"]["us-east-1b"] = "10.0.300.0/24" }),
			[]string{"omnirapeutic:subnetCidrs.app.us-east-1b", `"10.0.300.0/24"`, "not a CIDR block"}},
		{"VPC CIDR does not parse", "omnirapeutic:vpcCidr", "10.0.0.0/33",
			[]string{"omnirapeutic:vpcCidr", `"10.0.0.0/33"`, "not a CIDR block"}},
		{"CIDR with host bits", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["data"]["us-east-1a"] = "10.0.21.7/24" }),
			[]string{"omnirapeutic:subnetCidrs.data.us-east-1a", `"10.0.21.7/24"`, "10.0.21.0/24"}},
		{"subnet outside the VPC", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["public"]["us-east-1c"] = "10.1.3.0/24" }),
			[]string{"omnirapeutic:subnetCidrs.public.us-east-1c", `"10.1.3.0/24"`, "outside the VPC 10.0.0.0/16"}},
		{"subnet larger than the VPC", "omnirapeutic:vpcCidr", "10.0.0.0/24",
			[]string{"omnirapeutic:subnetCidrs.public.us-east-1b", `"10.0.2.0/24"`, "outside the VPC 10.0.0.0/24"}},
		{"overlapping subnets", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["app"]["us-east-1c"] = "10.0.12.0/23" }),
			[]string{"omnirapeutic:subnetCidrs.app.us-east-1c", `"10.0.12.0/23"`, "overlaps omnirapeutic:subnetCidrs.app.us-east-1b"}},
		{"tier missing an AZ", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { delete(m["data"], "us-east-1b") }),
			[]string{"omnirapeutic:subnetCidrs.data.us-east-1b", "exactly one subnet in each availability zone"}},
		{"tier with a subnet in a foreign AZ", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["app"]["us-east-1d"] = "10.0.14.0/24" }),
			[]string{"omnirapeutic:subnetCidrs.app", `"us-east-1d"`, "not one of the VPC's availability zones"}},
		{"tier missing", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { delete(m, "data") }),
			[]string{"omnirapeutic:subnetCidrs", `tier "data" is missing`}},
		{"unknown tier", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["dmz"] = m["app"] }),
			[]string{"omnirapeutic:subnetCidrs", `unknown tier "dmz"`}},
		{"AZ outside the region", "omnirapeutic:availabilityZones", `["us-east-1a","us-east-1b","us-west-2c"]`,
			[]string{"omnirapeutic:availabilityZones", `"us-west-2c"`, `not an availability zone of region "us-east-1"`}},
		{"duplicate AZs", "omnirapeutic:availabilityZones", `["us-east-1a","us-east-1b","us-east-1b"]`,
			[]string{"omnirapeutic:availabilityZones", `"us-east-1b" is listed twice`}},
		{"one AZ", "omnirapeutic:availabilityZones", `["us-east-1a"]`,
			[]string{"omnirapeutic:availabilityZones", "at least 2"}},
		{"AZs not a list", "omnirapeutic:availabilityZones", `us-east-1a`,
			[]string{"omnirapeutic:availabilityZones", `"us-east-1a"`, "not a valid value"}},
		{"no region", "aws:region", "",
			[]string{"aws:region", `""`, "not an AWS region"}},
		{"retention CloudWatch rejects", "omnirapeutic:logRetentionDays", "100",
			[]string{"omnirapeutic:logRetentionDays", "100", "not a retention CloudWatch Logs accepts"}},
		{"retention not a number", "omnirapeutic:logRetentionDays", "a year",
			[]string{"omnirapeutic:logRetentionDays", `"a year"`, "not an integer"}},
		{"audit retention under a year", "omnirapeutic:auditLogRetentionDays", "180",
			[]string{"omnirapeutic:auditLogRetentionDays", "180", "below the 365-day minimum"}},
		{"ACU below the floor", "omnirapeutic:aurora", aurora("maxCapacity", 0),
			[]string{"omnirapeutic:aurora.maxCapacity", "0 ACU", "0.5 to 256 in steps of 0.5"}},
		{"ACU between 0 and the half step", "omnirapeutic:aurora", aurora("minCapacity", 0.25),
			[]string{"omnirapeutic:aurora.minCapacity", "0.25 ACU", "minCapacity may be 0"}},
		{"auto-pause on an engine without it", "omnirapeutic:aurora", object(aurora("minCapacity", 0), "engineVersion", "15.6"),
			[]string{"omnirapeutic:aurora.minCapacity", "needs aurora-postgresql 15.7 or later", `"15.6"`}},
		{"NAT mode unknown", "omnirapeutic:natGateways", "none",
			[]string{"omnirapeutic:natGateways", `"none"`, `"perAz"`, `"single"`}},
		{"ACU off the half step", "omnirapeutic:aurora", aurora("maxCapacity", 1.25),
			[]string{"omnirapeutic:aurora.maxCapacity", "1.25 ACU"}},
		{"ACU min above max", "omnirapeutic:aurora", aurora("minCapacity", 1.5),
			[]string{"omnirapeutic:aurora.minCapacity", "1.5 ACU is above maxCapacity 1 ACU"}},
		{"engine not 15", "omnirapeutic:aurora", aurora("engineVersion", "16.4"),
			[]string{"omnirapeutic:aurora.engineVersion", `"16.4"`}},
		{"writer in unknown AZ", "omnirapeutic:aurora", aurora("writerAvailabilityZone", "us-east-1f"),
			[]string{"omnirapeutic:aurora.writerAvailabilityZone", `"us-east-1f"`}},
		{"reader in unknown AZ", "omnirapeutic:aurora", aurora("readerAvailabilityZones", []string{"us-east-1b", "us-east-1e"}),
			[]string{"omnirapeutic:aurora.readerAvailabilityZones", `"us-east-1e" is not one of the VPC's availability zones`}},
		{"reader in the writer's AZ", "omnirapeutic:aurora", aurora("readerAvailabilityZones", []string{"us-east-1a"}),
			[]string{"omnirapeutic:aurora.readerAvailabilityZones", `"us-east-1a" is the writer's zone`}},
		{"two readers in one AZ", "omnirapeutic:aurora", aurora("readerAvailabilityZones", []string{"us-east-1b", "us-east-1b"}),
			[]string{"omnirapeutic:aurora.readerAvailabilityZones", `"us-east-1b" is listed twice`}},
		{"backups under 7 days", "omnirapeutic:aurora", aurora("backupRetentionDays", 1),
			[]string{"omnirapeutic:aurora.backupRetentionDays", "1 is outside 7 to 35"}},
		{"reserved master user", "omnirapeutic:aurora", aurora("masterUsername", "admin"),
			[]string{"omnirapeutic:aurora.masterUsername", `"admin" is not allowed`}},
		{"aurora field misspelt", "omnirapeutic:aurora", aurora("readerCount", 2),
			[]string{"omnirapeutic:aurora.readerCount: unknown key (value 2)"}},
		{"bastion in unknown AZ", "omnirapeutic:bastion", bastion("availabilityZone", "us-east-2a"),
			[]string{"omnirapeutic:bastion.availabilityZone", `"us-east-2a"`}},
		{"bastion architecture mismatch", "omnirapeutic:bastion", bastion("instanceType", "t4g.micro"),
			[]string{"omnirapeutic:bastion.instanceType", `"t4g.micro" does not run the architecture`}},
		{"bastion AMI not AL2023", "omnirapeutic:bastion", bastion("amiParameter", "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"),
			[]string{"omnirapeutic:bastion.amiParameter", "not a public Amazon Linux 2023 AMI parameter"}},
		{"idle timeout too long", "omnirapeutic:bastion", bastion("idleSessionTimeoutMinutes", 90),
			[]string{"omnirapeutic:bastion.idleSessionTimeoutMinutes", "90 is outside the 1 to 60 minutes"}},
		{"owner switch not a boolean", "omnirapeutic:ownsAccountSingletons", "yes",
			[]string{"omnirapeutic:ownsAccountSingletons", `"yes" is not true or false`}},
		{"disposable stack owns the account singletons", "omnirapeutic:albDeletionProtection", "false",
			[]string{"omnirapeutic:ownsAccountSingletons: true on a stack whose omnirapeutic:albDeletionProtection is false"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sf := production(t)
			sf.Values[tc.key] = tc.raw
			_, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
			require.Error(t, err)
			for _, want := range tc.want {
				require.Contains(t, err.Error(), want)
			}
		})
	}
}

// TestProductionOwnsTheAccountSingletons: the one long-lived stack owns
// them, with its ALB protected; every stack sets the switch itself (it has
// no default), and if a stack meant to be destroyed sets true, validation
// says to set false.
func TestProductionOwnsTheAccountSingletons(t *testing.T) {
	sf := production(t)
	cfg, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.NoError(t, err)
	require.True(t, cfg.OwnsAccountSingletons)
	require.True(t, cfg.AlbDeletionProtection)
	sf.Values["omnirapeutic:albDeletionProtection"] = "false"
	_, err = stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.ErrorContains(t, err, "set it to false here")
}

func TestDecodeReportsMissingKeys(t *testing.T) {
	sf := production(t)
	delete(sf.Values, "omnirapeutic:vpcCidr")
	_, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.ErrorContains(t, err, "config omnirapeutic:vpcCidr is required")
}

func TestParseCIDR(t *testing.T) {
	for _, tc := range []struct {
		in      string
		wantErr string
	}{
		{"10.0.1.0/24", ""},
		{"10.0.0.0/16", ""},
		{"10.0.1.1/24", "host bits"},
		{"10.0.1.0", "not a CIDR block"},
		{"fd00::/64", "not an IPv4"},
	} {
		_, err := stackconfig.ParseCIDR(tc.in)
		if tc.wantErr == "" {
			require.NoError(t, err, tc.in)
		} else {
			require.ErrorContains(t, err, tc.wantErr, tc.in)
		}
	}
}

func TestFargateMemory(t *testing.T) {
	for _, tc := range []struct {
		cpu  int
		want []int
	}{
		{256, []int{512, 1024, 2048}},
		{512, []int{1024, 2048, 3072, 4096}},
		{1024, []int{2048, 3072, 4096, 5120, 6144, 7168, 8192}},
		{300, nil},
	} {
		require.Equal(t, tc.want, stackconfig.FargateMemory(tc.cpu), "cpu %d", tc.cpu)
	}
	require.Len(t, stackconfig.FargateMemory(2048), 13, "4096 to 16384 in 1 GiB steps")
	require.Equal(t, 30720, stackconfig.FargateMemory(4096)[22], "8192 to 30720 in 1 GiB steps")
}

// services returns production's services object with one service's field
// replaced (or deleted, for a nil value).
func services(t *testing.T, service, field string, value any) string {
	t.Helper()
	sf := production(t)
	var m map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(sf.Values["omnirapeutic:services"]), &m))
	if value == nil {
		delete(m[service], field)
	} else {
		m[service][field] = value
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

// decodeWith decodes the production stack file with some values replaced.
func decodeWith(t *testing.T, values map[string]string) (*stackconfig.Config, error) {
	t.Helper()
	sf := production(t)
	for k, v := range values {
		sf.Values[k] = v
	}
	return stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
}

const certificate = `{"certificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/0e3c1f5a-1111-2222-3333-444455556666",` +
	`"defaultTargetGroup":"web","pathRoutes":[{"pathPattern":"/api/*","targetGroup":"api"}],"wafRateLimit":2000}`

// Issue 8, item 9: a strict-decoding error names the key path, the bad
// value, the known keys and the closest one, not the whole object.
func TestStrictDecodingNamesTheKeyPathTheBadValueAndTheClosestKnownKey(t *testing.T) {
	misspelt := strings.Replace(productionAurora, `"minCapacity"`, `"minCapcity"`, 1)
	_, err := decodeWith(t, map[string]string{"omnirapeutic:aurora": misspelt})
	require.Error(t, err)
	require.Contains(t, err.Error(), "config omnirapeutic:aurora.minCapcity: unknown key (value 0.5); did you mean minCapacity? "+
		"known keys: backupRetentionDays, engineVersion, masterUsername, maxCapacity, minCapacity, readerAvailabilityZones, writerAvailabilityZone")
	require.NotContains(t, err.Error(), `"engineVersion":"15.10"`, "the whole object is not dumped")

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "api", "desiredCount", "2")})
	require.Error(t, err)
	require.Contains(t, err.Error(), `config omnirapeutic:services.api.desiredCount: "2" is a string; it must be a whole number`)
	require.NotContains(t, err.Error(), "nginx-unprivileged", "the whole object is not dumped")

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "worker", "autoscaling", map[string]any{"minCount": 1, "maxCount": 2, "cpuTarget": 60})})
	require.Error(t, err)
	require.Contains(t, err.Error(), "config omnirapeutic:services.worker.autoscaling.cpuTarget: unknown key (value 60); did you mean cpuTargetPercent?")

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "zzz", true)})
	require.Error(t, err)
	require.Contains(t, err.Error(), "config omnirapeutic:services.nginx.zzz: unknown key (value true); known keys: autoscaling, containerPort,")
	require.NotContains(t, err.Error(), "did you mean", "nothing is close to zzz")
}

// Issue 8, item 1: Fargate counts a tmpfs mount against the task's memory.
func TestTmpfsMustFitTheTaskMemoryBecauseFargateCountsTmpfsAgainstIt(t *testing.T) {
	cfg, err := decodeWith(t, nil)
	require.NoError(t, err)
	require.Equal(t, stackconfig.DefaultTmpfsMiB, cfg.Services["nginx"].Tmpfs(), "unset means the documented default")
	require.Equal(t, 64, stackconfig.DefaultTmpfsMiB)

	cfg, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "tmpfsMiB", 256)})
	require.NoError(t, err, "half of the task's 512 MiB fits")
	require.Equal(t, 256, cfg.Services["nginx"].Tmpfs())

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "tmpfsMiB", 600)})
	require.ErrorContains(t, err, "config omnirapeutic:services.nginx.tmpfsMiB: 600 MiB of tmpfs /tmp does not fit the task's 512 MiB of memory: Fargate counts tmpfs against task memory")
	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "tmpfsMiB", -1)})
	require.ErrorContains(t, err, "config omnirapeutic:services.nginx.tmpfsMiB: -1 MiB")
}

// Issue 8, item 4: no configuration may hand a service the master login.
func TestNoServiceMayReceiveTheAuroraMasterSecret(t *testing.T) {
	_, err := decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "worker", "secrets", []stackconfig.SecretName{stackconfig.MasterSecret})})
	require.Error(t, err)
	require.Contains(t, err.Error(), `config omnirapeutic:services.worker.secrets: "database" would hand the service the Aurora master login (rds_superuser)`)
	require.Contains(t, err.Error(), "set database: true instead, and the service connects with IAM database authentication as app_worker")

	cfg, err := decodeWith(t, nil)
	require.NoError(t, err)
	require.True(t, cfg.Services["api"].Database)
	require.True(t, cfg.Services["worker"].Database)
	require.False(t, cfg.Services["web"].Database)
	require.False(t, cfg.Services["nginx"].Database)
	require.Equal(t, "app_api", stackconfig.DatabaseUser("api"))
	require.Equal(t, "app_web_v2", stackconfig.DatabaseUser("web-v2"), "hyphens would need quoting in SQL")
}

// Secret names are typed constants; the config values a stack file writes are
// their strings, and an unknown one is refused with every valid name listed.
func TestSecretNamesAreTheConstantsAndAnUnknownOneListsThem(t *testing.T) {
	require.Equal(t, []stackconfig.SecretName{"apiKeys"}, stackconfig.SecretNames, "the secrets a service may ask for")
	require.Equal(t, stackconfig.SecretName("database"), stackconfig.MasterSecret)
	require.NotContains(t, stackconfig.SecretNames, stackconfig.MasterSecret, "no service may receive the master login")

	_, err := decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "worker", "secrets", []string{"apikeys"})})
	require.ErrorContains(t, err, `config omnirapeutic:services.worker.secrets: unknown secret "apikeys"; a service may ask for "apiKeys" (and reaches the database with database: true)`)

	cfg, err := decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "worker", "secrets", []string{"apiKeys"})})
	require.NoError(t, err)
	require.Equal(t, []stackconfig.SecretName{stackconfig.APIKeys}, cfg.Services["worker"].Secrets)
}

// Issue 8, item 5: PHI must not cross plain HTTP.
func TestServicesWithSecretsOrTheDatabaseNeedHttpsBecausePhiMustNotCrossPlainHttp(t *testing.T) {
	withDB := services(t, "api", "imageTag", "v1")
	var m map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(withDB), &m))
	m["api"]["enabled"] = true
	on, _ := json.Marshal(m)

	_, err := decodeWith(t, map[string]string{"omnirapeutic:services": string(on)})
	require.Error(t, err)
	require.Contains(t, err.Error(), "config omnirapeutic:services.api.enabled: a service that receives secrets or the database may handle PHI, "+
		"which must not be served over plain HTTP, and omnirapeutic:edge.certificateArn is empty: set it to an ACM certificate ARN in us-east-1")

	m["api"]["database"] = false
	m["api"]["secrets"] = []stackconfig.SecretName{stackconfig.APIKeys}
	on, _ = json.Marshal(m)
	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": string(on)})
	require.ErrorContains(t, err, "config omnirapeutic:services.api.enabled: a service that receives secrets")

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": string(on), "omnirapeutic:edge": certificate})
	require.NoError(t, err, "with a certificate the service may run")
	_, err = decodeWith(t, nil)
	require.NoError(t, err, "the nginx test page (no secrets, no database) runs over HTTP")
}

// Issue 8, item 6: alarms must reach someone; HTTPS endpoints are URLs.
func TestAlarmTopicWithoutSubscriberIsAWarningAndHttpsEndpointsAreValidated(t *testing.T) {
	subscriber := "the alarm topic has no subscriber: omnirapeutic:alarmEmails and omnirapeutic:alarmHttpsEndpoints are both empty"
	warnsOfSubscriber := func(cfg *stackconfig.Config) bool {
		return slices.ContainsFunc(cfg.Warnings(), func(w string) bool { return strings.Contains(w, subscriber) })
	}
	cfg, err := decodeWith(t, nil)
	require.NoError(t, err)
	require.True(t, warnsOfSubscriber(cfg), "%q", cfg.Warnings())

	cfg, err = decodeWith(t, map[string]string{"omnirapeutic:alarmHttpsEndpoints": `["https://events.pagerduty.example/integration/abc/enqueue"]`})
	require.NoError(t, err)
	require.False(t, warnsOfSubscriber(cfg))
	cfg, err = decodeWith(t, map[string]string{"omnirapeutic:alarmEmails": `["oncall@omnirapeutic.example"]`})
	require.NoError(t, err)
	require.False(t, warnsOfSubscriber(cfg))

	_, err = decodeWith(t, map[string]string{"omnirapeutic:alarmHttpsEndpoints": `["http://pager.example/hook"]`})
	require.ErrorContains(t, err, `config omnirapeutic:alarmHttpsEndpoints: "http://pager.example/hook" is not an https:// URL`)
}
