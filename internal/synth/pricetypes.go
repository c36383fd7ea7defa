package synth

// PriceKey names one price in the cost model's table (cost.Prices).
type PriceKey string

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
