package diff

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// diffUsage is `synth diff --help`: what it compares and what each exit
// code means.
const diffUsage = `usage: synth diff [--allow-replace] OLD.json NEW.json

Compares two ` + "`synth --json`" + ` inventories of one stack (before and after a change):
what is added, removed and changed, each changed input with its old and new
value (secrets masked), the monthly cost delta, and, loudly, any replacement
or deletion of a protected or stateful resource.

Exit codes:
  0  no change: the same resources with the same inputs
  1  changes, none of which replaces or deletes a protected or stateful
     resource (or --allow-replace allows it)
  2  a protected or stateful resource would be replaced or deleted
  3  bad input: wrong arguments, a file that is not a synth --json inventory,
     an empty inventory, or two different stacks; nothing was compared

`

// Main runs `synth diff` with args (after the word diff), printing the
// delta to stdout and what went wrong to stderr, and returns its exit code
// (NoChange, Changes, Dangerous or BadInput).
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	allow := fs.Bool("allow-replace", false, "exit 1, not 2, when a protected or stateful resource would be replaced or deleted")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), diffUsage)
		fs.PrintDefaults()
	}
	// Flags may come before or after the two files.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return NoChange
			}
			return BadInput
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 2 {
		fmt.Fprintf(stderr, "synth diff: want two inventories, OLD.json and NEW.json; got %d\n\n", len(files))
		fs.Usage()
		return BadInput
	}
	var inv [2]*synth.Inventory
	for i, f := range files {
		var err error
		if inv[i], err = readInventory(f); err != nil {
			fmt.Fprintf(stderr, "synth diff: %v\n", err)
			return BadInput
		}
	}
	d, err := Compare(inv[0], inv[1], synth.ReplaceOnly)
	if err != nil {
		fmt.Fprintf(stderr, "synth diff: %v\n", err)
		return BadInput
	}
	w := bufio.NewWriter(stdout)
	Write(w, d)
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "synth diff: %v\n", err)
		return BadInput
	}
	code := d.ExitCode(*allow)
	if code == Dangerous {
		fmt.Fprintf(stderr, "synth diff: %d protected or stateful resource(s) would be replaced or deleted; re-run with --allow-replace if that is intended\n", len(d.Dangerous))
	}
	return code
}

// readInventory reads one `synth --json` file.
func readInventory(path string) (*synth.Inventory, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var inv synth.Inventory
	if err := json.Unmarshal(b, &inv); err != nil {
		return nil, fmt.Errorf("%s is not a `synth --json` inventory: %w", path, err)
	}
	if inv.Project == "" || inv.Stack == "" || len(inv.Resources) == 0 {
		return nil, fmt.Errorf("%s is not a `synth --json` inventory: it names no project, no stack or no resource", path)
	}
	return &inv, nil
}
