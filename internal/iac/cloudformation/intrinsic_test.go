package cloudformation

import (
	"encoding/json"
	"strings"
	"testing"
)

// header is a template's Parameters, Mappings and Conditions that the
// cases below refer to; each case adds one resource whose property V is
// the expression.
const header = `
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}
  Nets: {Type: CommaDelimitedList, Default: "10.0.0.0/16, 10.1.0.0/16"}
  NoDefault: {Type: String}
  Size: {Type: Number, Default: 3}
  FromSSM: {Type: "AWS::SSM::Parameter::Value<String>", Default: /app/name}
Mappings:
  RegionMap:
    us-east-1: {AMI: ami-east, Bits: 8}
    eu-west-1: {AMI: ami-west}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: {"Fn::Equals": [{"Ref": "Env"}, "dev"]}
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, {Condition: IsDev}]
  Either: !Or [!Condition IsProd, !Condition IsDev]
  Open: !Equals [!Ref NoDefault, x]
  OpenOrProd: !Or [!Condition Open, !Condition IsProd]
  OpenAndDev: !And [!Condition Open, !Condition IsDev]
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties: {BucketName: my-logs}
  Data:
    Type: AWS::S3::Bucket
  Topic:
    Type: AWS::SNS::Topic
  Key:
    Type: AWS::KMS::Key
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: g, VpcId: vpc-123}
  Thing:
    Type: AWS::Lambda::Function
`

func resolve(t *testing.T, expr string, o Options) *Value {
	t.Helper()
	src := header + "  Probe:\n    Type: AWS::SQS::Queue\n    Properties:\n      V: " + expr + "\n"
	tpl, err := Parse("probe.yaml", []byte(src), o)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	for _, r := range tpl.Resources {
		if r.LogicalID == "Probe" {
			return r.Prop("V")
		}
	}
	t.Fatalf("%s: no Probe", expr)
	return nil
}

func render(v *Value) string {
	switch {
	case v == nil:
		return "<absent>"
	case v.Kind == Unknown:
		return "UNKNOWN: " + v.Reason
	case v.IsUnknown():
		return "UNKNOWN inside: " + v.Unknowns("")[0].Reason
	}
	b, _ := json.Marshal(v.Plain())
	return string(b)
}

