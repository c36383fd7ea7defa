package tests

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
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

func assertAuditLifecycle(t *testing.T, r *synth.Result, name string) {
	t.Helper()
	rule := find(t, r, tBucketLifecyle, name+"-lifecycle").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"days": 2192.0}, rule["expiration"], "audit logs are kept six years")
	assert.Equal(t, []any{
		map[string]any{"days": 90.0, "storageClass": "STANDARD_IA"},
		map[string]any{"days": 365.0, "storageClass": "GLACIER"},
	}, rule["transitions"])
	sse := find(t, r, tBucketSSE, name+"-encryption").Inputs["rules"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": keyArn("s3")}, sse["applyServerSideEncryptionByDefault"])
	assert.True(t, find(t, r, tBucket, name).Protect, "%s holds audit evidence", name)
}

func TestCloudTrail(t *testing.T) {
	r := production(t)
	trail := find(t, r, tTrail, "cloudtrail")
	assert.Equal(t, "omnirapeutic-production", trail.Str("name"))
	assert.Equal(t, true, trail.Inputs["isMultiRegionTrail"])
	assert.Equal(t, true, trail.Inputs["includeGlobalServiceEvents"])
	assert.Equal(t, true, trail.Inputs["enableLogFileValidation"])
	assert.Equal(t, true, trail.Inputs["enableLogging"])
	assert.Equal(t, keyArn("s3"), trail.Str("kmsKeyId"))
	assert.Equal(t, "omnirapeutic-production-cloudtrail-123456789012", trail.Str("s3BucketName"))
	assert.Equal(t, "arn:aws:logs:us-east-1:"+account+":log-group:/aws/cloudtrail/omnirapeutic-production:*", trail.Str("cloudWatchLogsGroupArn"))
	assert.Equal(t, "arn:aws:iam::"+account+":role/omnirapeutic-production-cloudtrail-logs", trail.Str("cloudWatchLogsRoleArn"))
	assert.Contains(t, trail.Dependencies, find(t, r, tBucketPolicy, "cloudtrail-bucket-policy").URN, "CloudTrail checks the bucket policy on creation")

	doc := assertPrivateBucket(t, r, "cloudtrail-bucket", "omnirapeutic-production-cloudtrail-123456789012")
	write := statement(t, doc, "CloudTrailWritesLogs")
	assert.Equal(t, policy.Service("cloudtrail.amazonaws.com"), write.Principal)
	assert.Equal(t, []string{"arn:aws:s3:::omnirapeutic-production-cloudtrail-123456789012/AWSLogs/123456789012/*"}, write.Resource)
	assert.Equal(t, []string{"arn:aws:cloudtrail:us-east-1:" + account + ":trail/omnirapeutic-production"}, write.Condition["StringEquals"]["aws:SourceArn"])
	assertAuditLifecycle(t, r, "cloudtrail-bucket")

	pol, err := policy.Parse(find(t, r, tPolicy, "cloudtrail-logs-policy").Str("policy"))
	require.NoError(t, err)
	assert.Equal(t, []string{"arn:aws:logs:us-east-1:" + account + ":log-group:/aws/cloudtrail/omnirapeutic-production:log-stream:*"}, pol.Statement[0].Resource)
	assert.Equal(t, "arn:aws:cloudtrail:us-east-1:"+account+":trail/omnirapeutic-production", r.Outputs["trailArn"])
}

