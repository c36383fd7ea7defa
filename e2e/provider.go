//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
)

// ECS services and their lookup are answered from the stand-in's own state:
// AWS describes a service only once it exists, with the task definition it
// runs.
const (
	serviceType   = "aws:ecs/service:Service"
	serviceLookup = "aws:ecs/getService:getService"
)

// Provider is a stand-in for the AWS provider plugin, which cannot be had on
// this machine. It speaks the provider gRPC protocol to the real engine, and
// behaves as a provider whose cloud always succeeds:
//   - CheckConfig requires aws:region; each provider instance the engine
//     runs (the default provider, and an explicit one such as the recovery
//     region's) is its own gRPC connection, whose Configure names its
//     region: what it creates is answered in that region (regionOf);
//   - Check returns the inputs as given (no defaults, no autonaming);
//   - Diff compares old and new inputs; a change is an in-place update
//     unless replacement.Types says the input forces a replacement
//     (replace.go: replaceDiff), and then deletes first where pulumi-aws
//     would;
//   - Create answers a stable ID ("<logical name>-id") and the outputs the
//     offline synthesis computes (synth.Recorder: ARNs, endpoints, the
//     RDS-managed master secret), so both see the same values; it refuses
//     an identity AWS holds once and already holds (replace.go: claim);
//   - Delete releases what the resource held (replace.go: release);
//   - Invoke answers exactly what synth.Recorder.Call answers and fails on
//     any other token, except that an ECS service it created is described
//     as AWS would describe it (running the task definition it was given).
//
// It is safe for concurrent use: the engine calls it from many goroutines.
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	version string
	project string // the project and stack whose resources get the offline
	stack   string // synthesis's IDs; any other's are told apart (Create)
	region  string
	mu      sync.Mutex
	answers *synth.Recorder
	// regional are the answers in other regions than the stack's, by
	// region, and regions the region each connection was configured with,
	// by the engine's address: the engine dials the stand-in once per
	// provider instance (PULUMI_DEBUG_PROVIDERS), so a connection is a
	// provider.
	regional map[string]*synth.Recorder
	regions  map[string]string
	services map[string]string // ECS service name → task definition it runs, "in AWS"
	calls    map[string]int    // gRPC method → number of calls, for assertions
	held     map[string]string // identity AWS holds once → ID of the resource holding it (replace.go)
	refused  []string          // identities Create refused as in use (replace.go)

	// account is what AWS holds outside any stack's knowledge (account.go).
	account map[string]resource.PropertyMap
}

// NewProvider returns a stand-in provider for the given project and stack
// (they only shape the URNs of synth.Recorder's records) in the stack's
// region (its aws:region, which the ARNs name) that reports the given plugin
// version (the program's pulumi-aws SDK version, e.g. "6.83.4").
func NewProvider(project, stack, region, version string) *Provider {
	return &Provider{
		version:  version,
		project:  project,
		stack:    stack,
		region:   region,
		answers:  synth.NewRecorder(project, stack, region),
		regional: map[string]*synth.Recorder{},
		regions:  map[string]string{},
		services: map[string]string{},
		calls:    map[string]int{},
		held:     map[string]string{},
	}
}

// Serve listens on a free loopback port and serves the provider until ctx
// ends. Hand the port to the engine as PULUMI_DEBUG_PROVIDERS=aws:<port>.
func (p *Provider) Serve(ctx context.Context) (int, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("listen for the stand-in AWS provider: %w", err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 << 20))
	pulumirpc.RegisterResourceProviderServer(srv, p)
	go func() {
		<-ctx.Done()
		srv.Stop()
	}()
	go func() { _ = srv.Serve(lis) }()
	return lis.Addr().(*net.TCPAddr).Port, nil
}

// Calls returns how often each gRPC method was called.
func (p *Provider) Calls() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.calls {
		out[k] = v
	}
	return out
}

func (p *Provider) count(method string) {
	p.mu.Lock()
	p.calls[method]++
	p.mu.Unlock()
}

// Handshake accepts the engine's handshake; attached providers get one
// before Configure.
func (p *Provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	p.count("Handshake")
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Attach is how the engine hands an attached provider its address; the
// stand-in needs nothing from the engine.
func (p *Provider) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	p.count("Attach")
	return &emptypb.Empty{}, nil
}

