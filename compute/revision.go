package compute

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ServiceMissing reports whether an error of the ecs getService invoke says
// the service (or its cluster) does not exist yet. The Terraform AWS
// provider, which pulumi-aws wraps, has said it three ways: "no matching ECS
// Service found" (tfresource.SingularDataSourceFindError, current), "service
// with name ... in cluster ... not found" (older data source), and AWS's
// ClusterNotFoundException passed through (older, before the cluster exists).
func ServiceMissing(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "no matching ECS Service found") ||
		strings.Contains(msg, "ClusterNotFoundException") ||
		(strings.Contains(msg, "service with name") && strings.Contains(msg, "not found"))
}

// RunningTaskDefinition returns the task definition (an ARN) the service
// runs now, or "" when the service does not exist yet (a first deploy, or a
// service just switched on). Any other failure to read it is an error, since
// guessing could roll back what the pipeline deployed.
func RunningTaskDefinition(ctx *pulumi.Context, cluster, service string, opts ...pulumi.InvokeOption) (string, error) {
	s, err := ecs.LookupService(ctx, &ecs.LookupServiceArgs{ClusterArn: cluster, ServiceName: service}, opts...)
	if ServiceMissing(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the task definition ECS service %s runs now: %w", service, err)
	}
	return s.TaskDefinition, nil
}

// ParseRevision splits a task definition reference (an ARN, or
// family:revision) into its family and revision.
func ParseRevision(ref string) (family string, revision int, err error) {
	short := ref[strings.LastIndex(ref, "/")+1:]
	i := strings.LastIndex(short, ":")
	if i <= 0 {
		return "", 0, fmt.Errorf("task definition %q has no revision", ref)
	}
	revision, err = strconv.Atoi(short[i+1:])
	if err != nil || revision < 1 {
		return "", 0, fmt.Errorf("task definition %q has no valid revision", ref)
	}
	return short[:i], revision, nil
}

// ChooseRevision returns family:N, N the newer of the revision this program
// registered and the one the service runs now (running: a reference, or ""
// when the service does not exist). The newest ACTIVE revision is not
// consulted: a pipeline revision the circuit breaker rolled back stays ACTIVE
// and newest, but the service no longer runs it, so it is never chosen.
func ChooseRevision(family string, registered int, running string) (string, error) {
	if registered < 1 {
		return "", fmt.Errorf("task definition %s: registered revision %d is not valid", family, registered)
	}
	chosen := registered
	if running != "" {
		runningFamily, revision, err := ParseRevision(running)
		if err != nil {
			return "", fmt.Errorf("service of %s: %w", family, err)
		}
		// Another family (a renamed service) says nothing about this one.
		if runningFamily == family {
			chosen = max(chosen, revision)
		}
	}
	return fmt.Sprintf("%s:%d", family, chosen), nil
}

// CheckDeployed compares what the service runs after an update (as the
// provider read it back) with what was requested, and says so when the
// deployment circuit breaker rolled it back.
func CheckDeployed(requested, deployed string) error {
	wantFamily, want, err := ParseRevision(requested)
	if err != nil {
		return err
	}
	gotFamily, got, err := ParseRevision(deployed)
	if err != nil {
		return err
	}
	if gotFamily != wantFamily || got != want {
		return fmt.Errorf("ECS service deployment of %s failed: the service runs %s:%d (rolled back by the deployment circuit breaker); see `aws ecs describe-services` for the reason, fix the image or config, and run `pulumi up` again",
			requested, gotFamily, got)
	}
	return nil
}
