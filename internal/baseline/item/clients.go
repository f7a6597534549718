package item

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
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
// clients are typed fields, never interface values (see the package
// doc). The zero value is ready; with a nil *Clients every call makes
// its own client.
type Clients struct {
	mu             sync.Mutex
	accessanalyzer *aaapi.Client
	cloudtrail     *ctapi.Client
	config         *cfgapi.Client
	detective      *dtapi.Client
	ec2            *ec2api.Client
	guardduty      *gdapi.Client
	inspector2     *inapi.Client
	organizations  *orgapi.Client
	s3             *s3api.Client
	s3control      *s3controlapi.Client
	securityhub    *shapi.Client
}

// client returns env's client in the field f picks, made with mk from
// env.Config the first time.
func client[C, O any](env Env, f func(*Clients) **C, mk func(aws.Config, ...func(*O)) *C) *C {
	k := env.Clients
	if k == nil {
		return mk(env.Config)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	p := f(k)
	if *p == nil {
		*p = mk(env.Config)
	}
	return *p
}

func (env Env) accessAnalyzer() *aaapi.Client {
	return client(env, func(k *Clients) **aaapi.Client { return &k.accessanalyzer }, aaapi.NewFromConfig)
}

func (env Env) cloudTrail() *ctapi.Client {
	return client(env, func(k *Clients) **ctapi.Client { return &k.cloudtrail }, ctapi.NewFromConfig)
}

func (env Env) configService() *cfgapi.Client {
	return client(env, func(k *Clients) **cfgapi.Client { return &k.config }, cfgapi.NewFromConfig)
}

func (env Env) detective() *dtapi.Client {
	return client(env, func(k *Clients) **dtapi.Client { return &k.detective }, dtapi.NewFromConfig)
}

func (env Env) ec2() *ec2api.Client {
	return client(env, func(k *Clients) **ec2api.Client { return &k.ec2 }, ec2api.NewFromConfig)
}

func (env Env) guardDuty() *gdapi.Client {
	return client(env, func(k *Clients) **gdapi.Client { return &k.guardduty }, gdapi.NewFromConfig)
}

func (env Env) inspector2() *inapi.Client {
	return client(env, func(k *Clients) **inapi.Client { return &k.inspector2 }, inapi.NewFromConfig)
}

func (env Env) organizations() *orgapi.Client {
	return client(env, func(k *Clients) **orgapi.Client { return &k.organizations }, orgapi.NewFromConfig)
}

func (env Env) s3() *s3api.Client {
	return client(env, func(k *Clients) **s3api.Client { return &k.s3 }, s3api.NewFromConfig)
}

func (env Env) s3Control() *s3controlapi.Client {
	return client(env, func(k *Clients) **s3controlapi.Client { return &k.s3control }, s3controlapi.NewFromConfig)
}

func (env Env) securityHub() *shapi.Client {
	return client(env, func(k *Clients) **shapi.Client { return &k.securityhub }, shapi.NewFromConfig)
}
