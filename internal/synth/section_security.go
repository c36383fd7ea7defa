package synth

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/omnirapeutic/infrastructure/policy"
)

var securitySection = Section{Title: "Security", Write: writeSecurity}

// KeyUsers reads a key policy and lists who may use the key besides the
// account's administrators: service principals, and services acting for
// this account's principals (kms:ViaService).
func KeyUsers(doc policy.Document) []string {
	seen := map[string]bool{}
	for _, st := range doc.Statement {
		for _, svc := range st.Principal["Service"] {
			seen[svc] = true
		}
		for _, svc := range st.Condition["StringEquals"]["kms:ViaService"] {
			seen["via "+svc] = true
		}
	}
	var out []string
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// GroupRule is one rule of the security-group matrix, resolved to group names.
type GroupRule struct {
	Group, Direction, Peer, Protocol, Ports, Description string
}

// SecurityGroupRules resolves every recorded rule to its group and peer names.
func (r *Result) SecurityGroupRules() []GroupRule {
	var out []GroupRule
	for _, dir := range []string{"ingress", "egress"} {
		typ := "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
		if dir == "egress" {
			typ = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
		}
		for _, rule := range r.OfType(typ) {
			gr := GroupRule{Direction: dir, Protocol: rule.Str("ipProtocol"), Description: rule.Str("description")}
			if g := r.ByID(rule.Str("securityGroupId")); g != nil {
				gr.Group = g.Tag("Name")
			}
			gr.Peer = rule.Str("cidrIpv4")
			if p := r.ByID(rule.Str("referencedSecurityGroupId")); p != nil {
				gr.Peer = p.Tag("Name")
			}
			gr.Ports = "all"
			if gr.Protocol != "-1" {
				from, to := rule.Inputs["fromPort"], rule.Inputs["toPort"]
				gr.Ports = fmt.Sprintf("%v-%v", from, to)
				if from == to {
					gr.Ports = fmt.Sprint(from)
				}
			}
			out = append(out, gr)
		}
	}
	return out
}

func writeSecurity(r *Result, w io.Writer) error {
	var rows [][]string
	for _, k := range r.OfType("aws:kms/key:Key") {
		alias := ""
		for _, a := range r.OfType("aws:kms/alias:Alias") {
			if a.Str("targetKeyId") == k.Computed["keyId"] {
				alias = a.Str("name")
			}
		}
		doc, err := policy.Parse(k.Str("policy"))
		if err != nil {
			return fmt.Errorf("key %s: %w", k.Name, err)
		}
		rows = append(rows, []string{alias, fmt.Sprint(k.Inputs["enableKeyRotation"]), fmt.Sprint(k.Inputs["deletionWindowInDays"]),
			fmt.Sprint(k.Protect), strings.Join(KeyUsers(doc), ", ")})
	}
	fmt.Fprintln(w, "KMS keys (the account root administers each; these may use it):")
	if err := table(w, []string{"ALIAS", "ROTATION", "DELETION WINDOW", "PROTECTED", "USED BY"}, rows); err != nil {
		return err
	}

	rows = nil
	for _, gr := range r.SecurityGroupRules() {
		src, dst := gr.Peer, gr.Group
		if gr.Direction == "egress" {
			src, dst = gr.Group, gr.Peer
		}
		proto := gr.Protocol
		if proto == "-1" {
			proto = "all"
		}
		rows = append(rows, []string{src, dst, proto, gr.Ports, gr.Direction + " rule of " + gr.Group})
	}
	fmt.Fprintln(w, "\nSecurity-group matrix (every rule its own resource):")
	if err := table(w, []string{"SOURCE", "DESTINATION", "PROTOCOL", "PORTS", "RULE"}, rows); err != nil {
		return err
	}

	rows = nil
	for _, s := range r.OfType("aws:secretsmanager/secret:Secret") {
		rows = append(rows, []string{s.Str("name"), s.Str("kmsKeyId"), fmt.Sprint(s.Inputs["recoveryWindowInDays"])})
	}
	fmt.Fprintln(w, "\nSecrets managed here (the database master secret is RDS-managed; see Data):")
	return table(w, []string{"SECRET", "KMS KEY", "RECOVERY WINDOW"}, rows)
}
