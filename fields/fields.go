// Package fields checks a component's Args the one way every component
// does: it collects every missing required field and every invalid value,
// and reports them all in one error that names the Args type, so that one
// run of the program shows everything to fix, before anything is registered.
package fields

import (
	"fmt"
	"reflect"
	"strings"
)

// Check collects what is wrong with one Args value. The zero Check is not
// usable: start one with For.
type Check struct {
	args     string
	missing  []string
	problems []string
}

// For starts the check of an Args value; args names its type as a reader
// finds it, e.g. "compute.ClusterArgs".
func For(args string) *Check { return &Check{args: args} }

// Require notes the field name as missing when value is absent: the zero
// value of its type ("", 0, false, a nil pointer, interface or func), or a
// slice or map with no elements. A Pulumi input counts as present unless it
// is nil or a plain empty value (pulumi.String("")); an output is present
// whatever it will resolve to.
func (c *Check) Require(name string, value any) {
	if Absent(value) {
		c.missing = append(c.missing, name)
	}
}

// RequireValid is Require for a field with its own validation (a
// naming.Scope): absent, it is missing; present, err (its own check's
// verdict) is a problem of the field, if any.
func (c *Check) RequireValid(name string, value any, err error) {
	switch {
	case Absent(value):
		c.missing = append(c.missing, name)
	case err != nil:
		c.Invalid(name, "%v", err)
	}
}

// Invalid notes a problem with a field that is present: the field's name
// and what is wrong, e.g. Invalid("RetentionDays", "%d is not one CloudWatch Logs accepts", 400).
func (c *Check) Invalid(name, format string, a ...any) {
	c.problems = append(c.problems, name+": "+fmt.Sprintf(format, a...))
}

// Err returns nil when nothing was noted; otherwise one error naming the
// Args type, the missing fields in the order they were required, then each
// problem: "compute.ClusterArgs: missing NamePrefix, SubnetIDs; LogRetentionDays: ...".
func (c *Check) Err() error {
	var parts []string
	if len(c.missing) > 0 {
		parts = append(parts, "missing "+strings.Join(c.missing, ", "))
	}
	parts = append(parts, c.problems...)
	if len(parts) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", c.args, strings.Join(parts, "; "))
}

// Absent reports whether value counts as not given (see Require).
func Absent(value any) bool {
	v := reflect.ValueOf(value)
	if !v.IsValid() {
		return true // a nil interface: an input or a component not passed
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}
