package data

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// SessionUser is the operating-system user every Session Manager shell on
// the bastion runs as: created by the instance's user data without sudo,
// wheel or any group beyond its own, so that a session cannot become root.
// Without Run As, Session Manager starts shells as ssm-user, which SSM
// Agent creates with passwordless sudo (Systems Manager User Guide, "Turn
// on or turn off ssm-user account administrative permissions"). The same in
// every stack: the account's default preferences name it too.
const SessionUser = "engineer"

// BastionUserData creates SessionUser. Session Manager's Run As requires
// the user to exist on the instance, or sessions fail to start (Systems
// Manager User Guide, "Session document schema", runAsEnabled). cloud-init
// runs user data once, at the instance's first boot, so the instance is
// replaced when it changes (userDataReplaceOnChange): the bastion is
// stateless and rebuilt, never patched by hand.
func BastionUserData() string {
	return "#!/bin/bash\n" +
		"set -euo pipefail\n" +
		"id -u " + SessionUser + " >/dev/null 2>&1 || useradd --create-home --user-group --shell /bin/bash " + SessionUser + "\n"
}

// ShellDocumentName is the stack's own shell session document,
// <prefix>-bastion-shell: its sessions are logged to this stack's session
// log group and encrypted with this stack's audit-logs key, whichever stack
// owns the account's default preferences.
func ShellDocumentName(scope naming.Scope) string { return scope.Name("bastion-shell") }

// TunnelDocumentName is the stack's port-forwarding document,
// <prefix>-aurora-tunnel: it forwards only to the cluster's endpoints, on
// the PostgreSQL port.
func TunnelDocumentName(scope naming.Scope) string { return scope.Name("aurora-tunnel") }

// EngineerRoleName is the role an engineer assumes to reach the database:
// <prefix>-bastion-engineer.
func EngineerRoleName(scope naming.Scope) string { return scope.Name("bastion-engineer") }

// BastionRoleName is the bastion instance's role, <prefix>-bastion.
func BastionRoleName(scope naming.Scope) string { return scope.Name("bastion") }

