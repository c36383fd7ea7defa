// Package stackconfig decodes the stack's configuration into one typed struct
// and validates it before the program registers a single resource.
//
// Every key the program reads is declared, with a description, in
// Pulumi.yaml. One file decides each value: Pulumi.yaml's default, unless the
// key is one of PerStackKeys (no default: every stack file sets it) or a
// stack file (Pulumi.<stack>.yaml) sets it because that stack differs; a
// stack file never repeats a default. A newcomer adding a key adds it in
// three places: Pulumi.yaml, the struct below, and Validate.
package stackconfig

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Project is the Pulumi project name, the namespace of every key this package reads.
const Project = "omnirapeutic"

// Tier is one of the VPC's three subnet tiers.
type Tier string

// The subnet tiers, in the order the specification lists them.
const (
	// Public subnets hold the ALB and the NAT gateways and route to the internet gateway.
	Public Tier = "public"
	// App subnets hold the ECS tasks and route out through the same-AZ NAT gateway.
	App Tier = "app"
	// Data subnets hold Aurora and the bastion and route out through the same-AZ NAT gateway.
	Data Tier = "data"
)

// Tiers lists every tier in specification order; reports and outputs follow it.
var Tiers = []Tier{Public, App, Data}

// Config is the whole stack configuration, decoded and validated once.
type Config struct {
	// Project is the Pulumi project name ("omnirapeutic").
	Project string
	// Stack is the Pulumi stack name ("production").
	Stack string
	// Region is aws:region, the region every resource is created in.
	Region string
	// Network is the VPC layout.
	Network Network
	// Logs holds log retention settings.
	Logs Logs
	// Aurora is the database cluster's settings (omnirapeutic:aurora).
	Aurora Aurora
	// Bastion is the SSM-only bastion's settings (omnirapeutic:bastion).
	Bastion Bastion
	// EcrRepositories names the ECR repositories, which exist whether or not
	// a service runs from them yet (omnirapeutic:ecrRepositories).
	EcrRepositories []string
	// Services are the ECS services by name, running or only declared (omnirapeutic:services).
	Services map[string]Service
	// Edge is the load balancer's routing and TLS (omnirapeutic:edge).
	Edge Edge
	// AlarmEmails are subscribed to the alarm topic (omnirapeutic:alarmEmails).
	AlarmEmails []string
	// AlarmHttpsEndpoints are subscribed to the alarm topic over HTTPS: a
	// paging service's integration URL (omnirapeutic:alarmHttpsEndpoints).
	AlarmHttpsEndpoints []string
	// MonthlyBudgetUsd is the estimated-charges alarm's threshold (omnirapeutic:monthlyBudgetUsd).
	MonthlyBudgetUsd int
	// OwnsAccountSingletons says whether this stack creates, and on destroy
	// deletes, what exists once per account and region: the GuardDuty
	// detector, the Config recorder, delivery channel and conformance pack,
	// the Session Manager preferences (AccountSingletons). Exactly one stack
	// per account does: production (omnirapeutic:ownsAccountSingletons;
	// one of PerStackKeys, so every stack decides it explicitly, and a stack
	// meant to be destroyed must set false).
	OwnsAccountSingletons bool
	// AlbDeletionProtection turns on the ALB's deletion protection and
	// Pulumi's protect on it; off only in stacks meant to be destroyed
	// (omnirapeutic:albDeletionProtection).
	AlbDeletionProtection bool
	// Backup is the AWS Backup plan's retention (omnirapeutic:backup).
	Backup Backup
	// AccountBaseline chooses the account-wide settings the stack owns (omnirapeutic:accountBaseline).
	AccountBaseline AccountBaseline
	// Recovery is the stack's disaster recovery: its recovery region and
	// the snapshot its database was restored from (omnirapeutic:recovery).
	Recovery Recovery
	// DefaultTags are aws:defaultTags, the tags the stack's AWS provider
	// adds to every resource. An explicit provider (the recovery region's)
	// does not read aws:* stack config, so the program hands them over.
	DefaultTags map[string]string
	// KeyAdministrators are the IAM roles, besides the deploy pipeline's
	// (DeployRoleName), that administer the stack's KMS keys: the
	// administrators who run `pulumi up` from a laptop (omnirapeutic:keyAdministrators).
	KeyAdministrators []string
}

