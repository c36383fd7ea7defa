package docs

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/diagram"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// writeStackDoc renders one stack as synthesized: what it registers, its
// subnets, every report section, and the architecture diagram. The sections
// are the report's own (`go run ./cmd/synth --stack NAME` prints the same),
// so the docs and the report cannot tell different stories.
func writeStackDoc(b *bytes.Buffer, r *synth.Result) error {
	custom := 0
	for _, res := range r.Resources {
		if !res.Component {
			custom++
		}
	}
	fmt.Fprintf(b, "# The %s stack, as synthesized\n\n", r.Config.Stack)
	fmt.Fprintf(b, "What `pulumi up` of `Pulumi.%s.yaml` registers: %d resources in %d components, from the offline\n"+
		"synthesis (`go run ./cmd/synth --stack %s` prints the same sections). Names, settings and counts are the\n"+
		"program's; IDs, ARNs and the account (%s) are the offline mock's.\n",
		r.Config.Stack, custom, len(r.Resources)-custom, r.Config.Stack, synth.AccountID)

	if r.Stack != nil && len(r.Stack.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, w := range r.Stack.Warnings {
			fmt.Fprintf(b, "- %s\n", w)
		}
	}

	b.WriteString("\n## Subnets\n\n")
	if err := writeSubnetTable(b, r); err != nil {
		return err
	}

	// The picture comes before the tables: every subnet, group, rule and
	// sink, drawn from the same resources (the README shows its overview).
	b.WriteString("\n## Architecture diagram\n\n```mermaid\n")
	if err := diagram.Write(b, r); err != nil {
		return err
	}
	b.WriteString("```\n")

	b.WriteString("\n## Resources by component\n\n")
	var rows [][]string
	for _, g := range r.ComponentGroups() {
		var counts []string
		for _, tc := range g.Counts {
			counts = append(counts, fmt.Sprintf("%d %s", tc.Count, tc.Type))
		}
		rows = append(rows, []string{code(g.Name), code(g.Type), strings.Join(counts, ", ")})
	}
	mdTable(b, []string{"component", "type", "resources it registers directly"}, rows)

	b.WriteString("\n## Protected and retained resources\n\n")
	if err := writeProtectedTable(b, r); err != nil {
		return err
	}

	for _, s := range append(slices.Clone(report.DetailSections), report.CostSection) {
		var out bytes.Buffer
		if err := report.WriteSection(&out, s, r); err != nil {
			return err
		}
		fmt.Fprintf(b, "\n## %s\n\n```text\n%s", s.Title, trimLines(out.String()))
		b.WriteString("```\n")
	}

	return nil
}

// writeProtectedTable lists every resource registered with Pulumi's
// protect or retainOnDelete option: what `pulumi destroy` refuses, and what
// AWS keeps after Pulumi forgets it. The hand-written docs link here rather
// than keep a list of their own.
func writeProtectedTable(b *bytes.Buffer, r *synth.Result) error {
	b.WriteString("`pulumi destroy` refuses a **protected** resource until `pulumi state unprotect` lifts it; a\n" +
		"**retained** one is only forgotten by Pulumi when deleted, and stays in AWS. Physical names are the offline\n" +
		"mock's where they include the account.\n\n")
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
		physical := p.Physical
		if physical != "" {
			physical = code(physical)
		}
		rows = append(rows, []string{code(p.Type), code(p.Name), physical, yes(p.Protect), yes(p.RetainOnDelete)})
	}
	mdTable(b, []string{"type", "logical name", "physical name", "protect", "retainOnDelete"}, rows)
	return nil
}

// writeSubnetTable pivots the subnets: a row per tier, a column per AZ with
// the subnet's CIDR, and where the tier's default route goes.
func writeSubnetTable(b *bytes.Buffer, r *synth.Result) error {
	routes, err := r.SubnetRoutes()
	if err != nil {
		return err
	}
	var tiers, azs []string
	cidr := map[[2]string]string{}
	targets := map[string][]string{}
	for _, s := range routes {
		if !slices.Contains(tiers, s.Tier) {
			tiers = append(tiers, s.Tier)
		}
		if !slices.Contains(azs, s.AZ) {
			azs = append(azs, s.AZ)
		}
		cidr[[2]string{s.Tier, s.AZ}] = s.CIDR
		if !slices.Contains(targets[s.Tier], s.Target) {
			targets[s.Tier] = append(targets[s.Tier], s.Target)
		}
	}
	slices.Sort(azs)
	vpc := ""
	if v := r.Find("aws:ec2/vpc:Vpc", "network-vpc"); v != nil {
		in, err := synth.Decode[synth.VpcInputs](v)
		if err != nil {
			return err
		}
		vpc = in.CidrBlock
	}
	fmt.Fprintf(b, "VPC %s; one subnet per tier and AZ. The default route (0.0.0.0/0) of each tier goes to:\n\n", code(vpc))
	var rows [][]string
	for _, t := range tiers {
		row := []string{t}
		for _, az := range azs {
			row = append(row, code(cidr[[2]string{t, az}]))
		}
		rows = append(rows, append(row, strings.Join(targets[t], ", ")))
	}
	mdTable(b, append(append([]string{"tier"}, azs...), "default route"), rows)
	return nil
}

// trimLines drops the trailing spaces tabwriter leaves, which Markdown
// would keep and editors strip.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	out := strings.Join(lines, "\n")
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out
}
