// Command policypack serves the stack's HIPAA guardrails (package
// guardrails) to the Pulumi engine as an analyzer plugin. The engine runs it
// for `pulumi preview --policy-pack policypack` (building it with the Go
// language host from PulumiPolicy.yaml) or, given the path of the built
// binary, launches it directly: `go build -o bin/policypack ./policypack`
// then `--policy-pack bin/policypack`.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/omnirapeutic/infrastructure/guardrails"
)

func main() {
	if err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) { return guardrails.Pack() }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
