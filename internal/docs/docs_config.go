package docs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/omnirapeutic/infrastructure/internal/stackfile"
)

// Cells of the configuration reference that are not values.
const (
	// RequiredCell is the Default of a key Pulumi.yaml gives no default:
	// every stack file must set it.
	RequiredCell = "required"
	// SameAsDefaultCell is a stack's cell when its file sets the key to
	// exactly the project default.
	SameAsDefaultCell = "= default"
)

// writeConfigDoc renders the configuration reference: every key Pulumi.yaml
// declares, with its type, description and default, and what each stack
// file sets; then the other namespaces' keys the stack files set.
func writeConfigDoc(b *bytes.Buffer, g *docSet) error {
	proj, err := workspace.LoadProject(filepath.Join(g.dir, "Pulumi.yaml"))
	if err != nil {
		return fmt.Errorf("load Pulumi.yaml: %w", err)
	}
	project := proj.Name.String()
	set := map[string]map[string]any{}
	for _, stack := range g.stackNames() {
		if set[stack], err = stackfile.Set(g.dir, stack); err != nil {
			return err
		}
		for key := range set[stack] {
			name, ok := strings.CutPrefix(key, project+":")
			if _, declared := proj.Config[name]; ok && !declared {
				return fmt.Errorf("Pulumi.%s.yaml sets %s, which Pulumi.yaml does not declare", stack, key)
			}
		}
	}

	b.WriteString("# Configuration reference\n\n")
	b.WriteString("Every key of the `" + project + "` namespace is declared in `Pulumi.yaml` with its type and description,\n" +
		"and with a default unless every stack must choose its own value: default *" + RequiredCell + "*, which the Pulumi CLI\n" +
		"and `go test` refuse a stack file without. A stack file sets any other key only where that stack differs\n" +
		"from the default (`go test` refuses one that repeats it, which would show as *" + SameAsDefaultCell + "*); a blank cell\n" +
		"means the stack inherits the default. An object is replaced whole, never merged with its default, so a\n" +
		"stack file that sets one sets every field. Write keys in a stack file fully qualified\n" +
		"(`" + project + ":vpcCidr`); read them with `pulumi config get` (`--path` for a field of an object).\n\n")

	header := []string{"key", "type", "description", "default"}
	header = append(header, g.stackNames()...)
	var rows [][]string
	for _, name := range slices.Sorted(maps.Keys(proj.Config)) {
		decl := proj.Config[name]
		if decl.Description == "" {
			return fmt.Errorf("Pulumi.yaml: %s needs a description", name)
		}
		def := RequiredCell
		if decl.Default != nil {
			if def, err = configCell(decl.Default); err != nil {
				return fmt.Errorf("Pulumi.yaml: default of %s: %w", name, err)
			}
		}
		row := []string{code(name), workspace.InferFullTypeName(decl.TypeName(), decl.Items), decl.Description, def}
		for _, stack := range g.stackNames() {
			v, ok := set[stack][project+":"+name]
			cell := ""
			if ok {
				if cell, err = configCell(v); err != nil {
					return fmt.Errorf("Pulumi.%s.yaml: %s: %w", stack, name, err)
				}
				if decl.Default != nil && cell == def {
					cell = SameAsDefaultCell
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	mdTable(b, header, rows)

	var others []string
	for _, stack := range g.stackNames() {
		for key := range set[stack] {
			if !strings.HasPrefix(key, project+":") && !slices.Contains(others, key) {
				others = append(others, key)
			}
		}
	}
	slices.Sort(others)
	if len(others) == 0 {
		return nil
	}
	b.WriteString("\nKeys of other namespaces the stack files set (the AWS provider's: `aws:defaultTags` is applied to every\ntaggable resource):\n\n")
	rows = nil
	for _, key := range others {
		row := []string{code(key)}
		for _, stack := range g.stackNames() {
			cell := ""
			if v, ok := set[stack][key]; ok {
				if cell, err = configCell(v); err != nil {
					return fmt.Errorf("Pulumi.%s.yaml: %s: %w", stack, key, err)
				}
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	mdTable(b, append([]string{"key"}, g.stackNames()...), rows)
	return nil
}

// configCell renders a config value as compact inline code: a string bare,
// anything else as JSON (objects with sorted keys).
func configCell(v any) (string, error) {
	if s, ok := v.(string); ok {
		if s == "" {
			return code(`""`), nil
		}
		return code(s), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return code(spaced(string(raw))), nil
}

// spaced puts a space after every comma and colon of compact JSON outside
// its strings, so a long value wraps inside its table cell.
func spaced(compact string) string {
	var b strings.Builder
	inString, escaped := false, false
	for _, c := range compact {
		b.WriteRune(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			b.WriteByte(' ')
		}
	}
	return b.String()
}
