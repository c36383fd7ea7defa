package synth

import (
	"strings"

	"github.com/omnirapeutic/infrastructure/recovery"
)

// DeployCriticalPath is the critical path of deploying what r registers
// on an empty account region: each resource waits for its dependencies and
// for its component's (a resource waits for a component by waiting for all
// of the component's children), and takes its type's creation time
// (recovery.Creation). restored times the Aurora cluster as a restore
// (recovery.AuroraRestore), as the recovery deployment creates it from a
// snapshot.
func DeployCriticalPath(r *Result, restored bool) (recovery.Path, error) {
	children := map[string][]string{}
	for _, res := range r.Resources {
		if res.Parent != "" {
			children[res.Parent] = append(children[res.Parent], res.URN)
		}
	}
	ancestors := func(res *Resource) map[string]bool {
		out := map[string]bool{}
		for p := res.Parent; p != ""; {
			out[p] = true
			parent := r.ByURN(p)
			if parent == nil {
				break
			}
			p = parent.Parent
		}
		return out
	}
	var nodes []recovery.Node
	for _, res := range r.Resources {
		n := recovery.Node{ID: res.URN, Type: res.Type, Name: res.Name}
		if res.Component {
			// A component is done when its children are.
			n.Deps = children[res.URN]
		} else {
			up := ancestors(res)
			for _, d := range res.Dependencies {
				if !up[d] && r.ByURN(d) != nil {
					n.Deps = append(n.Deps, d)
				}
			}
			n.Minutes = recovery.Creation(res.Type).Minutes
			if restored && res.Type == "aws:rds/cluster:Cluster" {
				n.Minutes = recovery.AuroraRestore.Minutes
			}
			if strings.HasPrefix(res.Type, ProviderType) {
				n.Minutes = 0
			}
		}
		nodes = append(nodes, n)
	}
	return recovery.CriticalPath(nodes)
}
