package ec2

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/guardrail-sec/guardrail/internal/sim/svc"
	"github.com/guardrail-sec/guardrail/internal/sim/world"
)

// ---- launch templates ----

func ltNotFound() error {
	return invalid("InvalidLaunchTemplateId.NotFound", "At least one of the launch templates specified in the request does not exist.")
}

func ltNameNotFound() error {
	return invalid("InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates specified in the request does not exist.")
}

// versionNumber is the number of the n-th (0-based) version of t.
func versionNumber(t *world.LaunchTemplate, n int) int {
	if v := t.Versions[n].Number; v != 0 {
		return v
	}
	return n + 1
}

func defaultVersion(t *world.LaunchTemplate) int {
	if t.DefaultVersion != 0 {
		return t.DefaultVersion
	}
	return 1
}

func latestVersion(t *world.LaunchTemplate) int {
	latest := 0
	for n := range t.Versions {
		latest = max(latest, versionNumber(t, n))
	}
	return latest
}

func createdBy(c *svc.Ctx, t *world.LaunchTemplate) string {
	if t.CreatedBy != "" {
		return t.CreatedBy
	}
	return "arn:aws:iam::" + owner(c) + ":root"
}

type launchTemplateXML struct {
	ID             string    `xml:"launchTemplateId"`
	Name           string    `xml:"launchTemplateName"`
	CreateTime     string    `xml:"createTime"`
	CreatedBy      string    `xml:"createdBy"`
	DefaultVersion int       `xml:"defaultVersionNumber"`
	LatestVersion  int       `xml:"latestVersionNumber"`
	Tags           []tagItem `xml:"tagSet>item"`
}

