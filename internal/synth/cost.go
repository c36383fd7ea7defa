package synth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// CostLine is one priced quantity of one resource.
type CostLine struct {
	// Tier is the package of the resource's outermost component ("network").
	Tier string `json:"tier"`
	// Resource is the logical name of the resource that incurs it.
	Resource string `json:"resource"`
	// Type is the resource's type token.
	Type string `json:"type"`
	// Price names the price it is charged at.
	Price PriceKey `json:"price"`
	// Quantity is how many units of the price a month uses.
	Quantity float64 `json:"quantity"`
	// MonthlyUSD is Quantity times the price.
	MonthlyUSD float64 `json:"monthlyUsd"`
	// Floor is true for what the stack costs with no traffic; false for
	// lines driven by the usage profile.
	Floor bool `json:"floor"`
	// Basis says where the quantity comes from.
	Basis string `json:"basis"`
}

// Cost is the modeled monthly cost of one synthesis.
type Cost struct {
	// PricesAsOf dates the price table.
	PricesAsOf string `json:"pricesAsOf"`
	// Region is the stack's region; prices are us-east-1's whatever it is.
	Region string `json:"region"`
	// Usage is the usage profile the usage-driven lines assume.
	Usage UsageProfile `json:"usage"`
	// Lines are every priced quantity, by tier, resource and price.
	Lines []CostLine `json:"lines"`
	// FloorUSD is the idle floor: the month with no traffic.
	FloorUSD float64 `json:"floorUsd"`
	// UsageUSD is what the usage profile adds.
	UsageUSD float64 `json:"usageUsd"`
	// TotalUSD is FloorUSD plus UsageUSD.
	TotalUSD float64 `json:"totalUsd"`
}

