// Package tests holds the cross-package topology tests: each runs the real
// program (platform.Deploy) under a recording mock with the configuration
// read from the real Pulumi.production.yaml, and asserts on what it
// registered. All of them share one test binary, so pulumi-aws links once.
package tests

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// synthesis is one committed stack file's program run, made once and shared:
// tests only read it.
type synthesis struct {
	once   sync.Once
	result *synth.Result
	err    error
}

// synthesized holds the committed stacks' runs by stack name; the map
// itself is never written after init, so tests may read it concurrently.
var synthesized = map[string]*synthesis{"production": {}, "staging": {}}

// synthesize runs the program once against Pulumi.<stack>.yaml.
func synthesize(t *testing.T, stack string) *synth.Result {
	t.Helper()
	s, ok := synthesized[stack]
	require.Truef(t, ok, "no committed stack %q is synthesized for tests", stack)
	s.once.Do(func() {
		s.result, s.err = synth.Run(synth.Options{Dir: "..", Stack: stack})
	})
	require.NoError(t, s.err)
	return s.result
}

// production is the program run once against the production stack file.
func production(t *testing.T) *synth.Result { return synthesize(t, "production") }

// runWith runs the program against the production stack file with some
// values replaced, for configurations other than production's.
func runWith(t *testing.T, overrides map[string]string) (*synth.Result, error) {
	t.Helper()
	return synth.Run(synth.Options{Dir: "..", Overrides: overrides})
}

// find returns the one resource of the given type and name, failing the test if absent.
func find(t *testing.T, r *synth.Result, typ, name string) *synth.Resource {
	t.Helper()
	res := r.Find(typ, name)
	require.NotNilf(t, res, "no %s named %q was registered", typ, name)
	return res
}

// component returns the URN of the one component of the given type.
func component(t *testing.T, r *synth.Result, typ string) *synth.Resource {
	t.Helper()
	var found []*synth.Resource
	for _, res := range r.Resources {
		if res.Type == typ && res.Component {
			found = append(found, res)
		}
	}
	require.Lenf(t, found, 1, "components of type %s", typ)
	return found[0]
}

// countByType counts the custom resources under a component, by type.
func countByType(r *synth.Result, parentURN string) map[string]int {
	out := map[string]int{}
	for _, res := range r.Resources {
		if res.Parent == parentURN && !res.Component {
			out[res.Type]++
		}
	}
	return out
}

// policyArn returns the ARN of a role's customer managed policy, checking
// that the provider names it from the prefix (so a replacement, such as a
// description edit, is created and attached before the old one goes).
func policyArn(t *testing.T, r *synth.Result, name, namePrefix string) string {
	t.Helper()
	p := find(t, r, "aws:iam/policy:Policy", name)
	require.Equal(t, namePrefix, p.Str("namePrefix"))
	require.NotContains(t, p.Inputs, "name")
	return p.Computed["arn"].(string)
}
