package conformance

import (
	"fmt"
	"strings"
)

const typeLogGroup = "aws:cloudwatch/logGroup:LogGroup"

// ControlRules are AWS Config managed rules outside the HIPAA pack that
// judge controls this stack also evidences (the team's controls.md: every
// log group's key and retention, every container unprivileged and not
// root, every bucket's four public-access blocks). The pack does not deploy them; the policy pack enforces them, with
// the predicates in Controls.
var ControlRules = []Rule{
	{Name: "cloudwatch-log-group-encrypted", Identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED"},
	{Name: "cw-loggroup-retention-period-check", Identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK", Parameters: map[string]string{"MinRetentionTime": "365"}},
	{Name: "ecs-containers-nonprivileged", Identifier: "ECS_CONTAINERS_NONPRIVILEGED"},
	{Name: "ecs-task-definition-linux-user-non-root", Identifier: "ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT"},
	// In AWS's HIPAA template until 2025-01-07, when AWS removed it as
	// redundant with the pack's other S3 public-access rules (HIPAARules);
	// the stack still holds every bucket to it.
	{Name: "s3-bucket-level-public-access-prohibited", Identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"},
}

// Controls predicts the ControlRules, by identifier, as Checks does the pack's.
var Controls = map[string]Check{
	"CLOUDWATCH_LOG_GROUP_ENCRYPTED": {Evaluate: each([]string{typeLogGroup}, func(_ *Stack, r *Resource) Evaluation {
		return verdict(r, r.Str("kmsKeyId") != "", "encrypted with a customer KMS key", "no kmsKeyId: encrypted only with CloudWatch Logs' own key")
	})},
	"CW_LOGGROUP_RETENTION_PERIOD_CHECK": {Evaluate: func(s *Stack, p Params) []Evaluation {
		minDays := paramInt(p, "MinRetentionTime", 365)
		var out []Evaluation
		for _, r := range s.OfType(typeLogGroup) {
			days := int(r.Num("retentionInDays"))
			if days == 0 { // AWS: a group that never expires is COMPLIANT
				out = append(out, pass(r, "never expires"))
				continue
			}
			out = append(out, verdict(r, days >= minDays, fmt.Sprintf("kept %d days", days), fmt.Sprintf("retentionInDays is %d, under %d", days, minDays)))
		}
		return out
	}},
	"S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED": {Evaluate: buckets(func(s *Stack, b *Resource) Evaluation {
		return verdict(b, publicAccessBlocked(bucketPart(s, b, typeBucketPAB)), "all four public access blocks", "not every public access block is set")
	})},
	"ECS_CONTAINERS_NONPRIVILEGED": {Evaluate: each([]string{typeTaskDef}, func(_ *Stack, r *Resource) Evaluation {
		for _, c := range taskContainers(r) {
			if c["privileged"] == true {
				return fail(r, "container %v is privileged", c["name"])
			}
		}
		return pass(r, "no privileged container")
	})},
	"ECS_TASK_DEFINITION_LINUX_USER_NON_ROOT": {Evaluate: each([]string{typeTaskDef}, func(_ *Stack, r *Resource) Evaluation {
		for _, c := range taskContainers(r) {
			if runsAsRoot(c) {
				return fail(r, "container %v runs as root (user %q)", c["name"], c["user"])
			}
		}
		return pass(r, "every container names a non-root user")
	})},
}

// runsAsRoot: a container definition names no user, or root by name or UID.
func runsAsRoot(c map[string]any) bool {
	u, _ := c["user"].(string)
	return u == "" || u == "root" || u == "0" || strings.HasPrefix(u, "0:") || strings.HasPrefix(u, "root:")
}
