// Package conformance predicts what AWS Config's HIPAA conformance pack
// will say about this stack before it is deployed: one predicate per rule
// of the pack, evaluated over the resources the program registers (type,
// inputs, options), the deviations the stack accepts as a typed exceptions
// table, and the rules only an account process can satisfy.
//
// The package depends on nothing but the standard library: the offline
// synthesis, the tests and a Pulumi policy pack can all feed it the same
// simple resource view.
package conformance

import (
	"encoding/json"
	"slices"
	"strings"
)

// Resource is one registered resource as the predicates see it.
type Resource struct {
	// Type is the Pulumi type token, e.g. "aws:s3/bucketV2:BucketV2".
	Type string
	// Name is the logical name; findings and exceptions name resources by it.
	Name string
	// ID is the physical ID other resources refer to it by (in an offline
	// run, the mock's); empty when unknown.
	ID string
	// Inputs are the resource's inputs as plain values (numbers float64).
	Inputs map[string]any
	// Outputs are values the provider computes that others refer to (arn).
	Outputs map[string]any
	// Protect is Pulumi's protect option.
	Protect bool
}

// Str returns a string input, or "".
func (r *Resource) Str(key string) string { s, _ := r.Inputs[key].(string); return s }

// Bool returns a boolean input, false when absent.
func (r *Resource) Bool(key string) bool { b, _ := r.Inputs[key].(bool); return b }

// Num returns a numeric input, 0 when absent.
func (r *Resource) Num(key string) float64 {
	switch n := r.Inputs[key].(type) {
	case float64:
		return n
	case int:
		return float64(n)
	}
	return 0
}

// Map returns an object input, nil when absent.
func (r *Resource) Map(key string) map[string]any { m, _ := r.Inputs[key].(map[string]any); return m }

// List returns a list input, nil when absent.
func (r *Resource) List(key string) []any { l, _ := r.Inputs[key].([]any); return l }

// Strings returns a list-of-strings input.
func (r *Resource) Strings(key string) []string { return strs(r.Inputs[key]) }

// Arn is the resource's ARN, from its outputs or inputs.
func (r *Resource) Arn() string {
	if s, ok := r.Outputs["arn"].(string); ok {
		return s
	}
	return r.Str("arn")
}

// Stack is the set of resources a program registered.
type Stack struct {
	Resources []*Resource
}

// OfType returns the resources of any of the given types, in order.
func (s *Stack) OfType(types ...string) []*Resource {
	var out []*Resource
	for _, r := range s.Resources {
		if slices.Contains(types, r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// Refer returns the resources of a type whose input key equals value (the
// sub-resources of a bucket by its ID, a trail's log group by ARN...).
func (s *Stack) Refer(typ, key, value string) []*Resource {
	var out []*Resource
	for _, r := range s.OfType(typ) {
		if value != "" && r.Str(key) == value {
			out = append(out, r)
		}
	}
	return out
}

// ByID returns the resource with that physical ID, or nil.
func (s *Stack) ByID(id string) *Resource {
	for _, r := range s.Resources {
		if id != "" && r.ID == id {
			return r
		}
	}
	return nil
}

func strs(v any) []string {
	var out []string
	switch l := v.(type) {
	case []any:
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = append(out, l...)
	case string:
		out = append(out, l)
	}
	return out
}

// policyStatement is an IAM statement in its loose JSON shapes.
type policyStatement struct {
	Effect    string
	Principal any
	Action    any
	Resource  any
	Condition map[string]map[string]any
}

// statements parses a policy document; nil if it is not one.
func statements(doc string) []policyStatement {
	var d struct{ Statement json.RawMessage }
	if json.Unmarshal([]byte(doc), &d) != nil || len(d.Statement) == 0 {
		return nil
	}
	var list []policyStatement
	if json.Unmarshal(d.Statement, &list) == nil {
		return list
	}
	var one policyStatement
	if json.Unmarshal(d.Statement, &one) == nil {
		return []policyStatement{one}
	}
	return nil
}

// principals lists a statement's principals ("*" for the wildcard).
func (st policyStatement) principals() []string {
	switch p := st.Principal.(type) {
	case string:
		return []string{p}
	case map[string]any:
		var out []string
		for _, v := range p {
			out = append(out, strs(v)...)
		}
		return out
	}
	return nil
}

// matches reports whether an IAM action pattern (with *) covers an action.
func matches(pattern, action string) bool {
	p, a := strings.ToLower(pattern), strings.ToLower(action)
	if !strings.Contains(p, "*") {
		return p == a
	}
	parts := strings.Split(p, "*")
	if !strings.HasPrefix(a, parts[0]) {
		return false
	}
	a = a[len(parts[0]):]
	for _, part := range parts[1:] {
		i := strings.Index(a, part)
		if i < 0 {
			return false
		}
		a = a[i+len(part):]
	}
	return strings.HasSuffix(p, "*") || a == ""
}