// GetPluginInfo reports the version of the AWS SDK the program links, as
// the real plugin of that version would.
func (p *Provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	p.count("GetPluginInfo")
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

// CheckConfig requires aws:region, as the real provider does when neither
// config nor environment names a region.
func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	p.count("CheckConfig")
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.CheckResponse{Inputs: req.GetNews()}
	if region := news["region"]; !region.IsString() || region.StringValue() == "" {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{
			Property: "region",
			Reason:   "missing required configuration key aws:region: set it in the stack file",
		})
	}
	return resp, nil
}

// DiffConfig compares the provider's old and new configuration.
func (p *Provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	p.count("DiffConfig")
	return diff(req)
}

// Configure accepts any configuration CheckConfig passed, and remembers the
// region this connection's provider was configured with.
func (p *Provider) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	p.count("Configure")
	region := req.GetVariables()["aws:config:region"]
	if args, err := unmarshal(req.GetArgs()); err == nil && args["region"].IsString() {
		region = args["region"].StringValue()
	}
	if from, ok := peer.FromContext(ctx); ok && region != "" {
		p.mu.Lock()
		p.regions[from.Addr.String()] = region
		p.mu.Unlock()
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// regionOf is the region of the provider instance calling: the one its
// connection was configured with, the stack's otherwise.
func (p *Provider) regionOf(ctx context.Context) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if from, ok := peer.FromContext(ctx); ok {
		if region := p.regions[from.Addr.String()]; region != "" {
			return region
		}
	}
	return p.region
}

