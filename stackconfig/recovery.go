package stackconfig

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/omnirapeutic/infrastructure/naming"
)

// Recovery is the stack's disaster recovery (omnirapeutic:recovery): where
// its backups and audit logs are copied, and what its database was restored
// from. Both fields are optional; a stack without a recovery region (staging)
// keeps everything in its own region.
type Recovery struct {
	// Region is the recovery region, another region of the stack's
	// partition: the daily and monthly recovery points are copied to a
	// vault there, the audit buckets replicate to buckets there, and the
	// restore tests and the backup audit run. Empty: none of it.
	Region string `json:"region,omitempty"`
	// RestoreFromSnapshot is the ARN of an Aurora cluster snapshot in the
	// stack's own region (a recovery point of a vault, as AWS Backup lists
	// it) that the cluster is created from. It is read when the cluster is
	// created: RDS restores the snapshot (RestoreDBClusterFromSnapshot), and
	// a later change would replace the protected cluster, which `pulumi up`
	// refuses. Empty: a new, empty cluster.
	RestoreFromSnapshot string `json:"restoreFromSnapshot,omitempty"`
}

// Enabled reports whether the stack has a recovery region.
func (r Recovery) Enabled() bool { return r.Region != "" }

// snapshotARNPattern is an Aurora cluster snapshot's ARN, the form AWS
// Backup lists a recovery point of an Aurora cluster in
// (arn:PARTITION:rds:REGION:ACCOUNT:cluster-snapshot:awsbackup:job-...).
var snapshotARNPattern = regexp.MustCompile(`^arn:(aws[a-z-]*):rds:([a-z0-9-]+):(\d{12}):cluster-snapshot:[A-Za-z0-9:-]+$`)

// validateRecovery checks the recovery region against the stack's own and
// the snapshot against the region the cluster is created in.
func validateRecovery(r Recovery, region string) error {
	key := Key("recovery")
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("config "+key+"."+format, args...))
	}
	switch {
	case r.Region == "":
	case !regionPattern.MatchString(r.Region):
		bad("region: %q is not an AWS region name: set another region of the stack's partition (for example `pulumi config set --path %s.region <region>`), or leave it empty for none", r.Region, key)
	case r.Region == region:
		bad("region: %q is the stack's own region (aws:region): a recovery region must be another one, so that losing %s does not lose the copies; choose another region of partition %s, or leave it empty",
			r.Region, region, naming.Partition(region))
	case naming.Partition(r.Region) != naming.Partition(region):
		bad("region: %q is in partition %s, and aws:region %s is in %s: AWS Backup copies and S3 replication stay within a partition; choose a region of %s",
			r.Region, naming.Partition(r.Region), region, naming.Partition(region), naming.Partition(region))
	}
	if s := r.RestoreFromSnapshot; s != "" {
		m := snapshotARNPattern.FindStringSubmatch(s)
		switch {
		case m == nil:
			bad("restoreFromSnapshot: %q is not an Aurora cluster snapshot ARN (arn:PARTITION:rds:REGION:ACCOUNT:cluster-snapshot:NAME, the RecoveryPointArn `aws backup list-recovery-points-by-backup-vault` prints); set that ARN, or leave it empty for a new cluster", s)
		case m[2] != region:
			bad("restoreFromSnapshot: %q is in %s, but RDS restores a cluster only from a snapshot in the cluster's own region %s: name a recovery point of a vault in %s (the copies production's plan makes there)", s, m[2], region, region)
		case m[1] != naming.Partition(region):
			bad("restoreFromSnapshot: %q is in partition %s; region %s is in %s", s, m[1], region, naming.Partition(region))
		}
	}
	return errors.Join(errs...)
}

// defaultTags is aws:defaultTags as the stack file sets it: the tags the
// AWS provider adds to every resource it creates.
type defaultTags struct {
	Tags map[string]string `json:"tags"`
}
