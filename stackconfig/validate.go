package stackconfig

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/omnirapeutic/infrastructure/naming"
)

// regionPattern matches region names such as us-east-1 and us-gov-west-1;
// the partition ARNs are spelled in follows from the name (naming.Partition).
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)

// LogRetentionValues are the only retention periods CloudWatch Logs accepts (days).
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Validate checks the configuration as a whole and returns every problem it
// finds, each naming the key and the bad value.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if !regionPattern.MatchString(c.Region) {
		add(fmt.Errorf("config aws:region: %q is not an AWS region name (set it with `pulumi config set aws:region us-east-1`)", c.Region))
	}
	add(validateAvailabilityZones(c.Region, c.Network.AvailabilityZones))
	add(validateSubnets(c.Network))
	if c.Network.NatGateways != NatPerAZ && c.Network.NatGateways != NatSingle {
		add(fmt.Errorf("config %s: %q is not %q (a NAT gateway per AZ) or %q (one for all AZs)", Key("natGateways"), c.Network.NatGateways, NatPerAZ, NatSingle))
	}
	add(validateRetention("logRetentionDays", c.Logs.RetentionDays, 1))
	// Audit logs are kept at least a year (controls.md, CIS); the audit
	// buckets keep them at least HIPAARetentionDays whatever this says.
	add(validateRetention("auditLogRetentionDays", c.Logs.AuditRetentionDays, 365))
	add(validateAurora(c.Aurora, c.Network.AvailabilityZones))
	add(validateBastion(c.Bastion, c.Network.AvailabilityZones))
	add(validateEdge(c.Edge, c.Region))
	add(c.validateServices())
	add(validateAlarms(c.AlarmEmails, c.MonthlyBudgetUsd))
	add(validateHTTPSEndpoints(c.AlarmHttpsEndpoints))
	add(c.validateOwnership())
	add(validateBackup(c.Backup, c.Aurora.BackupRetentionDays))
	add(validateRecovery(c.Recovery, c.Region))
	add(validateRoleNames("keyAdministrators", c.KeyAdministrators, true))
	return errors.Join(errs...)
}

// HIPAARetentionDays is six years, HIPAA's documentation retention (45 CFR
// 164.316(b)(2)(i)): the least the audit buckets keep what they receive. It
// is a rule, not a setting: a longer auditLogRetentionDays (which also sets
// the buckets' Object Lock) lengthens it, a shorter one does not shorten it.
const HIPAARetentionDays = 2192

func validateRetention(name string, days, floor int) error {
	if !slices.Contains(LogRetentionValues, days) {
		return fmt.Errorf("config %s: %d is not a retention CloudWatch Logs accepts (one of %v)", Key(name), days, LogRetentionValues)
	}
	if days < floor {
		return fmt.Errorf("config %s: %d is below the %d-day minimum for these logs", Key(name), days, floor)
	}
	return nil
}

var (
	// engineVersionPattern accepts aurora-postgresql 15 minor versions, matching the parameter group family.
	engineVersionPattern = regexp.MustCompile(`^15\.\d+$`)
	// instanceTypePattern accepts EC2 instance type names such as t3.micro.
	instanceTypePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	// gravitonPattern matches arm64 (Graviton) instance families: t4g, m7g, c6gn...
	gravitonPattern = regexp.MustCompile(`^[a-z]+\d+g`)
)

