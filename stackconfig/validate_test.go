package stackconfig_test

import (
	"encoding/json"
	"slices"
	"strconv"
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

// TestProductionConfigDecodes: every key of the real stack file decodes
// into the typed configuration exactly as written (or as Pulumi.yaml's
// default), whatever the file says today; the specification's numbers are
// pinned once, in tests/spec_test.go, not here.
func TestProductionConfigDecodes(t *testing.T) {
	sf := production(t)
	cfg, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.NoError(t, err)
	require.Equal(t, sf.Project+"-"+sf.Stack, cfg.NamePrefix())
	require.Equal(t, sf.Values["aws:region"], cfg.Region)
	require.Equal(t, sf.Values["omnirapeutic:vpcCidr"], cfg.Network.VpcCidr)
	for key, into := range map[string]any{
		"availabilityZones": cfg.Network.AvailabilityZones,
		"subnetCidrs":       cfg.Network.SubnetCidrs,
		"aurora":            cfg.Aurora,
		"bastion":           cfg.Bastion,
		"services":          cfg.Services,
		"edge":              cfg.Edge,
		"backup":            cfg.Backup,
		"accountBaseline":   cfg.AccountBaseline,
	} {
		// What the program holds, written back as JSON, is what the file says.
		var want, got any
		require.NoError(t, json.Unmarshal([]byte(sf.Values[stackconfig.Key(key)]), &want), key)
		b, err := json.Marshal(into)
		require.NoError(t, err, key)
		require.NoError(t, json.Unmarshal(b, &got), key)
		require.Equal(t, withoutEmptyStrings(want), withoutEmptyStrings(got), "%s decodes as written", key)
	}
	require.Equal(t, sf.Values["omnirapeutic:logRetentionDays"], strconv.Itoa(cfg.Logs.RetentionDays))
	require.Equal(t, sf.Values["omnirapeutic:auditLogRetentionDays"], strconv.Itoa(cfg.Logs.AuditRetentionDays))
	require.Equal(t, sf.Values["omnirapeutic:monthlyBudgetUsd"], strconv.Itoa(cfg.MonthlyBudgetUsd))
}

// withoutEmptyStrings drops the "" fields of a decoded JSON value: an empty
// optional string (imageTag: "") is the field unset.
func withoutEmptyStrings(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if e != "" {
				out[k] = withoutEmptyStrings(e)
			}
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = withoutEmptyStrings(e)
		}
	}
	return v
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
		{"recovery region is the stack's own", "omnirapeutic:recovery", `{"region":"us-east-1"}`,
			[]string{"omnirapeutic:recovery.region", `"us-east-1" is the stack's own region`, "choose another region of partition aws"}},
		{"recovery region in another partition", "omnirapeutic:recovery", `{"region":"us-gov-west-1"}`,
			[]string{"omnirapeutic:recovery.region", `"us-gov-west-1" is in partition aws-us-gov`, "choose a region of aws"}},
		{"recovery region not a region", "omnirapeutic:recovery", `{"region":"oregon"}`,
			[]string{"omnirapeutic:recovery.region", `"oregon" is not an AWS region name`, "leave it empty"}},
		{"recovery field misspelt", "omnirapeutic:recovery", `{"regoin":"us-west-2"}`,
			[]string{"omnirapeutic:recovery.regoin: unknown key", "did you mean region?"}},
		{"snapshot not an ARN", "omnirapeutic:recovery", `{"restoreFromSnapshot":"my-snapshot"}`,
			[]string{"omnirapeutic:recovery.restoreFromSnapshot", `"my-snapshot" is not an Aurora cluster snapshot ARN`}},
		{"snapshot in another region", "omnirapeutic:recovery", `{"restoreFromSnapshot":"arn:aws:rds:us-west-2:123456789012:cluster-snapshot:awsbackup:copyjob-1"}`,
			[]string{"omnirapeutic:recovery.restoreFromSnapshot", "is in us-west-2", "own region us-east-1"}},
		{"default tags not tags", "aws:defaultTags", `{"tag":{"Project":"omnirapeutic"}}`,
			[]string{"aws:defaultTags.tag: unknown key", "did you mean tags?"}},
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
	return servicesWith(t, service, map[string]any{field: value})
}

