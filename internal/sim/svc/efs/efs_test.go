package efs_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	efsapi "github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/smithy-go"

	"github.com/guardrail-sec/guardrail/internal/sim/demo"
	"github.com/guardrail-sec/guardrail/internal/sim/simtest"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

const region = "eu-west-1"

var created = time.Date(2023, 3, 4, 5, 6, 7, 0, time.UTC)

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func seed(extra int) *world.World {
	w := simtest.NewWorld()
	r := w.Accounts[simtest.Member].In(region)
	r.EFS = world.EFS{
		FileSystems: []*world.FileSystem{
			{ID: "fs-0a1", Name: "shared", Encrypted: true, KMSKeyID: "arn:aws:kms:eu-west-1:222222222222:key/k", MountTargets: 2, Backup: "ENABLED",
				Tags: map[string]string{"owner": "data"}, Created: created},
			{ID: "fs-0b2", Created: created},
		},
		AccessPoints: []*world.EFSAccessPoint{
			{ID: "fsap-01", Name: "app", FileSystemID: "fs-0a1", RootDirectory: "/app", PosixUser: &world.PosixUser{UID: 1000, GID: 1000, SecondaryGIDs: []int64{2000}}},
			{ID: "fsap-02", FileSystemID: "fs-0b2"},
		},
	}
	for i := 0; i < extra; i++ {
		r.EFS.FileSystems = append(r.EFS.FileSystems, &world.FileSystem{ID: fmt.Sprintf("fs-bulk%03d", i), Created: created})
	}
	return w
}