// masterUsernamePattern is RDS's rule: 1 to 16 letters, digits or underscores, starting with a letter.
var masterUsernamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,15}$`)

// reservedMasterUsernames are names aurora-postgresql refuses ("admin" among them,
// though the seed's psql example uses it).
var reservedMasterUsernames = []string{"admin", "postgres", "rdsadmin", "rdsrepladmin", "rds_superuser"}

func validateAurora(a Aurora, azs []string) error {
	key := Key("aurora")
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("config "+key+"."+format, args...))
	}
	if !engineVersionPattern.MatchString(a.EngineVersion) {
		bad("engineVersion: %q is not an aurora-postgresql 15 version (the parameter group family is aurora-postgresql15)", a.EngineVersion)
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"minCapacity", a.MinCapacity}, {"maxCapacity", a.MaxCapacity}} {
		if (c.v < 0.5 && !(c.name == "minCapacity" && c.v == 0)) || c.v > 256 || c.v*2 != float64(int(c.v*2)) {
			bad("%s: %v ACU is not a Serverless v2 capacity (0.5 to 256 in steps of 0.5; minCapacity may be 0)", c.name, c.v)
		}
	}
	if a.MinCapacity == 0 && engineVersionPattern.MatchString(a.EngineVersion) && !supportsAutoPause(a.EngineVersion) {
		bad("minCapacity: 0 ACU (automatic pause) needs aurora-postgresql 15.7 or later, not %q", a.EngineVersion)
	}
	if a.MinCapacity > a.MaxCapacity {
		bad("minCapacity: %v ACU is above maxCapacity %v ACU", a.MinCapacity, a.MaxCapacity)
	}
	if !slices.Contains(azs, a.WriterAvailabilityZone) {
		bad("writerAvailabilityZone: %q is not one of the VPC's availability zones %v", a.WriterAvailabilityZone, azs)
	}
	seen := map[string]bool{}
	for _, az := range a.ReaderAvailabilityZones {
		switch {
		case !slices.Contains(azs, az):
			bad("readerAvailabilityZones: %q is not one of the VPC's availability zones %v", az, azs)
		case az == a.WriterAvailabilityZone:
			bad("readerAvailabilityZones: %q is the writer's zone; a reader there gives no zone failover", az)
		case seen[az]:
			bad("readerAvailabilityZones: %q is listed twice; one reader per zone", az)
		}
		seen[az] = true
	}
	if a.BackupRetentionDays < 7 || a.BackupRetentionDays > 35 {
		bad("backupRetentionDays: %d is outside 7 to 35 days (the seed keeps 7; RDS allows at most 35)", a.BackupRetentionDays)
	}
	if !masterUsernamePattern.MatchString(a.MasterUsername) || slices.Contains(reservedMasterUsernames, strings.ToLower(a.MasterUsername)) || strings.HasPrefix(strings.ToLower(a.MasterUsername), "pg_") {
		bad("masterUsername: %q is not allowed: 1 to 16 letters, digits or underscores, starting with a letter, and not a name aurora-postgresql reserves (%v, pg_*)", a.MasterUsername, reservedMasterUsernames)
	}
	return errors.Join(errs...)
}

// supportsAutoPause reports whether an aurora-postgresql 15 version can
// scale to 0 ACU: 15.7 and later (Aurora user guide, "Aurora Serverless v2
// capacity").
func supportsAutoPause(version string) bool {
	minor, err := strconv.Atoi(strings.TrimPrefix(version, "15."))
	return err == nil && minor >= 7
}

func validateBastion(b Bastion, azs []string) error {
	key := Key("bastion")
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("config "+key+"."+format, args...))
	}
	if !slices.Contains(azs, b.AvailabilityZone) {
		bad("availabilityZone: %q is not one of the VPC's availability zones %v", b.AvailabilityZone, azs)
	}
	if !instanceTypePattern.MatchString(b.InstanceType) {
		bad("instanceType: %q is not an EC2 instance type", b.InstanceType)
	}
	if !strings.HasPrefix(b.AmiParameter, "/aws/service/ami-amazon-linux-latest/al2023-ami-") {
		bad("amiParameter: %q is not a public Amazon Linux 2023 AMI parameter", b.AmiParameter)
	} else if arm := strings.HasSuffix(b.AmiParameter, "-arm64"); arm != gravitonPattern.MatchString(b.InstanceType) {
		bad("instanceType: %q does not run the architecture of amiParameter %q", b.InstanceType, b.AmiParameter)
	}
	if b.IdleSessionTimeoutMinutes < 1 || b.IdleSessionTimeoutMinutes > 60 {
		bad("idleSessionTimeoutMinutes: %d is outside the 1 to 60 minutes Session Manager allows", b.IdleSessionTimeoutMinutes)
	}
	if b.MaxSessionDurationMinutes < 1 || b.MaxSessionDurationMinutes > 1440 {
		bad("maxSessionDurationMinutes: %d is outside the 1 to 1440 minutes Session Manager allows", b.MaxSessionDurationMinutes)
	}
	return errors.Join(errs...)
}

func validateAvailabilityZones(region string, azs []string) error {
	key := Key("availabilityZones")
	if len(azs) < 2 {
		return fmt.Errorf("config %s: %q lists %d zones; an ALB and Aurora need at least 2", key, azs, len(azs))
	}
	var errs []error
	seen := map[string]bool{}
	for _, az := range azs {
		if seen[az] {
			errs = append(errs, fmt.Errorf("config %s: %q is listed twice", key, az))
		}
		seen[az] = true
		if !strings.HasPrefix(az, region) || len(az) != len(region)+1 || az[len(region)] < 'a' || az[len(region)] > 'z' {
			errs = append(errs, fmt.Errorf("config %s: %q is not an availability zone of region %q", key, az, region))
		}
	}
	return errors.Join(errs...)
}

// ParseCIDR parses an IPv4 CIDR block and insists it is written in canonical
// form (10.0.1.0/24, not 10.0.1.7/24), since AWS rejects host bits.
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR block: %w", err)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, errors.New("not an IPv4 CIDR block")
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("has host bits set; did you mean %s?", p.Masked())
	}
	return p, nil
}

func validateSubnets(n Network) error {
	var errs []error
	vpcKey := Key("vpcCidr")
	vpc, err := ParseCIDR(n.VpcCidr)
	if err != nil {
		errs = append(errs, fmt.Errorf("config %s: %q %v", vpcKey, n.VpcCidr, err))
	} else if vpc.Bits() < 16 || vpc.Bits() > 28 {
		errs = append(errs, fmt.Errorf("config %s: %q must be between /16 and /28, as AWS requires", vpcKey, n.VpcCidr))
	}

	key := Key("subnetCidrs")
	for tier := range n.SubnetCidrs {
		if !slices.Contains(Tiers, tier) {
			errs = append(errs, fmt.Errorf("config %s: unknown tier %q (tiers are %v)", key, tier, Tiers))
		}
	}
	type placed struct {
		where string
		cidr  netip.Prefix
	}
	var all []placed
	for _, tier := range Tiers {
		byAZ, ok := n.SubnetCidrs[tier]
		if !ok {
			errs = append(errs, fmt.Errorf("config %s: tier %q is missing; it needs one subnet in each of %v", key, tier, n.AvailabilityZones))
			continue
		}
		for _, az := range slices.Sorted(maps.Keys(byAZ)) {
			if !slices.Contains(n.AvailabilityZones, az) {
				errs = append(errs, fmt.Errorf("config %s.%s: %q is not one of the VPC's availability zones %v", key, tier, az, n.AvailabilityZones))
			}
		}
		for _, az := range n.AvailabilityZones {
			raw, ok := byAZ[az]
			where := fmt.Sprintf("%s.%s.%s", key, tier, az)
			if !ok {
				errs = append(errs, fmt.Errorf("config %s: missing; tier %q needs exactly one subnet in each availability zone", where, tier))
				continue
			}
			p, err := ParseCIDR(raw)
			if err != nil {
				errs = append(errs, fmt.Errorf("config %s: %q %v", where, raw, err))
				continue
			}
			if vpc.IsValid() && (!vpc.Contains(p.Addr()) || p.Bits() < vpc.Bits()) {
				errs = append(errs, fmt.Errorf("config %s: %q is outside the VPC %s", where, raw, vpc))
			}
			if p.Bits() > 28 {
				errs = append(errs, fmt.Errorf("config %s: %q is smaller than the /28 AWS allows", where, raw))
			}
			for _, other := range all {
				if other.cidr.Overlaps(p) {
					errs = append(errs, fmt.Errorf("config %s: %q overlaps %s (%s)", where, raw, other.where, other.cidr))
				}
			}
			all = append(all, placed{where, p})
		}
	}
	return errors.Join(errs...)
}

var (
	// nameLabelPattern keeps service, repository and target-group names short
	// enough for AWS's 32-character target group and load balancer names.
	nameLabelPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,7}$`)
	// certificatePattern is an ACM certificate ARN in any partition; the
	// partition and the region are checked separately.
	certificatePattern = regexp.MustCompile(`^arn:(aws[a-z-]*):acm:([a-z0-9-]+):\d{12}:certificate/[0-9a-f-]+$`)
)