// servicesWith returns production's services object with some of one
// service's fields replaced (or deleted, for nil values), and every service
// that would need HTTPS (secrets or the database) switched off, so that a
// case depends on nothing but what it sets.
func servicesWith(t *testing.T, service string, fields map[string]any) string {
	t.Helper()
	sf := production(t)
	var m map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(sf.Values["omnirapeutic:services"]), &m))
	for _, svc := range m {
		if svc["database"] == true || svc["secrets"] != nil {
			svc["enabled"] = false
		}
	}
	for field, value := range fields {
		if value == nil {
			delete(m[service], field)
		} else {
			m[service][field] = value
		}
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

// noCertificate is an edge without a certificate: HTTP only.
const noCertificate = `{"certificateArn":"","defaultTargetGroup":"web","pathRoutes":[{"pathPattern":"/api/*","targetGroup":"api"}],"wafRateLimit":2000}`

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
	cfg, err := decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "tmpfsMiB", nil)})
	require.NoError(t, err)
	require.Equal(t, stackconfig.DefaultTmpfsMiB, cfg.Services["nginx"].Tmpfs(), "unset means the documented default")
	require.Equal(t, 64, stackconfig.DefaultTmpfsMiB)

	sized := func(tmpfs int) string {
		return servicesWith(t, "nginx", map[string]any{"cpu": 256, "memory": 512, "tmpfsMiB": tmpfs})
	}
	cfg, err = decodeWith(t, map[string]string{"omnirapeutic:services": sized(256)})
	require.NoError(t, err, "half of the task's 512 MiB fits")
	require.Equal(t, 256, cfg.Services["nginx"].Tmpfs())

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": sized(600)})
	require.ErrorContains(t, err, "config omnirapeutic:services.nginx.tmpfsMiB: 600 MiB of tmpfs /tmp does not fit the task's 512 MiB of memory: Fargate counts tmpfs against task memory")
	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": sized(-1)})
	require.ErrorContains(t, err, "config omnirapeutic:services.nginx.tmpfsMiB: -1 MiB")
}

// Issue 8, item 4: no configuration may hand a service the master login.
func TestNoServiceMayReceiveTheAuroraMasterSecret(t *testing.T) {
	_, err := decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "worker", "secrets", []stackconfig.SecretName{stackconfig.MasterSecret})})
	require.Error(t, err)
	require.Contains(t, err.Error(), `config omnirapeutic:services.worker.secrets: "database" would hand the service the Aurora master login (rds_superuser)`)
	require.Contains(t, err.Error(), "set database: true instead, and the service connects with IAM database authentication as app_worker")

	require.Equal(t, "app_api", stackconfig.DatabaseUser("api"))
	require.Equal(t, "app_web_v2", stackconfig.DatabaseUser("web-v2"), "hyphens would need quoting in SQL")
	require.Equal(t, "migrate_web_v2", stackconfig.MigrationUser("web-v2"))
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

	_, err := decodeWith(t, map[string]string{"omnirapeutic:services": string(on), "omnirapeutic:edge": noCertificate})
	require.Error(t, err)
	require.Contains(t, err.Error(), "config omnirapeutic:services.api.enabled: a service that receives secrets or the database may handle PHI, "+
		"which must not be served over plain HTTP, and omnirapeutic:edge.certificateArn is empty: set it to an ACM certificate ARN in us-east-1")

	m["api"]["database"] = false
	m["api"]["secrets"] = []stackconfig.SecretName{stackconfig.APIKeys}
	on, _ = json.Marshal(m)
	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": string(on), "omnirapeutic:edge": noCertificate})
	require.ErrorContains(t, err, "config omnirapeutic:services.api.enabled: a service that receives secrets")

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": string(on), "omnirapeutic:edge": certificate})
	require.NoError(t, err, "with a certificate the service may run")
	_, err = decodeWith(t, map[string]string{"omnirapeutic:edge": noCertificate, "omnirapeutic:services": servicesWith(t, "nginx", map[string]any{"enabled": true})})
	require.NoError(t, err, "the nginx test page (no secrets, no database) runs over HTTP")
}

