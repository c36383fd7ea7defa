package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// verdictCounts is the prediction's headline: how many rules, and how many
// of them have each verdict, in conformance.Statuses' order.
func verdictCounts(r *synth.Result) (string, error) {
	if r.Conformance == nil {
		return "", fmt.Errorf("no prediction")
	}
	counts := r.Conformance.Counts()
	var parts []string
	for _, s := range conformance.Statuses {
		parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
	}
	return fmt.Sprintf("%d rules: %s", len(r.Conformance.Verdicts), strings.Join(parts, ", ")), nil
}

var conformanceSection = Section{
	Title: "HIPAA conformance pack, predicted",
	Write: func(r *synth.Result, w io.Writer) error {
		line, err := verdictCounts(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\n\n", line)
		var rows [][]string
		for _, v := range r.Conformance.Verdicts {
			for _, row := range v.Rows {
				note := row.Reason
				if row.Exception != nil {
					note += "; accepted: " + row.Exception.Reason + " Ends when: " + row.Exception.EndsWhen
				}
				rows = append(rows, []string{v.Identifier, string(row.Status), row.Resource, note})
			}
		}
		if err := layout.Table(w, []string{"rule", "verdict", "resource", "why"}, rows); err != nil {
			return err
		}
		fmt.Fprintln(w)
		var proc [][]string
		for _, v := range r.Conformance.Verdicts {
			if v.Status == conformance.Process {
				proc = append(proc, []string{v.Identifier, v.Process})
			}
		}
		return layout.Table(w, []string{"account process", "what to do"}, proc)
	},
}
