package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/omnirapeutic/infrastructure/guardrails"
)

// TestMain lets the test binary serve as the pack's binary: started with
// servePack set, it runs main, as the engine would start the built pack.
func TestMain(m *testing.M) {
	if os.Getenv(servePack) != "" {
		main()
		return
	}
	os.Exit(m.Run())
}

const servePack = "POLICYPACK_TEST_SERVE"

// TestBinarySpeaksTheAnalyzerProtocol starts the pack's main in a process of
// its own, as the engine does for `--policy-pack <path of the binary>`, and
// drives it over gRPC as the engine does (pkg/resource/plugin/analyzer_plugin.go):
// read the port it prints, handshake, configure the stack, list the
// policies, analyze a resource. A log group without a key gets one
// mandatory diagnostic; with a key, or a key not known yet, none.
func TestBinarySpeaksTheAnalyzerProtocol(t *testing.T) {
	bin, err := os.Executable()
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "127.0.0.1:0")
	cmd.Env = append(os.Environ(), servePack+"=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	port, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)

	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	client := pulumirpc.NewAnalyzerClient(conn)
	dir := filepath.Dir(bin)
	_, err = client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &dir, ProgramDirectory: &dir})
	require.NoError(t, err)
	_, err = client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "production", Project: "omnirapeutic", DryRun: true})
	require.NoError(t, err)

	info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	all, err := guardrails.All()
	require.NoError(t, err)
	assert.Equal(t, guardrails.PackName, info.GetName())
	require.Len(t, info.GetPolicies(), len(all))
	mandatory := 0
	for _, p := range info.GetPolicies() {
		if p.GetEnforcementLevel() == pulumirpc.EnforcementLevel_MANDATORY {
			mandatory++
		}
	}
	assert.Equal(t, 46, mandatory)

	analyze := func(props resource.PropertyMap) []*pulumirpc.AnalyzeDiagnostic {
		t.Helper()
		s, err := plugin.MarshalProperties(props, plugin.MarshalOptions{KeepUnknowns: true})
		require.NoError(t, err)
		resp, err := client.Analyze(ctx, &pulumirpc.AnalyzeRequest{
			Type: "aws:cloudwatch/logGroup:LogGroup", Name: "ecs-api-logs", Properties: s,
			Urn: "urn:pulumi:production::omnirapeutic::aws:cloudwatch/logGroup:LogGroup::ecs-api-logs",
		})
		require.NoError(t, err)
		return resp.GetDiagnostics()
	}
	diags := analyze(resource.PropertyMap{"retentionInDays": resource.NewProperty(365.0)})
	require.Len(t, diags, 1)
	assert.Equal(t, "cloudwatch-log-group-encrypted", diags[0].GetPolicyName())
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, diags[0].GetEnforcementLevel())
	assert.Contains(t, diags[0].GetMessage(), "Fix: set kmsKeyId")
	assert.Empty(t, analyze(resource.PropertyMap{"retentionInDays": resource.NewProperty(365.0), "kmsKeyId": resource.NewProperty("arn:aws:kms:us-east-1:1:key/k")}))
	assert.Empty(t, analyze(resource.PropertyMap{"retentionInDays": resource.NewProperty(365.0), "kmsKeyId": resource.MakeComputed(resource.NewProperty(""))}),
		"a key created in the same preview is unknown, not missing")
}
