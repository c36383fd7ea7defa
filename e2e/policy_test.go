//go:build e2e

package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/platform"
)

// buildPack builds the policy pack as the binary the engine launches for
// `--policy-pack <path>`.
func buildPack(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "policypack")
	out, err := exec.Command("go", "build", "-o", bin, "../policypack").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// mandatory keeps the violations that block.
func mandatory(events []apitype.PolicyEvent) []apitype.PolicyEvent {
	var out []apitype.PolicyEvent
	for _, e := range events {
		if e.EnforcementLevel == "mandatory" {
			out = append(out, e)
		}
	}
	return out
}

// TestPolicyPack runs the HIPAA policy pack in the real engine: production
// previews and deploys with no mandatory violation; a program that adds a
// log group without a key is refused by the preview and, in an update, the
// group is never created.
func TestPolicyPack(t *testing.T) {
	ctx := context.Background()
	pack := buildPack(t)

	t.Run("production: no mandatory violation in preview or up", func(t *testing.T) {
		h := Start(t, Options{})
		run, err := h.Preview(ctx, optpreview.PolicyPacks(pack))
		require.NoError(t, err, run.Stdout)
		assert.Empty(t, mandatory(run.Policies), run.Stdout)
		t.Logf("preview with the pack: %s, %d advisory", run.Duration.Round(time.Millisecond), len(run.Policies))
		run, err = h.Up(ctx, optup.PolicyPacks(pack))
		require.NoError(t, err, "errors: %v\npolicies: %+v\nstdout tail: %s", run.Errors, run.Policies, tail(run.Stdout))
		assert.Empty(t, mandatory(run.Policies))
		t.Logf("up with the pack: %s, %d advisory", run.Duration.Round(time.Millisecond), len(run.Policies))
	})

	t.Run("a log group without a key is blocked before it is created", func(t *testing.T) {
		broken := func(ctx *pulumi.Context) error {
			if err := platform.Run(ctx); err != nil {
				return err
			}
			_, err := cloudwatch.NewLogGroup(ctx, "unencrypted-logs", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(365)})
			return err
		}
		h := Start(t, Options{Program: broken})
		run, err := h.Preview(ctx, optpreview.PolicyPacks(pack))
		require.Error(t, err, "a mandatory violation fails the preview")
		got := mandatory(run.Policies)
		require.Len(t, got, 1, run.Stdout)
		assert.Equal(t, "cloudwatch-log-group-encrypted", got[0].PolicyName)
		assert.Contains(t, got[0].ResourceURN, "unencrypted-logs")
		assert.Contains(t, got[0].Message, "Fix: set kmsKeyId")

		run, err = h.Up(ctx, optup.PolicyPacks(pack))
		require.Error(t, err, "a mandatory violation fails the update")
		got = mandatory(run.Policies)
		require.Len(t, got, 1, tail(run.Stdout))
		assert.Contains(t, got[0].ResourceURN, "unencrypted-logs")
		for urn := range run.Done {
			assert.NotContains(t, urn, "unencrypted-logs", "the violating log group was created")
		}
	})
}

// tail is the end of a long CLI output, where the engine prints its summary.
func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}
