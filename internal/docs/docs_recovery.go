package docs

import (
	"bytes"
	"fmt"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/recovery"
	"github.com/omnirapeutic/infrastructure/storage"
)

// RecoveryObjectivesDoc is the generated page of recovery objectives.
const RecoveryObjectivesDoc = "rpo-rto.md"

// recoveryDeployment is the committed stack that brings r up in its
// recovery region: the one deployed in that region; r itself (the same
// program, the same shape) when none is committed.
func (g *docSet) recoveryDeployment(r *synth.Result) *synth.Result {
	for _, o := range g.stacks {
		if o != r && o.Stack.Config.Region == r.Stack.Config.Recovery.Region {
			return o
		}
	}
	return r
}

// minutes renders a duration in minutes, with hours when it is long.
func minutes(m float64) string {
	if m >= 120 {
		return fmt.Sprintf("%g min (%.1f h)", m, m/60)
	}
	return fmt.Sprintf("%g min", m)
}

// writeRecoveryObjectivesDoc renders the recovery point and time objectives
// every stack's configuration gives, with the arithmetic and its sources.
func writeRecoveryObjectivesDoc(b *bytes.Buffer, g *docSet) error {
	b.WriteString("# Recovery point and time objectives, from the configuration\n\n" +
		"For each data store of each stack: how much data a loss can take (the recovery point objective, RPO) and how\n" +
		"long bringing it back takes (the recovery time objective, RTO), in the stack's region (point-in-time restore)\n" +
		"and, for a stack with `recovery.region`, after losing the region (the last copy there, and the recovery\n" +
		"deployment brought up). Every figure is computed from the synthesized stacks and the figures below, each\n" +
		"with its source (`recovery/`); the runbook is [Lose the region](../runbooks.md#lose-the-region), and the\n" +
		"weekly restore test and the backup audit check the restore figure against reality\n" +
		"([auditor's guide](../auditor.md#disaster-recovery-evidence)).\n\n")

	b.WriteString("## The figures\n\n")
	mdTable(b, []string{"figure", "minutes", "source"}, [][]string{
		{"point-in-time restore reaches back to (lag behind now)", fmt.Sprint(recovery.PointInTimeLag.Minutes), recovery.PointInTimeLag.Source},
		{"Aurora cluster restore (snapshot or point in time), before its instances", fmt.Sprint(recovery.AuroraRestore.Minutes), recovery.AuroraRestore.Source},
		{"CloudTrail delivery to the trail's bucket", fmt.Sprint(recovery.TrailDelivery.Minutes), recovery.TrailDelivery.Source},
		{"AWS Config snapshot delivery", fmt.Sprint(recovery.ConfigDelivery.Minutes), recovery.ConfigDelivery.Source},
		{"AWS Backup Audit Manager report", fmt.Sprint(recovery.ReportDelivery.Minutes), recovery.ReportDelivery.Source},
		{"S3 replication to the recovery region (Replication Time Control)", fmt.Sprint(storage.ReplicationTimeMinutes), "S3 User Guide, S3 Replication Time Control: 99.99 percent of new objects within 15 minutes"},
		{"backup job start window, completion window", fmt.Sprintf("%d, %d", data.StartWindowMinutes, data.CompletionWindowMinutes), "the backup plan's rules (data.StartWindowMinutes, data.CompletionWindowMinutes)"},
	})
	b.WriteString("\nCreation time of each resource type in a deploy (every other type: " + minutes(recovery.DefaultCreation.Minutes) +
		", " + recovery.DefaultCreation.Source + "):\n\n")
	var rows [][]string
	for _, t := range recovery.Timed() {
		f := recovery.Creation(t)
		rows = append(rows, []string{code(t), fmt.Sprint(f.Minutes), f.Source})
	}
	mdTable(b, []string{"type", "minutes", "source"}, rows)

	for _, r := range g.stacks {
		if err := writeStackObjectives(b, g, r); err != nil {
			return fmt.Errorf("%s: %w", r.Config.Stack, err)
		}
	}
	return nil
}

