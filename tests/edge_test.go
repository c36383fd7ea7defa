package tests

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/edge"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/storage"
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

func ruleLoadBalancer(t *testing.T, s *stack) {
	alb := find(t, s.Result, tLB, "alb")
	assert.Equal(t, s.name("alb"), alb.Str("name"))
	assert.Equal(t, "application", alb.Str("loadBalancerType"))
	assert.Equal(t, false, alb.Inputs["internal"], "internet-facing")
	assert.Equal(t, s.subnetIDs(t, "public"), alb.Inputs["subnets"])
	assert.Equal(t, []any{find(t, s.Result, tSG, "security-groups-alb").ID}, alb.Inputs["securityGroups"])
	assert.Equal(t, s.cfg.AlbDeletionProtection, alb.Inputs["enableDeletionProtection"])
	assert.Equal(t, s.cfg.AlbDeletionProtection, alb.Protect, "Pulumi's protect mirrors AWS's deletion protection")
	assert.Equal(t, true, alb.Inputs["dropInvalidHeaderFields"])
	assert.Equal(t, "defensive", alb.Str("desyncMitigationMode"))
	assert.Equal(t, map[string]any{"bucket": s.name("alb-logs", s.scope.Account), "prefix": "alb", "enabled": true}, alb.Inputs["accessLogs"])
	assert.Contains(t, alb.Dependencies, find(t, s.Result, tBucketPolicy, "alb-access-logs-policy").URN, "ELB checks its write access when logging is enabled")
	assert.Equal(t, alb.Computed["dnsName"], s.Outputs["albDnsName"])
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
	scope := synthScopeOf(r)
	assert.Equal(t, []string{scope.ARN("s3", bucket), scope.ARN("s3", bucket+"/*")}, deny.Resource)
	return doc
}

// ruleAlbAccessLogBucket: the ALB's logs go to a private bucket the region's
// Elastic Load Balancing may write its prefix of, SSE-S3 (the only
// encryption ELB delivers to), kept logRetentionDays.
func ruleAlbAccessLogBucket(t *testing.T, s *stack) {
	bucket := s.name("alb-logs", s.scope.Account)
	doc := assertPrivateBucket(t, s.Result, "alb-access-logs", bucket)
	elb := statement(t, doc, "ElbDeliversAccessLogs")
	require.Len(t, elb.Principal["AWS"], 1, "the region's ELB account")
	assert.Regexp(t, `^arn:`+s.scope.Partition+`:iam::\d{12}:root$`, elb.Principal["AWS"][0])
	assert.NotEqual(t, s.scope.AccountRoot(), elb.Principal["AWS"][0], "ELB's account, not this one")
	assert.Equal(t, []string{"s3:PutObject"}, elb.Action)
	assert.Equal(t, []string{s.scope.ARN("s3", bucket+"/alb/AWSLogs/"+s.scope.Account+"/*")}, elb.Resource)
	sse := find(t, s.Result, tBucketSSE, "alb-access-logs-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"sseAlgorithm": "AES256"}, sse["applyServerSideEncryptionByDefault"], "ELB access logs accept only SSE-S3")
	assertLifecycle(t, s.Result, "alb-access-logs", storage.Lifecycle{InfrequentAccessDays: edge.AccessLogInfrequentAccessDays, ExpireDays: s.cfg.Logs.RetentionDays})
}

// assertLifecycle checks a bucket's one lifecycle rule: transitions and
// expiry of current objects as the program's storage.Lifecycle says.
func assertLifecycle(t *testing.T, r *synth.Result, name string, want storage.Lifecycle) {
	t.Helper()
	rule := find(t, r, tBucketLifecyle, name+"-lifecycle").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, "Enabled", rule["status"])
	assert.Equal(t, map[string]any{"days": float64(want.ExpireDays)}, rule["expiration"], "%s expires current objects", name)
	var transitions []any
	for _, tr := range []struct {
		days  int
		class string
	}{{want.InfrequentAccessDays, "STANDARD_IA"}, {want.GlacierDays, "GLACIER"}} {
		if tr.days > 0 {
			transitions = append(transitions, map[string]any{"days": float64(tr.days), "storageClass": tr.class})
		}
	}
	if transitions == nil {
		assert.Empty(t, rule["transitions"], name)
	} else {
		assert.Equal(t, transitions, rule["transitions"], name)
	}
}

// ruleTargetGroups: one target group per name edge routes to, checking the
// path its services agree on.
func ruleTargetGroups(t *testing.T, s *stack) {
	names := s.cfg.Edge.TargetGroups()
	require.Len(t, s.OfType(tTargetGroup), len(names))
	for _, name := range names {
		tg := find(t, s.Result, tTargetGroup, "alb-"+name)
		assert.Equal(t, s.name(name), tg.Str("name"))
		assert.LessOrEqual(t, len(tg.Str("name")), 32, "AWS caps target group names at 32 characters")
		assert.Equal(t, "ip", tg.Str("targetType"))
		assert.Equal(t, "HTTP", tg.Str("protocol"))
		assert.Equal(t, find(t, s.Result, tVpc, "network-vpc").ID, tg.Str("vpcId"))
		assert.EqualValues(t, 30, tg.Inputs["deregistrationDelay"])
		hc := tg.Inputs["healthCheck"].(map[string]any)
		assert.Equal(t, s.cfg.HealthCheckPath(name), hc["path"])
		assert.Equal(t, "traffic-port", hc["port"])
	}
}

