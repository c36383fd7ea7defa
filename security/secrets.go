package security

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
)

// SecretsArgs configures Secrets.
type SecretsArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every secret name. Required.
	Scope naming.Scope
	// KmsKeyArn encrypts the secrets (the Secrets key). Required.
	KmsKeyArn pulumi.StringInput
}

// validate reports every missing or invalid field at once.
func (a SecretsArgs) validate() error {
	c := fields.For("security.SecretsArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	return c.Err()
}

// Secrets is the application's secrets. The database master credentials are
// not here: RDS creates, encrypts and rotates them itself.
type Secrets struct {
	pulumi.ResourceState

	// APIKeysArn is the ARN of the application API-keys secret.
	APIKeysArn pulumi.StringOutput
	// APIKeysName is its name.
	APIKeysName pulumi.StringOutput
}

// APIKeysSecretName is the API-keys secret's name: <prefix>/api-keys.
func APIKeysSecretName(scope naming.Scope) string { return scope.Prefix + "/api-keys" }

// NewSecrets creates the API-keys secret empty. Pulumi manages no version of
// it, so the value put in out of band is never overwritten by `pulumi up`.
func NewSecrets(ctx *pulumi.Context, name string, args *SecretsArgs, opts ...pulumi.ResourceOption) (*Secrets, error) {
	if args == nil {
		args = &SecretsArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Secrets{}
	if err := ctx.RegisterComponentResource("omnirapeutic:security:Secrets", name, s, opts...); err != nil {
		return nil, err
	}
	apiKeys, err := secretsmanager.NewSecret(ctx, name+"-api-keys", &secretsmanager.SecretArgs{
		Name:        pulumi.String(APIKeysSecretName(args.Scope)),
		Description: pulumi.String("Application API keys (JSON). Filled out of band: aws secretsmanager put-secret-value"),
		KmsKeyId:    args.KmsKeyArn,
		// The longest recovery window: a deleted secret can be restored for 30 days.
		RecoveryWindowInDays: pulumi.Int(30),
	}, pulumi.Parent(s), pulumi.Protect(true))
	if err != nil {
		return nil, fmt.Errorf("create API-keys secret: %w", err)
	}
	s.APIKeysArn = apiKeys.Arn
	s.APIKeysName = apiKeys.Name
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"apiKeysSecretArn": apiKeys.Arn}); err != nil {
		return nil, err
	}
	return s, nil
}
