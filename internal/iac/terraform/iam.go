package terraform

type iamState struct{}

func newIAMState() *iamState        { return &iamState{} }
func (st *iamState) finish(*builder) {}