func TestConfigRecorderAndHipaaPack(t *testing.T) {
	r := production(t)
	rec := find(t, r, tRecorder, "config")
	assert.Equal(t, "omnirapeutic-production", rec.Str("name"))
	assert.Equal(t, map[string]any{"allSupported": true, "includeGlobalResourceTypes": true}, rec.Inputs["recordingGroup"])
	ch := find(t, r, tDelivery, "config-delivery")
	assert.Equal(t, "omnirapeutic-production-config-123456789012", ch.Str("s3BucketName"))
	assert.Equal(t, keyArn("s3"), ch.Str("s3KmsKeyArn"))
	status := find(t, r, tRecorderStatus, "config-status")
	assert.Equal(t, true, status.Inputs["isEnabled"])
	assert.Contains(t, status.Dependencies, ch.URN)
	doc := assertPrivateBucket(t, r, "config-bucket", "omnirapeutic-production-config-123456789012")
	assert.Equal(t, []string{account}, statement(t, doc, "ConfigWritesSnapshots").Condition["StringEquals"]["aws:SourceAccount"])
	assertAuditLifecycle(t, r, "config-bucket")

	role := find(t, r, tRole, "config-role")
	var attached []string
	for _, a := range r.OfType(tAttachment) {
		if a.Str("role") == role.Str("name") {
			attached = append(attached, a.Str("policyArn"))
		}
	}
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
		policyArn(t, r, "config-policy", "omnirapeutic-production-config-"),
	}, attached)
	delivery, err := policy.Parse(find(t, r, tPolicy, "config-policy").Str("policy"))
	require.NoError(t, err)
	assert.Equal(t, []string{"arn:aws:s3:::omnirapeutic-production-config-123456789012/AWSLogs/123456789012/Config/*"}, statement(t, delivery, "WriteSnapshots").Resource)
	assert.Equal(t, []string{keyArn("s3")}, statement(t, delivery, "EncryptSnapshots").Resource)

	pack := find(t, r, tPack, "config-hipaa")
	assert.Equal(t, "omnirapeutic-production-hipaa", pack.Str("name"))
	assert.Contains(t, pack.Dependencies, status.URN, "the pack is created after the recorder is on")
	assert.LessOrEqual(t, len(pack.Str("templateBody")), 51200, "AWS accepts at most 51,200 bytes inline")
	assert.Equal(t, []any{
		map[string]any{"parameterName": "AuthorizedVpcIds", "parameterValue": "network-vpc-id"},
		map[string]any{"parameterName": "AuthorizedTcpPorts", "parameterValue": "80,443"},
	}, pack.Inputs["inputParameters"])

	rules, err := synth.PackRules(pack)
	require.NoError(t, err)
	assert.Len(t, rules, len(conformance.HIPAARules))
	assert.GreaterOrEqual(t, len(rules), 100, "AWS's HIPAA Security pack has well over a hundred rules")
	var sawVpc, sawPorts bool
	for _, props := range rules {
		src := props["Source"].(map[string]any)
		assert.Equal(t, "AWS", src["Owner"], "AWS managed rules only")
		in, _ := props["InputParameters"].(map[string]any)
		switch src["SourceIdentifier"] {
		case "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY":
			sawVpc = true
			assert.Contains(t, in, "AuthorizedVpcIds")
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
	assert.Equal(t, "omnirapeutic-production", r.Outputs["configRecorderName"])
}

func TestGuardDuty(t *testing.T) {
	r := production(t)
	d := find(t, r, tDetector, "guardduty")
	assert.Equal(t, true, d.Inputs["enable"])
	assert.Equal(t, "FIFTEEN_MINUTES", d.Str("findingPublishingFrequency"))
	features := map[string]any{}
	for _, f := range r.OfType(tFeature) {
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

	rule := find(t, r, tEventRule, "guardduty-findings")
	assert.Equal(t, "omnirapeutic-production-guardduty-high-severity", rule.Str("name"))
	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(rule.Str("eventPattern")), &pattern))
	assert.Equal(t, []any{"aws.guardduty"}, pattern["source"])
	assert.Equal(t, []any{"GuardDuty Finding"}, pattern["detail-type"])
	// Which findings it routes is shown on sample findings in tampering_test.go.
	target := find(t, r, tEventTarget, "guardduty-findings-to-topic")
	assert.Equal(t, topicArn, target.Str("arn"))
	assert.Equal(t, "omnirapeutic-production-guardduty-high-severity", target.Str("rule"))
	assert.Equal(t, "guardduty-id", r.Outputs["guardDutyDetectorId"])
}
