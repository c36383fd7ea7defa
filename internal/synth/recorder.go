// Package synth renders the stack offline: it runs the real program
// (platform.Deploy) under Pulumi mocks with a stack's real configuration,
// records every resource the program registers, and reports what `pulumi up`
// would create. cmd/synth prints it; the tests in tests/ assert on it.
package synth

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/naming"
)

// AccountID is the mock account every offline run pretends to be in. The
// region is the stack's own aws:region, so nothing offline can assume one.
const AccountID = "123456789012"

// Resource is one registered resource as the engine would receive it.
type Resource struct {
	// Type is the type token, e.g. "aws:ec2/subnet:Subnet".
	Type string `json:"type"`
	// Name is the logical name.
	Name string `json:"name"`
	// URN is the resource's URN; renaming a resource changes it.
	URN string `json:"urn"`
	// ID is the mock physical ID ("<name>-id"); empty for components.
	ID string `json:"id,omitempty"`
	// Component is true for component resources.
	Component bool `json:"component,omitempty"`
	// Region is where a custom resource is created: its provider's region,
	// the stack's unless an explicit provider (the recovery region's) says
	// otherwise. Empty for components.
	Region string `json:"region,omitempty"`
	// Provider is the URN of the explicit provider a custom resource is
	// created through; empty for the default provider. The engine deletes
	// a provider only after every resource created through it.
	Provider string `json:"provider,omitempty"`
	// Parent is the parent's URN.
	Parent string `json:"parent,omitempty"`
	// Inputs are the resource's inputs, as plain Go values.
	Inputs map[string]any `json:"inputs"`
	// Computed are the outputs the mock made up for what AWS would compute
	// (ARNs, key IDs, endpoints).
	Computed map[string]any `json:"computed,omitempty"`
	// Dependencies are the URNs of resources it depends on.
	Dependencies []string `json:"dependencies,omitempty"`
	// Protect is Pulumi's protect option.
	Protect bool `json:"protect,omitempty"`
	// RetainOnDelete is Pulumi's retainOnDelete option.
	RetainOnDelete bool `json:"retainOnDelete,omitempty"`
	// DeleteBeforeReplace is Pulumi's deleteBeforeReplace option.
	DeleteBeforeReplace bool `json:"deleteBeforeReplace,omitempty"`
	// IgnoreChanges lists the properties Pulumi will not update.
	IgnoreChanges []string `json:"ignoreChanges,omitempty"`
}

// Str returns a string input, or "" when absent.
func (r *Resource) Str(key string) string {
	s, _ := r.Inputs[key].(string)
	return s
}

// Tag returns a tag value, or "" when absent.
func (r *Resource) Tag(key string) string {
	tags, _ := r.Inputs["tags"].(map[string]any)
	s, _ := tags[key].(string)
	return s
}

// Recorder is a pulumi.MockResourceMonitor that records every resource. The
// engine registers resources concurrently, so its state is guarded by a mutex.
type Recorder struct {
	mu        sync.Mutex
	project   string
	stack     string
	region    string
	resources []*Resource
	// running are the task-definition revisions each ECS service runs now,
	// by service name; a service absent here does not exist yet.
	running map[string]int
	// registered are the revisions the program's task definitions get, by
	// family (1 when absent, as on a first deploy).
	registered map[string]int
	// rolledBack are, by service name, the revisions services are left
	// running after their update: the circuit breaker rolled them back.
	rolledBack map[string]int
	// providers maps an explicit provider's reference ("<URN>::<ID>", as a
	// resource names its provider) to the region it was given.
	providers map[string]string
}

// ProviderType is the type token prefix of provider resources: an explicit
// provider is registered as a resource of type pulumi:providers:<package>.
const ProviderType = "pulumi:providers:"

// regionOf is the region a resource's provider creates it in: an explicit
// provider's, or the stack's for the default provider (an empty reference,
// or one the recorder has not seen: the default provider is the engine's).
func (r *Recorder) regionOf(provider string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if region, ok := r.providers[provider]; ok && region != "" {
		return region
	}
	return r.region
}

// knows reports whether a provider reference is an explicit provider the
// recorder registered.
func (r *Recorder) knows(provider string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.providers[provider]
	return ok
}

// NewRecorder returns an empty recorder for the given project, stack and
// region (the stack's aws:region): ARNs, endpoints and invoke answers name it.
func NewRecorder(project, stack, region string) *Recorder {
	return &Recorder{project: project, stack: stack, region: region}
}

