package tests

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// iamPrefix is the IAM service prefix of an AWS SDK for Go v2 service
// package, where the two differ (the Service Authorization Reference names
// AWS Config's actions config:*).
var iamPrefix = map[string]string{"configservice": "config"}

// TestPreviewRoleMayRunPreflight: the workflows run preflight as the
// read-only preview role (TestPreflightRunsBeforeEveryPulumiCommand), so no
// API call preflight makes may be one the role's policy denies: a denied
// call would read as a failed check on every pull request. The calls are
// read from preflight's source, each client mapped to its service by the
// client's type in preflight/account.go.
func TestPreviewRoleMayRunPreflight(t *testing.T) {
	account, err := os.ReadFile("../preflight/account.go")
	require.NoError(t, err)
	clients := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(\w+)\s+\*(\w+)\.Client$`).FindAllStringSubmatch(string(account), -1) {
		service := m[2]
		if p, ok := iamPrefix[service]; ok {
			service = p
		}
		clients[m[1]] = service
	}
	require.NotEmpty(t, clients)
	checks, err := os.ReadFile("../preflight/checks.go")
	require.NoError(t, err)
	calls := regexp.MustCompile(`r\.a\.(\w+)\.(\w+)\(`).FindAllStringSubmatch(string(checks), -1)
	require.NotEmpty(t, calls)
	doc := rolePolicy(t, "github-preview")
	for _, c := range calls {
		service, ok := clients[c[1]]
		if !assert.Truef(t, ok, "preflight calls %s.%s, a client preflight/account.go does not declare", c[1], c[2]) {
			continue
		}
		action := service + ":" + c[2]
		assert.Falsef(t, denies(doc, action, "*"), "preflight calls %s, which the preview role's policy denies", action)
	}
}
