// Package specification states, in the repository's own words, the seed
// specification the platform was built from: Omnirapeutic's architecture
// document, which fixed production's starting point. Its numbers are held
// here and only here. tests/spec_test.go holds the production stack to them,
// and docs/generated/specification.md shows each beside what production has
// (go run ./cmd/synth --docs), so the repository needs nothing outside it.
//
// Everything else the tests check is a rule that holds for any valid
// configuration: a change the docs invite (alarm subscribers, a certificate,
// services on, readers, autoscaling, a budget) never touches these numbers,
// and a change of one of them is a departure from the specification, made on
// purpose in this file, in the same pull request, with the reason.
package specification

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Summary is what the specification requires, in prose: the document's
// design, where its numbers are the Requirements below.
const Summary = `The specification describes one production environment in one AWS region:

- **Network**: a VPC over three availability zones, each with a public subnet (a NAT gateway in each, the
  internet-facing load balancer), a private app subnet (the ECS tasks) and a private data subnet (the Aurora
  writer and the bastion; the other two AZs' data subnets for future replicas). Public subnets route to an
  internet gateway; app and data subnets to the NAT gateway of their own AZ. VPC flow logs are on.
- **Security groups**: the internet reaches only the ALB, on 80 and 443; the ALB reaches the ECS tasks; the
  ECS tasks and the bastion reach Aurora on 5432; the bastion accepts nothing (Session Manager only).
- **Edge**: a regional WAF in front of the ALB with four rules in order (AWS's common rule set, known bad
  inputs, SQL injection, and a per-IP rate limit), default allow. The ALB routes /api/* to the api target
  group and everything else to web; HTTP redirects to HTTPS once a certificate exists.
- **Encryption**: customer managed KMS keys for Aurora, for S3 (CloudTrail and ALB logs) and for Secrets
  Manager (which also covers ECR images and the alarm topic); TLS from the internet to the ALB and from the
  tasks to Aurora.
- **Data**: Aurora PostgreSQL Serverless v2, Multi-AZ capable, with daily automated backups kept seven days,
  point-in-time recovery and KMS encryption; pgAudit logs queries.
- **Compute**: ECS on Fargate, a task execution role separate from each task role, services api and web
  (two tasks each) and worker (one), and an nginx test service; ECR holds the images.
- **Operations**: CloudTrail logs every API call; AWS Config runs the HIPAA conformance pack; GuardDuty
  detects threats; 21 CloudWatch alarms in eight areas watch the platform; every log group (the services',
  the flow logs', CloudTrail's, the bastion's sessions', Aurora's) goes to CloudWatch Logs.`

// Region is the specification's region.
const Region = "us-east-1"

// AvailabilityZones are the specification's three AZs, in order.
var AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c"}

// VpcCidr is the VPC's address range.
const VpcCidr = "10.0.0.0/16"

