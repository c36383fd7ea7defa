package cost

import (
	"fmt"

	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// The inputs the disaster-recovery cost lines read.
type (
	frameworkInputs struct {
		Controls []struct {
			Name string `json:"name"`
		} `json:"controls"`
	}
)

// runsPerMonth is how often a backup rule's schedule runs in a month of
// HoursPerMonth hours: the program's two schedules.
func runsPerMonth(schedule string) (float64, error) {
	switch schedule {
	case data.DailySchedule:
		return HoursPerMonth / 24.0, nil
	case data.MonthlySchedule:
		return 1, nil
	}
	return 0, fmt.Errorf("backup schedule %q: the cost model knows %q (daily) and %q (monthly)", schedule, data.DailySchedule, data.MonthlySchedule)
}

// recoveryCost adds what a recovery region costs: each copy to it leaves
// the region (AWS Backup's cross-region data transfer), the copies are kept
// there (warm storage in the recovery vault), the audit buckets replicate
// (inter-region transfer and S3 Replication Time Control), their replicas
// are stored, and the backup audit's controls are AWS Config rules
// evaluated daily.
func recoveryCost(r *synth.Result, u synth.UsageProfile, add func(res *synth.Resource, key synth.PriceKey, qty float64, floor bool, basis string)) error {
	region := r.Config.Values["aws:region"]
	plans, planIn, err := synth.DecodeAll[synth.BackupPlanInputs](r, "aws:backup/plan:Plan")
	if err != nil {
		return err
	}
	for i, plan := range plans {
		copies := 0.0
		for _, rule := range planIn[i].Rules {
			if len(rule.CopyActions) == 0 {
				continue
			}
			runs, err := runsPerMonth(rule.Schedule)
			if err != nil {
				return synth.Invalid(plan, "rule %s: %v", rule.RuleName, err)
			}
			copies += runs * float64(len(rule.CopyActions))
		}
		// Each copy a full one of the database: AWS Backup copies "in full"
		// the first time, and incrementally after that only "if a service
		// supports incremental backups" (AWS Backup Developer Guide,
		// "Creating backup copies across AWS Regions"), which it does not
		// say of Aurora's cluster snapshots.
		add(plan, BackupCopyTransferGB, copies*u.DatabaseGB, true,
			fmt.Sprintf("%.1f copies a month to the recovery region, each a full copy of databaseGB %g", copies, u.DatabaseGB))
	}
	for _, v := range r.OfType("aws:backup/vault:Vault") {
		if v.Region != "" && v.Region != region {
			add(v, BackupWarmGBMonth, u.RecoveryCopyGB, true, "recoveryCopyGB kept in the recovery region's vault")
		}
	}
	replicas := 0
	for _, b := range r.OfType("aws:s3/bucketV2:BucketV2") {
		if b.Region != "" && b.Region != region {
			replicas++
		}
	}
	for _, b := range r.OfType("aws:s3/bucketV2:BucketV2") {
		if b.Region != "" && b.Region != region {
			add(b, S3StandardGBMonth, u.ReplicaGB/float64(replicas), true, fmt.Sprintf("replicaGB %g split over %d replicas", u.ReplicaGB, replicas))
		}
	}
	rules := r.OfType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
	for _, rule := range rules {
		share := u.ReplicatedGB / float64(len(rules))
		basis := fmt.Sprintf("replicatedGB %g split over %d replicated buckets", u.ReplicatedGB, len(rules))
		add(rule, S3ReplicationTransferGB, share, false, basis)
		add(rule, S3ReplicationTimeControlGB, share, false, basis)
	}
	frameworks, frameworkIn, err := synth.DecodeAll[frameworkInputs](r, "aws:backup/framework:Framework")
	if err != nil {
		return err
	}
	for i, f := range frameworks {
		n := len(frameworkIn[i].Controls)
		add(f, ConfigRuleEvaluation, float64(n)*u.ConfigEvaluationsPerRule, true,
			fmt.Sprintf("%d controls, each an AWS Config rule, x configEvaluationsPerRule %g", n, u.ConfigEvaluationsPerRule))
	}
	return nil
}
