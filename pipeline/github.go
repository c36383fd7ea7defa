package pipeline

import (
	"fmt"
	"regexp"

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

// DeployJobMinutes is the longest a job that assumes the deploy role may
// run: every such job in .github/workflows sets it as timeout-minutes (a
// first `pulumi up` creates Aurora and the NAT gateways), and asks for a
// session of DeploySessionSeconds (role-duration-seconds). A test holds
// the workflows to both.
const DeployJobMinutes = 120

// StandbyStacks are committed stack files the workflows never preview,
// deploy or check for drift: the recovery stack exists only once the
// region-loss runbook deploys it (docs/runbooks.md, "Lose the region"), and
// a preview of a stack that does not exist fails. go test synthesizes them,
// and the end-to-end test deploys them, like every other stack file.
var StandbyStacks = []string{"recovery"}

// DeploySessionSeconds is the deploy role's MaxSessionDuration: its
// credentials outlast the longest deploy job, so a long first `pulumi up`
// never loses them during apply. The AWS credentials action asks for an
// hour unless told otherwise (role-duration-seconds), and IAM refuses a
// session longer than the role's MaxSessionDuration (an hour by default;
// "Methods to assume a role", AWS IAM User Guide). The role is assumed
// directly with the job's OIDC token (AssumeRoleWithWebIdentity), never
// by role chaining, which AWS caps at one hour whatever the role allows.
const DeploySessionSeconds = DeployJobMinutes * 60

// PreviewSessionSeconds is the preview role's session: IAM's default hour,
// which every preview, drift and backup job's timeout stays within.
const PreviewSessionSeconds = access.MinSessionSeconds

// Repository is a GitHub repository as OIDC subjects name it: its owner and
// name, and their numeric IDs, which never change and are never reused.
type Repository struct {
	// Owner is the user or organization, e.g. "omnirapeutic". Required.
	Owner string
	// Name is the repository's name, e.g. "infrastructure". Required.
	Name string
	// OwnerID is the owner's numeric ID (`gh api repos/OWNER/NAME --jq .owner.id`). Required.
	OwnerID string
	// ID is the repository's numeric ID (`gh api repos/OWNER/NAME --jq .id`). Required.
	ID string
}

var (
	// ownerPattern is a GitHub owner: alphanumeric with single inner hyphens.
	ownerPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)
	// repositoryNamePattern is a repository name: also dots and underscores.
	repositoryNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	// idPattern is a GitHub database ID: a positive decimal number.
	idPattern = regexp.MustCompile(`^[1-9][0-9]*$`)
)

// Validate names every missing or malformed part: nothing a subject is
// built from may widen the trust policy's exact match.
func (r Repository) Validate() error {
	c := fields.For("pipeline.Repository")
	for _, f := range []struct {
		name, value string
		pattern     *regexp.Regexp
		what        string
	}{
		{"Owner", r.Owner, ownerPattern, "a GitHub user or organization"},
		{"Name", r.Name, repositoryNamePattern, "a repository name"},
		{"OwnerID", r.OwnerID, idPattern, "a numeric ID"},
		{"ID", r.ID, idPattern, "a numeric ID"},
	} {
		c.Require(f.name, f.value)
		if f.value != "" && !f.pattern.MatchString(f.value) {
			c.Invalid(f.name, "%q is not %s", f.value, f.what)
		}
	}
	return c.Err()
}

// FullName is "owner/name".
func (r Repository) FullName() string { return r.Owner + "/" + r.Name }

// The contexts of a subject claim this pipeline trusts (GitHub's OIDC
// reference, "Example subject claims"): a pull_request event's jobs, a job
// in an environment, and any other job on a branch (push, schedule).
const PullRequestContext = "pull_request"

// BranchContext is the subject context of a job on a branch that is not in
// an environment: pushes and schedules (the drift check, the backup).
func BranchContext(branch string) string { return "ref:refs/heads/" + branch }

// EnvironmentContext is the subject context of a job in a GitHub environment.
func EnvironmentContext(environment string) string { return "environment:" + environment }

