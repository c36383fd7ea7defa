// Package compute provides the container platform: ECR repositories, the ECS
// Fargate cluster, its IAM roles, and one service per configured entry.
package compute

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/omnirapeutic/infrastructure/fields"
	"github.com/omnirapeutic/infrastructure/naming"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

// TaggedImagesKept bounds how many images a repository keeps: enough to roll
// back through weeks of deploys, few enough to keep scanning and storage small.
const TaggedImagesKept = 50

// UntaggedImageDays is how long an untagged image (a superseded push) lives.
const UntaggedImageDays = 7

// RegistryArgs configures a Registry.
type RegistryArgs struct {
	// Scope is the stack's name prefix, account, region and partition: its prefix
	// starts every repository name (<prefix>/<repo>). Required.
	Scope naming.Scope
	// Repositories are the short repository names ("api"); none when every
	// service runs an external image.
	Repositories []string
	// KmsKeyArn encrypts the images (the Secrets key, as in the seed). Required.
	KmsKeyArn pulumi.StringInput
	// OwnsScanningConfiguration sets the account's registry scanning
	// configuration (one per account and region) to EnhancedScanRules;
	// only the stack that owns the account singletons sets it. Defaults to
	// false.
	OwnsScanningConfiguration bool
}

// EnhancedScanRules are the registry's scanning rules: every repository of
// the project (every stack's, <project>-<stack>/<repo>) scanned by Amazon
// Inspector on push and again whenever a new vulnerability affects an image
// (CONTINUOUS_SCAN), for its operating-system and language packages. Basic
// scanning (scanOnPush) scans each image once, at push, for OS packages
// only: an image deployed for months is never told of a CVE published after
// its push. Inspector's findings reach Security Hub, whose HIGH and
// CRITICAL ones page (compliance.SecurityHubFindingsPattern). Setting the
// registry's scan type to ENHANCED through the ECR API is itself what
// activates Inspector's ECR scanning (Amazon Inspector User Guide, "Amazon
// Inspector integration with Amazon ECR"; Inspector creates its
// service-linked role then: Amazon ECR User Guide, "IAM permissions
// required for enhanced scanning"). Inspector charges per image scanned and
// rescanned (cost.Prices).
var EnhancedScanRules = []ScanRule{{Frequency: "CONTINUOUS_SCAN", Filter: stackconfig.Project + "-*"}}

// ScanRule is one registry scanning rule: a frequency for the repositories
// whose names match a wildcard filter.
type ScanRule struct {
	Frequency, Filter string
}

// validate reports every missing or invalid field at once.
func (a RegistryArgs) validate() error {
	c := fields.For("compute.RegistryArgs")
	c.RequireValid("Scope", a.Scope, a.Scope.Validate())
	c.Require("KmsKeyArn", a.KmsKeyArn)
	return c.Err()
}

// Registry is the stack's ECR repositories.
type Registry struct {
	pulumi.ResourceState

	// RepositoryUrls maps short name to repository URL (push and pull address).
	RepositoryUrls map[string]pulumi.StringOutput
	// RepositoryArns maps short name to repository ARN.
	RepositoryArns map[string]pulumi.StringOutput
}

// RepositoryName is the ECR name of a short repository name: the prefix is
// a namespace (<prefix>/<repo>), which ECR permits and image URLs show.
func RepositoryName(scope naming.Scope, repo string) string { return scope.Prefix + "/" + repo }

// LifecyclePolicy expires untagged images after UntaggedImageDays and keeps
// the newest TaggedImagesKept images.
func LifecyclePolicy() string {
	type selection struct {
		TagStatus   string `json:"tagStatus"`
		CountType   string `json:"countType"`
		CountUnit   string `json:"countUnit,omitempty"`
		CountNumber int    `json:"countNumber"`
	}
	type rule struct {
		RulePriority int               `json:"rulePriority"`
		Description  string            `json:"description"`
		Selection    selection         `json:"selection"`
		Action       map[string]string `json:"action"`
	}
	b, err := json.Marshal(map[string][]rule{"rules": {
		{1, fmt.Sprintf("Expire untagged images after %d days", UntaggedImageDays),
			selection{"untagged", "sinceImagePushed", "days", UntaggedImageDays}, map[string]string{"type": "expire"}},
		{2, fmt.Sprintf("Keep the newest %d images", TaggedImagesKept),
			selection{"any", "imageCountMoreThan", "", TaggedImagesKept}, map[string]string{"type": "expire"}},
	}})
	if err != nil {
		panic(err) // static types: cannot fail
	}
	return string(b)
}

