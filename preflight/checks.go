package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// Status is a check's outcome.
type Status string

// The outcomes: FAIL stops the first up or shows NON_COMPLIANT; WARN is
// worth reading; SKIP does not apply to this stack or this phase.
const (
	Pass Status = "PASS"
	Warn Status = "WARN"
	Fail Status = "FAIL"
	Skip Status = "SKIP"
)

// Finding is one check's result.
type Finding struct {
	// Check names what was checked.
	Check string
	// Status is the outcome.
	Status Status
	// Detail says what was found.
	Detail string
	// Fix is the exact fix, for a FAIL or WARN.
	Fix *Procedure
	// Blocks says a failure of this check fails `pulumi up` itself (a
	// collision with what the account holds, a quota, a version or a
	// certificate AWS refuses). The other checks find what the up would
	// leave wrong (AWS Config's verdicts, alarms that reach nobody,
	// delivery that fails): worth fixing, but never a reason to hold back
	// a deploy, which may be the fix.
	Blocks bool
}

// Target is what preflight checks the account against.
type Target struct {
	// Config is the stack's validated configuration.
	Config *stackconfig.Config
	// Account is the AWS account the stack belongs in; empty to accept the
	// caller's (then the state backend's account is used when known).
	Account string
}

// Names the program gives what preflight reads back, from the stack's
// name prefix (stackconfig.Config.NamePrefix): the trail, recorder and
// channel are named the prefix (compliance.NewTrail, NewRecorder), the
// topic <prefix>-alarms (observability.TopicName), the deploy role
// <project>-github-deploy (pipeline.NewGitHubAccess).
func trailName(c *stackconfig.Config) string    { return c.NamePrefix() }
func recorderName(c *stackconfig.Config) string { return c.NamePrefix() }
func deployRole(*stackconfig.Config) string     { return stackconfig.DeployRoleName }

// sessionDocument is Session Manager's preferences document, one per
// account and region.
const sessionDocument = "SSM-SessionManagerRunShell"

// githubIssuer is GitHub Actions' OIDC issuer (pipeline.GitHubIssuer).
const githubIssuer = "token.actions.githubusercontent.com"

// Service Quotas codes (Service Quotas console; Pulumi's servicequotas
// examples use the VPC one): EC2-VPC Elastic IPs, VPCs per Region, and
// Fargate On-Demand vCPU resource count.
var (
	quotaEIPs    = quota{"ec2", "L-0263D0A3", "EC2-VPC Elastic IPs"}
	quotaVPCs    = quota{"vpc", "L-F678F1CE", "VPCs per Region"}
	quotaFargate = quota{"fargate", "L-3032A538", "Fargate On-Demand vCPU resource count"}
)

type quota struct{ service, code, name string }

// apiCode is an AWS error's code ("InvalidAccessException"), or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// run is one preflight run: the clients, the target, and what it learned
// along the way (the caller's account, whether the stack is deployed).
type run struct {
	ctx      context.Context
	a        *Account
	t        Target
	account  string
	deployed bool
}

// owns: the stack owns the account singletons.
func (r *run) owns() bool { return r.t.Config.OwnsAccountSingletons }

// Run checks the account against the stack, read-only, and returns every
// finding in order: the ones that would fail the first up or show
// NON_COMPLIANT first, then, once the stack is deployed, the ones only a
// deployed stack can show.
func Run(ctx context.Context, a *Account, t Target) []Finding {
	r := &run{ctx: ctx, a: a, t: t}
	var out []Finding
	for _, c := range []struct {
		check  func() Finding
		blocks bool
	}{
		{r.identity, true}, {r.zones, true}, {r.deployment, true},
		{r.guardDuty, true}, {r.configRecorder, true}, {r.securityHub, true}, {r.sessionPreferences, true},
		// The stack's up does not need GitHub's provider; the workflows do.
		{r.githubProvider, false},
		{r.defaultVpc, false},
		{r.auroraVersion, true}, {r.certificate, true}, {r.elasticIPs, true}, {r.vpcs, true}, {r.fargate, true},
		{r.billing, false},
		{r.subscriptions, false}, {r.configDelivery, false}, {r.trailDelivery, false}, {r.guardDutyAgent, false},
	} {
		f := c.check()
		f.Blocks = c.blocks
		out = append(out, f)
	}
	return out
}

