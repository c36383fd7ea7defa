package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/pipeline"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// The rules of the pipeline's two roles, held over the bootstrap stack as
// its stack file configures it: who may assume each (both of GitHub's
// subject formats, for exactly the contexts the workflows run in), what the
// preview role may never do to the state or read, and what the deploy role
// may never change.

// bootstrapSettings is the bootstrap stack's configuration, as its stack
// file and Pulumi.yaml's defaults give it.
func bootstrapSettings(t *testing.T) *pipeline.Settings {
	t.Helper()
	cfg, err := stackfile.Load("../bootstrap", "production")
	require.NoError(t, err)
	s, err := pipeline.DecodeSettings(cfg.Project, cfg.Lookup)
	require.NoError(t, err)
	return s
}

// bootstrapScope is the bootstrap's naming scope in the mock account.
func bootstrapScope(t *testing.T) naming.Scope {
	return naming.NewScope("omnirapeutic", synth.AccountID, bootstrapSettings(t).Region)
}

func rolePolicy(t *testing.T, role string) policy.Document {
	t.Helper()
	doc, err := policy.Parse(find(t, bootstrap(t), tPolicy, role+"-policy").Str("policy"))
	require.NoError(t, err)
	return doc
}

func roleTrust(t *testing.T, role string) []string {
	t.Helper()
	trust, err := policy.Parse(find(t, bootstrap(t), tRole, role+"-role").Str("assumeRolePolicy"))
	require.NoError(t, err)
	require.Len(t, trust.Statement, 1)
	require.Len(t, trust.Statement[0].Condition, 1, "StringEquals only: no StringLike, so no wildcard can match")
	return trust.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"]
}

// GitHub's own example of the immutable format (its OIDC reference,
// "Immutable subject claims"): the name form and the ID form of one context.
func TestSubjectsHaveGitHubsTwoFormats(t *testing.T) {
	repo := pipeline.Repository{Owner: "octocat", OwnerID: "123456", Name: "my-repo", ID: "456789"}
	assert.Equal(t, []string{
		"repo:octocat/my-repo:ref:refs/heads/main",
		"repo:octocat@123456/my-repo@456789:ref:refs/heads/main",
	}, repo.Subjects(pipeline.BranchContext("main")))
	assert.Equal(t, []string{"repo:octocat/my-repo:pull_request", "repo:octocat@123456/my-repo@456789:pull_request"},
		repo.Subjects(pipeline.PullRequestContext))
	assert.Equal(t, []string{"repo:octocat/my-repo:environment:production", "repo:octocat@123456/my-repo@456789:environment:production"},
		repo.Subjects(pipeline.EnvironmentContext("production")))

	for _, bad := range []pipeline.Repository{
		{Owner: "octocat", Name: "my-repo", OwnerID: "12*", ID: "1"},
		{Owner: "octo*", Name: "my-repo", OwnerID: "1", ID: "1"},
		{Owner: "octocat", Name: "my repo", OwnerID: "1", ID: "1"},
		{Owner: "octocat", Name: "my-repo", ID: "1"},
	} {
		assert.Errorf(t, bad.Validate(), "%+v", bad)
	}
	assert.NoError(t, repo.Validate())
}

// Each role trusts, in both formats, exactly the contexts its jobs run in:
// the preview role pull requests and the branch (production preview, drift,
// backup), the deploy role the two environments, nothing else.
func TestRolesTrustBothSubjectFormatsOfTheirContexts(t *testing.T) {
	s := bootstrapSettings(t)
	r := s.Repository
	for role, contexts := range map[string][]string{
		"github-preview": {"pull_request", "ref:refs/heads/" + s.Branch},
		"github-deploy":  {"environment:" + s.StagingEnvironment, "environment:" + s.Environment},
	} {
		var want []string
		for _, c := range contexts {
			want = append(want,
				fmt.Sprintf("repo:%s/%s:%s", r.Owner, r.Name, c),
				fmt.Sprintf("repo:%s@%s/%s@%s:%s", r.Owner, r.OwnerID, r.Name, r.ID, c))
		}
		got := roleTrust(t, role)
		assert.ElementsMatch(t, want, got, role)
		for _, sub := range got {
			assert.NotContainsf(t, sub, "*", "%s: a wildcard subject trusts more than the repository's own jobs", role)
		}
	}
	assert.NotContains(t, roleTrust(t, "github-deploy"), "repo:"+r.FullName()+":pull_request", "a pull request can never deploy")
}

