package replacement

import (
	"regexp"
	"slices"
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
		{"a detector updates in place", "aws:guardduty/detector:Detector", []string{"enable"}, nil},
		{"a new VPC CIDR", "aws:ec2/vpc:Vpc", []string{"cidrBlock", "tags"}, []string{"cidrBlock"}},
		{"a nested trigger is named by its top-level input", "aws:ec2/instance:Instance", []string{"rootBlockDevice", "instanceType"}, []string{"rootBlockDevice.encrypted"}},
		{"unknown type", "aws:e2e/none:None", []string{"name"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Triggers(c.token, c.changed); !slices.Equal(got, c.want) {
				t.Errorf("Triggers(%s, %v) = %v, want %v", c.token, c.changed, got, c.want)
			}
		})
	}
}

// TestOnlyTheNestedTriggerReplaces: inside an object input, only the
// fields the provider marks ForceNew replace the resource.
func TestOnlyTheNestedTriggerReplaces(t *testing.T) {
	instance, _ := Lookup("aws:ec2/instance:Instance")
	old := map[string]any{"rootBlockDevice": map[string]any{"encrypted": true, "volumeType": "gp3"}, "instanceType": "t3.micro"}
	for _, c := range []struct {
		name string
		new  map[string]any
		want []string
	}{
		{"volume type", map[string]any{"rootBlockDevice": map[string]any{"encrypted": true, "volumeType": "gp2"}, "instanceType": "t3.micro"}, nil},
		{"instance type", map[string]any{"rootBlockDevice": map[string]any{"encrypted": true, "volumeType": "gp3"}, "instanceType": "t3.small"}, nil},
		{"encryption", map[string]any{"rootBlockDevice": map[string]any{"encrypted": false, "volumeType": "gp3"}, "instanceType": "t3.micro"}, []string{"rootBlockDevice.encrypted"}},
	} {
		if got := instance.Triggered(old, c.new, nil); !slices.Equal(got, c.want) {
			t.Errorf("%s: Triggered = %v, want %v", c.name, got, c.want)
		}
	}
	feature, _ := Lookup("aws:guardduty/detectorFeature:DetectorFeature")
	cfg := func(name, status string) map[string]any {
		return map[string]any{"additionalConfigurations": []any{map[string]any{"name": name, "status": status}}}
	}
	if got := feature.Triggered(cfg("A", "ENABLED"), cfg("A", "DISABLED"), nil); got != nil {
		t.Errorf("a status change replaced a detector feature: %v", got)
	}
	if got := feature.Triggered(cfg("A", "ENABLED"), cfg("B", "ENABLED"), nil); !slices.Equal(got, []string{"additionalConfigurations.name"}) {
		t.Errorf("an additional configuration's name did not replace the feature: %v", got)
	}
	lock, _ := Lookup("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
	if got := lock.Triggered(map[string]any{"minRetentionDays": 35}, map[string]any{"minRetentionDays": 35.0}, nil); got != nil {
		t.Errorf("35 and 35.0 differ: %v", got)
	}
	if got := lock.Triggered(map[string]any{"minRetentionDays": 35}, map[string]any{"minRetentionDays": 7}, []string{"minRetentionDays"}); got != nil {
		t.Errorf("an ignored input replaced the lock: %v", got)
	}
}

func TestDeletesFirst(t *testing.T) {
	for token, want := range map[string]bool{
		"aws:ec2/securityGroup:SecurityGroup":                             false, // prefix: create first
		"aws:ecs/taskDefinition:TaskDefinition":                           false, // a new revision
		"aws:lb/targetGroup:TargetGroup":                                  true,
		"aws:ec2/natGateway:NatGateway":                                   true,
		"aws:ec2/vpc:Vpc":                                                 false, // unnamed: create first
		"aws:ec2/subnet:Subnet":                                           false, // fixed, but unnamed
		"aws:rds/cluster:Cluster":                                         true,
		"aws:backup/vaultLockConfiguration:VaultLockConfiguration":        true,
		"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": true,
		"aws:e2e/none:None (not in the table)":                            false,
	} {
		if got := DeletesFirst(token); got != want {
			t.Errorf("DeletesFirst(%s) = %v, want %v", token, got, want)
		}
	}
}

func TestIdentity(t *testing.T) {
	lock, _ := Lookup("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
	a, okA := lock.Identity(map[string]any{"backupVaultName": "v", "minRetentionDays": 35})
	b, okB := lock.Identity(map[string]any{"backupVaultName": "v", "minRetentionDays": 7})
	if !okA || !okB || a != b {
		t.Errorf("two locks of one vault have different identities: %q %q", a, b)
	}
	role, _ := Lookup("aws:iam/role:Role")
	if id, ok := role.Identity(map[string]any{"name": "r"}); !ok || id == "" {
		t.Error("a named role has no identity")
	}
	sg, _ := Lookup("aws:ec2/securityGroup:SecurityGroup")
	if _, ok := sg.Identity(map[string]any{"namePrefix": "p-"}); ok {
		t.Error("a prefixed security group has an identity: AWS generates its name")
	}
	hub, _ := Lookup("aws:securityhub/account:Account")
	if id, ok := hub.Identity(map[string]any{}); !ok || id != hub.Token {
		t.Errorf("Security Hub's identity is the account: %q", id)
	}
	td, _ := Lookup("aws:ecs/taskDefinition:TaskDefinition")
	if _, ok := td.Identity(map[string]any{"family": "f"}); ok || td.Named(map[string]any{"family": "f"}) {
		t.Error("a task definition family is not a unique name: every registration is a new revision")
	}
}

var (
	sourcePath = regexp.MustCompile(`^internal/service/[a-z0-9]+/[a-z0-9_]+\.go$`)
	commit     = regexp.MustCompile(`^([0-9a-f]{8,40})?$`)
)

// TestTableIsComplete: each entry says what triggers a replacement, why its
// strategy fits and which provider file marks it; names and prefixes are
// replace-triggering themselves (unless the type updates in place); keys
// are inputs; pins are replace-triggering and exist for every pinned type.
func TestTableIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, ty := range Types {
		if seen[ty.Token] {
			t.Errorf("%s is listed twice", ty.Token)
		}
		seen[ty.Token] = true
		if ty.Why == "" || !sourcePath.MatchString(ty.Source) || !commit.MatchString(ty.Commit) {
			t.Errorf("%s: Why, a Source in %s and an abbreviated Commit are required", ty.Token, Provider)
		}
		if (ty.Strategy == InPlace) != (len(ty.ForceNew) == 0) {
			t.Errorf("%s: exactly the in-place types have no replace-triggering input", ty.Token)
		}
		for _, p := range []string{ty.NameProperty, ty.PrefixProperty} {
			if p != "" && ty.Strategy != InPlace && !slices.Contains(ty.ForceNew, p) {
				t.Errorf("%s: %s changes the physical name, so it forces replacement", ty.Token, p)
			}
		}
		if ty.Strategy == Prefix && ty.PrefixProperty == "" {
			t.Errorf("%s: strategy prefix needs a prefix property", ty.Token)
		}
		if ty.Strategy == Pinned && len(ty.Pins) == 0 {
			t.Errorf("%s: a pinned type pins its triggers", ty.Token)
		}
		for p := range ty.Pins {
			if !slices.Contains(ty.ForceNew, p) {
				t.Errorf("%s: pinned %s is not replace-triggering", ty.Token, p)
			}
		}
		if ty.Put && len(ty.Key) == 0 && !ty.Singleton {
			t.Errorf("%s: Put needs a Key or Singleton: what does it overwrite?", ty.Token)
		}
	}
}