// Estimate models the monthly cost of what the synthesis registered, from
// Prices and the usage profile. Only resources that cost money by existing
// or by use get lines; IAM, security groups, route tables and the like are free.
// An input the model reads that has another type than the provider's schema
// gives it is an error naming the resource, never a line priced at $0.
func Estimate(r *Result, u UsageProfile) (*Cost, error) {
	if err := u.Validate(); err != nil {
		return nil, fmt.Errorf("usage profile: %w", err)
	}
	c := &Cost{PricesAsOf: PricesAsOf, Region: r.Config.Values["aws:region"], Usage: u}
	add := func(res *Resource, key PriceKey, qty float64, floor bool, basis string) {
		if qty == 0 {
			return
		}
		c.Lines = append(c.Lines, CostLine{Tier: r.Tier(res), Resource: res.Name, Type: res.Type, Price: key,
			Quantity: qty, MonthlyUSD: qty * Prices[key].USD, Floor: floor, Basis: basis})
	}
	// shared adds a line for every resource of a type together, in the
	// tier that owns that kind of data: usage is profiled per stack.
	shared := func(tier, typ, what string, key PriceKey, qty float64, basis string) {
		if n := len(r.OfType(typ)); n > 0 && qty != 0 {
			c.Lines = append(c.Lines, CostLine{Tier: tier, Resource: fmt.Sprintf("all %d %s", n, what), Type: typ, Price: key,
				Quantity: qty, MonthlyUSD: qty * Prices[key].USD, Basis: basis})
		}
	}
	// first returns the first resource of a type, to carry an account-level line.
	first := func(typ string) *Resource {
		if all := r.OfType(typ); len(all) > 0 {
			return all[0]
		}
		return nil
	}

	nats := r.OfType("aws:ec2/natGateway:NatGateway")
	for _, n := range nats {
		add(n, NatGatewayHour, HoursPerMonth, true, "730 hours")
		add(n, NatGatewayGB, u.NatGB/float64(len(nats)), false, fmt.Sprintf("natGB %g split over %d NAT gateways", u.NatGB, len(nats)))
	}
	for _, e := range r.OfType("aws:ec2/eip:Eip") {
		add(e, PublicIPv4Hour, HoursPerMonth, true, "730 hours")
	}
	// An interface endpoint is charged per AZ it has a network interface
	// in; a gateway endpoint (S3) is free.
	endpoints, endpointIn, err := DecodeAll[VpcEndpointInputs](r, "aws:ec2/vpcEndpoint:VpcEndpoint")
	if err != nil {
		return nil, err
	}
	interfaces := 0
	for i, e := range endpoints {
		if endpointIn[i].VpcEndpointType == "Interface" {
			interfaces++
			azs := float64(len(endpointIn[i].SubnetIDs))
			add(e, VpcEndpointAZHour, azs*HoursPerMonth, true, fmt.Sprintf("%g AZs for 730 hours", azs))
		}
	}
	if interfaces > 0 {
		add(endpoints[0], VpcEndpointGB, u.EndpointGB, false, fmt.Sprintf("endpointGB %g over %d interface endpoints", u.EndpointGB, interfaces))
	}
	lbs, lbIn, err := DecodeAll[LoadBalancerInputs](r, "aws:lb/loadBalancer:LoadBalancer")
	if err != nil {
		return nil, err
	}
	for i, lb := range lbs {
		add(lb, AlbHour, HoursPerMonth, true, "730 hours")
		if !lbIn[i].Internal {
			subnets := len(lbIn[i].Subnets)
			add(lb, PublicIPv4Hour, float64(subnets)*HoursPerMonth, true,
				fmt.Sprintf("one public IPv4 address per subnet (%d) for 730 hours", subnets))
		}
		add(lb, AlbLCUHour, u.AlbLCUs*HoursPerMonth, false, fmt.Sprintf("albLCUs %g for 730 hours", u.AlbLCUs))
	}
	acls, aclIn, err := DecodeAll[WebACLInputs](r, "aws:wafv2/webAcl:WebAcl")
	if err != nil {
		return nil, err
	}
	for i, acl := range acls {
		rules := len(aclIn[i].Rules)
		add(acl, WafWebACLMonth, 1, true, "one web ACL")
		add(acl, WafRuleMonth, float64(rules), true, fmt.Sprintf("%d rules (a managed rule group counts as one)", rules))
		add(acl, WafMillionRequests, u.WafMillionRequests, false, "wafMillionRequests")
	}

	clusters, clusterIn, err := DecodeAll[ClusterInputs](r, "aws:rds/cluster:Cluster")
	if err != nil {
		return nil, err
	}
	instances, instanceIn, err := DecodeAll[ClusterInstanceInputs](r, "aws:rds/clusterInstance:ClusterInstance")
	if err != nil {
		return nil, err
	}
	for i, cl := range clusters {
		minACU := clusterIn[i].Scaling.MinCapacity
		for j, inst := range instances {
			if instanceIn[j].InstanceClass == "db.serverless" {
				add(inst, AuroraACUHour, minACU*HoursPerMonth, true, fmt.Sprintf("minCapacity %g ACU for 730 hours", minACU))
			}
		}
		add(cl, AuroraACUHour, u.ExtraACUHours, false, "extraACUHours above the minimum")
		add(cl, AuroraStorageGBMonth, u.DatabaseGB, true, "databaseGB at rest")
		add(cl, AuroraMillionIOs, u.AuroraMillionIOs, false, "auroraMillionIOs")
		if clusterIn[i].ManageMasterUserPassword {
			add(cl, SecretMonth, 1, true, "the master password secret RDS manages")
		}
	}

	services, serviceIn, err := DecodeAll[EcsServiceInputs](r, "aws:ecs/service:Service")
	if err != nil {
		return nil, err
	}
	fargateVCPUs := 0.0
	for i, svc := range services {
		_, td, err := r.findTaskDefinition(serviceIn[i].TaskDefinition)
		if err != nil {
			return nil, err
		}
		if td == nil {
			return nil, Invalid(svc, "taskDefinition %q names no registered task definition", serviceIn[i].TaskDefinition)
		}
		count := serviceIn[i].DesiredCount
		vcpu := float64(td.CPU) / 1024
		gb := float64(td.Memory) / 1024
		fargateVCPUs += count * vcpu
		// Graviton (ARM64) tasks are priced per vCPU and GB at the Linux/ARM rates.
		vcpuPrice, gbPrice := FargateVCPUHour, FargateGBHour
		if td.RuntimePlatform.CpuArchitecture == stackconfig.ARM64 {
			vcpuPrice, gbPrice = FargateARMVCPUHour, FargateARMGBHour
		}
		add(svc, vcpuPrice, count*vcpu*HoursPerMonth, true, fmt.Sprintf("%g tasks x %g vCPU for 730 hours", count, vcpu))
		add(svc, gbPrice, count*gb*HoursPerMonth, true, fmt.Sprintf("%g tasks x %g GB for 730 hours", count, gb))
	}
	ec2s, ec2In, err := DecodeAll[InstanceInputs](r, "aws:ec2/instance:Instance")
	if err != nil {
		return nil, err
	}
	for i, in := range ec2s {
		if ec2In[i].InstanceType == "t3.micro" {
			add(in, EC2T3MicroHour, HoursPerMonth, true, "730 hours")
		} else {
			c.Lines = append(c.Lines, CostLine{Tier: r.Tier(in), Resource: in.Name, Type: in.Type,
				Basis: fmt.Sprintf("instance type %s has no price in the table: add one", ec2In[i].InstanceType), Floor: true})
		}
		size, basis := ec2In[i].RootBlockDevice.VolumeSize, "root volume"
		if size == 0 {
			// The AMI's own root volume size: 8 GiB for Amazon Linux 2023.
			size, basis = 8, "root volume, the AMI's 8 GiB"
		}
		add(in, EBSGp3GBMonth, size, true, basis)
	}

	for _, k := range r.OfType("aws:kms/key:Key") {
		add(k, KMSKeyMonth, 1, true, "one key")
	}
	for _, s := range r.OfType("aws:secretsmanager/secret:Secret") {
		add(s, SecretMonth, 1, true, "one secret")
	}
	alarms, alarmIn, err := DecodeAll[MetricAlarmInputs](r, "aws:cloudwatch/metricAlarm:MetricAlarm")
	if err != nil {
		return nil, err
	}
	for i, a := range alarms {
		// A metric-math alarm is charged per metric it queries; any other
		// alarm watches one.
		metrics := 1
		if qs := alarmIn[i].MetricQueries; qs != nil {
			metrics = 0
			for _, q := range qs {
				if q.Metric != nil {
					metrics++
				}
			}
		}
		add(a, AlarmMetricMonth, float64(metrics), true, fmt.Sprintf("%d metric(s)", metrics))
	}
	shared("observability", "aws:cloudwatch/logGroup:LogGroup", "log groups", LogsIngestedGB, u.LogsIngestedGB, "logsIngestedGB")
	shared("observability", "aws:cloudwatch/logGroup:LogGroup", "log groups", LogsStoredGBMonth, u.LogsStoredGB, "logsStoredGB")

	if rec := first("aws:cfg/recorder:Recorder"); rec != nil {
		custom := 0
		for _, res := range r.Resources {
			if !res.Component {
				custom++
			}
		}
		add(rec, ConfigItem, float64(custom)*u.ConfigItemsPerResource, true,
			fmt.Sprintf("%d resources x configItemsPerResource %g", custom, u.ConfigItemsPerResource))
	}
	packs, packIn, err := DecodeAll[ConformancePackInputs](r, "aws:cfg/conformancePack:ConformancePack")
	if err != nil {
		return nil, err
	}
	for i, pack := range packs {
		rules := strings.Count(packIn[i].TemplateBody, `"AWS::Config::ConfigRule"`)
		add(pack, ConfigRuleEvaluation, float64(rules)*u.ConfigEvaluationsPerRule, true,
			fmt.Sprintf("%d rules x configEvaluationsPerRule %g", rules, u.ConfigEvaluationsPerRule))
	}
	for _, rule := range r.OfType("aws:cfg/rule:Rule") {
		add(rule, ConfigRuleEvaluation, u.ConfigEvaluationsPerRule, true, "configEvaluationsPerRule")
	}
	if d := first("aws:guardduty/detector:Detector"); d != nil {
		add(d, GuardDutyMillionEvents, u.ManagementEventsMillions, false, "managementEventsMillions")
		add(d, GuardDutyFlowLogGB, u.FlowLogGB, false, "flowLogGB")
	}
	features, featureIn, err := DecodeAll[DetectorFeatureInputs](r, "aws:guardduty/detectorFeature:DetectorFeature")
	if err != nil {
		return nil, err
	}
	for i, f := range features {
		if featureIn[i].Name == "RUNTIME_MONITORING" {
			add(f, GuardDutyFargateVCPUMonth, fargateVCPUs, true, fmt.Sprintf("%g Fargate vCPUs monitored", fargateVCPUs))
		}
	}
	// Data events are charged on every delivery, the first included; the
	// trail records S3 data events when one of its selectors selects them.
	trails, trailIn, err := DecodeAll[trailSelectorInputs](r, "aws:cloudtrail/trail:Trail")
	if err != nil {
		return nil, err
	}
	for i, trail := range trails {
		if trailIn[i].recordsS3DataEvents() {
			add(trail, CloudTrailDataEvents, u.S3DataEventsMillions*10, false,
				fmt.Sprintf("s3DataEventsMillions %g, in units of 100,000", u.S3DataEventsMillions))
		}
	}
	// The buckets hold the trail, Config history and ALB access logs: audit data.
	shared("compliance", "aws:s3/bucketV2:BucketV2", "buckets", S3StandardGBMonth, u.S3GB, "s3GB")
	shared("compute", "aws:ecr/repository:Repository", "repositories", ECRStorageGBMonth, u.EcrGB, "ecrGB")
	// Lines ready for tiers other branches add: priced only when they appear.
	if plan := first("aws:backup/plan:Plan"); plan != nil {
		add(plan, BackupWarmGBMonth, u.BackupGB, true, "backupGB kept by AWS Backup")
	}
	if scan := first("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"); scan != nil && scan.Str("scanType") == "ENHANCED" {
		add(scan, InspectorECRImageScan, u.EcrImagesPushed, false, "ecrImagesPushed")
		add(scan, InspectorECRImageRescan, u.EcrImageRescans, false, "ecrImageRescans")
	}
	if hub := first("aws:securityhub/account:Account"); hub != nil {
		add(hub, SecurityHubCheck, u.SecurityHubChecks, true, "securityHubChecks")
	}
	if err := recoveryCost(r, u, add); err != nil {
		return nil, err
	}

	sort.SliceStable(c.Lines, func(i, j int) bool {
		a, b := c.Lines[i], c.Lines[j]
		if a.Tier != b.Tier {
			return compareTiers(a.Tier, b.Tier) < 0
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Price < b.Price
	})
	for _, l := range c.Lines {
		if l.Floor {
			c.FloorUSD += l.MonthlyUSD
		} else {
			c.UsageUSD += l.MonthlyUSD
		}
	}
	c.TotalUSD = c.FloorUSD + c.UsageUSD
	return c, nil
}

// trailSelectorInputs are the trail's advanced event selectors, as the cost
// model reads them: which categories and resource types each selects.
type trailSelectorInputs struct {
	AdvancedEventSelectors []struct {
		FieldSelectors []struct {
			Field  string   `json:"field"`
			Equals []string `json:"equals"`
		} `json:"fieldSelectors"`
	} `json:"advancedEventSelectors"`
}

// recordsS3DataEvents reports whether a selector selects data events of S3
// objects (eventCategory Data, resources.type AWS::S3::Object).
func (t trailSelectorInputs) recordsS3DataEvents() bool {
	for _, s := range t.AdvancedEventSelectors {
		data, s3 := false, false
		for _, f := range s.FieldSelectors {
			switch f.Field {
			case "eventCategory":
				data = slices.Contains(f.Equals, "Data")
			case "resources.type":
				s3 = slices.Contains(f.Equals, "AWS::S3::Object")
			}
		}
		if data && s3 {
			return true
		}
	}
	return false
}

// tiers orders the report's tiers; others (storage) sort after them by
// name, and "stack" (resources outside any component) last.
var tiers = []string{"network", "security", "data", "compute", "edge", "observability", "compliance"}

func tierOrder(t string) int {
	if i := slices.Index(tiers, t); i >= 0 {
		return i
	}
	if t == "stack" {
		return len(tiers) + 1
	}
	return len(tiers)
}

// compareTiers orders two tiers as the report lists them: a total order,
// so that a listing read from a map prints the same every run.
func compareTiers(a, b string) int {
	return cmp.Or(cmp.Compare(tierOrder(a), tierOrder(b)), cmp.Compare(a, b))
}

// Tier is the package of a resource's outermost component: "network" for
// everything under omnirapeutic:network:Vpc. Resources outside any
// component are "stack".
func (r *Result) Tier(res *Resource) string {
	top := ""
	for cur := res; cur != nil; cur = r.ByURN(cur.Parent) {
		if cur.Component {
			top = cur.Type
		}
	}
	parts := strings.Split(top, ":")
	if len(parts) != 3 {
		return "stack"
	}
	return parts[1]
}

// findTaskDefinition finds the task definition a service's "family:revision"
// or ARN names, with its inputs; nil when no registered one has that family.
func (r *Result) findTaskDefinition(ref string) (*Resource, *TaskDefinitionInputs, error) {
	family := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.LastIndex(family, ":"); i >= 0 {
		family = family[:i]
	}
	tds, in, err := DecodeAll[TaskDefinitionInputs](r, "aws:ecs/taskDefinition:TaskDefinition")
	if err != nil {
		return nil, nil, err
	}
	for i, td := range tds {
		if in[i].Family == family {
			return td, &in[i], nil
		}
	}
	return nil, nil, nil
}

// numeric is a number input the engine may hold as a number or as a numeric
// string: the provider's schema makes ECS task CPU and memory strings ("256").
type numeric float64

// UnmarshalJSON reads a number or a numeric string; anything else is an error.
func (n *numeric) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[float64]()}
		}
		*n = numeric(f)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = numeric(f)
	return nil
}