// Service is one ECS Fargate service.
type Service struct {
	// Image is an external image reference (e.g. public.ecr.aws/...). Empty
	// means the ECR repository named after the service, at ImageTag.
	Image string `json:"image,omitempty"`
	// ImageTag is the tag in the service's own ECR repository.
	ImageTag string `json:"imageTag,omitempty"`
	// Cpu is the task's CPU units (256 = 0.25 vCPU).
	Cpu int `json:"cpu"`
	// Memory is the task's memory in MiB.
	Memory int `json:"memory"`
	// DesiredCount is the number of tasks (the initial count where autoscaling owns it).
	DesiredCount int `json:"desiredCount"`
	// ContainerPort is the port the container listens on; 0 for none.
	ContainerPort int `json:"containerPort"`
	// HealthCheckPath is the path the target group checks.
	HealthCheckPath string `json:"healthCheckPath,omitempty"`
	// TargetGroup is the target group the service serves; empty for none.
	TargetGroup string `json:"targetGroup,omitempty"`
	// Enabled runs the service; when false only its repository, log group and roles exist.
	Enabled bool `json:"enabled"`
	// User is the non-root user (uid or uid:gid) the container runs as.
	User string `json:"user"`
	// Secrets names the secrets injected into the container, each one of
	// SecretNames. The database is not a secret here: see Database.
	Secrets []SecretName `json:"secrets,omitempty"`
	// Database, when true, lets the service connect to Aurora as its own
	// IAM-authenticated database user (DatabaseUser), never as the master user.
	Database bool `json:"database,omitempty"`
	// TmpfsMiB is the size of the container's writable tmpfs /tmp, counted
	// against the task's memory. Defaults to DefaultTmpfsMiB.
	TmpfsMiB int `json:"tmpfsMiB,omitempty"`
	// Autoscaling, when set, lets target tracking on CPU own the task count.
	Autoscaling *Autoscaling `json:"autoscaling,omitempty"`
	// CpuArchitecture is the CPU the task runs on: X86_64 (when empty) or
	// ARM64 (Graviton, cheaper per vCPU-hour on Fargate). The image must be
	// built for it: DockerPlatform names the matching docker build --platform.
	CpuArchitecture string `json:"cpuArchitecture,omitempty"`
	// Environment holds plain, non-secret settings the container receives as
	// environment variables (LOG_LEVEL: info). A secret never goes here:
	// validation refuses a secret-looking name or value (SecretLooking) and
	// the names the platform sets itself (ReservedEnvironment).
	Environment map[string]string `json:"environment,omitempty"`
	// InternetEgress, when true, lets the service's tasks open HTTPS
	// connections to the internet through the NAT gateways (a third-party
	// API, or an image pulled from outside ECR); otherwise they reach only
	// the VPC's endpoints and Aurora.
	InternetEgress bool `json:"internetEgress,omitempty"`
}

// The CPU architectures a service may run on: the values ECS accepts for a
// task definition's runtimePlatform.cpuArchitecture on Fargate (ECS API
// reference, RuntimePlatform: "X86_64 | ARM64"; ARM64 "is available for
// tasks that run on ... Linux containers on Fargate").
const (
	// X86_64 is the default architecture.
	X86_64 = "X86_64"
	// ARM64 runs the task on AWS Graviton.
	ARM64 = "ARM64"
)

// CpuArchitectures are the values of a service's cpuArchitecture, default first.
var CpuArchitectures = []string{X86_64, ARM64}

// Architecture is the service's CPU architecture: CpuArchitecture, or X86_64
// when it is unset.
func (s Service) Architecture() string {
	if s.CpuArchitecture == "" {
		return X86_64
	}
	return s.CpuArchitecture
}

// DockerPlatform is the docker build --platform that makes an image for a
// CPU architecture: linux/amd64 for X86_64, linux/arm64 for ARM64.
func DockerPlatform(architecture string) string {
	if architecture == ARM64 {
		return "linux/arm64"
	}
	return "linux/amd64"
}

// SecretName names an application secret a service may list in its
// secrets: the key by which config validation, the cluster (compute) and the
// program (platform) agree on which Secrets Manager secret is meant.
type SecretName string

