package compliance

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/observability"
)

// Route is one EventBridge rule that sends evidence of tampering to the
// alarm topic. Tampering is seen within minutes this way without a
// CloudWatch alarm (the specification's alarms stay exactly its own): an
// AWS API call a trail records reaches the region's default event bus as
// an "AWS API Call via CloudTrail" event, and a console sign-in as an "AWS
// Console Sign In via CloudTrail" one, once a trail is logging (Amazon
// EventBridge User Guide, "AWS service events delivered via AWS
// CloudTrail"). Read-only calls (Get, List, Describe) reach only rules that
// opt in to them, and these do not: every event routed here changes
// something.
type Route struct {
	// Key names the rule: <prefix>-tamper-<Key>.
	Key string
	// Description says what the rule catches; it is the rule's description.
	Description string
	// Pattern is the rule's event pattern.
	Pattern map[string]any
	// Global marks a route whose events a global service records in its
	// partition's home region only (IAM, console sign-in): a rule elsewhere
	// never sees them (AWS re:Post, "Why doesn't my EventBridge rule that
	// receives events from global services work in Regions outside
	// us-east-1?"; CloudTrail User Guide, "AWS Management Console sign-in
	// events").
	Global bool
	// Account marks a route of account-wide changes: created only by the
	// stack that owns the account singletons, so each event pages once.
	Account bool
}

// The detail types CloudTrail gives the events EventBridge receives. The
// sign-in type is spelled both ways in AWS's documentation ("Sign In" in
// the events, "Signin" in one list of the EventBridge User Guide), so the
// routes match both.
const (
	APICallDetailType = "AWS API Call via CloudTrail"
)

// SignInDetailTypes are the console sign-in event's detail type, both spellings.
var SignInDetailTypes = []string{"AWS Console Sign In via CloudTrail", "AWS Console Signin via CloudTrail"}

// IAMChanges are the IAM calls that change who may do what: CIS AWS
// Foundations 4.4's policy changes, and the changes to roles, trust,
// permission boundaries, users' credentials and identity providers.
var IAMChanges = []string{
	"CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
	"AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy", "DeleteRolePolicy",
	"AttachUserPolicy", "DetachUserPolicy", "PutUserPolicy", "DeleteUserPolicy",
	"AttachGroupPolicy", "DetachGroupPolicy", "PutGroupPolicy", "DeleteGroupPolicy",
	"CreateRole", "DeleteRole", "UpdateAssumeRolePolicy", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
	"CreateUser", "CreateAccessKey", "CreateLoginProfile", "UpdateLoginProfile", "AddUserToGroup", "DeactivateMFADevice",
	"CreateOpenIDConnectProvider", "UpdateOpenIDConnectProviderThumbprint", "AddClientIDToOpenIDConnectProvider",
	"CreateSAMLProvider", "UpdateSAMLProvider",
}

// TrailChanges stop, weaken or delete the audit trail.
var TrailChanges = []string{"StopLogging", "UpdateTrail", "DeleteTrail", "PutEventSelectors"}

// KeyChanges take a key from its custodians or its data from everyone.
var KeyChanges = []string{"DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy", "DisableKeyRotation"}

// ConfigChanges stop or blind AWS Config, and with it the HIPAA pack.
var ConfigChanges = []string{
	"StopConfigurationRecorder", "DeleteConfigurationRecorder", "PutConfigurationRecorder",
	"DeleteDeliveryChannel", "PutDeliveryChannel", "DeleteConformancePack",
}

// S3AccessChanges change who may read a bucket.
var S3AccessChanges = []string{
	"PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl",
	"PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock",
	"PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock",
}

// ECSDeploys change what a service runs.
var ECSDeploys = []string{"RegisterTaskDefinition", "CreateService", "UpdateService", "DeleteService"}

// TamperArgs is what the routes name.
type TamperArgs struct {
	// Scope's prefix names the rules and scopes the ECS route to this
	// stack's cluster and task definitions.
	Scope naming.Scope
	// ClusterArn is the stack's ECS cluster.
	ClusterArn string
	// Deployers are the roles whose ECS deploys are the pipelines' (the
	// deploy role, the app team's pipeline) or AWS's own (Application
	// Auto Scaling's service-linked role changing a service's task count).
	Deployers []string
}

