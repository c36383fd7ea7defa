package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

var evidenceSection = Section{Title: "Backups, access logs, Object Lock, Security Hub, account baseline", Write: writeEvidence}

func writeEvidence(r *synth.Result, w io.Writer) error {
	var facts [][]string
	_, vaults, err := synth.DecodeAll[synth.BackupVaultInputs](r, "aws:backup/vault:Vault")
	if err != nil {
		return err
	}
	for _, v := range vaults {
		facts = append(facts, []string{"backup vault", fmt.Sprintf("%s, KMS %s", v.Name, v.KmsKeyArn)})
	}
	_, locks, err := synth.DecodeAll[synth.VaultLockInputs](r, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")
	if err != nil {
		return err
	}
	for _, l := range locks {
		facts = append(facts, []string{"vault lock", fmt.Sprintf("governance, minimum retention %d days", l.MinRetentionDays)})
	}
	_, plans, err := synth.DecodeAll[synth.BackupPlanInputs](r, "aws:backup/plan:Plan")
	if err != nil {
		return err
	}
	for _, p := range plans {
		for _, rule := range p.Rules {
			facts = append(facts, []string{"backup rule " + rule.RuleName,
				fmt.Sprintf("%s, kept %d days, continuous %v", rule.Schedule, rule.Lifecycle.DeleteAfter, rule.EnableContinuousBackup)})
			for _, c := range rule.CopyActions {
				facts = append(facts, []string{"  copied by " + rule.RuleName, fmt.Sprintf("to %s, kept %d days", c.DestinationVaultArn, c.Lifecycle.DeleteAfter)})
			}
		}
	}
	_, selections, err := synth.DecodeAll[synth.BackupSelectionInputs](r, "aws:backup/selection:Selection")
	if err != nil {
		return err
	}
	for _, s := range selections {
		facts = append(facts, []string{"backed up", strings.Join(strings.Fields(fmt.Sprint(s.Resources)), " ")})
	}
	_, logging, err := synth.DecodeAll[synth.BucketLoggingInputs](r, "aws:s3/bucketLoggingV2:BucketLoggingV2")
	if err != nil {
		return err
	}
	for _, l := range logging {
		name, ok, err := r.BucketName(l.Bucket)
		if err != nil {
			return err
		}
		if ok {
			facts = append(facts, []string{"access logs", fmt.Sprintf("%s -> s3://%s/%s", name, l.TargetBucket, l.TargetPrefix)})
		}
	}
	_, locked, err := synth.DecodeAll[synth.ObjectLockInputs](r, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2")
	if err != nil {
		return err
	}
	for _, l := range locked {
		name, ok, err := r.BucketName(l.Bucket)
		if err != nil {
			return err
		}
		if ok {
			ret := l.Rule.DefaultRetention
			facts = append(facts, []string{"Object Lock", fmt.Sprintf("%s: %s, %d days", name, ret.Mode, ret.Days)})
		}
	}
	_, trails, err := synth.DecodeAll[synth.TrailInputs](r, "aws:cloudtrail/trail:Trail")
	if err != nil {
		return err
	}
	for _, t := range trails {
		for _, s := range t.AdvancedEventSelectors {
			facts = append(facts, []string{"trail records", s.Name})
		}
	}
	_, standards, err := synth.DecodeAll[synth.StandardsSubscriptionInputs](r, "aws:securityhub/standardsSubscription:StandardsSubscription")
	if err != nil {
		return err
	}
	for _, s := range standards {
		facts = append(facts, []string{"Security Hub standard", s.StandardsArn})
	}
	for _, b := range []struct{ typ, what string }{
		{"aws:ebs/encryptionByDefault:EncryptionByDefault", "EBS encryption by default"},
		{"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account S3 public access block"},
		{"aws:iam/accountPasswordPolicy:AccountPasswordPolicy", "IAM password policy"},
	} {
		facts = append(facts, []string{"account baseline: " + b.what, fmt.Sprintf("managed here: %v", len(r.OfType(b.typ)) > 0)})
	}
	return layout.Table(w, []string{"EVIDENCE", ""}, facts)
}
