// Package guardrails is the stack's HIPAA controls as a Pulumi policy pack:
// one policy per control the stack evidences, each judged by the same
// conformance predicate that predicts AWS Config's verdict, with the
// exceptions the stack accepts (conformance.HIPAAExceptions) honoured.
//
// A policy whose predicate reads one resource runs per resource, before the
// engine creates or updates it; one that joins resources (a bucket and its
// encryption configuration, a security group and its rules) runs over the
// whole stack once the deployment's resources are known. The package links
// the Pulumi SDK but not pulumi-aws: the pack binary stays small.
package guardrails

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// AuthorizedTcpPorts are the TCP ports open to the world (the ALB's 80 and
// 443): the pack parameter AuthorizedTcpPorts. tests/ pins it to
// security.InternetPorts(), which the program opens.
const AuthorizedTcpPorts = "80,443"

// VaultPolicyAdminPattern is the pack parameter conformance.VaultPolicyAdminArns
// as the policy pack resolves it: the deploy role (stackconfig.DeployRoleName)
// in any account and partition, since a pack judges resources before it
// knows the account; the AWS Config rule gets the exact ARNs
// (data.VaultPolicyAdmins), which this pattern covers.
const VaultPolicyAdminPattern = "arn:*:iam::*:role/" + stackconfig.DeployRoleName

// Guardrail is one policy: a control, the rule whose predicate judges it.
type Guardrail struct {
	// Name is the policy's name: the AWS Config rule's name.
	Name string
	// Rule is the managed rule identifier.
	Rule string
	// Parameters are the rule's parameters as the pack deploys it.
	Parameters conformance.Params
	// Safeguards are the HIPAA Security Rule sections, when known.
	Safeguards []string
	// Mandatory violations block a preview or update; others advise.
	Mandatory bool
	// Alone: judged per resource, before the resource's step.
	Alone bool
	// Fix names the property to change and how.
	Fix   string
	check conformance.Check
}

// Description says which HIPAA safeguard the control evidences and which
// rule it comes from; the engine prints it above each violation.
func (g Guardrail) Description() string {
	safeguard := "HIPAA Security Rule " + strings.Join(g.Safeguards, ", ")
	if len(g.Safeguards) == 0 {
		safeguard = "HIPAA safeguard not mapped (AWS's mapping for this rule could not be read: conformance.UnmappedRules)"
	}
	source := fmt.Sprintf("AWS Config rule %s (%s) of AWS's HIPAA Security conformance pack", g.Name, g.Rule)
	if _, ok := conformance.Checks[g.Rule]; !ok {
		source = fmt.Sprintf("AWS Config managed rule %s (%s), a control of this stack outside the HIPAA pack", g.Name, g.Rule)
	}
	return fmt.Sprintf("%s. Source: %s.", safeguard, source)
}

// Violation is one resource a policy reports.
type Violation struct {
	// Policy is the policy's name.
	Policy string
	// Resource is the logical name; URN its URN when the engine gave one.
	Resource, URN string
	// Mandatory is the policy's enforcement.
	Mandatory bool
	// Message names the resource, what is wrong and the fix.
	Message string
}

// All returns the guardrails in order; an error if a control names a rule
// that has no predicate or no entry in the pack's tables.
func All() ([]Guardrail, error) {
	rules := map[string]conformance.Rule{}
	safeguards := map[string][]string{}
	for _, r := range conformance.HIPAARules {
		params := map[string]string{}
		for k, v := range r.Parameters {
			if name, ok := conformance.RefName(v); ok {
				// A stack's own VPCs are authorized: their IDs are unknown
				// before the preview creates them.
				v = map[string]string{"AuthorizedTcpPorts": AuthorizedTcpPorts, "AuthorizedVpcIds": conformance.OwnVpcs, conformance.VaultPolicyAdminArns: VaultPolicyAdminPattern}[name]
			}
			params[k] = v
		}
		rules[r.Identifier] = conformance.Rule{Name: r.Name, Identifier: r.Identifier, Parameters: params}
		safeguards[r.Identifier] = r.Safeguards
	}
	for _, r := range conformance.ControlRules {
		rules[r.Identifier] = r
	}
	var out []Guardrail
	for _, c := range controls {
		rule, ok := rules[c.rule]
		check, has := conformance.Checks[c.rule]
		if !has {
			check, has = conformance.Controls[c.rule]
		}
		if !ok || !has || check.Evaluate == nil {
			return nil, fmt.Errorf("guardrail %s: no such rule with a predicate in conformance", c.rule)
		}
		out = append(out, Guardrail{Name: rule.Name, Rule: c.rule, Parameters: conformance.Params(rule.Parameters), Safeguards: safeguards[c.rule],
			Mandatory: c.mandatory, Alone: c.alone, Fix: c.fix, check: check})
	}
	return out, nil
}

