package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// AWSModule is the Go module of the AWS SDK the program is built against;
// its version is the AWS provider's, which Pulumi names default providers by.
const AWSModule = "github.com/pulumi/pulumi-aws/sdk/v6"

// ProviderVersion reads the AWS provider version the program in dir is
// built against from its go.mod (AWSModule's version, without the v).
func ProviderVersion(dir string) (string, error) {
	path := filepath.Join(dir, "go.mod")
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read the program's go.mod: %w", err)
	}
	f, err := modfile.ParseLax(path, b, nil)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", path, err)
	}
	for _, req := range f.Require {
		if req.Mod.Path == AWSModule {
			return strings.TrimPrefix(req.Mod.Version, "v"), nil
		}
	}
	return "", fmt.Errorf("%s does not require %s", path, AWSModule)
}
