// Package edge provides what faces the internet: the Application Load
// Balancer with its access-log bucket, target groups and path routing, and
// the regional WAF web ACL in front of it.
package edge

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
	"github.com/omnirapeutic/infrastructure/storage"
)

// TLSPolicy allows TLS 1.3 and 1.2 only.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// AccessLogPrefix is the key prefix of ALB access logs in their bucket.
const AccessLogPrefix = "alb"

// elbAccounts are the regional Elastic Load Balancing accounts that deliver
// access logs in regions created before August 2022 (ELB user guide,
// "Enable access logs for your Application Load Balancer": step 2's table,
// GovCloud's accounts included). The bucket policy names each as an
// account root in the region's partition.
var elbAccounts = map[string]string{
	"us-east-1":     "127311923021",
	"us-east-2":     "033677994240",
	"us-west-1":     "027434742980",
	"us-west-2":     "797873946194",
	"us-gov-west-1": "048591011584",
	"us-gov-east-1": "190560391635",
}

// TargetGroup is one target group and the path its targets are checked on.
type TargetGroup struct {
	// Name is the short name ("api"); the AWS name is <prefix>-<name>.
	Name string
	// HealthCheckPath is checked on every target.
	HealthCheckPath string
}

// AccessLogInfrequentAccessDays is when ALB access logs move to S3
// Standard-IA: S3's minimum age for that transition.
const AccessLogInfrequentAccessDays = 30

// LoadBalancerArgs configures a LoadBalancer.
type LoadBalancerArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every name; its account and region place the access-log bucket and
	// its policy. Required.
	Scope naming.Scope
	// VpcID is where the target groups live. Required.
	VpcID pulumi.StringInput
	// SubnetIDs are the public subnets. Required.
	SubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the ALB security group. Required.
	SecurityGroupID pulumi.StringInput
	// TargetGroups are created in this order; the first is not special. Required.
	TargetGroups []TargetGroup
	// DefaultTargetGroup receives what no path route matches. Required.
	DefaultTargetGroup string
	// PathRoutes become listener rules, priority 10, 20, ... in order.
	PathRoutes []stackconfig.PathRoute
	// CertificateArn, when set, adds HTTPS :443 and turns HTTP :80 into a redirect.
	CertificateArn string
	// AccessLogDays is how long access logs are kept. Required.
	AccessLogDays int
	// DeletionProtection turns on AWS's deletion protection and Pulumi's
	// protect, so neither a destroy nor a replacement removes the address
	// clients resolve; off only in stacks meant to be destroyed (the program
	// passes albDeletionProtection).
	DeletionProtection bool
	// S3AccessLogBucket receives the access-log bucket's own S3 server
	// access logs (requests made to it). Required.
	S3AccessLogBucket *storage.Bucket
}

