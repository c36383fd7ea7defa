package synth

import (
	"fmt"
	"path"
	"path/filepath"

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

// PredictAccount predicts what AWS Config's HIPAA pack will show for the
// whole account and region: every committed stack with what AWS creates for
// it, the bootstrap stack, and the region's default VPC unless the owning
// stack's baseline deletes it. The pack is the one the stack that owns the
// account singletons deploys; exactly one stack must own them.
func PredictAccount(stacks []*Result, bootstrap *Result) (*conformance.AccountReport, error) {
	var owner *Result
	for _, r := range stacks {
		if r.Stack == nil {
			return nil, fmt.Errorf("%s: the program failed", r.Config.Stack)
		}
		if r.Stack.Config.OwnsAccountSingletons {
			if owner != nil {
				return nil, fmt.Errorf("stacks %s and %s both own the account singletons", owner.Config.Stack, r.Config.Stack)
			}
			owner = r
		}
	}
	if owner == nil {
		return nil, fmt.Errorf("no stack owns the account singletons, so none deploys the pack")
	}
	facts := conformance.AccountFacts{GuardDutyFargateAgent: conformance.FargateAgentManaged(owner.ConformanceView())}
	var sources []conformance.Source
	for _, r := range stacks {
		view := r.ConformanceView()
		view.Resources = append(view.Resources, conformance.AWSCreated(view, facts)...)
		sources = append(sources, conformance.Source{Name: r.Config.Stack, Stack: view,
			Rules: rulesWith(owner.packInputs(r.projectVpc()))})
	}
	if bootstrap != nil {
		view := bootstrap.ConformanceView()
		view.Resources = append(view.Resources, conformance.AWSCreated(view, facts)...)
		sources = append(sources, conformance.Source{Name: BootstrapSource, Stack: view,
			Rules: rulesWith(owner.packInputs(bootstrap.projectVpc()))})
	}
	if !owner.Stack.Config.AccountBaseline.DeleteDefaultVpc {
		// Its VPC is not the project's: the lookup never finds it.
		sources = append(sources, conformance.Source{Name: conformance.DefaultVpcSource, Stack: conformance.DefaultVpc(),
			Rules: rulesWith(owner.packInputs(""))})
	}
	rep, err := conformance.EvaluateAccount(sources, conformance.Checks, conformance.HIPAAExceptions)
	if err != nil {
		return nil, fmt.Errorf("predict the account's HIPAA pack: %w", err)
	}
	return rep, nil
}
