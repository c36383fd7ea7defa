package tests

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/eventpattern"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// Sample events, in the shapes AWS documents them: the EventBridge
// envelope ("Amazon EventBridge events", EventBridge User Guide) around a
// CloudTrail record ("CloudTrail record contents" and "AWS Management
// Console sign-in events", CloudTrail User Guide), and GuardDuty's finding
// event ("GuardDuty finding format", GuardDuty User Guide).

const (
	rootIdentity  = `{"type":"Root","principalId":"123456789012","arn":"arn:aws:iam::123456789012:root","accountId":"123456789012"}`
	userIdentity  = `{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"}`
	appAutoScaler = "aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
	ssoAdmin      = "aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"
)

// roleIdentity is a role session's identity; role is its name with path.
func roleIdentity(role string) string {
	name := role[strings.LastIndex(role, "/")+1:]
	return `{"type":"AssumedRole","principalId":"AROAEXAMPLE:session","arn":"arn:aws:sts::123456789012:assumed-role/` + name + `/session",` +
		`"accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE",` +
		`"arn":"arn:aws:iam::123456789012:role/` + role + `","accountId":"123456789012","userName":"` + name + `"},` +
		`"attributes":{"creationDate":"2026-11-25T10:00:00Z","mfaAuthenticated":"false"}}}`
}

// apiCall is an "AWS API Call via CloudTrail" event. service is the
// event source's name (kms for aws.kms and kms.amazonaws.com).
func apiCall(service, eventName, identity, requestParameters string) string {
	readOnly := strings.HasPrefix(eventName, "Get") || strings.HasPrefix(eventName, "List") || strings.HasPrefix(eventName, "Describe")
	if requestParameters == "" {
		requestParameters = "null"
	}
	return `{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"AWS API Call via CloudTrail",` +
		`"source":"aws.` + service + `","account":"123456789012","time":"2026-11-25T10:00:00Z","region":"us-east-1","resources":[],` +
		`"detail":{"eventVersion":"1.09","userIdentity":` + identity + `,"eventTime":"2026-11-25T10:00:00Z",` +
		`"eventSource":"` + service + `.amazonaws.com","eventName":"` + eventName + `","awsRegion":"us-east-1",` +
		`"sourceIPAddress":"192.0.2.0","userAgent":"aws-cli/2","requestParameters":` + requestParameters + `,"responseElements":null,` +
		`"readOnly":` + map[bool]string{true: "true", false: "false"}[readOnly] + `,"eventType":"AwsApiCall","managementEvent":true,` +
		`"recipientAccountId":"123456789012","eventCategory":"Management"}}`
}

// signIn is a console sign-in event (detail type as the events carry it).
func signIn(identity, result, mfaUsed string) string {
	return `{"version":"0","id":"1","detail-type":"AWS Console Sign In via CloudTrail","source":"aws.signin","account":"123456789012",` +
		`"time":"2026-11-25T10:00:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.08","userIdentity":` + identity + `,` +
		`"eventTime":"2026-11-25T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1",` +
		`"sourceIPAddress":"192.0.2.0","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"` + result + `"},` +
		`"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"` + mfaUsed + `"},` +
		`"eventType":"AwsConsoleSignIn","recipientAccountId":"123456789012"}}`
}

// finding is a GuardDuty finding event.
func finding(findingType string, severity float64) string {
	b, _ := json.Marshal(map[string]any{
		"version": "0", "id": "1", "detail-type": "GuardDuty Finding", "source": "aws.guardduty", "account": "123456789012",
		"time": "2026-11-25T10:00:00Z", "region": "us-east-1", "resources": []string{},
		"detail": map[string]any{"schemaVersion": "2.0", "accountId": "123456789012", "region": "us-east-1", "partition": "aws",
			"id": "abc", "type": findingType, "severity": severity, "title": "t", "description": "d",
			"resource": map[string]any{"resourceType": "AccessKey"}},
	})
	return string(b)
}

// routeCase is a route and the events it must and must not send to the topic.
type routeCase struct {
	pages, quiet map[string]string // what the event is -> the event
}

