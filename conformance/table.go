package conformance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/policy"
)

func jsonUnmarshal(s string, into any) error { return json.Unmarshal([]byte(s), into) }

// Checks predicts each managed rule of AWS's HIPAA Security pack, by
// identifier.
var Checks = map[string]Check{
	// Account processes: no program creates the state these rules read.
	"ACCESS_KEYS_ROTATED":                               process("This stack creates no IAM user or access key. Quarterly: `aws iam generate-credential-report`; rotate or delete any access key older than 90 days."),
	"IAM_ROOT_ACCESS_KEY_CHECK":                         process("Once, then on every account review: the root user has no access key (IAM console, Security credentials of the root user)."),
	"IAM_USER_MFA_ENABLED":                              process("Every IAM user (none created here; prefer IAM Identity Center) has MFA; checked in the quarterly access review."),
	"MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS":                process("Every IAM user with a console password has MFA; checked in the quarterly access review."),
	"IAM_USER_UNUSED_CREDENTIALS_CHECK":                 process("Quarterly: disable passwords and keys unused for 90 days (credential report)."),
	"ROOT_ACCOUNT_MFA_ENABLED":                          process("Once, and after any root credential change: the root user has MFA."),
	"ROOT_ACCOUNT_HARDWARE_MFA_ENABLED":                 process("Once: the root user's MFA is a hardware device, kept in a safe with its recovery procedure."),
	"ACM_CERTIFICATE_EXPIRATION_CHECK":                  process("The ALB's certificate (edge.certificateArn) is issued outside this stack: use a DNS-validated ACM certificate, which ACM renews; watch ACM's expiry events."),
	"EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK": process("This stack configures no Patch Manager scan: set up a Systems Manager patch policy (Quick Setup) covering the bastion, and review its compliance monthly; replacing the bastion with a newer AMI (runbook) also patches it."),
	// The pack's process check, keyed by its rule name (CheckKey).
	"annual-risk-assessment-performed":                        process("Yearly, and when the platform changes materially: perform and document the HIPAA risk assessment (164.308(a)(1)(ii)(A)), then record it against this rule in the AWS Config console (Conformance packs, the HIPAA pack, annual-risk-assessment-performed: set COMPLIANT with the assessment's date and where it is kept)."),
	"EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK": process("State Manager associations (such as the patch policy's) are created outside this stack; review their compliance monthly in Systems Manager."),

	// Resource types this stack does not create.
	"API_GW_ASSOCIATED_WITH_WAF":                          absent("aws:apigateway/stage:Stage"),
	"API_GW_EXECUTION_LOGGING_ENABLED":                    absent("aws:apigateway/stage:Stage", "aws:apigatewayv2/stage:Stage"),
	"API_GW_SSL_ENABLED":                                  absent("aws:apigateway/stage:Stage"),
	"AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED":          absent("aws:autoscaling/group:Group"),
	"AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED":        absent("aws:ec2/launchConfiguration:LaunchConfiguration"),
	"CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK":              absent("aws:codebuild/project:Project"),
	"CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK":             absent("aws:codebuild/project:Project"),
	"DMS_REPLICATION_NOT_PUBLIC":                          absent("aws:dms/replicationInstance:ReplicationInstance"),
	"DYNAMODB_AUTOSCALING_ENABLED":                        absent("aws:dynamodb/table:Table"),
	"DYNAMODB_IN_BACKUP_PLAN":                             absent("aws:dynamodb/table:Table"),
	"DYNAMODB_PITR_ENABLED":                               absent("aws:dynamodb/table:Table"),
	"DYNAMODB_THROUGHPUT_LIMIT_CHECK":                     absent("aws:dynamodb/table:Table"),
	"EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK":                absent("aws:ebs/snapshot:Snapshot", "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission"),
	"EFS_ENCRYPTED_CHECK":                                 absent("aws:efs/fileSystem:FileSystem"),
	"EFS_IN_BACKUP_PLAN":                                  absent("aws:efs/fileSystem:FileSystem"),
	"ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED":           absent("aws:elasticbeanstalk/environment:Environment"),
	"ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK":    absent("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"),
	"ELASTICSEARCH_ENCRYPTED_AT_REST":                     absent("aws:elasticsearch/domain:Domain"),
	"ELASTICSEARCH_IN_VPC_ONLY":                           absent("aws:elasticsearch/domain:Domain"),
	"ELASTICSEARCH_LOGS_TO_CLOUDWATCH":                    absent("aws:elasticsearch/domain:Domain"),
	"ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK":         absent("aws:elasticsearch/domain:Domain"),
	"OPENSEARCH_ENCRYPTED_AT_REST":                        absent("aws:opensearch/domain:Domain"),
	"OPENSEARCH_HTTPS_REQUIRED":                           absent("aws:opensearch/domain:Domain"),
	"OPENSEARCH_IN_VPC_ONLY":                              absent("aws:opensearch/domain:Domain"),
	"OPENSEARCH_LOGS_TO_CLOUDWATCH":                       absent("aws:opensearch/domain:Domain"),
	"OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK":            absent("aws:opensearch/domain:Domain"),
	"ELB_ACM_CERTIFICATE_REQUIRED":                        absent("aws:elb/loadBalancer:LoadBalancer"),
	"ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED":               absent("aws:elb/loadBalancer:LoadBalancer"),
	"ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK":            absent("aws:elb/loadBalancer:LoadBalancer"),
	"ELB_TLS_HTTPS_LISTENERS_ONLY":                        absent("aws:elb/loadBalancer:LoadBalancer"),
	"EMR_KERBEROS_ENABLED":                                absent("aws:emr/cluster:Cluster"),
	"EMR_MASTER_NO_PUBLIC_IP":                             absent("aws:emr/cluster:Cluster"),
	"KINESIS_STREAM_ENCRYPTED":                            absent("aws:kinesis/stream:Stream"),
	"LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED":            absent("aws:lambda/function:Function"),
	"RDS_MULTI_AZ_SUPPORT":                                absent(typeDBInstance), // Aurora instances are judged by RDS_CLUSTER_MULTI_AZ_ENABLED
	"REDSHIFT_BACKUP_ENABLED":                             absent("aws:redshift/cluster:Cluster"),
	"REDSHIFT_CLUSTER_CONFIGURATION_CHECK":                absent("aws:redshift/cluster:Cluster"),
	"REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK":          absent("aws:redshift/cluster:Cluster"),
	"REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK":                absent("aws:redshift/cluster:Cluster"),
	"REDSHIFT_REQUIRE_TLS_SSL":                            absent("aws:redshift/cluster:Cluster"),
	"SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED": absent("aws:sagemaker/endpointConfiguration:EndpointConfiguration"),
	"SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED":      absent("aws:sagemaker/notebookInstance:NotebookInstance"),
	"SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS":        absent("aws:sagemaker/notebookInstance:NotebookInstance"),
	"VPC_VPN_2_TUNNELS_UP":                                absent("aws:ec2/vpnConnection:VpnConnection"),

	// S3 buckets.
	"S3_BUCKET_ACL_PROHIBITED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		var rule map[string]any
		if o := bucketPart(s, b, typeBucketOwner); o != nil {
			rule = o.Map("rule")
		}
		return verdict(b, rule["objectOwnership"] == "BucketOwnerEnforced", "ACLs disabled (BucketOwnerEnforced)", "ACLs are not disabled: no BucketOwnerEnforced ownership controls")
	})},
	"S3_BUCKET_DEFAULT_LOCK_ENABLED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		l := bucketPart(s, b, typeBucketLock)
		return verdict(b, l != nil && l.Str("objectLockEnabled") == "Enabled", "Object Lock enabled with a default retention", "no Object Lock")
	})},
	"S3_BUCKET_PUBLIC_READ_PROHIBITED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, publicAccessBlocked(bucketPart(s, b, typeBucketPAB)), "public access blocked: no public read", "public read is not blocked")
	})},
	"S3_BUCKET_PUBLIC_WRITE_PROHIBITED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, publicAccessBlocked(bucketPart(s, b, typeBucketPAB)), "public access blocked: no public write", "public write is not blocked")
	})},
	"S3_BUCKET_LOGGING_ENABLED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		l := bucketPart(s, b, typeBucketLogging)
		if l == nil {
			return fail(b, "no server access logging")
		}
		return pass(b, "server access logs to %s under %s", l.Str("targetBucket"), l.Str("targetPrefix"))
	})},
	"S3_BUCKET_REPLICATION_ENABLED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, bucketPart(s, b, typeBucketRepl) != nil, "replicated", "no replication rule")
	})},
	"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		d := sseDefault(s, b)
		return verdict(b, d["sseAlgorithm"] != nil, fmt.Sprintf("default encryption %v", d["sseAlgorithm"]), "no default encryption")
	})},
	"S3_DEFAULT_ENCRYPTION_KMS": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		d := sseDefault(s, b)
		return verdict(b, d["sseAlgorithm"] == "aws:kms" && d["kmsMasterKeyId"] != nil, "SSE-KMS with a customer key", fmt.Sprintf("default encryption is %v, not SSE-KMS", d["sseAlgorithm"]))
	})},
	"S3_BUCKET_SSL_REQUESTS_ONLY": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, deniesInsecureTransport(s, b), "the bucket policy denies requests without TLS", "no policy statement denies aws:SecureTransport false")
	})},
	"S3_BUCKET_VERSIONING_ENABLED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, versioned(s, b), "versioning enabled", "versioning not enabled")
	})},
	"S3_VERSION_LIFECYCLE_POLICY_CHECK": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, !versioned(s, b) || bucketPart(s, b, typeBucketLife) != nil, "versioned, with a lifecycle", "versioned without a lifecycle")
	})},
	"S3_EVENT_NOTIFICATIONS_ENABLED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, bucketPart(s, b, typeBucketNotify) != nil, "event notifications configured", "no event notifications")
	})},
	"S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC": {Evaluate: func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeAccountPAB) {
			ok := true
			for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
				if p[k] == "true" && !r.Bool(strings.ToLower(k[:1])+k[1:]) {
					ok = false
				}
			}
			out = append(out, verdict(r, ok, "every account-level block the rule asks for", "an account-level block the rule asks for is off"))
		}
		return out
	}},

	// Logging and monitoring.
	"CLOUD_TRAIL_ENABLED": {Evaluate: each([]string{typeTrail}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("enableLogging"), "logging", "logging is off")
	})},
	"MULTI_REGION_CLOUD_TRAIL_ENABLED": {Evaluate: each([]string{typeTrail}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("isMultiRegionTrail") && r.Bool("enableLogging") && recordsManagementEvents(r), "multi-region, recording management events", "not multi-region, not logging, or not recording management events")
	})},
	"CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED": {Evaluate: each([]string{typeTrail}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Str("cloudWatchLogsGroupArn") != "" && r.Str("cloudWatchLogsRoleArn") != "", "delivers to CloudWatch Logs", "no CloudWatch Logs delivery")
	})},
	"CLOUD_TRAIL_ENCRYPTION_ENABLED": {Evaluate: each([]string{typeTrail}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Str("kmsKeyId") != "", "log files encrypted with a KMS key", "log files not encrypted with KMS")
	})},
	"CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED": {Evaluate: each([]string{typeTrail}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("enableLogFileValidation"), "log-file validation on", "log-file validation off")
	})},
	"CLOUDTRAIL_S3_DATAEVENTS_ENABLED": {Evaluate: each([]string{typeTrail}, func(_ *Stack, r *Resource) Evaluation {
		all, excluded := s3DataEvents(r)
		switch {
		case all:
			return pass(r, "S3 data events for every bucket")
		case len(excluded) > 0:
			return fail(r, "S3 data events for every bucket except %s", strings.Join(excluded, ", "))
		}
		return fail(r, "no S3 data events")
	})},
	"CLOUDWATCH_ALARM_ACTION_CHECK": {Evaluate: func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeAlarm) {
			var missing []string
			for _, a := range []struct{ param, input string }{{"alarmActionRequired", "alarmActions"}, {"insufficientDataActionRequired", "insufficientDataActions"}, {"okActionRequired", "okActions"}} {
				if p[a.param] == "true" && len(r.Strings(a.input)) == 0 {
					missing = append(missing, a.input)
				}
			}
			out = append(out, verdict(r, len(missing) == 0 && r.Bool("actionsEnabled"), "the actions the rule asks for", "missing "+strings.Join(missing, ", ")+" (or actions disabled)"))
		}
		return out
	}},
	"ELB_LOGGING_ENABLED": {Evaluate: each([]string{typeLB}, func(_ *Stack, r *Resource) Evaluation {
		l := r.Map("accessLogs")
		return verdict(r, l["enabled"] == true && l["bucket"] != nil, "access logs to "+fmt.Sprint(l["bucket"]), "no access logs")
	})},
	"WAFV2_LOGGING_ENABLED": {Evaluate: each([]string{typeWebAcl}, func(s *Stack, r *Resource) Evaluation {
		return verdict(r, len(s.Refer(typeWafLogging, "resourceArn", r.Arn())) > 0, "logged", "no logging configuration")
	})},
	"VPC_FLOW_LOGS_ENABLED": {Evaluate: each([]string{typeVpc}, func(s *Stack, r *Resource) Evaluation {
		return verdict(r, len(s.Refer(typeFlowLog, "vpcId", r.ID)) > 0, "flow logs on", "no flow log")
	})},
	"GUARDDUTY_ENABLED_CENTRALIZED": {Evaluate: each([]string{typeDetector}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("enable"), "detector enabled", "detector disabled")
	})},
	"SECURITYHUB_ENABLED": {Evaluate: each([]string{typeHub}, func(_ *Stack, r *Resource) Evaluation {
		return pass(r, "Security Hub enabled")
	})},

	// Load balancing and the edge.
	"ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK": {Evaluate: each([]string{typeListener}, func(_ *Stack, r *Resource) Evaluation {
		if r.Str("protocol") != "HTTP" {
			return pass(r, "%s listener", r.Str("protocol"))
		}
		for _, a := range r.List("defaultActions") {
			m, _ := a.(map[string]any)
			if m["type"] == "redirect" {
				if rd, _ := m["redirect"].(map[string]any); rd["protocol"] == "HTTPS" {
					return pass(r, "HTTP redirects to HTTPS")
				}
			}
		}
		return fail(r, "HTTP listener on port %v serves instead of redirecting to HTTPS", r.Num("port"))
	})},
	"ELBV2_ACM_CERTIFICATE_REQUIRED": {Evaluate: each([]string{typeLB}, func(s *Stack, r *Resource) Evaluation {
		for _, l := range s.Refer(typeListener, "loadBalancerArn", r.Arn()) {
			if l.Str("protocol") == "HTTPS" && isService(l.Str("certificateArn"), "acm") {
				return pass(r, "HTTPS listener with an ACM certificate")
			}
		}
		return fail(r, "no listener with an ACM certificate")
	})},
	"ALB_WAF_ENABLED": {Evaluate: each([]string{typeLB}, func(s *Stack, r *Resource) Evaluation {
		return verdict(r, len(s.Refer(typeWafAssoc, "resourceArn", r.Arn())) > 0, "a WAF web ACL is associated", "no WAF web ACL")
	})},
	"ELB_DELETION_PROTECTION_ENABLED": {Evaluate: each([]string{typeLB}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("enableDeletionProtection"), "deletion protection on", "deletion protection off")
	})},

	// Databases and backup.
	"AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN": {Evaluate: each([]string{typeCluster}, func(s *Stack, r *Resource) Evaluation {
		return verdict(r, inBackupPlan(s, "cluster", r.Str("clusterIdentifier")), "selected by an AWS Backup plan", "in no AWS Backup plan")
	})},
	"RDS_IN_BACKUP_PLAN": {Evaluate: func(s *Stack, _ Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeClusterInst) {
			c := clusterOf(s, r)
			out = append(out, verdict(r, c != nil && inBackupPlan(s, "cluster", c.Str("clusterIdentifier")), "its cluster is in an AWS Backup plan", "its cluster is in no AWS Backup plan"))
		}
		for _, r := range s.OfType(typeDBInstance) {
			out = append(out, verdict(r, inBackupPlan(s, "db", r.Str("identifier")), "in an AWS Backup plan", "in no AWS Backup plan"))
		}
		return out
	}},
	"DB_INSTANCE_BACKUP_ENABLED": {Evaluate: each([]string{typeClusterInst, typeDBInstance}, func(s *Stack, r *Resource) Evaluation {
		days := r.Num("backupRetentionPeriod")
		if c := clusterOf(s, r); r.Type == typeClusterInst && c != nil {
			days = c.Num("backupRetentionPeriod")
		}
		return verdict(r, days > 0, fmt.Sprintf("automated backups kept %v days", days), "automated backups off")
	})},
	"RDS_CLUSTER_DELETION_PROTECTION_ENABLED": {Evaluate: each([]string{typeCluster}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("deletionProtection"), "deletion protection on", "deletion protection off")
	})},
	"RDS_CLUSTER_MULTI_AZ_ENABLED": {Evaluate: each([]string{typeCluster}, func(s *Stack, r *Resource) Evaluation {
		azs := map[string]bool{}
		for _, i := range s.OfType(typeClusterInst) {
			if clusterOf(s, i) == r {
				azs[i.Str("availabilityZone")] = true
			}
		}
		return verdict(r, len(azs) > 1, fmt.Sprintf("instances in %d availability zones", len(azs)), fmt.Sprintf("instances in %d availability zone: no reader to fail over to", len(azs)))
	})},
	"RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED": {Evaluate: each([]string{typeClusterInst, typeDBInstance}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("autoMinorVersionUpgrade"), "automatic minor upgrades", "no automatic minor upgrades")
	})},
	"RDS_ENHANCED_MONITORING_ENABLED": {Evaluate: each([]string{typeClusterInst, typeDBInstance}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Num("monitoringInterval") > 0, fmt.Sprintf("enhanced monitoring every %vs", r.Num("monitoringInterval")), "enhanced monitoring off")
	})},
	"RDS_INSTANCE_PUBLIC_ACCESS_CHECK": {Evaluate: each([]string{typeClusterInst, typeDBInstance}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, !r.Bool("publiclyAccessible"), "not publicly accessible", "publicly accessible")
	})},
	"RDS_LOGGING_ENABLED": {Evaluate: each([]string{typeClusterInst, typeDBInstance}, func(s *Stack, r *Resource) Evaluation {
		exports := r.Strings("enabledCloudwatchLogsExports")
		if c := clusterOf(s, r); r.Type == typeClusterInst && c != nil {
			exports = c.Strings("enabledCloudwatchLogsExports")
		}
		return verdict(r, len(exports) > 0, "exports "+strings.Join(exports, ", ")+" to CloudWatch Logs", "exports no log")
	})},
	"RDS_STORAGE_ENCRYPTED": {Evaluate: each([]string{typeClusterInst, typeDBInstance}, func(s *Stack, r *Resource) Evaluation {
		enc := r.Bool("storageEncrypted")
		if c := clusterOf(s, r); r.Type == typeClusterInst && c != nil {
			enc = c.Bool("storageEncrypted")
		}
		return verdict(r, enc, "storage encrypted", "storage not encrypted")
	})},
	"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK": {Evaluate: func(s *Stack, p Params) []Evaluation {
		minDays := paramInt(p, "requiredRetentionDays", 35)
		var out []Evaluation
		for _, r := range s.OfType(typeBackupPlan) {
			var ok string
			for _, x := range r.List("rules") {
				rule, _ := x.(map[string]any)
				life, _ := rule["lifecycle"].(map[string]any)
				days, _ := life["deleteAfter"].(float64)
				sched, _ := rule["schedule"].(string)
				if atLeastDaily(sched) && int(days) >= minDays {
					ok = fmt.Sprint(rule["ruleName"])
				}
			}
			out = append(out, verdict(r, ok != "", "rule "+ok+" backs up at least daily, kept at least "+strconv.Itoa(minDays)+" days", "no rule backs up at least daily and keeps it "+strconv.Itoa(minDays)+" days"))
		}
		return out
	}},
	"BACKUP_RECOVERY_POINT_ENCRYPTED": {Evaluate: each([]string{typeVault, typeRecoveryPoint}, func(_ *Stack, r *Resource) Evaluation {
		if r.Type == typeRecoveryPoint {
			return verdict(r, r.Bool("encrypted"), "encrypted", "not encrypted")
		}
		return verdict(r, r.Str("kmsKeyArn") != "", "recovery points encrypted with the vault's customer key (Aurora's with the cluster's own key)", "the vault names no KMS key")
	})},
	"BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED": {Evaluate: func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeVault) {
			out = append(out, vaultDeniesDeletion(s, r, p))
		}
		return out
	}},
	// Snapshots: the program takes none, but RDS takes automated ones and
	// AWS Backup its recovery points (AWSCreated models them).
	"RDS_SNAPSHOT_ENCRYPTED": {Evaluate: each([]string{typeClusterSnap, typeDBSnap}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Bool("storageEncrypted") || r.Bool("encrypted"), "encrypted", "not encrypted")
	})},
	"RDS_SNAPSHOTS_PUBLIC_PROHIBITED": {Evaluate: each([]string{typeClusterSnap, typeDBSnap}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, !slices.Contains(r.Strings("sharedAccounts"), "all"), "not shared publicly", "shared with all accounts")
	})},
	"SECRETSMANAGER_USING_CMK": {Evaluate: each([]string{typeSecret}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Str("kmsKeyId") != "", "encrypted with a customer key", "encrypted with the AWS managed key")
	})},
	"SECRETSMANAGER_ROTATION_ENABLED_CHECK": {Evaluate: each([]string{typeSecret}, func(s *Stack, r *Resource) Evaluation {
		return verdict(r, len(s.Refer(typeRotation, "secretId", r.ID)) > 0, "rotated", "no rotation")
	})},
	"SNS_ENCRYPTED_KMS": {Evaluate: each([]string{typeTopic}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Str("kmsMasterKeyId") != "", "encrypted with a KMS key", "not encrypted")
	})},
	"KMS_CMK_NOT_SCHEDULED_FOR_DELETION": {Evaluate: each([]string{typeKey}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Protect, "protected: `pulumi destroy` cannot schedule its deletion", "unprotected: `pulumi destroy` or a refactor would schedule its deletion")
	})},

	// Compute.
	"EC2_IMDSV2_CHECK": {Evaluate: each([]string{typeInstance}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Map("metadataOptions")["httpTokens"] == "required", "IMDSv2 required", "IMDSv1 allowed")
	})},
	"EC2_INSTANCE_NO_PUBLIC_IP": {Evaluate: each([]string{typeInstance}, func(s *Stack, r *Resource) Evaluation {
		sub := s.ByID(r.Str("subnetId"))
		ok := !r.Bool("associatePublicIpAddress") && (sub == nil || !sub.Bool("mapPublicIpOnLaunch"))
		return verdict(r, ok, "no public IP", "gets a public IP")
	})},
	"EC2_INSTANCE_PROFILE_ATTACHED": {Evaluate: each([]string{typeInstance}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Str("iamInstanceProfile") != "", "instance profile "+r.Str("iamInstanceProfile"), "no instance profile")
	})},
	"EC2_INSTANCE_MANAGED_BY_SSM": {Evaluate: each([]string{typeInstance}, func(s *Stack, r *Resource) Evaluation {
		for _, prof := range s.Refer(typeInstanceProf, "name", r.Str("iamInstanceProfile")) {
			for _, a := range s.Refer(typeAttachment, "role", prof.Str("role")) {
				if isManagedPolicy(a.Str("policyArn"), policy.SSMManagedInstanceCore) {
					return pass(r, "its role has AmazonSSMManagedInstanceCore")
				}
			}
		}
		return fail(r, "its instance profile's role lacks AmazonSSMManagedInstanceCore")
	})},
	"INSTANCES_IN_VPC": {Evaluate: each([]string{typeInstance}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Str("subnetId") != "", "in a VPC subnet", "no subnet")
	})},
	"EC2_STOPPED_INSTANCE": {Evaluate: each([]string{typeInstance}, func(s *Stack, r *Resource) Evaluation {
		for _, st := range s.Refer(typeInstanceState, "instanceId", r.ID) {
			if st.Str("state") == "stopped" {
				return fail(r, "kept stopped")
			}
		}
		return pass(r, "running")
	})},
	"ENCRYPTED_VOLUMES": {Evaluate: func(s *Stack, _ Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeInstance) {
			ok := r.Map("rootBlockDevice")["encrypted"] == true
			for _, d := range r.List("ebsBlockDevices") {
				if m, _ := d.(map[string]any); m["encrypted"] != true {
					ok = false
				}
			}
			out = append(out, verdict(r, ok, "every attached volume encrypted", "an attached volume is not encrypted"))
		}
		for _, r := range s.OfType(typeVolume) {
			out = append(out, verdict(r, r.Bool("encrypted"), "encrypted", "not encrypted"))
		}
		return out
	}},
	"EBS_IN_BACKUP_PLAN": {Evaluate: func(s *Stack, _ Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeInstance) {
			out = append(out, verdict(r, inBackupPlan(s, "instance", r.ID), "its volumes are in an AWS Backup plan", "its root volume is in no AWS Backup plan"))
		}
		for _, r := range s.OfType(typeVolume) {
			out = append(out, verdict(r, inBackupPlan(s, "volume", r.ID), "in an AWS Backup plan", "in no AWS Backup plan"))
		}
		return out
	}},
	"EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN": {Evaluate: each([]string{typeInstance}, func(s *Stack, r *Resource) Evaluation {
		return verdict(r, inBackupPlan(s, "instance", r.ID), "in an AWS Backup plan", "in no AWS Backup plan")
	})},
	"EC2_EBS_ENCRYPTION_BY_DEFAULT": {Evaluate: func(s *Stack, _ Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeEbsDefault) {
			out = append(out, verdict(r, r.Bool("enabled"), "EBS encryption by default on", "EBS encryption by default off"))
		}
		return out
	}},
	"ECS_CONTAINERS_READONLY_ACCESS": {Evaluate: each([]string{typeTaskDef}, func(_ *Stack, r *Resource) Evaluation {
		for _, c := range taskContainers(r) {
			if c["readonlyRootFilesystem"] != true {
				return fail(r, "container %v has a writable root filesystem", c["name"])
			}
		}
		return pass(r, "every container's root filesystem is read-only")
	})},
	"ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK": {Evaluate: func(s *Stack, _ Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeTaskDef) {
			if r.Str("networkMode") != "host" {
				continue // the rule judges host-mode task definitions only
			}
			ok := true
			for _, c := range taskContainers(r) {
				if runsAsRoot(c) || c["privileged"] == true {
					ok = false
				}
			}
			out = append(out, verdict(r, ok, "host mode with non-root, unprivileged containers", "host mode with a root or privileged container"))
		}
		return out
	}},

	// Identity and access.
	"IAM_PASSWORD_POLICY": {Evaluate: func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typePasswordPol) {
			var short []string
			for _, k := range []string{"RequireUppercaseCharacters", "RequireLowercaseCharacters", "RequireSymbols", "RequireNumbers"} {
				if p[k] == "true" && !r.Bool(strings.ToLower(k[:1])+k[1:]) {
					short = append(short, k)
				}
			}
			if n := paramInt(p, "MinimumPasswordLength", 0); int(r.Num("minimumPasswordLength")) < n {
				short = append(short, "MinimumPasswordLength")
			}
			if n := paramInt(p, "PasswordReusePrevention", 0); int(r.Num("passwordReusePrevention")) < n {
				short = append(short, "PasswordReusePrevention")
			}
			if n := paramInt(p, "MaxPasswordAge", 0); n > 0 && (r.Num("maxPasswordAge") == 0 || int(r.Num("maxPasswordAge")) > n) {
				short = append(short, "MaxPasswordAge")
			}
			out = append(out, verdict(r, len(short) == 0, "meets every parameter of the rule", "falls short of "+strings.Join(short, ", ")))
		}
		return out
	}},
	"IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS": {Evaluate: func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typePolicy) {
			bad := blocked(allowsOnAll(r.Str("policy")), p["blockedActionsPatterns"])
			out = append(out, verdict(r, len(bad) == 0, "allows no blocked KMS action on every key", "allows "+strings.Join(bad, ", ")+` on "*"`))
		}
		return out
	}},
	"IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS": {Evaluate: func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeRolePolicy, typeUserPolicy, typeGroupPolicy) {
			bad := blocked(allowsOnAll(r.Str("policy")), p["blockedActionsPatterns"])
			out = append(out, verdict(r, len(bad) == 0, "allows no blocked KMS action on every key", "allows "+strings.Join(bad, ", ")+` on "*"`))
		}
		return out
	}},
	"IAM_NO_INLINE_POLICY_CHECK": {Evaluate: each([]string{typeRole, typeUser, typeGroup}, func(s *Stack, r *Resource) Evaluation {
		inline := len(r.List("inlinePolicies")) > 0
		for _, typ := range []string{typeRolePolicy, typeUserPolicy, typeGroupPolicy} {
			for _, key := range []string{"role", "user", "group"} {
				if len(s.Refer(typ, key, r.Str("name"))) > 0 {
					inline = true
				}
			}
		}
		return verdict(r, !inline, "no inline policy", "has an inline policy")
	})},
	"IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS": {Evaluate: each([]string{typePolicy}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, !slices.Contains(allowsOnAll(r.Str("policy")), "*"), `no "*" action on "*"`, `allows "*" on "*"`)
	})},
	"IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS": {Evaluate: each([]string{typePolicy}, func(_ *Stack, r *Resource) Evaluation {
		for _, st := range statements(r.Str("policy")) {
			for _, a := range strs(st.Action) {
				if st.Effect == "Allow" && strings.HasSuffix(a, ":*") {
					return fail(r, "allows %s", a)
				}
			}
		}
		return pass(r, `no "service:*" action`)
	})},
	"IAM_USER_NO_POLICIES_CHECK": {Evaluate: each([]string{typeUser}, func(s *Stack, r *Resource) Evaluation {
		return verdict(r, len(s.Refer(typeUserAttach, "user", r.Str("name")))+len(s.Refer(typeUserPolicy, "user", r.Str("name"))) == 0, "permissions through groups or roles only", "has policies of its own")
	})},

	// Network.
	"INCOMING_SSH_DISABLED": {Evaluate: sgOpenPorts(func(Params) []int { return []int{22} }, "SSH")},
	"RESTRICTED_INCOMING_TRAFFIC": {Evaluate: sgOpenPorts(func(p Params) []int {
		var ports []int
		for i := 1; i <= 5; i++ {
			ports = append(ports, csvInts(p["blockedPort"+strconv.Itoa(i)])...)
		}
		return ports
	}, "a blocked port")},
	"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS": {Evaluate: func(s *Stack, p Params) []Evaluation {
		authorized := csvInts(p["authorizedTcpPorts"])
		var out []Evaluation
		for _, sg := range s.OfType(typeSG) {
			var bad []string
			for _, in := range s.Refer(typeIngress, "securityGroupId", sg.ID) {
				from, to, tcp, open := openToWorld(in)
				if open && (!tcp || from != to || !slices.Contains(authorized, from)) {
					bad = append(bad, fmt.Sprintf("%d-%d", from, to))
				}
			}
			out = append(out, verdict(sg, len(bad) == 0, "open to the world only on authorized TCP ports", "open to the world on "+strings.Join(bad, ", ")))
		}
		return out
	}},
	"VPC_DEFAULT_SECURITY_GROUP_CLOSED": {Evaluate: each([]string{typeVpc}, func(s *Stack, r *Resource) Evaluation {
		for _, d := range s.Refer(typeDefaultSG, "vpcId", r.ID) {
			return verdict(r, len(d.List("ingress")) == 0 && len(d.List("egress")) == 0, "default security group managed with no rules", "default security group has rules")
		}
		return fail(r, "default security group not managed: it keeps AWS's allow-all rules")
	})},
	"SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED": {Evaluate: each([]string{typeSubnet}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, !r.Bool("mapPublicIpOnLaunch"), "assigns no public IP", "assigns public IPs")
	})},
	// AWS: "If parameter is not provided all attached IGWs will be
	// NON_COMPLIANT" (the rule's page); AuthorizedVpcIds is a
	// comma-separated list.
	"INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY": {Evaluate: func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, r := range s.OfType(typeIgw) {
			vpc := r.Str("vpcId")
			ok := false
			for _, id := range strings.Split(p["AuthorizedVpcIds"], ",") {
				id = strings.TrimSpace(id)
				v := s.ByID(vpc)
				ok = ok || (id != "" && id == vpc) || (id == OwnVpcs && v != nil && v.Type == typeVpc)
			}
			out = append(out, verdict(r, ok, "attached to an authorized VPC (the pack's AuthorizedVpcIds)", "attached to a VPC not in the pack's AuthorizedVpcIds"))
		}
		return out
	}},
	"NO_UNRESTRICTED_ROUTE_TO_IGW": {Evaluate: each([]string{typeRouteTable}, func(s *Stack, r *Resource) Evaluation {
		for _, rt := range s.Refer(typeRoute, "routeTableId", r.ID) {
			gw := s.ByID(rt.Str("gatewayId"))
			if gw != nil && gw.Type == typeIgw && (rt.Str("destinationCidrBlock") == "0.0.0.0/0" || rt.Str("destinationIpv6CidrBlock") == "::/0") {
				return fail(r, "routes 0.0.0.0/0 to the internet gateway")
			}
		}
		return pass(r, "no default route to an internet gateway")
	})},
	"SSM_DOCUMENT_NOT_PUBLIC": {Evaluate: each([]string{typeSsmDoc}, func(_ *Stack, r *Resource) Evaluation {
		perm := r.Map("permissions")
		return verdict(r, !strings.EqualFold(fmt.Sprint(perm["accountIds"]), "all"), "not shared publicly", "shared with all accounts")
	})},
}

