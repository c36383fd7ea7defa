package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/policy"
)

var networkSection = Section{Title: "Network", Write: writeNetwork}

func writeNetwork(r *synth.Result, w io.Writer) error {
	routes, err := r.SubnetRoutes()
	if err != nil {
		return err
	}
	var rows [][]string
	for _, s := range routes {
		rows = append(rows, []string{s.Tier, s.AZ, s.CIDR, s.Subnet, s.RouteTable, "0.0.0.0/0 -> " + s.Target})
	}
	if vpc := r.Find("aws:ec2/vpc:Vpc", "network-vpc"); vpc != nil {
		in, err := synth.Decode[synth.VpcInputs](vpc)
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
	endpoints, in, err := synth.DecodeAll[synth.VpcEndpointInputs](r, "aws:ec2/vpcEndpoint:VpcEndpoint")
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
					sub, err := synth.Decode[synth.SubnetInputs](s)
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
