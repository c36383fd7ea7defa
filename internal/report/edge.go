package report

import (
	"fmt"
	"io"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

var edgeSection = Section{Title: "Edge", Write: writeEdge}

func writeEdge(r *synth.Result, w io.Writer) error {
	albs, albIn, err := synth.DecodeAll[synth.LoadBalancerInputs](r, "aws:lb/loadBalancer:LoadBalancer")
	if err != nil {
		return err
	}
	for i, alb := range albs {
		in := albIn[i]
		facts := [][]string{
			{"name", fmt.Sprintf("%s (internal: %v)", in.Name, in.Internal)},
			{"DNS name", fmt.Sprint(alb.Computed["dnsName"])},
			{"deletion protection", fmt.Sprint(in.EnableDeletionProtection)},
			{"drop invalid headers", fmt.Sprint(in.DropInvalidHeaderFields)},
			{"desync mitigation", in.DesyncMitigationMode},
			{"access logs", fmt.Sprintf("s3://%s/%s (SSE-S3: ELB cannot deliver to KMS buckets)", in.AccessLogs.Bucket, in.AccessLogs.Prefix)},
		}
		if err := layout.Table(w, []string{"ALB", ""}, facts); err != nil {
			return err
		}
	}
	routes, err := r.Routes()
	if err != nil {
		return err
	}
	var rows [][]string
	for _, rt := range routes {
		rows = append(rows, []string{rt.Listener, rt.Priority, rt.Match, rt.Action})
	}
	fmt.Fprintln(w, "\nRouting:")
	if err := layout.Table(w, []string{"LISTENER", "PRIORITY", "PATH", "ACTION"}, rows); err != nil {
		return err
	}
	_, groups, err := synth.DecodeAll[synth.TargetGroupInputs](r, "aws:lb/targetGroup:TargetGroup")
	if err != nil {
		return err
	}
	rows = nil
	for _, tg := range groups {
		rows = append(rows, []string{tg.Name, tg.TargetType, tg.HealthCheck.Path, fmt.Sprint(tg.DeregistrationDelay)})
	}
	fmt.Fprintln(w, "\nTarget groups:")
	if err := layout.Table(w, []string{"TARGET GROUP", "TYPE", "HEALTH CHECK", "DEREGISTRATION DELAY (s)"}, rows); err != nil {
		return err
	}
	wafRules, err := r.WafRules()
	if err != nil {
		return err
	}
	rows = nil
	for _, wr := range wafRules {
		rows = append(rows, []string{fmt.Sprint(wr.Priority), wr.Name, wr.What, wr.Action})
	}
	fmt.Fprintln(w, "\nWAF rules (default action: allow; metrics and sampled requests on every rule):")
	return layout.Table(w, []string{"PRIORITY", "RULE", "MATCHES", "ACTION"}, rows)
}
