//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/pipeline"
	"github.com/omnirapeutic/infrastructure/platform"
)

// The guide's commands, run as the guide writes them: every `sh` block of
// docs/platform-engineer.md's "Deploying for real", in order, in one bash
// session, in a copy of the repository, by the real Pulumi CLI. What this
// machine cannot have is stood in for, and nothing else:
//   - AWS: the stand-in provider (PULUMI_DEBUG_PROVIDERS), which also holds
//     what the account already has (a GuardDuty detector, the Session
//     Manager preferences) for the imports to find;
//   - the Go language host: the stand-in of language.go
//     (PULUMI_DEBUG_LANGUAGES), which runs each project's program;
//   - KMS: the stand-in of kms.go (AWS_ENDPOINT_URL_KMS), behind the
//     guide's own awskms:// URL;
//   - the S3 state bucket: a directory. A `pulumi` wrapper first on PATH
//     turns every s3://BUCKET?... argument, and PULUMI_BACKEND_URL, into
//     file://<buckets>/BUCKET, and runs the CLI.
//
// The reader's own inputs are the environment the guide says to set
// (OWNER_ID, REPO_ID, DETECTOR_ID); HOME is a fresh directory (a fresh
// laptop), and PULUMI_SKIP_CONFIRMATIONS answers the CLI's prompts.

const (
	guideDoc     = "docs/platform-engineer.md"
	guideSection = "Deploying for real"
	// detectorID is the GuardDuty detector the account already has.
	detectorID = "4eb1c9a0d5f2e8b7c6a4d3f2e1b0a9c8"
	// sessionPreferences is the Session Manager preferences document the
	// console creates on first use.
	sessionPreferences = "SSM-SessionManagerRunShell"
)

// shBlocks returns the `sh` blocks of a Markdown section (its "## title"
// heading up to the next level-two heading), in order.
func shBlocks(t *testing.T, doc, title string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", doc))
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	start := slices.Index(lines, "## "+title)
	require.GreaterOrEqualf(t, start, 0, "%s has no section %q", doc, title)
	var blocks []string
	var block []string
	in := false
	for _, line := range lines[start+1:] {
		if !in && strings.HasPrefix(line, "## ") {
			break
		}
		switch {
		case !in && line == "```sh":
			in, block = true, nil
		case in && line == "```":
			in = false
			blocks = append(blocks, strings.Join(block, "\n"))
		case in:
			block = append(block, line)
		}
	}
	require.NotEmptyf(t, blocks, "%s's %q has no sh block", doc, title)
	return blocks
}

// pulumiWrapper is the `pulumi` the guide's commands find first on PATH.
const pulumiWrapper = `#!/usr/bin/env bash
# The S3 state bucket, stood in for by a directory (e2e/guide_test.go).
set -euo pipefail
bucket() {
  case "$1" in
  s3://*)
    local b=${1#s3://}
    b=${b%%\?*}
    mkdir -p "$E2E_BUCKETS/$b"
    printf 'file://%s/%s' "$E2E_BUCKETS" "$b"
    ;;
  *) printf '%s' "$1" ;;
  esac
}
args=()
for a in "$@"; do args+=("$(bucket "$a")"); done
if [ -n "${PULUMI_BACKEND_URL:-}" ]; then
  PULUMI_BACKEND_URL=$(bucket "$PULUMI_BACKEND_URL")
  export PULUMI_BACKEND_URL
fi
exec "$E2E_PULUMI" ${args[@]+"${args[@]}"}
`

// guide is a fresh laptop and a fresh account, with everything stood in.
type guide struct {
	// root is the copy of the repository the commands run in.
	root string
	// home is the reader's home directory.
	home string
	// buckets holds a directory per S3 bucket the commands used.
	buckets string
	env     []string

	provider *Provider
	kms      *KMS
	language *Language
}

