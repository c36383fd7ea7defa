package synth

import (
	"encoding/json"

	"fmt"
	"github.com/omnirapeutic/infrastructure/conformance"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// Section is one tier's part of the report. Each tier writes its own in a
// file of its own (section_<tier>.go) and is listed once in sections, so a
// new tier adds a section without touching the others.
type Section struct {
	// Title heads the section.
	Title string
	// Write prints the tier's key facts.
	Write func(r *Result, w io.Writer) error
}

// sections are printed in dependency order, after the resource summary.
var sections = []Section{
	networkSection,
	securitySection,
	dataSection,
	computeSection,
	edgeSection,
	observabilitySection,
	complianceSection,
	evidenceSection,
	conformanceSection,
	costSection,
}

// WriteReport prints what `pulumi up` would create: resources grouped by
// component and type with counts, then each tier's section, then the outputs.
func WriteReport(w io.Writer, r *Result) error {
	custom := 0
	for _, res := range r.Resources {
		if !res.Component {
			custom++
		}
	}
	fmt.Fprintf(w, "Offline synthesis of %s/%s: %d resources in %d components (mock account %s)\n",
		r.Config.Project, r.Config.Stack, custom, len(r.Resources)-custom, AccountID)

	heading(w, "Resources by component")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, group := range r.componentGroups() {
		fmt.Fprintf(tw, "%s (%s)\t\n", group.name, group.typ)
		for _, tc := range group.counts {
			fmt.Fprintf(tw, "  %s\t%d\n", tc.typ, tc.count)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if r.Stack != nil && len(r.Stack.Warnings) > 0 {
		heading(w, "Warnings")
		for _, warning := range r.Stack.Warnings {
			fmt.Fprintf(w, "warning: %s\n", warning)
		}
	}

	for _, s := range sections {
		heading(w, s.Title)
		if err := s.Write(r, w); err != nil {
			return fmt.Errorf("%s section: %w", s.Title, err)
		}
	}

	heading(w, "Stack outputs")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range slices.Sorted(maps.Keys(r.Outputs)) {
		b, err := json.Marshal(r.Outputs[k])
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\n", k, b)
	}
	return tw.Flush()
}

// Inventory is what --json prints and `synth diff` reads: the full
// inventory, the conformance prediction and the modeled cost.
type Inventory struct {
	Project   string         `json:"project"`
	Stack     string         `json:"stack"`
	Config    []string       `json:"configKeys"`
	Resources []*Resource    `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
	// Conformance is the HIPAA pack's predicted result: counts by verdict,
	// then every rule's verdict and rows.
	Conformance any   `json:"conformance"`
	Cost        *Cost `json:"cost"`
}

// WriteJSON prints the full inventory, with its conformance prediction and
// cost, for diffing in review.
func WriteJSON(w io.Writer, r *Result) error {
	cost, err := Estimate(r, r.Usage)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Inventory{r.Config.Project, r.Config.Stack, r.Config.Keys(), r.Resources, r.Outputs, struct {
		Counts map[conformance.Status]int `json:"counts"`
		*conformance.Report
	}{r.Conformance.Counts(), r.Conformance}, cost})
}

func heading(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s ==\n", title)
}

type typeCount struct {
	typ   string
	count int
}

type componentGroup struct {
	name, typ string
	counts    []typeCount
}

// componentGroups counts each component's direct custom children by type.
func (r *Result) componentGroups() []componentGroup {
	var groups []componentGroup
	for _, c := range r.Resources {
		if !c.Component {
			continue
		}
		byType := map[string]int{}
		for _, res := range r.Resources {
			if res.Parent == c.URN && !res.Component {
				byType[res.Type]++
			}
		}
		g := componentGroup{name: c.Name, typ: c.Type}
		for _, t := range slices.Sorted(maps.Keys(byType)) {
			g.counts = append(g.counts, typeCount{t, byType[t]})
		}
		groups = append(groups, g)
	}
	return groups
}

// table writes rows under a header, aligned.
func table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
