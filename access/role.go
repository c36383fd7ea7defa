// Package access creates the stack's IAM roles the one way it allows: an
// explicit trust policy, the role's own permissions as a customer managed
// policy (never inline), and AWS managed policies attached by ARN.
//
// It was part of the security tier; it stands alone so that every tier
// that needs a service role (network, data, compute, compliance, pipeline)
// depends on this small package rather than on the keys, secrets and
// security groups. NewRole registers no component of its own: the role, its
// policy and attachments are children of the caller's component, named from
// the name given, so moving it here changed no type token, URN or logical name.
package access

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/policy"
)

// IAM's bounds on a role's maximum session duration, in seconds: an hour
// (also its default) to twelve ("Methods to assume a role", AWS IAM User
// Guide, id_roles_use.html; UpdateRole's MaxSessionDuration).
const (
	MinSessionSeconds = 3600
	MaxSessionSeconds = 43200
)

// RoleArgs configures a service role.
type RoleArgs struct {
	// Name is the role's physical name and its policy's name prefix. Required.
	Name string
	// Description says who assumes the role and why. Required.
	Description string
	// Trust is who may assume the role. Required.
	Trust policy.Document
	// Policy, when set, is the role's own permissions (JSON), created as a
	// customer managed policy: never inline (HIPAA IAM_NO_INLINE_POLICY_CHECK).
	Policy pulumi.StringInput
	// PolicyDescription describes Policy. Required with Policy.
	PolicyDescription string
	// ManagedPolicyArns are AWS managed policies to attach.
	ManagedPolicyArns []string
	// MaxSessionDuration, in seconds, is how long a session of the role may
	// last (IAM accepts 3600 to 43200); zero leaves IAM's default, an hour.
	MaxSessionDuration int
}

// validate reports every missing or invalid field at once.
func (a RoleArgs) validate() error {
	c := fields.For("access.RoleArgs")
	c.Require("Name", a.Name)
	c.Require("Description", a.Description)
	c.Require("Trust", a.Trust.Statement)
	if d := a.MaxSessionDuration; d != 0 && (d < MinSessionSeconds || d > MaxSessionSeconds) {
		c.Invalid("MaxSessionDuration", "%d seconds: IAM accepts %d to %d", d, MinSessionSeconds, MaxSessionSeconds)
	}
	if a.Policy != nil && a.PolicyDescription == "" {
		c.Invalid("PolicyDescription", "required with Policy: IAM cannot edit a policy's description later")
	}
	return c.Err()
}

// Role is an IAM role with its policies attached.
type Role struct {
	*iam.Role
	// Attachments complete the role: a service that assumes it at creation
	// (flow logs, CloudTrail) should depend on them.
	Attachments []pulumi.Resource
}

// NewRole creates the role <name>-role, its policy <name>-policy attached as
// <name>-policy-attachment, and each managed policy attached as
// <name>-<policy name>-attachment.
func NewRole(ctx *pulumi.Context, name string, args *RoleArgs, opts ...pulumi.ResourceOption) (*Role, error) {
	if args == nil {
		args = &RoleArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	roleArgs := &iam.RoleArgs{
		Name:             pulumi.String(args.Name),
		Description:      pulumi.String(args.Description),
		AssumeRolePolicy: pulumi.String(args.Trust.JSON()),
	}
	if args.MaxSessionDuration != 0 {
		roleArgs.MaxSessionDuration = pulumi.Int(args.MaxSessionDuration)
	}
	role, err := iam.NewRole(ctx, name+"-role", roleArgs, opts...)
	if err != nil {
		return nil, fmt.Errorf("create role %s: %w", args.Name, err)
	}
	r := &Role{Role: role}
	attach := func(logical string, arn pulumi.StringInput) error {
		a, err := iam.NewRolePolicyAttachment(ctx, logical, &iam.RolePolicyAttachmentArgs{Role: role.Name, PolicyArn: arn}, opts...)
		if err != nil {
			return fmt.Errorf("attach policy to role %s: %w", args.Name, err)
		}
		r.Attachments = append(r.Attachments, a)
		return nil
	}
	if args.Policy != nil {
		// A name prefix, not a name: IAM cannot edit a policy's description,
		// and only a generated name lets a replacement be created and
		// attached before the old policy is detached (replacement.Types).
		pol, err := iam.NewPolicy(ctx, name+"-policy", &iam.PolicyArgs{
			NamePrefix:  pulumi.String(args.Name + "-"),
			Description: pulumi.String(args.PolicyDescription),
			Policy:      args.Policy,
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("create policy of role %s: %w", args.Name, err)
		}
		if err := attach(name+"-policy-attachment", pol.Arn); err != nil {
			return nil, err
		}
	}
	for _, arn := range args.ManagedPolicyArns {
		short := arn[strings.LastIndex(arn, "/")+1:]
		if err := attach(fmt.Sprintf("%s-%s-attachment", name, short), pulumi.String(arn)); err != nil {
			return nil, err
		}
	}
	return r, nil
}