// FargateMemory lists the memory sizes (MiB) Fargate accepts for each CPU size.
func FargateMemory(cpu int) []int {
	var lo, hi, step int
	switch cpu {
	case 256:
		return []int{512, 1024, 2048}
	case 512:
		lo, hi, step = 1024, 4096, 1024
	case 1024:
		lo, hi, step = 2048, 8192, 1024
	case 2048:
		lo, hi, step = 4096, 16384, 1024
	case 4096:
		lo, hi, step = 8192, 30720, 1024
	default:
		return nil
	}
	var out []int
	for m := lo; m <= hi; m += step {
		out = append(out, m)
	}
	return out
}

// MaxServices is how many services the ECS running-tasks alarm can watch.
const MaxServices = 5

func validateEdge(e Edge, region string) error {
	key := Key("edge")
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("config "+key+"."+format, args...))
	}
	if e.CertificateArn != "" {
		m := certificatePattern.FindStringSubmatch(e.CertificateArn)
		switch {
		case m == nil:
			bad("certificateArn: %q is not an ACM certificate ARN", e.CertificateArn)
		case m[2] != region:
			bad("certificateArn: %q is in %s; an ALB needs a certificate in its own region %s", e.CertificateArn, m[2], region)
		case m[1] != naming.Partition(region):
			bad("certificateArn: %q is in partition %s; region %s is in %s", e.CertificateArn, m[1], region, naming.Partition(region))
		}
	}
	if !nameLabelPattern.MatchString(e.DefaultTargetGroup) {
		bad("defaultTargetGroup: %q is not a target group name (1 to 8 lowercase letters, digits or hyphens)", e.DefaultTargetGroup)
	}
	seen, routed := map[string]bool{}, map[string]bool{}
	for i, r := range e.PathRoutes {
		if !strings.HasPrefix(r.PathPattern, "/") || len(r.PathPattern) > 128 {
			bad("pathRoutes[%d].pathPattern: %q must start with / (at most 128 characters)", i, r.PathPattern)
		}
		if seen[r.PathPattern] {
			bad("pathRoutes[%d].pathPattern: %q is routed twice", i, r.PathPattern)
		}
		seen[r.PathPattern] = true
		switch {
		case !nameLabelPattern.MatchString(r.TargetGroup):
			bad("pathRoutes[%d].targetGroup: %q is not a target group name (1 to 8 lowercase letters, digits or hyphens)", i, r.TargetGroup)
		case r.TargetGroup == e.DefaultTargetGroup:
			bad("pathRoutes[%d].targetGroup: %q is the default target group already", i, r.TargetGroup)
		case routed[r.TargetGroup]:
			bad("pathRoutes[%d].targetGroup: %q has a route already; one route per target group", i, r.TargetGroup)
		}
		routed[r.TargetGroup] = true
	}
	if e.WafRateLimit < 100 || e.WafRateLimit > 2000000000 {
		bad("wafRateLimit: %d is outside the 100 to 2,000,000,000 requests WAF accepts", e.WafRateLimit)
	}
	return errors.Join(errs...)
}

