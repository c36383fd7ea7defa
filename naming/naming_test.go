package naming

import "testing"

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":      "aws",
		"us-west-2":      "aws",
		"eu-central-1":   "aws",
		"us-gov-west-1":  "aws-us-gov",
		"us-gov-east-1":  "aws-us-gov",
		"cn-north-1":     "aws-cn",
		"cn-northwest-1": "aws-cn",
		"":               "aws",
	} {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestDNSSuffix(t *testing.T) {
	for partition, want := range map[string]string{"aws": "amazonaws.com", "aws-us-gov": "amazonaws.com", "aws-cn": "amazonaws.com.cn"} {
		if got := DNSSuffix(partition); got != want {
			t.Errorf("DNSSuffix(%q) = %q, want %q", partition, got, want)
		}
	}
}

func TestScopeARN(t *testing.T) {
	prod := NewScope("omnirapeutic-production", "123456789012", "us-east-1")
	gov := NewScope("omnirapeutic-production", "123456789012", "us-gov-west-1")
	china := NewScope("omnirapeutic-production", "123456789012", "cn-north-1")
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"regional", prod.ARN("logs", "log-group:/aws/x:*"), "arn:aws:logs:us-east-1:123456789012:log-group:/aws/x:*"},
		{"regional in GovCloud", gov.ARN("kms", "key/k"), "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/k"},
		{"regional in China", china.ARN("sns", "topic"), "arn:aws-cn:sns:cn-north-1:123456789012:topic"},
		{"iam has no region", prod.ARN("iam", "role/r"), "arn:aws:iam::123456789012:role/r"},
		{"iam in GovCloud", gov.ARN("iam", "role/r"), "arn:aws-us-gov:iam::123456789012:role/r"},
		{"s3 has neither", prod.ARN("s3", "bucket"), "arn:aws:s3:::bucket"},
		{"s3 in GovCloud", gov.ARN("s3", "bucket/*"), "arn:aws-us-gov:s3:::bucket/*"},
		{"account root", prod.AccountRoot(), "arn:aws:iam::123456789012:root"},
		{"another account's root", gov.InAccount("048591011584").AccountRoot(), "arn:aws-us-gov:iam::048591011584:root"},
		{"another account's regional resource", prod.InAccount("593207742271").ARN("ecr", "repository/r"), "arn:aws:ecr:us-east-1:593207742271:repository/r"},
		{"managed policy", prod.ManagedPolicyARN("service-role/AWS_ConfigRole"), "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole"},
		{"managed policy in GovCloud", gov.ManagedPolicyARN("ReadOnlyAccess"), "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"},
		{"format", prod.ARNFormat("rds", "cluster:%s"), "arn:aws:rds:us-east-1:123456789012:cluster:%s"},
		{"format escapes the scope", Scope{Partition: "aws", Region: "r%", Account: "1"}.ARNFormat("rds", "c:%s"), "arn:aws:rds:r%%:1:c:%s"},
		{"format of a global service", gov.ARNFormat("s3", "%s/"), "arn:aws-us-gov:s3:::%s/"},
		{"service principal", prod.ServicePrincipal("logs"), "logs.us-east-1.amazonaws.com"},
		{"service principal in China", china.ServicePrincipal("logs"), "logs.cn-north-1.amazonaws.com.cn"},
		{"another region", prod.In("us-west-2").ARN("backup", "backup-vault:v"), "arn:aws:backup:us-west-2:123456789012:backup-vault:v"},
		{"another region keeps the prefix", prod.In("us-west-2").Name("recovery"), "omnirapeutic-production-recovery"},
		{"another region's partition", gov.In("us-gov-east-1").ServicePrincipal("s3"), "s3.us-gov-east-1.amazonaws.com"},
		{"explicit fields", ARN{Partition: "aws", Service: "securityhub", Region: "us-east-1", Resource: "standards/x"}.String(), "arn:aws:securityhub:us-east-1::standards/x"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestScopeName(t *testing.T) {
	s := NewScope("omnirapeutic-staging", "1", "us-east-1")
	for _, c := range []struct {
		parts []string
		want  string
	}{
		{nil, "omnirapeutic-staging"},
		{[]string{"alb"}, "omnirapeutic-staging-alb"},
		{[]string{"alb-logs", "123456789012"}, "omnirapeutic-staging-alb-logs-123456789012"},
	} {
		if got := s.Name(c.parts...); got != c.want {
			t.Errorf("Name(%q) = %q, want %q", c.parts, got, c.want)
		}
	}
}

func TestScopeValidate(t *testing.T) {
	if err := NewScope("p", "1", "us-east-1").Validate(); err != nil {
		t.Errorf("complete scope: %v", err)
	}
	for _, c := range []struct {
		scope Scope
		want  string
	}{
		{Scope{}, "Scope.Prefix, Scope.Account, Scope.Region, Scope.Partition required"},
		{Scope{Prefix: "p", Account: "1", Region: "us-east-1"}, "Scope.Partition required"},
		{NewScope("p", "", "us-east-1"), "Scope.Account required"},
	} {
		err := c.scope.Validate()
		if err == nil || err.Error() != c.want {
			t.Errorf("Validate(%+v) = %v, want %q", c.scope, err, c.want)
		}
	}
}

func TestParseARN(t *testing.T) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:role/r",
		"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc",
		"arn:aws:logs:us-east-1:1:log-group:/x:*",
		"arn:aws:s3:::bucket",
	} {
		a, err := ParseARN(s)
		if err != nil {
			t.Errorf("ParseARN(%q): %v", s, err)
			continue
		}
		if a.String() != s {
			t.Errorf("ParseARN(%q).String() = %q", s, a.String())
		}
	}
	a, _ := ParseARN("arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/abc")
	if want := (ARN{"aws-us-gov", "acm", "us-gov-west-1", "123456789012", "certificate/abc"}); a != want {
		t.Errorf("fields: got %+v, want %+v", a, want)
	}
	for _, s := range []string{"", "arn:aws:iam", "urn:aws:iam::1:role/r", "arn::iam::1:r", "arn:aws:::1:r"} {
		if _, err := ParseARN(s); err == nil {
			t.Errorf("ParseARN(%q) accepted", s)
		}
	}
}
