package synth

import (
	"encoding/json"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/platform"
)

// Options choose what to synthesize.
type Options struct {
	// Dir holds Pulumi.yaml and the stack files. Defaults to ".".
	Dir string
	// Stack is the stack name. Defaults to "production".
	Stack string
	// Overrides replace or add config values (fully qualified keys) after the
	// stack file is read; tests use them for alternative configurations.
	Overrides map[string]string
	// RunningRevisions pretend these ECS services exist and run these
	// task-definition revisions (service name → revision), as on a later
	// `pulumi up`; a service not listed does not exist yet.
	RunningRevisions map[string]int
	// RegisteredRevisions are the revisions the program's task definitions
	// get (family → revision); 1 when not listed.
	RegisteredRevisions map[string]int
	// RolledBack pretends the deployment circuit breaker rolled these
	// services back during the update (service name → revision it runs).
	RolledBack map[string]int
}

// Result is one offline run of the program.
type Result struct {
	// Config is the configuration the program ran with.
	Config *stackfile.Config
	// Resources are every registered resource, sorted by URN.
	Resources []*Resource
	// Outputs are the resolved stack outputs.
	Outputs map[string]any
	// Stack is what platform.Deploy returned; nil when it failed.
	Stack *platform.Stack
	// Conformance is the HIPAA conformance pack's predicted result; nil
	// when the program failed.
	Conformance *conformance.Report
	// Usage is the usage profile the cost model assumes; DefaultUsage
	// unless the caller replaces it.
	Usage UsageProfile
}

// Run loads the stack configuration and runs the real program under mocks.
// A program error is returned together with whatever was registered before
// it, so tests can assert that bad configuration registers nothing.
func Run(opts Options) (*Result, error) {
	var stack *platform.Stack
	res, err := RunProgram(opts, func(ctx *pulumi.Context) (pulumi.Map, error) {
		s, err := platform.Deploy(ctx)
		if err != nil {
			return nil, err
		}
		stack = s
		return s.Outputs, nil
	})
	if res != nil {
		res.Stack = stack
	}
	return res, err
}

// RunProgram runs a program (platform.Deploy, or the bootstrap project's
// pipeline.Deploy) under the recording mock with the stack file's
// configuration, and resolves the outputs the program returns. A program
// error is returned together with whatever was registered before it.
func RunProgram(opts Options, program func(ctx *pulumi.Context) (pulumi.Map, error)) (*Result, error) {
	if opts.Dir == "" {
		opts.Dir = "."
	}
	if opts.Stack == "" {
		opts.Stack = "production"
	}
	sc, err := stackfile.Load(opts.Dir, opts.Stack)
	if err != nil {
		return nil, err
	}
	for k, v := range opts.Overrides {
		sc.Values[k] = v
	}
	rec := NewRecorder(sc.Project, sc.Stack, sc.Values["aws:region"])
	rec.running, rec.registered, rec.rolledBack = opts.RunningRevisions, opts.RegisteredRevisions, opts.RolledBack
	res := &Result{Config: sc, Outputs: map[string]any{}, Usage: DefaultUsage}
	var mu sync.Mutex
	err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		outputs, err := program(ctx)
		if err != nil {
			return err
		}
		// Joined with an output of this context, every apply below is one
		// RunErr waits for, even an output that is a plain value (which
		// would otherwise resolve in a goroutine nobody waits for).
		anchor, resolve, _ := ctx.NewOutput()
		resolve(nil)
		for name, out := range outputs {
			pulumi.All(anchor, out).ApplyT(func(v []any) (any, error) {
				plain, err := plainValue(v[1])
				mu.Lock()
				defer mu.Unlock()
				res.Outputs[name] = plain
				return nil, err
			})
		}
		return nil
	}, pulumi.WithMocks(sc.Project, sc.Stack, rec), withConfig(sc.Values))
	res.Resources = rec.Resources()
	if err == nil {
		err = res.predictConformance()
	}
	return res, err
}

// plainValue turns an output's Go value (pulumi.ID, []string, ...) into the
// plain JSON value the engine would store for the stack output.
func plainValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// withConfig hands the program its configuration the way the CLI does
// through PULUMI_CONFIG, without touching the process environment.
func withConfig(values map[string]string) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Config = values
	}
}

// Find returns the resource of the given type and logical name, or nil.
func (r *Result) Find(typ, name string) *Resource {
	for _, res := range r.Resources {
		if res.Type == typ && res.Name == name {
			return res
		}
	}
	return nil
}

// OfType returns every resource of the given type, sorted by logical name.
func (r *Result) OfType(typ string) []*Resource {
	var out []*Resource
	for _, res := range r.Resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ByID returns the custom resource with the given mock ID, or nil.
func (r *Result) ByID(id string) *Resource {
	for _, res := range r.Resources {
		if res.ID != "" && res.ID == id {
			return res
		}
	}
	return nil
}

// ByURN returns the resource with the given URN, or nil.
func (r *Result) ByURN(urn string) *Resource {
	for _, res := range r.Resources {
		if res.URN == urn {
			return res
		}
	}
	return nil
}

// ByARN finds the resource whose computed ARN is arn, or nil: how
// one resource's field names another.
func (r *Result) ByARN(arn string) *Resource {
	if arn == "" {
		return nil
	}
	for _, res := range r.Resources {
		if a, _ := res.Computed["arn"].(string); a == arn {
			return res
		}
	}
	return nil
}

// PrefixListOwner names the gateway endpoint whose prefix list id is, as
// "S3 through <logical name>"; "" when none is recorded.
func (r *Result) PrefixListOwner(id string) string {
	for _, e := range r.OfType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		if e.Computed["prefixListId"] == id {
			return "S3 through " + e.Name
		}
	}
	return ""
}
