package main

import (
	"fmt"
	"strings"
)

// Procedure is one fix preflight prints: a title and the exact commands,
// with the account's values filled in. `preflight --procedures` prints every
// one with placeholders instead, as Markdown the guide can include.
type Procedure struct {
	// Title says what the procedure does.
	Title string
	// Why says when it is the right fix.
	Why string
	// Commands are shell commands, one a line, run in order.
	Commands []string
}

// Text renders the procedure for a terminal, indented under its finding.
func (p Procedure) Text(indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sfix: %s\n", indent, p.Title)
	if p.Why != "" {
		fmt.Fprintf(&b, "%s     %s\n", indent, p.Why)
	}
	for _, c := range p.Commands {
		fmt.Fprintf(&b, "%s  %s\n", indent, c)
	}
	return b.String()
}

// Markdown renders the procedure as a section with a shell block.
func (p Procedure) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", p.Title)
	if p.Why != "" {
		fmt.Fprintf(&b, "%s\n\n", p.Why)
	}
	if len(p.Commands) > 0 {
		b.WriteString("```sh\n" + strings.Join(p.Commands, "\n") + "\n```\n\n")
	}
	return b.String()
}

// program names a resource of the program an existing singleton must
// become: what any import needs, whichever way the guide runs it.
type program struct {
	// Type is the resource's type token.
	Type string
	// Name is its logical name.
	Name string
	// Parent is its component's type token and name ("<type>::<name>").
	Parent string
}

// importProcedure is the procedure to adopt an existing singleton into the
// owning stack instead of creating a second one: `synth imports` writes the
// file `pulumi import --file` takes, declaring the parent components too,
// because on an empty stack `pulumi import --parent` fails ("unknown
// parent"; docs/platform-engineer.md, "Before the first `pulumi up` in an
// account: import what it already has").
func importProcedure(stack string, p program, id string) Procedure {
	return Procedure{
		Title: fmt.Sprintf("import %s into the %s stack before its first up", id, stack),
		Why: fmt.Sprintf("The program declares it as %s %q under the component %s: adopt it, from the repository root, "+
			"instead of creating a second. Keep one TYPE NAME ID triple per thing to import in a single file.", p.Type, p.Name, p.Parent),
		Commands: []string{
			fmt.Sprintf("go run ./cmd/synth imports --stack %s %s %s %s >singletons.json", stack, p.Type, p.Name, id),
			fmt.Sprintf("pulumi import --stack %s --file singletons.json --generate-code=false", stack),
			"rm singletons.json",
		},
	}
}

// adoptOidcProvider is the fix for an account that already has GitHub's
// OIDC provider: the bootstrap stack trusts it instead of creating a
// second (its existingOidcProvider setting).
func adoptOidcProvider(provider string) Procedure {
	return Procedure{
		Title: "tell the bootstrap stack the account has GitHub's OIDC provider (" + provider + ")",
		Why:   "It exists once per account: the bootstrap's roles trust this one, and the bootstrap neither creates nor deletes it. Check that its audiences include sts.amazonaws.com.",
		Commands: []string{
			"aws iam get-open-id-connect-provider --open-id-connect-provider-arn " + provider + " --query ClientIDList",
			"pulumi -C bootstrap config set existingOidcProvider true   # before the bootstrap's pulumi up",
		},
	}
}

// The singletons the owning stack creates, as the program declares them
// (compliance.ThreatDetection, compliance.SecurityHub, data.Bastion).
var (
	detectorResource = program{Type: "aws:guardduty/detector:Detector", Name: "guardduty", Parent: "omnirapeutic:compliance:ThreatDetection::guardduty"}
	hubResource      = program{Type: "aws:securityhub/account:Account", Name: "securityhub", Parent: "omnirapeutic:compliance:SecurityHub::securityhub"}
	sessionResource  = program{Type: "aws:ssm/document:Document", Name: "bastion-session-preferences", Parent: "omnirapeutic:data:Bastion::bastion"}
)

// deleteRecorder removes a Config recorder and delivery channel the program
// does not name: their name forces replacement, so importing "default"
// would make the next up delete and recreate them (a gap in recording).
// Recorded history stays in the channel's bucket.
func deleteRecorder(recorder, channel string) Procedure {
	var cmds []string
	if recorder != "" {
		cmds = append(cmds, "aws configservice stop-configuration-recorder --configuration-recorder-name "+recorder)
	}
	if channel != "" {
		cmds = append(cmds, "aws configservice delete-delivery-channel --delivery-channel-name "+channel)
	}
	if recorder != "" {
		cmds = append(cmds, "aws configservice delete-configuration-recorder --configuration-recorder-name "+recorder)
	}
	return Procedure{
		Title:    "delete the existing AWS Config recorder and delivery channel, and let the stack create its own",
		Why:      "AWS allows one recorder and one channel per region, and their name forces replacement: importing a differently named pair would make the next up replace it. Recorded history stays in the old channel's bucket.",
		Commands: cmds,
	}
}

