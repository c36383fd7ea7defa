package docs

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// writeCostDoc renders the modeled monthly cost of every stack side by
// side: idle floor, total under synth.DefaultUsage, and the biggest floor lines.
func writeCostDoc(b *bytes.Buffer, g *docSet) error {
	first, err := cost.Estimate(g.stacks[0], synth.DefaultUsage)
	if err != nil {
		return fmt.Errorf("model the cost of stack %s: %w", g.stacks[0].Config.Stack, err)
	}
	b.WriteString("# Modeled monthly cost per stack\n\n")
	fmt.Fprintf(b, "From `internal/cost/prices.go` (US East (N. Virginia) on-demand list prices as of %s, %d hours a\n"+
		"month, before free tiers and discounts) and the usage profile `synth.DefaultUsage`. The *idle floor* is a\n"+
		"month with no traffic; the total adds the usage profile. Every line with its price and source:\n"+
		"`go run ./cmd/synth --cost --stack NAME`.\n\n", first.PricesAsOf, cost.HoursPerMonth)
	var rows [][]string
	for i, r := range g.stacks {
		c, err := cost.Estimate(r, synth.DefaultUsage)
		if err != nil {
			return fmt.Errorf("model the cost of stack %s: %w", r.Config.Stack, err)
		}
		floor := synth.USD(c.FloorUSD)
		if i > 0 && first.FloorUSD > 0 {
			floor += fmt.Sprintf(" (%.0f%% of %s's)", 100*c.FloorUSD/first.FloorUSD, g.stacks[0].Config.Stack)
		}
		var biggest []string
		for _, l := range c.Biggest(len(c.Lines)) {
			if l.Floor && len(biggest) < 5 {
				biggest = append(biggest, fmt.Sprintf("%s %s", l.Price, synth.USD(l.MonthlyUSD)))
			}
		}
		rows = append(rows, []string{r.Config.Stack, floor, synth.USD(c.TotalUSD), strings.Join(biggest, ", ")})
	}
	mdTable(b, []string{"stack", "idle floor", "with the default usage profile", "biggest floor lines"}, rows)
	return nil
}
