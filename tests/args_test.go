package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/edge"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/network"
	"github.com/omnirapeutic/infrastructure/observability"
	"github.com/omnirapeutic/infrastructure/pipeline"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
	"github.com/omnirapeutic/infrastructure/storage"
)

// argsCase calls one component's constructor with empty and with nil Args.
type argsCase struct {
	// pkg and typ name the Args type: its package directory and type name.
	pkg, typ string
	// call runs the constructor with args nil (nilArgs) or the zero value.
	call func(ctx *pulumi.Context, nilArgs bool) error
}

// constructor makes the argsCase of one NewX: every component has the
// same signature, so one generic helper serves them all.
func constructor[A, R any](pkg, typ string, newX func(*pulumi.Context, string, *A, ...pulumi.ResourceOption) (R, error)) argsCase {
	return argsCase{pkg: pkg, typ: typ, call: func(ctx *pulumi.Context, nilArgs bool) error {
		args := new(A)
		if nilArgs {
			args = nil
		}
		_, err := newX(ctx, "empty", args)
		return err
	}}
}

// components lists every component constructor and its Args type.
var components = []argsCase{
	constructor("network", "VpcArgs", network.NewVpc),
	constructor("network", "EndpointsArgs", network.NewEndpoints),
	constructor("security", "KeysArgs", security.NewKeys),
	constructor("security", "SecurityGroupsArgs", security.NewSecurityGroups),
	constructor("security", "SecretsArgs", security.NewSecrets),
	constructor("access", "RoleArgs", access.NewRole),
	constructor("data", "AuroraArgs", data.NewAurora),
	constructor("data", "BastionArgs", data.NewBastion),
	constructor("data", "BackupArgs", data.NewBackup),
	constructor("data", "RecoveryVaultArgs", data.NewRecoveryVault),
	constructor("data", "RestoreTestingArgs", data.NewRestoreTesting),
	constructor("compute", "RegistryArgs", compute.NewRegistry),
	constructor("compute", "ClusterArgs", compute.NewCluster),
	constructor("compute", "ServiceArgs", compute.NewService),
	constructor("edge", "LoadBalancerArgs", edge.NewLoadBalancer),
	constructor("edge", "WebAclArgs", edge.NewWebAcl),
	constructor("observability", "AlarmTopicArgs", observability.NewAlarmTopic),
	constructor("observability", "AlarmsArgs", observability.NewAlarms),
	constructor("observability", "WatchArgs", observability.NewWatch),
	constructor("compliance", "AccessLogBucketArgs", compliance.NewAccessLogBucket),
	constructor("compliance", "RecorderArgs", compliance.NewRecorder),
	constructor("compliance", "ThreatDetectionArgs", compliance.NewThreatDetection),
	constructor("compliance", "TrailArgs", compliance.NewTrail),
	constructor("compliance", "TamperDetectionArgs", compliance.NewTamperDetection),
	constructor("compliance", "SecurityHubArgs", compliance.NewSecurityHub),
	constructor("compliance", "AccountBaselineArgs", compliance.NewAccountBaseline),
	constructor("compliance", "AuditReplicationArgs", compliance.NewAuditReplication),
	constructor("compliance", "BackupAuditArgs", compliance.NewBackupAudit),
	constructor("storage", "BucketArgs", storage.NewBucket),
	constructor("storage", "ReplicaArgs", storage.NewReplica),
	constructor("logs", "GroupArgs", logs.NewGroup),
	constructor("pipeline", "StateBackendArgs", pipeline.NewStateBackend),
	constructor("pipeline", "GitHubAccessArgs", pipeline.NewGitHubAccess),
	constructor("pipeline", "AppDeployArgs", pipeline.NewAppDeploy),
}

// runAlone runs one program under the recording mock.
func runAlone(t *testing.T, program func(ctx *pulumi.Context) error) (*synth.Result, error) {
	t.Helper()
	return synth.RunProgram(synth.Options{Dir: ".."}, func(ctx *pulumi.Context) (pulumi.Map, error) {
		return pulumi.Map{}, program(ctx)
	})
}

