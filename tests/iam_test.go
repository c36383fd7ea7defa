package tests

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/omnirapeutic/infrastructure/policy"
)

// request is one API call a principal makes, as IAM evaluates it: the
// action, the resource's ARN and the request's condition keys.
type request struct {
	action, resource string
	context          map[string]string
}

// The one policy evaluator of the tests, for identity policies as the
// program and the bootstrap write them: Action or NotAction, Resource or
// NotResource, with IAM's wildcards (* any run, slashes included; ? one
// character); conditions StringEquals, StringLike, ArnEquals, ArnLike,
// ArnNotEquals and Bool, each also ...IfExists (true when the request lacks
// the key). An operator it does not know never holds, so a test cannot pass
// by accident.

// iamMatch matches an IAM action or resource pattern; actions match
// case-insensitively (fold), as IAM matches them, ARNs case-sensitively.
func iamMatch(pattern, value string, fold bool) bool {
	if fold {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(value)
}

func anyMatch(patterns []string, value string, fold bool) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return iamMatch(p, value, fold) })
}

// applies reports whether a statement covers the request: its action, its
// resource and every condition.
func applies(s policy.Statement, r request) bool {
	acts := len(s.Action) > 0 && anyMatch(s.Action, r.action, true) ||
		len(s.NotAction) > 0 && !anyMatch(s.NotAction, r.action, true)
	res := len(s.Resource) > 0 && anyMatch(s.Resource, r.resource, false) ||
		len(s.NotResource) > 0 && !anyMatch(s.NotResource, r.resource, false)
	return acts && res && conditionsHold(s.Condition, r.context)
}

// denies reports whether a Deny statement of the document covers the call,
// made with no condition keys: an explicit deny wins over any allow,
// AdministratorAccess's included.
func denies(doc policy.Document, action, resource string) bool {
	return slices.ContainsFunc(doc.Statement, func(s policy.Statement) bool {
		return s.Effect == "Deny" && applies(s, request{action: action, resource: resource})
	})
}

