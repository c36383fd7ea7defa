// Package stackfile reads a stack's configuration from Pulumi.yaml and
// Pulumi.<stack>.yaml with the Pulumi CLI's own loaders, so that the tests and
// the offline synthesis run the program with exactly the configuration
// `pulumi up` would hand it.
package stackfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/encoding"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Config is a stack's configuration as the Pulumi CLI hands it to the
// program: fully qualified keys ("omnirapeutic:vpcCidr") to raw values, with
// project defaults from Pulumi.yaml filled in for keys the stack file omits.
type Config struct {
	// Project is the project name from Pulumi.yaml.
	Project string
	// Stack is the stack name.
	Stack string
	// Values are the config values, secrets blinded.
	Values map[string]string
}

// Load reads Pulumi.yaml and Pulumi.<stack>.yaml from dir with the
// CLI's own loaders, checks each value against its declared type as the CLI
// does, and merges project defaults.
func Load(dir, stack string) (*Config, error) {
	proj, ps, stackPath, err := load(dir, stack)
	if err != nil {
		return nil, err
	}
	// Secrets are blinded: nothing offline may print or need a real secret.
	plain, err := ps.Config.Decrypt(config.NewBlindingDecrypter())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", stackPath, err)
	}
	c := &Config{
		Project: proj.Name.String(),
		Stack:   stack,
		Values:  map[string]string{},
	}
	for k, v := range plain {
		c.Values[k.String()] = v
	}
	var missing []string
	for name, decl := range proj.Config {
		if strings.Contains(name, ":") {
			continue // another namespace's value, e.g. aws:region; the stack file sets those
		}
		key := c.Project + ":" + name
		raw, set := ps.Config[config.MustMakeKey(c.Project, name)]
		if set {
			obj, err := raw.ToObject()
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", stackPath, key, err)
			}
			if decl.IsExplicitlyTyped() && !workspace.ValidateConfigValue(decl.TypeName(), decl.Items, obj) {
				return nil, fmt.Errorf("%s: %s is declared %s in Pulumi.yaml, but the stack sets %v", stackPath, key, decl.TypeName(), obj)
			}
			continue
		}
		if decl.Default == nil {
			missing = append(missing, name)
			continue
		}
		value, err := encodeDefault(decl.Default)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.yaml: default of %s: %w", key, err)
		}
		c.Values[key] = value
	}
	// The CLI refuses to run the program when a key declared without a
	// default is not set ("Stack 'staging' is missing configuration value
	// 'vpcCidr'"); offline must refuse it too, naming every such key.
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("stack %q is missing configuration %s: Pulumi.yaml declares %s without a default, so every stack sets its own in %s",
			stack, quoteList(missing), plural(len(missing), "it", "them"), filepath.Base(stackPath))
	}
	return c, nil
}

// quoteList renders keys as the CLI does: 'a', 'b' and 'c'.
func quoteList(keys []string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = "'" + k + "'"
	}
	if len(quoted) == 1 {
		return "value " + quoted[0]
	}
	return "values " + strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// load reads Pulumi.yaml and Pulumi.<stack>.yaml from dir with the CLI's
// loaders, and returns the stack file's path for messages.
func load(dir, stack string) (*workspace.Project, *workspace.ProjectStack, string, error) {
	proj, err := loadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, nil, "", fmt.Errorf("load Pulumi.yaml: %w", err)
	}
	stackPath := filepath.Join(dir, "Pulumi."+stack+".yaml")
	// The CLI treats a missing stack file as empty config; offline, a typo in
	// the stack name must not silently render the defaults.
	if _, err := os.Stat(stackPath); err != nil {
		if !os.IsNotExist(err) {
			return nil, nil, "", fmt.Errorf("stack %q: %w", stack, err)
		}
		stacks, serr := Stacks(dir)
		if serr != nil {
			return nil, nil, "", serr
		}
		return nil, nil, "", UnknownStack(dir, stack, stacks)
	}
	ps, err := loadStack(proj, stackPath)
	if err != nil {
		return nil, nil, "", fmt.Errorf("load %s: %w", stackPath, err)
	}
	return proj, ps, stackPath, nil
}

// The CLI loaders' results, by file content (and a stack file's also by
// the project it was loaded against): the docs generation and the tests
// load the same files hundreds of times in one process, and parsing and
// validating Pulumi.yaml is most of a synthesis's start. What they hold is
// only ever read.
var (
	projects sync.Map // sha256 of the content -> *workspace.Project
	stacks   sync.Map // sha256 of the project's address and the content -> *workspace.ProjectStack
)

// loadProject is workspace.LoadProject, once per content.
func loadProject(path string) (*workspace.Project, error) {
	b, err := readStripBOM(path)
	if err != nil {
		return nil, err
	}
	return memo(&projects, sha256.Sum256(b), func() (*workspace.Project, error) {
		return workspace.LoadProjectBytes(b, path, encoding.YAML)
	})
}

// loadStack is workspace.LoadProjectStack of an existing file, once per
// project and content.
func loadStack(proj *workspace.Project, path string) (*workspace.ProjectStack, error) {
	b, err := readStripBOM(path)
	if err != nil {
		return nil, err
	}
	return memo(&stacks, sha256.Sum256(fmt.Appendf(nil, "%p\x00%s", proj, b)), func() (*workspace.ProjectStack, error) {
		return workspace.LoadProjectStackBytes(nil, proj, b, path, encoding.YAML)
	})
}

// readStripBOM reads a file without its UTF-8 byte order mark, as the CLI's
// loaders do.
func readStripBOM(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), err
}

// memo returns what cache holds for key, or loads and keeps it.
func memo[T any](cache *sync.Map, key [sha256.Size]byte, load func() (T, error)) (T, error) {
	if v, ok := cache.Load(key); ok {
		return v.(T), nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	cache.Store(key, v)
	return v, nil
}

// encodeDefault renders a default as the CLI passes it: strings bare, the rest as JSON.
func encodeDefault(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// Keys returns the config keys in order.
func (c *Config) Keys() []string {
	keys := make([]string, 0, len(c.Values))
	for k := range c.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Lookup returns one value by its fully qualified key; it has the shape of
// ctx.GetConfig, so stackconfig.Decode can read a stack file directly.
func (c *Config) Lookup(key string) (string, bool) {
	v, ok := c.Values[key]
	return v, ok
}
