package conformance

// HIPAAExceptions are the HIPAA pack's NON_COMPLIANT verdicts this stack
// accepts, each for one resource (by logical name), with what would end it.
// The offline synthesis applies them and docs/generated/conformance.md
// renders them; a NON_COMPLIANT verdict not listed here fails `go test`,
// and so does a row here that the production stack no longer needs.
var HIPAAExceptions = []Exception{
	{
		Rule: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", Resource: "alb-http",
		Reason:   "No certificate exists yet (the seed's HTTPS listener is \"future\"), so HTTP :80 serves the application.",
		EndsWhen: "edge.certificateArn is set: the program adds HTTPS :443 and turns :80 into a redirect.",
	},
	{
		Rule: "ELBV2_ACM_CERTIFICATE_REQUIRED", Resource: "alb",
		Reason:   "No certificate exists yet, so no listener carries one.",
		EndsWhen: "edge.certificateArn is set to an ACM certificate.",
	},
	{
		Rule: "ELB_DELETION_PROTECTION_ENABLED", Resource: "alb", Stacks: []string{"staging"},
		Reason: "Staging is built to be destroyed and rebuilt (albDeletionProtection: false, so it also owns no account singleton) and carries synthetic data only (its DataClassification tag). " +
			"The account's pack, deployed by the stack that owns the account singletons, still reports this ALB, so AWS Config shows it NON_COMPLIANT; this row is the accepted reason.",
		EndsWhen: "Staging holds data that must survive it, or moves to its own account: set albDeletionProtection true there (a destroy then needs that flag turned off first).",
	},
	{
		Rule: "CLOUDWATCH_ALARM_ACTION_CHECK", Resource: AWSCreatedPrefix + "target-tracking-*", While: "a service has autoscaling",
		Reason: "Application Auto Scaling creates and manages the two alarms of each target-tracking policy, with the policy as their only action, and deletes them with it " +
			"(Application Auto Scaling user guide, \"How target tracking scaling for Application Auto Scaling works\"): an insufficient-data action added by hand is not the program's to keep. " +
			"The service's own alarms (running tasks below desired, unhealthy targets) reach the alarm topic with every action.",
		EndsWhen: "Services scale with step-scaling policies on alarms the program creates (observability.Watch sets every action), or Application Auto Scaling lets a target-tracking policy carry more actions.",
	},
	{
		Rule: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", Resource: "cloudtrail",
		Reason: "Every S3 data event is recorded except one kind: PutObject on the trail's own bucket and on the access-log bucket, the deliveries that would feed themselves (every delivery an event, every event a delivery). " +
			"Reads and deletes of those two buckets are recorded by a selector of their own; the trail's bucket is also under Object Lock and server access logging. The rule asks for every data event of every bucket, so it still fails.",
		EndsWhen: "The trail delivers to a bucket in a separate log-archive account, so no excluded bucket remains in this account.",
	},
	{
		Rule: "NO_UNRESTRICTED_ROUTE_TO_IGW", Resource: "network-public-rt",
		Reason:   "The public route table's 0.0.0.0/0 route to the internet gateway is what makes the tier public (ALB, NAT gateways); no other table routes there.",
		EndsWhen: "Never while the ALB is internet-facing.",
	},
	{
		Rule: "RDS_CLUSTER_MULTI_AZ_ENABLED", Resource: "aurora-cluster",
		Reason:   "The seed defers readers. Aurora storage is still six-way replicated over three AZs; a writer failure means a new writer is created rather than a reader promoted.",
		EndsWhen: "aurora.readerAvailabilityZones lists the AZs other than the writer's.",
	},
	{
		Rule: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Resource: "alb-access-logs",
		Reason:   "ALB access logs are operational logs kept logRetentionDays, not audit evidence; Object Lock is reserved for the audit evidence the trail delivers (the Config bucket cannot have it).",
		EndsWhen: "The ALB logs are declared audit evidence: give the bucket ObjectLockDays like the trail's.",
	},
	{
		Rule: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Resource: "config-bucket",
		Reason: "AWS Config cannot deliver to a bucket with Object Lock (AWS::Config::DeliveryChannel reference: \"AWS Config does not support the delivery channel to an Amazon S3 bucket where object lock is enabled\"): a locked bucket would leave the recorder delivering nothing and this pack without evidence. " +
			"The snapshots are still versioned, encrypted with the S3 key, TLS-only, kept for the audit retention, and the bucket policy denies every principal s3:DeleteObject and s3:DeleteObjectVersion (compliance.ConfigSnapshotsDenyDeletion).",
		EndsWhen: "AWS Config supports delivery to locked buckets, or Config delivers to a log-archive account's bucket that is locked by other means: then give the bucket ObjectLockDays like the trail's.",
	},
	{
		Rule: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Resource: "s3-access-logs",
		Reason:   "S3 refuses a bucket with Object Lock as a server access-log destination (S3 User Guide, Configuring S3 Object Lock).",
		EndsWhen: "S3 accepts locked destinations, or access logs move to another destination.",
	},
	{
		Rule: "S3_BUCKET_LOGGING_ENABLED", Resource: "s3-access-logs",
		Reason:   "The access-log bucket cannot log to itself without logging its own deliveries. Reads and deletes of its objects are recorded as CloudTrail data events (every one but the deliveries, PutObject).",
		EndsWhen: "Never: this is where every other bucket's access logs go.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "alb-access-logs",
		Reason:   "Operational logs kept logRetentionDays, not audit evidence; the ALB's requests that touch data reach the services and the database, whose audit (CloudTrail, pgAudit) is the evidence. S3 already stores every object across at least three AZs.",
		EndsWhen: "The ALB logs are declared audit evidence: replicate them with the audit buckets (compliance.NewAuditReplication).",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "cloudtrail-bucket", Stacks: []string{"staging", "recovery"}, While: "recovery.region is empty",
		Reason:   "The stack has no recovery region (recovery.region empty): staging holds synthetic data only, and the recovery stack is the deployment that runs while its own recovery region, the lost primary, is down. The files are still under Object Lock and log-file validation.",
		EndsWhen: "recovery.region is set for the stack (for the recovery stack, to the primary region once it is back): the trail's bucket then replicates there.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "config-bucket", Stacks: []string{"recovery"}, While: "recovery.region is empty",
		Reason:   "The recovery stack runs while its own recovery region, the lost primary, is down, so it has no recovery region to replicate to; the bucket policy denies deleting any snapshot version.",
		EndsWhen: "The primary region is back: set recovery.region to it, and the bucket replicates there.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "s3-access-logs",
		Reason:   "Server access logs of the stack's buckets: what they record of the audit buckets is also a CloudTrail data event, which the trail's replica carries out of the region; a replica of this bucket could have neither SSE-KMS nor Object Lock, as the bucket itself cannot. S3 stores every object across at least three AZs.",
		EndsWhen: "Access logs move to a destination that can be locked (a log-archive account), and are replicated with the audit buckets.",
	},
	{
		Rule: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Resource: "backup-audit-bucket",
		Reason:   "AWS documents Object Lock for no AWS Backup Audit Manager delivery (a locked bucket needs each upload to carry an integrity checksum), and a failed delivery is silent; as for AWS Config's bucket, the bucket policy denies every principal s3:DeleteObject and s3:DeleteObjectVersion (compliance.ConfigSnapshotsDenyDeletion), and the replica in the recovery region is locked.",
		EndsWhen: "AWS documents Backup Audit Manager delivery to a bucket with Object Lock: give the bucket ObjectLockDays like the trail's.",
	},
	{
		Rule: "S3_BUCKET_LOGGING_ENABLED", Resource: "audit-replication-*-bucket",
		Reason:   "The audit buckets' replicas are in the recovery region, and S3 delivers server access logs only to a bucket of the source bucket's own region; S3 replication is their only writer, and every read and delete of them is a data event of the stack's multi-region trail.",
		EndsWhen: "The recovery region gets an access-log bucket of its own (the recovery stack's, once deployed), or the replicas move to a log-archive account that logs them.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "audit-replication-*-bucket",
		Reason:   "These are the replicas: the copy of the audit evidence outside the stack's region, under Object Lock for the audit retention.",
		EndsWhen: "Never: a replica's own replica would be a third region, which the contingency plan does not ask for.",
	},
	{
		Rule: "S3_EVENT_NOTIFICATIONS_ENABLED", Resource: "audit-replication-*-bucket",
		Reason:   "Nothing consumes object events of the replicas; S3 Replication Time Control's metrics and events report replication itself.",
		EndsWhen: "A consumer of object events exists in the recovery region: configure notifications to it.",
	},
	{
		Rule: "S3_DEFAULT_ENCRYPTION_KMS", Resource: "alb-access-logs",
		Reason:   "Elastic Load Balancing delivers access logs only to buckets encrypted with SSE-S3; the bucket holds every other bucket control.",
		EndsWhen: "ELB supports SSE-KMS destinations.",
	},
	{
		Rule: "S3_DEFAULT_ENCRYPTION_KMS", Resource: "s3-access-logs",
		Reason:   "AWS's S3 User Guide (Enabling Amazon S3 server access logging) supports default encryption on a log destination only with SSE-S3; SSE-KMS reportedly works with a key policy admitting logging.s3.amazonaws.com, but AWS documents it as unsupported, and a failed delivery is silent.",
		EndsWhen: "AWS documents SSE-KMS for server access-log destinations: set KmsKeyArn (the S3 key) and admit logging.s3.amazonaws.com in its policy.",
	},
	{
		Rule: "S3_EVENT_NOTIFICATIONS_ENABLED", Resource: "alb-access-logs",
		Reason:   "Nothing consumes object events; object-level activity is recorded by CloudTrail data events and server access logs.",
		EndsWhen: "A consumer of object events exists (a log pipeline): configure notifications to it.",
	},
	{
		Rule: "S3_EVENT_NOTIFICATIONS_ENABLED", Resource: "backup-audit-bucket",
		Reason:   "Nothing consumes object events; every report is also listed by the report plan (aws backup describe-report-jobs).",
		EndsWhen: "A consumer of object events exists: configure notifications to it.",
	},
	{
		Rule: "S3_EVENT_NOTIFICATIONS_ENABLED", Resource: "cloudtrail-bucket",
		Reason:   "Nothing consumes object events; the trail's events already reach CloudWatch Logs, where the CIS alarms watch them.",
		EndsWhen: "A consumer of object events exists (a SIEM reading log files): configure notifications to it.",
	},
	{
		Rule: "S3_EVENT_NOTIFICATIONS_ENABLED", Resource: "config-bucket",
		Reason:   "Nothing consumes object events; AWS Config's own results reach the console and Security Hub.",
		EndsWhen: "A consumer of object events exists: configure notifications to it.",
	},
	{
		Rule: "S3_EVENT_NOTIFICATIONS_ENABLED", Resource: "s3-access-logs",
		Reason:   "Nothing consumes object events; these objects are themselves the access record.",
		EndsWhen: "A consumer of object events exists (a log pipeline): configure notifications to it.",
	},
	{
		Rule: "SECRETSMANAGER_ROTATION_ENABLED_CHECK", Resource: "secrets-api-keys-api",
		Reason:   "The api service's own API-keys secret (security.APIKeysLogicalName): its values are third-party API keys only their issuers can rotate, so a rotation Lambda has nothing to call; they are rotated at the issuer and put with put-secret-value. The database master secret is rotated by RDS. Another service's secret needs its own row.",
		EndsWhen: "An issuer offers an API to rotate its key: add a rotation Lambda.",
	},
	// The bootstrap stack's state bucket (pipeline.StateBackend) shares the
	// account, so the pack judges it too.
	{
		Rule: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Resource: "state-bucket", Stacks: []string{"bootstrap"},
		Reason: "Pulumi's state is operational data rewritten by every operation, not audit evidence: Object Lock would keep every overwritten checkpoint (each holding the stack's encrypted secrets) for the whole retention, past the year its lifecycle keeps them (pipeline.StateVersionDays). " +
			"Versioning, the bucket's protect option and its TLS-only, KMS-encrypted policy guard it.",
		EndsWhen: "Never while the bucket holds Pulumi's live state.",
	},
	{
		Rule: "S3_BUCKET_LOGGING_ENABLED", Resource: "state-bucket", Stacks: []string{"bootstrap"},
		Reason:   "The bootstrap stack creates the state bucket before any stack's access-log bucket exists. Every object-level request to it is still recorded: the owning stack's trail records S3 data events for every bucket but its own and the access-log bucket.",
		EndsWhen: "The bootstrap stack gets an access-log bucket of its own and the state bucket logs to it (pipeline.StateBackend).",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "state-bucket", Stacks: []string{"bootstrap"},
		Reason:   "The bootstrap stack has no recovery region of its own; the bucket is versioned, keeps overwritten checkpoints a year, and S3 stores every object across at least three AZs. Losing the region loses the stacks' state, not what it describes: the region-loss runbook brings the recovery stack up on a new state backend, and production's state is not needed to do it.",
		EndsWhen: "The bootstrap stack replicates its state bucket to the recovery region.",
	},
	{
		Rule: "S3_EVENT_NOTIFICATIONS_ENABLED", Resource: "state-bucket", Stacks: []string{"bootstrap"},
		Reason:   "Nothing consumes object events; every object-level request is a CloudTrail data event, and every change is a Pulumi operation with its own history.",
		EndsWhen: "A consumer of state changes exists: configure notifications to it.",
	},
}