// The IDs come from config, and bad ones are refused before anything is
// registered, naming the key and how to find the real value.
func TestBootstrapRefusesBadRepositoryIDs(t *testing.T) {
	_, err := synth.RunProgram(synth.Options{Dir: "../bootstrap", Overrides: map[string]string{
		"omnirapeutic-bootstrap:repositoryId":       "abc",
		"omnirapeutic-bootstrap:stagingEnvironment": "production",
	}}, deployBootstrap)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `omnirapeutic-bootstrap:repositoryId: "abc" is not a numeric ID: take it from `+"`gh api repos/")
	assert.Contains(t, err.Error(), `omnirapeutic-bootstrap:stagingEnvironment: "production" is also the production environment`)

	r, err := synth.RunProgram(synth.Options{Dir: "../bootstrap", Overrides: map[string]string{
		"omnirapeutic-bootstrap:repositoryOwnerId": "42",
	}}, deployBootstrap)
	require.NoError(t, err)
	trust, err := policy.Parse(find(t, r, tRole, "github-deploy-role").Str("assumeRolePolicy"))
	require.NoError(t, err)
	assert.Contains(t, trust.Statement[0].Condition["StringEquals"]["token.actions.githubusercontent.com:sub"],
		"repo:omnirapeutic@42/infrastructure@"+bootstrapSettings(t).Repository.ID+":environment:production", "the owner's ID comes from config")
}

// stateARNs are the state backend's ARNs in the mock account.
func stateARNs(t *testing.T) pipeline.StateAccess {
	t.Helper()
	r := bootstrap(t)
	key := func(purpose string) string {
		arn, _ := find(t, r, tKey, "state-"+purpose+"-key").Computed["arn"].(string)
		require.NotEmpty(t, arn)
		return arn
	}
	return pipeline.StateAccess{
		BucketArn:     "arn:aws:s3:::" + find(t, r, tBucket, "state-bucket").Str("bucket"),
		StateKeyArn:   key("state"),
		SecretsKeyArn: key("secrets"),
	}
}

// The preview role reads and decrypts the state, and can neither write nor
// delete anything in the state bucket (a lock least of all: a pull request
// could otherwise delete a running deploy's lock, or block deploys with a
// fake one) nor encrypt with its keys.
func TestPreviewRoleReadsButNeverWritesTheState(t *testing.T) {
	doc, s := rolePolicy(t, "github-preview"), stateARNs(t)
	lock := s.BucketArn + "/.pulumi/locks/organization/omnirapeutic/production/0a1b.json"
	checkpoint := s.BucketArn + "/.pulumi/stacks/omnirapeutic/production.json"
	for _, read := range []struct{ action, resource string }{
		{"s3:ListBucket", s.BucketArn},
		{"s3:GetObject", checkpoint},
		{"kms:Decrypt", s.StateKeyArn},
		{"kms:Decrypt", s.SecretsKeyArn},
	} {
		assert.Truef(t, allows(doc, request{action: read.action, resource: read.resource}), "the preview needs %s on %s", read.action, read.resource)
	}
	for _, write := range []struct{ action, resource string }{
		{"s3:PutObject", lock}, {"s3:DeleteObject", lock},
		{"s3:PutObject", checkpoint}, {"s3:DeleteObject", checkpoint}, {"s3:DeleteObjectVersion", checkpoint},
		{"s3:PutObject", s.BucketArn + "/.pulumi/meta.yaml"}, {"s3:RestoreObject", checkpoint},
		{"s3:PutBucketPolicy", s.BucketArn}, {"s3:DeleteBucket", s.BucketArn}, {"s3:PutLifecycleConfiguration", s.BucketArn},
		{"kms:GenerateDataKey", s.StateKeyArn}, {"kms:Encrypt", s.SecretsKeyArn}, {"kms:ReEncryptTo", s.SecretsKeyArn},
		{"kms:PutKeyPolicy", s.StateKeyArn}, {"kms:ScheduleKeyDeletion", s.SecretsKeyArn},
	} {
		assert.Truef(t, denies(doc, write.action, write.resource), "the preview role may %s on %s", write.action, write.resource)
	}
}

