package synth

import (
	"flag"
	"io"
)

// CommandLine is what cmd/synth was asked to do.
type CommandLine struct {
	// Options choose the stack to render.
	Options Options
	// JSON prints the full inventory and its cost instead of the report.
	JSON bool
	// Cost prints the modeled monthly cost, line by line.
	Cost bool
	// UsageFile is a JSON usage profile laid over DefaultUsage.
	UsageFile string
	// Diagram prints the Mermaid flowchart of the architecture.
	Diagram bool
	// Docs rewrites the generated documents (GeneratedDocs) of every
	// committed stack under Options.Dir instead of printing anything.
	Docs bool
}

// ParseArgs reads cmd/synth's arguments (without the program name) on a flag
// set of its own: a dependency registers glog-style logging flags on the
// process-wide flag.CommandLine, and --help must list only the command's.
// flag.ErrHelp is returned after usage was printed to output for --help.
func ParseArgs(args []string, output io.Writer) (CommandLine, error) {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(output)
	var c CommandLine
	fs.StringVar(&c.Options.Stack, "stack", "production", "stack to render (reads Pulumi.<stack>.yaml)")
	fs.StringVar(&c.Options.Dir, "dir", ".", "directory holding Pulumi.yaml")
	fs.BoolVar(&c.JSON, "json", false, "print the full inventory (type, name, parent, inputs, dependencies) and its cost as JSON")
	fs.BoolVar(&c.Cost, "cost", false, "print the modeled monthly cost, every line with its price and source")
	fs.StringVar(&c.UsageFile, "usage", "", "JSON file of usage assumptions laid over the defaults (fields: see --cost)")
	fs.BoolVar(&c.Diagram, "diagram", false, "print a Mermaid flowchart of the synthesized architecture")
	fs.BoolVar(&c.Docs, "docs", false, "rewrite "+GeneratedDocs+" (config reference, outputs, cost, conformance, guardrails, every stack's tables and diagram) from every committed stack; ignores --stack")
	err := fs.Parse(args)
	return c, err
}
