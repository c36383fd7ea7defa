package docs

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
)

// OutputPurpose says what one stack output is for.
type OutputPurpose struct {
	// Output is the stack output's name.
	Output string
	// Purpose is what a reader uses it for.
	Purpose string
}

// OutputPurposes says what each stack output is for, in the order a reader
// meets the tiers, for the generated outputs table. An output the program
// exports without an entry here, or an entry no stack exports, fails the
// docs generation (and so the docs test).
var OutputPurposes = []OutputPurpose{
	{"vpcId", "the VPC, for peering, endpoints and lookups"},
	{"publicSubnetIds", "public subnets in AZ order (ALB)"},
	{"appSubnetIds", "app subnets in AZ order (ECS services)"},
	{"dataSubnetIds", "data subnets in AZ order (Aurora, bastion)"},
	{"natGatewayIds", "NAT gateways in AZ order (alarms, troubleshooting egress)"},
	{"flowLogGroupName", "where to query VPC flow logs (CloudWatch Logs Insights)"},
	{"auroraKeyArn", "KMS key encrypting Aurora storage, backups and Performance Insights"},
	{"s3KeyArn", "KMS key for the CloudTrail and AWS Config buckets"},
	{"secretsKeyArn", "KMS key for Secrets Manager and ECR"},
	{"logsKeyArn", "KMS key for the operational log groups and the alarm topic"},
	{"auditLogsKeyArn", "KMS key for the audit log groups (trail, database audit, sessions) and Session Manager sessions"},
	{"backupKeyArn", "KMS key of the AWS Backup vault"},
	{"apiKeysSecretArns", "each service's own API-keys secret, by service; fill it out of band (runbook \"Fill a service's API-keys secret\")"},
	{"auroraEndpoint", "Aurora writer endpoint"},
	{"auroraReaderEndpoint", "Aurora reader endpoint (the writer while no readers exist)"},
	{"auroraPort", "PostgreSQL port"},
	{"auroraMasterSecretArn", "the RDS-managed master credentials secret"},
	{"bastionInstanceId", "the bastion, target of `aws ssm start-session`"},
	{"bastionConnectCommand", "the exact command that forwards the local PostgreSQL port to Aurora through the bastion"},
	{"bastionEngineerRoleArn", "the role engineers assume to start sessions on the bastion (runbook \"Connect to Aurora through the bastion\")"},
	{"ecrRepositoryUrls", "push addresses of the ECR repositories, by short name"},
	{"clusterName", "the ECS cluster, for `aws ecs` commands"},
	{"serviceNames", "the ECS services running now"},
	{"albDnsName", "where the platform answers; point DNS here (CNAME or alias)"},
	{"webAclArn", "the WAF web ACL in front of the ALB"},
	{"alarmTopicArn", "the encrypted SNS topic every alarm and high-severity finding goes to; subscribe on-call here"},
	{"trailArn", "the CloudTrail trail (audit evidence)"},
	{"configRecorderName", "the AWS Config recorder (only the stack that owns the account singletons)"},
	{"conformancePackName", "the HIPAA conformance pack: its compliance summary is the auditor's first page (only the stack that owns the account singletons)"},
	{"guardDutyDetectorId", "the GuardDuty detector, for findings queries (only the stack that owns the account singletons)"},
	{"s3AccessLogBucketName", "where every bucket's S3 server access logs land, under `<bucket name>/`"},
	{"backupVaultName", "the AWS Backup vault holding Aurora's recovery points (restore runbook)"},
	{"backupPlanId", "the AWS Backup plan protecting Aurora"},
	{"recoveryVaultName", "the vault in recovery.region holding the copies of the daily and monthly recovery points (region-loss runbook; only with a recovery region)"},
	{"auditReplicaBucketNames", "the audit buckets' locked replicas in recovery.region, by source (only with a recovery region)"},
	{"backupReportsBucketName", "where AWS Backup Audit Manager's daily reports land (only with a recovery region, in the stack that owns the account singletons)"},
	{"restoreTestingPlanName", "the weekly Aurora restore test (aws backup list-restore-jobs-by-protected-resource; only with a recovery region)"},
	{"backupRestoreRoleArn", "the role a restore job runs as (restore runbook)"},
}

// writeOutputsDoc renders the stack outputs: what each is for and which
// stacks export it.
func writeOutputsDoc(b *bytes.Buffer, g *docSet) error {
	exported := map[string]bool{}
	for _, r := range g.stacks {
		for name := range r.Outputs {
			exported[name] = true
		}
	}
	described := map[string]bool{}
	for _, o := range OutputPurposes {
		if !exported[o.Output] {
			return fmt.Errorf("docs.OutputPurposes describes %s, which no stack exports", o.Output)
		}
		if described[o.Output] {
			return fmt.Errorf("docs.OutputPurposes describes %s twice", o.Output)
		}
		described[o.Output] = true
	}
	for _, name := range slices.Sorted(maps.Keys(exported)) {
		if !described[name] {
			return fmt.Errorf("stack output %s has no entry in docs.OutputPurposes: say what it is for", name)
		}
	}
	b.WriteString("# Stack outputs\n\n")
	b.WriteString("What `pulumi stack output` (or `--json`) prints, and which stacks export each output. Read one with\n" +
		"`pulumi stack output NAME`; the runbooks do.\n\n")
	header := append([]string{"output", "what it is for"}, g.stackNames()...)
	var rows [][]string
	for _, o := range OutputPurposes {
		row := []string{code(o.Output), o.Purpose}
		for _, r := range g.stacks {
			cell := ""
			if _, ok := r.Outputs[o.Output]; ok {
				cell = "yes"
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	mdTable(b, header, rows)
	return nil
}
