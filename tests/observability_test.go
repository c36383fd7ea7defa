package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
)

const (
	tAlarm        = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tMetricFilter = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	tTopic        = "aws:sns/topic:Topic"
	tTopicPolicy  = "aws:sns/topicPolicy:TopicPolicy"
	tSubscription = "aws:sns/topicSubscription:TopicSubscription"
)

const topicArn = "arn:aws:sns:us-east-1:123456789012:omnirapeutic-production-alarms"

func TestTwentyOneAlarmsWithTheSeedsBreakdown(t *testing.T) {
	r := production(t)
	counts := map[string]int{}
	for _, a := range must(r.Alarms())(t) {
		counts[a.Area]++
		assert.Truef(t, strings.HasPrefix(a.Name, "omnirapeutic-production-"+a.Area+"-"), "%s is named <prefix>-<area>-<what>", a.Name)
	}
	assert.Equal(t, map[string]int{"aurora": 5, "vpc": 3, "cost": 1, "alb": 3, "ecs": 3, "waf": 1, "nat": 3, "flowlogs": 2}, counts)
	assert.Len(t, r.OfType(tAlarm), 21)
}

func TestEveryAlarmNotifiesTheTopicOnEveryStateChange(t *testing.T) {
	r := production(t)
	for _, a := range r.OfType(tAlarm) {
		for _, key := range []string{"alarmActions", "okActions", "insufficientDataActions"} {
			assert.Equal(t, []any{topicArn}, a.Inputs[key], "%s %s", a.Str("name"), key)
		}
		assert.Equal(t, true, a.Inputs["actionsEnabled"], a.Str("name"))
		assert.Greater(t, len(a.Str("alarmDescription")), 60, "%s tells the person paged what to look at", a.Str("name"))
		assert.NotEmpty(t, a.Str("treatMissingData"), a.Str("name"))
	}
}

func row(area, name, metric, condition, period, watches string) synth.AlarmRow {
	return synth.AlarmRow{Area: area, Name: name, Metric: metric, Condition: condition, Period: period, Watches: watches}
}

