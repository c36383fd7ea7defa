package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// resourcesSection opens the report: what each tier registers, by its
// top-level components, so a reader sees the shape of the stack before any
// detail (every component's resource types are under "Resources by component").
var resourcesSection = Section{Title: "Resources and components", Write: func(r *synth.Result, w io.Writer) error {
	type tierCount struct {
		components []string
		resources  int
	}
	byTier := map[string]*tierCount{}
	count := func(tier string) *tierCount {
		if byTier[tier] == nil {
			byTier[tier] = &tierCount{}
		}
		return byTier[tier]
	}
	for _, res := range r.Resources {
		switch {
		case !res.Component:
			count(r.Tier(res)).resources++
		case r.ByURN(res.Parent) == nil:
			c := count(r.Tier(res))
			c.components = append(c.components, res.Name)
		}
	}
	var rows [][]string
	for _, t := range slices.SortedFunc(maps.Keys(byTier), synth.CompareTiers) {
		c := byTier[t]
		rows = append(rows, []string{t, fmt.Sprint(c.resources), strings.Join(c.components, ", ")})
	}
	return layout.Table(w, []string{"TIER", "RESOURCES", "TOP-LEVEL COMPONENTS"}, rows)
}}

// verdictSummarySection is the HIPAA pack's prediction in a few lines: the
// counts, anything non-compliant without an exception, and which rules are
// accepted on which resources. Every row, with why, is under the pack's
// details section.
var verdictSummarySection = Section{Title: "HIPAA conformance pack, predicted: summary", Write: func(r *synth.Result, w io.Writer) error {
	line, err := verdictCounts(r)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, line)
	var failing, excepted [][]string
	processes := 0
	for _, v := range r.Conformance.Verdicts {
		var accepted []string
		for _, row := range v.Rows {
			switch row.Status {
			case conformance.NonCompliant:
				failing = append(failing, []string{v.Identifier, row.Resource, row.Reason})
			case conformance.Excepted:
				accepted = append(accepted, row.Resource)
			}
		}
		if len(accepted) > 0 {
			excepted = append(excepted, []string{v.Identifier, strings.Join(accepted, ", ")})
		}
		if v.Status == conformance.Process {
			processes++
		}
	}
	if len(failing) == 0 {
		fmt.Fprintln(w, "\nNon-compliant without an accepted exception: none.")
	} else {
		fmt.Fprintf(w, "\nNON-COMPLIANT WITHOUT AN ACCEPTED EXCEPTION (%d): fix the configuration or add an exception with its reason\n", len(failing))
		if err := layout.Table(w, []string{"RULE", "RESOURCE", "WHY"}, failing); err != nil {
			return err
		}
	}
	if len(excepted) > 0 {
		fmt.Fprintln(w, "\nAccepted exceptions (AWS Config shows them NON_COMPLIANT all the same; why, and what ends each, under the pack's details):")
		if err := layout.Table(w, []string{"RULE", "RESOURCES"}, excepted); err != nil {
			return err
		}
	}
	if processes > 0 {
		fmt.Fprintf(w, "\n%d rules are account processes, each with what to do, under the pack's details.\n", processes)
	}
	return nil
}}

// protectedSection lists what `pulumi destroy` refuses and what AWS keeps
// after Pulumi forgets it, the same rows as the stack pages' table.
var protectedSection = Section{Title: "Protected and retained resources", Write: func(r *synth.Result, w io.Writer) error {
	held, err := r.Protected()
	if err != nil {
		return err
	}
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return ""
	}
	var rows [][]string
	for _, p := range held {
		rows = append(rows, []string{p.Type, p.Name, p.Physical, yes(p.Protect), yes(p.RetainOnDelete)})
	}
	fmt.Fprintln(w, "`pulumi destroy` refuses a protected resource until `pulumi state unprotect`; a retained one stays in AWS when deleted.")
	return layout.Table(w, []string{"TYPE", "LOGICAL NAME", "PHYSICAL NAME", "PROTECT", "RETAIN"}, rows)
}}
