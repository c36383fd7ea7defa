package network

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/policy"
)

// Consumer is what calls AWS from the private subnets.
type Consumer string

// The consumers of the VPC endpoints.
const (
	// Tasks are the ECS Fargate tasks: Fargate (platform 1.4.0 and later)
	// pulls images, ships awslogs and fetches secrets over each task's own
	// network interface (Amazon ECS Developer Guide, "Amazon ECS interface
	// VPC endpoints").
	Tasks Consumer = "tasks"
	// Bastion is the SSM-only bastion's SSM Agent.
	Bastion Consumer = "bastion"
)

// InterfaceService is an AWS service the private subnets reach through an
// interface endpoint instead of the NAT gateways, and who needs it.
type InterfaceService struct {
	// Name is the endpoint service's suffix: com.amazonaws.<region>.<Name>.
	Name string
	// Consumers call it.
	Consumers []Consumer
	// Why says what for.
	Why string
}

// InterfaceServices are every interface endpoint the stack creates: what
// the tasks need to start and log (Amazon ECS Developer Guide, "Amazon ECS
// interface VPC endpoints": ecr.api, ecr.dkr, logs, secretsmanager, with
// S3's gateway endpoint for image layers) and what Session Manager needs
// on the bastion (Systems Manager User Guide, "Use VPC endpoints to improve
// the security of EC2 instances": ssm, ssmmessages, ec2messages, and kms
// for encrypted sessions, logs for session logs). STS is left out: no
// consumer calls it from inside the VPC (tasks get their role's credentials
// from ECS's credential endpoint, the bastion from the instance metadata
// service, and IAM database tokens are signed locally); a service that
// needs it reaches it through internetEgress until an endpoint is added
// here.
var InterfaceServices = []InterfaceService{
	{Name: "ecr.api", Consumers: []Consumer{Tasks}, Why: "image pull authorization and manifests (the services' images and GuardDuty's agent)"},
	{Name: "ecr.dkr", Consumers: []Consumer{Tasks}, Why: "image pulls through the Docker Registry API"},
	{Name: "logs", Consumers: []Consumer{Tasks, Bastion}, Why: "the tasks' awslogs driver and streamed session logs"},
	{Name: "secretsmanager", Consumers: []Consumer{Tasks}, Why: "secrets injected at task start"},
	{Name: "ssm", Consumers: []Consumer{Bastion}, Why: "SSM Agent registration and commands"},
	{Name: "ssmmessages", Consumers: []Consumer{Bastion}, Why: "Session Manager's data channel"},
	{Name: "ec2messages", Consumers: []Consumer{Bastion}, Why: "SSM Agent's message channel"},
	{Name: "kms", Consumers: []Consumer{Bastion}, Why: "SSM Agent decrypts session data with the audit-logs key"},
}

// Placement is an interface endpoint and the AZs its network interfaces are in.
type Placement struct {
	// Service is the endpoint service's suffix (InterfaceService.Name).
	Service string
	// AvailabilityZones hold its network interfaces, in the VPC's AZ order.
	AvailabilityZones []string
}

// Placements puts each interface endpoint in the AZs of its consumers, and
// only there: an endpoint costs by the AZ-hour, and a consumer in an AZ
// without one reaches another AZ's interface, as it reaches another AZ's
// NAT gateway with natGateways: single. So the tasks' endpoints follow the
// tasks' egress AZs (every AZ with a NAT gateway per AZ; the first with a
// single one), and the bastion's follow the bastion.
func Placements(vpcAZs []string, consumerAZs map[Consumer][]string) []Placement {
	var out []Placement
	for _, s := range InterfaceServices {
		want := map[string]bool{}
		for _, c := range s.Consumers {
			for _, az := range consumerAZs[c] {
				want[az] = true
			}
		}
		p := Placement{Service: s.Name}
		for _, az := range vpcAZs {
			if want[az] {
				p.AvailabilityZones = append(p.AvailabilityZones, az)
			}
		}
		out = append(out, p)
	}
	return out
}

// ServiceName is an endpoint service's full name in the scope's region.
func ServiceName(scope naming.Scope, service string) string {
	return "com.amazonaws." + scope.Region + "." + service
}

