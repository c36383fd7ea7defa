// Package storage creates S3 buckets the one way this stack allows: private
// (all four public-access blocks, ACLs disabled), versioned, TLS-only,
// encrypted by default, with a lifecycle.
package storage

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// Lifecycle moves objects to cheaper storage and expires them. Zero days
// leaves a step out.
type Lifecycle struct {
	// InfrequentAccessDays moves current objects to STANDARD_IA.
	InfrequentAccessDays int
	// GlacierDays moves current objects to GLACIER.
	GlacierDays int
	// ExpireDays deletes current objects. Required unless KeepCurrent.
	ExpireDays int
	// KeepCurrent never expires current objects, for a bucket whose objects
	// are live data rather than logs (Pulumi's state); ExpireDays must be 0.
	KeepCurrent bool
	// NoncurrentExpireDays deletes overwritten versions. Required: every
	// bucket is versioned, so every bucket decides how long old versions live.
	NoncurrentExpireDays int
}

// BucketArgs configures a Bucket.
type BucketArgs struct {
	// Name is the globally unique bucket name. Required.
	Name string
	// Scope's partition makes the bucket's ARN in its policy. Required.
	Scope naming.Scope
	// KmsKeyArn is the default encryption key. Nil means SSE-S3, which is
	// allowed only with SseS3Reason, because KMS is the default everywhere.
	KmsKeyArn pulumi.StringInput
	// SseS3Reason says why the bucket cannot use KMS (e.g. ALB access logs).
	SseS3Reason string
	// Lifecycle is the bucket's one lifecycle rule. Required.
	Lifecycle Lifecycle
	// Grants are the service statements the bucket policy adds to its
	// TLS-only denial, built from the bucket's ARN.
	Grants func(bucketArn string) []policy.Statement
	// Protect guards the bucket against `pulumi destroy` and retains it on
	// delete (audit logs).
	Protect bool
	// AccessLogBucket receives the bucket's S3 server access logs under the
	// prefix "<Name>/"; logging waits for it (and its policy). Nil only for
	// the access-log bucket itself, which cannot log to itself without
	// logging its own deliveries, and for a replica in another region
	// (NewReplica), since the log destination must be in the bucket's own
	// region.
	AccessLogBucket *Bucket
	// ObjectLockDays, when positive, turns on S3 Object Lock with a default
	// retention of that many days in governance mode: object versions
	// cannot be deleted or overwritten before then except by a principal
	// allowed s3:BypassGovernanceRetention. S3 can enable Object Lock on an
	// existing versioned bucket, so adding it replaces nothing. A bucket
	// with Object Lock cannot receive server access logs.
	ObjectLockDays int
	// GrantsAfter are resources the bucket policy waits for: a principal
	// its Grants name that another resource creates (IAM refuses a policy
	// naming a role that does not exist yet).
	GrantsAfter []pulumi.Resource
}

// validate reports every missing or invalid field at once.
func (a BucketArgs) validate() error {
	c := fields.For("storage.BucketArgs")
	c.Require("Name", a.Name)
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	if a.KmsKeyArn == nil && a.SseS3Reason == "" {
		c.Invalid("KmsKeyArn", "required unless SseS3Reason says why KMS cannot be used")
	}
	switch l := a.Lifecycle; {
	case l.KeepCurrent && l.ExpireDays != 0:
		c.Invalid("Lifecycle.ExpireDays", "must be 0 when KeepCurrent is set")
	case !l.KeepCurrent && l.ExpireDays <= 0:
		c.Invalid("Lifecycle.ExpireDays", "a positive number of days is required unless KeepCurrent is set")
	}
	c.Require("Lifecycle.NoncurrentExpireDays", a.Lifecycle.NoncurrentExpireDays)
	// Expiration cannot remove a version Object Lock still holds, so a lock
	// longer than the bucket keeps objects is a contradiction the stack
	// should not deploy.
	if l := a.Lifecycle; !l.KeepCurrent && a.ObjectLockDays > l.ExpireDays && l.ExpireDays > 0 {
		c.Invalid("ObjectLockDays", "%d locks objects past Lifecycle.ExpireDays (%d)", a.ObjectLockDays, l.ExpireDays)
	}
	return c.Err()
}

// ObjectLockMode is the retention mode of every locked bucket: governance,
// so that a break-glass principal can still correct a mistake, which
// compliance mode would forbid for the whole retention.
const ObjectLockMode = "GOVERNANCE"

// Bucket is a private S3 bucket.
type Bucket struct {
	pulumi.ResourceState

	// Name is the bucket's name.
	Name pulumi.StringOutput
	// Arn is the bucket's ARN.
	Arn pulumi.StringOutput
	// ID is the bucket's ID (its name, in AWS), which the resources that
	// configure it name it by.
	ID pulumi.StringOutput
	// Ready are the bucket and every resource that completes it (policy,
	// encryption, versioning, Object Lock...). A service that delivers to
	// the bucket depends on these: depending on the component alone waits
	// only for the children the SDK has seen registered by then.
	Ready []pulumi.Resource
}

// AccessLogPrefix is where a bucket's server access logs land in the
// access-log bucket: one prefix per bucket, so each is read on its own.
func AccessLogPrefix(bucketName string) string { return bucketName + "/" }

