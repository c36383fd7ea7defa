package synth

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
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

// Alarms reads every recorded alarm, grouped by its owning Watch.
func (r *Result) Alarms() []AlarmRow {
	var out []AlarmRow
	for _, a := range r.OfType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		row := AlarmRow{Name: a.Str("name")}
		if w := r.ByURN(a.Parent); w != nil {
			row.Area = strings.TrimPrefix(w.Name, "alarms-")
		}
		stat := a.Str("statistic") + a.Str("extendedStatistic")
		period := a.Inputs["period"]
		var dims []string
		if q, ok := a.Inputs["metricQueries"].([]any); ok {
			for _, raw := range q {
				m := raw.(map[string]any)
				if e, ok := m["expression"]; ok {
					row.Metric = fmt.Sprint(e)
					continue
				}
				metric := m["metric"].(map[string]any)
				period = metric["period"]
				dims = append(dims, dimensionValues(metric["dimensions"])...)
			}
		} else {
			row.Metric = fmt.Sprintf("%s %s %s", a.Str("namespace"), a.Str("metricName"), stat)
			dims = dimensionValues(a.Inputs["dimensions"])
		}
		threshold, _ := a.Inputs["threshold"].(float64)
		row.Condition = comparisons[a.Str("comparisonOperator")] + " " + strconv.FormatFloat(threshold, 'f', -1, 64)
		row.Period = fmt.Sprintf("%vs, %v of %v", period, a.Inputs["datapointsToAlarm"], a.Inputs["evaluationPeriods"])
		row.Watches = strings.Join(dedupe(dims), ", ")
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Area != out[j].Area {
			return out[i].Area < out[j].Area
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func dimensionValues(raw any) []string {
	m, _ := raw.(map[string]any)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("%s=%v", k, m[k]))
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
	alarms := r.Alarms()
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
	if err := table(w, []string{"AREA", "ALARM", "METRIC", "THRESHOLD", "PERIOD", "WATCHES"}, rows); err != nil {
		return err
	}
	subscribers := map[string]int{}
	for _, sub := range r.OfType("aws:sns/topicSubscription:TopicSubscription") {
		subscribers[sub.Str("protocol")]++
	}
	if len(subscribers) == 0 {
		fmt.Fprintln(w, "\nAlarm topic subscribers: none (see Warnings)")
	} else {
		fmt.Fprintf(w, "\nAlarm topic subscribers: %d email, %d https\n", subscribers["email"], subscribers["https"])
	}
	rows = nil
	for _, g := range r.OfType("aws:cloudwatch/logGroup:LogGroup") {
		rows = append(rows, []string{g.Str("name"), fmt.Sprint(g.Inputs["retentionInDays"]), g.Str("kmsKeyId")})
	}
	fmt.Fprintln(w, "\nLog groups (every one retained and KMS-encrypted):")
	return table(w, []string{"LOG GROUP", "RETENTION (days)", "KMS KEY"}, rows)
}
