package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/internal/layout"
	"github.com/omnirapeutic/infrastructure/internal/synth"
	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var dataSection = Section{Title: "Data", Write: writeData}

func writeData(r *synth.Result, w io.Writer) error {
	clusters, clusterIn, err := synth.DecodeAll[synth.ClusterInputs](r, "aws:rds/cluster:Cluster")
	if err != nil {
		return err
	}
	_, instances, err := synth.DecodeAll[synth.ClusterInstanceInputs](r, "aws:rds/clusterInstance:ClusterInstance")
	if err != nil {
		return err
	}
	_, parameterGroups, err := synth.DecodeAll[synth.ClusterParameterGroupInputs](r, "aws:rds/clusterParameterGroup:ClusterParameterGroup")
	if err != nil {
		return err
	}
	for i, cl := range clusters {
		c := clusterIn[i]
		facts := [][]string{
			{"cluster", c.ClusterIdentifier},
			{"engine", fmt.Sprintf("%s %s (%s)", c.Engine, c.EngineVersion, c.EngineMode)},
			{"capacity", fmt.Sprintf("%v to %v ACU (Serverless v2)", c.Scaling.MinCapacity, c.Scaling.MaxCapacity)},
			{"database", fmt.Sprintf("%s on port %d, master user %s (password managed by RDS)", c.DatabaseName, c.Port, c.MasterUsername)},
			{"storage encrypted", fmt.Sprintf("%v with %s", c.StorageEncrypted, c.KmsKeyID)},
			{"backups", fmt.Sprintf("%d days, window %s UTC; final snapshot %s", c.BackupRetentionPeriod, c.PreferredBackupWindow, c.FinalSnapshotIdentifier)},
			{"deletion protection", fmt.Sprintf("%v (and Pulumi protect: %v)", c.DeletionProtection, cl.Protect)},
			{"IAM database auth", fmt.Sprint(c.IAMDatabaseAuthenticationEnabled)},
			{"log exports", fmt.Sprint(c.EnabledCloudwatchLogsExports)},
		}
		var names []string
		for _, in := range instances {
			names = append(names, fmt.Sprintf("%s* (%s, %s)", in.IdentifierPrefix, in.InstanceClass, in.AvailabilityZone))
		}
		facts = append(facts, []string{"instances", strings.Join(names, "; ")})
		var users []string
		for _, name := range r.Stack.Config.ServiceNames() {
			if r.Stack.Config.Services[name].Database {
				users = append(users, fmt.Sprintf("%s (service %s)", stackconfig.DatabaseUser(name), name))
			}
		}
		if len(users) == 0 {
			users = []string{"(no service uses the database)"}
		}
		facts = append(facts, []string{"database users (IAM auth, rds_iam; create them: docs/runbooks.md)", strings.Join(users, "; ")})
		for _, pg := range parameterGroups {
			for _, p := range pg.Parameters {
				facts = append(facts, []string{"parameter " + p.Name, fmt.Sprintf("%s (%s)", p.Value, p.ApplyMethod)})
			}
		}
		if err := layout.Table(w, []string{"AURORA", ""}, facts); err != nil {
			return err
		}
	}
	bastions, bastionIn, err := synth.DecodeAll[synth.InstanceInputs](r, "aws:ec2/instance:Instance")
	if err != nil {
		return err
	}
	for i, b := range bastions {
		in := bastionIn[i]
		subnet := in.SubnetID
		if s := r.ByID(subnet); s != nil {
			sn, err := synth.Decode[synth.SubnetInputs](s)
			if err != nil {
				return err
			}
			subnet = fmt.Sprintf("%s (%s)", sn.Tags["Name"], sn.CidrBlock)
		}
		facts := [][]string{
			{"instance", fmt.Sprintf("%s %s in %s", in.Tags["Name"], in.InstanceType, subnet)},
			{"public IP / key pair", fmt.Sprintf("%v / %q", in.AssociatePublicIPAddress, in.KeyName)},
			{"IMDS", fmt.Sprintf("tokens %s, hop limit %d", in.MetadataOptions.HTTPTokens, in.MetadataOptions.HTTPPutResponseHopLimit)},
			{"root volume encrypted", fmt.Sprint(in.RootBlockDevice.Encrypted)},
			{"AMI", fmt.Sprintf("%s (ignored after creation: %v)", in.Ami, b.IgnoreChanges)},
		}
		fmt.Fprintln(w)
		if err := layout.Table(w, []string{"BASTION", ""}, facts); err != nil {
			return err
		}
	}
	if cmd, ok := r.Outputs["bastionConnectCommand"].(string); ok {
		fmt.Fprintf(w, "\nConnect to Aurora through the bastion:\n%s", layout.ShellLines("  ", cmd))
	}
	return nil
}