// Subnets is the VPC layout: CIDR by tier and AZ.
var Subnets = map[string]map[string]string{
	"public": {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24", "us-east-1c": "10.0.3.0/24"},
	"app":    {"us-east-1a": "10.0.11.0/24", "us-east-1b": "10.0.12.0/24", "us-east-1c": "10.0.13.0/24"},
	"data":   {"us-east-1a": "10.0.21.0/24", "us-east-1b": "10.0.22.0/24", "us-east-1c": "10.0.23.0/24"},
}

// Route is one path rule of the ALB's listener.
type Route struct {
	// Path is the rule's path pattern.
	Path string
	// TargetGroup is the target group it forwards to, by its short name.
	TargetGroup string
	// Priority is the rule's priority.
	Priority int
}

func (r Route) String() string {
	return fmt.Sprintf("%s at priority %d to target group %s", r.Path, r.Priority, r.TargetGroup)
}

// APIRoute is the specification's one path rule; everything else goes to
// the default target group.
var APIRoute = Route{Path: "/api/*", TargetGroup: "api", Priority: 10}

// WafRateLimit is the WAF's rate rule: requests per IP per five minutes.
const WafRateLimit = 2000

// WafRules are the web ACL's rules the specification names, by priority
// from 1: AWS's managed groups, then the per-IP rate limit. More rules may
// follow them.
var WafRules = []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet", "RateLimitPerIP"}

// AuroraEngineVersion is Aurora PostgreSQL's version (a long-term-support minor).
const AuroraEngineVersion = "15.10"

// AuroraMinACU and AuroraMaxACU are Serverless v2's capacity range.
const AuroraMinACU, AuroraMaxACU = 0.5, 1.0

// Alarm is one of the specification's alarms: its area, what it watches
// (its name after the stack's prefix and the area), the metric, the
// threshold and the period.
type Alarm struct {
	Area, What, Metric, Condition, Period string
}

func (a Alarm) String() string {
	return fmt.Sprintf("%s %s over %s", a.Metric, a.Condition, a.Period)
}

// AnyMetric stands for metric math over what config declares (the
// services, the target groups): the expression follows the config, the
// threshold does not. AnyCondition stands for a threshold the config sets
// (the cost alarm's is monthlyBudgetUsd: a budget is the payer's to change).
const (
	AnyMetric    = "(metric math over what config declares)"
	AnyCondition = "(monthlyBudgetUsd)"
)

// Alarms are the specification's 21 alarms. The Aurora connection and
// memory thresholds are the seed's at its 1 ACU maximum; the NAT alarms are
// one per AZ, one NAT gateway in each.
var Alarms = []Alarm{
	{"alb", "5xx", "AWS/ApplicationELB HTTPCode_ELB_5XX_Count Sum", "> 10", "300s, 2 of 2"},
	{"alb", "target-response-time", "AWS/ApplicationELB TargetResponseTime p95", "> 1", "300s, 3 of 3"},
	{"alb", "unhealthy-hosts", AnyMetric, ">= 1", "60s, 2 of 2"},
	{"aurora", "acu-utilization", "AWS/RDS ACUUtilization Average", "> 90", "300s, 3 of 3"},
	{"aurora", "connections", "AWS/RDS DatabaseConnections Maximum", "> 72", "300s, 3 of 3"},
	{"aurora", "cpu", "AWS/RDS CPUUtilization Average", "> 80", "300s, 3 of 3"},
	{"aurora", "deadlocks", "AWS/RDS Deadlocks Sum", "> 0", "300s, 1 of 1"},
	{"aurora", "freeable-memory", "AWS/RDS FreeableMemory Minimum", "< 268435456", "300s, 3 of 3"},
	{"cost", "estimated-charges", "AWS/Billing EstimatedCharges Maximum", AnyCondition, "21600s, 1 of 1"},
	{"ecs", "cpu", "100 * used / reserved", "> 80", "300s, 3 of 3"},
	{"ecs", "memory", "100 * used / reserved", "> 80", "300s, 3 of 3"},
	{"ecs", "running-tasks", AnyMetric, "> 0", "300s, 3 of 3"},
	{"flowlogs", "rejected-spike", "Omnirapeutic/FlowLogs RejectedFlows Sum", "> 1000", "300s, 2 of 2"},
	{"flowlogs", "rejected-ssh-rdp", "Omnirapeutic/FlowLogs RejectedRemoteAdminFlows Sum", "> 50", "300s, 1 of 1"},
	{"nat", "port-allocation-errors-us-east-1a", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1"},
	{"nat", "port-allocation-errors-us-east-1b", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1"},
	{"nat", "port-allocation-errors-us-east-1c", "AWS/NATGateway ErrorPortAllocation Sum", "> 0", "300s, 1 of 1"},
	{"vpc", "gateway-route-changes", "Omnirapeutic/CIS GatewayRouteChanges Sum", ">= 1", "300s, 1 of 1"},
	{"vpc", "network-changes", "Omnirapeutic/CIS NetworkChanges Sum", ">= 1", "300s, 1 of 1"},
	{"vpc", "security-group-changes", "Omnirapeutic/CIS SecurityGroupChanges Sum", ">= 1", "300s, 1 of 1"},
	{"waf", "blocked-requests", "AWS/WAFV2 BlockedRequests Sum", "> 500", "300s, 2 of 2"},
}

// Stack is what a stack has of the specified values, as its synthesis
// shows them.
type Stack struct {
	Region              string
	AvailabilityZones   []string
	VpcCidr             string
	Subnets             map[string]map[string]string
	Routes              []Route // every path rule of the listener
	WafRateLimit        int
	WafRules            map[int]string // the web ACL's rule names, by priority
	AuroraEngineVersion string
	AuroraMinACU        float64
	AuroraMaxACU        float64
	Alarms              []Alarm
}

// Requirement is one specified value beside a stack's.
type Requirement struct {
	// What names it, with the config key that sets it.
	What string
	// Want is the specification's value; Got the stack's.
	Want, Got string
}

// Holds says the stack keeps to the specification here.
func (r Requirement) Holds() bool { return r.Want == r.Got }

// Departure is the message of a requirement the stack departs from: what
// the specification says, what the stack has, and what to do.
func (r Requirement) Departure(stack string) string {
	return fmt.Sprintf("%s's %s is %s; the seed specification says %s. This change departs from the specification: "+
		"if that is intended, update the value in specification/specification.go in the same pull request and say why in its description; "+
		"if not, put the stack file back", stack, r.What, r.Got, r.Want)
}

// Compare lists every specified value with the stack's, in the
// specification's order; an alarm the specification does not list is a
// requirement of its own ("alarms").
func Compare(s Stack) []Requirement {
	out := []Requirement{
		{"region (aws:region)", Region, s.Region},
		{"availabilityZones", strings.Join(AvailabilityZones, ", "), strings.Join(s.AvailabilityZones, ", ")},
		{"vpcCidr", VpcCidr, s.VpcCidr},
	}
	for _, tier := range []string{"public", "app", "data"} {
		out = append(out, Requirement{"subnet layout (subnetCidrs." + tier + ")", layout(Subnets[tier]), layout(s.Subnets[tier])})
	}
	got := "no " + APIRoute.Path + " route"
	for _, r := range s.Routes {
		if r.Path == APIRoute.Path {
			got = r.String()
		}
	}
	out = append(out,
		Requirement{"ALB routing (edge.pathRoutes)", APIRoute.String(), got},
		Requirement{"WAF rate limit (edge.wafRateLimit, requests per IP per 5 minutes)", fmt.Sprint(WafRateLimit), fmt.Sprint(s.WafRateLimit)},
	)
	for i, name := range WafRules {
		got := s.WafRules[i+1]
		if got == "" {
			got = "none"
		}
		out = append(out, Requirement{fmt.Sprintf("WAF rule at priority %d", i+1), name, got})
	}
	out = append(out,
		Requirement{"Aurora version (aurora.engineVersion)", AuroraEngineVersion, s.AuroraEngineVersion},
		Requirement{"Aurora capacity (aurora.minCapacity, aurora.maxCapacity)", acu(AuroraMinACU, AuroraMaxACU), acu(s.AuroraMinACU, s.AuroraMaxACU)},
	)
	have := map[string]Alarm{}
	for _, a := range s.Alarms {
		have[a.Area+"-"+a.What] = a
	}
	for _, want := range Alarms {
		key := want.Area + "-" + want.What
		a, ok := have[key]
		delete(have, key)
		got := "absent"
		if ok {
			if want.Metric == AnyMetric {
				a.Metric = AnyMetric
			}
			if want.Condition == AnyCondition {
				a.Condition = AnyCondition
			}
			got = a.String()
		}
		out = append(out, Requirement{"alarm " + key, want.String(), got})
	}
	extra := slices.Sorted(maps.Keys(have))
	extraGot := "no others"
	if len(extra) > 0 {
		extraGot = strings.Join(extra, ", ")
	}
	out = append(out, Requirement{"alarms beyond the specification's " + fmt.Sprint(len(Alarms)), "no others", extraGot})
	return out
}

func layout(byAZ map[string]string) string {
	var parts []string
	for _, az := range slices.Sorted(maps.Keys(byAZ)) {
		parts = append(parts, az+" "+byAZ[az])
	}
	return strings.Join(parts, ", ")
}

func acu(lo, hi float64) string { return fmt.Sprintf("%g to %g ACU", lo, hi) }