// requiredByDoc lists, in declaration order, the fields of an Args type
// whose doc comment says "Required." or "Required:" (not "Required when",
// "with" or "unless", which validate reports as problems, not as missing).
func requiredByDoc(t *testing.T, pkg, typ string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", pkg, "*.go"))
	require.NoError(t, err)
	required := regexp.MustCompile(`\bRequired[.:]`)
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		require.NoError(t, err)
		var out []string
		found := false
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok || spec.Name.Name != typ {
				return true
			}
			found = true
			for _, field := range spec.Type.(*ast.StructType).Fields.List {
				if required.MatchString(field.Doc.Text()) {
					for _, name := range field.Names {
						out = append(out, name.Name)
					}
				}
			}
			return false
		})
		if found {
			return out
		}
	}
	t.Fatalf("no type %s in package %s", typ, pkg)
	return nil
}

// missingFields reads the "missing A, B.c, D" part of a validation error
// as top-level field names (B.c counts as B), in order.
func missingFields(t *testing.T, msg, argsType string) []string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(argsType) + `: missing ([^;\n]+)`).FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	var out []string
	for _, f := range strings.Split(m[1], ", ") {
		top, _, _ := strings.Cut(f, ".")
		if len(out) == 0 || out[len(out)-1] != top {
			out = append(out, top)
		}
	}
	return out
}

// Every component refuses empty Args with one error that names the Args
// type and every field its doc calls required, in declaration order, and
// registers nothing; nil Args are the same as empty ones.
func TestEmptyArgsNameEveryRequiredField(t *testing.T) {
	for _, c := range components {
		argsType := c.pkg + "." + c.typ
		t.Run(argsType, func(t *testing.T) {
			want := requiredByDoc(t, c.pkg, c.typ)
			var messages []string
			for _, nilArgs := range []bool{false, true} {
				r, err := runAlone(t, func(ctx *pulumi.Context) error { return c.call(ctx, nilArgs) })
				if len(want) == 0 {
					// Nothing is required: empty Args are a valid choice.
					require.NoError(t, err)
					continue
				}
				require.Error(t, err)
				assert.Equal(t, want, missingFields(t, err.Error(), argsType), "fields named missing in: %v", err)
				assert.Empty(t, r.Resources, "bad Args register nothing")
				messages = append(messages, err.Error())
			}
			if len(messages) == 2 {
				assert.Equal(t, messages[0], messages[1], "nil Args are empty Args")
			}
		})
	}
}

// The error reports every problem at once, missing fields and invalid
// values alike, in one line per Args type.
func TestArgsErrorsReportEveryProblemAtOnce(t *testing.T) {
	_, err := runAlone(t, func(ctx *pulumi.Context) error {
		_, err := storage.NewBucket(ctx, "bad", &storage.BucketArgs{Lifecycle: storage.Lifecycle{KeepCurrent: true, ExpireDays: 30}})
		return err
	})
	require.ErrorContains(t, err, "bad: storage.BucketArgs: missing Name, Scope, Lifecycle.NoncurrentExpireDays; "+
		"KmsKeyArn: required unless SseS3Reason says why KMS cannot be used; Lifecycle.ExpireDays: must be 0 when KeepCurrent is set")

	// Expiration cannot remove what Object Lock holds: a lock past the
	// bucket's expiry is refused.
	_, err = runAlone(t, func(ctx *pulumi.Context) error {
		_, err := storage.NewBucket(ctx, "locked", &storage.BucketArgs{Name: "t-locked", Scope: naming.NewScope("t", synth.AccountID, "us-east-1"),
			KmsKeyArn: pulumi.String("key"), ObjectLockDays: 2557, Lifecycle: storage.Lifecycle{ExpireDays: 2192, NoncurrentExpireDays: 90}})
		return err
	})
	require.ErrorContains(t, err, "locked: storage.BucketArgs: ObjectLockDays: 2557 locks objects past Lifecycle.ExpireDays (2192)")

	// A Scope that is there but incomplete is a problem of Scope, not a missing field.
	_, err = runAlone(t, func(ctx *pulumi.Context) error {
		_, err := security.NewKeys(ctx, "keys", &security.KeysArgs{Scope: naming.Scope{Prefix: "t"},
			Custodians: security.Custodians{Administrators: []string{"admin"}, BreakGlass: "root"}, AuditLogGroups: []string{"audit"}})
		return err
	})
	require.ErrorContains(t, err, "keys: security.KeysArgs: Scope: Scope.Account, Scope.Region, Scope.Partition required")

	_, err = runAlone(t, func(ctx *pulumi.Context) error {
		_, err := data.NewBackup(ctx, "backup", &data.BackupArgs{ContinuousRetentionDays: 40, DailyRetentionDays: 35, MonthlyRetentionDays: 365})
		return err
	})
	require.ErrorContains(t, err, "data.BackupArgs: missing Scope, KmsKeyArn, Cluster, TopicArn, PolicyAdminArns; "+
		"ContinuousRetentionDays: 40 is outside 1 to 35 days; Daily/MonthlyRetentionDays: retention must grow")

	// A service that uses the database without an endpoint is refused up
	// front; it used to pass validation and panic inside the task
	// definition's apply (DB_HOST) or ship DB_PORT=0.
	_, err = runAlone(t, func(ctx *pulumi.Context) error {
		_, err := compute.NewService(ctx, "svc", &compute.ServiceArgs{Spec: stackconfig.Service{Database: true}})
		return err
	})
	require.ErrorContains(t, err, "Database: has no Host, Port, Name, which Spec.Database needs")
	_, err = runAlone(t, func(ctx *pulumi.Context) error {
		_, err := compute.NewCluster(ctx, "ecs", &compute.ClusterArgs{
			Services: map[string]stackconfig.Service{"api": {Database: true}},
			Database: compute.DatabaseEndpoint{Port: 5432, Name: "app"},
		})
		return err
	})
	require.ErrorContains(t, err, "Services[api]: uses the database, but Database has no Host, ClusterResourceID")
}

