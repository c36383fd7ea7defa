package storage

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// How a bucket replicates to another region, from the S3 User Guide:
//   - objects encrypted with SSE-KMS are replicated only when the rule opts
//     in (SourceSelectionCriteria.SseKmsEncryptedObjects) and names a key of
//     the destination's region for the replicas (ReplicaKmsKeyID); "the AWS
//     KMS key must have been created in the same AWS Region as the
//     destination buckets" ("Replicating encrypted objects");
//   - both buckets are versioned (NewBucket versions every bucket);
//   - a source with Object Lock replicates only to a destination with
//     Object Lock enabled, and the role needs s3:GetObjectRetention and
//     s3:GetObjectLegalHold ("Object Lock considerations", "Using Object
//     Lock with S3 Replication"; replication failure reason
//     DstBucketObjectLockConfigMissing); replicas keep their source's
//     retention, and an object without one gets the destination's default
//     retention, as any object placed in the bucket does;
//   - the role is trusted by s3.amazonaws.com, reads the source's
//     replication configuration and object versions, and replicates
//     objects to the destination ("Setting up permissions for live
//     replication"); for SSE-KMS it decrypts with the source key and
//     encrypts with the replica key, each through S3 in its region and for
//     its bucket (kms:ViaService, kms:EncryptionContext:aws:s3:arn, which is
//     the bucket's ARN when the bucket uses an S3 Bucket Key).
//
// Replication copies objects written after it is configured; what a
// bucket already held needs S3 Batch Replication (docs/runbooks.md).

// ReplicaName is the name of a bucket's replica: <source>-replica. Bucket
// names are global, so the replica cannot share its source's.
func ReplicaName(source string) string { return source + "-replica" }

// ReplicationTimeMinutes is S3 Replication Time Control's window: with RTC
// on, S3 replicates "99.99 percent of new objects within 15 minutes"
// (S3 User Guide, "Meeting compliance requirements with S3 Replication
// Time Control"), the one replication delay AWS commits to; its metrics
// and the 15-minute event threshold come with it.
const ReplicationTimeMinutes = 15

// ReplicaArgs configures a Replica.
type ReplicaArgs struct {
	// Source is the bucket replicated. Required.
	Source *Bucket
	// SourceName is the source bucket's name. Required.
	SourceName string
	// Scope is the recovery region's scope (naming.Scope.In): the replica's
	// ARNs and its policy. Required.
	Scope naming.Scope
	// Provider is the recovery region's AWS provider: the replica bucket is
	// created through it. Required.
	Provider pulumi.ProviderResource
	// KmsKeyArn encrypts the replicas: a key of the recovery region. Required.
	KmsKeyArn pulumi.StringInput
	// Role is the replication role (ReplicationPolicy), and RoleReady what
	// completes it (its policy attachments). Required.
	RoleArn   pulumi.StringInput
	RoleReady []pulumi.Resource
	// Lifecycle is the replica's lifecycle, the source's. Required.
	Lifecycle Lifecycle
	// ObjectLockDays is the replica's default retention. Required: a
	// replica is evidence kept out of the region, locked even where its
	// source cannot be (AWS Config's bucket).
	ObjectLockDays int
}

// validate reports every missing or invalid field at once.
func (a ReplicaArgs) validate() error {
	c := fields.For("storage.ReplicaArgs")
	c.Require("Source", a.Source)
	c.Require("SourceName", a.SourceName)
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Provider", a.Provider)
	c.Require("KmsKeyArn", a.KmsKeyArn)
	c.Require("RoleArn", a.RoleArn)
	c.Require("Lifecycle", a.Lifecycle)
	c.Require("ObjectLockDays", a.ObjectLockDays)
	return c.Err()
}

// Replica is a bucket's replica in the recovery region and the rule that
// fills it.
type Replica struct {
	pulumi.ResourceState

	// Name is the replica bucket's name.
	Name pulumi.StringOutput
}

