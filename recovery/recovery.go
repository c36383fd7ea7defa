// Package recovery states the recovery objectives a configuration gives:
// how much data each store can lose (the recovery point objective, RPO) and
// how long bringing it back takes (the recovery time objective, RTO), in the
// stack's region and in its recovery region. It holds the figures the
// arithmetic uses, each with its source (an AWS statement, or an assumption
// saying why), and the critical path of a deploy: the longest chain of a
// dependency graph, timed by each resource type's creation time. It calls
// neither AWS nor Pulumi: docs/generated/rpo-rto.md renders it from the
// synthesized stacks, and the backup audit's restore-time control checks the
// restore figure against every weekly restore test.
package recovery

import (
	"fmt"
	"slices"
	"sort"
)

// Figure is one duration the arithmetic uses, and where it comes from.
type Figure struct {
	// Minutes is the duration.
	Minutes float64
	// Source is an AWS statement it rests on, or "assumed:" and why.
	Source string
}

// The figures about data: how far behind the latest restorable state is,
// and how long restores and deliveries take.
var (
	// PointInTimeLag is how far a point-in-time restore can reach: up to
	// LatestRestorableTime ("Users can restore to any point in time before
	// LatestRestorableTime", RDS API Reference, RestoreDBClusterToPointInTime),
	// which RDS keeps "typically within 5 minutes of the current time" (RDS
	// User Guide, "Restoring a DB instance to a specified time"; stated for
	// instances, assumed for Aurora clusters, whose storage is continuously
	// backed up).
	PointInTimeLag = Figure{5, "RDS User Guide, Restoring to a specified time: LatestRestorableTime is typically within 5 minutes (stated for DB instances, assumed for Aurora)"}
	// AuroraRestore is the time RDS takes to restore the cluster, from a
	// snapshot or to a point in time, before its instances are created
	// ("For Aurora, this action only restores the DB cluster, not the DB
	// instances", RestoreDBClusterToPointInTime; the same holds for
	// RestoreDBClusterFromSnapshot). AWS publishes no figure: it grows
	// with the volume. The weekly restore test measures it, and the backup
	// audit's RESTORE_TIME_FOR_RESOURCES_MEET_TARGET control reports every
	// restore slower than this (compliance.BackupAudit).
	AuroraRestore = Figure{30, "assumed: AWS states no restore time; the weekly restore test measures it and AWS Backup Audit Manager reports any restore slower than this target"}
	// TrailDelivery is how long CloudTrail takes to deliver an event to
	// the trail's bucket: "CloudTrail typically delivers logs within an
	// average of about 5 minutes of an API call" (CloudTrail User Guide,
	// "How CloudTrail works").
	TrailDelivery = Figure{5, "CloudTrail User Guide: logs are delivered within an average of about 5 minutes of an API call"}
	// ConfigDelivery is how often AWS Config delivers a configuration
	// snapshot: the delivery channel's TwentyFour_Hours frequency
	// (compliance.NewRecorder).
	ConfigDelivery = Figure{24 * 60, "the Config delivery channel's snapshot frequency, TwentyFour_Hours (compliance.NewRecorder)"}
	// ReportDelivery is how often AWS Backup Audit Manager writes a report:
	// "AWS Backup Audit Manager automatically generates a new report for you
	// every 24 hours" (AWS Backup Developer Guide, "AWS Backup Audit Manager").
	ReportDelivery = Figure{24 * 60, "AWS Backup Developer Guide: Audit Manager generates a new report every 24 hours"}
)

// IAMControlPlane is, by partition, the region that hosts IAM's control
// plane (CreateRole, AttachRolePolicy...): "There is one IAM control plane
// for all commercial AWS Regions, which is located in the US East (N.
// Virginia) Region" (IAM User Guide, "Resilience in AWS Identity and
// Access Management"; AWS Fault Isolation Boundaries, "Global services":
// "do not rely on the control plane of partitional services in your
// recovery path"). A recovery deployment creates IAM roles, so losing that
// region also stops it until IAM answers. The other partitions have
// control planes of their own, in regions AWS does not name there.
var IAMControlPlane = map[string]string{"aws": "us-east-1"}

// DefaultCreation is the creation time of a type Creation does not list:
// one API call and the provider's read-back.
var DefaultCreation = Figure{1, "assumed: one API call and its read-back"}