func recordsManagementEvents(r *Resource) bool {
	sels := r.List("advancedEventSelectors")
	if len(sels) == 0 {
		return true // without selectors a trail records every management event
	}
	for _, x := range sels {
		sel, _ := x.(map[string]any)
		for _, f := range anyList(sel["fieldSelectors"]) {
			if f["field"] == "eventCategory" && slices.Contains(strs(f["equals"]), "Management") {
				return true
			}
		}
	}
	return false
}

// s3DataEvents reports whether the trail records S3 object events for every
// bucket, or which ARN prefixes it leaves out.
func s3DataEvents(r *Resource) (all bool, excluded []string) {
	for _, x := range r.List("advancedEventSelectors") {
		sel, _ := x.(map[string]any)
		var data, s3 bool
		var restricted bool
		var notStarts []string
		for _, f := range anyList(sel["fieldSelectors"]) {
			switch f["field"] {
			case "eventCategory":
				data = slices.Contains(strs(f["equals"]), "Data")
			case "resources.type":
				s3 = slices.Contains(strs(f["equals"]), "AWS::S3::Object")
			case "resources.ARN":
				notStarts = append(notStarts, strs(f["notStartsWiths"])...)
				restricted = restricted || len(strs(f["equals"])) > 0 || len(strs(f["startsWiths"])) > 0
			}
		}
		if data && s3 && !restricted {
			if len(notStarts) == 0 {
				return true, nil
			}
			excluded = append(excluded, notStarts...)
		}
	}
	return false, excluded
}

