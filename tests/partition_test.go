package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// govCloudOverrides move the production stack to AWS GovCloud (US-West),
// serving HTTPS with a certificate of that region, so that every ARN the
// program builds, certificate and ALB log delivery included, is exercised.
var govCloudOverrides = map[string]string{
	"aws:region":                     "us-gov-west-1",
	"omnirapeutic:availabilityZones": `["us-gov-west-1a","us-gov-west-1b","us-gov-west-1c"]`,
	"omnirapeutic:subnetCidrs": `{"public":{"us-gov-west-1a":"10.0.1.0/24","us-gov-west-1b":"10.0.2.0/24","us-gov-west-1c":"10.0.3.0/24"},` +
		`"app":{"us-gov-west-1a":"10.0.11.0/24","us-gov-west-1b":"10.0.12.0/24","us-gov-west-1c":"10.0.13.0/24"},` +
		`"data":{"us-gov-west-1a":"10.0.21.0/24","us-gov-west-1b":"10.0.22.0/24","us-gov-west-1c":"10.0.23.0/24"}}`,
	"omnirapeutic:aurora":   `{"engineVersion":"15.10","minCapacity":0.5,"maxCapacity":1,"writerAvailabilityZone":"us-gov-west-1a","readerAvailabilityZones":[],"backupRetentionDays":7,"masterUsername":"dbadmin"}`,
	"omnirapeutic:bastion":  `{"availabilityZone":"us-gov-west-1a","instanceType":"t3.micro","amiParameter":"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64","idleSessionTimeoutMinutes":20,"maxSessionDurationMinutes":60}`,
	"omnirapeutic:edge":     `{"certificateArn":"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/0e3c1f5a-1111-2222-3333-444455556666","defaultTargetGroup":"web","pathRoutes":[{"pathPattern":"/api/*","targetGroup":"api"}],"wafRateLimit":2000}`,
	"omnirapeutic:recovery": `{"region":"us-gov-east-1"}`,
}

// TestGovCloudStackSpellsItsOwnPartition: validation accepts GovCloud
// regions, and a stack there must not name a single commercial-partition
// ARN, which IAM, KMS and S3 in aws-us-gov would refuse or never match.
// Every resource's inputs are searched, and the ARNs that must be there are
// pinned one per way of building them (regional, IAM, S3, AWS managed
// policy, another account's, an output composed with pulumi.Sprintf).
func TestGovCloudStackSpellsItsOwnPartition(t *testing.T) {
	r, err := runWith(t, govCloudOverrides)
	require.NoError(t, err)
	inv := inventory(t, r)
	assert.NotContains(t, inv, "arn:aws:", "a commercial-partition ARN in a GovCloud stack")
	assert.NotContains(t, inv, "us-east-1")

	const account = synth.AccountID
	want := func(typ, name, key, arn string) {
		t.Helper()
		assert.Contains(t, find(t, r, typ, name).Str(key), arn, "%s %s.%s", typ, name, key)
	}
	// A regional ARN, built by hand into a key policy.
	want(tKey, "keys-logs", "policy", `"arn:aws-us-gov:logs:us-gov-west-1:`+account+`:log-group:*"`)
	// The account root, IAM: no region.
	want(tKey, "keys-s3", "policy", `"arn:aws-us-gov:iam::`+account+`:root"`)
	// S3: neither region nor account.
	want("aws:s3/bucketPolicy:BucketPolicy", "cloudtrail-bucket-policy", "policy", `"arn:aws-us-gov:s3:::omnirapeutic-production-cloudtrail-`+account+`"`)
	// The ELB account of the region, in its partition.
	want("aws:s3/bucketPolicy:BucketPolicy", "alb-access-logs-policy", "policy", `"arn:aws-us-gov:iam::048591011584:root"`)
	// GuardDuty's agent repository, another account's regional resource.
	want(tPolicy, "ecs-nginx-execution-policy", "policy", `"arn:aws-us-gov:ecr:us-gov-west-1:383110348953:repository/aws-guardduty-agent-fargate"`)
	// An AWS managed policy.
	assert.Equal(t, "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore",
		find(t, r, tAttachment, "bastion-AmazonSSMManagedInstanceCore-attachment").Str("policyArn"))
	// An ARN composed from an output (the Aurora cluster's identifier).
	assert.Equal(t, []any{"arn:aws-us-gov:rds:us-gov-west-1:" + account + ":cluster:omnirapeutic-production"},
		find(t, r, "aws:backup/selection:Selection", "backup-aurora").Inputs["resources"])
	// AWS-owned: a region, no account.
	assert.Equal(t, "arn:aws-us-gov:securityhub:us-gov-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
		find(t, r, "aws:securityhub/standardsSubscription:StandardsSubscription", "securityhub-fsbp").Str("standardsArn"))
	// The recovery region's, in the same partition: the copies' vault.
	copies := find(t, r, "aws:backup/plan:Plan", "backup-plan").Inputs["rules"].([]any)[1].(map[string]any)["copyActions"].([]any)[0].(map[string]any)
	assert.Equal(t, "arn:aws-us-gov:backup:us-gov-east-1:"+account+":backup-vault:omnirapeutic-production-recovery", copies["destinationVaultArn"])
	// The certificate validation accepted, served.
	https := find(t, r, "aws:lb/listener:Listener", "alb-https")
	assert.Equal(t, "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/0e3c1f5a-1111-2222-3333-444455556666", https.Str("certificateArn"))
}

// TestCertificateMustBeInTheRegionsPartition: a certificate ARN of the
// right region but the commercial partition is refused before anything is
// registered, naming both partitions.
func TestCertificateMustBeInTheRegionsPartition(t *testing.T) {
	overrides := map[string]string{}
	for k, v := range govCloudOverrides {
		overrides[k] = v
	}
	overrides["omnirapeutic:edge"] = strings.Replace(govCloudOverrides["omnirapeutic:edge"], "arn:aws-us-gov:", "arn:aws:", 1)
	r, err := runWith(t, overrides)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `omnirapeutic:edge.certificateArn: "arn:aws:acm:us-gov-west-1:123456789012:certificate/0e3c1f5a-1111-2222-3333-444455556666" is in partition aws; region us-gov-west-1 is in aws-us-gov`)
	assert.Empty(t, r.Resources)
}

// TestOnlyNamingSpellsAPartition keeps the GovCloud fix fixed: outside the
// naming package, no Go source (tests aside, which pin expected values) has
// a string literal or comment spelling an ARN of the commercial partition;
// ARNs come from naming.Scope, whose partition follows the region.
func TestOnlyNamingSpellsAPartition(t *testing.T) {
	checked := 0
	for _, file := range moduleGoFiles(t) {
		if file.Test || file.Pkg == "naming" || strings.HasPrefix(file.Pkg, "naming/") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file.Path, nil, parser.ParseComments)
		require.NoError(t, err)
		checked++
		report := func(pos token.Pos, text string) {
			if strings.Contains(text, "arn:aws:") || strings.Contains(text, "arn:aws-") {
				t.Errorf("%s spells a partition (%q): build the ARN with naming.Scope", fset.Position(pos), text)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					s = lit.Value
				}
				report(lit.Pos(), s)
			}
			return true
		})
		for _, g := range f.Comments {
			report(g.Pos(), g.Text())
		}
	}
	assert.Greater(t, checked, 50, "the scan must see the program's sources")
}