// readOnlyDataReads are reads of data the issue found ReadOnlyAccess grants
// and the first deny list missed, by the exact action names AWS documents.
var readOnlyDataReads = []string{
	"rds:DownloadDBLogFilePortion", "rds:DownloadCompleteDBLogFile", // the pgAudit log
	"logs:StartLiveTail", "logs:GetLogRecord", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
	"ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot",
	"secretsmanager:GetSecretValue", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
	"dynamodb:Scan", "sqs:ReceiveMessage", "kinesis:GetRecords", "athena:GetQueryResults", "healthlake:ReadResource",
}

// refreshReads are configuration reads `pulumi preview --refresh` of this
// program makes (the Terraform AWS provider's Read of each resource type):
// no deny may take one away.
var refreshReads = []string{
	"ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeVpcs", "ec2:DescribeSecurityGroupRules",
	"rds:DescribeDBClusters", "rds:DescribeDBClusterParameters", "rds:ListTagsForResource",
	"logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:DescribeMetricFilters",
	"ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecr:DescribeRepositories", "ecr:GetLifecyclePolicy",
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "secretsmanager:DescribeSecret",
	"ssm:GetDocument", "ssm:DescribeDocument", "ssm:DescribeDocumentPermission",
	"s3:GetBucketPolicy", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration",
	"iam:GetRole", "iam:GetPolicyVersion", "cloudtrail:GetTrail", "config:DescribeConfigurationRecorders",
	"guardduty:GetDetector", "wafv2:GetWebACL", "elasticloadbalancing:DescribeLoadBalancers", "sns:GetTopicAttributes",
	"cloudwatch:DescribeAlarms", "events:DescribeRule", "backup:GetBackupPlan", "securityhub:DescribeHub",
}

// The preview role is denied every read of data in pipeline.DataReads (and
// the ones the issue named are among them), objects outside the state
// bucket, and the account's own parameter values; and no deny takes away a
// configuration read a refresh needs, or the public AMI parameter the
// program reads on every preview.
func TestPreviewRoleReadsConfigurationNeverData(t *testing.T) {
	doc, s := rolePolicy(t, "github-preview"), stateARNs(t)
	for _, action := range pipeline.DataReads {
		assert.Truef(t, denies(doc, action, "*"), "pipeline.DataReads lists %s, the preview role's policy does not deny it", action)
	}
	for _, action := range readOnlyDataReads {
		assert.Truef(t, anyMatch(pipeline.DataReads, action, true), "%s reads data ReadOnlyAccess grants: list it in pipeline.DataReads", action)
		assert.Truef(t, denies(doc, action, "arn:aws:logs:us-east-1:123456789012:log-group:x"), "%s is not denied", action)
	}
	for _, action := range refreshReads {
		assert.Falsef(t, denies(doc, action, "*"), "a refresh needs %s; the preview role denies it", action)
	}

	scope := bootstrapScope(t)
	assert.True(t, denies(doc, "s3:GetObject", "arn:aws:s3:::omnirapeutic-production-alb-logs-123456789012/AWSLogs/x"), "objects of other buckets")
	assert.True(t, denies(doc, "s3:GetObjectVersion", "arn:aws:s3:::any-bucket/k"))
	assert.False(t, denies(doc, "s3:GetObject", s.BucketArn+"/.pulumi/stacks/omnirapeutic/production.json"))
	for _, action := range pipeline.ParameterReads {
		assert.Truef(t, denies(doc, action, scope.ARN("ssm", "parameter/omnirapeutic-production/x")), "%s of the account's own parameter", action)
	}
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	bastion, _ := proj.Config["bastion"].Default.(map[string]any)
	ami, _ := bastion["amiParameter"].(string)
	require.NotEmpty(t, ami, "Pulumi.yaml's bastion.amiParameter default")
	public := naming.ARN{Partition: scope.Partition, Service: "ssm", Region: scope.Region, Resource: "parameter" + ami}.String()
	assert.False(t, denies(doc, "ssm:GetParameter", public), "every preview reads the public AMI parameter %s", public)
}

