package tests

import (
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/omnirapeutic/infrastructure/internal/docs"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// A change is one edit users make to a committed stack file: the changes
// the docs and the stack files' comments invite, and the ones the cost
// and the audit ask for. Each edits what the file says today, so the
// matrix follows the stack files as they move.
type change struct {
	name  string
	stack string
	edits []func(v values)
}

// changes is the matrix: each, applied alone to its committed stack file,
// must synthesize, hold every rule, leave no NON_COMPLIANT verdict without
// an exception, pass the policy pack and regenerate the docs.
var changes = []change{
	{"alarm emails and an HTTPS endpoint", "production", []func(values){func(v values) {
		v.set("omnirapeutic:alarmEmails", []any{"oncall@omnirapeutic.example", "security@omnirapeutic.example"})
		v.set("omnirapeutic:alarmHttpsEndpoints", []any{"https://events.pagerduty.example/integration/0123abcd/enqueue"})
	}}},
	{"a certificate and every service on", "production", []func(values){everyServiceOn}},
	{"Graviton, plain settings and the API keys", "production", []func(values){everyServiceOn, func(v values) {
		for _, name := range []string{"api", "web"} {
			v.service(name)["cpuArchitecture"] = stackconfig.ARM64
			v.service(name)["environment"] = map[string]any{"LOG_LEVEL": "info", "PUBLIC_URL": "https://app.omnirapeutic.example/"}
		}
		v.service("api")["secrets"] = []any{string(stackconfig.APIKeys)}
	}}},
	{"readers in the other AZs", "production", []func(values){readersInTheOtherAZs}},
	{"autoscaling on", "production", []func(values){func(v values) {
		nginx := v.service("nginx")
		count := nginx["desiredCount"].(float64)
		nginx["autoscaling"] = map[string]any{"minCount": count, "maxCount": 2 * count, "cpuTargetPercent": 60.0}
		web := v.service("web")
		web["enabled"], web["imageTag"] = true, "v2.0.0"
	}}},
	{"a different budget", "production", []func(values){func(v values) {
		budget, _ := strconv.Atoi(v.str("omnirapeutic:monthlyBudgetUsd"))
		v.set("omnirapeutic:monthlyBudgetUsd", strconv.Itoa(2*budget))
	}}},
	{"a single NAT gateway", "production", []func(values){func(v values) { v.set("omnirapeutic:natGateways", stackconfig.NatSingle) }}},
	{"Aurora up to 4 ACU", "production", []func(values){func(v values) { v.object("omnirapeutic:aurora")["maxCapacity"] = 4.0 }}},
	{"a longer audit retention", "production", []func(values){func(v values) {
		days, _ := strconv.Atoi(v.str("omnirapeutic:auditLogRetentionDays"))
		for _, longer := range stackconfig.LogRetentionValues {
			if longer > days {
				v.set("omnirapeutic:auditLogRetentionDays", strconv.Itoa(longer))
				return
			}
		}
	}}},
	{"staging moved to another region", "staging", []func(values){movedTo("us-west-2")}},
	{"staging with a recovery region", "staging", []func(values){func(v values) {
		v.set("omnirapeutic:recovery", map[string]any{"region": "us-west-2"})
	}}},
	{"production with another recovery region", "production", []func(values){func(v values) {
		v.set("omnirapeutic:recovery", map[string]any{"region": "us-east-2"})
	}}},
	{"the recovery stack restored from a snapshot", "recovery", []func(values){restoredFromSnapshot}},
	{"staging with every service on", "staging", []func(values){everyServiceOn}},
}

// readersInTheOtherAZs adds a reader in every AZ but the writer's, as
// Pulumi.production.yaml's comment suggests.
func readersInTheOtherAZs(v values) {
	a := v.object("omnirapeutic:aurora")
	readers := []any{}
	for _, az := range v.list("omnirapeutic:availabilityZones") {
		if az != a["writerAvailabilityZone"] {
			readers = append(readers, az)
		}
	}
	a["readerAvailabilityZones"] = readers
}

// withoutReaders (and withoutCertificate) undo the two changes that end
// exceptions, so a test can look at one at a time.
func withoutReaders(v values) { v.object("omnirapeutic:aurora")["readerAvailabilityZones"] = []any{} }

// movedTo moves a stack to another region: the same AZ letters there, every
// AZ-keyed setting with them.
func movedTo(region string) func(v values) {
	return func(v values) {
		from := v.str("aws:region")
		az := func(a any) any { return region + strings.TrimPrefix(a.(string), from) }
		v.set("aws:region", region)
		azs := v.list("omnirapeutic:availabilityZones")
		for i := range azs {
			azs[i] = az(azs[i])
		}
		for _, tier := range v.object("omnirapeutic:subnetCidrs") {
			m := tier.(map[string]any)
			for k, cidr := range m {
				delete(m, k)
				m[az(k).(string)] = cidr
			}
		}
		a := v.object("omnirapeutic:aurora")
		a["writerAvailabilityZone"] = az(a["writerAvailabilityZone"])
		for i, r := range a["readerAvailabilityZones"].([]any) {
			a["readerAvailabilityZones"].([]any)[i] = az(r)
		}
		b := v.object("omnirapeutic:bastion")
		b["availabilityZone"] = az(b["availabilityZone"])
		if e := v.object("omnirapeutic:edge"); e["certificateArn"] != "" {
			e["certificateArn"] = strings.Replace(e["certificateArn"].(string), ":"+from+":", ":"+region+":", 1)
		}
		// A stack moved into its own recovery region swaps the two, as
		// its owner would: a recovery region is another region.
		if r := v.object("omnirapeutic:recovery"); r["region"] == region {
			r["region"] = from
		}
	}
}

// TestChangeMatrix applies each change to a copy of the stack files (the
// changed value written into the stack file as a user would), synthesizes
// it once, and runs every rule over that one synthesis (the HIPAA
// prediction and the policy pack are rules too), and the docs generation.
func TestChangeMatrix(t *testing.T) {
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := stackFilesWith(t, c.stack, c.edits...)
			r, err := synth.Run(synth.Options{Dir: dir, Stack: c.stack})
			require.NoError(t, err)
			s := stackOf(t, r)
			for _, rl := range rules {
				t.Run(rl.name, func(t *testing.T) { rl.check(t, s) })
			}
			t.Run("the docs and the diagram regenerate", func(t *testing.T) {
				var stacks []*synth.Result
				for _, committed := range committedStacks(t) {
					if committed.Config.Stack == c.stack {
						committed = r
					}
					stacks = append(stacks, committed)
				}
				files, err := docs.Docs(dir, stacks)
				require.NoError(t, err)
				require.Contains(t, files[docs.GeneratedDocs+"/"+c.stack+".md"], "```mermaid", "the stack's page has its diagram")
			})
		})
	}
}

