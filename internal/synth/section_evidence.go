package synth

import (
	"fmt"
	"io"
	"strings"
)

var evidenceSection = Section{Title: "Backups, access logs, Object Lock, Security Hub, account baseline", Write: writeEvidence}

func writeEvidence(r *Result, w io.Writer) error {
	var facts [][]string
	for _, v := range r.OfType("aws:backup/vault:Vault") {
		facts = append(facts, []string{"backup vault", fmt.Sprintf("%s, KMS %s", v.Str("name"), v.Str("kmsKeyArn"))})
	}
	for _, l := range r.OfType("aws:backup/vaultLockConfiguration:VaultLockConfiguration") {
		facts = append(facts, []string{"vault lock", fmt.Sprintf("governance, minimum retention %v days", l.Inputs["minRetentionDays"])})
	}
	for _, p := range r.OfType("aws:backup/plan:Plan") {
		for _, x := range p.Inputs["rules"].([]any) {
			rule := x.(map[string]any)
			life, _ := rule["lifecycle"].(map[string]any)
			facts = append(facts, []string{"backup rule " + fmt.Sprint(rule["ruleName"]),
				fmt.Sprintf("%v, kept %v days, continuous %v", rule["schedule"], life["deleteAfter"], rule["enableContinuousBackup"])})
		}
	}
	for _, s := range r.OfType("aws:backup/selection:Selection") {
		facts = append(facts, []string{"backed up", strings.Join(strings.Fields(fmt.Sprint(s.Inputs["resources"])), " ")})
	}
	for _, l := range r.OfType("aws:s3/bucketLoggingV2:BucketLoggingV2") {
		if b := r.ByID(l.Str("bucket")); b != nil {
			facts = append(facts, []string{"access logs", fmt.Sprintf("%s -> s3://%s/%s", b.Str("bucket"), l.Str("targetBucket"), l.Str("targetPrefix"))})
		}
	}
	for _, l := range r.OfType("aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2") {
		if b := r.ByID(l.Str("bucket")); b != nil {
			ret, _ := l.Inputs["rule"].(map[string]any)["defaultRetention"].(map[string]any)
			facts = append(facts, []string{"Object Lock", fmt.Sprintf("%s: %v, %v days", b.Str("bucket"), ret["mode"], ret["days"])})
		}
	}
	for _, t := range r.OfType("aws:cloudtrail/trail:Trail") {
		for _, x := range asList(t.Inputs["advancedEventSelectors"]) {
			facts = append(facts, []string{"trail records", fmt.Sprint(x.(map[string]any)["name"])})
		}
	}
	for _, s := range r.OfType("aws:securityhub/standardsSubscription:StandardsSubscription") {
		facts = append(facts, []string{"Security Hub standard", s.Str("standardsArn")})
	}
	for _, b := range []struct{ typ, what string }{
		{"aws:ebs/encryptionByDefault:EncryptionByDefault", "EBS encryption by default"},
		{"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account S3 public access block"},
		{"aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "IAM password policy"},
	} {
		facts = append(facts, []string{"account baseline: " + b.what, fmt.Sprintf("managed here: %v", len(r.OfType(b.typ)) > 0)})
	}
	return table(w, []string{"EVIDENCE", ""}, facts)
}

func asList(v any) []any { l, _ := v.([]any); return l }
