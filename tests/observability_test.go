package tests

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compliance"
	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/observability"
	"github.com/omnirapeutic/infrastructure/policy"
)

const (
	tAlarm        = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tMetricFilter = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
	tTopic        = "aws:sns/topic:Topic"
	tTopicPolicy  = "aws:sns/topicPolicy:TopicPolicy"
	tSubscription = "aws:sns/topicSubscription:TopicSubscription"
)

// topicArn is the stack's alarm topic's ARN.
func (s *stack) topicArn(t *testing.T) string {
	t.Helper()
	return find(t, s.Result, tTopic, "alarm-topic").Computed["arn"].(string)
}

// ruleAlarmsReachTheTopic: every alarm, of every area, notifies the topic on
// ALARM, OK and INSUFFICIENT_DATA and tells the person paged where to look.
func ruleAlarmsReachTheTopic(t *testing.T, s *stack) {
	topic := s.topicArn(t)
	alarms := s.OfType(tAlarm)
	require.NotEmpty(t, alarms)
	for _, a := range alarms {
		for _, key := range []string{"alarmActions", "okActions", "insufficientDataActions"} {
			assert.Equal(t, []any{topic}, a.Inputs[key], "%s %s", a.Str("name"), key)
		}
		assert.Equal(t, true, a.Inputs["actionsEnabled"], a.Str("name"))
		assert.Greater(t, len(a.Str("alarmDescription")), 60, "%s tells the person paged what to look at", a.Str("name"))
		assert.NotEmpty(t, a.Str("treatMissingData"), a.Str("name"))
	}
	for _, row := range must(s.Alarms())(t) {
		assert.Contains(t, observability.Areas, row.Area, row.Name)
		assert.Truef(t, strings.HasPrefix(row.Name, s.name(row.Area)+"-"), "%s is named <prefix>-<area>-<what>", row.Name)
	}
}

// ruleAlarmTargets: every dimension an alarm watches names a resource the
// stack registered (so no alarm watches nothing), every NAT gateway and
// target group is watched, and the thresholds that follow config do.
func ruleAlarmTargets(t *testing.T, s *stack) {
	real := map[string][]string{
		"LoadBalancer":        {find(t, s.Result, tLB, "alb").Computed["arnSuffix"].(string)},
		"DBClusterIdentifier": {data.ClusterID(s.scope)},
		"ClusterName":         {compute.ClusterName(s.scope)},
		"WebACL":              {s.name("waf")},
		"Region":              {s.scope.Region},
		"Rule":                {"ALL"},
		"Currency":            {"USD"},
	}
	for _, tg := range s.OfType(tTargetGroup) {
		real["TargetGroup"] = append(real["TargetGroup"], tg.Computed["arnSuffix"].(string))
	}
	for _, nat := range s.OfType(tNat) {
		real["NatGatewayId"] = append(real["NatGatewayId"], nat.ID)
	}
	for _, svc := range s.cfg.ServiceNames() {
		real["ServiceName"] = append(real["ServiceName"], compute.ServiceName(s.scope, svc))
	}
	watched := map[string][]string{}
	rows := map[string]string{}
	for _, row := range must(s.Alarms())(t) {
		rows[row.Name] = row.Condition
		if row.Watches == "" {
			continue
		}
		for _, dim := range strings.Split(row.Watches, ", ") {
			k, v, _ := strings.Cut(dim, "=")
			assert.Containsf(t, real[k], v, "%s watches %s=%s, which the stack did not register", row.Name, k, v)
			watched[k] = append(watched[k], v)
		}
	}
	for _, k := range []string{"NatGatewayId", "TargetGroup", "ServiceName"} {
		for _, v := range real[k] {
			assert.Containsf(t, watched[k], v, "no alarm watches %s %s", k, v)
		}
	}
	natAlarms := 0
	for name := range rows {
		if strings.HasPrefix(name, s.name("nat")+"-") {
			natAlarms++
		}
	}
	assert.Equal(t, len(real["NatGatewayId"]), natAlarms, "one port-allocation alarm per NAT gateway")

	fmtNum := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	connections, memory := observability.AuroraThresholds(s.cfg.Aurora.MaxCapacity)
	assert.Equal(t, "> "+strconv.Itoa(s.cfg.MonthlyBudgetUsd), rows[observability.AlarmName(s.scope, "cost", "estimated-charges")], "the cost alarm fires above monthlyBudgetUsd")
	assert.Equal(t, "> "+fmtNum(connections), rows[observability.AlarmName(s.scope, "aurora", "connections")], "80%% of the connections aurora.maxCapacity allows")
	assert.Equal(t, "< "+fmtNum(memory), rows[observability.AlarmName(s.scope, "aurora", "freeable-memory")], "an eighth of aurora.maxCapacity's memory")
}

