package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/layout"
)

// Section is one part of the report. Each tier writes its own in a file of
// its own (section_<tier>.go) and is listed once in DetailSections, so a new tier
// adds a section without touching the others.
type Section struct {
	// Title heads the section.
	Title string
	// Write prints the section.
	Write func(r *Result, w io.Writer) error
}

// summary is what the report leads with: what a person decides on before
// reading any detail. Warnings come right after the resources, printed by
// WriteReport itself (the stack pages list them as Markdown).
var summary = []Section{
	CostSection,
	verdictSummarySection,
	protectedSection,
}

// DetailSections are each tier's facts, in dependency order, then the evidence and
// every verdict of the HIPAA pack; the stack pages print them too.
var DetailSections = []Section{
	networkSection,
	securitySection,
	dataSection,
	computeSection,
	edgeSection,
	observabilitySection,
	complianceSection,
	evidenceSection,
	conformanceSection,
}

// WriteReport prints what `pulumi up` would create, leading with what a
// person decides on: the resources each tier registers, the warnings, the
// modeled monthly cost, the predicted HIPAA verdicts and what Pulumi
// protects or retains. Then each tier's details, the resource types of
// every component, and the outputs. No line is wider than layout.ReportWidth.
func WriteReport(w io.Writer, r *Result) error {
	custom := 0
	for _, res := range r.Resources {
		if !res.Component {
			custom++
		}
	}
	fmt.Fprintf(w, "Offline synthesis of %s/%s: %d resources in %d components (mock account %s)\n",
		r.Config.Project, r.Config.Stack, custom, len(r.Resources)-custom, AccountID)

	parts := []Section{resourcesSection}
	if r.Stack != nil && len(r.Stack.Warnings) > 0 {
		parts = append(parts, warningsSection)
	}
	parts = append(parts, summary...)
	parts = append(parts, DetailSections...)
	parts = append(parts, componentsSection, outputsSection)
	for _, s := range parts {
		heading(w, s.Title)
		if err := WriteSection(w, s, r); err != nil {
			return err
		}
	}
	return nil
}

// WriteSection prints one section with its prose wrapped to layout.ReportWidth.
func WriteSection(w io.Writer, s Section, r *Result) error {
	var b bytes.Buffer
	if err := s.Write(r, &b); err != nil {
		return fmt.Errorf("%s section: %w", s.Title, err)
	}
	_, err := io.WriteString(w, layout.WrapProse(b.String()))
	return err
}

var warningsSection = Section{Title: "Warnings", Write: func(r *Result, w io.Writer) error {
	for _, warning := range r.Stack.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	return nil
}}

var componentsSection = Section{Title: "Resources by component", Write: func(r *Result, w io.Writer) error {
	var rows [][]string
	for _, group := range r.ComponentGroups() {
		rows = append(rows, []string{fmt.Sprintf("%s (%s)", group.Name, group.Type), ""})
		for _, tc := range group.Counts {
			rows = append(rows, []string{"  " + tc.Type, fmt.Sprint(tc.Count)})
		}
	}
	return layout.Table(w, nil, rows)
}}

var outputsSection = Section{Title: "Stack outputs", Write: func(r *Result, w io.Writer) error {
	var rows [][]string
	for _, k := range slices.Sorted(maps.Keys(r.Outputs)) {
		b, err := json.Marshal(r.Outputs[k])
		if err != nil {
			return err
		}
		rows = append(rows, []string{k, string(b)})
	}
	return layout.Table(w, nil, rows)
}}

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
// cost, for diffing in review. A secret input is printed as its marker and
// digest, never its value (withSecretsDigested).
func WriteJSON(w io.Writer, r *Result) error {
	cost, err := Estimate(r, r.Usage)
	if err != nil {
		return err
	}
	resources := make([]*Resource, len(r.Resources))
	for i, res := range r.Resources {
		resources[i] = res
		if ContainsSecret(res.Inputs) {
			c := *res
			c.Inputs = withSecretsDigested(res.Inputs)
			resources[i] = &c
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Inventory{r.Config.Project, r.Config.Stack, r.Config.Keys(), resources, r.Outputs, struct {
		Counts map[conformance.Status]int `json:"counts"`
		*conformance.Report
	}{r.Conformance.Counts(), r.Conformance}, cost})
}

func heading(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s ==\n", title)
}

// TypeCount is how many resources of one type a component registers.
type TypeCount struct {
	Type  string
	Count int
}

// ComponentGroup is a component and the custom resources it registers
// directly, counted by type.
type ComponentGroup struct {
	Name, Type string
	Counts     []TypeCount
}

// ComponentGroups counts each component's direct custom children by type.
func (r *Result) ComponentGroups() []ComponentGroup {
	var groups []ComponentGroup
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
		g := ComponentGroup{Name: c.Name, Type: c.Type}
		for _, t := range slices.Sorted(maps.Keys(byType)) {
			g.Counts = append(g.Counts, TypeCount{t, byType[t]})
		}
		groups = append(groups, g)
	}
	return groups
}
