package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/encoding/cbor"
)

// The tests answer every call with a response recorded in the shape each
// service's protocol uses (query XML for STS, IAM, RDS and SNS; EC2's own
// XML; JSON 1.1 for ACM, AWS Config, CloudTrail, Service Quotas and SSM;
// REST JSON for GuardDuty and Security Hub; CBOR for CloudWatch, recorded
// as JSON and encoded on the way out), served on loopback. No request
// leaves the machine: every client's endpoint is the test server.

// reply is one recorded response.
type reply struct {
	status int
	body   string
	// errType is the error code, for an error reply.
	errType string
}

func ok(body string) reply { return reply{status: 200, body: body} }

// awsError is an error reply with its code.
func awsError(status int, code string) reply {
	return reply{status: status, errType: code}
}

const acct = "111122223333"

// queryOK wraps a query-protocol result as AWS returns it.
func queryOK(op, result string) reply {
	return ok(fmt.Sprintf(`<%sResponse><%sResult>%s</%sResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%sResponse>`, op, op, result, op, op))
}

// ec2OK wraps an EC2 result.
func ec2OK(op, result string) reply {
	return ok(fmt.Sprintf(`<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>%s</%sResponse>`, op, result, op))
}

// protocols says how each operation's errors are shaped.
var protocols = map[string]string{
	"GetCallerIdentity": "query", "ListOpenIDConnectProviders": "query", "GetRole": "query", "DescribeOrderableDBInstanceOptions": "query", "ListSubscriptionsByTopic": "query",
	"DescribeAvailabilityZones": "ec2", "DescribeVpcs": "ec2", "DescribeAddresses": "ec2", "DescribeNetworkInterfaces": "ec2",
	"DescribeCertificate": "json", "DescribeConfigurationRecorders": "json", "DescribeDeliveryChannels": "json", "DescribeConfigurationRecorderStatus": "json",
	"DescribeDeliveryChannelStatus": "json", "GetTrailStatus": "json", "GetServiceQuota": "json", "DescribeDocument": "json",
	"ListDetectors": "rest", "ListCoverage": "rest", "DescribeHub": "rest", "ListMetrics": "cbor",
}

// beforeFirstUp is an account ready for the stack's first up: bootstrapped,
// no singleton yet, no default VPC, room under every quota.
func beforeFirstUp() map[string]reply {
	return map[string]reply{
		"GetCallerIdentity":          queryOK("GetCallerIdentity", `<Arn>arn:aws:iam::`+acct+`:role/omnirapeutic-github-preview</Arn><UserId>AROA:x</UserId><Account>`+acct+`</Account>`),
		"ListOpenIDConnectProviders": queryOK("ListOpenIDConnectProviders", `<OpenIDConnectProviderList><member><Arn>arn:aws:iam::`+acct+`:oidc-provider/token.actions.githubusercontent.com</Arn></member></OpenIDConnectProviderList>`),
		"GetRole": queryOK("GetRole", `<Role><Path>/</Path><RoleName>omnirapeutic-github-deploy</RoleName><RoleId>AROA</RoleId><Arn>arn:aws:iam::`+acct+`:role/omnirapeutic-github-deploy</Arn>`+
			`<CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument></Role>`),
		"DescribeOrderableDBInstanceOptions": queryOK("DescribeOrderableDBInstanceOptions", `<OrderableDBInstanceOptions><OrderableDBInstanceOption><Engine>aurora-postgresql</Engine>`+
			`<EngineVersion>15.10</EngineVersion><DBInstanceClass>db.serverless</DBInstanceClass></OrderableDBInstanceOption></OrderableDBInstanceOptions>`),
		"DescribeAvailabilityZones": ec2OK("DescribeAvailabilityZones", `<availabilityZoneInfo>`+
			`<item><zoneName>us-east-1a</zoneName><zoneState>available</zoneState></item>`+
			`<item><zoneName>us-east-1b</zoneName><zoneState>available</zoneState></item>`+
			`<item><zoneName>us-east-1c</zoneName><zoneState>available</zoneState></item></availabilityZoneInfo>`),
		"DescribeVpcs":                   ec2OK("DescribeVpcs", `<vpcSet/>`),
		"DescribeAddresses":              ec2OK("DescribeAddresses", `<addressesSet/>`),
		"DescribeNetworkInterfaces":      ec2OK("DescribeNetworkInterfaces", `<networkInterfaceSet/>`),
		"DescribeConfigurationRecorders": ok(`{"ConfigurationRecorders":[]}`),
		"DescribeDeliveryChannels":       ok(`{"DeliveryChannels":[]}`),
		"GetTrailStatus":                 awsError(400, "TrailNotFoundException"),
		"GetServiceQuota":                ok(`{"Quota":{"QuotaCode":"L-X","Value":5}}`),
		"DescribeDocument":               awsError(400, "InvalidDocument"),
		"ListDetectors":                  ok(`{"detectorIds":[]}`),
		"DescribeHub":                    awsError(401, "InvalidAccessException"),
		"ListMetrics":                    ok(`{"Metrics":[{"Namespace":"AWS/Billing","MetricName":"EstimatedCharges","Dimensions":[{"Name":"Currency","Value":"USD"}]}]}`),
	}
}