// NewRegistry creates one private repository per name: immutable tags, scan
// on push, KMS, a lifecycle, and no repository policy (so nothing public);
// and, in the stack that owns the account singletons, the registry's
// enhanced scanning.
func NewRegistry(ctx *pulumi.Context, name string, args *RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	if args == nil {
		args = &RegistryArgs{}
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r := &Registry{RepositoryUrls: map[string]pulumi.StringOutput{}, RepositoryArns: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource("omnirapeutic:compute:Registry", name, r, opts...); err != nil {
		return nil, err
	}
	outputs := pulumi.Map{}
	for _, repo := range args.Repositories {
		physical := RepositoryName(args.Scope, repo)
		rep, err := ecr.NewRepository(ctx, fmt.Sprintf("%s-%s", name, repo), &ecr.RepositoryArgs{
			Name:               pulumi.String(physical),
			ImageTagMutability: pulumi.String("IMMUTABLE"),
			ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
				ScanOnPush: pulumi.Bool(true),
			},
			EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{&ecr.RepositoryEncryptionConfigurationArgs{
				EncryptionType: pulumi.String("KMS"),
				KmsKey:         args.KmsKeyArn,
			}},
			// A repository holding images is never deleted by Pulumi.
			ForceDelete: pulumi.Bool(false),
			Tags:        pulumi.StringMap{"Name": pulumi.String(physical)},
		}, pulumi.Parent(r))
		if err != nil {
			return nil, fmt.Errorf("create ECR repository %s: %w", repo, err)
		}
		// The lifecycle policy has no update: any edit of LifecyclePolicy
		// replaces it, and its delete removes the repository's policy
		// (terraform-provider-aws internal/service/ecr/lifecycle_policy.go).
		// Replaced create-first, images would never expire again; it
		// deletes first (replacement.Types: DeleteFirst).
		if _, err := ecr.NewLifecyclePolicy(ctx, fmt.Sprintf("%s-%s-lifecycle", name, repo), &ecr.LifecyclePolicyArgs{
			Repository: rep.Name,
			Policy:     pulumi.String(LifecyclePolicy()),
		}, pulumi.Parent(r), pulumi.DeleteBeforeReplace(true)); err != nil {
			return nil, fmt.Errorf("set lifecycle of ECR repository %s: %w", repo, err)
		}
		r.RepositoryUrls[repo] = rep.RepositoryUrl
		r.RepositoryArns[repo] = rep.Arn
		outputs[repo] = rep.RepositoryUrl
	}
	if args.OwnsScanningConfiguration {
		var rules ecr.RegistryScanningConfigurationRuleArray
		for _, rule := range EnhancedScanRules {
			rules = append(rules, &ecr.RegistryScanningConfigurationRuleArgs{
				ScanFrequency: pulumi.String(rule.Frequency),
				RepositoryFilters: ecr.RegistryScanningConfigurationRuleRepositoryFilterArray{&ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs{
					Filter: pulumi.String(rule.Filter), FilterType: pulumi.String("WILDCARD"),
				}},
			})
		}
		if _, err := ecr.NewRegistryScanningConfiguration(ctx, name+"-scanning", &ecr.RegistryScanningConfigurationArgs{
			ScanType: pulumi.String("ENHANCED"),
			Rules:    rules,
		}, pulumi.Parent(r)); err != nil {
			return nil, fmt.Errorf("set the registry's enhanced scanning: %w", err)
		}
	}
	if err := ctx.RegisterResourceOutputs(r, outputs); err != nil {
		return nil, err
	}
	return r, nil
}
