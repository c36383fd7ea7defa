package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// committed is a committed stack's configuration, read as preflight reads it.
func committed(t *testing.T, stack string) *stackconfig.Config {
	t.Helper()
	cfg, err := load("..", stack)
	require.NoError(t, err)
	return cfg
}

// check runs preflight against recorded replies and returns the finding
// of the named check.
func check(t *testing.T, replies map[string]reply, target Target, name string) Finding {
	t.Helper()
	s := newServer(t, replies)
	findings := Run(context.Background(), s.clients(), target)
	for _, f := range findings {
		if f.Check == name {
			return f
		}
	}
	t.Fatalf("no check %q", name)
	return Finding{}
}

func with(base map[string]reply, op string, r reply) map[string]reply {
	base[op] = r
	return base
}

// TestEveryCheckPassesAndFails: each check passes on a ready account and
// fails, with a fix, on the recorded response that breaks it.
func TestEveryCheckPassesAndFails(t *testing.T) {
	prod := committed(t, "production")
	withCert := *prod
	withCert.Edge.CertificateArn = "arn:aws:acm:us-east-1:" + acct + ":certificate/abc"
	otherRegion := withCert
	otherRegion.Edge.CertificateArn = "arn:aws:acm:eu-west-1:" + acct + ":certificate/abc"
	target := Target{Config: prod, Account: acct}

	cases := []struct {
		check      string
		pass, fail map[string]reply
		target     *Target
		failTarget *Target
		fixHas     string
	}{
		{check: "caller identity", pass: beforeFirstUp(), fail: beforeFirstUp(), failTarget: &Target{Config: prod, Account: "999988887777"}, fixHas: "999988887777"},
		{check: "availability zones", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "DescribeAvailabilityZones", ec2OK("DescribeAvailabilityZones",
			`<availabilityZoneInfo><item><zoneName>us-east-1a</zoneName><zoneState>available</zoneState></item><item><zoneName>us-east-1b</zoneName><zoneState>impaired</zoneState></item></availabilityZoneInfo>`)), fixHas: "describe-availability-zones"},
		{check: "GuardDuty detector", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "ListDetectors", ok(`{"detectorIds":["12abc34def567890"]}`)),
			fixHas: "go run ./cmd/synth imports --stack production aws:guardduty/detector:Detector guardduty 12abc34def567890 >singletons.json\n  pulumi import --stack production --file singletons.json"},
		{check: "AWS Config recorder and delivery channel", pass: beforeFirstUp(), fail: with(with(beforeFirstUp(),
			"DescribeConfigurationRecorders", ok(`{"ConfigurationRecorders":[{"name":"default"}]}`)),
			"DescribeDeliveryChannels", ok(`{"DeliveryChannels":[{"name":"default"}]}`)), fixHas: "delete-configuration-recorder --configuration-recorder-name default"},
		{check: "Security Hub", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "DescribeHub", ok(`{"HubArn":"arn:aws:securityhub:us-east-1:`+acct+`:hub/default"}`)), fixHas: "imports --stack production aws:securityhub/account:Account securityhub " + acct},
		{check: "Session Manager preferences", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "DescribeDocument", ok(`{"Document":{"Name":"SSM-SessionManagerRunShell"}}`)), fixHas: "aws ssm delete-document"},
		{check: "GitHub OIDC provider", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "GetRole", awsError(404, "NoSuchEntity")), fixHas: "pulumi -C bootstrap config set existingOidcProvider true"},
		{check: "default VPC", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "DescribeVpcs", ec2OK("DescribeVpcs", `<vpcSet><item><vpcId>vpc-0def</vpcId><isDefault>true</isDefault></item></vpcSet>`)), fixHas: "aws ec2 delete-vpc --region us-east-1 --vpc-id $VPC"},
		{check: "Aurora Serverless v2 engine version", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "DescribeOrderableDBInstanceOptions", queryOK("DescribeOrderableDBInstanceOptions", `<OrderableDBInstanceOptions/>`)), fixHas: "--db-instance-class db.serverless"},
		{check: "ALB certificate", pass: with(beforeFirstUp(), "DescribeCertificate", ok(`{"Certificate":{"CertificateArn":"x","Status":"ISSUED"}}`)),
			fail:   with(beforeFirstUp(), "DescribeCertificate", ok(`{"Certificate":{"CertificateArn":"x","Status":"PENDING_VALIDATION"}}`)),
			target: &Target{Config: &withCert, Account: acct}, failTarget: &Target{Config: &withCert, Account: acct}, fixHas: "DNS validation"},
		{check: "ALB certificate", pass: with(beforeFirstUp(), "DescribeCertificate", ok(`{"Certificate":{"CertificateArn":"x","Status":"ISSUED"}}`)), fail: beforeFirstUp(),
			target: &Target{Config: &withCert, Account: acct}, failTarget: &Target{Config: &otherRegion, Account: acct}, fixHas: "in us-east-1"},
		{check: "Elastic IPs", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "DescribeAddresses", ec2OK("DescribeAddresses",
			`<addressesSet><item><allocationId>a</allocationId></item><item><allocationId>b</allocationId></item><item><allocationId>c</allocationId></item></addressesSet>`)), fixHas: "--quota-code L-0263D0A3"},
		{check: "VPCs", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "DescribeVpcs", ec2OK("DescribeVpcs",
			`<vpcSet><item><vpcId>vpc-1</vpcId></item><item><vpcId>vpc-2</vpcId></item><item><vpcId>vpc-3</vpcId></item><item><vpcId>vpc-4</vpcId></item><item><vpcId>vpc-5</vpcId></item></vpcSet>`)), fixHas: "--quota-code L-F678F1CE"},
		{check: "Fargate vCPUs", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "GetServiceQuota", ok(`{"Quota":{"Value":0.5}}`)), fixHas: "--service-code fargate"},
		{check: "billing alerts", pass: beforeFirstUp(), fail: with(beforeFirstUp(), "ListMetrics", ok(`{"Metrics":[]}`)), fixHas: "Receive CloudWatch billing alerts"},
		{check: "alarm topic subscriptions", pass: afterUp(), fail: with(afterUp(), "ListSubscriptionsByTopic", queryOK("ListSubscriptionsByTopic",
			`<Subscriptions><member><SubscriptionArn>PendingConfirmation</SubscriptionArn><Protocol>email</Protocol><Endpoint>oncall@example.com</Endpoint></member></Subscriptions>`)), fixHas: "list-subscriptions-by-topic --topic-arn arn:aws:sns:us-east-1:" + acct + ":omnirapeutic-production-alarms"},
		{check: "alarm topic subscriptions", pass: afterUp(), fail: with(afterUp(), "ListSubscriptionsByTopic", queryOK("ListSubscriptionsByTopic", `<Subscriptions/>`)), fixHas: "alarmEmails"},
		{check: "AWS Config recording and delivery", pass: afterUp(), fail: with(afterUp(), "DescribeDeliveryChannelStatus", ok(
			`{"DeliveryChannelsStatus":[{"name":"omnirapeutic-production","configHistoryDeliveryInfo":{"lastStatus":"Failure","lastErrorCode":"AccessDenied","lastErrorMessage":"Access Denied"}}]}`)), fixHas: "Object Lock"},
		{check: "CloudTrail delivery", pass: afterUp(), fail: with(afterUp(), "GetTrailStatus", ok(`{"IsLogging":true,"LatestDeliveryError":"AccessDenied"}`)), fixHas: "bucket or key policy"},
		{check: "GuardDuty runtime agent", pass: afterUp(), fail: with(afterUp(), "ListCoverage", ok(
			`{"resources":[{"resourceId":"ecs-cluster/omnirapeutic-production","coverageStatus":"UNHEALTHY","issue":"VPC endpoint creation failed"}]}`)), fixHas: "guardduty-data"},
	}
	for _, c := range cases {
		t.Run(c.check+"/"+c.fixHas, func(t *testing.T) {
			pt, ft := target, target
			if c.target != nil {
				pt = *c.target
			}
			if c.failTarget != nil {
				ft = *c.failTarget
			}
			pass := check(t, c.pass, pt, c.check)
			assert.Equal(t, Pass, pass.Status, pass.Detail)
			fail := check(t, c.fail, ft, c.check)
			assert.Equal(t, Fail, fail.Status, fail.Detail)
			require.NotNil(t, fail.Fix, "a failure says how to fix it")
			assert.Contains(t, fail.Fix.Text(""), c.fixHas)
		})
	}
}

