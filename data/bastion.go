package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

const (
	// SessionPreferencesDocument is the name Session Manager reads its
	// account-wide preferences from. The console creates it on first use;
	// if it exists already, import it (docs/platform-engineer.md, "Before the first `pulumi up` in an account") before `pulumi up`.
	SessionPreferencesDocument = "SSM-SessionManagerRunShell"
)

// BastionArgs configures Bastion.
type BastionArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every name; its account and region scope the session-logging policy.
	// Required.
	Scope naming.Scope
	// Settings are the instance's type, AMI parameter and session limits. Required.
	Settings stackconfig.Bastion
	// SubnetID is the data subnet of Settings.AvailabilityZone. Required.
	SubnetID pulumi.StringInput
	// SecurityGroupID is the bastion security group (no ingress). Required.
	SecurityGroupID pulumi.StringInput
	// LogKeyArn and LogKeyID name the audit-logs key, which encrypts sessions and their log group. Required.
	LogKeyArn, LogKeyID pulumi.StringInput
	// LogRetentionDays is the session log group's retention (an audit log). Required.
	LogRetentionDays int
	// DatabaseEndpoint is the Aurora writer endpoint, for the connect command
	// and the tunnel document. Required.
	DatabaseEndpoint pulumi.StringInput
	// DatabaseReaderEndpoint is the Aurora reader endpoint, the tunnel
	// document's other destination. Required.
	DatabaseReaderEndpoint pulumi.StringInput
	// MasterSecretArn is the RDS-managed master login the engineer's role
	// may read. Required.
	MasterSecretArn pulumi.StringInput
	// SecretsKeyArn encrypts that secret. Required.
	SecretsKeyArn pulumi.StringInput
	// OwnsSessionPreferences creates the account's Session Manager
	// preferences (one per account and region); only the stack that owns
	// the account singletons sets it. Defaults to false.
	OwnsSessionPreferences bool
}

// validate reports every missing or invalid field at once.
func (a BastionArgs) validate() error {
	c := fields.For("data.BastionArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Settings", a.Settings)
	c.Require("SubnetID", a.SubnetID)
	c.Require("SecurityGroupID", a.SecurityGroupID)
	c.Require("LogKeyArn", a.LogKeyArn)
	c.Require("LogKeyID", a.LogKeyID)
	c.Require("LogRetentionDays", a.LogRetentionDays)
	c.Require("DatabaseEndpoint", a.DatabaseEndpoint)
	c.Require("DatabaseReaderEndpoint", a.DatabaseReaderEndpoint)
	c.Require("MasterSecretArn", a.MasterSecretArn)
	c.Require("SecretsKeyArn", a.SecretsKeyArn)
	return c.Err()
}

// Bastion is an EC2 instance with no inbound access at all: engineers reach
// it, and through it Aurora, only with SSM Session Manager. Shell sessions
// are logged, encrypted; port-forwarding sessions carry no session log (AWS
// does not log them), so database access is evidenced by CloudTrail's
// StartSession events and by the database's own audit log (pgAudit,
// log_connections).
type Bastion struct {
	pulumi.ResourceState

	// InstanceID is the bastion's instance ID (the SSM target).
	InstanceID pulumi.IDOutput
	// Arn is the instance's ARN, by which the backup plan selects it.
	Arn pulumi.StringOutput
	// SessionLogGroupName is where every session is logged.
	SessionLogGroupName pulumi.StringOutput
	// ConnectCommand forwards localhost:5432 to Aurora through the bastion.
	ConnectCommand pulumi.StringOutput
	// EngineerRoleArn is the role engineers assume to start sessions.
	EngineerRoleArn pulumi.StringOutput
}

// SessionLogGroupName is the bastion's session log group,
// /aws/ssm/<prefix>-bastion-sessions: the /aws/<service>/ path is a
// convention (as for the trail's group), and renaming a log group replaces it.
func SessionLogGroupName(scope naming.Scope) string {
	return "/aws/ssm/" + scope.Name("bastion-sessions")
}

