package synth

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
)

var edgeSection = Section{Title: "Edge", Write: writeEdge}

// Route is one row of the ALB's routing table.
type Route struct {
	// Listener is "HTTP:80" or "HTTPS:443".
	Listener string
	// Priority is the rule priority; "default" for the listener's default action.
	Priority string
	// Match is the path pattern, or "*".
	Match string
	// Action is "forward <target group>" or "redirect <protocol>:<port> <code>".
	Action string
}

// Routes reads the listeners and their rules back into a routing table.
func (r *Result) Routes() ([]Route, error) {
	groups, groupIn, err := DecodeAll[TargetGroupInputs](r, "aws:lb/targetGroup:TargetGroup")
	if err != nil {
		return nil, err
	}
	tgName := func(arn string) string {
		for i, tg := range groups {
			if tg.Computed["arn"] == arn {
				return groupIn[i].Name
			}
		}
		return arn
	}
	action := func(a lbAction) string {
		if a.Type == "redirect" {
			return fmt.Sprintf("redirect %s:%s %s", a.Redirect.Protocol, a.Redirect.Port, a.Redirect.StatusCode)
		}
		return "forward " + tgName(a.TargetGroupArn)
	}
	listeners, listenerIn, err := DecodeAll[ListenerInputs](r, "aws:lb/listener:Listener")
	if err != nil {
		return nil, err
	}
	rules, ruleIn, err := DecodeAll[ListenerRuleInputs](r, "aws:lb/listenerRule:ListenerRule")
	if err != nil {
		return nil, err
	}
	var out []Route
	for i, l := range listeners {
		in := listenerIn[i]
		listener := fmt.Sprintf("%s:%d", in.Protocol, in.Port)
		for j, rule := range rules {
			rin := ruleIn[j]
			if rin.ListenerArn != l.Computed["arn"] {
				continue
			}
			if len(rin.Conditions) == 0 || len(rin.Conditions[0].PathPattern.Values) == 0 {
				return nil, Invalid(rule, "no path-pattern condition")
			}
			if len(rin.Actions) == 0 {
				return nil, Invalid(rule, "no action")
			}
			out = append(out, Route{listener, fmt.Sprint(rin.Priority), rin.Conditions[0].PathPattern.Values[0], action(rin.Actions[0])})
		}
		if len(in.DefaultActions) == 0 {
			return nil, Invalid(l, "no default action")
		}
		out = append(out, Route{listener, "default", "*", action(in.DefaultActions[0])})
	}
	return out, nil
}

// WafRule is one web ACL rule.
type WafRule struct {
	Priority int
	Name     string
	What     string
	Action   string
}

// WafRules lists the web ACL's rules in priority order.
func (r *Result) WafRules() ([]WafRule, error) {
	_, acls, err := DecodeAll[WebACLInputs](r, "aws:wafv2/webAcl:WebAcl")
	if err != nil {
		return nil, err
	}
	var out []WafRule
	for _, acl := range acls {
		for _, rule := range acl.Rules {
			wr := WafRule{Priority: rule.Priority, Name: rule.Name}
			if m := rule.Statement.ManagedRuleGroupStatement; m != nil {
				wr.What = fmt.Sprintf("managed group %s/%s", m.VendorName, m.Name)
				wr.Action = "group's own actions (override none)"
				var counted []string
				for _, o := range m.RuleActionOverrides {
					counted = append(counted, o.Name)
				}
				if len(counted) > 0 {
					wr.Action = "group's own actions, but " + strings.Join(counted, ", ") + " counted"
				}
			}
			if rb := rule.Statement.RateBasedStatement; rb != nil {
				wr.What = fmt.Sprintf("more than %d requests per %ds per %s", rb.Limit, rb.EvaluationWindowSec, rb.AggregateKeyType)
				wr.Action = "block"
			}
			out = append(out, wr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out, nil
}

func writeEdge(r *Result, w io.Writer) error {
	albs, albIn, err := DecodeAll[LoadBalancerInputs](r, "aws:lb/loadBalancer:LoadBalancer")
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
	_, groups, err := DecodeAll[TargetGroupInputs](r, "aws:lb/targetGroup:TargetGroup")
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
