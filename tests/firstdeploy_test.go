package tests

// What a first real `pulumi up` would hit although mocks cannot see it: each
// test names the AWS rule it pins, so that nobody reintroduces the mistake.

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/platform"
	"github.com/omnirapeutic/infrastructure/policy"
)

// tmpfsDef is the part of a container definition that gives it a writable /tmp.
type tmpfsDef struct {
	LinuxParameters struct {
		Tmpfs []struct {
			ContainerPath string   `json:"containerPath"`
			Size          int      `json:"size"`
			MountOptions  []string `json:"mountOptions"`
		} `json:"tmpfs"`
	} `json:"linuxParameters"`
	MountPoints            []any `json:"mountPoints"`
	ReadonlyRootFilesystem bool  `json:"readonlyRootFilesystem"`
}

// Issue 8, item 1.
func TestReadOnlyRootContainersGetATmpfsTmpBecauseFargateBindVolumesAreRootOwned0755(t *testing.T) {
	all, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	for _, c := range []struct {
		r   *synth.Result
		svc string
	}{{production(t), "nginx"}, {all, "api"}, {all, "web"}, {all, "worker"}} {
		td := find(t, c.r, tTaskDef, "ecs-"+c.svc+"-task")
		assert.NotContains(t, td.Inputs, "volumes",
			"%s: an empty Fargate bind volume is root-owned, mode 0755: uid 101/1000 cannot write to it", c.svc)
		var defs []tmpfsDef
		require.NoError(t, json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs))
		require.Len(t, defs, 1)
		d := defs[0]
		assert.True(t, d.ReadonlyRootFilesystem)
		assert.Empty(t, d.MountPoints, "%s: /tmp is no longer a task volume", c.svc)
		require.Len(t, d.LinuxParameters.Tmpfs, 1, "%s: a tmpfs /tmp", c.svc)
		tmp := d.LinuxParameters.Tmpfs[0]
		assert.Equal(t, "/tmp", tmp.ContainerPath)
		assert.Equal(t, 64, tmp.Size, "%s: the documented default, in MiB, counted against task memory", c.svc)
		assert.Equal(t, []string{"rw", "nosuid", "nodev", "noexec", "mode=1777"}, tmp.MountOptions,
			"%s: writable, nothing setuid, no devices, nothing executable, world-writable with the sticky bit", c.svc)
	}

	sized, err := runWith(t, map[string]string{"omnirapeutic:services": strings.Replace(productionServices(t), `"user":"101"`, `"user":"101","tmpfsMiB":128`, 1)})
	require.NoError(t, err)
	var defs []tmpfsDef
	require.NoError(t, json.Unmarshal([]byte(find(t, sized, tTaskDef, "ecs-nginx-task").Str("containerDefinitions")), &defs))
	assert.Equal(t, 128, defs[0].LinuxParameters.Tmpfs[0].Size, "tmpfsMiB sizes the mount")
}

// productionServices is the stack file's services value, as the program reads it.
func productionServices(t *testing.T) string {
	t.Helper()
	sf, err := stackfile.Load("..", "production")
	require.NoError(t, err)
	return sf.Values["omnirapeutic:services"]
}

// Issue 8, item 2.
func TestCloudTrailMayDecryptWithTheS3KeyBecauseItsBucketUsesAnS3BucketKey(t *testing.T) {
	r := production(t)
	sse := find(t, r, tBucketSSE, "cloudtrail-bucket-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	require.Equal(t, true, sse["bucketKeyEnabled"], "the premise: the trail bucket uses an S3 Bucket Key")
	st := statement(t, keyPolicy(t, r, "s3"), "CloudTrailDecryptsWithBucketKey")
	assert.Equal(t, "Allow", st.Effect)
	assert.Equal(t, policy.Service("cloudtrail.amazonaws.com"), st.Principal)
	assert.Equal(t, []string{"kms:Decrypt"}, st.Action,
		"CloudTrail needs kms:Decrypt to create or update a trail whose SSE-KMS bucket has an S3 Bucket Key")
	trail := find(t, r, "aws:cloudtrail/trail:Trail", "cloudtrail")
	assert.Equal(t, []string{"arn:aws:cloudtrail:us-east-1:" + account + ":trail/" + trail.Str("name")}, st.Condition["StringEquals"]["aws:SourceArn"],
		"only this trail (confused deputy)")
	assert.Equal(t, r.Outputs["trailArn"], st.Condition["StringEquals"]["aws:SourceArn"][0])
}

// noMasterSecret answers like synth.Recorder, except that the Aurora
// cluster reports no master user secret.
type noMasterSecret struct{ *synth.Recorder }

func (m noMasterSecret) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := m.Recorder.NewResource(args)
	if args.TypeToken == "aws:rds/cluster:Cluster" {
		delete(state, "masterUserSecrets")
	}
	return id, state, err
}

