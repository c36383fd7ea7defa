package report

import (
	"fmt"
	"io"

	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

var CostSection = Section{Title: "Cost", Write: writeCostSummary}

// writeCostSummary prints the totals, the tiers and the biggest lines; `--cost`
// prints every line.
func writeCostSummary(r *synth.Result, w io.Writer) error {
	c, err := cost.Estimate(r, r.Usage)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Modeled monthly cost: %s = idle floor %s + usage %s (US East (N. Virginia) list prices as of %s; every line: go run ./cmd/synth --cost)\n\n",
		synth.USD(c.TotalUSD), synth.USD(c.FloorUSD), synth.USD(c.UsageUSD), c.PricesAsOf)
	var rows [][]string
	for _, l := range c.Biggest(8) {
		kind := "usage"
		if l.Floor {
			kind = "floor"
		}
		rows = append(rows, []string{string(l.Price), kind, synth.USD(l.MonthlyUSD)})
	}
	return layout.Table(w, []string{"BIGGEST LINES", "KIND", "MONTHLY"}, rows)
}