const (
	// APIKeys is the application's API keys (security.Secrets), injected as
	// API_KEYS (EnvName).
	APIKeys SecretName = "apiKeys"
	// MasterSecret is what services once listed to receive the Aurora
	// master login. It is never valid: validation refuses it and says to set
	// database: true instead, so that the service signs in as its own IAM
	// database user.
	MasterSecret SecretName = "database"
)

// SecretNames are the secrets a service may ask for, in the order error
// messages list them. MasterSecret is not among them.
var SecretNames = []SecretName{APIKeys}

// secretEnv is the environment variable each secret is injected as.
var secretEnv = map[SecretName]string{APIKeys: "API_KEYS"}

// EnvName is the environment variable the container sees the secret in
// (through the task definition's secrets, valueFrom: never a plain value);
// "" for a name that is not one of SecretNames.
func (n SecretName) EnvName() string { return secretEnv[n] }

// DefaultTmpfsMiB is the size of a service's tmpfs /tmp when tmpfsMiB is unset.
const DefaultTmpfsMiB = 64

// Tmpfs is the size in MiB of the service's tmpfs /tmp.
func (s Service) Tmpfs() int {
	if s.TmpfsMiB == 0 {
		return DefaultTmpfsMiB
	}
	return s.TmpfsMiB
}

// DatabaseUser is the database user a service connects as with IAM
// authentication: app_<service>, hyphens made underscores so that the name
// needs no quoting in SQL.
func DatabaseUser(service string) string {
	return "app_" + strings.ReplaceAll(service, "-", "_")
}

// MigrationUser is the database user a service's schema migrations connect
// as with IAM authentication: migrate_<service>. It owns the service's
// tables (PostgreSQL 15 gives PUBLIC no CREATE on schema public, and
// DatabaseUser has data grants only); the migration task runs with the
// service's image under the migration task role, which may sign in as this
// user and as no other (docs/app-team.md, "Schema migrations").
func MigrationUser(service string) string {
	return "migrate_" + strings.ReplaceAll(service, "-", "_")
}

// DatabaseEnvironment are the environment variables the platform sets in a
// service with database: true: where to connect and as whom.
var DatabaseEnvironment = []string{"DB_HOST", "DB_PORT", "DB_NAME", "DB_USER"}

// Autoscaling bounds target-tracking scaling on average CPU.
type Autoscaling struct {
	MinCount         int `json:"minCount"`
	MaxCount         int `json:"maxCount"`
	CpuTargetPercent int `json:"cpuTargetPercent"`
}

// Edge is the load balancer's routing and TLS.
type Edge struct {
	// CertificateArn is an ACM certificate; when set, HTTPS serves and HTTP redirects.
	CertificateArn string `json:"certificateArn"`
	// DefaultTargetGroup receives what no path route matches.
	DefaultTargetGroup string `json:"defaultTargetGroup"`
	// PathRoutes are listener rules in priority order.
	PathRoutes []PathRoute `json:"pathRoutes"`
	// WafRateLimit is the most requests one IP may make in 5 minutes.
	WafRateLimit int `json:"wafRateLimit"`
}

// PathRoute sends a path pattern to a target group.
type PathRoute struct {
	PathPattern string `json:"pathPattern"`
	TargetGroup string `json:"targetGroup"`
}

// TargetGroups lists the target groups routing names: the default first,
// then each route's in order, each once.
func (e Edge) TargetGroups() []string {
	out := []string{e.DefaultTargetGroup}
	for _, r := range e.PathRoutes {
		if !slices.Contains(out, r.TargetGroup) {
			out = append(out, r.TargetGroup)
		}
	}
	return out
}

// ServiceNames returns the services' names in order.
func (c *Config) ServiceNames() []string { return slices.Sorted(maps.Keys(c.Services)) }

// HealthCheckPath is the path a target group checks: the one its services
// agree on (validation makes them agree), "/" when none serves it yet.
func (c *Config) HealthCheckPath(targetGroup string) string {
	for _, name := range c.ServiceNames() {
		if s := c.Services[name]; s.TargetGroup == targetGroup && s.HealthCheckPath != "" {
			return s.HealthCheckPath
		}
	}
	return "/"
}

