package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// BillingRegion is where CloudWatch publishes billing metrics: "Billing
// metric data is stored in the US East (N. Virginia) Region" (CloudWatch
// user guide, "Create a billing alarm"), whatever the stack's region.
const BillingRegion = "us-east-1"

// Account is the read-only clients preflight calls, all in the stack's
// region but billing's.
type Account struct {
	STS          *sts.Client
	EC2          *ec2.Client
	GuardDuty    *guardduty.Client
	Config       *configservice.Client
	CloudTrail   *cloudtrail.Client
	SecurityHub  *securityhub.Client
	SSM          *ssm.Client
	IAM          *iam.Client
	RDS          *rds.Client
	ACM          *acm.Client
	Quotas       *servicequotas.Client
	SNS          *sns.Client
	BillingWatch *cloudwatch.Client
}

// NewAccount builds the clients from the default credential chain (the
// environment, a profile, the workflow's OIDC role) in region.
func NewAccount(ctx context.Context, region string) (*Account, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, err
	}
	return accountFrom(cfg), nil
}

// accountFrom builds every client from one configuration; tests point its
// BaseEndpoint at recorded responses on loopback.
func accountFrom(cfg aws.Config) *Account {
	billing := cfg.Copy()
	billing.Region = BillingRegion
	return &Account{
		STS:          sts.NewFromConfig(cfg),
		EC2:          ec2.NewFromConfig(cfg),
		GuardDuty:    guardduty.NewFromConfig(cfg),
		Config:       configservice.NewFromConfig(cfg),
		CloudTrail:   cloudtrail.NewFromConfig(cfg),
		SecurityHub:  securityhub.NewFromConfig(cfg),
		SSM:          ssm.NewFromConfig(cfg),
		IAM:          iam.NewFromConfig(cfg),
		RDS:          rds.NewFromConfig(cfg),
		ACM:          acm.NewFromConfig(cfg),
		Quotas:       servicequotas.NewFromConfig(cfg),
		SNS:          sns.NewFromConfig(cfg),
		BillingWatch: cloudwatch.NewFromConfig(billing),
	}
}
