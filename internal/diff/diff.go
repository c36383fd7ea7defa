package diff

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/replacement"
)

// ResourceChange is one resource present in both syntheses whose inputs differ.
type ResourceChange struct {
	Type, Name, URN string
	// Inputs are the top-level inputs that differ, sorted.
	Inputs []string
	// Values are the changed values of those inputs, each with its old
	// and new value (a secret masked).
	Values []InputChange
	// Replace lists the changed inputs AWS cannot change in place, with sources.
	Replace []synth.ReplaceOnlyProperty
}

// InputChange is one changed value inside a changed input: the input
// itself when it is a number or a plain string, else each field of an
// object, element of a list or field of a JSON document held in a string
// (a policy, container definitions) whose value differs.
type InputChange struct {
	// Path names the value: "threshold", "tags.Name",
	// "policy.Statement[1].Resource[0]".
	Path string
	// Old and New are the values as JSON, "unset" when absent, and
	// "[secret]" for a value that is or holds a secret.
	Old, New string
	// Secret is true when either side is a secret: the values are masked.
	Secret bool
}

// Danger is a replacement or deletion of a protected or stateful resource.
type Danger struct {
	Type, Name string
	// Action is "replace" or "delete".
	Action string
	// Why says what triggers it.
	Why string
}

// Delta is what `synth diff` reports between two inventories.
type Delta struct {
	Old, New         string
	Added, Removed   []*synth.Resource
	Changed          []ResourceChange
	Dangerous        []Danger
	OldCost, NewCost *synth.Cost
}

// Compare diffs two inventories. Resources are matched by URN, as the
// engine does: a changed logical name or parent is a delete and a create
// (unless the program adds an alias). replaceOnly says which inputs force a
// replacement. The inputs it reads by meaning (physical names, ARNs) are
// decoded: one of another type is an error naming the resource.
func Compare(old, new *synth.Inventory, replaceOnly func(typ string) []synth.ReplaceOnlyProperty) (*Delta, error) {
	for _, inv := range []struct {
		side string
		inv  *synth.Inventory
	}{{"old", old}, {"new", new}} {
		if inv.inv.Project == "" || inv.inv.Stack == "" || len(inv.inv.Resources) == 0 {
			return nil, fmt.Errorf("the %s inventory names no project, no stack or no resource: it is not what `synth --json` prints", inv.side)
		}
	}
	if old.Project != new.Project || old.Stack != new.Stack {
		return nil, fmt.Errorf("the old inventory is %s/%s and the new one %s/%s: synth diff compares two syntheses of one stack (what a change does to it), never two stacks",
			old.Project, old.Stack, new.Project, new.Stack)
	}
	d := &Delta{Old: old.Project + "/" + old.Stack, New: new.Project + "/" + new.Stack, OldCost: old.Cost, NewCost: new.Cost}
	oldBy, newBy := byURN(old.Resources), byURN(new.Resources)
	for _, urn := range slices.Sorted(maps.Keys(newBy)) {
		if _, ok := oldBy[urn]; !ok {
			d.Added = append(d.Added, newBy[urn])
		}
	}
	for _, urn := range slices.Sorted(maps.Keys(oldBy)) {
		o := oldBy[urn]
		n, ok := newBy[urn]
		if !ok {
			d.Removed = append(d.Removed, o)
			if synth.Stateful(o) && !o.Component {
				why := "no longer registered"
				moved, err := movedTo(o, d.Added)
				if err != nil {
					return nil, err
				}
				if moved != nil {
					why = fmt.Sprintf("its logical name or parent changed (now %s): Pulumi deletes %s and creates a new one unless the program adds an alias", moved.URN, o.Name)
				}
				d.Dangerous = append(d.Dangerous, Danger{o.Type, o.Name, "delete", why})
			}
			continue
		}
		if o.Component {
			continue
		}
		var changed []string
		for _, k := range slices.Sorted(maps.Keys(union(o.Inputs, n.Inputs))) {
			if slices.Contains(n.IgnoreChanges, k) {
				continue
			}
			if !reflect.DeepEqual(o.Inputs[k], n.Inputs[k]) {
				changed = append(changed, k)
			}
		}
		if len(changed) == 0 {
			continue
		}
		c := ResourceChange{Type: n.Type, Name: n.Name, URN: urn, Inputs: changed}
		for _, k := range changed {
			c.Values = append(c.Values, valueChanges(k, o.Inputs[k], n.Inputs[k])...)
		}
		for _, p := range replaceOnly(n.Type) {
			if slices.Contains(changed, topInput(p.Name)) && replacement.Changed(p.Name, o.Inputs, n.Inputs) {
				c.Replace = append(c.Replace, p)
			}
		}
		d.Changed = append(d.Changed, c)
		if len(c.Replace) > 0 && (synth.Stateful(o) || synth.Stateful(n)) {
			var why []string
			for _, p := range c.Replace {
				why = append(why, fmt.Sprintf("%s changed (%s → %s; replace-only, %s)", p.Name, shown(inputAt(o.Inputs, p.Name), true), shown(inputAt(n.Inputs, p.Name), true), p.Source))
			}
			d.Dangerous = append(d.Dangerous, Danger{n.Type, n.Name, "replace", strings.Join(why, "; ")})
		}
	}
	if err := d.cascade(oldBy, newBy, replaceOnly); err != nil {
		return nil, err
	}
	return d, nil
}

