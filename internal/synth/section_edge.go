package synth

import (
	"fmt"
	"io"
	"sort"
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
func (r *Result) Routes() []Route {
	tgName := func(arn string) string {
		for _, tg := range r.OfType("aws:lb/targetGroup:TargetGroup") {
			if tg.Computed["arn"] == arn {
				return tg.Str("name")
			}
		}
		return arn
	}
	action := func(a map[string]any) string {
		if a["type"] == "redirect" {
			rd := a["redirect"].(map[string]any)
			return fmt.Sprintf("redirect %v:%v %v", rd["protocol"], rd["port"], rd["statusCode"])
		}
		return "forward " + tgName(fmt.Sprint(a["targetGroupArn"]))
	}
	var out []Route
	for _, l := range r.OfType("aws:lb/listener:Listener") {
		listener := fmt.Sprintf("%v:%v", l.Str("protocol"), l.Inputs["port"])
		for _, rule := range r.OfType("aws:lb/listenerRule:ListenerRule") {
			if rule.Str("listenerArn") != l.Computed["arn"] {
				continue
			}
			cond := rule.Inputs["conditions"].([]any)[0].(map[string]any)["pathPattern"].(map[string]any)["values"].([]any)
			out = append(out, Route{listener, fmt.Sprint(rule.Inputs["priority"]), fmt.Sprint(cond[0]),
				action(rule.Inputs["actions"].([]any)[0].(map[string]any))})
		}
		out = append(out, Route{listener, "default", "*", action(l.Inputs["defaultActions"].([]any)[0].(map[string]any))})
	}
	return out
}

// WafRule is one web ACL rule.
type WafRule struct {
	Priority int
	Name     string
	What     string
	Action   string
}

// WafRules lists the web ACL's rules in priority order.
func (r *Result) WafRules() []WafRule {
	var out []WafRule
	for _, acl := range r.OfType("aws:wafv2/webAcl:WebAcl") {
		for _, raw := range acl.Inputs["rules"].([]any) {
			rule := raw.(map[string]any)
			st := rule["statement"].(map[string]any)
			wr := WafRule{Priority: int(rule["priority"].(float64)), Name: fmt.Sprint(rule["name"])}
			if m, ok := st["managedRuleGroupStatement"].(map[string]any); ok {
				wr.What = fmt.Sprintf("managed group %v/%v", m["vendorName"], m["name"])
				wr.Action = "group's own actions (override none)"
			}
			if rb, ok := st["rateBasedStatement"].(map[string]any); ok {
				wr.What = fmt.Sprintf("more than %v requests per %vs per %v", rb["limit"], rb["evaluationWindowSec"], rb["aggregateKeyType"])
				wr.Action = "block"
			}
			out = append(out, wr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out
}

func writeEdge(r *Result, w io.Writer) error {
	for _, alb := range r.OfType("aws:lb/loadBalancer:LoadBalancer") {
		logs := alb.Inputs["accessLogs"].(map[string]any)
		facts := [][]string{
			{"name", fmt.Sprintf("%s (internal: %v)", alb.Str("name"), alb.Inputs["internal"])},
			{"DNS name", fmt.Sprint(alb.Computed["dnsName"])},
			{"deletion protection", fmt.Sprint(alb.Inputs["enableDeletionProtection"])},
			{"drop invalid headers", fmt.Sprint(alb.Inputs["dropInvalidHeaderFields"])},
			{"desync mitigation", alb.Str("desyncMitigationMode")},
			{"access logs", fmt.Sprintf("s3://%v/%v (SSE-S3: ELB cannot deliver to KMS buckets)", logs["bucket"], logs["prefix"])},
		}
		if err := table(w, []string{"ALB", ""}, facts); err != nil {
			return err
		}
	}
	var rows [][]string
	for _, rt := range r.Routes() {
		rows = append(rows, []string{rt.Listener, rt.Priority, rt.Match, rt.Action})
	}
	fmt.Fprintln(w, "\nRouting:")
	if err := table(w, []string{"LISTENER", "PRIORITY", "PATH", "ACTION"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, tg := range r.OfType("aws:lb/targetGroup:TargetGroup") {
		hc := tg.Inputs["healthCheck"].(map[string]any)
		rows = append(rows, []string{tg.Str("name"), tg.Str("targetType"), fmt.Sprint(hc["path"]), fmt.Sprint(tg.Inputs["deregistrationDelay"])})
	}
	fmt.Fprintln(w, "\nTarget groups:")
	if err := table(w, []string{"TARGET GROUP", "TYPE", "HEALTH CHECK", "DEREGISTRATION DELAY (s)"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, wr := range r.WafRules() {
		rows = append(rows, []string{fmt.Sprint(wr.Priority), wr.Name, wr.What, wr.Action})
	}
	fmt.Fprintln(w, "\nWAF rules (default action: allow; metrics and sampled requests on every rule):")
	return table(w, []string{"PRIORITY", "RULE", "MATCHES", "ACTION"}, rows)
}
