package tests

import (
	"fmt"
	"os"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/network"
)

var (
	bootstrapAccountOnce sync.Once
	bootstrapAccount     *synth.Result
	bootstrapAccountErr  error
)

// bootstrapStack is the bootstrap stack as the account prediction runs it.
func bootstrapStack(t *testing.T) *synth.Result {
	t.Helper()
	bootstrapAccountOnce.Do(func() { bootstrapAccount, bootstrapAccountErr = synth.RunBootstrap("..") })
	require.NoError(t, bootstrapAccountErr)
	return bootstrapAccount
}

// predictAccount predicts the pack over production (as given), the committed
// staging stack and the bootstrap stack: the account as it will be.
func predictAccount(t *testing.T, prod *synth.Result) *conformance.AccountReport {
	t.Helper()
	rep, err := synth.PredictAccount([]*synth.Result{prod, synthesize(t, "staging")}, bootstrapStack(t))
	require.NoError(t, err)
	return rep
}

// predictRegions predicts the pack in every region the committed stacks
// create something in, production as given: AWS Config is regional, so
// production's recovery-region resources are judged by the pack the stack
// owning that region deploys (the recovery stack's).
func predictRegions(t *testing.T, prod *synth.Result) []synth.RegionReport {
	t.Helper()
	stacks := []*synth.Result{prod}
	for name := range synthesized {
		if name != "production" {
			stacks = append(stacks, synthesize(t, name))
		}
	}
	reps, err := synth.PredictRegions(stacks, bootstrapStack(t))
	require.NoError(t, err)
	return reps
}

// unusedEverywhere are the exceptions no region's prediction uses.
func unusedEverywhere(reps []synth.RegionReport) []conformance.Exception {
	count := map[string]int{}
	var first []conformance.Exception
	judged := 0
	for _, r := range reps {
		if r.Report == nil {
			continue
		}
		judged++
		for _, x := range r.Report.UnusedExceptions {
			k := x.Rule + " " + x.Resource
			if count[k] == 0 && judged == 1 {
				first = append(first, x)
			}
			count[k]++
		}
	}
	var out []conformance.Exception
	for _, x := range first {
		if count[x.Rule+" "+x.Resource] == judged {
			out = append(out, x)
		}
	}
	return out
}

// unexcepted lists the account's NON_COMPLIANT resource verdicts no
// exception accepts, as "rule source/resource: reason".
func unexcepted(rep *conformance.AccountReport) []string {
	var out []string
	for _, v := range rep.Verdicts {
		for _, r := range v.Rows {
			if r.Status == conformance.NonCompliant {
				out = append(out, fmt.Sprintf("%s %s/%s: %s", v.Identifier, r.Source, r.Resource, r.Reason))
			}
		}
	}
	return out
}

// TestNoUnexceptedFailureAnywhereInTheAccount: AWS Config judges every
// resource it records in the account and region, so no source (either
// stack, what AWS creates for it, the bootstrap stack, the default VPC)
// may hold a NON_COMPLIANT verdict without an exception, in the committed
// configuration and with every service on (autoscaling's alarms, a
// certificate); and every exception is still needed by the account.
//
// Every region a committed stack creates something in is judged by the
// pack of the stack that owns it there: production's recovery region by the
// recovery stack's.
func TestNoUnexceptedFailureAnywhereInTheAccount(t *testing.T) {
	rep := predictAccount(t, production(t))
	assert.Empty(t, unexcepted(rep), "fix each, or accept it in conformance.HIPAAExceptions (scoped to its source) with what ends it")
	assert.Len(t, rep.Verdicts, len(conformance.HIPAARules))
	assert.Contains(t, rep.Sources, synth.BootstrapSource, "the bootstrap stack shares the account")

	reps := predictRegions(t, production(t))
	require.Greater(t, len(reps), 1, "production's recovery region is another region")
	for _, r := range reps {
		require.NotNilf(t, r.Report, "no committed stack owns the account singletons in %s, where %v create resources: nothing judges them. "+
			"A stack's recovery.region is where its recovery stack runs: move Pulumi.recovery.yaml there too (aws:region, availabilityZones, "+
			"subnetCidrs, and the Aurora and bastion AZs; docs/runbooks.md, \"Lose the region\")", r.Region, r.Sources)
		assert.Emptyf(t, unexcepted(r.Report), "in %s", r.Region)
	}
	assert.Subset(t, reps[1].Sources, []string{"production", "recovery"}, "the recovery region holds production's copies and replicas, and the recovery stack")
	assert.Empty(t, unusedEverywhere(reps), "exceptions nothing in the account needs: remove them")

	assert.Empty(t, unexcepted(predictAccount(t, allServicesOn(t))))
	for _, r := range predictRegions(t, allServicesOn(t)) {
		assert.Emptyf(t, unexcepted(r.Report), "in %s", r.Region)
	}
}

