package cost

import "github.com/omnirapeutic/infrastructure/internal/synth"

// PricesAsOf is the day the list prices below were last checked. Prices are
// AWS on-demand list prices for US East (N. Virginia), us-east-1, in USD,
// before free tiers, credits, Savings Plans and taxes. A stack in another
// region is modeled at these prices too: the report says so.
const PricesAsOf = "2026-11-25"

// PricesRegion is the region whose prices the table holds.
const PricesRegion = "us-east-1"

// HoursPerMonth is AWS's billing month for hourly prices (AWS Pricing
// Calculator: 730 hours).
const HoursPerMonth = 730

// The priced dimensions, one per line of Prices.
const (
	NatGatewayHour             synth.PriceKey = "NAT gateway hour"
	NatGatewayGB               synth.PriceKey = "NAT gateway data processed"
	PublicIPv4Hour             synth.PriceKey = "public IPv4 address hour"
	AlbHour                    synth.PriceKey = "ALB hour"
	AlbLCUHour                 synth.PriceKey = "ALB LCU-hour"
	WafWebACLMonth             synth.PriceKey = "WAF web ACL month"
	WafRuleMonth               synth.PriceKey = "WAF rule month"
	WafMillionRequests         synth.PriceKey = "WAF million requests"
	AuroraACUHour              synth.PriceKey = "Aurora Serverless v2 ACU-hour"
	AuroraStorageGBMonth       synth.PriceKey = "Aurora storage GB-month"
	AuroraMillionIOs           synth.PriceKey = "Aurora million I/O requests"
	FargateVCPUHour            synth.PriceKey = "Fargate vCPU-hour (Linux/x86)"
	FargateGBHour              synth.PriceKey = "Fargate GB-hour (Linux/x86)"
	FargateARMVCPUHour         synth.PriceKey = "Fargate vCPU-hour (Linux/ARM)"
	FargateARMGBHour           synth.PriceKey = "Fargate GB-hour (Linux/ARM)"
	EC2T3MicroHour             synth.PriceKey = "EC2 t3.micro hour (Linux)"
	EBSGp3GBMonth              synth.PriceKey = "EBS gp3 GB-month"
	KMSKeyMonth                synth.PriceKey = "KMS customer managed key month"
	SecretMonth                synth.PriceKey = "Secrets Manager secret month"
	AlarmMetricMonth           synth.PriceKey = "CloudWatch standard alarm metric month"
	LogsIngestedGB             synth.PriceKey = "CloudWatch Logs ingested GB"
	LogsStoredGBMonth          synth.PriceKey = "CloudWatch Logs stored GB-month"
	ConfigItem                 synth.PriceKey = "AWS Config configuration item"
	ConfigRuleEvaluation       synth.PriceKey = "AWS Config rule evaluation"
	GuardDutyMillionEvents     synth.PriceKey = "GuardDuty million CloudTrail management events"
	GuardDutyFlowLogGB         synth.PriceKey = "GuardDuty VPC flow log and DNS GB"
	GuardDutyFargateVCPUMonth  synth.PriceKey = "GuardDuty Runtime Monitoring Fargate vCPU-month"
	S3StandardGBMonth          synth.PriceKey = "S3 Standard GB-month"
	ECRStorageGBMonth          synth.PriceKey = "ECR storage GB-month"
	BackupWarmGBMonth          synth.PriceKey = "AWS Backup Aurora snapshot GB-month"
	SecurityHubCheck           synth.PriceKey = "Security Hub security check"
	SecurityHubFindingIngested synth.PriceKey = "Security Hub finding ingested"
	BackupCopyTransferGB       synth.PriceKey = "AWS Backup cross-region copy data transfer GB"
	S3ReplicationTransferGB    synth.PriceKey = "S3 inter-region data transfer GB (replication)"
	S3ReplicationTimeControlGB synth.PriceKey = "S3 Replication Time Control GB"
	VpcEndpointAZHour          synth.PriceKey = "VPC interface endpoint AZ-hour"
	VpcEndpointGB              synth.PriceKey = "VPC interface endpoint data processed"
	InspectorECRImageScan      synth.PriceKey = "Inspector ECR image scanned on push"
	InspectorECRImageRescan    synth.PriceKey = "Inspector ECR image rescanned"
	CloudTrailDataEvents       synth.PriceKey = "CloudTrail data events"
)

