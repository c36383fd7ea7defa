package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/security"
)

const (
	tTrail          = "aws:cloudtrail/trail:Trail"
	tRecorder       = "aws:cfg/recorder:Recorder"
	tDelivery       = "aws:cfg/deliveryChannel:DeliveryChannel"
	tRecorderStatus = "aws:cfg/recorderStatus:RecorderStatus"
	tPack           = "aws:cfg/conformancePack:ConformancePack"
	tDetector       = "aws:guardduty/detector:Detector"
	tFeature        = "aws:guardduty/detectorFeature:DetectorFeature"
	tEventRule      = "aws:cloudwatch/eventRule:EventRule"
	tEventTarget    = "aws:cloudwatch/eventTarget:EventTarget"
)

// assertAuditBucket checks an audit bucket: the audit lifecycle for the
// stack's retention, the S3 key, protection.
func assertAuditBucket(t *testing.T, s *stack, name string) {
	t.Helper()
	assertLifecycle(t, s.Result, name, compliance.AuditLifecycle(s.cfg.Logs.AuditRetentionDays))
	sse := find(t, s.Result, tBucketSSE, name+"-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": s.keyArn(t, "s3")}, sse["applyServerSideEncryptionByDefault"])
	assert.True(t, find(t, s.Result, tBucket, name).Protect, "%s holds audit evidence", name)
}

