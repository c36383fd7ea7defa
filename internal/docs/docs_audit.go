package docs

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/guardrails"
	"github.com/omnirapeutic/infrastructure/internal/synth"
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
	if err := writeAccountHeadline(b, g); err != nil {
		return err
	}
	b.WriteString("## Rules by verdict, stack by stack\n\n" +
		"Each stack alone, as `go run ./cmd/synth --stack <name>` predicts it (its own VPC authorized):\n\n")
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

	writeAccountVerdicts(b, g.account)
	writeOtherRegions(b, g)
	writeSafeguardMatrix(b, g.account)

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

// accountSources says what each source of the account prediction is.
var accountSources = map[string]string{
	synth.BootstrapSource:        "the bootstrap stack (`bootstrap/`): Pulumi's state bucket, its keys, GitHub's roles",
	conformance.DefaultVpcSource: "the region's default VPC, kept (`accountBaseline.deleteDefaultVpc` false)",
}

// writeAccountHeadline states what AWS Config will show for the whole
// account and region, exceptions included.
func writeAccountHeadline(b *bytes.Buffer, g *docSet) error {
	a := g.account
	shown := a.Shown()
	failing, unexcepted := a.Failing()
	b.WriteString("## The whole account and region\n\n")
	fmt.Fprintf(b, "**AWS Config will show %d of %d rules NON_COMPLIANT**, on %d resource verdicts; ",
		shown[conformance.NonCompliant], len(a.Verdicts), failing)
	if unexcepted == 0 {
		b.WriteString("every one is an accepted exception below, with why and what ends it. ")
	} else {
		fmt.Fprintf(b, "**%d of them have no exception**. ", unexcepted)
	}
	fmt.Fprintf(b, "AWS Config shows an accepted exception as NON_COMPLIANT all the same: it knows no exception. "+
		"%d rules show COMPLIANT, %d have nothing in scope, and %d are processes (PROCESS).\n\n",
		shown[conformance.Compliant], shown[conformance.NotApplicable], shown[conformance.Process])
	b.WriteString("The pack the owning stack deploys judges every resource AWS Config records in the account and region, so this\n" +
		"prediction joins every source AWS Config will find there (`synth.PredictAccount`):\n\n")
	var rows [][]string
	for _, name := range a.Sources {
		what, ok := accountSources[name]
		if !ok {
			what = "stack `" + name + "`, with what AWS creates for it: each target-tracking policy's two alarms, automated snapshots, " +
				"AWS Backup's recovery points, GuardDuty's endpoint and security group where Fargate tasks run (`conformance.AWSCreated`; names start `" +
				conformance.AWSCreatedPrefix + "`)"
		}
		n := map[string]bool{}
		for _, v := range a.Verdicts {
			for _, r := range v.Rows {
				if r.Source == name {
					n[r.Resource] = true
				}
			}
		}
		rows = append(rows, []string{name, what, fmt.Sprint(len(n))})
	}
	mdTable(b, []string{"source", "what it is", "resources judged"}, rows)
	deleted := false
	for _, r := range g.stacks {
		if r.Stack.Config.OwnsAccountSingletons && r.Stack.Config.AccountBaseline.DeleteDefaultVpc {
			deleted = true
		}
	}
	if deleted {
		b.WriteString("\nThe region's default VPC is not among them: the owning stack's `accountBaseline.deleteDefaultVpc` says it is\n" +
			"deleted, by the procedure [preflight](../preflight.md) prints and checks before every preview and up.\n")
	}
	b.WriteString("\n")
	return nil
}

// resourceList renders rows as "source: `a`, `b`; source: ...".
func resourceList(rows []conformance.AccountRow, keep func(conformance.AccountRow) bool) string {
	var parts []string
	var cur string
	var names []string
	flush := func() {
		if len(names) > 0 {
			parts = append(parts, cur+": "+strings.Join(names, ", "))
		}
		names = nil
	}
	for _, r := range rows {
		if !keep(r) {
			continue
		}
		if r.Source != cur {
			flush()
			cur = r.Source
		}
		names = append(names, code(r.Resource))
	}
	flush()
	return strings.Join(parts, "; ")
}