// NewResource records a registration and answers with a mock ID and state.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rec := &Resource{
		Type:      args.TypeToken,
		Name:      args.Name,
		Component: !args.Custom,
		Inputs:    args.Inputs.Mappable(),
	}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Dependencies = append(rec.Dependencies, rpc.GetDependencies()...)
		sort.Strings(rec.Dependencies)
		rec.Protect = rpc.GetProtect()
		rec.RetainOnDelete = rpc.GetRetainOnDelete()
		rec.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		rec.IgnoreChanges = rpc.GetIgnoreChanges()
	}
	rec.URN = r.urn(rec.Parent, args.TypeToken, args.Name)
	state := args.Inputs.Copy()
	if strings.HasPrefix(args.TypeToken, ProviderType) {
		// A provider computes nothing; what its resources need is its
		// region (an explicit provider reads no stack config: the program
		// gives it one).
		rec.ID = args.Name + "-id"
		rec.Region = rec.Str("region")
		r.mu.Lock()
		if r.providers == nil {
			r.providers = map[string]string{}
		}
		r.providers[rec.URN+"::"+rec.ID] = rec.Region
		r.resources = append(r.resources, rec)
		r.mu.Unlock()
		return rec.ID, state, nil
	}
	if args.Custom {
		rec.Region = r.regionOf(args.Provider)
		if i := strings.LastIndex(args.Provider, "::"); i > 0 && r.knows(args.Provider) {
			rec.Provider = args.Provider[:i] // a reference is "<URN>::<ID>"
		}
		rec.ID = args.Name + "-id"
		if args.ID != "" {
			rec.ID = args.ID
		}
		rec.Computed = map[string]any{}
		for k, v := range r.computedState(args.TypeToken, args.Name, rec.ID, args.Inputs, rec.Region) {
			if _, set := state[resource.PropertyKey(k)]; !set {
				state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
				rec.Computed[k] = v
			}
		}
	}
	if args.TypeToken == "aws:ecs/service:Service" {
		// The provider reads the service back after the update.
		if rev, ok := r.rolledBack[rec.Str("name")]; ok {
			state["taskDefinition"] = resource.NewStringProperty(fmt.Sprintf("%s:%d", rec.Str("name"), rev))
		}
	}
	r.mu.Lock()
	r.resources = append(r.resources, rec)
	r.mu.Unlock()
	return rec.ID, state, nil
}

// urn computes a URN exactly as the engine (and Pulumi's mock monitor) does:
// the parent's type is part of it, the root stack's is not.
func (r *Recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.stack), tokens.PackageName(r.project), parentType, tokens.Type(typ), name))
}

// computedState fills in the outputs AWS computes, so that ARNs and names
// flow into dependent resources the way they would in a real deployment.
func (r *Recorder) computedState(token, name, id string, inputs resource.PropertyMap, region string) map[string]any {
	service := strings.SplitN(strings.TrimPrefix(token, "aws:"), "/", 2)[0]
	physical := name
	if n := inputs["name"]; n.IsString() {
		physical = n.StringValue()
	}
	// A prefix is completed by the provider; offline, with a fixed suffix.
	for _, p := range []string{"namePrefix", "identifierPrefix"} {
		if n := inputs[resource.PropertyKey(p)]; n.IsString() {
			physical = n.StringValue() + "offline"
		}
	}
	partition := naming.Partition(region)
	arnRegion := region
	if service == "iam" {
		arnRegion = "" // IAM is global: its ARNs carry no region
	}
	arn := func(service, region, resource string) string {
		return naming.ARN{Partition: partition, Service: service, Region: region, Account: AccountID, Resource: resource}.String()
	}
	out := map[string]any{
		"arn":  arn(service, arnRegion, typeName(token)+"/"+physical),
		"name": physical,
	}
	if a, ok := r.arnOf(token, id, physical, inputs, region); ok {
		out["arn"] = a
	}
	switch token {
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		// A gateway endpoint's prefix list is AWS's, one per service and region.
		if t := inputs["vpcEndpointType"]; t.IsString() && t.StringValue() == "Gateway" {
			out["prefixListId"] = "pl-offline-" + name
		}
	case "aws:kms/key:Key":
		out["keyId"] = name + "-key-id"
		out["arn"] = arn("kms", region, "key/"+name+"-key-id")
	case "aws:ecr/repository:Repository":
		out["repositoryUrl"] = fmt.Sprintf("%s.dkr.ecr.%s.%s/%s", AccountID, region, naming.DNSSuffix(partition), physical)
	case "aws:lb/loadBalancer:LoadBalancer":
		out["arnSuffix"] = fmt.Sprintf("app/%s/offline", physical)
		out["dnsName"] = fmt.Sprintf("%s-offline.%s.elb.%s", physical, region, naming.DNSSuffix(partition))
	case "aws:lb/targetGroup:TargetGroup":
		out["arnSuffix"] = fmt.Sprintf("targetgroup/%s/offline", physical)
	case "aws:ecs/taskDefinition:TaskDefinition":
		family := inputs["family"].StringValue()
		revision := max(1, r.registered[family])
		out["arn"] = arn("ecs", region, fmt.Sprintf("task-definition/%s:%d", family, revision))
		out["revision"] = revision
	case "aws:rds/cluster:Cluster":
		cluster := inputs["clusterIdentifier"].StringValue()
		out["endpoint"] = fmt.Sprintf("%s.cluster-offline.%s.rds.%s", cluster, region, naming.DNSSuffix(partition))
		out["readerEndpoint"] = fmt.Sprintf("%s.cluster-ro-offline.%s.rds.%s", cluster, region, naming.DNSSuffix(partition))
		out["clusterResourceId"] = "cluster-OFFLINE0RESOURCE0ID"
		out["masterUserSecrets"] = []any{map[string]any{
			"secretArn":    arn("secretsmanager", region, "secret:rds!cluster-"+cluster+"-"+SecretSuffix),
			"secretStatus": "active",
		}}
	}
	return out
}

