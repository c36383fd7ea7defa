package compliance

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/storage"
)

// AccessLogBucketArgs configures the S3 server access-log bucket.
type AccessLogBucketArgs struct {
	// NamePrefix starts the bucket's name and every bucket allowed to log
	// to it, e.g. "omnirapeutic-production". Required.
	NamePrefix string
	// AccountID scopes the delivery grant to this account's buckets. Required.
	AccountID string
	// KmsKeyArn encrypts the logs (the S3 key, whose policy admits the
	// logging service principal). Required.
	KmsKeyArn pulumi.StringInput
}

// AccessLogBucketName is globally unique through the account ID.
func AccessLogBucketName(namePrefix, account string) string {
	return fmt.Sprintf("%s-s3-access-logs-%s", namePrefix, account)
}

// NewAccessLogBucket creates the bucket every other bucket's server access
// logs go to. It holds every bucket control but two, by necessity: it does
// not log to itself (each delivery would log another), and it has no Object
// Lock (S3 refuses a locked bucket as a logging destination).
func NewAccessLogBucket(ctx *pulumi.Context, name string, args *AccessLogBucketArgs, opts ...pulumi.ResourceOption) (*storage.Bucket, error) {
	if args == nil || args.NamePrefix == "" || args.AccountID == "" || args.KmsKeyArn == nil {
		return nil, fmt.Errorf("AccessLogBucketArgs: NamePrefix, AccountID and KmsKeyArn are required")
	}
	return storage.NewBucket(ctx, name, &storage.BucketArgs{
		Name:      AccessLogBucketName(args.NamePrefix, args.AccountID),
		KmsKeyArn: args.KmsKeyArn,
		Lifecycle: AuditLifecycle,
		Protect:   true,
		Grants: func(bucketArn string) []policy.Statement {
			return []policy.Statement{{
				Sid: "S3ServerAccessLogsDelivery", Effect: "Allow", Principal: policy.Service("logging.s3.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{bucketArn + "/*"},
				Condition: policy.Conditions{
					"StringEquals": {"aws:SourceAccount": {args.AccountID}},
					"ArnLike":      {"aws:SourceArn": {storage.Arn(args.NamePrefix + "-*")}},
				},
			}}
		},
	}, opts...)
}
