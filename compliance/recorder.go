package compliance

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/storage"
)

// TemplateBodyLimit is the most AWS accepts inline as a conformance pack's
// template body; a larger pack must go through S3.
const TemplateBodyLimit = 51200

// ConfigRolePolicy is AWS's managed policy for the Config recorder, by path
// and name (naming.Scope.ManagedPolicyARN makes its ARN).
const ConfigRolePolicy = "service-role/AWS_ConfigRole"

// HIPAAPackParameters are the pack's input parameters: this stack's facts.
var HIPAAPackParameters = []conformance.PackParameter{
	{Name: "AuthorizedVpcIds", Description: "The VPCs internet gateways may attach to: the project's VPCs in the region"},
	{Name: "AuthorizedTcpPorts", Description: "The TCP ports security groups may open to 0.0.0.0/0: the ALB's 80 and 443"},
	{Name: conformance.VaultPolicyAdminArns, Description: "The principals the backup vault policy lets change the policy (the deploy role), which the deletion rule does not check"},
}

// RecorderArgs configures a Recorder.
type RecorderArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the recorder, channel, bucket and pack; its account scopes the bucket
	// policy. Required.
	Scope naming.Scope
	// KmsKeyArn encrypts the snapshots (the S3 key). Required.
	KmsKeyArn pulumi.StringInput
	// Rules are the conformance pack's rules. Required.
	Rules []conformance.ManagedRule
	// VpcID is the pack's authorized VPCs, comma-separated. Required.
	VpcID pulumi.StringInput
	// AuthorizedTcpPorts are the ports open to the world ("80,443"). Required.
	AuthorizedTcpPorts string
	// AccessLogBucket is the S3 server access-log bucket. Required.
	AccessLogBucket *storage.Bucket
	// RetentionDays is how long the snapshots are kept at least (the audit
	// retention; AuditLifecycle keeps them HIPAA's six years when that is
	// longer). The bucket has no Object Lock: AWS Config cannot deliver to a
	// bucket where Object Lock is enabled (ConfigBucketHasNoObjectLock).
	// Required.
	RetentionDays int
	// VaultPolicyAdmins are the principals the backup vault policy exempts
	// from its deny (data.VaultPolicyAdmins), handed to the pack as
	// conformance.VaultPolicyAdminArns. Required.
	VaultPolicyAdmins []string
}