func TestIntrinsics(t *testing.T) {
	for _, c := range []struct{ expr, want string }{
		// Ref: parameters, pseudo parameters, resources.
		{`!Ref Env`, `"prod"`},
		{`{"Ref": "Env"}`, `"prod"`},
		{`!Ref Nets`, `["10.0.0.0/16","10.1.0.0/16"]`},
		{`!Ref Size`, `"3"`},
		{`!Ref AWS::Region`, `"us-east-1"`},
		{`!Ref AWS::AccountId`, `"000000000000"`},
		{`!Ref AWS::Partition`, `"aws"`},
		{`!Ref AWS::StackName`, `"probe"`},
		{`!Ref AWS::URLSuffix`, `"amazonaws.com"`},
		{`!Ref Logs`, `"my-logs"`},
		{`!Ref Data`, `"probe-data-` + strings.ToLower(hashOf("probe", "Data")[:12]) + `"`},
		{`!Ref Topic`, `"arn:aws:sns:us-east-1:000000000000:probe-Topic-` + strings.ToUpper(hashOf("probe", "Topic")[:12]) + `"`},
		{`!Ref Group`, `"sg-` + hashOf("probe", "Group")[:17] + `"`},
		{`[a, !Ref AWS::NoValue, b]`, `["a","b"]`},
		{`{k: !Ref AWS::NoValue, j: 1}`, `{"j":1}`},
		{`!Ref NoDefault`, `UNKNOWN: parameter NoDefault has no Default and no value was given (--parameter NoDefault=...)`},
		{`!Ref FromSSM`, `UNKNOWN: parameter FromSSM is read from the SSM parameter "/app/name" at deploy`},
		// GetAtt: both forms; decided and runtime attributes.
		{`!GetAtt Logs.Arn`, `"arn:aws:s3:::my-logs"`},
		{`{"Fn::GetAtt": ["Logs", "Arn"]}`, `"arn:aws:s3:::my-logs"`},
		{`!GetAtt [Logs, RegionalDomainName]`, `"my-logs.s3.us-east-1.amazonaws.com"`},
		{`!GetAtt Key.Arn`, `"arn:aws:kms:us-east-1:000000000000:key/` + uuidOf("probe", "Key") + `"`},
		{`!GetAtt Group.VpcId`, `"vpc-123"`},
		{`!GetAtt Thing.Arn`, `"arn:aws:lambda:us-east-1:000000000000:function:probe-Thing-` + strings.ToUpper(hashOf("probe", "Thing")[:12]) + `"`},
		{`!GetAtt Group.GroupId`, `"sg-` + hashOf("probe", "Group")[:17] + `"`},
		{`!GetAtt Thing.SnapStartResponse.ApplyOn`, `UNKNOWN: !GetAtt Thing.SnapStartResponse.ApplyOn is known only once the resource exists`},
		// Sub: string and [string, map] forms, escapes, attributes.
		{`!Sub "${AWS::StackName}-${Env}-${!Literal}"`, `"probe-prod-${Literal}"`},
		{`!Sub arn:${AWS::Partition}:s3:::${Logs}/*`, `"arn:aws:s3:::my-logs/*"`},
		{`!Sub ["${Name}-${Logs.Arn}", {Name: !Ref Env}]`, `"prod-arn:aws:s3:::my-logs"`},
		{`{"Fn::Sub": "${NoDefault}-x"}`, `UNKNOWN: parameter NoDefault has no Default and no value was given (--parameter NoDefault=...)`},
		// Join, Select, Split.
		{`!Join [":", [a, !Ref Env, 3]]`, `"a:prod:3"`},
		{`{"Fn::Join": ["", [{"Ref": "AWS::Region"}, "-x"]]}`, `"us-east-1-x"`},
		{`!Join [",", !Ref Nets]`, `"10.0.0.0/16,10.1.0.0/16"`},
		{`!Join ["", [a, !ImportValue Shared]]`, `UNKNOWN: !ImportValue Shared: exported by another stack, known at deploy`},
		{`!Select [1, !Ref Nets]`, `"10.1.0.0/16"`},
		{`{"Fn::Select": ["0", [x, y]]}`, `"x"`},
		{`!Select [0, !GetAZs ""]`, `UNKNOWN: the Availability Zones of us-east-1 in the account are known at deploy`},
		{`!Split [",", "a,b,,c"]`, `["a","b","","c"]`},
		{`{"Fn::Split": ["|", "x|y"]}`, `["x","y"]`},
		// Conditions and If.
		{`!If [IsProd, yes, no]`, `"yes"`},
		{`{"Fn::If": ["IsDev", "yes", "no"]}`, `"no"`},
		{`!If [NotProd, yes, !Ref AWS::NoValue]`, `<absent>`},
		{`!If [Both, yes, no]`, `"no"`},
		{`!If [Either, yes, no]`, `"yes"`},
		{`!If [Open, yes, no]`, `UNKNOWN: condition Open: parameter NoDefault has no Default and no value was given (--parameter NoDefault=...)`},
		{`!If [Open, same, same]`, `"same"`},
		{`!If [OpenOrProd, yes, no]`, `"yes"`},
		{`!If [OpenAndDev, yes, no]`, `"no"`},
		{`!Equals [a, a]`, `true`},
		{`!Not [!Equals [a, b]]`, `true`},
		// FindInMap, with a default.
		{`!FindInMap [RegionMap, !Ref "AWS::Region", AMI]`, `"ami-east"`},
		{`{"Fn::FindInMap": ["RegionMap", "eu-west-1", "AMI"]}`, `"ami-west"`},
		{`!FindInMap [RegionMap, eu-west-1, Bits, {DefaultValue: 4}]`, `4`},
		// Base64, GetAZs, ImportValue, Cidr, Length, ToJsonString, Transform.
		{`!Base64 "hi ${x}"`, `"aGkgJHt4fQ=="`},
		{`{"Fn::Base64": {"Fn::Sub": "${Env}"}}`, `"cHJvZA=="`},
		{`!GetAZs us-west-2`, `UNKNOWN: the Availability Zones of us-west-2 in the account are known at deploy`},
		{`{"Fn::ImportValue": {"Fn::Sub": "${Env}-VpcId"}}`, `UNKNOWN: !ImportValue prod-VpcId: exported by another stack, known at deploy`},
		{`!Cidr [10.0.0.0/16, 3, 8]`, `["10.0.0.0/24","10.0.1.0/24","10.0.2.0/24"]`},
		{`{"Fn::Cidr": ["192.168.0.0/24", 2, 5]}`, `["192.168.0.0/27","192.168.0.32/27"]`},
		{`!Cidr ["2001:db8::/56", 2, 64]`, `["2001:db8::/64","2001:db8:0:1::/64"]`},
		{`!Length [a, b, c]`, `3`},
		{`!ToJsonString {a: [1, !Ref Env]}`, `"{\"a\":[1,\"prod\"]}"`},
		{`{"Fn::Transform": {"Name": "Macro1"}}`, `UNKNOWN: the output of the macro Macro1 is known at deploy`},
		// Dynamic references are resolved at deploy.
		{`"{{resolve:ssm:/db/password}}"`, `UNKNOWN: dynamic reference {{resolve:ssm:/db/password}} is resolved at deploy`},
	} {
		got := render(resolve(t, c.expr, Options{}))
		if got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.expr, got, c.want)
		}
	}
}

