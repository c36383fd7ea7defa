package stackfile

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
)

// Stacks returns the names of the stacks that have a Pulumi.<stack>.yaml in
// dir, production first, then the others by name.
func Stacks(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var stacks []string
	for _, f := range files {
		stacks = append(stacks, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	sort.SliceStable(stacks, func(i, j int) bool {
		if (stacks[i] == "production") != (stacks[j] == "production") {
			return stacks[i] == "production"
		}
		return stacks[i] < stacks[j]
	})
	return stacks, nil
}

// UnknownStack is the error for a stack with no file in dir: it names the
// stacks there are, so a typo ("prod") is one look away from the fix.
func UnknownStack(dir, stack string, stacks []string) error {
	there := "none"
	if len(stacks) > 0 {
		there = strings.Join(stacks, ", ")
	}
	return fmt.Errorf("stack %q has no stack file Pulumi.%s.yaml in %s; the stacks there are: %s", stack, stack, dir, there)
}

// Set returns what Pulumi.<stack>.yaml itself sets, fully qualified key to
// value as plain Go data (maps, slices, strings, numbers, booleans), without
// the project defaults Load fills in: the difference between a key the stack
// decides and one it inherits. Secrets are blinded.
func Set(dir, stack string) (map[string]any, error) {
	_, ps, stackPath, err := load(dir, stack)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range ps.Config {
		if v.Secure() {
			out[k.String()] = "[secret]"
			continue
		}
		obj, err := v.ToObject()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", stackPath, k, err)
		}
		out[k.String()] = obj
	}
	return out, nil
}

// Repeated returns the project keys (unqualified, sorted) that
// Pulumi.<stack>.yaml sets to exactly their default in Pulumi.yaml. Such a
// key hides which file decides its value, and the two drift apart the first
// time someone changes only one of them. Values compare as the program reads
// them: objects by content (not key order or layout), and a scalar the CLI
// quoted ("365", "true") as the number or boolean it stands for.
func Repeated(dir, stack string) ([]string, error) {
	proj, _, _, err := load(dir, stack)
	if err != nil {
		return nil, err
	}
	set, err := Set(dir, stack)
	if err != nil {
		return nil, err
	}
	var repeated []string
	for name, decl := range proj.Config {
		v, ok := set[proj.Name.String()+":"+name]
		if !ok || decl.Default == nil {
			continue
		}
		a, err := normalized(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		b, err := normalized(decl.Default)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.yaml: default of %s: %w", name, err)
		}
		if reflect.DeepEqual(a, b) {
			repeated = append(repeated, name)
		}
	}
	sort.Strings(repeated)
	return repeated, nil
}

// normalized is a config value as the program reads it, whatever its spelling.
func normalized(v any) (any, error) {
	if s, ok := v.(string); ok {
		var scalar any
		if json.Unmarshal([]byte(s), &scalar) == nil {
			if _, isString := scalar.(string); !isString {
				return scalar, nil
			}
		}
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}