// validate reports every missing or invalid field at once.
func (a RecorderArgs) validate() error {
	c := fields.For("compliance.RecorderArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	c.Require("Rules", a.Rules)
	c.Require("VpcID", a.VpcID)
	c.Require("AuthorizedTcpPorts", a.AuthorizedTcpPorts)
	c.Require("AccessLogBucket", a.AccessLogBucket)
	c.Require("RetentionDays", a.RetentionDays)
	c.Require("VaultPolicyAdmins", a.VaultPolicyAdmins)
	if a.RetentionDays < 0 {
		c.Invalid("RetentionDays", "%d is negative", a.RetentionDays)
	}
	return c.Err()
}

// Recorder is AWS Config: the recorder, its delivery channel and bucket, and
// the HIPAA conformance pack.
type Recorder struct {
	pulumi.ResourceState

	// Name is the recorder's name.
	Name pulumi.StringOutput
	// PackName is the conformance pack's name.
	PackName pulumi.StringOutput
	// Bucket is the bucket Config delivers to (ConfigBucketName).
	Bucket *storage.Bucket
}

// ConfigBucketName is <prefix>-config-<account>: bucket names are global,
// and the scope's account makes this one unique.
func ConfigBucketName(scope naming.Scope) string { return scope.Name("config", scope.Account) }

// ConfigBucketHasNoObjectLock records why the Config bucket, unlike the
// trail's, is not locked: the AWS::Config::DeliveryChannel reference (AWS
// CloudFormation Template Reference) says "AWS Config does not support the
// delivery channel to an Amazon S3 bucket where object lock is enabled", so a
// locked bucket would leave the recorder delivering nothing and the HIPAA pack
// without evidence. Versioning, the S3 key, the TLS-only and deny-delete
// policy and the audit lifecycle still hold; S3_BUCKET_DEFAULT_LOCK_ENABLED
// reports the bucket NON_COMPLIANT, an accepted exception
// (conformance.HIPAAExceptions). Object Lock cannot be turned off once
// enabled (S3 User Guide, "Object Lock considerations"): a stack deployed with
// a locked Config bucket must move delivery to a new bucket
// (docs/runbooks.md, "Replacements").
const ConfigBucketHasNoObjectLock = true

// ConfigSnapshotsDenyDeletion stands in for the Object Lock the Config
// bucket cannot have (ConfigBucketHasNoObjectLock): nobody may delete an
// object or an object version. The Amazon S3 API Reference
// (PutBucketLifecycleConfiguration, "Permissions") names s3:DeleteObject,
// s3:DeleteObjectVersion and s3:PutLifecycleConfiguration as what to deny to
// stop principals removing objects; the lifecycle is left to the deploy path,
// which owns AuditLifecycle (expiry after the audit retention), and no part of
// the program deletes objects.
func ConfigSnapshotsDenyDeletion(bucketArn string) policy.Statement {
	return policy.Statement{
		Sid: "DenyObjectDeletion", Effect: "Deny", Principal: policy.AWS("*"),
		Action:   []string{"s3:DeleteObject", "s3:DeleteObjectVersion"},
		Resource: []string{bucketArn + "/*"},
	}
}

// NewRecorder records every supported resource type, global ones included,
// delivers to an encrypted bucket, turns the recorder on, and only then
// deploys the conformance pack.
func NewRecorder(ctx *pulumi.Context, name string, args *RecorderArgs, opts ...pulumi.ResourceOption) (*Recorder, error) {
	if args == nil {
		args = &RecorderArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	body, err := conformance.RenderTemplate(args.Rules, HIPAAPackParameters)
	if err != nil {
		return nil, fmt.Errorf("render conformance pack: %w", err)
	}
	if len(body) > TemplateBodyLimit {
		return nil, fmt.Errorf("conformance pack template is %d bytes; AWS accepts %d inline", len(body), TemplateBodyLimit)
	}
	r := &Recorder{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:Recorder", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)

	bucket, err := storage.NewBucket(ctx, name+"-bucket", &storage.BucketArgs{
		Name:            ConfigBucketName(args.Scope),
		Scope:           args.Scope,
		KmsKeyArn:       args.KmsKeyArn,
		Lifecycle:       AuditLifecycle(args.RetentionDays),
		Protect:         true,
		AccessLogBucket: args.AccessLogBucket,
		// ObjectLockDays stays zero: see ConfigBucketHasNoObjectLock.
		Grants: func(bucketArn string) []policy.Statement {
			account := policy.Conditions{"StringEquals": {"aws:SourceAccount": {args.Scope.Account}}}
			return []policy.Statement{
				{Sid: "ConfigChecksBucket", Effect: "Allow", Principal: policy.Service("config.amazonaws.com"),
					Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{bucketArn}, Condition: account},
				{Sid: "ConfigWritesSnapshots", Effect: "Allow", Principal: policy.Service("config.amazonaws.com"),
					Action: []string{"s3:PutObject"}, Resource: []string{fmt.Sprintf("%s/AWSLogs/%s/Config/*", bucketArn, args.Scope.Account)},
					Condition: policy.Conditions{"StringEquals": {
						"aws:SourceAccount": {args.Scope.Account},
						"s3:x-amz-acl":      {"bucket-owner-full-control"},
					}}},
				ConfigSnapshotsDenyDeletion(bucketArn),
			}
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	// AWS_ConfigRole reads configurations; delivering to this bucket with
	// this key is granted here, so Config need not fall back to its service
	// principal.
	bucketArn := args.Scope.ARN("s3", ConfigBucketName(args.Scope))
	role, err := access.NewRole(ctx, name, &access.RoleArgs{
		Name:        args.Scope.Name("config"),
		Description: "Lets AWS Config read resource configurations and deliver them",
		Trust:       policy.AssumeRole("config.amazonaws.com", policy.Conditions{"StringEquals": {"aws:SourceAccount": {args.Scope.Account}}}),
		Policy: args.KmsKeyArn.ToStringOutput().ApplyT(func(keyArn string) string {
			return policy.New(
				policy.Allow("CheckBucket", []string{"s3:GetBucketAcl"}, []string{bucketArn}),
				policy.Allow("WriteSnapshots", []string{"s3:PutObject"}, []string{fmt.Sprintf("%s/AWSLogs/%s/Config/*", bucketArn, args.Scope.Account)}),
				policy.Allow("EncryptSnapshots", []string{"kms:GenerateDataKey", "kms:Decrypt"}, []string{keyArn}),
			).JSON()
		}).(pulumi.StringOutput),
		PolicyDescription: "Deliver Config snapshots and history to the Config bucket",
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(ConfigRolePolicy)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("Config role: %w", err)
	}

	recorder, err := cfg.NewRecorder(ctx, name, &cfg.RecorderArgs{
		Name:    pulumi.String(args.Scope.Prefix),
		RoleArn: role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(true),
			IncludeGlobalResourceTypes: pulumi.Bool(true),
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create Config recorder: %w", err)
	}
	channel, err := cfg.NewDeliveryChannel(ctx, name+"-delivery", &cfg.DeliveryChannelArgs{
		Name:         pulumi.String(args.Scope.Prefix),
		S3BucketName: bucket.Name,
		S3KmsKeyArn:  args.KmsKeyArn,
		SnapshotDeliveryProperties: &cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
			DeliveryFrequency: pulumi.String("TwentyFour_Hours"),
		},
	}, parent, pulumi.DependsOn(append([]pulumi.Resource{recorder}, bucket.Ready...)))
	if err != nil {
		return nil, fmt.Errorf("create Config delivery channel: %w", err)
	}
	status, err := cfg.NewRecorderStatus(ctx, name+"-status", &cfg.RecorderStatusArgs{
		Name:      recorder.Name,
		IsEnabled: pulumi.Bool(true),
	}, parent, pulumi.DependsOn([]pulumi.Resource{channel}))
	if err != nil {
		return nil, fmt.Errorf("enable Config recorder: %w", err)
	}

	pack, err := cfg.NewConformancePack(ctx, name+"-hipaa", &cfg.ConformancePackArgs{
		Name:         pulumi.String(args.Scope.Name("hipaa")),
		TemplateBody: pulumi.String(body),
		InputParameters: cfg.ConformancePackInputParameterArray{
			&cfg.ConformancePackInputParameterArgs{ParameterName: pulumi.String("AuthorizedVpcIds"), ParameterValue: args.VpcID},
			&cfg.ConformancePackInputParameterArgs{ParameterName: pulumi.String("AuthorizedTcpPorts"), ParameterValue: pulumi.String(args.AuthorizedTcpPorts)},
			&cfg.ConformancePackInputParameterArgs{ParameterName: pulumi.String(conformance.VaultPolicyAdminArns), ParameterValue: pulumi.String(strings.Join(args.VaultPolicyAdmins, ","))},
		},
		// A pack needs a recording recorder; created earlier, it fails.
	}, parent, pulumi.DependsOn([]pulumi.Resource{status}))
	if err != nil {
		return nil, fmt.Errorf("create HIPAA conformance pack: %w", err)
	}

	r.Name = recorder.Name
	r.PackName = pack.Name
	r.Bucket = bucket
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"name": r.Name, "packName": r.PackName}); err != nil {
		return nil, err
	}
	return r, nil
}
