package guardrails

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/conformance"
)

func guardrail(t *testing.T, rule string) Guardrail {
	t.Helper()
	all, err := All()
	require.NoError(t, err)
	for _, g := range all {
		if g.Rule == rule {
			return g
		}
	}
	t.Fatalf("no guardrail for %s", rule)
	return Guardrail{}
}

func of(vs []Violation, policy string) []Violation {
	return slices.DeleteFunc(slices.Clone(vs), func(v Violation) bool { return v.Policy != policy })
}

// TestPackHasOnePolicyPerControl: the pack builds, one uniquely named
// policy per control, its enforcement as declared, its description naming
// the safeguard and the source rule.
func TestPackHasOnePolicyPerControl(t *testing.T) {
	all, err := All()
	require.NoError(t, err)
	pack, err := Pack()
	require.NoError(t, err)
	require.Len(t, pack.Policies(), len(all))
	assert.Len(t, all, 75)
	seen := map[string]bool{}
	for i, p := range pack.Policies() {
		g := all[i]
		assert.False(t, seen[p.Name()], "%s twice", p.Name())
		seen[p.Name()] = true
		assert.Equal(t, g.Name, p.Name())
		assert.Equal(t, g.Level(), p.EnforcementLevel(), g.Name)
		assert.Contains(t, p.Description(), g.Rule)
		assert.Contains(t, p.Description(), "HIPAA")
		for _, s := range g.Safeguards {
			assert.Contains(t, p.Description(), s)
		}
		assert.NotEmpty(t, g.Fix, g.Name)
		_, perResource := p.(policyx.ResourceValidationPolicy)
		_, perStack := p.(policyx.StackValidationPolicy)
		assert.Equal(t, g.Alone, perResource, g.Name)
		assert.Equal(t, !g.Alone, perStack, g.Name)
	}
	assert.Equal(t, "HIPAA Security Rule 164.312(a)(2)(iv), 164.312(e)(1), 164.312(e)(2)(i), 164.312(e)(2)(ii). Source: AWS Config rule alb-http-to-https-redirection-check (ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK) of AWS's HIPAA Security conformance pack.",
		guardrail(t, "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK").Description())
	assert.Contains(t, guardrail(t, "CLOUDWATCH_LOG_GROUP_ENCRYPTED").Description(), "outside the HIPAA pack")
}

// TestEveryPolicyPassesAndReports: for each policy, the compliant world
// has no violation of it, and the world broken for its rule is reported,
// naming the resource, what is wrong and the fix.
func TestEveryPolicyPassesAndReports(t *testing.T) {
	all, err := All()
	require.NoError(t, err)
	clean, err := Check(conformance.CompliantWorld())
	require.NoError(t, err)
	for _, g := range all {
		t.Run(g.Name, func(t *testing.T) {
			assert.Empty(t, of(clean, g.Name), "the compliant world violates %s", g.Name)
			brk, ok := conformance.Breaks[g.Rule]
			require.True(t, ok, "no break for %s", g.Rule)
			if brk == nil {
				return // satisfied by presence: the pack judges what exists
			}
			world := conformance.CompliantWorld()
			brk(world)
			if g.Rule == "ELBV2_ACM_CERTIFICATE_REQUIRED" {
				renameLoadBalancer(world) // the world's "alb" is excepted, as production's is
			}
			got, err := Check(world)
			require.NoError(t, err)
			vs := of(got, g.Name)
			require.NotEmpty(t, vs, "breaking %s was not reported", g.Rule)
			for _, v := range vs {
				assert.Equal(t, g.Mandatory, v.Mandatory)
				assert.True(t, strings.HasPrefix(v.Message, v.Resource+": "), v.Message)
				assert.Contains(t, v.Message, "Fix: "+g.Fix)
			}
		})
	}
}

func renameLoadBalancer(s *conformance.Stack) {
	for _, r := range s.Resources {
		if r.Name == "alb" {
			r.Name = "alb-2"
		}
	}
}

