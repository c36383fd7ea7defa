package synth

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var computeSection = Section{Title: "Compute", Write: writeCompute}

func writeCompute(r *Result, w io.Writer) error {
	var rows [][]string
	for _, repo := range r.OfType("aws:ecr/repository:Repository") {
		rows = append(rows, []string{repo.Str("name"), repo.Str("imageTagMutability"), fmt.Sprint(repo.Inputs["imageScanningConfiguration"].(map[string]any)["scanOnPush"])})
	}
	fmt.Fprintln(w, "ECR repositories (KMS-encrypted, lifecycle-managed, no repository policy):")
	if err := table(w, []string{"REPOSITORY", "TAGS", "SCAN ON PUSH"}, rows); err != nil {
		return err
	}

	running := map[string]*Resource{}
	for _, s := range r.OfType("aws:ecs/service:Service") {
		running[s.Str("name")] = s
	}
	rows = nil
	for _, name := range r.Stack.Config.ServiceNames() {
		spec := r.Stack.Config.Services[name]
		state := "declared (off)"
		if _, ok := running[r.Stack.Config.NamePrefix()+"-"+name]; ok {
			state = "running"
		}
		image := spec.Image
		switch {
		case image != "":
		case spec.ImageTag == "":
			image = fmt.Sprintf("ECR %s (no tag yet)", name)
		default:
			image = fmt.Sprintf("ECR %s:%s", name, spec.ImageTag)
		}
		tg := spec.TargetGroup
		if tg == "" {
			tg = "(none)"
		}
		scaling := "fixed"
		if a := spec.Autoscaling; a != nil {
			scaling = fmt.Sprintf("%d-%d at %d%% CPU", a.MinCount, a.MaxCount, a.CpuTargetPercent)
		}
		database := "-"
		if spec.Database {
			database = stackconfig.DatabaseUser(name) + " (IAM auth)"
		}
		var secrets []string
		for _, s := range spec.Secrets {
			secrets = append(secrets, string(s))
		}
		rows = append(rows, []string{name, state, fmt.Sprintf("%.2f vCPU / %d MB", float64(spec.Cpu)/1024, spec.Memory),
			fmt.Sprint(spec.DesiredCount), scaling, fmt.Sprint(spec.ContainerPort), tg, image, strings.Join(secrets, ","), database})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i][1] > rows[j][1] })
	fmt.Fprintln(w, "\nServices (one config change, enabled: true, switches a declared one on):")
	if err := table(w, []string{"SERVICE", "STATE", "SIZE", "TASKS", "SCALING", "PORT", "TARGET GROUP", "IMAGE", "SECRETS", "DATABASE USER"}, rows); err != nil {
		return err
	}

	// What the running containers actually get, read from the registered
	// container definitions: the writable tmpfs and the database settings.
	rows = nil
	for _, td := range r.OfType("aws:ecs/taskDefinition:TaskDefinition") {
		var defs []struct {
			Name            string `json:"name"`
			LinuxParameters struct {
				Tmpfs []struct {
					ContainerPath string   `json:"containerPath"`
					Size          int      `json:"size"`
					MountOptions  []string `json:"mountOptions"`
				} `json:"tmpfs"`
			} `json:"linuxParameters"`
			Environment []struct{ Name, Value string } `json:"environment"`
			Secrets     []struct{ Name string }        `json:"secrets"`
		}
		if err := json.Unmarshal([]byte(td.Str("containerDefinitions")), &defs); err != nil {
			return fmt.Errorf("container definitions of %s: %w", td.Str("family"), err)
		}
		for _, d := range defs {
			var mounts, env, secrets []string
			for _, t := range d.LinuxParameters.Tmpfs {
				mounts = append(mounts, fmt.Sprintf("%s %d MiB (%s)", t.ContainerPath, t.Size, strings.Join(t.MountOptions, ",")))
			}
			for _, e := range d.Environment {
				if strings.HasPrefix(e.Name, "DB_") {
					env = append(env, e.Name+"="+e.Value)
				}
			}
			for _, s := range d.Secrets {
				secrets = append(secrets, s.Name)
			}
			if len(secrets) == 0 {
				secrets = []string{"-"}
			}
			if len(mounts) == 0 {
				mounts = []string{"(none)"}
			}
			if len(env) == 0 {
				env = []string{"-"}
			}
			rows = append(rows, []string{d.Name, strings.Join(mounts, "; "), strings.Join(env, " "), strings.Join(secrets, ",")})
		}
	}
	fmt.Fprintln(w, "\nRunning containers, as registered (read-only root; the tmpfs counts against task memory):")
	return table(w, []string{"CONTAINER", "TMPFS", "DATABASE SETTINGS", "SECRETS"}, rows)
}
