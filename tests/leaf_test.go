package tests

import (
	"go/parser"
	"go/token"
	"os"
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

// layers ranks every package of the module: a package may import only
// packages of a lower rank, so no tier reaches up into one that builds on
// it and no cycle can form. A new package must be placed here.
var layers = map[string]int{
	// Leaves: values, documents and checks with no AWS resources.
	"naming": 0, "specification": 0, "policy": 0, "replacement": 0, "fields": 0, "internal/stackfile": 0, "eventpattern": 0,
	// Text laid out for a terminal: the report's and the cost's tables.
	"internal/layout": 0,
	// The recovery objectives' figures and the critical path: arithmetic.
	"recovery": 0,
	// Configuration, the HIPAA pack as data, the IAM role helper.
	"stackconfig": 1, "conformance": 1, "access": 1,
	// The one way to make a log group, a bucket, a key, an alarm topic;
	// the policy pack's judgements.
	"logs": 2, "storage": 2, "security": 2, "observability": 2, "guardrails": 2,
	// The tiers.
	"network": 3, "data": 3, "edge": 3, "compliance": 3, "policypack": 3,
	// Services run behind the load balancer: compute takes edge's component.
	"compute": 4,
	// The programs: the platform and the bootstrap.
	"platform": 5, "pipeline": 5,
	// What runs them: the offline synthesis is the model (the recorder, the
	// inventory and its typed views) every output reads.
	"internal/synth": 6, "bootstrap": 6,
	// The outputs of a synthesis, each reading the model (outputs below).
	"internal/diagram": 7, "internal/diff": 7, "internal/cost": 7, "internal/imports": 7,
	// The report prints the modeled cost (outputs says so).
	"internal/report": 8,
	// The generated documents render the outputs.
	"internal/docs": 9,
	// cmd/synth's command line: it names the generated docs' directory.
	"internal/cmdline": 10,
	"cmd/synth":        11, "tests": 11, "e2e": 11,
}

// outputs are the packages that each produce one output of a synthesis
// from the model (internal/synth), and the other outputs each may import,
// with why. The generated documents (internal/docs) render several outputs
// and are not one of them.
var outputs = map[string][]string{
	"internal/diagram": {},
	"internal/diff":    {},
	"internal/cost":    {},
	"internal/imports": {},
	// The report leads with the monthly floor and has a Cost section, and
	// --json carries the estimate: it prints the cost model's result,
	// cost.Estimate, rather than model the cost twice.
	"internal/report": {"internal/cost"},
}

// TestOutputsImportOnlyTheModel: an output package imports the model, not
// another output, except where outputs says why, and never the generated
// documents; so a new output, or a change to one, touches no other.
func TestOutputsImportOnlyTheModel(t *testing.T) {
	const module = "github.com/omnirapeutic/infrastructure/"
	for _, file := range moduleGoFiles(t) {
		allowed, ok := outputs[file.Pkg]
		if !ok {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file.Path, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			own, _ := strings.CutPrefix(p, module)
			if _, isOutput := outputs[own]; isOutput && own != file.Pkg {
				assert.Containsf(t, allowed, own, "%s imports the output %s: outputs read the model (tests/leaf_test.go)", file.Path, own)
			}
			assert.NotEqualf(t, "internal/docs", own, "%s imports the generated documents", file.Path)
		}
	}
	for pkg := range outputs {
		assert.Containsf(t, layers, pkg, "outputs names %s, which layers does not rank", pkg)
	}
}

// TestImportsFollowTheLayers reads every Go file's imports (tests' too)
// and holds them to layers.
func TestImportsFollowTheLayers(t *testing.T) {
	const module = "github.com/omnirapeutic/infrastructure/"
	seen := map[string]bool{}
	for _, file := range moduleGoFiles(t) {
		pkg := file.Pkg
		if pkg == "." {
			continue // main.go: hands platform.Run to pulumi.Run
		}
		rank, ok := layers[pkg]
		if !assert.Truef(t, ok, "package %s has no rank in layers (tests/leaf_test.go): place it", pkg) {
			continue
		}
		seen[pkg] = true
		f, err := parser.ParseFile(token.NewFileSet(), file.Path, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			own, ok := strings.CutPrefix(p, module)
			if !ok || own == pkg { // an external test package imports its own
				continue
			}
			assert.Lessf(t, layers[own], rank, "%s imports %s: a package may import only lower layers (tests/leaf_test.go)", file.Path, own)
		}
	}
	for pkg := range layers {
		assert.Truef(t, seen[pkg], "layers names %s, which has no Go files", pkg)
	}
}

// TestLayoutTableIsThePackages holds docs/architecture.md's layout table to
// layers both ways: every package has a row, and every row naming a
// directory of this module's Go code is a package in layers. Rows for what
// is not a package of the module (main.go, docs/, the workflows, tools/ with
// its own go.mod) are free.
func TestLayoutTableIsThePackages(t *testing.T) {
	rows := map[string]bool{}
	for _, row := range tableRows(markdownSection(t, "docs/architecture.md", "Layout")) {
		path := strings.TrimSuffix(row[0], "/")
		if _, err := os.Stat(filepath.Join("..", path, "go.mod")); err == nil {
			continue // its own module
		}
		if goFiles, _ := filepath.Glob(filepath.Join("..", path, "*.go")); len(goFiles) > 0 && strings.HasSuffix(row[0], "/") {
			assert.Containsf(t, layers, path, "docs/architecture.md's layout table lists %s, which is no package in layers", row[0])
			rows[path] = true
		}
	}
	for pkg := range layers {
		assert.Truef(t, rows[pkg], "package %s has no row in docs/architecture.md's layout table", pkg)
	}
}
