package imports

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/synth"
)

// Spec names one resource an account already has, as `pulumi import`
// names it: the type token, the logical name the program gives it, and the
// ID AWS knows it by.
type Spec struct {
	Type, Name, ID string
}

// importEntry is one resource of a `pulumi import --file` file (the
// importSpec of pulumi/pulumi pkg/cmd/pulumi/operations/import.go, v3.274.1).
type importEntry struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	LogicalName string `json:"logicalName,omitempty"`
	ID          string `json:"id,omitempty"`
	Parent      string `json:"parent,omitempty"`
	Component   bool   `json:"component,omitempty"`
	Version     string `json:"version,omitempty"`
}

// File renders the file `pulumi import --file` takes to adopt
// resources the account already has into the program's stack, each under
// its parent in the program, even on an empty stack: every ancestor
// component is declared too, as an entry with "component": true, which the
// import creates. `pulumi import --parent <URN>` alone fails there
// ("unknown parent"): the parent component does not exist until the first
// `pulumi up` registers it (ImportStep.Apply, pkg/resource/deploy/step.go,
// pulumi v3.274.1). Every resource names the AWS provider version the
// program uses (providerVersion), so the import creates the same default
// provider the first `pulumi up` uses (default_<version>), and that up
// updates what was imported instead of moving it between providers.
func File(r *synth.Result, providerVersion string, specs []Spec) ([]byte, error) {
	if len(specs) == 0 {
		return nil, errors.New("nothing to import: name each resource as TYPE NAME ID")
	}
	byURN := map[string]*synth.Resource{}
	for _, res := range r.Resources {
		byURN[res.URN] = res
	}
	var entries []importEntry
	declared := map[string]string{} // URN → the entry's name in the file
	names := map[string]int{}
	entryName := func(res *synth.Resource) string {
		n := res.Name
		if names[n]++; names[n] > 1 {
			n = fmt.Sprintf("%s (%s)", res.Name, res.Type)
		}
		return n
	}
	var declare func(res *synth.Resource) (string, error)
	declare = func(res *synth.Resource) (string, error) {
		if name, ok := declared[res.URN]; ok {
			return name, nil
		}
		var parent string
		if p, ok := byURN[res.Parent]; ok {
			var err error
			if parent, err = declare(p); err != nil {
				return "", err
			}
		}
		e := importEntry{Type: res.Type, Name: entryName(res), LogicalName: res.Name, Parent: parent, Component: res.Component}
		declared[res.URN] = e.Name
		entries = append(entries, e)
		return e.Name, nil
	}
	var errs []error
	for _, s := range specs {
		res, err := findImportable(r, s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, done := declared[res.URN]; done {
			errs = append(errs, fmt.Errorf("%s %s is named twice", s.Type, s.Name))
			continue
		}
		var parent string
		if p, ok := byURN[res.Parent]; ok {
			if parent, err = declare(p); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		e := importEntry{Type: res.Type, Name: entryName(res), LogicalName: res.Name, ID: s.ID, Parent: parent, Version: providerVersion}
		declared[res.URN] = e.Name
		entries = append(entries, e)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(struct {
		Resources []importEntry `json:"resources"`
	}{entries}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// findImportable is the one custom resource the spec names, or an error
// naming what the program does register under that type.
func findImportable(r *synth.Result, s Spec) (*synth.Resource, error) {
	if s.ID == "" {
		return nil, fmt.Errorf("%s %s: the ID is empty: give the ID AWS knows it by", s.Type, s.Name)
	}
	var found *synth.Resource
	var same []string
	for _, res := range r.Resources {
		if res.Type != s.Type {
			continue
		}
		same = append(same, res.Name)
		if res.Name == s.Name {
			found = res
		}
	}
	switch {
	case found == nil && len(same) == 0:
		return nil, fmt.Errorf("%s %s: stack %s registers no %s", s.Type, s.Name, r.Config.Stack, s.Type)
	case found == nil:
		return nil, fmt.Errorf("%s %s: stack %s registers no %s of that name (it has: %s)", s.Type, s.Name, r.Config.Stack, s.Type, strings.Join(same, ", "))
	case found.Component:
		return nil, fmt.Errorf("%s %s is a component: import the AWS resources under it", s.Type, s.Name)
	}
	return found, nil
}