// stackFilesWith copies Pulumi.yaml and every stack file into a temporary
// directory (withStackFiles), with the edits applied to one stack file:
// each changed key is written into it as YAML, the way a user edits the
// file. A change the file has already is skipped: TestRules covers it.
func stackFilesWith(t *testing.T, stack string, edits ...func(v values)) string {
	t.Helper()
	v := stackValues(t, stack)
	before := v.encoded()
	for _, edit := range edits {
		edit(v)
	}
	changed := map[string]any{}
	for key, value := range v.encoded() {
		if before[key] != value {
			// JSON is YAML; a bare scalar (2500, single) reads as one too.
			var decoded any
			require.NoError(t, yaml.Unmarshal([]byte(value), &decoded))
			changed[key] = decoded
		}
	}
	if len(changed) == 0 {
		t.Skipf("Pulumi.%s.yaml has this change already, so TestRules covers it", stack)
	}
	return withStackFiles(t, "Pulumi."+stack+".yaml", func(text string) string {
		var file struct {
			Config map[string]any `yaml:"config"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(text), &file))
		maps.Copy(file.Config, changed)
		b, err := yaml.Marshal(file)
		require.NoError(t, err)
		return string(b)
	})
}

// restoredFromSnapshot is the region-loss runbook's step on the recovery
// stack: its cluster is created from the newest copy in production's
// recovery vault, a cluster snapshot of the stack's own region.
func restoredFromSnapshot(v values) {
	region := v.str("aws:region")
	arn := naming.NewScope("", synth.AccountID, region).ARN("rds", "cluster-snapshot:awsbackup:copyjob-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b")
	v.set("omnirapeutic:recovery", map[string]any{"restoreFromSnapshot": arn})
}