// Issue 8, item 3.
func TestAuroraWithoutAMasterUserSecretIsAnErrorNotAnIndexPanic(t *testing.T) {
	sf, err := stackfile.Load("..", "production")
	require.NoError(t, err)
	err = func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("the program panicked instead of returning an error: %v", p)
			}
		}()
		return pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := platform.Deploy(ctx)
			return err
		}, pulumi.WithMocks(sf.Project, sf.Stack, noMasterSecret{synth.NewRecorder(sf.Project, sf.Stack, sf.Values["aws:region"])}),
			func(info *pulumi.RunInfo) { info.Config = sf.Values })
	}()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aurora cluster omnirapeutic-production reports no master user secret: RDS creates it when manageMasterUserPassword is true")
}

// Issue 8, item 4.
func TestServicesSignInAsTheirOwnIamDatabaseUserAndNeverReceiveTheMasterSecret(t *testing.T) {
	r, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	masterSecret := "arn:aws:secretsmanager:us-east-1:" + account + ":secret:rds!cluster-omnirapeutic-production-0ff1ne"
	endpoint := "omnirapeutic-production.cluster-offline.us-east-1.rds.amazonaws.com"
	for _, svc := range []string{"api", "worker"} {
		td, c := container(t, r, svc)
		assert.NotContains(t, td.Str("containerDefinitions"), masterSecret, "%s must not receive the master secret", svc)
		for _, s := range c.Secrets {
			assert.NotEqual(t, "DATABASE", s["name"], svc)
			assert.NotEqual(t, masterSecret, s["valueFrom"], svc)
		}
		assert.ElementsMatch(t, []map[string]string{
			{"name": "DB_HOST", "value": endpoint},
			{"name": "DB_PORT", "value": "5432"},
			{"name": "DB_NAME", "value": "omnirapeutic"},
			{"name": "DB_USER", "value": "app_" + svc},
		}, c.Environment, svc)

		doc, err := policy.Parse(find(t, r, tPolicy, "ecs-"+svc+"-task-policy").Str("policy"))
		require.NoError(t, err)
		require.Len(t, doc.Statement, 1, svc)
		st := doc.Statement[0]
		assert.Equal(t, []string{"rds-db:connect"}, st.Action, svc)
		assert.Equal(t, []string{"arn:aws:rds-db:us-east-1:" + account + ":dbuser:cluster-OFFLINE0RESOURCE0ID/app_" + svc}, st.Resource,
			"%s: IAM database authentication as exactly its own user on exactly this cluster (its resource ID)", svc)
	}
	assert.Nil(t, r.Find(tPolicy, "ecs-web-task-policy"), "web does not use the database: its task role has no permissions")
	for _, td := range r.OfType(tTaskDef) {
		assert.NotContains(t, td.Str("containerDefinitions"), masterSecret, td.Name)
	}
	for _, svc := range []string{"api", "nginx", "web", "worker"} {
		exec, err := policy.Parse(find(t, r, tPolicy, "ecs-"+svc+"-execution-policy").Str("policy"))
		require.NoError(t, err)
		for _, st := range exec.Statement {
			assert.NotContains(t, st.Resource, masterSecret, "%s's execution role cannot read the master secret", svc)
		}
	}
	assert.Equal(t, masterSecret, r.Outputs["auroraMasterSecretArn"], "the master secret stays, for break-glass use through the bastion")

	// Declared but off, api and worker already hold their grant, so the
	// database users can be created before the services are switched on.
	prod := production(t)
	assert.NotNil(t, prod.Find(tPolicy, "ecs-api-task-policy"))
	assert.NotNil(t, prod.Find(tPolicy, "ecs-worker-task-policy"))
}