// TestAuroraThresholdsScaleWithCapacity: 80% of ~90 connections and an
// eighth of ~2 GiB per ACU.
func TestAuroraThresholdsScaleWithCapacity(t *testing.T) {
	for _, tc := range []struct{ acu, connections, memory float64 }{{1, 72, 256 << 20}, {4, 288, 1 << 30}} {
		c, m := observability.AuroraThresholds(tc.acu)
		assert.Equal(t, tc.connections, c, "%g ACU", tc.acu)
		assert.Equal(t, tc.memory, m, "%g ACU", tc.acu)
	}
}

// ruleMetricFilters: the CIS 4.x filters on the trail's log group match
// exactly their events; the flow-log filters count rejected flows.
func ruleMetricFilters(t *testing.T, s *stack) {
	require.Len(t, s.OfType(tMetricFilter), 5)
	cis := map[string][]string{
		"alarms-vpc-cis-security-group-changes": {"AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"},
		"alarms-vpc-cis-gateway-route-changes": {"CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway",
			"CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"},
		"alarms-vpc-cis-network-changes": {"CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
			"CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
			"AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"},
	}
	for name, events := range cis {
		f := find(t, s.Result, tMetricFilter, name)
		assert.Equal(t, compliance.TrailLogGroupName(s.scope), f.Str("logGroupName"))
		for _, e := range events {
			assert.Contains(t, f.Str("pattern"), "($.eventName = "+e+")", name)
		}
		assert.Equal(t, len(events), strings.Count(f.Str("pattern"), "$.eventName"), "%s matches exactly the CIS events", name)
	}
	for name, fragment := range map[string]string{
		"alarms-flowlogs-flow-logs-rejected":              "destport, protocol",
		"alarms-flowlogs-flow-logs-rejected-remote-admin": "destport=22 || destport=3389",
	} {
		f := find(t, s.Result, tMetricFilter, name)
		assert.Equal(t, "/aws/vpc/"+s.name("flow-logs"), f.Str("logGroupName"))
		assert.Contains(t, f.Str("pattern"), fragment)
		assert.Contains(t, f.Str("pattern"), `action="REJECT"`)
	}
}

// ruleAlarmTopic: a topic under the Logs key that CloudWatch alarms of this
// account and exactly this stack's EventBridge rules may publish to, TLS
// only, subscribed by every configured address and endpoint; while it has
// none, every preview and up warns.
func ruleAlarmTopic(t *testing.T, s *stack) {
	topic := find(t, s.Result, tTopic, "alarm-topic")
	assert.Equal(t, observability.TopicName(s.scope), topic.Str("name"))
	assert.Equal(t, s.keyArn(t, "logs"), topic.Str("kmsMasterKeyId"), "a customer key: alarms cannot publish to a topic under alias/aws/sns")
	doc, err := policy.Parse(find(t, s.Result, tTopicPolicy, "alarm-topic-policy").Str("policy"))
	require.NoError(t, err)
	cw := statement(t, doc, "CloudWatchAlarmsPublish")
	assert.Equal(t, policy.Service("cloudwatch.amazonaws.com"), cw.Principal)
	assert.Equal(t, []string{"sns:Publish"}, cw.Action)
	assert.Equal(t, []string{s.scope.Account}, cw.Condition["StringEquals"]["aws:SourceAccount"])
	events := statement(t, doc, "EventBridgeRulesPublish")
	var targeting []string
	for _, target := range s.OfType(tEventTarget) {
		if target.Str("arn") == s.topicArn(t) {
			targeting = append(targeting, s.arn("events", "rule/"+target.Str("rule")))
		}
	}
	require.NotEmpty(t, targeting)
	assert.ElementsMatch(t, targeting, events.Condition["ArnEquals"]["aws:SourceArn"], "every EventBridge rule targeting the topic, and only those")
	tls := statement(t, doc, "DenyInsecureTransport")
	assert.Equal(t, "Deny", tls.Effect)
	assert.Equal(t, []string{"false"}, tls.Condition["Bool"]["aws:SecureTransport"])
	assert.Equal(t, topic.Computed["arn"], s.Outputs["alarmTopicArn"])

	subs := s.OfType(tSubscription)
	assert.Len(t, subs, len(s.cfg.AlarmEmails)+len(s.cfg.AlarmHttpsEndpoints))
	var emails, endpoints []string
	for _, sub := range subs {
		assert.Equal(t, topic.Computed["arn"], sub.Str("topic"))
		switch sub.Str("protocol") {
		case "email":
			emails = append(emails, sub.Str("endpoint"))
		case "https":
			endpoints = append(endpoints, secretValue(sub.Inputs["endpoint"]))
			for _, e := range s.cfg.AlarmHttpsEndpoints {
				assert.NotContains(t, sub.URN, strings.TrimPrefix(e, "https://"), "an integration URL stays out of the URN")
			}
		default:
			t.Errorf("%s subscribes by %s", sub.Name, sub.Str("protocol"))
		}
	}
	assert.ElementsMatch(t, s.cfg.AlarmEmails, emails)
	assert.ElementsMatch(t, s.cfg.AlarmHttpsEndpoints, endpoints)

	var text strings.Builder
	require.NoError(t, report.Write(&text, s.Result))
	noSubscriber := func(w string) bool { return strings.HasPrefix(w, "the alarm topic has no subscriber") }
	assert.Equal(t, len(subs) == 0, slices.ContainsFunc(s.Stack.Warnings, noSubscriber), "a warning exactly while nobody is subscribed: %q", s.Stack.Warnings)
	// The report wraps long lines: compare words, not line breaks.
	words := strings.Join(strings.Fields(text.String()), " ")
	assert.Equal(t, len(subs) == 0, strings.Contains(words, "warning: the alarm topic has no subscriber"))
	for _, w := range s.Stack.Warnings {
		assert.Contains(t, words, "warning: "+strings.Join(strings.Fields(w), " "), "the report shows every warning")
	}
	assert.Equal(t, len(s.Stack.Warnings) > 0, strings.Contains(text.String(), "== Warnings =="))
}

