//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Language is a stand-in for the Go language host (pulumi-language-go),
// which cannot be had on this machine, so that the CLI itself runs a
// project's program, as `pulumi up` in a directory does. The real host
// builds the project's main package and runs it; the stand-in runs, in
// this process, the function that package hands to pulumi.Run, chosen by
// the project's name. Hand its port to the CLI as
// PULUMI_DEBUG_LANGUAGES=go:<port>: the engine then attaches to it instead
// of looking for a plugin (GetLanguageAttachPort, pkg/resource/plugin,
// pulumi v3.274.1), and a project with runtime go runs here.
type Language struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	programs map[string]pulumi.RunFunc

	mu     sync.Mutex
	engine string         // the engine of the CLI process attached last
	runs   map[string]int // project → programs run, for assertions
}

// NewLanguage returns a stand-in that runs the given programs, by project
// name (the name in each Pulumi.yaml).
func NewLanguage(programs map[string]pulumi.RunFunc) *Language {
	return &Language{programs: programs, runs: map[string]int{}}
}

// Serve listens on a free loopback port and serves the host until ctx ends.
func (l *Language) Serve(ctx context.Context) (int, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("listen for the stand-in Go language host: %w", err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 << 20))
	pulumirpc.RegisterLanguageRuntimeServer(srv, l)
	go func() {
		<-ctx.Done()
		srv.Stop()
	}()
	go func() { _ = srv.Serve(lis) }()
	return lis.Addr().(*net.TCPAddr).Port, nil
}

// Runs returns how often each project's program ran.
func (l *Language) Runs() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for k, v := range l.runs {
		out[k] = v
	}
	return out
}

// Handshake is the first call of an attached host: it learns the engine's
// address, which the program's log calls need.
func (l *Language) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	l.mu.Lock()
	l.engine = req.GetEngineAddress()
	l.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetRequiredPlugins names none: the AWS provider is attached
// (PULUMI_DEBUG_PROVIDERS), and nothing may be downloaded.
func (l *Language) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// GetRequiredPackages names none, for the same reason.
func (l *Language) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GetPluginInfo reports a version; the engine only displays it.
func (l *Language) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "1.0.0"}, nil
}

// InstallDependencies has nothing to install: the program is compiled in.
func (l *Language) InstallDependencies(*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil
}

// Run runs the project's program against the engine's resource monitor,
// as a Go program's pulumi.Run does with what the real host hands it.
func (l *Language) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	program, ok := l.programs[req.GetProject()]
	if !ok {
		known := make([]string, 0, len(l.programs))
		for name := range l.programs {
			known = append(known, name)
		}
		slices.Sort(known)
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("stand-in Go language host (e2e/language.go) runs the projects %s, not %q",
			strings.Join(known, ", "), req.GetProject())}, nil
	}
	l.mu.Lock()
	engine := l.engine
	l.runs[req.GetProject()]++
	l.mu.Unlock()
	pctx, err := pulumi.NewContext(ctx, pulumi.RunInfo{
		Project:          req.GetProject(),
		RootDirectory:    req.GetInfo().GetRootDirectory(),
		Stack:            req.GetStack(),
		Config:           req.GetConfig(),
		ConfigSecretKeys: req.GetConfigSecretKeys(),
		Parallel:         req.GetParallel(),
		DryRun:           req.GetDryRun(),
		MonitorAddr:      req.GetMonitorAddress(),
		EngineAddr:       engine,
		Organization:     req.GetOrganization(),
	})
	if err != nil {
		return nil, err
	}
	defer pctx.Close()
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("the program panicked: %v", r)
			}
		}()
		return pulumi.RunWithContext(pctx, program)
	}()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}
