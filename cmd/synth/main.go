// Command synth renders the stack offline: it runs the real program under
// Pulumi mocks against a stack file and prints what `pulumi up` would create.
//
//	go run ./cmd/synth                    # the production stack, as a report
//	go run ./cmd/synth --json             # the full inventory and its cost, for diffing
//	go run ./cmd/synth --stack staging    # another stack file
//	go run ./cmd/synth --cost             # the modeled monthly cost, line by line
//	go run ./cmd/synth --cost --usage u.json  # ... with other usage assumptions
//	go run ./cmd/synth --diagram          # a Mermaid flowchart of the architecture
//	go run ./cmd/synth --docs             # rewrite docs/generated from every committed stack
//	go run ./cmd/synth diff OLD.json NEW.json [--allow-replace]  # exit 0 same, 1 changed, 2 dangerous, 3 bad input
//	go run ./cmd/synth imports [--stack production] TYPE NAME ID...  # a `pulumi import --file` file
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/omnirapeutic/infrastructure/internal/cmdline"
	"github.com/omnirapeutic/infrastructure/internal/cost"
	"github.com/omnirapeutic/infrastructure/internal/diagram"
	"github.com/omnirapeutic/infrastructure/internal/diff"
	"github.com/omnirapeutic/infrastructure/internal/docs"
	"github.com/omnirapeutic/infrastructure/internal/imports"
	"github.com/omnirapeutic/infrastructure/internal/report"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "diff" {
		os.Exit(diff.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "imports" {
		os.Exit(importsMain(os.Args[2:]))
	}
	cmd, err := cmdline.ParseArgs(os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		os.Exit(2) // ParseArgs said why
	}
	if err := run(cmd); err != nil {
		fmt.Fprintf(os.Stderr, "synth: %v\n", err)
		os.Exit(1)
	}
}

func run(cmd cmdline.CommandLine) error {
	if cmd.Docs {
		files, err := docs.GenerateDocs(cmd.Options.Dir)
		if err != nil {
			return err
		}
		return docs.WriteDocs(cmd.Options.Dir, files)
	}
	result, err := synth.Run(cmd.Options)
	if err != nil {
		return err
	}
	result.Usage = cmd.Usage
	w := bufio.NewWriter(os.Stdout)
	switch {
	case cmd.JSON:
		err = report.WriteJSON(w, result)
	case cmd.Cost:
		var c *synth.Cost
		if c, err = cost.Estimate(result, result.Usage); err == nil {
			err = cost.WriteCost(w, c)
		}
	case cmd.Diagram:
		err = diagram.Write(w, result)
	default:
		err = report.Write(w, result)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// importsMain prints the file `pulumi import --file` takes to adopt resources
// the account already has, named as `pulumi import` names one (TYPE NAME
// ID), with the components they belong to, so it works on an empty stack.
func importsMain(args []string) int {
	fs := flag.NewFlagSet("imports", flag.ContinueOnError)
	stack := fs.String("stack", "production", "stack to import into (reads Pulumi.<stack>.yaml)")
	dir := fs.String("dir", ".", "directory holding Pulumi.yaml and go.mod")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: synth imports [--stack STACK] TYPE NAME ID [TYPE NAME ID...] > imports.json")
		fmt.Fprintln(fs.Output(), "then:  pulumi import --stack STACK --file imports.json --generate-code=false")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 || len(rest)%3 != 0 {
		fs.Usage()
		return 2
	}
	var specs []imports.Spec
	for i := 0; i < len(rest); i += 3 {
		specs = append(specs, imports.Spec{Type: rest[i], Name: rest[i+1], ID: rest[i+2]})
	}
	version, err := synth.ProviderVersion(*dir)
	if err == nil {
		var result *synth.Result
		if result, err = synth.Run(synth.Options{Dir: *dir, Stack: *stack}); err == nil {
			var b []byte
			if b, err = imports.File(result, version, specs); err == nil {
				_, err = os.Stdout.Write(b)
			}
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "synth imports: %v\n", err)
		return 1
	}
	return 0
}