// Subjects is every OIDC subject claim GitHub issues to the repository's
// jobs in the given contexts, in both of its formats: the name form,
// repo:OWNER/NAME:CONTEXT, and the immutable form,
// repo:OWNER@OWNER_ID/NAME@ID:CONTEXT, which GitHub issues to repositories
// created, renamed or transferred on or after 2026-07-15 and to those whose
// admins opt in ("Immutable subject claims for GitHub Actions OIDC tokens",
// GitHub changelog 2026-04-23; GitHub's OIDC reference). Trusting both keeps
// an old repository working and a new one from being refused every run.
// Every trust policy of the pipeline builds its subjects here.
func (r Repository) Subjects(contexts ...string) []string {
	var out []string
	for _, c := range contexts {
		out = append(out,
			fmt.Sprintf("repo:%s/%s:%s", r.Owner, r.Name, c),
			fmt.Sprintf("repo:%s@%s/%s@%s:%s", r.Owner, r.OwnerID, r.Name, r.ID, c))
	}
	return out
}

// GitHubAccessArgs configures GitHubAccess.
type GitHubAccessArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts the role names; its account is where the OIDC provider lives.
	// Required.
	Scope naming.Scope
	// Repository is the GitHub repository whose workflows may assume the
	// roles, with its owner's and its own numeric IDs. Required.
	Repository Repository
	// Branch is the branch whose pushes and schedules preview production,
	// check for drift and back up the state (the bootstrap stack's branch).
	// Required.
	Branch string
	// Environment is the GitHub environment whose jobs deploy production;
	// its required reviewers gate every production `pulumi up` (the
	// bootstrap stack's environment). Required.
	Environment string
	// StagingEnvironment is the GitHub environment whose jobs deploy
	// staging, before production, on every merge (the bootstrap stack's
	// stagingEnvironment). Required.
	StagingEnvironment string
	// Backend is the state backend both roles use. Required.
	Backend *StateBackend
	// ExistingProvider says the account already has GitHub's OIDC provider
	// (one per account and issuer, so creating a second fails with
	// EntityAlreadyExists): the roles trust it at its well-known ARN
	// (OIDCProviderARN), and this component neither creates nor deletes
	// it. False creates it.
	ExistingProvider bool
}

