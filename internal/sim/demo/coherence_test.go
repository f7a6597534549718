package demo

import (
	"strings"
	"testing"

	"github.com/guardrail-sec/guardrail/internal/clock"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// TestDemoIsCoherent checks that what one service's demo data names in
// another exists there: trail and Config delivery buckets, the trail's KMS
// key and log group, an instance's subnet and security groups, the
// instance an alarm watches. A dangling reference would make a check pass or fail
// for the wrong reason.
func TestDemoIsCoherent(t *testing.T) {
	w, err := Load(clock.Fixed(SampleNow))
	if err != nil {
		t.Fatal(err)
	}
	seenBucket := map[string]string{}
	for _, id := range w.AccountIDs() {
		for _, b := range w.Accounts[id].S3.Buckets {
			if other, dup := seenBucket[b.Name]; dup {
				t.Errorf("bucket %s is in both %s and %s", b.Name, other, id)
			}
			seenBucket[b.Name] = id
		}
	}
	for _, id := range w.AccountIDs() {
		a := w.Accounts[id]
		for region, r := range a.Regional {
			where := id + "/" + region
			for _, tr := range r.CloudTrail.Trails {
				if _, ok := w.Buckets[tr.S3BucketName]; !ok {
					t.Errorf("%s: trail %s delivers to bucket %s, which does not exist", where, tr.Name, tr.S3BucketName)
				}
				if tr.KmsKeyID != "" && !hasKey(w, tr.KmsKeyID) {
					t.Errorf("%s: trail %s uses KMS key %s, which does not exist", where, tr.Name, tr.KmsKeyID)
				}
				if g := tr.CloudWatchLogsLogGroupArn; g != "" && !hasLogGroup(w, g) {
					t.Errorf("%s: trail %s sends to log group %s, which does not exist", where, tr.Name, g)
				}
			}
			for _, i := range r.EC2.Instances {
				if !hasSubnet(r, i.SubnetID) {
					t.Errorf("%s: instance %s is in subnet %s, which does not exist", where, i.ID, i.SubnetID)
				}
				for _, g := range i.SecurityGroups {
					if !hasGroup(r, g) {
						t.Errorf("%s: instance %s is in security group %s, which does not exist", where, i.ID, g)
					}
				}
			}
			for _, al := range r.CloudWatch.Alarms {
				for _, d := range al.Dimensions {
					if d.Name == "InstanceId" && !hasInstance(r, d.Value) {
						t.Errorf("%s: alarm %s watches instance %s, which does not exist", where, al.Name, d.Value)
					}
				}
			}
			for _, ch := range r.Config.Channels {
				if _, ok := w.Buckets[ch.S3BucketName]; !ok {
					t.Errorf("%s: Config channel %s delivers to bucket %s, which does not exist", where, ch.Name, ch.S3BucketName)
				}
			}
		}
	}
}

// hasKey finds a key ARN (arn:aws:kms:region:account:key/id).
func hasKey(w *world.World, arn string) bool {
	f := strings.Split(arn, ":")
	if len(f) != 6 || !strings.HasPrefix(f[5], "key/") {
		return false
	}
	a := w.Accounts[f[4]]
	if a == nil || a.Regional[f[3]] == nil {
		return false
	}
	for _, k := range a.Regional[f[3]].KMS.Keys {
		if k.ID == strings.TrimPrefix(f[5], "key/") {
			return true
		}
	}
	return false
}

// hasLogGroup finds a log group ARN (arn:aws:logs:region:account:log-group:name:*).
func hasLogGroup(w *world.World, arn string) bool {
	f := strings.Split(arn, ":")
	if len(f) < 7 || f[5] != "log-group" {
		return false
	}
	a := w.Accounts[f[4]]
	if a == nil || a.Regional[f[3]] == nil {
		return false
	}
	for _, g := range a.Regional[f[3]].Logs.Groups {
		if g.Name == f[6] {
			return true
		}
	}
	return false
}

func hasSubnet(r *world.Region, id string) bool {
	for _, s := range r.EC2.Subnets {
		if s.ID == id {
			return true
		}
	}
	return false
}

func hasGroup(r *world.Region, id string) bool {
	for _, g := range r.EC2.SecurityGroups {
		if g.ID == id {
			return true
		}
	}
	return false
}

func hasInstance(r *world.Region, id string) bool {
	for _, i := range r.EC2.Instances {
		if i.ID == id {
			return true
		}
	}
	return false
}
