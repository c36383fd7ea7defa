package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
)

var securitySection = Section{Title: "Security", Write: writeSecurity}

// KeyUsers reads a key policy and lists who may use the key: service
// principals, services acting for this account's principals
// (kms:ViaService), and the roles it names for direct use ("role/NAME").
func KeyUsers(doc policy.Document) []string {
	seen := map[string]bool{}
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, svc := range st.Principal["Service"] {
			seen[svc] = true
		}
		for _, svc := range st.Condition["StringEquals"]["kms:ViaService"] {
			seen["via "+svc] = true
		}
		if st.Sid != security.AdministerSid && st.Sid != security.BreakGlassSid {
			for _, arn := range st.Condition["ArnEquals"]["aws:PrincipalArn"] {
				seen[principalName(arn)] = true
			}
		}
	}
	var out []string
	for u := range seen {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// KeyCustody reads a key policy and lists who administers the key and who
// alone may disable it or schedule its deletion ("role/NAME", "root").
func KeyCustody(doc policy.Document) (admins, breakGlass []string) {
	for _, st := range doc.Statement {
		switch st.Sid {
		case security.AdministerSid:
			for _, arn := range st.Condition["ArnLike"]["aws:PrincipalArn"] {
				admins = append(admins, principalName(arn))
			}
		case security.BreakGlassSid:
			for _, arn := range st.Condition["ArnEquals"]["aws:PrincipalArn"] {
				breakGlass = append(breakGlass, principalName(arn))
			}
		}
	}
	return admins, breakGlass
}

// principalName is an IAM principal ARN's resource part ("role/x", "root").
func principalName(arn string) string {
	if a, err := naming.ParseARN(arn); err == nil {
		return a.Resource
	}
	return arn
}

func writeSecurity(r *synth.Result, w io.Writer) error {
	aliases, err := r.KeyAliases()
	if err != nil {
		return err
	}
	keys, keyIn, err := synth.DecodeAll[synth.KeyInputs](r, "aws:kms/key:Key")
	if err != nil {
		return err
	}
	var rows [][]string
	for i, k := range keys {
		keyID, _ := k.Computed["keyId"].(string)
		alias := aliases[keyID]
		doc, err := policy.Parse(keyIn[i].Policy)
		if err != nil {
			return fmt.Errorf("key %s: %w", k.Name, err)
		}
		admins, breakGlass := KeyCustody(doc)
		rows = append(rows, []string{alias, fmt.Sprint(keyIn[i].EnableKeyRotation), fmt.Sprint(keyIn[i].DeletionWindowInDays),
			fmt.Sprint(k.Protect), strings.Join(admins, ", "), strings.Join(breakGlass, ", "), strings.Join(KeyUsers(doc), ", ")})
	}
	fmt.Fprintln(w, "KMS keys (who administers each, who alone may disable it or schedule its deletion, who may use it):")
	if err := layout.Table(w, []string{"ALIAS", "ROTATION", "DELETION WINDOW", "PROTECTED", "ADMINISTERED BY", "BREAK GLASS", "USED BY"}, rows); err != nil {
		return err
	}

	groupRules, err := r.SecurityGroupRules()
	if err != nil {
		return err
	}
	rows = nil
	for _, gr := range groupRules {
		src, dst := gr.Peer, gr.Group
		if gr.Direction == string(security.Egress) {
			src, dst = gr.Group, gr.Peer
		}
		proto := gr.Protocol
		if proto == "-1" {
			proto = "all"
		}
		rows = append(rows, []string{src, dst, proto, gr.Ports, gr.Direction + " rule of " + gr.Group})
	}
	fmt.Fprintln(w, "\nSecurity-group matrix (every rule its own resource):")
	if err := layout.Table(w, []string{"SOURCE", "DESTINATION", "PROTOCOL", "PORTS", "RULE"}, rows); err != nil {
		return err
	}

	_, secrets, err := synth.DecodeAll[synth.SecretInputs](r, "aws:secretsmanager/secret:Secret")
	if err != nil {
		return err
	}
	rows = nil
	for _, s := range secrets {
		rows = append(rows, []string{s.Name, s.KmsKeyID, fmt.Sprint(s.RecoveryWindowInDays)})
	}
	fmt.Fprintln(w, "\nSecrets managed here (the database master secret is RDS-managed; see Data):")
	return layout.Table(w, []string{"SECRET", "KMS KEY", "RECOVERY WINDOW"}, rows)
}
