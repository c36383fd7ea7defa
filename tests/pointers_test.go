package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docPointer is a Go source's pointer to a doc, optionally to a heading in
// it: docs/runbooks.md, "Restore Aurora to a point in time" (quotes may be
// escaped inside a string literal).
var docPointer = regexp.MustCompile(`(docs/[a-z0-9/-]+\.md)(?:, \\?"([^"\\]+)\\?")?`)

// TestSourcesPointToDocsThatExist: comments and report text send readers to
// docs/; each file they name exists and each heading they quote is in it,
// and none sends them to the README, which is only the front door now.
func TestSourcesPointToDocsThatExist(t *testing.T) {
	pointers := 0
	for _, file := range moduleGoFiles(t) {
		if file.Test {
			continue
		}
		path := file.Path
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.NotRegexpf(t, `README( runbook|\)|'s runbook| \(")`, string(src), "%s sends the reader to the README; the runbooks and guides are under docs/", path)
		for _, m := range docPointer.FindAllStringSubmatch(string(src), -1) {
			pointers++
			doc, err := os.ReadFile(filepath.Join("..", m[1]))
			if !assert.NoErrorf(t, err, "%s points to %s", path, m[1]) || m[2] == "" {
				continue
			}
			assert.Truef(t, strings.Contains(string(doc), "\n## "+m[2]) || strings.Contains(string(doc), "\n### "+m[2]),
				"%s points to %q in %s, which has no heading starting so", path, m[2], m[1])
		}
	}
	assert.Greater(t, pointers, 5, "the scan found the sources' pointers to docs/")
}
