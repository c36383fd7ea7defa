package edge

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
)

// ManagedRuleGroups are AWS's rule groups the web ACL applies, in the order
// they are evaluated: the specification's three first (priorities 1 to 3,
// its rate limit at 4, RulePriorities), then the IP reputation groups
// (AWS WAF Developer Guide, "IP reputation rule groups":
// AWSManagedRulesAmazonIpReputationList blocks addresses Amazon's threat
// intelligence reports as bots and attackers; AWSManagedRulesAnonymousIpList
// blocks anonymizing proxies and Tor exit nodes). A request any rule blocks
// is blocked whatever the order; the order decides only which rule's metric
// counts it, and the specification's keep their priorities.
var ManagedRuleGroups = []string{
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesSQLiRuleSet",
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesAnonymousIpList",
}

// SpecifiedGroups is how many of ManagedRuleGroups the specification names,
// before its rate limit.
const SpecifiedGroups = 3

// RulePriorities are the web ACL's rules by name, with their priorities:
// the specification's groups from 1, the rate limit after them, then the
// groups this program adds.
func RulePriorities() map[string]int {
	out := map[string]int{RateLimitRule: SpecifiedGroups + 1}
	for i, group := range ManagedRuleGroups {
		out[group] = i + 1
		if i >= SpecifiedGroups {
			out[group] = i + 2
		}
	}
	return out
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

	priority := RulePriorities()
	var rules wafv2.WebAclRuleArray
	for _, group := range ManagedRuleGroups {
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name:     pulumi.String(group),
			Priority: pulumi.Int(priority[group]),
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
		Priority: pulumi.Int(priority[RateLimitRule]),
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

	// The association has no update, and its delete disassociates whatever
	// web ACL protects the load balancer (terraform-provider-aws
	// internal/service/wafv2/web_acl_association.go): replaced create-first,
	// the old one's delete would leave the load balancer unprotected, so it
	// deletes first (replacement.Types: DeleteFirst).
	if _, err := wafv2.NewWebAclAssociation(ctx, name+"-association", &wafv2.WebAclAssociationArgs{
		ResourceArn: args.LoadBalancer.Arn,
		WebAclArn:   acl.Arn,
	}, parent, pulumi.DependsOn(args.LoadBalancer.Ready), pulumi.DeleteBeforeReplace(true)); err != nil {
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
	// A new log destination replaces the logging configuration, whose
	// delete is keyed by the web ACL (terraform-provider-aws
	// internal/service/wafv2/web_acl_logging_configuration.go): replaced
	// create-first, the new configuration would be put and the old one's
	// delete would then turn WAF logging off. It deletes first
	// (replacement.Types: DeleteFirst).
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, name+"-logging", &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{group.Arn},
		RedactedFields:        redacted,
	}, parent, pulumi.DeleteBeforeReplace(true)); err != nil {
		return nil, fmt.Errorf("configure web ACL logging: %w", err)
	}

	w.Arn = acl.Arn
	w.Name = acl.Name
	if err := ctx.RegisterResourceOutputs(w, pulumi.Map{"arn": w.Arn}); err != nil {
		return nil, err
	}
	return w, nil
}
