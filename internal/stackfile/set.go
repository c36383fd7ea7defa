package stackfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
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
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("load Pulumi.yaml: %w", err)
	}
	stackPath := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(stackPath); err != nil {
		return nil, fmt.Errorf("stack %q: %w", stack, err)
	}
	ps, err := workspace.LoadProjectStack(nil, proj, stackPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", stackPath, err)
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
