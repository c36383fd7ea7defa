package compliance

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/observability"
)

// Feature is a GuardDuty detector feature and its additional configuration.
type Feature struct {
	Name string
	// Additional maps each additional configuration to its status.
	Additional []Setting
}

// Setting is one additional configuration and its status.
type Setting struct {
	Name, Status string
}

// GuardDutyFeatures are the detector features turned on, with their
// additional configuration. Runtime monitoring manages the agent on Fargate
// (which needs platform 1.4.0 and a new deployment to reach running tasks).
// All three agent-management settings are declared: the API returns all
// three, so declaring one would show a diff on every preview. EKS has
// nothing to monitor here, and the bastion (EC2) runs no workload, so only
// Fargate's is on. With it on, GuardDuty creates a VPC endpoint and a
// security group in the VPC that Pulumi does not track (docs/runbooks.md:
// before deleting subnets or the VPC).
var GuardDutyFeatures = []Feature{
	{Name: "S3_DATA_EVENTS"},
	{Name: "RDS_LOGIN_EVENTS"},
	{Name: "EBS_MALWARE_PROTECTION"},
	{Name: "RUNTIME_MONITORING", Additional: []Setting{
		{Name: "ECS_FARGATE_AGENT_MANAGEMENT", Status: "ENABLED"},
		{Name: "EC2_AGENT_MANAGEMENT", Status: "DISABLED"},
		{Name: "EKS_ADDON_MANAGEMENT", Status: "DISABLED"},
	}},
}

// FindingPublishingFrequency is how often GuardDuty publishes updates to
// existing findings (new findings go out within minutes regardless): the
// shortest interval it offers, so an ongoing attack keeps paging.
const FindingPublishingFrequency = "FIFTEEN_MINUTES"

// HighSeverity is GuardDuty's floor for high-severity findings (7.0 to 8.9; critical is 9.0 and up).
const HighSeverity = 7

// ThreatDetectionArgs configures ThreatDetection.
type ThreatDetectionArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the findings rule. Required.
	Scope naming.Scope
	// TopicArn receives high-severity findings. Required.
	TopicArn pulumi.StringInput
}

// validate reports every missing or invalid field at once.
func (a ThreatDetectionArgs) validate() error {
	c := fields.For("compliance.ThreatDetectionArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("TopicArn", a.TopicArn)
	return c.Err()
}

// ThreatDetection is GuardDuty with its findings routed to the alarm topic.
type ThreatDetection struct {
	pulumi.ResourceState

	// DetectorID is the GuardDuty detector's ID.
	DetectorID pulumi.IDOutput
}

// FindingsRuleName is the EventBridge rule routing findings to the topic:
// <prefix>-guardduty-high-severity.
func FindingsRuleName(scope naming.Scope) string { return scope.Name("guardduty-high-severity") }

// RoutedFindingTypes are the GuardDuty finding types routed to the alarm
// topic whatever their severity: the filter on HighSeverity alone drops
// them, and GuardDuty rates root-credential use, a disabled trail or
// password policy, a removed public access block and disabled server
// access logging Low, and a suspicious console sign-in or instance
// credentials used from another AWS account Medium (GuardDuty User Guide,
// "GuardDuty finding types": IAM and S3 Protection finding types).
var RoutedFindingTypes = []string{
	"Policy:IAMUser/RootCredentialUsage",
	"Stealth:IAMUser/CloudTrailLoggingDisabled",
	"Stealth:IAMUser/PasswordPolicyChange",
	"Policy:S3/AccountBlockPublicAccessDisabled",
	"Policy:S3/BucketBlockPublicAccessDisabled",
	"Stealth:S3/ServerAccessLoggingDisabled",
	"UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B",
	"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
}

// RoutedFindingFamilies are finding-type prefixes routed whatever their
// severity: every RDS Protection finding (anomalous or malicious logins to
// Aurora, the PHI store; GuardDuty User Guide, "RDS Protection finding types").
var RoutedFindingFamilies = []string{"CredentialAccess:RDS/", "Discovery:RDS/"}

// FindingsPattern matches GuardDuty findings of high severity or worse,
// and findings of RoutedFindingTypes and RoutedFindingFamilies at any severity.
func FindingsPattern() string {
	types := []any{}
	for _, t := range RoutedFindingTypes {
		types = append(types, t)
	}
	for _, f := range RoutedFindingFamilies {
		types = append(types, map[string]string{"prefix": f})
	}
	return observability.EventPattern(map[string]any{
		"source":      []string{"aws.guardduty"},
		"detail-type": []string{"GuardDuty Finding"},
		"detail": map[string]any{"$or": []map[string]any{
			{"severity": []map[string][]any{{"numeric": {">=", HighSeverity}}}},
			{"type": types},
		}},
	})
}

// NewThreatDetection creates the detector (15-minute findings), its features
// and the findings rule.
func NewThreatDetection(ctx *pulumi.Context, name string, args *ThreatDetectionArgs, opts ...pulumi.ResourceOption) (*ThreatDetection, error) {
	if args == nil {
		args = &ThreatDetectionArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &ThreatDetection{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:ThreatDetection", name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	detector, err := guardduty.NewDetector(ctx, name, &guardduty.DetectorArgs{
		Enable:                     pulumi.Bool(true),
		FindingPublishingFrequency: pulumi.String(FindingPublishingFrequency),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create GuardDuty detector: %w", err)
	}
	for _, f := range GuardDutyFeatures {
		var extra guardduty.DetectorFeatureAdditionalConfigurationArray
		for _, a := range f.Additional {
			extra = append(extra, &guardduty.DetectorFeatureAdditionalConfigurationArgs{Name: pulumi.String(a.Name), Status: pulumi.String(a.Status)})
		}
		if _, err := guardduty.NewDetectorFeature(ctx, fmt.Sprintf("%s-%s", name, f.Name), &guardduty.DetectorFeatureArgs{
			DetectorId:               detector.ID(),
			Name:                     pulumi.String(f.Name),
			Status:                   pulumi.String("ENABLED"),
			AdditionalConfigurations: extra,
		}, parent); err != nil {
			return nil, fmt.Errorf("enable GuardDuty feature %s: %w", f.Name, err)
		}
	}
	if err := observability.RouteToTopic(ctx, name+"-findings", FindingsRuleName(args.Scope),
		"GuardDuty findings of high severity or worse, and the tampering and database-access types at any severity, to the alarm topic", FindingsPattern(), args.TopicArn, parent); err != nil {
		return nil, err
	}
	t.DetectorID = detector.ID()
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{"detectorId": t.DetectorID}); err != nil {
		return nil, err
	}
	return t, nil
}
