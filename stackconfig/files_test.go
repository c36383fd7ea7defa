package stackconfig_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// TestReadStackFilesSeesWhatTheCLISees: for every committed stack, the
// reader preflight uses hands over the same values as the CLI's own
// loaders, and they decode to a valid configuration.
func TestReadStackFilesSeesWhatTheCLISees(t *testing.T) {
	stacks, err := stackfile.Stacks("..")
	require.NoError(t, err)
	require.NotEmpty(t, stacks)
	for _, stack := range stacks {
		want, err := stackfile.Load("..", stack)
		require.NoError(t, err)
		project, got, err := stackconfig.ReadStackFiles("..", stack)
		require.NoError(t, err)
		assert.Equal(t, want.Project, project)
		require.ElementsMatch(t, want.Keys(), keys(got), stack)
		for k, v := range want.Values {
			var a, b any
			if json.Unmarshal([]byte(v), &a) == nil && json.Unmarshal([]byte(got[k]), &b) == nil {
				assert.Equal(t, a, b, "%s %s", stack, k)
			} else {
				assert.Equal(t, v, got[k], "%s %s", stack, k)
			}
		}
		_, err = stackconfig.Decode(project, stack, func(k string) (string, bool) { v, ok := got[k]; return v, ok })
		assert.NoError(t, err, stack)
	}
	_, _, err = stackconfig.ReadStackFiles("..", "nosuchstack")
	assert.ErrorContains(t, err, `stack "nosuchstack"`)
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
