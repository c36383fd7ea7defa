//go:build e2e

// Package e2e runs the program against the real Pulumi engine: the Pulumi
// CLI built from the Go module proxy (tools/), the Automation API serving
// platform.Run as an inline program, a file backend in a temporary
// directory, and a stand-in AWS provider (Provider) in place of the plugin
// this machine cannot have. Nothing reaches the network.
//
// It is built only with the e2e build tag, so `go test ./...` stays fast;
// .ci/run builds the CLI and runs it:
//
//	E2E_PULUMI_ROOT=<dir holding bin/pulumi> go test -tags e2e ./e2e/
package e2e

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/platform"
)

// RootEnv names the environment variable holding the directory whose
// bin/pulumi is the CLI to drive (what .ci/run builds from tools/).
const RootEnv = "E2E_PULUMI_ROOT"

// Options choose what the harness runs.
type Options struct {
	// ProjectDir holds Pulumi.yaml and Pulumi.<Stack>.yaml; both are copied
	// to a temporary directory, because stack init rewrites the stack file.
	// Defaults to "..", the repository root seen from this package.
	ProjectDir string
	// Stack is the stack name. Defaults to "production".
	Stack string
	// Program is the inline program. Defaults to platform.Run, exactly what
	// main.go hands to pulumi.Run.
	Program pulumi.RunFunc
	// CLIRoot is the directory whose bin/pulumi is the CLI. Defaults to the
	// RootEnv environment variable.
	CLIRoot string
	// Env adds environment variables for the CLI (and so the engine).
	Env map[string]string
}

// Harness is one stack in a temporary copy of the project, on a file
// backend, with the stand-in provider attached.
type Harness struct {
	// Dir is the temporary copy of the project: Pulumi.yaml and the stack
	// file as stack init rewrote it.
	Dir string
	// Stack is the Automation API stack; use it for config and outputs.
	Stack auto.Stack
	// Provider is the stand-in AWS provider the engine is attached to.
	Provider *Provider
}

