package synth

import (
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/security"
)

// ConformanceView turns the recorded resources into the evaluator's view.
func (r *Result) ConformanceView() *conformance.Stack { return r.conformanceViewIn("") }

// conformanceViewIn is ConformanceView of what the stack creates in one
// region ("" for every region): AWS Config records each region on its own.
func (r *Result) conformanceViewIn(region string) *conformance.Stack {
	s := &conformance.Stack{}
	for _, res := range r.Resources {
		if res.Component || strings.HasPrefix(res.Type, ProviderType) || (region != "" && res.Region != region) {
			continue
		}
		s.Resources = append(s.Resources, &conformance.Resource{
			Type: res.Type, Name: res.Name, ID: res.ID, Inputs: res.Inputs, Outputs: res.Computed, Protect: res.Protect,
		})
	}
	return s
}

// ConformanceRules are the HIPAA pack's rules with their parameters as deployed:
// a reference to a pack input parameter resolved to this stack's value (its
// own VPC authorized: PredictAccount judges whether the owning stack's
// lookup authorizes it).
func (r *Result) ConformanceRules() []conformance.Rule {
	vpc := ""
	if v := r.OfType("aws:ec2/vpc:Vpc"); len(v) > 0 {
		vpc = v[0].ID
	}
	return rulesWith(r.packInputs(vpc))
}

// packInputs are the values the pack's input parameters take, as platform
// hands them over, with vpc the authorized VPCs: the ALB's internet ports,
// and the principals the vault policy exempts in the offline account (the
// account's pack, owned by one stack, names the same deploy role for every
// stack in it).
func (r *Result) packInputs(vpc string) map[string]string {
	account := naming.NewScope(r.Config.Project, AccountID, r.Config.Values["aws:region"])
	return map[string]string{
		"AuthorizedTcpPorts":             security.InternetPorts(),
		"AuthorizedVpcIds":               vpc,
		conformance.VaultPolicyAdminArns: strings.Join(data.VaultPolicyAdmins(account), ","),
	}
}

// predictConformance evaluates the HIPAA pack over what the run registered.
func (r *Result) predictConformance() error {
	rep, err := conformance.Evaluate(r.ConformanceRules(), r.ConformanceView(), conformance.Checks, conformance.For(r.Config.Stack, conformance.HIPAAExceptions))
	if err != nil {
		return fmt.Errorf("predict the HIPAA conformance pack: %w", err)
	}
	r.Conformance = rep
	return nil
}

var conformanceSection = Section{
	Title: "HIPAA conformance pack, predicted",
	Write: func(r *Result, w io.Writer) error {
		if r.Conformance == nil {
			return fmt.Errorf("no prediction")
		}
		counts := r.Conformance.Counts()
		var parts []string
		for _, s := range conformance.Statuses {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
		fmt.Fprintf(w, "%d rules: %s\n\n", len(r.Conformance.Verdicts), strings.Join(parts, ", "))
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
