// Package security provides the stack's KMS keys, its application secret and
// its security groups: the controls every other tier leans on.
package security

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// Purpose names a customer managed key by what it encrypts.
type Purpose string

// The stack's keys. The seed names three (Aurora, S3, Secrets); a fourth,
// Logs, serves CloudWatch Logs, the alarm topic and Session Manager, and a
// fifth, Backup, the AWS Backup vault, so that each key policy admits only
// the services of one kind of data.
const (
	// AuroraKey encrypts the cluster's storage, backups, snapshots and Performance Insights.
	AuroraKey Purpose = "aurora"
	// S3Key encrypts the CloudTrail and AWS Config buckets.
	S3Key Purpose = "s3"
	// SecretsKey encrypts Secrets Manager secrets and ECR images.
	SecretsKey Purpose = "secrets"
	// LogsKey encrypts CloudWatch log groups, the alarm SNS topic and Session Manager sessions.
	LogsKey Purpose = "logs"
	// BackupKey encrypts the AWS Backup vault's recovery points.
	BackupKey Purpose = "backup"
)

// Purposes lists the keys in the order they are created and reported.
var Purposes = []Purpose{AuroraKey, S3Key, SecretsKey, LogsKey, BackupKey}

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
}

// validate reports every missing or invalid field at once.
func (a KeysArgs) validate() error {
	c := fields.For("security.KeysArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
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
		key, err := NewKey(ctx, fmt.Sprintf("%s-%s", name, p), p, args.Scope, pulumi.Parent(k))
		if err != nil {
			return nil, err
		}
		k.Arns[p] = key.Arn
		k.IDs[p] = key.KeyId
		outputs[string(p)+"KeyArn"] = key.Arn
	}
	if err := ctx.RegisterResourceOutputs(k, outputs); err != nil {
		return nil, err
	}
	return k, nil
}

// NewKey creates one purpose's rotating, protected key with its explicit
// policy (KeyPolicy) and its alias, named name and name-alias. The scope's
// region is where the services that use it are (their principals and
// kms:ViaService): pass the recovery region's scope, and its provider in
// opts, for a key there.
func NewKey(ctx *pulumi.Context, name string, p Purpose, scope naming.Scope, opts ...pulumi.ResourceOption) (*kms.Key, error) {
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:           pulumi.String(keyDescriptions[p]),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		EnableKeyRotation:     pulumi.Bool(true),
		DeletionWindowInDays:  pulumi.Int(KeyDeletionWindowDays),
		Policy:                pulumi.String(KeyPolicy(p, scope).JSON()),
		Tags:                  pulumi.StringMap{"Name": pulumi.String(scope.Name(string(p)))},
	}, slices.Concat(opts, []pulumi.ResourceOption{pulumi.Protect(true)})...)
	if err != nil {
		return nil, fmt.Errorf("create %s key: %w", p, err)
	}
	if _, err := kms.NewAlias(ctx, name+"-alias", &kms.AliasArgs{
		Name:        pulumi.String(Alias(scope, p)),
		TargetKeyId: key.KeyId,
	}, opts...); err != nil {
		return nil, fmt.Errorf("create %s key alias: %w", p, err)
	}
	return key, nil
}

// Alias is a key's alias name: alias/<prefix>-<purpose>.
func Alias(scope naming.Scope, p Purpose) string {
	return "alias/" + scope.Name(string(p))
}

var keyDescriptions = map[Purpose]string{
	AuroraKey:   "Aurora PostgreSQL storage, backups, snapshots and Performance Insights",
	S3Key:       "S3 buckets: CloudTrail logs and AWS Config snapshots",
	SecretsKey:  "Secrets Manager secrets (database master credentials, API keys) and ECR images",
	LogsKey:     "CloudWatch Logs log groups, the alarm SNS topic and Session Manager sessions",
	BackupKey:   "AWS Backup vault recovery points",
	ReplicasKey: "S3 replicas of the audit buckets in the recovery region",
	CopiesKey:   "AWS Backup copies in the recovery region's vault, and clusters restored from them",
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

// KeyPolicy is the explicit key policy of one purpose's key. Its only
// wildcard principal is conditioned to this account and to named services.
func KeyPolicy(p Purpose, scope naming.Scope) policy.Document {
	account := scope.Account
	var services []string
	for _, s := range viaServices[p] {
		services = append(services, scope.ServicePrincipal(s))
	}
	statements := []policy.Statement{
		{
			// Without this the key is unmanageable: IAM policies in the
			// account decide who administers and uses it.
			Sid:       "AccountAdministersKey",
			Effect:    "Allow",
			Principal: policy.AWS(scope.AccountRoot()),
			Action:    []string{"kms:*"},
			Resource:  []string{"*"},
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
	case LogsKey:
		statements = append(statements,
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