// NewBucket creates the bucket and the resources that lock it down.
func NewBucket(ctx *pulumi.Context, name string, args *BucketArgs, opts ...pulumi.ResourceOption) (*Bucket, error) {
	if args == nil {
		args = &BucketArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &Bucket{}
	if err := ctx.RegisterComponentResource("omnirapeutic:storage:Bucket", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	bucketOpts := []pulumi.ResourceOption{parent}
	if args.Protect {
		// Retained as well: audit data outlives a refactor or a destroy.
		bucketOpts = append(bucketOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	ready := func(r pulumi.Resource, err error) error {
		if err == nil {
			b.Ready = append(b.Ready, r)
		}
		return err
	}
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(args.Name),
		ForceDestroy: pulumi.Bool(false),
	}, bucketOpts...)
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", args.Name, err)
	}
	b.Ready = append(b.Ready, bucket)
	id := bucket.ID().ToStringOutput()

	if err := ready(s3.NewBucketPublicAccessBlock(ctx, name+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                id,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)); err != nil {
		return nil, fmt.Errorf("block public access to %s: %w", args.Name, err)
	}
	if err := ready(s3.NewBucketOwnershipControls(ctx, name+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent)); err != nil {
		return nil, fmt.Errorf("disable ACLs on %s: %w", args.Name, err)
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, name+"-versioning", &s3.BucketVersioningV2Args{
		Bucket:                  id,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err := ready(versioning, err); err != nil {
		return nil, fmt.Errorf("enable versioning on %s: %w", args.Name, err)
	}
	if args.ObjectLockDays > 0 {
		// Object Lock requires versioning; enabling it through this
		// resource (not the bucket's objectLockEnabled, which forces a new
		// bucket) works on a bucket that already holds evidence.
		//
		// objectLockEnabled forces a new configuration, whose delete puts
		// one without a default retention, keyed by the bucket
		// (terraform-provider-aws
		// internal/service/s3/bucket_object_lock_configuration.go): it is
		// pinned to "Enabled", and a replacement deletes first
		// (replacement.Types: DeleteFirst), so it cannot end without a
		// default retention.
		if err := ready(s3.NewBucketObjectLockConfigurationV2(ctx, name+"-object-lock", &s3.BucketObjectLockConfigurationV2Args{
			Bucket:            id,
			ObjectLockEnabled: pulumi.String("Enabled"),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
				DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
					Mode: pulumi.String(ObjectLockMode),
					Days: pulumi.Int(args.ObjectLockDays),
				},
			},
		}, parent, pulumi.DependsOn([]pulumi.Resource{versioning}), pulumi.DeleteBeforeReplace(true))); err != nil {
			return nil, fmt.Errorf("lock objects in %s: %w", args.Name, err)
		}
	}
	if args.AccessLogBucket != nil {
		if err := ready(s3.NewBucketLoggingV2(ctx, name+"-access-logging", &s3.BucketLoggingV2Args{
			Bucket:       id,
			TargetBucket: args.AccessLogBucket.Name,
			TargetPrefix: pulumi.String(AccessLogPrefix(args.Name)),
		}, parent, pulumi.DependsOn(args.AccessLogBucket.Ready))); err != nil {
			return nil, fmt.Errorf("log requests to %s: %w", args.Name, err)
		}
	}

	sse := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
		SseAlgorithm: pulumi.String("AES256"),
	}
	if args.KmsKeyArn != nil {
		sse = &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: args.KmsKeyArn,
		}
	}
	if err := ready(s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: sse,
			// S3 Bucket Keys cut KMS requests (and cost) by orders of magnitude.
			BucketKeyEnabled: pulumi.Bool(args.KmsKeyArn != nil),
		}},
	}, parent)); err != nil {
		return nil, fmt.Errorf("encrypt %s: %w", args.Name, err)
	}

	l := args.Lifecycle
	var transitions s3.BucketLifecycleConfigurationV2RuleTransitionArray
	for _, t := range []struct {
		days  int
		class string
	}{{l.InfrequentAccessDays, "STANDARD_IA"}, {l.GlacierDays, "GLACIER"}} {
		if t.days > 0 {
			transitions = append(transitions, &s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
				Days: pulumi.Int(t.days), StorageClass: pulumi.String(t.class),
			})
		}
	}
	var expiration *s3.BucketLifecycleConfigurationV2RuleExpirationArgs
	if !l.KeepCurrent {
		expiration = &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(l.ExpireDays)}
	}
	if err := ready(s3.NewBucketLifecycleConfigurationV2(ctx, name+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                          pulumi.String("retention"),
			Status:                      pulumi.String("Enabled"),
			Filter:                      &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Transitions:                 transitions,
			Expiration:                  expiration,
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(l.NoncurrentExpireDays)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(7),
			},
		}},
	}, parent)); err != nil {
		return nil, fmt.Errorf("set lifecycle of %s: %w", args.Name, err)
	}

	if err := ready(s3.NewBucketPolicy(ctx, name+"-policy", &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: pulumi.String(BucketPolicy(args.Scope.ARN("s3", args.Name), args.Grants).JSON()),
	}, parent, pulumi.DependsOn(args.GrantsAfter))); err != nil {
		return nil, fmt.Errorf("set policy of %s: %w", args.Name, err)
	}

	b.Name = bucket.Bucket
	b.Arn = bucket.Arn
	b.ID = id
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"name": b.Name, "arn": b.Arn}); err != nil {
		return nil, err
	}
	return b, nil
}

// BucketPolicy denies every request not made over TLS to the bucket of
// that ARN, then adds the grants.
func BucketPolicy(arn string, grants func(bucketArn string) []policy.Statement) policy.Document {
	statements := []policy.Statement{{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: policy.AWS("*"),
		Action:    []string{"s3:*"},
		Resource:  []string{arn, arn + "/*"},
		Condition: policy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	}}
	if grants != nil {
		statements = append(statements, grants(arn)...)
	}
	return policy.New(statements...)
}
