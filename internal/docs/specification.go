package docs

import (
	"bytes"
	"fmt"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/specification"
)

// writeSpecificationDoc states the seed specification in the repository's
// own words and sets each of its values beside what the stack that owns the
// account (production) has.
func writeSpecificationDoc(b *bytes.Buffer, g *docSet) error {
	// The specification describes production: the first stack that owns
	// its region's account singletons, as the stacks are listed production
	// first (stackfile). The recovery stack owns its own region's too, and
	// departs from the specification's region by design.
	var owner *synth.Result
	for _, r := range g.stacks {
		if r.Stack != nil && r.Stack.Config.OwnsAccountSingletons {
			owner = r
			break
		}
	}
	if owner == nil {
		return fmt.Errorf("no stack owns the account: none is production")
	}
	have, err := owner.Specification()
	if err != nil {
		return err
	}
	name := owner.Config.Stack
	b.WriteString("# The seed specification\n\n")
	b.WriteString("The architecture document the platform was built from fixed production's starting point. Its design and\n" +
		"numbers are stated here in the repository's own words (package `specification`, the one place they are\n" +
		"held), each beside what the " + name + " stack has. `go test` fails while " + name + " departs from one, saying\n" +
		"so: a departure is made on purpose, by changing the value in `specification/specification.go` in the same\n" +
		"pull request, with the reason. Every other test is a rule that holds for any valid configuration.\n\n")
	b.WriteString(specification.Summary + "\n\n")
	b.WriteString("## Its numbers, and " + name + "'s\n\n")
	var rows [][]string
	for _, req := range specification.Compare(have) {
		holds := "holds"
		if !req.Holds() {
			holds = "**departs**"
		}
		rows = append(rows, []string{req.What, req.Want, req.Got, holds})
	}
	mdTable(b, []string{"what", "the specification", name, ""}, rows)
	return nil
}