// Start copies the project, starts the stand-in provider, and initialises
// the stack with the CLI (`pulumi stack init`). Everything it makes is
// removed when the test ends.
func Start(t testing.TB, opts Options) *Harness {
	t.Helper()
	if opts.ProjectDir == "" {
		opts.ProjectDir = ".."
	}
	if opts.Stack == "" {
		opts.Stack = "production"
	}
	if opts.Program == nil {
		opts.Program = platform.Run
	}
	if opts.CLIRoot == "" {
		opts.CLIRoot = os.Getenv(RootEnv)
	}
	if opts.CLIRoot == "" {
		t.Fatalf("%s is not set: build the Pulumi CLI with tools/ (see .ci/run) and point %s at the directory holding bin/pulumi", RootEnv, RootEnv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	dir := t.TempDir()
	for _, name := range []string{"Pulumi.yaml", "Pulumi." + opts.Stack + ".yaml"} {
		b, err := os.ReadFile(filepath.Join(opts.ProjectDir, name))
		if err != nil {
			t.Fatalf("copy the project: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatalf("copy the project: %v", err)
		}
	}
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("read Pulumi.yaml: %v", err)
	}

	version, err := awsVersion(filepath.Join(opts.ProjectDir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sf, err := stackfile.Load(dir, opts.Stack)
	if err != nil {
		t.Fatal(err)
	}
	provider := NewProvider(proj.Name.String(), opts.Stack, sf.Values["aws:region"], version)
	port, err := provider.Serve(ctx)
	if err != nil {
		t.Fatal(err)
	}

	state := t.TempDir()
	for _, d := range []string{"home", "backend"} {
		if err := os.MkdirAll(filepath.Join(state, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{
		// Nothing may reach for the network or the user's own Pulumi setup.
		"PULUMI_HOME":                                 filepath.Join(state, "home"),
		"PULUMI_BACKEND_URL":                          "file://" + filepath.Join(state, "backend"),
		"PULUMI_CONFIG_PASSPHRASE":                    "e2e-only-passphrase",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		// The engine uses the provider already listening there instead of
		// looking for a plugin binary.
		"PULUMI_DEBUG_PROVIDERS": fmt.Sprintf("aws:%d", port),
	}
	for k, v := range opts.Env {
		env[k] = v
	}
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: opts.CLIRoot})
	if err != nil {
		t.Fatalf("use the Pulumi CLI in %s: %v", opts.CLIRoot, err)
	}
	stack, err := auto.UpsertStackInlineSource(ctx, opts.Stack, proj.Name.String(), opts.Program,
		auto.WorkDir(dir), auto.Pulumi(cli), auto.EnvVars(env))
	if err != nil {
		t.Fatalf("pulumi stack init %s: %v", opts.Stack, err)
	}
	return &Harness{Dir: dir, Stack: stack, Provider: provider}
}

// awsVersion reads the program's pulumi-aws SDK version from its go.mod:
// the engine expects a plugin at least that new.
func awsVersion(goMod string) (string, error) { return synth.ProviderVersion(filepath.Dir(goMod)) }

// Run is what one engine operation did, read from its event stream.
type Run struct {
	// Steps maps each resource's URN to the operation the engine planned or
	// started for it ("create", "same", "update", "delete", ...).
	Steps map[string]apitype.OpType
	// Done maps each resource's URN to the operation that completed for it.
	Done map[string]apitype.OpType
	// Sequence is every step in the order the engine started it: a
	// replacement's create-replacement and delete-replaced show its order.
	Sequence []Step
	// Warnings are the warning diagnostics, in order.
	Warnings []string
	// Errors are the error diagnostics, in order.
	Errors []string
	// Policies are the policy packs' violations, in order.
	Policies []apitype.PolicyEvent
	// Duration is the wall time of the operation, CLI start to finish.
	Duration time.Duration
	// Stdout is the CLI's rendered progress output.
	Stdout string
}

// Step is one step the engine started: the resource's URN and the operation.
type Step struct {
	URN string
	Op  apitype.OpType
}

// Ops counts the steps by operation.
func (r *Run) Ops() map[apitype.OpType]int {
	out := map[apitype.OpType]int{}
	for _, op := range r.Steps {
		out[op]++
	}
	return out
}

// URNs returns the URNs whose step was op, sorted.
func (r *Run) URNs(op apitype.OpType) []string {
	var out []string
	for urn, o := range r.Steps {
		if o == op {
			out = append(out, urn)
		}
	}
	sort.Strings(out)
	return out
}

// collector gathers one operation's engine events.
type collector struct {
	ch   chan events.EngineEvent
	done chan struct{}
	mu   sync.Mutex
	run  *Run
}

func collect() *collector {
	c := &collector{
		ch:   make(chan events.EngineEvent),
		done: make(chan struct{}),
		run:  &Run{Steps: map[string]apitype.OpType{}, Done: map[string]apitype.OpType{}},
	}
	go func() {
		defer close(c.done)
		for e := range c.ch {
			c.mu.Lock()
			switch {
			case e.ResourcePreEvent != nil:
				m := e.ResourcePreEvent.Metadata
				c.run.Steps[m.URN] = m.Op
				c.run.Sequence = append(c.run.Sequence, Step{URN: m.URN, Op: m.Op})
			case e.ResOutputsEvent != nil:
				m := e.ResOutputsEvent.Metadata
				c.run.Done[m.URN] = m.Op
			case e.DiagnosticEvent != nil && e.DiagnosticEvent.Severity == "warning":
				c.run.Warnings = append(c.run.Warnings, e.DiagnosticEvent.Message)
			case e.DiagnosticEvent != nil && e.DiagnosticEvent.Severity == "error":
				c.run.Errors = append(c.run.Errors, e.DiagnosticEvent.Message)
			case e.PolicyEvent != nil:
				c.run.Policies = append(c.run.Policies, *e.PolicyEvent)
			}
			c.mu.Unlock()
		}
	}()
	return c
}

// finish waits for the event stream to end. When the CLI failed before the
// engine wrote any event, the Automation API may never close the stream,
// so a failed operation waits a little, then reports what it has.
func (c *collector) finish(start time.Time, stdout string, err error) *Run {
	elapsed := time.Since(start)
	if err == nil {
		<-c.done
	} else {
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	run := *c.run
	run.Steps = maps.Clone(c.run.Steps)
	run.Done = maps.Clone(c.run.Done)
	run.Sequence = slices.Clone(c.run.Sequence)
	run.Policies = slices.Clone(c.run.Policies)
	run.Duration = elapsed
	run.Stdout = stdout
	return &run
}

// Preview runs `pulumi preview` and reports every step it planned.
func (h *Harness) Preview(ctx context.Context, opts ...optpreview.Option) (*Run, error) {
	c, start := collect(), time.Now()
	res, err := h.Stack.Preview(ctx, append(opts, optpreview.EventStreams(c.ch))...)
	return c.finish(start, res.StdOut, err), err
}

// Up runs `pulumi up` and reports every step it performed.
func (h *Harness) Up(ctx context.Context, opts ...optup.Option) (*Run, error) {
	c, start := collect(), time.Now()
	res, err := h.Stack.Up(ctx, append(opts, optup.EventStreams(c.ch))...)
	return c.finish(start, res.StdOut, err), err
}

// PreviewDestroy runs `pulumi destroy --preview-only`: what `pulumi
// destroy` shows before it asks for confirmation.
func (h *Harness) PreviewDestroy(ctx context.Context, opts ...optdestroy.Option) (*Run, error) {
	c, start := collect(), time.Now()
	res, err := h.Stack.PreviewDestroy(ctx, append(opts, optdestroy.EventStreams(c.ch))...)
	return c.finish(start, res.StdOut, err), err
}

// Destroy runs `pulumi destroy --yes --skip-preview` (what the Automation
// API runs) and reports every step it performed.
func (h *Harness) Destroy(ctx context.Context, opts ...optdestroy.Option) (*Run, error) {
	c, start := collect(), time.Now()
	res, err := h.Stack.Destroy(ctx, append(opts, optdestroy.EventStreams(c.ch))...)
	return c.finish(start, res.StdOut, err), err
}