// tamperCases lists each route of production, by its rule's logical name,
// with sample events. A route added without a row fails the test.
var tamperCases = map[string]routeCase{
	"tampering-root-activity": {
		pages: map[string]string{
			"root signs in, even with MFA":  signIn(rootIdentity, "Success", "Yes"),
			"root calls an API":             apiCall("s3", "CreateBucket", rootIdentity, `{"bucketName":"x"}`),
			"root changes a key's policy":   apiCall("kms", "PutKeyPolicy", rootIdentity, `{"keyId":"k","policyName":"default"}`),
			"root fails to sign in (guess)": signIn(rootIdentity, "Failure", "No"),
		},
		quiet: map[string]string{
			"an IAM user calls an API": apiCall("s3", "CreateBucket", userIdentity, `{"bucketName":"x"}`),
		},
	},
	"tampering-iam-changes": {
		pages: map[string]string{
			"a policy attached to a role":  apiCall("iam", "AttachRolePolicy", userIdentity, `{"roleName":"r","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}`),
			"a role's trust rewritten":     apiCall("iam", "UpdateAssumeRolePolicy", roleIdentity(ssoAdmin), `{"roleName":"r"}`),
			"an access key created":        apiCall("iam", "CreateAccessKey", userIdentity, `{"userName":"bob"}`),
			"the deploy pipeline's change": apiCall("iam", "CreatePolicyVersion", roleIdentity(stackconfig.DeployRoleName), `{"policyArn":"p"}`),
		},
		quiet: map[string]string{
			"a role read":  apiCall("iam", "GetRole", userIdentity, `{"roleName":"r"}`),
			"roles listed": apiCall("iam", "ListRoles", userIdentity, ""),
		},
	},
	"tampering-trail-changes": {
		pages: map[string]string{
			"the trail stopped":  apiCall("cloudtrail", "StopLogging", userIdentity, `{"name":"omnirapeutic-production"}`),
			"the trail updated":  apiCall("cloudtrail", "UpdateTrail", userIdentity, `{"name":"omnirapeutic-production"}`),
			"the trail deleted":  apiCall("cloudtrail", "DeleteTrail", userIdentity, `{"name":"omnirapeutic-production"}`),
			"selectors narrowed": apiCall("cloudtrail", "PutEventSelectors", userIdentity, `{"trailName":"omnirapeutic-production"}`),
		},
		quiet: map[string]string{
			"the trail's status read": apiCall("cloudtrail", "GetTrailStatus", userIdentity, `{"name":"omnirapeutic-production"}`),
		},
	},
	"tampering-key-changes": {
		pages: map[string]string{
			"a key disabled":                apiCall("kms", "DisableKey", userIdentity, `{"keyId":"k"}`),
			"a key scheduled for deletion":  apiCall("kms", "ScheduleKeyDeletion", userIdentity, `{"keyId":"k","pendingWindowInDays":7}`),
			"a key's policy replaced":       apiCall("kms", "PutKeyPolicy", roleIdentity(stackconfig.DeployRoleName), `{"keyId":"k","policyName":"default"}`),
			"a key's rotation switched off": apiCall("kms", "DisableKeyRotation", userIdentity, `{"keyId":"k"}`),
		},
		quiet: map[string]string{
			"a decrypt":      apiCall("kms", "Decrypt", roleIdentity("omnirapeutic-production-bastion"), `{"keyId":"k"}`),
			"a grant by RDS": apiCall("kms", "CreateGrant", roleIdentity(stackconfig.DeployRoleName), `{"keyId":"k"}`),
		},
	},
	"tampering-config-changes": {
		pages: map[string]string{
			"the recorder stopped":            apiCall("config", "StopConfigurationRecorder", userIdentity, `{"configurationRecorderName":"omnirapeutic-production"}`),
			"the delivery channel deleted":    apiCall("config", "DeleteDeliveryChannel", userIdentity, `{"deliveryChannelName":"omnirapeutic-production"}`),
			"the recorder's scope narrowed":   apiCall("config", "PutConfigurationRecorder", userIdentity, `{"configurationRecorder":{}}`),
			"the HIPAA conformance pack gone": apiCall("config", "DeleteConformancePack", userIdentity, `{"conformancePackName":"omnirapeutic-production-hipaa"}`),
		},
		quiet: map[string]string{
			"an evaluation put": apiCall("config", "PutEvaluations", roleIdentity("aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"), ""),
		},
	},
	"tampering-s3-access-changes": {
		pages: map[string]string{
			"a bucket policy replaced":        apiCall("s3", "PutBucketPolicy", userIdentity, `{"bucketName":"omnirapeutic-production-cloudtrail-123456789012"}`),
			"a public access block removed":   apiCall("s3", "DeleteBucketPublicAccessBlock", userIdentity, `{"bucketName":"b"}`),
			"the account's block loosened":    apiCall("s3", "PutAccountPublicAccessBlock", userIdentity, ""),
			"a bucket ACL granted to someone": apiCall("s3", "PutBucketAcl", userIdentity, `{"bucketName":"b"}`),
		},
		quiet: map[string]string{
			"a bucket policy read": apiCall("s3", "GetBucketPolicy", userIdentity, `{"bucketName":"b"}`),
			"an object written":    apiCall("s3", "PutObject", userIdentity, `{"bucketName":"b","key":"k"}`),
		},
	},
	"tampering-console-without-mfa": {
		pages: map[string]string{
			"an IAM user without MFA": signIn(userIdentity, "Success", "No"),
			"root without MFA":        signIn(rootIdentity, "Success", "No"),
		},
		quiet: map[string]string{
			"an IAM user with MFA":            signIn(userIdentity, "Success", "Yes"),
			"a failed sign-in":                signIn(userIdentity, "Failure", "No"),
			"a federated (IdP's MFA) sign-in": signIn(roleIdentity(ssoAdmin), "Success", "No"),
		},
	},
	"tampering-ecs-outside-pipeline": {
		pages: map[string]string{
			"a revision registered by a person":  apiCall("ecs", "RegisterTaskDefinition", userIdentity, `{"family":"omnirapeutic-production-api"}`),
			"a service changed from a laptop":    apiCall("ecs", "UpdateService", roleIdentity(ssoAdmin), `{"cluster":"omnirapeutic-production","service":"omnirapeutic-production-api"}`),
			"a service changed by cluster ARN":   apiCall("ecs", "UpdateService", userIdentity, `{"cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/omnirapeutic-production","service":"s"}`),
			"a service created by a stolen role": apiCall("ecs", "CreateService", roleIdentity("omnirapeutic-production-api-task"), `{"cluster":"omnirapeutic-production","serviceName":"x"}`),
		},
		quiet: map[string]string{
			"the deploy pipeline registers":   apiCall("ecs", "RegisterTaskDefinition", roleIdentity(stackconfig.DeployRoleName), `{"family":"omnirapeutic-production-api"}`),
			"the deploy pipeline updates":     apiCall("ecs", "UpdateService", roleIdentity(stackconfig.DeployRoleName), `{"cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/omnirapeutic-production","service":"s"}`),
			"autoscaling changes the count":   apiCall("ecs", "UpdateService", roleIdentity(appAutoScaler), `{"cluster":"omnirapeutic-production","service":"s","desiredCount":3}`),
			"another stack's service":         apiCall("ecs", "UpdateService", userIdentity, `{"cluster":"omnirapeutic-staging","service":"s"}`),
			"another stack's family":          apiCall("ecs", "RegisterTaskDefinition", userIdentity, `{"family":"omnirapeutic-staging-api"}`),
			"a service described (read-only)": apiCall("ecs", "DescribeServices", userIdentity, `{"cluster":"omnirapeutic-production"}`),
		},
	},
	"guardduty-findings": {
		pages: map[string]string{
			"any high-severity finding":          finding("Backdoor:EC2/C&CActivity.B", 8),
			"root credentials used (Low)":        finding("Policy:IAMUser/RootCredentialUsage", 2),
			"CloudTrail logging disabled (Low)":  finding("Stealth:IAMUser/CloudTrailLoggingDisabled", 2),
			"a public access block removed":      finding("Policy:S3/BucketBlockPublicAccessDisabled", 2),
			"an anomalous Aurora login (Medium)": finding("CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin", 5),
		},
		quiet: map[string]string{
			"a low-severity port probe": finding("Recon:EC2/PortProbeUnprotectedPort", 2),
		},
	},
}

