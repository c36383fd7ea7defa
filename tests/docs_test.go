package tests

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/docs"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/observability"
)

// committedStacks is one synthesis per stack file, in the order the docs
// generator expects (stackfile.Stacks).
func committedStacks(t *testing.T) []*synth.Result {
	t.Helper()
	names, err := stackfile.Stacks("..")
	require.NoError(t, err)
	var out []*synth.Result
	for _, name := range names {
		out = append(out, synthesize(t, name))
	}
	return out
}

// TestGeneratedDocsAreCurrent regenerates docs/generated in memory from the
// committed stacks and compares every file whole with what is committed: a
// config key, output, alarm, subnet, exception, guardrail or price that
// changed without the docs fails here with the command that fixes it.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	files, err := docs.Docs("..", committedStacks(t))
	require.NoError(t, err)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		got, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(name)))
		if !assert.NoErrorf(t, err, "%s is missing: run `%s`", name, docs.DocsCommand) {
			continue
		}
		assert.Equalf(t, files[name], string(got), "%s is stale: run `%s`", name, docs.DocsCommand)
	}
	stale, err := docs.StaleDocs("..", files)
	require.NoError(t, err)
	assert.Emptyf(t, stale, "stale generated docs: run `%s`", docs.DocsCommand)
}

// withStackFiles copies the project's Pulumi.yaml and stack files into a
// temporary directory, with edit applied to the named file's text.
func withStackFiles(t *testing.T, file string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	names, err := filepath.Glob("../Pulumi*.yaml")
	require.NoError(t, err)
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(t, err)
		text := string(b)
		if filepath.Base(n) == file {
			edited := edit(text)
			require.NotEqual(t, text, edited, "the edit of %s changed nothing", file)
			text = edited
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(n)), []byte(text), 0o644))
	}
	return dir
}

// TestGeneratedConfigReferenceReadsTheFiles: the Default column comes from
// Pulumi.yaml ("required" when it has none) and each stack's column from
// its own file (blank when it inherits), and a stack file may not set a key
// Pulumi.yaml does not declare.
func TestGeneratedConfigReferenceReadsTheFiles(t *testing.T) {
	stacks := committedStacks(t)
	config := func(dir string) string {
		files, err := docs.Docs(dir, stacks)
		require.NoError(t, err)
		return files["docs/generated/config.md"]
	}
	row := func(doc, key string) string {
		for _, line := range strings.Split(doc, "\n") {
			if strings.HasPrefix(line, "| `"+key+"` |") {
				return line
			}
		}
		t.Fatalf("no row for %s in:\n%s", key, doc)
		return ""
	}

	// staging is the last column (stackfile.Stacks: production first,
	// then by name), so its cell ends the row.
	committed := config("..")
	cells := strings.Split(row(committed, "natGateways"), " | ")
	require.Len(t, cells, 4+len(stacks), "key, type, description, default and one column per stack")
	require.Equal(t, "staging", stacks[len(stacks)-1].Config.Stack)
	last := len(cells) - 1
	assert.Equal(t, "`perAz`", cells[3])
	assert.Equal(t, "`single` |", cells[last], "staging sets single")

	noDefault := withStackFiles(t, "Pulumi.yaml", func(s string) string {
		return strings.Replace(s, "    default: perAz\n", "", 1)
	})
	cells = strings.Split(row(config(noDefault), "natGateways"), " | ")
	assert.Equal(t, docs.RequiredCell, cells[3], "a key without a default is required")

	inherits := withStackFiles(t, "Pulumi.staging.yaml", func(s string) string {
		return strings.Replace(s, "  omnirapeutic:natGateways: single\n", "", 1)
	})
	cells = strings.Split(row(config(inherits), "natGateways"), " | ")
	assert.Equal(t, " |", cells[last], "a stack that does not set the key inherits: blank")

	undeclared := withStackFiles(t, "Pulumi.staging.yaml", func(s string) string {
		return s + "  omnirapeutic:noSuchKey: 1\n"
	})
	_, err := docs.Docs(undeclared, stacks)
	assert.ErrorContains(t, err, "sets omnirapeutic:noSuchKey, which Pulumi.yaml does not declare")

	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	for name := range proj.Config {
		assert.Contains(t, committed, "| `"+name+"` |", "every declared key has a row")
	}
}

