package synth

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/guardrails"
)

// writeConformanceDoc renders the HIPAA conformance pack as predicted for
// every stack: counts by verdict, anything non-compliant and not excepted,
// the accepted exceptions with their reasons, and the account processes.
func writeConformanceDoc(b *bytes.Buffer, g *docSet) error {
	for _, r := range g.stacks {
		if r.Conformance == nil {
			return fmt.Errorf("%s: no conformance prediction", r.Config.Stack)
		}
	}
	sources := map[conformance.MappingSource]int{}
	process := 0
	for _, r := range conformance.HIPAARules {
		sources[r.SafeguardSource]++
		if r.Identifier == conformance.ProcessCheck {
			process++
		}
	}
	b.WriteString("# HIPAA conformance pack, predicted\n\n")
	fmt.Fprintf(b, "The offline synthesis evaluates every rule of AWS's \"Operational Best Practices for HIPAA Security\" pack\n"+
		"as AWS publishes it (%s: %d rules, %d of them AWS Config managed rules and %d a process check;\n"+
		"`conformance/hipaa_rules.go`) over what each stack registers, with one predicate per rule (`conformance/`),\n"+
		"and applies the accepted exceptions (`conformance/hipaa_exceptions.go`). `go run ./cmd/synth` prints every\n"+
		"verdict; `--json` carries them under `conformance`. AWS Config deploys the pack only in the stack that owns\n"+
		"the account singletons, but the pack judges every resource it records in the account and region: the\n"+
		"[whole account](#the-whole-account-and-region) below is what AWS Config will show.\n\n"+
		"HIPAA safeguards: %d rules carry the sections AWS maps them to as AWS's cdk-nag quotes them, %d the section\n"+
		"read from AWS's page itself, and %d none, since no source could be read to verify them (\"not mapped\").\n\n",
		conformance.TemplateSource, len(conformance.HIPAARules), len(conformance.HIPAARules)-process, process,
		sources[conformance.SourceCdkNag], sources[conformance.SourceAWSPage], sources[""])
	b.WriteString("## Rules by verdict\n\n")
	var rows [][]string
	for _, s := range conformance.Statuses {
		row := []string{string(s)}
		for _, r := range g.stacks {
			row = append(row, fmt.Sprint(r.Conformance.Counts()[s]))
		}
		rows = append(rows, row)
	}
	mdTable(b, append([]string{"verdict"}, g.stackNames()...), rows)

	rows = nil
	for _, r := range g.stacks {
		for _, v := range r.Conformance.Verdicts {
			for _, row := range v.Rows {
				if row.Status == conformance.NonCompliant {
					rows = append(rows, []string{r.Config.Stack, v.Identifier, code(row.Resource), row.Reason})
				}
			}
		}
	}
	b.WriteString("\n## Non-compliant and not excepted\n\n")
	if len(rows) == 0 {
		b.WriteString("None in any stack.\n")
	} else {
		mdTable(b, []string{"stack", "rule", "resource", "why"}, rows)
	}

	b.WriteString("\n## Accepted exceptions\n\n" +
		"Each is one rule on one resource, with why it is accepted and what would end it; one marked with stacks\n" +
		"applies to those stacks only. `go test` fails on a NON_COMPLIANT verdict of any stack that no exception\n" +
		"covers, on an exception production no longer needs, and on a stack-scoped one its stack no longer needs.\n\n")
	b.WriteString(conformance.Markdown(conformance.HIPAAExceptions))
	rows = nil
	for _, r := range g.stacks {
		for _, x := range r.Conformance.UnusedExceptions {
			rows = append(rows, []string{r.Config.Stack, x.Rule, code(x.Resource)})
		}
	}
	if len(rows) > 0 {
		b.WriteString("\nExceptions a stack does not need (its configuration already satisfies the rule):\n\n")
		mdTable(b, []string{"stack", "rule", "resource"}, rows)
	}

	b.WriteString("\n## Account processes\n\n" +
		"Rules only an account process can satisfy, with what to do (the same for every stack):\n\n")
	rows = nil
	for _, v := range g.stacks[0].Conformance.Verdicts {
		if v.Status == conformance.Process {
			rows = append(rows, []string{v.Identifier, v.Process})
		}
	}
	mdTable(b, []string{"rule", "what to do"}, rows)
	return nil
}

// writeGuardrailsDoc renders the policy pack's policies (guardrails.All):
// whether each blocks, when it is judged, and its HIPAA safeguard.
func writeGuardrailsDoc(b *bytes.Buffer, _ *docSet) error {
	all, err := guardrails.All()
	if err != nil {
		return err
	}
	mandatory := 0
	for _, g := range all {
		if g.Mandatory {
			mandatory++
		}
	}
	b.WriteString("# HIPAA guardrails (policy pack)\n\n")
	fmt.Fprintf(b, "The policies of `guardrails.Pack`, run by `pulumi preview` and `pulumi up` with `--policy-pack policypack`:\n"+
		"%d policies, %d mandatory (they block) and %d advisory (they are printed). *Per resource* policies are\n"+
		"judged before the engine creates or updates the resource; *whole stack* ones at the end of the preview or\n"+
		"update. The safeguards are those AWS's pack maps the rule to.\n\n", len(all), mandatory, len(all)-mandatory)
	b.WriteString(strings.TrimRight(guardrails.Markdown(all), "\n") + "\n")
	return nil
}
