package tests

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/docs"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// docFiles lists README.md and every Markdown file under docs/, relative to
// the repository root.
func docFiles(t *testing.T) []string {
	t.Helper()
	out := []string{"README.md"}
	require.NoError(t, filepath.WalkDir("../docs", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel("..", p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	}))
	require.Greater(t, len(out), 1, "docs/ holds the documents by reader")
	return out
}

func readDoc(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(name)))
	require.NoError(t, err)
	return strings.Split(string(b), "\n")
}

// withoutGenerated blanks the lines of a hand-written doc that the docs
// generator writes (the README's diagram, between docs.ReadmeDiagramStart
// and docs.ReadmeDiagramEnd), keeping the line numbers: they hold the
// stack's values and are rewritten with them, as docs/generated is.
func withoutGenerated(lines []string) []string {
	out := slices.Clone(lines)
	in := false
	for i, l := range out {
		switch {
		case l == docs.ReadmeDiagramStart:
			in = true
		case l == docs.ReadmeDiagramEnd:
			in = false
		case in:
			out[i] = ""
		}
	}
	return out
}

// handWritten reports whether a doc is written by hand (not generated).
func handWritten(name string) bool { return !strings.HasPrefix(name, docs.GeneratedDocs+"/") }

// TestDocTablesAreUnbroken fails on a Markdown table that a blank line
// splits: GitHub renders the rows after the blank line as a paragraph of
// pipes. Every run of table rows must open with a header and its separator.
func TestDocTablesAreUnbroken(t *testing.T) {
	for _, name := range docFiles(t) {
		lines := readDoc(t, name)
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
			assert.Truef(t, separator, "%s line %d starts a table without a header separator (a blank line split a table?): %.80s", name, i+1, line)
		}
	}
}

var (
	mdLink     = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	inlineCode = regexp.MustCompile("`[^`]*`")
)

