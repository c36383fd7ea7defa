package conformance

import (
	"fmt"
	"slices"
)

// Status is a rule's or a resource's predicted verdict.
type Status string

// The verdicts. The first three are AWS Config's; Excepted is a
// NON_COMPLIANT verdict the exceptions table accepts, Process a rule only an
// account process can satisfy.
const (
	Compliant     Status = "COMPLIANT"
	NonCompliant  Status = "NON_COMPLIANT"
	NotApplicable Status = "NOT_APPLICABLE"
	Excepted      Status = "EXCEPTED"
	Process       Status = "PROCESS"
)

// Statuses lists the verdicts in the order reports count them.
var Statuses = []Status{Compliant, Excepted, NotApplicable, Process, NonCompliant}

// Rule is one rule of the pack: its managed rule identifier and the input
// parameters it is deployed with (references already resolved).
type Rule struct {
	// Name is the rule's name in the pack ("s3-bucket-logging-enabled").
	Name string
	// Identifier is the managed rule ("S3_BUCKET_LOGGING_ENABLED").
	Identifier string
	// Parameters are the rule's input parameters.
	Parameters map[string]string
}

// Evaluation is one resource's predicted verdict under one rule.
type Evaluation struct {
	// Resource is the logical name of the resource evaluated.
	Resource string
	// Compliant is the verdict.
	Compliant bool
	// Reason says why, in the words an auditor reads.
	Reason string
}

// Params are a rule's input parameters.
type Params map[string]string

// Check predicts one managed rule.
type Check struct {
	// Evaluate returns one evaluation per resource in the rule's scope;
	// none means NOT_APPLICABLE. Nil for a process rule.
	Evaluate func(s *Stack, p Params) []Evaluation
	// Process, for a rule only an account process can satisfy, says what
	// to do and how often.
	Process string
}

// Row is a non-compliant or excepted resource in a verdict.
type Row struct {
	// Resource is the logical name.
	Resource string `json:"resource"`
	// Status is NON_COMPLIANT or EXCEPTED.
	Status Status `json:"status"`
	// Reason is the predicate's reason.
	Reason string `json:"reason"`
	// Exception is what accepts it, for an EXCEPTED row.
	Exception *Exception `json:"exception,omitempty"`
}

// Verdict is the predicted result of one rule.
type Verdict struct {
	// Rule is the rule's name in the pack.
	Rule string `json:"rule"`
	// Identifier is the managed rule.
	Identifier string `json:"identifier"`
	// Status: NON_COMPLIANT if any row is not excepted, else EXCEPTED if
	// any row is, else COMPLIANT, NOT_APPLICABLE or PROCESS.
	Status Status `json:"status"`
	// Compliant counts the compliant resources.
	Compliant int `json:"compliant"`
	// Rows are the non-compliant and excepted resources.
	Rows []Row `json:"rows,omitempty"`
	// Process says what to do, for a PROCESS rule.
	Process string `json:"process,omitempty"`
}

// Report is the predicted result of the whole pack.
type Report struct {
	// Verdicts are one per rule, in the pack's order.
	Verdicts []Verdict `json:"verdicts"`
	// UnusedExceptions matched no non-compliant resource: stale, or about
	// another configuration.
	UnusedExceptions []Exception `json:"unusedExceptions,omitempty"`
}

// Counts counts rules by verdict, every verdict listed (zero included).
func (r *Report) Counts() map[Status]int {
	out := map[Status]int{}
	for _, s := range Statuses {
		out[s] = 0
	}
	for _, v := range r.Verdicts {
		out[v.Status]++
	}
	return out
}

// Evaluate predicts every rule over the stack with the checks, applying the
// exceptions. A rule without a check is an error: no rule goes unpredicted.
func Evaluate(rules []Rule, s *Stack, checks map[string]Check, exceptions []Exception) (*Report, error) {
	used := make([]bool, len(exceptions))
	rep := &Report{}
	for _, rule := range rules {
		c, ok := checks[CheckKey(rule.Name, rule.Identifier)]
		if !ok {
			return nil, fmt.Errorf("rule %s (%s) has no predicate: add one to conformance.Checks under %s", rule.Name, rule.Identifier, CheckKey(rule.Name, rule.Identifier))
		}
		v := Verdict{Rule: rule.Name, Identifier: rule.Identifier}
		if c.Evaluate == nil {
			v.Status, v.Process = Process, c.Process
			rep.Verdicts = append(rep.Verdicts, v)
			continue
		}
		evals := c.Evaluate(s, Params(rule.Parameters))
		for _, e := range evals {
			if e.Compliant {
				v.Compliant++
				continue
			}
			row := Row{Resource: e.Resource, Status: NonCompliant, Reason: e.Reason}
			for i, x := range exceptions {
				if x.accepts(rule.Identifier, e.Resource) {
					row.Status, row.Exception, used[i] = Excepted, &exceptions[i], true
					break
				}
			}
			v.Rows = append(v.Rows, row)
		}
		switch {
		case slices.ContainsFunc(v.Rows, func(r Row) bool { return r.Status == NonCompliant }):
			v.Status = NonCompliant
		case len(v.Rows) > 0:
			v.Status = Excepted
		case len(evals) > 0:
			v.Status = Compliant
		default:
			v.Status = NotApplicable
		}
		rep.Verdicts = append(rep.Verdicts, v)
	}
	for i, x := range exceptions {
		if !used[i] && x.While == "" {
			rep.UnusedExceptions = append(rep.UnusedExceptions, x)
		}
	}
	return rep, nil
}