// Issue 8, item 6.
func TestAlarmTopicWithoutSubscriberWarnsAndHttpsEndpointsSubscribe(t *testing.T) {
	r := production(t)
	noSubscriber := func(w string) bool { return strings.HasPrefix(w, "the alarm topic has no subscriber") }
	require.True(t, slices.ContainsFunc(r.Stack.Warnings, noSubscriber), "production subscribes nobody yet: %q", r.Stack.Warnings)
	var report bytes.Buffer
	require.NoError(t, synth.WriteReport(&report, r))
	assert.Contains(t, report.String(), "\nwarning: the alarm topic has no subscriber")

	hook := "https://events.pagerduty.example/integration/0123abcd/enqueue"
	paged, err := runWith(t, map[string]string{"omnirapeutic:alarmHttpsEndpoints": `["` + hook + `"]`})
	require.NoError(t, err)
	assert.False(t, slices.ContainsFunc(paged.Stack.Warnings, noSubscriber))
	subs := paged.OfType(tSubscription)
	require.Len(t, subs, 1)
	assert.Equal(t, "https", subs[0].Str("protocol"))
	assert.Equal(t, topicArn, subs[0].Str("topic"))
	assert.Contains(t, jsonOf(t, subs[0].Inputs["endpoint"]), hook)
	assert.NotContains(t, subs[0].Name, "0123abcd", "the integration key stays out of the URN")
	report.Reset()
	require.NoError(t, synth.WriteReport(&report, paged))
	assert.NotContains(t, report.String(), "warning: the alarm topic has no subscriber")
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// Issue 8, item 7.
func TestAlarmKeyHoldsCloudWatchToThisAccountButNotEventBridgeWhichSnsWouldThenDrop(t *testing.T) {
	doc := keyPolicy(t, production(t), "logs")
	cw := statement(t, doc, "CloudWatchAlarmsPublishToTopic")
	assert.Equal(t, []string{account}, cw.Condition["StringEquals"]["aws:SourceAccount"], "confused deputy: only this account's alarms")
	assert.Equal(t, []string{"arn:aws:cloudwatch:us-east-1:" + account + ":alarm:*"}, cw.Condition["ArnLike"]["aws:SourceArn"])

	events := statement(t, doc, "EventBridgePublishesToTopic")
	assert.Equal(t, policy.Service("events.amazonaws.com"), events.Principal)
	assert.ElementsMatch(t, []string{"kms:Decrypt", "kms:GenerateDataKey*"}, events.Action)
	assert.Empty(t, events.Condition,
		"SNS does not support aws:SourceAccount/aws:SourceArn in a KMS key policy for EventBridge delivery: with them every GuardDuty finding is dropped")
}

// Issue 8, item 8.
func TestSynthHelpListsOnlyItsOwnFlagsNotADependencysLoggingFlags(t *testing.T) {
	var foreign []string
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Name, "test.") { // the testing package's own
			foreign = append(foreign, f.Name)
		}
	})
	require.Contains(t, foreign, "logtostderr", "a dependency registers glog's flags on flag.CommandLine; that is what --help must not show")

	var help bytes.Buffer
	_, err := synth.ParseArgs([]string{"--help"}, &help)
	require.True(t, errors.Is(err, flag.ErrHelp))
	for _, own := range []string{"-dir", "-json", "-stack"} {
		assert.Contains(t, help.String(), "  "+own, "--help lists %s", own)
	}
	for _, name := range foreign {
		assert.NotContains(t, help.String(), "  -"+name+" ", "--help must not list the dependency's -%s", name)
		assert.NotContains(t, help.String(), "  -"+name+"\n", "--help must not list the dependency's -%s", name)
	}

	cmd, err := synth.ParseArgs([]string{"--stack", "staging", "--json"}, &help)
	require.NoError(t, err)
	assert.Equal(t, synth.CommandLine{Options: synth.Options{Dir: ".", Stack: "staging"}, JSON: true}, cmd)
}
