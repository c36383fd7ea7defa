package stackconfig

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// DeployRoleName is the name of the role GitHub's deploy jobs assume to run
// `pulumi up`: the bootstrap program (pipeline.RoleName in its scope, whose
// prefix is Project) creates it, and the stacks name it where only the
// pipeline may act: it administers their KMS keys, the backup vault policy
// exempts exactly it from its deny (so the deploy path can still change the
// policy), and its ECS deploys are not reported as tampering.
// TestTheDeployRoleHasOneName holds the two names together.
const DeployRoleName = Project + "-github-deploy"

// AppDeployRoleName is the role an application's own pipeline assumes to
// ship one service to one stack: the bootstrap program creates it for each
// application it lists (pipeline.AppRoleName), and the stack exempts its ECS
// deploys from the tampering route, as the deploy role's.
// TestTheDeployRoleHasOneName holds the two names together.
func AppDeployRoleName(stack, service string) string {
	return Project + "-app-" + stack + "-" + service
}

// roleNamePattern is an IAM role name with its path ("admin",
// "aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123"): the
// characters IAM allows in names and paths (IAM User Guide, "IAM
// identifiers"), and "*" where a pattern is allowed.
var roleNamePattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@_/*-]{1,512}$`)

// validateRoleNames checks a list of IAM role names: no ARN (the program
// puts them in this account's ARNs), no duplicate, and "*" only where
// wildcards are allowed (key policies' ArnLike, not EventBridge's exact
// matches).
func validateRoleNames(name string, roles []string, wildcards bool) error {
	var errs []error
	seen := map[string]bool{}
	for _, r := range roles {
		switch {
		case strings.HasPrefix(r, "arn:"):
			errs = append(errs, fmt.Errorf("config %s: %q is an ARN; give the role's name with its path (role/NAME's NAME), which the program puts in this account's ARN", Key(name), r))
		case !roleNamePattern.MatchString(r) || strings.HasPrefix(r, "/") || strings.Contains(r, "//"):
			errs = append(errs, fmt.Errorf("config %s: %q is not an IAM role name (with its path, without a leading /)", Key(name), r))
		case !wildcards && strings.Contains(r, "*"):
			errs = append(errs, fmt.Errorf("config %s: %q has a wildcard; name each role exactly (EventBridge compares them as exact values)", Key(name), r))
		case seen[r]:
			errs = append(errs, fmt.Errorf("config %s: %q is listed twice", Key(name), r))
		}
		seen[r] = true
	}
	return errors.Join(errs...)
}

// digestPattern is a content digest as registries give it.
var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// PinnedImage accepts an image reference pinned by digest
// (registry/repository@sha256:<64 hex>), the only form that cannot change
// under a running service: a tag can be moved to another image at any time
// by whoever publishes it, and ECS resolves a tag again at every deployment
// (Amazon ECS Developer Guide, "Container image resolution"). A tag before
// the digest is refused too, so that the reference says exactly one thing.
func PinnedImage(image string) error {
	ref, digest, ok := strings.Cut(image, "@")
	if !ok || !digestPattern.MatchString(digest) {
		return fmt.Errorf("%q is pulled by a movable tag; pin it by digest: REPOSITORY@sha256:<64 hex digits> "+
			"(`docker buildx imagetools inspect IMAGE` prints the digest; record the tag it came from in a comment)", image)
	}
	if last := ref[strings.LastIndex(ref, "/")+1:]; strings.Contains(last, ":") || ref == "" {
		return fmt.Errorf("%q has both a tag and a digest; keep only the digest (REPOSITORY@sha256:...)", image)
	}
	return nil
}
