package stackconfig

import (
	"fmt"
	"strings"
)

// AccountSingletons names what exists once per AWS account and region, and
// therefore belongs to exactly one stack in the account (the one with
// ownsAccountSingletons: true): a second stack creating them fails, and
// destroying a second stack that did would remove them for every stack.
var AccountSingletons = []string{
	"GuardDuty detector (and its features and findings rule)",
	"AWS Config recorder, delivery channel, recorder status and conformance pack (and the Config bucket and role)",
	"Session Manager preferences document (SSM-SessionManagerRunShell)",
	"Security Hub (its account, FSBP subscription and findings rule)",
	"the account baseline (EBS encryption by default, account S3 public access block, IAM password policy)",
	"the ECR registry's scanning configuration (enhanced scanning)",
	"the account-wide tampering routes to the alarm topic (root, IAM, CloudTrail, KMS, Config, S3, console sign-in), so each event pages once",
}

// validateOwnership keeps the owner switch consistent: a stack meant to be
// destroyed (ALB deletion protection off) cannot own the account's
// singletons, or its destroy would take GuardDuty, AWS Config and the
// session-logging preferences away from every stack in the account.
func (c *Config) validateOwnership() error {
	if c.OwnsAccountSingletons && !c.AlbDeletionProtection {
		return fmt.Errorf("config %s: true on a stack whose %s is false: a stack meant to be destroyed must not own what exists once per account (%s); set it to false here, true only in the account's long-lived stack (production)",
			Key("ownsAccountSingletons"), Key("albDeletionProtection"), strings.Join(AccountSingletons, "; "))
	}
	return nil
}
