// Package pipeline is what the delivery pipeline needs before its first
// `pulumi preview`: a self-managed state backend in S3 with a KMS secrets
// provider, and GitHub Actions' way into the account (OIDC, a read-only
// preview role and a deploy role). The bootstrap project (bootstrap/) runs
// it once, as an administrator, with a local backend.
package pipeline

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/storage"
)

// StateVersionDays is how long overwritten state (every checkpoint `pulumi
// up` replaces) is kept: a year of history to restore from.
const StateVersionDays = 365

// StateBackendArgs configures a StateBackend.
type StateBackendArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its account
	// scopes the key policies and makes the bucket name globally unique; its
	// region is where the bucket and keys live. Required.
	Scope naming.Scope
}

// validate reports every missing or invalid field at once.
func (a StateBackendArgs) validate() error {
	c := fields.For("pipeline.StateBackendArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	return c.Err()
}

// StateBackend is the S3 bucket Pulumi keeps its state in and the KMS keys
// that encrypt it: one for the bucket, one for Pulumi's secrets provider.
type StateBackend struct {
	pulumi.ResourceState

	// BucketName is the state bucket's name.
	BucketName string
	// BucketArn is the state bucket's ARN.
	BucketArn string
	// StateKeyArn encrypts the bucket's objects.
	StateKeyArn pulumi.StringOutput
	// SecretsKeyArn encrypts the stack's secrets (Pulumi's secrets provider).
	SecretsKeyArn pulumi.StringOutput
	// BackendURL is what `pulumi login` takes.
	BackendURL string
	// SecretsProvider is what `pulumi stack init --secrets-provider` takes:
	// awskms://<alias name>?region=<region>. Pulumi's cloud secrets manager
	// opens it with gocloud.dev/secrets/awskms, whose URL host and path are
	// the key ID, which may be an alias name, and whose query names the
	// region (URLOpener; pulumi/pulumi pkg/secrets/cloud/manager.go,
	// v3.274.1). The end-to-end test creates the stacks with it (TestGuide).
	SecretsProvider string
}

// StateBucketName is the state bucket's name, <prefix>-pulumi-state-<account>:
// S3 names are global, so the scope's account makes it unique.
func StateBucketName(scope naming.Scope) string { return scope.Name("pulumi-state", scope.Account) }

// SecretsKeyAlias is the alias of the secrets provider's key,
// alias/<prefix>-pulumi-secrets (KMS requires every alias to start with alias/).
func SecretsKeyAlias(scope naming.Scope) string { return "alias/" + scope.Name("pulumi-secrets") }

// StateKeyAlias is the alias of the state bucket's key, alias/<prefix>-pulumi-state.
func StateKeyAlias(scope naming.Scope) string { return "alias/" + scope.Name("pulumi-state") }

// NewStateBackend creates the keys and the bucket, all protected: losing
// either loses every stack's state or secrets.
func NewStateBackend(ctx *pulumi.Context, name string, args *StateBackendArgs, opts ...pulumi.ResourceOption) (*StateBackend, error) {
	if args == nil {
		args = &StateBackendArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &StateBackend{
		BucketName: StateBucketName(args.Scope),
	}
	b.BucketArn = args.Scope.ARN("s3", b.BucketName)
	b.BackendURL = fmt.Sprintf("s3://%s?region=%s", b.BucketName, args.Scope.Region)
	b.SecretsProvider = fmt.Sprintf("awskms://%s?region=%s", SecretsKeyAlias(args.Scope), args.Scope.Region)
	if err := ctx.RegisterComponentResource("omnirapeutic:pipeline:StateBackend", name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)

	keyPolicy := KeyPolicy(args.Scope).JSON()
	newKey := func(purpose, description, alias string) (*kms.Key, error) {
		key, err := kms.NewKey(ctx, name+"-"+purpose+"-key", &kms.KeyArgs{
			Description:           pulumi.String(description),
			KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
			CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
			EnableKeyRotation:     pulumi.Bool(true),
			DeletionWindowInDays:  pulumi.Int(security.KeyDeletionWindowDays),
			Policy:                pulumi.String(keyPolicy),
			Tags:                  pulumi.StringMap{"Name": pulumi.String(alias[len("alias/"):])},
		}, parent, pulumi.Protect(true))
		if err != nil {
			return nil, fmt.Errorf("create the %s key: %w", purpose, err)
		}
		if _, err := kms.NewAlias(ctx, name+"-"+purpose+"-alias", &kms.AliasArgs{
			Name:        pulumi.String(alias),
			TargetKeyId: key.KeyId,
		}, parent); err != nil {
			return nil, fmt.Errorf("create the %s key's alias: %w", purpose, err)
		}
		return key, nil
	}
	stateKey, err := newKey("state", "Pulumi state bucket: checkpoints, history, locks", StateKeyAlias(args.Scope))
	if err != nil {
		return nil, err
	}
	secretsKey, err := newKey("secrets", "Pulumi secrets provider: the data key that encrypts stack secrets", SecretsKeyAlias(args.Scope))
	if err != nil {
		return nil, err
	}

	if _, err := storage.NewBucket(ctx, name+"-bucket", &storage.BucketArgs{
		Name:      b.BucketName,
		Scope:     args.Scope,
		KmsKeyArn: stateKey.Arn,
		// Checkpoints are live data: the current one must never expire.
		Lifecycle: storage.Lifecycle{KeepCurrent: true, NoncurrentExpireDays: StateVersionDays},
		Protect:   true,
	}, parent); err != nil {
		return nil, fmt.Errorf("create the state bucket: %w", err)
	}

	b.StateKeyArn = stateKey.Arn
	b.SecretsKeyArn = secretsKey.Arn
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"bucketName":      pulumi.String(b.BucketName),
		"stateKeyArn":     b.StateKeyArn,
		"secretsKeyArn":   b.SecretsKeyArn,
		"backendUrl":      pulumi.String(b.BackendURL),
		"secretsProvider": pulumi.String(b.SecretsProvider),
	}); err != nil {
		return nil, err
	}
	return b, nil
}

// KeyPolicy lets the account's IAM policies decide who uses the keys; the
// roles in GitHubAccess get exactly what they need that way.
func KeyPolicy(scope naming.Scope) policy.Document {
	return policy.New(policy.Statement{
		Sid:       "AccountAdministersKey",
		Effect:    "Allow",
		Principal: policy.AWS(scope.AccountRoot()),
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	})
}
