package tests

import (
	"path"
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

// allows evaluates an identity policy for one request the way IAM does for
// what these policies use: an explicit Deny wins; otherwise some Allow must
// match the action and the resource (with * and ? wildcards) and every
// condition. Conditions: StringEquals, StringLike, ArnEquals, ArnLike and
// Bool, each also ...IfExists (true when the request lacks the key); an
// operator it does not know never matches, so a test cannot pass by
// accident.
func allows(doc policy.Document, r request) bool {
	allowed := false
	for _, st := range doc.Statement {
		if !matchesAny(st.Action, r.action) || !matchesResource(st, r.resource) || !conditionsHold(st.Condition, r.context) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

func matchesResource(st policy.Statement, resource string) bool {
	if len(st.NotResource) > 0 {
		return !matchesAny(st.NotResource, resource)
	}
	return matchesAny(st.Resource, resource)
}

// matchesAny reports whether value matches one of the IAM patterns
// (case-insensitive for actions is IAM's rule; ARNs here are lower-case
// where it matters).
func matchesAny(patterns []string, value string) bool {
	for _, p := range patterns {
		if globMatch(p, value) {
			return true
		}
	}
	return false
}

// globMatch is IAM's wildcard match: * any run of characters (slashes
// included), ? one character.
func globMatch(pattern, value string) bool {
	// path.Match stops * at "/", which IAM does not: escape the slashes.
	p := strings.ReplaceAll(strings.ToLower(pattern), "/", "\x00")
	v := strings.ReplaceAll(strings.ToLower(value), "/", "\x00")
	ok, err := path.Match(p, v)
	return err == nil && ok
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
					ok = ok || globMatch(want, got)
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
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
}