// NewBastion creates the bastion, its role and the Session Manager preferences.
//
// The AMI is read once from the public SSM parameter and then ignored on
// later runs (ignoreChanges: ami), so a newly published AMI never replaces
// the bastion silently; replace it deliberately with `pulumi up --replace`.
func NewBastion(ctx *pulumi.Context, name string, args *BastionArgs, opts ...pulumi.ResourceOption) (*Bastion, error) {
	if args == nil {
		args = &BastionArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &Bastion{}
	if err := ctx.RegisterComponentResource("omnirapeutic:data:Bastion", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	physical := BastionRoleName(args.Scope)

	sessionLogs, err := logs.NewGroup(ctx, name+"-session-logs", &logs.GroupArgs{
		Name:          SessionLogGroupName(args.Scope),
		RetentionDays: args.LogRetentionDays,
		KmsKeyArn:     args.LogKeyArn,
		Audit:         true,
	}, parent)
	if err != nil {
		return nil, err
	}

	sessionPolicy := pulumi.All(sessionLogs.Arn, args.LogKeyArn).ApplyT(func(v []any) string {
		groupArn, keyArn := v[0].(string), v[1].(string)
		return SessionLoggingPolicy(args.Scope, groupArn, keyArn).JSON()
	}).(pulumi.StringOutput)
	role, err := access.NewRole(ctx, name, &access.RoleArgs{
		Name:              physical,
		Description:       "SSM-managed bastion: Session Manager and session logging only",
		Trust:             policy.AssumeRole("ec2.amazonaws.com", nil),
		Policy:            sessionPolicy,
		PolicyDescription: "Write Session Manager logs to the bastion's encrypted log group",
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(policy.SSMManagedInstanceCore)},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("bastion role: %w", err)
	}
	profile, err := iam.NewInstanceProfile(ctx, name+"-profile", &iam.InstanceProfileArgs{
		Name: pulumi.String(physical),
		Role: role.Name,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create bastion instance profile: %w", err)
	}

	ami, err := ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: args.Settings.AmiParameter})
	if err != nil {
		return nil, fmt.Errorf("read AMI parameter %s: %w", args.Settings.AmiParameter, err)
	}
	instance, err := ec2.NewInstance(ctx, name, &ec2.InstanceArgs{
		Ami:                      pulumi.String(ami.Value),
		InstanceType:             pulumi.String(args.Settings.InstanceType),
		SubnetId:                 args.SubnetID,
		VpcSecurityGroupIds:      pulumi.StringArray{args.SecurityGroupID},
		AssociatePublicIpAddress: pulumi.Bool(false),
		IamInstanceProfile:       profile.Name,
		Monitoring:               pulumi.Bool(true),
		MetadataOptions: &ec2.InstanceMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		RootBlockDevice: &ec2.InstanceRootBlockDeviceArgs{
			Encrypted:           pulumi.Bool(true),
			VolumeType:          pulumi.String("gp3"),
			DeleteOnTermination: pulumi.Bool(true),
		},
		UserData:                pulumi.String(BastionUserData()),
		UserDataReplaceOnChange: pulumi.Bool(true),
		Tags:                    pulumi.StringMap{"Name": pulumi.String(physical)},
	}, parent, pulumi.IgnoreChanges([]string{"ami"}))
	if err != nil {
		return nil, fmt.Errorf("create bastion instance: %w", err)
	}

	if args.OwnsSessionPreferences {
		content := args.LogKeyID.ToStringOutput().ApplyT(func(keyID string) (string, error) {
			return SessionPreferences(SessionLogGroupName(args.Scope), keyID, args.Settings)
		}).(pulumi.StringOutput)
		if _, err := ssm.NewDocument(ctx, name+"-session-preferences", &ssm.DocumentArgs{
			Name:           pulumi.String(SessionPreferencesDocument),
			DocumentType:   pulumi.String("Session"),
			DocumentFormat: pulumi.String("JSON"),
			Content:        content,
		}, parent); err != nil {
			return nil, fmt.Errorf("create Session Manager preferences: %w", err)
		}
	}

	engineer, err := newEngineerAccess(ctx, name, args, instance.Arn, parent)
	if err != nil {
		return nil, err
	}

	b.InstanceID = instance.ID()
	b.Arn = instance.Arn
	b.SessionLogGroupName = sessionLogs.Name
	b.EngineerRoleArn = engineer.Arn
	b.ConnectCommand = pulumi.Sprintf(
		"aws ssm start-session --region %s --target %s --document-name %s --parameters host=%s,localPortNumber=%d",
		args.Scope.Region, instance.ID(), TunnelDocumentName(args.Scope), args.DatabaseEndpoint, security.PostgresPort)
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"instanceId":      b.InstanceID,
		"connectCommand":  b.ConnectCommand,
		"engineerRoleArn": b.EngineerRoleArn,
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// SessionLoggingPolicy lets the bastion's SSM agent write session logs to
// its log group and decrypt session data with the Logs key; nothing more.
func SessionLoggingPolicy(scope naming.Scope, groupArn, keyArn string) policy.Document {
	return policy.New(
		policy.Allow("WriteSessionLogs",
			[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			[]string{groupArn, groupArn + ":*"}),
		// The agent checks the group's encryption before streaming.
		policy.Allow("FindSessionLogGroup",
			[]string{"logs:DescribeLogGroups"},
			[]string{scope.ARN("logs", "log-group:*")}),
		policy.Allow("DecryptSessions", []string{"kms:Decrypt"}, []string{keyArn}),
	)
}

// SessionPreferences renders the account's Session Manager preferences
// (the default shell document, SSM-SessionManagerRunShell): the same
// controls as the stack's own shell document (ShellDocument), for sessions
// that name no document.
func SessionPreferences(logGroup, keyID string, s stackconfig.Bastion) (string, error) {
	return ShellDocument("Session Manager preferences: encrypted, logged sessions as a user without sudo", logGroup, keyID, s)
}