// TestGeneratedOutputsTableIsBothWays: an output without a purpose, or a
// purpose for no output, stops the generation.
func TestGeneratedOutputsTableIsBothWays(t *testing.T) {
	stacks := committedStacks(t)
	with := func(change func(outputs map[string]any)) error {
		edited := make([]*synth.Result, len(stacks))
		for i, r := range stacks {
			c := *r
			c.Outputs = maps.Clone(r.Outputs)
			change(c.Outputs)
			edited[i] = &c
		}
		_, err := docs.Docs("..", edited)
		return err
	}
	assert.ErrorContains(t, with(func(o map[string]any) { o["newOutput"] = "x" }), "stack output newOutput has no entry in docs.OutputPurposes")
	assert.ErrorContains(t, with(func(o map[string]any) { delete(o, "vpcId") }), "describes vpcId, which no stack exports")
}

// markdownSection returns the lines of a generated page's "## title" section.
func markdownSection(t *testing.T, doc, title string) []string {
	t.Helper()
	lines := readDoc(t, doc)
	start := slices.Index(lines, "## "+title)
	require.GreaterOrEqualf(t, start, 0, "%s has no section %q", doc, title)
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "## ") {
			end = i
			break
		}
	}
	return lines[start+1 : end]
}

// tableRows returns the cells of a section's Markdown table rows (header and
// separator dropped), trimmed and without inline-code backquotes.
func tableRows(lines []string) [][]string {
	var out [][]string
	for _, line := range lines {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i, c := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(c), "`")
		}
		out = append(out, cells)
	}
	if len(out) < 2 {
		return nil
	}
	return out[2:]
}

// TestGeneratedProtectedTableIsTheInventory: each stack page lists exactly
// the resources registered with protect or retainOnDelete, with both flags
// and a physical name, which is what platform-engineer.md and the staging
// destroy runbook link to instead of keeping a list that goes stale (the
// backup vault and the access-log bucket once were missing from both).
func TestGeneratedProtectedTableIsTheInventory(t *testing.T) {
	for _, r := range committedStacks(t) {
		doc := docs.GeneratedDocs + "/" + r.Config.Stack + ".md"
		want := map[string][2]string{}
		for _, res := range r.Resources {
			if res.Protect || res.RetainOnDelete {
				want[res.Name] = [2]string{map[bool]string{true: "yes"}[res.Protect], map[bool]string{true: "yes"}[res.RetainOnDelete]}
			}
		}
		require.Contains(t, want, "backup-vault", r.Config.Stack)
		require.Contains(t, want, "s3-access-logs", r.Config.Stack)
		got := map[string][2]string{}
		for _, row := range tableRows(markdownSection(t, doc, "Protected and retained resources")) {
			require.Lenf(t, row, 5, "%s: %v", doc, row)
			assert.NotEmptyf(t, row[2], "%s: %s has no physical name", doc, row[1])
			got[row[1]] = [2]string{row[3], row[4]}
		}
		assert.Equalf(t, want, got, "%s: the protected and retained resources", doc)
	}
}

// TestAlarmAreasTableIsTheAreas holds docs/architecture.md's table of what
// each alarm area watches to observability.Areas both ways, in report order.
func TestAlarmAreasTableIsTheAreas(t *testing.T) {
	var areas []string
	for _, row := range tableRows(markdownSection(t, "docs/architecture.md", "Observability")) {
		areas = append(areas, row[0])
	}
	assert.Equal(t, observability.Areas, areas, "docs/architecture.md#observability has one row per observability.Areas entry, in order")
}

// TestBootstrapOutputsInTheGuide holds the output list in
// platform-engineer.md's bootstrap step (the comment after `pulumi stack
// output`) to what the bootstrap program exports, both ways.
func TestBootstrapOutputsInTheGuide(t *testing.T) {
	var listed []string
	for _, line := range readDoc(t, "docs/platform-engineer.md") {
		if cmd, names, ok := strings.Cut(strings.TrimSpace(line), "#"); ok && strings.TrimSpace(cmd) == "pulumi stack output" {
			require.Nil(t, listed, "platform-engineer.md lists the bootstrap outputs once")
			for _, n := range strings.Split(names, ",") {
				listed = append(listed, strings.TrimSpace(n))
			}
		}
	}
	require.NotEmpty(t, listed, "platform-engineer.md's bootstrap step lists the outputs after `pulumi stack output  #`")
	assert.ElementsMatch(t, slices.Collect(maps.Keys(bootstrap(t).Outputs)), listed)
}
