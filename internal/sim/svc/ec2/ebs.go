package ec2

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// awsEBSKey is the ARN of the account's AWS managed key aws/ebs in the
// region (a stable fake key ID).
func awsEBSKey(c *svc.Ctx) string {
	h := uint64(14695981039346656037)
	for _, s := range []string{c.Account.ID, c.Region, "aws/ebs"} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	id := fmt.Sprintf("%016x%016x", h, h*31+7)
	return c.ARN("kms", "key/"+id[:8]+"-"+id[8:12]+"-4"+id[13:16]+"-8"+id[17:20]+"-"+id[20:32])
}

// defaultKMSKey is the key new encrypted volumes get.
func defaultKMSKey(c *svc.Ctx, e *world.EC2) string {
	if e.EBSDefaultKMSKeyID != "" {
		return e.EBSDefaultKMSKeyID
	}
	return awsEBSKey(c)
}

func keyOf(c *svc.Ctx, encrypted bool, key string) string {
	if !encrypted {
		return ""
	}
	if key == "" {
		return awsEBSKey(c)
	}
	return key
}

// ---- volumes ----

type volAttachXML struct {
	VolumeID            string `xml:"volumeId"`
	InstanceID          string `xml:"instanceId"`
	Device              string `xml:"device"`
	Status              string `xml:"status"`
	AttachTime          string `xml:"attachTime"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
}

type volumeXML struct {
	VolumeID         string         `xml:"volumeId"`
	Size             int            `xml:"size"`
	SnapshotID       string         `xml:"snapshotId"`
	AvailabilityZone string         `xml:"availabilityZone"`
	Status           string         `xml:"status"`
	CreateTime       string         `xml:"createTime"`
	Attachments      []volAttachXML `xml:"attachmentSet>item"`
	Tags             []tagItem      `xml:"tagSet>item"`
	VolumeType       string         `xml:"volumeType"`
	Iops             int            `xml:"iops,omitempty"`
	Encrypted        bool           `xml:"encrypted"`
	KmsKeyID         string         `xml:"kmsKeyId,omitempty"`
	MultiAttach      bool           `xml:"multiAttachEnabled"`
	Throughput       int            `xml:"throughput,omitempty"`
}

func volState(v *world.Volume) string {
	if v.State != "" {
		return v.State
	}
	if len(v.Attachments) > 0 {
		return "in-use"
	}
	return "available"
}

func volType(v *world.Volume) string {
	if v.Type == "" {
		return "gp3"
	}
	return v.Type
}

func volumeOut(c *svc.Ctx, v *world.Volume) volumeXML {
	x := volumeXML{
		VolumeID: v.ID, Size: v.Size, SnapshotID: v.SnapshotID, AvailabilityZone: v.AZ, Status: volState(v),
		CreateTime: ts(v.Created), Tags: tagSet(v.Tags), VolumeType: volType(v), Iops: v.IOPS,
		Encrypted: v.Encrypted, KmsKeyID: keyOf(c, v.Encrypted, v.KMSKeyID),
	}
	if x.VolumeType == "gp3" {
		if x.Iops == 0 {
			x.Iops = 3000
		}
		x.Throughput = 125
	}
	for _, a := range v.Attachments {
		at := a.AttachTime
		if at.IsZero() {
			at = v.Created
		}
		x.Attachments = append(x.Attachments, volAttachXML{v.ID, a.InstanceID, a.Device, "attached", ts(at), a.DeleteOnTermination})
	}
	return x
}

func describeVolumes(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.Volumes, "VolumeId", func(v *world.Volume) string { return v.ID }, func(id string) error {
		return invalid("InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
	})
	if err != nil {
		return nil, err
	}
	att := func(get func(world.VolumeAttachment) string) func(*world.Volume) []string {
		return func(v *world.Volume) []string {
			var out []string
			for _, a := range v.Attachments {
				out = append(out, get(a))
			}
			return out
		}
	}
	fs := filterSet[*world.Volume]{
		"volume-id":         func(v *world.Volume) []string { return one(v.ID) },
		"status":            func(v *world.Volume) []string { return one(volState(v)) },
		"encrypted":         func(v *world.Volume) []string { return boolStr(v.Encrypted) },
		"availability-zone": func(v *world.Volume) []string { return one(v.AZ) },
		"size":              func(v *world.Volume) []string { return one(strconv.Itoa(v.Size)) },
		"volume-type":       func(v *world.Volume) []string { return one(volType(v)) },
		"snapshot-id":       func(v *world.Volume) []string { return one(v.SnapshotID) },
		"create-time":       func(v *world.Volume) []string { return one(ts(v.Created)) },
		"multi-attach-enabled": func(v *world.Volume) []string {
			return boolStr(false)
		},
		"attachment.instance-id": att(func(a world.VolumeAttachment) string { return a.InstanceID }),
		"attachment.device":      att(func(a world.VolumeAttachment) string { return a.Device }),
		"attachment.status":      att(func(a world.VolumeAttachment) string { return "attached" }),
		"attachment.delete-on-termination": att(func(a world.VolumeAttachment) string {
			return strconv.FormatBool(a.DeleteOnTermination)
		}),
	}
	if items, err = filter(c, items, fs, func(v *world.Volume) map[string]string { return v.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "VolumeId", pageSpec{5, 500, false})
	if err != nil {
		return nil, err
	}
	out := make([]volumeXML, 0, len(p))
	for _, v := range p {
		out = append(out, volumeOut(c, v))
	}
	return struct {
		Volumes   []volumeXML `xml:"volumeSet>item"`
		NextToken string      `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- snapshots ----

type snapshotXML struct {
	SnapshotID  string    `xml:"snapshotId"`
	VolumeID    string    `xml:"volumeId"`
	Status      string    `xml:"status"`
	StartTime   string    `xml:"startTime"`
	Progress    string    `xml:"progress"`
	OwnerID     string    `xml:"ownerId"`
	VolumeSize  int       `xml:"volumeSize"`
	Description string    `xml:"description"`
	Encrypted   bool      `xml:"encrypted"`
	KmsKeyID    string    `xml:"kmsKeyId,omitempty"`
	StorageTier string    `xml:"storageTier"`
	Tags        []tagItem `xml:"tagSet>item"`
}

func snapNotFound(id string) error {
	return invalid("InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
}

func findSnapshot(e *world.EC2, id string) *world.Snapshot {
	for _, s := range e.Snapshots {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func snapState(s *world.Snapshot) string {
	if s.State == "" {
		return "completed"
	}
	return s.State
}

// restorableBy reports whether account (or "all") may create volumes
// from one of the caller's snapshots.
func restorableBy(c *svc.Ctx, e *world.EC2, s *world.Snapshot, who string) bool {
	public := s.Public && e.SnapshotBlockPublicAccess != "block-all-sharing"
	switch who {
	case "self", owner(c):
		return true
	case "all":
		return public
	}
	if public {
		return true
	}
	for _, u := range s.SharedWith {
		if u == who {
			return true
		}
	}
	return false
}

func describeSnapshots(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	for _, id := range c.EC2List("SnapshotId") {
		if !strings.HasPrefix(id, "snap-") {
			return nil, invalid("InvalidSnapshotID.Malformed", "Invalid id: \"%s\" (expecting \"snap-...\")", id)
		}
	}
	items, err := selectIDs(c, e.Snapshots, "SnapshotId", func(s *world.Snapshot) string { return s.ID }, snapNotFound)
	if err != nil {
		return nil, err
	}
	if owners := c.EC2List("Owner"); len(owners) > 0 {
		mine := false
		for _, o := range owners {
			mine = mine || o == "self" || o == owner(c)
		}
		if !mine {
			items = nil
		}
	}
	if who := c.EC2List("RestorableBy"); len(who) > 0 {
		items = remove(append([]*world.Snapshot(nil), items...), func(s *world.Snapshot) bool {
			for _, w := range who {
				if restorableBy(c, e, s, w) {
					return false
				}
			}
			return true
		})
	}
	fs := filterSet[*world.Snapshot]{
		"snapshot-id": func(s *world.Snapshot) []string { return one(s.ID) },
		"volume-id":   func(s *world.Snapshot) []string { return one(s.VolumeID) },
		"status":      func(s *world.Snapshot) []string { return one(snapState(s)) },
		"owner-id":    func(s *world.Snapshot) []string { return one(owner(c)) },
		"owner-alias": func(s *world.Snapshot) []string { return nil },
		"encrypted":   func(s *world.Snapshot) []string { return boolStr(s.Encrypted) },
		"volume-size": func(s *world.Snapshot) []string { return one(strconv.Itoa(s.VolumeSize)) },
		"description": func(s *world.Snapshot) []string { return one(s.Description) },
		"progress":    func(s *world.Snapshot) []string { return one("100%") },
		"start-time":  func(s *world.Snapshot) []string { return one(ts(s.Started)) },
		"storage-tier": func(s *world.Snapshot) []string {
			return one("standard")
		},
	}
	if items, err = filter(c, items, fs, func(s *world.Snapshot) map[string]string { return s.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "SnapshotId", std5)
	if err != nil {
		return nil, err
	}
	out := make([]snapshotXML, 0, len(p))
	for _, s := range p {
		out = append(out, snapshotXML{
			SnapshotID: s.ID, VolumeID: s.VolumeID, Status: snapState(s), StartTime: ts(s.Started), Progress: "100%",
			OwnerID: owner(c), VolumeSize: s.VolumeSize, Description: s.Description, Encrypted: s.Encrypted,
			KmsKeyID: keyOf(c, s.Encrypted, s.KMSKeyID), StorageTier: "standard", Tags: tagSet(s.Tags),
		})
	}
	return struct {
		Snapshots []snapshotXML `xml:"snapshotSet>item"`
		NextToken string        `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

type volPermXML struct {
	Group  string `xml:"group,omitempty"`
	UserID string `xml:"userId,omitempty"`
}

func describeSnapshotAttribute(c *svc.Ctx) (any, error) {
	id, attr := c.Form.Get("SnapshotId"), c.Form.Get("Attribute")
	if id == "" {
		return nil, missing("SnapshotId")
	}
	if attr == "" {
		return nil, missing("Attribute")
	}
	if attr != "createVolumePermission" && attr != "productCodes" {
		return nil, badValue("Value (%s) for parameter attribute is invalid. Valid values: productCodes, createVolumePermission", attr)
	}
	s := findSnapshot(ec2State(c), id)
	if s == nil {
		return nil, snapNotFound(id)
	}
	type result struct {
		SnapshotID   string       `xml:"snapshotId"`
		Perms        []volPermXML `xml:"createVolumePermission>item"`
		ProductCodes []string     `xml:"productCodes>item"`
	}
	r := result{SnapshotID: s.ID}
	if attr == "createVolumePermission" {
		if s.Public {
			r.Perms = append(r.Perms, volPermXML{Group: "all"})
		}
		for _, u := range s.SharedWith {
			r.Perms = append(r.Perms, volPermXML{UserID: u})
		}
	}
	return r, nil
}

func modifySnapshotAttribute(c *svc.Ctx) (any, error) {
	id := c.Form.Get("SnapshotId")
	if id == "" {
		return nil, missing("SnapshotId")
	}
	attr := c.Form.Get("Attribute")
	if attr != "" && attr != "createVolumePermission" {
		return nil, badValue("Value (%s) for parameter attribute is invalid. Only createVolumePermission may be modified.", attr)
	}
	e := ec2State(c)
	s := findSnapshot(e, id)
	if s == nil {
		return nil, snapNotFound(id)
	}
	type change struct {
		add         bool
		group, user string
	}
	var changes []change
	if op := c.Form.Get("OperationType"); op != "" {
		if op != "add" && op != "remove" {
			return nil, badValue("Value (%s) for parameter operationType is invalid.", op)
		}
		for _, g := range c.EC2List("UserGroup") {
			changes = append(changes, change{op == "add", g, ""})
		}
		for _, u := range c.EC2List("UserId") {
			changes = append(changes, change{op == "add", "", u})
		}
	}
	for _, dir := range []string{"Add", "Remove"} {
		for i := 1; ; i++ {
			p := "CreateVolumePermission." + dir + "." + strconv.Itoa(i) + "."
			g, u := c.Form.Get(p+"Group"), c.Form.Get(p+"UserId")
			if g == "" && u == "" {
				break
			}
			changes = append(changes, change{dir == "Add", g, u})
		}
	}
	if len(changes) == 0 {
		return nil, missing("CreateVolumePermission")
	}
	for _, ch := range changes {
		if ch.group != "" && ch.group != "all" {
			return nil, badValue("Value (%s) for parameter group is invalid. Only 'all' is supported.", ch.group)
		}
		if ch.user != "" && (len(ch.user) != 12 || strings.Trim(ch.user, "0123456789") != "") {
			return nil, badValue("Value (%s) for parameter userId is invalid.", ch.user)
		}
		if ch.add && ch.group == "all" {
			if s.Encrypted {
				return nil, invalid("InvalidParameterValue", "Encrypted snapshots with EBS default key cannot be shared publicly")
			}
			if bpa := e.SnapshotBlockPublicAccess; bpa == "block-all-sharing" || bpa == "block-new-sharing" {
				return nil, invalid("OperationNotPermitted", "The snapshot %s cannot be shared publicly because block public access for snapshots is enabled in this Region.", s.ID)
			}
		}
	}
	for _, ch := range changes {
		switch {
		case ch.group != "":
			s.Public = ch.add
		case ch.add:
			found := false
			for _, u := range s.SharedWith {
				found = found || u == ch.user
			}
			if !found {
				s.SharedWith = append(s.SharedWith, ch.user)
			}
		default:
			s.SharedWith = remove(s.SharedWith, func(u string) bool { return u == ch.user })
		}
	}
	return nil, nil
}

// ---- account-level EBS settings ----

func getEbsEncryptionByDefault(c *svc.Ctx) (any, error) {
	return struct {
		Enabled bool `xml:"ebsEncryptionByDefault"`
	}{ec2State(c).EBSEncryptionByDefault}, nil
}

func setEbsEncryptionByDefault(on bool) svc.Handler {
	return func(c *svc.Ctx) (any, error) {
		ec2State(c).EBSEncryptionByDefault = on
		return struct {
			Enabled bool `xml:"ebsEncryptionByDefault"`
		}{on}, nil
	}
}

func getEbsDefaultKmsKeyID(c *svc.Ctx) (any, error) {
	k := ec2State(c).EBSDefaultKMSKeyID
	if k == "" {
		k = c.ARN("kms", "alias/aws/ebs")
	}
	return struct {
		KmsKeyID string `xml:"kmsKeyId"`
	}{k}, nil
}

func modifyEbsDefaultKmsKeyID(c *svc.Ctx) (any, error) {
	k := c.Form.Get("KmsKeyId")
	if k == "" {
		return nil, missing("KmsKeyId")
	}
	if !strings.HasPrefix(k, "arn:") {
		switch {
		case strings.HasPrefix(k, "alias/"):
			k = c.ARN("kms", k)
		default:
			k = c.ARN("kms", "key/"+k)
		}
	}
	ec2State(c).EBSDefaultKMSKeyID = k
	return struct {
		KmsKeyID string `xml:"kmsKeyId"`
	}{k}, nil
}

func snapshotBPA(e *world.EC2) string {
	if e.SnapshotBlockPublicAccess == "" {
		return "unblocked"
	}
	return e.SnapshotBlockPublicAccess
}

func getSnapshotBlockPublicAccessState(c *svc.Ctx) (any, error) {
	return struct {
		State     string `xml:"state"`
		ManagedBy string `xml:"managedBy"`
	}{snapshotBPA(ec2State(c)), "account"}, nil
}

func enableSnapshotBlockPublicAccess(c *svc.Ctx) (any, error) {
	st := c.Form.Get("State")
	switch st {
	case "":
		return nil, missing("State")
	case "block-all-sharing", "block-new-sharing":
	default:
		return nil, badValue("Value (%s) for parameter State is invalid. Valid values: block-all-sharing, block-new-sharing", st)
	}
	ec2State(c).SnapshotBlockPublicAccess = st
	return stateXML{st}, nil
}

func disableSnapshotBlockPublicAccess(c *svc.Ctx) (any, error) {
	ec2State(c).SnapshotBlockPublicAccess = ""
	return stateXML{"unblocked"}, nil
}

// ---- images ----

type imageEBSXML struct {
	SnapshotID          string `xml:"snapshotId"`
	VolumeSize          int    `xml:"volumeSize"`
	DeleteOnTermination bool   `xml:"deleteOnTermination"`
	VolumeType          string `xml:"volumeType"`
	Encrypted           bool   `xml:"encrypted"`
}

type imageBDMXML struct {
	DeviceName string      `xml:"deviceName"`
	Ebs        imageEBSXML `xml:"ebs"`
}

type imageXML struct {
	ImageID            string        `xml:"imageId"`
	ImageLocation      string        `xml:"imageLocation"`
	ImageState         string        `xml:"imageState"`
	ImageOwnerID       string        `xml:"imageOwnerId"`
	CreationDate       string        `xml:"creationDate"`
	IsPublic           bool          `xml:"isPublic"`
	Architecture       string        `xml:"architecture"`
	ImageType          string        `xml:"imageType"`
	Platform           string        `xml:"platform,omitempty"`
	Name               string        `xml:"name"`
	Description        string        `xml:"description,omitempty"`
	RootDeviceType     string        `xml:"rootDeviceType"`
	RootDeviceName     string        `xml:"rootDeviceName"`
	BlockDevices       []imageBDMXML `xml:"blockDeviceMapping>item"`
	VirtualizationType string        `xml:"virtualizationType"`
	Tags               []tagItem     `xml:"tagSet>item"`
	Hypervisor         string        `xml:"hypervisor"`
	EnaSupport         bool          `xml:"enaSupport"`
	PlatformDetails    string        `xml:"platformDetails"`
	UsageOperation     string        `xml:"usageOperation"`
	ImdsSupport        string        `xml:"imdsSupport,omitempty"`
}

func imageState(im *world.Image) string {
	if im.State == "" {
		return "available"
	}
	return im.State
}

func imageArch(im *world.Image) string {
	if im.Architecture == "" {
		return "x86_64"
	}
	return im.Architecture
}

func describeImages(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	for _, id := range c.EC2List("ImageId") {
		if !strings.HasPrefix(id, "ami-") {
			return nil, invalid("InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", id)
		}
	}
	items, err := selectIDs(c, e.Images, "ImageId", func(im *world.Image) string { return im.ID }, func(id string) error {
		return invalid("InvalidAMIID.NotFound", "The image id '[%s]' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	if owners := c.EC2List("Owner"); len(owners) > 0 {
		mine := false
		for _, o := range owners {
			mine = mine || o == "self" || o == owner(c)
		}
		if !mine {
			items = nil
		}
	}
	fs := filterSet[*world.Image]{
		"image-id":         func(im *world.Image) []string { return one(im.ID) },
		"name":             func(im *world.Image) []string { return one(im.Name) },
		"state":            func(im *world.Image) []string { return one(imageState(im)) },
		"is-public":        func(im *world.Image) []string { return boolStr(im.Public) },
		"owner-id":         func(im *world.Image) []string { return one(owner(c)) },
		"architecture":     func(im *world.Image) []string { return one(imageArch(im)) },
		"platform":         func(im *world.Image) []string { return one(im.Platform) },
		"description":      func(im *world.Image) []string { return one(im.Description) },
		"image-type":       func(im *world.Image) []string { return one("machine") },
		"root-device-type": func(im *world.Image) []string { return one("ebs") },
		"virtualization-type": func(im *world.Image) []string {
			return one("hvm")
		},
		"block-device-mapping.snapshot-id": func(im *world.Image) []string { return im.SnapshotIDs },
	}
	if items, err = filter(c, items, fs, func(im *world.Image) map[string]string { return im.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "ImageId", loose)
	if err != nil {
		return nil, err
	}
	out := make([]imageXML, 0, len(p))
	for _, im := range p {
		root := im.RootDevice
		if root == "" {
			root = "/dev/xvda"
		}
		x := imageXML{
			ImageID: im.ID, ImageLocation: owner(c) + "/" + im.Name, ImageState: imageState(im), ImageOwnerID: owner(c),
			CreationDate: ts(im.Created), IsPublic: im.Public, Architecture: imageArch(im), ImageType: "machine",
			Platform: im.Platform, Name: im.Name, Description: im.Description, RootDeviceType: "ebs", RootDeviceName: root,
			VirtualizationType: "hvm", Tags: tagSet(im.Tags), Hypervisor: "xen", EnaSupport: true,
			PlatformDetails: "Linux/UNIX", UsageOperation: "RunInstances", ImdsSupport: im.IMDSSupport,
		}
		if im.Platform == "windows" {
			x.PlatformDetails, x.UsageOperation = "Windows", "RunInstances:0002"
		}
		for n, sid := range im.SnapshotIDs {
			dev := root
			if n > 0 {
				dev = "/dev/sd" + string(rune('b'+n-1))
			}
			b := imageBDMXML{dev, imageEBSXML{SnapshotID: sid, DeleteOnTermination: true, VolumeType: "gp3"}}
			if s := findSnapshot(e, sid); s != nil {
				b.Ebs.VolumeSize, b.Ebs.Encrypted = s.VolumeSize, s.Encrypted
			}
			x.BlockDevices = append(x.BlockDevices, b)
		}
		out = append(out, x)
	}
	return struct {
		Images    []imageXML `xml:"imagesSet>item"`
		NextToken string     `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- addresses ----

type addressXML struct {
	PublicIP           string    `xml:"publicIp"`
	AllocationID       string    `xml:"allocationId"`
	Domain             string    `xml:"domain"`
	InstanceID         string    `xml:"instanceId,omitempty"`
	AssociationID      string    `xml:"associationId,omitempty"`
	NetworkInterfaceID string    `xml:"networkInterfaceId,omitempty"`
	NetworkIfOwnerID   string    `xml:"networkInterfaceOwnerId,omitempty"`
	PrivateIP          string    `xml:"privateIpAddress,omitempty"`
	Tags               []tagItem `xml:"tagSet>item"`
	PublicIpv4Pool     string    `xml:"publicIpv4Pool"`
	NetworkBorderGroup string    `xml:"networkBorderGroup"`
}

// describeAddresses lists Elastic IPs; the call does not paginate.
func describeAddresses(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.Addresses, "AllocationId", func(a *world.Address) string { return a.AllocationID }, func(id string) error {
		return invalid("InvalidAllocationID.NotFound", "The allocation ID '%s' does not exist", id)
	})
	if err != nil {
		return nil, err
	}
	if items, err = selectIDs(c, items, "PublicIp", func(a *world.Address) string { return a.PublicIP }, func(ip string) error {
		return invalid("InvalidAddress.NotFound", "Address '%s' not found.", ip)
	}); err != nil {
		return nil, err
	}
	fs := filterSet[*world.Address]{
		"allocation-id":        func(a *world.Address) []string { return one(a.AllocationID) },
		"association-id":       func(a *world.Address) []string { return one(a.AssociationID) },
		"domain":               func(a *world.Address) []string { return one("vpc") },
		"instance-id":          func(a *world.Address) []string { return one(a.InstanceID) },
		"network-interface-id": func(a *world.Address) []string { return one(a.NetworkInterfaceID) },
		"private-ip-address":   func(a *world.Address) []string { return one(a.PrivateIP) },
		"public-ip":            func(a *world.Address) []string { return one(a.PublicIP) },
		"network-interface-owner-id": func(a *world.Address) []string {
			if a.NetworkInterfaceID == "" {
				return nil
			}
			return one(owner(c))
		},
	}
	if items, err = filter(c, items, fs, func(a *world.Address) map[string]string { return a.Tags }); err != nil {
		return nil, err
	}
	out := make([]addressXML, 0, len(items))
	for _, a := range items {
		x := addressXML{
			PublicIP: a.PublicIP, AllocationID: a.AllocationID, Domain: "vpc", InstanceID: a.InstanceID, AssociationID: a.AssociationID,
			NetworkInterfaceID: a.NetworkInterfaceID, PrivateIP: a.PrivateIP, Tags: tagSet(a.Tags), PublicIpv4Pool: "amazon", NetworkBorderGroup: c.Region,
		}
		if a.InstanceID != "" && x.NetworkInterfaceID == "" {
			if i := findInstance(e, a.InstanceID); i != nil {
				x.NetworkInterfaceID, x.PrivateIP = primaryENIID(i), i.PrivateIP
			}
		}
		if x.NetworkInterfaceID != "" {
			x.NetworkIfOwnerID = owner(c)
		}
		out = append(out, x)
	}
	return struct {
		Addresses []addressXML `xml:"addressesSet>item"`
	}{out}, nil
}
