// Package tests holds the cross-package topology tests: each runs the real
// program (platform.Deploy) under a recording mock with the configuration
// read from the real stack files, and asserts on what it registered. All of
// them share one test binary, so pulumi-aws links once.
package tests

import (
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
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
var synthesized = map[string]*synthesis{"production": {}, "staging": {}, "recovery": {}}

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
// values replaced whole, for configurations that must fail or whose every
// field a test sets.
func runWith(t *testing.T, overrides map[string]string) (*synth.Result, error) {
	t.Helper()
	return synth.Run(synth.Options{Dir: "..", Overrides: overrides})
}

// values are a stack file's configuration as the program reads it (fully
// qualified key to raw value), loaded from the committed file so that a
// change is made the way a user makes it: to what the file says today,
// not to a copy of it in a test. Structured values are decoded on first
// use and written back by encoded.
type values struct {
	raw     map[string]string
	decoded map[string]any
}

// committedValues caches each committed stack file's values: reading one
// through the CLI's loaders validates Pulumi.yaml every time.
var committedValues sync.Map // stack name -> map[string]string

// stackValues loads a committed stack's configuration for editing.
func stackValues(t *testing.T, stack string) values {
	t.Helper()
	raw, ok := committedValues.Load(stack)
	if !ok {
		sf, err := stackfile.Load("..", stack)
		require.NoError(t, err)
		raw, _ = committedValues.LoadOrStore(stack, sf.Values)
	}
	return values{raw: maps.Clone(raw.(map[string]string)), decoded: map[string]any{}}
}

// str is a plain string value (aws:region, natGateways).
func (v values) str(key string) string { return v.raw[key] }

// value decodes a structured value once; edits to it are kept.
func (v values) value(key string) any {
	if d, ok := v.decoded[key]; ok {
		return d
	}
	var d any
	if err := json.Unmarshal([]byte(v.raw[key]), &d); err != nil {
		panic("config " + key + " is not JSON: " + err.Error())
	}
	v.decoded[key] = d
	return d
}

// object is a structured value that is a JSON object, editable in place.
func (v values) object(key string) map[string]any { return v.value(key).(map[string]any) }

// list is a structured value that is a JSON list.
func (v values) list(key string) []any { return v.value(key).([]any) }

// service is one service's entry of services, editable in place.
func (v values) service(name string) map[string]any {
	return v.object("omnirapeutic:services")[name].(map[string]any)
}

// set replaces a value: a string is passed bare, as Pulumi passes strings;
// anything else as JSON.
func (v values) set(key string, value any) {
	if s, ok := value.(string); ok {
		delete(v.decoded, key)
		v.raw[key] = s
		return
	}
	v.decoded[key] = value
}

// encoded is the configuration with every edit applied, as the program reads it.
func (v values) encoded() map[string]string {
	out := maps.Clone(v.raw)
	for _, key := range slices.Sorted(maps.Keys(v.decoded)) {
		b, err := json.Marshal(v.decoded[key])
		if err != nil {
			panic(err)
		}
		out[key] = string(b)
	}
	return out
}

// runWithin runs the program against a committed stack file with the edits
// applied in memory, and requires it to succeed.
func runWithin(t *testing.T, stack string, edits ...func(v values)) *synth.Result {
	t.Helper()
	r, err := runOpts(t, synth.Options{Stack: stack}, edits...)
	require.NoError(t, err)
	return r
}

// runOpts runs the program with opts (revisions the mock pretends) against
// a committed stack file with the edits applied in memory.
func runOpts(t *testing.T, opts synth.Options, edits ...func(v values)) (*synth.Result, error) {
	t.Helper()
	if opts.Stack == "" {
		opts.Stack = "production"
	}
	v := stackValues(t, opts.Stack)
	for _, edit := range edits {
		edit(v)
	}
	opts.Dir, opts.Overrides = "..", v.encoded()
	return synth.Run(opts)
}

// nginxOverHTTP is the seed's shape, whatever the stack file says today:
// the nginx test page on, no certificate, and every service that would
// need one (secrets or the database) off. Tests of a specific resource
// (the HTTP listener rule, nginx's task definition) start from it.
func nginxOverHTTP(v values) {
	withoutCertificate(v)
	v.service("nginx")["enabled"] = true
}

// withoutCertificate takes the certificate away and switches off every
// service that may not run without one (PHI never over plain HTTP).
func withoutCertificate(v values) {
	v.object("omnirapeutic:edge")["certificateArn"] = ""
	for _, raw := range v.object("omnirapeutic:services") {
		svc := raw.(map[string]any)
		if svc["database"] == true || svc["secrets"] != nil {
			svc["enabled"] = false
		}
	}
}

// synthScopeOf is the mock account's scope in a synthesis's region: its
// partition and region, for ARNs a test spells.
func synthScopeOf(r *synth.Result) naming.Scope {
	if r.Stack != nil {
		return r.Stack.Scope
	}
	return naming.NewScope("", synth.AccountID, r.Config.Values["aws:region"])
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
