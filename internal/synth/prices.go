package synth

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

// PriceKey names one price in Prices.
type PriceKey string

// Price is one list price and the AWS pricing page it comes from.
type Price struct {
	// USD is the price of one Unit.
	USD float64
	// Unit is what is priced, e.g. "hour", "GB-month".
	Unit string
	// Page is the AWS pricing page that publishes it.
	Page string
}

// The priced dimensions, one per line of Prices.
const (
	NatGatewayHour             PriceKey = "NAT gateway hour"
	NatGatewayGB               PriceKey = "NAT gateway data processed"
	PublicIPv4Hour             PriceKey = "public IPv4 address hour"
	AlbHour                    PriceKey = "ALB hour"
	AlbLCUHour                 PriceKey = "ALB LCU-hour"
	WafWebACLMonth             PriceKey = "WAF web ACL month"
	WafRuleMonth               PriceKey = "WAF rule month"
	WafMillionRequests         PriceKey = "WAF million requests"
	AuroraACUHour              PriceKey = "Aurora Serverless v2 ACU-hour"
	AuroraStorageGBMonth       PriceKey = "Aurora storage GB-month"
	AuroraMillionIOs           PriceKey = "Aurora million I/O requests"
	FargateVCPUHour            PriceKey = "Fargate vCPU-hour (Linux/x86)"
	FargateGBHour              PriceKey = "Fargate GB-hour (Linux/x86)"
	FargateARMVCPUHour         PriceKey = "Fargate vCPU-hour (Linux/ARM)"
	FargateARMGBHour           PriceKey = "Fargate GB-hour (Linux/ARM)"
	EC2T3MicroHour             PriceKey = "EC2 t3.micro hour (Linux)"
	EBSGp3GBMonth              PriceKey = "EBS gp3 GB-month"
	KMSKeyMonth                PriceKey = "KMS customer managed key month"
	SecretMonth                PriceKey = "Secrets Manager secret month"
	AlarmMetricMonth           PriceKey = "CloudWatch standard alarm metric month"
	LogsIngestedGB             PriceKey = "CloudWatch Logs ingested GB"
	LogsStoredGBMonth          PriceKey = "CloudWatch Logs stored GB-month"
	ConfigItem                 PriceKey = "AWS Config configuration item"
	ConfigRuleEvaluation       PriceKey = "AWS Config rule evaluation"
	GuardDutyMillionEvents     PriceKey = "GuardDuty million CloudTrail management events"
	GuardDutyFlowLogGB         PriceKey = "GuardDuty VPC flow log and DNS GB"
	GuardDutyFargateVCPUMonth  PriceKey = "GuardDuty Runtime Monitoring Fargate vCPU-month"
	S3StandardGBMonth          PriceKey = "S3 Standard GB-month"
	ECRStorageGBMonth          PriceKey = "ECR storage GB-month"
	BackupWarmGBMonth          PriceKey = "AWS Backup Aurora snapshot GB-month"
	SecurityHubCheck           PriceKey = "Security Hub security check"
	SecurityHubFindingIngested PriceKey = "Security Hub finding ingested"
	BackupCopyTransferGB       PriceKey = "AWS Backup cross-region copy data transfer GB"
	S3ReplicationTransferGB    PriceKey = "S3 inter-region data transfer GB (replication)"
	S3ReplicationTimeControlGB PriceKey = "S3 Replication Time Control GB"
	VpcEndpointAZHour          PriceKey = "VPC interface endpoint AZ-hour"
	VpcEndpointGB              PriceKey = "VPC interface endpoint data processed"
	InspectorECRImageScan      PriceKey = "Inspector ECR image scanned on push"
	InspectorECRImageRescan    PriceKey = "Inspector ECR image rescanned"
	CloudTrailDataEvents       PriceKey = "CloudTrail data events"
)

