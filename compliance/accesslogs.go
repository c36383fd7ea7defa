package compliance

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/storage"
)

// AccessLogBucketArgs configures the S3 server access-log bucket.
type AccessLogBucketArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// names the bucket, and with its account limits the delivery grant to this
	// stack's buckets. Required.
	Scope naming.Scope
}

// validate reports every missing or invalid field at once.
func (a AccessLogBucketArgs) validate() error {
	c := fields.For("compliance.AccessLogBucketArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	return c.Err()
}

// AccessLogSseS3Reason is why the access-log bucket is encrypted with SSE-S3:
// AWS's S3 User Guide ("Enabling Amazon S3 server access logging") supports
// default encryption on a log destination only with SSE-S3, not SSE-KMS.
const AccessLogSseS3Reason = "S3 server access logging supports only SSE-S3 default encryption on the destination bucket"

// AccessLogBucketName is <prefix>-s3-access-logs-<account>: bucket names
// are global, and the scope's account makes this one unique.
func AccessLogBucketName(scope naming.Scope) string {
	return scope.Name("s3-access-logs", scope.Account)
}

// NewAccessLogBucket creates the bucket every other bucket's server access
// logs go to. It holds every bucket control but three, by necessity: it does
// not log to itself (each delivery would log another), it has no Object Lock
// (S3 refuses a locked bucket as a logging destination), and it is encrypted
// with SSE-S3 (the only default encryption S3 supports on a destination).
func NewAccessLogBucket(ctx *pulumi.Context, name string, args *AccessLogBucketArgs, opts ...pulumi.ResourceOption) (*storage.Bucket, error) {
	if args == nil {
		args = &AccessLogBucketArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return storage.NewBucket(ctx, name, &storage.BucketArgs{
		Name:        AccessLogBucketName(args.Scope),
		Scope:       args.Scope,
		SseS3Reason: AccessLogSseS3Reason,
		Lifecycle:   AuditLifecycle(0), // no lock: six years
		Protect:     true,
		Grants: func(bucketArn string) []policy.Statement {
			return []policy.Statement{{
				Sid: "S3ServerAccessLogsDelivery", Effect: "Allow", Principal: policy.Service("logging.s3.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{bucketArn + "/*"},
				Condition: policy.Conditions{
					"StringEquals": {"aws:SourceAccount": {args.Scope.Account}},
					"ArnLike":      {"aws:SourceArn": {args.Scope.ARN("s3", args.Scope.Name("*"))}},
				},
			}}
		},
	}, opts...)
}
