package synth

import (
	"slices"

	"github.com/omnirapeutic/infrastructure/replacement"
)

// ReplaceOnlyProperty is an input AWS cannot change in place: changing it
// makes Pulumi delete and re-create the resource.
type ReplaceOnlyProperty struct {
	// Name is the Pulumi input name, e.g. "kmsKeyId", or a dotted path to
	// a field inside an object input ("rootBlockDevice.encrypted").
	Name string
	// Source documents that a change forces a new resource.
	Source string
}

// ReplaceOnly returns the inputs of a type that AWS cannot change in place,
// from the one table of them, replacement.Types.
func ReplaceOnly(typ string) []ReplaceOnlyProperty {
	t, ok := replacement.Lookup(typ)
	if !ok {
		return nil
	}
	out := make([]ReplaceOnlyProperty, len(t.ForceNew))
	for i, p := range t.ForceNew {
		out[i] = ReplaceOnlyProperty{Name: p, Source: t.URL()}
	}
	return out
}

// statefulTypes hold data or identity that a replacement or deletion loses:
// the database, buckets, log groups, keys, secrets, images, the trail, the
// alarm topic's confirmed subscriptions, and public addresses others allow-list.
var statefulTypes = []string{
	"aws:rds/cluster:Cluster",
	"aws:rds/clusterInstance:ClusterInstance",
	"aws:s3/bucketV2:BucketV2",
	"aws:cloudwatch/logGroup:LogGroup",
	"aws:kms/key:Key",
	"aws:secretsmanager/secret:Secret",
	"aws:ecr/repository:Repository",
	"aws:cloudtrail/trail:Trail",
	"aws:sns/topic:Topic",
	"aws:ec2/eip:Eip",
	"aws:backup/vault:Vault",
}

// Stateful reports whether a resource holds what a replacement or deletion
// would lose: a stateful type, or anything protected or retained on delete.
func Stateful(r *Resource) bool {
	return r.Protect || r.RetainOnDelete || slices.Contains(statefulTypes, r.Type)
}