// anchors returns the GitHub heading anchors of a Markdown document.
func anchors(lines []string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range lines {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteRune('-')
			}
		}
		slug := b.String()
		if n := seen[slug]; n > 0 {
			out[slug+"-"+strconv.Itoa(n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

// links returns the relative links of a Markdown document (outside code).
func links(lines []string) []string {
	var out []string
	fenced := false
	for _, line := range lines {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if fenced {
			continue
		}
		for _, m := range mdLink.FindAllStringSubmatch(inlineCode.ReplaceAllString(line, ""), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			out = append(out, target)
		}
	}
	return out
}

// TestDocLinksResolve: every relative link in README.md and docs/ names a
// file that exists and, for a Markdown file, a heading it has; and every
// document is one link away from the README.
func TestDocLinksResolve(t *testing.T) {
	docs := docFiles(t)
	fromReadme := map[string]bool{}
	for _, name := range docs {
		for _, target := range links(readDoc(t, name)) {
			file, anchor, _ := strings.Cut(target, "#")
			path := name
			if file != "" {
				path = filepath.ToSlash(filepath.Join(filepath.Dir(name), file))
			}
			if !assert.Falsef(t, strings.HasPrefix(path, "../") || strings.HasPrefix(target, "/"),
				"%s links to %s, outside the repository: the repository stands alone (state what the doc needs in its own words, e.g. docs/generated/specification.md)", name, target) {
				continue
			}
			info, err := os.Stat(filepath.Join("..", filepath.FromSlash(path)))
			if !assert.NoErrorf(t, err, "%s links to %s, which does not exist", name, target) {
				continue
			}
			if name == "README.md" {
				fromReadme[path] = true
			}
			if anchor != "" && !info.IsDir() && strings.HasSuffix(path, ".md") {
				assert.Truef(t, anchors(readDoc(t, path))[anchor], "%s links to %s: %s has no heading #%s", name, target, path, anchor)
			}
		}
	}
	for _, name := range docs[1:] {
		assert.Truef(t, fromReadme[name], "README.md does not link to %s: every doc is one link away from the README", name)
	}
}

// TestReadmeIsTheFrontDoor: its hand-written text under 8 KB (the
// generated diagram is a picture on GitHub), and it gives the commands CI
// runs (the workflows and .ci/run call them "the README's test command").
func TestReadmeIsTheFrontDoor(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	prose := strings.Join(withoutGenerated(strings.Split(string(b), "\n")), "\n")
	assert.Less(t, len(prose), 8*1024, "README.md is the front door: move detail to docs/")
	assert.Contains(t, string(b), "```mermaid", "README.md shows the production diagram")
	for _, cmd := range []string{"go test ./...", "go vet ./...", "gofmt -l", "go run ./cmd/synth", docs.DocsCommand, ".ci/run"} {
		assert.Containsf(t, string(b), cmd, "README.md gives `%s`", cmd)
	}
}

// namedValueKeys are the config fields whose string values are names no
// prose uses for anything else (aurora.masterUsername's "dbadmin"), so the
// scan below counts them although they are bare words.
var namedValueKeys = []string{"masterUsername"}

// configValues collects the scalar values of Pulumi.yaml's defaults and of
// every stack file that are distinctive enough to recognize in prose: at
// least three characters and a digit or one of "/.:" (CIDRs, AZ and region
// names, versions, instance types, image references, paths, numbers of three
// digits or more), and any value of a field in namedValueKeys. Booleans,
// short numbers (7, 35, 60), other bare words (perAz, single, web,
// production) and map keys (service names such as api or nginx) are too
// generic to tell from prose, and a value spelled out in words ("six years"
// for 2192 days) is not recognized: those stay with review.
func configValues(t *testing.T) map[string]string {
	t.Helper()
	sources := map[string][]string{}
	var walk func(source, field string, v any)
	walk = func(source, field string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(source, k, e)
			}
		case []any:
			for _, e := range v {
				walk(source, field, e)
			}
		case bool, nil:
		default:
			s := fmt.Sprint(v)
			if slices.Contains(stackconfig.CpuArchitectures, s) {
				return // a choice's name (X86_64, ARM64), which the docs explain, not a value to keep in step
			}
			distinctive := strings.ContainsAny(s, "0123456789/.:") || slices.Contains(namedValueKeys, field)
			if len(s) >= 3 && distinctive && !slices.Contains(sources[s], source) {
				sources[s] = append(sources[s], source)
			}
		}
	}
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	for name, decl := range proj.Config {
		walk("Pulumi.yaml "+name, name, decl.Default)
	}
	names, err := stackfile.Stacks("..")
	require.NoError(t, err)
	for _, stack := range names {
		set, err := stackfile.Set("..", stack)
		require.NoError(t, err)
		for key, v := range set {
			walk("Pulumi."+stack+".yaml "+key, key, v)
		}
	}
	out := map[string]string{}
	for v, from := range sources {
		slices.Sort(from)
		out[v] = strings.Join(from, ", ")
	}
	return out
}

// mentions reports whether line holds value as a whole token: not inside a
// longer word or number ("10.0.1.0/24" is not "0.1.0/24", "us-east-1" is
// not in "us-east-1a").
func mentions(line, value string) bool {
	for i := 0; ; {
		j := strings.Index(line[i:], value)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(value)
		before := start == 0 || !isWordByte(line[start-1]) && !(line[start-1] == '.' && start > 1 && isDigit(line[start-2]))
		after := end == len(line) || !isWordByte(line[end]) && !(line[end] == '.' && end+1 < len(line) && isDigit(line[end+1]))
		if before && after {
			return true
		}
		i = start + 1
	}
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isWordByte(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// TestHandWrittenDocsRepeatNoConfigValue: prose names the config key or
// links the generated tables; it never repeats a value, which would go
// stale the day the stack file changes. Generated docs are exempt: they are
// regenerated with the value.
func TestHandWrittenDocsRepeatNoConfigValue(t *testing.T) {
	values := configValues(t)
	require.Contains(t, values, "10.0.0.0/16", "the rule keeps the values that matter")
	require.Contains(t, values, "dbadmin", "namedValueKeys: aurora.masterUsername's value counts")
	require.NotContains(t, values, "true")
	for _, name := range docFiles(t) {
		if !handWritten(name) {
			continue
		}
		for i, line := range withoutGenerated(readDoc(t, name)) {
			for _, v := range slices.Sorted(maps.Keys(values)) {
				assert.Falsef(t, mentions(line, v), "%s:%d repeats %q (from %s): name the key or link docs/generated instead: %.100s", name, i+1, v, values[v], line)
			}
		}
	}
}

// TestValueMatchingIsByToken pins the matching rule of the scan above.
func TestValueMatchingIsByToken(t *testing.T) {
	for _, c := range []struct {
		line, value string
		want        bool
	}{
		{"VPC 10.0.0.0/16.", "10.0.0.0/16", true},
		{"in us-east-1a", "us-east-1", false},
		{"--region us-east-1 \\", "us-east-1", true},
		{"com.amazonaws.us-east-1.guardduty-data", "us-east-1", true},
		{"110.0.1.0/24", "10.0.1.0/24", false},
		{"retained 365 days", "365", true},
		{"retained 1365 days", "365", false},
		{"version 15.10.2", "15.10", false},
	} {
		assert.Equalf(t, c.want, mentions(c.line, c.value), "%q in %q", c.value, c.line)
	}
}
