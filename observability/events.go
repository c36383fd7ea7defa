package observability

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EventPattern renders an EventBridge event pattern as JSON, keeping ">="
// and friends readable in the console.
func EventPattern(pattern map[string]any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(pattern); err != nil {
		panic(err) // static maps of strings and numbers: cannot fail
	}
	return strings.TrimSpace(b.String())
}

// RouteToTopic creates an EventBridge rule with the pattern and targets the
// alarm topic with it: <name> and <name>-to-topic. The topic's policy must
// admit the rule's ARN, naming.Scope.ARN("events", "rule/"+ruleName).
func RouteToTopic(ctx *pulumi.Context, name, ruleName, description, pattern string, topicArn pulumi.StringInput, opts ...pulumi.ResourceOption) error {
	rule, err := cloudwatch.NewEventRule(ctx, name, &cloudwatch.EventRuleArgs{
		Name:         pulumi.String(ruleName),
		Description:  pulumi.String(description),
		EventPattern: pulumi.String(pattern),
	}, opts...)
	if err != nil {
		return fmt.Errorf("create event rule %s: %w", ruleName, err)
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-to-topic", &cloudwatch.EventTargetArgs{
		Rule:     rule.Name,
		TargetId: pulumi.String("alarm-topic"),
		Arn:      topicArn,
	}, opts...); err != nil {
		return fmt.Errorf("route event rule %s to the alarm topic: %w", ruleName, err)
	}
	return nil
}
