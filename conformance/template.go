package conformance

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ManagedRule is one AWS managed Config rule of the HIPAA conformance pack.
type ManagedRule struct {
	// Name is the rule's name in the pack, as in AWS's template ("vpc-flow-logs-enabled").
	Name string
	// Identifier is the managed rule's source identifier ("VPC_FLOW_LOGS_ENABLED").
	Identifier string
	// ResourceTypes scope a change-triggered rule ("AWS::EC2::VPC"); empty
	// for rules AWS scopes itself or that run periodically.
	ResourceTypes []string
	// MaximumExecutionFrequency makes the rule periodic ("TwentyFour_Hours"); empty otherwise.
	MaximumExecutionFrequency string
	// Parameters are the rule's input parameters. A value made by Ref names a
	// pack input parameter, which the program fills with this stack's facts.
	Parameters map[string]string
	// Description is the rule's description in AWS's template; only the
	// process check has one there, and it is what the console shows.
	Description string
	// Safeguards are the HIPAA Security Rule sections the rule evidences ("164.312(b)").
	Safeguards []string
	// SafeguardSource says where Safeguards come from; empty when they are empty.
	SafeguardSource MappingSource
}

// TemplateSource names the version of AWS's template HIPAARules is written
// from, for the reports that cite it.
const TemplateSource = "awslabs/aws-config-rules, Operational-Best-Practices-for-HIPAA-Security.yaml as of commit d51caecc (2025-01-07)"

// ProcessCheck is the source identifier of an AWS Config process check: a
// rule that evaluates no resource and holds the compliance a person records
// in the console. Checks keys it by the rule's Name (CheckKey), since one
// identifier serves every process check.
const ProcessCheck = "AWS_CONFIG_PROCESS_CHECK"

// CheckKey is the key of a rule's predicate in Checks: its Identifier, or
// for a process check its Name.
func CheckKey(name, identifier string) string {
	if identifier == ProcessCheck {
		return name
	}
	return identifier
}

// MappingSource names where a rule's HIPAA safeguards come from, so that an
// auditor sees a mapping's provenance next to it.
type MappingSource string

// The sources of the safeguard mappings in HIPAARules.
const (
	// SourceAWSPage is AWS's page "Operational Best Practices for HIPAA
	// Security", read directly.
	SourceAWSPage MappingSource = "AWS Config developer guide, Operational Best Practices for HIPAA Security"
	// SourceCdkNag is AWS's mapping as AWS's cdk-nag quotes it in its
	// HIPAA.Security pack (cdklabs/cdk-nag, src/packs/hipaa-security.ts).
	SourceCdkNag MappingSource = "AWS's mapping as quoted by cdk-nag's HIPAA.Security pack"
)

// refPrefix marks a parameter value that refers to a pack input parameter.
const refPrefix = "\x00ref:"

// Ref refers a rule parameter to the pack input parameter name.
func Ref(name string) string { return refPrefix + name }

// PackParameter is one input parameter of the pack, filled from the stack.
type PackParameter struct {
	// Name is the template parameter's name.
	Name string
	// Description says what it is.
	Description string
}

// RenderTemplate renders rules as a CloudFormation-style conformance-pack
// template (JSON, compact) declaring the given input parameters. It fails if
// a rule refers to an undeclared parameter or a parameter is unused.
func RenderTemplate(rules []ManagedRule, params []PackParameter) (string, error) {
	declared := map[string]bool{}
	tmplParams := map[string]any{}
	for _, p := range params {
		declared[p.Name] = true
		tmplParams[p.Name] = map[string]any{"Type": "String", "Description": p.Description}
	}
	used := map[string]bool{}
	resources := map[string]any{}
	seen := map[string]bool{}
	for _, r := range rules {
		if r.Name == "" || r.Identifier == "" {
			return "", fmt.Errorf("rule %q/%q: name and identifier are required", r.Name, r.Identifier)
		}
		if seen[r.Name] {
			return "", fmt.Errorf("rule %s is listed twice", r.Name)
		}
		seen[r.Name] = true
		props := map[string]any{
			"ConfigRuleName": r.Name,
			"Source":         map[string]any{"Owner": "AWS", "SourceIdentifier": r.Identifier},
		}
		if r.Description != "" {
			props["Description"] = r.Description
		}
		if len(r.ResourceTypes) > 0 {
			props["Scope"] = map[string]any{"ComplianceResourceTypes": r.ResourceTypes}
		}
		if r.MaximumExecutionFrequency != "" {
			props["MaximumExecutionFrequency"] = r.MaximumExecutionFrequency
		}
		if len(r.Parameters) > 0 {
			in := map[string]any{}
			for k, v := range r.Parameters {
				if name, ok := strings.CutPrefix(v, refPrefix); ok {
					if !declared[name] {
						return "", fmt.Errorf("rule %s: parameter %s refers to undeclared pack parameter %s", r.Name, k, name)
					}
					used[name] = true
					in[k] = map[string]any{"Ref": name}
					continue
				}
				in[k] = v
			}
			props["InputParameters"] = in
		}
		resources[logicalID(r.Name)] = map[string]any{"Type": "AWS::Config::ConfigRule", "Properties": props}
	}
	for _, p := range params {
		if !used[p.Name] {
			return "", fmt.Errorf("pack parameter %s is declared but no rule uses it", p.Name)
		}
	}
	tmpl := map[string]any{"Resources": resources}
	if len(tmplParams) > 0 {
		tmpl["Parameters"] = tmplParams
	}
	b, err := json.Marshal(tmpl)
	return string(b), err
}

// logicalID turns a rule name into a template logical ID: "vpc-flow-logs-enabled" → "VpcFlowLogsEnabled".
func logicalID(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// RefName returns the pack input parameter a rule parameter value refers
// to, and whether it is a reference at all.
func RefName(value string) (string, bool) { return strings.CutPrefix(value, refPrefix) }