// excepted reports whether the stack accepts the rule's failure on the
// resource. An exception scoped to some stacks is not honoured here: the
// pack does not know which stack it judges, and production must not
// inherit what a disposable stack is allowed (those stacks see the
// failure, advisory or mandatory as declared). An exception naming its
// resources by pattern (the audit buckets' replicas) covers each of them.
func excepted(rule, resource string) bool {
	for _, x := range conformance.HIPAAExceptions {
		if len(x.Stacks) == 0 && x.Covers("", rule, resource) {
			return true
		}
	}
	return false
}

// Judge runs the guardrail's predicate over the stack and returns the
// failures the exceptions table does not accept. A failure is left out
// while undetermined says its resource's values are not known yet (a
// preview before the resources exist): the engine judges it again on the
// resources' outputs at the end of the update.
func (g Guardrail) Judge(s *conformance.Stack, undetermined func(name string) bool) []Violation {
	var out []Violation
	for _, e := range g.check.Evaluate(s, g.Parameters) {
		if e.Compliant || excepted(g.Rule, e.Resource) || (undetermined != nil && undetermined(e.Resource)) {
			continue
		}
		out = append(out, Violation{Policy: g.Name, Resource: e.Resource, Mandatory: g.Mandatory,
			Message: fmt.Sprintf("%s: %s. Fix: %s.", e.Resource, e.Reason, g.Fix)})
	}
	return out
}

// Check runs the pack over a recorded stack (the offline synthesis's, a
// test's) through Analyze, the engine's path: each resource becomes what the
// engine sends, its inputs with its ID and ARN, under a URN made from its
// type and name. Violations are sorted by policy, then resource.
func Check(s *conformance.Stack) ([]Violation, error) {
	resources := make([]policyx.AnalyzerResource, 0, len(s.Resources))
	for _, r := range s.Resources {
		props := resource.NewPropertyMapFromMap(r.Inputs)
		if r.ID != "" {
			props["id"] = resource.NewProperty(r.ID)
		}
		if arn := r.Arn(); arn != "" {
			props["arn"] = resource.NewProperty(arn)
		}
		resources = append(resources, policyx.AnalyzerResource{
			Type: r.Type, Name: r.Name, URN: "urn:pulumi:stack::project::" + r.Type + "::" + r.Name,
			Properties: resource.FromResourcePropertyMap(props), Options: pulumi.ResourceOptions{Protect: r.Protect},
		})
	}
	out, err := Analyze(resources)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Policy != out[j].Policy {
			return out[i].Policy < out[j].Policy
		}
		return out[i].Resource < out[j].Resource
	})
	return out, err
}

// Markdown renders the guardrails as the table of
// docs/generated/guardrails.md: policy, whether it blocks, when it runs,
// the safeguard.
func Markdown(all []Guardrail) string {
	var b strings.Builder
	b.WriteString("| policy | enforcement | judged | HIPAA safeguard |\n|--------|-------------|--------|-----------------|\n")
	for _, g := range all {
		level, when, safeguard := "advisory", "whole stack", strings.Join(g.Safeguards, ", ")
		if g.Mandatory {
			level = "**mandatory**"
		}
		if g.Alone {
			when = "per resource"
		}
		if safeguard == "" {
			safeguard = "not mapped"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", g.Name, level, when, safeguard)
	}
	return b.String()
}
