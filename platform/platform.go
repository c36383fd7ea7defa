// Package platform is the Pulumi program: it loads and validates the stack
// configuration once, builds every tier in dependency order, and exports the
// stack outputs. main.go, the tests and the offline synthesis all run it.
package platform

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/network"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// Stack is what Deploy built: the decoded configuration, each tier, and the
// stack outputs it exported.
type Stack struct {
	// Config is the validated stack configuration.
	Config *stackconfig.Config
	// Network is the VPC tier.
	Network *network.Vpc
	// Outputs are the exported stack outputs, by name.
	Outputs pulumi.Map
}

// Run is the program `pulumi up` runs; main.go hands it to pulumi.Run.
func Run(ctx *pulumi.Context) error {
	_, err := Deploy(ctx)
	return err
}

// Deploy builds the whole stack and exports its outputs. Bad configuration
// fails here, before any resource is registered.
func Deploy(ctx *pulumi.Context) (*Stack, error) {
	cfg, err := stackconfig.Decode(ctx.Project(), ctx.Stack(), ctx.GetConfig)
	if err != nil {
		return nil, fmt.Errorf("invalid stack configuration:\n%w", err)
	}
	// The account is read once and passed down as a plain value: it scopes
	// trust and key policies, and it is known at preview time.
	identity, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("read caller identity: %w", err)
	}
	s := &Stack{Config: cfg, Outputs: pulumi.Map{}}

	s.Network, err = network.NewVpc(ctx, "network", &network.VpcArgs{
		NamePrefix:           cfg.NamePrefix(),
		AccountID:            identity.AccountId,
		Region:               cfg.Region,
		CidrBlock:            cfg.Network.VpcCidr,
		AvailabilityZones:    cfg.Network.AvailabilityZones,
		SubnetCidrs:          cfg.Network.SubnetCidrs,
		FlowLogRetentionDays: cfg.Logs.RetentionDays,
	})
	if err != nil {
		return nil, fmt.Errorf("network tier: %w", err)
	}

	s.Outputs["vpcId"] = s.Network.VpcID
	s.Outputs["publicSubnetIds"] = s.Network.SubnetIDs[stackconfig.Public]
	s.Outputs["appSubnetIds"] = s.Network.SubnetIDs[stackconfig.App]
	s.Outputs["dataSubnetIds"] = s.Network.SubnetIDs[stackconfig.Data]
	s.Outputs["natGatewayIds"] = s.Network.NatGatewayIDs
	s.Outputs["flowLogGroupName"] = s.Network.FlowLogGroupName

	for name, value := range s.Outputs {
		ctx.Export(name, value)
	}
	return s, nil
}