// TestExceptionsAreHonoured: a failure the exceptions table accepts for a
// resource is not reported for it, and still is for any other resource.
func TestExceptionsAreHonoured(t *testing.T) {
	world := conformance.CompliantWorld()
	conformance.Breaks["ELBV2_ACM_CERTIFICATE_REQUIRED"](world)
	got, err := Check(world)
	require.NoError(t, err)
	assert.Empty(t, of(got, "elbv2-acm-certificate-required"), `"alb" is excepted in conformance.HIPAAExceptions`)
	renameLoadBalancer(world)
	got, err = Check(world)
	require.NoError(t, err)
	assert.Len(t, of(got, "elbv2-acm-certificate-required"), 1)
}

// recorder is a policyx.PolicyManager that keeps what is reported.
type recorder struct{ messages, urns []string }

func (r *recorder) ReportViolation(message, urn string) {
	r.messages = append(r.messages, message)
	r.urns = append(r.urns, urn)
}

func validateResource(t *testing.T, rule, typ, name string, props map[string]property.Value) *recorder {
	t.Helper()
	p, ok := guardrail(t, rule).Policy().(policyx.ResourceValidationPolicy)
	require.True(t, ok)
	rec := &recorder{}
	require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: rec, Resource: policyx.AnalyzerResource{
		Type: typ, Name: name, URN: "urn:pulumi:production::omnirapeutic::" + typ + "::" + name, Properties: property.NewMap(props),
	}}))
	return rec
}

// TestResourcePolicyThroughTheEngineAPI: a per-resource policy judges the
// engine's view of one resource; an unknown value (a key created in the
// same preview) is not a violation.
func TestResourcePolicyThroughTheEngineAPI(t *testing.T) {
	const lg = "aws:cloudwatch/logGroup:LogGroup"
	assert.Empty(t, validateResource(t, "CLOUDWATCH_LOG_GROUP_ENCRYPTED", lg, "app-logs", map[string]property.Value{
		"kmsKeyId": property.New("arn:aws:kms:us-east-1:1:key/k"), "retentionInDays": property.New(365.0)}).messages)
	rec := validateResource(t, "CLOUDWATCH_LOG_GROUP_ENCRYPTED", lg, "app-logs", map[string]property.Value{"retentionInDays": property.New(365.0)})
	require.Len(t, rec.messages, 1)
	assert.Equal(t, "app-logs: no kmsKeyId: encrypted only with CloudWatch Logs' own key. Fix: set kmsKeyId on the log group to the Logs key (logs.NewGroup does).", rec.messages[0])
	assert.Empty(t, rec.urns[0], "the engine attributes it to the resource analyzed")
	assert.Empty(t, validateResource(t, "CLOUDWATCH_LOG_GROUP_ENCRYPTED", lg, "app-logs", map[string]property.Value{
		"kmsKeyId": property.New(property.Computed), "retentionInDays": property.New(365.0)}).messages)
	assert.Empty(t, validateResource(t, "CLOUDWATCH_LOG_GROUP_ENCRYPTED", "aws:sns/topic:Topic", "alarms", nil).messages, "out of scope")
}

func stackResource(typ, name string, props map[string]property.Value, propDeps map[string][]string) policyx.AnalyzerResource {
	return policyx.AnalyzerResource{Type: typ, Name: name, URN: "urn:pulumi:production::omnirapeutic::" + typ + "::" + name,
		Properties: property.NewMap(props), PropertyDependencies: propDeps, Options: pulumi.ResourceOptions{}}
}

func validateStack(t *testing.T, rule string, resources ...policyx.AnalyzerResource) *recorder {
	t.Helper()
	p, ok := guardrail(t, rule).Policy().(policyx.StackValidationPolicy)
	require.True(t, ok)
	rec := &recorder{}
	require.NoError(t, p.Validate(context.Background(), policyx.StackValidationArgs{Manager: rec, Resources: resources}))
	return rec
}

