package compute

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/access"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// ExecutionRoleName is a service's execution role: <prefix>-<service>-execution.
func ExecutionRoleName(scope naming.Scope, service string) string {
	return scope.Name(service, "execution")
}

// newExecutionRole creates the role ECS uses to start one service's tasks:
// pull that service's image (from its own repository, and GuardDuty's
// agent), write that service's log group, and read that service's secrets,
// decrypting them only through Secrets Manager. One per service, so that a
// service asking for its API keys gets its own and nobody else's, and a
// task definition pointing at another service's role gains nothing from it.
func newExecutionRole(ctx *pulumi.Context, name string, args *ClusterArgs, service string, parent pulumi.ResourceOption) (*access.Role, error) {
	spec := args.Services[service]
	var repoArns []string
	// GuardDuty runtime monitoring adds its agent as a sidecar, pulled with
	// this role from GuardDuty's repository; without it tasks run unmonitored.
	if account, ok := guardDutyAgentAccounts[args.Scope.Region]; ok {
		repoArns = append(repoArns, args.Scope.InAccount(account).ARN("ecr", "repository/aws-guardduty-agent-fargate"))
	}
	if spec.Image == "" {
		repoArns = append(repoArns, args.Scope.ARN("ecr", "repository/"+RepositoryName(args.Scope, service)))
	}
	logArns := []string{args.Scope.ARN("logs", "log-group:"+ServiceLogGroupName(args.Scope, service)+":*")}
	own := args.Secrets[service]
	var secrets []any
	for _, s := range slices.Sorted(maps.Keys(own)) {
		if slices.Contains(spec.Secrets, s) {
			secrets = append(secrets, own[s])
		}
	}
	secrets = append(secrets, args.SecretsKeyArn)
	doc := pulumi.All(secrets...).ApplyT(func(v []any) string {
		var secretArns []string
		for _, a := range v[:len(v)-1] {
			secretArns = append(secretArns, a.(string))
		}
		return ExecutionPolicy(args.Scope, repoArns, logArns, secretArns, v[len(v)-1].(string)).JSON()
	}).(pulumi.StringOutput)
	role, err := access.NewRole(ctx, fmt.Sprintf("%s-%s-execution", name, service), &access.RoleArgs{
		Name:              ExecutionRoleName(args.Scope, service),
		Description:       fmt.Sprintf("Lets ECS pull the image, write the logs and inject the secrets of the %s service", service),
		Trust:             TaskTrustPolicy(args.Scope),
		Policy:            doc,
		PolicyDescription: fmt.Sprintf("Pull the %s service's image, write its logs, read its secrets", service),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("ECS execution role of %s: %w", service, err)
	}
	return role, nil
}

// guardDutyAgentAccounts host GuardDuty's Fargate agent image, by region
// (GuardDuty user guide, "ECR Repository for GuardDuty agent on AWS Fargate";
// GovCloud's: AWS GovCloud (US) user guide, "Amazon GuardDuty").
var guardDutyAgentAccounts = map[string]string{
	"us-east-1":     "593207742271",
	"us-east-2":     "307168627858",
	"us-west-1":     "684579721401",
	"us-west-2":     "733349766148",
	"us-gov-east-1": "383115532789",
	"us-gov-west-1": "383110348953",
}

// ExecutionPolicy is an execution role's policy. Only ecr:GetAuthorizationToken
// is on "*": it has no resource-level permissions.
func ExecutionPolicy(scope naming.Scope, repoArns, logArns, secretArns []string, secretsKeyArn string) policy.Document {
	statements := []policy.Statement{
		policy.Allow("EcrLogin", []string{"ecr:GetAuthorizationToken"}, []string{"*"}),
	}
	if len(repoArns) > 0 {
		statements = append(statements, policy.Allow("PullImages",
			[]string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}, repoArns))
	}
	statements = append(statements, policy.Allow("WriteLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"}, logArns))
	if len(secretArns) > 0 {
		statements = append(statements,
			policy.Allow("ReadServiceSecrets", []string{"secretsmanager:GetSecretValue"}, secretArns),
			policy.Statement{
				Sid:       "DecryptSecretsThroughSecretsManager",
				Effect:    "Allow",
				Action:    []string{"kms:Decrypt"},
				Resource:  []string{secretsKeyArn},
				Condition: policy.Conditions{"StringEquals": {"kms:ViaService": {scope.ServicePrincipal("secretsmanager")}}},
			})
	}
	return policy.New(statements...)
}

// serviceGroups are a service's tasks' security groups: the tasks' group,
// and the internet-egress group when the service has internetEgress.
func serviceGroups(args *ClusterArgs, spec stackconfig.Service) pulumi.StringArray {
	groups := pulumi.StringArray{args.SecurityGroupID}
	if spec.InternetEgress {
		groups = append(groups, args.InternetSecurityGroupID)
	}
	return groups
}
