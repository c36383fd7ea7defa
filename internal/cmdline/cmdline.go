package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/docs"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// CommandLine is what cmd/synth was asked to do.
type CommandLine struct {
	// Options choose the stack to render.
	Options synth.Options
	// JSON prints the full inventory and its cost instead of the report.
	JSON bool
	// Cost prints the modeled monthly cost, line by line.
	Cost bool
	// UsageFile is a JSON usage profile laid over synth.DefaultUsage.
	UsageFile string
	// Usage is the profile the cost model assumes: UsageFile's, already
	// validated, or synth.DefaultUsage.
	Usage synth.UsageProfile
	// Diagram prints the Mermaid flowchart of the architecture.
	Diagram bool
	// Docs rewrites the generated documents (docs.GeneratedDocs) of every
	// committed stack under synth.Options.Dir instead of printing anything.
	Docs bool
}

// Subcommands are cmd/synth's commands besides the report, each with
// arguments of its own (`synth <subcommand> --help`).
var Subcommands = []string{"diff", "imports"}

// usageText heads `synth --help`: every way to call synth, subcommands
// included, before the report's flags.
const usageText = `usage:
  synth [--stack STACK] [--dir DIR]            the report: what ` + "`pulumi up`" + ` would create, summary first
  synth --json | --cost [--usage FILE] | --diagram [--stack STACK]
                                               one other output of the same synthesis
  synth --docs [--dir DIR]                     rewrite ` + docs.GeneratedDocs + ` from every stack file
  synth diff [--allow-replace] OLD.json NEW.json
                                               what changes between two --json inventories of one stack,
                                               and whether it replaces or deletes what must survive
                                               (synth diff --help: its exit codes)
  synth imports [--stack STACK] TYPE NAME ID...
                                               the file ` + "`pulumi import --file`" + ` takes to adopt what an account has

flags (--json, --cost, --diagram and --docs are separate outputs: give at most one):
`

// ParseArgs reads cmd/synth's arguments (without the program name) on a flag
// set of its own: a dependency registers glog-style logging flags on the
// process-wide flag.CommandLine, and --help must list only the command's.
// It refuses what it cannot honour, printing why to output: an argument
// that is no flag (an unknown subcommand, say: it names the real ones), two
// outputs at once, --usage where no cost is printed, --stack with --docs,
// a stack without a stack file in the directory (it names the ones there
// are) and a usage profile Validate refuses. flag.ErrHelp is returned after
// usage was printed to output for --help.
func ParseArgs(args []string, output io.Writer) (CommandLine, error) {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	c := CommandLine{Usage: synth.DefaultUsage}
	fs.StringVar(&c.Options.Stack, "stack", "production", "stack to render (reads Pulumi.<stack>.yaml)")
	fs.StringVar(&c.Options.Dir, "dir", ".", "directory holding Pulumi.yaml")
	fs.BoolVar(&c.JSON, "json", false, "print the full inventory (type, name, parent, inputs, dependencies) and its cost as JSON")
	fs.BoolVar(&c.Cost, "cost", false, "print the modeled monthly cost, every line with its price and source")
	fs.StringVar(&c.UsageFile, "usage", "", "JSON file of usage assumptions laid over the defaults (fields: see --cost); with --cost, --json or the report")
	fs.BoolVar(&c.Diagram, "diagram", false, "print a Mermaid flowchart of the synthesized architecture")
	fs.BoolVar(&c.Docs, "docs", false, "rewrite "+docs.GeneratedDocs+" (config reference, outputs, cost, conformance, guardrails, every stack's tables and diagram) from every committed stack")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	err := c.validate(fs)
	if err != nil {
		fmt.Fprintf(output, "synth: %v\n(synth --help lists every command and flag)\n", err)
	}
	return c, err
}

// validate refuses the combinations ParseArgs documents.
func (c *CommandLine) validate(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		arg := fs.Arg(0)
		if slices.Contains(Subcommands, arg) {
			return fmt.Errorf("the subcommand %s comes first: synth %s [its flags]", arg, arg)
		}
		return fmt.Errorf("unknown subcommand or argument %q: the subcommands are %s, and the report takes only flags", arg, strings.Join(Subcommands, " and "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var outputs []string
	for _, name := range []string{"json", "cost", "diagram", "docs"} {
		if set[name] && fs.Lookup(name).Value.String() == "true" {
			outputs = append(outputs, "--"+name)
		}
	}
	if len(outputs) > 1 {
		return fmt.Errorf("%s are separate outputs: run synth once for each", strings.Join(outputs, " and "))
	}
	if c.UsageFile != "" && (c.Diagram || c.Docs) {
		return errors.New("--usage changes only the modeled cost: use it with --cost, --json or the report")
	}
	if c.Docs {
		if set["stack"] {
			return errors.New("--docs renders every stack file, so --stack has no effect with it: drop --stack")
		}
		return nil
	}
	stacks, err := stackfile.Stacks(c.Options.Dir)
	if err != nil {
		return err
	}
	if !slices.Contains(stacks, c.Options.Stack) {
		return stackfile.UnknownStack(c.Options.Dir, c.Options.Stack, stacks)
	}
	if c.UsageFile != "" {
		if c.Usage, err = synth.LoadUsage(c.UsageFile); err != nil {
			return err
		}
	}
	return nil
}
