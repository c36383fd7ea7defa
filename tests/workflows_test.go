package tests

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
	"gopkg.in/yaml.v3"

	"github.com/omnirapeutic/infrastructure/internal/diff"
	"github.com/omnirapeutic/infrastructure/internal/stackfile"
	"github.com/omnirapeutic/infrastructure/pipeline"
)

// The rules the GitHub workflows keep: pinned actions on a current
// runtime, the CLI of go.mod's SDK, the policy pack as the end-to-end test
// runs it, staging before production, sessions that outlast their jobs,
// one queue per stack, and every result delivered to someone.

// node24Releases are the action releases the workflows may pin, by
// owner/name and full commit SHA: each one's action.yml at that commit
// declares `runs.using: node24` (read with git from the action's own
// repository: tags v7.0.1, v7.0.0, v6.2.3, v7.0.0, v7.0.0). GitHub runs
// Node 20 actions on Node 24 since June 2026 and removes Node 20 from its
// runners on 2026-09-23 (GitHub changelog, 2025-09-19, "Deprecation of
// Node 20 on GitHub Actions runners"). A Renovate bump fails here until
// someone checks the new release's runtime and records it.
var node24Releases = map[string]struct{ sha, version string }{
	"actions/checkout":                      {"3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"},
	"actions/setup-go":                      {"b7ad1dad31e06c5925ef5d2fc7ad053ef454303e", "v7.0.0"},
	"aws-actions/configure-aws-credentials": {"e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"},
	"pulumi/actions":                        {"8e5e406f4007fca908480587cb9893c07090f58d", "v7.0.0"},
	"actions/upload-artifact":               {"bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"},
}

// needs is a job's needs: one job or a list.
type needs []string

func (n *needs) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode {
		*n = needs{v.Value}
		return nil
	}
	var list []string
	err := v.Decode(&list)
	*n = list
	return err
}

type wfStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

