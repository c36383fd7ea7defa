package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/replacement"
)

// namingInputs are the inputs that give a resource its physical name:
// these on every type, and on some types one more of their own (elsewhere
// "bucket" or "clusterIdentifier" reference another resource).
var namingInputs = []string{"name", "namePrefix", "identifier", "identifierPrefix"}

var typeNamingInputs = map[string][]string{
	"aws:s3/bucketV2:BucketV2":              {"bucket", "bucketPrefix"},
	"aws:rds/cluster:Cluster":               {"clusterIdentifier", "clusterIdentifierPrefix"},
	"aws:ecs/taskDefinition:TaskDefinition": {"family"},
}

// notPhysicalNames are types whose "name" input names something other than
// a resource of their own.
var notPhysicalNames = map[string]string{
	"aws:guardduty/detectorFeature:DetectorFeature": "names the feature (S3_DATA_EVENTS), which the detector has once",
}

// TestEveryExplicitNameHasAReplacementDecision: every resource the program
// names has an entry in replacement.Types and follows it. Prefix types set
// only the prefix (so a replacement is created first), pinned types hold
// their replace-triggering inputs to the documented constants, and only
// delete-first types ask the engine to delete before replacing.
func TestEveryExplicitNameHasAReplacementDecision(t *testing.T) {
	all, err := runWith(t, allServicesOn)
	require.NoError(t, err)
	for _, r := range []*synth.Result{production(t), all} {
		for _, res := range r.Resources {
			if res.Component {
				continue
			}
			entry, known := replacement.Lookup(res.Type)
			for _, in := range append(namingInputs, typeNamingInputs[res.Type]...) {
				if res.Str(in) == "" || notPhysicalNames[res.Type] != "" {
					continue
				}
				if assert.Truef(t, known, "%s %s sets %s: add its type to replacement.Types with a decision", res.Type, res.Name, in) {
					assert.Containsf(t, []string{entry.NameProperty, entry.PrefixProperty}, in, "%s %s: %s is not the type's naming input in replacement.Types", res.Type, res.Name, in)
				}
			}
			if !known {
				assert.Falsef(t, res.DeleteBeforeReplace, "%s %s deletes before replacing without a decision in replacement.Types", res.Type, res.Name)
				continue
			}
			switch entry.Strategy {
			case replacement.Prefix:
				assert.Emptyf(t, res.Str(entry.NameProperty), "%s %s: an explicit %s makes every replacement delete-first", res.Type, res.Name, entry.NameProperty)
				assert.NotEmptyf(t, res.Str(entry.PrefixProperty), "%s %s: %s names it", res.Type, res.Name, entry.PrefixProperty)
			case replacement.Pinned:
				for in, want := range entry.Pins {
					assert.EqualValuesf(t, want, res.Inputs[in], "%s %s: %s is pinned (replacement.Types says why); changing it replaces the resource delete-first", res.Type, res.Name, in)
				}
			}
			assert.Equalf(t, entry.Strategy == replacement.DeleteFirst, res.DeleteBeforeReplace, "%s %s: deleteBeforeReplace exactly for delete-first types", res.Type, res.Name)
		}
	}
	// The cases the issue names, by hand.
	r := production(t)
	for _, typ := range []string{tSG, "aws:iam/policy:Policy", tClusterInstance} {
		assert.False(t, replacement.DeletesFirst(typ), typ)
		require.NotEmpty(t, r.OfType(typ), typ)
	}
	for _, nat := range r.OfType("aws:ec2/natGateway:NatGateway") {
		assert.True(t, nat.DeleteBeforeReplace, "%s: the new gateway needs the Elastic IP the old one holds", nat.Name)
	}
}

// TestAuditLogsSurviveAnything: the CloudTrail, database-audit and session
// log groups, and the audit buckets, are protected (destroy refuses them)
// and retained on delete (a refactor without aliases, a stack rename, or a
// destroy after unprotecting leaves them in AWS). Operational logs are not.
func TestAuditLogsSurviveAnything(t *testing.T) {
	r := production(t)
	audit := map[string]bool{
		"/aws/cloudtrail/omnirapeutic-production":             true,
		"/aws/rds/cluster/omnirapeutic-production/postgresql": true,
		"/aws/ssm/omnirapeutic-production-bastion-sessions":   true,
	}
	groups := r.OfType(tLogGroup)
	require.Greater(t, len(groups), len(audit))
	for _, g := range groups {
		assert.Equal(t, audit[g.Str("name")], g.Protect, "%s protected", g.Str("name"))
		assert.Equal(t, audit[g.Str("name")], g.RetainOnDelete, "%s retained on delete", g.Str("name"))
	}
	for _, name := range []string{"cloudtrail-bucket", "config-bucket"} {
		b := find(t, r, "aws:s3/bucketV2:BucketV2", name)
		assert.True(t, b.Protect && b.RetainOnDelete, "%s is protected and retained", name)
	}
}

