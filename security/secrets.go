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
	// APIKeyServices are the services that ask for API keys (their
	// secrets list apiKeys): each gets a secret of its own, so that no
	// service, and no execution role, can read another's keys.
	APIKeyServices []string
}

// validate reports every missing or invalid field at once.
func (a SecretsArgs) validate() error {
	c := fields.For("security.SecretsArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	seen := map[string]bool{}
	for _, svc := range a.APIKeyServices {
		if svc == "" || seen[svc] {
			c.Invalid("APIKeyServices", "%q is empty or listed twice", svc)
		}
		seen[svc] = true
	}
	return c.Err()
}

// Secrets is the application's secrets. The database master credentials are
// not here: RDS creates, encrypts and rotates them itself.
type Secrets struct {
	pulumi.ResourceState

	// APIKeysArns maps each service in APIKeyServices to its API-keys secret's ARN.
	APIKeysArns map[string]pulumi.StringOutput
}

// APIKeysSecretName is a service's API-keys secret's name:
// <prefix>/<service>/api-keys.
func APIKeysSecretName(scope naming.Scope, service string) string {
	return scope.Prefix + "/" + service + "/api-keys"
}

// APIKeysLogicalName is the logical name of a service's API-keys secret:
// <name>-api-keys-<service> (a contract: renaming one replaces the secret).
func APIKeysLogicalName(name, service string) string { return name + "-api-keys-" + service }

// NewSecrets creates each service's API-keys secret empty. Pulumi manages no
// version of them, so the values put in out of band are never overwritten
// by `pulumi up`.
func NewSecrets(ctx *pulumi.Context, name string, args *SecretsArgs, opts ...pulumi.ResourceOption) (*Secrets, error) {
	if args == nil {
		args = &SecretsArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Secrets{APIKeysArns: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:security:Secrets", name, s, opts...); err != nil {
		return nil, err
	}
	outputs := pulumi.Map{}
	for _, svc := range args.APIKeyServices {
		secret, err := secretsmanager.NewSecret(ctx, APIKeysLogicalName(name, svc), &secretsmanager.SecretArgs{
			Name:        pulumi.String(APIKeysSecretName(args.Scope, svc)),
			Description: pulumi.String(fmt.Sprintf("API keys (JSON) of the %s service, and of no other. Filled out of band: aws secretsmanager put-secret-value", svc)),
			KmsKeyId:    args.KmsKeyArn,
			// The longest recovery window: a deleted secret can be restored for 30 days.
			RecoveryWindowInDays: pulumi.Int(30),
		}, pulumi.Parent(s), pulumi.Protect(true))
		if err != nil {
			return nil, fmt.Errorf("create the API-keys secret of %s: %w", svc, err)
		}
		s.APIKeysArns[svc] = secret.Arn
		outputs[svc+"ApiKeysSecretArn"] = secret.Arn
	}
	if err := ctx.RegisterResourceOutputs(s, outputs); err != nil {
		return nil, err
	}
	return s, nil
}
