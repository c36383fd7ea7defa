package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/omnirapeutic/infrastructure/compute"
	"github.com/omnirapeutic/infrastructure/data"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/network"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// reachConfigs are the configurations the reach rules hold in: both stack
// files, every service on with a certificate, and a service on another port.
func reachConfigs(t *testing.T) map[string]*synth.Result {
	t.Helper()
	other := runWithin(t, "production", everyServiceOn, func(v values) { v.service("api")["containerPort"] = 9090.0 })
	require.Equal(t, 9090, other.Stack.Config.Services["api"].ContainerPort)
	return map[string]*synth.Result{"production": production(t), "staging": staging(t), "all services on": allServicesOn(t), "api on 9090": other}
}

// TestTasksAndTheBastionReachOnlyWhatTheyNeed: no rule opens every
// protocol; the tasks' group leaves only for HTTPS inside the VPC (the
// interface endpoints) and to S3's prefix list, and for Aurora; the
// bastion's only for HTTPS to the endpoints' group and S3, and for Aurora;
// only the internet-egress group reaches the internet, on HTTPS alone.
func TestTasksAndTheBastionReachOnlyWhatTheyNeed(t *testing.T) {
	for name, r := range reachConfigs(t) {
		p := r.Stack.Scope.Prefix
		s3 := "S3 through network-s3-endpoint"
		allowed := map[string][]string{
			p + "-ecs":             {r.Stack.Config.Network.VpcCidr + " tcp 443", s3 + " tcp 443", p + "-aurora tcp 5432"},
			p + "-bastion":         {p + "-endpoints tcp 443", s3 + " tcp 443", p + "-aurora tcp 5432"},
			p + "-internet-egress": {"0.0.0.0/0 tcp 443"},
			p + "-aurora":          nil,
			p + "-endpoints":       nil,
		}
		got := map[string][]string{}
		for _, gr := range must(r.SecurityGroupRules())(t) {
			assert.NotEqual(t, "-1", gr.Protocol, "%s: %s opens every protocol to %s", name, gr.Group, gr.Peer)
			if gr.Direction == "egress" {
				got[gr.Group] = append(got[gr.Group], gr.Peer+" "+gr.Protocol+" "+gr.Ports)
			}
		}
		for group, want := range allowed {
			assert.ElementsMatch(t, want, got[group], "%s: what %s may reach", name, group)
		}
	}
}

// TestTheAlbReachesTasksOnlyOnTheirPorts: the ALB's egress to the tasks and
// the tasks' ingress from it are exactly the container ports of the
// services behind a target group, whichever they are.
func TestTheAlbReachesTasksOnlyOnTheirPorts(t *testing.T) {
	for name, r := range reachConfigs(t) {
		p := r.Stack.Scope.Prefix
		var want []string
		for _, svc := range r.Stack.Config.ServiceNames() {
			if s := r.Stack.Config.Services[svc]; s.TargetGroup != "" && !slices.Contains(want, fmt.Sprint(s.ContainerPort)) {
				want = append(want, fmt.Sprint(s.ContainerPort))
			}
		}
		var out, in []string
		for _, gr := range must(r.SecurityGroupRules())(t) {
			switch {
			case gr.Group == p+"-alb" && gr.Direction == "egress":
				assert.Equal(t, p+"-ecs", gr.Peer, name)
				out = append(out, gr.Ports)
			case gr.Group == p+"-ecs" && gr.Direction == "ingress":
				assert.Equal(t, p+"-alb", gr.Peer, name)
				in = append(in, gr.Ports)
			}
		}
		assert.ElementsMatch(t, want, out, "%s: the ALB's egress", name)
		assert.ElementsMatch(t, want, in, "%s: the tasks' ingress", name)
	}
}

