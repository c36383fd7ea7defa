package recovery

import (
	"testing"
)

// TestCriticalPath: the longest chain by minutes, in creation order, not
// the chain with the most nodes; a component-like node (0 minutes) passes
// its dependencies' finish on.
func TestCriticalPath(t *testing.T) {
	p, err := CriticalPath([]Node{
		{ID: "vpc", Minutes: 1},
		{ID: "subnet", Deps: []string{"vpc"}, Minutes: 1},
		{ID: "a", Deps: []string{"subnet"}, Minutes: 1},
		{ID: "b", Deps: []string{"a"}, Minutes: 1},
		{ID: "c", Deps: []string{"b"}, Minutes: 1},
		{ID: "cluster", Deps: []string{"subnet"}, Minutes: 30},
		{ID: "group", Deps: []string{"cluster", "c"}},
		{ID: "writer", Deps: []string{"group"}, Minutes: 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range p.Nodes {
		ids = append(ids, n.ID)
	}
	want := []string{"vpc", "subnet", "cluster", "group", "writer"}
	if len(ids) != len(want) {
		t.Fatalf("path %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("path %v, want %v", ids, want)
		}
	}
	if p.Minutes != 42 {
		t.Errorf("minutes %g, want 42", p.Minutes)
	}
}

// TestCriticalPathRefusesWhatTheEngineWould: a cycle, a dependency outside
// the graph and a duplicate ID are errors.
func TestCriticalPathRefusesWhatTheEngineWould(t *testing.T) {
	for name, nodes := range map[string][]Node{
		"cycle":     {{ID: "a", Deps: []string{"b"}}, {ID: "b", Deps: []string{"a"}}},
		"missing":   {{ID: "a", Deps: []string{"nowhere"}}},
		"duplicate": {{ID: "a"}, {ID: "a"}},
	} {
		if _, err := CriticalPath(nodes); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestEveryFigureHasASource: no duration without where it comes from.
func TestEveryFigureHasASource(t *testing.T) {
	for _, f := range []Figure{PointInTimeLag, AuroraRestore, TrailDelivery, ConfigDelivery, ReportDelivery, DefaultCreation} {
		if f.Minutes <= 0 || f.Source == "" {
			t.Errorf("%+v", f)
		}
	}
	for _, typ := range Timed() {
		if f := Creation(typ); f.Minutes <= 0 || f.Source == "" {
			t.Errorf("%s: %+v", typ, f)
		}
	}
}
