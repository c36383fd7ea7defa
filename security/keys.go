// Package security provides the stack's KMS keys, its application secret and
// its security groups: the controls every other tier leans on.
package security

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// Purpose names a customer managed key by what it encrypts.
type Purpose string

// The stack's keys. The seed names three (Aurora, S3, Secrets); Logs serves
// the operational log groups and the alarm topic, AuditLogs the audit
// records (the trail's, the database's and the bastion's sessions), and
// Backup the AWS Backup vault, so that each key policy admits only the
// services and people of one kind of data, and no one who administers or
// uses the application's logs can touch the audit trail's key.
const (
	// AuroraKey encrypts the cluster's storage, backups, snapshots and Performance Insights.
	AuroraKey Purpose = "aurora"
	// S3Key encrypts the CloudTrail and AWS Config buckets.
	S3Key Purpose = "s3"
	// SecretsKey encrypts Secrets Manager secrets and ECR images.
	SecretsKey Purpose = "secrets"
	// LogsKey encrypts the operational log groups (flow logs, services,
	// WAF, ECS Exec) and the alarm SNS topic. It also still decrypts what
	// the audit log groups ingested before AuditLogsKey existed: CloudWatch
	// Logs keeps each event under the key it was written with.
	LogsKey Purpose = "logs"
	// AuditLogsKey encrypts the audit log groups (CloudTrail, the database
	// audit log, bastion sessions) and the Session Manager sessions themselves.
	AuditLogsKey Purpose = "audit-logs"
	// BackupKey encrypts the AWS Backup vault's recovery points.
	BackupKey Purpose = "backup"
)

// Purposes lists the keys in the order they are created and reported.
var Purposes = []Purpose{AuroraKey, S3Key, SecretsKey, LogsKey, AuditLogsKey, BackupKey}

// The recovery region's keys (not among Purposes: a stack has them only
// with a recovery region, and they are created there, NewKey with the
// recovery region's scope).
const (
	// ReplicasKey encrypts the audit buckets' replicas (S3 replication's
	// ReplicaKmsKeyID: a key of the destination's region).
	ReplicasKey Purpose = "audit-replicas"
	// CopiesKey encrypts the recovery vault: AWS Backup re-encrypts a
	// cross-region copy with the destination vault's key, and RDS restores
	// a cluster from such a copy through it.
	CopiesKey Purpose = "backup-copies"
)

// KeyDeletionWindowDays is the waiting period before a scheduled key deletion
// takes effect: the maximum AWS allows, to leave time to notice a mistake.
const KeyDeletionWindowDays = 30

// KeysArgs configures Keys.
type KeysArgs struct {
	// Scope names the aliases and Name tags, scopes every key policy to its
	// account, and places the keys and the services that use them. Required.
	Scope naming.Scope
	// Custodians are who may administer the keys and who alone may disable
	// them or schedule their deletion. Required.
	Custodians Custodians
	// AuditLogGroups are the names of the log groups AuditLogsKey encrypts:
	// CloudWatch Logs may use that key for them and for no other. Required.
	AuditLogGroups []string
	// DirectUsers are the principals that call KMS themselves rather than
	// through a service (the bastion decrypting its sessions, an engineer
	// starting one), by key.
	DirectUsers map[Purpose][]DirectUser
}

// Custodians are the people and pipelines a key policy names for its
// administration. Nobody else may change a key, and IAM cannot add anybody:
// the key policy does not delegate administration to the account.
type Custodians struct {
	// Administrators are the ARNs (ArnLike patterns) of the roles that may
	// change a key's policy, description, rotation, tags and aliases: the
	// deploy pipeline's role, and the administrators who run `pulumi up`
	// from a laptop. The caller of CreateKey and PutKeyPolicy must be one
	// of them, or KMS refuses the policy (its lockout safety check).
	// Required.
	Administrators []string
	// BreakGlass is the ARN of the one principal that may disable a key,
	// schedule its deletion or re-policy it when no administrator can: the
	// account's root user, whose every sign-in and API call is routed to
	// the alarm topic (compliance.TamperRoutes) (docs/runbooks.md,
	// "Disable a key or schedule its deletion (break glass)"). Required.
	BreakGlass string
}

