package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goName is an exported Go name as the hand-written docs cite it, in inline
// code: `compute.PlatformVersion`, `docs.OutputPurposes`.
var goName = regexp.MustCompile("`([a-z]+)\\.([A-Z][A-Za-z0-9]*)")

// TestDocsNameGoIdentifiersThatExist: where a hand-written doc names a
// constant or component instead of repeating its value, the name must stay
// true; a rename in the code fails here rather than leaving the doc
// pointing at nothing. Only the module's own packages are checked.
func TestDocsNameGoIdentifiersThatExist(t *testing.T) {
	declared := map[string]map[string]bool{} // package name (its clause, not its path) -> top-level names
	for dir := range layers {
		files, err := filepath.Glob(filepath.Join("..", filepath.FromSlash(dir), "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
			require.NoError(t, err)
			if parsed.Name.Name == "main" {
				continue // no doc cites a command by package
			}
			names := declared[parsed.Name.Name]
			if names == nil {
				names = map[string]bool{}
				declared[parsed.Name.Name] = names
			}
			for _, d := range parsed.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						names[d.Name.Name] = true
					}
				case *ast.GenDecl:
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.TypeSpec:
							names[s.Name.Name] = true
						case *ast.ValueSpec:
							for _, n := range s.Names {
								names[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	checked := 0
	for _, name := range docFiles(t) {
		if !handWritten(name) {
			continue
		}
		for i, line := range readDoc(t, name) {
			for _, m := range goName.FindAllStringSubmatch(line, -1) {
				names, ok := declared[m[1]]
				if !ok {
					continue // not a package of this module (pulumi.Run)
				}
				checked++
				assert.Truef(t, names[m[2]], "%s:%d names %s.%s, which package %s does not declare", name, i+1, m[1], m[2], m[1])
			}
		}
	}
	assert.Greater(t, checked, 10, "the docs cite the code by name")
}