// TestEveryTamperRouteAndTheEventsItMatches lists each route to the alarm
// topic with the events it sends there and the ones it must not, and runs
// each event through the rule's registered pattern as EventBridge would.
func TestEveryTamperRouteAndTheEventsItMatches(t *testing.T) {
	r := production(t)
	var routes []string
	for _, target := range r.OfType(tEventTarget) {
		if target.Str("arn") != stackOf(t, r).topicArn(t) {
			continue
		}
		name := strings.TrimSuffix(target.Name, "-to-topic")
		if strings.HasPrefix(name, "tampering-") || name == "guardduty-findings" {
			routes = append(routes, name)
		}
	}
	assert.ElementsMatch(t, slices.Collect(maps.Keys(tamperCases)), routes, "every route to the topic has a row of sample events, and every row a route")
	for name, c := range tamperCases {
		rule := find(t, r, tEventRule, name)
		require.NotEmpty(t, c.pages, name)
		for what, event := range c.pages {
			m, err := eventpattern.Match(rule.Str("eventPattern"), event)
			require.NoError(t, err, "%s: %s", name, what)
			assert.True(t, m, "%s must send %q to the alarm topic", name, what)
		}
		for what, event := range c.quiet {
			m, err := eventpattern.Match(rule.Str("eventPattern"), event)
			require.NoError(t, err, "%s: %s", name, what)
			assert.False(t, m, "%s must not page for %q", name, what)
		}
	}
}