type wfJob struct {
	Needs          needs             `yaml:"needs"`
	If             string            `yaml:"if"`
	TimeoutMinutes int               `yaml:"timeout-minutes"`
	Environment    string            `yaml:"environment"`
	Permissions    map[string]string `yaml:"permissions"`
	Env            map[string]string `yaml:"env"`
	Concurrency    struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
		Queue            string `yaml:"queue"`
	} `yaml:"concurrency"`
	Strategy struct {
		Matrix map[string][]string `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []wfStep `yaml:"steps"`
}

type workflowFile struct {
	On   map[string]yaml.Node `yaml:"on"`
	Jobs map[string]*wfJob    `yaml:"jobs"`
}

func workflows(t *testing.T) map[string]*workflowFile {
	t.Helper()
	files, err := filepath.Glob("../.github/workflows/*.yml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]*workflowFile{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var w workflowFile
		require.NoErrorf(t, yaml.Unmarshal(b, &w), "%s", f)
		out[filepath.Base(f)] = &w
	}
	return out
}

// instances expands a job over its matrix's stack values (a job without a
// stack matrix is one instance, stack ""), substituting ${{ matrix.stack }}.
func (j *wfJob) instances() []string {
	if stacks, ok := j.Strategy.Matrix["stack"]; ok {
		return stacks
	}
	return []string{""}
}

func expand(s, stack string) string { return strings.ReplaceAll(s, "${{ matrix.stack }}", stack) }

// pulumiStep finds, in one job instance, the .ci/pulumi-step call: its mode,
// the stack it runs on, and the step.
var pulumiStepCall = regexp.MustCompile(`\.ci/pulumi-step (preview|up|drift) "?\$?([A-Za-z{}. ]+|STACK)"?`)

type pulumiCall struct {
	workflow, job, mode, stack string
	step                       int
	j                          *wfJob
}

// pulumiCalls lists every .ci/pulumi-step call of every job instance.
func pulumiCalls(t *testing.T) []pulumiCall {
	t.Helper()
	var out []pulumiCall
	for name, w := range workflows(t) {
		for jobName, j := range w.Jobs {
			for _, stack := range j.instances() {
				for i, s := range j.Steps {
					m := pulumiStepCall.FindStringSubmatch(s.Run)
					if m == nil {
						continue
					}
					target := m[2]
					if target == "STACK" {
						target = expand(s.Env["STACK"], stack)
						if target == "" {
							target = expand(j.Env["STACK"], stack)
						}
					}
					out = append(out, pulumiCall{workflow: name, job: jobName, mode: m[1], stack: target, step: i, j: j})
				}
			}
		}
	}
	require.NotEmpty(t, out)
	return out
}

// role is the role a job assumes: "deploy", "preview" or "" for none.
func (j *wfJob) role() (role string, duration int) {
	for _, s := range j.Steps {
		if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
			d, _ := strconv.Atoi(s.With["role-duration-seconds"])
			switch s.With["role-to-assume"] {
			case "${{ vars.AWS_DEPLOY_ROLE_ARN }}":
				return "deploy", d
			case "${{ vars.AWS_PREVIEW_ROLE_ARN }}":
				return "preview", d
			}
			return "unknown", d
		}
	}
	return "", 0
}

var usesLine = regexp.MustCompile(`^\s*(?:-\s*)?uses:\s*(\S+)(.*)$`)

// Every action the workflows and the local composite action use is pinned
// to a full commit SHA of a recorded Node 24 release, with the release as a
// comment; only the repository's own actions go by path.
func TestActionsArePinnedToNode24Releases(t *testing.T) {
	files, err := filepath.Glob("../.github/workflows/*.yml")
	require.NoError(t, err)
	actions, err := filepath.Glob("../.github/actions/*/action.yml")
	require.NoError(t, err)
	require.NotEmpty(t, actions)
	pinned := 0
	for _, f := range append(files, actions...) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for i, line := range strings.Split(string(b), "\n") {
			m := usesLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			where := fmt.Sprintf("%s:%d", filepath.Base(f), i+1)
			if strings.HasPrefix(m[1], "./") {
				_, err := os.Stat(filepath.Join("..", m[1], "action.yml"))
				assert.NoErrorf(t, err, "%s uses %s, which has no action.yml", where, m[1])
				continue
			}
			repo, ref, ok := strings.Cut(m[1], "@")
			if !assert.Truef(t, ok, "%s: %s names no ref", where, m[1]) {
				continue
			}
			assert.Regexpf(t, `^[0-9a-f]{40}$`, ref, "%s: %s is not pinned to a full commit SHA", where, m[1])
			release, known := node24Releases[repo]
			if !assert.Truef(t, known, "%s: %s is not a recorded Node 24 release (node24Releases)", where, repo) {
				continue
			}
			assert.Equalf(t, release.sha, ref, "%s: %s is pinned to a commit other than the recorded %s release", where, repo, release.version)
			assert.Equalf(t, " # "+release.version, m[2], "%s: the comment names the release the SHA is", where)
			pinned++
		}
	}
	assert.Greater(t, pinned, 10)
}

// The CLI the workflows install is the SDK's version in go.mod, read at run
// time by .ci/pulumi-version, which is also the CLI tools/go.mod builds for
// the end-to-end test; pulumi/actions only installs it.
func TestPulumiCLIIsTheSDKVersion(t *testing.T) {
	b, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	mod, err := modfile.ParseLax("go.mod", b, nil)
	require.NoError(t, err)
	var sdk string
	for _, r := range mod.Require {
		if r.Mod.Path == "github.com/pulumi/pulumi/sdk/v3" {
			sdk = strings.TrimPrefix(r.Mod.Version, "v")
		}
	}
	require.NotEmpty(t, sdk)
	out, err := exec.Command("../.ci/pulumi-version").Output()
	require.NoError(t, err)
	assert.Equal(t, sdk, strings.TrimSpace(string(out)), ".ci/pulumi-version prints go.mod's SDK version")

	tb, err := os.ReadFile("../tools/go.mod")
	require.NoError(t, err)
	tools, err := modfile.ParseLax("tools/go.mod", tb, nil)
	require.NoError(t, err)
	for _, r := range tools.Require {
		if r.Mod.Path == "github.com/pulumi/pulumi/pkg/v3" {
			assert.Equal(t, "v"+sdk, r.Mod.Version, "tools/go.mod's CLI is the SDK's version")
		}
	}

	var action struct {
		Runs struct {
			Steps []wfStep `yaml:"steps"`
		} `yaml:"runs"`
	}
	ab, err := os.ReadFile("../.github/actions/pulumi-setup/action.yml")
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(ab, &action))
	steps := action.Runs.Steps
	installs := 0
	for name, w := range workflows(t) {
		for jobName, j := range w.Jobs {
			steps = append(steps, j.Steps...)
			for _, s := range j.Steps {
				assert.Falsef(t, strings.HasPrefix(s.Uses, "pulumi/actions@"), "%s/%s: install the CLI through ./.github/actions/pulumi-setup", name, jobName)
			}
		}
	}
	for _, s := range action.Runs.Steps {
		if !strings.HasPrefix(s.Uses, "pulumi/actions@") {
			continue
		}
		installs++
		assert.Empty(t, s.With["command"], "pulumi/actions only installs the CLI: a failed command would report nothing (.ci/pulumi-step runs it)")
		assert.Empty(t, s.With["policyPacks"])
		m := regexp.MustCompile(`^\$\{\{ steps\.([a-z-]+)\.outputs\.version \}\}$`).FindStringSubmatch(s.With["pulumi-version"])
		require.NotNil(t, m, "pulumi-version comes from a step's output, not a literal: %q", s.With["pulumi-version"])
		i := slices.IndexFunc(action.Runs.Steps, func(o wfStep) bool { return o.ID == m[1] })
		require.GreaterOrEqual(t, i, 0, "the step %s", m[1])
		assert.Contains(t, action.Runs.Steps[i].Run, ".ci/pulumi-version", "the version is go.mod's, read by .ci/pulumi-version")
	}
	assert.Equal(t, 1, installs)
}

// Every preview and up runs the policy pack as the binary the end-to-end
// test launches (go build -o, then --policy-pack <the binary>), never as the
// directory, which needs the Go language host.
func TestPolicyPackIsTheBinaryTheEndToEndTestRuns(t *testing.T) {
	step, err := os.ReadFile("../.ci/pulumi-step")
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(step), `--policy-pack "${POLICY_PACK:?`), ".ci/pulumi-step passes POLICY_PACK to preview and up")
	action, err := os.ReadFile("../.github/actions/pulumi-setup/action.yml")
	require.NoError(t, err)
	assert.Contains(t, string(action), `go build -o "$RUNNER_TEMP/policypack" ./policypack`)
	assert.Contains(t, string(action), `path=$RUNNER_TEMP/policypack`)
	e2e, err := os.ReadFile("../e2e/policy_test.go")
	require.NoError(t, err)
	assert.Contains(t, string(e2e), `exec.Command("go", "build", "-o", bin, "../policypack")`, "the end-to-end test proves the binary form")

	for _, c := range pulumiCalls(t) {
		if c.mode == "drift" {
			continue
		}
		s := c.j.Steps[c.step]
		m := regexp.MustCompile(`^\$\{\{ steps\.([a-z-]+)\.outputs\.policy-pack \}\}$`).FindStringSubmatch(s.Env["POLICY_PACK"])
		if !assert.NotNilf(t, m, "%s/%s: POLICY_PACK is the pulumi-setup step's policy-pack output", c.workflow, c.job) {
			continue
		}
		i := slices.IndexFunc(c.j.Steps, func(o wfStep) bool { return o.ID == m[1] })
		if assert.GreaterOrEqualf(t, i, 0, "%s/%s: step %s", c.workflow, c.job, m[1]) {
			assert.Equal(t, "./.github/actions/pulumi-setup", c.j.Steps[i].Uses)
		}
	}
	for name, w := range workflows(t) {
		for jobName, j := range w.Jobs {
			for _, s := range j.Steps {
				assert.NotRegexpf(t, `pulumi (preview|up)\b`, s.Run, "%s/%s: run previews and ups through .ci/pulumi-step", name, jobName)
			}
		}
	}
}

