package stackconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Secret is what ReadStackFiles hands over for a secure value: tools that
// read the stack files without the stack's secrets provider never see one.
const Secret = "[secret]"

// ReadStackFiles reads a stack's configuration from dir's Pulumi.yaml
// (project name, declared defaults) and Pulumi.<stack>.yaml (values) the way
// the Pulumi CLI hands it to the program: fully qualified keys, strings
// bare, everything else as JSON, a stack file's value over the default.
// It is for tools outside the Pulumi SDK (preflight): the offline synthesis
// and the tests read the files with the CLI's own loaders
// (internal/stackfile), and a test holds the two to the same values for
// every committed stack. Decode then validates what it returns.
func ReadStackFiles(dir, stack string) (project string, values map[string]string, err error) {
	var proj struct {
		Name   string `yaml:"name"`
		Config map[string]struct {
			Default any `yaml:"default"`
		} `yaml:"config"`
	}
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &proj); err != nil {
		return "", nil, err
	}
	var st struct {
		Config map[string]any `yaml:"config"`
	}
	if err := readYAML(filepath.Join(dir, "Pulumi."+stack+".yaml"), &st); err != nil {
		return "", nil, fmt.Errorf("stack %q: %w", stack, err)
	}
	values = map[string]string{}
	for name, decl := range proj.Config {
		if strings.Contains(name, ":") || decl.Default == nil {
			continue
		}
		if values[proj.Name+":"+name], err = cliValue(decl.Default); err != nil {
			return "", nil, fmt.Errorf("Pulumi.yaml: default of %s: %w", name, err)
		}
	}
	for key, v := range st.Config {
		if m, ok := v.(map[string]any); ok && len(m) == 1 && m["secure"] != nil {
			values[key] = Secret
			continue
		}
		if values[key], err = cliValue(v); err != nil {
			return "", nil, fmt.Errorf("Pulumi.%s.yaml: %s: %w", stack, key, err)
		}
	}
	return proj.Name, values, nil
}

func readYAML(path string, into any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// cliValue renders a value as the CLI passes it: strings bare, the rest as JSON.
func cliValue(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}