// TestAWSCreatedAlarmsAreJudged: each target-tracking policy brings two
// alarms AWS makes, which the pack judges and the exceptions must accept.
func TestAWSCreatedAlarmsAreJudged(t *testing.T) {
	on := allServicesOn(t)
	policies := 0
	for _, p := range on.OfType("aws:appautoscaling/policy:Policy") {
		if p.Str("policyType") == "TargetTrackingScaling" {
			policies++
		}
	}
	require.Positive(t, policies, "the configuration turns autoscaling on")
	var alarms []string
	for _, v := range predictAccount(t, on).Verdicts {
		for _, r := range v.Rows {
			if v.Identifier == "CLOUDWATCH_ALARM_ACTION_CHECK" && r.Source == "production" && strings.HasPrefix(r.Resource, conformance.AWSCreatedPrefix) {
				alarms = append(alarms, r.Resource)
				assert.Equal(t, conformance.Excepted, r.Status, r.Resource)
			}
		}
	}
	assert.Len(t, alarms, 2*policies, "two alarms per target-tracking policy")
}

// TestDefaultVpcFollowsTheBaseline: kept (deleteDefaultVpc false), the
// region's default VPC fails the five network rules that judge it and
// nothing accepts that; deleted, the pack has no default VPC to judge.
func TestDefaultVpcFollowsTheBaseline(t *testing.T) {
	assert.NotContains(t, predictAccount(t, production(t)).Sources, conformance.DefaultVpcSource)

	kept, err := runWith(t, map[string]string{
		"omnirapeutic:accountBaseline": `{"ebsEncryptionByDefault":true,"s3PublicAccessBlock":true,"passwordPolicy":true,"deleteDefaultVpc":false}`,
	})
	require.NoError(t, err)
	rep := predictAccount(t, kept)
	var rules []string
	for _, f := range unexcepted(rep) {
		assert.Contains(t, f, " "+conformance.DefaultVpcSource+"/", "only the default VPC fails")
		rules = append(rules, strings.Fields(f)[0])
	}
	assert.ElementsMatch(t, []string{"VPC_FLOW_LOGS_ENABLED", "VPC_DEFAULT_SECURITY_GROUP_CLOSED", "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
		"INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY", "NO_UNRESTRICTED_ROUTE_TO_IGW"}, rules)
}

// TestEveryStacksInternetGatewayIsAuthorized: the owning stack authorizes
// the project's VPCs by their Name tag, so every committed stack's VPC
// carries a tag the lookup matches, and every stack's internet gateway is
// COMPLIANT in the account; the pack's AuthorizedVpcIds is that lookup
// joined with the owner's own VPC.
func TestEveryStacksInternetGatewayIsAuthorized(t *testing.T) {
	for stack := range synthesized {
		r := synthesize(t, stack)
		vpcs := r.OfType("aws:ec2/vpc:Vpc")
		require.NotEmpty(t, vpcs, stack)
		for _, v := range vpcs {
			ok, err := path.Match(network.ProjectVpcNamePattern(r.Config.Project), v.Tag("Name"))
			require.NoError(t, err)
			assert.Truef(t, ok, "%s's VPC is tagged %q, which the owner's lookup (%s) does not find", stack, v.Tag("Name"), network.ProjectVpcNamePattern(r.Config.Project))
		}
	}
	gateways := 0
	for _, rep := range predictRegions(t, production(t)) {
		if !assert.NotNilf(t, rep.Report, "no committed stack owns the account singletons in %s (TestNoUnexceptedFailureAnywhereInTheAccount)", rep.Region) {
			continue
		}
		for _, v := range rep.Report.Verdicts {
			if v.Identifier != "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY" {
				continue
			}
			gateways += len(v.Rows)
			for _, r := range v.Rows {
				assert.Equal(t, conformance.Compliant, r.Status, "%s %s/%s: %s", rep.Region, r.Source, r.Resource, r.Reason)
			}
		}
	}
	assert.Equal(t, len(synthesized), gateways, "one gateway per stack, each judged in its region")
	pack := find(t, production(t), "aws:cfg/conformancePack:ConformancePack", "config-hipaa")
	assert.Contains(t, pack.Inputs["inputParameters"], map[string]any{"parameterName": "AuthorizedVpcIds", "parameterValue": find(t, production(t), "aws:ec2/vpc:Vpc", "network-vpc").ID})
}

// TestTheProcessCheckIsDeployed: the pack carries AWS's process check as
// AWS's template has it.
func TestTheProcessCheckIsDeployed(t *testing.T) {
	rules, err := report.PackRules(find(t, production(t), "aws:cfg/conformancePack:ConformancePack", "config-hipaa"))
	require.NoError(t, err)
	var process []string
	for _, props := range rules {
		if props["Source"].(map[string]any)["SourceIdentifier"] == conformance.ProcessCheck {
			process = append(process, props["ConfigRuleName"].(string))
			assert.NotEmpty(t, props["Description"], "the console shows the process check's description")
		}
	}
	assert.Equal(t, []string{"annual-risk-assessment-performed"}, process)
}

// TestConformancePageSaysWhatAWSConfigWillShow: the auditor's first page
// states the count of rules AWS Config will show NON_COMPLIANT, exceptions
// included, never a bare "0 NON_COMPLIANT" while any is.
func TestConformancePageSaysWhatAWSConfigWillShow(t *testing.T) {
	rep := predictAccount(t, production(t))
	page, err := os.ReadFile("../docs/generated/conformance.md")
	require.NoError(t, err)
	assert.Contains(t, string(page), fmt.Sprintf("**AWS Config will show %d of %d rules NON_COMPLIANT**", rep.Shown()[conformance.NonCompliant], len(rep.Verdicts)))
}
