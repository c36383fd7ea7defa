package synth

import (
	"io"
	"slices"
)

var networkSection = Section{Title: "Network", Write: writeNetwork}

// SubnetRoute is one subnet with where its default route goes.
type SubnetRoute struct {
	Tier, AZ, CIDR, Subnet, RouteTable, Target string
}

// SubnetRoutes follows each subnet through its route-table association to
// the 0.0.0.0/0 route and names the target resource, as AWS would route it.
func (r *Result) SubnetRoutes() []SubnetRoute {
	var out []SubnetRoute
	for _, s := range r.OfType("aws:ec2/subnet:Subnet") {
		row := SubnetRoute{Tier: s.Tag("Tier"), AZ: s.Str("availabilityZone"), CIDR: s.Str("cidrBlock"), Subnet: s.Name}
		for _, a := range r.OfType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
			if a.Str("subnetId") != s.ID {
				continue
			}
			if rt := r.ByID(a.Str("routeTableId")); rt != nil {
				row.RouteTable = rt.Name
			}
			for _, route := range r.OfType("aws:ec2/route:Route") {
				if route.Str("routeTableId") != a.Str("routeTableId") || route.Str("destinationCidrBlock") != "0.0.0.0/0" {
					continue
				}
				for _, key := range []string{"natGatewayId", "gatewayId"} {
					if t := r.ByID(route.Str(key)); t != nil {
						row.Target = t.Name
					}
				}
			}
		}
		out = append(out, row)
	}
	tierOrder := []string{"public", "app", "data"}
	slices.SortStableFunc(out, func(a, b SubnetRoute) int {
		if d := slices.Index(tierOrder, a.Tier) - slices.Index(tierOrder, b.Tier); d != 0 {
			return d
		}
		if a.AZ < b.AZ {
			return -1
		}
		if a.AZ > b.AZ {
			return 1
		}
		return 0
	})
	return out
}

func writeNetwork(r *Result, w io.Writer) error {
	var rows [][]string
	for _, s := range r.SubnetRoutes() {
		rows = append(rows, []string{s.Tier, s.AZ, s.CIDR, s.Subnet, s.RouteTable, "0.0.0.0/0 -> " + s.Target})
	}
	if vpc := r.Find("aws:ec2/vpc:Vpc", "network-vpc"); vpc != nil {
		if _, err := io.WriteString(w, "VPC "+vpc.Str("cidrBlock")+"\n"); err != nil {
			return err
		}
	}
	return table(w, []string{"TIER", "AZ", "CIDR", "SUBNET", "ROUTE TABLE", "DEFAULT ROUTE"}, rows)
}
