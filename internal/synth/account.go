package synth

import (
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/network"
	"github.com/omnirapeutic/infrastructure/pipeline"
)

// BootstrapDir is the bootstrap project's directory, relative to the
// project: its stack shares the account with the program's stacks.
const BootstrapDir = "bootstrap"

// BootstrapSource names the bootstrap stack among the account's sources.
const BootstrapSource = "bootstrap"

// RunBootstrap runs the bootstrap program (pipeline.Deploy) offline against
// its own stack file under dir/bootstrap.
func RunBootstrap(dir string) (*Result, error) {
	return RunProgram(Options{Dir: filepath.Join(dir, BootstrapDir)}, func(ctx *pulumi.Context) (pulumi.Map, error) {
		b, err := pipeline.Deploy(ctx)
		if err != nil {
			return nil, err
		}
		return b.Outputs, nil
	})
}

// rulesWith resolves the pack's references to its input parameters with
// the given values.
func rulesWith(inputs map[string]string) []conformance.Rule {
	var rules []conformance.Rule
	for _, rule := range conformance.HIPAARules {
		params := map[string]string{}
		for k, v := range rule.Parameters {
			if name, ok := conformance.RefName(v); ok {
				v = inputs[name]
			}
			params[k] = v
		}
		rules = append(rules, conformance.Rule{Name: rule.Name, Identifier: rule.Identifier, Parameters: params})
	}
	return rules
}

// projectVpc is the stack's VPC when the owning stack's lookup
// (network.ProjectVpcNamePattern on the Name tag) finds it: its ID then
// is among the pack's AuthorizedVpcIds. "" otherwise.
func (r *Result) projectVpc() string {
	for _, v := range r.OfType("aws:ec2/vpc:Vpc") {
		if ok, _ := path.Match(network.ProjectVpcNamePattern(r.Config.Project), v.Tag("Name")); ok {
			return v.ID
		}
	}
	return ""
}

// RegionReport is the pack's prediction for one region of the account.
type RegionReport struct {
	// Region is the region.
	Region string
	// Owner is the stack that owns the region's account singletons and so
	// deploys the pack there; "" when no committed stack does, and then
	// AWS Config judges nothing there (Report is nil).
	Owner string
	// Sources are the stacks with resources in the region.
	Sources []string
	// Report is the prediction; nil without an owner.
	Report *conformance.AccountReport
}

// PredictAccount predicts what AWS Config's HIPAA pack will show for the
// whole account in the region of the first stack: every committed stack's
// resources in that region with what AWS creates for them, the bootstrap
// stack when it is there, and the region's default VPC unless the owning
// stack's baseline deletes it. The pack is the one the stack that owns the
// account singletons in that region deploys; exactly one stack there must
// own them. A stack's resources in another region (its recovery region's)
// are judged by that region's pack (PredictRegions).
func PredictAccount(stacks []*Result, bootstrap *Result) (*conformance.AccountReport, error) {
	if len(stacks) == 0 {
		return nil, fmt.Errorf("no stack to predict")
	}
	region := stacks[0].Config.Values["aws:region"]
	rep, err := predictRegion(region, stacks, bootstrap)
	if err != nil {
		return nil, err
	}
	if rep.Report == nil {
		return nil, fmt.Errorf("no stack owns the account singletons in %s, so none deploys the pack", region)
	}
	return rep.Report, nil
}

// PredictRegions predicts the pack for every region where a stack creates
// something, the first stack's region first, then by name: AWS Config is
// regional, so each region's pack is the one its owning stack deploys, and
// judges what every stack creates there (production's replicas and
// recovery vault are judged by the recovery region's pack, which the
// recovery stack deploys).
func PredictRegions(stacks []*Result, bootstrap *Result) ([]RegionReport, error) {
	if len(stacks) == 0 {
		return nil, fmt.Errorf("no stack to predict")
	}
	first := stacks[0].Config.Values["aws:region"]
	seen := map[string]bool{}
	for _, r := range stacks {
		for _, res := range r.Resources {
			if res.Region != "" {
				seen[res.Region] = true
			}
		}
	}
	var out []RegionReport
	for _, region := range append([]string{first}, slices.DeleteFunc(slices.Sorted(maps.Keys(seen)), func(s string) bool { return s == first })...) {
		rep, err := predictRegion(region, stacks, bootstrap)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// predictRegion predicts the pack of one region over what each stack
// creates there.
func predictRegion(region string, stacks []*Result, bootstrap *Result) (RegionReport, error) {
	rep := RegionReport{Region: region}
	var owner *Result
	for _, r := range stacks {
		if r.Stack == nil {
			return rep, fmt.Errorf("%s: the program failed", r.Config.Stack)
		}
		if r.Stack.Config.OwnsAccountSingletons && r.Stack.Config.Region == region {
			if owner != nil {
				return rep, fmt.Errorf("stacks %s and %s both own the account singletons in %s", owner.Config.Stack, r.Config.Stack, region)
			}
			owner = r
		}
	}
	for _, r := range stacks {
		if len(r.conformanceViewIn(region).Resources) > 0 {
			rep.Sources = append(rep.Sources, r.Config.Stack)
		}
	}
	if owner == nil {
		return rep, nil
	}
	rep.Owner = owner.Config.Stack
	facts := conformance.AccountFacts{GuardDutyFargateAgent: conformance.FargateAgentManaged(owner.ConformanceView())}
	var sources []conformance.Source
	add := func(name string, r *Result) {
		view := r.conformanceViewIn(region)
		if len(view.Resources) == 0 {
			return
		}
		view.Resources = append(view.Resources, conformance.AWSCreated(view, facts)...)
		sources = append(sources, conformance.Source{Name: name, Stack: view, Rules: rulesWith(owner.packInputs(r.projectVpc()))})
	}
	for _, r := range stacks {
		add(r.Config.Stack, r)
	}
	if bootstrap != nil {
		add(BootstrapSource, bootstrap)
	}
	if !owner.Stack.Config.AccountBaseline.DeleteDefaultVpc {
		// Its VPC is not the project's: the lookup never finds it.
		sources = append(sources, conformance.Source{Name: conformance.DefaultVpcSource, Stack: conformance.DefaultVpc(),
			Rules: rulesWith(owner.packInputs(""))})
	}
	r, err := conformance.EvaluateAccount(sources, conformance.Checks, conformance.HIPAAExceptions)
	if err != nil {
		return rep, fmt.Errorf("predict the account's HIPAA pack in %s: %w", region, err)
	}
	rep.Report = r
	return rep, nil
}
