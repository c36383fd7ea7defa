package synth

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/observability"
)

var observabilitySection = Section{Title: "Observability", Write: writeObservability}

// AlarmRow is one alarm as the report and the tests read it.
type AlarmRow struct {
	// Area is the Watch component that owns the alarm ("aurora").
	Area string
	// Name is the alarm's name.
	Name string
	// Metric is namespace/metric, or the metric-math expression.
	Metric string
	// Condition is the comparison and threshold.
	Condition string
	// Period is the period and how many periods breach.
	Period string
	// Watches lists the dimension values: the real resources.
	Watches string
}

var comparisons = map[string]string{
	"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=", "LessThanThreshold": "<", "LessThanOrEqualToThreshold": "<=",
}

// alarmArea names the area (observability.Areas) a Watch component watches,
// from the component's name ("alarms-aurora").
func alarmArea(watch string) string {
	for _, area := range observability.Areas {
		if strings.HasSuffix(watch, "-"+area) {
			return area
		}
	}
	return watch
}

// Alarms reads every recorded alarm, grouped by its owning Watch.
func (r *Result) Alarms() ([]AlarmRow, error) {
	alarms, alarmIn, err := DecodeAll[MetricAlarmInputs](r, "aws:cloudwatch/metricAlarm:MetricAlarm")
	if err != nil {
		return nil, err
	}
	var out []AlarmRow
	for i, a := range alarms {
		in := alarmIn[i]
		row := AlarmRow{Name: in.Name}
		if w := r.ByURN(a.Parent); w != nil {
			row.Area = alarmArea(w.Name)
		}
		period := in.Period
		var dims []string
		if in.MetricQueries != nil {
			for _, q := range in.MetricQueries {
				switch {
				case q.Expression != nil:
					row.Metric = *q.Expression
				case q.Metric != nil:
					period = q.Metric.Period
					dims = append(dims, dimensionValues(q.Metric.Dimensions)...)
				default:
					return nil, Invalid(a, "a metric query with neither expression nor metric")
				}
			}
		} else {
			row.Metric = fmt.Sprintf("%s %s %s", in.Namespace, in.MetricName, in.Statistic+in.ExtendedStatistic)
			dims = dimensionValues(in.Dimensions)
		}
		row.Condition = comparisons[in.ComparisonOperator] + " " + strconv.FormatFloat(in.Threshold, 'f', -1, 64)
		row.Period = fmt.Sprintf("%ds, %d of %d", period, in.DatapointsToAlarm, in.EvaluationPeriods)
		row.Watches = strings.Join(dedupe(dims), ", ")
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Area != out[j].Area {
			return out[i].Area < out[j].Area
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func dimensionValues(m map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func writeObservability(r *Result, w io.Writer) error {
	alarms, err := r.Alarms()
	if err != nil {
		return err
	}
	counts := map[string]int{}
	var rows [][]string
	for _, a := range alarms {
		counts[a.Area]++
		rows = append(rows, []string{a.Area, a.Name, a.Metric, a.Condition, a.Period, a.Watches})
	}
	var summary []string
	for _, area := range slices.Sorted(maps.Keys(counts)) {
		summary = append(summary, fmt.Sprintf("%s %d", area, counts[area]))
	}
	fmt.Fprintf(w, "%d alarms (%s); each notifies the encrypted alarm topic on ALARM, OK and INSUFFICIENT_DATA:\n", len(alarms), strings.Join(summary, ", "))
	if err := layout.Table(w, []string{"AREA", "ALARM", "METRIC", "THRESHOLD", "PERIOD", "WATCHES"}, rows); err != nil {
		return err
	}
	_, subscriptions, err := DecodeAll[TopicSubscriptionInputs](r, "aws:sns/topicSubscription:TopicSubscription")
	if err != nil {
		return err
	}
	subscribers := map[string]int{}
	for _, sub := range subscriptions {
		subscribers[sub.Protocol]++
	}
	if len(subscribers) == 0 {
		fmt.Fprintln(w, "\nAlarm topic subscribers: none (see Warnings)")
	} else {
		fmt.Fprintf(w, "\nAlarm topic subscribers: %d email, %d https\n", subscribers["email"], subscribers["https"])
	}
	_, groups, err := DecodeAll[LogGroupInputs](r, "aws:cloudwatch/logGroup:LogGroup")
	if err != nil {
		return err
	}
	rows = nil
	for _, g := range groups {
		rows = append(rows, []string{g.Name, fmt.Sprint(g.RetentionInDays), g.KmsKeyID})
	}
	fmt.Fprintln(w, "\nLog groups (every one retained and KMS-encrypted):")
	return layout.Table(w, []string{"LOG GROUP", "RETENTION (days)", "KMS KEY"}, rows)
}