// DirectUser is a principal that may use a key directly, with the actions
// it needs and why.
type DirectUser struct {
	// PrincipalArn is the role's ARN (aws:PrincipalArn).
	PrincipalArn string
	// Actions are the KMS actions it may call.
	Actions []string
	// Why says what it uses the key for; it becomes the statement's Sid.
	Why string
}

// validate reports every missing or invalid field at once.
func (a KeysArgs) validate() error {
	c := fields.For("security.KeysArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Custodians.Administrators", a.Custodians.Administrators)
	c.Require("Custodians.BreakGlass", a.Custodians.BreakGlass)
	c.Require("AuditLogGroups", a.AuditLogGroups)
	for p, users := range a.DirectUsers {
		if !slices.Contains(Purposes, p) {
			c.Invalid("DirectUsers", "%q is not a key purpose", p)
		}
		for _, u := range users {
			if u.PrincipalArn == "" || len(u.Actions) == 0 || u.Why == "" {
				c.Invalid("DirectUsers", "a direct user of the %s key needs a PrincipalArn, Actions and Why: %+v", p, u)
			}
		}
	}
	return c.Err()
}

// Keys is the stack's customer managed KMS keys.
type Keys struct {
	pulumi.ResourceState

	// Arns maps each purpose to its key's ARN.
	Arns map[Purpose]pulumi.StringOutput
	// IDs maps each purpose to its key's ID.
	IDs map[Purpose]pulumi.StringOutput
}

// NewKeys creates one rotating, deletion-protected key per purpose, each with
// an explicit policy naming exactly the services that use it, and an alias
// alias/<prefix>-<purpose>.
func NewKeys(ctx *pulumi.Context, name string, args *KeysArgs, opts ...pulumi.ResourceOption) (*Keys, error) {
	if args == nil {
		args = &KeysArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	k := &Keys{Arns: map[Purpose]pulumi.StringOutput{}, IDs: map[Purpose]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:security:Keys", name, k, opts...); err != nil {
		return nil, err
	}
	outputs := pulumi.Map{}
	for _, p := range Purposes {
		key, err := NewKey(ctx, fmt.Sprintf("%s-%s", name, p), p, *args, pulumi.Parent(k))
		if err != nil {
			return nil, err
		}
		k.Arns[p] = key.Arn
		k.IDs[p] = key.KeyId
		outputs[KeyArnOutput(p)] = key.Arn
	}
	if err := ctx.RegisterResourceOutputs(k, outputs); err != nil {
		return nil, err
	}
	return k, nil
}

// NewKey creates one purpose's rotating, protected key with its explicit
// policy (KeyPolicy, custodians included) and its alias, named name and
// name-alias. The scope's region is where the services that use it are
// (their principals and kms:ViaService): pass the recovery region's scope,
// and its provider in opts, for a key there.
func NewKey(ctx *pulumi.Context, name string, p Purpose, args KeysArgs, opts ...pulumi.ResourceOption) (*kms.Key, error) {
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:           pulumi.String(keyDescriptions[p]),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:     pulumi.Bool(true),
		DeletionWindowInDays:  pulumi.Int(KeyDeletionWindowDays),
		Policy:                pulumi.String(KeyPolicy(p, args).JSON()),
		Tags:                  pulumi.StringMap{"Name": pulumi.String(args.Scope.Name(string(p)))},
	}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.Protect(true)})...)
	if err != nil {
		return nil, fmt.Errorf("create %s key: %w", p, err)
	}
	if _, err := kms.NewAlias(ctx, name+"-alias", &kms.AliasArgs{
		Name:        pulumi.String(Alias(args.Scope, p)),
		TargetKeyId: key.KeyId,
	}, opts...); err != nil {
		return nil, fmt.Errorf("create %s key alias: %w", p, err)
	}
	return key, nil
}

