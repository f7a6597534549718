package ssm_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ssmsdk "github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestInstancesAndCompliancePagination(t *testing.T) {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	for i := range 23 {
		m := &world.SSMManagedInstance{InstanceID: fmt.Sprintf("i-%017d", i), PatchStatus: "COMPLIANT", LastPing: simtest.Now}
		if i%5 == 0 {
			m.PatchStatus, m.AssociationStatus, m.PingStatus = "NON_COMPLIANT", "COMPLIANT", "ConnectionLost"
		}
		r.SSM.ManagedInstances = append(r.SSM.ManagedInstances, m)
	}
	s := simtest.Start(t, w)
	c := ssmsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	var ids []string
	var token *string
	pages := 0
	for {
		out, err := c.DescribeInstanceInformation(ctx, &ssmsdk.DescribeInstanceInformationInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, i := range out.InstanceInformationList {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if len(ids) != 23 || pages != 3 {
		t.Errorf("%d instances in %d pages (default 10)", len(ids), pages)
	}
	if _, err := c.DescribeInstanceInformation(ctx, &ssmsdk.DescribeInstanceInformationInput{MaxResults: aws.Int32(51)}); code(err) != "ValidationException" {
		t.Errorf("MaxResults 51: %v", err)
	}
	out, err := c.DescribeInstanceInformation(ctx, &ssmsdk.DescribeInstanceInformationInput{MaxResults: aws.Int32(50)})
	if err != nil || out.InstanceInformationList[0].PingStatus != types.PingStatusConnectionLost || out.InstanceInformationList[1].PingStatus != types.PingStatusOnline {
		t.Errorf("ping = %+v %v", out, err)
	}
	sum, err := c.ListResourceComplianceSummaries(ctx, &ssmsdk.ListResourceComplianceSummariesInput{MaxResults: aws.Int32(100),
		Filters: []types.ComplianceStringFilter{{Key: aws.String("ComplianceType"), Values: []string{"Patch"}, Type: types.ComplianceQueryOperatorTypeEqual}}})
	if err != nil || len(sum.ResourceComplianceSummaryItems) != 23 || sum.ResourceComplianceSummaryItems[0].Status != types.ComplianceStatusNonCompliant ||
		aws.ToString(sum.ResourceComplianceSummaryItems[0].ComplianceType) != "Patch" {
		t.Errorf("patch summaries = %+v %v", sum, err)
	}
	sum, err = c.ListResourceComplianceSummaries(ctx, &ssmsdk.ListResourceComplianceSummariesInput{
		Filters: []types.ComplianceStringFilter{{Key: aws.String("ComplianceType"), Values: []string{"Association"}, Type: types.ComplianceQueryOperatorTypeEqual}}})
	if err != nil || len(sum.ResourceComplianceSummaryItems) != 5 {
		t.Errorf("association summaries = %d %v", len(sum.ResourceComplianceSummaryItems), err)
	}
	if _, err := c.ListResourceComplianceSummaries(ctx, &ssmsdk.ListResourceComplianceSummariesInput{NextToken: aws.String("bad")}); code(err) != "InvalidNextToken" {
		t.Errorf("bad token: %v", err)
	}
	other := ssmsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))
	if o, err := other.DescribeInstanceInformation(ctx, &ssmsdk.DescribeInstanceInformationInput{}); err != nil || len(o.InstanceInformationList) != 0 {
		t.Errorf("other region sees %v %v", o, err)
	}
}