// deleteSessionPreferences removes the console-made Session Manager
// preferences, which hold nothing the stack does not set again.
func deleteSessionPreferences(region string) Procedure {
	return Procedure{
		Title:    "delete the console-made Session Manager preferences (the stack sets its own), or import them",
		Why:      "The console creates SSM-SessionManagerRunShell on first use; the program creates it with session logging and encryption, and fails with DocumentAlreadyExists while it exists.",
		Commands: []string{"aws ssm delete-document --region " + region + " --name SSM-SessionManagerRunShell"},
	}
}

// deleteDefaultVpc removes the region's default VPC: its internet gateway
// (detached first), its subnets, then the VPC, which takes its main route
// table, default security group and network ACL with it. AWS can create a
// new one (aws ec2 create-default-vpc).
func deleteDefaultVpc(region, vpc string) Procedure {
	r := " --region " + region
	return Procedure{
		Title: fmt.Sprintf("delete the default VPC %s (accountBaseline.deleteDefaultVpc)", vpc),
		Why: "Nothing the program deploys uses it, and while it exists AWS Config reports it NON_COMPLIANT under five rules " +
			"(vpc-flow-logs-enabled, vpc-default-security-group-closed, subnet-auto-assign-public-ip-disabled, internet-gateway-authorized-vpc-only, no-unrestricted-route-to-igw). " +
			"Run it only once preflight reports the VPC empty; `aws ec2 create-default-vpc` makes a new one if it is ever needed.",
		Commands: []string{
			"VPC=" + vpc,
			"for igw in $(aws ec2 describe-internet-gateways" + r + " --filters Name=attachment.vpc-id,Values=$VPC --query 'InternetGateways[].InternetGatewayId' --output text); do",
			"  aws ec2 detach-internet-gateway" + r + " --internet-gateway-id $igw --vpc-id $VPC",
			"  aws ec2 delete-internet-gateway" + r + " --internet-gateway-id $igw",
			"done",
			"for subnet in $(aws ec2 describe-subnets" + r + " --filters Name=vpc-id,Values=$VPC --query 'Subnets[].SubnetId' --output text); do",
			"  aws ec2 delete-subnet" + r + " --subnet-id $subnet",
			"done",
			"aws ec2 delete-vpc" + r + " --vpc-id $VPC",
		},
	}
}

// procedures are every fix with placeholders, for --procedures.
func procedures() []Procedure {
	return []Procedure{
		importProcedure("<stack>", detectorResource, "<detector id>"),
		deleteRecorder("<recorder name>", "<channel name>"),
		importProcedure("<stack>", hubResource, "<account id>"),
		deleteSessionPreferences("<region>"),
		importProcedure("<stack>", sessionResource, "SSM-SessionManagerRunShell"),
		adoptOidcProvider("<provider arn>"),
		deleteDefaultVpc("<region>", "<vpc id>"),
		billingAlerts(),
		confirmSubscriptions("<topic arn>"),
	}
}

// billingAlerts turns on the billing metrics the cost alarm reads.
func billingAlerts() Procedure {
	return Procedure{
		Title: "turn on \"Receive CloudWatch billing alerts\" (Billing and Cost Management console, Billing preferences), once per account",
		Why: "The cost alarm watches AWS/Billing EstimatedCharges, which CloudWatch publishes only in US East (N. Virginia) and only after billing alerts are on; " +
			"the root user or an IAM principal with billing access turns it on. The first data point takes up to a day.",
	}
}

// confirmSubscriptions asks on-call to confirm the alarm topic's
// subscriptions.
func confirmSubscriptions(topic string) Procedure {
	return Procedure{
		Title: "confirm every subscription of the alarm topic",
		Why:   "SNS delivers nothing to an address or endpoint until it confirms: each address clicks the link SNS mailed; an HTTPS endpoint answers the SubscriptionConfirmation SNS posted. To send the request again, remove and re-add it in alarmEmails or alarmHttpsEndpoints and deploy.",
		Commands: []string{
			"aws sns list-subscriptions-by-topic --topic-arn " + topic + " --query 'Subscriptions[?SubscriptionArn==`PendingConfirmation`].Endpoint'",
		},
	}
}