// NewReplica creates the replica bucket in the recovery region (private,
// versioned, TLS-only, KMS, Object Lock: NewBucket) and the source's
// replication configuration, in the source's region.
func NewReplica(ctx *pulumi.Context, name string, args *ReplicaArgs, opts ...pulumi.ResourceOption) (*Replica, error) {
	if args == nil {
		args = &ReplicaArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &Replica{}
	if err := ctx.RegisterComponentResource("omnirapeutic:storage:Replica", name, r, opts...); err != nil {
		return nil, err
	}
	replicaName := ReplicaName(args.SourceName)
	// Server access logs go to a bucket of the bucket's own region, and the
	// access-log bucket is in the source's; every read and delete of a
	// replica is a data event of the stack's multi-region trail instead.
	replica, err := NewBucket(ctx, name+"-bucket", &BucketArgs{
		Name:           replicaName,
		Scope:          args.Scope,
		KmsKeyArn:      args.KmsKeyArn,
		Lifecycle:      args.Lifecycle,
		Protect:        true,
		ObjectLockDays: args.ObjectLockDays,
	}, pulumi.Parent(r), pulumi.Providers(args.Provider))
	if err != nil {
		return nil, err
	}
	rule := &s3.BucketReplicationConfigRuleArgs{
		Id:     pulumi.String("recovery-region"),
		Status: pulumi.String("Enabled"),
		// An empty filter makes the rule the current (V2) schema, which
		// replicates every object and requires the delete-marker setting.
		Filter: &s3.BucketReplicationConfigRuleFilterArgs{},
		// A delete marker put on the source is not replicated: the replica
		// keeps what the source no longer shows.
		DeleteMarkerReplication: &s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: pulumi.String("Disabled")},
		SourceSelectionCriteria: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
			SseKmsEncryptedObjects: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: pulumi.String("Enabled")},
		},
		Destination: &s3.BucketReplicationConfigRuleDestinationArgs{
			Bucket:                  pulumi.String(args.Scope.ARN("s3", replicaName)),
			EncryptionConfiguration: &s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{ReplicaKmsKeyId: args.KmsKeyArn},
			ReplicationTime: &s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs{
				Status: pulumi.String("Enabled"),
				Time:   &s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs{Minutes: pulumi.Int(ReplicationTimeMinutes)},
			},
			Metrics: &s3.BucketReplicationConfigRuleDestinationMetricsArgs{
				Status:         pulumi.String("Enabled"),
				EventThreshold: &s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs{Minutes: pulumi.Int(ReplicationTimeMinutes)},
			},
		},
	}
	// The replica (with its Object Lock) and the role come first: S3 checks
	// neither when the configuration is put, and replication fails on each
	// object until they exist.
	wait := slices.Concat(args.Source.Ready, replica.Ready, args.RoleReady)
	if _, err := s3.NewBucketReplicationConfig(ctx, name+"-replication", &s3.BucketReplicationConfigArgs{
		Bucket: args.Source.ID,
		Role:   args.RoleArn,
		Rules:  s3.BucketReplicationConfigRuleArray{rule},
	}, pulumi.Parent(r), pulumi.DependsOn(wait)); err != nil {
		return nil, fmt.Errorf("replicate %s: %w", args.SourceName, err)
	}
	r.Name = replica.Name
	if err := ctx.RegisterResourceOutputs(r, pulumi.Map{"name": r.Name}); err != nil {
		return nil, err
	}
	return r, nil
}

// ReplicatedBucket is one source a replication role reads, with its key and
// the replica it writes.
type ReplicatedBucket struct {
	// Source is the source bucket's name; Replica its replica's.
	Source, Replica string
	// SourceKeyArn and ReplicaKeyArn are their KMS keys.
	SourceKeyArn, ReplicaKeyArn string
}

// ReplicationPolicy is the replication role's policy over the buckets, in
// the source region of scope and the destination region of replicaScope:
// read the replication configuration and object versions (with their
// retention and legal hold) of each source, replicate objects into its
// replica, decrypt with each source key and encrypt with each replica key,
// each only through S3 in that key's region and for that bucket.
func ReplicationPolicy(scope, replicaScope naming.Scope, buckets []ReplicatedBucket) policy.Document {
	var sources, sourceObjects, replicaObjects, sourceKeys, replicaKeys []string
	var sourceContext, replicaContext []string
	for _, b := range buckets {
		src, dst := scope.ARN("s3", b.Source), replicaScope.ARN("s3", b.Replica)
		sources = append(sources, src)
		sourceObjects = append(sourceObjects, src+"/*")
		replicaObjects = append(replicaObjects, dst+"/*")
		sourceKeys = append(sourceKeys, b.SourceKeyArn)
		replicaKeys = append(replicaKeys, b.ReplicaKeyArn)
		// The bucket's ARN is the encryption context under an S3 Bucket
		// Key, the object's otherwise.
		sourceContext = append(sourceContext, src, src+"/*")
		replicaContext = append(replicaContext, dst, dst+"/*")
	}
	return policy.New(
		policy.Allow("ReadReplicationConfiguration", []string{"s3:GetReplicationConfiguration", "s3:ListBucket"}, sources),
		policy.Allow("ReadSourceVersions", []string{
			"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
			"s3:GetObjectRetention", "s3:GetObjectLegalHold",
		}, sourceObjects),
		policy.Allow("WriteReplicas", []string{"s3:ReplicateObject"}, replicaObjects),
		policy.Statement{
			Sid: "DecryptSources", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: slices.Compact(slices.Sorted(slices.Values(sourceKeys))),
			Condition: policy.Conditions{
				"StringEquals": {"kms:ViaService": {scope.ServicePrincipal("s3")}},
				"StringLike":   {"kms:EncryptionContext:aws:s3:arn": sourceContext},
			},
		},
		// kms:Encrypt is what S3 documents for the replica key; with an S3
		// Bucket Key on the replica it also needs kms:Decrypt ("Amazon S3
		// Bucket Keys and replication") and kms:GenerateDataKey to make it.
		policy.Statement{
			Sid: "EncryptReplicas", Effect: "Allow", Action: []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"},
			Resource: slices.Compact(slices.Sorted(slices.Values(replicaKeys))),
			Condition: policy.Conditions{
				"StringEquals": {"kms:ViaService": {replicaScope.ServicePrincipal("s3")}},
				"StringLike":   {"kms:EncryptionContext:aws:s3:arn": replicaContext},
			},
		},
	)
}