func failed(check string, err error) Finding {
	return Finding{Check: check, Status: Fail, Detail: fmt.Sprintf("could not read: %v", err)}
}

// identity: the caller is in the stack's account.
func (r *run) identity() Finding {
	const check = "caller identity"
	id, err := r.a.STS.GetCallerIdentity(r.ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return failed(check, err)
	}
	r.account = aws.ToString(id.Account)
	if r.t.Account != "" && r.t.Account != r.account {
		return Finding{Check: check, Status: Fail,
			Detail: fmt.Sprintf("%s is in account %s, but the stack belongs in %s", aws.ToString(id.Arn), r.account, r.t.Account),
			Fix:    &Procedure{Title: "use credentials for account " + r.t.Account + " (AWS_PROFILE, or the workflow's role for that account)"}}
	}
	return Finding{Check: check, Status: Pass, Detail: fmt.Sprintf("%s, account %s, region %s", aws.ToString(id.Arn), r.account, r.t.Config.Region)}
}

// zones: every AZ the stack names exists in its region and is available.
func (r *run) zones() Finding {
	const check = "availability zones"
	c := r.t.Config
	out, err := r.a.EC2.DescribeAvailabilityZones(r.ctx, &ec2.DescribeAvailabilityZonesInput{})
	if err != nil {
		return failed(check, err)
	}
	available := map[string]bool{}
	for _, z := range out.AvailabilityZones {
		available[aws.ToString(z.ZoneName)] = z.State == ec2types.AvailabilityZoneStateAvailable
	}
	var bad []string
	for _, az := range append(append(slices.Clone(c.Network.AvailabilityZones), c.Aurora.WriterAvailabilityZone, c.Bastion.AvailabilityZone), c.Aurora.ReaderAvailabilityZones...) {
		if !available[az] && !slices.Contains(bad, az) {
			bad = append(bad, az)
		}
	}
	if len(bad) > 0 {
		return Finding{Check: check, Status: Fail, Detail: fmt.Sprintf("%s not available in %s for this account", strings.Join(bad, ", "), c.Region),
			Fix: &Procedure{Title: "set omnirapeutic:availabilityZones (and aurora, bastion) to zones `aws ec2 describe-availability-zones --region " + c.Region + "` lists as available"}}
	}
	return Finding{Check: check, Status: Pass, Detail: fmt.Sprintf("%d zones available", len(c.Network.AvailabilityZones))}
}

// deployment: whether the stack is up already (its trail exists), which
// decides what existing singletons mean and which later checks run.
func (r *run) deployment() Finding {
	const check = "stack deployed"
	_, err := r.a.CloudTrail.GetTrailStatus(r.ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailName(r.t.Config))})
	switch {
	case err == nil:
		r.deployed = true
		return Finding{Check: check, Status: Pass, Detail: "trail " + trailName(r.t.Config) + " exists: the stack is up; the after-up checks run"}
	case apiCode(err) == "TrailNotFoundException":
		return Finding{Check: check, Status: Pass, Detail: "no trail " + trailName(r.t.Config) + ": the first up is ahead; the after-up checks are skipped"}
	}
	return failed(check, err)
}

// ownedElsewhere is the finding for a singleton this stack does not own.
func (r *run) ownedElsewhere(check string) Finding {
	return Finding{Check: check, Status: Skip, Detail: "owned by the account's other stack (ownsAccountSingletons false)"}
}

// guardDuty: no detector exists that the first up would collide with.
func (r *run) guardDuty() Finding {
	const check = "GuardDuty detector"
	if !r.owns() {
		return r.ownedElsewhere(check)
	}
	out, err := r.a.GuardDuty.ListDetectors(r.ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		return failed(check, err)
	}
	switch {
	case len(out.DetectorIds) == 0:
		return Finding{Check: check, Status: Pass, Detail: "none yet: the stack creates it"}
	case r.deployed:
		return Finding{Check: check, Status: Pass, Detail: "detector " + out.DetectorIds[0] + " (the stack's)"}
	}
	p := importProcedure(r.t.Config.Stack, detectorResource, out.DetectorIds[0])
	return Finding{Check: check, Status: Fail, Detail: "detector " + out.DetectorIds[0] + " exists; AWS allows one per region, so creating the stack's fails", Fix: &p}
}

