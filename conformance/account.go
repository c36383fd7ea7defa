package conformance

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// The account's pack judges every resource AWS Config records in the account
// and region, not one stack's: the stacks of this project, the bootstrap
// stack, the region's default VPC while it exists, and what AWS creates on
// its own for them. This file predicts that whole view.

// Source is one set of resources the account's pack judges, evaluated on its
// own (predicates join resources within a source only: a bucket and its
// encryption, a VPC and its flow log).
type Source struct {
	// Name labels the source in reports and scopes exceptions
	// (Exception.Stacks): a stack's name, "bootstrap", DefaultVpcSource.
	Name string
	// Stack is what the source holds.
	Stack *Stack
	// Rules are the pack's rules with their parameters as the owning stack
	// deploys them, resolved for this source (its VPC is or is not among
	// AuthorizedVpcIds).
	Rules []Rule
}

// DefaultVpcSource names the region's default VPC as a source.
const DefaultVpcSource = "default VPC"

// AccountRow is one resource's verdict under one rule, in one source.
type AccountRow struct {
	// Source is where the resource is (Source.Name).
	Source string `json:"source"`
	// Resource is its logical name.
	Resource string `json:"resource"`
	// Status is COMPLIANT, NON_COMPLIANT or EXCEPTED.
	Status Status `json:"status"`
	// Reason is the predicate's reason.
	Reason string `json:"reason"`
	// Exception accepts it, for an EXCEPTED row.
	Exception *Exception `json:"exception,omitempty"`
}

// AccountVerdict is one rule over the whole account.
type AccountVerdict struct {
	// Rule is the rule's name in the pack.
	Rule string `json:"rule"`
	// Identifier is the managed rule (or ProcessCheck).
	Identifier string `json:"identifier"`
	// Shown is what AWS Config will show for the rule: NON_COMPLIANT when
	// any resource fails (excepted or not: AWS knows no exception),
	// COMPLIANT, NOT_APPLICABLE (no resource in scope) or PROCESS.
	Shown Status `json:"shown"`
	// Status is the prediction with the exceptions applied: NON_COMPLIANT
	// only when a failure is not excepted.
	Status Status `json:"status"`
	// Rows are every resource judged, in source order.
	Rows []AccountRow `json:"rows,omitempty"`
	// Process says what to do, for a PROCESS rule.
	Process string `json:"process,omitempty"`
}

// AccountReport is the pack's predicted result for the account and region.
type AccountReport struct {
	// Sources are the names of the sources judged, in order.
	Sources []string `json:"sources"`
	// Verdicts are one per rule, in the pack's order.
	Verdicts []AccountVerdict `json:"verdicts"`
	// UnusedExceptions matched nothing in any source they apply to; an
	// exception with a While condition is never listed (its condition may
	// simply not hold in this configuration).
	UnusedExceptions []Exception `json:"unusedExceptions,omitempty"`
}

// Shown counts the rules by what AWS Config will show.
func (a *AccountReport) Shown() map[Status]int {
	out := map[Status]int{Compliant: 0, NonCompliant: 0, NotApplicable: 0, Process: 0}
	for _, v := range a.Verdicts {
		out[v.Shown]++
	}
	return out
}

// Failing counts the resource verdicts AWS Config will show NON_COMPLIANT,
// and how many of them no exception accepts.
func (a *AccountReport) Failing() (failing, unexcepted int) {
	for _, v := range a.Verdicts {
		for _, r := range v.Rows {
			switch r.Status {
			case NonCompliant:
				unexcepted++
				failing++
			case Excepted:
				failing++
			}
		}
	}
	return failing, unexcepted
}

// EvaluateAccount predicts every rule over every source, applying the
// exceptions that apply to each source (For), and joins the verdicts rule
// by rule. The sources must list the same rules in the same order.
func EvaluateAccount(sources []Source, checks map[string]Check, exceptions []Exception) (*AccountReport, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("no source to judge")
	}
	rep := &AccountReport{}
	used := make([]bool, len(exceptions))
	for si, src := range sources {
		rep.Sources = append(rep.Sources, src.Name)
		if len(src.Rules) != len(sources[0].Rules) {
			return nil, fmt.Errorf("source %s has %d rules, %s %d", src.Name, len(src.Rules), sources[0].Name, len(sources[0].Rules))
		}
		for ri, rule := range src.Rules {
			if si == 0 {
				rep.Verdicts = append(rep.Verdicts, AccountVerdict{Rule: rule.Name, Identifier: rule.Identifier})
			}
			v := &rep.Verdicts[ri]
			if v.Rule != rule.Name {
				return nil, fmt.Errorf("source %s lists rule %s where %s lists %s", src.Name, rule.Name, sources[0].Name, v.Rule)
			}
			c, ok := checks[CheckKey(rule.Name, rule.Identifier)]
			if !ok {
				return nil, fmt.Errorf("rule %s (%s) has no predicate", rule.Name, rule.Identifier)
			}
			if c.Evaluate == nil {
				v.Process = c.Process
				continue
			}
			for _, e := range c.Evaluate(src.Stack, Params(rule.Parameters)) {
				row := AccountRow{Source: src.Name, Resource: e.Resource, Status: Compliant, Reason: e.Reason}
				if !e.Compliant {
					row.Status = NonCompliant
					for i, x := range exceptions {
						if x.Covers(src.Name, rule.Identifier, e.Resource) {
							row.Status, row.Exception, used[i] = Excepted, &exceptions[i], true
							break
						}
					}
				}
				v.Rows = append(v.Rows, row)
			}
		}
	}
	for i := range rep.Verdicts {
		v := &rep.Verdicts[i]
		fails := func(s Status) bool {
			return slices.ContainsFunc(v.Rows, func(r AccountRow) bool { return r.Status == s })
		}
		switch {
		case v.Process != "":
			v.Shown, v.Status = Process, Process
		case fails(NonCompliant):
			v.Shown, v.Status = NonCompliant, NonCompliant
		case fails(Excepted):
			v.Shown, v.Status = NonCompliant, Excepted
		case len(v.Rows) > 0:
			v.Shown, v.Status = Compliant, Compliant
		default:
			v.Shown, v.Status = NotApplicable, NotApplicable
		}
	}
	for i, x := range exceptions {
		if !used[i] && x.While == "" {
			rep.UnusedExceptions = append(rep.UnusedExceptions, x)
		}
	}
	return rep, nil
}

// Covers reports whether the exception accepts the rule's failure on the
// resource in the source: same rule, the resource's name (or a path.Match
// pattern for resources AWS names, such as its alarms), and a source the
// exception applies to.
func (x Exception) Covers(source, rule, resource string) bool {
	return (len(x.Stacks) == 0 || slices.Contains(x.Stacks, source)) && x.accepts(rule, resource)
}

// accepts: same rule, and the resource by name or by pattern.
func (x Exception) accepts(rule, resource string) bool {
	if x.Rule != rule {
		return false
	}
	if x.Resource == resource {
		return true
	}
	ok, err := path.Match(x.Resource, resource)
	return err == nil && ok && strings.ContainsAny(x.Resource, "*?[")
}
