package synth

import (
	"fmt"
	"io"
	"sort"
	"strings"
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
		rows = append(rows, []string{name, state, fmt.Sprintf("%.2f vCPU / %d MB", float64(spec.Cpu)/1024, spec.Memory),
			fmt.Sprint(spec.DesiredCount), scaling, fmt.Sprint(spec.ContainerPort), tg, image, strings.Join(spec.Secrets, ",")})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i][1] > rows[j][1] })
	fmt.Fprintln(w, "\nServices (one config change, enabled: true, switches a declared one on):")
	return table(w, []string{"SERVICE", "STATE", "SIZE", "TASKS", "SCALING", "PORT", "TARGET GROUP", "IMAGE", "SECRETS"}, rows)
}
