package stackconfig

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A service's plain environment variables (services.<name>.environment) are
// settings, never secrets. The stack follows cdk-nag's AwsSolutions-ECS2
// ("Containers in ECS task definitions do not directly specify environment
// variables") in what it protects: a secret reaches a container only through
// the task definition's secrets (valueFrom, from Secrets Manager), so it is
// never in the task definition, the Pulumi state or the stack file. Plain,
// non-secret settings (the database endpoint the platform sets, a log level)
// stay plain; a name or value that looks like a secret is refused with the
// way to pass it instead. AWS Security Hub's ECS.8 ("Secrets should not be
// passed as container environment variables", FSBP, which this stack
// subscribes to) flags AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// ECS_ENGINE_AUTH_DATA: the AWS_ and ECS_ prefixes are refused whole.

// envNamePattern is a portable environment variable name.
var envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// reservedEnvPrefixes are the prefixes of variables AWS sets in every task
// (AWS_REGION, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
// ECS_CONTAINER_METADATA_URI_V4) or that carry credentials (ECS.8).
var reservedEnvPrefixes = []string{"AWS_", "ECS_"}

// ReservedEnvironment lists the variables the platform sets itself, which a
// service's environment may not set: the database settings and every
// secret's variable.
func ReservedEnvironment() []string {
	out := slices.Clone(DatabaseEnvironment)
	for _, n := range SecretNames {
		out = append(out, n.EnvName())
	}
	return out
}

// secretWords are words (between underscores) of a variable name that say
// it holds a secret.
var secretWords = []string{"PASSWORD", "PASSWD", "SECRET", "SECRETS", "TOKEN", "TOKENS", "CREDENTIAL", "CREDENTIALS", "PRIVATE", "APIKEY"}

// secretValues are shapes of values that are credentials whatever the
// variable is called.
var secretValues = []struct {
	what    string
	pattern *regexp.Regexp
}{
	{"an AWS access key ID", regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)},
	{"a PEM private key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)},
	{"a URL with a password in it", regexp.MustCompile(`://[^/\s:@]+:[^/\s@]+@`)},
	{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.`)},
	{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`)},
	{"a Stripe or Slack secret", regexp.MustCompile(`\b(sk_live_[A-Za-z0-9]{10,}|xox[abposr]-[A-Za-z0-9-]{10,})`)},
}

// SecretLooking says why an environment variable looks like a secret, or ""
// when it does not: its name has a word of secretWords or ends in KEY or
// KEYS (STRIPE_KEY; CACHE_KEY_PREFIX is fine), or its value has the shape of
// a credential.
func SecretLooking(name, value string) string {
	upper := strings.ToUpper(name)
	for _, w := range strings.Split(upper, "_") {
		if slices.Contains(secretWords, w) {
			return fmt.Sprintf("the name has %q in it", w)
		}
	}
	if upper == "KEY" || strings.HasSuffix(upper, "_KEY") || strings.HasSuffix(upper, "_KEYS") || strings.HasSuffix(upper, "APIKEY") {
		return "the name ends in KEY"
	}
	for _, v := range secretValues {
		if v.pattern.MatchString(value) {
			return "the value looks like " + v.what
		}
	}
	return ""
}

// validateEnvironment reports what is wrong with one plain environment
// variable of a service, "" when nothing is.
func validateEnvironment(name, value string) string {
	switch {
	case !envNamePattern.MatchString(name):
		return fmt.Sprintf("%q is not an environment variable name (letters, digits and underscores, not starting with a digit)", name)
	case slices.Contains(ReservedEnvironment(), name):
		return fmt.Sprintf("%s is set by the platform (%s); choose another name", name, strings.Join(ReservedEnvironment(), ", "))
	}
	for _, p := range reservedEnvPrefixes {
		if strings.HasPrefix(strings.ToUpper(name), p) {
			return fmt.Sprintf("%s: names starting %s belong to AWS (ECS sets them in every task, and AWS credentials never go in a task definition); choose another name", name, p)
		}
	}
	if why := SecretLooking(name, value); why != "" {
		return fmt.Sprintf("%s looks like a secret (%s): a secret never goes in plain environment variables, which land in the task definition and the Pulumi state; "+
			"put it in the API-keys secret (secrets: [%s], which the container sees as %s) or, if it is not a secret, rename it",
			name, why, APIKeys, APIKeys.EnvName())
	}
	return ""
}