// writeStackObjectives renders one stack's objectives.
func writeStackObjectives(b *bytes.Buffer, g *docSet, r *synth.Result) error {
	cfg := r.Stack.Config
	fmt.Fprintf(b, "\n## %s\n\n", r.Config.Stack)
	instance := recovery.Creation("aws:rds/clusterInstance:ClusterInstance").Minutes
	inRegionRTO := recovery.AuroraRestore.Minutes + instance
	rows := [][]string{{
		"Aurora", "in " + cfg.Region + ": point-in-time restore",
		minutes(recovery.PointInTimeLag.Minutes),
		fmt.Sprintf("any second of the last %d days (aurora.backupRetentionDays) up to the latest restorable time", cfg.Aurora.BackupRetentionDays),
		minutes(inRegionRTO) + " + the cut-over",
		fmt.Sprintf("cluster restore %g + writer instance %g; then the manual cut-over by renaming ([runbook](../runbooks.md#restore-aurora-to-a-point-in-time))",
			recovery.AuroraRestore.Minutes, instance),
	}}
	if !cfg.Recovery.Enabled() {
		fmt.Fprintf(b, "No recovery region (`recovery.region` is empty): nothing leaves %s, and losing the region loses the stack's\n"+
			"data with it. In the region:\n\n", cfg.Region)
		mdTable(b, []string{"store", "scenario", "RPO", "how", "RTO", "how"}, rows)
		return nil
	}
	target := g.recoveryDeployment(r)
	path, err := synth.DeployCriticalPath(target, true)
	if err != nil {
		return err
	}
	daily := 24 * 60.0
	crossRPO := daily + data.StartWindowMinutes + data.CompletionWindowMinutes
	replicated := recovery.TrailDelivery.Minutes + storage.ReplicationTimeMinutes
	rows = append(rows,
		[]string{"Aurora", "losing " + cfg.Region + ": the last copy in " + cfg.Recovery.Region,
			minutes(crossRPO) + " + the copy's transfer",
			fmt.Sprintf("the daily rule runs every %g min; its snapshot starts within %d and completes within %d min, and only then is it copied (the copy's own duration is in the copy job report); point-in-time restore does not cross regions", daily, data.StartWindowMinutes, data.CompletionWindowMinutes),
			minutes(path.Minutes) + " + the manual steps",
			fmt.Sprintf("the critical path of deploying stack %s with the cluster restored from the copy (below)", target.Config.Stack)},
		[]string{"CloudTrail log files", "losing " + cfg.Region, minutes(replicated),
			fmt.Sprintf("delivery %g + replication %d, the RTC commitment", recovery.TrailDelivery.Minutes, storage.ReplicationTimeMinutes),
			"none", "the replica is readable where it is (" + code(storage.ReplicaName(compliance.TrailBucketName(r.Stack.Scope))) + ")"},
	)
	if r.Stack.Recorder != nil {
		rows = append(rows, []string{"AWS Config history", "losing " + cfg.Region, minutes(recovery.ConfigDelivery.Minutes + storage.ReplicationTimeMinutes),
			fmt.Sprintf("snapshot every %g + replication %d", recovery.ConfigDelivery.Minutes, storage.ReplicationTimeMinutes),
			"none", "the replica is readable where it is (" + code(storage.ReplicaName(compliance.ConfigBucketName(r.Stack.Scope))) + ")"})
	}
	if r.Stack.BackupAudit != nil {
		rows = append(rows, []string{"backup reports", "losing " + cfg.Region, minutes(recovery.ReportDelivery.Minutes + storage.ReplicationTimeMinutes),
			fmt.Sprintf("a report every %g + replication %d", recovery.ReportDelivery.Minutes, storage.ReplicationTimeMinutes),
			"none", "the replica is readable where it is (" + code(storage.ReplicaName(compliance.BackupReportsBucketName(r.Stack.Scope))) + ")"})
	}
	mdTable(b, []string{"store", "scenario", "RPO", "how", "RTO", "how"}, rows)

	custom := 0
	for _, res := range target.Resources {
		if !res.Component {
			custom++
		}
	}
	fmt.Fprintf(b, "\nThe deploy's critical path: stack %s, %d resources, the longest chain of its dependency graph (`synth.DeployCriticalPath`),\n"+
		"each resource created once all it depends on is:\n\n", code(target.Config.Stack), custom)
	rows = nil
	total := 0.0
	for _, n := range path.Nodes {
		if n.Minutes == 0 {
			continue
		}
		total += n.Minutes
		rows = append(rows, []string{code(n.Type), code(n.Name), fmt.Sprint(n.Minutes), fmt.Sprint(total)})
	}
	mdTable(b, []string{"type", "resource", "minutes", "cumulative"}, rows)

	b.WriteString("\nThe manual steps, not in the figure above (each in the runbook):\n\n" +
		"1. Decide the region is lost, and stop writes to it if any still succeed.\n" +
		"2. Log in to a state backend outside the lost region, and create the recovery stack on a secrets provider there.\n" +
		"3. Find the newest copy in `recoveryVaultName` and set its ARN as `recovery.restoreFromSnapshot` of the recovery stack.\n" +
		"4. Run `pulumi up` (the critical path above).\n" +
		"5. Push the services' images to the recovery stack's repositories, fill its API-keys secret, and enable the services.\n" +
		"6. Point DNS at the recovery stack's `albDnsName` (an ACM certificate of that region first, for HTTPS).\n" +
		"7. Confirm the alarm subscriptions, and read the audit trail's replica for what happened before the loss.\n")
	b.WriteString("\nThe deploy creates IAM roles and policies, and IAM has one control plane per partition (IAM User Guide,\n" +
		"\"Resilience in AWS Identity and Access Management\"; AWS Fault Isolation Boundaries, \"Global services\")")
	if region := recovery.IAMControlPlane[r.Stack.Scope.Partition]; region == cfg.Region {
		fmt.Fprintf(b, ", in %s: losing %s also\nstops the deploy's IAM changes until IAM's control plane answers, and the RTO above assumes it does.\n", region, cfg.Region)
	} else if region != "" {
		fmt.Fprintf(b, ", in %s, which is not %s: the RTO above assumes it answers.\n", region, cfg.Region)
	} else {
		b.WriteString(": the RTO above assumes it answers.\n")
	}
	return nil
}
