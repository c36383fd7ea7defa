package conformance

import (
	"slices"

	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// The compliant world and its breaks are fixtures, exported so that every
// consumer of the predicates (this package's tests, the policy pack's) tests
// against the same small stack instead of writing its own.

// fixture is where the fixtures' ARNs live: a made-up region and account.
var fixture = naming.Scope{Partition: naming.Commercial, Region: "r", Account: "1"}

func res(typ, name string, inputs map[string]any) *Resource {
	return &Resource{Type: typ, Name: name, ID: name + "-id", Inputs: inputs, Outputs: map[string]any{"arn": name + "-arn"}}
}

const tlsDeny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":["*"]},"Action":["s3:*"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}`

// CompliantWorld is a small stack every predicate judges compliant, with at
// least one resource in each predicate's scope.
func CompliantWorld() *Stack {
	b := func(typ, name string, in map[string]any) *Resource {
		in["bucket"] = "b-id"
		return res(typ, name, in)
	}
	vaultDeny := `{"Statement":[{"Effect":"Deny","Principal":"*","Action":["backup:DeleteRecoveryPoint","backup:UpdateRecoveryPointLifecycle","backup:PutBackupVaultAccessPolicy"],"Resource":"*"}]}`
	return &Stack{Resources: []*Resource{
		res(typeBucket, "b", map[string]any{"bucket": "b"}),
		b(typeBucketPAB, "b-pab", map[string]any{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
		b(typeBucketOwner, "b-own", map[string]any{"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}}),
		b(typeBucketVersion, "b-ver", map[string]any{"versioningConfiguration": map[string]any{"status": "Enabled"}}),
		b(typeBucketSSE, "b-sse", map[string]any{"rules": []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"}}}}),
		b(typeBucketLife, "b-life", map[string]any{}),
		b(typeBucketPolicy, "b-policy", map[string]any{"policy": tlsDeny}),
		b(typeBucketLogging, "b-log", map[string]any{"targetBucket": "logs", "targetPrefix": "b/"}),
		b(typeBucketLock, "b-lock", map[string]any{"objectLockEnabled": "Enabled"}),
		b(typeBucketRepl, "b-repl", map[string]any{}),
		b(typeBucketNotify, "b-notify", map[string]any{}),
		res(typeAccountPAB, "account-pab", map[string]any{"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
		res(typeTrail, "trail", map[string]any{"enableLogging": true, "isMultiRegionTrail": true, "enableLogFileValidation": true, "kmsKeyId": "k",
			"cloudWatchLogsGroupArn": "g:*", "cloudWatchLogsRoleArn": "r",
			"advancedEventSelectors": []any{
				map[string]any{"fieldSelectors": []any{map[string]any{"field": "eventCategory", "equals": []any{"Management"}}}},
				map[string]any{"fieldSelectors": []any{map[string]any{"field": "eventCategory", "equals": []any{"Data"}}, map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}}}},
			}}),
		res(typeAlarm, "alarm", map[string]any{"actionsEnabled": true, "alarmActions": []any{"t"}, "insufficientDataActions": []any{"t"}}),
		res(typeLB, "alb", map[string]any{"accessLogs": map[string]any{"enabled": true, "bucket": "x"}, "enableDeletionProtection": true}),
		res(typeListener, "https", map[string]any{"loadBalancerArn": "alb-arn", "protocol": "HTTPS", "certificateArn": fixture.ARN("acm", "certificate/x")}),
		res(typeListener, "http", map[string]any{"loadBalancerArn": "alb-arn", "protocol": "HTTP", "defaultActions": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS"}}}}),
		res(typeWafAssoc, "waf-assoc", map[string]any{"resourceArn": "alb-arn"}),
		res(typeWebAcl, "acl", map[string]any{}),
		res(typeWafLogging, "acl-log", map[string]any{"resourceArn": "acl-arn"}),
		res(typeVpc, "vpc", map[string]any{}),
		res(typeFlowLog, "flow", map[string]any{"vpcId": "vpc-id"}),
		res(typeDefaultSG, "default-sg", map[string]any{"vpcId": "vpc-id"}),
		res(typeSubnet, "sub", map[string]any{"mapPublicIpOnLaunch": false}),
		res(typeIgw, "igw", map[string]any{"vpcId": "vpc-id"}),
		res(typeRouteTable, "rt", map[string]any{}),
		res(typeRoute, "rt-default", map[string]any{"routeTableId": "rt-id", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-id"}),
		res(typeDetector, "detector", map[string]any{"enable": true}),
		res(typeHub, "hub", map[string]any{}),
		res(typeCluster, "db", map[string]any{"clusterIdentifier": "db", "backupRetentionPeriod": 7.0, "deletionProtection": true, "storageEncrypted": true, "enabledCloudwatchLogsExports": []any{"postgresql"}}),
		res(typeClusterInst, "db-a", map[string]any{"clusterIdentifier": "db-id", "availabilityZone": "a", "autoMinorVersionUpgrade": true, "monitoringInterval": 60.0, "publiclyAccessible": false}),
		res(typeClusterInst, "db-b", map[string]any{"clusterIdentifier": "db-id", "availabilityZone": "b", "autoMinorVersionUpgrade": true, "monitoringInterval": 60.0, "publiclyAccessible": false}),
		res(typeBackupPlan, "plan", map[string]any{"rules": []any{map[string]any{"ruleName": "daily", "schedule": "cron(0 7 * * ? *)", "lifecycle": map[string]any{"deleteAfter": 35.0}}}}),
		res(typeBackupSel, "selection", map[string]any{"resources": []any{fixture.ARN("rds", "cluster:db"), fixture.ARN("ec2", "instance/vm-id")}}),
		res(typeVault, "vault", map[string]any{"name": "v", "kmsKeyArn": "k"}),
		res(typeVaultPolicy, "vault-policy", map[string]any{"backupVaultName": "v", "policy": vaultDeny}),
		res(typeSecret, "secret", map[string]any{"kmsKeyId": "k"}),
		res(typeRotation, "secret-rotation", map[string]any{"secretId": "secret-id"}),
		res(typeTopic, "topic", map[string]any{"kmsMasterKeyId": "k"}),
		{Type: typeKey, Name: "key", ID: "key-id", Inputs: map[string]any{}, Protect: true},
		res(typeInstance, "vm", map[string]any{"metadataOptions": map[string]any{"httpTokens": "required"}, "associatePublicIpAddress": false, "subnetId": "sub-id",
			"iamInstanceProfile": "prof", "rootBlockDevice": map[string]any{"encrypted": true}}),
		res(typeInstanceProf, "vm-profile", map[string]any{"name": "prof", "role": "vm-role"}),
		res(typeAttachment, "vm-ssm", map[string]any{"role": "vm-role", "policyArn": fixture.ManagedPolicyARN(policy.SSMManagedInstanceCore)}),
		res(typeEbsDefault, "ebs-default", map[string]any{"enabled": true}),
		res(typeTaskDef, "task", map[string]any{"networkMode": "host", "containerDefinitions": `[{"name":"app","readonlyRootFilesystem":true,"user":"1000"}]`}),
		res(typePasswordPol, "passwords", map[string]any{"minimumPasswordLength": 14.0, "passwordReusePrevention": 24.0, "maxPasswordAge": 90.0,
			"requireLowercaseCharacters": true, "requireUppercaseCharacters": true, "requireNumbers": true, "requireSymbols": true}),
		res(typePolicy, "policy", map[string]any{"policy": `{"Statement":[{"Effect":"Allow","Action":["kms:Decrypt"],"Resource":["` + fixture.ARN("kms", "key/k") + `"]},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}),
		res(typeRolePolicy, "inline", map[string]any{"role": "elsewhere", "policy": `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}),
		res(typeRole, "role", map[string]any{"name": "vm-role"}),
		res(typeUser, "user", map[string]any{"name": "u"}),
		res(typeSG, "sg", map[string]any{}),
		res(typeIngress, "sg-https", map[string]any{"securityGroupId": "sg-id", "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0}),
		res(typeSsmDoc, "doc", map[string]any{}),
		res(typeLogGroup, "logs", map[string]any{"kmsKeyId": "k", "retentionInDays": 365.0}),
		res(typeClusterSnap, "db-snapshot", map[string]any{"storageEncrypted": true}),
	}}
}

func (s *Stack) named(name string) *Resource {
	for _, r := range s.Resources {
		if r.Name == name {
			return r
		}
	}
	panic("no resource " + name)
}

func (s *Stack) drop(name string) {
	s.Resources = slices.DeleteFunc(s.Resources, func(r *Resource) bool { return r.Name == name })
}

func set(key string, value any) func(*Resource) { return func(r *Resource) { r.Inputs[key] = value } }

// Breaks turns the compliant world non-compliant for one rule, by
// identifier; nil for a rule satisfied by presence, which fails by absence.
var Breaks = map[string]func(s *Stack){
	"S3_BUCKET_ACL_PROHIBITED":                 func(s *Stack) { s.drop("b-own") },
	"S3_BUCKET_DEFAULT_LOCK_ENABLED":           func(s *Stack) { s.drop("b-lock") },
	"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED": func(s *Stack) { set("restrictPublicBuckets", false)(s.named("b-pab")) },
	"RDS_SNAPSHOT_ENCRYPTED":                   func(s *Stack) { set("storageEncrypted", false)(s.named("db-snapshot")) },
	"RDS_SNAPSHOTS_PUBLIC_PROHIBITED":          func(s *Stack) { set("sharedAccounts", []any{"all"})(s.named("db-snapshot")) },
	"S3_BUCKET_PUBLIC_READ_PROHIBITED":         func(s *Stack) { s.drop("b-pab") },
	"S3_BUCKET_PUBLIC_WRITE_PROHIBITED":        func(s *Stack) { set("blockPublicPolicy", false)(s.named("b-pab")) },
	"S3_BUCKET_LOGGING_ENABLED":                func(s *Stack) { s.drop("b-log") },
	"S3_BUCKET_REPLICATION_ENABLED":            func(s *Stack) { s.drop("b-repl") },
	"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED": func(s *Stack) { s.drop("b-sse") },
	"S3_DEFAULT_ENCRYPTION_KMS": func(s *Stack) {
		set("rules", []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}})(s.named("b-sse"))
	},
	"S3_BUCKET_SSL_REQUESTS_ONLY": func(s *Stack) { set("policy", `{"Statement":[]}`)(s.named("b-policy")) },
	"S3_BUCKET_VERSIONING_ENABLED": func(s *Stack) {
		set("versioningConfiguration", map[string]any{"status": "Suspended"})(s.named("b-ver"))
	},
	"S3_VERSION_LIFECYCLE_POLICY_CHECK":              func(s *Stack) { s.drop("b-life") },
	"S3_EVENT_NOTIFICATIONS_ENABLED":                 func(s *Stack) { s.drop("b-notify") },
	"S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC": func(s *Stack) { set("ignorePublicAcls", false)(s.named("account-pab")) },
	"CLOUD_TRAIL_ENABLED":                            func(s *Stack) { set("enableLogging", false)(s.named("trail")) },
	"MULTI_REGION_CLOUD_TRAIL_ENABLED":               func(s *Stack) { set("isMultiRegionTrail", false)(s.named("trail")) },
	"CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED":           func(s *Stack) { delete(s.named("trail").Inputs, "cloudWatchLogsGroupArn") },
	"CLOUD_TRAIL_ENCRYPTION_ENABLED":                 func(s *Stack) { delete(s.named("trail").Inputs, "kmsKeyId") },
	"CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED":        func(s *Stack) { set("enableLogFileValidation", false)(s.named("trail")) },
	"CLOUDTRAIL_S3_DATAEVENTS_ENABLED": func(s *Stack) {
		t := s.named("trail")
		sel := t.List("advancedEventSelectors")[1].(map[string]any)
		sel["fieldSelectors"] = append(sel["fieldSelectors"].([]any), map[string]any{"field": "resources.ARN", "notStartsWiths": []any{fixture.ARN("s3", "logs/")}})
	},
	"CLOUDWATCH_ALARM_ACTION_CHECK":       func(s *Stack) { delete(s.named("alarm").Inputs, "insufficientDataActions") },
	"ELB_LOGGING_ENABLED":                 func(s *Stack) { set("accessLogs", map[string]any{"enabled": false})(s.named("alb")) },
	"WAFV2_LOGGING_ENABLED":               func(s *Stack) { s.drop("acl-log") },
	"VPC_FLOW_LOGS_ENABLED":               func(s *Stack) { s.drop("flow") },
	"GUARDDUTY_ENABLED_CENTRALIZED":       func(s *Stack) { set("enable", false)(s.named("detector")) },
	"SECURITYHUB_ENABLED":                 nil, // presence is compliance: its failing case is NOT_APPLICABLE, tested below
	"ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK": func(s *Stack) { set("defaultActions", []any{map[string]any{"type": "forward"}})(s.named("http")) },
	"ELBV2_ACM_CERTIFICATE_REQUIRED":      func(s *Stack) { s.drop("https") },
	"ALB_WAF_ENABLED":                     func(s *Stack) { s.drop("waf-assoc") },
	"ELB_DELETION_PROTECTION_ENABLED":     func(s *Stack) { set("enableDeletionProtection", false)(s.named("alb")) },
	"AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN": func(s *Stack) {
		set("resources", []any{fixture.ARN("ec2", "instance/vm-id")})(s.named("selection"))
	},
	"RDS_IN_BACKUP_PLAN":                          func(s *Stack) { s.drop("selection") },
	"DB_INSTANCE_BACKUP_ENABLED":                  func(s *Stack) { set("backupRetentionPeriod", 0.0)(s.named("db")) },
	"RDS_CLUSTER_DELETION_PROTECTION_ENABLED":     func(s *Stack) { set("deletionProtection", false)(s.named("db")) },
	"RDS_CLUSTER_MULTI_AZ_ENABLED":                func(s *Stack) { s.drop("db-b") },
	"RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED": func(s *Stack) { set("autoMinorVersionUpgrade", false)(s.named("db-a")) },
	"RDS_ENHANCED_MONITORING_ENABLED":             func(s *Stack) { set("monitoringInterval", 0.0)(s.named("db-b")) },
	"RDS_INSTANCE_PUBLIC_ACCESS_CHECK":            func(s *Stack) { set("publiclyAccessible", true)(s.named("db-a")) },
	"RDS_LOGGING_ENABLED":                         func(s *Stack) { set("enabledCloudwatchLogsExports", []any{})(s.named("db")) },
	"RDS_STORAGE_ENCRYPTED":                       func(s *Stack) { set("storageEncrypted", false)(s.named("db")) },
	"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK": func(s *Stack) {
		set("rules", []any{map[string]any{"ruleName": "weekly", "schedule": "cron(0 7 ? * SUN *)", "lifecycle": map[string]any{"deleteAfter": 35.0}}})(s.named("plan"))
	},
	"BACKUP_RECOVERY_POINT_ENCRYPTED": func(s *Stack) { delete(s.named("vault").Inputs, "kmsKeyArn") },
	"BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED": func(s *Stack) {
		set("policy", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":["backup:DeleteRecoveryPoint"],"Resource":"*"}]}`)(s.named("vault-policy"))
	},
	"SECRETSMANAGER_USING_CMK":              func(s *Stack) { delete(s.named("secret").Inputs, "kmsKeyId") },
	"SECRETSMANAGER_ROTATION_ENABLED_CHECK": func(s *Stack) { s.drop("secret-rotation") },
	"SNS_ENCRYPTED_KMS":                     func(s *Stack) { delete(s.named("topic").Inputs, "kmsMasterKeyId") },
	"KMS_CMK_NOT_SCHEDULED_FOR_DELETION":    func(s *Stack) { s.named("key").Protect = false },
	"EC2_IMDSV2_CHECK":                      func(s *Stack) { set("metadataOptions", map[string]any{"httpTokens": "optional"})(s.named("vm")) },
	"EC2_INSTANCE_NO_PUBLIC_IP":             func(s *Stack) { set("mapPublicIpOnLaunch", true)(s.named("sub")) },
	"EC2_INSTANCE_PROFILE_ATTACHED":         func(s *Stack) { delete(s.named("vm").Inputs, "iamInstanceProfile") },
	"EC2_INSTANCE_MANAGED_BY_SSM":           func(s *Stack) { s.drop("vm-ssm") },
	"INSTANCES_IN_VPC":                      func(s *Stack) { delete(s.named("vm").Inputs, "subnetId") },
	"EC2_STOPPED_INSTANCE": func(s *Stack) {
		s.Resources = append(s.Resources, res(typeInstanceState, "vm-state", map[string]any{"instanceId": "vm-id", "state": "stopped"}))
	},
	"ENCRYPTED_VOLUMES": func(s *Stack) {
		set("ebsBlockDevices", []any{map[string]any{"encrypted": false}})(s.named("vm"))
	},
	"EBS_IN_BACKUP_PLAN":                     func(s *Stack) { set("resources", []any{fixture.ARN("rds", "cluster:db")})(s.named("selection")) },
	"EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN": func(s *Stack) { set("resources", []any{fixture.ARN("rds", "cluster:db")})(s.named("selection")) },
	"EC2_EBS_ENCRYPTION_BY_DEFAULT":          func(s *Stack) { set("enabled", false)(s.named("ebs-default")) },
	"ECS_CONTAINERS_READONLY_ACCESS": func(s *Stack) {
		set("containerDefinitions", `[{"name":"app","user":"1000"}]`)(s.named("task"))
	},
	"ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK": func(s *Stack) {
		set("containerDefinitions", `[{"name":"app","readonlyRootFilesystem":true}]`)(s.named("task"))
	},
	"IAM_PASSWORD_POLICY": func(s *Stack) { set("minimumPasswordLength", 8.0)(s.named("passwords")) },
	"IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS": func(s *Stack) {
		set("policy", `{"Statement":[{"Effect":"Allow","Action":["kms:Decrypt"],"Resource":["*"]}]}`)(s.named("policy"))
	},
	"IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS": func(s *Stack) {
		set("policy", `{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`)(s.named("inline"))
	},
	"IAM_NO_INLINE_POLICY_CHECK": func(s *Stack) { set("role", "vm-role")(s.named("inline")) },
	"IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS": func(s *Stack) {
		set("policy", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)(s.named("policy"))
	},
	"IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS": func(s *Stack) {
		set("policy", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"`+fixture.ARN("s3", "b")+`"}]}`)(s.named("policy"))
	},
	"IAM_USER_NO_POLICIES_CHECK": func(s *Stack) {
		s.Resources = append(s.Resources, res(typeUserAttach, "user-admin", map[string]any{"user": "u", "policyArn": "p"}))
	},
	"INCOMING_SSH_DISABLED": func(s *Stack) {
		set("fromPort", 22.0)(s.named("sg-https"))
	},
	"RESTRICTED_INCOMING_TRAFFIC": func(s *Stack) {
		set("ipProtocol", "-1")(s.named("sg-https"))
	},
	"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS": func(s *Stack) {
		set("fromPort", 8080.0)(s.named("sg-https"))
		set("toPort", 8080.0)(s.named("sg-https"))
	},
	"VPC_DEFAULT_SECURITY_GROUP_CLOSED":     func(s *Stack) { s.drop("default-sg") },
	"SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED": func(s *Stack) { set("mapPublicIpOnLaunch", true)(s.named("sub")) },
	"INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY":  func(s *Stack) { set("vpcId", "vpc-elsewhere")(s.named("igw")) },
	"NO_UNRESTRICTED_ROUTE_TO_IGW": func(s *Stack) {
		delete(s.named("rt-default").Inputs, "natGatewayId")
		set("gatewayId", "igw-id")(s.named("rt-default"))
	},
	"CLOUDWATCH_LOG_GROUP_ENCRYPTED":     func(s *Stack) { delete(s.named("logs").Inputs, "kmsKeyId") },
	"CW_LOGGROUP_RETENTION_PERIOD_CHECK": func(s *Stack) { set("retentionInDays", 30.0)(s.named("logs")) },
	"ECS_CONTAINERS_NONPRIVILEGED": func(s *Stack) {
		set("containerDefinitions", `[{"name":"app","readonlyRootFilesystem":true,"user":"1000","privileged":true}]`)(s.named("task"))
	},
	"ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT": func(s *Stack) {
		set("containerDefinitions", `[{"name":"app","readonlyRootFilesystem":true,"user":"0"}]`)(s.named("task"))
	},
	"SSM_DOCUMENT_NOT_PUBLIC": func(s *Stack) {
		set("permissions", map[string]any{"type": "Share", "accountIds": "All"})(s.named("doc"))
	},
}
