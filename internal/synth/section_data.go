package synth

import (
	"fmt"
	"io"
	"strings"

	"github.com/omnirapeutic/infrastructure/stackconfig"
)

var dataSection = Section{Title: "Data", Write: writeData}

func writeData(r *Result, w io.Writer) error {
	for _, c := range r.OfType("aws:rds/cluster:Cluster") {
		scaling, _ := c.Inputs["serverlessv2ScalingConfiguration"].(map[string]any)
		facts := [][]string{
			{"cluster", c.Str("clusterIdentifier")},
			{"engine", fmt.Sprintf("%s %s (%s)", c.Str("engine"), c.Str("engineVersion"), c.Str("engineMode"))},
			{"capacity", fmt.Sprintf("%v to %v ACU (Serverless v2)", scaling["minCapacity"], scaling["maxCapacity"])},
			{"database", fmt.Sprintf("%s on port %v, master user %s (password managed by RDS)", c.Str("databaseName"), c.Inputs["port"], c.Str("masterUsername"))},
			{"storage encrypted", fmt.Sprintf("%v with %s", c.Inputs["storageEncrypted"], c.Str("kmsKeyId"))},
			{"backups", fmt.Sprintf("%v days, window %s UTC; final snapshot %s", c.Inputs["backupRetentionPeriod"], c.Str("preferredBackupWindow"), c.Str("finalSnapshotIdentifier"))},
			{"deletion protection", fmt.Sprintf("%v (and Pulumi protect: %v)", c.Inputs["deletionProtection"], c.Protect)},
			{"IAM database auth", fmt.Sprint(c.Inputs["iamDatabaseAuthenticationEnabled"])},
			{"log exports", fmt.Sprint(c.Inputs["enabledCloudwatchLogsExports"])},
		}
		var instances []string
		for _, i := range r.OfType("aws:rds/clusterInstance:ClusterInstance") {
			instances = append(instances, fmt.Sprintf("%s* (%s, %s)", i.Str("identifierPrefix"), i.Str("instanceClass"), i.Str("availabilityZone")))
		}
		facts = append(facts, []string{"instances", strings.Join(instances, "; ")})
		var users []string
		for _, name := range r.Stack.Config.ServiceNames() {
			if r.Stack.Config.Services[name].Database {
				users = append(users, fmt.Sprintf("%s (service %s)", stackconfig.DatabaseUser(name), name))
			}
		}
		if len(users) == 0 {
			users = []string{"(no service uses the database)"}
		}
		facts = append(facts, []string{"database users (IAM auth, rds_iam; create them with the README runbook)", strings.Join(users, "; ")})
		for _, pg := range r.OfType("aws:rds/clusterParameterGroup:ClusterParameterGroup") {
			params, _ := pg.Inputs["parameters"].([]any)
			for _, p := range params {
				m, _ := p.(map[string]any)
				facts = append(facts, []string{"parameter " + fmt.Sprint(m["name"]), fmt.Sprintf("%v (%v)", m["value"], m["applyMethod"])})
			}
		}
		if err := table(w, []string{"AURORA", ""}, facts); err != nil {
			return err
		}
	}
	for _, b := range r.OfType("aws:ec2/instance:Instance") {
		meta, _ := b.Inputs["metadataOptions"].(map[string]any)
		root, _ := b.Inputs["rootBlockDevice"].(map[string]any)
		subnet := b.Str("subnetId")
		if s := r.ByID(subnet); s != nil {
			subnet = fmt.Sprintf("%s (%s)", s.Tag("Name"), s.Str("cidrBlock"))
		}
		facts := [][]string{
			{"instance", fmt.Sprintf("%s %s in %s", b.Tag("Name"), b.Str("instanceType"), subnet)},
			{"public IP / key pair", fmt.Sprintf("%v / %q", b.Inputs["associatePublicIpAddress"], b.Str("keyName"))},
			{"IMDS", fmt.Sprintf("tokens %v, hop limit %v", meta["httpTokens"], meta["httpPutResponseHopLimit"])},
			{"root volume encrypted", fmt.Sprint(root["encrypted"])},
			{"AMI", fmt.Sprintf("%s (ignored after creation: %v)", b.Str("ami"), b.IgnoreChanges)},
		}
		fmt.Fprintln(w)
		if err := table(w, []string{"BASTION", ""}, facts); err != nil {
			return err
		}
	}
	if cmd, ok := r.Outputs["bastionConnectCommand"].(string); ok {
		fmt.Fprintf(w, "\nConnect to Aurora through the bastion:\n  %s\n", cmd)
	}
	return nil
}
