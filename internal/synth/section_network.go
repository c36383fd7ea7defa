package synth

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/policy"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var networkSection = Section{Title: "Network", Write: writeNetwork}

// SubnetRoute is one subnet with where its default route goes.
type SubnetRoute struct {
	Tier, AZ, CIDR, Subnet, RouteTable, Target string
}

// SubnetRoutes follows each subnet through its route-table association to
// the 0.0.0.0/0 route and names the target resource, as AWS would route it.
func (r *Result) SubnetRoutes() ([]SubnetRoute, error) {
	subnets, subnetIn, err := DecodeAll[SubnetInputs](r, "aws:ec2/subnet:Subnet")
	if err != nil {
		return nil, err
	}
	_, assocs, err := DecodeAll[RouteTableAssociationInputs](r, "aws:ec2/routeTableAssociation:RouteTableAssociation")
	if err != nil {
		return nil, err
	}
	_, routes, err := DecodeAll[RouteInputs](r, "aws:ec2/route:Route")
	if err != nil {
		return nil, err
	}
	var out []SubnetRoute
	for i, s := range subnets {
		in := subnetIn[i]
		row := SubnetRoute{Tier: in.Tags["Tier"], AZ: in.AvailabilityZone, CIDR: in.CidrBlock, Subnet: s.Name}
		for _, a := range assocs {
			if a.SubnetID != s.ID {
				continue
			}
			if rt := r.ByID(a.RouteTableID); rt != nil {
				row.RouteTable = rt.Name
			}
			for _, route := range routes {
				if route.RouteTableID != a.RouteTableID || route.DestinationCidrBlock != "0.0.0.0/0" {
					continue
				}
				for _, id := range []string{route.NatGatewayID, route.GatewayID} {
					if t := r.ByID(id); t != nil {
						row.Target = t.Name
					}
				}
			}
		}
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b SubnetRoute) int {
		if d := slices.Index(stackconfig.Tiers, stackconfig.Tier(a.Tier)) - slices.Index(stackconfig.Tiers, stackconfig.Tier(b.Tier)); d != 0 {
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
	return out, nil
}

func writeNetwork(r *Result, w io.Writer) error {
	routes, err := r.SubnetRoutes()
	if err != nil {
		return err
	}
	var rows [][]string
	for _, s := range routes {
		rows = append(rows, []string{s.Tier, s.AZ, s.CIDR, s.Subnet, s.RouteTable, "0.0.0.0/0 -> " + s.Target})
	}
	if vpc := r.Find("aws:ec2/vpc:Vpc", "network-vpc"); vpc != nil {
		in, err := Decode[VpcInputs](vpc)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, "VPC "+in.CidrBlock+"\n"); err != nil {
			return err
		}
	}
	if err := layout.Table(w, []string{"TIER", "AZ", "CIDR", "SUBNET", "ROUTE TABLE", "DEFAULT ROUTE"}, rows); err != nil {
		return err
	}
	endpoints, in, err := DecodeAll[VpcEndpointInputs](r, "aws:ec2/vpcEndpoint:VpcEndpoint")
	if err != nil || len(endpoints) == 0 {
		return err
	}
	rows = nil
	for i, e := range endpoints {
		where := ""
		switch {
		case len(in[i].SubnetIDs) > 0:
			var azs []string
			for _, id := range in[i].SubnetIDs {
				if s := r.ByID(id); s != nil {
					sub, err := Decode[SubnetInputs](s)
					if err != nil {
						return err
					}
					azs = append(azs, sub.AvailabilityZone)
				}
			}
			where = strings.Join(azs, ", ")
		case len(in[i].RouteTableIDs) > 0:
			where = fmt.Sprintf("%d private route tables", len(in[i].RouteTableIDs))
		}
		doc, err := policy.Parse(in[i].Policy)
		if err != nil {
			return fmt.Errorf("endpoint %s: %w", e.Name, err)
		}
		var sids []string
		for _, st := range doc.Statement {
			sids = append(sids, st.Sid)
		}
		rows = append(rows, []string{in[i].ServiceName, in[i].VpcEndpointType, where, strings.Join(sids, ", ")})
	}
	if _, err := io.WriteString(w, "\nVPC endpoints (AWS traffic off the NAT path; each policy by statement):\n"); err != nil {
		return err
	}
	return layout.Table(w, []string{"SERVICE", "TYPE", "WHERE", "POLICY"}, rows)
}
