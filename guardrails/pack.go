package guardrails

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/omnirapeutic/infrastructure/conformance"
)

// PackName is the policy pack's name, as PulumiPolicy.yaml and the engine's
// output show it.
const PackName = "omnirapeutic-hipaa"

// PackVersion is the pack's version: raise it when a policy changes.
var PackVersion = semver.MustParse("1.0.0")

// Pack returns the policy pack: one policy per guardrail, per resource or
// per stack, mandatory or advisory.
func Pack() (policyx.PolicyPack, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	policies := make([]policyx.Policy, 0, len(all))
	for _, g := range all {
		policies = append(policies, g.Policy())
	}
	return policyx.NewPolicyPack(PackName, PackVersion, policyx.EnforcementLevelAdvisory, policies)
}

// Level is the guardrail's enforcement level.
func (g Guardrail) Level() policyx.EnforcementLevel {
	if g.Mandatory {
		return policyx.EnforcementLevelMandatory
	}
	return policyx.EnforcementLevelAdvisory
}

// Policy is the guardrail as the engine runs it.
func (g Guardrail) Policy() policyx.Policy {
	if g.Alone {
		return policyx.NewResourceValidationPolicy(g.Name, policyx.ResourceValidationPolicyArgs{
			Description:      g.Description(),
			EnforcementLevel: g.Level(),
			ValidateResource: func(ctx context.Context, args policyx.ResourceValidationArgs) error {
				r, unknown := resourceView(ctx, args.Resource)
				for _, v := range g.Judge(&conformance.Stack{Resources: []*conformance.Resource{r}}, func(string) bool { return unknown }) {
					args.Manager.ReportViolation(v.Message, "")
				}
				return nil
			},
		})
	}
	return policyx.NewStackValidationPolicy(g.Name, policyx.StackValidationPolicyArgs{
		Description:      g.Description(),
		EnforcementLevel: g.Level(),
		ValidateStack: func(ctx context.Context, args policyx.StackValidationArgs) error {
			s, urns, undetermined := sharedStackView(ctx, args.Resources)
			for _, v := range g.Judge(s, undetermined) {
				args.Manager.ReportViolation(v.Message, urns[v.Resource])
			}
			return nil
		},
	})
}

// views keeps, for one Analyze call, the predicates' views of its resources:
// every guardrail judges the same resources, and building the view is most
// of the work of a check. The engine's analyzer builds them per policy, as
// the predicates only read them.
type views struct {
	mu    sync.Mutex
	alone map[string]aloneView
	stack sync.Once
	s     *conformance.Stack
	urns  map[string]string
	undet func(string) bool
}

// aloneView is one resource's view for a per-resource policy.
type aloneView struct {
	r       *conformance.Resource
	unknown bool
}

// viewsKey is the context key of an Analyze call's views.
type viewsKey struct{}