// creation lists the types whose creation takes more than an API call.
var creation = map[string]Figure{
	// AWS's own agent toolkit for Aurora (aws/agent-toolkit-for-aws, skill
	// "creating-amazon-aurora-db-cluster-with-instances"): "Aurora cluster
	// and instance creation can take 10-20 minutes"; the upper figure,
	// split between the two.
	"aws:rds/cluster:Cluster":                 {10, "AWS's Aurora agent toolkit: cluster and instance creation take 10 to 20 minutes (the upper figure, half each)"},
	"aws:rds/clusterInstance:ClusterInstance": {10, "AWS's Aurora agent toolkit: cluster and instance creation take 10 to 20 minutes (the upper figure, half each)"},
	// The AWS CLI's nat-gateway-available waiter "will poll every 15
	// seconds until a successful state has been reached ... after 40
	// failed checks" (AWS CLI Command Reference, ec2 wait
	// nat-gateway-available): AWS's own tooling waits up to 10 minutes.
	"aws:ec2/natGateway:NatGateway":           {10, "AWS CLI ec2 wait nat-gateway-available: 40 checks 15 seconds apart"},
	"aws:lb/loadBalancer:LoadBalancer":        {10, "assumed: as long as a NAT gateway, the other resource AWS provisions in each subnet"},
	"aws:ec2/instance:Instance":               {5, "assumed: an instance boots and passes its status checks"},
	"aws:ecs/service:Service":                 {5, "assumed: tasks start, pass the health-check grace period and register with the target groups"},
	"aws:cfg/conformancePack:ConformancePack": {5, "assumed: AWS Config deploys the pack's rules"},
	"aws:backup/framework:Framework":          {5, "assumed: AWS Backup deploys the framework's AWS Config rules"},
}

// Creation is the modeled creation time of a resource type.
func Creation(token string) Figure {
	if f, ok := creation[token]; ok {
		return f
	}
	return DefaultCreation
}

// Timed lists the types with a creation time of their own, sorted.
func Timed() []string {
	var out []string
	for t := range creation {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Node is one resource of a deploy: it can start once every resource it
// depends on is done, and takes Minutes.
type Node struct {
	// ID identifies it (a URN).
	ID string
	// Type is its type token; Name its logical name.
	Type, Name string
	// Deps are the IDs it waits for.
	Deps []string
	// Minutes is how long creating it takes.
	Minutes float64
}

// Path is the critical path of a deploy: the chain of resources, first
// created first, whose durations add up to the longest time, which is how
// long the deploy takes with unbounded parallelism (the Pulumi engine's
// default).
type Path struct {
	// Nodes are the chain, in creation order.
	Nodes []Node
	// Minutes is their sum.
	Minutes float64
}

// CriticalPath is the longest chain of nodes by the sum of their minutes.
// A dependency on an ID not among nodes, or a cycle, is an error: the graph
// is the engine's, and the engine would refuse it too.
func CriticalPath(nodes []Node) (Path, error) {
	byID := map[string]Node{}
	for _, n := range nodes {
		if _, dup := byID[n.ID]; dup {
			return Path{}, fmt.Errorf("two nodes have the ID %s", n.ID)
		}
		byID[n.ID] = n
	}
	done := map[string]float64{}
	prev := map[string]string{}
	visiting := map[string]bool{}
	var finish func(id string) (float64, error)
	finish = func(id string) (float64, error) {
		if t, ok := done[id]; ok {
			return t, nil
		}
		n, ok := byID[id]
		if !ok {
			return 0, fmt.Errorf("a dependency on %s, which is not in the graph", id)
		}
		if visiting[id] {
			return 0, fmt.Errorf("a dependency cycle through %s", id)
		}
		visiting[id] = true
		start := 0.0
		deps := slices.Sorted(slices.Values(n.Deps))
		for _, d := range deps {
			t, err := finish(d)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", id, err)
			}
			if t > start {
				start, prev[id] = t, d
			}
		}
		visiting[id] = false
		done[id] = start + n.Minutes
		return done[id], nil
	}
	var last string
	longest := -1.0
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range byID {
			if !yield(id) {
				return
			}
		}
	})
	for _, id := range ids {
		t, err := finish(id)
		if err != nil {
			return Path{}, err
		}
		if t > longest {
			longest, last = t, id
		}
	}
	var chain []Node
	for id := last; id != ""; id = prev[id] {
		chain = append(chain, byID[id])
	}
	slices.Reverse(chain)
	return Path{Nodes: chain, Minutes: max(longest, 0)}, nil
}
