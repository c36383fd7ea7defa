// Command bootstrap creates what the delivery pipeline needs before the
// production stack's first preview: the state bucket, the secrets key, and
// GitHub Actions' OIDC roles. An administrator runs it once, with a local
// backend (see docs/platform-engineer.md, "Deploying for real"). The program lives in
// package pipeline.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/pipeline"
)

func main() {
	pulumi.Run(pipeline.Run)
}
