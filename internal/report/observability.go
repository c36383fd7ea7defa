package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

var observabilitySection = Section{Title: "Observability", Write: writeObservability}

func writeObservability(r *synth.Result, w io.Writer) error {
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
	_, subscriptions, err := synth.DecodeAll[synth.TopicSubscriptionInputs](r, "aws:sns/topicSubscription:TopicSubscription")
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
	_, groups, err := synth.DecodeAll[synth.LogGroupInputs](r, "aws:cloudwatch/logGroup:LogGroup")
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
