package tests

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeSection returns the lines of one "## " section of README.md.
func readmeSection(t *testing.T, title string) []string {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var lines []string
	in := false
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "## ") {
			in = line == "## "+title
			continue
		}
		if in {
			lines = append(lines, line)
		}
	}
	require.NotEmptyf(t, lines, "README.md has no section %q", title)
	return lines
}

// tableKeys maps the backquoted first cell of each table row to the row.
func tableKeys(lines []string) map[string]string {
	rows := map[string]string{}
	for _, line := range lines {
		if strings.HasPrefix(line, "| `") {
			rows[strings.SplitN(strings.TrimPrefix(line, "| `"), "`", 2)[0]] = line
		}
	}
	return rows
}

// TestReadmeConfigReferenceMatchesPulumiYaml keeps the README's config table
// and Pulumi.yaml's declarations in step, in both directions.
func TestReadmeConfigReferenceMatchesPulumiYaml(t *testing.T) {
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	rows := tableKeys(readmeSection(t, "Configuration reference"))
	for name, decl := range proj.Config {
		require.NotEmptyf(t, decl.Description, "Pulumi.yaml: %s needs a description", name)
		require.NotNilf(t, decl.Default, "Pulumi.yaml: %s needs a default", name)
		want := fmt.Sprintf("| `%s` | %s | %s |", name, workspace.InferFullTypeName(decl.TypeName(), decl.Items), decl.Description)
		assert.Equalf(t, want, rows[name], "README row for config key %s", name)
	}
	for key := range rows {
		_, declared := proj.Config[key]
		assert.Truef(t, declared, "README documents config key %s, which Pulumi.yaml does not declare", key)
	}
}

// TestReadmeListsEveryStackOutput keeps the outputs table complete.
func TestReadmeListsEveryStackOutput(t *testing.T) {
	r := production(t)
	rows := tableKeys(readmeSection(t, "Stack outputs"))
	for name := range r.Outputs {
		_, documented := rows[name]
		assert.Truef(t, documented, "README's Stack outputs table lacks %s", name)
	}
	for name := range rows {
		_, exported := r.Outputs[name]
		assert.Truef(t, exported, "README lists output %s, which the program does not export", name)
	}
}

// TestReadmeTablesAreUnbroken fails on a Markdown table that a blank line
// splits: GitHub renders the rows after the blank line as a paragraph of
// pipes. Every run of table rows must open with a header and its separator.
func TestReadmeTablesAreUnbroken(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	lines := strings.Split(string(readme), "\n")
	fenced := false
	for i, line := range lines {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		starts := strings.HasPrefix(line, "|") && (i == 0 || !strings.HasPrefix(lines[i-1], "|"))
		if fenced || !starts {
			continue
		}
		separator := i+1 < len(lines) && strings.HasPrefix(strings.ReplaceAll(lines[i+1], " ", ""), "|-")
		assert.Truef(t, separator, "README.md line %d starts a table without a header separator (a blank line split a table?): %.80s", i+1, line)
	}
}
