package conformance

import (
	"fmt"
	"slices"
	"strings"
)

// Exception is a deviation this stack accepts: one rule, one resource.
type Exception struct {
	// Rule is the managed rule identifier.
	Rule string `json:"rule"`
	// Resource is the logical name of the resource the rule flags.
	Resource string `json:"resource"`
	// Reason is why the stack accepts it.
	Reason string `json:"reason"`
	// EndsWhen is what would end it.
	EndsWhen string `json:"endsWhen"`
	// Stacks, when set, are the only stacks (account sources: a stack's
	// name, "bootstrap", DefaultVpcSource) that accept it: production must
	// not inherit what a disposable stack is allowed. Empty: every stack.
	Stacks []string `json:"stacks,omitempty"`
	// While, when set, is the configuration under which the resource
	// exists at all (a service with autoscaling): an exception no
	// resource needs is stale unless its While condition may simply not
	// hold in the configuration judged.
	While string `json:"while,omitempty"`
}

// For returns the exceptions the named stack accepts.
func For(stack string, exceptions []Exception) []Exception {
	var out []Exception
	for _, x := range exceptions {
		if len(x.Stacks) == 0 || slices.Contains(x.Stacks, stack) {
			out = append(out, x)
		}
	}
	return out
}

// Markdown renders exceptions as a table, in order.
func Markdown(exceptions []Exception) string {
	var b strings.Builder
	b.WriteString("| rule | resource | why it is accepted | what ends it |\n|------|----------|--------------------|--------------|\n")
	for _, x := range exceptions {
		resource := "`" + x.Resource + "`"
		if len(x.Stacks) > 0 {
			resource += " (" + strings.Join(x.Stacks, ", ") + " only)"
		}
		if x.While != "" {
			resource += " (while " + x.While + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", x.Rule, resource, cell(x.Reason), cell(x.EndsWhen))
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