// cascade follows replacements through references: the mock gives every
// resource a stable ID, so a replaced VPC leaves its subnets' vpcId equal
// offline, but in AWS the new VPC has a new ID and every subnet whose
// replace-only vpcId names it is replaced too. Repeat until nothing new.
func (d *Delta) cascade(oldBy, newBy map[string]*synth.Resource, replaceOnly func(typ string) []synth.ReplaceOnlyProperty) error {
	gone := map[string]*synth.Resource{} // URN → replaced or deleted resource
	arns := map[string]string{}          // URN → the gone resource's ARN, if it has one
	markGone := func(urn string, r *synth.Resource) error {
		out, err := synth.DecodeComputed[struct {
			ARN string `json:"arn"`
		}](r)
		gone[urn], arns[urn] = r, out.ARN
		return err
	}
	for _, r := range d.Removed {
		if err := markGone(r.URN, r); err != nil {
			return err
		}
	}
	index := map[string]int{}
	for i, c := range d.Changed {
		index[c.URN] = i
		if len(c.Replace) > 0 {
			if err := markGone(c.URN, oldBy[c.URN]); err != nil {
				return err
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, urn := range slices.Sorted(maps.Keys(newBy)) {
			o, n := oldBy[urn], newBy[urn]
			if o == nil || n.Component || gone[urn] != nil {
				continue
			}
			for _, p := range replaceOnly(n.Type) {
				value := fmt.Sprint(inputAt(o.Inputs, p.Name))
				for _, g := range slices.SortedFunc(maps.Values(gone), func(a, b *synth.Resource) int { return strings.Compare(a.URN, b.URN) }) {
					arn := arns[g.URN]
					if (g.ID == "" || !strings.Contains(value, g.ID)) && (arn == "" || !strings.Contains(value, arn)) {
						continue
					}
					i, ok := index[urn]
					if !ok {
						d.Changed = append(d.Changed, ResourceChange{Type: n.Type, Name: n.Name, URN: urn})
						i = len(d.Changed) - 1
						index[urn] = i
					}
					d.Changed[i].Replace = append(d.Changed[i].Replace, p)
					if !slices.Contains(d.Changed[i].Inputs, p.Name) {
						d.Changed[i].Inputs = append(d.Changed[i].Inputs, p.Name+" (from "+g.Name+")")
					}
					if err := markGone(urn, o); err != nil {
						return err
					}
					changed = true
					if synth.Stateful(o) {
						d.Dangerous = append(d.Dangerous, Danger{n.Type, n.Name, "replace",
							fmt.Sprintf("%s names %s, which is replaced or deleted: its new ID forces a new %s (replace-only, %s)", p.Name, g.Name, n.Name, p.Source)})
					}
					break
				}
				if gone[urn] != nil {
					break
				}
			}
		}
	}
	return nil
}

// The exit codes of `synth diff`, one per outcome, so that a script (the
// pull-request workflow's synth-diff job) can tell a review from a refusal.
const (
	// NoChange: both inventories register the same resources with the
	// same inputs (the modeled cost may still differ: prices, usage).
	NoChange = 0
	// Changes: resources are added, removed or changed, and none of
	// them replaces or deletes a protected or stateful resource, or
	// --allow-replace allowed it.
	Changes = 1
	// Dangerous: a protected or stateful resource would be replaced or
	// deleted, and --allow-replace was not given.
	Dangerous = 2
	// BadInput: the arguments or the inventories are not what synth
	// diff compares (a file missing or not `synth --json` output, an empty
	// inventory, two different stacks); nothing was compared.
	BadInput = 3
)

// ExitCode is what `synth diff` exits with for this delta: Dangerous,
// Changes or NoChange.
func (d *Delta) ExitCode(allowReplace bool) int {
	switch {
	case len(d.Dangerous) > 0 && !allowReplace:
		return Dangerous
	case len(d.Added)+len(d.Removed)+len(d.Changed) > 0:
		return Changes
	}
	return NoChange
}

func byURN(rs []*synth.Resource) map[string]*synth.Resource {
	out := map[string]*synth.Resource{}
	for _, r := range rs {
		out[r.URN] = r
	}
	return out
}

func union(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, b)
	return out
}

// movedTo finds the added resource that is the removed one under a new
// logical name or parent: same type and same physical name.
func movedTo(o *synth.Resource, added []*synth.Resource) (*synth.Resource, error) {
	name, err := synth.PhysicalName(o)
	if err != nil {
		return nil, err
	}
	for _, a := range added {
		if a.Type != o.Type {
			continue
		}
		if a.Name == o.Name {
			return a, nil
		}
		if name == "" {
			continue
		}
		other, err := synth.PhysicalName(a)
		if err != nil {
			return nil, err
		}
		if other == name {
			return a, nil
		}
	}
	return nil, nil
}

// valueChanges lists what differs between an input's old and new value,
// leaf by leaf. A value that is or holds a secret is one masked change.
func valueChanges(path string, old, new any) []InputChange {
	if synth.ContainsSecret(old) || synth.ContainsSecret(new) {
		return []InputChange{{Path: path, Old: shown(old, true), New: shown(new, true), Secret: true}}
	}
	o, n := leaves(path, old), leaves(path, new)
	oldAt := map[string]any{}
	for _, l := range o {
		oldAt[l.path] = l.value
	}
	newAt := map[string]any{}
	for _, l := range n {
		newAt[l.path] = l.value
	}
	var out []InputChange
	for _, l := range append(o, n...) {
		ov, inOld := oldAt[l.path]
		nv, inNew := newAt[l.path]
		if inOld && inNew && reflect.DeepEqual(ov, nv) {
			continue
		}
		c := InputChange{Path: l.path, Old: "unset", New: "unset"}
		if inOld {
			c.Old = shown(ov, false)
		}
		if inNew {
			c.New = shown(nv, false)
		}
		if !slices.ContainsFunc(out, func(x InputChange) bool { return x.Path == c.Path }) {
			out = append(out, c)
		}
	}
	return out
}

type leaf struct {
	path  string
	value any
}

// leaves flattens a value into its scalar leaves, in order: an object by
// sorted key, a list by index, and a string holding a JSON object or list
// (a policy document, container definitions) as that document.
func leaves(path string, v any) []leaf {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			return []leaf{{path, v}}
		}
		var out []leaf
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, leaves(path+"."+k, v[k])...)
		}
		return out
	case []any:
		if len(v) == 0 {
			return []leaf{{path, v}}
		}
		var out []leaf
		for i, e := range v {
			out = append(out, leaves(fmt.Sprintf("%s[%d]", path, i), e)...)
		}
		return out
	case string:
		if t := strings.TrimSpace(v); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			var doc any
			if json.Unmarshal([]byte(t), &doc) == nil {
				return leaves(path, doc)
			}
		}
	}
	return []leaf{{path, v}}
}

