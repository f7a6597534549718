package notify

import (
	"context"
	"errors"
)

type snsPublisher any

func (s *Sender) slack(m Message) any { return nil }
func (s *Sender) teams(m Message) any { return nil }
func (s *Sender) postJSON(ctx context.Context, d *Destination, u string, v any, h map[string]string) (Receipt, error) {
	return Receipt{}, errors.New("not yet")
}
func (s *Sender) webhook(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	return Receipt{}, errors.New("not yet")
}
func (s *Sender) email(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	return Receipt{}, errors.New("not yet")
}
func (s *Sender) publish(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	return Receipt{}, errors.New("not yet")
}
func (s *Sender) jira(ctx context.Context, d *Destination, m Message) (Receipt, error) {
	return Receipt{}, errors.New("not yet")
}