func startGuide(t *testing.T) *guide {
	t.Helper()
	cliRoot := os.Getenv(RootEnv)
	if cliRoot == "" {
		t.Fatalf("%s is not set: build the Pulumi CLI with tools/ (see .ci/run) and point %s at the directory holding bin/pulumi", RootEnv, RootEnv)
	}
	cli, err := filepath.Abs(filepath.Join(cliRoot, "bin", "pulumi"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	tmp := t.TempDir()
	g := &guide{
		root:    filepath.Join(tmp, "repo"),
		home:    filepath.Join(tmp, "home"),
		buckets: filepath.Join(tmp, "buckets"),
	}
	copyRepository(t, "..", g.root)
	wrappers := filepath.Join(tmp, "wrappers")
	for _, d := range []string{g.home, g.buckets, wrappers, filepath.Join(tmp, "pulumi-home")} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, os.WriteFile(filepath.Join(wrappers, "pulumi"), []byte(pulumiWrapper), 0o755))

	version, err := awsVersion("../go.mod")
	require.NoError(t, err)
	g.provider = NewProvider("omnirapeutic", "production", "us-east-1", version)
	providerPort, err := g.provider.Serve(ctx)
	require.NoError(t, err)
	g.kms = NewKMS()
	kmsURL, err := g.kms.Serve(ctx)
	require.NoError(t, err)
	g.language = NewLanguage(map[string]pulumi.RunFunc{"omnirapeutic": platform.Run, "omnirapeutic-bootstrap": pipeline.Run})
	languagePort, err := g.language.Serve(ctx)
	require.NoError(t, err)

	goEnv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH", "GOROOT").Output()
	require.NoError(t, err)
	goVars := strings.Split(strings.TrimSpace(string(goEnv)), "\n")
	require.Len(t, goVars, 4)
	g.env = []string{
		"PATH=" + wrappers + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + g.home,
		"TMPDIR=" + tmp,
		"LANG=C.UTF-8",
		// The module's Go build cache and modules, offline: nothing downloads.
		"GOCACHE=" + goVars[0], "GOMODCACHE=" + goVars[1], "GOPATH=" + goVars[2], "GOROOT=" + goVars[3],
		"GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly",
		"PULUMI_HOME=" + filepath.Join(tmp, "pulumi-home"),
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
		"PULUMI_SKIP_CONFIRMATIONS=true",
		fmt.Sprintf("PULUMI_DEBUG_PROVIDERS=aws:%d", providerPort),
		fmt.Sprintf("PULUMI_DEBUG_LANGUAGES=go:%d", languagePort),
		"AWS_ENDPOINT_URL_KMS=" + kmsURL,
		"AWS_ACCESS_KEY_ID=stand-in", "AWS_SECRET_ACCESS_KEY=stand-in", "AWS_EC2_METADATA_DISABLED=true",
		"E2E_PULUMI=" + cli,
		"E2E_BUCKETS=" + g.buckets,
	}
	return g
}

// copyRepository copies the module's files, not its git data or build outputs.
func copyRepository(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		if d.IsDir() && (rel == "bin" || rel == ".git" || d.Name() == ".pulumi") || d.Name() == ".git" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, info.Mode().Perm())
	}))
}

// bash runs a script in the copy, with the guide's environment and more;
// it returns the combined output and the exit status.
func (g *guide) bash(t *testing.T, script string, env ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-c", script)
	cmd.Dir = g.root
	cmd.Env = append(slices.Clone(g.env), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "run bash")
		return out.String(), exit.ExitCode()
	}
	return out.String(), 0
}

// script joins blocks into one bash script that stops at the first failing
// command and says which block it was in.
func script(blocks []string) string {
	var b strings.Builder
	b.WriteString("set -euo pipefail\n")
	for i, block := range blocks {
		fmt.Fprintf(&b, "echo '>>> block %d of %d'\n", i+1, len(blocks))
		b.WriteString("set -x\n" + block + "\nset +x\n")
	}
	return b.String()
}

