package conformance

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryControlPassesAndFails: each control outside the pack passes the
// compliant world and fails once broken, as the pack's predicates do.
func TestEveryControlPassesAndFails(t *testing.T) {
	require.Len(t, ControlRules, len(Controls))
	for _, rule := range ControlRules {
		t.Run(rule.Identifier, func(t *testing.T) {
			c, ok := Controls[rule.Identifier]
			require.True(t, ok)
			evals := c.Evaluate(CompliantWorld(), Params(rule.Parameters))
			require.NotEmpty(t, evals)
			for _, e := range evals {
				assert.True(t, e.Compliant, "%s: %s", e.Resource, e.Reason)
			}
			world := CompliantWorld()
			Breaks[rule.Identifier](world)
			assert.True(t, slices.ContainsFunc(c.Evaluate(world, Params(rule.Parameters)), func(e Evaluation) bool { return !e.Compliant }))
		})
	}
}

func TestRunsAsRoot(t *testing.T) {
	for user, root := range map[string]bool{"": true, "root": true, "0": true, "0:0": true, "root:staff": true, "101": false, "1000:1000": false, "nginx": false} {
		assert.Equal(t, root, runsAsRoot(map[string]any{"user": user}), "user %q", user)
	}
	assert.True(t, runsAsRoot(map[string]any{}), "no user: the image's, root unless it says otherwise")
}