// ruleRouting: without a certificate, HTTP :80 serves each path route in
// priority order and the default target group; with one, HTTPS :443 serves
// them (TLS 1.3/1.2) and HTTP :80 only redirects.
func ruleRouting(t *testing.T, s *stack) {
	e := s.cfg.Edge
	forward := func(tg string) string { return "forward " + s.name(tg) }
	serving := "HTTP:80"
	var want []synth.Route
	if e.CertificateArn != "" {
		serving = "HTTPS:443"
		want = append(want, synth.Route{Listener: "HTTP:80", Priority: "default", Match: "*", Action: "redirect HTTPS:443 HTTP_301"})
		https := find(t, s.Result, tListener, "alb-https")
		assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", https.Str("sslPolicy"))
		assert.Equal(t, e.CertificateArn, https.Str("certificateArn"))
		require.Len(t, s.OfType(tListener), 2)
	} else {
		require.Len(t, s.OfType(tListener), 1, "HTTP only until a certificate is configured")
	}
	for i, r := range e.PathRoutes {
		want = append(want, synth.Route{Listener: serving, Priority: strconv.Itoa(edge.RulePriority(i)), Match: r.PathPattern, Action: forward(r.TargetGroup)})
	}
	want = append(want, synth.Route{Listener: serving, Priority: "default", Match: "*", Action: forward(e.DefaultTargetGroup)})
	assert.Equal(t, want, must(s.Routes())(t))
	assert.Len(t, s.OfType(tListenerRule), len(e.PathRoutes), "HTTP only redirects once HTTPS exists")
}

func ruleWebAcl(t *testing.T, s *stack) {
	acl := find(t, s.Result, tWebAcl, "waf")
	assert.Equal(t, s.name("waf"), acl.Str("name"))
	assert.Equal(t, "REGIONAL", acl.Str("scope"))
	assert.Equal(t, map[string]any{"allow": map[string]any{}}, acl.Inputs["defaultAction"])
	assert.Equal(t, map[string]any{"cloudwatchMetricsEnabled": true, "metricName": s.name("waf"), "sampledRequestsEnabled": true}, acl.Inputs["visibilityConfig"])
	assert.Equal(t, []synth.WafRule{
		{Priority: 1, Name: "AWSManagedRulesCommonRuleSet", What: "managed group AWS/AWSManagedRulesCommonRuleSet", Action: "group's own actions (override none)"},
		{Priority: 2, Name: "AWSManagedRulesKnownBadInputsRuleSet", What: "managed group AWS/AWSManagedRulesKnownBadInputsRuleSet", Action: "group's own actions (override none)"},
		{Priority: 3, Name: "AWSManagedRulesSQLiRuleSet", What: "managed group AWS/AWSManagedRulesSQLiRuleSet", Action: "group's own actions (override none)"},
		{Priority: 4, Name: "RateLimitPerIP", What: fmt.Sprintf("more than %d requests per 300s per IP", s.cfg.Edge.WafRateLimit), Action: "block"},
		{Priority: 5, Name: "AWSManagedRulesAmazonIpReputationList", What: "managed group AWS/AWSManagedRulesAmazonIpReputationList", Action: "group's own actions (override none)"},
		{Priority: 6, Name: "AWSManagedRulesAnonymousIpList", What: "managed group AWS/AWSManagedRulesAnonymousIpList", Action: "group's own actions, but HostingProviderIPList counted"},
	}, must(s.WafRules())(t), "the specification's rules keep their priorities; the IP reputation groups follow")
	for _, raw := range acl.Inputs["rules"].([]any) {
		rule := raw.(map[string]any)
		assert.Equal(t, map[string]any{"cloudwatchMetricsEnabled": true, "metricName": rule["name"], "sampledRequestsEnabled": true}, rule["visibilityConfig"])
	}
	assoc := find(t, s.Result, tWebAclAssoc, "waf-association")
	assert.Equal(t, find(t, s.Result, tLB, "alb").Computed["arn"], assoc.Str("resourceArn"))
	group := find(t, s.Result, tLogGroup, "waf-logs")
	assert.Equal(t, "aws-waf-logs-"+s.scope.Prefix, group.Str("name"))
	logging := find(t, s.Result, tWebAclLogging, "waf-logging")
	assert.Equal(t, []any{s.arn("logs", "log-group:"+group.Str("name"))}, logging.Inputs["logDestinationConfigs"])
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
