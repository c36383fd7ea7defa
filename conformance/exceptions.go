package conformance

import (
	"fmt"
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
}

// Markdown renders exceptions as a table, in order.
func Markdown(exceptions []Exception) string {
	var b strings.Builder
	b.WriteString("| rule | resource | why it is accepted | what ends it |\n|------|----------|--------------------|--------------|\n")
	for _, x := range exceptions {
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", x.Rule, x.Resource, cell(x.Reason), cell(x.EndsWhen))
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