func TestParameterOverrides(t *testing.T) {
	o := Options{Parameters: map[string]string{"Env": "dev", "NoDefault": "x", "Nets": "a,b"}, Region: "eu-west-1", AccountID: "111122223333", StackName: "app"}
	for _, c := range []struct{ expr, want string }{
		{`!If [IsDev, yes, no]`, `"yes"`},
		{`!If [Open, yes, no]`, `"yes"`},
		{`!Ref Nets`, `["a","b"]`},
		{`!FindInMap [RegionMap, !Ref AWS::Region, AMI]`, `"ami-west"`},
		{`!Sub "${AWS::AccountId}:${AWS::StackName}"`, `"111122223333:app"`},
	} {
		if got := render(resolve(t, c.expr, o)); got != c.want {
			t.Errorf("%s\n got %s\nwant %s", c.expr, got, c.want)
		}
	}
	if _, err := Parse("p.yaml", []byte(header), Options{Parameters: map[string]string{"Env": "qa"}}); err == nil || !strings.Contains(err.Error(), `p.yaml:3:3: Parameters.Env: value "qa" is not one of its AllowedValues (prod, dev)`) {
		t.Errorf("override outside AllowedValues: %v", err)
	}
}

func TestResourceConditions(t *testing.T) {
	src := header + `  ProdOnly:
    Type: AWS::S3::Bucket
    Condition: IsProd
  DevOnly:
    Type: AWS::S3::Bucket
    Condition: IsDev
  Maybe:
    Type: AWS::S3::Bucket
    Condition: Open
  RefsSkipped:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref DevOnly
      PolicyDocument: {}
`
	tpl, err := Parse("c.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(rs []*Resource) (out []string) {
		for _, r := range rs {
			out = append(out, r.LogicalID)
		}
		return out
	}
	if got := strings.Join(ids(tpl.Skipped), ","); got != "DevOnly" {
		t.Errorf("skipped = %s, want DevOnly", got)
	}
	for _, r := range tpl.Resources {
		switch r.LogicalID {
		case "Maybe":
			if len(r.Unknown) != 1 || r.Unknown[0].Path != "Condition" {
				t.Errorf("Maybe: unknown = %+v, want its Condition", r.Unknown)
			}
		case "RefsSkipped":
			if len(r.Unknown) != 1 || r.Unknown[0].Path != "Bucket" || !strings.Contains(r.Unknown[0].Reason, "DevOnly is not created") {
				t.Errorf("RefsSkipped: unknown = %+v", r.Unknown)
			}
		}
	}
}
