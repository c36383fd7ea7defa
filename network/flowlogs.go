package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/logs"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// FlowLogGroupName is the log group that receives the VPC's flow logs,
// /aws/vpc/<prefix>-flow-logs: the /aws/<service>/ path is a convention
// (as for the trail's group), and renaming a log group replaces it.
func FlowLogGroupName(scope naming.Scope) string { return "/aws/vpc/" + scope.Name("flow-logs") }

// newFlowLogs records ALL traffic of the VPC to an encrypted, retained log
// group through a role that can write to that group and nothing else.
func newFlowLogs(ctx *pulumi.Context, name string, args *VpcArgs, vpcID pulumi.IDOutput, parent pulumi.ResourceOption) (*cloudwatch.LogGroup, error) {
	group, err := logs.NewGroup(ctx, name+"-flow-logs", &logs.GroupArgs{
		Name:          FlowLogGroupName(args.Scope),
		RetentionDays: args.FlowLogRetentionDays,
		KmsKeyArn:     args.FlowLogKmsKeyArn,
	}, parent)
	if err != nil {
		return nil, err
	}

	// The confused-deputy conditions keep any other account's flow logs
	// from assuming this role through the service.
	trust := policy.AssumeRole("vpc-flow-logs.amazonaws.com", policy.Conditions{
		"StringEquals": {"aws:SourceAccount": {args.Scope.Account}},
		"ArnLike":      {"aws:SourceArn": {args.Scope.ARN("ec2", "vpc-flow-log/*")}},
	})
	// A managed (not inline) policy that can write this group and nothing else.
	doc := group.Arn.ApplyT(func(arn string) string {
		return policy.New(
			policy.Allow("WriteFlowLogs",
				[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				[]string{arn, arn + ":*"}),
			policy.Allow("FindLogGroup",
				[]string{"logs:DescribeLogGroups"},
				[]string{args.Scope.ARN("logs", "log-group:*")}),
		).JSON()
	}).(pulumi.StringOutput)
	role, err := access.NewRole(ctx, name+"-flow-logs", &access.RoleArgs{
		Name:              args.Scope.Name("vpc-flow-logs"),
		Description:       "Delivers VPC flow logs to " + FlowLogGroupName(args.Scope),
		Trust:             trust,
		Policy:            doc,
		PolicyDescription: "Write access to the VPC flow-log group only",
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("flow-log role: %w", err)
	}

	if _, err := ec2.NewFlowLog(ctx, name+"-flow-log", &ec2.FlowLogArgs{
		VpcId:              vpcID,
		TrafficType:        pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     group.Arn,
		IamRoleArn:         role.Arn,
		// One-minute aggregation keeps the rejected-traffic alarms timely.
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   pulumi.StringMap{"Name": pulumi.String(args.Scope.Name("flow-logs"))},
		// Without the policy attached the first deliveries fail.
	}, parent, pulumi.DependsOn(role.Attachments)); err != nil {
		return nil, fmt.Errorf("create flow log: %w", err)
	}
	return group, nil
}
