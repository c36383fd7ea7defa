package tests

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/observability"
)

// staging is the program run once against the real Pulumi.staging.yaml.
func staging(t *testing.T) *synth.Result { return synthesize(t, "staging") }

// inventory is a synthesis as `synth --json` prints it.
func inventory(t *testing.T, r *synth.Result) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, synth.WriteJSON(&b, r))
	return b.String()
}

// TestStagingDiffersOnlyByConfig: the staging stack runs the same program
// with its own prefix, one NAT gateway under production's logical name for
// that AZ, one task, shorter operational retention, the audit floor kept.
func TestStagingDiffersOnlyByConfig(t *testing.T) {
	r := staging(t)
	for _, res := range r.Resources {
		if name := res.Str("name"); name != "" && strings.HasPrefix(name, "omnirapeutic-") {
			assert.Truef(t, strings.HasPrefix(name, "omnirapeutic-staging"), "%s %s is named %q", res.Type, res.Name, name)
		}
	}
	nats := r.OfType("aws:ec2/natGateway:NatGateway")
	require.Len(t, nats, 1)
	assert.Equal(t, "network-nat-us-east-1a", nats[0].Name)
	require.Len(t, r.OfType("aws:ec2/eip:Eip"), 1)
	// Every private route table routes through that one NAT gateway.
	for _, route := range r.OfType("aws:ec2/route:Route") {
		if id := route.Str("natGatewayId"); id != "" {
			assert.Equal(t, nats[0].ID, id, route.Name)
		}
	}
	natAlarms := 0
	for _, a := range r.OfType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		if strings.Contains(a.Name, "-nat-") {
			natAlarms++
		}
	}
	assert.Equal(t, 1, natAlarms, "one port-allocation alarm per NAT gateway")

	svc := find(t, r, "aws:ecs/service:Service", "ecs-nginx")
	assert.EqualValues(t, 1, svc.Inputs["desiredCount"])
	assert.EqualValues(t, 30, find(t, r, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").Inputs["retentionInDays"])
	assert.EqualValues(t, 365, find(t, r, "aws:cloudwatch/logGroup:LogGroup", "cloudtrail-logs").Inputs["retentionInDays"])
	scaling := find(t, r, "aws:rds/cluster:Cluster", "aurora-cluster").Inputs["serverlessv2ScalingConfiguration"].(map[string]any)
	assert.EqualValues(t, 0, scaling["minCapacity"])
	assert.NotContains(t, r.Config.Values["aws:defaultTags"], "phi", "staging holds no PHI and says so")
	assert.Contains(t, r.Config.Values["aws:defaultTags"], "staging")
}

// TestProductionKeepsANatGatewayPerAZ: the natGateways option changed no
// logical name of production's.
func TestProductionKeepsANatGatewayPerAZ(t *testing.T) {
	r := production(t)
	for _, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
		nat := find(t, r, "aws:ec2/natGateway:NatGateway", "network-nat-"+az)
		find(t, r, "aws:ec2/eip:Eip", "network-nat-eip-"+az)
		for _, tier := range []string{"app", "data"} {
			route := find(t, r, "aws:ec2/route:Route", "network-"+tier+"-default-route-"+az)
			assert.Equal(t, nat.ID, route.Str("natGatewayId"))
		}
	}
}

// westOverrides move the staging stack to us-west-2.
var westOverrides = map[string]string{
	"aws:region":                     "us-west-2",
	"omnirapeutic:availabilityZones": `["us-west-2a","us-west-2b"]`,
	"omnirapeutic:subnetCidrs":       `{"public":{"us-west-2a":"10.1.1.0/24","us-west-2b":"10.1.2.0/24"},"app":{"us-west-2a":"10.1.11.0/24","us-west-2b":"10.1.12.0/24"},"data":{"us-west-2a":"10.1.21.0/24","us-west-2b":"10.1.22.0/24"}}`,
	"omnirapeutic:aurora":            `{"engineVersion":"15.10","minCapacity":0,"maxCapacity":4,"writerAvailabilityZone":"us-west-2a","readerAvailabilityZones":[],"backupRetentionDays":7,"masterUsername":"dbadmin"}`,
	"omnirapeutic:bastion":           `{"availabilityZone":"us-west-2a","instanceType":"t3.micro","amiParameter":"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64","idleSessionTimeoutMinutes":20,"maxSessionDurationMinutes":60}`,
}

// TestNothingSaysProductionOrUsEast1UnlessConfigDoes synthesizes the staging
// stack, and the staging stack moved to us-west-2, and looks for the
// literals in everything registered, exported and priced.
func TestNothingSaysProductionOrUsEast1UnlessConfigDoes(t *testing.T) {
	assert.NotContains(t, inventory(t, staging(t)), "production")

	west, err := synth.Run(synth.Options{Dir: "..", Stack: "staging", Overrides: westOverrides})
	require.NoError(t, err)
	inv := inventory(t, west)
	assert.NotContains(t, inv, "production")
	assert.NotContains(t, inv, "us-east-1")
	assert.Contains(t, inv, "arn:aws:kms:us-west-2:", "the mock answers the stack's region")

	var report bytes.Buffer
	require.NoError(t, synth.WriteReport(&report, west))
	assert.NotContains(t, report.String(), "production")
	assert.NotContains(t, report.String(), "us-east-1")
}

// TestAuroraAlarmThresholdsFollowMaxCapacity: 80% of ~90 connections and an
// eighth of ~2 GiB per ACU of aurora.maxCapacity.
func TestAuroraAlarmThresholdsFollowMaxCapacity(t *testing.T) {
	west, err := synth.Run(synth.Options{Dir: "..", Stack: "staging", Overrides: westOverrides})
	require.NoError(t, err)
	conn := find(t, west, "aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-aurora-connections")
	mem := find(t, west, "aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-aurora-freeable-memory")
	assert.EqualValues(t, 288, conn.Inputs["threshold"], "80% of 4 x 90")
	assert.EqualValues(t, 1<<30, mem.Inputs["threshold"], "an eighth of 4 x 2 GiB")
	assert.Contains(t, conn.Str("alarmDescription"), "4 ACU")
	c, m := observability.AuroraThresholds(1)
	assert.Equal(t, 72.0, c)
	assert.Equal(t, float64(256<<20), m)
	b, _ := json.Marshal(find(t, production(t), "aws:cloudwatch/metricAlarm:MetricAlarm", "alarms-aurora-connections").Inputs["threshold"])
	assert.Equal(t, "72", string(b), "production (1 ACU) keeps the seed's 72")
}
