package synth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// CostLine is one priced quantity of one resource.
type CostLine struct {
	// Tier is the package of the resource's outermost component ("network").
	Tier string `json:"tier"`
	// Resource is the logical name of the resource that incurs it.
	Resource string `json:"resource"`
	// Type is the resource's type token.
	Type string `json:"type"`
	// Price names the price it is charged at.
	Price PriceKey `json:"price"`
	// Quantity is how many units of the price a month uses.
	Quantity float64 `json:"quantity"`
	// MonthlyUSD is Quantity times the price.
	MonthlyUSD float64 `json:"monthlyUsd"`
	// Floor is true for what the stack costs with no traffic; false for
	// lines driven by the usage profile.
	Floor bool `json:"floor"`
	// Basis says where the quantity comes from.
	Basis string `json:"basis"`
}

// Cost is the modeled monthly cost of one synthesis.
type Cost struct {
	// PricesAsOf dates the price table.
	PricesAsOf string `json:"pricesAsOf"`
	// Region is the stack's region; prices are us-east-1's whatever it is.
	Region string `json:"region"`
	// Usage is the usage profile the usage-driven lines assume.
	Usage UsageProfile `json:"usage"`
	// Lines are every priced quantity, by tier, resource and price.
	Lines []CostLine `json:"lines"`
	// FloorUSD is the idle floor: the month with no traffic.
	FloorUSD float64 `json:"floorUsd"`
	// UsageUSD is what the usage profile adds.
	UsageUSD float64 `json:"usageUsd"`
	// TotalUSD is FloorUSD plus UsageUSD.
	TotalUSD float64 `json:"totalUsd"`
}

// tiers orders the report's tiers; others (storage) sort after them by
// name, and "stack" (resources outside any component) last.
var tiers = []string{"network", "security", "data", "compute", "edge", "observability", "compliance"}

func tierOrder(t string) int {
	if i := slices.Index(tiers, t); i >= 0 {
		return i
	}
	if t == "stack" {
		return len(tiers) + 1
	}
	return len(tiers)
}

// CompareTiers orders two tiers as the report lists them: a total order,
// so that a listing read from a map prints the same every run.
func CompareTiers(a, b string) int {
	return cmp.Or(cmp.Compare(tierOrder(a), tierOrder(b)), cmp.Compare(a, b))
}

// Tier is the package of a resource's outermost component: "network" for
// everything under omnirapeutic:network:Vpc. Resources outside any
// component are "stack".
func (r *Result) Tier(res *Resource) string {
	top := ""
	for cur := res; cur != nil; cur = r.ByURN(cur.Parent) {
		if cur.Component {
			top = cur.Type
		}
	}
	parts := strings.Split(top, ":")
	if len(parts) != 3 {
		return "stack"
	}
	return parts[1]
}

// FindTaskDefinition finds the task definition a service's "family:revision"
// or ARN names, with its inputs; nil when no registered one has that family.
func (r *Result) FindTaskDefinition(ref string) (*Resource, *TaskDefinitionInputs, error) {
	family := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.LastIndex(family, ":"); i >= 0 {
		family = family[:i]
	}
	tds, in, err := DecodeAll[TaskDefinitionInputs](r, "aws:ecs/taskDefinition:TaskDefinition")
	if err != nil {
		return nil, nil, err
	}
	for i, td := range tds {
		if in[i].Family == family {
			return td, &in[i], nil
		}
	}
	return nil, nil, nil
}

// numeric is a number input the engine may hold as a number or as a numeric
// string: the provider's schema makes ECS task CPU and memory strings ("256").
type numeric float64

// UnmarshalJSON reads a number or a numeric string; anything else is an error.
func (n *numeric) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[float64]()}
		}
		*n = numeric(f)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = numeric(f)
	return nil
}

// ByTier sums lines per tier: floor and usage.
func (c *Cost) ByTier() map[string][2]float64 {
	out := map[string][2]float64{}
	for _, l := range c.Lines {
		v := out[l.Tier]
		if l.Floor {
			v[0] += l.MonthlyUSD
		} else {
			v[1] += l.MonthlyUSD
		}
		out[l.Tier] = v
	}
	return out
}

// Biggest returns the n most expensive lines, summed per price and kind
// across resources (three NAT gateways' hours are one line; Aurora's floor
// ACU-hours and its usage ACU-hours stay two).
func (c *Cost) Biggest(n int) []CostLine {
	type key struct {
		price PriceKey
		floor bool
	}
	sum := map[key]*CostLine{}
	var order []key
	for _, l := range c.Lines {
		k := key{l.Price, l.Floor}
		s, ok := sum[k]
		if !ok {
			s = &CostLine{Price: l.Price, Floor: l.Floor, Tier: l.Tier}
			sum[k] = s
			order = append(order, k)
		}
		s.Quantity += l.Quantity
		s.MonthlyUSD += l.MonthlyUSD
	}
	var out []CostLine
	for _, k := range order {
		out = append(out, *sum[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].MonthlyUSD > out[j].MonthlyUSD })
	return out[:min(n, len(out))]
}

// USD formats dollars to the cent.
func USD(v float64) string { return fmt.Sprintf("$%.2f", math.Round(v*100)/100) }