// KeyArnOutput is the name of the output holding a purpose's key ARN:
// <purpose>KeyArn, in lower camel case (auditLogsKeyArn).
func KeyArnOutput(p Purpose) string {
	parts := strings.Split(string(p), "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "") + "KeyArn"
}

// Alias is a key's alias name: alias/<prefix>-<purpose>.
func Alias(scope naming.Scope, p Purpose) string {
	return "alias/" + scope.Name(string(p))
}

var keyDescriptions = map[Purpose]string{
	AuroraKey:    "Aurora PostgreSQL storage, backups, snapshots and Performance Insights",
	S3Key:        "S3 buckets: CloudTrail logs and AWS Config snapshots",
	SecretsKey:   "Secrets Manager secrets (database master credentials, API keys) and ECR images",
	LogsKey:      "Operational CloudWatch Logs log groups and the alarm SNS topic",
	AuditLogsKey: "Audit log groups (CloudTrail, database audit, bastion sessions) and Session Manager sessions",
	BackupKey:    "AWS Backup vault recovery points",
	ReplicasKey:  "S3 replicas of the audit buckets in the recovery region",
	CopiesKey:    "AWS Backup copies in the recovery region's vault, and clusters restored from them",
}

// keyUseActions are what a service needs to encrypt and decrypt data on a
// caller's behalf, grants included (RDS, ECR and Secrets Manager use grants).
var keyUseActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:ListGrants", "kms:DescribeKey"}

// viaServices are the AWS services whose calls, made for principals of this
// account, may use each key.
var viaServices = map[Purpose][]string{
	AuroraKey:  {"rds"},
	S3Key:      {"s3"},
	SecretsKey: {"secretsmanager", "ecr"},
	LogsKey:    {"sns"},
	BackupKey:  {"backup"},
	// S3 replication encrypts each replica with the destination key, and
	// with an S3 Bucket Key calls kms:Decrypt on it first (S3 User Guide,
	// "Replicating encrypted objects": "Amazon S3 Bucket Keys and
	// replication").
	ReplicasKey: {"s3"},
	// AWS Backup re-encrypts a cross-region copy with the destination
	// vault's key (AWS Backup Developer Guide, "Creating backup copies
	// across AWS Regions"); for Aurora the copy is an RDS cluster snapshot
	// that RDS encrypts (CopyDBClusterSnapshot's KmsKeyId, "a valid AWS KMS
	// key in the destination Region") and restores from, so RDS uses it too.
	CopiesKey: {"backup", "rds"},
}

// AdministerActions are what a key's administrators may do: what AWS's
// default key policy gives key administrators ("Allows key administrators
// to administer the KMS key", AWS KMS Developer Guide, "Default key
// policy") except kms:Disable* and kms:ScheduleKeyDeletion, which only
// BreakGlassActions' principal may call, kms:Delete* but for aliases
// (DeleteImportedKeyMaterial does not apply to these keys), and kms:Create*
// but for aliases: kms:CreateGrant would let an administrator grant itself
// the use of the key without a policy change. None of them encrypts or
// decrypts. An administrator can still re-policy a key to make itself a
// user; that is PutKeyPolicy, reviewed in the deploy path and routed to the
// alarm topic (compliance.KeyChanges).
var AdministerActions = []string{
	"kms:CreateAlias", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
	"kms:Revoke*", "kms:Get*", "kms:TagResource", "kms:UntagResource", "kms:DeleteAlias",
	"kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
}

// BreakGlassActions are the actions that can destroy access to every
// record a key protects, or take the key from its administrators: only
// Custodians.BreakGlass may call the first two, and it may call all of them.
var BreakGlassActions = []string{"kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:EnableKey", "kms:CancelKeyDeletion"}

// DestructiveActions are denied to everyone but the break-glass principal,
// whatever any other statement or IAM policy allows.
var DestructiveActions = []string{"kms:DisableKey", "kms:ScheduleKeyDeletion"}

// The Sids of the custody statements, by which reports find them.
const (
	AdministerSid = "CustodiansAdministerKey"
	BreakGlassSid = "BreakGlassDisablesDeletesOrRepolicies"
)

// ReadActions let IAM policies of the account grant reading a key's
// configuration (never its use): the preview role's refresh, AWS Config
// and Security Hub judging it (KMS_CMK_NOT_SCHEDULED_FOR_DELETION).
var ReadActions = []string{"kms:Describe*", "kms:Get*", "kms:List*"}

// KeyPolicy is the explicit key policy of one purpose's key. It names who
// administers the key (Custodians.Administrators), who alone may disable
// it or schedule its deletion (Custodians.BreakGlass), and who uses it:
// services for this account's principals (kms:ViaService), service
// principals, and DirectUsers. The account itself is granted only reads of
// the key's configuration, so IAM policies (AdministratorAccess included)
// can neither use, re-policy nor delete a key on their own. Its only
// wildcard principals are the via-service statement, conditioned to this
// account and to named services, and the deny.
func KeyPolicy(p Purpose, args KeysArgs) policy.Document {
	scope := args.Scope
	account := scope.Account
	var services []string
	for _, s := range viaServices[p] {
		services = append(services, scope.ServicePrincipal(s))
	}
	statements := []policy.Statement{
		{
			// IAM may grant reading the key's configuration, nothing more.
			Sid:       "AccountReadsKeyConfiguration",
			Effect:    "Allow",
			Principal: policy.AWS(scope.AccountRoot()),
			Action:    ReadActions,
			Resource:  []string{"*"},
		},
		{
			// The account principal with aws:PrincipalArn names roles
			// without making KMS check that they exist when the policy is
			// set: a key is created before the roles that use it, and an
			// administrator pattern may match none yet.
			Sid:       AdministerSid,
			Effect:    "Allow",
			Principal: policy.AWS(scope.AccountRoot()),
			Action:    AdministerActions,
			Resource:  []string{"*"},
			Condition: policy.Conditions{"ArnLike": {"aws:PrincipalArn": args.Custodians.Administrators}},
		},
		{
			Sid:       BreakGlassSid,
			Effect:    "Allow",
			Principal: policy.AWS(scope.AccountRoot()),
			Action:    BreakGlassActions,
			Resource:  []string{"*"},
			Condition: policy.Conditions{"ArnEquals": {"aws:PrincipalArn": {args.Custodians.BreakGlass}}},
		},
		{
			// Explicit, so that no statement added later and no IAM
			// policy can reopen it.
			Sid:       "OnlyBreakGlassDisablesOrDeletes",
			Effect:    "Deny",
			Principal: policy.AWS("*"),
			Action:    DestructiveActions,
			Resource:  []string{"*"},
			Condition: policy.Conditions{"ArnNotEquals": {"aws:PrincipalArn": {args.Custodians.BreakGlass}}},
		},
		{
			Sid:       "UseThroughServices",
			Effect:    "Allow",
			Principal: policy.AWS("*"),
			Action:    keyUseActions,
			Resource:  []string{"*"},
			Condition: policy.Conditions{"StringEquals": {
				"kms:CallerAccount": {account},
				"kms:ViaService":    services,
			}},
		},
	}
	if len(services) == 0 {
		statements = slices.DeleteFunc(statements, func(st policy.Statement) bool { return st.Sid == "UseThroughServices" })
	}
	for _, u := range args.DirectUsers[p] {
		statements = append(statements, policy.Statement{
			Sid:       u.Why,
			Effect:    "Allow",
			Principal: policy.AWS(scope.AccountRoot()),
			Action:    u.Actions,
			Resource:  []string{"*"},
			Condition: policy.Conditions{"ArnEquals": {"aws:PrincipalArn": {u.PrincipalArn}}},
		})
	}
	switch p {
	case S3Key:
		trail := scope.ARN("cloudtrail", "trail/"+scope.Name())
		statements = append(statements,
			policy.Statement{
				Sid:       "CloudTrailEncryptsLogs",
				Effect:    "Allow",
				Principal: policy.Service("cloudtrail.amazonaws.com"),
				Action:    []string{"kms:GenerateDataKey*"},
				Resource:  []string{"*"},
				Condition: policy.Conditions{
					"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {naming.ARN{Partition: scope.Partition, Service: "cloudtrail", Region: "*", Account: account, Resource: "trail/*"}.String()}},
					"StringEquals": {"aws:SourceArn": {trail}},
				},
			},
			// The trail bucket uses an S3 Bucket Key, and then CloudTrail
			// needs kms:Decrypt to create or update a trail with SSE-KMS
			// (CloudTrail user guide, "Configure AWS KMS key policies for
			// CloudTrail"): without it `pulumi up` fails with
			// InsufficientEncryptionPolicyException.
			policy.Statement{
				Sid:       "CloudTrailDecryptsWithBucketKey",
				Effect:    "Allow",
				Principal: policy.Service("cloudtrail.amazonaws.com"),
				Action:    []string{"kms:Decrypt"},
				Resource:  []string{"*"},
				Condition: policy.Conditions{"StringEquals": {"aws:SourceArn": {trail}}},
			},
			policy.Statement{
				Sid:       "CloudTrailDescribesKey",
				Effect:    "Allow",
				Principal: policy.Service("cloudtrail.amazonaws.com"),
				Action:    []string{"kms:DescribeKey"},
				Resource:  []string{"*"},
				Condition: policy.Conditions{"StringEquals": {"aws:SourceArn": {trail}}},
			},
			policy.Statement{
				Sid:       "ConfigDeliversSnapshots",
				Effect:    "Allow",
				Principal: policy.Service("config.amazonaws.com"),
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
				Resource:  []string{"*"},
				Condition: policy.Conditions{"StringEquals": {"aws:SourceAccount": {account}}},
			},
		)
	case AuditLogsKey:
		var groups []string
		for _, g := range args.AuditLogGroups {
			groups = append(groups, scope.ARN("logs", "log-group:"+g))
		}
		statements = append(statements, policy.Statement{
			Sid:       "CloudWatchLogsEncryptsAuditLogGroups",
			Effect:    "Allow",
			Principal: policy.Service(scope.ServicePrincipal("logs")),
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: policy.Conditions{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": groups}},
		})
	case LogsKey:
		statements = append(statements,
			// Every log group of the account, the audit groups included:
			// CloudWatch Logs decrypts each event with the key it was
			// ingested under for as long as the event is kept, so the
			// audit events written before AuditLogsKey existed are read
			// with this key for their whole retention (CloudWatch Logs API
			// Reference, AssociateKmsKey).
			policy.Statement{
				Sid:       "CloudWatchLogsEncryptsLogGroups",
				Effect:    "Allow",
				Principal: policy.Service(scope.ServicePrincipal("logs")),
				Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
				Resource:  []string{"*"},
				Condition: policy.Conditions{"ArnLike": {
					"kms:EncryptionContext:aws:logs:arn": {scope.ARN("logs", "log-group:*")},
				}},
			},
			// Alarms and EventBridge rules publish to the encrypted alarm
			// topic; with an AWS managed key they would fail silently.
			// CloudWatch is held to this account's alarms (confused deputy).
			policy.Statement{
				Sid:       "CloudWatchAlarmsPublishToTopic",
				Effect:    "Allow",
				Principal: policy.Service("cloudwatch.amazonaws.com"),
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
				Resource:  []string{"*"},
				Condition: policy.Conditions{
					"StringEquals": {"aws:SourceAccount": {account}},
					"ArnLike":      {"aws:SourceArn": {scope.ARN("cloudwatch", "alarm:*")}},
				},
			},
			// Deliberately unconditioned: the SNS developer guide ("Configuring
			// AWS KMS permissions for AWS services", sns-key-management) says
			// aws:SourceAccount and aws:SourceArn are not supported in a KMS
			// key policy for EventBridge delivery to an encrypted topic; with
			// them every GuardDuty finding would be dropped silently. The
			// topic policy still admits only this stack's EventBridge rule.
			policy.Statement{
				Sid:       "EventBridgePublishesToTopic",
				Effect:    "Allow",
				Principal: policy.Service("events.amazonaws.com"),
				Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
				Resource:  []string{"*"},
			},
		)
	}
	return policy.New(statements...)
}