// TestReadyAccountPasses: an account ready for the first up, and the same
// account once the stack is up, pass every check; before the first up the
// after-up checks are skipped, and a stack that does not own the
// singletons skips theirs.
func TestReadyAccountPasses(t *testing.T) {
	for name, replies := range map[string]map[string]reply{"before the first up": beforeFirstUp(), "after it": afterUp()} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, replies)
			var out bytes.Buffer
			code := report(&out, committed(t, "production"), Run(context.Background(), s.clients(), Target{Config: committed(t, "production"), Account: acct}))
			assert.Equal(t, 0, code, out.String())
			assert.Contains(t, out.String(), "every check passed")
		})
	}
	s := newServer(t, beforeFirstUp())
	for _, f := range Run(context.Background(), s.clients(), Target{Config: committed(t, "production"), Account: acct}) {
		if strings.HasPrefix(f.Detail, "after the first up") {
			assert.Equal(t, Skip, f.Status, f.Check)
		}
	}
	staging := committed(t, "staging")
	s = newServer(t, beforeFirstUp())
	findings := Run(context.Background(), s.clients(), Target{Config: staging, Account: acct})
	for _, f := range findings {
		if f.Check == "GuardDuty detector" || f.Check == "Security Hub" {
			assert.Equal(t, Skip, f.Status, f.Check)
		}
	}
	assert.Zero(t, s.called["ListDetectors"]+s.called["DescribeHub"], "a stack that does not own the singletons does not read them")
}

