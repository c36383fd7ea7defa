package synth

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/conformance"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/observability"
	"github.com/omnirapeutic/infrastructure/security"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// ConformanceView turns the recorded resources into the evaluator's view.
func (r *Result) ConformanceView() *conformance.Stack { return r.conformanceViewIn("") }

// conformanceViewIn is ConformanceView of what the stack creates in one
// region ("" for every region): AWS Config records each region on its own.
func (r *Result) conformanceViewIn(region string) *conformance.Stack {
	s := &conformance.Stack{}
	for _, res := range r.Resources {
		if res.Component || strings.HasPrefix(res.Type, ProviderType) || (region != "" && res.Region != region) {
			continue
		}
		s.Resources = append(s.Resources, &conformance.Resource{
			Type: res.Type, Name: res.Name, ID: res.ID, Inputs: res.Inputs, Outputs: res.Computed, Protect: res.Protect,
		})
	}
	return s
}

// ConformanceRules are the HIPAA pack's rules with their parameters as deployed:
// a reference to a pack input parameter resolved to this stack's value (its
// own VPC authorized: PredictAccount judges whether the owning stack's
// lookup authorizes it).
func (r *Result) ConformanceRules() []conformance.Rule {
	vpc := ""
	if v := r.OfType("aws:ec2/vpc:Vpc"); len(v) > 0 {
		vpc = v[0].ID
	}
	return rulesWith(r.packInputs(vpc))
}

// packInputs are the values the pack's input parameters take, as platform
// hands them over, with vpc the authorized VPCs: the ALB's internet ports,
// and the principals the vault policy exempts in the offline account (the
// account's pack, owned by one stack, names the same deploy role for every
// stack in it).
func (r *Result) packInputs(vpc string) map[string]string {
	account := naming.NewScope(r.Config.Project, AccountID, r.Config.Values["aws:region"])
	return map[string]string{
		"AuthorizedTcpPorts":             security.InternetPorts(),
		"AuthorizedVpcIds":               vpc,
		conformance.VaultPolicyAdminArns: strings.Join(data.VaultPolicyAdmins(account), ","),
	}
}

// predictConformance evaluates the HIPAA pack over what the run registered.
func (r *Result) predictConformance() error {
	rep, err := conformance.Evaluate(r.ConformanceRules(), r.ConformanceView(), conformance.Checks, conformance.For(r.Config.Stack, conformance.HIPAAExceptions))
	if err != nil {
		return fmt.Errorf("predict the HIPAA conformance pack: %w", err)
	}
	r.Conformance = rep
	return nil
}

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

// BucketName returns the name of the bucket with the given mock ID, if one was registered.
func (r *Result) BucketName(id string) (string, bool, error) {
	b := r.ByID(id)
	if b == nil {
		return "", false, nil
	}
	in, err := Decode[BucketInputs](b)
	return in.Bucket, true, err
}

// SubnetRoute is one subnet with where its default route goes.
type SubnetRoute struct {
	Tier, AZ, CIDR, Subnet, RouteTable, Target string
}

// SubnetRoutes follows each subnet through its route-table association to
// the 0.0.0.0/0 route and names the target resource, as AWS would route it.
func (r *Result) SubnetRoutes() ([]SubnetRoute, error) {
	subnets, subnetIn, err := DecodeAll[SubnetInputs](r, "aws:ec2/subnet:Subnet")
	if err != nil {
		return nil, err
	}
	_, assocs, err := DecodeAll[RouteTableAssociationInputs](r, "aws:ec2/routeTableAssociation:RouteTableAssociation")
	if err != nil {
		return nil, err
	}
	_, routes, err := DecodeAll[RouteInputs](r, "aws:ec2/route:Route")
	if err != nil {
		return nil, err
	}
	var out []SubnetRoute
	for i, s := range subnets {
		in := subnetIn[i]
		row := SubnetRoute{Tier: in.Tags["Tier"], AZ: in.AvailabilityZone, CIDR: in.CidrBlock, Subnet: s.Name}
		for _, a := range assocs {
			if a.SubnetID != s.ID {
				continue
			}
			if rt := r.ByID(a.RouteTableID); rt != nil {
				row.RouteTable = rt.Name
			}
			for _, route := range routes {
				if route.RouteTableID != a.RouteTableID || route.DestinationCidrBlock != "0.0.0.0/0" {
					continue
				}
				for _, id := range []string{route.NatGatewayID, route.GatewayID} {
					if t := r.ByID(id); t != nil {
						row.Target = t.Name
					}
				}
			}
		}
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b SubnetRoute) int {
		if d := slices.Index(stackconfig.Tiers, stackconfig.Tier(a.Tier)) - slices.Index(stackconfig.Tiers, stackconfig.Tier(b.Tier)); d != 0 {
			return d
		}
		if a.AZ < b.AZ {
			return -1
		}
		if a.AZ > b.AZ {
			return 1
		}
		return 0
	})
	return out, nil
}