// TestTamperingIsRoutedNotAlarmed: the specification's 21 alarms stay
// exactly as they are; every route is an EventBridge rule whose target is
// the alarm topic, and the topic's policy admits each of them (its KMS key
// admits EventBridge: tests/firstdeploy_test.go).
func TestTamperingIsRoutedNotAlarmed(t *testing.T) {
	for _, r := range []*synth.Result{production(t), staging(t)} {
		topic := r.Outputs["alarmTopicArn"].(string)
		var admitted []string
		var doc struct {
			Statement []struct {
				Sid       string
				Condition map[string]map[string][]string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(r.OfType(tTopicPolicy)[0].Str("policy")), &doc))
		for _, st := range doc.Statement {
			if st.Sid == "EventBridgeRulesPublish" {
				admitted = st.Condition["ArnEquals"]["aws:SourceArn"]
			}
		}
		for _, route := range compliance.RoutesFor(compliance.TamperArgs{Scope: r.Stack.Scope}, r.Stack.Config.OwnsAccountSingletons) {
			rule := find(t, r, tEventRule, "tampering-"+route.Key)
			assert.Equal(t, compliance.TamperRuleName(r.Stack.Scope, route.Key), rule.Str("name"))
			target := find(t, r, tEventTarget, "tampering-"+route.Key+"-to-topic")
			assert.Equal(t, topic, target.Str("arn"))
			assert.Contains(t, admitted, rule.Computed["arn"], "the topic's policy admits %s", rule.Str("name"))
		}
	}
	assert.Len(t, production(t).OfType(tAlarm), 21, "the specification's alarms, exactly")
	// Account-wide changes page once: only the stack that owns the
	// account singletons routes them; every stack routes its own ECS deploys.
	var stagingRoutes []string
	for _, rule := range staging(t).OfType(tEventRule) {
		if strings.HasPrefix(rule.Name, "tampering-") {
			stagingRoutes = append(stagingRoutes, rule.Name)
		}
	}
	assert.Equal(t, []string{"tampering-ecs-outside-pipeline"}, stagingRoutes)
}

// TestAppPipelineDeploysAreNotTampering: an application's own deploy role
// (the one the bootstrap creates for a service of this stack) deploys
// without paging, as the deploy role does; another stack's application
// role, and anyone else, still page.
func TestAppPipelineDeploysAreNotTampering(t *testing.T) {
	r := production(t)
	pattern := find(t, r, tEventRule, "tampering-ecs-outside-pipeline").Str("eventPattern")
	for identity, pages := range map[string]bool{
		roleIdentity(stackconfig.AppDeployRoleName("production", "api")): false,
		roleIdentity(stackconfig.DeployRoleName):                         false,
		roleIdentity(stackconfig.AppDeployRoleName("staging", "api")):    true,
		roleIdentity(ssoAdmin):                                           true,
	} {
		m, err := eventpattern.Match(pattern, apiCall("ecs", "RegisterTaskDefinition", identity, `{"family":"omnirapeutic-production-web"}`))
		require.NoError(t, err)
		assert.Equal(t, pages, m, identity)
	}
}

// TestGlobalRoutesWarnOutsideTheirHomeRegion: IAM and console sign-in
// events reach only their partition's home region's event bus, so a stack
// elsewhere is told what its rules cannot see.
func TestGlobalRoutesWarnOutsideTheirHomeRegion(t *testing.T) {
	var global []string
	for _, route := range compliance.TamperRoutes(compliance.TamperArgs{}) {
		if route.Global {
			global = append(global, route.Key)
		}
	}
	assert.ElementsMatch(t, []string{"root-activity", "iam-changes", "console-without-mfa"}, global)
	assert.Equal(t, "us-east-1", compliance.GlobalEventsRegion("aws"))
	assert.Equal(t, "us-gov-west-1", compliance.GlobalEventsRegion("aws-us-gov"))
	assert.Empty(t, production(t).Stack.Tampering.Warnings, "us-east-1 sees them")

	var warnings []string
	_, err := runAlone(t, func(ctx *pulumi.Context) error {
		scope := naming.NewScope("t", synth.AccountID, "eu-west-1")
		d, err := compliance.NewTamperDetection(ctx, "tampering", &compliance.TamperDetectionArgs{
			Scope: scope, Routes: compliance.RoutesFor(compliance.TamperArgs{Scope: scope}, true), TopicArn: pulumi.String("topic"),
		})
		if d != nil {
			warnings = d.Warnings
		}
		return err
	})
	require.NoError(t, err)
	assert.Len(t, warnings, len(global))
	for _, w := range warnings {
		assert.Contains(t, w, "record them in us-east-1 only")
	}
}