// TamperRoutes are the routes of tampering to the alarm topic. The ECS
// route is per stack; the others are account-wide.
func TamperRoutes(a TamperArgs) []Route {
	api := func(source string, events []string) map[string]any {
		return map[string]any{
			"source":      []string{source},
			"detail-type": []string{APICallDetailType},
			"detail":      map[string]any{"eventName": events},
		}
	}
	prefix := a.Scope.Prefix
	return []Route{
		{
			Key: "root-activity", Account: true, Global: true,
			Description: "Any API call or console sign-in by the account's root user (break glass, or a stolen root credential)",
			Pattern: map[string]any{
				"detail-type": append([]string{APICallDetailType}, SignInDetailTypes...),
				"detail":      map[string]any{"userIdentity": map[string]any{"type": []string{"Root"}}},
			},
		},
		{
			Key: "iam-changes", Account: true, Global: true,
			Description: "IAM policy, role, trust, credential and identity-provider changes",
			Pattern:     api("aws.iam", IAMChanges),
		},
		{
			Key: "trail-changes", Account: true,
			Description: "CloudTrail stopped, updated, deleted or its event selectors changed",
			Pattern:     api("aws.cloudtrail", TrailChanges),
		},
		{
			Key: "key-changes", Account: true,
			Description: "A KMS key disabled, scheduled for deletion, re-policied or its rotation disabled",
			Pattern:     api("aws.kms", KeyChanges),
		},
		{
			Key: "config-changes", Account: true,
			Description: "The AWS Config recorder, delivery channel or a conformance pack stopped, changed or deleted",
			Pattern:     api("aws.config", ConfigChanges),
		},
		{
			Key: "s3-access-changes", Account: true,
			Description: "A bucket policy, ACL or public access block changed, or the account's public access block",
			Pattern:     api("aws.s3", S3AccessChanges),
		},
		{
			Key: "console-without-mfa", Account: true, Global: true,
			Description: "A successful console sign-in by an IAM user or the root user without MFA",
			Pattern: map[string]any{
				"detail-type": SignInDetailTypes,
				"detail": map[string]any{
					"eventName":           []string{"ConsoleLogin"},
					"responseElements":    map[string]any{"ConsoleLogin": []string{"Success"}},
					"additionalEventData": map[string]any{"MFAUsed": []string{"No"}},
					// A federated sign-in's MFA is its identity provider's;
					// the record cannot show it.
					"userIdentity": map[string]any{"type": []string{"IAMUser", "Root"}},
				},
			},
		},
		{
			Key:         "ecs-outside-pipeline",
			Description: "A task definition registered or a service changed in this stack by anyone but the deploy pipelines",
			Pattern: map[string]any{
				"source":      []string{"aws.ecs"},
				"detail-type": []string{APICallDetailType},
				"detail": map[string]any{
					"eventName": ECSDeploys,
					"$or": []map[string]any{
						{"requestParameters": map[string]any{"family": []map[string]string{{"prefix": prefix + "-"}}}},
						{"requestParameters": map[string]any{"cluster": []string{prefix, a.ClusterArn}}},
					},
					"userIdentity": map[string]any{"$or": []map[string]any{
						{"type": []map[string]string{{"anything-but": "AssumedRole"}}},
						{"sessionContext": map[string]any{"sessionIssuer": map[string]any{"arn": []map[string][]string{{"anything-but": a.Deployers}}}}},
					}},
				},
			},
		},
	}
}

// RoutesFor are the routes a stack creates: the account-wide ones only in
// the stack that owns the account singletons.
func RoutesFor(a TamperArgs, ownsAccount bool) []Route {
	return slices.DeleteFunc(TamperRoutes(a), func(r Route) bool { return r.Account && !ownsAccount })
}

// TamperRuleName is a route's rule: <prefix>-tamper-<key>.
func TamperRuleName(scope naming.Scope, key string) string { return scope.Name("tamper", key) }

// GlobalEventsRegion is where a partition's global services (IAM, console
// sign-in) record their events: us-east-1 in the commercial partition,
// us-gov-west-1 in GovCloud.
func GlobalEventsRegion(partition string) string {
	if partition == "aws-us-gov" {
		return "us-gov-west-1"
	}
	return "us-east-1"
}

// ApplicationAutoScalingECSRole is the service-linked role Application Auto
// Scaling changes an ECS service's task count with (ecs:UpdateService)
// (Application Auto Scaling User Guide, "Service-linked roles for
// Application Auto Scaling").
func ApplicationAutoScalingECSRole(scope naming.Scope) string {
	return scope.ARN("iam", "role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService")
}

// TamperDetectionArgs configures TamperDetection.
type TamperDetectionArgs struct {
	// Scope's prefix names the rules. Required.
	Scope naming.Scope
	// Routes are the routes to create (RoutesFor). Required.
	Routes []Route
	// TopicArn receives every matched event. Its policy must admit each
	// rule (TamperRuleName). Required.
	TopicArn pulumi.StringInput
}

// validate reports every missing or invalid field at once.
func (a TamperDetectionArgs) validate() error {
	c := fields.For("compliance.TamperDetectionArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Routes", a.Routes)
	c.Require("TopicArn", a.TopicArn)
	seen := map[string]bool{}
	for _, r := range a.Routes {
		if r.Key == "" || seen[r.Key] || r.Description == "" || len(r.Pattern) == 0 {
			c.Invalid("Routes", "route %q needs a unique key, a description and a pattern", r.Key)
		}
		seen[r.Key] = true
	}
	return c.Err()
}

// TamperDetection is the EventBridge rules that send tampering to the alarm topic.
type TamperDetection struct {
	pulumi.ResourceState

	// Warnings say what these rules cannot see from the stack's region.
	Warnings []string
}

// NewTamperDetection creates one rule per route, each targeting the alarm topic.
func NewTamperDetection(ctx *pulumi.Context, name string, args *TamperDetectionArgs, opts ...pulumi.ResourceOption) (*TamperDetection, error) {
	if args == nil {
		args = &TamperDetectionArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &TamperDetection{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:TamperDetection", name, t, opts...); err != nil {
		return nil, err
	}
	home := GlobalEventsRegion(args.Scope.Partition)
	for _, r := range args.Routes {
		if r.Global && args.Scope.Region != home {
			t.Warnings = append(t.Warnings, fmt.Sprintf("the %s rule cannot see its events from %s: IAM and console sign-in record them in %s only; "+
				"until a rule there forwards them, rely on the trail and GuardDuty for them", TamperRuleName(args.Scope, r.Key), args.Scope.Region, home))
		}
		if err := observability.RouteToTopic(ctx, name+"-"+r.Key, TamperRuleName(args.Scope, r.Key), r.Description,
			observability.EventPattern(r.Pattern), args.TopicArn, pulumi.Parent(t)); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{}); err != nil {
		return nil, err
	}
	return t, nil
}
