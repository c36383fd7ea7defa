// Command preflight reads the AWS account a stack deploys to, read-only, and
// prints everything that would fail its first `pulumi up` or show
// NON_COMPLIANT in AWS Config's HIPAA pack, each with the exact fix; once
// the stack is up, it also checks what only a deployed stack can show
// (subscriptions confirmed, Config and CloudTrail delivering, GuardDuty's
// agent healthy). It exits 1 when a check that fails `pulumi up` fails
// (Finding.Blocks), 3 when only the others fail, 2 on bad arguments or
// configuration. docs/preflight.md says when to run it and what each check
// means.
//
//	preflight [--dir DIR] [--stack NAME] [--account ID]
//	preflight --procedures    # every fix, with placeholders, as Markdown
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"time"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

func main() {
	os.Exit(command(os.Args[1:], os.Stdout, os.Stderr))
}

// backendAccount finds the account in a state backend URL the bootstrap
// stack made (s3://<project>-pulumi-state-<account>?region=...).
var backendAccount = regexp.MustCompile(`^s3://[a-z0-9-]+-pulumi-state-([0-9]{12})\b`)

func command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preflight", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "the project directory: Pulumi.yaml and the stack files")
	stack := fs.String("stack", "production", "the stack to check the account for")
	account := fs.String("account", "", "the AWS account the stack belongs in (default: the state backend's, from PULUMI_BACKEND_URL)")
	procs := fs.Bool("procedures", false, "print every fix preflight can give, with placeholders, as Markdown, and exit")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if *procs {
		for _, p := range procedures() {
			fmt.Fprint(stdout, p.Markdown())
		}
		return ExitReady
	}
	cfg, err := load(*dir, *stack)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitUsage
	}
	if *account == "" {
		if m := backendAccount.FindStringSubmatch(os.Getenv("PULUMI_BACKEND_URL")); m != nil {
			*account = m[1]
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	a, err := NewAccount(ctx, cfg.Region)
	if err != nil {
		fmt.Fprintln(stderr, "load AWS credentials:", err)
		return ExitUsage
	}
	return report(stdout, cfg, Run(ctx, a, Target{Config: cfg, Account: *account}))
}

// load reads and validates the stack's configuration as the program does.
func load(dir, stack string) (*stackconfig.Config, error) {
	project, values, err := stackconfig.ReadStackFiles(dir, stack)
	if err != nil {
		return nil, err
	}
	cfg, err := stackconfig.Decode(project, stack, func(k string) (string, bool) { v, ok := values[k]; return v, ok })
	if err != nil {
		return nil, fmt.Errorf("invalid stack configuration:\n%w", err)
	}
	return cfg, nil
}

// The exit codes: what a workflow does next depends on which.
const (
	// ExitReady: every check passed.
	ExitReady = 0
	// ExitBlocked: a check failed that makes `pulumi up` fail; fix it first.
	ExitBlocked = 1
	// ExitUsage: bad arguments, or a stack configuration the program refuses.
	ExitUsage = 2
	// ExitFindings: only checks failed that `pulumi up` survives (AWS
	// Config's verdicts, subscriptions, delivery): report them, and deploy.
	ExitFindings = 3
)

// report prints the findings and returns the exit code (ExitReady,
// ExitBlocked or ExitFindings).
func report(w io.Writer, cfg *stackconfig.Config, findings []Finding) int {
	fmt.Fprintf(w, "preflight: stack %s, region %s\n\n", cfg.Stack, cfg.Region)
	blocking, other := 0, 0
	for _, f := range findings {
		fmt.Fprintf(w, "%-4s  %s: %s\n", f.Status, f.Check, f.Detail)
		if f.Fix != nil && (f.Status == Fail || f.Status == Warn) {
			fmt.Fprint(w, f.Fix.Text("      "))
		}
		switch {
		case f.Status == Fail && f.Blocks:
			blocking++
		case f.Status == Fail:
			other++
		}
	}
	switch {
	case blocking > 0:
		fmt.Fprintf(w, "\n%d checks failed that make `pulumi up` fail (and %d others): fix them before `pulumi up`.\n", blocking, other)
		return ExitBlocked
	case other > 0:
		fmt.Fprintf(w, "\n%d checks failed that `pulumi up` survives: fix them, but nothing stops a deploy.\n", other)
		return ExitFindings
	}
	fmt.Fprintln(w, "\nevery check passed.")
	return ExitReady
}
