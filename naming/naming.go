// Package naming is the one place the stack's physical names and ARNs are
// spelled: a Scope carries the name prefix, the account, the region and the
// partition the region belongs to, and every component receives it instead
// of loose prefix, account and region strings.
//
// An ARN is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. Which of REGION
// and ACCOUNT a service's ARNs carry is a fact of the service, not of the
// caller, so Scope.ARN decides it from the service (see arnScopes):
//
//   - regional services (kms, logs, sns, events, ecs, ecr, rds, rds-db,
//     cloudtrail, cloudwatch, ec2, ssm, secretsmanager, ...): region and
//     account, e.g. arn:aws:logs:us-east-1:123456789012:log-group:x;
//   - iam (global): account only, e.g. arn:aws:iam::123456789012:role/x;
//   - s3 buckets (global names): neither, e.g. arn:aws:s3:::bucket.
//
// ARNs of resources another account owns (an AWS service account, AWS
// managed policies, AWS-owned Security Hub standards) use InAccount or the
// ARN struct directly, which sets every field explicitly.
//
// The package has no Pulumi dependency, so its tests build in a moment and
// configuration validation can use it before anything is registered.
package naming

import (
	"errors"
	"fmt"
	"strings"
)

// The AWS partitions this stack can be deployed to.
const (
	// Commercial is the standard AWS partition.
	Commercial = "aws"
	// GovCloud is AWS GovCloud (US): regions us-gov-*.
	GovCloud = "aws-us-gov"
	// China is AWS China: regions cn-*.
	China = "aws-cn"
)

// Partition is the partition a region belongs to: us-gov-* regions are in
// aws-us-gov, cn-* regions in aws-cn, every other region in aws. It is a
// pure function of the region (AWS names partitions' regions by these
// prefixes), so it is known at preview without an invoke, and the mocks
// need no answer for it. The ISO partitions (us-iso-*, us-isob-*) are not
// supported: configuration validation refuses their region names.
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return GovCloud
	case strings.HasPrefix(region, "cn-"):
		return China
	default:
		return Commercial
	}
}

// DNSSuffix is the domain of a partition's service endpoints and of its
// regional service principals (logs.<region>.<suffix>): amazonaws.com.cn
// in China, amazonaws.com elsewhere, GovCloud included.
func DNSSuffix(partition string) string {
	if partition == China {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// ARN is an Amazon Resource Name, field by field. Empty Region or Account
// fields are left empty in the string, as global services' ARNs have them.
type ARN struct {
	// Partition is aws, aws-us-gov or aws-cn.
	Partition string
	// Service is the service namespace, e.g. "kms", "iam", "s3".
	Service string
	// Region is the region, "*" for any, or empty for global resources.
	Region string
	// Account is the owning account ID, "aws" for AWS managed policies, or
	// empty (S3 buckets, AWS-owned resources).
	Account string
	// Resource is everything after the account: "key/1234", "role/x", "bucket".
	Resource string
}

// String renders the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// ParseARN splits an ARN into its fields. It checks the shape only: the
// "arn" prefix, a partition and a service.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return ARN{}, fmt.Errorf("%q is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)", s)
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

// arnScope is which of region and account a service's ARNs carry.
type arnScope int

const (
	// regional ARNs carry region and account (the default).
	regional arnScope = iota
	// accountWide ARNs carry the account only (global services).
	accountWide
	// global ARNs carry neither (S3 bucket names are unique in a partition).
	global
)

// arnScopes lists the services whose ARNs are not regional. Every service
// not listed is regional: a wrong default there shows as a region in an
// ARN, which the tests pin for each service the stack names.
var arnScopes = map[string]arnScope{
	"iam": accountWide,
	"s3":  global,
}

// Scope is where the stack lives and how its resources are named: the one
// value every component receives.
type Scope struct {
	// Prefix starts every physical name, e.g. "omnirapeutic-production".
	Prefix string
	// Account is the AWS account ID the stack deploys to.
	Account string
	// Region is the AWS region, e.g. "us-east-1".
	Region string
	// Partition is the region's partition (see Partition).
	Partition string
}

// NewScope returns the scope of a stack named by prefix in an account and
// region, its partition derived from the region.
func NewScope(prefix, account, region string) Scope {
	return Scope{Prefix: prefix, Account: account, Region: region, Partition: Partition(region)}
}

// Validate names every field the scope lacks; components call it first.
func (s Scope) Validate() error {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"Prefix", s.Prefix}, {"Account", s.Account}, {"Region", s.Region}, {"Partition", s.Partition},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return errors.New("Scope." + strings.Join(missing, ", Scope.") + " required")
	}
	return nil
}

// Name is the prefix followed by parts, joined by "-": Name("alb") is
// "omnirapeutic-production-alb"; Name() is the prefix alone.
func (s Scope) Name(parts ...string) string {
	return strings.Join(append([]string{s.Prefix}, parts...), "-")
}

// ARN is the ARN of a resource of the stack's account: resource is what
// follows the account ("key/abc", "role/x", "log-group:/aws/x:*"). The
// service decides whether region and account appear (see the package doc).
func (s Scope) ARN(service, resource string) string {
	return s.arn(service, resource).String()
}

func (s Scope) arn(service, resource string) ARN {
	a := ARN{Partition: s.Partition, Service: service, Region: s.Region, Account: s.Account, Resource: resource}
	switch arnScopes[service] {
	case accountWide:
		a.Region = ""
	case global:
		a.Region, a.Account = "", ""
	}
	return a
}

// ARNFormat is ARN with resource as a format string, for pulumi.Sprintf
// when part of the resource is an output:
//
//	pulumi.Sprintf(scope.ARNFormat("s3", "%s/"), bucket.Bucket)
//
// A % in the scope's own fields is escaped, so only resource's verbs count.
func (s Scope) ARNFormat(service, resource string) string {
	a := s.arn(service, "")
	return strings.ReplaceAll(a.String(), "%", "%%") + resource
}

// InAccount is the same scope in another account, for ARNs of resources
// that account owns: an AWS service's account, or "aws" for AWS managed
// policies.
func (s Scope) InAccount(account string) Scope {
	s.Account = account
	return s
}

// In is the same stack in another region of its partition: the same
// prefix and account, the region given, and that region's partition. The
// recovery region's resources are named and scoped with it, so that they
// carry the stack's prefix and their ARNs name the region they are in.
func (s Scope) In(region string) Scope {
	return NewScope(s.Prefix, s.Account, region)
}

// AccountRoot is the principal ARN standing for the whole account
// (arn:PARTITION:iam::ACCOUNT:root): policies naming it let the account's
// own IAM policies decide.
func (s Scope) AccountRoot() string { return s.ARN("iam", "root") }

// ManagedPolicyARN is the ARN of an AWS managed policy by its path and
// name, e.g. "service-role/AWS_ConfigRole".
func (s Scope) ManagedPolicyARN(name string) string {
	return s.InAccount("aws").ARN("iam", "policy/"+name)
}

// ServicePrincipal is a service's regional principal and endpoint host,
// <service>.<region>.<DNS suffix>: CloudWatch Logs as a key user, or the
// kms:ViaService of Secrets Manager.
func (s Scope) ServicePrincipal(service string) string {
	return service + "." + s.Region + "." + DNSSuffix(s.Partition)
}