// ShellDocument renders a Standard_Stream session document: every session
// streamed to the encrypted log group, encrypted end to end with the
// audit-logs key, run as SessionUser, ended when idle (Systems Manager User
// Guide, "Session document schema"). description names what the document
// is for.
func ShellDocument(description, logGroup, keyID string, s stackconfig.Bastion) (string, error) {
	doc := map[string]any{
		"schemaVersion": "1.0",
		"description":   description,
		"sessionType":   "Standard_Stream",
		"inputs": map[string]any{
			"cloudWatchLogGroupName":      logGroup,
			"cloudWatchEncryptionEnabled": true,
			"cloudWatchStreamingEnabled":  true,
			"kmsKeyId":                    keyID,
			"s3BucketName":                "",
			"s3KeyPrefix":                 "",
			"s3EncryptionEnabled":         true,
			"runAsEnabled":                true,
			"runAsDefaultUser":            SessionUser,
			"idleSessionTimeout":          strconv.Itoa(s.IdleSessionTimeoutMinutes),
			"maxSessionDuration":          strconv.Itoa(s.MaxSessionDurationMinutes),
			"shellProfile":                map[string]string{"linux": "", "windows": ""},
		},
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// TunnelDocument renders a Port session document that forwards a local
// port to one of hosts (the cluster's writer and reader endpoints) on
// PostgresPort, and nowhere else: the remote host is a parameter limited to
// those values, the remote port fixed (SSM Agent's port plugin takes host,
// portNumber, localPortNumber and type LocalPortForwarding, as AWS's
// AWS-StartPortForwardingSessionToRemoteHost passes them; aws/amazon-ssm-agent,
// agent/session/plugins/port). AWS's own document forwards to any host the
// caller names, which is why the engineer's role may not use it.
func TunnelDocument(hosts []string) (string, error) {
	doc := map[string]any{
		"schemaVersion": "1.0",
		"description":   "Forward a local port to the Aurora cluster's PostgreSQL port through the bastion, and nowhere else",
		"sessionType":   "Port",
		"parameters": map[string]any{
			"host": map[string]any{
				"type":          "String",
				"description":   "The cluster endpoint: the writer (default) or the readers",
				"allowedValues": hosts,
				"default":       hosts[0],
			},
			"localPortNumber": map[string]any{
				"type":           "String",
				"description":    "The port on the engineer's computer",
				"allowedPattern": `^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$`,
				"default":        strconv.Itoa(security.PostgresPort),
			},
		},
		"properties": map[string]any{
			"type":            "LocalPortForwarding",
			"host":            "{{ host }}",
			"portNumber":      strconv.Itoa(security.PostgresPort),
			"localPortNumber": "{{ localPortNumber }}",
		},
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// EngineerAccess is what the engineer's role names.
type EngineerAccess struct {
	// InstanceArn is the bastion's ARN.
	InstanceArn string
	// AuditKeyArn encrypts sessions: whoever starts one asks KMS for a data key.
	AuditKeyArn string
	// MasterSecretArn is the RDS-managed master login, for the runbooks that
	// need it (docs/runbooks.md, "Connect to Aurora through the bastion").
	MasterSecretArn string
	// SecretsKeyArn decrypts it, through Secrets Manager only.
	SecretsKeyArn string
}

// SessionActions are what an engineer may do with Session Manager beyond
// starting a session: see and end their own.
var SessionActions = []string{"ssm:TerminateSession", "ssm:ResumeSession"}

// CommandActions run commands or automation on an instance without a
// session, logged or not: denied to the engineer outright.
var CommandActions = []string{"ssm:SendCommand", "ssm:StartAutomationExecution", "ssm:CreateAssociation", "ssm:StartAssociationsOnce"}

// EngineerPolicy lets an engineer start sessions on this bastion only, only
// with the stack's shell and tunnel documents (ssm:SessionDocumentAccessCheck
// makes Session Manager check the document even when none is named, so the
// account's default shell document is refused too), end their own sessions,
// ask for the data key sessions are encrypted with, and read the master
// login; and never send a command (Systems Manager User Guide, "Sample IAM
// policies for Session Manager" and "Enforce a session document permission
// check for the AWS CLI").
func EngineerPolicy(scope naming.Scope, a EngineerAccess) policy.Document {
	return policy.New(
		policy.Statement{
			Sid: "StartSessionsOnTheBastionWithTheStacksDocuments", Effect: "Allow",
			Action: []string{"ssm:StartSession"},
			Resource: []string{
				a.InstanceArn,
				scope.ARN("ssm", "document/"+ShellDocumentName(scope)),
				scope.ARN("ssm", "document/"+TunnelDocumentName(scope)),
			},
			Condition: policy.Conditions{"BoolIfExists": {"ssm:SessionDocumentAccessCheck": {"true"}}},
		},
		policy.Allow("EndOwnSessions", SessionActions, []string{scope.ARN("ssm", "session/${aws:userid}-*")}),
		policy.Allow("SeeSessionsAndTheBastion", []string{"ssm:DescribeSessions", "ssm:GetConnectionStatus", "ssm:DescribeInstanceProperties", "ec2:DescribeInstances"}, []string{"*"}),
		policy.Allow("EncryptSessions", []string{"kms:GenerateDataKey"}, []string{a.AuditKeyArn}),
		policy.Allow("ReadTheMasterLogin", []string{"secretsmanager:GetSecretValue"}, []string{a.MasterSecretArn}),
		policy.Statement{
			Sid: "DecryptTheMasterLoginThroughSecretsManager", Effect: "Allow",
			Action: []string{"kms:Decrypt"}, Resource: []string{a.SecretsKeyArn},
			Condition: policy.Conditions{"StringEquals": {"kms:ViaService": {scope.ServicePrincipal("secretsmanager")}}},
		},
		policy.Statement{Sid: "NoCommands", Effect: "Deny", Action: CommandActions, Resource: []string{"*"}},
	)
}

// EngineerTrust lets principals of this account that IAM allows
// sts:AssumeRole on the role assume it. No MFA condition: an IAM Identity
// Center session, the way people should sign in, carries no
// aws:MultiFactorAuthPresent (its MFA is the identity provider's), and the
// condition would refuse every one of them.
func EngineerTrust(scope naming.Scope) policy.Document {
	return policy.New(policy.Statement{
		Effect:    "Allow",
		Principal: policy.AWS(scope.AccountRoot()),
		Action:    []string{"sts:AssumeRole"},
	})
}

// newEngineerAccess creates the shell and tunnel documents and the
// engineer's role. The role trusts the account: who may assume it is
// granted where the engineers' identities are (an IAM Identity Center
// permission set or group allowing sts:AssumeRole on it), and CloudTrail
// records each AssumeRole with the person's identity.
func newEngineerAccess(ctx *pulumi.Context, name string, args *BastionArgs, instanceArn pulumi.StringOutput, parent pulumi.ResourceOption) (*access.Role, error) {
	shell := args.LogKeyID.ToStringOutput().ApplyT(func(keyID string) (string, error) {
		return ShellDocument("Shell on the "+args.Scope.Prefix+" bastion: logged, encrypted, as a user without sudo", SessionLogGroupName(args.Scope), keyID, args.Settings)
	}).(pulumi.StringOutput)
	if _, err := ssm.NewDocument(ctx, name+"-shell-document", &ssm.DocumentArgs{
		Name:           pulumi.String(ShellDocumentName(args.Scope)),
		DocumentType:   pulumi.String("Session"),
		DocumentFormat: pulumi.String("JSON"),
		Content:        shell,
	}, parent); err != nil {
		return nil, fmt.Errorf("create the bastion's shell session document: %w", err)
	}
	tunnel := pulumi.All(args.DatabaseEndpoint, args.DatabaseReaderEndpoint).ApplyT(func(v []any) (string, error) {
		return TunnelDocument([]string{v[0].(string), v[1].(string)})
	}).(pulumi.StringOutput)
	if _, err := ssm.NewDocument(ctx, name+"-tunnel-document", &ssm.DocumentArgs{
		Name:           pulumi.String(TunnelDocumentName(args.Scope)),
		DocumentType:   pulumi.String("Session"),
		DocumentFormat: pulumi.String("JSON"),
		Content:        tunnel,
	}, parent); err != nil {
		return nil, fmt.Errorf("create the Aurora tunnel session document: %w", err)
	}
	doc := pulumi.All(instanceArn, args.LogKeyArn, args.MasterSecretArn, args.SecretsKeyArn).ApplyT(func(v []any) string {
		return EngineerPolicy(args.Scope, EngineerAccess{InstanceArn: v[0].(string), AuditKeyArn: v[1].(string), MasterSecretArn: v[2].(string), SecretsKeyArn: v[3].(string)}).JSON()
	}).(pulumi.StringOutput)
	role, err := access.NewRole(ctx, name+"-engineer", &access.RoleArgs{
		Name:              EngineerRoleName(args.Scope),
		Description:       "Engineers reach Aurora through the bastion: sessions with this stack's documents only, no commands",
		Trust:             EngineerTrust(args.Scope),
		Policy:            doc,
		PolicyDescription: "Start sessions on the bastion with the stack's shell and Aurora tunnel documents; read the master login",
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("bastion engineer role: %w", err)
	}
	return role, nil
}
