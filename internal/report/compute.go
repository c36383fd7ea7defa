package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var computeSection = Section{Title: "Compute", Write: writeCompute}

func writeCompute(r *synth.Result, w io.Writer) error {
	_, repos, err := synth.DecodeAll[synth.RepositoryInputs](r, "aws:ecr/repository:Repository")
	if err != nil {
		return err
	}
	var rows [][]string
	for _, repo := range repos {
		rows = append(rows, []string{repo.Name, repo.ImageTagMutability, fmt.Sprint(repo.ImageScanningConfiguration.ScanOnPush)})
	}
	fmt.Fprintln(w, "ECR repositories (KMS-encrypted, lifecycle-managed, no repository policy):")
	if err := layout.Table(w, []string{"REPOSITORY", "TAGS", "SCAN ON PUSH"}, rows); err != nil {
		return err
	}

	_, services, err := synth.DecodeAll[synth.EcsServiceInputs](r, "aws:ecs/service:Service")
	if err != nil {
		return err
	}
	running := map[string]bool{}
	for _, s := range services {
		running[s.Name] = true
	}
	rows = nil
	for _, name := range r.Stack.Config.ServiceNames() {
		spec := r.Stack.Config.Services[name]
		state := "declared (off)"
		if running[compute.ServiceName(r.Stack.Scope, name)] {
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
	if err := layout.Table(w, []string{"SERVICE", "STATE", "SIZE", "TASKS", "SCALING", "PORT", "TARGET GROUP", "IMAGE", "SECRETS", "DATABASE USER"}, rows); err != nil {
		return err
	}

	// What the running containers actually get, read from the registered
	// container definitions: the writable tmpfs and the database settings.
	_, taskDefinitions, err := synth.DecodeAll[synth.TaskDefinitionInputs](r, "aws:ecs/taskDefinition:TaskDefinition")
	if err != nil {
		return err
	}
	rows = nil
	for _, td := range taskDefinitions {
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
		if err := json.Unmarshal([]byte(td.ContainerDefinitions), &defs); err != nil {
			return fmt.Errorf("container definitions of %s: %w", td.Family, err)
		}
		for _, d := range defs {
			var mounts, env, secrets []string
			for _, t := range d.LinuxParameters.Tmpfs {
				mounts = append(mounts, fmt.Sprintf("%s %d MiB (%s)", t.ContainerPath, t.Size, strings.Join(t.MountOptions, ",")))
			}
			for _, e := range d.Environment {
				env = append(env, e.Name+"="+e.Value)
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
			arch := td.RuntimePlatform.CpuArchitecture
			rows = append(rows, []string{d.Name, fmt.Sprintf("%s (%s)", arch, stackconfig.DockerPlatform(arch)),
				strings.Join(mounts, "; "), strings.Join(env, " "), strings.Join(secrets, ",")})
		}
	}
	fmt.Fprintln(w, "\nRunning containers, as registered (read-only root; the tmpfs counts against task memory; the image is built for ARCH):")
	return layout.Table(w, []string{"CONTAINER", "ARCH (docker --platform)", "TMPFS", "PLAIN SETTINGS", "SECRETS (env, from Secrets Manager)"}, rows)
}