// writeAccountVerdicts lists every rule with what AWS Config will show and
// the resources it judges, compliant ones included.
func writeAccountVerdicts(b *bytes.Buffer, a *conformance.AccountReport) {
	b.WriteString("\n## Every verdict with its resources\n\n" +
		"Every rule of the pack over the whole account, as AWS Config will show it, with each resource it judges\n" +
		"(by source and logical name). Rules with nothing in scope are listed last.\n\n")
	var rows, empty [][]string
	for _, v := range a.Verdicts {
		switch v.Shown {
		case conformance.NotApplicable:
			empty = append(empty, []string{v.Identifier})
			continue
		case conformance.Process:
			rows = append(rows, []string{v.Identifier, string(v.Shown), "an account process: see below", ""})
			continue
		}
		rows = append(rows, []string{v.Identifier, string(v.Status),
			resourceList(v.Rows, func(r conformance.AccountRow) bool { return r.Status == conformance.Compliant }),
			resourceList(v.Rows, func(r conformance.AccountRow) bool { return r.Status != conformance.Compliant })})
	}
	mdTable(b, []string{"rule", "predicted", "compliant", "non-compliant (EXCEPTED: accepted above)"}, rows)
	var names []string
	for _, e := range empty {
		names = append(names, e[0])
	}
	fmt.Fprintf(b, "\nNothing in scope anywhere in the account (AWS Config shows no result): %s.\n", strings.Join(names, ", "))
}

// writeSafeguardMatrix renders the pack by HIPAA Security Rule section:
// each section's rules with the source of the mapping, the resources judged
// and the predicted verdict; rules no source maps are listed as not mapped.
func writeSafeguardMatrix(b *bytes.Buffer, a *conformance.AccountReport) {
	verdicts := map[string]conformance.AccountVerdict{}
	for _, v := range a.Verdicts {
		verdicts[v.Rule] = v
	}
	bySection := map[string][]conformance.ManagedRule{}
	for _, r := range conformance.HIPAARules {
		sections := r.Safeguards
		if len(sections) == 0 {
			sections = []string{"not mapped"}
		}
		for _, sg := range sections {
			bySection[sg] = append(bySection[sg], r)
		}
	}
	b.WriteString("\n## HIPAA safeguards\n\n" +
		"Each HIPAA Security Rule section, the pack's rules mapped to it with where that mapping comes from, the\n" +
		"resources each rule judges in the account, and the predicted verdict. \"not mapped\": no source this\n" +
		"repository could read gives the rule's section (`conformance.UnmappedRules`); the controls of this stack\n" +
		"outside the pack are in [guardrails.md](guardrails.md) and [the auditor's guide](../auditor.md).\n\n")
	sections := slices.Sorted(maps.Keys(bySection))
	sections = append(slices.DeleteFunc(sections, func(s string) bool { return s == "not mapped" }), "not mapped")
	var rows [][]string
	for _, sg := range sections {
		for _, r := range bySection[sg] {
			v := verdicts[r.Name]
			source := string(r.SafeguardSource)
			if source == "" {
				source = "none"
			}
			judged := fmt.Sprint(len(v.Rows))
			if v.Shown == conformance.Process {
				judged = "process"
			}
			rows = append(rows, []string{sg, r.Name, source, judged, string(v.Status)})
		}
	}
	mdTable(b, []string{"safeguard", "rule", "mapping source", "resources judged", "predicted"}, rows)
}

// writeOtherRegions renders the prediction of every region but the first:
// AWS Config is regional, so what a stack creates in its recovery region is
// judged by the pack of the stack that owns that region's singletons.
func writeOtherRegions(b *bytes.Buffer, g *docSet) {
	if len(g.regions) < 2 {
		return
	}
	b.WriteString("\n## Other regions\n\n" +
		"AWS Config records and judges each region on its own. A stack's resources in its recovery region (its\n" +
		"replicas, its recovery vault and their keys) are judged by the pack of the stack that owns that region's\n" +
		"singletons; the verdicts above are the first region's only.\n\n")
	var rows [][]string
	for _, r := range g.regions[1:] {
		if r.Report == nil {
			rows = append(rows, []string{r.Region, strings.Join(r.Sources, ", "), "no stack owns the region's singletons: AWS Config judges nothing there", "", ""})
			continue
		}
		shown := r.Report.Shown()
		failing, unexcepted := r.Report.Failing()
		rows = append(rows, []string{r.Region, strings.Join(r.Sources, ", "),
			fmt.Sprintf("%s deploys the pack: %d rules NON_COMPLIANT (%d resource verdicts), %d COMPLIANT", r.Owner, shown[conformance.NonCompliant], failing, shown[conformance.Compliant]),
			fmt.Sprint(unexcepted),
			resourceListAll(r.Report)})
	}
	mdTable(b, []string{"region", "sources", "what AWS Config will show", "failures without an exception", "non-compliant (EXCEPTED: accepted above)"}, rows)
}

// resourceListAll lists every failing verdict of a report as "RULE: source: `a`; ...".
func resourceListAll(a *conformance.AccountReport) string {
	var parts []string
	for _, v := range a.Verdicts {
		if l := resourceList(v.Rows, func(r conformance.AccountRow) bool { return r.Status != conformance.Compliant }); l != "" {
			parts = append(parts, v.Identifier+" ("+l+")")
		}
	}
	return strings.Join(parts, "; ")
}