// Network is the VPC layout: its CIDR, its AZs and one subnet per tier per AZ.
type Network struct {
	// VpcCidr is the VPC's IPv4 block (omnirapeutic:vpcCidr).
	VpcCidr string
	// AvailabilityZones are the AZs the VPC spans, in order (omnirapeutic:availabilityZones).
	AvailabilityZones []string
	// SubnetCidrs maps tier to AZ to CIDR block (omnirapeutic:subnetCidrs).
	SubnetCidrs map[Tier]map[string]string
	// NatGateways is NatPerAZ or NatSingle (omnirapeutic:natGateways).
	NatGateways string
}

// The values of omnirapeutic:natGateways.
const (
	// NatPerAZ puts a NAT gateway in every AZ: no AZ depends on another.
	NatPerAZ = "perAz"
	// NatSingle puts one NAT gateway in the first AZ for every AZ: a third
	// of the NAT hours, but the first AZ's outage cuts every AZ off.
	NatSingle = "single"
)

// Logs holds the retention of the CloudWatch log groups the stack creates.
type Logs struct {
	// RetentionDays is the retention of operational log groups (omnirapeutic:logRetentionDays).
	RetentionDays int
	// AuditRetentionDays is the retention of audit log groups: database audit
	// logs, bastion sessions, CloudTrail (omnirapeutic:auditLogRetentionDays).
	AuditRetentionDays int
}

// Aurora is the Aurora PostgreSQL Serverless v2 cluster's settings.
type Aurora struct {
	// EngineVersion is the aurora-postgresql version, e.g. "15.10".
	EngineVersion string `json:"engineVersion"`
	// MinCapacity is the Serverless v2 floor in ACUs (0.5 steps); 0 lets
	// idle instances pause (aurora-postgresql 15.7 and later).
	MinCapacity float64 `json:"minCapacity"`
	// MaxCapacity is the Serverless v2 ceiling in ACUs (0.5 steps).
	MaxCapacity float64 `json:"maxCapacity"`
	// WriterAvailabilityZone is where the writer instance runs.
	WriterAvailabilityZone string `json:"writerAvailabilityZone"`
	// ReaderAvailabilityZones places one reader instance in each listed AZ;
	// its length is the reader count (0 today).
	ReaderAvailabilityZones []string `json:"readerAvailabilityZones"`
	// BackupRetentionDays is how long automated backups are kept.
	BackupRetentionDays int `json:"backupRetentionDays"`
	// MasterUsername is the master user's name; RDS manages its password.
	MasterUsername string `json:"masterUsername"`
}

// Bastion is the SSM-only bastion's settings.
type Bastion struct {
	// AvailabilityZone picks the data subnet the bastion runs in.
	AvailabilityZone string `json:"availabilityZone"`
	// InstanceType is the EC2 instance type; it must match the AMI's architecture.
	InstanceType string `json:"instanceType"`
	// AmiParameter is the public SSM parameter naming the Amazon Linux 2023 AMI.
	AmiParameter string `json:"amiParameter"`
	// IdleSessionTimeoutMinutes ends idle Session Manager sessions (1 to 60).
	IdleSessionTimeoutMinutes int `json:"idleSessionTimeoutMinutes"`
	// MaxSessionDurationMinutes ends every session after this long (1 to 1440).
	MaxSessionDurationMinutes int `json:"maxSessionDurationMinutes"`
}

// NamePrefix is the prefix of every physical name and Name tag: "<project>-<stack>".
func (c *Config) NamePrefix() string { return NamePrefix(c.Project, c.Stack) }

// NamePrefix is a stack's name prefix, "<project>-<stack>": the bootstrap
// program names another stack's resources (an application's repository,
// service and roles) with it, exactly as that stack names them.
func NamePrefix(project, stack string) string { return project + "-" + stack }

// PerStackKeys are the project keys every stack file sets itself, because
// each environment must choose its own: the network's address space and AZs,
// and whether the stack owns the account's singletons (true in exactly one
// stack per account). Pulumi.yaml declares them without a default, so the
// Pulumi CLI refuses a stack that leaves one out (Stack 'x' is missing
// configuration value 'vpcCidr'), and so do the offline synthesis and the
// tests (internal/stackfile) and Decode.
var PerStackKeys = []string{"availabilityZones", "vpcCidr", "subnetCidrs", "ownsAccountSingletons"}

