//go:build e2e

package e2e

import (
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// A real account holds things no stack created (a GuardDuty detector, the
// Session Manager preferences the console made) and things someone changed
// in the console since the last `pulumi up`. The stand-in provider's Read
// answers both here, keyed by type token and ID:
//   - an import reads a resource by ID alone (no state yet): Read answers
//     what Exists put in the account, and "does not exist" for anything
//     else, as AWS would;
//   - a refresh reads a resource Pulumi knows: Read answers its state with
//     what Drift changed laid over it.
const (
	existing = "exists"
	drifted  = "drift"
)

func accountKey(kind, typ, id string) string { return kind + " " + typ + " " + id }

// Exists puts a resource in the account outside any stack, as AWS holds
// it (its properties, as the provider would read them), for an import.
func (p *Provider) Exists(typ, id string, state map[string]any) {
	p.setAccount(accountKey(existing, typ, id), resource.NewPropertyMapFromMap(state))
}

// Drift changes properties of a resource a stack created, as a change in
// the console would: the next refresh reads them. Drift with nil changes
// reverts the resource to what the stack deployed.
func (p *Provider) Drift(typ, id string, changes map[string]any) {
	if changes == nil {
		p.mu.Lock()
		delete(p.account, accountKey(drifted, typ, id))
		p.mu.Unlock()
		return
	}
	p.setAccount(accountKey(drifted, typ, id), resource.NewPropertyMapFromMap(changes))
}

func (p *Provider) setAccount(key string, m resource.PropertyMap) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.account == nil {
		p.account = map[string]resource.PropertyMap{}
	}
	p.account[key] = m
}

// readAccount answers a Read the account decides: ok is false when the
// default answer (the state the engine already has) stands.
func (p *Provider) readAccount(req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, bool, error) {
	typ := string(resource.URN(req.GetUrn()).Type())
	state, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, false, err
	}
	inputs, err := unmarshal(req.GetInputs())
	if err != nil {
		return nil, false, err
	}
	p.mu.Lock()
	held, isExisting := p.account[accountKey(existing, typ, req.GetId())]
	changes, isDrifted := p.account[accountKey(drifted, typ, req.GetId())]
	p.mu.Unlock()
	switch {
	case len(state) == 0 && isExisting:
		// An import: what AWS holds is both the state and the inputs.
		props, err := marshal(held.Copy())
		if err != nil {
			return nil, false, err
		}
		return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: props}, true, nil
	case len(state) == 0:
		// Nothing in state and nothing in the account: it does not exist.
		return &pulumirpc.ReadResponse{}, true, nil
	case isDrifted:
		for k, v := range changes {
			state[k] = v
			inputs[k] = v
		}
		props, err := marshal(state)
		if err != nil {
			return nil, false, err
		}
		in, err := marshal(inputs)
		if err != nil {
			return nil, false, err
		}
		return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: in}, true, nil
	}
	return nil, false, nil
}
