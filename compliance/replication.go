package compliance

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/storage"
)

// Which buckets leave the region, and why: the evidence only they hold
// (docs/auditor.md, "Disaster recovery evidence").
//   - the trail's bucket: every API call and S3 data event, the audit trail
//     itself;
//   - AWS Config's bucket: the configuration history and snapshots the
//     HIPAA pack's verdicts rest on;
//   - the backup reports' bucket: AWS Backup Audit Manager's daily reports.
//
// Not the server access-log bucket nor the ALB's access logs: what they
// record of the audit buckets is also a CloudTrail data event (the trail
// records every S3 data event but the deliveries into its own bucket and
// the access-log bucket), so the trail's replica carries it; and a
// replica of the access logs would need a destination without Object Lock
// and with SSE-S3, evidence no better kept than where it is.

// AuditSource is one bucket of evidence to replicate.
type AuditSource struct {
	// Bucket is the bucket, and Name its name.
	Bucket *storage.Bucket
	Name   string
	// KmsKeyArn is the key its objects are encrypted with.
	KmsKeyArn pulumi.StringInput
}

// AuditReplicationArgs configures AuditReplication.
type AuditReplicationArgs struct {
	// Scope is the stack's scope: its prefix names the role. Required.
	Scope naming.Scope
	// RecoveryScope is the recovery region's scope (naming.Scope.In): the
	// replicas and their key are named and placed with it. Required.
	RecoveryScope naming.Scope
	// Provider is the recovery region's AWS provider. Required.
	Provider pulumi.ProviderResource
	// Sources are the buckets replicated, by a key that names their
	// replica's component ("cloudtrail", "config", ...). Required.
	Sources map[string]AuditSource
	// RetentionDays is the audit retention: each replica locks what it
	// receives that long, and keeps it AuditLifecycle's six years at least. Required.
	RetentionDays int
	// KeyCustodians administer the replicas' key, and alone may disable it
	// or schedule its deletion, as for the stack's own keys. Required.
	KeyCustodians security.Custodians
}

// validate reports every missing or invalid field at once.
func (a AuditReplicationArgs) validate() error {
	c := fields.For("compliance.AuditReplicationArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.RequireValid("RecoveryScope", a.RecoveryScope, a.RecoveryScope.Validate())
	c.Require("Provider", a.Provider)
	c.Require("Sources", a.Sources)
	c.Require("RetentionDays", a.RetentionDays)
	c.Require("KeyCustodians.Administrators", a.KeyCustodians.Administrators)
	c.Require("KeyCustodians.BreakGlass", a.KeyCustodians.BreakGlass)
	if a.Scope.Region != "" && a.Scope.Region == a.RecoveryScope.Region {
		c.Invalid("RecoveryScope.Region", "%s is the stack's own region", a.RecoveryScope.Region)
	}
	return c.Err()
}

// AuditReplication is the audit buckets' replicas in the recovery region,
// their key there, and the role S3 replicates with.
type AuditReplication struct {
	pulumi.ResourceState

	// ReplicaNames are the replica buckets' names, by source key.
	ReplicaNames map[string]pulumi.StringOutput
	// KeyArn is the replicas' key.
	KeyArn pulumi.StringOutput
}

// ReplicationRoleName is the replication role's name: <prefix>-s3-replication.
func ReplicationRoleName(scope naming.Scope) string { return scope.Name("s3-replication") }

// NewAuditReplication creates the replicas' key in the recovery region, the
// replication role, and one replica (bucket and rule) per source.
func NewAuditReplication(ctx *pulumi.Context, name string, args *AuditReplicationArgs, opts ...pulumi.ResourceOption) (*AuditReplication, error) {
	if args == nil {
		args = &AuditReplicationArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	a := &AuditReplication{ReplicaNames: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:AuditReplication", name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	key, err := security.NewKey(ctx, name+"-key", security.ReplicasKey, security.KeysArgs{Scope: args.RecoveryScope, Custodians: args.KeyCustodians}, parent, pulumi.Provider(args.Provider))
	if err != nil {
		return nil, err
	}

	keys := []any{key.Arn}
	for _, k := range slices.Sorted(maps.Keys(args.Sources)) {
		keys = append(keys, args.Sources[k].KmsKeyArn)
	}
	policyJSON := pulumi.All(keys...).ApplyT(func(v []any) string {
		var buckets []storage.ReplicatedBucket
		for i, k := range slices.Sorted(maps.Keys(args.Sources)) {
			src := args.Sources[k].Name
			buckets = append(buckets, storage.ReplicatedBucket{
				Source: src, Replica: storage.ReplicaName(src), SourceKeyArn: v[i+1].(string), ReplicaKeyArn: v[0].(string),
			})
		}
		return storage.ReplicationPolicy(args.Scope, args.RecoveryScope, buckets).JSON()
	}).(pulumi.StringOutput)
	role, err := access.NewRole(ctx, name, &access.RoleArgs{
		Name:        ReplicationRoleName(args.Scope),
		Description: "Lets S3 replicate the audit buckets to the recovery region",
		// As the S3 User Guide's replication role ("Setting up permissions
		// for live replication"): S3 alone, no condition it does not document.
		Trust:             policy.AssumeRole("s3.amazonaws.com", nil),
		Policy:            policyJSON,
		PolicyDescription: "Read the audit buckets' versions and write their replicas, through S3 and each bucket's key only",
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("replication role: %w", err)
	}
	for _, k := range slices.Sorted(maps.Keys(args.Sources)) {
		src := args.Sources[k]
		r, err := storage.NewReplica(ctx, name+"-"+k, &storage.ReplicaArgs{
			Source:         src.Bucket,
			SourceName:     src.Name,
			Scope:          args.RecoveryScope,
			Provider:       args.Provider,
			KmsKeyArn:      key.Arn,
			RoleArn:        role.Arn,
			RoleReady:      role.Attachments,
			Lifecycle:      AuditLifecycle(args.RetentionDays),
			ObjectLockDays: args.RetentionDays,
		}, parent)
		if err != nil {
			return nil, err
		}
		a.ReplicaNames[k] = r.Name
	}
	a.KeyArn = key.Arn
	outputs := pulumi.Map{"keyArn": a.KeyArn}
	for k, n := range a.ReplicaNames {
		outputs[k+"ReplicaName"] = n
	}
	if err := ctx.RegisterResourceOutputs(a, outputs); err != nil {
		return nil, err
	}
	return a, nil
}
