package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var complianceSection = Section{Title: "Compliance", Write: writeCompliance}

func writeCompliance(r *synth.Result, w io.Writer) error {
	var facts [][]string
	_, trails, err := synth.DecodeAll[synth.TrailInputs](r, "aws:cloudtrail/trail:Trail")
	if err != nil {
		return err
	}
	for _, t := range trails {
		facts = append(facts,
			[]string{"trail", t.Name},
			[]string{"multi-region / global events", fmt.Sprintf("%v / %v", t.IsMultiRegionTrail, t.IncludeGlobalServiceEvents)},
			[]string{"log-file validation", fmt.Sprint(t.EnableLogFileValidation)},
			[]string{"log files", fmt.Sprintf("s3://%s, KMS %s", t.S3BucketName, t.KmsKeyID)},
			[]string{"CloudWatch Logs", t.CloudWatchLogsGroupArn})
	}
	if r.Stack != nil && !r.Stack.Config.OwnsAccountSingletons {
		facts = append(facts, []string{"account singletons", "owned by another stack in the account (ownsAccountSingletons: false): " + strings.Join(stackconfig.AccountSingletons, "; ")})
	}
	_, recorders, err := synth.DecodeAll[synth.RecorderInputs](r, "aws:cfg/recorder:Recorder")
	if err != nil {
		return err
	}
	for _, rec := range recorders {
		facts = append(facts, []string{"Config recorder", fmt.Sprintf("%s (all supported: %v, global types: %v)", rec.Name, rec.RecordingGroup.AllSupported, rec.RecordingGroup.IncludeGlobalResourceTypes)})
	}
	_, channels, err := synth.DecodeAll[synth.DeliveryChannelInputs](r, "aws:cfg/deliveryChannel:DeliveryChannel")
	if err != nil {
		return err
	}
	for _, ch := range channels {
		facts = append(facts, []string{"Config delivery", fmt.Sprintf("s3://%s, KMS %s", ch.S3BucketName, ch.S3KmsKeyArn)})
	}
	packs, packIn, err := synth.DecodeAll[synth.ConformancePackInputs](r, "aws:cfg/conformancePack:ConformancePack")
	if err != nil {
		return err
	}
	for i, p := range packs {
		rules, err := PackRules(p)
		if err != nil {
			return err
		}
		var params []string
		for _, param := range packIn[i].InputParameters {
			params = append(params, param.ParameterName+"="+param.ParameterValue)
		}
		facts = append(facts, []string{"conformance pack", fmt.Sprintf("%s: %d AWS managed rules, template %d of 51200 bytes; parameters %s",
			packIn[i].Name, len(rules), len(packIn[i].TemplateBody), strings.Join(params, ", "))})
	}
	_, detectors, err := synth.DecodeAll[synth.DetectorInputs](r, "aws:guardduty/detector:Detector")
	if err != nil {
		return err
	}
	for _, d := range detectors {
		facts = append(facts, []string{"GuardDuty", fmt.Sprintf("enabled %v, findings every %s", d.Enable, d.FindingPublishingFrequency)})
	}
	_, features, err := synth.DecodeAll[synth.DetectorFeatureInputs](r, "aws:guardduty/detectorFeature:DetectorFeature")
	if err != nil {
		return err
	}
	for _, f := range features {
		extra := ""
		for _, a := range f.AdditionalConfigurations {
			extra += fmt.Sprintf(" + %s %s", a.Name, a.Status)
		}
		facts = append(facts, []string{"  feature " + f.Name, f.Status + extra})
	}
	_, events, err := synth.DecodeAll[synth.EventRuleInputs](r, "aws:cloudwatch/eventRule:EventRule")
	if err != nil {
		return err
	}
	for _, e := range events {
		facts = append(facts, []string{"event routing", fmt.Sprintf("%s: %s -> alarm topic", e.Name, e.EventPattern)})
	}
	return layout.Table(w, []string{"COMPLIANCE", ""}, facts)
}

// PackRules parses a conformance pack's rendered template and returns its
// rules' properties by logical ID.
func PackRules(pack *synth.Resource) (map[string]map[string]any, error) {
	in, err := synth.Decode[synth.ConformancePackInputs](pack)
	if err != nil {
		return nil, err
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string         `json:"Type"`
			Properties map[string]any `json:"Properties"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal([]byte(in.TemplateBody), &tmpl); err != nil {
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