// TestAlarmThresholdsAndTargets pins each alarm's metric, threshold, period
// and the real resources its dimensions name.
func TestAlarmThresholdsAndTargets(t *testing.T) {
	r := production(t)
	alb := "app/omnirapeutic-production-alb/offline"
	tg := func(n string) string { return "targetgroup/omnirapeutic-production-" + n + "/offline" }
	want := []synth.AlarmRow{
		row("alb", "omnirapeutic-production-alb-5xx", "AWS/ApplicationELB HTTPCode_ELB_5XX_Count Sum", "> 10", "300s, 2 of 2", "LoadBalancer="+alb),
		row("alb", "omnirapeutic-production-alb-target-response-time", "AWS/ApplicationELB TargetResponseTime p95", "> 1", "300s, 3 of 3", "LoadBalancer="+alb),
		row("alb", "omnirapeutic-production-alb-unhealthy-hosts", "FILL(unhealthy_api, 0) + FILL(unhealthy_web, 0)", ">= 1", "60s, 2 of 2",
			"LoadBalancer="+alb+", TargetGroup="+tg("api")+", TargetGroup="+tg("web")),
		row("aurora", "omnirapeutic-production-aurora-acu-utilization", "AWS/RDS ACUUtilization Average", "> 90", "300s, 3 of 3", "DBClusterIdentifier=omnirapeutic-production"),
		row("aurora", "omnirapeutic-production-aurora-connections", "AWS/RDS DatabaseConnections Maximum", "> 72", "300s, 3 of 3", "DBClusterIdentifier=omnirapeutic-production"),
		row("aurora", "omnirapeutic-production-aurora-cpu", "AWS/RDS CPUUtilization Average", "> 80", "300s, 3 of 3", "DBClusterIdentifier=omnirapeutic-production"),
		row("aurora", "omnirapeutic-production-aurora-deadlocks", "AWS/RDS Deadlocks Sum", "> 0", "300s, 1 of 1", "DBClusterIdentifier=omnirapeutic-production"),
		row("aurora", "omnirapeutic-production-aurora-freeable-memory", "AWS/RDS FreeableMemory Minimum", "< 268435456", "300s, 3 of 3", "DBClusterIdentifier=omnirapeutic-production"),
		row("cost", "omnirapeutic-production-cost-estimated-charges", "AWS/Billing EstimatedCharges Maximum", "> 1500", "21600s, 1 of 1", "Currency=USD"),
		row("ecs", "omnirapeutic-production-ecs-cpu", "100 * used / reserved", "> 80", "300s, 3 of 3", "ClusterName=omnirapeutic-production"),
		row("ecs", "omnirapeutic-production-ecs-memory", "100 * used / reserved", "> 80", "300s, 3 of 3", "ClusterName=omnirapeutic-production"),
		row("ecs", "omnirapeutic-production-ecs-running-tasks",
			"(FILL(desired0, 0) + FILL(desired1, 0) + FILL(desired2, 0) + FILL(desired3, 0)) - (FILL(running0, 0) + FILL(running1, 0) + FILL(running2, 0) + FILL(running3, 0))",
			"> 0", "300s, 3 of 3",
			"ClusterName=omnirapeutic-production, ServiceName=omnirapeutic-production-api, ServiceName=omnirapeutic-production-nginx, ServiceName=omnirapeutic-production-web, ServiceName=omnirapeutic-production-worker"),
		row("flowlogs", "omnirapeutic-production-flowlogs-rejected-spike", "Omnirapeutic/FlowLogs RejectedFlows Sum", "> 1000", "300s, 2 of 2", ""),
		row("flowlogs", "omnirapeutic-production-flowlogs-rejected-ssh-rdp", "Omnirapeutic/FlowLogs RejectedRemoteAdminFlows Sum", "> 50", "300s, 1 of 1", ""),
		row("nat", "omnirapeutic-production-nat-port-allocation-errors-us-east-1a", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1", "NatGatewayId=network-nat-us-east-1a-id"),
		row("nat", "omnirapeutic-production-nat-port-allocation-errors-us-east-1b", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1", "NatGatewayId=network-nat-us-east-1b-id"),
		row("nat", "omnirapeutic-production-nat-port-allocation-errors-us-east-1c", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1", "NatGatewayId=network-nat-us-east-1c-id"),
		row("vpc", "omnirapeutic-production-vpc-gateway-route-changes", "Omnirapeutic/CIS GatewayRouteChanges Sum", ">= 1", "300s, 1 of 1", ""),
		row("vpc", "omnirapeutic-production-vpc-network-changes", "Omnirapeutic/CIS NetworkChanges Sum", ">= 1", "300s, 1 of 1", ""),
		row("vpc", "omnirapeutic-production-vpc-security-group-changes", "Omnirapeutic/CIS SecurityGroupChanges Sum", ">= 1", "300s, 1 of 1", ""),
		row("waf", "omnirapeutic-production-waf-blocked-requests", "AWS/WAFV2 BlockedRequests Sum", "> 500", "300s, 2 of 2", "Region=us-east-1, Rule=ALL, WebACL=omnirapeutic-production-waf"),
	}
	assert.Equal(t, want, must(r.Alarms())(t))
}

func TestMetricFilters(t *testing.T) {
	r := production(t)
	require.Len(t, r.OfType(tMetricFilter), 5)
	cis := map[string][]string{
		"alarms-vpc-cis-security-group-changes": {"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"},
		"alarms-vpc-cis-gateway-route-changes": {"CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway",
			"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"},
		"alarms-vpc-cis-network-changes": {"CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
			"CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
			"AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"},
	}
	for name, events := range cis {
		f := find(t, r, tMetricFilter, name)
		assert.Equal(t, "/aws/cloudtrail/omnirapeutic-production", f.Str("logGroupName"))
		for _, e := range events {
			assert.Contains(t, f.Str("pattern"), "($.eventName = "+e+")", name)
		}
		assert.Equal(t, len(events), strings.Count(f.Str("pattern"), "$.eventName"), "%s matches exactly the CIS events", name)
	}
	for name, fragment := range map[string]string{
		"alarms-flowlogs-flow-logs-rejected":              "destport, protocol",
		"alarms-flowlogs-flow-logs-rejected-remote-admin": "destport=22 || destport=3389",
	} {
		f := find(t, r, tMetricFilter, name)
		assert.Equal(t, "/aws/vpc/omnirapeutic-production-flow-logs", f.Str("logGroupName"))
		assert.Contains(t, f.Str("pattern"), fragment)
		assert.Contains(t, f.Str("pattern"), `action="REJECT"`)
	}
}

func TestAlarmTopic(t *testing.T) {
	r := production(t)
	topic := find(t, r, tTopic, "alarm-topic")
	assert.Equal(t, "omnirapeutic-production-alarms", topic.Str("name"))
	assert.Equal(t, keyArn("logs"), topic.Str("kmsMasterKeyId"), "a customer key: alarms cannot publish to a topic under alias/aws/sns")
	doc, err := policy.Parse(find(t, r, tTopicPolicy, "alarm-topic-policy").Str("policy"))
	require.NoError(t, err)
	cw := statement(t, doc, "CloudWatchAlarmsPublish")
	assert.Equal(t, policy.Service("cloudwatch.amazonaws.com"), cw.Principal)
	assert.Equal(t, []string{"sns:Publish"}, cw.Action)
	assert.Equal(t, []string{account}, cw.Condition["StringEquals"]["aws:SourceAccount"])
	events := statement(t, doc, "EventBridgeRulesPublish")
	var targeting []string
	for _, target := range r.OfType("aws:cloudwatch/eventTarget:EventTarget") {
		if target.Str("arn") == topicArn {
			targeting = append(targeting, "arn:aws:events:us-east-1:"+account+":rule/"+target.Str("rule"))
		}
	}
	require.NotEmpty(t, targeting)
	assert.ElementsMatch(t, targeting, events.Condition["ArnEquals"]["aws:SourceArn"], "every EventBridge rule targeting the topic, and only those")
	tls := statement(t, doc, "DenyInsecureTransport")
	assert.Equal(t, "Deny", tls.Effect)
	assert.Equal(t, []string{"false"}, tls.Condition["Bool"]["aws:SecureTransport"])
	assert.Empty(t, r.OfType(tSubscription), "production lists no addresses yet")
	assert.Equal(t, topicArn, r.Outputs["alarmTopicArn"])
}

func TestAlarmEmailsSubscribe(t *testing.T) {
	r, err := runWith(t, map[string]string{"omnirapeutic:alarmEmails": `["oncall@omnirapeutic.example","security@omnirapeutic.example"]`})
	require.NoError(t, err)
	subs := r.OfType(tSubscription)
	require.Len(t, subs, 2)
	for _, s := range subs {
		assert.Equal(t, "email", s.Str("protocol"))
		assert.Equal(t, topicArn, s.Str("topic"))
	}

	r, err = runWith(t, map[string]string{"omnirapeutic:alarmEmails": `["oncall@omnirapeutic.example","not an address"]`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `config omnirapeutic:alarmEmails: "not an address" is not an email address`)
	assert.Empty(t, r.Resources)
}

func TestLogRetentionComesFromConfig(t *testing.T) {
	r := production(t)
	audit := map[string]bool{
		"/aws/cloudtrail/omnirapeutic-production":             true,
		"/aws/rds/cluster/omnirapeutic-production/postgresql": true,
		"/aws/ssm/omnirapeutic-production-bastion-sessions":   true,
	}
	for _, g := range r.OfType(tLogGroup) {
		want := 365
		if audit[g.Str("name")] {
			want = 2192
		}
		assert.EqualValues(t, want, g.Inputs["retentionInDays"], g.Str("name"))
	}
	r2, err := runWith(t, map[string]string{"omnirapeutic:logRetentionDays": "90", "omnirapeutic:auditLogRetentionDays": "3653"})
	require.NoError(t, err)
	for _, g := range r2.OfType(tLogGroup) {
		want := 90
		if audit[g.Str("name")] {
			want = 3653
		}
		assert.EqualValues(t, want, g.Inputs["retentionInDays"], g.Str("name"))
	}
	// The audit buckets lock objects that long, so they keep them that
	// long too: expiration never comes before the lock ends.
	for _, b := range []string{"cloudtrail-bucket", "config-bucket"} {
		rule := find(t, r2, tBucketLifecyle, b+"-lifecycle").Inputs["rules"].([]any)[0].(map[string]any)
		assert.Equal(t, map[string]any{"days": 3653.0}, rule["expiration"], b)
	}
}

// TestEcsUtilizationUsesContainerInsights: AWS/ECS cluster utilization exists
// only for EC2 capacity, so on Fargate the alarms divide Container Insights'
// utilized by reserved.
func TestEcsUtilizationUsesContainerInsights(t *testing.T) {
	r := production(t)
	for what, metrics := range map[string][2]string{"cpu": {"CpuUtilized", "CpuReserved"}, "memory": {"MemoryUtilized", "MemoryReserved"}} {
		a := find(t, r, tAlarm, "alarms-ecs-"+what)
		var got []string
		for _, raw := range a.Inputs["metricQueries"].([]any) {
			q := raw.(map[string]any)
			if m, ok := q["metric"].(map[string]any); ok {
				assert.Equal(t, "ECS/ContainerInsights", m["namespace"])
				assert.Equal(t, map[string]any{"ClusterName": "omnirapeutic-production"}, m["dimensions"])
				got = append(got, q["id"].(string)+"="+m["metricName"].(string))
			}
		}
		assert.Equal(t, []string{"used=" + metrics[0], "reserved=" + metrics[1]}, got, what)
	}
}