// Issue 8, item 6: alarms must reach someone; HTTPS endpoints are URLs.
func TestAlarmTopicWithoutSubscriberIsAWarningAndHttpsEndpointsAreValidated(t *testing.T) {
	subscriber := "the alarm topic has no subscriber: omnirapeutic:alarmEmails and omnirapeutic:alarmHttpsEndpoints are both empty"
	warnsOfSubscriber := func(cfg *stackconfig.Config) bool {
		return slices.ContainsFunc(cfg.Warnings(), func(w string) bool { return strings.Contains(w, subscriber) })
	}
	cfg, err := decodeWith(t, map[string]string{"omnirapeutic:alarmEmails": "[]", "omnirapeutic:alarmHttpsEndpoints": "[]"})
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

// A service runs on X86_64 unless it says ARM64 (Graviton), the two values
// ECS accepts for runtimePlatform.cpuArchitecture on Fargate; anything else
// is refused naming the key, the value and both choices.
func TestCpuArchitectureIsX86OrArm(t *testing.T) {
	cfg, err := decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "cpuArchitecture", nil)})
	require.NoError(t, err)
	require.Equal(t, stackconfig.X86_64, cfg.Services["nginx"].Architecture(), "unset means X86_64")
	require.Equal(t, "linux/amd64", stackconfig.DockerPlatform(cfg.Services["nginx"].Architecture()))

	cfg, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "cpuArchitecture", "ARM64")})
	require.NoError(t, err)
	require.Equal(t, stackconfig.ARM64, cfg.Services["nginx"].Architecture())
	require.Equal(t, "linux/arm64", stackconfig.DockerPlatform(stackconfig.ARM64))

	_, err = decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "cpuArchitecture", "arm64")})
	require.ErrorContains(t, err, `config omnirapeutic:services.nginx.cpuArchitecture: "arm64" is not a CPU architecture Fargate runs: X86_64 or ARM64 (or leave it unset for X86_64)`)
}

// Plain environment variables are settings: accepted as given; a name the
// platform sets, a name AWS owns, and a secret-looking name or value are
// refused with the fix, and the error never repeats a secret-looking value.
func TestEnvironmentTakesSettingsAndRefusesSecrets(t *testing.T) {
	env := func(vars map[string]string) (*stackconfig.Config, error) {
		return decodeWith(t, map[string]string{"omnirapeutic:services": services(t, "nginx", "environment", vars)})
	}
	cfg, err := env(map[string]string{"LOG_LEVEL": "info", "CACHE_KEY_PREFIX": "v2", "PUBLIC_URL": "https://app.omnirapeutic.example/"})
	require.NoError(t, err)
	require.Equal(t, "info", cfg.Services["nginx"].Environment["LOG_LEVEL"])

	const secret = "hunter2-correct-horse"
	for name, tc := range map[string]struct {
		vars map[string]string
		want string
	}{
		"a database setting":       {map[string]string{"DB_HOST": "elsewhere"}, "DB_HOST is set by the platform"},
		"the API keys":             {map[string]string{"API_KEYS": "x"}, "API_KEYS is set by the platform"},
		"an AWS name":              {map[string]string{"AWS_REGION": "us-west-2"}, "names starting AWS_ belong to AWS"},
		"ECS credentials (ECS.8)":  {map[string]string{"ECS_ENGINE_AUTH_DATA": "x"}, "names starting ECS_ belong to AWS"},
		"not a name":               {map[string]string{"1ST": "x"}, `"1ST" is not an environment variable name`},
		"a password by name":       {map[string]string{"SMTP_PASSWORD": secret}, `SMTP_PASSWORD looks like a secret (the name has "PASSWORD" in it)`},
		"a key by name":            {map[string]string{"STRIPE_KEY": secret}, "STRIPE_KEY looks like a secret (the name ends in KEY)"},
		"a token by name":          {map[string]string{"slack_token": secret}, `slack_token looks like a secret (the name has "TOKEN" in it)`},
		"an AWS key by value":      {map[string]string{"UPLOADER": "AKIAIOSFODNN7EXAMPLE"}, "UPLOADER looks like a secret (the value looks like an AWS access key ID)"},
		"a URL with a password":    {map[string]string{"DATABASE_URL": "postgres://app:" + secret + "@db:5432/x"}, "the value looks like a URL with a password in it"},
		"a PEM key by value":       {map[string]string{"TLS": "-----BEGIN RSA PRIVATE KEY-----\nMIIE"}, "the value looks like a PEM private key"},
		"a GitHub token by value":  {map[string]string{"BOT": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}, "the value looks like a GitHub token"},
		"an arbitrary secret name": {map[string]string{"CLIENT_SECRET": secret}, "put it in the API-keys secret (secrets: [apiKeys], which the container sees as API_KEYS)"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := env(tc.vars)
			require.Error(t, err)
			require.Contains(t, err.Error(), "config omnirapeutic:services.nginx.environment: ")
			require.Contains(t, err.Error(), tc.want)
			require.NotContains(t, err.Error(), secret, "a secret-looking value is never repeated")
		})
	}
}
