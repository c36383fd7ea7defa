package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// A rule is what must hold for every valid configuration: it reads what it
// expects from the synthesis's own configuration and naming, never from a
// literal of today's stack file. TestRules runs every rule over each
// committed stack, and TestChangeMatrix over each change users make; the
// specification's numbers are pinned once, in TestSpecification.
type rule struct {
	name  string
	check func(t *testing.T, s *stack)
}

// stack is one synthesis as the rules read it: the resources, and the
// configuration and naming the program built them from.
type stack struct {
	*synth.Result
	cfg   *stackconfig.Config
	scope naming.Scope
}

// stackOf wraps a successful synthesis for the rules.
func stackOf(t *testing.T, r *synth.Result) *stack {
	t.Helper()
	require.NotNil(t, r.Stack, "the program ran to the end")
	return &stack{Result: r, cfg: r.Stack.Config, scope: r.Stack.Scope}
}

// name is a physical name of this stack: <prefix>-<parts...>.
func (s *stack) name(parts ...string) string { return s.scope.Name(parts...) }

// arn is an ARN in this stack's partition, region and account.
func (s *stack) arn(service, resource string) string { return s.scope.ARN(service, resource) }

// keyArn is the ARN of one of the stack's KMS keys (security.Purposes), as
// the provider reports it.
func (s *stack) keyArn(t *testing.T, purpose string) string {
	t.Helper()
	arn, ok := find(t, s.Result, tKey, "keys-"+purpose).Computed["arn"].(string)
	require.True(t, ok, "the %s key has an ARN", purpose)
	return arn
}

// urn is the URN of a resource of this stack, from its type path.
func (s *stack) urn(typePath, name string) string {
	return "urn:pulumi:" + s.Config.Stack + "::" + s.Config.Project + "::" + typePath + "::" + name
}

// rules are every rule, by area. Each is defined beside the tests of its
// area; a new rule is added here.
var rules = []rule{
	// network
	{"the VPC is the configured one", ruleVpc},
	{"subnets route as their tier says", ruleSubnetRoutes},
	{"NAT gateways follow natGateways", ruleNatGateways},
	{"route tables", ruleRouteTables},
	{"every subnet is associated once", ruleSubnetAssociations},
	{"the default security group is closed", ruleDefaultSecurityGroupClosed},
	{"flow logs record all traffic through a least-privilege role", ruleFlowLogs},
	{"the network component owns its resources, named by tier and AZ", ruleNetworkNames},
	{"network outputs", ruleNetworkOutputs},
	// security
	{"one KMS key per purpose, rotating and protected", ruleKmsKeys},
	{"no key policy has an unconditioned wildcard principal", ruleNoUnconditionedWildcardPrincipal},
	{"key policies carry the conditions AWS documents", ruleKeyPolicyConditions},
	{"each service asking for API keys has its own secret, encrypted and never written", ruleApiKeysSecrets},
	{"security groups have exactly the specification's matrix", ruleSecurityGroupMatrix},
	{"only the ALB accepts the internet, only on web ports", ruleOnlyAlbFacesInternet},
	{"every log group is encrypted and retained", ruleLogGroupsEncrypted},
	{"stateful resources are protected and keep their names", ruleProtectedResources},
	// data
	{"the Aurora cluster is the configured one", ruleAuroraCluster},
	{"the Aurora parameter group", ruleAuroraParameterGroup},
	{"a writer and one reader per configured AZ", ruleAuroraInstances},
	{"the SSM-only bastion", ruleBastion},
	{"every Session Manager session is logged, encrypted", ruleSessionLogging},
	{"data outputs", ruleDataOutputs},
	// compute
	{"ECR repositories", ruleEcrRepositories},
	{"the ECS cluster", ruleEcsCluster},
	{"every declared service has its log group and roles", ruleServiceLogGroupsAndRoles},
	{"exactly the enabled services run", ruleEnabledServicesRun},
	{"task definitions are what the config asks for", ruleTaskDefinitions},
	{"services deploy safely and scale as configured", ruleServices},
	{"the execution role is least privilege", ruleExecutionRole},
	{"no policy allows KMS decryption on everything", ruleNoKmsOnEverything},
	{"no task holds the master secret; database users are the service's own", ruleNoMasterSecret},
	{"read-only root with a writable tmpfs /tmp", ruleTmpfs},
	{"dependents wait for the listeners", ruleDependentsWaitForListeners},
	// edge
	{"the load balancer", ruleLoadBalancer},
	{"the ALB access-log bucket", ruleAlbAccessLogBucket},
	{"target groups", ruleTargetGroups},
	{"routing follows edge", ruleRouting},
	{"the WAF", ruleWebAcl},
	// observability
	{"every alarm reaches the topic on every state change", ruleAlarmsReachTheTopic},
	{"alarms watch real resources at the configured thresholds", ruleAlarmTargets},
	{"CIS and flow-log metric filters", ruleMetricFilters},
	{"the alarm topic and who it reaches", ruleAlarmTopic},
	{"log retention comes from config", ruleLogRetention},
	{"ECS utilization uses Container Insights", ruleEcsContainerInsights},
	// compliance and evidence
	{"CloudTrail", ruleCloudTrail},
	{"AWS Config and the HIPAA pack, in the owning stack", ruleConfigRecorder},
	{"GuardDuty, in the owning stack", ruleGuardDuty},
	{"AWS Backup protects Aurora", ruleBackup},
	{"every bucket logs to the access-log bucket", ruleBucketAccessLogging},
	{"audit buckets have Object Lock", ruleObjectLock},
	{"the trail records S3 data events", ruleTrailDataEvents},
	{"Security Hub and the account baseline, in the owning stack", ruleSecurityHubAndBaseline},
	{"account singletons only in the owning stack", ruleAccountSingletons},
	{"audit logs survive anything", ruleAuditLogsSurvive},
	{"every explicit name has a replacement decision", ruleReplacementDecisions},
	// disaster recovery
	{"the recovery region is config, its resources the stack's", ruleRecoveryRegion},
	{"backups are copied to the recovery region's locked vault", ruleRecoveryVault},
	{"audit buckets replicate to locked replicas in the recovery region", ruleAuditReplication},
	{"restores are tested weekly, failures reach the topic", ruleRestoreTesting},
	{"Backup Audit Manager reports on the backups, in the owning stack", ruleBackupAudit},
	// what users and auditors read
	{"the HIPAA prediction has no unexcepted failure", ruleHipaaNoUnexceptedFailure},
	{"the policy pack reports no mandatory violation", rulePolicyPackPasses},
	{"the cost model prices what is registered", ruleCostFollowsTheSynthesis},
	{"the report renders, its cost line is the estimate's", ruleReportRenders},
	{"the report leads with what a person decides on, no line too wide", ruleReportLeadsWithDecisions},
	{"the diagram comes from the resources", ruleDiagram},
	{"the mock answers every ARN in AWS's form", ruleMockARNForms},
	{"nothing names another stack or region", ruleOnlyItsOwnNames},
}

// TestRules runs every rule over each committed stack file's synthesis.
func TestRules(t *testing.T) {
	for _, r := range committedStacks(t) {
		s := stackOf(t, r)
		for _, rl := range rules {
			t.Run(r.Config.Stack+"/"+rl.name, func(t *testing.T) { rl.check(t, s) })
		}
	}
}
