package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var complianceSection = Section{Title: "Compliance", Write: writeCompliance}

func writeCompliance(r *Result, w io.Writer) error {
	var facts [][]string
	for _, t := range r.OfType("aws:cloudtrail/trail:Trail") {
		facts = append(facts,
			[]string{"trail", t.Str("name")},
			[]string{"multi-region / global events", fmt.Sprintf("%v / %v", t.Inputs["isMultiRegionTrail"], t.Inputs["includeGlobalServiceEvents"])},
			[]string{"log-file validation", fmt.Sprint(t.Inputs["enableLogFileValidation"])},
			[]string{"log files", fmt.Sprintf("s3://%s, KMS %s", t.Str("s3BucketName"), t.Str("kmsKeyId"))},
			[]string{"CloudWatch Logs", t.Str("cloudWatchLogsGroupArn")})
	}
	if r.Stack != nil && !r.Stack.Config.OwnsAccountSingletons {
		facts = append(facts, []string{"account singletons", "owned by another stack in the account (ownsAccountSingletons: false): " + strings.Join(stackconfig.AccountSingletons, "; ")})
	}
	for _, rec := range r.OfType("aws:cfg/recorder:Recorder") {
		group, _ := rec.Inputs["recordingGroup"].(map[string]any)
		facts = append(facts, []string{"Config recorder", fmt.Sprintf("%s (all supported: %v, global types: %v)", rec.Str("name"), group["allSupported"], group["includeGlobalResourceTypes"])})
	}
	for _, ch := range r.OfType("aws:cfg/deliveryChannel:DeliveryChannel") {
		facts = append(facts, []string{"Config delivery", fmt.Sprintf("s3://%s, KMS %s", ch.Str("s3BucketName"), ch.Str("s3KmsKeyArn"))})
	}
	for _, p := range r.OfType("aws:cfg/conformancePack:ConformancePack") {
		rules, err := PackRules(p)
		if err != nil {
			return err
		}
		var params []string
		for _, raw := range p.Inputs["inputParameters"].([]any) {
			m := raw.(map[string]any)
			params = append(params, fmt.Sprintf("%v=%v", m["parameterName"], m["parameterValue"]))
		}
		facts = append(facts, []string{"conformance pack", fmt.Sprintf("%s: %d AWS managed rules, template %d of 51200 bytes; parameters %s",
			p.Str("name"), len(rules), len(p.Str("templateBody")), strings.Join(params, ", "))})
	}
	for _, d := range r.OfType("aws:guardduty/detector:Detector") {
		facts = append(facts, []string{"GuardDuty", fmt.Sprintf("enabled %v, findings every %s", d.Inputs["enable"], d.Str("findingPublishingFrequency"))})
	}
	for _, f := range r.OfType("aws:guardduty/detectorFeature:DetectorFeature") {
		extra := ""
		if a, ok := f.Inputs["additionalConfigurations"].([]any); ok {
			for _, raw := range a {
				m := raw.(map[string]any)
				extra += fmt.Sprintf(" + %v %v", m["name"], m["status"])
			}
		}
		facts = append(facts, []string{"  feature " + f.Str("name"), f.Str("status") + extra})
	}
	for _, e := range r.OfType("aws:cloudwatch/eventRule:EventRule") {
		facts = append(facts, []string{"findings routing", fmt.Sprintf("%s: %s -> alarm topic", e.Str("name"), e.Str("eventPattern"))})
	}
	return table(w, []string{"COMPLIANCE", ""}, facts)
}

// PackRules parses a conformance pack's rendered template and returns its
// rules' properties by logical ID.
func PackRules(pack *Resource) (map[string]map[string]any, error) {
	var tmpl struct {
		Resources map[string]struct {
			Type       string         `json:"Type"`
			Properties map[string]any `json:"Properties"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal([]byte(pack.Str("templateBody")), &tmpl); err != nil {
		return nil, fmt.Errorf("conformance pack %s: %w", pack.Name, err)
	}
	out := map[string]map[string]any{}
	for id, res := range tmpl.Resources {
		if res.Type == "AWS::Config::ConfigRule" {
			out[id] = res.Properties
		}
	}
	return out, nil
}
