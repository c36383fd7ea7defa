package stackconfig

import (
	"errors"
	"fmt"
)

// Backup is the AWS Backup plan's retention. Point-in-time restore keeps
// aurora.backupRetentionDays, the cluster's own setting, which AWS Backup
// takes over once it protects the cluster.
type Backup struct {
	// DailyRetentionDays keeps each daily snapshot (at least 35, what the
	// HIPAA pack's backup-plan rule asks of some rule of the plan).
	DailyRetentionDays int `json:"dailyRetentionDays"`
	// MonthlyRetentionDays keeps each monthly snapshot (at least the daily retention).
	MonthlyRetentionDays int `json:"monthlyRetentionDays"`
}

// MinDailyRetentionDays is the HIPAA pack's requiredRetentionDays default
// for backup-plan-min-frequency-and-min-retention-check.
const MinDailyRetentionDays = 35

// AccountBaseline chooses which account-wide settings this stack owns. An
// organization that manages one centrally sets it false here.
type AccountBaseline struct {
	// EbsEncryptionByDefault encrypts every new EBS volume in the region.
	EbsEncryptionByDefault bool `json:"ebsEncryptionByDefault"`
	// S3PublicAccessBlock blocks public S3 access account-wide.
	S3PublicAccessBlock bool `json:"s3PublicAccessBlock"`
	// PasswordPolicy sets the IAM password policy the HIPAA pack asks for.
	PasswordPolicy bool `json:"passwordPolicy"`
	// DeleteDefaultVpc says the region's default VPC is deleted, by the
	// procedure preflight prints and checks (docs/preflight.md): the
	// account's pack then judges no default VPC. False keeps it, and the
	// account prediction shows the five network rules AWS Config then
	// reports NON_COMPLIANT on it. Nothing this program deploys uses it.
	DeleteDefaultVpc bool `json:"deleteDefaultVpc"`
}

func validateBackup(b Backup, continuousDays int) error {
	key := Key("backup")
	var errs []error
	if b.DailyRetentionDays < MinDailyRetentionDays || b.DailyRetentionDays < continuousDays {
		errs = append(errs, fmt.Errorf("config %s.dailyRetentionDays: %d is below %d days (the HIPAA pack's backup rule) or below aurora.backupRetentionDays %d",
			key, b.DailyRetentionDays, MinDailyRetentionDays, continuousDays))
	}
	if b.MonthlyRetentionDays < b.DailyRetentionDays {
		errs = append(errs, fmt.Errorf("config %s.monthlyRetentionDays: %d is below dailyRetentionDays %d", key, b.MonthlyRetentionDays, b.DailyRetentionDays))
	}
	return errors.Join(errs...)
}