// committedStackNames are the stack files' stacks the workflows deploy:
// every one but the standby stacks (pipeline.StandbyStacks).
func committedStackNames(t *testing.T) []string {
	stacks, err := stackfile.Stacks("..")
	require.NoError(t, err)
	require.Contains(t, stacks, "staging")
	require.Contains(t, stacks, "production")
	for _, standby := range pipeline.StandbyStacks {
		require.Contains(t, stacks, standby, "a standby stack is a committed stack file")
	}
	return slices.DeleteFunc(stacks, func(s string) bool { return slices.Contains(pipeline.StandbyStacks, s) })
}

// Pull requests preview and diff every stack the workflows deploy (a
// standby stack is synthesized by go test instead); a merge deploys staging, then
// previews production for the approver, then deploys production in its
// environment, after both; the nightly drift check covers every stack.
func TestStagingGoesFirst(t *testing.T) {
	stacks := committedStackNames(t)
	calls := pulumiCalls(t)
	stacksOf := func(workflow, mode string) []string {
		var out []string
		for _, c := range calls {
			if c.workflow == workflow && c.mode == mode {
				out = append(out, c.stack)
			}
		}
		slices.Sort(out)
		return out
	}
	assert.Equal(t, stacks, stacksOf("pull-request.yml", "preview"), "every pull request previews every stack")
	assert.Equal(t, stacks, stacksOf("drift.yml", "drift"), "the drift check covers every stack")
	assert.ElementsMatch(t, stacks, workflows(t)["pull-request.yml"].Jobs["synth-diff"].instances(), "every pull request diffs every stack")
	assert.Equal(t, []string{"production", "staging"}, stacksOf("deploy.yml", "up"))
	assert.Equal(t, []string{"production"}, stacksOf("deploy.yml", "preview"))

	deploy := workflows(t)["deploy.yml"]
	jobOf := func(mode, stack string) string {
		for _, c := range calls {
			if c.workflow == "deploy.yml" && c.mode == mode && c.stack == stack {
				return c.job
			}
		}
		t.Fatalf("deploy.yml has no %s of %s", mode, stack)
		return ""
	}
	var upstream func(job string) []string
	upstream = func(job string) []string {
		var out []string
		for _, n := range deploy.Jobs[job].Needs {
			out = append(append(out, n), upstream(n)...)
		}
		return out
	}
	prod := jobOf("up", "production")
	assert.Contains(t, upstream(prod), jobOf("up", "staging"), "production deploys only after staging did")
	assert.Contains(t, upstream(prod), jobOf("preview", "production"), "production deploys only after its preview of merged main")
	assert.Contains(t, upstream(jobOf("preview", "production")), jobOf("up", "staging"), "the approver sees production's preview once staging took the change")
	assert.Equal(t, "production", deploy.Jobs[prod].Environment, "production's required reviewers gate its deploy")
	assert.Equal(t, "staging", deploy.Jobs[jobOf("up", "staging")].Environment)
}