// Key returns the fully qualified config key for a project key, e.g. "omnirapeutic:vpcCidr".
func Key(name string) string { return Project + ":" + name }

// Lookup reads one raw config value by its fully qualified key; ctx.GetConfig
// is one, and so is a map read from a stack file.
type Lookup func(key string) (string, bool)

// Decode reads the stack configuration through lookup and validates it. The
// error names every key that is wrong and its bad value.
func Decode(project, stack string, lookup Lookup) (*Config, error) {
	c := &Config{Project: project, Stack: stack}
	d := decoder{lookup: lookup, stack: stack}
	c.Region, _ = lookup("aws:region")
	d.str("vpcCidr", &c.Network.VpcCidr)
	d.json("availabilityZones", &c.Network.AvailabilityZones)
	d.json("subnetCidrs", &c.Network.SubnetCidrs)
	d.str("natGateways", &c.Network.NatGateways)
	d.integer("logRetentionDays", &c.Logs.RetentionDays)
	d.integer("auditLogRetentionDays", &c.Logs.AuditRetentionDays)
	d.json("aurora", &c.Aurora)
	d.json("bastion", &c.Bastion)
	d.json("ecrRepositories", &c.EcrRepositories)
	d.json("services", &c.Services)
	d.json("edge", &c.Edge)
	d.json("alarmEmails", &c.AlarmEmails)
	d.json("alarmHttpsEndpoints", &c.AlarmHttpsEndpoints)
	d.integer("monthlyBudgetUsd", &c.MonthlyBudgetUsd)
	d.boolean("ownsAccountSingletons", &c.OwnsAccountSingletons)
	d.boolean("albDeletionProtection", &c.AlbDeletionProtection)
	d.json("backup", &c.Backup)
	d.json("accountBaseline", &c.AccountBaseline)
	d.json("recovery", &c.Recovery)
	if raw, ok := lookup("aws:defaultTags"); ok && raw != "" {
		var tags defaultTags
		d.errs = append(d.errs, decodeStrict("aws:defaultTags", raw, &tags)...)
		c.DefaultTags = tags.Tags
	}
	d.json("keyAdministrators", &c.KeyAdministrators)
	if err := errors.Join(d.errs...); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// decoder collects decoding errors so that one run reports every bad key.
type decoder struct {
	lookup Lookup
	stack  string
	errs   []error
}

func (d *decoder) raw(name string) (string, bool) {
	v, ok := d.lookup(Key(name))
	switch {
	case ok:
	case slices.Contains(PerStackKeys, name):
		d.errs = append(d.errs, fmt.Errorf("config %s is required in every stack: set it in Pulumi.%s.yaml (it has no default in Pulumi.yaml, because each environment chooses its own)", Key(name), d.stack))
	default:
		d.errs = append(d.errs, fmt.Errorf("config %s is required: declare it in Pulumi.yaml with a default or set it in Pulumi.%s.yaml", Key(name), d.stack))
	}
	return v, ok
}

// str reads a string value; Pulumi passes strings unquoted.
func (d *decoder) str(name string, into *string) {
	if v, ok := d.raw(name); ok {
		*into = v
	}
}

// json decodes a structured (array or object) value, which Pulumi passes as JSON.
func (d *decoder) json(name string, into any) {
	v, ok := d.raw(name)
	if !ok {
		return
	}
	// A misspelt field would otherwise be silently ignored.
	d.errs = append(d.errs, decodeStrict(Key(name), v, into)...)
}

func (d *decoder) integer(name string, into *int) {
	v, ok := d.raw(name)
	if !ok {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		d.errs = append(d.errs, fmt.Errorf("config %s: %q is not an integer", Key(name), v))
		return
	}
	*into = n
}

// boolean reads true or false, nothing else.
func (d *decoder) boolean(name string, into *bool) {
	v, ok := d.raw(name)
	if !ok {
		return
	}
	switch v {
	case "true":
		*into = true
	case "false":
		*into = false
	default:
		d.errs = append(d.errs, fmt.Errorf("config %s: %q is not true or false", Key(name), v))
	}
}
