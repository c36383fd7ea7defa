// Command synth renders the stack offline: it runs the real program under
// Pulumi mocks against a stack file and prints what `pulumi up` would create.
//
//	go run ./cmd/synth                    # the production stack, as a report
//	go run ./cmd/synth --json             # the full inventory, for diffing
//	go run ./cmd/synth --stack staging    # another stack file
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/omnirapeutic/infrastructure/synth"
)

func main() {
	cmd, err := synth.ParseArgs(os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		os.Exit(2)
	}
	if err := run(cmd); err != nil {
		fmt.Fprintf(os.Stderr, "synth: %v\n", err)
		os.Exit(1)
	}
}

func run(cmd synth.CommandLine) error {
	result, err := synth.Run(cmd.Options)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	if cmd.JSON {
		err = synth.WriteJSON(w, result)
	} else {
		err = synth.WriteReport(w, result)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