// validate reports every missing or invalid field at once.
func (a GitHubAccessArgs) validate() error {
	c := fields.For("pipeline.GitHubAccessArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.RequireValid("Repository", a.Repository, a.Repository.Validate())
	c.Require("Branch", a.Branch)
	c.Require("Environment", a.Environment)
	c.Require("StagingEnvironment", a.StagingEnvironment)
	c.Require("Backend", a.Backend)
	return c.Err()
}

// GitHubAccess is GitHub Actions' way into the account: the OIDC identity
// provider (no stored keys) and the two roles workflows assume through it.
type GitHubAccess struct {
	pulumi.ResourceState

	// ProviderArn is the OIDC identity provider's ARN.
	ProviderArn string
	// Provider is the OIDC identity provider this component created, which
	// a role trusting it must wait for; nil when the account's existing one
	// is trusted (ExistingProvider).
	Provider pulumi.Resource
	// PreviewRoleArn is assumed by pull requests, the production preview
	// shown before a deploy, the drift check and the state backup.
	PreviewRoleArn pulumi.StringOutput
	// DeployRoleArn is assumed by the deploy jobs in the GitHub environments.
	DeployRoleArn pulumi.StringOutput
}

// Subjects are the OIDC subject claims each role trusts.
type Subjects struct {
	// Preview are the preview role's: pull requests and the branch.
	Preview []string
	// Deploy are the deploy role's: the two environments only.
	Deploy []string
}

// SubjectsFor returns the subjects the roles of GitHubAccess trust.
func SubjectsFor(repo Repository, branch string, environments ...string) Subjects {
	s := Subjects{Preview: repo.Subjects(PullRequestContext, BranchContext(branch))}
	for _, e := range environments {
		s.Deploy = append(s.Deploy, repo.Subjects(EnvironmentContext(e))...)
	}
	return s
}

// RoleName is the physical name of a role the bootstrap creates for
// GitHub: <prefix>-github-<purpose>. The deploy role may not change any
// role or policy so named (DeployGuard).
func RoleName(scope naming.Scope, purpose string) string { return scope.Name("github", purpose) }

// NewGitHubAccess creates the OIDC provider, the preview role and the deploy role.
func NewGitHubAccess(ctx *pulumi.Context, name string, args *GitHubAccessArgs, opts ...pulumi.ResourceOption) (*GitHubAccess, error) {
	if args == nil {
		args = &GitHubAccessArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	g := &GitHubAccess{ProviderArn: OIDCProviderARN(args.Scope)}
	if err := ctx.RegisterComponentResource("omnirapeutic:pipeline:GitHubAccess", name, g, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(g)

	roleOpts := []pulumi.ResourceOption{parent}
	if !args.ExistingProvider {
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
		roleOpts = append(roleOpts, pulumi.DependsOn([]pulumi.Resource{oidc}))
	}

	repo := args.Repository.FullName()
	subjects := SubjectsFor(args.Repository, args.Branch, args.StagingEnvironment, args.Environment)
	keys := pulumi.All(args.Backend.StateKeyArn, args.Backend.SecretsKeyArn)
	state := func(v []any) StateAccess {
		return StateAccess{BucketArn: args.Backend.BucketArn, StateKeyArn: v[0].(string), SecretsKeyArn: v[1].(string)}
	}
	preview, err := access.NewRole(ctx, name+"-preview", &access.RoleArgs{
		Name:        RoleName(args.Scope, "preview"),
		Description: fmt.Sprintf("pulumi preview from %s's pull requests, production preview, drift check and state backup: read-only", repo),
		Trust:       Trust(g.ProviderArn, subjects.Preview),
		Policy: keys.ApplyT(func(v []any) string {
			return PreviewPolicy(args.Scope, state(v)).JSON()
		}).(pulumi.StringOutput),
		PolicyDescription:  "State bucket and key reads, secrets decryption; no state writes, no data reads",
		ManagedPolicyArns:  []string{args.Scope.ManagedPolicyARN(ReadOnlyAccess)},
		MaxSessionDuration: PreviewSessionSeconds,
	}, roleOpts...)
	if err != nil {
		return nil, err
	}
	deploy, err := access.NewRole(ctx, name+"-deploy", &access.RoleArgs{
		Name:        RoleName(args.Scope, "deploy"),
		Description: fmt.Sprintf("pulumi up from %s's %s and %s environments", repo, args.StagingEnvironment, args.Environment),
		Trust:       Trust(g.ProviderArn, subjects.Deploy),
		Policy: keys.ApplyT(func(v []any) string {
			return DeployGuard(args.Scope, state(v)).JSON()
		}).(pulumi.StringOutput),
		PolicyDescription:  "Denies changing what the bootstrap stack manages: its roles, OIDC provider, state bucket and keys",
		ManagedPolicyArns:  []string{args.Scope.ManagedPolicyARN(AdministratorAccess)},
		MaxSessionDuration: DeploySessionSeconds,
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

// OIDCProviderARN is the ARN of GitHub's OIDC identity provider in the
// scope's account (one per account and issuer).
func OIDCProviderARN(scope naming.Scope) string {
	return scope.ARN("iam", "oidc-provider/"+GitHubIssuer)
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

// StateAccess is what the roles' policies name of the state backend.
type StateAccess struct {
	// BucketArn is the state bucket's ARN.
	BucketArn string
	// StateKeyArn is the ARN of the key that encrypts the bucket's objects.
	StateKeyArn string
	// SecretsKeyArn is the ARN of the secrets provider's key.
	SecretsKeyArn string
}

// StateReads are the only actions the preview role may take on the state
// bucket and its objects. A self-managed (diy) backend's `pulumi preview`
// takes no lock and persists nothing: Preview never calls Lock, and a
// preview's snapshot goes to a discarding persister (pulumi/pulumi,
// pkg/backend/diy/backend.go, v3.274.1). So a pull request can neither
// delete the lock of a running deploy nor block deploys with a fake one.
var StateReads = []string{"s3:Get*", "s3:List*"}

// KeyReads are the only actions the preview role may take on the state's
// keys: decrypting is reading. Writing a state object under SSE-KMS needs
// kms:GenerateDataKey; reading it needs kms:Decrypt only.
var KeyReads = []string{"kms:Decrypt", "kms:Describe*", "kms:Get*", "kms:List*"}

// ParameterReads are the SSM Parameter Store reads ReadOnlyAccess grants
// (ssm:Get*): a SecureString's value among them. They are denied on the
// account's own parameters only: the program reads the public AMI
// parameter (bastion.amiParameter), owned by AWS, on every preview.
var ParameterReads = []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"}

// ObjectReads are S3 object reads ReadOnlyAccess grants (s3:Get*); the
// preview role may make them only in the state bucket.
var ObjectReads = []string{"s3:GetObject*"}

// DataReads are the reads of data, not configuration, that ReadOnlyAccess
// grants: rows, items, objects, messages, log events, traces, console
// output, credentials and tokens, code and images, personal records. The
// preview role is denied every one: `pulumi preview --refresh` reads how
// each resource is configured, never what it holds. The list was checked
// action by action against the ReadOnlyAccess policy document (AWS Managed
// Policy Reference, ReadOnlyAccess; read in the copy mirrored verbatim in
// ministackorg/ministack, ministack/services/iam.py, 2026-08-22: 2,809
// action patterns over 313 services). S3 objects and SSM parameters are
// fenced by resource instead (ObjectReads, ParameterReads). Reads a
// refresh of a resource needs stay allowed even where they return
// something sensitive: lambda:GetFunction (a URL to the code),
// ec2:DescribeInstanceAttribute (user data), ecs:DescribeTaskDefinition
// (environment); keep secrets out of those.
var DataReads = []string{
	// Databases, their logs and query results: rds:Download* is
	// DownloadDBLogFilePortion and DownloadCompleteDBLogFile, the pgAudit
	// log among them.
	"rds:Download*",
	"dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect",
	"dynamodb:GetRecords", "dynamodb:GetShardIterator",
	"dax:BatchGetItem", "dax:GetItem", "dax:Query", "dax:Scan",
	"cassandra:Select", "sdb:GetAttributes", "sdb:Select*",
	"qldb:GetBlock", "qldb:GetDigest", "qldb:GetRevision",
	"athena:GetQueryResults", "athena:GetQueryResultsStream", "cloudtrail:GetQueryResults",
	"es:ESHttpGet", "es:ESHttpHead",
	"s3tables:GetTableData", "s3vectors:GetVectors", "s3vectors:QueryVectors",
	// Health and personal records.
	"healthlake:ReadResource", "healthlake:SearchWithGet", "healthlake:SearchWithPost",
	"omics:GetReadSet", "omics:GetReference",
	"transcribe:GetTranscriptionJob", "transcribe:GetMedicalTranscriptionJob", "transcribe:GetMedicalScribeJob", "transcribe:GetCallAnalyticsJob",
	"cognito-idp:AdminGetUser", "cognito-idp:ListUsers", "cognito-idp:ListUsersInGroup",
	"cognito-sync:ListRecords", "cognito-sync:QueryRecords",
	"connect:GetContactAttributes", "mobiletargeting:GetEndpoint", "mobiletargeting:GetUserEndpoints",
	"rum:GetAppMonitorData", "lex:GetUtterancesView", "rekognition:Search*",
	"personalize:GetRecommendations", "personalize:GetPersonalizedRanking",
	"bedrock-agentcore:GetMemoryRecord", "bedrock-agentcore:ListMemoryRecords", "bedrock-agentcore:RetrieveMemoryRecords",
	"bedrock-agentcore:GetEvent", "bedrock-agentcore:ListEvents",
	"kendra:Query", "forecast:QueryForecast", "forecast:QueryWhatIfForecast",
	"chime:GetChannelMessage", "chime:ListChannelMessages",
	// Objects outside S3 proper.
	"s3-object-lambda:GetObject*", "s3-outposts:GetObject*", "s3express:CreateSession",
	"mediastore:GetObject", "mediapackagev2:GetObject", "glacier:GetJobOutput",
	// Logs, traces and instance output: events, queries, live tails, single
	// records, console output and screenshots, command output.
	"logs:GetLogEvents", "logs:FilterLogEvents", "logs:GetLogRecord", "logs:StartQuery", "logs:GetQueryResults",
	"logs:StartLiveTail",
	"xray:BatchGetTraces", "xray:GetTraceSummaries", "xray:ListRetrievedTraces",
	"lightsail:GetRelationalDatabaseLogEvents", "elasticbeanstalk:RetrieveEnvironmentInfo",
	"ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot", "ec2:GetPasswordData",
	"ssm:GetCommandInvocation", "ssm:ListCommandInvocations",
	"states:GetExecutionHistory", "states:DescribeExecution",
	// Messages and streams.
	"sqs:ReceiveMessage", "kinesis:GetRecords", "kinesis:GetShardIterator",
	"kinesisvideo:GetMedia*", "kinesisvideo:GetClip", "kinesisvideo:GetImages", "kinesisvideo:Get*StreamingSessionURL",
	"iot:GetRetainedMessage", "iot:GetThingShadow", "iotwireless:ListQueuedMessages",
	"iotanalytics:GetDatasetContent", "iotanalytics:SampleChannelData",
	"iotsitewise:GetAssetPropertyValue*", "iotsitewise:GetInterpolatedAssetPropertyValues",
	// Credentials, tokens and keys.
	"ecr:GetAuthorizationToken", "ecr-public:GetAuthorizationToken", "codeartifact:GetAuthorizationToken",
	"cognito-identity:GetCredentialsForIdentity", "cognito-identity:GetOpenIdToken", "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
	"connect:GetFederationToken", "lightsail:GetBucketAccessKeys", "gamelift:GetInstanceAccess", "gamelift:GetComputeAccess",
	// Code, images and packages.
	"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
	"codecommit:GitPull", "codecommit:GetBlob", "codecommit:GetFile", "codecommit:GetFolder",
	"codeartifact:ReadFromRepository", "codeartifact:GetPackageVersionAsset",
	// Not in ReadOnlyAccess today; denied in case AWS ever adds them: a
	// secret's value and the database through the RDS Data API.
	"secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "rds-data:*",
}

// PreviewPolicy is the preview role's own policy: read the state and
// decrypt it and the stack's secrets, never write or delete anything in the
// state bucket or use its keys to encrypt, and never read data that
// ReadOnlyAccess would otherwise expose.
func PreviewPolicy(scope naming.Scope, s StateAccess) policy.Document {
	keys := []string{s.StateKeyArn, s.SecretsKeyArn}
	return policy.New(
		policy.Allow("ListState", []string{"s3:ListBucket", "s3:GetBucketLocation"}, []string{s.BucketArn}),
		policy.Allow("ReadState", []string{"s3:GetObject"}, []string{s.BucketArn + "/.pulumi/*"}),
		policy.Allow("DecryptState", []string{"kms:Decrypt"}, []string{s.StateKeyArn}),
		policy.Allow("DecryptSecrets", []string{"kms:Decrypt"}, []string{s.SecretsKeyArn}),
		policy.Statement{
			Sid:       "NoStateWrites",
			Effect:    "Deny",
			NotAction: StateReads,
			Resource:  []string{s.BucketArn, s.BucketArn + "/*"},
		},
		policy.Statement{
			Sid:       "NoStateKeyWrites",
			Effect:    "Deny",
			NotAction: KeyReads,
			Resource:  keys,
		},
		policy.Statement{
			Sid:         "NoObjectReadsOutsideState",
			Effect:      "Deny",
			Action:      ObjectReads,
			NotResource: []string{s.BucketArn + "/*"},
		},
		policy.Statement{
			Sid:      "NoParameterValues",
			Effect:   "Deny",
			Action:   ParameterReads,
			Resource: []string{scope.ARN("ssm", "parameter/*")},
		},
		policy.Statement{
			Sid:      "NoDataReads",
			Effect:   "Deny",
			Action:   DataReads,
			Resource: []string{"*"},
		},
	)
}

// DeployGuard is the deploy role's own policy: whatever AdministratorAccess
// allows, the deploy role cannot change what only the bootstrap stack
// manages. On the GitHub roles and their policies and on the OIDC provider
// it may only read (so no pull request's code, once merged, can widen its
// own trust or permissions); on the state bucket it may read and write
// objects but not change the bucket (its policy, versioning, encryption,
// lifecycle, public access block) or delete it; it may use the state and
// secrets keys but not change their policies, disable, or schedule their
// deletion, nor move their aliases. It stops the program and its mistakes,
// not an administrator set on escaping it: AdministratorAccess can still
// create another role and assume it.
func DeployGuard(scope naming.Scope, s StateAccess) policy.Document {
	return policy.New(
		policy.Statement{
			Sid:       "BootstrapIdentitiesAreReadOnly",
			Effect:    "Deny",
			NotAction: []string{"iam:Get*", "iam:List*"},
			Resource: []string{
				scope.ARN("iam", "role/"+RoleName(scope, "*")),
				scope.ARN("iam", "policy/"+RoleName(scope, "*")),
				// The applications' deploy roles are the bootstrap's too.
				scope.ARN("iam", "role/"+AppRoleName(scope, "*", "*")),
				scope.ARN("iam", "policy/"+AppRoleName(scope, "*", "*")),
				OIDCProviderARN(scope),
			},
		},
		policy.Statement{
			Sid:       "StateBucketIsReadOnly",
			Effect:    "Deny",
			NotAction: StateReads,
			Resource:  []string{s.BucketArn},
		},
		policy.Statement{
			Sid:       "StateKeysAreOnlyUsed",
			Effect:    "Deny",
			NotAction: append([]string{"kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}, KeyReads...),
			Resource: []string{
				s.StateKeyArn, s.SecretsKeyArn,
				scope.ARN("kms", StateKeyAlias(scope)), scope.ARN("kms", SecretsKeyAlias(scope)),
			},
		},
	)
}