// bootstrapDefault is a bootstrap/Pulumi.yaml default.
func bootstrapEnvironments(t *testing.T) []string {
	s := bootstrapSettings(t)
	return []string{s.StagingEnvironment, s.Environment}
}

// A job that assumes the deploy role runs in one of the environments the
// role trusts, for pipeline.DeployJobMinutes, and asks for a session of
// pipeline.DeploySessionSeconds, which outlasts it; a preview-role job runs
// outside any environment and within its hour. No credentials without a
// role, and none in a job that does not ask for an OIDC token.
func TestSessionsOutlastTheirJobs(t *testing.T) {
	roles := 0
	for name, w := range workflows(t) {
		for jobName, j := range w.Jobs {
			role, duration := j.role()
			where := name + "/" + jobName
			switch role {
			case "deploy":
				roles++
				assert.Containsf(t, bootstrapEnvironments(t), j.Environment, "%s assumes the deploy role outside the environments it trusts", where)
				assert.Equalf(t, pipeline.DeployJobMinutes, j.TimeoutMinutes, "%s: timeout-minutes", where)
				assert.Equalf(t, pipeline.DeploySessionSeconds, duration, "%s: role-duration-seconds", where)
			case "preview":
				roles++
				assert.Emptyf(t, j.Environment, "%s: the preview role trusts no environment", where)
				assert.LessOrEqualf(t, duration, pipeline.PreviewSessionSeconds, "%s: the preview role's sessions last at most its maximum", where)
			case "":
				assert.NotEqualf(t, "write", j.Permissions["id-token"], "%s asks for an OIDC token it does not use", where)
				continue
			default:
				t.Errorf("%s assumes a role that is neither the preview nor the deploy role", where)
				continue
			}
			assert.Equalf(t, "write", j.Permissions["id-token"], "%s needs an OIDC token", where)
			assert.GreaterOrEqualf(t, duration, j.TimeoutMinutes*60, "%s: its credentials expire before its timeout", where)
		}
	}
	assert.Greater(t, roles, 5)
}

