package conformance

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func failing(evals []Evaluation) []string {
	var out []string
	for _, e := range evals {
		if !e.Compliant {
			out = append(out, e.Resource)
		}
	}
	return out
}

// TestInternetGatewayRuleReadsTheListAsAWSDoes: without AuthorizedVpcIds
// every attached gateway fails (the rule's page); the parameter is a
// comma-separated list; OwnVpcs authorizes the judged stack's VPCs.
func TestInternetGatewayRuleReadsTheListAsAWSDoes(t *testing.T) {
	check := Checks["INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY"].Evaluate
	for list, ok := range map[string]bool{"": false, "vpc-other": false, "vpc-other,vpc-id": true, " vpc-id ": true, OwnVpcs: true} {
		got := check(CompliantWorld(), Params{"AuthorizedVpcIds": list})
		require.Len(t, got, 1)
		assert.Equal(t, ok, got[0].Compliant, "AuthorizedVpcIds %q", list)
	}
	world := CompliantWorld()
	set("vpcId", "vpc-elsewhere")(world.named("igw"))
	assert.False(t, check(world, Params{"AuthorizedVpcIds": OwnVpcs})[0].Compliant, "OwnVpcs authorizes only VPCs the stack declares")
}

// TestDefaultVpcFailsTheFiveRulesThatJudgeIt: a region's default VPC as AWS
// creates it is NON_COMPLIANT under exactly the five network rules.
func TestDefaultVpcFailsTheFiveRulesThatJudgeIt(t *testing.T) {
	var failed []string
	for id, c := range Checks {
		if c.Evaluate == nil {
			continue
		}
		if len(failing(c.Evaluate(DefaultVpc(), Params{"AuthorizedVpcIds": "vpc-project", "authorizedTcpPorts": "80,443"}))) > 0 {
			failed = append(failed, id)
		}
	}
	assert.ElementsMatch(t, []string{"VPC_FLOW_LOGS_ENABLED", "VPC_DEFAULT_SECURITY_GROUP_CLOSED", "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
		"INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY", "NO_UNRESTRICTED_ROUTE_TO_IGW"}, failed)
}

// TestAWSCreatedResources: what AWS makes for a stack is judged like the
// stack's own: target-tracking alarms lack the insufficient-data action,
// snapshots and recovery points follow their source's encryption, and
// GuardDuty's security group opens nothing to the world.
func TestAWSCreatedResources(t *testing.T) {
	world := CompliantWorld()
	world.Resources = append(world.Resources,
		res(typeScaling, "svc-cpu-scaling", map[string]any{"policyType": "TargetTrackingScaling"}),
		res(typeScaling, "svc-step", map[string]any{"policyType": "StepScaling"}),
		res(typeEcsService, "svc", map[string]any{}),
		res(typeVault, "vault-b", map[string]any{"name": "vb"}),
	)
	world.named("vpc").Inputs["cidrBlock"] = "10.0.0.0/16"
	world.named("plan").Inputs["rules"].([]any)[0].(map[string]any)["targetVaultName"] = "v"
	world.named("selection").Inputs["planId"] = "plan-id"

	made := AWSCreated(world, AccountFacts{GuardDutyFargateAgent: true})
	var names []string
	for _, r := range made {
		names = append(names, r.Name)
	}
	assert.ElementsMatch(t, []string{
		"aws-target-tracking-svc-cpu-scaling-alarm-high", "aws-target-tracking-svc-cpu-scaling-alarm-low",
		"aws-automated-snapshots-db", "aws-recovery-points-selection",
		"aws-guardduty-sg-vpc", "aws-guardduty-sg-vpc-https", "aws-guardduty-endpoint-vpc",
	}, names, "two alarms per target-tracking policy only; one endpoint and group per VPC")

	s := &Stack{Resources: made}
	assert.ElementsMatch(t, []string{"aws-target-tracking-svc-cpu-scaling-alarm-high", "aws-target-tracking-svc-cpu-scaling-alarm-low"},
		failing(Checks["CLOUDWATCH_ALARM_ACTION_CHECK"].Evaluate(s, params["CLOUDWATCH_ALARM_ACTION_CHECK"])))
	for _, id := range []string{"RDS_SNAPSHOT_ENCRYPTED", "RDS_SNAPSHOTS_PUBLIC_PROHIBITED", "BACKUP_RECOVERY_POINT_ENCRYPTED",
		"VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", "INCOMING_SSH_DISABLED", "RESTRICTED_INCOMING_TRAFFIC"} {
		evals := Checks[id].Evaluate(s, params[id])
		assert.NotEmpty(t, evals, id)
		assert.Empty(t, failing(evals), id)
	}
	assert.Empty(t, AWSCreated(world, AccountFacts{})[4:], "no GuardDuty endpoint without the managed Fargate agent")

	world.named("db").Inputs["storageEncrypted"] = false
	delete(world.named("vault").Inputs, "kmsKeyArn")
	s = &Stack{Resources: AWSCreated(world, AccountFacts{})}
	assert.Equal(t, []string{"aws-automated-snapshots-db"}, failing(Checks["RDS_SNAPSHOT_ENCRYPTED"].Evaluate(s, nil)))
	assert.Equal(t, []string{"aws-recovery-points-selection"}, failing(Checks["BACKUP_RECOVERY_POINT_ENCRYPTED"].Evaluate(s, nil)))
}

