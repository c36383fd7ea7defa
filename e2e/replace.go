//go:build e2e

package e2e

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/omnirapeutic/infrastructure/replacement"
)

// This file is how the stand-in replaces and refuses as AWS and pulumi-aws
// do, from the one table of those facts, replacement.Types:
//   - Diff answers a replacement when a replace-triggering input changes
//     (or is unknown in a preview, as the provider plans "forces
//     replacement" for a value known only after apply), and asks to delete
//     first when pulumi-aws would: the resource's autonamed name is set
//     explicitly. The program's own deleteBeforeReplace is the engine's.
//   - Create refuses an identity AWS holds once and already holds (a
//     physical name, an Elastic IP, Security Hub in the account), or, for
//     the Put... APIs, overwrites what the parent holds.
//   - Delete releases the identity; for a Put type it clears the parent's
//     setting whoever wrote it, as the provider's delete does.

// replaceDiff turns diff's in-place answer into a replacement where the
// replacement table says a changed input forces one.
func replaceDiff(req *pulumirpc.DiffRequest, resp *pulumirpc.DiffResponse) (*pulumirpc.DiffResponse, error) {
	if resp.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME {
		return resp, nil
	}
	row, ok := replacement.Lookup(resourceType(req.GetType(), req.GetUrn()))
	if !ok {
		return nil, status.Errorf(codes.Unimplemented,
			"stand-in AWS provider: %s has no row in replacement.Types, so the stand-in cannot say what replaces it", req.GetUrn())
	}
	before, after, err := diffInputs(req)
	if err != nil {
		return nil, err
	}
	replaces := replaceKeys(row, before, after, req.GetIgnoreChanges())
	if len(replaces) == 0 {
		return resp, nil
	}
	resp.Replaces = replaces
	resp.DeleteBeforeReplace = row.Named(after.Mappable())
	for _, k := range replaces {
		if !slices.Contains(resp.Diffs, k) {
			resp.Diffs = append(resp.Diffs, k)
		}
	}
	sort.Strings(resp.Diffs)
	return resp, nil
}

// replaceKeys are the top-level inputs whose replace-triggering paths
// changed, or are unknown in news while known before.
func replaceKeys(row replacement.Type, before, after resource.PropertyMap, ignored []string) []string {
	var out []string
	add := func(path string) {
		top, _, _ := strings.Cut(path, ".")
		if !slices.Contains(out, top) {
			out = append(out, top)
		}
	}
	for _, path := range row.ForceNew {
		top, _, _ := strings.Cut(path, ".")
		if slices.Contains(ignored, top) {
			continue
		}
		if v, ok := after[resource.PropertyKey(top)]; ok && v.ContainsUnknowns() {
			add(path)
		}
	}
	for _, path := range row.Triggered(before.Mappable(), after.Mappable(), ignored) {
		add(path)
	}
	sort.Strings(out)
	return out
}

// resourceType is a request's type token, from its type field or its URN.
func resourceType(typ, urn string) string {
	if typ != "" {
		return typ
	}
	return string(resource.URN(urn).Type())
}

// claim records that the resource with this ID now holds its identity, or
// refuses, as AWS does, an identity another resource holds.
func (p *Provider) claim(typ string, inputs resource.PropertyMap, id string) error {
	row, ok := replacement.Lookup(typ)
	if !ok {
		return nil
	}
	identity, ok := row.Identity(inputs.Mappable())
	if !ok {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if holder, held := p.held[identity]; held && !row.Put {
		p.refused = append(p.refused, identity)
		return status.Errorf(codes.AlreadyExists,
			"stand-in AWS: %s is already in use (by %s): AWS refuses a second", identity, holder)
	}
	p.held[identity] = id
	return nil
}

// release frees what a deleted resource held; a Put type's delete clears
// the parent's setting whoever wrote it.
func (p *Provider) release(typ string, inputs resource.PropertyMap, id string) {
	row, ok := replacement.Lookup(typ)
	if !ok {
		return
	}
	identity, ok := row.Identity(inputs.Mappable())
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if row.Put || p.held[identity] == id {
		delete(p.held, identity)
	}
}

// reidentify is Update's part: an input that updates in place may be part
// of the identity (the Config recorder's name, which a recorder status
// follows), so the resource moves from its old identity to its new one.
func (p *Provider) reidentify(typ string, olds, news resource.PropertyMap, id string) error {
	p.release(typ, olds, id)
	return p.claim(typ, news, id)
}

// releaseDeleted is Delete's part: the deleted resource's inputs are its old
// inputs, or its state (the inputs and what AWS computed).
func (p *Provider) releaseDeleted(req *pulumirpc.DeleteRequest) error {
	props := req.GetOldInputs()
	if props == nil {
		props = req.GetProperties()
	}
	inputs, err := unmarshal(props)
	if err != nil {
		return err
	}
	p.release(resourceType(req.GetType(), req.GetUrn()), inputs, req.GetId())
	return nil
}

// Holder is the ID of the resource that holds, "in AWS", the identity a
// resource of this type with these inputs has (a vault's lock, a web ACL's
// logging): "" when nothing holds it.
func (p *Provider) Holder(typ string, inputs map[string]any) (string, error) {
	row, ok := replacement.Lookup(typ)
	if !ok {
		return "", fmt.Errorf("%s has no row in replacement.Types", typ)
	}
	identity, ok := row.Identity(inputs)
	if !ok {
		return "", fmt.Errorf("a %s with these inputs has no identity", typ)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held[identity], nil
}

// Refused lists the identities Create refused because they were in use.
func (p *Provider) Refused() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.refused)
}