// afterUp is the same account once the stack is up and healthy.
func afterUp() map[string]reply {
	f := beforeFirstUp()
	f["GetTrailStatus"] = ok(`{"IsLogging":true}`)
	f["ListDetectors"] = ok(`{"detectorIds":["12abc34def567890"]}`)
	f["DescribeConfigurationRecorders"] = ok(`{"ConfigurationRecorders":[{"name":"omnirapeutic-production"}]}`)
	f["DescribeDeliveryChannels"] = ok(`{"DeliveryChannels":[{"name":"omnirapeutic-production"}]}`)
	f["DescribeHub"] = ok(`{"HubArn":"arn:aws:securityhub:us-east-1:` + acct + `:hub/default"}`)
	f["DescribeDocument"] = ok(`{"Document":{"Name":"SSM-SessionManagerRunShell","Status":"Active"}}`)
	f["DescribeAddresses"] = ec2OK("DescribeAddresses", `<addressesSet><item><allocationId>eipalloc-1</allocationId></item><item><allocationId>eipalloc-2</allocationId></item><item><allocationId>eipalloc-3</allocationId></item></addressesSet>`)
	f["ListSubscriptionsByTopic"] = queryOK("ListSubscriptionsByTopic", `<Subscriptions><member><SubscriptionArn>arn:aws:sns:us-east-1:`+acct+`:omnirapeutic-production-alarms:1</SubscriptionArn>`+
		`<Protocol>email</Protocol><Endpoint>oncall@example.com</Endpoint></member></Subscriptions>`)
	f["DescribeConfigurationRecorderStatus"] = ok(`{"ConfigurationRecordersStatus":[{"name":"omnirapeutic-production","recording":true,"lastStatus":"SUCCESS"}]}`)
	f["DescribeDeliveryChannelStatus"] = ok(`{"DeliveryChannelsStatus":[{"name":"omnirapeutic-production","configSnapshotDeliveryInfo":{"lastStatus":"SUCCESS"},"configHistoryDeliveryInfo":{"lastStatus":"SUCCESS"}}]}`)
	f["ListCoverage"] = ok(`{"resources":[]}`)
	return f
}

// server serves the recorded replies and records which operations were called.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	replies map[string]reply
	called  map[string]int
}

var restRoutes = []struct {
	method string
	path   *regexp.Regexp
	op     string
}{
	{"GET", regexp.MustCompile(`^/detector$`), "ListDetectors"},
	{"POST", regexp.MustCompile(`^/detector/[^/]+/coverage$`), "ListCoverage"},
	{"GET", regexp.MustCompile(`^/accounts$`), "DescribeHub"},
}

// operation names the call a request makes, whatever its protocol.
func operation(r *http.Request, body []byte) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		return t[strings.LastIndex(t, ".")+1:]
	}
	if i := strings.Index(r.URL.Path, "/operation/"); i >= 0 {
		return r.URL.Path[i+len("/operation/"):]
	}
	for _, route := range restRoutes {
		if r.Method == route.method && route.path.MatchString(r.URL.Path) {
			return route.op
		}
	}
	form, _ := url.ParseQuery(string(body))
	return form.Get("Action")
}

func newServer(t *testing.T, replies map[string]reply) *server {
	s := &server{replies: replies, called: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		op := operation(r, body)
		s.mu.Lock()
		s.called[op]++
		rep, found := s.replies[op]
		s.mu.Unlock()
		if !found {
			t.Errorf("no recorded response for %s %s (operation %q)", r.Method, r.URL.Path, op)
			w.WriteHeader(500)
			return
		}
		write(w, protocols[op], rep)
	}))
	t.Cleanup(s.Close)
	return s
}

// write sends a reply in its protocol's shape.
func write(w http.ResponseWriter, protocol string, rep reply) {
	body := rep.body
	switch protocol {
	case "query":
		w.Header().Set("Content-Type", "text/xml")
		if rep.errType != "" {
			body = `<ErrorResponse><Error><Type>Sender</Type><Code>` + rep.errType + `</Code><Message>recorded</Message></Error><RequestId>r</RequestId></ErrorResponse>`
		}
	case "ec2":
		w.Header().Set("Content-Type", "text/xml")
		if rep.errType != "" {
			body = `<Response><Errors><Error><Code>` + rep.errType + `</Code><Message>recorded</Message></Error></Errors><RequestID>r</RequestID></Response>`
		}
	case "json", "rest":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if rep.errType != "" {
			w.Header().Set("X-Amzn-Errortype", rep.errType)
			body = `{"__type":"` + rep.errType + `","message":"recorded"}`
		}
	case "cbor":
		w.Header().Set("Content-Type", "application/cbor")
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		var v any
		if rep.errType != "" {
			body = `{"__type":"` + rep.errType + `","message":"recorded"}`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			panic(err)
		}
		body = string(cbor.Encode(toCBOR(v)))
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, body)
}

// toCBOR turns a recorded JSON value into CBOR.
func toCBOR(v any) cbor.Value {
	switch x := v.(type) {
	case map[string]any:
		m := cbor.Map{}
		for k, e := range x {
			m[k] = toCBOR(e)
		}
		return m
	case []any:
		l := cbor.List{}
		for _, e := range x {
			l = append(l, toCBOR(e))
		}
		return l
	case string:
		return cbor.String(x)
	case float64:
		return cbor.Float64(x)
	case bool:
		return cbor.Bool(x)
	}
	return &cbor.Nil{}
}

// clients points every client at the server, with throwaway credentials.
func (s *server) clients() *Account {
	return accountFrom(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
		HTTPClient:       s.Client(),
	})
}