// The workflows' AWS region is the bootstrap's (the roles' and the state
// bucket's).
func TestWorkflowsUseTheBootstrapsRegion(t *testing.T) {
	region := bootstrapSettings(t).Region
	for name, w := range workflows(t) {
		for jobName, j := range w.Jobs {
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials@") {
					assert.Equalf(t, region, s.With["aws-region"], "%s/%s", name, jobName)
				}
			}
		}
	}
}

// Every job that changes a stack or checks it for drift is in that stack's
// one concurrency group, queued (never cancelled, never replaced), so a
// deploy and a drift check never overlap and no deploy is dropped.
func TestDeployAndDriftShareOneQueuePerStack(t *testing.T) {
	for _, c := range pulumiCalls(t) {
		if c.mode == "preview" {
			continue
		}
		where := fmt.Sprintf("%s/%s (%s %s)", c.workflow, c.job, c.mode, c.stack)
		group := c.j.Concurrency.Group
		if _, matrix := c.j.Strategy.Matrix["stack"]; matrix {
			group = expand(group, c.stack)
		}
		assert.Equalf(t, "pulumi-"+c.stack, group, "%s: concurrency group", where)
		assert.Falsef(t, c.j.Concurrency.CancelInProgress, "%s: a cancelled up leaves a lock and pending operations", where)
		assert.Equalf(t, "max", c.j.Concurrency.Queue, "%s: without queue: max a newer pending run cancels a pending deploy", where)
	}
	for name, w := range workflows(t) {
		if name != "pull-request.yml" {
			for jobName, j := range w.Jobs {
				assert.NotEqualf(t, "true", fmt.Sprint(j.Concurrency.CancelInProgress), "%s/%s", name, jobName)
			}
		}
	}
}

// Every preview, deploy and drift result reaches someone, failed or not:
// the step writes the report (summary included) whatever happens, and the
// next step delivers it: on the pull request for previews there, as an
// issue for failed deploys, drift and failed drift checks.
func TestResultsReachSomeone(t *testing.T) {
	for _, c := range pulumiCalls(t) {
		where := fmt.Sprintf("%s/%s (%s %s)", c.workflow, c.job, c.mode, c.stack)
		s := c.j.Steps[c.step]
		if c.workflow == "deploy.yml" && c.mode == "preview" {
			continue // the run's summary is where the approver reads it
		}
		require.NotEmptyf(t, s.ID, "%s: the step needs an id for its report output", where)
		var delivery *wfStep
		for i := range c.j.Steps[c.step+1:] {
			next := &c.j.Steps[c.step+1+i]
			if strings.Contains(next.Run, ".ci/notify") && strings.Contains(next.Env["REPORT"], "steps."+s.ID+".outputs.report") {
				delivery = next
			}
		}
		if !assert.NotNilf(t, delivery, "%s: no later step delivers the report", where) {
			continue
		}
		assert.Regexpf(t, `^(always|failure)\(\)`, delivery.If, "%s: the delivery must run when the step fails", where)
		want := ".ci/notify issue"
		if c.workflow == "pull-request.yml" {
			want = ".ci/notify pr"
		}
		assert.Containsf(t, delivery.Run, want, where)
		if c.mode == "drift" {
			assert.Contains(t, delivery.Run, "Drift in", where)
			assert.Contains(t, delivery.Run, "Drift check of", "%s: drift and a failed check are told apart", where)
			assert.Contains(t, delivery.Env["OUTCOME"], "steps."+s.ID+".outputs.outcome", where)
		}
		assert.Equalf(t, "write", c.j.Permissions[map[bool]string{true: "pull-requests", false: "issues"}[c.workflow == "pull-request.yml"]],
			"%s: the token must be allowed to write where the report goes", where)
	}
}

