package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
)

const (
	tLB             = "aws:lb/loadBalancer:LoadBalancer"
	tTargetGroup    = "aws:lb/targetGroup:TargetGroup"
	tListener       = "aws:lb/listener:Listener"
	tListenerRule   = "aws:lb/listenerRule:ListenerRule"
	tWebAcl         = "aws:wafv2/webAcl:WebAcl"
	tWebAclAssoc    = "aws:wafv2/webAclAssociation:WebAclAssociation"
	tWebAclLogging  = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
	tBucket         = "aws:s3/bucketV2:BucketV2"
	tBucketPAB      = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	tBucketOwner    = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	tBucketVersion  = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	tBucketSSE      = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tBucketLifecyle = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	tBucketPolicy   = "aws:s3/bucketPolicy:BucketPolicy"
)

func TestLoadBalancer(t *testing.T) {
	r := production(t)
	alb := find(t, r, tLB, "alb")
	assert.Equal(t, "omnirapeutic-production-alb", alb.Str("name"))
	assert.Equal(t, "application", alb.Str("loadBalancerType"))
	assert.Equal(t, false, alb.Inputs["internal"], "internet-facing")
	assert.Equal(t, []any{"network-public-us-east-1a-id", "network-public-us-east-1b-id", "network-public-us-east-1c-id"}, alb.Inputs["subnets"])
	assert.Equal(t, []any{"security-groups-alb-id"}, alb.Inputs["securityGroups"])
	assert.Equal(t, true, alb.Inputs["enableDeletionProtection"])
	assert.True(t, alb.Protect, "Pulumi's protect mirrors AWS's deletion protection")
	assert.Equal(t, true, alb.Inputs["dropInvalidHeaderFields"])
	assert.Equal(t, "defensive", alb.Str("desyncMitigationMode"))
	assert.Equal(t, map[string]any{"bucket": "omnirapeutic-production-alb-logs-123456789012", "prefix": "alb", "enabled": true}, alb.Inputs["accessLogs"])
	assert.Contains(t, alb.Dependencies, find(t, r, tBucketPolicy, "alb-access-logs-policy").URN, "ELB checks its write access when logging is enabled")
	assert.Equal(t, "omnirapeutic-production-alb-offline.us-east-1.elb.amazonaws.com", r.Outputs["albDnsName"])
}

