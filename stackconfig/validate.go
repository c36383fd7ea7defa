package stackconfig

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// regionPattern matches commercial region names such as us-east-1.
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
	if !slices.Contains(LogRetentionValues, c.Logs.RetentionDays) {
		add(fmt.Errorf("config %s: %d is not a retention CloudWatch Logs accepts (one of %v)", Key("logRetentionDays"), c.Logs.RetentionDays, LogRetentionValues))
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
		for _, az := range sortedKeys(byAZ) {
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

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
