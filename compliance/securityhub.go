package compliance

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/observability"
)

// FoundationalStandardArn is AWS Foundational Security Best Practices v1.0.0
// in a region: the standard Security Hub checks this account against.
func FoundationalStandardArn(scope naming.Scope) string {
	// AWS owns the standard: its ARN names the region but no account.
	return naming.ARN{Partition: scope.Partition, Service: "securityhub", Region: scope.Region,
		Resource: "standards/aws-foundational-security-best-practices/v/1.0.0"}.String()
}

// SecurityHubFindingsRuleName is the EventBridge rule routing findings to
// the topic: <prefix>-securityhub-high-severity.
func SecurityHubFindingsRuleName(scope naming.Scope) string {
	return scope.Name("securityhub-high-severity")
}

// SecurityHubSeverities are the severity labels routed to the alarm topic.
var SecurityHubSeverities = []string{"HIGH", "CRITICAL"}

// SecurityHubFindingsPattern matches new, active Security Hub findings of
// HIGH or CRITICAL severity. GuardDuty's findings also reach Security Hub;
// they are left out here because the GuardDuty rule already routes them
// (severity 7 and up is HIGH or CRITICAL), and one finding should page once.
func SecurityHubFindingsPattern() string {
	return observability.EventPattern(map[string]any{
		"source":      []string{"aws.securityhub"},
		"detail-type": []string{"Security Hub Findings - Imported"},
		"detail": map[string]any{"findings": map[string]any{
			"Severity":    map[string]any{"Label": SecurityHubSeverities},
			"Workflow":    map[string]any{"Status": []string{"NEW"}},
			"RecordState": []string{"ACTIVE"},
			"ProductName": []map[string]string{{"anything-but": "GuardDuty"}},
		}},
	})
}

// SecurityHubArgs configures SecurityHub.
type SecurityHubArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the findings rule; its region picks the standard's ARN. Required.
	Scope naming.Scope
	// TopicArn receives HIGH and CRITICAL findings. Required.
	TopicArn pulumi.StringInput
}

// validate reports every missing or invalid field at once.
func (a SecurityHubArgs) validate() error {
	c := fields.For("compliance.SecurityHubArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("TopicArn", a.TopicArn)
	return c.Err()
}

// SecurityHub is Security Hub, subscribed to AWS Foundational Security Best
// Practices, with severe findings routed to the alarm topic.
type SecurityHub struct {
	pulumi.ResourceState

	// StandardsSubscriptionArn is the FSBP subscription's ARN.
	StandardsSubscriptionArn pulumi.StringOutput
}

// NewSecurityHub enables Security Hub without AWS's default standards (the
// one subscribed is named here, so the program says which), with
// consolidated control findings, and routes severe findings.
func NewSecurityHub(ctx *pulumi.Context, name string, args *SecurityHubArgs, opts ...pulumi.ResourceOption) (*SecurityHub, error) {
	if args == nil {
		args = &SecurityHubArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	h := &SecurityHub{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:SecurityHub", name, h, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(h)
	// enableDefaultStandards forces a new account resource, whose delete
	// disables Security Hub (terraform-provider-aws
	// internal/service/securityhub/account.go): it stays false (the
	// program subscribes to the standard it chooses), and should anything
	// replace the resource, it deletes first, as Security Hub is enabled
	// once per account (replacement.Types: DeleteFirst).
	account, err := securityhub.NewAccount(ctx, name, &securityhub.AccountArgs{
		EnableDefaultStandards:  pulumi.Bool(false),
		AutoEnableControls:      pulumi.Bool(true),
		ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
	}, parent, pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, fmt.Errorf("enable Security Hub: %w", err)
	}
	sub, err := securityhub.NewStandardsSubscription(ctx, name+"-fsbp", &securityhub.StandardsSubscriptionArgs{
		StandardsArn: pulumi.String(FoundationalStandardArn(args.Scope)),
	}, parent, pulumi.DependsOn([]pulumi.Resource{account}))
	if err != nil {
		return nil, fmt.Errorf("subscribe Security Hub to AWS Foundational Security Best Practices: %w", err)
	}
	if err := observability.RouteToTopic(ctx, name+"-findings", SecurityHubFindingsRuleName(args.Scope),
		"Security Hub findings of HIGH or CRITICAL severity (GuardDuty's excepted: routed by their own rule), to the alarm topic",
		SecurityHubFindingsPattern(), args.TopicArn, parent, pulumi.DependsOn([]pulumi.Resource{account})); err != nil {
		return nil, err
	}
	h.StandardsSubscriptionArn = sub.ID().ToStringOutput()
	if err := ctx.RegisterResourceOutputs(h, pulumi.Map{"standardsSubscriptionArn": h.StandardsSubscriptionArn}); err != nil {
		return nil, err
	}
	return h, nil
}