// resourceView is one resource's view for a per-resource policy, shared
// within an Analyze call.
func resourceView(ctx context.Context, ar policyx.AnalyzerResource) (*conformance.Resource, bool) {
	build := func() (*conformance.Resource, bool) {
		return view(ar.Type, ar.Name, ar.URN, ar.Properties, ar.Options.Protect, nil)
	}
	v, ok := ctx.Value(viewsKey{}).(*views)
	if !ok {
		return build()
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if a, ok := v.alone[ar.URN]; ok {
		return a.r, a.unknown
	}
	r, unknown := build()
	v.alone[ar.URN] = aloneView{r, unknown}
	return r, unknown
}

// sharedStackView is stackView, built once within an Analyze call (whose
// stack policies all see the same resources).
func sharedStackView(ctx context.Context, resources []policyx.AnalyzerResource) (*conformance.Stack, map[string]string, func(string) bool) {
	v, ok := ctx.Value(viewsKey{}).(*views)
	if !ok {
		return stackView(resources)
	}
	v.stack.Do(func() { v.s, v.urns, v.undet = stackView(resources) })
	return v.s, v.urns, v.undet
}

// stackView turns the engine's resources into the predicates' view, with
// each logical name's URN, and which failures cannot be judged yet: an
// unresolved resource, or one an unresolved resource depends on (a bucket
// whose policy document is not rendered yet).
//
// The engine sends a stack policy each resource's outputs but not its ID,
// which the predicates join on (an encryption configuration names its
// bucket by ID). So a resource's ID, and its ARN if unknown, is learnt
// from what refers to it: the values of the properties that depend on it
// alone, the most common one.
func stackView(resources []policyx.AnalyzerResource) (*conformance.Stack, map[string]string, func(string) bool) {
	s := &conformance.Stack{}
	urns := map[string]string{}
	unknown := map[string]bool{}
	byURN := map[string]*conformance.Resource{}
	for _, ar := range resources {
		r, u := view(ar.Type, ar.Name, ar.URN, ar.Properties, ar.Options.Protect, ar.PropertyDependencies)
		s.Resources = append(s.Resources, r)
		byURN[ar.URN] = r
		if _, dup := urns[ar.Name]; !dup {
			urns[ar.Name] = ar.URN
		}
		if !u {
			continue
		}
		unknown[ar.Name] = true
		var deps []string
		deps = append(deps, ar.Dependencies...)
		for _, d := range ar.PropertyDependencies {
			deps = append(deps, d...)
		}
		for _, d := range deps {
			for _, other := range resources {
				if other.URN == d {
					unknown[other.Name] = true
				}
			}
		}
	}
	learnIdentities(resources, byURN)
	return s, urns, func(name string) bool { return unknown[name] }
}

// learnIdentities sets the ID (and an unknown ARN) of each resource whose
// ID the engine did not send to the value most properties referring to it
// alone hold.
func learnIdentities(resources []policyx.AnalyzerResource, byURN map[string]*conformance.Resource) {
	seen := map[string]map[string]int{}
	for _, ar := range resources {
		for key, deps := range ar.PropertyDependencies {
			v, ok := byURN[ar.URN].Inputs[key].(string)
			if len(deps) != 1 || !ok || !identifier(v) || v == deps[0] {
				continue
			}
			if seen[deps[0]] == nil {
				seen[deps[0]] = map[string]int{}
			}
			seen[deps[0]][v]++
		}
	}
	for urn, values := range seen {
		r := byURN[urn]
		if r == nil {
			continue
		}
		id, arn := mostCommon(values, false), mostCommon(values, true)
		if r.ID == urn && id != "" {
			r.ID = id
		}
		if r.Outputs["arn"] == urn && arn != "" {
			r.Outputs["arn"] = arn
		}
	}
}

// identifier: a value that can be an ID, a name or an ARN, not a document.
func identifier(v string) bool {
	return v != "" && !strings.ContainsAny(v, "{}[] \n\t")
}

// mostCommon returns the most frequent value that is (or is not) an ARN;
// ties go to the smallest, so the view does not depend on map order.
func mostCommon(values map[string]int, arns bool) string {
	best, n := "", 0
	for v, c := range values {
		if strings.HasPrefix(v, "arn:") != arns {
			continue
		}
		if c > n || (c == n && v < best) {
			best, n = v, c
		}
	}
	return best
}

// view turns one engine resource into the predicates' view. An unknown value
// (a preview before the resource it comes from exists) that depends on one
// resource becomes that resource's URN, which also stands for the
// resource's unknown ID and ARN, so joins match; it still leaves the
// resource unresolved, as does any unknown document or value from several
// resources: their failures are not judged until the values are known (a
// reference by name, a vault policy naming its vault, would not match).
// An unknown value that depends on nothing is one the provider computes
// for the resource itself (its ARN): "unknown", present, and judged.
func view(typ, name, urn string, props property.Map, protect bool, propDeps map[string][]string) (*conformance.Resource, bool) {
	unresolved := false
	inputs := map[string]any{}
	for k, v := range props.All {
		inputs[k] = plain(v, propDeps[k], documentKeys[k], &unresolved)
	}
	r := &conformance.Resource{Type: typ, Name: name, ID: urn, Inputs: inputs, Outputs: map[string]any{"arn": urn}, Protect: protect}
	if id, ok := inputs["id"].(string); ok && !props.Get("id").IsComputed() {
		r.ID = id
	}
	if arn, ok := inputs["arn"].(string); ok && !props.Get("arn").IsComputed() {
		r.Outputs["arn"] = arn
	}
	return r, unresolved
}

// documentKeys hold documents the predicates parse (IAM, bucket and vault
// policies, container definitions): an unknown one is content not rendered
// yet, never a reference.
var documentKeys = map[string]bool{"policy": true, "containerDefinitions": true, "content": true}

// plain converts a property value to the plain values predicates read.
func plain(v property.Value, deps []string, document bool, unresolved *bool) any {
	switch {
	case v.IsComputed():
		if len(v.Dependencies()) > 0 {
			deps = nil
			for _, d := range v.Dependencies() {
				deps = append(deps, string(d))
			}
		}
		switch {
		case len(deps) == 0 && !document:
			return "unknown" // computed by the provider itself (an ARN): present, not a reference
		case len(deps) == 1:
			*unresolved = true
			return deps[0]
		}
		*unresolved = true
		return "unknown"
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.AsBool()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsString():
		return v.AsString()
	case v.IsArray():
		out := []any{}
		for _, x := range v.AsArray().All {
			out = append(out, plain(x, deps, document, unresolved))
		}
		return out
	case v.IsMap():
		out := map[string]any{}
		for k, x := range v.AsMap().All {
			out[k] = plain(x, deps, document, unresolved)
		}
		return out
	case v.IsResourceReference():
		ref := v.AsResourceReference()
		if ref.ID.IsString() {
			return ref.ID.AsString()
		}
		return string(ref.URN)
	}
	return fmt.Sprint(v)
}

// Analyze runs the pack over resources as the engine does: every
// per-resource policy on each resource, then every stack policy on them all,
// through the same policyx interfaces the analyzer server calls. It lets a
// test run the pack on a synthesized stack without the engine.
func Analyze(resources []policyx.AnalyzerResource) ([]Violation, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range resources {
		names[r.URN] = r.Name
	}
	ctx := context.WithValue(context.Background(), viewsKey{}, &views{alone: map[string]aloneView{}})
	var out []Violation
	for _, g := range all {
		report := func(urn string) *manager {
			return &manager{report: func(message, u string) {
				if u == "" {
					u = urn
				}
				out = append(out, Violation{Policy: g.Name, Resource: names[u], URN: u, Mandatory: g.Mandatory, Message: message})
			}}
		}
		switch p := g.Policy().(type) {
		case policyx.ResourceValidationPolicy:
			for _, r := range resources {
				if err := p.Validate(ctx, policyx.ResourceValidationArgs{Manager: report(r.URN), Resource: r}); err != nil {
					return nil, fmt.Errorf("policy %s on %s: %w", g.Name, r.URN, err)
				}
			}
		case policyx.StackValidationPolicy:
			if err := p.Validate(ctx, policyx.StackValidationArgs{Manager: report(""), Resources: resources}); err != nil {
				return nil, fmt.Errorf("policy %s: %w", g.Name, err)
			}
		}
	}
	return out, nil
}

// manager is a policyx.PolicyManager that hands each violation on.
type manager struct{ report func(message, urn string) }

// ReportViolation implements policyx.PolicyManager.
func (m *manager) ReportViolation(message, urn string) { m.report(message, urn) }