// The allow-replace label works when it is added or removed: the workflow
// runs on labeled and unlabeled, and every job runs on every event (a job
// skipped by label would let a cancelled run leave a green check).
func TestAllowReplaceLabelReRunsTheChecks(t *testing.T) {
	w := workflows(t)["pull-request.yml"]
	on := w.On["pull_request"]
	var trigger struct {
		Types []string `yaml:"types"`
	}
	require.NoError(t, on.Decode(&trigger))
	for _, typ := range []string{"opened", "synchronize", "reopened", "labeled", "unlabeled"} {
		assert.Contains(t, trigger.Types, typ)
	}
	diff := w.Jobs["synth-diff"]
	var reads bool
	for _, s := range diff.Steps {
		reads = reads || strings.Contains(s.Env["ALLOW_REPLACE"], "'allow-replace'") && strings.Contains(s.Run, "--allow-replace")
	}
	assert.True(t, reads, "synth-diff passes --allow-replace when the pull request carries the label")
	for name, j := range w.Jobs {
		assert.NotContainsf(t, j.If, "label", "%s is skipped by a label", name)
	}
	var base bool
	for _, s := range diff.Steps {
		for _, v := range s.Env {
			assert.NotContains(t, v, "base.sha", "the event's base.sha may be older than main the pull request merges into")
		}
		base = base || strings.Contains(s.Run, `git worktree add "$RUNNER_TEMP/base" HEAD^1`)
	}
	assert.True(t, base, "the base is the merge commit's first parent")
}

// A pull request from a fork skips the jobs that need credentials, with a
// notice; the others run.
func TestForkPullRequestsSkipCredentialedJobs(t *testing.T) {
	w := workflows(t)["pull-request.yml"]
	const same = "github.event.pull_request.head.repo.full_name == github.repository"
	const fork = "github.event.pull_request.head.repo.full_name != github.repository"
	notices := 0
	for name, j := range w.Jobs {
		role, _ := j.role()
		switch {
		case role != "":
			assert.Equalf(t, same, j.If, "%s needs credentials: it must not run for a fork", name)
		case j.If == fork:
			notices++
			assert.Contains(t, strings.Join(slices.Collect(func(yield func(string) bool) {
				for _, s := range j.Steps {
					yield(s.Run)
				}
			}), "\n"), "::notice")
		default:
			assert.Emptyf(t, j.If, "%s runs for every pull request", name)
		}
	}
	assert.Equal(t, 1, notices)
}

// The guide's branch protection requires exactly the pull-request
// workflow's checks, as GitHub names them (a matrix job: "job (value)").
func TestGuideRequiresThePullRequestChecks(t *testing.T) {
	w := workflows(t)["pull-request.yml"]
	var checks []string
	for _, name := range slices.Sorted(maps.Keys(w.Jobs)) {
		j := w.Jobs[name]
		if strings.Contains(j.If, "!=") {
			continue // the fork notice runs only where the previews cannot
		}
		for _, stack := range j.instances() {
			if stack == "" {
				checks = append(checks, name)
			} else {
				checks = append(checks, fmt.Sprintf("%s (%s)", name, stack))
			}
		}
	}
	doc, err := os.ReadFile("../docs/platform-engineer.md")
	require.NoError(t, err)
	m := regexp.MustCompile(`"contexts": \[([^\]]*)\]`).FindSubmatch(doc)
	require.NotNil(t, m, "the guide's branch protection lists its required checks")
	var listed []string
	for _, c := range regexp.MustCompile(`"([^"]+)"`).FindAllSubmatch(m[1], -1) {
		listed = append(listed, string(c[1]))
	}
	assert.ElementsMatch(t, checks, listed)
}

// Each job that assumes a role leaves the place where issue 20's preflight
// Preflight (docs/preflight.md) reads the account before every pulumi
// command of a stack: in the command's own job, earlier than it, or in a
// job it needs (directly or not); always as the read-only preview role,
// whatever role the pulumi command then assumes.
func TestPreflightRunsBeforeEveryPulumiCommand(t *testing.T) {
	preflightCall := regexp.MustCompile(`\.ci/preflight "?\$?([A-Za-z{}. ]+|STACK)"?`)
	type key struct{ workflow, job, stack string }
	ran := map[key]int{} // job instance → index of its preflight step
	for name, w := range workflows(t) {
		for jobName, j := range w.Jobs {
			for _, stack := range j.instances() {
				for i, s := range j.Steps {
					m := preflightCall.FindStringSubmatch(s.Run)
					if m == nil {
						continue
					}
					target := m[1]
					if target == "STACK" {
						target = expand(s.Env["STACK"], stack)
						if target == "" {
							target = expand(j.Env["STACK"], stack)
						}
					}
					role, _ := j.role()
					assert.Equalf(t, "preview", role, "%s/%s runs preflight as the read-only preview role", name, jobName)
					ran[key{name, jobName, target}] = i
				}
			}
		}
	}
	require.NotEmpty(t, ran)
	w := workflows(t)
	var before func(workflow, job, stack string, seen map[string]bool) bool
	before = func(workflow, job, stack string, seen map[string]bool) bool {
		if seen[job] {
			return false
		}
		seen[job] = true
		if _, ok := ran[key{workflow, job, stack}]; ok {
			return true
		}
		for _, n := range w[workflow].Jobs[job].Needs {
			if before(workflow, n, stack, seen) {
				return true
			}
		}
		return false
	}
	for _, c := range pulumiCalls(t) {
		if i, ok := ran[key{c.workflow, c.job, c.stack}]; ok {
			assert.Lessf(t, i, c.step, "%s/%s: preflight runs before pulumi %s of %s", c.workflow, c.job, c.mode, c.stack)
			continue
		}
		assert.Truef(t, before(c.workflow, c.job, c.stack, map[string]bool{}),
			"%s/%s: pulumi %s of %s runs without preflight of that stack before it", c.workflow, c.job, c.mode, c.stack)
	}
}