// quotedSecretNames lists SecretNames for error messages: "apiKeys", "...".
func quotedSecretNames() string {
	quoted := make([]string, len(SecretNames))
	for i, n := range SecretNames {
		quoted[i] = strconv.Quote(string(n))
	}
	return strings.Join(quoted, ", ")
}

func (c *Config) validateServices() error {
	key := Key("services")
	var errs []error
	for _, repo := range c.EcrRepositories {
		if !nameLabelPattern.MatchString(repo) {
			errs = append(errs, fmt.Errorf("config %s: %q is not a repository name (1 to 8 lowercase letters, digits or hyphens)", Key("ecrRepositories"), repo))
		}
	}
	// The running-tasks alarm's metric math takes two metrics per declared
	// service, and CloudWatch allows ten metrics in one alarm.
	if len(c.Services) == 0 || len(c.Services) > MaxServices {
		errs = append(errs, fmt.Errorf("config %s: %d services are declared; declare 1 to %d (the ECS running-tasks alarm watches each with two metrics, ten at most)", key, len(c.Services), MaxServices))
	}
	targetGroups := c.Edge.TargetGroups()
	healthPaths := map[string]string{}
	for _, name := range c.ServiceNames() {
		s := c.Services[name]
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("config %s.%s.%s", key, name, fmt.Sprintf(format, args...)))
		}
		if !nameLabelPattern.MatchString(name) {
			errs = append(errs, fmt.Errorf("config %s: %q is not a service name (1 to 8 lowercase letters, digits or hyphens)", key, name))
		}
		switch {
		case s.Image != "" && s.ImageTag != "":
			bad("image: set image (an external image) or imageTag (a tag in ECR repository %q), not both", name)
		case s.Image == "" && !slices.Contains(c.EcrRepositories, name):
			bad("image: unknown service %q: no ECR repository of that name (repositories: %v) and no external image", name, c.EcrRepositories)
		case s.Image == "" && s.Enabled && s.ImageTag == "":
			bad("imageTag: %q runs from its ECR repository but names no tag; push an image and set its tag before enabling it", name)
		case s.ImageTag == "latest":
			bad("imageTag: %q: repositories are immutable; deploy a unique tag, not latest", s.ImageTag)
		}
		if s.Image != "" {
			if err := PinnedImage(s.Image); err != nil {
				bad("image: %v", err)
			}
			if s.Enabled && !s.InternetEgress {
				bad("internetEgress: %q is pulled from outside ECR, over the task's own network interface, which reaches only the VPC's endpoints unless internetEgress is true: "+
					"set internetEgress: true, or push the image to the ECR repository of the service's name and set imageTag", s.Image)
			}
		}
		if mem := FargateMemory(s.Cpu); mem == nil {
			bad("cpu: %d is not a Fargate CPU size (256, 512, 1024, 2048, 4096)", s.Cpu)
		} else if !slices.Contains(mem, s.Memory) {
			bad("memory: %d MiB is not a Fargate size for %d CPU units (%v)", s.Memory, s.Cpu, mem)
		}
		if s.DesiredCount < 0 {
			bad("desiredCount: %d must be 0 or more", s.DesiredCount)
		}
		if s.ContainerPort < 0 || s.ContainerPort > 65535 {
			bad("containerPort: %d is not a port", s.ContainerPort)
		}
		if s.User == "" || s.User == "0" || s.User == "root" || strings.HasPrefix(s.User, "0:") {
			bad("user: %q: containers run as a non-root user", s.User)
		}
		for _, secret := range s.Secrets {
			switch {
			case secret == MasterSecret:
				bad("secrets: %q would hand the service the Aurora master login (rds_superuser); no service may receive it: "+
					"set database: true instead, and the service connects with IAM database authentication as %s", secret, DatabaseUser(name))
			case !slices.Contains(SecretNames, secret):
				bad("secrets: unknown secret %q; a service may ask for %s (and reaches the database with database: true)", secret, quotedSecretNames())
			}
		}
		if !slices.Contains(CpuArchitectures, s.Architecture()) {
			bad("cpuArchitecture: %q is not a CPU architecture Fargate runs: %s (or leave it unset for %s)",
				s.CpuArchitecture, strings.Join(CpuArchitectures, " or "), X86_64)
		}
		// The value of a secret-looking variable is never repeated in the
		// error: it may be the secret.
		for _, k := range slices.Sorted(maps.Keys(s.Environment)) {
			if problem := validateEnvironment(k, s.Environment[k]); problem != "" {
				bad("environment: %s", problem)
			}
		}
		for _, user := range []string{DatabaseUser(name), MigrationUser(name)} {
			if s.Database && strings.EqualFold(user, c.Aurora.MasterUsername) {
				bad("database: the service's database user %s is %s's master user; rename one", user, Key("aurora.masterUsername"))
			}
		}
		// Fargate counts a tmpfs mount against the task's memory.
		if s.TmpfsMiB < 0 || s.Tmpfs() > s.Memory/2 {
			bad("tmpfsMiB: %d MiB of tmpfs /tmp does not fit the task's %d MiB of memory: Fargate counts tmpfs against task memory; "+
				"use 1 to %d MiB (at most half), or leave it unset for %d MiB", s.Tmpfs(), s.Memory, s.Memory/2, DefaultTmpfsMiB)
		}
		// PHI must not cross the internet unencrypted: a service that holds
		// secrets or reaches the database runs only behind HTTPS.
		if s.Enabled && (len(s.Secrets) > 0 || s.Database) && c.Edge.CertificateArn == "" {
			bad("enabled: a service that receives secrets or the database may handle PHI, which must not be served over plain HTTP, "+
				"and %s is empty: set it to an ACM certificate ARN in %s (HTTPS then serves and HTTP redirects), or keep enabled: false", Key("edge.certificateArn"), c.Region)
		}
		if s.TargetGroup != "" {
			if !slices.Contains(targetGroups, s.TargetGroup) {
				bad("targetGroup: %q is not a target group the ALB routes to (%v)", s.TargetGroup, targetGroups)
			}
			if s.ContainerPort == 0 {
				bad("containerPort: a service serving target group %q needs a port", s.TargetGroup)
			}
			if !strings.HasPrefix(s.HealthCheckPath, "/") {
				bad("healthCheckPath: %q must start with /", s.HealthCheckPath)
			} else if prev, ok := healthPaths[s.TargetGroup]; ok && prev != s.HealthCheckPath {
				bad("healthCheckPath: %q differs from %q, which another service of target group %q uses", s.HealthCheckPath, prev, s.TargetGroup)
			}
			healthPaths[s.TargetGroup] = s.HealthCheckPath
		}
		if a := s.Autoscaling; a != nil {
			if a.MinCount < 1 || a.MaxCount < a.MinCount {
				bad("autoscaling: minCount %d and maxCount %d must satisfy 1 <= minCount <= maxCount", a.MinCount, a.MaxCount)
			}
			if s.DesiredCount < a.MinCount || s.DesiredCount > a.MaxCount {
				bad("desiredCount: %d is outside autoscaling bounds %d to %d", s.DesiredCount, a.MinCount, a.MaxCount)
			}
			if a.CpuTargetPercent < 10 || a.CpuTargetPercent > 90 {
				bad("autoscaling.cpuTargetPercent: %d is outside 10 to 90", a.CpuTargetPercent)
			}
		}
	}
	return errors.Join(errs...)
}

