package tests

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// staging is the program run once against the real Pulumi.staging.yaml.
func staging(t *testing.T) *synth.Result { return synthesize(t, "staging") }

// inventory is a synthesis as `synth --json` prints it.
func inventory(t *testing.T, r *synth.Result) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.WriteJSON(&b, r))
	return b.String()
}

// TestStagingHoldsNoPHI: staging carries synthetic data only, and its
// default tags say so, as its stack file's header promises.
func TestStagingHoldsNoPHI(t *testing.T) {
	tags := staging(t).Config.Values["aws:defaultTags"]
	assert.NotContains(t, tags, "phi", "staging holds no PHI and says so")
	assert.Contains(t, tags, "staging")
}

// arnRegion matches the region field of an ARN.
var arnRegion = regexp.MustCompile(`arn:[a-z-]+:[a-z0-9-]+:([a-z0-9*-]*):`)

// ruleOnlyItsOwnNames: a stack names only itself: every physical name in its
// project's namespace starts with its own prefix, no other committed stack's
// prefix or region appears in what it registers, exports, prices or
// reports, and every ARN is in its own region (or none).
func ruleOnlyItsOwnNames(t *testing.T, s *stack) {
	for _, res := range s.Resources {
		if name := res.Str("name"); strings.HasPrefix(name, s.Config.Project+"-") {
			assert.Truef(t, strings.HasPrefix(name, s.scope.Prefix), "%s %s is named %q", res.Type, res.Name, name)
		}
	}
	inv := inventory(t, s.Result)
	var text bytes.Buffer
	require.NoError(t, report.Write(&text, s.Result))
	for _, other := range committedStacks(t) {
		if other.Config.Stack != s.Config.Stack {
			prefix := other.Stack.Scope.Prefix
			assert.NotContains(t, inv, prefix+"-", "%s names %s's resources", s.Config.Stack, other.Config.Stack)
			assert.NotContains(t, text.String(), prefix+"-")
		}
		if region := other.Stack.Scope.Region; region != s.scope.Region && region != s.cfg.Recovery.Region {
			assert.NotContains(t, inv, region, "%s in %s mentions %s", s.Config.Stack, s.scope.Region, region)
			text := text.String()
			if region == compliance.GlobalEventsRegion(s.scope.Partition) {
				// A stack outside it is warned that IAM and console
				// sign-in record their events there only.
				text = strings.ReplaceAll(text, "record them in "+region+" only", "")
			}
			assert.NotContains(t, text, region)
		}
	}
	for _, m := range arnRegion.FindAllStringSubmatch(inv, -1) {
		assert.Contains(t, []string{"", "*", s.scope.Region, s.cfg.Recovery.Region}, m[1], "an ARN in region %q", m[1])
	}
}