// Prices is the one table every modeled cost comes from. Change a price
// here and the cost tests show the difference in review. Each was read on
// the Page given (cross-checked against secondary write-ups found the same
// day; see the issue note), on PricesAsOf.
var Prices = map[synth.PriceKey]Price{
	NatGatewayHour:             {0.045, "hour", "https://aws.amazon.com/vpc/pricing/"},
	NatGatewayGB:               {0.045, "GB", "https://aws.amazon.com/vpc/pricing/"},
	PublicIPv4Hour:             {0.005, "hour", "https://aws.amazon.com/vpc/pricing/"},
	AlbHour:                    {0.0225, "hour", "https://aws.amazon.com/elasticloadbalancing/pricing/"},
	AlbLCUHour:                 {0.008, "LCU-hour", "https://aws.amazon.com/elasticloadbalancing/pricing/"},
	WafWebACLMonth:             {5.00, "web ACL-month", "https://aws.amazon.com/waf/pricing/"},
	WafRuleMonth:               {1.00, "rule-month", "https://aws.amazon.com/waf/pricing/"},
	WafMillionRequests:         {0.60, "million requests", "https://aws.amazon.com/waf/pricing/"},
	AuroraACUHour:              {0.12, "ACU-hour", "https://aws.amazon.com/rds/aurora/pricing/"},
	AuroraStorageGBMonth:       {0.10, "GB-month", "https://aws.amazon.com/rds/aurora/pricing/"},
	AuroraMillionIOs:           {0.20, "million I/Os", "https://aws.amazon.com/rds/aurora/pricing/"},
	FargateVCPUHour:            {0.04048, "vCPU-hour", "https://aws.amazon.com/fargate/pricing/"},
	FargateGBHour:              {0.004445, "GB-hour", "https://aws.amazon.com/fargate/pricing/"},
	FargateARMVCPUHour:         {0.03238, "vCPU-hour", "https://aws.amazon.com/fargate/pricing/"},
	FargateARMGBHour:           {0.00356, "GB-hour", "https://aws.amazon.com/fargate/pricing/"},
	EC2T3MicroHour:             {0.0104, "hour", "https://aws.amazon.com/ec2/pricing/on-demand/"},
	EBSGp3GBMonth:              {0.08, "GB-month", "https://aws.amazon.com/ebs/pricing/"},
	KMSKeyMonth:                {1.00, "key-month", "https://aws.amazon.com/kms/pricing/"},
	SecretMonth:                {0.40, "secret-month", "https://aws.amazon.com/secrets-manager/pricing/"},
	AlarmMetricMonth:           {0.10, "alarm metric-month", "https://aws.amazon.com/cloudwatch/pricing/"},
	LogsIngestedGB:             {0.50, "GB", "https://aws.amazon.com/cloudwatch/pricing/"},
	LogsStoredGBMonth:          {0.03, "GB-month", "https://aws.amazon.com/cloudwatch/pricing/"},
	ConfigItem:                 {0.003, "configuration item", "https://aws.amazon.com/config/pricing/"},
	ConfigRuleEvaluation:       {0.001, "evaluation", "https://aws.amazon.com/config/pricing/"},
	GuardDutyMillionEvents:     {4.00, "million events", "https://aws.amazon.com/guardduty/pricing/"},
	GuardDutyFlowLogGB:         {1.00, "GB", "https://aws.amazon.com/guardduty/pricing/"},
	GuardDutyFargateVCPUMonth:  {1.50, "vCPU-month", "https://aws.amazon.com/guardduty/pricing/"},
	S3StandardGBMonth:          {0.023, "GB-month", "https://aws.amazon.com/s3/pricing/"},
	ECRStorageGBMonth:          {0.10, "GB-month", "https://aws.amazon.com/ecr/pricing/"},
	BackupWarmGBMonth:          {0.021, "GB-month", "https://aws.amazon.com/backup/pricing/"},
	SecurityHubCheck:           {0.0010, "check", "https://aws.amazon.com/security-hub/pricing/"},
	SecurityHubFindingIngested: {0.00003, "finding", "https://aws.amazon.com/security-hub/pricing/"},
	// The disaster-recovery lines: data leaving the region for another
	// region of the partition, and RTC's per-GB fee.
	BackupCopyTransferGB:       {0.02, "GB", "https://aws.amazon.com/backup/pricing/"},
	S3ReplicationTransferGB:    {0.02, "GB", "https://aws.amazon.com/s3/pricing/"},
	S3ReplicationTimeControlGB: {0.015, "GB", "https://aws.amazon.com/s3/pricing/"},
	VpcEndpointAZHour:          {0.01, "endpoint AZ-hour", "https://aws.amazon.com/privatelink/pricing/"},
	VpcEndpointGB:              {0.01, "GB", "https://aws.amazon.com/privatelink/pricing/"},
	InspectorECRImageScan:      {0.09, "image", "https://aws.amazon.com/inspector/pricing/"},
	InspectorECRImageRescan:    {0.01, "rescan", "https://aws.amazon.com/inspector/pricing/"},
	// Read on 2026-12-06: "Data events ... are charged at $0.10 per 100,000
	// events", every delivery including the first (CloudTrail User Guide,
	// Managing CloudTrail trail costs).
	CloudTrailDataEvents: {0.10, "100,000 events", "https://aws.amazon.com/cloudtrail/pricing/"},
}

// Price is one list price and the AWS pricing page it comes from.
type Price struct {
	// USD is the price of one Unit.
	USD float64
	// Unit is what is priced, e.g. "hour", "GB-month".
	Unit string
	// Page is the AWS pricing page that publishes it.
	Page string
}