// configRecorder: no recorder or channel exists under another name.
func (r *run) configRecorder() Finding {
	const check = "AWS Config recorder and delivery channel"
	if !r.owns() {
		return r.ownedElsewhere(check)
	}
	recs, err := r.a.Config.DescribeConfigurationRecorders(r.ctx, &configservice.DescribeConfigurationRecordersInput{})
	if err != nil {
		return failed(check, err)
	}
	chans, err := r.a.Config.DescribeDeliveryChannels(r.ctx, &configservice.DescribeDeliveryChannelsInput{})
	if err != nil {
		return failed(check, err)
	}
	want := recorderName(r.t.Config)
	var recorder, channel string
	for _, x := range recs.ConfigurationRecorders {
		if n := aws.ToString(x.Name); n != want {
			recorder = n
		}
	}
	for _, x := range chans.DeliveryChannels {
		if n := aws.ToString(x.Name); n != want {
			channel = n
		}
	}
	if recorder == "" && channel == "" {
		if len(recs.ConfigurationRecorders) > 0 && !r.deployed {
			return Finding{Check: check, Status: Warn, Detail: "a recorder named " + want + " exists before the first up: a failed earlier up left it",
				Fix: &Procedure{Title: "import it with the program's name as docs/platform-engineer.md says, or delete it", Commands: deleteRecorder(want, want).Commands}}
		}
		return Finding{Check: check, Status: Pass, Detail: "none under another name"}
	}
	p := deleteRecorder(recorder, channel)
	return Finding{Check: check, Status: Fail, Detail: fmt.Sprintf("recorder %q and channel %q exist; the program creates %q", recorder, channel, want), Fix: &p}
}

// securityHub: Security Hub is not on yet, or is the stack's.
func (r *run) securityHub() Finding {
	const check = "Security Hub"
	if !r.owns() {
		return r.ownedElsewhere(check)
	}
	hub, err := r.a.SecurityHub.DescribeHub(r.ctx, &securityhub.DescribeHubInput{})
	switch {
	case apiCode(err) == "InvalidAccessException":
		return Finding{Check: check, Status: Pass, Detail: "not enabled yet: the stack enables it"}
	case err != nil:
		return failed(check, err)
	case r.deployed:
		return Finding{Check: check, Status: Pass, Detail: aws.ToString(hub.HubArn) + " (the stack's)"}
	}
	p := importProcedure(r.t.Config.Stack, hubResource, r.account)
	return Finding{Check: check, Status: Fail, Detail: "already enabled (" + aws.ToString(hub.HubArn) + "): enabling it again fails", Fix: &p}
}

// sessionPreferences: Session Manager's preferences document does not
// exist yet (the console makes it on first use).
func (r *run) sessionPreferences() Finding {
	const check = "Session Manager preferences"
	if !r.owns() {
		return r.ownedElsewhere(check)
	}
	_, err := r.a.SSM.DescribeDocument(r.ctx, &ssm.DescribeDocumentInput{Name: aws.String(sessionDocument)})
	switch {
	case apiCode(err) == "InvalidDocument":
		return Finding{Check: check, Status: Pass, Detail: "no " + sessionDocument + " yet: the stack creates it"}
	case err != nil:
		return failed(check, err)
	case r.deployed:
		return Finding{Check: check, Status: Pass, Detail: sessionDocument + " (the stack's)"}
	}
	p := deleteSessionPreferences(r.t.Config.Region)
	imp := importProcedure(r.t.Config.Stack, sessionResource, sessionDocument)
	p.Why += " To keep the console's settings instead, import it (the first up then applies the stack's): " + strings.Join(imp.Commands, "; ")
	return Finding{Check: check, Status: Fail, Detail: sessionDocument + " exists: creating it fails with DocumentAlreadyExists", Fix: &p}
}