// The components that used to fill in defaults (the flow-log and access-log
// retentions, a bucket's noncurrent expiry, the GitHub branch and
// environment) never write to the caller's Args: neither when the field is
// left out (now an error naming it) nor when everything is given.
func TestComponentsLeaveTheCallersArgsAlone(t *testing.T) {
	scope := naming.NewScope("t", synth.AccountID, "us-east-1")
	key := pulumi.String(scope.ARN("kms", "key/test"))
	vpc := func() *network.VpcArgs {
		return &network.VpcArgs{
			Scope: scope, CidrBlock: "10.0.0.0/16",
			AvailabilityZones: []string{"us-east-1a"},
			SubnetCidrs: map[stackconfig.Tier]map[string]string{
				stackconfig.Public: {"us-east-1a": "10.0.1.0/24"}, stackconfig.App: {"us-east-1a": "10.0.11.0/24"}, stackconfig.Data: {"us-east-1a": "10.0.21.0/24"},
			},
			FlowLogRetentionDays: 365, FlowLogKmsKeyArn: key,
		}
	}
	bucket := func() *storage.BucketArgs {
		return &storage.BucketArgs{Name: "t-bucket", Scope: scope, KmsKeyArn: key, Lifecycle: storage.Lifecycle{ExpireDays: 30, NoncurrentExpireDays: 30}}
	}
	loadBalancer := func(logs *storage.Bucket) *edge.LoadBalancerArgs {
		return &edge.LoadBalancerArgs{
			Scope: scope,
			VpcID: pulumi.String("vpc-1"), SubnetIDs: pulumi.ToStringArray([]string{"subnet-1"}), SecurityGroupID: pulumi.String("sg-1"),
			TargetGroups: []edge.TargetGroup{{Name: "api", HealthCheckPath: "/health"}}, DefaultTargetGroup: "api",
			AccessLogDays: 365, S3AccessLogBucket: logs,
		}
	}
	gitHub := func(backend *pipeline.StateBackend) *pipeline.GitHubAccessArgs {
		return &pipeline.GitHubAccessArgs{
			Scope: scope, Repository: pipeline.Repository{Owner: "o", Name: "r", OwnerID: "1", ID: "2"},
			Branch: "main", Environment: "production", StagingEnvironment: "staging", Backend: backend,
		}
	}
	cases := []struct {
		name string
		// omit empties the field the component used to default; nil keeps
		// the Args complete.
		omit func(any)
		// run builds the Args (after creating what they refer to), calls
		// the component, and returns the Args with an identical set built
		// separately before the call.
		run func(ctx *pulumi.Context, omit func(any)) (before, after any, err error)
		// missing is the field named in the error when omitted.
		missing string
	}{
		{name: "network.NewVpc", missing: "network.VpcArgs: missing FlowLogRetentionDays",
			omit: func(a any) { a.(*network.VpcArgs).FlowLogRetentionDays = 0 },
			run: func(ctx *pulumi.Context, omit func(any)) (any, any, error) {
				args := vpc()
				// The copy is built afresh, not copied from args, so a write
				// through a shared slice, map or pointer shows too.
				fresh := vpc()
				for _, a := range []any{args, fresh} {
					if omit != nil {
						omit(a)
					}
				}
				before := *fresh
				_, err := network.NewVpc(ctx, "t", args)
				return before, *args, err
			}},
		{name: "storage.NewBucket", missing: "storage.BucketArgs: missing Lifecycle.NoncurrentExpireDays",
			omit: func(a any) { a.(*storage.BucketArgs).Lifecycle.NoncurrentExpireDays = 0 },
			run: func(ctx *pulumi.Context, omit func(any)) (any, any, error) {
				args := bucket()
				// The copy is built afresh, not copied from args, so a write
				// through a shared slice, map or pointer shows too.
				fresh := bucket()
				for _, a := range []any{args, fresh} {
					if omit != nil {
						omit(a)
					}
				}
				before := *fresh
				_, err := storage.NewBucket(ctx, "t", args)
				// Grants is a func: compare what it builds instead.
				before.Grants, args.Grants = nil, nil
				return before, *args, err
			}},
		{name: "edge.NewLoadBalancer", missing: "edge.LoadBalancerArgs: missing AccessLogDays",
			omit: func(a any) { a.(*edge.LoadBalancerArgs).AccessLogDays = 0 },
			run: func(ctx *pulumi.Context, omit func(any)) (any, any, error) {
				accessLogs, err := storage.NewBucket(ctx, "t-logs", &storage.BucketArgs{
					Name: "t-logs", Scope: scope, SseS3Reason: "test", Lifecycle: storage.Lifecycle{ExpireDays: 30, NoncurrentExpireDays: 30},
				})
				if err != nil {
					return nil, nil, err
				}
				args := loadBalancer(accessLogs)
				// The copy is built afresh, not copied from args, so a write
				// through a shared slice, map or pointer shows too.
				fresh := loadBalancer(accessLogs)
				for _, a := range []any{args, fresh} {
					if omit != nil {
						omit(a)
					}
				}
				before := *fresh
				_, err = edge.NewLoadBalancer(ctx, "t", args)
				return before, *args, err
			}},
		{name: "pipeline.NewGitHubAccess", missing: "pipeline.GitHubAccessArgs: missing Branch, Environment",
			omit: func(a any) {
				a.(*pipeline.GitHubAccessArgs).Branch, a.(*pipeline.GitHubAccessArgs).Environment = "", ""
			},
			run: func(ctx *pulumi.Context, omit func(any)) (any, any, error) {
				backend, err := pipeline.NewStateBackend(ctx, "t-state", &pipeline.StateBackendArgs{Scope: scope})
				if err != nil {
					return nil, nil, err
				}
				args := gitHub(backend)
				// The copy is built afresh, not copied from args, so a write
				// through a shared slice, map or pointer shows too.
				fresh := gitHub(backend)
				for _, a := range []any{args, fresh} {
					if omit != nil {
						omit(a)
					}
				}
				before := *fresh
				_, err = pipeline.NewGitHubAccess(ctx, "t", args)
				return before, *args, err
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, omit := range []func(any){nil, tc.omit} {
				var before, after any
				_, err := runAlone(t, func(ctx *pulumi.Context) error {
					var err error
					before, after, err = tc.run(ctx, omit)
					return err
				})
				if omit == nil {
					require.NoError(t, err)
				} else {
					require.ErrorContains(t, err, tc.missing)
				}
				require.NotNil(t, before)
				assert.Equal(t, before, after, "the caller's Args are unchanged")
			}
		})
	}
}