// TestEvaluateAccount: a failure shows NON_COMPLIANT in AWS Config whether
// or not an exception accepts it; an exception applies only to its sources
// and by name or pattern; one with a While condition is never stale.
func TestEvaluateAccount(t *testing.T) {
	rules := []Rule{
		{Name: "vpc-flow-logs-enabled", Identifier: "VPC_FLOW_LOGS_ENABLED"},
		{Name: "subnet-auto-assign-public-ip-disabled", Identifier: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED"},
		{Name: "annual-risk-assessment-performed", Identifier: ProcessCheck},
		{Name: "dynamodb-pitr-enabled", Identifier: "DYNAMODB_PITR_ENABLED"},
	}
	sources := []Source{{Name: "production", Stack: CompliantWorld(), Rules: rules}, {Name: DefaultVpcSource, Stack: DefaultVpc(), Rules: rules}}
	exceptions := []Exception{
		{Rule: "VPC_FLOW_LOGS_ENABLED", Resource: "default-*", Stacks: []string{DefaultVpcSource}, Reason: "r", EndsWhen: "e"},
		{Rule: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", Resource: "default-vpc-subnets", Stacks: []string{"staging"}, Reason: "r", EndsWhen: "e"},
		{Rule: "VPC_FLOW_LOGS_ENABLED", Resource: "gone", Reason: "r", EndsWhen: "e"},
		{Rule: "VPC_FLOW_LOGS_ENABLED", Resource: "aws-*", While: "autoscaling", Reason: "r", EndsWhen: "e"},
	}
	rep, err := EvaluateAccount(sources, Checks, exceptions)
	require.NoError(t, err)
	got := map[string][2]Status{}
	for _, v := range rep.Verdicts {
		got[v.Identifier] = [2]Status{v.Shown, v.Status}
	}
	assert.Equal(t, map[string][2]Status{
		"VPC_FLOW_LOGS_ENABLED":                 {NonCompliant, Excepted},
		"SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED": {NonCompliant, NonCompliant},
		ProcessCheck:                            {Process, Process},
		"DYNAMODB_PITR_ENABLED":                 {NotApplicable, NotApplicable},
	}, got)
	assert.Equal(t, []Exception{exceptions[1], exceptions[2]}, rep.UnusedExceptions)
	failingRows, unexcepted := rep.Failing()
	assert.Equal(t, [2]int{2, 1}, [2]int{failingRows, unexcepted})
	assert.True(t, slices.ContainsFunc(rep.Verdicts[0].Rows, func(r AccountRow) bool {
		return r.Source == "production" && r.Resource == "vpc" && r.Status == Compliant
	}), "compliant resources are listed too")
	assert.Equal(t, map[Status]int{Compliant: 0, NonCompliant: 2, NotApplicable: 1, Process: 1}, rep.Shown())

	_, err = EvaluateAccount([]Source{sources[0], {Name: "x", Stack: &Stack{}, Rules: rules[:1]}}, Checks, nil)
	assert.ErrorContains(t, err, "source x has 1 rules")
}