// The deploy role's sessions outlast its longest job, within IAM's bounds;
// the preview role's, IAM's default hour.
func TestRoleSessionsOutlastTheirJobs(t *testing.T) {
	r := bootstrap(t)
	for role, want := range map[string]int{"github-deploy": pipeline.DeploySessionSeconds, "github-preview": pipeline.PreviewSessionSeconds} {
		got, ok := find(t, r, tRole, role+"-role").Inputs["maxSessionDuration"].(float64)
		require.Truef(t, ok, "%s sets maxSessionDuration", role)
		assert.Equal(t, want, int(got), role)
		assert.GreaterOrEqual(t, int(got), access.MinSessionSeconds, role)
		assert.LessOrEqual(t, int(got), access.MaxSessionSeconds, role)
	}
	assert.GreaterOrEqual(t, pipeline.DeploySessionSeconds, pipeline.DeployJobMinutes*60, "the deploy role's session must outlast a deploy job")
}

// Whatever AdministratorAccess allows, the deploy role cannot change what
// only the bootstrap stack manages; it can still do what a deploy needs.
func TestDeployRoleCannotChangeTheBootstrap(t *testing.T) {
	doc, s, scope := rolePolicy(t, "github-deploy"), stateARNs(t), bootstrapScope(t)
	r := bootstrap(t)
	roleARN := func(role string) string { return scope.ARN("iam", "role/"+find(t, r, tRole, role+"-role").Str("name")) }
	policyARN := func(role string) string {
		return scope.ARN("iam", "policy/"+find(t, r, tPolicy, role+"-policy").Str("namePrefix")+"20260101")
	}
	oidc := pipeline.OIDCProviderARN(scope)
	alias := func(purpose string) string {
		return scope.ARN("kms", find(t, r, tAlias, "state-"+purpose+"-alias").Str("name"))
	}
	for _, c := range []struct{ action, resource string }{
		{"iam:UpdateAssumeRolePolicy", roleARN("github-deploy")},
		{"iam:UpdateAssumeRolePolicy", roleARN("github-preview")},
		{"iam:AttachRolePolicy", roleARN("github-preview")},
		{"iam:DetachRolePolicy", roleARN("github-deploy")},
		{"iam:PutRolePolicy", roleARN("github-deploy")},
		{"iam:DeleteRole", roleARN("github-deploy")},
		{"iam:PutRolePermissionsBoundary", roleARN("github-deploy")},
		{"iam:UpdateRole", roleARN("github-deploy")},
		{"iam:CreatePolicyVersion", policyARN("github-deploy")},
		{"iam:DeletePolicy", policyARN("github-preview")},
		{"iam:DeleteOpenIDConnectProvider", oidc},
		{"iam:AddClientIDToOpenIDConnectProvider", oidc},
		{"iam:UpdateOpenIDConnectProviderThumbprint", oidc},
		{"s3:PutBucketPolicy", s.BucketArn}, {"s3:DeleteBucketPolicy", s.BucketArn}, {"s3:DeleteBucket", s.BucketArn},
		{"s3:PutBucketVersioning", s.BucketArn}, {"s3:PutEncryptionConfiguration", s.BucketArn},
		{"s3:PutBucketPublicAccessBlock", s.BucketArn}, {"s3:PutLifecycleConfiguration", s.BucketArn},
		{"kms:PutKeyPolicy", s.StateKeyArn}, {"kms:PutKeyPolicy", s.SecretsKeyArn},
		{"kms:ScheduleKeyDeletion", s.SecretsKeyArn}, {"kms:DisableKey", s.StateKeyArn}, {"kms:DisableKeyRotation", s.StateKeyArn},
		{"kms:CreateGrant", s.SecretsKeyArn},
		{"kms:UpdateAlias", alias("secrets")}, {"kms:DeleteAlias", alias("state")},
		// An application's deploy role is the bootstrap's too: merged code
		// deployed by the deploy role must not widen what an app may do.
		{"iam:UpdateAssumeRolePolicy", scope.ARN("iam", "role/"+pipeline.AppRoleName(scope, "production", "api"))},
		{"iam:CreatePolicyVersion", scope.ARN("iam", "policy/"+pipeline.AppRoleName(scope, "production", "api")+"-20260101")},
	} {
		assert.Truef(t, denies(doc, c.action, c.resource), "the deploy role may %s on %s", c.action, c.resource)
	}
	for _, c := range []struct{ action, resource string }{
		{"s3:PutObject", s.BucketArn + "/.pulumi/stacks/omnirapeutic/production.json"},
		{"s3:DeleteObject", s.BucketArn + "/.pulumi/locks/organization/omnirapeutic/production/0a1b.json"},
		{"s3:ListBucket", s.BucketArn},
		{"kms:GenerateDataKey", s.StateKeyArn}, {"kms:Decrypt", s.SecretsKeyArn}, {"kms:Encrypt", s.SecretsKeyArn},
		{"iam:CreateRole", scope.ARN("iam", "role/omnirapeutic-production-api-task")},
		{"iam:PutRolePolicy", scope.ARN("iam", "role/omnirapeutic-staging-flow-logs")},
		{"s3:PutBucketPolicy", "arn:aws:s3:::omnirapeutic-production-alb-logs-123456789012"},
		{"kms:PutKeyPolicy", "arn:aws:kms:us-east-1:123456789012:key/production-data-key"},
	} {
		assert.Falsef(t, denies(doc, c.action, c.resource), "a deploy needs %s on %s; the guard denies it", c.action, c.resource)
	}
}