// assertPrivateBucket checks the controls every bucket carries.
func assertPrivateBucket(t *testing.T, r *synth.Result, name, bucket string) policy.Document {
	t.Helper()
	b := find(t, r, tBucket, name)
	assert.Equal(t, bucket, b.Str("bucket"))
	assert.Equal(t, false, b.Inputs["forceDestroy"])
	assert.Equal(t, map[string]any{"bucket": b.ID, "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true},
		find(t, r, tBucketPAB, name+"-public-access-block").Inputs)
	assert.Equal(t, map[string]any{"objectOwnership": "BucketOwnerEnforced"}, find(t, r, tBucketOwner, name+"-ownership").Inputs["rule"])
	assert.Equal(t, map[string]any{"status": "Enabled"}, find(t, r, tBucketVersion, name+"-versioning").Inputs["versioningConfiguration"])
	doc, err := policy.Parse(find(t, r, tBucketPolicy, name+"-policy").Str("policy"))
	require.NoError(t, err)
	deny := statement(t, doc, "DenyInsecureTransport")
	assert.Equal(t, "Deny", deny.Effect)
	assert.Equal(t, []string{"false"}, deny.Condition["Bool"]["aws:SecureTransport"])
	assert.Equal(t, []string{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"}, deny.Resource)
	return doc
}

func TestAccessLogBucket(t *testing.T) {
	r := production(t)
	doc := assertPrivateBucket(t, r, "alb-access-logs", "omnirapeutic-production-alb-logs-123456789012")
	elb := statement(t, doc, "ElbDeliversAccessLogs")
	assert.Equal(t, policy.AWS("arn:aws:iam::127311923021:root"), elb.Principal, "the us-east-1 ELB account")
	assert.Equal(t, []string{"s3:PutObject"}, elb.Action)
	assert.Equal(t, []string{"arn:aws:s3:::omnirapeutic-production-alb-logs-123456789012/alb/AWSLogs/123456789012/*"}, elb.Resource)

	sse := find(t, r, tBucketSSE, "alb-access-logs-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"sseAlgorithm": "AES256"}, sse["applyServerSideEncryptionByDefault"], "ELB access logs accept only SSE-S3")

	rule := find(t, r, tBucketLifecyle, "alb-access-logs-lifecycle").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, "Enabled", rule["status"])
	assert.Equal(t, map[string]any{"days": 365.0}, rule["expiration"])
	assert.Equal(t, []any{map[string]any{"days": 30.0, "storageClass": "STANDARD_IA"}}, rule["transitions"])
}

func TestTargetGroups(t *testing.T) {
	r := production(t)
	require.Len(t, r.OfType(tTargetGroup), 2)
	for name, path := range map[string]string{"api": "/health", "web": "/"} {
		tg := find(t, r, tTargetGroup, "alb-"+name)
		assert.Equal(t, "omnirapeutic-production-"+name, tg.Str("name"))
		assert.LessOrEqual(t, len(tg.Str("name")), 32, "AWS caps target group names at 32 characters")
		assert.Equal(t, "ip", tg.Str("targetType"))
		assert.Equal(t, "HTTP", tg.Str("protocol"))
		assert.Equal(t, "network-vpc-id", tg.Str("vpcId"))
		assert.EqualValues(t, 30, tg.Inputs["deregistrationDelay"])
		hc := tg.Inputs["healthCheck"].(map[string]any)
		assert.Equal(t, path, hc["path"])
		assert.Equal(t, "traffic-port", hc["port"])
	}
}

func TestHttpRoutingWithoutCertificate(t *testing.T) {
	r := production(t)
	require.Len(t, r.OfType(tListener), 1, "HTTP only until a certificate is configured")
	assert.Equal(t, []synth.Route{
		{Listener: "HTTP:80", Priority: "10", Match: "/api/*", Action: "forward omnirapeutic-production-api"},
		{Listener: "HTTP:80", Priority: "default", Match: "*", Action: "forward omnirapeutic-production-web"},
	}, must(r.Routes())(t))
}

func TestHttpsRoutingWithCertificate(t *testing.T) {
	r, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	require.Len(t, r.OfType(tListener), 2)
	https := find(t, r, tListener, "alb-https")
	assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", https.Str("sslPolicy"))
	assert.Equal(t, "arn:aws:acm:us-east-1:123456789012:certificate/0e3c1f5a-1111-2222-3333-444455556666", https.Str("certificateArn"))
	assert.Equal(t, []synth.Route{
		{Listener: "HTTP:80", Priority: "default", Match: "*", Action: "redirect HTTPS:443 HTTP_301"},
		{Listener: "HTTPS:443", Priority: "10", Match: "/api/*", Action: "forward omnirapeutic-production-api"},
		{Listener: "HTTPS:443", Priority: "default", Match: "*", Action: "forward omnirapeutic-production-web"},
	}, must(r.Routes())(t))
	assert.Nil(t, r.Find(tListenerRule, "alb-http-api"), "HTTP only redirects once HTTPS exists")
}

func TestWebAcl(t *testing.T) {
	r := production(t)
	acl := find(t, r, tWebAcl, "waf")
	assert.Equal(t, "omnirapeutic-production-waf", acl.Str("name"))
	assert.Equal(t, "REGIONAL", acl.Str("scope"))
	assert.Equal(t, map[string]any{"allow": map[string]any{}}, acl.Inputs["defaultAction"])
	assert.Equal(t, map[string]any{"cloudwatchMetricsEnabled": true, "metricName": "omnirapeutic-production-waf", "sampledRequestsEnabled": true}, acl.Inputs["visibilityConfig"])
	assert.Equal(t, []synth.WafRule{
		{Priority: 1, Name: "AWSManagedRulesAmazonIpReputationList", What: "managed group AWS/AWSManagedRulesAmazonIpReputationList", Action: "group's own actions (override none)"},
		{Priority: 2, Name: "AWSManagedRulesAnonymousIpList", What: "managed group AWS/AWSManagedRulesAnonymousIpList", Action: "group's own actions, but HostingProviderIPList counted"},
		{Priority: 3, Name: "AWSManagedRulesCommonRuleSet", What: "managed group AWS/AWSManagedRulesCommonRuleSet", Action: "group's own actions (override none)"},
		{Priority: 4, Name: "AWSManagedRulesKnownBadInputsRuleSet", What: "managed group AWS/AWSManagedRulesKnownBadInputsRuleSet", Action: "group's own actions (override none)"},
		{Priority: 5, Name: "AWSManagedRulesSQLiRuleSet", What: "managed group AWS/AWSManagedRulesSQLiRuleSet", Action: "group's own actions (override none)"},
		{Priority: 6, Name: "RateLimitPerIP", What: "more than 2000 requests per 300s per IP", Action: "block"},
	}, must(r.WafRules())(t), "the IP reputation groups first, then content inspection, then the rate limit")
	for _, raw := range acl.Inputs["rules"].([]any) {
		rule := raw.(map[string]any)
		assert.Equal(t, map[string]any{"cloudwatchMetricsEnabled": true, "metricName": rule["name"], "sampledRequestsEnabled": true}, rule["visibilityConfig"])
	}

	assoc := find(t, r, tWebAclAssoc, "waf-association")
	assert.Equal(t, "arn:aws:elasticloadbalancing:us-east-1:"+account+":loadbalancer/app/omnirapeutic-production-alb/offline", assoc.Str("resourceArn"))
	assert.Contains(t, assoc.Dependencies, find(t, r, tLB, "alb").URN, "the association cannot race the ALB")
	assert.Contains(t, assoc.Dependencies, find(t, r, tListener, "alb-http").URN)

	group := find(t, r, tLogGroup, "waf-logs")
	assert.Equal(t, "aws-waf-logs-omnirapeutic-production", group.Str("name"))
	logging := find(t, r, tWebAclLogging, "waf-logging")
	assert.Equal(t, []any{"arn:aws:logs:us-east-1:" + account + ":log-group:aws-waf-logs-omnirapeutic-production"}, logging.Inputs["logDestinationConfigs"])
	assert.Equal(t, []any{
		map[string]any{"singleHeader": map[string]any{"name": "authorization"}},
		map[string]any{"singleHeader": map[string]any{"name": "cookie"}},
	}, logging.Inputs["redactedFields"])
}

func TestEdgeConfigValidation(t *testing.T) {
	for name, tc := range map[string]struct{ edge, want string }{
		"certificate in another region": {`{"certificateArn":"arn:aws:acm:eu-west-1:123456789012:certificate/abc","defaultTargetGroup":"web","pathRoutes":[{"pathPattern":"/api/*","targetGroup":"api"}],"wafRateLimit":2000}`,
			`omnirapeutic:edge.certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" is in eu-west-1`},
		"rate limit below WAF's floor": {`{"certificateArn":"","defaultTargetGroup":"web","pathRoutes":[{"pathPattern":"/api/*","targetGroup":"api"}],"wafRateLimit":10}`,
			"omnirapeutic:edge.wafRateLimit: 10 is outside"},
		"route to the default group": {`{"certificateArn":"","defaultTargetGroup":"web","pathRoutes":[{"pathPattern":"/api/*","targetGroup":"web"}],"wafRateLimit":2000}`,
			`omnirapeutic:edge.pathRoutes[0].targetGroup: "web" is the default target group already`},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := runWith(t, map[string]string{"omnirapeutic:edge": tc.edge})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, r.Resources)
		})
	}
}