// ByTier sums lines per tier: floor and usage.
func (c *Cost) ByTier() map[string][2]float64 {
	out := map[string][2]float64{}
	for _, l := range c.Lines {
		v := out[l.Tier]
		if l.Floor {
			v[0] += l.MonthlyUSD
		} else {
			v[1] += l.MonthlyUSD
		}
		out[l.Tier] = v
	}
	return out
}

// Biggest returns the n most expensive lines, summed per price and kind
// across resources (three NAT gateways' hours are one line; Aurora's floor
// ACU-hours and its usage ACU-hours stay two).
func (c *Cost) Biggest(n int) []CostLine {
	type key struct {
		price PriceKey
		floor bool
	}
	sum := map[key]*CostLine{}
	var order []key
	for _, l := range c.Lines {
		k := key{l.Price, l.Floor}
		s, ok := sum[k]
		if !ok {
			s = &CostLine{Price: l.Price, Floor: l.Floor, Tier: l.Tier}
			sum[k] = s
			order = append(order, k)
		}
		s.Quantity += l.Quantity
		s.MonthlyUSD += l.MonthlyUSD
	}
	var out []CostLine
	for _, k := range order {
		out = append(out, *sum[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].MonthlyUSD > out[j].MonthlyUSD })
	return out[:min(n, len(out))]
}