// stubSynthDiffTools are a git and a go that stand in for the synth-diff
// job's: git makes the worktree directory, go prints an inventory for
// `go run ./cmd/synth --json` and, for `go run ./cmd/synth diff`, records
// its arguments and exits with $DIFF_EXIT, as synth diff would.
const stubSynthDiffTools = `#!/usr/bin/env bash
case "$(basename "$0")" in
git) [ "$1 $2" = "worktree add" ] && mkdir -p "$3" ;;
go)
  if [[ " $* " == *" diff "* ]]; then
    echo "$*" > "$CALLS"
    echo "Synthesis diff stub"
    exit "$DIFF_EXIT"
  fi
  echo '{"project":"p","stack":"'"$STACK"'"}' ;;
esac
`

// TestSynthDiffJobFailsOnlyOnARefusal runs the synth-diff job's script as
// written, with stand-ins for git and go, for each exit code synth diff
// has: the check passes on no change (0) and on changes none of which is
// dangerous (1), and fails on a dangerous change without the label (2) and
// on bad input (3); the label passes --allow-replace, and every outcome's
// diff reaches the run's summary.
func TestSynthDiffJobFailsOnlyOnARefusal(t *testing.T) {
	var script string
	for _, s := range workflows(t)["pull-request.yml"].Jobs["synth-diff"].Steps {
		if strings.Contains(s.Run, "cmd/synth diff") {
			script = s.Run
		}
	}
	require.NotEmpty(t, script, "synth-diff runs synth diff")
	bin := t.TempDir()
	for _, tool := range []string{"git", "go"} {
		require.NoError(t, os.WriteFile(filepath.Join(bin, tool), []byte(stubSynthDiffTools), 0o755))
	}
	for _, tc := range []struct {
		diff, job int
		label     bool
	}{
		{diff.NoChange, 0, false},
		{diff.Changes, 0, false},
		{diff.Changes, 0, true},
		{diff.Dangerous, diff.Dangerous, false},
		{diff.BadInput, diff.BadInput, false},
	} {
		t.Run(fmt.Sprintf("diff exits %d, label %v", tc.diff, tc.label), func(t *testing.T) {
			tmp := t.TempDir()
			summary, calls := filepath.Join(tmp, "summary.md"), filepath.Join(tmp, "calls")
			cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", script) // GitHub's default shell for run steps
			cmd.Dir = tmp
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "RUNNER_TEMP="+tmp, "GITHUB_STEP_SUMMARY="+summary,
				"STACK=production", "ALLOW_REPLACE="+strconv.FormatBool(tc.label), "DIFF_EXIT="+strconv.Itoa(tc.diff), "CALLS="+calls)
			out, err := cmd.CombinedOutput()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err, string(out))
			}
			assert.Equal(t, tc.job, code, string(out))
			b, err := os.ReadFile(summary)
			require.NoError(t, err)
			assert.Contains(t, string(b), "Synthesis diff stub", "the diff reaches the summary whatever the outcome")
			args, err := os.ReadFile(calls)
			require.NoError(t, err)
			assert.Equal(t, tc.label, strings.Contains(string(args), "--allow-replace"), "the label passes --allow-replace, and only the label")
		})
	}
}
