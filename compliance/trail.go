// Package compliance provides the audit evidence an auditor reads first:
// the CloudTrail trail, AWS Config with the HIPAA conformance pack, and
// GuardDuty with high-severity findings routed to the alarm topic.
package compliance

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
	"github.com/omnirapeutic/infrastructure/storage"
)

// AuditLifecycle keeps audit logs for HIPAA's six years
// (stackconfig.HIPAARetentionDays), or for retentionDays when that is longer
// (Object Lock holds them that long, and expiration must not come first),
// moving them to cheaper storage as they age.
func AuditLifecycle(retentionDays int) storage.Lifecycle {
	return storage.Lifecycle{InfrequentAccessDays: 90, GlacierDays: 365, ExpireDays: max(stackconfig.HIPAARetentionDays, retentionDays), NoncurrentExpireDays: 90}
}

// TrailArgs configures a Trail.
type TrailArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// is the trail's name; its account and region scope the bucket policy and the
	// role's trust. Required.
	Scope naming.Scope
	// KmsKeyArn encrypts the log files and the bucket (the S3 key). Required.
	KmsKeyArn pulumi.StringInput
	// LogKeyArn encrypts the CloudWatch log group (the Logs key). Required.
	LogKeyArn pulumi.StringInput
	// LogRetentionDays is the log group's retention (an audit log), and the
	// Object Lock retention of the bucket's log files. Required.
	LogRetentionDays int
	// AccessLogBucket is the S3 server access-log bucket: the trail's bucket
	// logs to it, and neither bucket's object events are recorded (each
	// would feed itself). Required.
	AccessLogBucket *storage.Bucket
}

// validate reports every missing or invalid field at once.
func (a TrailArgs) validate() error {
	c := fields.For("compliance.TrailArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	c.Require("LogKeyArn", a.LogKeyArn)
	c.Require("LogRetentionDays", a.LogRetentionDays)
	c.Require("AccessLogBucket", a.AccessLogBucket)
	return c.Err()
}

// DataEventSelectors are the trail's advanced event selectors: every
// management event, S3 object-level (data) events for every bucket but the
// excluded ones, and the excluded ones' data events but PutObject.
func DataEventSelectors(scope naming.Scope, excludedBuckets ...pulumi.StringInput) cloudtrail.TrailAdvancedEventSelectorArray {
	var excluded pulumi.StringArray
	for _, b := range excludedBuckets {
		excluded = append(excluded, pulumi.Sprintf(scope.ARNFormat("s3", "%s/"), b))
	}
	return cloudtrail.TrailAdvancedEventSelectorArray{
		&cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("Management events"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Management")}},
			},
		},
		&cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("S3 data events, except the trail's and the access logs' buckets"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Data")}},
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.StringArray{pulumi.String("AWS::S3::Object")}},
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), NotStartsWiths: excluded},
			},
		},
		// The excluded buckets' reads and deletes are data events too: record
		// every one but PutObject, the deliveries that would feed
		// themselves (CloudTrail user guide, "Filtering data events by using
		// advanced event selectors": eventName takes NotEquals, and a
		// selector's conditions all apply).
		&cloudtrail.TrailAdvancedEventSelectorArgs{
			Name: pulumi.String("S3 data events of the excluded buckets, except their deliveries (PutObject)"),
			FieldSelectors: cloudtrail.TrailAdvancedEventSelectorFieldSelectorArray{
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventCategory"), Equals: pulumi.StringArray{pulumi.String("Data")}},
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.type"), Equals: pulumi.StringArray{pulumi.String("AWS::S3::Object")}},
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("resources.ARN"), StartsWiths: excluded},
				&cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs{Field: pulumi.String("eventName"), NotEquals: pulumi.StringArray{pulumi.String("PutObject")}},
			},
		},
	}
}

// Trail is the account's multi-region CloudTrail trail.
type Trail struct {
	pulumi.ResourceState

	// Arn is the trail's ARN.
	Arn pulumi.StringOutput
	// LogGroupName is where the trail's events arrive in CloudWatch Logs.
	LogGroupName pulumi.StringOutput
	// BucketName is the log files' bucket.
	BucketName pulumi.StringOutput
	// Bucket is that bucket, for what completes it (replication waits for it).
	Bucket *storage.Bucket
}

// TrailLogGroupName is the trail's CloudWatch log group,
// /aws/cloudtrail/<prefix>: the /aws/<service>/ path of AWS's own log groups,
// a convention rather than a rule (CloudWatch Logs reserves only names
// starting "aws/"). Renaming a log group replaces it, so the name stays.
func TrailLogGroupName(scope naming.Scope) string { return "/aws/cloudtrail/" + scope.Name() }