// USD formats dollars to the cent.
func USD(v float64) string { return fmt.Sprintf("$%.2f", math.Round(v*100)/100) }

// WriteCost prints the cost model: totals, per tier, then every line with
// its price and where the price comes from.
func WriteCost(w io.Writer, c *Cost) error {
	fmt.Fprintf(w, "Modeled monthly cost: %s = idle floor %s + usage %s\n", USD(c.TotalUSD), USD(c.FloorUSD), USD(c.UsageUSD))
	fmt.Fprintf(w, "US East (N. Virginia) on-demand list prices as of %s, %d hours a month, before free tiers and discounts", c.PricesAsOf, HoursPerMonth)
	if c.Region != PricesRegion {
		fmt.Fprintf(w, "; the stack is in %s, whose prices may differ", c.Region)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintln(w)
	byTier := c.ByTier()
	var rows [][]string
	for _, t := range slices.SortedFunc(maps.Keys(byTier), compareTiers) {
		v := byTier[t]
		rows = append(rows, []string{t, USD(v[0]), USD(v[1]), USD(v[0] + v[1])})
	}
	if err := layout.Table(w, []string{"TIER", "FLOOR", "USAGE", "TOTAL"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rows = nil
	for _, l := range c.Lines {
		kind := "usage"
		if l.Floor {
			kind = "floor"
		}
		p, quantity := Prices[l.Price], "unpriced"
		if l.Price != "" {
			quantity = fmt.Sprintf("%g x $%g/%s", round(l.Quantity), p.USD, p.Unit)
		}
		rows = append(rows, []string{l.Tier, l.Resource, kind, string(l.Price), quantity, USD(l.MonthlyUSD), l.Basis})
	}
	if err := layout.Table(w, []string{"TIER", "RESOURCE", "KIND", "PRICE", "QUANTITY", "MONTHLY", "BASIS"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage profile (change with --usage FILE.json):")
	rows = nil
	for _, f := range usageFields(c.Usage) {
		rows = append(rows, []string{"  " + f.name, strconv.FormatFloat(f.value, 'g', -1, 64)})
	}
	if err := layout.Table(w, []string{"  ASSUMPTION", "VALUE"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Prices used, and the AWS page each comes from:")
	rows = nil
	used := map[PriceKey]bool{}
	for _, l := range c.Lines {
		used[l.Price] = true
	}
	for _, k := range slices.Sorted(maps.Keys(used)) {
		if k == "" {
			continue
		}
		p := Prices[k]
		rows = append(rows, []string{"  " + string(k), fmt.Sprintf("$%g/%s", p.USD, p.Unit), p.Page})
	}
	return layout.Table(w, []string{"  PRICE", "USD", "SOURCE"}, rows)
}

// round keeps quantities readable (730 x 0.25 = 182.5, not 182.49999).
func round(v float64) float64 { return math.Round(v*1000) / 1000 }
