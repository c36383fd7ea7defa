package synth

import (
	"cmp"

	"github.com/omnirapeutic/infrastructure/security"
)

// The typed views of the inventory the outputs read: each a resource's
// inputs (or computed state) as JSON names them, decoded by Decode and
// DecodeAll. They belong to the model, not to one output, because the
// report, the cost and the diagram read the same fields.

// The inputs the compliance (and evidence) sections read.
type (
	TrailInputs struct {
		Name                       string `json:"name"`
		IsMultiRegionTrail         bool   `json:"isMultiRegionTrail"`
		IncludeGlobalServiceEvents bool   `json:"includeGlobalServiceEvents"`
		EnableLogFileValidation    bool   `json:"enableLogFileValidation"`
		S3BucketName               string `json:"s3BucketName"`
		KmsKeyID                   string `json:"kmsKeyId"`
		CloudWatchLogsGroupArn     string `json:"cloudWatchLogsGroupArn"`
		AdvancedEventSelectors     []struct {
			Name string `json:"name"`
		} `json:"advancedEventSelectors"`
	}
	RecorderInputs struct {
		Name           string `json:"name"`
		RecordingGroup struct {
			AllSupported               bool `json:"allSupported"`
			IncludeGlobalResourceTypes bool `json:"includeGlobalResourceTypes"`
		} `json:"recordingGroup"`
	}
	DeliveryChannelInputs struct {
		S3BucketName string `json:"s3BucketName"`
		S3KmsKeyArn  string `json:"s3KmsKeyArn"`
	}
	ConformancePackInputs struct {
		Name            string `json:"name"`
		TemplateBody    string `json:"templateBody"`
		InputParameters []struct {
			ParameterName  string `json:"parameterName"`
			ParameterValue string `json:"parameterValue"`
		} `json:"inputParameters"`
	}
	DetectorInputs struct {
		Enable                     bool   `json:"enable"`
		FindingPublishingFrequency string `json:"findingPublishingFrequency"`
	}
	DetectorFeatureInputs struct {
		Name                     string `json:"name"`
		Status                   string `json:"status"`
		AdditionalConfigurations []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"additionalConfigurations"`
	}
	EventRuleInputs struct {
		Name         string `json:"name"`
		EventPattern string `json:"eventPattern"`
	}
)

// The inputs the compute section reads.
type (
	RepositoryInputs struct {
		Name                       string `json:"name"`
		ImageTagMutability         string `json:"imageTagMutability"`
		ImageScanningConfiguration struct {
			ScanOnPush bool `json:"scanOnPush"`
		} `json:"imageScanningConfiguration"`
	}
	EcsServiceInputs struct {
		Name string `json:"name"`
		// TaskDefinition and DesiredCount are what the cost model prices.
		TaskDefinition string  `json:"taskDefinition"`
		DesiredCount   float64 `json:"desiredCount"`
	}
	TaskDefinitionInputs struct {
		Family               string `json:"family"`
		ContainerDefinitions string `json:"containerDefinitions"`
		// CPU and Memory are what the cost model prices: CPU units and MiB.
		CPU    numeric `json:"cpu"`
		Memory numeric `json:"memory"`
		// RuntimePlatform's CPU architecture prices the task (ARM64 at
		// Fargate's Linux/ARM rates) and is what the image must be built for.
		RuntimePlatform struct {
			CpuArchitecture string `json:"cpuArchitecture"`
		} `json:"runtimePlatform"`
	}
)

// The inputs the data section reads.
type (
	ClusterInputs struct {
		ClusterIdentifier string `json:"clusterIdentifier"`
		Engine            string `json:"engine"`
		EngineVersion     string `json:"engineVersion"`
		EngineMode        string `json:"engineMode"`
		Scaling           struct {
			MinCapacity float64 `json:"minCapacity"`
			MaxCapacity float64 `json:"maxCapacity"`
		} `json:"serverlessv2ScalingConfiguration"`
		DatabaseName                     string   `json:"databaseName"`
		Port                             int      `json:"port"`
		MasterUsername                   string   `json:"masterUsername"`
		StorageEncrypted                 bool     `json:"storageEncrypted"`
		KmsKeyID                         string   `json:"kmsKeyId"`
		BackupRetentionPeriod            int      `json:"backupRetentionPeriod"`
		PreferredBackupWindow            string   `json:"preferredBackupWindow"`
		FinalSnapshotIdentifier          string   `json:"finalSnapshotIdentifier"`
		DeletionProtection               bool     `json:"deletionProtection"`
		IAMDatabaseAuthenticationEnabled bool     `json:"iamDatabaseAuthenticationEnabled"`
		EnabledCloudwatchLogsExports     []string `json:"enabledCloudwatchLogsExports"`
		// ManageMasterUserPassword is a secret the cost model prices.
		ManageMasterUserPassword bool `json:"manageMasterUserPassword"`
	}
	ClusterInstanceInputs struct {
		IdentifierPrefix string `json:"identifierPrefix"`
		InstanceClass    string `json:"instanceClass"`
		AvailabilityZone string `json:"availabilityZone"`
	}
	ClusterParameterGroupInputs struct {
		Parameters []struct {
			Name        string `json:"name"`
			Value       string `json:"value"`
			ApplyMethod string `json:"applyMethod"`
		} `json:"parameters"`
	}
	InstanceInputs struct {
		InstanceType             string `json:"instanceType"`
		SubnetID                 string `json:"subnetId"`
		AssociatePublicIPAddress bool   `json:"associatePublicIpAddress"`
		KeyName                  string `json:"keyName"`
		Ami                      string `json:"ami"`
		MetadataOptions          struct {
			HTTPTokens              string `json:"httpTokens"`
			HTTPPutResponseHopLimit int    `json:"httpPutResponseHopLimit"`
		} `json:"metadataOptions"`
		RootBlockDevice struct {
			Encrypted bool `json:"encrypted"`
			// VolumeSize is the GiB the cost model prices; 0 is the AMI's own.
			VolumeSize float64 `json:"volumeSize"`
		} `json:"rootBlockDevice"`
		Tags map[string]string `json:"tags"`
	}
)

// The inputs the edge section reads.
type (
	lbAction struct {
		Type           string `json:"type"`
		TargetGroupArn string `json:"targetGroupArn"`
		Redirect       struct {
			Protocol   string `json:"protocol"`
			Port       string `json:"port"`
			StatusCode string `json:"statusCode"`
		} `json:"redirect"`
	}
	ListenerInputs struct {
		Protocol       string     `json:"protocol"`
		Port           int        `json:"port"`
		DefaultActions []lbAction `json:"defaultActions"`
	}
	ListenerRuleInputs struct {
		ListenerArn string `json:"listenerArn"`
		Priority    int    `json:"priority"`
		Conditions  []struct {
			PathPattern struct {
				Values []string `json:"values"`
			} `json:"pathPattern"`
		} `json:"conditions"`
		Actions []lbAction `json:"actions"`
	}
	TargetGroupInputs struct {
		Name        string `json:"name"`
		TargetType  string `json:"targetType"`
		HealthCheck struct {
			Path string `json:"path"`
		} `json:"healthCheck"`
		DeregistrationDelay int `json:"deregistrationDelay"`
	}
	WebACLInputs struct {
		Rules []struct {
			Name      string `json:"name"`
			Priority  int    `json:"priority"`
			Statement struct {
				ManagedRuleGroupStatement *struct {
					VendorName          string `json:"vendorName"`
					Name                string `json:"name"`
					RuleActionOverrides []struct {
						Name string `json:"name"`
					} `json:"ruleActionOverrides"`
				} `json:"managedRuleGroupStatement"`
				RateBasedStatement *struct {
					Limit               int    `json:"limit"`
					EvaluationWindowSec int    `json:"evaluationWindowSec"`
					AggregateKeyType    string `json:"aggregateKeyType"`
				} `json:"rateBasedStatement"`
			} `json:"statement"`
		} `json:"rules"`
	}
	LoadBalancerInputs struct {
		Name                     string `json:"name"`
		Internal                 bool   `json:"internal"`
		EnableDeletionProtection bool   `json:"enableDeletionProtection"`
		DropInvalidHeaderFields  bool   `json:"dropInvalidHeaderFields"`
		DesyncMitigationMode     string `json:"desyncMitigationMode"`
		AccessLogs               struct {
			Bucket string `json:"bucket"`
			Prefix string `json:"prefix"`
		} `json:"accessLogs"`
		// Subnets is where a public ALB holds a public IPv4 address each,
		// which the cost model prices.
		Subnets []string `json:"subnets"`
	}
)

// The inputs the evidence section reads.
type (
	BackupVaultInputs struct {
		Name      string `json:"name"`
		KmsKeyArn string `json:"kmsKeyArn"`
	}
	VaultLockInputs struct {
		MinRetentionDays int `json:"minRetentionDays"`
	}
	BackupPlanInputs struct {
		Rules []struct {
			RuleName               string `json:"ruleName"`
			Schedule               string `json:"schedule"`
			EnableContinuousBackup bool   `json:"enableContinuousBackup"`
			Lifecycle              struct {
				DeleteAfter int `json:"deleteAfter"`
			} `json:"lifecycle"`
			CopyActions []struct {
				DestinationVaultArn string `json:"destinationVaultArn"`
				Lifecycle           struct {
					DeleteAfter int `json:"deleteAfter"`
				} `json:"lifecycle"`
			} `json:"copyActions"`
		} `json:"rules"`
	}
	BackupSelectionInputs struct {
		Resources []string `json:"resources"`
	}
	BucketLoggingInputs struct {
		Bucket       string `json:"bucket"`
		TargetBucket string `json:"targetBucket"`
		TargetPrefix string `json:"targetPrefix"`
	}
	ObjectLockInputs struct {
		Bucket string `json:"bucket"`
		Rule   struct {
			DefaultRetention struct {
				Mode string `json:"mode"`
				Days int    `json:"days"`
			} `json:"defaultRetention"`
		} `json:"rule"`
	}
	BucketInputs struct {
		Bucket string `json:"bucket"`
	}
	StandardsSubscriptionInputs struct {
		StandardsArn string `json:"standardsArn"`
	}
)

// The inputs the network section reads.
type (
	SubnetInputs struct {
		AvailabilityZone string            `json:"availabilityZone"`
		CidrBlock        string            `json:"cidrBlock"`
		Tags             map[string]string `json:"tags"`
	}
	RouteTableAssociationInputs struct {
		SubnetID     string `json:"subnetId"`
		RouteTableID string `json:"routeTableId"`
	}
	RouteInputs struct {
		RouteTableID         string `json:"routeTableId"`
		DestinationCidrBlock string `json:"destinationCidrBlock"`
		NatGatewayID         string `json:"natGatewayId"`
		GatewayID            string `json:"gatewayId"`
	}
	VpcInputs struct {
		CidrBlock string `json:"cidrBlock"`
	}
	VpcEndpointInputs struct {
		ServiceName     string   `json:"serviceName"`
		VpcEndpointType string   `json:"vpcEndpointType"`
		SubnetIDs       []string `json:"subnetIds"`
		RouteTableIDs   []string `json:"routeTableIds"`
		Policy          string   `json:"policy"`
	}
)

// The inputs the observability section reads.
type (
	MetricAlarmInputs struct {
		Name               string            `json:"name"`
		Namespace          string            `json:"namespace"`
		MetricName         string            `json:"metricName"`
		Statistic          string            `json:"statistic"`
		ExtendedStatistic  string            `json:"extendedStatistic"`
		Dimensions         map[string]string `json:"dimensions"`
		Period             int               `json:"period"`
		ComparisonOperator string            `json:"comparisonOperator"`
		Threshold          float64           `json:"threshold"`
		DatapointsToAlarm  int               `json:"datapointsToAlarm"`
		EvaluationPeriods  int               `json:"evaluationPeriods"`
		MetricQueries      []struct {
			Expression *string `json:"expression"`
			Metric     *struct {
				Period     int               `json:"period"`
				Dimensions map[string]string `json:"dimensions"`
			} `json:"metric"`
		} `json:"metricQueries"`
	}
	TopicSubscriptionInputs struct {
		Protocol string `json:"protocol"`
	}
	LogGroupInputs struct {
		Name            string `json:"name"`
		RetentionInDays int    `json:"retentionInDays"`
		KmsKeyID        string `json:"kmsKeyId"`
	}
)

// The inputs the security section reads.
type (
	GroupRuleInputs struct {
		SecurityGroupID           string `json:"securityGroupId"`
		IPProtocol                string `json:"ipProtocol"`
		FromPort                  int    `json:"fromPort"`
		ToPort                    int    `json:"toPort"`
		CidrIPv4                  string `json:"cidrIpv4"`
		ReferencedSecurityGroupID string `json:"referencedSecurityGroupId"`
		PrefixListID              string `json:"prefixListId"`
		Description               string `json:"description"`
	}
	KeyInputs struct {
		Policy               string `json:"policy"`
		EnableKeyRotation    bool   `json:"enableKeyRotation"`
		DeletionWindowInDays int    `json:"deletionWindowInDays"`
	}
	AliasInputs struct {
		Name        string `json:"name"`
		TargetKeyID string `json:"targetKeyId"`
	}
	SecretInputs struct {
		Name                 string `json:"name"`
		KmsKeyID             string `json:"kmsKeyId"`
		RecoveryWindowInDays int    `json:"recoveryWindowInDays"`
	}
	// TaggedInputs reads only the tags, for resources named by their Name tag.
	TaggedInputs struct {
		Tags map[string]string `json:"tags"`
	}
)

// GroupRuleTypes are the security-group rule resource types, by direction.
var GroupRuleTypes = []struct {
	Direction security.Direction
	Type      string
}{
	{security.Ingress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"},
	{security.Egress, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"},
}

// PhysicalNameInputs are the inputs that carry a physical name, by the key
// each type uses; the first set one is the name.
type PhysicalNameInputs struct {
	Name              string `json:"name"`
	Bucket            string `json:"bucket"`
	ClusterIdentifier string `json:"clusterIdentifier"`
	Identifier        string `json:"identifier"`
}

// PhysicalName is the name AWS knows a resource by, from whichever of
// PhysicalNameInputs its type sets; "" when none.
func PhysicalName(r *Resource) (string, error) {
	in, err := Decode[PhysicalNameInputs](r)
	return cmp.Or(in.Name, in.Bucket, in.ClusterIdentifier, in.Identifier), err
}