// githubProvider: GitHub's OIDC provider and the bootstrap stack agree: the
// provider exists only once the bootstrap stack made it (its deploy role
// exists), or is imported into it before its first up.
func (r *run) githubProvider() Finding {
	const check = "GitHub OIDC provider"
	out, err := r.a.IAM.ListOpenIDConnectProviders(r.ctx, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil {
		return failed(check, err)
	}
	provider := ""
	for _, p := range out.OpenIDConnectProviderList {
		if strings.HasSuffix(aws.ToString(p.Arn), "oidc-provider/"+githubIssuer) {
			provider = aws.ToString(p.Arn)
		}
	}
	_, roleErr := r.a.IAM.GetRole(r.ctx, &iam.GetRoleInput{RoleName: aws.String(deployRole(r.t.Config))})
	bootstrapped := roleErr == nil
	if roleErr != nil && apiCode(roleErr) != "NoSuchEntity" {
		return failed(check, roleErr)
	}
	switch {
	case provider != "" && bootstrapped:
		return Finding{Check: check, Status: Pass, Detail: provider + " (the bootstrap stack's)"}
	case provider == "" && bootstrapped:
		return Finding{Check: check, Status: Fail, Detail: "role " + deployRole(r.t.Config) + " exists but GitHub's provider does not: workflows cannot assume it",
			Fix: &Procedure{Title: "run the bootstrap stack's up again (cd bootstrap && pulumi up)"}}
	case provider == "":
		return Finding{Check: check, Status: Fail, Detail: "the bootstrap stack has not run: no deploy role, no provider",
			Fix: &Procedure{Title: "bootstrap the account first (docs/platform-engineer.md, Deploying for real, step 1)"}}
	}
	p := adoptOidcProvider(provider)
	return Finding{Check: check, Status: Fail, Detail: provider + " exists (one per account) and the bootstrap stack has not run: unless told, its up fails creating a second", Fix: &p}
}

// defaultVpc: the region's default VPC is gone when the baseline says so.
func (r *run) defaultVpc() Finding {
	const check = "default VPC"
	out, err := r.a.EC2.DescribeVpcs(r.ctx, &ec2.DescribeVpcsInput{Filters: []ec2types.Filter{{Name: aws.String("isDefault"), Values: []string{"true"}}}})
	if err != nil {
		return failed(check, err)
	}
	if len(out.Vpcs) == 0 {
		return Finding{Check: check, Status: Pass, Detail: "none in " + r.t.Config.Region}
	}
	vpc := aws.ToString(out.Vpcs[0].VpcId)
	if !r.t.Config.AccountBaseline.DeleteDefaultVpc {
		return Finding{Check: check, Status: Warn, Detail: vpc + " is kept (accountBaseline.deleteDefaultVpc false): AWS Config reports it NON_COMPLIANT under five rules, as the prediction shows"}
	}
	enis, err := r.a.EC2.DescribeNetworkInterfaces(r.ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	if err != nil {
		return failed(check, err)
	}
	if n := len(enis.NetworkInterfaces); n > 0 {
		return Finding{Check: check, Status: Fail, Detail: fmt.Sprintf("%s exists and holds %d network interfaces: something runs in it", vpc, n),
			Fix: &Procedure{Title: "find what runs there and move or delete it, then run preflight again for the deletion commands",
				Commands: []string{"aws ec2 describe-network-interfaces --region " + r.t.Config.Region + " --filters Name=vpc-id,Values=" + vpc + " --query 'NetworkInterfaces[].[NetworkInterfaceId,InterfaceType,Description]' --output table"}}}
	}
	p := deleteDefaultVpc(r.t.Config.Region, vpc)
	return Finding{Check: check, Status: Fail, Detail: vpc + " exists and is empty; accountBaseline.deleteDefaultVpc says it is deleted", Fix: &p}
}

// auroraVersion: the configured engine version runs Serverless v2 here.
func (r *run) auroraVersion() Finding {
	const check = "Aurora Serverless v2 engine version"
	v := r.t.Config.Aurora.EngineVersion
	out, err := r.a.RDS.DescribeOrderableDBInstanceOptions(r.ctx, &rds.DescribeOrderableDBInstanceOptionsInput{
		Engine: aws.String("aurora-postgresql"), EngineVersion: aws.String(v), DBInstanceClass: aws.String("db.serverless"), MaxRecords: aws.Int32(20),
	})
	if err != nil {
		return failed(check, err)
	}
	if len(out.OrderableDBInstanceOptions) == 0 {
		return Finding{Check: check, Status: Fail, Detail: "aurora-postgresql " + v + " offers no db.serverless instance in " + r.t.Config.Region,
			Fix: &Procedure{Title: "set aurora.engineVersion to a version this lists",
				Commands: []string{"aws rds describe-orderable-db-instance-options --region " + r.t.Config.Region + " --engine aurora-postgresql --db-instance-class db.serverless --query 'OrderableDBInstanceOptions[].EngineVersion' --output text"}}}
	}
	return Finding{Check: check, Status: Pass, Detail: "aurora-postgresql " + v + " offers db.serverless"}
}

// certificate: edge.certificateArn, when set, is issued and in the region.
func (r *run) certificate() Finding {
	const check = "ALB certificate"
	arn := r.t.Config.Edge.CertificateArn
	if arn == "" {
		return Finding{Check: check, Status: Skip, Detail: "edge.certificateArn is empty: HTTP only (an accepted exception until it is set)"}
	}
	if a, err := naming.ParseARN(arn); err != nil || a.Region != r.t.Config.Region {
		return Finding{Check: check, Status: Fail, Detail: arn + " is not an ACM certificate in " + r.t.Config.Region + ": an ALB takes a certificate of its own region only",
			Fix: &Procedure{Title: "request or import the certificate in " + r.t.Config.Region + " and set edge.certificateArn to it"}}
	}
	out, err := r.a.ACM.DescribeCertificate(r.ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(arn)})
	if err != nil {
		return failed(check, err)
	}
	if s := out.Certificate.Status; s != acmtypes.CertificateStatusIssued {
		return Finding{Check: check, Status: Fail, Detail: fmt.Sprintf("%s is %s, not ISSUED: the HTTPS listener cannot use it", arn, s),
			Fix: &Procedure{Title: "complete its DNS validation (ACM console, the certificate's CNAME records) and wait for ISSUED"}}
	}
	return Finding{Check: check, Status: Pass, Detail: arn + " is ISSUED"}
}

// headroom compares what the first up needs with a quota and its use.
func (r *run) headroom(check string, q quota, used, need float64) Finding {
	out, err := r.a.Quotas.GetServiceQuota(r.ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String(q.service), QuotaCode: aws.String(q.code)})
	if err != nil {
		return failed(check, err)
	}
	limit := aws.ToFloat64(out.Quota.Value)
	detail := fmt.Sprintf("%s: %g of %g in use, the stack needs %g more", q.name, used, limit, need)
	if q == quotaFargate {
		detail = fmt.Sprintf("%s: %g; the enabled services need up to %g (every task at its maximum, mid-deployment; other workloads' use is not read)", q.name, limit, need)
	}
	if used+need > limit {
		return Finding{Check: check, Status: Fail, Detail: detail,
			Fix: &Procedure{Title: "request an increase of " + q.name,
				Commands: []string{fmt.Sprintf("aws service-quotas request-service-quota-increase --region %s --service-code %s --quota-code %s --desired-value %g",
					r.t.Config.Region, q.service, q.code, math.Ceil(used+need))}}}
	}
	return Finding{Check: check, Status: Pass, Detail: detail}
}

