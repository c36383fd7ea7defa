//go:build e2e

package e2e

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProviderChecksRegion: the program validates aws:region before the
// engine ever configures the provider, so the engine test cannot reach this.
func TestProviderChecksRegion(t *testing.T) {
	p := NewProvider("omnirapeutic", "production", "us-east-1", "6.83.4")
	for _, tc := range []struct {
		name     string
		config   resource.PropertyMap
		failures int
	}{
		{"set", resource.PropertyMap{"region": resource.NewProperty("us-east-1")}, 0},
		{"missing", resource.PropertyMap{}, 1},
		{"empty", resource.PropertyMap{"region": resource.NewProperty("")}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			news, err := marshal(tc.config)
			require.NoError(t, err)
			resp, err := p.CheckConfig(context.Background(), &pulumirpc.CheckRequest{News: news})
			require.NoError(t, err)
			require.Len(t, resp.GetFailures(), tc.failures)
			if tc.failures > 0 {
				assert.Equal(t, "region", resp.GetFailures()[0].GetProperty())
			}
		})
	}
}

// TestProviderRefusesUnknownInvokes: a lookup the program starts making
// fails the run, and says where to teach the stand-in (and the offline
// synthesis) its answer.
func TestProviderRefusesUnknownInvokes(t *testing.T) {
	p := NewProvider("omnirapeutic", "production", "us-east-1", "6.83.4")
	args, err := marshal(resource.PropertyMap{"name": resource.NewProperty("x")})
	require.NoError(t, err)
	_, err = p.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "aws:e2e/notAnInvoke:notAnInvoke", Args: args})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aws:e2e/notAnInvoke:notAnInvoke")
	assert.Contains(t, err.Error(), "add one to synth.Recorder.Call")

	// A known invoke is answered as the offline synthesis answers it.
	resp, err := p.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "aws:index/getCallerIdentity:getCallerIdentity"})
	require.NoError(t, err)
	ret, err := unmarshal(resp.GetReturn())
	require.NoError(t, err)
	assert.Equal(t, "123456789012", ret["accountId"].StringValue())
}
