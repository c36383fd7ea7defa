// Package eventpattern decides, offline, whether an Amazon EventBridge event
// pattern matches an event, so that a test can show each rule the stack
// routes to the alarm topic matching the events it is meant to catch (and
// missing those it is not), written in the shapes AWS documents.
//
// It follows EventBridge's content filtering ("Creating event patterns" and
// "Comparison operators for use in event patterns", Amazon EventBridge User
// Guide; aws/event-ruler, the matcher EventBridge runs): every field a
// pattern names must match; a pattern leaf is an array of alternatives, any
// one of which may match; an event array matches when any element does; a
// field the event lacks matches only {"exists": false}; "$or" takes a list
// of patterns, any one of which may match at that level. It implements the
// operators this stack uses (exact values, prefix, suffix, anything-but,
// numeric, exists, equals-ignore-case) and refuses any other, so a pattern
// it cannot judge is an error, never a silent match.
package eventpattern

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Match reports whether pattern (an EventBridge event pattern, as JSON)
// matches event (an event as EventBridge delivers it, as JSON).
func Match(pattern, event string) (bool, error) {
	var p, e map[string]any
	if err := json.Unmarshal([]byte(pattern), &p); err != nil {
		return false, fmt.Errorf("event pattern is not a JSON object: %w", err)
	}
	if err := json.Unmarshal([]byte(event), &e); err != nil {
		return false, fmt.Errorf("event is not a JSON object: %w", err)
	}
	return object(p, e)
}

// object matches a pattern object against an event object: every key of
// the pattern must match.
func object(p, e map[string]any) (bool, error) {
	for key, want := range p {
		if key == "$or" {
			alternatives, ok := want.([]any)
			if !ok || len(alternatives) < 2 {
				return false, fmt.Errorf(`"$or" takes a list of at least two patterns, not %v`, want)
			}
			matched := false
			for _, alt := range alternatives {
				sub, ok := alt.(map[string]any)
				if !ok {
					return false, fmt.Errorf(`"$or" alternative %v is not an object`, alt)
				}
				m, err := object(sub, e)
				if err != nil {
					return false, err
				}
				matched = matched || m
			}
			if !matched {
				return false, nil
			}
			continue
		}
		got, present := e[key]
		switch w := want.(type) {
		case map[string]any:
			m, err := nested(w, got, present)
			if err != nil || !m {
				return false, err
			}
		case []any:
			m, err := leaf(w, got, present)
			if err != nil || !m {
				return false, err
			}
		default:
			return false, fmt.Errorf("pattern field %q is %v: a pattern value is an object or an array of alternatives", key, want)
		}
	}
	return true, nil
}

// nested matches a pattern object against an event field: an object, or an
// array of objects any one of which may match.
func nested(p map[string]any, got any, present bool) (bool, error) {
	if !present {
		return false, nil
	}
	switch g := got.(type) {
	case map[string]any:
		return object(p, g)
	case []any:
		for _, el := range g {
			if o, ok := el.(map[string]any); ok {
				m, err := object(p, o)
				if err != nil || m {
					return m, err
				}
			}
		}
	}
	return false, nil
}

// leaf matches an array of alternatives against an event field's value or
// values.
func leaf(alternatives []any, got any, present bool) (bool, error) {
	values := []any{got}
	if list, ok := got.([]any); ok {
		values = list
	}
	for _, alt := range alternatives {
		if op, ok := alt.(map[string]any); ok {
			if exists, ok := op["exists"]; ok {
				b, isBool := exists.(bool)
				if !isBool || len(op) != 1 {
					return false, fmt.Errorf(`"exists" takes true or false alone, not %v`, op)
				}
				if b == present {
					return true, nil
				}
				continue
			}
		}
		if !present {
			continue
		}
		for _, v := range values {
			m, err := one(alt, v)
			if err != nil {
				return false, err
			}
			if m {
				return true, nil
			}
		}
	}
	return false, nil
}

// one matches one alternative against one event value.
func one(alt, v any) (bool, error) {
	op, ok := alt.(map[string]any)
	if !ok {
		return equal(alt, v), nil
	}
	if len(op) != 1 {
		return false, fmt.Errorf("a comparison takes one operator, not %v", op)
	}
	for name, arg := range op {
		s, isString := v.(string)
		switch name {
		case "prefix":
			p, ok := arg.(string)
			return ok && isString && strings.HasPrefix(s, p), typed(ok, name, arg)
		case "suffix":
			p, ok := arg.(string)
			return ok && isString && strings.HasSuffix(s, p), typed(ok, name, arg)
		case "equals-ignore-case":
			p, ok := arg.(string)
			return ok && isString && strings.EqualFold(s, p), typed(ok, name, arg)
		case "anything-but":
			return anythingBut(arg, v)
		case "numeric":
			return numeric(arg, v)
		default:
			return false, fmt.Errorf("operator %q is not one this matcher implements: add it with a test of its documented behaviour", name)
		}
	}
	return false, nil
}

func typed(ok bool, name string, arg any) error {
	if !ok {
		return fmt.Errorf("%q takes a string, not %v", name, arg)
	}
	return nil
}

// anythingBut matches a value that is none of the listed ones (or that does
// not start with a prefix).
func anythingBut(arg, v any) (bool, error) {
	switch a := arg.(type) {
	case []any:
		for _, x := range a {
			if equal(x, v) {
				return false, nil
			}
		}
		return true, nil
	case map[string]any:
		p, ok := a["prefix"].(string)
		if !ok || len(a) != 1 {
			return false, fmt.Errorf(`"anything-but" takes a value, a list or {"prefix": ...}, not %v`, a)
		}
		s, isString := v.(string)
		return isString && !strings.HasPrefix(s, p), nil
	default:
		return !equal(a, v), nil
	}
}

// numeric matches a number against one or two comparisons: [">=", 7] or
// [">", 0, "<=", 5].
func numeric(arg, v any) (bool, error) {
	terms, ok := arg.([]any)
	if !ok || len(terms) == 0 || len(terms)%2 != 0 {
		return false, fmt.Errorf(`"numeric" takes operator and number pairs, not %v`, arg)
	}
	n, isNumber := v.(float64)
	for i := 0; i < len(terms); i += 2 {
		cmp, okOp := terms[i].(string)
		bound, okNum := terms[i+1].(float64)
		if !okOp || !okNum {
			return false, fmt.Errorf(`"numeric" takes operator and number pairs, not %v`, arg)
		}
		if !isNumber {
			return false, nil
		}
		var holds bool
		switch cmp {
		case "=":
			holds = n == bound
		case ">":
			holds = n > bound
		case ">=":
			holds = n >= bound
		case "<":
			holds = n < bound
		case "<=":
			holds = n <= bound
		default:
			return false, fmt.Errorf(`"numeric" operator %q is not =, <, <=, > or >=`, cmp)
		}
		if !holds {
			return false, nil
		}
	}
	return true, nil
}

// equal compares a pattern's exact value with an event's: strings, numbers,
// booleans and null, each only with its own kind.
func equal(want, got any) bool {
	switch w := want.(type) {
	case string, bool, float64, nil:
		return w == got
	}
	return false
}
