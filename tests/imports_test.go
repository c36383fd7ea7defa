package tests

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/internal/imports"
	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// importEntry is what `pulumi import --file` reads of each resource.
type importEntry struct {
	Type, Name, LogicalName, ID, Parent, Version string
	Component                                    bool
}

// The import file of the account's singletons puts each one, and every
// component above it, at the URN the program gives it, as `pulumi import`
// computes URNs from the file (parent's type, type, logical name); so the
// first `pulumi up` finds them in place on an empty stack. Resources carry
// the AWS provider version the program's default provider has.
func TestImportFilePlacesResourcesAtTheProgramsURNs(t *testing.T) {
	r := synthesize(t, "production")
	version, err := synth.ProviderVersion("..")
	require.NoError(t, err)
	specs := []imports.Spec{
		{Type: "aws:guardduty/detector:Detector", Name: "guardduty", ID: "d1"},
		{Type: "aws:ssm/document:Document", Name: "bastion-session-preferences", ID: "SSM-SessionManagerRunShell"},
		{Type: "aws:cfg/recorder:Recorder", Name: "config", ID: "omnirapeutic-production"},
		{Type: "aws:cfg/deliveryChannel:DeliveryChannel", Name: "config-delivery", ID: "omnirapeutic-production"},
	}
	b, err := imports.File(r, version, specs)
	require.NoError(t, err)
	var file struct{ Resources []importEntry }
	require.NoError(t, json.Unmarshal(b, &file))

	urns := map[string]resource.URN{}
	for _, e := range file.Resources {
		var parentType tokens.Type
		if e.Parent != "" {
			parent, ok := urns[e.Parent]
			require.Truef(t, ok, "%s's parent %s comes before it in the file", e.Name, e.Parent)
			parentType = parent.QualifiedType()
		}
		urn := resource.NewURN("production", "omnirapeutic", parentType, tokens.Type(e.Type), e.LogicalName)
		_, dup := urns[e.Name]
		require.False(t, dup, "names in the file are unique")
		urns[e.Name] = urn
		res := r.ByURN(string(urn))
		require.NotNilf(t, res, "%s is not a URN the program registers", urn)
		assert.Equal(t, res.Component, e.Component, urn)
		if e.Component {
			assert.Empty(t, e.ID, "a component has no ID")
			assert.Empty(t, e.Version)
		} else {
			assert.Equal(t, version, e.Version, "%s: the provider version of the program's default provider", urn)
		}
	}
	for _, s := range specs {
		res := r.Find(s.Type, s.Name)
		found := false
		for _, e := range file.Resources {
			found = found || e.Type == s.Type && e.LogicalName == s.Name && e.ID == s.ID
		}
		assert.Truef(t, found, "%s is in the file with its ID", res.URN)
	}

	_, err = imports.File(r, version, []imports.Spec{{Type: "aws:guardduty/detector:Detector", Name: "detector", ID: "d1"}})
	assert.ErrorContains(t, err, "stack production registers no aws:guardduty/detector:Detector of that name (it has: guardduty)")
	_, err = imports.File(r, version, []imports.Spec{{Type: "omnirapeutic:compliance:ThreatDetection", Name: "guardduty", ID: "x"}})
	assert.ErrorContains(t, err, "is a component")
	_, err = imports.File(r, version, []imports.Spec{{Type: "aws:guardduty/detector:Detector", Name: "guardduty"}})
	assert.ErrorContains(t, err, "the ID is empty")
}
