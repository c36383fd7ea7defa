package fields

import (
	"errors"
	"testing"
)

type input interface{ isInput() }

type str string

func (str) isInput() {}

type component struct{ name string }

func TestAbsent(t *testing.T) {
	var nilInput input
	var nilComponent *component
	for _, tc := range []struct {
		name   string
		value  any
		absent bool
	}{
		{"empty string", "", true},
		{"string", "x", false},
		{"zero int", 0, true},
		{"int", 7, false},
		{"zero float", 0.0, true},
		{"float", 0.5, false},
		{"nil input", nilInput, true},
		{"input holding an empty plain value", input(str("")), true},
		{"input holding a value", input(str("x")), false},
		{"nil component", nilComponent, true},
		{"component", &component{}, false},
		{"nil slice", []string(nil), true},
		{"empty slice", []string{}, true},
		{"slice", []string{"a"}, false},
		{"empty map", map[string]int{}, true},
		{"map", map[string]int{"a": 1}, false},
		{"zero struct", struct{ A []string }{}, true},
		{"struct", struct{ A []string }{A: []string{}}, false},
		{"nil func", (func())(nil), true},
		{"func", func() {}, false},
	} {
		if got := Absent(tc.value); got != tc.absent {
			t.Errorf("%s: Absent = %v, want %v", tc.name, got, tc.absent)
		}
	}
}

func TestErr(t *testing.T) {
	c := For("compute.ClusterArgs")
	if err := c.Err(); err != nil {
		t.Fatalf("nothing noted: Err = %v, want nil", err)
	}
	c.Require("NamePrefix", "")
	c.Require("Region", "us-east-1")
	c.Require("SubnetIDs", nil)
	c.Invalid("LogRetentionDays", "%d is not one CloudWatch Logs accepts", 400)
	c.Invalid("Services[api]", "target group %q is not on the load balancer", "web")
	want := `compute.ClusterArgs: missing NamePrefix, SubnetIDs; LogRetentionDays: 400 is not one CloudWatch Logs accepts; Services[api]: target group "web" is not on the load balancer`
	if err := c.Err(); err == nil || err.Error() != want {
		t.Fatalf("Err = %v\nwant   %s", err, want)
	}

	nested := For("network.VpcArgs")
	nested.RequireValid("Scope", struct{ Prefix string }{}, errors.New("never consulted"))
	nested.RequireValid("Other", struct{ Prefix string }{"p"}, errors.New("Scope.Account required"))
	nested.RequireValid("Fine", struct{ Prefix string }{"p"}, nil)
	if err := nested.Err(); err == nil || err.Error() != "network.VpcArgs: missing Scope; Other: Scope.Account required" {
		t.Fatalf("RequireValid: Err = %v", err)
	}

	only := For("logs.GroupArgs")
	only.Invalid("RetentionDays", "%d is not accepted", 2)
	if err := only.Err(); err == nil || err.Error() != "logs.GroupArgs: RetentionDays: 2 is not accepted" {
		t.Fatalf("problems only: Err = %v", err)
	}
	if errors.Unwrap(only.Err()) != nil {
		t.Fatal("Err wraps nothing: it is the whole report")
	}
}