// TestAlarmSubscribers: addresses and endpoints subscribe, each confirmed
// by its owner; a bad address registers nothing.
func TestAlarmSubscribers(t *testing.T) {
	hook := "https://events.pagerduty.example/integration/0123abcd/enqueue"
	r := runWithin(t, "production", func(v values) {
		v.set("omnirapeutic:alarmEmails", []any{"oncall@omnirapeutic.example", "security@omnirapeutic.example"})
		v.set("omnirapeutic:alarmHttpsEndpoints", []any{hook})
	})
	ruleAlarmTopic(t, stackOf(t, r))
	assert.Len(t, r.OfType(tSubscription), 3)

	none := runWithin(t, "production", func(v values) {
		v.set("omnirapeutic:alarmEmails", []any{})
		v.set("omnirapeutic:alarmHttpsEndpoints", []any{})
	})
	ruleAlarmTopic(t, stackOf(t, none))
	assert.True(t, slices.ContainsFunc(none.Stack.Warnings, func(w string) bool { return strings.HasPrefix(w, "the alarm topic has no subscriber") }),
		"nobody subscribed: a warning")

	bad, err := runWith(t, map[string]string{"omnirapeutic:alarmEmails": `["oncall@omnirapeutic.example","not an address"]`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `config omnirapeutic:alarmEmails: "not an address" is not an email address`)
	assert.Empty(t, bad.Resources)
}

// ruleLogRetention: audit log groups (the trail, the database audit log,
// bastion sessions) keep auditLogRetentionDays, every other log group
// logRetentionDays; the audit buckets expire objects no sooner than their
// lock ends and never before HIPAA's six years.
func ruleLogRetention(t *testing.T, s *stack) {
	audit := map[string]bool{
		compliance.TrailLogGroupName(s.scope):              true,
		data.PostgresLogGroupName(data.ClusterID(s.scope)): true,
		data.SessionLogGroupName(s.scope):                  true,
	}
	for _, g := range s.OfType(tLogGroup) {
		want := s.cfg.Logs.RetentionDays
		if audit[g.Str("name")] {
			want = s.cfg.Logs.AuditRetentionDays
		}
		assert.EqualValues(t, want, g.Inputs["retentionInDays"], g.Str("name"))
	}
	buckets := []string{"cloudtrail-bucket"}
	if s.cfg.OwnsAccountSingletons {
		buckets = append(buckets, "config-bucket")
	}
	for _, b := range buckets {
		assertLifecycle(t, s.Result, b, compliance.AuditLifecycle(s.cfg.Logs.AuditRetentionDays))
	}
}

// ruleEcsContainerInsights: AWS/ECS cluster utilization exists only for EC2
// capacity, so on Fargate the alarms divide Container Insights' utilized by
// reserved.
func ruleEcsContainerInsights(t *testing.T, s *stack) {
	for what, metrics := range map[string][2]string{"cpu": {"CpuUtilized", "CpuReserved"}, "memory": {"MemoryUtilized", "MemoryReserved"}} {
		a := find(t, s.Result, tAlarm, "alarms-ecs-"+what)
		var got []string
		for _, raw := range a.Inputs["metricQueries"].([]any) {
			q := raw.(map[string]any)
			if m, ok := q["metric"].(map[string]any); ok {
				assert.Equal(t, "ECS/ContainerInsights", m["namespace"])
				assert.Equal(t, map[string]any{"ClusterName": compute.ClusterName(s.scope)}, m["dimensions"])
				got = append(got, q["id"].(string)+"="+m["metricName"].(string))
			}
		}
		assert.Equal(t, []string{"used=" + metrics[0], "reserved=" + metrics[1]}, got, what)
	}
}

// secretValue is a recorded input's value, whether plain or marked secret
// (an integration URL carries its key, so the program marks it secret).
func secretValue(v any) string {
	if sec, ok := v.(*resource.Secret); ok {
		v = sec.Element.V
	}
	s, _ := v.(string)
	return s
}