// emailPattern is deliberately plain: one @, a dot in the domain, no spaces.
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func validateAlarms(emails []string, budget int) error {
	var errs []error
	seen := map[string]bool{}
	for _, e := range emails {
		switch {
		case !emailPattern.MatchString(e):
			errs = append(errs, fmt.Errorf("config %s: %q is not an email address", Key("alarmEmails"), e))
		case seen[strings.ToLower(e)]:
			errs = append(errs, fmt.Errorf("config %s: %q is listed twice", Key("alarmEmails"), e))
		}
		seen[strings.ToLower(e)] = true
	}
	if budget <= 0 {
		errs = append(errs, fmt.Errorf("config %s: %d must be a positive number of US dollars", Key("monthlyBudgetUsd"), budget))
	}
	return errors.Join(errs...)
}

func validateHTTPSEndpoints(endpoints []string) error {
	key := Key("alarmHttpsEndpoints")
	var errs []error
	seen := map[string]bool{}
	for _, e := range endpoints {
		u, err := url.Parse(e)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "":
			errs = append(errs, fmt.Errorf("config %s: %q is not an https:// URL (SNS delivers alarms over HTTPS only to such a URL)", key, e))
		case seen[e]:
			errs = append(errs, fmt.Errorf("config %s: %q is listed twice", key, e))
		}
		seen[e] = true
	}
	return errors.Join(errs...)
}

// Warnings are what the configuration allows but an operator should know
// before `pulumi up`: the program logs each through the engine, and the
// offline synthesis prints them.
func (c *Config) Warnings() []string {
	var out []string
	if len(c.KeyAdministrators) == 0 {
		out = append(out, fmt.Sprintf("%s is empty: only the deploy pipeline's role (%s) may change the KMS keys' policies, "+
			"so a `pulumi up` from a laptop fails at the first key it creates or changes (KMS refuses a policy that locks its caller out); "+
			"list the role administrators deploy with", Key("keyAdministrators"), DeployRoleName))
	}
	if len(c.AlarmEmails) == 0 && len(c.AlarmHttpsEndpoints) == 0 {
		out = append(out, fmt.Sprintf("the alarm topic has no subscriber: %s and %s are both empty, so every alarm and "+
			"every high-severity GuardDuty finding is published to nobody (CLOUDWATCH_ALARM_ACTION_CHECK still passes); "+
			"add an on-call email address or a paging service's HTTPS endpoint", Key("alarmEmails"), Key("alarmHttpsEndpoints")))
	}
	return out
}