// typeName returns a token's type name in lower camel case: "aws:ec2/subnet:Subnet" → "subnet".
func typeName(token string) string {
	i := strings.LastIndex(token, ":")
	if i < 0 || i == len(token)-1 {
		return token
	}
	t := token[i+1:]
	return strings.ToLower(t[:1]) + t[1:]
}

// Call answers the invokes the program makes. An invoke it does not know is
// an error, so that a new lookup cannot slip into the program unnoticed.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:ssm/getParameter:getParameter":
		name := args.Args["name"].StringValue()
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": name, "id": name, "type": "String", "value": "ami-0offline00000000000", "arn": naming.ARN{Partition: r.partition(), Service: "ssm", Region: r.region, Resource: "parameter" + name}.String(),
		}), nil
	case "aws:ecs/getService:getService":
		// What the service runs now; AWS's answer (through the provider)
		// when it does not exist yet is "no matching ECS Service found".
		cluster, service := args.Args["clusterArn"].StringValue(), args.Args["serviceName"].StringValue()
		revision, ok := r.running[service]
		if !ok {
			return nil, fmt.Errorf("reading ECS Service (%s): no matching ECS Service found", service)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"clusterArn": cluster, "serviceName": service, "id": service,
			"arn":            ECSServiceARN(r.scope(), cluster, service),
			"taskDefinition": r.scope().ARN("ecs", fmt.Sprintf("task-definition/%s:%d", service, revision)),
		}), nil
	case "aws:ec2/getVpcs:getVpcs":
		// The mock account holds no VPC before the program creates one:
		// another stack's VPC is not this run's to know (the account
		// prediction authorizes the project's VPCs by their Name tag).
		return resource.NewPropertyMapFromMap(map[string]any{"id": r.region, "ids": []any{}}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID,
			"arn":       r.scope().ARN("iam", "user/offline"),
			"userId":    "AIDAOFFLINE",
			"id":        AccountID,
		}), nil
	}
	return nil, fmt.Errorf("offline synthesis has no answer for invoke %s: add one to synth.Recorder.Call", args.Token)
}

// scope is where the mock account's resources are: the stack's region and
// its partition, so that a GovCloud stack's mock ARNs are aws-us-gov ones.
func (r *Recorder) scope() naming.Scope { return r.scopeIn(r.region) }

// scopeIn is the mock account in a region.
func (r *Recorder) scopeIn(region string) naming.Scope {
	return naming.Scope{Account: AccountID, Region: region, Partition: naming.Partition(region)}
}

// partition is the stack's region's partition.
func (r *Recorder) partition() string { return naming.Partition(r.region) }

// Resources returns what was recorded, sorted by URN so output is stable.
func (r *Recorder) Resources() []*Resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]*Resource(nil), r.resources...)
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}
