// Package policy builds IAM and KMS policy documents as typed Go values, so
// that every grant the stack makes is a value a test can read and assert on,
// not a string template.
package policy

import (
	"encoding/json"
	"fmt"
)

// Version is the only IAM policy language version AWS recommends.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document. Fields that AWS accepts as
// a string or a list are always lists here.
type Statement struct {
	Sid       string     `json:"Sid,omitempty"`
	Effect    string     `json:"Effect"`
	Principal Principal  `json:"Principal,omitempty"`
	Action    []string   `json:"Action,omitempty"`
	Resource  []string   `json:"Resource,omitempty"`
	Condition Conditions `json:"Condition,omitempty"`

	// NotAction applies the statement to every action but these, in place
	// of Action: a Deny with it leaves a resource only the listed (read)
	// actions, whatever else another policy allows.
	NotAction []string `json:"NotAction,omitempty"`

	// NotResource applies the statement to everything but these ARNs; a
	// Deny with it fences a broad managed policy in.
	NotResource []string `json:"NotResource,omitempty"`
}

// Principal maps a principal kind ("AWS", "Service") to its identifiers.
type Principal map[string][]string

// Conditions maps a condition operator ("StringEquals") to key → values.
type Conditions map[string]map[string][]string

// Allow is a convenience for an Allow statement.
func Allow(sid string, actions, resources []string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// Service returns a principal for one AWS service, e.g. "logs.amazonaws.com".
func Service(name string) Principal { return Principal{"Service": {name}} }

// Federated returns a principal for a web identity provider by ARN, e.g.
// GitHub's OIDC provider.
func Federated(arn string) Principal { return Principal{"Federated": {arn}} }

// AWS returns a principal for AWS accounts or roles by ARN.
func AWS(arns ...string) Principal { return Principal{"AWS": arns} }

// AssumeRole is a role trust policy: one AWS service may assume the role,
// under the given conditions (nil for none).
func AssumeRole(service string, conditions Conditions) Document {
	return New(Statement{
		Effect:    "Allow",
		Principal: Service(service),
		Action:    []string{"sts:AssumeRole"},
		Condition: conditions,
	})
}

// New returns a document holding the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON renders the document. It cannot fail for the types above, so it panics
// rather than making every caller handle an impossible error.
func (d Document) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("marshal policy document: %v", err))
	}
	return string(b)
}

// Parse reads a policy document rendered by JSON; tests use it to assert on grants.
func Parse(s string) (Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return Document{}, fmt.Errorf("parse policy document: %w", err)
	}
	return d, nil
}

// SSMManagedInstanceCore is AWS's managed policy that lets Systems Manager
// manage an instance (Session Manager included): the bastion's role attaches
// it, and the HIPAA pack's EC2_INSTANCE_MANAGED_BY_SSM prediction looks for
// it. naming.Scope.ManagedPolicyARN makes its ARN.
const SSMManagedInstanceCore = "AmazonSSMManagedInstanceCore"