// TrailBucketName is <prefix>-cloudtrail-<account>: bucket names are
// global, and the scope's account makes this one unique.
func TrailBucketName(scope naming.Scope) string { return scope.Name("cloudtrail", scope.Account) }

// NewTrail creates the trail with its bucket, log group and delivery role.
func NewTrail(ctx *pulumi.Context, name string, args *TrailArgs, opts ...pulumi.ResourceOption) (*Trail, error) {
	if args == nil {
		args = &TrailArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &Trail{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:Trail", name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	trailArn := args.Scope.ARN("cloudtrail", "trail/"+args.Scope.Name())

	bucket, err := storage.NewBucket(ctx, name+"-bucket", &storage.BucketArgs{
		Name:            TrailBucketName(args.Scope),
		Scope:           args.Scope,
		KmsKeyArn:       args.KmsKeyArn,
		Lifecycle:       AuditLifecycle(args.LogRetentionDays),
		Protect:         true,
		AccessLogBucket: args.AccessLogBucket,
		ObjectLockDays:  args.LogRetentionDays,
		Grants: func(bucketArn string) []policy.Statement {
			source := policy.Conditions{"StringEquals": {"aws:SourceArn": {trailArn}}}
			return []policy.Statement{
				{Sid: "CloudTrailChecksAcl", Effect: "Allow", Principal: policy.Service("cloudtrail.amazonaws.com"),
					Action: []string{"s3:GetBucketAcl"}, Resource: []string{bucketArn}, Condition: source},
				{Sid: "CloudTrailWritesLogs", Effect: "Allow", Principal: policy.Service("cloudtrail.amazonaws.com"),
					Action: []string{"s3:PutObject"}, Resource: []string{fmt.Sprintf("%s/AWSLogs/%s/*", bucketArn, args.Scope.Account)},
					Condition: policy.Conditions{"StringEquals": {
						"aws:SourceArn": {trailArn},
						"s3:x-amz-acl":  {"bucket-owner-full-control"},
					}}},
			}
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	group, err := logs.NewGroup(ctx, name+"-logs", &logs.GroupArgs{
		Name: TrailLogGroupName(args.Scope), RetentionDays: args.LogRetentionDays, KmsKeyArn: args.LogKeyArn, Audit: true,
	}, parent)
	if err != nil {
		return nil, err
	}
	role, err := access.NewRole(ctx, name+"-logs", &access.RoleArgs{
		Name:        args.Scope.Name("cloudtrail-logs"),
		Description: "Delivers CloudTrail events to " + TrailLogGroupName(args.Scope),
		// No aws:SourceArn/aws:SourceAccount condition: CloudTrail's guide
		// ("Role policy document for CloudTrail to use CloudWatch Logs for
		// monitoring") says confused-deputy prevention does not apply to
		// this role and CloudTrail does not send those keys when it assumes
		// it; with the condition CloudTrail cannot deliver to the log group
		// (prowler-cloud/prowler#4714). The role can write only this group.
		Trust: policy.AssumeRole("cloudtrail.amazonaws.com", nil),
		Policy: group.Arn.ApplyT(func(arn string) string {
			return policy.New(policy.Allow("WriteTrailEvents", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				[]string{fmt.Sprintf("%s:log-stream:*", arn)})).JSON()
		}).(pulumi.StringOutput),
		PolicyDescription: "Write access to the trail's log group only",
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("CloudTrail logs role: %w", err)
	}

	trail, err := cloudtrail.NewTrail(ctx, name, &cloudtrail.TrailArgs{
		Name:                       pulumi.String(args.Scope.Prefix),
		S3BucketName:               bucket.Name,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		AdvancedEventSelectors:     DataEventSelectors(args.Scope, bucket.Name, args.AccessLogBucket.Name),
		KmsKeyId:                   args.KmsKeyArn,
		// CloudTrail wants the group's ARN with the stream wildcard.
		CloudWatchLogsGroupArn: pulumi.Sprintf("%s:*", group.Arn),
		CloudWatchLogsRoleArn:  role.Arn,
		Tags:                   pulumi.StringMap{"Name": pulumi.String(args.Scope.Prefix)},
	}, parent, pulumi.DependsOn(append(bucket.Ready, role.Attachments...)))
	if err != nil {
		return nil, fmt.Errorf("create trail: %w", err)
	}
	t.Arn = trail.Arn
	t.LogGroupName = group.Name
	t.BucketName = bucket.Name
	t.Bucket = bucket
	if err := ctx.RegisterResourceOutputs(t, pulumi.Map{"arn": t.Arn, "logGroupName": t.LogGroupName}); err != nil {
		return nil, err
	}
	return t, nil
}
