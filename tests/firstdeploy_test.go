package tests

// What a first real `pulumi up` would hit although mocks cannot see it: each
// test names the AWS rule it pins, so that nobody reintroduces the mistake.
// Issue 8's items 1, 2, 4, 6 and 7 hold for every configuration and are
// rules now: ruleTmpfs, ruleCloudTrail, ruleServiceLogGroupsAndRoles and
// ruleNoMasterSecret, ruleAlarmTopic, ruleKeyPolicyConditions.

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/cmdline"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/platform"
)

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
	_, err := cmdline.ParseArgs([]string{"--help"}, &help)
	require.True(t, errors.Is(err, flag.ErrHelp))
	for _, own := range []string{"-dir", "-json", "-stack"} {
		assert.Contains(t, help.String(), "  "+own, "--help lists %s", own)
	}
	for _, name := range foreign {
		assert.NotContains(t, help.String(), "  -"+name+" ", "--help must not list the dependency's -%s", name)
		assert.NotContains(t, help.String(), "  -"+name+"\n", "--help must not list the dependency's -%s", name)
	}

	cmd, err := cmdline.ParseArgs([]string{"--dir", "..", "--stack", "staging", "--json"}, &help)
	require.NoError(t, err)
	assert.Equal(t, cmdline.CommandLine{Options: synth.Options{Dir: "..", Stack: "staging"}, JSON: true, Usage: synth.DefaultUsage}, cmd)
}