// answersIn is the offline synthesis's recorder for a region: the stack's,
// or one of that region, so that ARNs and endpoints name the region the
// resource is created in, as the offline synthesis's do.
func (p *Provider) answersIn(region string) *synth.Recorder {
	if region == p.region {
		return p.answers
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.regional[region]
	if !ok {
		r = synth.NewRecorder(p.project, p.stack, region)
		p.regional[region] = r
	}
	return r
}

// Regions lists the regions the provider instances were configured with.
func (p *Provider) Regions() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, r := range p.regions {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// Check returns the inputs unchanged.
func (p *Provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	p.count("Check")
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// Diff compares old and new inputs, and answers replacements as the
// provider would (replaceDiff).
func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	p.count("Diff")
	resp, err := diff(req)
	if err != nil {
		return nil, err
	}
	return replaceDiff(req, resp)
}

// diffInputs are a diff request's old inputs (or, for a resource imported
// or read, its state) and its new inputs.
func diffInputs(req *pulumirpc.DiffRequest) (before, after resource.PropertyMap, err error) {
	olds := req.GetOldInputs()
	if olds == nil {
		olds = req.GetOlds()
	}
	if before, err = unmarshal(olds); err != nil {
		return nil, nil, err
	}
	after, err = unmarshal(req.GetNews())
	return before, after, err
}

// diff reports the top-level input keys that changed, each an update.
func diff(req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	before, after, err := diffInputs(req)
	if err != nil {
		return nil, err
	}
	for _, path := range req.GetIgnoreChanges() {
		// The engine has already applied ignoreChanges to the inputs; a
		// top-level key is dropped here too, so the answer never disagrees.
		delete(before, resource.PropertyKey(path))
		delete(after, resource.PropertyKey(path))
	}
	d := before.Diff(after)
	if d == nil || !d.AnyChanges() {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	var keys []string
	for _, k := range d.ChangedKeys() {
		keys = append(keys, string(k))
	}
	slices.Sort(keys)
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: keys}, nil
}

// Create answers a stable ID and the inputs plus what AWS would compute in
// the calling provider's region.
func (p *Provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	p.count("Create")
	inputs, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	urn := resource.URN(req.GetUrn())
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	id, state, err := p.answersIn(p.regionOf(ctx)).NewResource(pulumi.MockResourceArgs{
		TypeToken: string(urn.Type()),
		Name:      urn.Name(),
		Inputs:    inputs,
		Custom:    true,
	})
	if err != nil {
		return nil, err
	}
	if urn.Project() != tokens.PackageName(p.project) || urn.Stack() != tokens.QName(p.stack) {
		// The offline synthesis's IDs ("<logical name>-id") are the same in
		// every stack; AWS's never are. Another stack served by the same
		// stand-in (the guide deploys staging and the bootstrap beside
		// production) gets IDs of its own, so that what it holds (a
		// subnet's route table association) never collides with the same
		// logical resource of another stack.
		id = string(urn.Project()) + "-" + string(urn.Stack()) + "-" + id
	}
	if err := p.claim(string(urn.Type()), inputs, id); err != nil {
		return nil, err
	}
	p.track(string(urn.Type()), inputs)
	props, err := marshal(state)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Update answers the new inputs plus the computed outputs the resource
// already had (its ARN does not change with an in-place update).
func (p *Provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	p.count("Update")
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	oldInputs, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	if !req.GetPreview() {
		p.track(req.GetType(), state)
		if err := p.reidentify(resourceType(req.GetType(), req.GetUrn()), oldInputs, state, req.GetId()); err != nil {
			return nil, err
		}
	}
	for k, v := range olds {
		if _, input := oldInputs[k]; !input {
			if _, set := state[k]; !set {
				state[k] = v
			}
		}
	}
	props, err := marshal(state)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// Read reports the state the engine already has, unless the account holds
// the resource outside any stack's knowledge (Exists, Drift: account.go):
// the stand-in's cloud drifts only when a test says so.
func (p *Provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	p.count("Read")
	if resp, ok, err := p.readAccount(req); ok || err != nil {
		return resp, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Delete always succeeds, and releases what the resource held.
func (p *Provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	p.count("Delete")
	if err := p.releaseDeleted(req); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Cancel has nothing in flight to cancel.
func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Invoke answers the program's data-source lookups with synth.Recorder.Call,
// the offline synthesis's answers, so the two cannot disagree. An invoke
// Recorder.Call does not know fails the run, naming where to add it.
func (p *Provider) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	p.count("Invoke " + req.GetTok())
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	if req.GetTok() == serviceLookup {
		name := args["serviceName"].StringValue()
		p.mu.Lock()
		running, exists := p.services[name]
		p.mu.Unlock()
		if exists {
			account := naming.NewScope("", synth.AccountID, p.region)
			// What AWS answers for a service the stand-in created; for any
			// other, synth.Recorder.Call answers "no matching ECS Service found".
			ret := resource.NewPropertyMapFromMap(map[string]any{
				"clusterArn": args["clusterArn"].StringValue(), "serviceName": name, "id": name,
				"arn":            synth.ECSServiceARN(account, args["clusterArn"].StringValue(), name),
				"taskDefinition": account.ARN("ecs", "task-definition/"+running),
			})
			out, err := marshal(ret)
			if err != nil {
				return nil, err
			}
			return &pulumirpc.InvokeResponse{Return: out}, nil
		}
	}
	ret, err := p.answersIn(p.regionOf(ctx)).Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args})
	if err != nil {
		return nil, status.Errorf(codes.Unimplemented,
			"stand-in AWS provider (e2e/provider.go): %v; the stand-in answers with the same function", err)
	}
	out, err := marshal(ret)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: out}, nil
}

// track remembers what a created or updated resource means for later
// lookups: an ECS service runs the task definition it was given.
func (p *Provider) track(typ string, inputs resource.PropertyMap) {
	if typ != serviceType {
		return
	}
	name, td := inputs["name"], inputs["taskDefinition"]
	if !name.IsString() || !td.IsString() {
		return
	}
	p.mu.Lock()
	p.services[name.StringValue()] = td.StringValue()
	p.mu.Unlock()
}

// Running is the task definition (family:revision) the named ECS service
// runs "in AWS", or "" when the stand-in has not created it.
func (p *Provider) Running(service string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.services[service]
}

// Deploy makes the named ECS service run taskDefinition, as the deployment
// pipeline does outside Pulumi (register a revision, update the service).
// A deployment the circuit breaker rolled back leaves the service where it
// was: simulate it by not calling Deploy.
func (p *Provider) Deploy(service, taskDefinition string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.services[service] = taskDefinition
}

// marshalOptions keep unknowns (previews) and secrets as the engine sends them.
var marshalOptions = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	m, err := plugin.UnmarshalProperties(s, marshalOptions)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "stand-in AWS provider: unmarshal properties: %v", err)
	}
	return m, nil
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	s, err := plugin.MarshalProperties(m, marshalOptions)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "stand-in AWS provider: marshal properties: %v", err)
	}
	return s, nil
}
