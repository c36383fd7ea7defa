// Command omnirapeutic is the Pulumi program for Omnirapeutic's production
// platform on AWS. The program itself lives in package platform.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/platform"
)

func main() {
	pulumi.Run(platform.Run)
}