// AlarmRow is one alarm as the report and the tests read it.
type AlarmRow struct {
	// Area is the Watch component that owns the alarm ("aurora").
	Area string
	// Name is the alarm's name.
	Name string
	// Metric is namespace/metric, or the metric-math expression.
	Metric string
	// Condition is the comparison and threshold.
	Condition string
	// Period is the period and how many periods breach.
	Period string
	// Watches lists the dimension values: the real resources.
	Watches string
}

// Alarms reads every recorded alarm, grouped by its owning Watch.
func (r *Result) Alarms() ([]AlarmRow, error) {
	alarms, alarmIn, err := DecodeAll[MetricAlarmInputs](r, "aws:cloudwatch/metricAlarm:MetricAlarm")
	if err != nil {
		return nil, err
	}
	var out []AlarmRow
	for i, a := range alarms {
		in := alarmIn[i]
		row := AlarmRow{Name: in.Name}
		if w := r.ByURN(a.Parent); w != nil {
			row.Area = alarmArea(w.Name)
		}
		period := in.Period
		var dims []string
		if in.MetricQueries != nil {
			for _, q := range in.MetricQueries {
				switch {
				case q.Expression != nil:
					row.Metric = *q.Expression
				case q.Metric != nil:
					period = q.Metric.Period
					dims = append(dims, dimensionValues(q.Metric.Dimensions)...)
				default:
					return nil, Invalid(a, "a metric query with neither expression nor metric")
				}
			}
		} else {
			row.Metric = fmt.Sprintf("%s %s %s", in.Namespace, in.MetricName, in.Statistic+in.ExtendedStatistic)
			dims = dimensionValues(in.Dimensions)
		}
		row.Condition = comparisons[in.ComparisonOperator] + " " + strconv.FormatFloat(in.Threshold, 'f', -1, 64)
		row.Period = fmt.Sprintf("%ds, %d of %d", period, in.DatapointsToAlarm, in.EvaluationPeriods)
		row.Watches = strings.Join(dedupe(dims), ", ")
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Area != out[j].Area {
			return out[i].Area < out[j].Area
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// GroupRule is one rule of the security-group matrix, resolved to group names.
type GroupRule struct {
	Group, Direction, Peer, Protocol, Ports, Description string
}

// SecurityGroupRules resolves every recorded rule to its group and peer names.
func (r *Result) SecurityGroupRules() ([]GroupRule, error) {
	var out []GroupRule
	for _, d := range GroupRuleTypes {
		_, rules, err := DecodeAll[GroupRuleInputs](r, d.Type)
		if err != nil {
			return nil, err
		}
		for _, rule := range rules {
			gr := GroupRule{Direction: string(d.Direction), Protocol: rule.IPProtocol, Description: rule.Description}
			if g := r.ByID(rule.SecurityGroupID); g != nil {
				if gr.Group, err = nameTag(g); err != nil {
					return nil, err
				}
			}
			gr.Peer = rule.CidrIPv4
			if rule.PrefixListID != "" {
				gr.Peer = "prefix list " + rule.PrefixListID
				if e := r.PrefixListOwner(rule.PrefixListID); e != "" {
					gr.Peer = e
				}
			}
			if p := r.ByID(rule.ReferencedSecurityGroupID); p != nil {
				if gr.Peer, err = nameTag(p); err != nil {
					return nil, err
				}
			}
			gr.Ports = "all"
			if gr.Protocol != "-1" {
				gr.Ports = fmt.Sprintf("%d-%d", rule.FromPort, rule.ToPort)
				if rule.FromPort == rule.ToPort {
					gr.Ports = fmt.Sprint(rule.FromPort)
				}
			}
			out = append(out, gr)
		}
	}
	return out, nil
}

// KeyAliases maps each KMS key's ID to its alias, the name people know it by.
func (r *Result) KeyAliases() (map[string]string, error) {
	_, aliases, err := DecodeAll[AliasInputs](r, "aws:kms/alias:Alias")
	if err != nil {
		return nil, err
	}
	byKey := map[string]string{}
	for _, a := range aliases {
		byKey[a.TargetKeyID] = a.Name
	}
	return byKey, nil
}

// ProtectedResource is one resource registered with Pulumi's protect or
// retainOnDelete option.
type ProtectedResource struct {
	Type, Name string
	// Physical is the name AWS knows it by (a key's alias); empty when the
	// program lets AWS name it.
	Physical                string
	Protect, RetainOnDelete bool
}

// Protected lists every resource registered with protect or
// retainOnDelete, by type and logical name.
func (r *Result) Protected() ([]ProtectedResource, error) {
	aliases, err := r.KeyAliases()
	if err != nil {
		return nil, err
	}
	var out []ProtectedResource
	for _, res := range r.Resources {
		if !res.Protect && !res.RetainOnDelete {
			continue
		}
		physical, err := PhysicalName(res)
		if err != nil {
			return nil, err
		}
		if res.Type == "aws:kms/key:Key" {
			id, _ := res.Computed["keyId"].(string)
			physical = aliases[id]
		}
		out = append(out, ProtectedResource{Type: res.Type, Name: res.Name, Physical: physical, Protect: res.Protect, RetainOnDelete: res.RetainOnDelete})
	}
	slices.SortFunc(out, func(a, b ProtectedResource) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// Inventory is what --json prints and `synth diff` reads: the full
// inventory, the conformance prediction and the modeled cost.
type Inventory struct {
	Project   string         `json:"project"`
	Stack     string         `json:"stack"`
	Config    []string       `json:"configKeys"`
	Resources []*Resource    `json:"resources"`
	Outputs   map[string]any `json:"outputs"`
	// Conformance is the HIPAA pack's predicted result: counts by verdict,
	// then every rule's verdict and rows.
	Conformance any   `json:"conformance"`
	Cost        *Cost `json:"cost"`
}

// TypeCount is how many resources of one type a component registers.
type TypeCount struct {
	Type  string
	Count int
}

// ComponentGroup is a component and the custom resources it registers
// directly, counted by type.
type ComponentGroup struct {
	Name, Type string
	Counts     []TypeCount
}

// ComponentGroups counts each component's direct custom children by type.
func (r *Result) ComponentGroups() []ComponentGroup {
	var groups []ComponentGroup
	for _, c := range r.Resources {
		if !c.Component {
			continue
		}
		byType := map[string]int{}
		for _, res := range r.Resources {
			if res.Parent == c.URN && !res.Component {
				byType[res.Type]++
			}
		}
		g := ComponentGroup{Name: c.Name, Type: c.Type}
		for _, t := range slices.Sorted(maps.Keys(byType)) {
			g.Counts = append(g.Counts, TypeCount{t, byType[t]})
		}
		groups = append(groups, g)
	}
	return groups
}

// nameTag returns a resource's Name tag.
func nameTag(res *Resource) (string, error) {
	in, err := Decode[TaggedInputs](res)
	return in.Tags["Name"], err
}

var comparisons = map[string]string{
	"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=", "LessThanThreshold": "<", "LessThanOrEqualToThreshold": "<=",
}

// alarmArea names the area (observability.Areas) a Watch component watches,
// from the component's name ("alarms-aurora").
func alarmArea(watch string) string {
	for _, area := range observability.Areas {
		if strings.HasSuffix(watch, "-"+area) {
			return area
		}
	}
	return watch
}

func dimensionValues(m map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