// TestStackPolicyThroughTheEngineAPI: a stack policy joins resources by ID;
// in a preview, where IDs are unknown, by the dependency the engine records;
// and it does not judge a resource another's unknown value may yet fix.
func TestStackPolicyThroughTheEngineAPI(t *testing.T) {
	const bucketType, sseType, policyType = "aws:s3/bucketV2:BucketV2", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "aws:s3/bucketPolicy:BucketPolicy"
	bucket := stackResource(bucketType, "phi", map[string]property.Value{"id": property.New("phi-bucket"), "bucket": property.New("phi-bucket")}, nil)
	sse := func(bucketRef property.Value) policyx.AnalyzerResource {
		rule := property.New(map[string]property.Value{"applyServerSideEncryptionByDefault": property.New(map[string]property.Value{
			"sseAlgorithm": property.New("aws:kms"), "kmsMasterKeyId": property.New("arn:aws:kms:us-east-1:1:key/k")})})
		return stackResource(sseType, "phi-sse", map[string]property.Value{"bucket": bucketRef, "rules": property.New([]property.Value{rule})},
			map[string][]string{"bucket": {bucket.URN}})
	}

	rec := validateStack(t, "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", bucket)
	require.Len(t, rec.messages, 1)
	assert.Equal(t, bucket.URN, rec.urns[0], "attributed to the bucket")
	assert.Contains(t, rec.messages[0], "phi: no default encryption. Fix: add an aws:s3/bucketServerSideEncryptionConfigurationV2")

	assert.Empty(t, validateStack(t, "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", bucket, sse(property.New("phi-bucket"))).messages)

	preview := stackResource(bucketType, "phi", map[string]property.Value{"id": property.New(property.Computed), "bucket": property.New("phi-bucket")}, nil)
	assert.Empty(t, validateStack(t, "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", preview, sse(property.New(property.Computed))).messages,
		"in a preview the configuration refers to the bucket by its dependency")

	outputsOnly := stackResource(bucketType, "phi", map[string]property.Value{"bucket": property.New("phi-bucket")}, nil)
	assert.Empty(t, validateStack(t, "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", outputsOnly, sse(property.New("phi-bucket-id"))).messages,
		"after an update the engine sends outputs without the ID: it is learnt from what refers to the bucket")
	assert.Len(t, validateStack(t, "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", outputsOnly).messages, 1)

	unrendered := stackResource(policyType, "phi-policy", map[string]property.Value{"bucket": property.New("phi-bucket"), "policy": property.New(property.Computed)},
		map[string][]string{"policy": {bucket.URN}})
	assert.Empty(t, validateStack(t, "S3_BUCKET_SSL_REQUESTS_ONLY", bucket, unrendered).messages, "the policy document is not known yet")
	assert.Len(t, validateStack(t, "S3_BUCKET_SSL_REQUESTS_ONLY", bucket).messages, 1, "no policy at all")
}

// TestAuthorizedTcpPortsReachTheRule: the pack parameter reference is resolved.
func TestAuthorizedTcpPortsReachTheRule(t *testing.T) {
	assert.Equal(t, AuthorizedTcpPorts, guardrail(t, "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS").Parameters["authorizedTcpPorts"])
}

// TestPreviewDefersWhatRefersToNewResources: in a preview of a new
// security group, its rule names it by an unknown ID; the world-open
// database port is judged once the ID is known (the end of the update, or
// any later preview), not before, so a reference by name cannot misfire.
func TestPreviewDefersWhatRefersToNewResources(t *testing.T) {
	const sgType, ruleType = "aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	rule := func(sgID property.Value, sg policyx.AnalyzerResource) policyx.AnalyzerResource {
		return stackResource(ruleType, "db-in-world", map[string]property.Value{
			"securityGroupId": sgID, "cidrIpv4": property.New("0.0.0.0/0"),
			"ipProtocol": property.New("tcp"), "fromPort": property.New(5432.0), "toPort": property.New(5432.0),
		}, map[string][]string{"securityGroupId": {sg.URN}})
	}
	fresh := stackResource(sgType, "db", map[string]property.Value{"id": property.New(property.Computed), "arn": property.New(property.Computed)}, nil)
	assert.Empty(t, validateStack(t, "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", fresh, rule(property.New(property.Computed), fresh)).messages)

	existing := stackResource(sgType, "db", map[string]property.Value{"id": property.New("sg-123"), "arn": property.New(property.Computed)}, nil)
	rec := validateStack(t, "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", existing, rule(property.New("sg-123"), existing))
	require.Len(t, rec.messages, 1, "an ARN the provider has yet to compute does not stop the judgment")
	assert.Equal(t, existing.URN, rec.urns[0])
	assert.Contains(t, rec.messages[0], "db: open to the world on 5432-5432")
}
