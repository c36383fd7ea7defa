package observability

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
)

// Areas are the watched areas in report order, with the seed's alarm counts:
// Aurora 5, VPC 3, Cost 1, ALB 3, ECS 3, WAF 1, NAT gateway 3, flow logs 2.
var Areas = []string{"aurora", "vpc", "cost", "alb", "ecs", "waf", "nat", "flowlogs"}

// CISNamespace holds the metrics the CIS metric filters publish.
const CISNamespace = "Omnirapeutic/CIS"

// FlowLogNamespace holds the metrics the flow-log metric filters publish.
const FlowLogNamespace = "Omnirapeutic/FlowLogs"

// CIS AWS Foundations 4.x filter patterns on the CloudTrail log group.
const (
	// SecurityGroupChangesPattern is CIS 4.10.
	SecurityGroupChangesPattern = "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"
	// GatewayRouteChangesPattern is CIS 4.12 (network gateways) and 4.13 (route tables).
	GatewayRouteChangesPattern = "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) || ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"
	// NetworkChangesPattern is CIS 4.11 (NACLs) and 4.14 (VPCs).
	NetworkChangesPattern = "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) || ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"
)

// flowLogFields are the default VPC flow-log record's fields, for space-delimited filters.
func flowLogPattern(destport string) string {
	return fmt.Sprintf("[version, account, eni, source, destination, srcport, %s, protocol, packets, bytes, windowstart, windowend, action=\"REJECT\", flowlogstatus]", destport)
}

var (
	// RejectedFlowsPattern matches every rejected flow.
	RejectedFlowsPattern = flowLogPattern("destport")
	// RejectedRemoteAdminPattern matches rejected flows to SSH (22) and RDP (3389).
	RejectedRemoteAdminPattern = flowLogPattern("destport=22 || destport=3389")
)

// AlarmsArgs names every resource the alarms watch.
type AlarmsArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every alarm name; its region is the WAF metrics' Region dimension.
	// Required.
	Scope naming.Scope
	// TopicArn receives every notification. Required.
	TopicArn pulumi.StringInput
	// AuroraClusterID is the DBClusterIdentifier dimension. Required.
	AuroraClusterID pulumi.StringInput
	// LoadBalancerArnSuffix is the LoadBalancer dimension. Required.
	LoadBalancerArnSuffix pulumi.StringInput
	// TargetGroupArnSuffixes maps target group name to its TargetGroup dimension. Required.
	TargetGroupArnSuffixes map[string]pulumi.StringOutput
	// ClusterName is the ECS ClusterName dimension. Required.
	ClusterName pulumi.StringInput
	// ServiceNames are the ECS names of every declared service; services
	// that do not run contribute nothing to the running-task check. Required.
	ServiceNames []string
	// WebAclName is the WAF WebACL dimension. Required.
	WebAclName pulumi.StringInput
	// AvailabilityZones are the AZs holding a NAT gateway; they order NatGatewayIDs. Required.
	AvailabilityZones []string
	// NatGatewayIDs maps AZ to NAT gateway ID, one per AZ in AvailabilityZones. Required.
	NatGatewayIDs map[string]pulumi.IDOutput
	// TrailLogGroupName is the CloudTrail log group the CIS filters read. Required.
	TrailLogGroupName pulumi.StringInput
	// FlowLogGroupName is the VPC flow-log group. Required.
	FlowLogGroupName pulumi.StringInput
	// MonthlyBudgetUsd is the estimated-charges threshold. Required.
	MonthlyBudgetUsd int
	// AuroraMaxCapacity is aurora.maxCapacity in ACUs: the memory and
	// connection thresholds scale with it. Required.
	AuroraMaxCapacity float64
	// LogGroups name, for the people paged, where each alarm's evidence is. Required.
	LogGroups AlarmLogGroups
}