// stackFile reads a stack file the guide's commands rewrote.
func (g *guide) stackFile(t *testing.T, dir, stack string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(g.root, dir, "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	return string(b)
}

// checkpoint reads a stack's latest deployment from the bucket directory.
func (g *guide) checkpoint(t *testing.T, bucket, project, stack string) apitype.DeploymentV3 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(g.buckets, bucket, ".pulumi", "stacks", project, stack+".json"))
	require.NoErrorf(t, err, "the state of %s/%s in the bucket", project, stack)
	var cp apitype.VersionedCheckpoint
	require.NoError(t, json.Unmarshal(b, &cp))
	var v3 apitype.CheckpointV3
	require.NoError(t, json.Unmarshal(cp.Checkpoint, &v3))
	require.NotNil(t, v3.Latest)
	return *v3.Latest
}

func tailOf(s string) string {
	if len(s) > 6000 {
		return "...\n" + s[len(s)-6000:]
	}
	return s
}

// TestGuide runs the guide from a fresh laptop and a fresh account to both
// stacks deployed, then the pipeline's step script and the state runbooks
// against what it built.
func TestGuide(t *testing.T) {
	g := startGuide(t)
	// What the account has before the first `pulumi up`: the console's
	// GuardDuty detector and Session Manager preferences, as AWS reads them.
	g.provider.Exists("aws:guardduty/detector:Detector", detectorID, map[string]any{
		"enable": true, "findingPublishingFrequency": "SIX_HOURS", "accountId": synth.AccountID,
	})
	g.provider.Exists("aws:ssm/document:Document", sessionPreferences, map[string]any{
		"name": sessionPreferences, "documentType": "Session", "documentFormat": "JSON",
		"content": `{"schemaVersion":"1.0","description":"Document to hold regional settings for Session Manager","sessionType":"Standard_Stream","inputs":{}}`,
	})
	const ownerID, repoID = "5551212", "8675309"

	start := time.Now()
	out, status := g.bash(t, script(shBlocks(t, guideDoc, guideSection)),
		"OWNER_ID="+ownerID, "REPO_ID="+repoID, "DETECTOR_ID="+detectorID)
	require.Zerof(t, status, "the guide's commands failed:\n%s", tailOf(out))
	t.Logf("guide: %s, programs run %v, KMS calls %d encrypt %d decrypt", time.Since(start).Round(time.Second),
		g.language.Runs(), len(g.kms.Calls()["Encrypt"]), len(g.kms.Calls()["Decrypt"]))

	// The bootstrap's outputs, as the guide read them (from the bucket now).
	outputs := map[string]string{}
	raw, status := g.bash(t, "pulumi -C bootstrap stack output --json --stack production")
	require.Zero(t, status, raw)
	require.NoError(t, json.Unmarshal([]byte(raw), &outputs), raw)
	bucket := outputs["stateBucketName"]
	require.NotEmpty(t, bucket)

	t.Run("the bootstrap's state moved into its bucket, onto its key", func(t *testing.T) {
		entries, err := os.ReadDir(g.buckets)
		require.NoError(t, err)
		require.Len(t, entries, 1, "one bucket: the one the bootstrap created")
		assert.Equal(t, bucket, entries[0].Name())
		boot := g.checkpoint(t, bucket, "omnirapeutic-bootstrap", "production")
		var bucketResource bool
		for _, r := range boot.Resources {
			if r.Type == "aws:s3/bucketV2:BucketV2" {
				bucketResource = r.Inputs["bucket"] == bucket
			}
		}
		assert.True(t, bucketResource, "the bucket holding the state is the bucket the bootstrap manages")
		assert.NoDirExists(t, filepath.Join(g.home, ".pulumi-bootstrap"), "the laptop's copy is gone")
		file := g.stackFile(t, "bootstrap", "production")
		assert.Contains(t, file, "secretsprovider: "+outputs["secretsProvider"])
		assert.NotContains(t, file, "encryptionsalt", "no passphrase left behind")
		assert.Contains(t, file, "repositoryOwnerId: \""+ownerID+"\"")
	})

	t.Run("both stacks use the KMS secrets provider, never a passphrase", func(t *testing.T) {
		assert.True(t, strings.HasPrefix(outputs["secretsProvider"], "awskms://alias/"), outputs["secretsProvider"])
		for _, stack := range []string{"staging", "production"} {
			file := g.stackFile(t, ".", stack)
			assert.Contains(t, file, "secretsprovider: "+outputs["secretsProvider"], stack)
			assert.Contains(t, file, "encryptedkey: ", stack)
			assert.NotContains(t, file, "encryptionsalt", "%s: a passphrase stack", stack)
		}
		alias := strings.TrimPrefix(strings.SplitN(outputs["secretsProvider"], "?", 2)[0], "awskms://")
		calls := g.kms.Calls()
		assert.GreaterOrEqual(t, len(calls["Encrypt"]), 3, "the bootstrap's move and both stacks' data keys")
		assert.NotEmpty(t, calls["Decrypt"], "opening a stack decrypts its data key")
		for op, keys := range calls {
			for _, k := range keys {
				assert.Equalf(t, alias, k, "KMS %s with a key other than the secrets provider's", op)
			}
		}
		boot := g.checkpoint(t, bucket, "omnirapeutic-bootstrap", "production")
		aliases := map[string]bool{}
		for _, r := range boot.Resources {
			if r.Type == "aws:kms/alias:Alias" {
				aliases[fmt.Sprint(r.Inputs["name"])] = true
			}
		}
		assert.True(t, aliases[alias], "the secrets provider's key is the alias the bootstrap created: %v", aliases)
	})

	offline, err := synth.Run(synth.Options{Dir: g.root})
	require.NoError(t, err)
	t.Run("the account's singletons were imported, not created", func(t *testing.T) {
		prod := g.checkpoint(t, bucket, "omnirapeutic", "production")
		byURN := map[string]apitype.ResourceV3{}
		for _, r := range prod.Resources {
			byURN[string(r.URN)] = r
		}
		for _, want := range []struct{ typ, name, id string }{
			{"aws:guardduty/detector:Detector", "guardduty", detectorID},
			{"aws:ssm/document:Document", "bastion-session-preferences", sessionPreferences},
		} {
			res := offline.Find(want.typ, want.name)
			require.NotNilf(t, res, "the program registers %s %s", want.typ, want.name)
			got, ok := byURN[res.URN]
			require.Truef(t, ok, "%s is in the state at the program's URN", res.URN)
			assert.Equalf(t, want.id, string(got.ID), "%s keeps the ID of what the account had: the up updated it, never created a second", want.name)
		}
		assert.Len(t, prod.Resources, len(offline.Resources)+2, "the program's resources, the stack and the aws provider")
		staging := g.checkpoint(t, bucket, "omnirapeutic", "staging")
		stagingOffline, err := synth.Run(synth.Options{Dir: g.root, Stack: "staging"})
		require.NoError(t, err)
		assert.Len(t, staging.Resources, len(stagingOffline.Resources)+2, "staging is deployed too")
	})

	// The workflows' step (.ci/pulumi-step) against the deployed stacks:
	// what it reports and the outcome it gives each result.
	step := func(t *testing.T, mode string) (report, outcome string, status int) {
		t.Helper()
		dir := t.TempDir()
		summary, outputFile := filepath.Join(dir, "summary.md"), filepath.Join(dir, "output")
		out, status := g.bash(t, ".ci/pulumi-step "+mode+" production",
			"POLICY_PACK="+filepath.Join(g.root, "bin", "policypack"),
			"REPORT="+filepath.Join(dir, "report.md"), "GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+outputFile)
		b, err := os.ReadFile(filepath.Join(dir, "report.md"))
		require.NoErrorf(t, err, "no report:\n%s", tailOf(out))
		s, err := os.ReadFile(summary)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(s), "the summary is the report")
		o, err := os.ReadFile(outputFile)
		require.NoError(t, err)
		for _, line := range strings.Split(string(o), "\n") {
			if v, ok := strings.CutPrefix(line, "outcome="); ok {
				outcome = v
			}
		}
		assert.Contains(t, string(o), "report="+filepath.Join(dir, "report.md"))
		assert.Truef(t, strings.HasPrefix(string(b), "<!-- pulumi-step "+mode+" production -->\n"), "the report starts with its marker:\n%s", b)
		return string(b), outcome, status
	}

	t.Run("the workflows' step tells drift from an error", func(t *testing.T) {
		report, outcome, status := step(t, "drift")
		require.Zerof(t, status, report)
		assert.Equal(t, "ok", outcome)
		assert.Contains(t, report, "no drift")

		logs := offline.Find("aws:cloudwatch/logGroup:LogGroup", "cloudtrail-logs")
		require.NotNil(t, logs)
		g.provider.Drift(logs.Type, logs.Name+"-id", map[string]any{"retentionInDays": 1})
		report, outcome, status = step(t, "drift")
		assert.Equal(t, 7, status, "--expect-no-changes exits 7 when the refresh finds drift")
		assert.Equal(t, "drift", outcome, report)
		assert.Contains(t, report, "⚠️ drift")
		assert.Contains(t, report, "retentionInDays")
		g.provider.Drift(logs.Type, logs.Name+"-id", nil) // the console change reverted

		report, outcome, status = step(t, "drift")
		assert.Zero(t, status, report)
		assert.Equal(t, "ok", outcome)

		out, s := g.bash(t, "pulumi config set --stack production vpcCidr 10.0.0.0/8")
		require.Zero(t, s, out)
		report, outcome, status = step(t, "drift")
		assert.NotContains(t, []int{0, 7}, status, "a broken program is an error, not drift")
		assert.Equal(t, "failed", outcome)
		assert.Contains(t, report, "❌")
		assert.Contains(t, report, "must be between /16 and /28", "the report carries the error")
		out, s = g.bash(t, "pulumi config set --stack production vpcCidr 10.0.0.0/16")
		require.Zero(t, s, out)

		report, outcome, status = step(t, "preview")
		assert.Zero(t, status, report)
		assert.Equal(t, "ok", outcome)
		assert.Contains(t, report, "--policy-pack", "the preview runs the policy pack")
	})

	t.Run("runbook: release a stale lock", func(t *testing.T) {
		lockDir := filepath.Join(g.buckets, bucket, ".pulumi", "locks", "organization", "omnirapeutic", "production")
		require.NoError(t, os.MkdirAll(lockDir, 0o755))
		lock, _ := json.Marshal(map[string]any{"pid": 4242, "username": "runner", "hostname": "fv-az123", "timestamp": time.Now().Add(-3 * time.Hour)})
		require.NoError(t, os.WriteFile(filepath.Join(lockDir, "d9c1c1f2-stale.json"), lock, 0o644))

		report, outcome, status := step(t, "up")
		assert.NotZero(t, status)
		assert.Equal(t, "failed", outcome)
		assert.Contains(t, report, "locked", "an up refuses a locked stack, naming the lock")

		out, status := g.bash(t, script(shBlocks(t, "docs/runbooks.md", "Release a stale lock")))
		require.Zerof(t, status, "the runbook's commands failed:\n%s", tailOf(out))
		report, outcome, status = step(t, "up")
		assert.Zerof(t, status, report)
		assert.Equal(t, "ok", outcome)
	})

	t.Run("runbook: restore a stack's state from an earlier checkpoint", func(t *testing.T) {
		// The history keeps each update's checkpoint, as the bucket's
		// versions do: the one before the last stands in for the version
		// `aws s3api get-object` fetches.
		history, err := filepath.Glob(filepath.Join(g.buckets, bucket, ".pulumi", "history", "omnirapeutic", "production", "*.checkpoint.json"))
		require.NoError(t, err)
		require.NotEmpty(t, history)
		require.GreaterOrEqual(t, len(history), 2)
		slices.Sort(history)
		b, err := os.ReadFile(history[len(history)-2])
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(g.root, "checkpoint.json"), b, 0o644))

		out, status := g.bash(t, script(shBlocks(t, "docs/runbooks.md", "Restore a stack's state")))
		require.Zerof(t, status, "the runbook's commands failed:\n%s", tailOf(out))
		assert.NoFileExists(t, filepath.Join(g.root, "checkpoint.json"))
	})
}
