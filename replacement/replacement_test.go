package replacement

import (
	"slices"
	"strings"
	"testing"
)

func TestTriggers(t *testing.T) {
	for _, c := range []struct {
		name, token string
		changed     []string
		want        []string
	}{
		{"description replaces a security group", "aws:ec2/securityGroup:SecurityGroup", []string{"tags", "description"}, []string{"description"}},
		{"tags never replace", "aws:ec2/securityGroup:SecurityGroup", []string{"tags"}, nil},
		{"target group port and protocol", "aws:lb/targetGroup:TargetGroup", []string{"protocol", "healthCheck", "port", "port"}, []string{"port", "protocol"}},
		{"writer AZ", "aws:rds/clusterInstance:ClusterInstance", []string{"availabilityZone", "promotionTier"}, []string{"availabilityZone"}},
		{"NAT on a new subnet", "aws:ec2/natGateway:NatGateway", []string{"subnetId"}, []string{"subnetId"}},
		{"unknown type", "aws:guardduty/detector:Detector", []string{"enable"}, nil},
		{"a new VPC CIDR", "aws:ec2/vpc:Vpc", []string{"cidrBlock", "tags"}, []string{"cidrBlock"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Triggers(c.token, c.changed); !slices.Equal(got, c.want) {
				t.Errorf("Triggers(%s, %v) = %v, want %v", c.token, c.changed, got, c.want)
			}
		})
	}
}

func TestDeletesFirst(t *testing.T) {
	for token, want := range map[string]bool{
		"aws:ec2/securityGroup:SecurityGroup":      false, // prefix: create first
		"aws:ecs/taskDefinition:TaskDefinition":    false, // a new revision
		"aws:lb/targetGroup:TargetGroup":           true,
		"aws:ec2/natGateway:NatGateway":            true,
		"aws:ec2/vpc:Vpc":                          false, // unnamed: create first
		"aws:rds/cluster:Cluster":                  true,
		"aws:ec2/subnet:Subnet (not in the table)": false,
	} {
		if got := DeletesFirst(token); got != want {
			t.Errorf("DeletesFirst(%s) = %v, want %v", token, got, want)
		}
	}
}

// TestTableIsComplete: each entry says what triggers a replacement, why its
// strategy fits and where the provider documents it; names and prefixes are
// replace-triggering themselves; pins exist exactly for pinned types.
func TestTableIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, ty := range Types {
		if seen[ty.Token] {
			t.Errorf("%s is listed twice", ty.Token)
		}
		seen[ty.Token] = true
		if len(ty.ForceNew) == 0 || ty.Why == "" || !strings.HasPrefix(ty.Source, "https://") {
			t.Errorf("%s: ForceNew, Why and Source are required", ty.Token)
		}
		for _, p := range []string{ty.NameProperty, ty.PrefixProperty} {
			if p != "" && !slices.Contains(ty.ForceNew, p) {
				t.Errorf("%s: %s changes the physical name, so it forces replacement", ty.Token, p)
			}
		}
		if ty.Strategy == Prefix && ty.PrefixProperty == "" {
			t.Errorf("%s: strategy prefix needs a prefix property", ty.Token)
		}
		if (ty.Strategy == Pinned) != (len(ty.Pins) > 0) {
			t.Errorf("%s: pins belong to pinned types only, and every pinned type has some", ty.Token)
		}
		for p := range ty.Pins {
			if !slices.Contains(ty.ForceNew, p) {
				t.Errorf("%s: pinned %s is not replace-triggering", ty.Token, p)
			}
		}
	}
}
