package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/report"
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

// ruleReplacementDecisions: every resource the program names has an entry
// in replacement.Types and follows it. Prefix types set only the prefix (so a
// replacement is created first), pinned types hold their replace-triggering
// inputs to the documented constants, and only delete-first types ask the
// engine to delete before replacing.
func ruleReplacementDecisions(t *testing.T, s *stack) {
	for _, res := range s.Resources {
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

// TestTheReplacementCasesTheIssueNamed, by hand: security groups, IAM
// policies and Aurora instances are replaced create-first.
func TestTheReplacementCasesTheIssueNamed(t *testing.T) {
	r := production(t)
	for _, typ := range []string{tSG, tPolicy, tClusterInstance} {
		assert.False(t, replacement.DeletesFirst(typ), typ)
		require.NotEmpty(t, r.OfType(typ), typ)
	}
}

// ruleAuditLogsSurvive: the CloudTrail, database-audit and session log
// groups, and the audit buckets, are protected (destroy refuses them) and
// retained on delete (a refactor without aliases, a stack rename, or a
// destroy after unprotecting leaves them in AWS). Operational logs are not.
func ruleAuditLogsSurvive(t *testing.T, s *stack) {
	audit := map[string]bool{
		compliance.TrailLogGroupName(s.scope):              true,
		data.PostgresLogGroupName(data.ClusterID(s.scope)): true,
		data.SessionLogGroupName(s.scope):                  true,
	}
	groups := s.OfType(tLogGroup)
	require.Greater(t, len(groups), len(audit))
	for _, g := range groups {
		assert.Equal(t, audit[g.Str("name")], g.Protect, "%s protected", g.Str("name"))
		assert.Equal(t, audit[g.Str("name")], g.RetainOnDelete, "%s retained on delete", g.Str("name"))
	}
	buckets := []string{"cloudtrail-bucket"}
	if s.cfg.OwnsAccountSingletons {
		buckets = append(buckets, "config-bucket")
	}
	for _, name := range buckets {
		b := find(t, s.Result, tBucket, name)
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

// ruleAccountSingletons: the stack that owns the account's singletons
// creates them (each baseline setting as accountBaseline says) and reports
// them; any other creates none, nor their buckets, rules and outputs, so
// neither its up nor its destroy touches the owner's.
func ruleAccountSingletons(t *testing.T, s *stack) {
	outputs := []string{"configRecorderName", "conformancePackName", "guardDutyDetectorId"}
	if !s.cfg.OwnsAccountSingletons {
		for _, typ := range accountSingletonTypes {
			assert.Empty(t, s.OfType(typ), "a second stack must not create %s", typ)
		}
		for name, typ := range accountSingletonNames {
			assert.Nil(t, s.Find(typ, name), "a second stack must not create %s", name)
		}
		assert.Nil(t, s.Find("aws:cloudwatch/eventRule:EventRule", "guardduty-findings"))
		assert.Nil(t, s.Find("aws:s3/bucketV2:BucketV2", "config-bucket"))
		for _, out := range outputs {
			assert.NotContains(t, s.Outputs, out)
		}
		return
	}
	baseline := map[string]bool{
		"aws:ebs/encryptionByDefault:EncryptionByDefault":          s.cfg.AccountBaseline.EbsEncryptionByDefault,
		"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": s.cfg.AccountBaseline.S3PublicAccessBlock,
		"aws:iam/accountPasswordPolicy:AccountPasswordPolicy":      s.cfg.AccountBaseline.PasswordPolicy,
	}
	for _, typ := range accountSingletonTypes {
		if on, ok := baseline[typ]; ok && !on {
			continue
		}
		assert.NotEmpty(t, s.OfType(typ), "the owner creates %s", typ)
	}
	for name, typ := range accountSingletonNames {
		assert.NotNil(t, s.Find(typ, name), "the owner creates %s", name)
	}
	for _, out := range outputs {
		assert.Contains(t, s.Outputs, out)
	}
}

// secondStack is a stack that shares the account with production and is
// meant to be destroyed (staging).
var secondStack = map[string]string{
	"omnirapeutic:ownsAccountSingletons": "false",
	"omnirapeutic:albDeletionProtection": "false",
}

// TestASecondStackInTheAccount: production's file as a second stack owns no
// singleton, its ALB is destroyable, its topic admits only its own backup
// rule, and its report says who owns the singletons.
func TestASecondStackInTheAccount(t *testing.T) {
	r, err := runWith(t, secondStack)
	require.NoError(t, err)
	s := stackOf(t, r)
	for _, rl := range []func(*testing.T, *stack){ruleAccountSingletons, ruleAlarmTopic, ruleLoadBalancer, ruleProtectedResources} {
		rl(t, s)
	}
	alb := find(t, r, tLB, "alb")
	assert.Equal(t, false, alb.Inputs["enableDeletionProtection"])
	assert.False(t, alb.Protect)
	var out strings.Builder
	require.NoError(t, report.Write(&out, r))
	assert.Contains(t, out.String(), "owned by another stack in the account (ownsAccountSingletons: false)")
	for _, row := range []string{"all supported: true", "Config delivery", "guardduty-high-severity", "securityhub-high-severity", "guardDutyDetectorId"} {
		assert.NotContains(t, out.String(), row)
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
