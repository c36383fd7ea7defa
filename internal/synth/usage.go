package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
)

// LoadUsage reads a usage profile from a JSON file laid over DefaultUsage:
// a field the file omits keeps its default, a field UsageProfile does not
// have is refused (a typo would otherwise price the default silently), and
// so is any figure Validate refuses.
func LoadUsage(path string) (UsageProfile, error) {
	u := DefaultUsage
	b, err := os.ReadFile(path)
	if err != nil {
		return u, fmt.Errorf("read the usage profile: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil {
		return u, fmt.Errorf("usage profile %s: %w (its fields: %s)", path, err, strings.Join(usageNames(), ", "))
	}
	if err := u.Validate(); err != nil {
		return u, fmt.Errorf("usage profile %s: %w", path, err)
	}
	return u, nil
}

// Validate refuses a figure no month can have: a negative or non-finite
// one would print a negative or meaningless dollar line.
func (u UsageProfile) Validate() error {
	var bad []string
	for _, f := range UsageFields(u) {
		if f.Value < 0 || math.IsNaN(f.Value) || math.IsInf(f.Value, 0) {
			bad = append(bad, fmt.Sprintf("%s is %g", f.Name, f.Value))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: a usage figure is a quantity a month uses, zero or more", strings.Join(bad, ", "))
	}
	return nil
}

// UsageField is one figure of a usage profile, by its JSON name.
type UsageField struct {
	Name  string
	Value float64
}

// UsageFields lists the profile's assumptions by their JSON names, in the
// struct's order, read from the struct itself so that a new field can be
// neither forgotten in the --cost listing nor left unvalidated.
func UsageFields(u UsageProfile) []UsageField {
	v := reflect.ValueOf(u)
	out := make([]UsageField, v.NumField())
	for i := range out {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		out[i] = UsageField{name, v.Field(i).Float()}
	}
	return out
}

// usageNames are the profile's JSON field names.
func usageNames() []string {
	var out []string
	for _, f := range UsageFields(UsageProfile{}) {
		out = append(out, f.Name)
	}
	return out
}
