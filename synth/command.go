package synth

import (
	"flag"
	"io"
)

// CommandLine is what cmd/synth was asked to do.
type CommandLine struct {
	// Options choose the stack to render.
	Options Options
	// JSON prints the full inventory instead of the report.
	JSON bool
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
	fs.BoolVar(&c.JSON, "json", false, "print the full inventory (type, name, parent, inputs, dependencies) as JSON")
	err := fs.Parse(args)
	return c, err
}
