package guardrails

// control is one guardrail before it is bound to its rule: which managed
// rule's predicate judges it, whether it blocks, whether it can judge a
// resource alone, and what to change when it fails.
type control struct {
	// rule is the managed rule identifier (a key of conformance.Checks or
	// conformance.Controls).
	rule string
	// mandatory: the control protects PHI (its confidentiality or
	// integrity, or the data's survival), so a violation blocks the
	// deployment; otherwise it is advisory.
	mandatory bool
	// alone: the predicate judges each resource from its own properties, so
	// the policy runs per resource, before the engine creates or updates
	// it. Otherwise the predicate joins resources (a bucket and its
	// encryption configuration) and the policy judges the whole stack.
	alone bool
	// fix names the property to set and the value that passes.
	fix string
}

// controls are the controls this stack evidences: every rule of the HIPAA
// pack whose predicate has a resource of this stack in scope, and the
// ControlRules. Ordered as the pack's areas in conformance.Checks.
var controls = []control{
	// S3.
	{"S3_BUCKET_ACL_PROHIBITED", true, false, "add an aws:s3/bucketOwnershipControls with rule.objectOwnership \"BucketOwnerEnforced\" (storage.NewBucket does)"},
	{"S3_BUCKET_DEFAULT_LOCK_ENABLED", false, false, "create the bucket with objectLockEnabled and add an aws:s3/bucketObjectLockConfigurationV2 with a default retention (storage.BucketArgs.ObjectLockDays)"},
	{"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", true, false, "add an aws:s3/bucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true"},
	{"S3_BUCKET_PUBLIC_READ_PROHIBITED", true, false, "add an aws:s3/bucketPublicAccessBlock with all four flags true"},
	{"S3_BUCKET_PUBLIC_WRITE_PROHIBITED", true, false, "add an aws:s3/bucketPublicAccessBlock with all four flags true"},
	{"S3_BUCKET_LOGGING_ENABLED", false, false, "add an aws:s3/bucketLoggingV2 with targetBucket the access-log bucket (storage.BucketArgs.AccessLogBucket)"},
	{"S3_BUCKET_REPLICATION_ENABLED", false, false, "add an aws:s3/bucketReplicationConfig to a bucket in another region or account"},
	{"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", true, false, "add an aws:s3/bucketServerSideEncryptionConfigurationV2 with rules[0].applyServerSideEncryptionByDefault.sseAlgorithm \"aws:kms\" and kmsMasterKeyId the S3 key"},
	{"S3_DEFAULT_ENCRYPTION_KMS", true, false, "set rules[0].applyServerSideEncryptionByDefault.sseAlgorithm \"aws:kms\" and kmsMasterKeyId a customer key in the bucket's encryption configuration"},
	{"S3_BUCKET_SSL_REQUESTS_ONLY", true, false, "add a bucket policy statement: Effect Deny, Principal \"*\", Action \"s3:*\", Condition Bool aws:SecureTransport \"false\" (policy.DenyInsecureTransport)"},
	{"S3_BUCKET_VERSIONING_ENABLED", true, false, "add an aws:s3/bucketVersioningV2 with versioningConfiguration.status \"Enabled\""},
	{"S3_VERSION_LIFECYCLE_POLICY_CHECK", false, false, "add an aws:s3/bucketLifecycleConfigurationV2 that expires noncurrent versions"},
	{"S3_EVENT_NOTIFICATIONS_ENABLED", false, false, "add an aws:s3/bucketNotification to the consumer of object events"},
	{"S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", true, true, "set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true on the aws:s3/accountPublicAccessBlock"},

	// Audit logging and monitoring.
	{"CLOUD_TRAIL_ENABLED", true, true, "set enableLogging true on the trail"},
	{"MULTI_REGION_CLOUD_TRAIL_ENABLED", true, true, "set isMultiRegionTrail and enableLogging true, and keep an advancedEventSelectors entry with eventCategory \"Management\""},
	{"CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", false, true, "set cloudWatchLogsGroupArn and cloudWatchLogsRoleArn on the trail"},
	{"CLOUD_TRAIL_ENCRYPTION_ENABLED", true, true, "set kmsKeyId on the trail to the S3 key"},
	{"CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", true, true, "set enableLogFileValidation true on the trail"},
	{"CLOUDTRAIL_S3_DATAEVENTS_ENABLED", false, true, "add an advancedEventSelectors entry with eventCategory \"Data\" and resources.type \"AWS::S3::Object\", excluding no bucket"},
	{"CLOUDWATCH_ALARM_ACTION_CHECK", false, true, "set actionsEnabled true and alarmActions and insufficientDataActions to the alarm topic (observability.Watch does)"},
	{"ELB_LOGGING_ENABLED", false, true, "set accessLogs.enabled true and accessLogs.bucket on the load balancer"},
	{"WAFV2_LOGGING_ENABLED", false, false, "add an aws:wafv2/webAclLoggingConfiguration with resourceArn the web ACL's ARN and an aws-waf-logs-* log group"},
	{"VPC_FLOW_LOGS_ENABLED", false, false, "add an aws:ec2/flowLog with vpcId the VPC's ID and trafficType \"ALL\""},
	{"GUARDDUTY_ENABLED_CENTRALIZED", false, true, "set enable true on the GuardDuty detector"},
	{"SECURITYHUB_ENABLED", false, false, "keep an aws:securityhub/account in the stack"},
	{"CLOUDWATCH_LOG_GROUP_ENCRYPTED", true, true, "set kmsKeyId on the log group to the Logs key (logs.NewGroup does)"},
	{"CW_LOGGROUP_RETENTION_PERIOD_CHECK", false, true, "set retentionInDays on the log group to 365 or more (auditLogRetentionDays for audit logs)"},

	// Load balancing and the edge.
	{"ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", true, true, "give the HTTP listener a defaultActions redirect with protocol \"HTTPS\" (set edge.certificateArn)"},
	{"ELBV2_ACM_CERTIFICATE_REQUIRED", true, false, "add an HTTPS listener with certificateArn an ACM certificate (set edge.certificateArn)"},
	{"ALB_WAF_ENABLED", true, false, "add an aws:wafv2/webAclAssociation with resourceArn the load balancer's ARN"},
	{"ELB_DELETION_PROTECTION_ENABLED", false, true, "set enableDeletionProtection true on the load balancer"},

	// Databases and backup.
	{"AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN", true, false, "select the cluster's ARN in an aws:backup/selection of the backup plan (data.Backup does)"},
	{"RDS_IN_BACKUP_PLAN", true, false, "select the instance's cluster in an aws:backup/selection"},
	{"DB_INSTANCE_BACKUP_ENABLED", true, false, "set backupRetentionPeriod to 7 or more on the cluster"},
	{"RDS_CLUSTER_DELETION_PROTECTION_ENABLED", true, true, "set deletionProtection true on the cluster"},
	{"RDS_CLUSTER_MULTI_AZ_ENABLED", false, false, "add a reader instance in a second availability zone (aurora.readerAvailabilityZones)"},
	{"RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED", false, true, "set autoMinorVersionUpgrade true on the instance"},
	{"RDS_ENHANCED_MONITORING_ENABLED", false, true, "set monitoringInterval to 60 (and monitoringRoleArn) on the instance"},
	{"RDS_INSTANCE_PUBLIC_ACCESS_CHECK", true, true, "set publiclyAccessible false on the instance"},
	{"RDS_LOGGING_ENABLED", false, false, "set enabledCloudwatchLogsExports [\"postgresql\"] on the cluster"},
	{"RDS_STORAGE_ENCRYPTED", true, false, "set storageEncrypted true and kmsKeyId the Aurora key on the cluster (a replacement: restore from a snapshot)"},
	{"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", true, true, "give the plan a rule with a daily schedule and lifecycle.deleteAfter of at least 35 days"},
	{"BACKUP_RECOVERY_POINT_ENCRYPTED", true, true, "set kmsKeyArn on the backup vault to a customer key"},
	{"BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", true, false, "add an aws:backup/vaultPolicy denying backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle and backup:PutBackupVaultAccessPolicy to \"*\""},
	{"SECRETSMANAGER_USING_CMK", true, true, "set kmsKeyId on the secret to the Secrets key"},
	{"SECRETSMANAGER_ROTATION_ENABLED_CHECK", false, false, "add an aws:secretsmanager/secretRotation with secretId the secret's ID"},
	{"SNS_ENCRYPTED_KMS", true, true, "set kmsMasterKeyId on the topic to a customer key"},
	{"KMS_CMK_NOT_SCHEDULED_FOR_DELETION", true, true, "create the key with pulumi.Protect(true), so no destroy or refactor schedules its deletion"},

	// Compute.
	{"EC2_IMDSV2_CHECK", true, true, "set metadataOptions.httpTokens \"required\" on the instance"},
	{"EC2_INSTANCE_NO_PUBLIC_IP", true, false, "set associatePublicIpAddress false and launch in a subnet with mapPublicIpOnLaunch false"},
	{"EC2_INSTANCE_PROFILE_ATTACHED", false, true, "set iamInstanceProfile on the instance"},
	{"EC2_INSTANCE_MANAGED_BY_SSM", false, false, "attach the AWS managed policy AmazonSSMManagedInstanceCore (arn:PARTITION:iam::aws:policy/AmazonSSMManagedInstanceCore) to the instance profile's role"},
	{"INSTANCES_IN_VPC", true, true, "set subnetId on the instance to a private subnet"},
	{"EC2_STOPPED_INSTANCE", false, false, "delete the aws:ec2/instanceState that keeps the instance stopped, or remove the instance"},
	{"ENCRYPTED_VOLUMES", true, true, "set rootBlockDevice.encrypted (and every ebsBlockDevices[].encrypted) true"},
	{"EBS_IN_BACKUP_PLAN", false, false, "select the instance's ARN in an aws:backup/selection"},
	{"EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN", false, false, "select the instance's ARN in an aws:backup/selection"},
	{"EC2_EBS_ENCRYPTION_BY_DEFAULT", true, true, "set enabled true on the aws:ebs/encryptionByDefault"},
	{"ECS_CONTAINERS_READONLY_ACCESS", true, true, "set readonlyRootFilesystem true in every container definition (mount a volume where the app writes)"},
	{"ECS_CONTAINERS_NONPRIVILEGED", true, true, "set privileged false (or leave it out) in every container definition"},
	{"ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT", true, true, "set user to a non-root UID (\"101\") in every container definition"},

	// Identity and access.
	{"IAM_PASSWORD_POLICY", false, true, "raise the aws:iam/accountPasswordPolicy to the pack's parameters (length 14, reuse 24, age 90, every character class)"},
	{"IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS", true, true, "scope kms:Decrypt, kms:ReEncrypt* and kms:* to key ARNs instead of Resource \"*\""},
	{"IAM_NO_INLINE_POLICY_CHECK", false, false, "move the inline policy to an aws:iam/policy attached with an aws:iam/rolePolicyAttachment"},
	{"IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", true, true, "replace Action \"*\" on Resource \"*\" with the actions and resources the role needs"},
	{"IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", false, true, "replace \"service:*\" actions with the actions the role needs"},

	// Network.
	{"INCOMING_SSH_DISABLED", true, false, "remove the ingress rule opening port 22 to 0.0.0.0/0 or ::/0 (use Session Manager through the bastion)"},
	{"RESTRICTED_INCOMING_TRAFFIC", true, false, "remove the ingress rule opening a blocked port (20, 21, 3389, 3306, 4333) to the world; admit a security group instead"},
	{"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", true, false, "open only TCP 80 and 443 to 0.0.0.0/0, on the ALB's group; admit other traffic from a security group (referencedSecurityGroupId) instead of a CIDR"},
	{"VPC_DEFAULT_SECURITY_GROUP_CLOSED", true, false, "manage the VPC's aws:ec2/defaultSecurityGroup with no ingress and no egress"},
	{"SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", true, true, "set mapPublicIpOnLaunch false on the subnet"},
	{"INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY", false, false, "attach the internet gateway only to this stack's VPC"},
	{"NO_UNRESTRICTED_ROUTE_TO_IGW", true, false, "route 0.0.0.0/0 to a NAT gateway, not the internet gateway, outside the public route table"},
	{"SSM_DOCUMENT_NOT_PUBLIC", true, true, "remove permissions.accountIds \"All\" from the document"},
}