// validate reports every missing or invalid field at once.
func (a AlarmsArgs) validate() error {
	c := fields.For("observability.AlarmsArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("TopicArn", a.TopicArn)
	c.Require("AuroraClusterID", a.AuroraClusterID)
	c.Require("LoadBalancerArnSuffix", a.LoadBalancerArnSuffix)
	c.Require("TargetGroupArnSuffixes", a.TargetGroupArnSuffixes)
	c.Require("ClusterName", a.ClusterName)
	c.Require("ServiceNames", a.ServiceNames)
	c.Require("WebAclName", a.WebAclName)
	c.Require("AvailabilityZones", a.AvailabilityZones)
	c.Require("NatGatewayIDs", a.NatGatewayIDs)
	c.Require("TrailLogGroupName", a.TrailLogGroupName)
	c.Require("FlowLogGroupName", a.FlowLogGroupName)
	c.Require("MonthlyBudgetUsd", a.MonthlyBudgetUsd)
	c.Require("AuroraMaxCapacity", a.AuroraMaxCapacity)
	c.Require("LogGroups.Postgres", a.LogGroups.Postgres)
	c.Require("LogGroups.Trail", a.LogGroups.Trail)
	c.Require("LogGroups.ServicesPrefix", a.LogGroups.ServicesPrefix)
	c.Require("LogGroups.FlowLogs", a.LogGroups.FlowLogs)
	for _, az := range a.AvailabilityZones {
		if _, ok := a.NatGatewayIDs[az]; !ok && len(a.NatGatewayIDs) > 0 {
			c.Invalid("NatGatewayIDs", "no NAT gateway in %s", az)
		}
	}
	if a.MonthlyBudgetUsd < 0 {
		c.Invalid("MonthlyBudgetUsd", "%d is negative", a.MonthlyBudgetUsd)
	}
	if a.AuroraMaxCapacity < 0 {
		c.Invalid("AuroraMaxCapacity", "%g is negative", a.AuroraMaxCapacity)
	}
	return c.Err()
}

// AlarmLogGroups are the log groups alarm descriptions point to, as plain
// names: descriptions must name this stack's groups, never another's.
type AlarmLogGroups struct {
	// Postgres is the Aurora postgresql log group.
	Postgres string
	// Trail is CloudTrail's log group.
	Trail string
	// ServicesPrefix starts every ECS service's log group ("/ecs/<prefix>/").
	ServicesPrefix string
	// FlowLogs is the VPC flow-log group.
	FlowLogs string
}

// Alarms is every watched area's Watch.
type Alarms struct {
	pulumi.ResourceState

	// Watches maps area to its Watch.
	Watches map[string]*Watch
}

// NewAlarms creates one Watch per area with the stack's alarms (the seed's
// 21 in production; fewer where a stack has fewer NAT gateways or services).
func NewAlarms(ctx *pulumi.Context, name string, args *AlarmsArgs, opts ...pulumi.ResourceOption) (*Alarms, error) {
	if args == nil {
		args = &AlarmsArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	a := &Alarms{Watches: map[string]*Watch{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:observability:Alarms", name, a, opts...); err != nil {
		return nil, err
	}
	specs := map[string][]Alarm{
		"aurora":   auroraAlarms(args),
		"vpc":      vpcAlarms(args),
		"cost":     costAlarms(args),
		"alb":      albAlarms(args),
		"ecs":      ecsAlarms(args),
		"waf":      wafAlarms(args),
		"nat":      natAlarms(args),
		"flowlogs": flowLogAlarms(args),
	}
	filters := map[string][]MetricFilter{
		"vpc": {
			{Name: "cis-security-group-changes", LogGroupName: args.TrailLogGroupName, Pattern: SecurityGroupChangesPattern, Namespace: CISNamespace, Metric: "SecurityGroupChanges"},
			{Name: "cis-gateway-route-changes", LogGroupName: args.TrailLogGroupName, Pattern: GatewayRouteChangesPattern, Namespace: CISNamespace, Metric: "GatewayRouteChanges"},
			{Name: "cis-network-changes", LogGroupName: args.TrailLogGroupName, Pattern: NetworkChangesPattern, Namespace: CISNamespace, Metric: "NetworkChanges"},
		},
		"flowlogs": {
			{Name: "flow-logs-rejected", LogGroupName: args.FlowLogGroupName, Pattern: RejectedFlowsPattern, Namespace: FlowLogNamespace, Metric: "RejectedFlows"},
			{Name: "flow-logs-rejected-remote-admin", LogGroupName: args.FlowLogGroupName, Pattern: RejectedRemoteAdminPattern, Namespace: FlowLogNamespace, Metric: "RejectedRemoteAdminFlows"},
		},
	}
	outputs := pulumi.Map{}
	for _, area := range Areas {
		w, err := NewWatch(ctx, fmt.Sprintf("%s-%s", name, area), &WatchArgs{
			Scope:    args.Scope,
			Area:     area,
			TopicArn: args.TopicArn,
			Filters:  filters[area],
			Alarms:   specs[area],
		}, pulumi.Parent(a))
		if err != nil {
			return nil, fmt.Errorf("%s alarms: %w", area, err)
		}
		a.Watches[area] = w
		outputs[area] = pulumi.ToStringArray(w.AlarmNames)
	}
	if err := ctx.RegisterResourceOutputs(a, outputs); err != nil {
		return nil, err
	}
	return a, nil
}

// fiveMinutes is the period of most alarms: CloudWatch's standard resolution.
const fiveMinutes = 300

// ConnectionsPerACU is the seed's count of PostgreSQL connections per ACU
// of maximum capacity (~90 at 1 ACU; the seed specification, package specification). AWS derives
// max_connections from the memory of the maximum capacity, so the alarm
// scales with aurora.maxCapacity.
const ConnectionsPerACU = 90

// MemoryPerACU is the memory one ACU gives, about 2 GiB (Aurora user guide,
// "How Aurora Serverless v2 works").
const MemoryPerACU = 2 << 30

// AuroraThresholds are the capacity-dependent Aurora alarm thresholds for a
// cluster whose maximum capacity is maxACU: 80% of its connections and an
// eighth of its memory.
func AuroraThresholds(maxACU float64) (connections, freeableMemoryBytes float64) {
	return math.Floor(0.8 * ConnectionsPerACU * maxACU), MemoryPerACU * maxACU / 8
}

// auroraAlarms watch a Serverless v2 cluster; the connection and memory
// thresholds follow aurora.maxCapacity.
func auroraAlarms(args *AlarmsArgs) []Alarm {
	dims := pulumi.StringMap{"DBClusterIdentifier": args.AuroraClusterID}
	single := func(what, desc, metric, stat, cmp string, threshold float64, periods int) Alarm {
		return Alarm{What: what, Description: desc, Namespace: "AWS/RDS", Metric: metric, Statistic: stat, Dimensions: dims,
			Comparison: cmp, Threshold: threshold, PeriodSeconds: fiveMinutes, EvaluationPeriods: periods, DatapointsToAlarm: periods, TreatMissingData: "missing"}
	}
	maxACU := args.AuroraMaxCapacity
	connections, memory := AuroraThresholds(maxACU)
	return []Alarm{
		// 80% for 15 minutes: the cluster is at or near its ceiling and
		// queries are queueing for CPU.
		single("cpu", "Aurora CPU above 80% for 15 minutes. Check Performance Insights top SQL for the writer; if load is legitimate, raise aurora.maxCapacity.",
			"CPUUtilization", "Average", "GreaterThanThreshold", 80, 3),
		// An eighth of the memory at the ceiling: below it the buffer cache
		// is being squeezed out.
		single("freeable-memory", fmt.Sprintf("Aurora freeable memory below %d MiB (of about %g GiB at %g ACU, aurora.maxCapacity) for 15 minutes. Look for large sorts or many connections in Performance Insights; consider raising aurora.maxCapacity.", int(memory)>>20, maxACU*MemoryPerACU/(1<<30), maxACU),
			"FreeableMemory", "Minimum", "LessThanThreshold", memory, 3),
		// 80% of the connections the ceiling allows: new connections are
		// about to be refused.
		single("connections", fmt.Sprintf("Aurora connections above %g of the ~%g that %g ACU (aurora.maxCapacity) allows, for 15 minutes. Check ECS task counts and application connection pools; a leak shows as steadily rising connections.", connections, ConnectionsPerACU*maxACU, maxACU),
			"DatabaseConnections", "Maximum", "GreaterThanThreshold", connections, 3),
		// ACUUtilization is a percentage of maxCapacity: at 90% the cluster
		// cannot scale further.
		single("acu-utilization", fmt.Sprintf("Aurora is using over 90%% of its maximum capacity (aurora.maxCapacity, %g ACU) for 15 minutes and cannot scale further. Raise maxCapacity or find the expensive queries in Performance Insights.", maxACU),
			"ACUUtilization", "Average", "GreaterThanThreshold", 90, 3),
		// Any deadlock is an application bug worth a look.
		single("deadlocks", fmt.Sprintf("Aurora reported deadlocks in the last 5 minutes. Read the postgresql log (%s) for 'deadlock detected' and the statements involved.", args.LogGroups.Postgres),
			"Deadlocks", "Sum", "GreaterThanThreshold", 0, 1),
	}
}

// vpcAlarms are the CIS 4.10 to 4.14 alarms on the trail's metric filters:
// any matching API call alarms.
func vpcAlarms(args *AlarmsArgs) []Alarm {
	cis := func(what, metric, desc string) Alarm {
		return Alarm{What: what, Description: desc, Namespace: CISNamespace, Metric: metric, Statistic: "Sum",
			Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, PeriodSeconds: fiveMinutes, EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: "notBreaching"}
	}
	return []Alarm{
		cis("security-group-changes", "SecurityGroupChanges", fmt.Sprintf("A security group was created, changed or deleted (CIS 4.10). Find the event in CloudTrail (%s) and confirm it was a reviewed pulumi up.", args.LogGroups.Trail)),
		cis("gateway-route-changes", "GatewayRouteChanges", "A network gateway or route table changed (CIS 4.12, 4.13). Find the event in CloudTrail and confirm it was a reviewed pulumi up: a stray route can expose private subnets."),
		cis("network-changes", "NetworkChanges", "A VPC, peering connection or network ACL changed (CIS 4.11, 4.14). Find the event in CloudTrail and confirm it was a reviewed pulumi up."),
	}
}

func costAlarms(args *AlarmsArgs) []Alarm {
	return []Alarm{{
		What:        "estimated-charges",
		Description: fmt.Sprintf("Estimated charges this month passed the budget of USD %d (omnirapeutic:monthlyBudgetUsd). Open Cost Explorer by service; NAT data processing and Aurora capacity are the usual suspects.", args.MonthlyBudgetUsd),
		Namespace:   "AWS/Billing", Metric: "EstimatedCharges", Statistic: "Maximum",
		Dimensions: pulumi.StringMap{"Currency": pulumi.String("USD")},
		Comparison: "GreaterThanThreshold", Threshold: float64(args.MonthlyBudgetUsd),
		// Billing publishes about every six hours.
		PeriodSeconds: 21600, EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: "notBreaching",
	}}
}

func albAlarms(args *AlarmsArgs) []Alarm {
	dims := pulumi.StringMap{"LoadBalancer": args.LoadBalancerArnSuffix}
	var queries []Query
	var terms []string
	for _, tg := range slices.Sorted(maps.Keys(args.TargetGroupArnSuffixes)) {
		id := "unhealthy_" + strings.ReplaceAll(tg, "-", "_")
		queries = append(queries, Query{ID: id, Namespace: "AWS/ApplicationELB", Metric: "UnHealthyHostCount", Stat: "Maximum",
			Dimensions: pulumi.StringMap{"LoadBalancer": args.LoadBalancerArnSuffix, "TargetGroup": args.TargetGroupArnSuffixes[tg]}})
		terms = append(terms, fmt.Sprintf("FILL(%s, 0)", id))
	}
	return []Alarm{
		// Ten ELB-generated 5XX in five minutes, twice: the ALB has no healthy
		// target to send to, or targets are timing out.
		{What: "5xx", Description: fmt.Sprintf("The ALB returned more than 10 5XX responses (502/503/504) in each of two 5-minute periods. Check target health in the target groups (%s), then the services' logs under %s.", strings.Join(slices.Sorted(maps.Keys(args.TargetGroupArnSuffixes)), ", "), args.LogGroups.ServicesPrefix),
			Namespace: "AWS/ApplicationELB", Metric: "HTTPCode_ELB_5XX_Count", Statistic: "Sum", Dimensions: dims,
			Comparison: "GreaterThanThreshold", Threshold: 10, PeriodSeconds: fiveMinutes, EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: "notBreaching"},
		// One second at p95 for fifteen minutes: users notice.
		{What: "target-response-time", Description: "The slowest 5% of requests took over 1 s for 15 minutes. Check Aurora (CPU, connections) and ECS CPU first; then the slow endpoints in the services' logs.",
			Namespace: "AWS/ApplicationELB", Metric: "TargetResponseTime", ExtendedStatistic: "p95", Dimensions: dims,
			Comparison: "GreaterThanThreshold", Threshold: 1, PeriodSeconds: fiveMinutes, EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: "notBreaching"},
		// Any unhealthy target in any target group for two minutes.
		{What: "unhealthy-hosts", Description: "A target in one of the ALB's target groups has failed health checks for 2 minutes. Check the target group's health reasons, then the service's events (aws ecs describe-services) and logs.",
			Expression: strings.Join(terms, " + "), Queries: queries,
			Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, PeriodSeconds: 60, EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: "notBreaching"},
	}
}

func ecsAlarms(args *AlarmsArgs) []Alarm {
	dims := pulumi.StringMap{"ClusterName": args.ClusterName}
	var queries []Query
	var desired, running []string
	for i, svc := range args.ServiceNames {
		sd := pulumi.StringMap{"ClusterName": args.ClusterName, "ServiceName": pulumi.String(svc)}
		queries = append(queries,
			Query{ID: fmt.Sprintf("desired%d", i), Namespace: "ECS/ContainerInsights", Metric: "DesiredTaskCount", Stat: "Maximum", Dimensions: sd},
			Query{ID: fmt.Sprintf("running%d", i), Namespace: "ECS/ContainerInsights", Metric: "RunningTaskCount", Stat: "Minimum", Dimensions: sd})
		desired = append(desired, fmt.Sprintf("FILL(desired%d, 0)", i))
		running = append(running, fmt.Sprintf("FILL(running%d, 0)", i))
	}
	// AWS/ECS cluster utilization exists only for EC2 capacity; on Fargate
	// the cluster's use is Container Insights' utilized over reserved.
	utilization := func(used, reserved string) []Query {
		return []Query{
			{ID: "used", Namespace: "ECS/ContainerInsights", Metric: used, Stat: "Sum", Dimensions: dims},
			{ID: "reserved", Namespace: "ECS/ContainerInsights", Metric: reserved, Stat: "Sum", Dimensions: dims},
		}
	}
	return []Alarm{
		{What: "cpu", Description: "ECS tasks are using over 80% of the CPU they reserve, cluster-wide, for 15 minutes. Find the busy service in Container Insights; services with autoscaling scale out at their cpuTargetPercent, so this means scaling is at its maximum or a service has none.",
			Expression: "100 * used / reserved", Queries: utilization("CpuUtilized", "CpuReserved"),
			Comparison: "GreaterThanThreshold", Threshold: 80, PeriodSeconds: fiveMinutes, EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: "notBreaching"},
		{What: "memory", Description: "ECS tasks are using over 80% of the memory they reserve, cluster-wide, for 15 minutes. Find the service in Container Insights; a task at its memory limit is killed (exit code 137).",
			Expression: "100 * used / reserved", Queries: utilization("MemoryUtilized", "MemoryReserved"),
			Comparison: "GreaterThanThreshold", Threshold: 80, PeriodSeconds: fiveMinutes, EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: "notBreaching"},
		// Deployments dip briefly below desired; fifteen minutes does not.
		{What: "running-tasks", Description: "Fewer ECS tasks are running than desired, for 15 minutes. Run aws ecs describe-services on the cluster's services: stopped-task reasons (image pull, secrets, health checks) are in the events.",
			Expression: fmt.Sprintf("(%s) - (%s)", strings.Join(desired, " + "), strings.Join(running, " + ")), Queries: queries,
			Comparison: "GreaterThanThreshold", Threshold: 0, PeriodSeconds: fiveMinutes, EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: "notBreaching"},
	}
}

func wafAlarms(args *AlarmsArgs) []Alarm {
	return []Alarm{{
		What: "blocked-requests",
		// The rate rule blocks an IP past edge.wafRateLimit requests in 5 minutes, so 500
		// blocks in 5 minutes is an attack, or a managed rule blocking real users.
		Description: "WAF blocked more than 500 requests in each of two 5-minute periods. Open the web ACL's sampled requests: one IP or range is an attack (the rate rule holds it); many users on one rule is a false positive to override.",
		Namespace:   "AWS/WAFV2", Metric: "BlockedRequests", Statistic: "Sum",
		Dimensions: pulumi.StringMap{"WebACL": args.WebAclName, "Region": pulumi.String(args.Scope.Region), "Rule": pulumi.String("ALL")},
		Comparison: "GreaterThanThreshold", Threshold: 500, PeriodSeconds: fiveMinutes, EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: "notBreaching",
	}}
}

// natAlarms watch each NAT gateway for port-allocation errors: the tasks
// behind it open more concurrent connections to one destination than it can map.
func natAlarms(args *AlarmsArgs) []Alarm {
	var out []Alarm
	for _, az := range args.AvailabilityZones {
		out = append(out, Alarm{
			What:        "port-allocation-errors-" + az,
			Description: fmt.Sprintf("The NAT gateway in %s failed to allocate source ports: outbound connections from that AZ's tasks are failing. Look for connection churn to one destination (no keep-alive, retries) in the ECS logs.", az),
			Namespace:   "AWS/NATGateway", Metric: "ErrorPortAllocation", Statistic: "Sum",
			Dimensions: pulumi.StringMap{"NatGatewayId": args.NatGatewayIDs[az]},
			Comparison: "GreaterThanThreshold", Threshold: 0, PeriodSeconds: fiveMinutes, EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: "notBreaching",
		})
	}
	return out
}

func flowLogAlarms(args *AlarmsArgs) []Alarm {
	return []Alarm{
		// Background scanning of the ALB and NAT addresses stays well under
		// this; a spike is a scan of the VPC or a misconfigured group.
		{What: "rejected-spike", Description: fmt.Sprintf("More than 1000 flows were rejected in each of two 5-minute periods. Query %s in Logs Insights for action=REJECT grouped by source and destination port.", args.LogGroups.FlowLogs),
			Namespace: FlowLogNamespace, Metric: "RejectedFlows", Statistic: "Sum",
			Comparison: "GreaterThanThreshold", Threshold: 1000, PeriodSeconds: fiveMinutes, EvaluationPeriods: 2, DatapointsToAlarm: 2, TreatMissingData: "notBreaching"},
		// Nothing here listens on 22 or 3389: repeated attempts are probing.
		{What: "rejected-ssh-rdp", Description: "More than 50 SSH (22) or RDP (3389) connection attempts were rejected in 5 minutes. Nothing in the VPC accepts them (the bastion uses SSM); find the sources in the flow logs and check GuardDuty findings.",
			Namespace: FlowLogNamespace, Metric: "RejectedRemoteAdminFlows", Statistic: "Sum",
			Comparison: "GreaterThanThreshold", Threshold: 50, PeriodSeconds: fiveMinutes, EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: "notBreaching"},
	}
}