// TestExitCodeSaysWhetherTheUpCanRun: a failed check that makes `pulumi
// up` fail exits 1, so a workflow stops before the up; one the up survives
// (billing alerts, the default VPC, delivery) exits 3, so a workflow
// reports it and deploys, since the deploy may be the fix. Either prints
// its fix under it.
func TestExitCodeSaysWhetherTheUpCanRun(t *testing.T) {
	prod := committed(t, "production")
	for _, c := range []struct {
		name    string
		replies map[string]reply
		code    int
		says    []string
	}{
		{"a blocker", with(beforeFirstUp(), "ListDetectors", ok(`{"detectorIds":["12abc34def567890"]}`)), ExitBlocked,
			[]string{"FAIL  GuardDuty detector", "fix: import 12abc34def567890", "1 checks failed that make `pulumi up` fail"}},
		{"a finding the up survives", with(beforeFirstUp(), "ListMetrics", ok(`{"Metrics":[]}`)), ExitFindings,
			[]string{"FAIL  billing alerts", "fix: turn on \"Receive CloudWatch billing alerts\"", "1 checks failed that `pulumi up` survives"}},
		{"both", with(with(beforeFirstUp(), "ListMetrics", ok(`{"Metrics":[]}`)), "ListDetectors", ok(`{"detectorIds":["12abc34def567890"]}`)), ExitBlocked,
			[]string{"1 checks failed that make `pulumi up` fail (and 1 others)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t, c.replies)
			var out bytes.Buffer
			code := report(&out, prod, Run(context.Background(), s.clients(), Target{Config: prod, Account: acct}))
			assert.Equal(t, c.code, code, out.String())
			for _, want := range c.says {
				assert.Contains(t, out.String(), want)
			}
		})
	}
}

// TestDefaultVpcInUseIsNotDeleted: a default VPC that holds network
// interfaces gets no deletion commands, only how to find what runs there.
func TestDefaultVpcInUseIsNotDeleted(t *testing.T) {
	f := check(t, with(with(beforeFirstUp(), "DescribeVpcs", ec2OK("DescribeVpcs", `<vpcSet><item><vpcId>vpc-0def</vpcId></item></vpcSet>`)),
		"DescribeNetworkInterfaces", ec2OK("DescribeNetworkInterfaces", `<networkInterfaceSet><item><networkInterfaceId>eni-1</networkInterfaceId></item></networkInterfaceSet>`)),
		Target{Config: committed(t, "production"), Account: acct}, "default VPC")
	assert.Equal(t, Fail, f.Status)
	assert.NotContains(t, f.Fix.Text(""), "delete-vpc")
	assert.Contains(t, f.Detail, "1 network interfaces")
}

// TestProceduresPrintAsMarkdown: --procedures prints every fix for the
// guide, placeholders instead of values.
func TestProceduresPrintAsMarkdown(t *testing.T) {
	var out, errs bytes.Buffer
	require.Equal(t, 0, command([]string{"--procedures"}, &out, &errs), errs.String())
	for _, p := range procedures() {
		assert.Contains(t, out.String(), "### "+p.Title)
	}
	assert.Contains(t, out.String(), "```sh\naws configservice stop-configuration-recorder --configuration-recorder-name <recorder name>")
	assert.Equal(t, 2, command([]string{"--stack", "nosuchstack", "--dir", ".."}, &out, &errs))
	assert.Contains(t, errs.String(), `stack "nosuchstack"`)
}

// TestImportsAreTheGuides: the import a finding prints is the procedure
// the platform engineer's guide gives, which the end-to-end test runs
// against the real engine (e2e/guide_test.go): the same `synth imports`
// command with the same program names, the same `pulumi import --file`.
func TestImportsAreTheGuides(t *testing.T) {
	b, err := os.ReadFile("../docs/platform-engineer.md")
	require.NoError(t, err)
	guide := strings.ReplaceAll(string(b), "\\\n", " ")
	guide = regexp.MustCompile(`[ \t]+`).ReplaceAllString(guide, " ")
	for _, p := range []program{detectorResource, sessionResource} {
		cmds := importProcedure("production", p, "ID").Commands
		imports, _, _ := strings.Cut(cmds[0], " "+p.Type)
		assert.Contains(t, guide, imports, "the guide writes the import file with the same command")
		assert.Contains(t, guide, " "+p.Type+" "+p.Name+" ", "the guide imports %s as the program names it", p.Type)
		for _, c := range cmds[1:] {
			assert.Contains(t, guide, c)
		}
	}
}
