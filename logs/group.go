// Package logs creates CloudWatch log groups the one way this stack allows:
// with an explicit retention and a customer KMS key. Every
// tier creates its log groups here so that the control lives in one place.
package logs

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// GroupArgs configures a log group.
type GroupArgs struct {
	// Name is the log group's physical name, e.g. "/aws/vpc/omnirapeutic-production-flow-logs". Required.
	Name string
	// RetentionDays must be a value CloudWatch Logs accepts. Required: a group
	// that never expires is a cost and a compliance finding.
	RetentionDays int
	// KmsKeyArn encrypts the group; its key policy must admit
	// logs.<region>.amazonaws.com (security.Logs does). Required.
	KmsKeyArn pulumi.StringInput
	// Tags are added to the provider's default tags.
	Tags pulumi.StringMap
	// Audit marks a group of audit records (CloudTrail, the database audit
	// log, sessions): protected, so `pulumi destroy` refuses it, and
	// retained on delete, so a refactor without an alias, a stack rename or
	// `pulumi state unprotect` followed by a destroy leaves it in AWS.
	Audit bool
}

// validate reports every missing or invalid field at once.
func (a GroupArgs) validate() error {
	c := fields.For("logs.GroupArgs")
	c.Require("Name", a.Name)
	c.Require("RetentionDays", a.RetentionDays)
	c.Require("KmsKeyArn", a.KmsKeyArn)
	if a.RetentionDays != 0 && !slices.Contains(stackconfig.LogRetentionValues, a.RetentionDays) {
		c.Invalid("RetentionDays", "%d days is not a retention CloudWatch Logs accepts (%v)", a.RetentionDays, stackconfig.LogRetentionValues)
	}
	return c.Err()
}

// NewGroup creates a log group named name (the logical name) from args.
func NewGroup(ctx *pulumi.Context, name string, args *GroupArgs, opts ...pulumi.ResourceOption) (*cloudwatch.LogGroup, error) {
	if args == nil {
		args = &GroupArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if args.Audit {
		// Clip: appending must not write into spare room of the caller's slice.
		opts = append(slices.Clip(opts), pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	g, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.Name),
		RetentionInDays: pulumi.Int(args.RetentionDays),
		KmsKeyId:        args.KmsKeyArn,
		Tags:            args.Tags,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("create log group %s: %w", args.Name, err)
	}
	return g, nil
}
