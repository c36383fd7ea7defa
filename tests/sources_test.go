package tests

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goFile is one Go source file of this module.
type goFile struct {
	// Path is the file's path from tests/, e.g. ../compute/service.go.
	Path string
	// Pkg is its directory from the module root, slash-separated: "compute",
	// "internal/synth"; "." for main.go.
	Pkg string
	// Test is true for a _test.go file.
	Test bool
}

// moduleGoFiles lists every Go file of this module, for the tests that hold
// the sources to a rule (import layers, the partition, pointers to docs/).
// Hidden directories and nested modules (a directory with its own go.mod,
// such as tools/) are not the module's.
func moduleGoFiles(t *testing.T) []goFile {
	t.Helper()
	var files []goFile
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == ".." {
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, err := filepath.Rel("..", path)
		if err != nil {
			return err
		}
		files = append(files, goFile{Path: path, Pkg: filepath.ToSlash(filepath.Dir(rel)), Test: strings.HasSuffix(path, "_test.go")})
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, files, "no Go files found from tests/")
	return files
}
