// Command synth renders the stack offline: it runs the real program under
// Pulumi mocks against a stack file and prints what `pulumi up` would create.
//
//	go run ./cmd/synth                    # the production stack, as a report
//	go run ./cmd/synth --json             # the full inventory, for diffing
//	go run ./cmd/synth --stack staging    # another stack file
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/omnirapeutic/infrastructure/synth"
)

func main() {
	stack := flag.String("stack", "production", "stack to render (reads Pulumi.<stack>.yaml)")
	dir := flag.String("dir", ".", "directory holding Pulumi.yaml")
	asJSON := flag.Bool("json", false, "print the full inventory (type, name, parent, inputs, dependencies) as JSON")
	flag.Parse()

	if err := run(*dir, *stack, *asJSON); err != nil {
		fmt.Fprintf(os.Stderr, "synth: %v\n", err)
		os.Exit(1)
	}
}

func run(dir, stack string, asJSON bool) error {
	result, err := synth.Run(synth.Options{Dir: dir, Stack: stack})
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	if asJSON {
		err = synth.WriteJSON(w, result)
	} else {
		err = synth.WriteReport(w, result)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
