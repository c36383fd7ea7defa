package tests

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeafPackagesStayLeaves: naming, fields and access sit under every
// tier that uses them, so each may import only the module's packages listed
// here (and naming and fields no Pulumi package at all, so that
// configuration validation and their own tests stay cheap). An import
// beyond these is a cycle waiting to happen.
func TestLeafPackagesStayLeaves(t *testing.T) {
	const module = "github.com/omnirapeutic/infrastructure/"
	for dir, allowed := range map[string][]string{
		"naming": {},
		"fields": {},
		"access": {"policy", "fields"},
	} {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		require.NoError(t, err)
		require.NotEmpty(t, files, dir)
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			require.NoError(t, err)
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if own, ok := strings.CutPrefix(p, module); ok {
					assert.Truef(t, slices.Contains(allowed, own), "%s imports %s", path, p)
				}
				if dir == "naming" || dir == "fields" {
					assert.NotContainsf(t, p, "pulumi", "%s imports %s", path, p)
				}
			}
		}
	}
}