// validate reports every missing or invalid field at once.
func (a LoadBalancerArgs) validate() error {
	c := fields.For("edge.LoadBalancerArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("VpcID", a.VpcID)
	c.Require("SubnetIDs", a.SubnetIDs)
	c.Require("SecurityGroupID", a.SecurityGroupID)
	c.Require("TargetGroups", a.TargetGroups)
	c.Require("DefaultTargetGroup", a.DefaultTargetGroup)
	c.Require("AccessLogDays", a.AccessLogDays)
	c.Require("S3AccessLogBucket", a.S3AccessLogBucket)
	if _, ok := elbAccounts[a.Scope.Region]; a.Scope.Region != "" && !ok {
		c.Invalid("Scope.Region", "no ELB log-delivery account known for %q", a.Scope.Region)
	}
	groups := map[string]bool{}
	for _, tg := range a.TargetGroups {
		groups[tg.Name] = true
	}
	if a.DefaultTargetGroup != "" && len(groups) > 0 && !groups[a.DefaultTargetGroup] {
		c.Invalid("DefaultTargetGroup", "%q is not one of the target groups", a.DefaultTargetGroup)
	}
	for _, route := range a.PathRoutes {
		if !groups[route.TargetGroup] {
			c.Invalid("PathRoutes", "%s: target group %q is not one of the target groups", route.PathPattern, route.TargetGroup)
		}
	}
	return c.Err()
}

// LoadBalancer is the internet-facing ALB. Depend on it to wait for its
// listeners and rules, which ECS services and the WAF association need.
type LoadBalancer struct {
	pulumi.ResourceState

	// Arn is the load balancer's ARN.
	Arn pulumi.StringOutput
	// ArnSuffix is the LoadBalancer dimension of its CloudWatch metrics.
	ArnSuffix pulumi.StringOutput
	// DnsName is the name clients resolve.
	DnsName pulumi.StringOutput
	// TargetGroupArns maps target group name to ARN.
	TargetGroupArns map[string]pulumi.StringOutput
	// TargetGroupArnSuffixes maps target group name to its metrics dimension.
	TargetGroupArnSuffixes map[string]pulumi.StringOutput
	// AccessLogBucket is the access logs' bucket name.
	AccessLogBucket pulumi.StringOutput
	// Ready are the load balancer, its listeners and its listener rules: what
	// a WAF association or an ECS service must wait for. Depending on the
	// component instead waits only for the children the Go SDK had seen
	// when the dependent registered, which can be none of them.
	Ready []pulumi.Resource
}

// AccessLogBucketName is <prefix>-alb-logs-<account>: bucket names are
// global, and the scope's account makes this one unique.
func AccessLogBucketName(scope naming.Scope) string { return scope.Name("alb-logs", scope.Account) }

// NewLoadBalancer creates the access-log bucket, the ALB, its target groups
// and its listeners.
func NewLoadBalancer(ctx *pulumi.Context, name string, args *LoadBalancerArgs, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	if args == nil {
		args = &LoadBalancerArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	elbAccount := elbAccounts[args.Scope.Region]
	l := &LoadBalancer{TargetGroupArns: map[string]pulumi.StringOutput{}, TargetGroupArnSuffixes: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:edge:LoadBalancer", name, l, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(l)

	// ELB delivers access logs only to SSE-S3 buckets; KMS is not supported.
	bucketName := AccessLogBucketName(args.Scope)
	logs, err := storage.NewBucket(ctx, name+"-access-logs", &storage.BucketArgs{
		Name:            bucketName,
		Scope:           args.Scope,
		SseS3Reason:     "Elastic Load Balancing delivers access logs only to buckets encrypted with SSE-S3",
		Lifecycle:       storage.Lifecycle{InfrequentAccessDays: AccessLogInfrequentAccessDays, ExpireDays: args.AccessLogDays, NoncurrentExpireDays: 30},
		AccessLogBucket: args.S3AccessLogBucket,
		Grants: func(bucketArn string) []policy.Statement {
			return []policy.Statement{{
				Sid:       "ElbDeliversAccessLogs",
				Effect:    "Allow",
				Principal: policy.AWS(args.Scope.InAccount(elbAccount).AccountRoot()),
				Action:    []string{"s3:PutObject"},
				Resource:  []string{fmt.Sprintf("%s/%s/AWSLogs/%s/*", bucketArn, AccessLogPrefix, args.Scope.Account)},
			}}
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	physical := args.Scope.Name("alb")
	alb, err := lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		Name:                     pulumi.String(physical),
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		Subnets:                  args.SubnetIDs,
		SecurityGroups:           pulumi.StringArray{args.SecurityGroupID},
		EnableDeletionProtection: pulumi.Bool(args.DeletionProtection),
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableHttp2:              pulumi.Bool(true),
		IdleTimeout:              pulumi.Int(60),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket:  logs.Name,
			Prefix:  pulumi.String(AccessLogPrefix),
			Enabled: pulumi.Bool(true),
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(physical)},
		// ELB checks it can write to the bucket when logging is enabled.
		// Pulumi's protect mirrors AWS's: `pulumi destroy` stops before
		// asking AWS, instead of failing halfway through.
	}, parent, pulumi.DependsOn(logs.Ready), pulumi.Protect(args.DeletionProtection))
	if err != nil {
		return nil, fmt.Errorf("create load balancer: %w", err)
	}

	for _, tg := range args.TargetGroups {
		t, err := lb.NewTargetGroup(ctx, fmt.Sprintf("%s-%s", name, tg.Name), &lb.TargetGroupArgs{
			Name:       pulumi.String(args.Scope.Name(tg.Name)),
			TargetType: pulumi.String("ip"),
			Protocol:   pulumi.String("HTTP"),
			Port:       pulumi.Int(80),
			VpcId:      args.VpcID,
			// Long enough for in-flight requests, short enough for quick deploys.
			DeregistrationDelay: pulumi.Int(30),
			HealthCheck: &lb.TargetGroupHealthCheckArgs{
				Enabled:            pulumi.Bool(true),
				Path:               pulumi.String(tg.HealthCheckPath),
				Protocol:           pulumi.String("HTTP"),
				Port:               pulumi.String("traffic-port"),
				Matcher:            pulumi.String("200-399"),
				Interval:           pulumi.Int(30),
				Timeout:            pulumi.Int(5),
				HealthyThreshold:   pulumi.Int(2),
				UnhealthyThreshold: pulumi.Int(3),
			},
			Tags: pulumi.StringMap{"Name": pulumi.String(args.Scope.Name(tg.Name))},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create target group %s: %w", tg.Name, err)
		}
		l.TargetGroupArns[tg.Name] = t.Arn
		l.TargetGroupArnSuffixes[tg.Name] = t.ArnSuffix
	}

	forward := func(tg string) lb.ListenerDefaultActionArray {
		return lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: l.TargetGroupArns[tg]}}
	}
	http := &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  forward(args.DefaultTargetGroup),
	}
	if args.CertificateArn != "" {
		http.DefaultActions = lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol:   pulumi.String("HTTPS"),
				Port:       pulumi.String("443"),
				StatusCode: pulumi.String("HTTP_301"),
			},
		}}
	}
	httpListener, err := lb.NewListener(ctx, name+"-http", http, parent)
	if err != nil {
		return nil, fmt.Errorf("create HTTP listener: %w", err)
	}
	l.Ready = append(l.Ready, alb, httpListener)
	routed, routedName := httpListener, "http"
	if args.CertificateArn != "" {
		routedName = "https"
		routed, err = lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn,
			Port:            pulumi.Int(443),
			Protocol:        pulumi.String("HTTPS"),
			SslPolicy:       pulumi.String(TLSPolicy),
			CertificateArn:  pulumi.String(args.CertificateArn),
			DefaultActions:  forward(args.DefaultTargetGroup),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create HTTPS listener: %w", err)
		}
		l.Ready = append(l.Ready, routed)
	}
	for i, route := range args.PathRoutes {
		arn := l.TargetGroupArns[route.TargetGroup]
		// Named by target group (each has at most one route), never by position.
		rule, err := lb.NewListenerRule(ctx, fmt.Sprintf("%s-%s-%s", name, routedName, route.TargetGroup), &lb.ListenerRuleArgs{
			ListenerArn: routed.Arn,
			Priority:    pulumi.Int(RulePriority(i)),
			Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{
				Type: pulumi.String("forward"), TargetGroupArn: arn,
			}},
			Conditions: lb.ListenerRuleConditionArray{&lb.ListenerRuleConditionArgs{
				PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.StringArray{pulumi.String(route.PathPattern)}},
			}},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create listener rule for %s: %w", route.PathPattern, err)
		}
		l.Ready = append(l.Ready, rule)
	}

	l.Arn = alb.Arn
	l.ArnSuffix = alb.ArnSuffix
	l.DnsName = alb.DnsName
	l.AccessLogBucket = logs.Name
	if err := ctx.RegisterResourceOutputs(l, pulumi.Map{"arn": l.Arn, "dnsName": l.DnsName}); err != nil {
		return nil, err
	}
	return l, nil
}

// RulePriority is the listener-rule priority of the i-th path route: gaps of
// ten leave room to insert a rule without renumbering.
func RulePriority(i int) int { return (i + 1) * 10 }
