package compliance

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
)

// PasswordPolicy is the account's IAM password policy: the parameters of
// the HIPAA pack's iam-password-policy rule, which it must meet.
var PasswordPolicy = struct {
	MinimumLength, ReusePrevention, MaxAgeDays int
}{MinimumLength: 14, ReusePrevention: 24, MaxAgeDays: 90}

// AccountBaselineArgs chooses which account-wide settings this stack owns.
// Each is a singleton of the account and region: an organization that sets
// it centrally turns it off here (or imports it: docs/runbooks.md, "Account baseline settings that already exist").
type AccountBaselineArgs struct {
	// EbsEncryptionByDefault encrypts every new EBS volume in the region.
	EbsEncryptionByDefault bool
	// S3PublicAccessBlock blocks public ACLs and policies account-wide.
	S3PublicAccessBlock bool
	// PasswordPolicy sets the IAM password policy.
	PasswordPolicy bool
}

// validate reports every missing or invalid field at once: there is none,
// since each setting is a choice and false leaves it to the organization.
func (a AccountBaselineArgs) validate() error {
	return fields.For("compliance.AccountBaselineArgs").Err()
}

// AccountBaseline is the account-wide settings this stack owns.
type AccountBaseline struct {
	pulumi.ResourceState
}

// NewAccountBaseline creates the settings AccountBaselineArgs turns on.
func NewAccountBaseline(ctx *pulumi.Context, name string, args *AccountBaselineArgs, opts ...pulumi.ResourceOption) (*AccountBaseline, error) {
	if args == nil {
		args = &AccountBaselineArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &AccountBaseline{}
	if err := ctx.RegisterComponentResource("omnirapeutic:compliance:AccountBaseline", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	if args.EbsEncryptionByDefault {
		if _, err := ebs.NewEncryptionByDefault(ctx, name+"-ebs-encryption", &ebs.EncryptionByDefaultArgs{
			Enabled: pulumi.Bool(true),
		}, parent); err != nil {
			return nil, fmt.Errorf("turn on EBS encryption by default: %w", err)
		}
	}
	if args.S3PublicAccessBlock {
		if _, err := s3.NewAccountPublicAccessBlock(ctx, name+"-s3-public-access-block", &s3.AccountPublicAccessBlockArgs{
			BlockPublicAcls:       pulumi.Bool(true),
			BlockPublicPolicy:     pulumi.Bool(true),
			IgnorePublicAcls:      pulumi.Bool(true),
			RestrictPublicBuckets: pulumi.Bool(true),
		}, parent); err != nil {
			return nil, fmt.Errorf("block public S3 access account-wide: %w", err)
		}
	}
	if args.PasswordPolicy {
		if _, err := iam.NewAccountPasswordPolicy(ctx, name+"-password-policy", &iam.AccountPasswordPolicyArgs{
			MinimumPasswordLength:      pulumi.Int(PasswordPolicy.MinimumLength),
			RequireLowercaseCharacters: pulumi.Bool(true),
			RequireUppercaseCharacters: pulumi.Bool(true),
			RequireNumbers:             pulumi.Bool(true),
			RequireSymbols:             pulumi.Bool(true),
			PasswordReusePrevention:    pulumi.Int(PasswordPolicy.ReusePrevention),
			MaxPasswordAge:             pulumi.Int(PasswordPolicy.MaxAgeDays),
			AllowUsersToChangePassword: pulumi.Bool(true),
		}, parent); err != nil {
			return nil, fmt.Errorf("set the IAM password policy: %w", err)
		}
	}
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{}); err != nil {
		return nil, err
	}
	return b, nil
}
