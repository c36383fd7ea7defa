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
		Rule: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", Resource: "cloudtrail",
		Reason:   "Data events are recorded for every bucket but the trail's own and the access-log bucket: recording either would feed itself (every delivery an event, every event a delivery). The trail's bucket is still under Object Lock and server access logging; requests to the access-log bucket are recorded as management events.",
		EndsWhen: "The trail delivers to a bucket in a separate log-archive account, so no excluded bucket remains in this account.",
	},
	{
		Rule: "EBS_IN_BACKUP_PLAN", Resource: "bastion",
		Reason:   "The bastion is stateless: built from the public AMI, no key pair, no data at rest; its sessions are logged to CloudWatch Logs. A backup would hold nothing to restore.",
		EndsWhen: "The bastion keeps state: then select it in the AWS Backup plan.",
	},
	{
		Rule: "EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN", Resource: "bastion",
		Reason:   "As for EBS_IN_BACKUP_PLAN: the bastion is rebuilt, not restored (docs/runbooks.md, \"Replace the bastion with a newer AMI\").",
		EndsWhen: "The bastion keeps state: then select it in the AWS Backup plan.",
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
		Reason:   "ALB access logs are operational logs kept logRetentionDays, not audit evidence; Object Lock is reserved for the audit buckets (CloudTrail, Config).",
		EndsWhen: "The ALB logs are declared audit evidence: give the bucket ObjectLockDays like the trail's.",
	},
	{
		Rule: "S3_BUCKET_DEFAULT_LOCK_ENABLED", Resource: "s3-access-logs",
		Reason:   "S3 refuses a bucket with Object Lock as a server access-log destination (S3 User Guide, Configuring S3 Object Lock).",
		EndsWhen: "S3 accepts locked destinations, or access logs move to another destination.",
	},
	{
		Rule: "S3_BUCKET_LOGGING_ENABLED", Resource: "s3-access-logs",
		Reason:   "The access-log bucket cannot log to itself without logging its own deliveries; requests to it are recorded as CloudTrail management events.",
		EndsWhen: "Never: this is where every other bucket's access logs go.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "alb-access-logs",
		Reason:   "The stack is single-region (its aws:region) by specification; S3 already stores every object across at least three AZs.",
		EndsWhen: "A disaster-recovery region is chosen: replicate to a bucket there.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "cloudtrail-bucket",
		Reason:   "Single-region by specification; the trail's files are also protected by Object Lock and log-file validation.",
		EndsWhen: "A disaster-recovery region or a log-archive account is chosen: replicate to it.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "config-bucket",
		Reason:   "Single-region by specification; the snapshots are also protected by Object Lock, and AWS Config can redeliver them.",
		EndsWhen: "A disaster-recovery region or a log-archive account is chosen: replicate to it.",
	},
	{
		Rule: "S3_BUCKET_REPLICATION_ENABLED", Resource: "s3-access-logs",
		Reason:   "Single-region by specification; S3 already stores every object across at least three AZs.",
		EndsWhen: "A disaster-recovery region or a log-archive account is chosen: replicate to it.",
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
}