func TestFileSystems(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := efsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	out, err := c.DescribeFileSystems(ctx, &efsapi.DescribeFileSystemsInput{})
	if err != nil || len(out.FileSystems) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	f, g := out.FileSystems[0], out.FileSystems[1]
	if aws.ToString(f.FileSystemId) != "fs-0a1" || !aws.ToBool(f.Encrypted) || aws.ToString(f.KmsKeyId) == "" || aws.ToString(f.Name) != "shared" ||
		aws.ToString(f.FileSystemArn) != "arn:aws:elasticfilesystem:eu-west-1:222222222222:file-system/fs-0a1" || f.NumberOfMountTargets != 2 ||
		!aws.ToTime(f.CreationTime).Equal(created) || f.LifeCycleState != efstypes.LifeCycleStateAvailable || len(f.Tags) != 2 ||
		f.PerformanceMode != efstypes.PerformanceModeGeneralPurpose || aws.ToString(f.OwnerId) != simtest.Member {
		t.Errorf("fs-0a1 = %+v", f)
	}
	if aws.ToBool(g.Encrypted) || g.KmsKeyId != nil {
		t.Errorf("fs-0b2 = %+v", g)
	}
	var nf *efstypes.FileSystemNotFound
	if _, err := c.DescribeFileSystems(ctx, &efsapi.DescribeFileSystemsInput{FileSystemId: aws.String("fs-nope")}); !errors.As(err, &nf) ||
		code(err) != "FileSystemNotFound" || aws.ToString(nf.ErrorCode_) != "FileSystemNotFound" {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.DescribeFileSystems(ctx, &efsapi.DescribeFileSystemsInput{MaxItems: aws.Int32(0)}); code(err) != "BadRequest" {
		t.Errorf("MaxItems 0: %v", err)
	}
}

func TestPagination(t *testing.T) {
	s := simtest.Start(t, seed(23))
	c := efsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	var ids []string
	var marker *string
	pages := 0
	for {
		o, err := c.DescribeFileSystems(context.Background(), &efsapi.DescribeFileSystemsInput{MaxItems: aws.Int32(10), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range o.FileSystems {
			ids = append(ids, aws.ToString(f.FileSystemId))
		}
		if o.NextMarker == nil {
			break
		}
		marker = o.NextMarker
	}
	if len(ids) != 25 || pages != 3 || ids[24] != "fs-bulk022" {
		t.Errorf("%d file systems in %d pages", len(ids), pages)
	}
	if _, err := c.DescribeFileSystems(context.Background(), &efsapi.DescribeFileSystemsInput{Marker: aws.String("forged")}); code(err) != "BadRequest" {
		t.Errorf("forged marker: %v", err)
	}
}

func TestAccessPoints(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := efsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	o, err := c.DescribeAccessPoints(ctx, &efsapi.DescribeAccessPointsInput{})
	if err != nil || len(o.AccessPoints) != 2 {
		t.Fatalf("%+v %v", o, err)
	}
	a, b := o.AccessPoints[0], o.AccessPoints[1]
	if aws.ToString(a.AccessPointId) != "fsap-01" || aws.ToString(a.FileSystemId) != "fs-0a1" || aws.ToString(a.RootDirectory.Path) != "/app" ||
		a.PosixUser == nil || aws.ToInt64(a.PosixUser.Uid) != 1000 || fmt.Sprint(a.PosixUser.SecondaryGids) != "[2000]" ||
		aws.ToString(a.AccessPointArn) != "arn:aws:elasticfilesystem:eu-west-1:222222222222:access-point/fsap-01" {
		t.Errorf("fsap-01 = %+v", a)
	}
	if b.PosixUser != nil || aws.ToString(b.RootDirectory.Path) != "/" {
		t.Errorf("fsap-02 = %+v", b)
	}
	one, err := c.DescribeAccessPoints(ctx, &efsapi.DescribeAccessPointsInput{FileSystemId: aws.String("fs-0b2")})
	if err != nil || len(one.AccessPoints) != 1 {
		t.Errorf("by file system: %+v %v", one, err)
	}
	p, err := c.DescribeAccessPoints(ctx, &efsapi.DescribeAccessPointsInput{MaxResults: aws.Int32(1)})
	if err != nil || len(p.AccessPoints) != 1 || p.NextToken == nil {
		t.Fatalf("page 1: %+v %v", p, err)
	}
	if p, err = c.DescribeAccessPoints(ctx, &efsapi.DescribeAccessPointsInput{MaxResults: aws.Int32(1), NextToken: p.NextToken}); err != nil ||
		len(p.AccessPoints) != 1 || p.NextToken != nil {
		t.Errorf("page 2: %+v %v", p, err)
	}
	var nf *efstypes.AccessPointNotFound
	if _, err := c.DescribeAccessPoints(ctx, &efsapi.DescribeAccessPointsInput{AccessPointId: aws.String("fsap-nope")}); !errors.As(err, &nf) {
		t.Errorf("missing access point: %v", err)
	}
}

func TestBackupPolicyAndIsolation(t *testing.T) {
	s := simtest.Start(t, seed(0))
	c := efsapi.NewFromConfig(s.Config(t, simtest.Member, region))
	ctx := context.Background()
	b, err := c.DescribeBackupPolicy(ctx, &efsapi.DescribeBackupPolicyInput{FileSystemId: aws.String("fs-0a1")})
	if err != nil || b.BackupPolicy.Status != efstypes.StatusEnabled {
		t.Errorf("fs-0a1 policy: %+v %v", b, err)
	}
	var pnf *efstypes.PolicyNotFound
	if _, err := c.DescribeBackupPolicy(ctx, &efsapi.DescribeBackupPolicyInput{FileSystemId: aws.String("fs-0b2")}); !errors.As(err, &pnf) {
		t.Errorf("fs-0b2 policy: %v", err)
	}
	if _, err := c.PutBackupPolicy(ctx, &efsapi.PutBackupPolicyInput{FileSystemId: aws.String("fs-0b2"),
		BackupPolicy: &efstypes.BackupPolicy{Status: efstypes.StatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if b, err := c.DescribeBackupPolicy(ctx, &efsapi.DescribeBackupPolicyInput{FileSystemId: aws.String("fs-0b2")}); err != nil || b.BackupPolicy.Status != efstypes.StatusEnabled {
		t.Errorf("read after write: %+v %v", b, err)
	}
	var nf *efstypes.FileSystemNotFound
	if _, err := c.DescribeBackupPolicy(ctx, &efsapi.DescribeBackupPolicyInput{FileSystemId: aws.String("fs-nope")}); !errors.As(err, &nf) {
		t.Errorf("missing file system: %v", err)
	}
	for _, other := range []*efsapi.Client{
		efsapi.NewFromConfig(s.Config(t, simtest.Management, region)),
		efsapi.NewFromConfig(s.Config(t, simtest.Member, "us-west-2")),
	} {
		o, err := other.DescribeFileSystems(ctx, &efsapi.DescribeFileSystemsInput{})
		a, aerr := other.DescribeAccessPoints(ctx, &efsapi.DescribeAccessPointsInput{})
		if err != nil || aerr != nil || len(o.FileSystems) != 0 || len(a.AccessPoints) != 0 {
			t.Errorf("isolation: %+v %v %+v %v", o, err, a, aerr)
		}
		if _, err := other.DescribeBackupPolicy(ctx, &efsapi.DescribeBackupPolicyInput{FileSystemId: aws.String("fs-0a1")}); !errors.As(err, &nf) {
			t.Errorf("backup policy isolation: %v", err)
		}
	}
}

// TestDemoData decodes every profile of the demo data file.
func TestDemoData(t *testing.T) {
	profiles, err := demo.Regional[world.EFS]("efs")
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) == 0 {
		t.Fatal("no profiles")
	}
}
