package item

import (
	"sync"
	"unsafe"

	aaapi "github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	ctapi "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cfgapi "github.com/aws/aws-sdk-go-v2/service/configservice"
	dtapi "github.com/aws/aws-sdk-go-v2/service/detective"
	ec2api "github.com/aws/aws-sdk-go-v2/service/ec2"
	gdapi "github.com/aws/aws-sdk-go-v2/service/guardduty"
	inapi "github.com/aws/aws-sdk-go-v2/service/inspector2"
	orgapi "github.com/aws/aws-sdk-go-v2/service/organizations"
	s3api "github.com/aws/aws-sdk-go-v2/service/s3"
	s3controlapi "github.com/aws/aws-sdk-go-v2/service/s3control"
	shapi "github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// Clients keeps the SDK clients of one Env, each made on its first use:
// the items of a task (one service in one target) share a client, and
// with it its signing key (derived per client), retryer and endpoint
// resolver, instead of making all of them again for every call. The
// zero value is ready; with a nil *Clients every call makes its own
// client.
//
// The clients are kept as unsafe.Pointer, not as typed fields: Env is
// reachable from an interface type (Item's methods take an Env), and a
// type reachable from an interface makes the linker keep every method of
// the types in its fields. Typed *ec2.Client and kin fields here linked
// every operation of eleven services (the binary went from 78 to 151 MiB;
// see the size guard in .ci/run). Each slot holds only the client type
// its accessor below puts there.
type Clients struct {
	mu sync.Mutex
	p  [slots]unsafe.Pointer
}

// The slots of Clients, one per service.
const (
	slotAccessAnalyzer = iota
	slotCloudTrail
	slotConfig
	slotDetective
	slotEC2
	slotGuardDuty
	slotInspector2
	slotOrganizations
	slotS3
	slotS3Control
	slotSecurityHub
	slots
)

// cached returns env's client in slot, made with mk the first time
// (with a nil Clients, every time). It is not generic on purpose: a
// generic function's dictionary, too, makes its type arguments reachable
// from an interface.
func (env Env) cached(slot int, mk func() unsafe.Pointer) unsafe.Pointer {
	k := env.Clients
	if k == nil {
		return mk()
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p[slot] == nil {
		k.p[slot] = mk()
	}
	return k.p[slot]
}

func (env Env) accessAnalyzer() *aaapi.Client {
	return (*aaapi.Client)(env.cached(slotAccessAnalyzer, func() unsafe.Pointer { return unsafe.Pointer(aaapi.NewFromConfig(env.Config)) }))
}

func (env Env) cloudTrail() *ctapi.Client {
	return (*ctapi.Client)(env.cached(slotCloudTrail, func() unsafe.Pointer { return unsafe.Pointer(ctapi.NewFromConfig(env.Config)) }))
}

func (env Env) configService() *cfgapi.Client {
	return (*cfgapi.Client)(env.cached(slotConfig, func() unsafe.Pointer { return unsafe.Pointer(cfgapi.NewFromConfig(env.Config)) }))
}

func (env Env) detective() *dtapi.Client {
	return (*dtapi.Client)(env.cached(slotDetective, func() unsafe.Pointer { return unsafe.Pointer(dtapi.NewFromConfig(env.Config)) }))
}

func (env Env) ec2() *ec2api.Client {
	return (*ec2api.Client)(env.cached(slotEC2, func() unsafe.Pointer { return unsafe.Pointer(ec2api.NewFromConfig(env.Config)) }))
}

func (env Env) guardDuty() *gdapi.Client {
	return (*gdapi.Client)(env.cached(slotGuardDuty, func() unsafe.Pointer { return unsafe.Pointer(gdapi.NewFromConfig(env.Config)) }))
}

func (env Env) inspector2() *inapi.Client {
	return (*inapi.Client)(env.cached(slotInspector2, func() unsafe.Pointer { return unsafe.Pointer(inapi.NewFromConfig(env.Config)) }))
}

func (env Env) organizations() *orgapi.Client {
	return (*orgapi.Client)(env.cached(slotOrganizations, func() unsafe.Pointer { return unsafe.Pointer(orgapi.NewFromConfig(env.Config)) }))
}

func (env Env) s3() *s3api.Client {
	return (*s3api.Client)(env.cached(slotS3, func() unsafe.Pointer { return unsafe.Pointer(s3api.NewFromConfig(env.Config)) }))
}

func (env Env) s3Control() *s3controlapi.Client {
	return (*s3controlapi.Client)(env.cached(slotS3Control, func() unsafe.Pointer { return unsafe.Pointer(s3controlapi.NewFromConfig(env.Config)) }))
}

func (env Env) securityHub() *shapi.Client {
	return (*shapi.Client)(env.cached(slotSecurityHub, func() unsafe.Pointer { return unsafe.Pointer(shapi.NewFromConfig(env.Config)) }))
}
