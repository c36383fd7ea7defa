package tests

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/cmdline"
	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// TestSynthRefusesWhatItCannotHonour: every argument error of cmd/synth,
// each refused before anything runs with a message that names the fix, and
// --help lists every subcommand.
func TestSynthRefusesWhatItCannotHonour(t *testing.T) {
	dir := t.TempDir()
	usage := func(name, body string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		return path
	}
	stacks, err := stackfile.Stacks("..")
	require.NoError(t, err)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown subcommand or argument "bogus": the subcommands are diff and imports`},
		{[]string{"--json", "extra"}, `unknown subcommand or argument "extra"`},
		{[]string{"--json", "diff"}, "the subcommand diff comes first"},
		{[]string{"--stack", "prod"}, `stack "prod" has no stack file Pulumi.prod.yaml in ..; the stacks there are: ` + strings.Join(stacks, ", ")},
		{[]string{"--cost", "--diagram"}, "--cost and --diagram are separate outputs: run synth once for each"},
		{[]string{"--json", "--cost"}, "--json and --cost are separate outputs"},
		{[]string{"--diagram", "--docs"}, "--diagram and --docs are separate outputs"},
		{[]string{"--docs", "--stack", "staging"}, "--docs renders every stack file, so --stack has no effect with it"},
		{[]string{"--diagram", "--usage", usage("any.json", "{}")}, "--usage changes only the modeled cost"},
		{[]string{"--cost", "--usage", usage("negative.json", `{"natGB": -5, "s3GB": -0.5}`)}, "natGB is -5, s3GB is -0.5: a usage figure is a quantity a month uses, zero or more"},
		{[]string{"--cost", "--usage", usage("unknown.json", `{"natGigabytes": 5}`)}, `unknown field "natGigabytes" (its fields: natGB, albLCUs,`},
		{[]string{"--cost", "--usage", filepath.Join(dir, "missing.json")}, "read the usage profile"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			_, err := cmdline.ParseArgs(append([]string{"--dir", ".."}, tc.args...), &out)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, out.String(), "synth: "+err.Error(), "the command says why on its error output")
		})
	}

	cmd, err := cmdline.ParseArgs([]string{"--dir", "..", "--cost", "--usage", usage("half.json", `{"natGB": 0, "s3GB": 2.5}`)}, io.Discard)
	require.NoError(t, err, "zero is a figure; a file sets only what it names")
	want := synth.DefaultUsage
	want.NatGB, want.S3GB = 0, 2.5
	assert.Equal(t, want, cmd.Usage)
	for _, ok := range [][]string{{}, {"--json"}, {"--cost"}, {"--diagram"}, {"--docs"}, {"--stack", "staging", "--json"}} {
		_, err := cmdline.ParseArgs(append([]string{"--dir", ".."}, ok...), io.Discard)
		assert.NoError(t, err, ok)
	}

	var help bytes.Buffer
	_, err = cmdline.ParseArgs([]string{"--help"}, &help)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, sub := range cmdline.Subcommands {
		assert.Contains(t, help.String(), "\n  synth "+sub+" ", "--help lists the subcommand %s", sub)
	}
	assert.Contains(t, help.String(), "--docs")

	bad := synth.DefaultUsage
	bad.LogsIngestedGB = -1
	_, err = cost.Estimate(production(t), bad)
	assert.ErrorContains(t, err, "logsIngestedGB is -1", "the cost model refuses a negative figure from any caller, not only the command")
}