// EndpointsArgs configures Endpoints.
type EndpointsArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its
	// prefix names the endpoints; its account is the only one whose
	// principals may use them; its region names the services. Required.
	Scope naming.Scope
	// VpcID is the VPC. Required.
	VpcID pulumi.StringInput
	// SubnetIDsByAZ are the subnets that hold the endpoints' network
	// interfaces (the app tier), by AZ. Required.
	SubnetIDsByAZ map[string]pulumi.IDOutput
	// SecurityGroupID admits HTTPS from the consumers (security.EndpointsGroup). Required.
	SecurityGroupID pulumi.StringInput
	// Placements are the endpoints and their AZs (Placements). Required.
	Placements []Placement
}

// validate reports every missing or invalid field at once.
func (a EndpointsArgs) validate() error {
	c := fields.For("network.EndpointsArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("VpcID", a.VpcID)
	c.Require("SubnetIDsByAZ", a.SubnetIDsByAZ)
	c.Require("SecurityGroupID", a.SecurityGroupID)
	c.Require("Placements", a.Placements)
	for _, p := range a.Placements {
		if len(p.AvailabilityZones) == 0 {
			c.Invalid("Placements", "%s has no availability zone", p.Service)
		}
		for _, az := range p.AvailabilityZones {
			if _, ok := a.SubnetIDsByAZ[az]; !ok && len(a.SubnetIDsByAZ) > 0 {
				c.Invalid("Placements", "%s is placed in %s, which has no subnet in SubnetIDsByAZ", p.Service, az)
			}
		}
	}
	return c.Err()
}

// Endpoints are the interface VPC endpoints that carry AWS API traffic off
// the NAT path.
type Endpoints struct {
	pulumi.ResourceState

	// IDs maps each endpoint service to its endpoint's ID.
	IDs map[string]pulumi.IDOutput
}

// EndpointLogicalName is an interface endpoint's logical name,
// <name>-<service> with dots made hyphens (endpoints-ecr-api).
func EndpointLogicalName(name, service string) string {
	return name + "-" + strings.ReplaceAll(service, ".", "-")
}

// NewEndpoints creates one interface endpoint per placement, with private
// DNS (so the SDKs' default endpoints resolve to it) and a policy that
// admits only this account's principals.
func NewEndpoints(ctx *pulumi.Context, name string, args *EndpointsArgs, opts ...pulumi.ResourceOption) (*Endpoints, error) {
	if args == nil {
		args = &EndpointsArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	e := &Endpoints{IDs: map[string]pulumi.IDOutput{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:network:Endpoints", name, e, opts...); err != nil {
		return nil, err
	}
	doc := InterfaceEndpointPolicy(args.Scope).JSON()
	outputs := pulumi.Map{}
	for _, p := range args.Placements {
		var subnets pulumi.StringArray
		for _, az := range p.AvailabilityZones {
			subnets = append(subnets, args.SubnetIDsByAZ[az].ToStringOutput())
		}
		ep, err := ec2.NewVpcEndpoint(ctx, EndpointLogicalName(name, p.Service), &ec2.VpcEndpointArgs{
			VpcId:             args.VpcID,
			ServiceName:       pulumi.String(ServiceName(args.Scope, p.Service)),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         subnets,
			SecurityGroupIds:  pulumi.StringArray{args.SecurityGroupID},
			Policy:            pulumi.String(doc),
			Tags:              pulumi.StringMap{"Name": pulumi.String(args.Scope.Name("endpoint", p.Service))},
			// One endpoint per service in the VPC (replacement.Types): a
			// replacement created first would be refused.
		}, pulumi.Parent(e), pulumi.DeleteBeforeReplace(true))
		if err != nil {
			return nil, fmt.Errorf("create the %s interface endpoint: %w", p.Service, err)
		}
		e.IDs[p.Service] = ep.ID()
		outputs[p.Service] = ep.ID()
	}
	if err := ctx.RegisterResourceOutputs(e, outputs); err != nil {
		return nil, err
	}
	return e, nil
}

// InterfaceEndpointPolicy admits only this account's principals: a stolen
// credential of another account cannot use the endpoints to reach its own
// resources from inside the VPC. The requests still need the caller's own
// IAM permissions. It names no resource: ECR pulls GuardDuty's agent from
// GuardDuty's account, and some Systems Manager and KMS calls carry no
// resource account to compare (IAM User Guide, "AWS global condition
// context keys": aws:PrincipalAccount is present in every signed request,
// aws:ResourceAccount not in all).
func InterfaceEndpointPolicy(scope naming.Scope) policy.Document {
	return policy.New(policy.Statement{
		Sid:       "OnlyThisAccountsPrincipals",
		Effect:    "Allow",
		Principal: policy.AWS("*"),
		Action:    []string{"*"},
		Resource:  []string{"*"},
		Condition: policy.Conditions{"StringEquals": {"aws:PrincipalAccount": {scope.Account}}},
	})
}

// AWSOwnedBuckets are the buckets of AWS's own that the private subnets
// read through the S3 gateway endpoint, by what reads them:
//   - ECR's image layers: prod-<region>-starport-layer-bucket (Amazon ECR
//     User Guide, "Amazon ECR interface VPC endpoints", minimum S3 bucket
//     permissions), read with presigned URLs ECR signs, so not by a
//     principal of this account;
//   - Amazon Linux 2023's package repositories, al2023-repos-<region>-*,
//     which dnf reads anonymously;
//   - SSM Agent's own S3 buckets for updates and documents (Systems
//     Manager User Guide, "SSM Agent communications with AWS managed S3
//     buckets").
func AWSOwnedBuckets(region string) map[string][]string {
	return map[string][]string{
		"EcrImageLayers":          {"prod-" + region + "-starport-layer-bucket"},
		"AmazonLinuxRepositories": {"al2023-repos-" + region + "-*"},
		"SsmAgent": {"amazon-ssm-" + region, "amazon-ssm-packages-" + region, region + "-birdwatcher-prod",
			"aws-ssm-document-attachments-" + region, "aws-ssm-" + region},
	}
}

// S3EndpointPolicy lets the private subnets read the AWS-owned buckets
// they need (AWSOwnedBuckets) and do anything else only as this account's
// principals on this account's buckets: no object leaves for a bucket of
// another account through the endpoint, whatever credential is used.
func S3EndpointPolicy(scope naming.Scope) policy.Document {
	owned := AWSOwnedBuckets(scope.Region)
	var statements []policy.Statement
	for _, sid := range slices.Sorted(maps.Keys(owned)) {
		var objects []string
		for _, b := range owned[sid] {
			objects = append(objects, scope.ARN("s3", b+"/*"))
		}
		statements = append(statements, policy.Statement{
			Sid: "Read" + sid, Effect: "Allow", Principal: policy.AWS("*"),
			Action: []string{"s3:GetObject"}, Resource: objects,
		})
	}
	statements = append(statements, policy.Statement{
		Sid: "ThisAccountsPrincipalsAndBuckets", Effect: "Allow", Principal: policy.AWS("*"),
		Action: []string{"s3:*"}, Resource: []string{"*"},
		Condition: policy.Conditions{"StringEquals": {
			"aws:PrincipalAccount": {scope.Account},
			"aws:ResourceAccount":  {scope.Account},
		}},
	})
	return policy.New(statements...)
}

// newS3Gateway creates the S3 gateway endpoint on the private route tables.
// A gateway endpoint costs nothing (AWS PrivateLink pricing: gateway
// endpoints are free) and takes S3 traffic, the largest AWS traffic here
// (image layers), off the NAT gateways.
func newS3Gateway(ctx *pulumi.Context, name string, args *VpcArgs, vpcID pulumi.IDOutput, routeTables pulumi.StringArray, parent pulumi.ResourceOption) (*ec2.VpcEndpoint, error) {
	ep, err := ec2.NewVpcEndpoint(ctx, name+"-s3-endpoint", &ec2.VpcEndpointArgs{
		VpcId:           vpcID,
		ServiceName:     pulumi.String(ServiceName(args.Scope, "s3")),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   routeTables,
		Policy:          pulumi.String(S3EndpointPolicy(args.Scope).JSON()),
		Tags:            pulumi.StringMap{"Name": pulumi.String(args.Scope.Name("endpoint", "s3"))},
		// Its route in each route table is held once (replacement.Types).
	}, parent, pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return nil, fmt.Errorf("create the S3 gateway endpoint: %w", err)
	}
	return ep, nil
}
