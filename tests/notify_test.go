package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stubGH is a gh that records each call and answers the lookups .ci/notify
// makes as GitHub would after its --jq filter: the ID of the comment that
// carries the report's marker ($FOUND_COMMENT) and the number of the open
// issue with the title ($FOUND_ISSUE), empty when there is none.
const stubGH = `#!/usr/bin/env bash
echo "$*" >> "$CALLS"
if [[ "$*" == *"-X GET"*"/comments"* ]]; then echo -n "$FOUND_COMMENT"; fi
if [[ "$*" == *"-X GET repos/o/r/issues -f state=open"* ]]; then echo -n "$FOUND_ISSUE"; fi
`

// notify runs .ci/notify with the stub and returns the calls it made.
func notify(t *testing.T, found map[string]string, args ...string) []string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gh"), []byte(stubGH), 0o755))
	calls := filepath.Join(dir, "calls")
	cmd := exec.Command("../.ci/notify", args...)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "CALLS="+calls, "GITHUB_REPOSITORY=o/r",
		"FOUND_COMMENT="+found["comment"], "FOUND_ISSUE="+found["issue"], "ASSIGNEES="+found["assignees"])
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	b, err := os.ReadFile(calls)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// A report reaches the pull request once (its comment updated, not
// repeated, on every push) and an issue once (commented while open, closed
// when resolved), with the assignees the repository names.
func TestNotifyUpdatesInsteadOfRepeating(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.md")
	require.NoError(t, os.WriteFile(report, []byte("<!-- pulumi-step preview staging -->\n### ✅ ok\n"), 0o644))

	calls := notify(t, nil, "pr", "7", report)
	require.Len(t, calls, 2)
	assert.Contains(t, calls[1], "-X POST repos/o/r/issues/7/comments -F body=@"+report, "no comment yet: add one")
	calls = notify(t, map[string]string{"comment": "991"}, "pr", "7", report)
	require.Len(t, calls, 2)
	assert.Contains(t, calls[1], "-X PATCH repos/o/r/issues/comments/991 -F body=@"+report, "the preview's comment is updated in place")

	calls = notify(t, map[string]string{"assignees": "alice,bob"}, "issue", "Drift in production", report)
	require.Len(t, calls, 2)
	assert.Contains(t, calls[1], "-X POST repos/o/r/issues -f title=Drift in production -F body=@"+report+" -f assignees[]=alice -f assignees[]=bob")
	calls = notify(t, map[string]string{"issue": "12"}, "issue", "Drift in production", report)
	require.Len(t, calls, 2)
	assert.Contains(t, calls[1], "-X POST repos/o/r/issues/12/comments -F body=@"+report, "an open issue gets a comment, not a twin")

	calls = notify(t, map[string]string{"issue": "12"}, "resolved", "Drift in production", "fixed")
	require.Len(t, calls, 3)
	assert.Contains(t, calls[1], "-X POST repos/o/r/issues/12/comments -f body=fixed")
	assert.Contains(t, calls[2], "-X PATCH repos/o/r/issues/12 -f state=closed")
	assert.Len(t, notify(t, nil, "resolved", "Drift in production", "fixed"), 1, "nothing open: only the lookup")
}
