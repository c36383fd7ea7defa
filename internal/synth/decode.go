package synth

import (
	"encoding/json"
	"fmt"
)

// decode reads a resource's recorded inputs into T: a struct naming the
// inputs a report reads, with the types the provider's schema gives them.
// An input that is absent leaves its zero value; an input of another type
// (a string where the schema has an object, say) is an error naming the
// resource, where a type assertion on the raw map would panic or print a
// wrong value. Each report decodes the resource types it reads into a small
// struct of its own, beside the code that reads it.
func Decode[T any](res *Resource) (T, error) {
	return decodeMap[T](res, "inputs", res.Inputs)
}

// DecodeComputed reads the outputs the mock computed for a resource (its
// ARN, say) into T, as decode reads its inputs.
func DecodeComputed[T any](res *Resource) (T, error) {
	return decodeMap[T](res, "computed outputs", res.Computed)
}

func decodeMap[T any](res *Resource, what string, m map[string]any) (T, error) {
	var v T
	b, err := json.Marshal(m)
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	if err != nil {
		return v, fmt.Errorf("read the %s of %s %s (%s): %w", what, res.Type, res.Name, res.URN, err)
	}
	return v, nil
}

// DecodeAll decodes every resource of a type, in OfType's order.
func DecodeAll[T any](r *Result, typ string) ([]*Resource, []T, error) {
	resources := r.OfType(typ)
	out := make([]T, len(resources))
	for i, res := range resources {
		v, err := Decode[T](res)
		if err != nil {
			return nil, nil, err
		}
		out[i] = v
	}
	return resources, out, nil
}

// invalid reports a resource whose inputs decode but lack what the report
// needs (an empty list where the program always sets one element).
func Invalid(res *Resource, format string, args ...any) error {
	return fmt.Errorf("read the inputs of %s %s (%s): %s", res.Type, res.Name, res.URN, fmt.Sprintf(format, args...))
}
