package cost

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// Estimate models the monthly cost of what the synthesis registered, from
// Prices and the usage profile. Only resources that cost money by existing
// or by use get lines; IAM, security groups, route tables and the like are free.
// An input the model reads that has another type than the provider's schema
// gives it is an error naming the resource, never a line priced at $0.
func Estimate(r *synth.Result, u synth.UsageProfile) (*synth.Cost, error) {
	if err := u.Validate(); err != nil {
		return nil, fmt.Errorf("usage profile: %w", err)
	}
	c := &synth.Cost{PricesAsOf: PricesAsOf, Region: r.Config.Values["aws:region"], Usage: u}
	add := func(res *synth.Resource, key synth.PriceKey, qty float64, floor bool, basis string) {
		if qty == 0 {
			return
		}
		c.Lines = append(c.Lines, synth.CostLine{Tier: r.Tier(res), Resource: res.Name, Type: res.Type, Price: key,
			Quantity: qty, MonthlyUSD: qty * Prices[key].USD, Floor: floor, Basis: basis})
	}
	// shared adds a line for every resource of a type together, in the
	// tier that owns that kind of data: usage is profiled per stack.
	shared := func(tier, typ, what string, key synth.PriceKey, qty float64, basis string) {
		if n := len(r.OfType(typ)); n > 0 && qty != 0 {
			c.Lines = append(c.Lines, synth.CostLine{Tier: tier, Resource: fmt.Sprintf("all %d %s", n, what), Type: typ, Price: key,
				Quantity: qty, MonthlyUSD: qty * Prices[key].USD, Basis: basis})
		}
	}
	// first returns the first resource of a type, to carry an account-level line.
	first := func(typ string) *synth.Resource {
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
	endpoints, endpointIn, err := synth.DecodeAll[synth.VpcEndpointInputs](r, "aws:ec2/vpcEndpoint:VpcEndpoint")
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
	lbs, lbIn, err := synth.DecodeAll[synth.LoadBalancerInputs](r, "aws:lb/loadBalancer:LoadBalancer")
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
	acls, aclIn, err := synth.DecodeAll[synth.WebACLInputs](r, "aws:wafv2/webAcl:WebAcl")
	if err != nil {
		return nil, err
	}
	for i, acl := range acls {
		rules := len(aclIn[i].Rules)
		add(acl, WafWebACLMonth, 1, true, "one web ACL")
		add(acl, WafRuleMonth, float64(rules), true, fmt.Sprintf("%d rules (a managed rule group counts as one)", rules))
		add(acl, WafMillionRequests, u.WafMillionRequests, false, "wafMillionRequests")
	}

	clusters, clusterIn, err := synth.DecodeAll[synth.ClusterInputs](r, "aws:rds/cluster:Cluster")
	if err != nil {
		return nil, err
	}
	instances, instanceIn, err := synth.DecodeAll[synth.ClusterInstanceInputs](r, "aws:rds/clusterInstance:ClusterInstance")
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

	services, serviceIn, err := synth.DecodeAll[synth.EcsServiceInputs](r, "aws:ecs/service:Service")
	if err != nil {
		return nil, err
	}
	fargateVCPUs := 0.0
	for i, svc := range services {
		_, td, err := r.FindTaskDefinition(serviceIn[i].TaskDefinition)
		if err != nil {
			return nil, err
		}
		if td == nil {
			return nil, synth.Invalid(svc, "taskDefinition %q names no registered task definition", serviceIn[i].TaskDefinition)
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
	ec2s, ec2In, err := synth.DecodeAll[synth.InstanceInputs](r, "aws:ec2/instance:Instance")
	if err != nil {
		return nil, err
	}
	for i, in := range ec2s {
		if ec2In[i].InstanceType == "t3.micro" {
			add(in, EC2T3MicroHour, HoursPerMonth, true, "730 hours")
		} else {
			c.Lines = append(c.Lines, synth.CostLine{Tier: r.Tier(in), Resource: in.Name, Type: in.Type,
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
	alarms, alarmIn, err := synth.DecodeAll[synth.MetricAlarmInputs](r, "aws:cloudwatch/metricAlarm:MetricAlarm")
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
	packs, packIn, err := synth.DecodeAll[synth.ConformancePackInputs](r, "aws:cfg/conformancePack:ConformancePack")
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
	features, featureIn, err := synth.DecodeAll[synth.DetectorFeatureInputs](r, "aws:guardduty/detectorFeature:DetectorFeature")
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
	trails, trailIn, err := synth.DecodeAll[trailSelectorInputs](r, "aws:cloudtrail/trail:Trail")
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
			return synth.CompareTiers(a.Tier, b.Tier) < 0
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

// WriteCost prints the cost model: totals, per tier, then every line with
// its price and where the price comes from.
func WriteCost(w io.Writer, c *synth.Cost) error {
	fmt.Fprintf(w, "Modeled monthly cost: %s = idle floor %s + usage %s\n", synth.USD(c.TotalUSD), synth.USD(c.FloorUSD), synth.USD(c.UsageUSD))
	fmt.Fprintf(w, "US East (N. Virginia) on-demand list prices as of %s, %d hours a month, before free tiers and discounts", c.PricesAsOf, HoursPerMonth)
	if c.Region != PricesRegion {
		fmt.Fprintf(w, "; the stack is in %s, whose prices may differ", c.Region)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintln(w)
	byTier := c.ByTier()
	var rows [][]string
	for _, t := range slices.SortedFunc(maps.Keys(byTier), synth.CompareTiers) {
		v := byTier[t]
		rows = append(rows, []string{t, synth.USD(v[0]), synth.USD(v[1]), synth.USD(v[0] + v[1])})
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
		rows = append(rows, []string{l.Tier, l.Resource, kind, string(l.Price), quantity, synth.USD(l.MonthlyUSD), l.Basis})
	}
	if err := layout.Table(w, []string{"TIER", "RESOURCE", "KIND", "PRICE", "QUANTITY", "MONTHLY", "BASIS"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage profile (change with --usage FILE.json):")
	rows = nil
	for _, f := range synth.UsageFields(c.Usage) {
		rows = append(rows, []string{"  " + f.Name, strconv.FormatFloat(f.Value, 'g', -1, 64)})
	}
	if err := layout.Table(w, []string{"  ASSUMPTION", "VALUE"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Prices used, and the AWS page each comes from:")
	rows = nil
	used := map[synth.PriceKey]bool{}
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