// TestDependentsWaitForTheListenersNotTheComponent pins that the WAF
// association and every ECS service depend on the ALB, each listener and
// each listener rule by URN. Depending on the LoadBalancer component waits
// only for the children the Go SDK had seen when the dependent registered
// (sometimes none), and AWS refuses both too early: the association with
// WAFUnavailableEntityException, a service joining a target group that no
// listener forwards to with "target group does not have an associated load
// balancer".
func TestDependentsWaitForTheListenersNotTheComponent(t *testing.T) {
	for name, overrides := range map[string]map[string]string{"production": nil, "certificate and every service": allServicesOn} {
		t.Run(name, func(t *testing.T) {
			r, err := runWith(t, overrides)
			require.NoError(t, err)
			var edge []string
			for _, typ := range []string{tLB, tListener, tListenerRule} {
				for _, res := range r.OfType(typ) {
					edge = append(edge, res.URN)
				}
			}
			require.GreaterOrEqual(t, len(edge), 3, "the ALB, a listener and the /api/* rule")
			dependents := append(r.OfType(tWebAclAssoc), r.OfType(tService)...)
			require.NotEmpty(t, dependents)
			for _, d := range dependents {
				for _, urn := range edge {
					assert.Contains(t, d.Dependencies, urn, "%s waits for %s", d.Name, urn)
				}
			}
		})
	}
}