func TestDocumentsWriteThenRead(t *testing.T) {
	s := simtest.Start(t, nil)
	c := ssmsdk.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	content := `{"schemaVersion":"2.2","description":"x","mainSteps":[{"action":"aws:runShellScript","name":"run","inputs":{"runCommand":["true"]}}]}`
	for i := range 3 {
		if _, err := c.CreateDocument(ctx, &ssmsdk.CreateDocumentInput{Name: aws.String(fmt.Sprintf("doc-%d", i)), Content: aws.String(content)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateDocument(ctx, &ssmsdk.CreateDocumentInput{Name: aws.String("doc-0"), Content: aws.String(content)}); code(err) != "DocumentAlreadyExists" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := c.ModifyDocumentPermission(ctx, &ssmsdk.ModifyDocumentPermissionInput{Name: aws.String("doc-1"), PermissionType: types.DocumentPermissionTypeShare,
		AccountIdsToAdd: []string{"all"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyDocumentPermission(ctx, &ssmsdk.ModifyDocumentPermissionInput{Name: aws.String("doc-2"), PermissionType: types.DocumentPermissionTypeShare,
		AccountIdsToAdd: []string{"111111111111"}}); err != nil {
		t.Fatal(err)
	}
	var names []string
	var token *string
	for {
		out, err := c.ListDocuments(ctx, &ssmsdk.ListDocumentsInput{MaxResults: aws.Int32(2), NextToken: token,
			Filters: []types.DocumentKeyValuesFilter{{Key: aws.String("Owner"), Values: []string{"Self"}}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.DocumentIdentifiers {
			names = append(names, aws.ToString(d.Name))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if fmt.Sprint(names) != "[doc-0 doc-1 doc-2]" {
		t.Errorf("documents = %v", names)
	}
	for name, want := range map[string]string{"doc-0": "[]", "doc-1": "[all]", "doc-2": "[111111111111]"} {
		p, err := c.DescribeDocumentPermission(ctx, &ssmsdk.DescribeDocumentPermissionInput{Name: aws.String(name), PermissionType: types.DocumentPermissionTypeShare})
		if err != nil || fmt.Sprint(p.AccountIds) != want {
			t.Errorf("%s shared with %v %v, want %s", name, p, err, want)
		}
	}
	if _, err := c.DescribeDocumentPermission(ctx, &ssmsdk.DescribeDocumentPermissionInput{Name: aws.String("gone"), PermissionType: types.DocumentPermissionTypeShare}); code(err) != "InvalidDocument" {
		t.Errorf("unknown document: %v", err)
	}
	// The block-public-sharing setting: Enable by default; once
	// Disabled, sharing with "all" is refused.
	id := aws.String("/ssm/documents/console/public-sharing-permission")
	g, err := c.GetServiceSetting(ctx, &ssmsdk.GetServiceSettingInput{SettingId: id})
	if err != nil || aws.ToString(g.ServiceSetting.SettingValue) != "Enable" {
		t.Errorf("setting = %+v %v", g, err)
	}
	if _, err := c.UpdateServiceSetting(ctx, &ssmsdk.UpdateServiceSettingInput{SettingId: id, SettingValue: aws.String("Disable")}); err != nil {
		t.Fatal(err)
	}
	g, err = c.GetServiceSetting(ctx, &ssmsdk.GetServiceSettingInput{SettingId: aws.String("arn:aws:ssm:eu-west-1:222222222222:servicesetting/ssm/documents/console/public-sharing-permission")})
	if err != nil || aws.ToString(g.ServiceSetting.SettingValue) != "Disable" {
		t.Errorf("setting by ARN = %+v %v", g, err)
	}
	if _, err := c.ModifyDocumentPermission(ctx, &ssmsdk.ModifyDocumentPermissionInput{Name: aws.String("doc-0"), PermissionType: types.DocumentPermissionTypeShare,
		AccountIdsToAdd: []string{"all"}}); err == nil {
		t.Error("public sharing allowed while blocked")
	}
	if _, err := c.GetServiceSetting(ctx, &ssmsdk.GetServiceSettingInput{SettingId: aws.String("/ssm/nope")}); code(err) != "ServiceSettingNotFound" {
		t.Errorf("unknown setting: %v", err)
	}
	for _, other := range []*ssmsdk.Client{ssmsdk.NewFromConfig(s.Config(t, simtest.Management, region)), ssmsdk.NewFromConfig(s.Config(t, simtest.Member, "us-east-1"))} {
		l, err := other.ListDocuments(ctx, &ssmsdk.ListDocumentsInput{})
		if err != nil || len(l.DocumentIdentifiers) != 0 {
			t.Errorf("other sees %v %v", l, err)
		}
		g, err := other.GetServiceSetting(ctx, &ssmsdk.GetServiceSettingInput{SettingId: id})
		if err != nil || aws.ToString(g.ServiceSetting.SettingValue) != "Enable" {
			t.Errorf("other's setting = %+v %v", g, err)
		}
	}
}