// TestAWSTrafficLeavesThroughEndpoints: every interface service has an
// endpoint with private DNS behind the endpoints' group, with network
// interfaces in exactly its consumers' AZs; each admits only this account's
// principals; S3's gateway endpoint is on every private route table.
func TestAWSTrafficLeavesThroughEndpoints(t *testing.T) {
	for name, r := range map[string]*synth.Result{"production": production(t), "staging": staging(t)} {
		cfg := r.Stack.Config
		taskAZs := r.Stack.Network.NatAvailabilityZones
		for _, svc := range network.InterfaceServices {
			e := find(t, r, "aws:ec2/vpcEndpoint:VpcEndpoint", network.EndpointLogicalName("endpoints", svc.Name))
			assert.Equal(t, "com.amazonaws.us-east-1."+svc.Name, e.Str("serviceName"))
			assert.Equal(t, "Interface", e.Str("vpcEndpointType"))
			assert.Equal(t, true, e.Inputs["privateDnsEnabled"], "%s: the SDKs' default endpoints resolve to it", svc.Name)
			assert.Equal(t, []any{find(t, r, tSG, "security-groups-endpoints").ID}, e.Inputs["securityGroupIds"])
			var want []any
			for _, az := range cfg.Network.AvailabilityZones {
				tasks := slices.Contains(svc.Consumers, network.Tasks) && slices.Contains(taskAZs, az)
				bastion := slices.Contains(svc.Consumers, network.Bastion) && az == cfg.Bastion.AvailabilityZone
				if tasks || bastion {
					want = append(want, "network-app-"+az+"-id")
				}
			}
			assert.Equal(t, want, e.Inputs["subnetIds"], "%s %s: in its consumers' AZs", name, svc.Name)
			doc, err := policy.Parse(e.Str("policy"))
			require.NoError(t, err)
			require.Len(t, doc.Statement, 1)
			assert.Equal(t, []string{account}, doc.Statement[0].Condition["StringEquals"]["aws:PrincipalAccount"], "%s: only this account's principals", svc.Name)
		}
		s3 := find(t, r, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3-endpoint")
		assert.Equal(t, "Gateway", s3.Str("vpcEndpointType"))
		var private []any
		for _, rt := range r.OfType(tRouteTable) {
			if rt.Name != "network-public-rt" {
				private = append(private, rt.ID)
			}
		}
		assert.ElementsMatch(t, private, s3.Inputs["routeTableIds"], "%s: every private route table", name)
		doc, err := policy.Parse(s3.Str("policy"))
		require.NoError(t, err)
		for _, st := range doc.Statement {
			if st.Sid == "ThisAccountsPrincipalsAndBuckets" {
				assert.Equal(t, []string{account}, st.Condition["StringEquals"]["aws:PrincipalAccount"])
				assert.Equal(t, []string{account}, st.Condition["StringEquals"]["aws:ResourceAccount"], "no object leaves for another account's bucket")
				continue
			}
			assert.Equal(t, []string{"s3:GetObject"}, st.Action, "%s: AWS's own buckets are only read", st.Sid)
		}
	}
}

// TestInternetEgressIsPerService: only a service with internetEgress has
// the internet-egress group, and an image from outside ECR needs it.
func TestInternetEgressIsPerService(t *testing.T) {
	for name, r := range reachConfigs(t) {
		for _, s := range r.OfType(tService) {
			svc := strings.TrimPrefix(s.Name, "ecs-")
			groups := s.Inputs["networkConfiguration"].(map[string]any)["securityGroups"].([]any)
			assert.Equal(t, r.Stack.Config.Services[svc].InternetEgress, slices.Contains(groups, any("security-groups-internet-egress-id")), "%s: %s", name, svc)
			assert.Contains(t, groups, any("security-groups-ecs-id"))
		}
	}
	_, err := runOpts(t, synth.Options{}, everyServiceOn, func(v values) { delete(v.service("nginx"), "internetEgress") })
	require.ErrorContains(t, err, "config omnirapeutic:services.nginx.internetEgress:")
}

// TestEngineersReachOnlyAurora: the engineer's role starts sessions on the
// bastion only, with the stack's two documents only (checked even when no
// document is named), never sends a command; the tunnel forwards to the
// cluster's endpoints on the PostgreSQL port and nowhere else; shells run
// as a user without sudo, which the bastion creates.
func TestEngineersReachOnlyAurora(t *testing.T) {
	for _, r := range []*synth.Result{production(t), staging(t)} {
		p := r.Stack.Scope.Prefix
		doc, err := policy.Parse(find(t, r, tPolicy, "bastion-engineer-policy").Str("policy"))
		require.NoError(t, err)
		start := statement(t, doc, "StartSessionsOnTheBastionWithTheStacksDocuments")
		assert.ElementsMatch(t, []string{
			"arn:aws:ec2:us-east-1:" + account + ":instance/bastion-id",
			"arn:aws:ssm:us-east-1:" + account + ":document/" + p + "-bastion-shell",
			"arn:aws:ssm:us-east-1:" + account + ":document/" + p + "-aurora-tunnel",
		}, start.Resource)
		assert.Equal(t, []string{"true"}, start.Condition["BoolIfExists"]["ssm:SessionDocumentAccessCheck"])
		assert.ElementsMatch(t, data.CommandActions, statement(t, doc, "NoCommands").Action)
		assert.Equal(t, "Deny", statement(t, doc, "NoCommands").Effect)
		for _, st := range doc.Statement {
			if st.Effect != "Allow" {
				continue
			}
			for _, a := range st.Action {
				assert.NotContains(t, []string{"ssm:*", "ssm:SendCommand", "*"}, a, st.Sid)
				if a == "ssm:StartSession" {
					assert.Equal(t, start.Sid, st.Sid, "StartSession is allowed once, on named resources")
				}
			}
		}

		var tunnel struct {
			SessionType string `json:"sessionType"`
			Parameters  map[string]struct {
				AllowedValues []string `json:"allowedValues"`
			} `json:"parameters"`
			Properties map[string]string `json:"properties"`
		}
		require.NoError(t, json.Unmarshal([]byte(find(t, r, tDocument, "bastion-tunnel-document").Str("content")), &tunnel))
		assert.Equal(t, "Port", tunnel.SessionType)
		assert.Equal(t, []string{r.Outputs["auroraEndpoint"].(string), r.Outputs["auroraReaderEndpoint"].(string)}, tunnel.Parameters["host"].AllowedValues)
		assert.Equal(t, "{{ host }}", tunnel.Properties["host"])
		assert.Equal(t, "5432", tunnel.Properties["portNumber"], "the remote port is fixed")
		assert.Equal(t, "LocalPortForwarding", tunnel.Properties["type"])
		assert.Contains(t, r.Outputs["bastionConnectCommand"], "--document-name "+p+"-aurora-tunnel ")

		for _, name := range []string{"bastion-shell-document", "bastion-session-preferences"} {
			d := r.Find(tDocument, name)
			if d == nil {
				assert.Equal(t, "bastion-session-preferences", name, "only the account's preferences may be another stack's")
				continue
			}
			var shell struct {
				Inputs map[string]any `json:"inputs"`
			}
			require.NoError(t, json.Unmarshal([]byte(d.Str("content")), &shell))
			assert.Equal(t, true, shell.Inputs["runAsEnabled"], name)
			assert.Equal(t, data.SessionUser, shell.Inputs["runAsDefaultUser"], name)
		}
		b := find(t, r, tInstance, "bastion")
		assert.Contains(t, b.Str("userData"), "useradd ")
		assert.Contains(t, b.Str("userData"), " "+data.SessionUser+"\n")
		for _, sudo := range []string{"wheel", "sudo", "-G "} {
			assert.NotContains(t, b.Str("userData"), sudo, "the session user gets no administrative group")
		}
		assert.Equal(t, true, b.Inputs["userDataReplaceOnChange"], "cloud-init runs user data once: a change replaces the (stateless) bastion")
		trust, err := policy.Parse(find(t, r, tRole, "bastion-engineer-role").Str("assumeRolePolicy"))
		require.NoError(t, err)
		assert.Equal(t, policy.AWS("arn:aws:iam::"+account+":root"), trust.Statement[0].Principal, "the account grants the role to its engineers")
	}
}

// TestEveryServiceHasItsOwnRolesAndSecret: each declared service has its
// own execution role, and its task definition names it and its own task
// role; API-keys secrets exist for the services that ask, each named for
// its service; every container drops every capability.
func TestEveryServiceHasItsOwnRolesAndSecret(t *testing.T) {
	for name, r := range reachConfigs(t) {
		for _, svc := range r.Stack.Config.ServiceNames() {
			role := find(t, r, tRole, "ecs-"+svc+"-execution-role")
			assert.Equal(t, compute.ExecutionRoleName(r.Stack.Scope, svc), role.Str("name"))
			if td := r.Find(tTaskDef, "ecs-"+svc+"-task"); td != nil {
				assert.Equal(t, role.Computed["arn"], td.Str("executionRoleArn"), "%s: %s", name, svc)
				_, c := container(t, r, svc)
				assert.Equal(t, compute.DroppedCapabilities, c.LinuxParameters.Capabilities.Drop, "%s: %s", name, svc)
			}
			asks := slices.Contains(r.Stack.Config.Services[svc].Secrets, stackconfig.APIKeys)
			assert.Equal(t, asks, r.Find(tSecret, "secrets-api-keys-"+svc) != nil, "%s: %s has its own secret exactly when it asks", name, svc)
		}
	}
}

// TestRegistryScansContinuously: the stack that owns the account
// singletons turns on enhanced, continuous scanning for every repository
// of the project; another stack leaves the registry's one configuration alone.
func TestRegistryScansContinuously(t *testing.T) {
	scan := production(t).OfType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")
	require.Len(t, scan, 1)
	assert.Equal(t, "ENHANCED", scan[0].Str("scanType"))
	assert.Equal(t, []any{map[string]any{"scanFrequency": "CONTINUOUS_SCAN",
		"repositoryFilters": []any{map[string]any{"filter": stackconfig.Project + "-*", "filterType": "WILDCARD"}}}}, scan[0].Inputs["rules"])
	for _, repo := range production(t).OfType(tRepo) {
		assert.True(t, strings.HasPrefix(repo.Str("name"), stackconfig.Project+"-"), "%s is under the filter", repo.Str("name"))
	}
	assert.Empty(t, staging(t).OfType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"))
}
