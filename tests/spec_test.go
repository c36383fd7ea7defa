package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/omnirapeutic/infrastructure/edge"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/specification"
)

// TestSpecification holds production to the seed specification's numbers
// (package specification, the one place they are held): its region, VPC
// and subnet CIDRs over its three AZs, the ALB's routing of /api/*, the
// WAF's rate limit, the 21 alarms and their thresholds, and Aurora's version
// and capacity range. A failure says the change departs from the
// specification and what to update if that is intended.
func TestSpecification(t *testing.T) {
	checkSpecification(t, production(t))
	assert.Equal(t, specification.APIRoute.Priority, edge.RulePriority(0), "the first path route gets the specification's priority")
}

// TestSpecificationCatchesADeparture: a seed value changed in the stack file
// (Aurora up to 4 ACU, a single NAT gateway, another VPC CIDR block) fails
// the specification check with the message that says so and what to update,
// while a change the docs invite (alarm subscribers, a certificate with
// every service on, readers, a budget) adds no failure to what the committed
// file already reports (nothing, while it keeps to the seed).
func TestSpecificationCatchesADeparture(t *testing.T) {
	var committed recorder
	checkSpecification(&committed, production(t))
	for name, tc := range map[string]struct {
		edit func(values)
		what string
	}{
		"Aurora up to 4 ACU":   {func(v values) { v.object("omnirapeutic:aurora")["maxCapacity"] = 4.0 }, "Aurora capacity"},
		"a single NAT gateway": {func(v values) { v.set("omnirapeutic:natGateways", "single") }, "alarm nat-port-allocation-errors-us-east-1b"},
		"another VPC CIDR block": {func(v values) {
			v.set("omnirapeutic:vpcCidr", "10.8.0.0/16")
			for _, tier := range v.object("omnirapeutic:subnetCidrs") {
				for az, cidr := range tier.(map[string]any) {
					tier.(map[string]any)[az] = strings.Replace(cidr.(string), "10.0.", "10.8.", 1)
				}
			}
		}, "vpcCidr"},
	} {
		var rec recorder
		checkSpecification(&rec, runWithin(t, "production", tc.edit))
		found := false
		for _, e := range rec.errors {
			if strings.Contains(e, "production's "+tc.what) {
				found = true
				assert.Contains(t, e, "This change departs from the specification: if that is intended, update the value in specification/specification.go", name)
			}
		}
		assert.True(t, found, "%s departs from the specification: %v", name, rec.errors)
	}
	for name, edit := range map[string]func(values){
		"alarm subscribers":                  func(v values) { v.set("omnirapeutic:alarmEmails", []any{"oncall@omnirapeutic.example"}) },
		"a certificate and every service on": everyServiceOn,
		"readers":                            readersInTheOtherAZs,
		"a budget":                           func(v values) { v.set("omnirapeutic:monthlyBudgetUsd", "2500") },
	} {
		var rec recorder
		checkSpecification(&rec, runWithin(t, "production", edit))
		assert.Equal(t, committed.errors, rec.errors, "%s keeps to the specification", name)
	}
}

// recorder is an assert.TestingT that keeps each failure's message (not
// where it was raised).
type recorder struct{ errors []string }

func (r *recorder) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if _, m, ok := strings.Cut(msg, "Messages:"); ok {
		msg = m
	}
	r.errors = append(r.errors, strings.TrimSpace(msg))
}

// checkSpecification reports every seed value production departs from.
func checkSpecification(t assert.TestingT, r *synth.Result) {
	have, err := r.Specification()
	if !assert.NoError(t, err) {
		return
	}
	for _, req := range specification.Compare(have) {
		assert.True(t, req.Holds(), req.Departure(r.Config.Stack))
	}
}
