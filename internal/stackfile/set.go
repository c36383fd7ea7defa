package stackfile

import (
	"fmt"
	"path/filepath"
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
