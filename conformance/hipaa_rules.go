package conformance

// VaultPolicyAdminArns names the pack input parameter holding, comma
// separated, the principal ARNs the backup vault policy exempts from its
// deny (data.VaultPolicyAdmins): backup-recovery-point-manual-deletion-disabled
// is told not to check them.
const VaultPolicyAdminArns = "VaultPolicyAdminArns"

// HIPAARules is AWS's "Operational Best Practices for HIPAA Security"
// conformance pack as a typed table: its 130 rules, in the template's order,
// 129 AWS Config managed rules and one process check.
//
// Rules come from the template aws-config-conformance-packs/Operational-Best-Practices-for-HIPAA-Security.yaml
// in github.com/awslabs/aws-config-rules, as last changed by commit
// d51caecc74f6b23085476b23f2479c565c415b27 of 2025-01-07 ("Removing
// S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED which is redundant to limit rules
// to 130", #433; blob f77cca2bdcf169f3e433684fa26b8755ce3cce57, 50,485
// bytes), still the file's latest version in that repository's history
// read on the day this table was checked (head b54d4a6c, 2026-04-09). The
// version before it (9e0fb678, 2024-12-17, merged as 1c527eab) had 131 rules
// with s3-bucket-level-public-access-prohibited; that rule is now a control
// of this stack outside the pack (ControlRules). For each
// AWS::Config::ConfigRule resource, ConfigRuleName is Name,
// Source.SourceIdentifier is Identifier, Scope.ComplianceResourceTypes is
// ResourceTypes, Description (the process check's only) is Description,
// and InputParameters are Parameters. Changes from the template:
//
//   - Each input parameter that the template takes from a template
//     parameter (Fn::If on a non-empty condition, Ref to the parameter, else
//     AWS::NoValue) is written as that parameter's Default, as a literal
//     string; a parameter whose Default is empty is left out.
//   - internet-gateway-authorized-vpc-only: the template's AuthorizedVpcIds
//     (Default empty, so unset: "If parameter is not provided all attached
//     IGWs will be NON_COMPLIANT", the rule's page) is
//     Ref("AuthorizedVpcIds"), the project's VPCs in the region.
//   - vpc-sg-open-only-to-authorized-ports: the template sets no parameters;
//     authorizedTcpPorts (the managed rule's own key spelling) is
//     Ref("AuthorizedTcpPorts"), this stack's open TCP ports.
//   - backup-recovery-point-manual-deletion-disabled: the template sets no
//     parameters; principalArnList (the managed rule's "IAM ARNs for the
//     rule to NOT check", AWS Config Developer Guide) is
//     Ref(VaultPolicyAdminArns): the principals the vault policy exempts
//     from its deny so that the deploy path can change the policy.
//   - The template sets no MaximumExecutionFrequency on any rule, so none is
//     set here; AWS runs periodic managed rules every 24 hours by default.
//   - dms-replication-not-public and emr-master-no-public-ip have an empty
//     ComplianceResourceTypes list in the template and no ResourceTypes here.
//   - annual-risk-assessment-performed is a process check (Owner AWS,
//     SourceIdentifier AWS_CONFIG_PROCESS_CHECK): it evaluates nothing and
//     records the compliance someone sets by hand, so it is deployed as the
//     template has it and predicted PROCESS. The template has no custom
//     (Lambda) or Guard rules.
//
// Safeguards are the HIPAA Security Rule sections a source maps each rule
// to, and SafeguardSource names that source. AWS's page "Operational Best
// Practices for HIPAA Security"
// (https://docs.aws.amazon.com/config/latest/developerguide/operational-best-practices-for-hipaa_security.html)
// holds AWS's mapping, but its table could not be read here: the docs
// source on GitHub (awsdocs/aws-config-developer-guide,
// doc_source/operational-best-practices-for-hipaa_security.md) replaces it
// with a link to the website, the stored copy of the website holds only its
// first row (annual-risk-assessment-performed, 164.308(a)(1)(ii)(A)), and the
// awslabs template carries no mapping. So:
//
//   - annual-risk-assessment-performed carries the section of that first
//     row (SourceAWSPage).
//   - 74 rules carry the control IDs that AWS's cdk-nag quotes from that page
//     in its HIPAA.Security pack (github.com/cdklabs/cdk-nag,
//     src/packs/hipaa-security.ts at commit
//     058d0d6ae80975c0afd85b8a33c8e95a3746722a), where cdk-nag has a rule
//     checking the same thing: a quotation of AWS's mapping, not checked
//     against the page itself (SourceCdkNag).
//   - The other 55 rules carry no safeguard (UnmappedRules): their mapping
//     could be neither read from AWS's page nor found quoted, and an auditor
//     must not be shown a guess. Fill them from the page when it can be read.
var HIPAARules = []ManagedRule{
	{
		Name:       "access-keys-rotated",
		Identifier: "ACCESS_KEYS_ROTATED",
		Parameters: map[string]string{"maxAccessKeyAge": "90"},
	},
	{
		Name:          "acm-certificate-expiration-check",
		Identifier:    "ACM_CERTIFICATE_EXPIRATION_CHECK",
		ResourceTypes: []string{"AWS::ACM::Certificate"},
	},
	{
		Name:            "alb-http-to-https-redirection-check",
		Identifier:      "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "alb-waf-enabled",
		Identifier:    "ALB_WAF_ENABLED",
		ResourceTypes: []string{"AWS::ElasticLoadBalancingV2::LoadBalancer"},
	},
	{
		Name:          "api-gw-associated-with-waf",
		Identifier:    "API_GW_ASSOCIATED_WITH_WAF",
		ResourceTypes: []string{"AWS::ApiGateway::Stage"},
	},
	{
		Name:            "api-gw-execution-logging-enabled",
		Identifier:      "API_GW_EXECUTION_LOGGING_ENABLED",
		ResourceTypes:   []string{"AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"},
		Safeguards:      []string{"164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "api-gw-ssl-enabled",
		Identifier:      "API_GW_SSL_ENABLED",
		ResourceTypes:   []string{"AWS::ApiGateway::Stage"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "aurora-resources-protected-by-backup-plan",
		Identifier:    "AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
		ResourceTypes: []string{"AWS::RDS::DBCluster"},
	},
	{
		Name:            "autoscaling-group-elb-healthcheck-required",
		Identifier:      "AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED",
		ResourceTypes:   []string{"AWS::AutoScaling::AutoScalingGroup"},
		Safeguards:      []string{"164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "autoscaling-launch-config-public-ip-disabled",
		Identifier:      "AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED",
		ResourceTypes:   []string{"AWS::AutoScaling::LaunchConfiguration"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "backup-plan-min-frequency-and-min-retention-check",
		Identifier:    "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
		ResourceTypes: []string{"AWS::Backup::BackupPlan"},
	},
	{
		Name:          "backup-recovery-point-encrypted",
		Identifier:    "BACKUP_RECOVERY_POINT_ENCRYPTED",
		ResourceTypes: []string{"AWS::Backup::RecoveryPoint"},
	},
	{
		Name:          "backup-recovery-point-manual-deletion-disabled",
		Identifier:    "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
		ResourceTypes: []string{"AWS::Backup::BackupVault"},
		Parameters:    map[string]string{"principalArnList": Ref(VaultPolicyAdminArns)},
	},
	{
		Name:            "cloud-trail-cloud-watch-logs-enabled",
		Identifier:      "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
		Safeguards:      []string{"164.308(a)(3)(ii)(A)", "164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "cloudtrail-enabled",
		Identifier: "CLOUD_TRAIL_ENABLED",
	},
	{
		Name:            "cloud-trail-encryption-enabled",
		Identifier:      "CLOUD_TRAIL_ENCRYPTION_ENABLED",
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "cloud-trail-log-file-validation-enabled",
		Identifier:      "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
		Safeguards:      []string{"164.312(c)(1)", "164.312(c)(2)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "cloudtrail-s3-dataevents-enabled",
		Identifier: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
	},
	{
		Name:            "cloudwatch-alarm-action-check",
		Identifier:      "CLOUDWATCH_ALARM_ACTION_CHECK",
		ResourceTypes:   []string{"AWS::CloudWatch::Alarm"},
		Parameters:      map[string]string{"alarmActionRequired": "true", "insufficientDataActionRequired": "true", "okActionRequired": "false"},
		Safeguards:      []string{"164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "codebuild-project-envvar-awscred-check",
		Identifier:      "CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK",
		ResourceTypes:   []string{"AWS::CodeBuild::Project"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "codebuild-project-source-repo-url-check",
		Identifier:      "CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK",
		ResourceTypes:   []string{"AWS::CodeBuild::Project"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "db-instance-backup-enabled",
		Identifier:      "DB_INSTANCE_BACKUP_ENABLED",
		ResourceTypes:   []string{"AWS::RDS::DBInstance"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "dms-replication-not-public",
		Identifier:      "DMS_REPLICATION_NOT_PUBLIC",
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "dynamodb-autoscaling-enabled",
		Identifier:      "DYNAMODB_AUTOSCALING_ENABLED",
		ResourceTypes:   []string{"AWS::DynamoDB::Table"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "dynamodb-in-backup-plan",
		Identifier:      "DYNAMODB_IN_BACKUP_PLAN",
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "dynamodb-pitr-enabled",
		Identifier:      "DYNAMODB_PITR_ENABLED",
		ResourceTypes:   []string{"AWS::DynamoDB::Table"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "dynamodb-throughput-limit-check",
		Identifier: "DYNAMODB_THROUGHPUT_LIMIT_CHECK",
	},
	{
		Name:            "ebs-in-backup-plan",
		Identifier:      "EBS_IN_BACKUP_PLAN",
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "ebs-snapshot-public-restorable-check",
		Identifier: "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
	},
	{
		Name:       "ec2-ebs-encryption-by-default",
		Identifier: "EC2_EBS_ENCRYPTION_BY_DEFAULT",
	},
	{
		Name:          "ec2-imdsv2-check",
		Identifier:    "EC2_IMDSV2_CHECK",
		ResourceTypes: []string{"AWS::EC2::Instance"},
	},
	{
		Name:          "ec2-instance-managed-by-systems-manager",
		Identifier:    "EC2_INSTANCE_MANAGED_BY_SSM",
		ResourceTypes: []string{"AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"},
	},
	{
		Name:            "ec2-instance-no-public-ip",
		Identifier:      "EC2_INSTANCE_NO_PUBLIC_IP",
		ResourceTypes:   []string{"AWS::EC2::Instance"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "ec2-instance-profile-attached",
		Identifier:      "EC2_INSTANCE_PROFILE_ATTACHED",
		ResourceTypes:   []string{"AWS::EC2::Instance"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "ec2-managedinstance-association-compliance-status-check",
		Identifier:    "EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK",
		ResourceTypes: []string{"AWS::SSM::AssociationCompliance"},
	},
	{
		Name:          "ec2-managedinstance-patch-compliance-status-check",
		Identifier:    "EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK",
		ResourceTypes: []string{"AWS::SSM::PatchCompliance"},
	},
	{
		Name:          "ec2-resources-protected-by-backup-plan",
		Identifier:    "EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
		ResourceTypes: []string{"AWS::EC2::Instance"},
	},
	{
		Name:       "ec2-stopped-instance",
		Identifier: "EC2_STOPPED_INSTANCE",
	},
	{
		Name:          "ecs-containers-readonly-access",
		Identifier:    "ECS_CONTAINERS_READONLY_ACCESS",
		ResourceTypes: []string{"AWS::ECS::TaskDefinition"},
	},
	{
		Name:            "ecs-task-definition-user-for-host-mode-check",
		Identifier:      "ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK",
		ResourceTypes:   []string{"AWS::ECS::TaskDefinition"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "efs-encrypted-check",
		Identifier:      "EFS_ENCRYPTED_CHECK",
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "efs-in-backup-plan",
		Identifier:      "EFS_IN_BACKUP_PLAN",
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "elastic-beanstalk-managed-updates-enabled",
		Identifier:      "ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED",
		ResourceTypes:   []string{"AWS::ElasticBeanstalk::Environment"},
		Safeguards:      []string{"164.308(a)(5)(ii)(A)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "elasticache-redis-cluster-automatic-backup-check",
		Identifier:      "ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK",
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "elasticsearch-encrypted-at-rest",
		Identifier: "ELASTICSEARCH_ENCRYPTED_AT_REST",
	},
	{
		Name:       "elasticsearch-in-vpc-only",
		Identifier: "ELASTICSEARCH_IN_VPC_ONLY",
	},
	{
		Name:          "elasticsearch-logs-to-cloudwatch",
		Identifier:    "ELASTICSEARCH_LOGS_TO_CLOUDWATCH",
		ResourceTypes: []string{"AWS::Elasticsearch::Domain"},
	},
	{
		Name:          "elasticsearch-node-to-node-encryption-check",
		Identifier:    "ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK",
		ResourceTypes: []string{"AWS::Elasticsearch::Domain"},
	},
	{
		Name:            "elb-acm-certificate-required",
		Identifier:      "ELB_ACM_CERTIFICATE_REQUIRED",
		ResourceTypes:   []string{"AWS::ElasticLoadBalancing::LoadBalancer"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "elb-cross-zone-load-balancing-enabled",
		Identifier:      "ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED",
		ResourceTypes:   []string{"AWS::ElasticLoadBalancing::LoadBalancer"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "elb-deletion-protection-enabled",
		Identifier:      "ELB_DELETION_PROTECTION_ENABLED",
		ResourceTypes:   []string{"AWS::ElasticLoadBalancingV2::LoadBalancer"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "elb-logging-enabled",
		Identifier:      "ELB_LOGGING_ENABLED",
		ResourceTypes:   []string{"AWS::ElasticLoadBalancing::LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer"},
		Safeguards:      []string{"164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "elb-predefined-security-policy-ssl-check",
		Identifier:    "ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK",
		ResourceTypes: []string{"AWS::ElasticLoadBalancing::LoadBalancer"},
		Parameters:    map[string]string{"predefinedPolicyName": "ELBSecurityPolicy-TLS-1-2-2017-01"},
	},
	{
		Name:            "elb-tls-https-listeners-only",
		Identifier:      "ELB_TLS_HTTPS_LISTENERS_ONLY",
		ResourceTypes:   []string{"AWS::ElasticLoadBalancing::LoadBalancer"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "elbv2-acm-certificate-required",
		Identifier:      "ELBV2_ACM_CERTIFICATE_REQUIRED",
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "emr-kerberos-enabled",
		Identifier:      "EMR_KERBEROS_ENABLED",
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "emr-master-no-public-ip",
		Identifier: "EMR_MASTER_NO_PUBLIC_IP",
	},
	{
		Name:          "encrypted-volumes",
		Identifier:    "ENCRYPTED_VOLUMES",
		ResourceTypes: []string{"AWS::EC2::Volume"},
	},
	{
		Name:       "guardduty-enabled-centralized",
		Identifier: "GUARDDUTY_ENABLED_CENTRALIZED",
	},
	{
		Name:          "iam-customer-policy-blocked-kms-actions",
		Identifier:    "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS",
		ResourceTypes: []string{"AWS::IAM::Policy"},
		Parameters:    map[string]string{"blockedActionsPatterns": "kms:*, kms:Decrypt, kms:ReEncrypt*"},
	},
	{
		Name:          "iam-inline-policy-blocked-kms-actions",
		Identifier:    "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS",
		ResourceTypes: []string{"AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::User"},
		Parameters:    map[string]string{"blockedActionsPatterns": "kms:*, kms:Decrypt, kms:ReEncrypt*"},
	},
	{
		Name:            "iam-no-inline-policy-check",
		Identifier:      "IAM_NO_INLINE_POLICY_CHECK",
		ResourceTypes:   []string{"AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "iam-password-policy",
		Identifier: "IAM_PASSWORD_POLICY",
		Parameters: map[string]string{"MaxPasswordAge": "90", "MinimumPasswordLength": "14", "PasswordReusePrevention": "24", "RequireLowercaseCharacters": "true", "RequireNumbers": "true", "RequireSymbols": "true", "RequireUppercaseCharacters": "true"},
	},
	{
		Name:            "iam-policy-no-statements-with-admin-access",
		Identifier:      "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
		ResourceTypes:   []string{"AWS::IAM::Policy"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "iam-policy-no-statements-with-full-access",
		Identifier:      "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
		ResourceTypes:   []string{"AWS::IAM::Policy"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "iam-root-access-key-check",
		Identifier: "IAM_ROOT_ACCESS_KEY_CHECK",
	},
	{
		Name:       "iam-user-mfa-enabled",
		Identifier: "IAM_USER_MFA_ENABLED",
	},
	{
		Name:            "iam-user-no-policies-check",
		Identifier:      "IAM_USER_NO_POLICIES_CHECK",
		ResourceTypes:   []string{"AWS::IAM::User"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(A)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "iam-user-unused-credentials-check",
		Identifier: "IAM_USER_UNUSED_CREDENTIALS_CHECK",
		Parameters: map[string]string{"maxCredentialUsageAge": "90"},
	},
	{
		Name:            "restricted-ssh",
		Identifier:      "INCOMING_SSH_DISABLED",
		ResourceTypes:   []string{"AWS::EC2::SecurityGroup"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "ec2-instances-in-vpc",
		Identifier:      "INSTANCES_IN_VPC",
		ResourceTypes:   []string{"AWS::EC2::Instance"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "internet-gateway-authorized-vpc-only",
		Identifier:    "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY",
		ResourceTypes: []string{"AWS::EC2::InternetGateway"},
		Parameters:    map[string]string{"AuthorizedVpcIds": Ref("AuthorizedVpcIds")},
	},
	{
		Name:          "kinesis-stream-encrypted",
		Identifier:    "KINESIS_STREAM_ENCRYPTED",
		ResourceTypes: []string{"AWS::Kinesis::Stream"},
	},
	{
		Name:          "kms-cmk-not-scheduled-for-deletion",
		Identifier:    "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
		ResourceTypes: []string{"AWS::KMS::Key"},
	},
	{
		Name:          "lambda-function-public-access-prohibited",
		Identifier:    "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED",
		ResourceTypes: []string{"AWS::Lambda::Function"},
	},
	{
		Name:       "mfa-enabled-for-iam-console-access",
		Identifier: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
	},
	{
		Name:       "multi-region-cloudtrail-enabled",
		Identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED",
	},
	{
		Name:            "no-unrestricted-route-to-igw",
		Identifier:      "NO_UNRESTRICTED_ROUTE_TO_IGW",
		ResourceTypes:   []string{"AWS::EC2::RouteTable"},
		Safeguards:      []string{"164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "opensearch-encrypted-at-rest",
		Identifier:      "OPENSEARCH_ENCRYPTED_AT_REST",
		ResourceTypes:   []string{"AWS::OpenSearch::Domain"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "opensearch-https-required",
		Identifier:    "OPENSEARCH_HTTPS_REQUIRED",
		ResourceTypes: []string{"AWS::OpenSearch::Domain"},
	},
	{
		Name:            "opensearch-in-vpc-only",
		Identifier:      "OPENSEARCH_IN_VPC_ONLY",
		ResourceTypes:   []string{"AWS::OpenSearch::Domain"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "opensearch-logs-to-cloudwatch",
		Identifier:      "OPENSEARCH_LOGS_TO_CLOUDWATCH",
		ResourceTypes:   []string{"AWS::OpenSearch::Domain"},
		Safeguards:      []string{"164.308(a)(3)(ii)(A)", "164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "opensearch-node-to-node-encryption-check",
		Identifier:      "OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK",
		ResourceTypes:   []string{"AWS::OpenSearch::Domain"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "rds-automatic-minor-version-upgrade-enabled",
		Identifier:      "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED",
		ResourceTypes:   []string{"AWS::RDS::DBInstance"},
		Safeguards:      []string{"164.308(a)(5)(ii)(A)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "rds-cluster-deletion-protection-enabled",
		Identifier:      "RDS_CLUSTER_DELETION_PROTECTION_ENABLED",
		ResourceTypes:   []string{"AWS::RDS::DBCluster"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "rds-enhanced-monitoring-enabled",
		Identifier:      "RDS_ENHANCED_MONITORING_ENABLED",
		ResourceTypes:   []string{"AWS::RDS::DBInstance"},
		Safeguards:      []string{"164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "rds-in-backup-plan",
		Identifier:      "RDS_IN_BACKUP_PLAN",
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "rds-instance-public-access-check",
		Identifier:      "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
		ResourceTypes:   []string{"AWS::RDS::DBInstance"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "rds-logging-enabled",
		Identifier:      "RDS_LOGGING_ENABLED",
		ResourceTypes:   []string{"AWS::RDS::DBInstance"},
		Safeguards:      []string{"164.308(a)(3)(ii)(A)", "164.308(a)(5)(ii)(C)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "rds-multi-az-support",
		Identifier:      "RDS_MULTI_AZ_SUPPORT",
		ResourceTypes:   []string{"AWS::RDS::DBInstance"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "rds-cluster-multi-az-enabled",
		Identifier:    "RDS_CLUSTER_MULTI_AZ_ENABLED",
		ResourceTypes: []string{"AWS::RDS::DBCluster"},
	},
	{
		Name:          "rds-snapshot-encrypted",
		Identifier:    "RDS_SNAPSHOT_ENCRYPTED",
		ResourceTypes: []string{"AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"},
	},
	{
		Name:          "rds-snapshots-public-prohibited",
		Identifier:    "RDS_SNAPSHOTS_PUBLIC_PROHIBITED",
		ResourceTypes: []string{"AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"},
	},
	{
		Name:            "rds-storage-encrypted",
		Identifier:      "RDS_STORAGE_ENCRYPTED",
		ResourceTypes:   []string{"AWS::RDS::DBInstance"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "redshift-backup-enabled",
		Identifier:      "REDSHIFT_BACKUP_ENABLED",
		ResourceTypes:   []string{"AWS::Redshift::Cluster"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "redshift-cluster-configuration-check",
		Identifier:      "REDSHIFT_CLUSTER_CONFIGURATION_CHECK",
		ResourceTypes:   []string{"AWS::Redshift::Cluster"},
		Parameters:      map[string]string{"clusterDbEncrypted": "true", "loggingEnabled": "true"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(b)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "redshift-cluster-maintenancesettings-check",
		Identifier:      "REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK",
		ResourceTypes:   []string{"AWS::Redshift::Cluster"},
		Parameters:      map[string]string{"allowVersionUpgrade": "true"},
		Safeguards:      []string{"164.308(a)(5)(ii)(A)", "164.308(a)(7)(ii)(A)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "redshift-cluster-public-access-check",
		Identifier:      "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK",
		ResourceTypes:   []string{"AWS::Redshift::Cluster"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "redshift-require-tls-ssl",
		Identifier:      "REDSHIFT_REQUIRE_TLS_SSL",
		ResourceTypes:   []string{"AWS::Redshift::Cluster"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "restricted-common-ports",
		Identifier:      "RESTRICTED_INCOMING_TRAFFIC",
		ResourceTypes:   []string{"AWS::EC2::SecurityGroup"},
		Parameters:      map[string]string{"blockedPort1": "20", "blockedPort2": "21", "blockedPort3": "3389", "blockedPort4": "3306", "blockedPort5": "4333"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(3)(ii)(B)", "164.308(a)(4)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(B)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "root-account-hardware-mfa-enabled",
		Identifier: "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
	},
	{
		Name:       "root-account-mfa-enabled",
		Identifier: "ROOT_ACCOUNT_MFA_ENABLED",
	},
	{
		Name:       "s3-account-level-public-access-blocks-periodic",
		Identifier: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
		Parameters: map[string]string{"BlockPublicAcls": "true", "BlockPublicPolicy": "true", "IgnorePublicAcls": "true", "RestrictPublicBuckets": "true"},
	},
	{
		Name:          "s3-bucket-acl-prohibited",
		Identifier:    "S3_BUCKET_ACL_PROHIBITED",
		ResourceTypes: []string{"AWS::S3::Bucket"},
	},
	{
		Name:          "s3-bucket-default-lock-enabled",
		Identifier:    "S3_BUCKET_DEFAULT_LOCK_ENABLED",
		ResourceTypes: []string{"AWS::S3::Bucket"},
	},
	{
		Name:            "s3-bucket-logging-enabled",
		Identifier:      "S3_BUCKET_LOGGING_ENABLED",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.308(a)(3)(ii)(A)", "164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "s3-bucket-public-read-prohibited",
		Identifier:      "S3_BUCKET_PUBLIC_READ_PROHIBITED",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "s3-bucket-public-write-prohibited",
		Identifier:      "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "s3-bucket-replication-enabled",
		Identifier:      "S3_BUCKET_REPLICATION_ENABLED",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "s3-bucket-server-side-encryption-enabled",
		Identifier:      "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "s3-bucket-ssl-requests-only",
		Identifier:      "S3_BUCKET_SSL_REQUESTS_ONLY",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "s3-bucket-versioning-enabled",
		Identifier:      "S3_BUCKET_VERSIONING_ENABLED",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)", "164.312(c)(1)", "164.312(c)(2)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "s3-default-encryption-kms",
		Identifier:      "S3_DEFAULT_ENCRYPTION_KMS",
		ResourceTypes:   []string{"AWS::S3::Bucket"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "s3-event-notifications-enabled",
		Identifier:    "S3_EVENT_NOTIFICATIONS_ENABLED",
		ResourceTypes: []string{"AWS::S3::Bucket"},
	},
	{
		Name:          "s3-version-lifecycle-policy-check",
		Identifier:    "S3_VERSION_LIFECYCLE_POLICY_CHECK",
		ResourceTypes: []string{"AWS::S3::Bucket"},
	},
	{
		Name:            "sagemaker-endpoint-configuration-kms-key-configured",
		Identifier:      "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED",
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "sagemaker-notebook-instance-kms-key-configured",
		Identifier:      "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED",
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "sagemaker-notebook-no-direct-internet-access",
		Identifier:      "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS",
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "secretsmanager-rotation-enabled-check",
		Identifier:      "SECRETSMANAGER_ROTATION_ENABLED_CHECK",
		ResourceTypes:   []string{"AWS::SecretsManager::Secret"},
		Safeguards:      []string{"164.308(a)(4)(ii)(B)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "secretsmanager-using-cmk",
		Identifier:      "SECRETSMANAGER_USING_CMK",
		ResourceTypes:   []string{"AWS::SecretsManager::Secret"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "securityhub-enabled",
		Identifier: "SECURITYHUB_ENABLED",
	},
	{
		Name:            "sns-encrypted-kms",
		Identifier:      "SNS_ENCRYPTED_KMS",
		ResourceTypes:   []string{"AWS::SNS::Topic"},
		Safeguards:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:       "ssm-document-not-public",
		Identifier: "SSM_DOCUMENT_NOT_PUBLIC",
	},
	{
		Name:            "subnet-auto-assign-public-ip-disabled",
		Identifier:      "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
		ResourceTypes:   []string{"AWS::EC2::Subnet"},
		Safeguards:      []string{"164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.308(a)(4)(ii)(C)", "164.312(a)(1)", "164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "vpc-default-security-group-closed",
		Identifier:      "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
		ResourceTypes:   []string{"AWS::EC2::SecurityGroup"},
		Safeguards:      []string{"164.312(e)(1)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "vpc-flow-logs-enabled",
		Identifier:      "VPC_FLOW_LOGS_ENABLED",
		Safeguards:      []string{"164.308(a)(3)(ii)(A)", "164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:          "vpc-sg-open-only-to-authorized-ports",
		Identifier:    "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
		ResourceTypes: []string{"AWS::EC2::SecurityGroup"},
		Parameters:    map[string]string{"authorizedTcpPorts": Ref("AuthorizedTcpPorts")},
	},
	{
		Name:          "vpc-vpn-2-tunnels-up",
		Identifier:    "VPC_VPN_2_TUNNELS_UP",
		ResourceTypes: []string{"AWS::EC2::VPNConnection"},
	},
	{
		Name:            "wafv2-logging-enabled",
		Identifier:      "WAFV2_LOGGING_ENABLED",
		Safeguards:      []string{"164.312(b)"},
		SafeguardSource: SourceCdkNag,
	},
	{
		Name:            "annual-risk-assessment-performed",
		Identifier:      ProcessCheck,
		Description:     "Perform an annual risk assessment on your organization. Risk assessments can assist in determining the likelihood and impact of identified risks and/or vulnerabilities affecting an organization.",
		Safeguards:      []string{"164.308(a)(1)(ii)(A)"},
		SafeguardSource: SourceAWSPage,
	},
}

// UnmappedRules are the rules whose HIPAA safeguards are left empty: their
// mapping on AWS's page could not be verified (see HIPAARules).
var UnmappedRules = []string{
	"access-keys-rotated",
	"acm-certificate-expiration-check",
	"alb-waf-enabled",
	"api-gw-associated-with-waf",
	"aurora-resources-protected-by-backup-plan",
	"backup-plan-min-frequency-and-min-retention-check",
	"backup-recovery-point-encrypted",
	"backup-recovery-point-manual-deletion-disabled",
	"cloudtrail-enabled",
	"cloudtrail-s3-dataevents-enabled",
	"dynamodb-throughput-limit-check",
	"ebs-snapshot-public-restorable-check",
	"ec2-ebs-encryption-by-default",
	"ec2-imdsv2-check",
	"ec2-instance-managed-by-systems-manager",
	"ec2-managedinstance-association-compliance-status-check",
	"ec2-managedinstance-patch-compliance-status-check",
	"ec2-resources-protected-by-backup-plan",
	"ec2-stopped-instance",
	"ecs-containers-readonly-access",
	"elasticsearch-encrypted-at-rest",
	"elasticsearch-in-vpc-only",
	"elasticsearch-logs-to-cloudwatch",
	"elasticsearch-node-to-node-encryption-check",
	"elb-predefined-security-policy-ssl-check",
	"emr-master-no-public-ip",
	"encrypted-volumes",
	"guardduty-enabled-centralized",
	"iam-customer-policy-blocked-kms-actions",
	"iam-inline-policy-blocked-kms-actions",
	"iam-password-policy",
	"iam-root-access-key-check",
	"iam-user-mfa-enabled",
	"iam-user-unused-credentials-check",
	"internet-gateway-authorized-vpc-only",
	"kinesis-stream-encrypted",
	"kms-cmk-not-scheduled-for-deletion",
	"lambda-function-public-access-prohibited",
	"mfa-enabled-for-iam-console-access",
	"multi-region-cloudtrail-enabled",
	"opensearch-https-required",
	"rds-cluster-multi-az-enabled",
	"rds-snapshot-encrypted",
	"rds-snapshots-public-prohibited",
	"root-account-hardware-mfa-enabled",
	"root-account-mfa-enabled",
	"s3-account-level-public-access-blocks-periodic",
	"s3-bucket-acl-prohibited",
	"s3-bucket-default-lock-enabled",
	"s3-event-notifications-enabled",
	"s3-version-lifecycle-policy-check",
	"securityhub-enabled",
	"ssm-document-not-public",
	"vpc-sg-open-only-to-authorized-ports",
	"vpc-vpn-2-tunnels-up",
}
