package stackconfig_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/stackconfig"
	"github.com/omnirapeutic/infrastructure/stackfile"
)

// production reads the real stack file, so each case below is one mistake
// away from the configuration that is deployed.
func production(t *testing.T) *stackfile.Config {
	t.Helper()
	sf, err := stackfile.Load("..", "production")
	require.NoError(t, err)
	return sf
}

func TestProductionConfigDecodes(t *testing.T) {
	sf := production(t)
	cfg, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.NoError(t, err)
	require.Equal(t, "omnirapeutic-production", cfg.NamePrefix())
	require.Equal(t, "us-east-1", cfg.Region)
	require.Equal(t, "10.0.0.0/16", cfg.Network.VpcCidr)
	require.Equal(t, []string{"us-east-1a", "us-east-1b", "us-east-1c"}, cfg.Network.AvailabilityZones)
	require.Equal(t, map[stackconfig.Tier]map[string]string{
		stackconfig.Public: {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24", "us-east-1c": "10.0.3.0/24"},
		stackconfig.App:    {"us-east-1a": "10.0.11.0/24", "us-east-1b": "10.0.12.0/24", "us-east-1c": "10.0.13.0/24"},
		stackconfig.Data:   {"us-east-1a": "10.0.21.0/24", "us-east-1b": "10.0.22.0/24", "us-east-1c": "10.0.23.0/24"},
	}, cfg.Network.SubnetCidrs)
	require.Equal(t, 365, cfg.Logs.RetentionDays)
}

// subnets returns production's subnet map with one edit applied.
func subnets(edit func(m map[string]map[string]string)) string {
	m := map[string]map[string]string{
		"public": {"us-east-1a": "10.0.1.0/24", "us-east-1b": "10.0.2.0/24", "us-east-1c": "10.0.3.0/24"},
		"app":    {"us-east-1a": "10.0.11.0/24", "us-east-1b": "10.0.12.0/24", "us-east-1c": "10.0.13.0/24"},
		"data":   {"us-east-1a": "10.0.21.0/24", "us-east-1b": "10.0.22.0/24", "us-east-1c": "10.0.23.0/24"},
	}
	edit(m)
	b, _ := json.Marshal(m)
	return string(b)
}

func TestDecodeRejectsBadConfig(t *testing.T) {
	cases := []struct {
		name string
		key  string
		raw  string
		want []string // every fragment must appear in the error
	}{
		{"CIDR does not parse", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["app"]["us-east-1b"] = "10.0.300.0/24" }),
			[]string{"omnirapeutic:subnetCidrs.app.us-east-1b", `"10.0.300.0/24"`, "not a CIDR block"}},
		{"VPC CIDR does not parse", "omnirapeutic:vpcCidr", "10.0.0.0/33",
			[]string{"omnirapeutic:vpcCidr", `"10.0.0.0/33"`, "not a CIDR block"}},
		{"CIDR with host bits", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["data"]["us-east-1a"] = "10.0.21.7/24" }),
			[]string{"omnirapeutic:subnetCidrs.data.us-east-1a", `"10.0.21.7/24"`, "10.0.21.0/24"}},
		{"subnet outside the VPC", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["public"]["us-east-1c"] = "10.1.3.0/24" }),
			[]string{"omnirapeutic:subnetCidrs.public.us-east-1c", `"10.1.3.0/24"`, "outside the VPC 10.0.0.0/16"}},
		{"subnet larger than the VPC", "omnirapeutic:vpcCidr", "10.0.0.0/24",
			[]string{"omnirapeutic:subnetCidrs.public.us-east-1b", `"10.0.2.0/24"`, "outside the VPC 10.0.0.0/24"}},
		{"overlapping subnets", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["app"]["us-east-1c"] = "10.0.12.0/23" }),
			[]string{"omnirapeutic:subnetCidrs.app.us-east-1c", `"10.0.12.0/23"`, "overlaps omnirapeutic:subnetCidrs.app.us-east-1b"}},
		{"tier missing an AZ", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { delete(m["data"], "us-east-1b") }),
			[]string{"omnirapeutic:subnetCidrs.data.us-east-1b", "exactly one subnet in each availability zone"}},
		{"tier with a subnet in a foreign AZ", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["app"]["us-east-1d"] = "10.0.14.0/24" }),
			[]string{"omnirapeutic:subnetCidrs.app", `"us-east-1d"`, "not one of the VPC's availability zones"}},
		{"tier missing", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { delete(m, "data") }),
			[]string{"omnirapeutic:subnetCidrs", `tier "data" is missing`}},
		{"unknown tier", "omnirapeutic:subnetCidrs", subnets(func(m map[string]map[string]string) { m["dmz"] = m["app"] }),
			[]string{"omnirapeutic:subnetCidrs", `unknown tier "dmz"`}},
		{"AZ outside the region", "omnirapeutic:availabilityZones", `["us-east-1a","us-east-1b","us-west-2c"]`,
			[]string{"omnirapeutic:availabilityZones", `"us-west-2c"`, `not an availability zone of region "us-east-1"`}},
		{"duplicate AZs", "omnirapeutic:availabilityZones", `["us-east-1a","us-east-1b","us-east-1b"]`,
			[]string{"omnirapeutic:availabilityZones", `"us-east-1b" is listed twice`}},
		{"one AZ", "omnirapeutic:availabilityZones", `["us-east-1a"]`,
			[]string{"omnirapeutic:availabilityZones", "at least 2"}},
		{"AZs not a list", "omnirapeutic:availabilityZones", `us-east-1a`,
			[]string{"omnirapeutic:availabilityZones", `"us-east-1a"`, "not a valid value"}},
		{"no region", "aws:region", "",
			[]string{"aws:region", `""`, "not an AWS region"}},
		{"retention CloudWatch rejects", "omnirapeutic:logRetentionDays", "100",
			[]string{"omnirapeutic:logRetentionDays", "100", "not a retention CloudWatch Logs accepts"}},
		{"retention not a number", "omnirapeutic:logRetentionDays", "a year",
			[]string{"omnirapeutic:logRetentionDays", `"a year"`, "not an integer"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sf := production(t)
			sf.Values[tc.key] = tc.raw
			_, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
			require.Error(t, err)
			for _, want := range tc.want {
				require.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestDecodeReportsMissingKeys(t *testing.T) {
	sf := production(t)
	delete(sf.Values, "omnirapeutic:vpcCidr")
	_, err := stackconfig.Decode(sf.Project, sf.Stack, sf.Lookup)
	require.ErrorContains(t, err, "config omnirapeutic:vpcCidr is required")
}

func TestParseCIDR(t *testing.T) {
	for _, tc := range []struct {
		in      string
		wantErr string
	}{
		{"10.0.1.0/24", ""},
		{"10.0.0.0/16", ""},
		{"10.0.1.1/24", "host bits"},
		{"10.0.1.0", "not a CIDR block"},
		{"fd00::/64", "not an IPv4"},
	} {
		_, err := stackconfig.ParseCIDR(tc.in)
		if tc.wantErr == "" {
			require.NoError(t, err, tc.in)
		} else {
			require.ErrorContains(t, err, tc.wantErr, tc.in)
		}
	}
}