// accountSingletonTypes are the types that exist once per account and region.
var accountSingletonTypes = []string{
	"aws:guardduty/detector:Detector",
	"aws:guardduty/detectorFeature:DetectorFeature",
	"aws:cfg/recorder:Recorder",
	"aws:cfg/deliveryChannel:DeliveryChannel",
	"aws:cfg/recorderStatus:RecorderStatus",
	"aws:cfg/conformancePack:ConformancePack",
	"aws:securityhub/account:Account",
	"aws:securityhub/standardsSubscription:StandardsSubscription",
	"aws:ebs/encryptionByDefault:EncryptionByDefault",
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
	"aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
	"aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
}

// accountSingletonNames are singletons of a type every stack also has
// others of, by logical name: the account's Session Manager preferences
// (each stack has its own shell and tunnel documents too).
var accountSingletonNames = map[string]string{"bastion-session-preferences": tDocument}

// secondStack is a stack that shares the account with production and is
// meant to be destroyed (staging).
var secondStack = map[string]string{
	"omnirapeutic:ownsAccountSingletons": "false",
	"omnirapeutic:albDeletionProtection": "false",
}

// TestOneOwnerOfAccountSingletons: production creates the account's
// singletons; a second stack in the account creates none of them (nor the
// GuardDuty findings rule, nor the Config bucket), so neither its up nor
// its destroy touches production's.
func TestOneOwnerOfAccountSingletons(t *testing.T) {
	prod := production(t)
	for _, typ := range accountSingletonTypes {
		assert.NotEmpty(t, prod.OfType(typ), "production owns %s", typ)
	}
	for _, out := range []string{"configRecorderName", "conformancePackName", "guardDutyDetectorId"} {
		assert.Contains(t, prod.Outputs, out)
	}

	for name, typ := range accountSingletonNames {
		assert.NotNil(t, prod.Find(typ, name), "production owns %s", name)
	}
	r, err := runWith(t, secondStack)
	require.NoError(t, err)
	for _, typ := range accountSingletonTypes {
		assert.Empty(t, r.OfType(typ), "a second stack must not create %s", typ)
	}
	for name, typ := range accountSingletonNames {
		assert.Nil(t, r.Find(typ, name), "a second stack must not create %s", name)
	}
	assert.Nil(t, r.Find("aws:cloudwatch/eventRule:EventRule", "guardduty-findings"))
	assert.Nil(t, r.Find("aws:s3/bucketV2:BucketV2", "config-bucket"))
	for _, out := range []string{"configRecorderName", "conformancePackName", "guardDutyDetectorId"} {
		assert.NotContains(t, r.Outputs, out)
	}
	// Its alarm topic admits only its own EventBridge rules: failed backup
	// jobs (every stack backs up its own database) and ECS deploys of its
	// own services outside the pipelines; the account-wide routes are the
	// owner's.
	var doc struct {
		Statement []struct {
			Sid       string
			Condition map[string]map[string][]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.OfType("aws:sns/topicPolicy:TopicPolicy")[0].Str("policy")), &doc))
	for _, s := range doc.Statement {
		if s.Sid == "EventBridgeRulesPublish" {
			assert.Equal(t, []string{"arn:aws:events:us-east-1:123456789012:rule/omnirapeutic-production-backup-job-failed",
				"arn:aws:events:us-east-1:123456789012:rule/omnirapeutic-production-tamper-ecs-outside-pipeline"}, s.Condition["ArnEquals"]["aws:SourceArn"])
		}
	}
}

// TestOwnerSwitchIsConsistent: a stack meant to be destroyed cannot own the
// account's singletons; the error names both keys and registers nothing.
func TestOwnerSwitchIsConsistent(t *testing.T) {
	r, err := runWith(t, map[string]string{"omnirapeutic:ownsAccountSingletons": "true", "omnirapeutic:albDeletionProtection": "false"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "omnirapeutic:ownsAccountSingletons: true on a stack whose omnirapeutic:albDeletionProtection is false")
	assert.Empty(t, r.Resources)
}

// TestDisposableStackCanBeDestroyed: with albDeletionProtection off, neither
// AWS's deletion protection nor Pulumi's protect holds the ALB.
func TestDisposableStackCanBeDestroyed(t *testing.T) {
	r, err := runWith(t, secondStack)
	require.NoError(t, err)
	alb := find(t, r, tLB, "alb")
	assert.Equal(t, false, alb.Inputs["enableDeletionProtection"])
	assert.False(t, alb.Protect)
}

// TestReportRendersASecondStack: the offline synthesis of a stack that owns
// no account singleton prints, and says who owns them instead.
func TestReportRendersASecondStack(t *testing.T) {
	r, err := runWith(t, secondStack)
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, synth.WriteReport(&out, r))
	assert.Contains(t, out.String(), "owned by another stack in the account (ownsAccountSingletons: false)")
	for _, row := range []string{"all supported: true", "Config delivery", "guardduty-high-severity", "securityhub-high-severity", "guardDutyDetectorId"} {
		assert.NotContains(t, out.String(), row)
	}
}