// shown prints a value for the diff: JSON, at most 100 characters,
// "unset" when absent, and "[secret]" when masked and it is or holds one.
func shown(v any, mask bool) string {
	if v == nil {
		return "unset"
	}
	if mask && synth.ContainsSecret(v) {
		return "[secret]"
	}
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}

// maxValueLines is how many changed values the diff prints per resource;
// the count of the rest follows.
const maxValueLines = 12

// Write prints the delta: the dangerous changes first and loudly, then
// additions, removals and changes, then the cost delta.
func Write(w io.Writer, d *Delta) {
	replaced := 0
	for _, c := range d.Changed {
		if len(c.Replace) > 0 {
			replaced++
		}
	}
	fmt.Fprintf(w, "Synthesis diff %s → %s: %d added, %d removed, %d changed (%d replaced)\n",
		d.Old, d.New, len(d.Added), len(d.Removed), len(d.Changed), replaced)
	if len(d.Dangerous) > 0 {
		fmt.Fprintf(w, "\n!!! %d PROTECTED OR STATEFUL RESOURCE(S) WOULD BE REPLACED OR DELETED !!!\n", len(d.Dangerous))
		for _, x := range d.Dangerous {
			fmt.Fprintf(w, "!!! %s %s %s: %s\n", strings.ToUpper(x.Action), x.Type, x.Name, x.Why)
		}
	}
	list := func(title, mark string, rs []*synth.Resource) {
		if len(rs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, r := range rs {
			fmt.Fprintf(w, "  %s %s %s\n", mark, r.Type, r.Name)
		}
	}
	list("Added", "+", d.Added)
	list("Removed", "-", d.Removed)
	if len(d.Changed) > 0 {
		fmt.Fprintln(w, "\nChanged:")
		for _, c := range d.Changed {
			action := "update"
			if len(c.Replace) > 0 {
				var names []string
				for _, p := range c.Replace {
					names = append(names, p.Name)
				}
				action = "REPLACE (" + strings.Join(names, ", ") + ")"
			}
			fmt.Fprintf(w, "  ~ %s %s: %s; inputs %s\n", c.Type, c.Name, action, strings.Join(c.Inputs, ", "))
			for i, v := range c.Values {
				if i == maxValueLines {
					fmt.Fprintf(w, "      ... and %d more changed values\n", len(c.Values)-maxValueLines)
					break
				}
				fmt.Fprintf(w, "      %s: %s → %s\n", v.Path, v.Old, v.New)
			}
		}
	}
	writeCostDelta(w, d.OldCost, d.NewCost)
}

func writeCostDelta(w io.Writer, old, new *synth.Cost) {
	if old == nil || new == nil {
		fmt.Fprintln(w, "\nCost: one inventory has no cost (made before --json included it)")
		return
	}
	signed := func(v float64) string {
		if v >= 0 {
			return "+" + synth.USD(v)
		}
		return "-" + synth.USD(-v)
	}
	fmt.Fprintf(w, "\nCost per month: floor %s → %s (%s), total %s → %s (%s)\n",
		synth.USD(old.FloorUSD), synth.USD(new.FloorUSD), signed(new.FloorUSD-old.FloorUSD),
		synth.USD(old.TotalUSD), synth.USD(new.TotalUSD), signed(new.TotalUSD-old.TotalUSD))
	perPrice := func(c *synth.Cost) map[synth.PriceKey]float64 {
		out := map[synth.PriceKey]float64{}
		for _, l := range c.Lines {
			out[l.Price] += l.MonthlyUSD
		}
		return out
	}
	o, n := perPrice(old), perPrice(new)
	for _, k := range slices.Sorted(maps.Keys(union2(o, n))) {
		if delta := n[k] - o[k]; delta > 0.005 || delta < -0.005 {
			fmt.Fprintf(w, "  %s %s\n", signed(delta), k)
		}
	}
}

func union2(a, b map[synth.PriceKey]float64) map[synth.PriceKey]float64 {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// topInput is the top-level input a replace-only property (possibly a
// dotted path, "rootBlockDevice.encrypted") lives in.
func topInput(path string) string {
	head, _, _ := strings.Cut(path, ".")
	return head
}

// inputAt is the value a replace-only property reads: the input itself, or
// for a dotted path the field (a list when arrays are on the way).
func inputAt(inputs map[string]any, path string) any {
	if !strings.Contains(path, ".") {
		return inputs[path]
	}
	vs := replacement.Values(inputs, path)
	if len(vs) == 1 {
		return vs[0]
	}
	return vs
}
