//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
)

// KMS is a stand-in for AWS KMS's Encrypt and Decrypt, the two calls
// Pulumi's awskms:// secrets provider makes (gocloud.dev/secrets/awskms
// through aws-sdk-go-v2): Encrypt when a stack is created on it or moved
// onto it (the stack's data key, which the stack file keeps as
// encryptedkey), Decrypt whenever the CLI opens the stack's secrets. Point
// the SDK at it with AWS_ENDPOINT_URL_KMS=<URL> (and any static
// credentials), and an awskms://alias/...?region=... URL works unchanged.
//
// It holds no real key: a "ciphertext" is the key ID and the plaintext,
// wrapped so that it is no plaintext. What it proves is the flow (which
// key, which calls), not cryptography.
type KMS struct {
	mu    sync.Mutex
	calls map[string][]string // operation → key IDs it was called with
}

// kmsPrefix marks the stand-in's ciphertexts.
const kmsPrefix = "stand-in-kms:"

// NewKMS returns a stand-in KMS that knows every key ID it is handed.
func NewKMS() *KMS { return &KMS{calls: map[string][]string{}} }

// Serve listens on a free loopback port until ctx ends and returns the
// endpoint URL.
func (k *KMS) Serve(ctx context.Context) (string, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen for the stand-in KMS: %w", err)
	}
	srv := &http.Server{Handler: k}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() { _ = srv.Serve(lis) }()
	return "http://" + lis.Addr().String(), nil
}

// Calls returns, per operation, the key IDs it was called with, in order.
func (k *KMS) Calls() map[string][]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[string][]string{}
	for op, keys := range k.calls {
		out[op] = append([]string(nil), keys...)
	}
	return out
}

// ServeHTTP answers KMS's JSON 1.1 protocol: POST, X-Amz-Target
// TrentService.<Operation>, blobs as base64 strings.
func (k *KMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	var in struct {
		KeyID          string `json:"KeyId"`
		Plaintext      []byte `json:"Plaintext"`
		CiphertextBlob []byte `json:"CiphertextBlob"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		kmsError(w, "ValidationException", "stand-in KMS: "+err.Error())
		return
	}
	var out map[string]any
	switch op {
	case "Encrypt":
		if in.KeyID == "" {
			kmsError(w, "ValidationException", "KeyId is required")
			return
		}
		blob, _ := json.Marshal(map[string]any{"key": in.KeyID, "data": in.Plaintext})
		out = map[string]any{"KeyId": in.KeyID, "CiphertextBlob": []byte(kmsPrefix + base64.StdEncoding.EncodeToString(blob)), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
	case "Decrypt":
		var blob struct {
			Key  string `json:"key"`
			Data []byte `json:"data"`
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(string(in.CiphertextBlob), kmsPrefix))
		if !strings.HasPrefix(string(in.CiphertextBlob), kmsPrefix) || err != nil || json.Unmarshal(raw, &blob) != nil {
			kmsError(w, "InvalidCiphertextException", "not a ciphertext of the stand-in KMS")
			return
		}
		in.KeyID = blob.Key
		out = map[string]any{"KeyId": blob.Key, "Plaintext": blob.Data, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
	default:
		kmsError(w, "UnsupportedOperationException", "the stand-in KMS (e2e/kms.go) answers Encrypt and Decrypt, not "+op)
		return
	}
	k.mu.Lock()
	k.calls[op] = append(k.calls[op], in.KeyID)
	k.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

func kmsError(w http.ResponseWriter, code, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": message})
}
