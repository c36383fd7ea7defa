package eventpattern

import "testing"

func TestMatch(t *testing.T) {
	event := `{"source":"aws.kms","detail-type":"AWS API Call via CloudTrail","detail":{
		"eventName":"DisableKey","severity":7.5,"readOnly":false,
		"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::1:role/deploy"}}},
		"findings":[{"Severity":{"Label":"LOW"}},{"Severity":{"Label":"HIGH"}}],
		"tags":["a","b"]}}`
	for _, c := range []struct {
		name, pattern string
		want          bool
	}{
		{"exact value", `{"source":["aws.kms"]}`, true},
		{"another value", `{"source":["aws.iam"]}`, false},
		{"any alternative", `{"source":["aws.iam","aws.kms"]}`, true},
		{"every field must match", `{"source":["aws.kms"],"detail-type":["Other"]}`, false},
		{"nested", `{"detail":{"eventName":["DisableKey"]}}`, true},
		{"prefix", `{"detail":{"eventName":[{"prefix":"Disable"}]}}`, true},
		{"suffix", `{"detail":{"eventName":[{"suffix":"Policy"}]}}`, false},
		{"ignore case", `{"detail":{"eventName":[{"equals-ignore-case":"disablekey"}]}}`, true},
		{"anything-but a value", `{"detail":{"eventName":[{"anything-but":"DisableKey"}]}}`, false},
		{"anything-but a list", `{"detail":{"userIdentity":{"type":[{"anything-but":["Root","IAMUser"]}]}}}`, true},
		{"anything-but a prefix", `{"detail":{"eventName":[{"anything-but":{"prefix":"Get"}}]}}`, true},
		{"numeric", `{"detail":{"severity":[{"numeric":[">=",7]}]}}`, true},
		{"numeric range", `{"detail":{"severity":[{"numeric":[">",0,"<",7]}]}}`, false},
		{"boolean", `{"detail":{"readOnly":[false]}}`, true},
		{"exists", `{"detail":{"eventName":[{"exists":true}]}}`, true},
		{"absent field", `{"detail":{"errorCode":["AccessDenied"]}}`, false},
		{"absent field and anything-but", `{"detail":{"errorCode":[{"anything-but":"AccessDenied"}]}}`, false},
		{"absent field exists false", `{"detail":{"errorCode":[{"exists":false}]}}`, true},
		{"absent object", `{"detail":{"requestParameters":{"keyId":["k"]}}}`, false},
		{"array in the event", `{"detail":{"tags":["b"]}}`, true},
		{"array of objects", `{"detail":{"findings":{"Severity":{"Label":["HIGH"]}}}}`, true},
		{"$or, one branch", `{"detail":{"$or":[{"eventName":["PutKeyPolicy"]},{"severity":[{"numeric":[">=",7]}]}]}}`, true},
		{"$or, no branch", `{"detail":{"$or":[{"eventName":["PutKeyPolicy"]},{"severity":[{"numeric":["<",1]}]}]}}`, false},
		{"$or inside a field", `{"detail":{"userIdentity":{"$or":[{"type":["Root"]},{"sessionContext":{"sessionIssuer":{"arn":[{"anything-but":["arn:aws:iam::1:role/deploy"]}]}}}]}}}`, false},
	} {
		got, err := Match(c.pattern, event)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: %s matched %v, want %v", c.name, c.pattern, got, c.want)
		}
	}
}

func TestMatchRefusesWhatItCannotJudge(t *testing.T) {
	for _, pattern := range []string{
		`{"source":[{"wildcard":"aws.*"}]}`,
		`{"source":"aws.kms"}`,
		`{"detail":{"$or":[{"eventName":["A"]}]}}`,
		`{"detail":{"severity":[{"numeric":[">="]}]}}`,
		`not json`,
	} {
		if _, err := Match(pattern, `{"source":"aws.kms","detail":{"severity":1}}`); err == nil {
			t.Errorf("%s: no error", pattern)
		}
	}
}
