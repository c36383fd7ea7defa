package synth

import (
	"fmt"
	"io"
	"sort"
	"strings"
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

// The inputs the edge section reads.
type (
	lbAction struct {
		Type           string `json:"type"`
		TargetGroupArn string `json:"targetGroupArn"`
		Redirect       struct {
			Protocol   string `json:"protocol"`
			Port       string `json:"port"`
			StatusCode string `json:"statusCode"`
		} `json:"redirect"`
	}
	listenerInputs struct {
		Protocol       string     `json:"protocol"`
		Port           int        `json:"port"`
		DefaultActions []lbAction `json:"defaultActions"`
	}
	listenerRuleInputs struct {
		ListenerArn string `json:"listenerArn"`
		Priority    int    `json:"priority"`
		Conditions  []struct {
			PathPattern struct {
				Values []string `json:"values"`
			} `json:"pathPattern"`
		} `json:"conditions"`
		Actions []lbAction `json:"actions"`
	}
	targetGroupInputs struct {
		Name        string `json:"name"`
		TargetType  string `json:"targetType"`
		HealthCheck struct {
			Path string `json:"path"`
		} `json:"healthCheck"`
		DeregistrationDelay int `json:"deregistrationDelay"`
	}
	webACLInputs struct {
		Rules []struct {
			Name      string `json:"name"`
			Priority  int    `json:"priority"`
			Statement struct {
				ManagedRuleGroupStatement *struct {
					VendorName          string `json:"vendorName"`
					Name                string `json:"name"`
					RuleActionOverrides []struct {
						Name string `json:"name"`
					} `json:"ruleActionOverrides"`
				} `json:"managedRuleGroupStatement"`
				RateBasedStatement *struct {
					Limit               int    `json:"limit"`
					EvaluationWindowSec int    `json:"evaluationWindowSec"`
					AggregateKeyType    string `json:"aggregateKeyType"`
				} `json:"rateBasedStatement"`
			} `json:"statement"`
		} `json:"rules"`
	}
	loadBalancerInputs struct {
		Name                     string `json:"name"`
		Internal                 bool   `json:"internal"`
		EnableDeletionProtection bool   `json:"enableDeletionProtection"`
		DropInvalidHeaderFields  bool   `json:"dropInvalidHeaderFields"`
		DesyncMitigationMode     string `json:"desyncMitigationMode"`
		AccessLogs               struct {
			Bucket string `json:"bucket"`
			Prefix string `json:"prefix"`
		} `json:"accessLogs"`
		// Subnets is where a public ALB holds a public IPv4 address each,
		// which the cost model prices.
		Subnets []string `json:"subnets"`
	}
)

// Routes reads the listeners and their rules back into a routing table.
func (r *Result) Routes() ([]Route, error) {
	groups, groupIn, err := decodeAll[targetGroupInputs](r, "aws:lb/targetGroup:TargetGroup")
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
	listeners, listenerIn, err := decodeAll[listenerInputs](r, "aws:lb/listener:Listener")
	if err != nil {
		return nil, err
	}
	rules, ruleIn, err := decodeAll[listenerRuleInputs](r, "aws:lb/listenerRule:ListenerRule")
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
				return nil, invalid(rule, "no path-pattern condition")
			}
			if len(rin.Actions) == 0 {
				return nil, invalid(rule, "no action")
			}
			out = append(out, Route{listener, fmt.Sprint(rin.Priority), rin.Conditions[0].PathPattern.Values[0], action(rin.Actions[0])})
		}
		if len(in.DefaultActions) == 0 {
			return nil, invalid(l, "no default action")
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
	_, acls, err := decodeAll[webACLInputs](r, "aws:wafv2/webAcl:WebAcl")
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
	albs, albIn, err := decodeAll[loadBalancerInputs](r, "aws:lb/loadBalancer:LoadBalancer")
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
		if err := table(w, []string{"ALB", ""}, facts); err != nil {
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
	if err := table(w, []string{"LISTENER", "PRIORITY", "PATH", "ACTION"}, rows); err != nil {
		return err
	}
	_, groups, err := decodeAll[targetGroupInputs](r, "aws:lb/targetGroup:TargetGroup")
	if err != nil {
		return err
	}
	rows = nil
	for _, tg := range groups {
		rows = append(rows, []string{tg.Name, tg.TargetType, tg.HealthCheck.Path, fmt.Sprint(tg.DeregistrationDelay)})
	}
	fmt.Fprintln(w, "\nTarget groups:")
	if err := table(w, []string{"TARGET GROUP", "TYPE", "HEALTH CHECK", "DEREGISTRATION DELAY (s)"}, rows); err != nil {
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
	return table(w, []string{"PRIORITY", "RULE", "MATCHES", "ACTION"}, rows)
}