// natGateways is how many NAT gateways, each with an Elastic IP, the stack
// creates (network.NewVpc).
func natGateways(c *stackconfig.Config) int {
	if c.Network.NatGateways == stackconfig.NatSingle {
		return 1
	}
	return len(c.Network.AvailabilityZones)
}

func (r *run) elasticIPs() Finding {
	out, err := r.a.EC2.DescribeAddresses(r.ctx, &ec2.DescribeAddressesInput{})
	if err != nil {
		return failed("Elastic IPs", err)
	}
	need := float64(natGateways(r.t.Config))
	if r.deployed {
		need = 0
	}
	return r.headroom("Elastic IPs", quotaEIPs, float64(len(out.Addresses)), need)
}

func (r *run) vpcs() Finding {
	out, err := r.a.EC2.DescribeVpcs(r.ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		return failed("VPCs", err)
	}
	need := 1.0
	if r.deployed {
		need = 0
	}
	return r.headroom("VPCs", quotaVPCs, float64(len(out.Vpcs)), need)
}

// deploymentFactor: a rolling deployment runs up to twice a service's tasks
// (compute's maximum percent, 200).
const deploymentFactor = 2

// fargate: the enabled services at their most tasks, mid-deployment, fit
// the account's Fargate vCPU quota (other workloads' use is not read:
// Fargate reports it only as a CloudWatch usage metric).
func (r *run) fargate() Finding {
	var vcpus float64
	for _, s := range r.t.Config.Services {
		if !s.Enabled {
			continue
		}
		tasks := s.DesiredCount
		if s.Autoscaling != nil {
			tasks = max(tasks, s.Autoscaling.MaxCount)
		}
		vcpus += float64(s.Cpu) / 1024 * float64(tasks*deploymentFactor)
	}
	return r.headroom("Fargate vCPUs", quotaFargate, 0, vcpus)
}

