package pipeline

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// GitHub's OIDC issuer and the audience the AWS credentials action asks for.
const (
	GitHubIssuer   = "token.actions.githubusercontent.com"
	GitHubAudience = "sts.amazonaws.com"
)

// Managed policies the roles start from, by name
// (naming.Scope.ManagedPolicyARN makes their ARNs).
const (
	// ReadOnlyAccess lets `pulumi preview --refresh` read every resource's
	// configuration. The preview role's own policy fences it in.
	ReadOnlyAccess = "ReadOnlyAccess"
	// AdministratorAccess is what `pulumi up` of this program needs: see
	// docs/platform-engineer.md ("Deploying for real") for why, and what would narrow it.
	AdministratorAccess = "AdministratorAccess"
)

// GitHubAccessArgs configures GitHubAccess.
type GitHubAccessArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts the role names; its account is where the OIDC provider lives.
	// Required.
	Scope naming.Scope
	// Repository is the GitHub repository ("owner/name") whose workflows may
	// assume the roles. Required.
	Repository string
	// Branch is the branch whose pushes and schedules deploy and check for
	// drift (the bootstrap stack's branch). Required.
	Branch string
	// Environment is the GitHub environment whose jobs may deploy; its
	// required reviewers gate every `pulumi up` (the bootstrap stack's
	// environment). Required.
	Environment string
	// Backend is the state backend both roles use. Required.
	Backend *StateBackend
}

// validate reports every missing or invalid field at once.
func (a GitHubAccessArgs) validate() error {
	c := fields.For("pipeline.GitHubAccessArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Repository", a.Repository)
	c.Require("Branch", a.Branch)
	c.Require("Environment", a.Environment)
	c.Require("Backend", a.Backend)
	return c.Err()
}

// GitHubAccess is GitHub Actions' way into the account: the OIDC identity
// provider (no stored keys) and the two roles workflows assume through it.
type GitHubAccess struct {
	pulumi.ResourceState

	// ProviderArn is the OIDC identity provider's ARN.
	ProviderArn string
	// Provider is the OIDC identity provider: a role trusting it waits for it.
	Provider pulumi.Resource
	// PreviewRoleArn is assumed by pull requests and the nightly drift check.
	PreviewRoleArn pulumi.StringOutput
	// DeployRoleArn is assumed by the deploy job in the GitHub environment.
	DeployRoleArn pulumi.StringOutput
}

// Subjects are the OIDC subject claims a role trusts. GitHub sets "sub" to
// repo:<owner>/<name>:pull_request for pull_request events, to
// repo:<owner>/<name>:environment:<env> for jobs in an environment, and to
// repo:<owner>/<name>:ref:refs/heads/<branch> for other jobs on a branch.
type Subjects struct {
	// Preview are the preview role's: pull requests and the branch (drift).
	Preview []string
	// Deploy are the deploy role's: the environment only.
	Deploy []string
}

// SubjectsFor returns the subjects of a repository, branch and environment.
func SubjectsFor(repository, branch, environment string) Subjects {
	return Subjects{
		Preview: append(SubjectClaims(repository, "pull_request"), SubjectClaims(repository, "ref:refs/heads/"+branch)...),
		Deploy:  SubjectClaims(repository, "environment:"+environment),
	}
}

// SubjectClaims are the OIDC subjects GitHub gives a workflow of repository
// in one context ("pull_request", "ref:refs/heads/<branch>",
// "environment:<name>"): repo:<owner>/<name>:<context> (GitHub Docs,
// "OpenID Connect reference", subject claims). Every role's trust
// (the workflows' and each application's, AppDeploy) is built from it, so
// a change of subject format applies to all of them.
func SubjectClaims(repository, context string) []string {
	return []string{fmt.Sprintf("repo:%s:%s", repository, context)}
}

