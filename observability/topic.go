// Package observability provides the alarm topic and the stack's 21
// CloudWatch alarms, each area's alarms owned by a Watch component.
package observability

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// AlarmTopicArgs configures an AlarmTopic.
type AlarmTopicArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the topic; its account and region scope who may publish. Required.
	Scope naming.Scope
	// KmsKeyArn encrypts the topic: a customer key whose policy admits
	// cloudwatch.amazonaws.com (with AWS's managed SNS key alarms cannot publish). Required.
	KmsKeyArn pulumi.StringInput
	// EventRuleArns are the EventBridge rules allowed to publish (findings
	// and failed backups, as the stack routes them).
	EventRuleArns []string
	// Emails are subscribed; each must confirm by mail.
	Emails []string
	// HTTPSEndpoints are subscribed over HTTPS (what paging services use);
	// each must confirm the subscription SNS posts to it.
	HTTPSEndpoints []string
}

// validate reports every missing or invalid field at once.
func (a AlarmTopicArgs) validate() error {
	c := fields.For("observability.AlarmTopicArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	return c.Err()
}

// AlarmTopic is the encrypted SNS topic every alarm and finding goes to.
type AlarmTopic struct {
	pulumi.ResourceState

	// Arn is the topic's ARN, the alarms' action.
	Arn pulumi.StringOutput
}

// TopicName is the alarm topic's name: <prefix>-alarms.
func TopicName(scope naming.Scope) string { return scope.Name("alarms") }

// HTTPSSubscriptionName is the logical name of an HTTPS subscription: keyed
// by a digest of the URL, which is stable yet keeps a paging service's
// integration key out of URNs.
func HTTPSSubscriptionName(name, endpoint string) string {
	sum := sha256.Sum256([]byte(endpoint))
	return fmt.Sprintf("%s-https-%s", name, hex.EncodeToString(sum[:6]))
}

// NewAlarmTopic creates the topic, its policy and the email and HTTPS subscriptions.
func NewAlarmTopic(ctx *pulumi.Context, name string, args *AlarmTopicArgs, opts ...pulumi.ResourceOption) (*AlarmTopic, error) {
	if args == nil {
		args = &AlarmTopicArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &AlarmTopic{}
	if err := ctx.RegisterComponentResource("omnirapeutic:observability:AlarmTopic", name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{
		Name:           pulumi.String(TopicName(args.Scope)),
		DisplayName:    pulumi.String(args.Scope.Prefix + " alarms"),
		KmsMasterKeyId: args.KmsKeyArn,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create alarm topic: %w", err)
	}
	topicArn := args.Scope.ARN("sns", TopicName(args.Scope))
	if _, err := sns.NewTopicPolicy(ctx, name+"-policy", &sns.TopicPolicyArgs{
		Arn:    topic.Arn,
		Policy: pulumi.String(TopicPolicy(topicArn, args.Scope, args.EventRuleArns).JSON()),
	}, parent); err != nil {
		return nil, fmt.Errorf("set alarm topic policy: %w", err)
	}
	for _, email := range args.Emails {
		if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-%s", name, email), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}, parent); err != nil {
			return nil, fmt.Errorf("subscribe %s to the alarm topic: %w", email, err)
		}
	}
	for _, endpoint := range args.HTTPSEndpoints {
		if _, err := sns.NewTopicSubscription(ctx, HTTPSSubscriptionName(name, endpoint), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("https"),
			// Stored encrypted in state: integration URLs carry a key.
			Endpoint: pulumi.ToSecret(pulumi.String(endpoint)).(pulumi.StringOutput),
		}, parent); err != nil {
			return nil, fmt.Errorf("subscribe an HTTPS endpoint to the alarm topic: %w", err)
		}
	}
	t.Arn = topic.Arn
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{"arn": t.Arn}); err != nil {
		return nil, err
	}
	return t, nil
}

// TopicPolicy lets this account administer the topic, CloudWatch alarms of
// this account and the named EventBridge rules publish, and denies every
// request not made over TLS.
func TopicPolicy(topicArn string, scope naming.Scope, eventRuleArns []string) policy.Document {
	statements := []policy.Statement{
		{
			Sid:       "AccountOwnsTopic",
			Effect:    "Allow",
			Principal: policy.AWS(scope.AccountRoot()),
			Action: []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
				"sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"},
			Resource: []string{topicArn},
		},
		{
			Sid:       "CloudWatchAlarmsPublish",
			Effect:    "Allow",
			Principal: policy.Service("cloudwatch.amazonaws.com"),
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicArn},
			Condition: policy.Conditions{
				"StringEquals": {"aws:SourceAccount": {scope.Account}},
				"ArnLike":      {"aws:SourceArn": {scope.ARN("cloudwatch", "alarm:*")}},
			},
		},
	}
	if len(eventRuleArns) > 0 {
		statements = append(statements, policy.Statement{
			Sid:       "EventBridgeRulesPublish",
			Effect:    "Allow",
			Principal: policy.Service("events.amazonaws.com"),
			Action:    []string{"sns:Publish"},
			Resource:  []string{topicArn},
			Condition: policy.Conditions{"ArnEquals": {"aws:SourceArn": eventRuleArns}},
		})
	}
	statements = append(statements, policy.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: policy.AWS("*"),
		Action:    []string{"sns:Publish", "sns:Subscribe", "sns:Receive"},
		Resource:  []string{topicArn},
		Condition: policy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	})
	return policy.New(statements...)
}