// billing: CloudWatch publishes the estimated charges the cost alarm reads.
func (r *run) billing() Finding {
	const check = "billing alerts"
	out, err := r.a.BillingWatch.ListMetrics(r.ctx, &cloudwatch.ListMetricsInput{Namespace: aws.String("AWS/Billing"), MetricName: aws.String("EstimatedCharges")})
	if err != nil {
		return failed(check, err)
	}
	if len(out.Metrics) == 0 {
		p := billingAlerts()
		return Finding{Check: check, Status: Fail, Detail: "no AWS/Billing EstimatedCharges metric in " + BillingRegion + ": the cost alarm would never leave INSUFFICIENT_DATA", Fix: &p}
	}
	return Finding{Check: check, Status: Pass, Detail: "AWS/Billing EstimatedCharges is published"}
}

func (r *run) afterUp(check string) (Finding, bool) {
	if !r.deployed {
		return Finding{Check: check, Status: Skip, Detail: "after the first up"}, false
	}
	return Finding{}, true
}

// subscriptions: every subscription of the alarm topic is confirmed, and
// there is at least one.
func (r *run) subscriptions() Finding {
	const check = "alarm topic subscriptions"
	if f, ok := r.afterUp(check); !ok {
		return f
	}
	c := r.t.Config
	topic := naming.Scope{Partition: naming.Partition(c.Region), Region: c.Region, Account: r.account}.ARN("sns", c.NamePrefix()+"-alarms")
	out, err := r.a.SNS.ListSubscriptionsByTopic(r.ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	if err != nil {
		return failed(check, err)
	}
	var pending []string
	for _, s := range out.Subscriptions {
		if aws.ToString(s.SubscriptionArn) == "PendingConfirmation" {
			pending = append(pending, aws.ToString(s.Endpoint))
		}
	}
	p := confirmSubscriptions(topic)
	switch {
	case len(out.Subscriptions) == 0:
		return Finding{Check: check, Status: Fail, Detail: "none: every alarm and finding reaches nobody",
			Fix: &Procedure{Title: "set alarmEmails or alarmHttpsEndpoints in the stack file and deploy"}}
	case len(pending) > 0:
		return Finding{Check: check, Status: Fail, Detail: "pending confirmation: " + strings.Join(pending, ", "), Fix: &p}
	}
	return Finding{Check: check, Status: Pass, Detail: fmt.Sprintf("%d confirmed", len(out.Subscriptions))}
}

// configDelivery: the recorder records and the channel delivers.
func (r *run) configDelivery() Finding {
	const check = "AWS Config recording and delivery"
	if !r.owns() {
		return r.ownedElsewhere(check)
	}
	if f, ok := r.afterUp(check); !ok {
		return f
	}
	name := recorderName(r.t.Config)
	rs, err := r.a.Config.DescribeConfigurationRecorderStatus(r.ctx, &configservice.DescribeConfigurationRecorderStatusInput{ConfigurationRecorderNames: []string{name}})
	if err != nil {
		return failed(check, err)
	}
	var problems []string
	for _, s := range rs.ConfigurationRecordersStatus {
		if !s.Recording {
			problems = append(problems, "recorder "+name+" is not recording")
		}
		if s.LastStatus == cfgtypes.RecorderStatusFailure {
			problems = append(problems, fmt.Sprintf("recorder: %s %s", aws.ToString(s.LastErrorCode), aws.ToString(s.LastErrorMessage)))
		}
	}
	cs, err := r.a.Config.DescribeDeliveryChannelStatus(r.ctx, &configservice.DescribeDeliveryChannelStatusInput{DeliveryChannelNames: []string{name}})
	if err != nil {
		return failed(check, err)
	}
	for _, s := range cs.DeliveryChannelsStatus {
		for what, info := range map[string]*cfgtypes.ConfigExportDeliveryInfo{"snapshot": s.ConfigSnapshotDeliveryInfo, "history": s.ConfigHistoryDeliveryInfo} {
			if info != nil && info.LastStatus == cfgtypes.DeliveryStatusFailure {
				problems = append(problems, fmt.Sprintf("%s delivery: %s %s", what, aws.ToString(info.LastErrorCode), aws.ToString(info.LastErrorMessage)))
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return Finding{Check: check, Status: Fail, Detail: strings.Join(problems, "; "),
			Fix: &Procedure{Title: "fix what the error names (the bucket policy, the KMS key policy, or the bucket's Object Lock: AWS Config cannot deliver to a locked bucket), then deploy"}}
	}
	return Finding{Check: check, Status: Pass, Detail: "recording, delivering"}
}

// trailDelivery: the trail logs and delivers to S3 and CloudWatch Logs.
func (r *run) trailDelivery() Finding {
	const check = "CloudTrail delivery"
	if f, ok := r.afterUp(check); !ok {
		return f
	}
	s, err := r.a.CloudTrail.GetTrailStatus(r.ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailName(r.t.Config))})
	if err != nil {
		return failed(check, err)
	}
	var problems []string
	if !aws.ToBool(s.IsLogging) {
		problems = append(problems, "not logging")
	}
	if e := aws.ToString(s.LatestDeliveryError); e != "" {
		problems = append(problems, "S3: "+e)
	}
	if e := aws.ToString(s.LatestCloudWatchLogsDeliveryError); e != "" {
		problems = append(problems, "CloudWatch Logs: "+e)
	}
	if len(problems) > 0 {
		return Finding{Check: check, Status: Fail, Detail: strings.Join(problems, "; "),
			Fix: &Procedure{Title: "fix what the error names (the bucket or key policy for S3, the logs role for CloudWatch Logs), then deploy"}}
	}
	return Finding{Check: check, Status: Pass, Detail: "logging, no delivery error"}
}

// guardDutyAgent: GuardDuty reports no runtime-monitoring coverage
// unhealthy.
func (r *run) guardDutyAgent() Finding {
	const check = "GuardDuty runtime agent"
	if !r.owns() {
		return r.ownedElsewhere(check)
	}
	if f, ok := r.afterUp(check); !ok {
		return f
	}
	ds, err := r.a.GuardDuty.ListDetectors(r.ctx, &guardduty.ListDetectorsInput{})
	if err != nil || len(ds.DetectorIds) == 0 {
		return failed(check, fmt.Errorf("no detector: %v", err))
	}
	out, err := r.a.GuardDuty.ListCoverage(r.ctx, &guardduty.ListCoverageInput{DetectorId: aws.String(ds.DetectorIds[0]),
		FilterCriteria: &gdtypes.CoverageFilterCriteria{FilterCriterion: []gdtypes.CoverageFilterCriterion{{
			CriterionKey: gdtypes.CoverageFilterCriterionKeyCoverageStatus, FilterCondition: &gdtypes.CoverageFilterCondition{Equals: []string{"UNHEALTHY"}},
		}}}})
	if err != nil {
		return failed(check, err)
	}
	if len(out.Resources) > 0 {
		var issues []string
		for _, c := range out.Resources {
			issues = append(issues, aws.ToString(c.ResourceId)+": "+aws.ToString(c.Issue))
		}
		return Finding{Check: check, Status: Fail, Detail: "unhealthy: " + strings.Join(issues, "; "),
			Fix: &Procedure{Title: "fix the issue GuardDuty names (often: the task cannot reach the agent's ECR repository or the guardduty-data endpoint), then force a new deployment of the service"}}
	}
	return Finding{Check: check, Status: Pass, Detail: "no unhealthy coverage"}
}
