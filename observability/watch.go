package observability

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
)

// Alarm is one CloudWatch alarm: either a single metric (Namespace, Metric,
// Statistic or ExtendedStatistic, Dimensions) or metric math (Expression over Queries).
type Alarm struct {
	// What completes the name <prefix>-<area>-<what>.
	What string
	// Description tells the person paged what it means and where to look first.
	Description string
	// Namespace and Metric name the metric.
	Namespace, Metric string
	// Statistic is Average, Sum, Minimum, Maximum or SampleCount.
	Statistic string
	// ExtendedStatistic is a percentile such as p95 (instead of Statistic).
	ExtendedStatistic string
	// Dimensions point the metric at the real resource.
	Dimensions pulumi.StringMap
	// Expression is a metric-math expression over Queries (instead of a metric).
	Expression string
	// Queries are the metrics Expression refers to by ID.
	Queries []Query
	// Comparison is a CloudWatch comparison operator.
	Comparison string
	// Threshold is compared with the statistic.
	Threshold float64
	// PeriodSeconds is the statistic's period.
	PeriodSeconds int
	// EvaluationPeriods and DatapointsToAlarm: breaching DatapointsToAlarm of
	// the last EvaluationPeriods periods alarms.
	EvaluationPeriods, DatapointsToAlarm int
	// TreatMissingData is missing, notBreaching, breaching or ignore.
	TreatMissingData string
}

// Query is one metric of a metric-math alarm.
type Query struct {
	ID, Namespace, Metric, Stat string
	Dimensions                  pulumi.StringMap
}

// MetricFilter turns matching log events into a metric an alarm watches.
type MetricFilter struct {
	// Name is the filter's name.
	Name string
	// LogGroupName is the group it filters.
	LogGroupName pulumi.StringInput
	// Pattern is a CloudWatch Logs filter pattern.
	Pattern string
	// Namespace and Metric name the metric it publishes (value 1 per match).
	Namespace, Metric string
}

// WatchArgs configures a Watch.
type WatchArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every alarm name. Required.
	Scope naming.Scope
	// Area is the thing watched ("aurora"); alarms are named <prefix>-<area>-<what>. Required.
	Area string
	// TopicArn receives alarm, OK and insufficient-data notifications. Required.
	TopicArn pulumi.StringInput
	// Filters are created before the alarms.
	Filters []MetricFilter
	// Alarms are the area's alarms. Required.
	Alarms []Alarm
}

// validate reports every missing or invalid field at once.
func (a WatchArgs) validate() error {
	c := fields.For("observability.WatchArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("Area", a.Area)
	c.Require("TopicArn", a.TopicArn)
	c.Require("Alarms", a.Alarms)
	for _, alarm := range a.Alarms {
		if !whatPattern.MatchString(alarm.What) || alarm.Description == "" || alarm.EvaluationPeriods == 0 {
			c.Invalid("Alarms", "%q needs a lowercase name, a description and evaluation periods", alarm.What)
		}
	}
	return c.Err()
}

// Watch owns one area's alarms and the metric filters they need.
type Watch struct {
	pulumi.ResourceState

	// AlarmNames lists the alarms' names.
	AlarmNames []string
}

var whatPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// AlarmName is an alarm's name: <prefix>-<area>-<what>.
func AlarmName(scope naming.Scope, area, what string) string { return scope.Name(area, what) }

// NewWatch creates an area's metric filters and alarms. Every alarm notifies
// the topic on ALARM, OK and INSUFFICIENT_DATA (HIPAA CLOUDWATCH_ALARM_ACTION_CHECK).
func NewWatch(ctx *pulumi.Context, name string, args *WatchArgs, opts ...pulumi.ResourceOption) (*Watch, error) {
	if args == nil {
		args = &WatchArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	w := &Watch{}
	if err := ctx.RegisterComponentResource("omnirapeutic:observability:Watch", name, w, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(w)
	var filters []pulumi.Resource
	for _, f := range args.Filters {
		mf, err := cloudwatch.NewLogMetricFilter(ctx, fmt.Sprintf("%s-%s", name, f.Name), &cloudwatch.LogMetricFilterArgs{
			Name:         pulumi.String(args.Scope.Name(f.Name)),
			LogGroupName: f.LogGroupName,
			Pattern:      pulumi.String(f.Pattern),
			MetricTransformation: &cloudwatch.LogMetricFilterMetricTransformationArgs{
				Namespace:    pulumi.String(f.Namespace),
				Name:         pulumi.String(f.Metric),
				Value:        pulumi.String("1"),
				DefaultValue: pulumi.String("0"),
			},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("create metric filter %s: %w", f.Name, err)
		}
		filters = append(filters, mf)
	}
	actions := pulumi.Array{args.TopicArn}
	outputs := pulumi.Map{}
	for _, a := range args.Alarms {
		alarmName := AlarmName(args.Scope, args.Area, a.What)
		alarmArgs := &cloudwatch.MetricAlarmArgs{
			Name:                    pulumi.String(alarmName),
			AlarmDescription:        pulumi.String(a.Description),
			ComparisonOperator:      pulumi.String(a.Comparison),
			Threshold:               pulumi.Float64(a.Threshold),
			EvaluationPeriods:       pulumi.Int(a.EvaluationPeriods),
			DatapointsToAlarm:       pulumi.Int(max(a.DatapointsToAlarm, 1)),
			TreatMissingData:        pulumi.String(a.TreatMissingData),
			ActionsEnabled:          pulumi.Bool(true),
			AlarmActions:            actions,
			OkActions:               actions,
			InsufficientDataActions: actions,
		}
		if a.Expression == "" {
			alarmArgs.Namespace = pulumi.String(a.Namespace)
			alarmArgs.MetricName = pulumi.String(a.Metric)
			alarmArgs.Period = pulumi.Int(a.PeriodSeconds)
			alarmArgs.Dimensions = a.Dimensions
			if a.ExtendedStatistic != "" {
				alarmArgs.ExtendedStatistic = pulumi.String(a.ExtendedStatistic)
			} else {
				alarmArgs.Statistic = pulumi.String(a.Statistic)
			}
		} else {
			queries := cloudwatch.MetricAlarmMetricQueryArray{&cloudwatch.MetricAlarmMetricQueryArgs{
				Id: pulumi.String("e1"), Expression: pulumi.String(a.Expression), Label: pulumi.String(a.What), ReturnData: pulumi.Bool(true),
			}}
			for _, q := range a.Queries {
				queries = append(queries, &cloudwatch.MetricAlarmMetricQueryArgs{
					Id:         pulumi.String(q.ID),
					ReturnData: pulumi.Bool(false),
					Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
						Namespace: pulumi.String(q.Namespace), MetricName: pulumi.String(q.Metric),
						Stat: pulumi.String(q.Stat), Period: pulumi.Int(a.PeriodSeconds), Dimensions: q.Dimensions,
					},
				})
			}
			alarmArgs.MetricQueries = queries
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, fmt.Sprintf("%s-%s", name, a.What), alarmArgs,
			parent, pulumi.DependsOn(filters)); err != nil {
			return nil, fmt.Errorf("create alarm %s: %w", alarmName, err)
		}
		w.AlarmNames = append(w.AlarmNames, alarmName)
		outputs[a.What] = pulumi.String(alarmName)
	}
	if err := ctx.RegisterResourceOutputs(w, outputs); err != nil {
		return nil, err
	}
	return w, nil
}
