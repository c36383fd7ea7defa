package stackconfig

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// DecodeStrict decodes one structured config value (JSON, as Pulumi passes
// it) into into with the same strictness as the stack's own keys: every
// unknown key, mistyped value and missing required field, each at its key
// path. The bootstrap program decodes its structured keys with it.
func DecodeStrict(key, raw string, into any) []error { return decodeStrict(key, raw, into) }

// decodeStrict decodes one structured config value into into. Before
// encoding/json sees it, the value is walked against into's type so that a
// misspelt key or a value of the wrong kind is reported at its key path
// (omnirapeutic:aurora.minCapcity), with the bad value, the keys that are
// known there and the closest of them, instead of as the whole object.
func decodeStrict(key, raw string, into any) []error {
	var generic any
	if err := json.Unmarshal([]byte(raw), &generic); err != nil {
		return []error{fmt.Errorf("config %s: %q is not a valid value: %w", key, raw, err)}
	}
	if errs := checkShape(key, generic, reflect.TypeOf(into).Elem()); len(errs) > 0 {
		return errs
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	// checkShape has already refused unknown keys; this stays as the backstop.
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return []error{fmt.Errorf("config %s: %q is not a valid value: %w", key, raw, err)}
	}
	return nil
}

// checkShape compares a decoded JSON value with the Go type it is meant for
// and returns one error per unknown key or mistyped value, each naming its path.
func checkShape(path string, v any, t reflect.Type) []error {
	if t.Kind() == reflect.Pointer {
		if v == nil {
			return nil
		}
		t = t.Elem()
	}
	mistyped := func(want string) []error {
		return []error{fmt.Errorf("config %s: %s is %s; it must be %s", path, jsonText(v), jsonKind(v), want)}
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return mistyped("an object")
		}
		fields := jsonFields(t)
		known := slices.Sorted(maps.Keys(fields))
		var errs []error
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, ok := fields[k]
			if !ok {
				hint := ""
				if c := closest(k, known); c != "" {
					hint = fmt.Sprintf("did you mean %s? ", c)
				}
				errs = append(errs, fmt.Errorf("config %s.%s: unknown key (value %s); %sknown keys: %s",
					path, k, jsonText(m[k]), hint, strings.Join(known, ", ")))
				continue
			}
			errs = append(errs, checkShape(path+"."+k, m[k], f.Type)...)
		}
		// A stack file's object replaces Pulumi.yaml's default object whole
		// (the CLI does not merge them), so a field left out would silently
		// be its zero value: accountBaseline with only one switch set would
		// turn the other two off.
		for _, k := range known {
			if _, set := m[k]; !set && !optional(fields[k]) {
				errs = append(errs, fmt.Errorf("config %s.%s is missing: set every field of %s (a stack file's value replaces Pulumi.yaml's default object whole; it is not merged)",
					path, k, path))
			}
		}
		return errs
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			if v == nil {
				return nil
			}
			return mistyped("an object")
		}
		var errs []error
		for _, k := range slices.Sorted(maps.Keys(m)) {
			errs = append(errs, checkShape(path+"."+k, m[k], t.Elem())...)
		}
		return errs
	case reflect.Slice:
		a, ok := v.([]any)
		if !ok {
			if v == nil {
				return nil
			}
			return mistyped("a list")
		}
		var errs []error
		for i, e := range a {
			errs = append(errs, checkShape(fmt.Sprintf("%s[%d]", path, i), e, t.Elem())...)
		}
		return errs
	case reflect.String:
		if _, ok := v.(string); !ok {
			return mistyped("a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return mistyped("true or false")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := v.(float64); !ok || n != float64(int64(n)) {
			return mistyped("a whole number")
		}
	case reflect.Float32, reflect.Float64:
		if _, ok := v.(float64); !ok {
			return mistyped("a number")
		}
	}
	return nil
}

// optional reports whether a struct field may be left out of a config
// object: the fields tagged omitempty, whose zero value means "not set".
func optional(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	return slices.Contains(strings.Split(opts, ","), "omitempty")
}

// jsonFields maps each JSON key a struct accepts to its field.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out[name] = f
	}
	return out
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	default:
		return "an object"
	}
}

// closest returns the known key nearest to k by edit distance, ignoring
// case (a prefix counts as near), or "" when none is near enough to be a
// plausible typo.
func closest(k string, known []string) string {
	best, bestDist := "", -1
	for _, c := range known {
		a, b := strings.ToLower(k), strings.ToLower(c)
		d := editDistance(a, b)
		// A truncated or extended name (cpuTarget for cpuTargetPercent) is a
		// likely slip however many letters it lacks.
		if len(a) >= 3 && len(b) >= 3 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
			d = min(d, 1)
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len(k)/3) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
