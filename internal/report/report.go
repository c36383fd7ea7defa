package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// Section is one part of the report. Each tier writes its own in a file of
// its own (section_<tier>.go) and is listed once in DetailSections, so a new tier
// adds a section without touching the others.
type Section struct {
	// Title heads the section.
	Title string
	// Write prints the section.
	Write func(r *synth.Result, w io.Writer) error
}

// summary is what the report leads with: what a person decides on before
// reading any detail. Warnings come right after the resources, printed by
// Write itself (the stack pages list them as Markdown).
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

// Write prints what `pulumi up` would create, leading with what a
// person decides on: the resources each tier registers, the warnings, the
// modeled monthly cost, the predicted HIPAA verdicts and what Pulumi
// protects or retains. Then each tier's details, the resource types of
// every component, and the outputs. No line is wider than layout.ReportWidth.
func Write(w io.Writer, r *synth.Result) error {
	custom := 0
	for _, res := range r.Resources {
		if !res.Component {
			custom++
		}
	}
	fmt.Fprintf(w, "Offline synthesis of %s/%s: %d resources in %d components (mock account %s)\n",
		r.Config.Project, r.Config.Stack, custom, len(r.Resources)-custom, synth.AccountID)

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
func WriteSection(w io.Writer, s Section, r *synth.Result) error {
	var b bytes.Buffer
	if err := s.Write(r, &b); err != nil {
		return fmt.Errorf("%s section: %w", s.Title, err)
	}
	_, err := io.WriteString(w, layout.WrapProse(b.String()))
	return err
}

var warningsSection = Section{Title: "Warnings", Write: func(r *synth.Result, w io.Writer) error {
	for _, warning := range r.Stack.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	return nil
}}

var componentsSection = Section{Title: "Resources by component", Write: func(r *synth.Result, w io.Writer) error {
	var rows [][]string
	for _, group := range r.ComponentGroups() {
		rows = append(rows, []string{fmt.Sprintf("%s (%s)", group.Name, group.Type), ""})
		for _, tc := range group.Counts {
			rows = append(rows, []string{"  " + tc.Type, fmt.Sprint(tc.Count)})
		}
	}
	return layout.Table(w, nil, rows)
}}

var outputsSection = Section{Title: "Stack outputs", Write: func(r *synth.Result, w io.Writer) error {
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

// WriteJSON prints the full inventory, with its conformance prediction and
// cost, for diffing in review. A secret input is printed as its marker and
// digest, never its value (synth.WithSecretsDigested).
func WriteJSON(w io.Writer, r *synth.Result) error {
	estimate, err := cost.Estimate(r, r.Usage)
	if err != nil {
		return err
	}
	resources := make([]*synth.Resource, len(r.Resources))
	for i, res := range r.Resources {
		resources[i] = res
		if synth.ContainsSecret(res.Inputs) {
			c := *res
			c.Inputs = synth.WithSecretsDigested(res.Inputs)
			resources[i] = &c
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(synth.Inventory{
		Project: r.Config.Project, Stack: r.Config.Stack, Config: r.Config.Keys(), Resources: resources, Outputs: r.Outputs,
		Conformance: struct {
			Counts map[conformance.Status]int `json:"counts"`
			*conformance.Report
		}{r.Conformance.Counts(), r.Conformance},
		Cost: estimate,
	})
}

func heading(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s ==\n", title)
}
