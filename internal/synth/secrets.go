package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
)

// A secret input (one the program marks with pulumi.ToSecret, or one the
// provider's schema marks secret, which the SDK wraps the same way) reaches
// the recorder as a *resource.Secret. The inventory --json prints carries it
// as Pulumi carries a secret in JSON, under its signature key, but with a
// SHA-256 digest where the value would be: the file a pull request's check
// writes never holds the plaintext, and `synth diff` still sees that a
// secret changed without being able to show it.
const secretDigestKey = "sha256"

// WithSecretsDigested returns inputs with every secret replaced by its
// marker and digest; inputs without secrets are returned as they are.
func WithSecretsDigested(inputs map[string]any) map[string]any {
	if !ContainsSecret(inputs) {
		return inputs
	}
	out := maps.Clone(inputs)
	for k, v := range out {
		out[k] = digestSecrets(v)
	}
	return out
}

func digestSecrets(v any) any {
	switch v := v.(type) {
	case *resource.Secret:
		b, _ := json.Marshal(v.Element.Mappable()) // plain values only: it cannot fail
		sum := sha256.Sum256(b)
		return map[string]any{sig.Key: sig.Secret, secretDigestKey: hex.EncodeToString(sum[:])}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = digestSecrets(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = digestSecrets(e)
		}
		return out
	}
	return v
}

// ContainsSecret reports whether a recorded value is or holds a secret: a
// *resource.Secret, as recorded, or Pulumi's secret marker, as read back
// from --json.
func ContainsSecret(v any) bool {
	switch v := v.(type) {
	case *resource.Secret:
		return true
	case map[string]any:
		if v[sig.Key] == sig.Secret {
			return true
		}
		for _, e := range v {
			if ContainsSecret(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if ContainsSecret(e) {
				return true
			}
		}
	}
	return false
}