// Prices is the one table every modeled cost comes from. Change a price
// here and the cost tests show the difference in review. Each was read on
// the Page given (cross-checked against secondary write-ups found the same
// day; see the issue note), on PricesAsOf.
var Prices = map[PriceKey]Price{
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

// UsageProfile is what the usage-driven lines assume about a month of
// traffic, and the data at rest the floor includes. Every field is one
// documented assumption; load a JSON file over DefaultUsage to change them
// (go run ./cmd/synth --cost --usage my-usage.json).
type UsageProfile struct {
	// NatGB is the data processed by the NAT gateways, split evenly across them.
	NatGB float64 `json:"natGB"`
	// AlbLCUs is the ALB's average consumed LCUs over the month.
	AlbLCUs float64 `json:"albLCUs"`
	// WafMillionRequests is the requests the web ACL inspects.
	WafMillionRequests float64 `json:"wafMillionRequests"`
	// LogsIngestedGB is what every log group together ingests in the month.
	LogsIngestedGB float64 `json:"logsIngestedGB"`
	// LogsStoredGB is what every log group together holds on average.
	LogsStoredGB float64 `json:"logsStoredGB"`
	// ExtraACUHours are ACU-hours above the writer's minimum capacity.
	ExtraACUHours float64 `json:"extraACUHours"`
	// AuroraMillionIOs are the cluster's I/O requests (Aurora Standard).
	AuroraMillionIOs float64 `json:"auroraMillionIOs"`
	// DatabaseGB is the data Aurora stores; at rest even without traffic,
	// so it is part of the floor.
	DatabaseGB float64 `json:"databaseGB"`
	// BackupGB is what AWS Backup keeps (floor; priced only when the stack
	// has a backup plan).
	BackupGB float64 `json:"backupGB"`
	// ConfigItemsPerResource is how many configuration items each resource
	// records in an idle month (floor).
	ConfigItemsPerResource float64 `json:"configItemsPerResource"`
	// ConfigEvaluationsPerRule is how many evaluations each Config rule
	// makes in an idle month: daily periodic rules make 30 (floor).
	ConfigEvaluationsPerRule float64 `json:"configEvaluationsPerRule"`
	// SecurityHubChecks are security checks in a month (floor; priced only
	// when the stack enables Security Hub).
	SecurityHubChecks float64 `json:"securityHubChecks"`
	// ManagementEventsMillions are the CloudTrail management events GuardDuty analyzes.
	ManagementEventsMillions float64 `json:"managementEventsMillions"`
	// FlowLogGB is the flow-log and DNS volume GuardDuty analyzes.
	FlowLogGB float64 `json:"flowLogGB"`
	// S3GB is what the stack's buckets (trail, Config, ALB logs) hold.
	S3GB float64 `json:"s3GB"`
	// EcrGB is what the image repositories hold.
	EcrGB float64 `json:"ecrGB"`
	// RecoveryCopyGB is what the recovery region's vault keeps of the copies
	// (floor; priced only with a recovery region).
	RecoveryCopyGB float64 `json:"recoveryCopyGB"`
	// ReplicaGB is what the audit buckets' replicas hold (floor; priced
	// only with a recovery region).
	ReplicaGB float64 `json:"replicaGB"`
	// ReplicatedGB is what the audit buckets receive, and so replicate, in
	// a month.
	ReplicatedGB float64 `json:"replicatedGB"`
	// EndpointGB is the AWS API traffic (image pulls' manifests, logs,
	// secrets, sessions) through the interface endpoints; S3's (image
	// layers) goes through its gateway endpoint, free.
	EndpointGB float64 `json:"endpointGB"`
	// EcrImagesPushed are the images pushed in a month, each scanned by
	// Inspector (priced only with enhanced scanning).
	EcrImagesPushed float64 `json:"ecrImagesPushed"`
	// EcrImageRescans are Inspector's rescans of stored images in a month,
	// when new vulnerabilities are published (enhanced scanning only).
	EcrImageRescans float64 `json:"ecrImageRescans"`
	// S3DataEventsMillions are the S3 object-level calls on the account's
	// buckets in the region that the trail's data-event selectors record
	// (priced only when the trail records data events).
	S3DataEventsMillions float64 `json:"s3DataEventsMillions"`
}

// DefaultUsage is a small clinic's month: modest traffic, a database of
// 10 GB. It is an assumption to edit, not a measurement.
var DefaultUsage = UsageProfile{
	NatGB:                    50,
	AlbLCUs:                  1,
	WafMillionRequests:       2,
	LogsIngestedGB:           10,
	LogsStoredGB:             60,
	ExtraACUHours:            60,
	AuroraMillionIOs:         20,
	DatabaseGB:               10,
	BackupGB:                 20,
	ConfigItemsPerResource:   1,
	ConfigEvaluationsPerRule: 30,
	SecurityHubChecks:        3000,
	ManagementEventsMillions: 0.5,
	FlowLogGB:                5,
	S3GB:                     20,
	EcrGB:                    5,
	RecoveryCopyGB:           20,
	ReplicaGB:                10,
	ReplicatedGB:             2,
	EndpointGB:               5,
	EcrImagesPushed:          20,
	EcrImageRescans:          100,
	// The ALB's access logs every five minutes from each node, AWS Config's
	// deliveries and reads during reviews: about 50,000 calls, doubled.
	S3DataEventsMillions: 0.1,
}