// allows reports whether the document itself allows the request and
// nothing in it denies it.
func allows(doc policy.Document, r request) bool {
	allowed := false
	for _, s := range doc.Statement {
		if !applies(s, r) {
			continue
		}
		if s.Effect == "Deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

func conditionsHold(conditions policy.Conditions, context map[string]string) bool {
	for op, keys := range conditions {
		base, ifExists := strings.CutSuffix(op, "IfExists")
		for key, values := range keys {
			got, present := context[key]
			if !present {
				if ifExists {
					continue
				}
				return false
			}
			ok := false
			for _, want := range values {
				switch base {
				case "StringEquals", "ArnEquals", "Bool":
					ok = ok || got == want
				case "StringLike", "ArnLike":
					ok = ok || iamMatch(want, got, false)
				case "ArnNotEquals", "StringNotEquals":
					ok = true
				}
			}
			if base == "ArnNotEquals" || base == "StringNotEquals" {
				ok = !slices.Contains(values, got)
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

func TestIAMMatching(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		fold, want     bool
	}{
		{"rds:Download*", "rds:DownloadDBLogFilePortion", true, true},
		{"rds:Download*", "RDS:downloadcompletedblogfile", true, true},
		{"kinesisvideo:Get*StreamingSessionURL", "kinesisvideo:GetHLSStreamingSessionURL", true, true},
		{"s3:Get*", "s3:PutObject", true, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/.pulumi/x", false, true},
		{"arn:aws:iam::1:role/x-github-*", "arn:aws:iam::1:role/X-GITHUB-deploy", false, false},
	} {
		assert.Equalf(t, c.want, iamMatch(c.pattern, c.value, c.fold), "%q ~ %q", c.pattern, c.value)
	}
}

// TestThePolicyEvaluatorCanSayNo keeps the evaluator honest: each kind of
// mismatch is a refusal.
func TestThePolicyEvaluatorCanSayNo(t *testing.T) {
	doc := policy.New(
		policy.Allow("A", []string{"ecr:PutImage"}, []string{"arn:aws:ecr:us-east-1:1:repository/p/api"}),
		policy.Statement{Sid: "B", Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: []string{"arn:aws:iam::1:role/x"},
			Condition: policy.Conditions{"StringEquals": {"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}},
		policy.Statement{Sid: "C", Effect: "Allow", Action: []string{"ecs:UpdateService"}, Resource: []string{"arn:aws:ecs:us-east-1:1:service/c/*"},
			Condition: policy.Conditions{"BoolIfExists": {"ecs:auto-assign-public-ip": {"false"}}}},
		policy.Statement{Sid: "D", Effect: "Deny", Action: []string{"ecs:UpdateService"}, Resource: []string{"arn:aws:ecs:us-east-1:1:service/c/locked"}},
	)
	assert.True(t, allows(doc, request{"ecr:PutImage", "arn:aws:ecr:us-east-1:1:repository/p/api", nil}))
	assert.False(t, allows(doc, request{"ecr:PutImage", "arn:aws:ecr:us-east-1:1:repository/p/web", nil}), "another resource")
	assert.False(t, allows(doc, request{"ecr:DeleteRepository", "arn:aws:ecr:us-east-1:1:repository/p/api", nil}), "another action")
	assert.True(t, allows(doc, request{"iam:PassRole", "arn:aws:iam::1:role/x", map[string]string{"iam:PassedToService": "ecs-tasks.amazonaws.com"}}))
	assert.False(t, allows(doc, request{"iam:PassRole", "arn:aws:iam::1:role/x", map[string]string{"iam:PassedToService": "lambda.amazonaws.com"}}), "another service")
	assert.False(t, allows(doc, request{"iam:PassRole", "arn:aws:iam::1:role/x", nil}), "a condition key the request lacks")
	assert.True(t, allows(doc, request{"ecs:UpdateService", "arn:aws:ecs:us-east-1:1:service/c/s", nil}), "IfExists: no key, no condition")
	assert.False(t, allows(doc, request{"ecs:UpdateService", "arn:aws:ecs:us-east-1:1:service/c/s", map[string]string{"ecs:auto-assign-public-ip": "true"}}))
	assert.False(t, allows(doc, request{"ecs:UpdateService", "arn:aws:ecs:us-east-1:1:service/c/locked", nil}), "an explicit deny wins")

	guard := policy.New(
		policy.Allow("All", []string{"*"}, []string{"*"}),
		policy.Statement{Sid: "ReadOnly", Effect: "Deny", NotAction: []string{"iam:Get*"}, Resource: []string{"arn:aws:iam::1:role/guarded-*"}},
		policy.Statement{Sid: "Admins", Effect: "Deny", Action: []string{"backup:PutBackupVaultAccessPolicy"}, Resource: []string{"*"},
			Condition: policy.Conditions{"ArnNotEquals": {"aws:PrincipalArn": {"arn:aws:iam::1:role/deploy"}}}},
	)
	assert.True(t, allows(guard, request{"iam:GetRole", "arn:aws:iam::1:role/guarded-x", nil}), "NotAction leaves reads")
	assert.False(t, allows(guard, request{"iam:UpdateAssumeRolePolicy", "arn:aws:iam::1:role/guarded-x", nil}), "NotAction denies the rest")
	assert.True(t, denies(guard, "iam:PutRolePolicy", "arn:aws:iam::1:role/guarded-x"))
	assert.True(t, allows(guard, request{"backup:PutBackupVaultAccessPolicy", "v", map[string]string{"aws:PrincipalArn": "arn:aws:iam::1:role/deploy"}}), "the exempted principal")
	assert.False(t, allows(guard, request{"backup:PutBackupVaultAccessPolicy", "v", map[string]string{"aws:PrincipalArn": "arn:aws:iam::1:role/other"}}), "anyone else")
}