func ruleCloudTrail(t *testing.T, s *stack) {
	trail := find(t, s.Result, tTrail, "cloudtrail")
	trailArn := s.arn("cloudtrail", "trail/"+s.scope.Prefix)
	assert.Equal(t, s.scope.Prefix, trail.Str("name"))
	assert.Equal(t, true, trail.Inputs["isMultiRegionTrail"])
	assert.Equal(t, true, trail.Inputs["includeGlobalServiceEvents"])
	assert.Equal(t, true, trail.Inputs["enableLogFileValidation"])
	assert.Equal(t, true, trail.Inputs["enableLogging"])
	assert.Equal(t, s.keyArn(t, "s3"), trail.Str("kmsKeyId"))
	assert.Equal(t, compliance.TrailBucketName(s.scope), trail.Str("s3BucketName"))
	assert.Equal(t, s.arn("logs", "log-group:"+compliance.TrailLogGroupName(s.scope)+":*"), trail.Str("cloudWatchLogsGroupArn"))
	assert.Equal(t, s.arn("iam", "role/"+s.name("cloudtrail-logs")), trail.Str("cloudWatchLogsRoleArn"))
	assert.Contains(t, trail.Dependencies, find(t, s.Result, tBucketPolicy, "cloudtrail-bucket-policy").URN, "CloudTrail checks the bucket policy on creation")

	doc := assertPrivateBucket(t, s.Result, "cloudtrail-bucket", compliance.TrailBucketName(s.scope))
	write := statement(t, doc, "CloudTrailWritesLogs")
	assert.Equal(t, policy.Service("cloudtrail.amazonaws.com"), write.Principal)
	assert.Equal(t, []string{s.arn("s3", compliance.TrailBucketName(s.scope)+"/AWSLogs/"+s.scope.Account+"/*")}, write.Resource)
	assert.Equal(t, []string{trailArn}, write.Condition["StringEquals"]["aws:SourceArn"])
	assertAuditBucket(t, s, "cloudtrail-bucket")

	pol, err := policy.Parse(find(t, s.Result, tPolicy, "cloudtrail-logs-policy").Str("policy"))
	require.NoError(t, err)
	assert.Equal(t, []string{s.arn("logs", "log-group:"+compliance.TrailLogGroupName(s.scope)+":log-stream:*")}, pol.Statement[0].Resource)
	assert.Equal(t, trailArn, s.Outputs["trailArn"])

	// The trail's SSE-KMS bucket uses an S3 Bucket Key, so CloudTrail needs
	// kms:Decrypt to create or update the trail; only this trail (confused deputy).
	sse := find(t, s.Result, tBucketSSE, "cloudtrail-bucket-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	require.Equal(t, true, sse["bucketKeyEnabled"], "the premise: the trail bucket uses an S3 Bucket Key")
	decrypt := statement(t, keyPolicy(t, s.Result, "s3"), "CloudTrailDecryptsWithBucketKey")
	assert.Equal(t, []string{"kms:Decrypt"}, decrypt.Action)
	assert.Equal(t, []string{trailArn}, decrypt.Condition["StringEquals"]["aws:SourceArn"])
}

// ruleConfigRecorder: the stack that owns the account singletons records
// everything and deploys the HIPAA pack once the recorder is on, with this
// stack's VPC and the ports it opens to the world; any other stack creates
// none of it.
func ruleConfigRecorder(t *testing.T, s *stack) {
	if !s.cfg.OwnsAccountSingletons {
		for _, typ := range []string{tRecorder, tDelivery, tRecorderStatus, tPack} {
			assert.Empty(t, s.OfType(typ), "another stack owns %s", typ)
		}
		assert.Nil(t, s.Find(tBucket, "config-bucket"))
		return
	}
	rec := find(t, s.Result, tRecorder, "config")
	assert.Equal(t, s.scope.Prefix, rec.Str("name"))
	assert.Equal(t, map[string]any{"allSupported": true, "includeGlobalResourceTypes": true}, rec.Inputs["recordingGroup"])
	ch := find(t, s.Result, tDelivery, "config-delivery")
	assert.Equal(t, compliance.ConfigBucketName(s.scope), ch.Str("s3BucketName"))
	assert.Equal(t, s.keyArn(t, "s3"), ch.Str("s3KmsKeyArn"))
	status := find(t, s.Result, tRecorderStatus, "config-status")
	assert.Equal(t, true, status.Inputs["isEnabled"])
	assert.Contains(t, status.Dependencies, ch.URN)
	doc := assertPrivateBucket(t, s.Result, "config-bucket", compliance.ConfigBucketName(s.scope))
	assert.Equal(t, []string{s.scope.Account}, statement(t, doc, "ConfigWritesSnapshots").Condition["StringEquals"]["aws:SourceAccount"])
	assertAuditBucket(t, s, "config-bucket")

	role := find(t, s.Result, tRole, "config-role")
	assert.ElementsMatch(t, []string{
		s.scope.ManagedPolicyARN("service-role/AWS_ConfigRole"),
		policyArn(t, s.Result, "config-policy", s.name("config")+"-"),
	}, attachedPolicies(s.Result, role.Str("name")))
	delivery, err := policy.Parse(find(t, s.Result, tPolicy, "config-policy").Str("policy"))
	require.NoError(t, err)
	assert.Equal(t, []string{s.arn("s3", compliance.ConfigBucketName(s.scope)+"/AWSLogs/"+s.scope.Account+"/Config/*")}, statement(t, delivery, "WriteSnapshots").Resource)
	assert.Equal(t, []string{s.keyArn(t, "s3")}, statement(t, delivery, "EncryptSnapshots").Resource)

	pack := find(t, s.Result, tPack, "config-hipaa")
	assert.Equal(t, s.name("hipaa"), pack.Str("name"))
	assert.Contains(t, pack.Dependencies, status.URN, "the pack is created after the recorder is on")
	assert.LessOrEqual(t, len(pack.Str("templateBody")), 51200, "AWS accepts at most 51,200 bytes inline")
	assert.Equal(t, []any{
		map[string]any{"parameterName": "AuthorizedVpcIds", "parameterValue": find(t, s.Result, tVpc, "network-vpc").ID},
		map[string]any{"parameterName": "AuthorizedTcpPorts", "parameterValue": security.InternetPorts()},
		map[string]any{"parameterName": "VaultPolicyAdminArns", "parameterValue": strings.Join(data.VaultPolicyAdmins(s.scope), ",")},
	}, pack.Inputs["inputParameters"])
	rules, err := report.PackRules(pack)
	require.NoError(t, err)
	assert.Len(t, rules, len(conformance.HIPAARules))
	for _, props := range rules {
		assert.Equal(t, "AWS", props["Source"].(map[string]any)["Owner"], "AWS managed rules only")
	}
	assert.Equal(t, s.scope.Prefix, s.Outputs["configRecorderName"])
}

// TestHipaaPackTable: the pack as data holds AWS's rules, each carrying the
// safeguards it evidences unless its mapping could not be verified, and the
// stack's facts reach the two rules that take them.
func TestHipaaPackTable(t *testing.T) {
	rules, err := report.PackRules(find(t, production(t), tPack, "config-hipaa"))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(rules), 100, "AWS's HIPAA Security pack has well over a hundred rules")
	var sawVpc, sawPorts bool
	for _, props := range rules {
		in, _ := props["InputParameters"].(map[string]any)
		switch props["Source"].(map[string]any)["SourceIdentifier"] {
		case "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY":
			sawVpc = true
			assert.Equal(t, map[string]any{"Ref": "AuthorizedVpcIds"}, in["AuthorizedVpcIds"])
		case "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS":
			sawPorts = true
			assert.Equal(t, map[string]any{"Ref": "AuthorizedTcpPorts"}, in["authorizedTcpPorts"])
		}
	}
	assert.True(t, sawVpc && sawPorts, "the stack's facts reach the pack")
	for _, rule := range conformance.HIPAARules {
		if slices.Contains(conformance.UnmappedRules, rule.Name) {
			assert.Emptyf(t, rule.Safeguards, "rule %s: an unverified mapping is never shown", rule.Name)
			continue
		}
		assert.NotEmptyf(t, rule.Safeguards, "rule %s names the HIPAA safeguard it evidences", rule.Name)
		for _, sg := range rule.Safeguards {
			assert.Regexp(t, `^164\.3(08|10|12|14|16)\([a-e]\)(\([0-9]+\))?(\((i|ii|iii|iv|v|vi)\))?(\([A-F]\))?$`, sg, rule.Name)
		}
	}
	assert.Len(t, conformance.UnmappedRules, 55)
}