// NewGitHubAccess creates the OIDC provider, the preview role and the deploy role.
func NewGitHubAccess(ctx *pulumi.Context, name string, args *GitHubAccessArgs, opts ...pulumi.ResourceOption) (*GitHubAccess, error) {
	if args == nil {
		args = &GitHubAccessArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	g := &GitHubAccess{ProviderArn: args.Scope.ARN("iam", "oidc-provider/"+GitHubIssuer)}
	if err := ctx.RegisterComponentResource("omnirapeutic:pipeline:GitHubAccess", name, g, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(g)

	// AWS verifies GitHub's tokens against its own trusted CAs, so no
	// thumbprint is pinned here.
	oidc, err := iam.NewOpenIdConnectProvider(ctx, name+"-oidc", &iam.OpenIdConnectProviderArgs{
		Url:           pulumi.String("https://" + GitHubIssuer),
		ClientIdLists: pulumi.StringArray{pulumi.String(GitHubAudience)},
		Tags:          pulumi.StringMap{"Name": pulumi.String(args.Scope.Name("github-actions"))},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create GitHub's OIDC provider: %w", err)
	}
	g.Provider = oidc
	roleOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn([]pulumi.Resource{oidc})}

	subjects := SubjectsFor(args.Repository, args.Branch, args.Environment)
	previewPolicy := pulumi.All(args.Backend.StateKeyArn, args.Backend.SecretsKeyArn).ApplyT(func(v []any) string {
		return PreviewPolicy(args.Backend.BucketArn, v[0].(string), v[1].(string)).JSON()
	}).(pulumi.StringOutput)
	preview, err := access.NewRole(ctx, name+"-preview", &access.RoleArgs{
		Name:              args.Scope.Name("github-preview"),
		Description:       fmt.Sprintf("pulumi preview from %s's pull requests and drift check: read-only", args.Repository),
		Trust:             Trust(g.ProviderArn, subjects.Preview),
		Policy:            previewPolicy,
		PolicyDescription: "State bucket reads and lock writes, secrets decryption; no data reads",
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(ReadOnlyAccess)},
	}, roleOpts...)
	if err != nil {
		return nil, err
	}
	deploy, err := access.NewRole(ctx, name+"-deploy", &access.RoleArgs{
		Name:              args.Scope.Name("github-deploy"),
		Description:       fmt.Sprintf("pulumi up from %s's %s environment", args.Repository, args.Environment),
		Trust:             Trust(g.ProviderArn, subjects.Deploy),
		ManagedPolicyArns: []string{args.Scope.ManagedPolicyARN(AdministratorAccess)},
	}, roleOpts...)
	if err != nil {
		return nil, err
	}

	g.PreviewRoleArn = preview.Arn
	g.DeployRoleArn = deploy.Arn
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{
		"providerArn":    pulumi.String(g.ProviderArn),
		"previewRoleArn": g.PreviewRoleArn,
		"deployRoleArn":  g.DeployRoleArn,
	}); err != nil {
		return nil, err
	}
	return g, nil
}

// Trust lets GitHub workflows whose token carries one of the subjects, and
// the AWS audience, assume a role.
func Trust(providerArn string, subjects []string) policy.Document {
	return policy.New(policy.Statement{
		Effect:    "Allow",
		Principal: policy.Federated(providerArn),
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: policy.Conditions{"StringEquals": {
			GitHubIssuer + ":aud": {GitHubAudience},
			GitHubIssuer + ":sub": subjects,
		}},
	})
}

// PreviewPolicy is the preview role's own policy: read the state, take and
// release the stack lock, decrypt the stack's secrets, and never read data
// that ReadOnlyAccess would otherwise expose (objects in other buckets,
// secret values, log events).
func PreviewPolicy(bucketArn, stateKeyArn, secretsKeyArn string) policy.Document {
	return policy.New(
		policy.Allow("ListState", []string{"s3:ListBucket", "s3:GetBucketLocation"}, []string{bucketArn}),
		policy.Allow("ReadState", []string{"s3:GetObject"}, []string{bucketArn + "/.pulumi/*"}),
		policy.Allow("LockStack", []string{"s3:PutObject", "s3:DeleteObject"}, []string{bucketArn + "/.pulumi/locks/*"}),
		policy.Allow("UseStateKey", []string{"kms:Decrypt", "kms:GenerateDataKey"}, []string{stateKeyArn}),
		policy.Allow("DecryptSecrets", []string{"kms:Decrypt"}, []string{secretsKeyArn}),
		policy.Statement{
			Sid:         "NoObjectReadsOutsideState",
			Effect:      "Deny",
			Action:      []string{"s3:GetObject", "s3:GetObjectVersion"},
			NotResource: []string{bucketArn + "/*"},
		},
		policy.Statement{
			Sid:    "NoDataReads",
			Effect: "Deny",
			Action: []string{
				"secretsmanager:GetSecretValue",
				"logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
				"rds-data:*",
				"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
			},
			Resource: []string{"*"},
		},
	)
}
