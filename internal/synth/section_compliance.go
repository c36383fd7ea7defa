package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var complianceSection = Section{Title: "Compliance", Write: writeCompliance}

// The inputs the compliance (and evidence) sections read.
type (
	trailInputs struct {
		Name                       string `json:"name"`
		IsMultiRegionTrail         bool   `json:"isMultiRegionTrail"`
		IncludeGlobalServiceEvents bool   `json:"includeGlobalServiceEvents"`
		EnableLogFileValidation    bool   `json:"enableLogFileValidation"`
		S3BucketName               string `json:"s3BucketName"`
		KmsKeyID                   string `json:"kmsKeyId"`
		CloudWatchLogsGroupArn     string `json:"cloudWatchLogsGroupArn"`
		AdvancedEventSelectors     []struct {
			Name string `json:"name"`
		} `json:"advancedEventSelectors"`
	}
	recorderInputs struct {
		Name           string `json:"name"`
		RecordingGroup struct {
			AllSupported               bool `json:"allSupported"`
			IncludeGlobalResourceTypes bool `json:"includeGlobalResourceTypes"`
		} `json:"recordingGroup"`
	}
	deliveryChannelInputs struct {
		S3BucketName string `json:"s3BucketName"`
		S3KmsKeyArn  string `json:"s3KmsKeyArn"`
	}
	conformancePackInputs struct {
		Name            string `json:"name"`
		TemplateBody    string `json:"templateBody"`
		InputParameters []struct {
			ParameterName  string `json:"parameterName"`
			ParameterValue string `json:"parameterValue"`
		} `json:"inputParameters"`
	}
	detectorInputs struct {
		Enable                     bool   `json:"enable"`
		FindingPublishingFrequency string `json:"findingPublishingFrequency"`
	}
	detectorFeatureInputs struct {
		Name                     string `json:"name"`
		Status                   string `json:"status"`
		AdditionalConfigurations []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"additionalConfigurations"`
	}
	eventRuleInputs struct {
		Name         string `json:"name"`
		EventPattern string `json:"eventPattern"`
	}
)

func writeCompliance(r *Result, w io.Writer) error {
	var facts [][]string
	_, trails, err := decodeAll[trailInputs](r, "aws:cloudtrail/trail:Trail")
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
	_, recorders, err := decodeAll[recorderInputs](r, "aws:cfg/recorder:Recorder")
	if err != nil {
		return err
	}
	for _, rec := range recorders {
		facts = append(facts, []string{"Config recorder", fmt.Sprintf("%s (all supported: %v, global types: %v)", rec.Name, rec.RecordingGroup.AllSupported, rec.RecordingGroup.IncludeGlobalResourceTypes)})
	}
	_, channels, err := decodeAll[deliveryChannelInputs](r, "aws:cfg/deliveryChannel:DeliveryChannel")
	if err != nil {
		return err
	}
	for _, ch := range channels {
		facts = append(facts, []string{"Config delivery", fmt.Sprintf("s3://%s, KMS %s", ch.S3BucketName, ch.S3KmsKeyArn)})
	}
	packs, packIn, err := decodeAll[conformancePackInputs](r, "aws:cfg/conformancePack:ConformancePack")
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
	_, detectors, err := decodeAll[detectorInputs](r, "aws:guardduty/detector:Detector")
	if err != nil {
		return err
	}
	for _, d := range detectors {
		facts = append(facts, []string{"GuardDuty", fmt.Sprintf("enabled %v, findings every %s", d.Enable, d.FindingPublishingFrequency)})
	}
	_, features, err := decodeAll[detectorFeatureInputs](r, "aws:guardduty/detectorFeature:DetectorFeature")
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
	_, events, err := decodeAll[eventRuleInputs](r, "aws:cloudwatch/eventRule:EventRule")
	if err != nil {
		return err
	}
	for _, e := range events {
		facts = append(facts, []string{"event routing", fmt.Sprintf("%s: %s -> alarm topic", e.Name, e.EventPattern)})
	}
	return table(w, []string{"COMPLIANCE", ""}, facts)
}

// PackRules parses a conformance pack's rendered template and returns its
// rules' properties by logical ID.
func PackRules(pack *Resource) (map[string]map[string]any, error) {
	in, err := decode[conformancePackInputs](pack)
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