// ruleGuardDuty: in the stack that owns the account singletons, every
// detector feature on (runtime monitoring managing the Fargate agent) and
// high-severity findings to the alarm topic.
func ruleGuardDuty(t *testing.T, s *stack) {
	if !s.cfg.OwnsAccountSingletons {
		assert.Empty(t, s.OfType(tDetector))
		assert.Nil(t, s.Find(tEventRule, "guardduty-findings"))
		assert.NotContains(t, s.Outputs, "guardDutyDetectorId")
		return
	}
	d := find(t, s.Result, tDetector, "guardduty")
	assert.Equal(t, true, d.Inputs["enable"])
	assert.Equal(t, compliance.FindingPublishingFrequency, d.Str("findingPublishingFrequency"))
	features := map[string]any{}
	for _, f := range s.OfType(tFeature) {
		assert.Equal(t, d.ID, f.Str("detectorId"))
		assert.Equal(t, "ENABLED", f.Str("status"))
		features[f.Str("name")] = f.Inputs["additionalConfigurations"]
	}
	assert.Equal(t, map[string]any{
		"S3_DATA_EVENTS":         nil,
		"RDS_LOGIN_EVENTS":       nil,
		"EBS_MALWARE_PROTECTION": nil,
		// All three agent-management settings, as the API returns them:
		// declaring one would show a diff on every preview.
		"RUNTIME_MONITORING": []any{
			map[string]any{"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"},
			map[string]any{"name": "EC2_AGENT_MANAGEMENT", "status": "DISABLED"},
			map[string]any{"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"},
		},
	}, features)
	rule := find(t, s.Result, tEventRule, "guardduty-findings")
	assert.Equal(t, compliance.FindingsRuleName(s.scope), rule.Str("name"))
	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(rule.Str("eventPattern")), &pattern))
	assert.Equal(t, []any{"aws.guardduty"}, pattern["source"])
	assert.Equal(t, []any{"GuardDuty Finding"}, pattern["detail-type"])
	// Which findings it routes is shown on sample findings in tampering_test.go.
	target := find(t, s.Result, tEventTarget, "guardduty-findings-to-topic")
	assert.Equal(t, s.topicArn(t), target.Str("arn"))
	assert.Equal(t, compliance.FindingsRuleName(s.scope), target.Str("rule"))
	assert.Equal(t, d.ID, s.Outputs["guardDutyDetectorId"])
}