func anyList(v any) []map[string]any {
	var out []map[string]any
	l, _ := v.([]any)
	for _, x := range l {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// atLeastDaily: a cron schedule that runs every day (or more often).
func atLeastDaily(schedule string) bool {
	f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(schedule, "cron("), ")"))
	if len(f) != 6 {
		return strings.HasPrefix(schedule, "rate(") && (strings.Contains(schedule, "hour") || strings.Contains(schedule, "1 day"))
	}
	any := func(s string) bool { return s == "*" || s == "?" }
	return any(f[2]) && any(f[3]) && any(f[4])
}

func paramInt(p Params, key string, def int) int {
	if n, err := strconv.Atoi(p[key]); err == nil {
		return n
	}
	return def
}

// sgOpenPorts fails a security group open to the world on any of the ports.
func sgOpenPorts(ports func(Params) []int, what string) func(*Stack, Params) []Evaluation {
	return func(s *Stack, p Params) []Evaluation {
		var out []Evaluation
		for _, sg := range s.OfType(typeSG) {
			var bad []int
			for _, in := range s.Refer(typeIngress, "securityGroupId", sg.ID) {
				from, to, _, open := openToWorld(in)
				for _, port := range ports(p) {
					if open && from <= port && port <= to {
						bad = append(bad, port)
					}
				}
			}
			out = append(out, verdict(sg, len(bad) == 0, "no "+what+" open to the world", fmt.Sprintf("%s open to the world: %v", what, bad)))
		}
		return out
	}
}
