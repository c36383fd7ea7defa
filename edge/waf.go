package edge

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
)

// ManagedRuleGroups are AWS's rule groups the web ACL applies, in priority
// order from 1. The IP reputation groups come first: they judge a request
// by its source alone, cheapest, before any content inspection
// (AWS WAF Developer Guide, "IP reputation rule groups":
// AWSManagedRulesAmazonIpReputationList blocks addresses Amazon's threat
// intelligence reports as bots and attackers; AWSManagedRulesAnonymousIpList
// blocks anonymizing proxies and Tor exit nodes).
var ManagedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesAnonymousIpList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesSQLiRuleSet",
}

// CountedRules are rules of a managed group set to count instead of their
// own action. AWSManagedRulesAnonymousIpList's HostingProviderIPList blocks
// every address of a hosting or cloud provider, where partners' servers
// calling the API run, not only anonymizers; it is counted (visible in the
// WAF logs and metrics) rather than blocked.
var CountedRules = map[string][]string{
	"AWSManagedRulesAnonymousIpList": {"HostingProviderIPList"},
}

// RateLimitRule names the rate-based rule, evaluated after the managed groups.
const RateLimitRule = "RateLimitPerIP"

// RateLimitWindowSeconds is the seed's five minutes.
const RateLimitWindowSeconds = 300

// RedactedHeaders are never written to WAF logs: they carry credentials.
var RedactedHeaders = []string{"authorization", "cookie"}

// WebAclArgs configures a WebAcl.
type WebAclArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the web ACL and its log group. Required.
	Scope naming.Scope
	// LoadBalancer is the ALB to protect. The association waits for its
	// Ready resources: an ACL associated with a load balancer still being
	// created fails with WAFUnavailableEntityException. Required.
	LoadBalancer *LoadBalancer
	// RateLimit is the most requests one IP may make in five minutes. Required.
	RateLimit int
	// LogKeyArn encrypts the WAF log group. Required.
	LogKeyArn pulumi.StringInput
	// LogRetentionDays is the WAF log group's retention. Required.
	LogRetentionDays int
}

// validate reports every missing or invalid field at once.
func (a WebAclArgs) validate() error {
	c := fields.For("edge.WebAclArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("LoadBalancer", a.LoadBalancer)
	c.Require("RateLimit", a.RateLimit)
	c.Require("LogKeyArn", a.LogKeyArn)
	c.Require("LogRetentionDays", a.LogRetentionDays)
	return c.Err()
}

// WebAcl is the regional web ACL in front of the ALB.
type WebAcl struct {
	pulumi.ResourceState

	// Arn is the web ACL's ARN.
	Arn pulumi.StringOutput
	// Name is the web ACL's name (the WebACL dimension of its metrics).
	Name pulumi.StringOutput
}

// WafLogGroupName is aws-waf-logs-<prefix>: WAF delivers only to log groups
// whose name starts with aws-waf-logs-, so the prefix cannot come first.
func WafLogGroupName(scope naming.Scope) string { return "aws-waf-logs-" + scope.Name() }

func visibility(metric string) *wafv2.WebAclRuleVisibilityConfigArgs {
	return &wafv2.WebAclRuleVisibilityConfigArgs{
		CloudwatchMetricsEnabled: pulumi.Bool(true),
		MetricName:               pulumi.String(metric),
		SampledRequestsEnabled:   pulumi.Bool(true),
	}
}

// counted overrides a managed group's CountedRules to count.
func counted(group string) wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArray {
	var out wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArray
	for _, rule := range CountedRules[group] {
		out = append(out, &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs{
			Name: pulumi.String(rule),
			ActionToUse: &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs{
				Count: &wafv2.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs{},
			},
		})
	}
	return out
}

// NewWebAcl creates the web ACL (default allow; the managed groups, then a
// per-IP rate limit), associates it with the ALB and logs it.
func NewWebAcl(ctx *pulumi.Context, name string, args *WebAclArgs, opts ...pulumi.ResourceOption) (*WebAcl, error) {
	if args == nil {
		args = &WebAclArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	w := &WebAcl{}
	if err := ctx.RegisterComponentResource("omnirapeutic:edge:WebAcl", name, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)

	var rules wafv2.WebAclRuleArray
	for i, group := range ManagedRuleGroups {
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name:     pulumi.String(group),
			Priority: pulumi.Int(i + 1),
			// A managed group's own rule actions apply; "none" overrides nothing.
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: &wafv2.WebAclRuleStatementArgs{
				ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
					Name:                pulumi.String(group),
					VendorName:          pulumi.String("AWS"),
					RuleActionOverrides: counted(group),
				},
			},
			VisibilityConfig: visibility(group),
		})
	}
	rules = append(rules, &wafv2.WebAclRuleArgs{
		Name:     pulumi.String(RateLimitRule),
		Priority: pulumi.Int(len(ManagedRuleGroups) + 1),
		Action:   &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement: &wafv2.WebAclRuleStatementArgs{
			RateBasedStatement: &wafv2.WebAclRuleStatementRateBasedStatementArgs{
				Limit:               pulumi.Int(args.RateLimit),
				AggregateKeyType:    pulumi.String("IP"),
				EvaluationWindowSec: pulumi.Int(RateLimitWindowSeconds),
			},
		},
		VisibilityConfig: visibility(RateLimitRule),
	})

	physical := args.Scope.Name("waf")
	acl, err := wafv2.NewWebAcl(ctx, name, &wafv2.WebAclArgs{
		Name:          pulumi.String(physical),
		Description:   pulumi.String("Regional web ACL in front of the " + args.Scope.Prefix + " ALB"),
		Scope:         pulumi.String("REGIONAL"),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName:               pulumi.String(physical),
			SampledRequestsEnabled:   pulumi.Bool(true),
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(physical)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create web ACL: %w", err)
	}

	if _, err := wafv2.NewWebAclAssociation(ctx, name+"-association", &wafv2.WebAclAssociationArgs{
		ResourceArn: args.LoadBalancer.Arn,
		WebAclArn:   acl.Arn,
	}, parent, pulumi.DependsOn(args.LoadBalancer.Ready)); err != nil {
		return nil, fmt.Errorf("associate web ACL with the load balancer: %w", err)
	}

	group, err := logs.NewGroup(ctx, name+"-logs", &logs.GroupArgs{
		Name:          WafLogGroupName(args.Scope),
		RetentionDays: args.LogRetentionDays,
		KmsKeyArn:     args.LogKeyArn,
	}, parent)
	if err != nil {
		return nil, err
	}
	var redacted wafv2.WebAclLoggingConfigurationRedactedFieldArray
	for _, h := range RedactedHeaders {
		redacted = append(redacted, &wafv2.WebAclLoggingConfigurationRedactedFieldArgs{
			SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String(h)},
		})
	}
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, name+"-logging", &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{group.Arn},
		RedactedFields:        redacted,
	}, parent); err != nil {
		return nil, fmt.Errorf("configure web ACL logging: %w", err)
	}

	w.Arn = acl.Arn
	w.Name = acl.Name
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{"arn": w.Arn}); err != nil {
		return nil, err
	}
	return w, nil
}