func describeLaunchTemplates(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	for _, id := range c.EC2List("LaunchTemplateId") {
		if !strings.HasPrefix(id, "lt-") {
			return nil, invalid("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template ID is not valid: %s", id)
		}
	}
	items, err := selectIDs(c, e.LaunchTemplates, "LaunchTemplateId", func(t *world.LaunchTemplate) string { return t.ID },
		func(string) error { return ltNotFound() })
	if err != nil {
		return nil, err
	}
	if items, err = selectIDs(c, items, "LaunchTemplateName", func(t *world.LaunchTemplate) string { return t.Name },
		func(string) error { return ltNameNotFound() }); err != nil {
		return nil, err
	}
	fs := filterSet[*world.LaunchTemplate]{
		"launch-template-name": func(t *world.LaunchTemplate) []string { return one(t.Name) },
		"create-time":          func(t *world.LaunchTemplate) []string { return one(ts(t.Created)) },
	}
	if items, err = filter(c, items, fs, func(t *world.LaunchTemplate) map[string]string { return t.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "", pageSpec{1, 200, false})
	if err != nil {
		return nil, err
	}
	out := make([]launchTemplateXML, 0, len(p))
	for _, t := range p {
		out = append(out, launchTemplateXML{t.ID, t.Name, ts(t.Created), createdBy(c, t), defaultVersion(t), latestVersion(t), tagSet(t.Tags)})
	}
	return struct {
		Templates []launchTemplateXML `xml:"launchTemplates>item"`
		NextToken string              `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

type ltInterfaceXML struct {
	AssociatePublicIP   *bool    `xml:"associatePublicIpAddress,omitempty"`
	DeleteOnTermination *bool    `xml:"deleteOnTermination,omitempty"`
	DeviceIndex         int      `xml:"deviceIndex"`
	Groups              []string `xml:"groupSet>groupId"`
	SubnetID            string   `xml:"subnetId,omitempty"`
}

type ltMetadataXML struct {
	State                   string `xml:"state"`
	HTTPTokens              string `xml:"httpTokens,omitempty"`
	HTTPPutResponseHopLimit int    `xml:"httpPutResponseHopLimit,omitempty"`
	HTTPEndpoint            string `xml:"httpEndpoint,omitempty"`
	HTTPProtocolIpv6        string `xml:"httpProtocolIpv6,omitempty"`
	InstanceMetadataTags    string `xml:"instanceMetadataTags,omitempty"`
}

type ltProfileXML struct {
	Arn string `xml:"arn"`
}

type ltEBSXML struct {
	DeleteOnTermination *bool  `xml:"deleteOnTermination,omitempty"`
	Encrypted           *bool  `xml:"encrypted,omitempty"`
	Iops                int    `xml:"iops,omitempty"`
	KmsKeyID            string `xml:"kmsKeyId,omitempty"`
	SnapshotID          string `xml:"snapshotId,omitempty"`
	Throughput          int    `xml:"throughput,omitempty"`
	VolumeSize          int    `xml:"volumeSize,omitempty"`
	VolumeType          string `xml:"volumeType,omitempty"`
}

type ltBlockDeviceXML struct {
	DeviceName  string    `xml:"deviceName"`
	Ebs         *ltEBSXML `xml:"ebs,omitempty"`
	NoDevice    string    `xml:"noDevice,omitempty"`
	VirtualName string    `xml:"virtualName,omitempty"`
}

type ltDataXML struct {
	BlockDevices       []ltBlockDeviceXML `xml:"blockDeviceMappingSet>item"`
	ImageID            string             `xml:"imageId,omitempty"`
	InstanceType       string             `xml:"instanceType,omitempty"`
	KeyName            string             `xml:"keyName,omitempty"`
	IamInstanceProfile *ltProfileXML      `xml:"iamInstanceProfile,omitempty"`
	SecurityGroupIDs   []string           `xml:"securityGroupIdSet>item"`
	NetworkInterfaces  []ltInterfaceXML   `xml:"networkInterfaceSet>item"`
	MetadataOptions    *ltMetadataXML     `xml:"metadataOptions,omitempty"`
}

type ltVersionXML struct {
	TemplateID     string    `xml:"launchTemplateId"`
	TemplateName   string    `xml:"launchTemplateName"`
	VersionNumber  int       `xml:"versionNumber"`
	Description    string    `xml:"versionDescription,omitempty"`
	CreateTime     string    `xml:"createTime"`
	CreatedBy      string    `xml:"createdBy"`
	DefaultVersion bool      `xml:"defaultVersion"`
	Data           ltDataXML `xml:"launchTemplateData"`
}

// ltVersion is one version of a template, as listed.
type ltVersion struct {
	t *world.LaunchTemplate
	n int // index in t.Versions
}

func (v ltVersion) number() int     { return versionNumber(v.t, v.n) }
func (v ltVersion) isDefault() bool { return v.number() == defaultVersion(v.t) }

func ltVersionOut(c *svc.Ctx, v ltVersion) ltVersionXML {
	ver := v.t.Versions[v.n]
	d := ver.Data
	x := ltVersionXML{
		TemplateID: v.t.ID, TemplateName: v.t.Name, VersionNumber: v.number(), Description: ver.Description,
		CreateTime: ts(ver.Created), CreatedBy: createdBy(c, v.t), DefaultVersion: v.isDefault(),
		Data: ltDataXML{ImageID: d.ImageID, InstanceType: d.InstanceType, KeyName: d.KeyName, SecurityGroupIDs: d.SecurityGroupIDs},
	}
	if d.InstanceProfileARN != "" {
		x.Data.IamInstanceProfile = &ltProfileXML{d.InstanceProfileARN}
	}
	for _, n := range d.NetworkInterfaces {
		x.Data.NetworkInterfaces = append(x.Data.NetworkInterfaces, ltInterfaceXML{n.AssociatePublicIP, n.DeleteOnTermination, n.DeviceIndex, n.GroupIDs, n.SubnetID})
	}
	if m := d.Metadata; m != nil {
		x.Data.MetadataOptions = &ltMetadataXML{"pending", m.HTTPTokens, m.HTTPPutHopLimit, m.HTTPEndpoint, m.HTTPProtocolIPv6, m.InstanceMetadataTags}
	}
	for _, b := range d.BlockDevices {
		bx := ltBlockDeviceXML{DeviceName: b.DeviceName, NoDevice: b.NoDevice, VirtualName: b.VirtualName}
		if e := b.EBS; e != nil {
			bx.Ebs = &ltEBSXML{e.DeleteOnTermination, e.Encrypted, e.IOPS, e.KMSKeyID, e.SnapshotID, e.Throughput, e.VolumeSize, e.VolumeType}
		}
		x.Data.BlockDevices = append(x.Data.BlockDevices, bx)
	}
	return x
}

func findTemplate(c *svc.Ctx, e *world.EC2) (*world.LaunchTemplate, error) {
	id, name := c.Form.Get("LaunchTemplateId"), c.Form.Get("LaunchTemplateName")
	if id != "" && name != "" {
		return nil, invalid("InvalidParameterCombination", "You can specify either a launch template ID or a launch template name in the request, but not both.")
	}
	for _, t := range e.LaunchTemplates {
		if (id != "" && t.ID == id) || (name != "" && t.Name == name) {
			return t, nil
		}
	}
	if id != "" {
		if !strings.HasPrefix(id, "lt-") {
			return nil, invalid("InvalidLaunchTemplateId.Malformed", "The specified ID for the launch template ID is not valid: %s", id)
		}
		return nil, ltNotFound()
	}
	return nil, ltNameNotFound()
}

// describeLaunchTemplateVersions lists versions of one template (by ID or
// name), or, with neither, the $Latest and/or $Default versions of every
// template in the region.
func describeLaunchTemplateVersions(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	want := c.EC2List("LaunchTemplateVersion")
	var items []ltVersion
	if c.Form.Get("LaunchTemplateId") == "" && c.Form.Get("LaunchTemplateName") == "" {
		if len(want) == 0 {
			return nil, missing("LaunchTemplateId or LaunchTemplateName")
		}
		latest, def := false, false
		for _, v := range want {
			switch v {
			case "$Latest":
				latest = true
			case "$Default":
				def = true
			default:
				return nil, badValue("To describe the versions of all launch templates, specify only $Latest or $Default: %s", v)
			}
		}
		for _, t := range e.LaunchTemplates {
			for n := range t.Versions {
				v := ltVersion{t, n}
				if (latest && v.number() == latestVersion(t)) || (def && v.isDefault()) {
					items = append(items, v)
				}
			}
		}
	} else {
		t, err := findTemplate(c, e)
		if err != nil {
			return nil, err
		}
		nums := map[int]bool{}
		for _, v := range want {
			switch v {
			case "$Latest":
				nums[latestVersion(t)] = true
			case "$Default":
				nums[defaultVersion(t)] = true
			default:
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return nil, badValue("Invalid launch template version: %s", v)
				}
				nums[n] = true
			}
		}
		minV, maxV := 0, 0
		for _, b := range []struct {
			name string
			to   *int
		}{{"MinVersion", &minV}, {"MaxVersion", &maxV}} {
			if s := c.Form.Get(b.name); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil {
					return nil, badValue("Invalid value for %s: %s", b.name, s)
				}
				*b.to = n
			}
		}
		found := map[int]bool{}
		for n := range t.Versions {
			v := ltVersion{t, n}
			num := v.number()
			if len(nums) > 0 && !nums[num] {
				continue
			}
			if (minV != 0 && num < minV) || (maxV != 0 && num > maxV) {
				continue
			}
			found[num] = true
			items = append(items, v)
		}
		for n := range nums {
			if !found[n] {
				return nil, invalid("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %d for launch template %s.", n, t.ID)
			}
		}
		// Newest first, as EC2 lists them.
		sort.SliceStable(items, func(i, j int) bool { return items[i].number() > items[j].number() })
	}
	fs := filterSet[ltVersion]{
		"is-default-version": func(v ltVersion) []string { return boolStr(v.isDefault()) },
		"image-id":           func(v ltVersion) []string { return one(v.t.Versions[v.n].Data.ImageID) },
		"instance-type":      func(v ltVersion) []string { return one(v.t.Versions[v.n].Data.InstanceType) },
		"iam-instance-profile": func(v ltVersion) []string {
			return one(v.t.Versions[v.n].Data.InstanceProfileARN)
		},
		"http-tokens": func(v ltVersion) []string {
			if m := v.t.Versions[v.n].Data.Metadata; m != nil {
				return one(m.HTTPTokens)
			}
			return nil
		},
		"http-endpoint": func(v ltVersion) []string {
			if m := v.t.Versions[v.n].Data.Metadata; m != nil {
				return one(m.HTTPEndpoint)
			}
			return nil
		},
		"create-time": func(v ltVersion) []string { return one(ts(v.t.Versions[v.n].Created)) },
	}
	items, err := filter(c, items, fs, nil)
	if err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "", pageSpec{1, 200, false})
	if err != nil {
		return nil, err
	}
	out := make([]ltVersionXML, 0, len(p))
	for _, v := range p {
		out = append(out, ltVersionOut(c, v))
	}
	return struct {
		Versions  []ltVersionXML `xml:"launchTemplateVersionSet>item"`
		NextToken string         `xml:"nextToken,omitempty"`
	}{out, next}, nil
}

// ---- launch template writes ----

// validLTName reports whether n is a name EC2 accepts for a launch
// template.
func validLTName(n string) bool {
	if len(n) < 3 || len(n) > 128 {
		return false
	}
	for _, r := range n {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("().-/_", r)
		if !ok {
			return false
		}
	}
	return true
}

// ltData reads LaunchTemplateData.* of a request: the data, and which of
// its top-level parameters were given (a new version based on a source
// version takes those from the request and the others from the source).
func ltData(c *svc.Ctx) (world.LaunchTemplateData, map[string]bool, error) {
	const p = "LaunchTemplateData."
	var d world.LaunchTemplateData
	given := map[string]bool{}
	has := func(name string) bool {
		for k := range c.Form {
			if k == p+name || strings.HasPrefix(k, p+name+".") {
				return true
			}
		}
		return false
	}
	for _, f := range []struct {
		name string
		to   *string
	}{{"ImageId", &d.ImageID}, {"InstanceType", &d.InstanceType}, {"KeyName", &d.KeyName}} {
		if has(f.name) {
			given[f.name] = true
			*f.to = c.Form.Get(p + f.name)
		}
	}
	if has("IamInstanceProfile") {
		given["IamInstanceProfile"] = true
		d.InstanceProfileARN = c.Form.Get(p + "IamInstanceProfile.Arn")
		if n := c.Form.Get(p + "IamInstanceProfile.Name"); d.InstanceProfileARN == "" && n != "" {
			d.InstanceProfileARN = c.GlobalARN("iam", "instance-profile/"+n)
		}
	}
	if has("SecurityGroupId") {
		given["SecurityGroupId"] = true
		d.SecurityGroupIDs = c.EC2List(p + "SecurityGroupId")
	}
	if has("NetworkInterface") {
		given["NetworkInterface"] = true
		for i := 1; ; i++ {
			q := p + "NetworkInterface." + strconv.Itoa(i) + "."
			found := false
			for k := range c.Form {
				if strings.HasPrefix(k, q) {
					found = true
					break
				}
			}
			if !found {
				break
			}
			n := world.LaunchTemplateInterface{SubnetID: c.Form.Get(q + "SubnetId"), GroupIDs: c.EC2List(q + "SecurityGroupId")}
			if s := c.Form.Get(q + "DeviceIndex"); s != "" {
				v, err := strconv.Atoi(s)
				if err != nil || v < 0 {
					return d, nil, badValue("Value (%s) for parameter DeviceIndex is invalid.", s)
				}
				n.DeviceIndex = v
			}
			for _, b := range []struct {
				name string
				to   **bool
			}{{"AssociatePublicIpAddress", &n.AssociatePublicIP}, {"DeleteOnTermination", &n.DeleteOnTermination}} {
				if s := c.Form.Get(q + b.name); s != "" {
					v, err := strconv.ParseBool(s)
					if err != nil {
						return d, nil, badValue("Invalid value '%s' for %s", s, b.name)
					}
					*b.to = &v
				}
			}
			d.NetworkInterfaces = append(d.NetworkInterfaces, n)
		}
	}
	if has("BlockDeviceMapping") {
		given["BlockDeviceMapping"] = true
		for i := 1; ; i++ {
			q := p + "BlockDeviceMapping." + strconv.Itoa(i) + "."
			name, ok := c.Form[q+"DeviceName"]
			if !ok {
				break
			}
			b := world.LaunchTemplateBlockDevice{DeviceName: name[0], NoDevice: c.Form.Get(q + "NoDevice"), VirtualName: c.Form.Get(q + "VirtualName")}
			if e, err := ltEBS(c, q+"Ebs."); err != nil {
				return d, nil, err
			} else if e != nil {
				b.EBS = e
			}
			d.BlockDevices = append(d.BlockDevices, b)
		}
	}
	if has("MetadataOptions") {
		given["MetadataOptions"] = true
		m := &world.InstanceMetadata{}
		var err error
		for _, f := range []struct {
			name    string
			to      *string
			allowed []string
		}{
			{"HttpTokens", &m.HTTPTokens, []string{"optional", "required"}},
			{"HttpEndpoint", &m.HTTPEndpoint, []string{"enabled", "disabled"}},
			{"HttpProtocolIpv6", &m.HTTPProtocolIPv6, []string{"enabled", "disabled"}},
			{"InstanceMetadataTags", &m.InstanceMetadataTags, []string{"enabled", "disabled"}},
		} {
			if *f.to, err = oneOf(c, p+"MetadataOptions."+f.name, f.allowed...); err != nil {
				return d, nil, err
			}
		}
		if m.HTTPPutHopLimit, err = hopLimit(c, p+"MetadataOptions.HttpPutResponseHopLimit", false); err != nil {
			return d, nil, err
		}
		d.Metadata = m
	}
	return d, given, nil
}

// ltEBS reads the EBS parameters of a block device mapping under q, or
// nil when there are none.
func ltEBS(c *svc.Ctx, q string) (*world.LaunchTemplateEBS, error) {
	e := &world.LaunchTemplateEBS{SnapshotID: c.Form.Get(q + "SnapshotId"), VolumeType: c.Form.Get(q + "VolumeType"), KMSKeyID: c.Form.Get(q + "KmsKeyId")}
	found := false
	for k := range c.Form {
		found = found || strings.HasPrefix(k, q)
	}
	if !found {
		return nil, nil
	}
	for _, f := range []struct {
		name string
		to   *int
	}{{"VolumeSize", &e.VolumeSize}, {"Iops", &e.IOPS}, {"Throughput", &e.Throughput}} {
		if s := c.Form.Get(q + f.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return nil, badValue("Value (%s) for parameter %s is invalid.", s, f.name)
			}
			*f.to = n
		}
	}
	for _, f := range []struct {
		name string
		to   **bool
	}{{"Encrypted", &e.Encrypted}, {"DeleteOnTermination", &e.DeleteOnTermination}} {
		if s := c.Form.Get(q + f.name); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return nil, badValue("Invalid value '%s' for %s", s, f.name)
			}
			*f.to = &b
		}
	}
	return e, nil
}

// copyLTData returns a deep copy of d.
func copyLTData(d world.LaunchTemplateData) world.LaunchTemplateData {
	d.SecurityGroupIDs = append([]string(nil), d.SecurityGroupIDs...)
	ns := make([]world.LaunchTemplateInterface, len(d.NetworkInterfaces))
	for i, n := range d.NetworkInterfaces {
		n.GroupIDs = append([]string(nil), n.GroupIDs...)
		if n.AssociatePublicIP != nil {
			v := *n.AssociatePublicIP
			n.AssociatePublicIP = &v
		}
		if n.DeleteOnTermination != nil {
			v := *n.DeleteOnTermination
			n.DeleteOnTermination = &v
		}
		ns[i] = n
	}
	if len(ns) == 0 {
		ns = nil
	}
	d.NetworkInterfaces = ns
	if d.Metadata != nil {
		m := *d.Metadata
		d.Metadata = &m
	}
	var bs []world.LaunchTemplateBlockDevice
	for _, b := range d.BlockDevices {
		if b.EBS != nil {
			e := *b.EBS
			b.EBS = &e
		}
		bs = append(bs, b)
	}
	d.BlockDevices = bs
	return d
}

// overlay returns src with the top-level parameters given in the request
// (d, given) put in its place, as a new version based on src is made.
// The snapshots of src's block device mappings are not carried over
// unless the request gives the mappings again (as the API reference of
// CreateLaunchTemplateVersion's SourceVersion says).
func overlay(src, d world.LaunchTemplateData, given map[string]bool) world.LaunchTemplateData {
	out := copyLTData(src)
	if given["BlockDeviceMapping"] {
		out.BlockDevices = d.BlockDevices
	} else {
		for _, b := range out.BlockDevices {
			if b.EBS != nil {
				b.EBS.SnapshotID = ""
			}
		}
	}
	if given["ImageId"] {
		out.ImageID = d.ImageID
	}
	if given["InstanceType"] {
		out.InstanceType = d.InstanceType
	}
	if given["KeyName"] {
		out.KeyName = d.KeyName
	}
	if given["IamInstanceProfile"] {
		out.InstanceProfileARN = d.InstanceProfileARN
	}
	if given["SecurityGroupId"] {
		out.SecurityGroupIDs = d.SecurityGroupIDs
	}
	if given["NetworkInterface"] {
		out.NetworkInterfaces = d.NetworkInterfaces
	}
	if given["MetadataOptions"] {
		out.Metadata = d.Metadata
	}
	return out
}

// numberVersions gives every version of t its number explicitly, so that
// deleting one does not renumber the others.
func numberVersions(t *world.LaunchTemplate) {
	t.DefaultVersion = defaultVersion(t)
	for n, v := range t.Versions {
		v.Number = versionNumber(t, n)
	}
	t.LastVersion = max(t.LastVersion, latestVersion(t))
}

// findVersion returns the version of t numbered n, or nil.
func findVersion(t *world.LaunchTemplate, n int) *world.LaunchTemplateVersion {
	for i, v := range t.Versions {
		if versionNumber(t, i) == n {
			return v
		}
	}
	return nil
}

// versionParam resolves a version given as a number, $Latest or
// $Default.
func versionParam(t *world.LaunchTemplate, s string) (int, error) {
	var n int
	switch s {
	case "$Latest":
		n = latestVersion(t)
	case "$Default":
		n = defaultVersion(t)
	default:
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			return 0, badValue("Invalid launch template version: %s", s)
		}
		n = v
	}
	if findVersion(t, n) == nil {
		return 0, invalid("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version %s for launch template %s.", s, t.ID)
	}
	return n, nil
}

func ltOut(c *svc.Ctx, t *world.LaunchTemplate) launchTemplateXML {
	return launchTemplateXML{t.ID, t.Name, ts(t.Created), createdBy(c, t), defaultVersion(t), latestVersion(t), tagSet(t.Tags)}
}

func createLaunchTemplate(c *svc.Ctx) (any, error) {
	name := c.Form.Get("LaunchTemplateName")
	if name == "" {
		return nil, missing("LaunchTemplateName")
	}
	if !validLTName(name) {
		return nil, badValue("Launch template name %s is invalid: use 3 to 128 letters, digits and ( ) . - / _", name)
	}
	d, _, err := ltData(c)
	if err != nil {
		return nil, err
	}
	e := ec2State(c)
	for _, t := range e.LaunchTemplates {
		if t.Name == name {
			return nil, invalid("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already in use.")
		}
	}
	now := c.Now()
	t := &world.LaunchTemplate{
		ID: c.World.HexID("lt-", 17), Name: name, Created: now, CreatedBy: c.Principal.ARN, DefaultVersion: 1, LastVersion: 1,
		Versions: []*world.LaunchTemplateVersion{{Number: 1, Description: c.Form.Get("VersionDescription"), Created: now, Data: d}},
		Tags:     tagSpecs(c, "launch-template"),
	}
	e.LaunchTemplates = append(e.LaunchTemplates, t)
	return struct {
		Template launchTemplateXML `xml:"launchTemplate"`
	}{ltOut(c, t)}, nil
}

// maxVersions is the quota of versions per launch template.
const maxVersions = 10000

func createLaunchTemplateVersion(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	t, err := findTemplate(c, e)
	if err != nil {
		return nil, err
	}
	d, given, err := ltData(c)
	if err != nil {
		return nil, err
	}
	if s := c.Form.Get("SourceVersion"); s != "" {
		n, err := versionParam(t, s)
		if err != nil {
			return nil, err
		}
		d = overlay(findVersion(t, n).Data, d, given)
	}
	if len(t.Versions) >= maxVersions {
		return nil, invalid("VersionLimitExceeded", "You've reached the maximum number of versions (%d) for launch template %s.", maxVersions, t.ID)
	}
	numberVersions(t)
	t.LastVersion++
	v := &world.LaunchTemplateVersion{Number: t.LastVersion, Description: c.Form.Get("VersionDescription"), Created: c.Now(), Data: d}
	t.Versions = append(t.Versions, v)
	return struct {
		Version ltVersionXML `xml:"launchTemplateVersion"`
	}{ltVersionOut(c, ltVersion{t, len(t.Versions) - 1})}, nil
}

func modifyLaunchTemplate(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	t, err := findTemplate(c, e)
	if err != nil {
		return nil, err
	}
	if s := c.Form.Get("SetDefaultVersion"); s != "" {
		n, err := versionParam(t, s)
		if err != nil {
			return nil, err
		}
		numberVersions(t)
		t.DefaultVersion = n
	}
	return struct {
		Template launchTemplateXML `xml:"launchTemplate"`
	}{ltOut(c, t)}, nil
}

type ltDeleteOKXML struct {
	TemplateID    string `xml:"launchTemplateId"`
	TemplateName  string `xml:"launchTemplateName"`
	VersionNumber int    `xml:"versionNumber"`
}

type ltDeleteErrXML struct {
	TemplateID    string    `xml:"launchTemplateId,omitempty"`
	TemplateName  string    `xml:"launchTemplateName,omitempty"`
	VersionNumber int       `xml:"versionNumber"`
	Error         ec2ErrXML `xml:"responseError"`
}

// deleteLaunchTemplateVersions deletes versions other than the default
// one; each version that cannot be deleted is reported in the answer,
// not as an error of the call.
func deleteLaunchTemplateVersions(c *svc.Ctx) (any, error) {
	versions := c.EC2List("LaunchTemplateVersion")
	if len(versions) == 0 {
		return nil, missing("LaunchTemplateVersion")
	}
	if len(versions) > 200 {
		return nil, badValue("You can specify up to 200 launch template versions in a request.")
	}
	type answer struct {
		OK  []ltDeleteOKXML  `xml:"successfullyDeletedLaunchTemplateVersionSet>item"`
		Bad []ltDeleteErrXML `xml:"unsuccessfullyDeletedLaunchTemplateVersionSet>item"`
	}
	var out answer
	id, name := c.Form.Get("LaunchTemplateId"), c.Form.Get("LaunchTemplateName")
	if id == "" && name == "" {
		return nil, missing("LaunchTemplateId or LaunchTemplateName")
	}
	e := ec2State(c)
	t, err := findTemplate(c, e)
	if err != nil {
		if id != "" && name != "" {
			return nil, err
		}
		code := "launchTemplateIdDoesNotExist"
		if id == "" {
			code = "launchTemplateNameDoesNotExist"
		} else if !strings.HasPrefix(id, "lt-") {
			code = "launchTemplateIdMalformed"
		}
		for _, s := range versions {
			n, _ := strconv.Atoi(s)
			out.Bad = append(out.Bad, ltDeleteErrXML{id, name, n, ec2ErrXML{code, "The launch template does not exist."}})
		}
		return out, nil
	}
	numberVersions(t)
	for _, s := range versions {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || findVersion(t, n) == nil:
			out.Bad = append(out.Bad, ltDeleteErrXML{t.ID, t.Name, n, ec2ErrXML{"launchTemplateVersionDoesNotExist",
				fmt.Sprintf("The specified launch template version %s does not exist.", s)}})
		case n == t.DefaultVersion:
			out.Bad = append(out.Bad, ltDeleteErrXML{t.ID, t.Name, n, ec2ErrXML{"unexpectedError",
				"Cannot delete the default version of a launch template; set another version as the default first."}})
		default:
			t.Versions = remove(t.Versions, func(v *world.LaunchTemplateVersion) bool { return v.Number == n })
			out.OK = append(out.OK, ltDeleteOKXML{t.ID, t.Name, n})
		}
	}
	return out, nil
}

// ---- transit gateways ----

type tgwOptionsXML struct {
	AmazonSideAsn                int64  `xml:"amazonSideAsn"`
	AutoAcceptSharedAttachments  string `xml:"autoAcceptSharedAttachments"`
	DefaultRouteTableAssociation string `xml:"defaultRouteTableAssociation"`
	AssociationDefaultRouteTable string `xml:"associationDefaultRouteTableId,omitempty"`
	DefaultRouteTablePropagation string `xml:"defaultRouteTablePropagation"`
	PropagationDefaultRouteTable string `xml:"propagationDefaultRouteTableId,omitempty"`
	VpnEcmpSupport               string `xml:"vpnEcmpSupport"`
	DNSSupport                   string `xml:"dnsSupport"`
	MulticastSupport             string `xml:"multicastSupport"`
}

type tgwXML struct {
	ID           string        `xml:"transitGatewayId"`
	Arn          string        `xml:"transitGatewayArn"`
	State        string        `xml:"state"`
	OwnerID      string        `xml:"ownerId"`
	Description  string        `xml:"description,omitempty"`
	CreationTime string        `xml:"creationTime"`
	Options      tgwOptionsXML `xml:"options"`
	Tags         []tagItem     `xml:"tagSet>item"`
}

func enable(on bool) string {
	if on {
		return "enable"
	}
	return "disable"
}

func tgwOut(c *svc.Ctx, g *world.TransitGateway) tgwXML {
	st := g.State
	if st == "" {
		st = "available"
	}
	asn := g.AmazonSideASN
	if asn == 0 {
		asn = 64512
	}
	rtb := "tgw-rtb-" + suffix(g.ID)
	o := tgwOptionsXML{
		AmazonSideAsn: asn, AutoAcceptSharedAttachments: enable(g.AutoAcceptSharedAttachments),
		DefaultRouteTableAssociation: enable(!g.NoDefaultRouteTableAssociation),
		DefaultRouteTablePropagation: enable(!g.NoDefaultRouteTablePropagation),
		VpnEcmpSupport:               "enable", DNSSupport: "enable", MulticastSupport: "disable",
	}
	if !g.NoDefaultRouteTableAssociation {
		o.AssociationDefaultRouteTable = rtb
	}
	if !g.NoDefaultRouteTablePropagation {
		o.PropagationDefaultRouteTable = rtb
	}
	return tgwXML{g.ID, c.ARN("ec2", "transit-gateway/"+g.ID), st, owner(c), g.Description, ts(g.Created), o, tagSet(g.Tags)}
}

func describeTransitGateways(c *svc.Ctx) (any, error) {
	e := ec2State(c)
	items, err := selectIDs(c, e.TransitGateways, "TransitGatewayIds", func(g *world.TransitGateway) string { return g.ID },
		func(id string) error {
			return invalid("InvalidTransitGatewayID.NotFound", "Transit Gateway %s was deleted or does not exist.", id)
		})
	if err != nil {
		return nil, err
	}
	opt := func(get func(tgwOptionsXML) string) func(*world.TransitGateway) []string {
		return func(g *world.TransitGateway) []string { return one(get(tgwOut(c, g).Options)) }
	}
	fs := filterSet[*world.TransitGateway]{
		"transit-gateway-id":                     func(g *world.TransitGateway) []string { return one(g.ID) },
		"state":                                  func(g *world.TransitGateway) []string { return one(tgwOut(c, g).State) },
		"owner-id":                               func(g *world.TransitGateway) []string { return one(owner(c)) },
		"options.auto-accept-shared-attachments": opt(func(o tgwOptionsXML) string { return o.AutoAcceptSharedAttachments }),
		"options.default-route-table-association": opt(func(o tgwOptionsXML) string {
			return o.DefaultRouteTableAssociation
		}),
		"options.default-route-table-propagation": opt(func(o tgwOptionsXML) string {
			return o.DefaultRouteTablePropagation
		}),
		"options.amazon-side-asn": opt(func(o tgwOptionsXML) string { return strconv.FormatInt(o.AmazonSideAsn, 10) }),
	}
	if items, err = filter(c, items, fs, func(g *world.TransitGateway) map[string]string { return g.Tags }); err != nil {
		return nil, err
	}
	p, next, err := page(c, items, "TransitGatewayIds", std5)
	if err != nil {
		return nil, err
	}
	out := make([]tgwXML, 0, len(p))
	for _, g := range p {
		out = append(out, tgwOut(c, g))
	}
	return struct {
		Gateways  []tgwXML `xml:"transitGatewaySet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{out, next}, nil
}