// managedPolicyChars is IAM's limit on a customer managed policy's size,
// whitespace not counted ("IAM and AWS STS quotas", AWS IAM User Guide):
// pipeline.DataReads grows with AWS, and a policy over it fails the
// bootstrap's `pulumi up`, not its preview.
const managedPolicyChars = 6144

func TestRolePoliciesFitIAMsSizeLimit(t *testing.T) {
	for _, role := range []string{"github-preview", "github-deploy"} {
		doc := find(t, bootstrap(t), tPolicy, role+"-policy").Str("policy")
		assert.LessOrEqualf(t, len(strings.Join(strings.Fields(doc), "")), managedPolicyChars, "%s's policy", role)
	}
}

// The deploy role has one name: the bootstrap creates it as
// pipeline.RoleName(scope, "deploy"), and the stacks' vault policy exempts
// it, the policy pack and preflight look for it, as stackconfig.DeployRoleName.
func TestTheDeployRoleHasOneName(t *testing.T) {
	assert.Equal(t, stackconfig.DeployRoleName, pipeline.RoleName(bootstrapScope(t), "deploy"))
	assert.Equal(t, stackconfig.DeployRoleName, find(t, bootstrap(t), tRole, "github-deploy-role").Str("name"))
	assert.Equal(t, stackconfig.AppDeployRoleName("production", "api"), pipeline.AppRoleName(bootstrapScope(t), "production", "api"),
		"an application's deploy role is named as the stacks expect it (their tampering route exempts it)")
}
