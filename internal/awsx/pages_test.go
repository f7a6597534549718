package awsx

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestPages(t *testing.T) {
	boom := errors.New("boom")
	type answer struct {
		next *string
		err  error
	}
	for _, tc := range []struct {
		name    string
		answers []answer // the page function's answers, in order
		cancel  int      // cancel the context during this call (1-based; 0: never)
		precanc bool     // context done before Pages is called
		calls   []string // tokens the page function is called with ("<nil>" for nil)
		err     error
	}{
		{name: "one page, nil token", answers: []answer{{}}, calls: []string{"<nil>"}},
		{name: "one page, empty token", answers: []answer{{next: aws.String("")}}, calls: []string{"<nil>"}},
		{
			name:    "three pages",
			answers: []answer{{next: aws.String("a")}, {next: aws.String("b")}, {}},
			calls:   []string{"<nil>", "a", "b"},
		},
		{
			name:    "last page has an empty token",
			answers: []answer{{next: aws.String("a")}, {next: aws.String("")}},
			calls:   []string{"<nil>", "a"},
		},
		{
			name:    "same token twice in a row",
			answers: []answer{{next: aws.String("a")}, {next: aws.String("a")}, {next: aws.String("never")}},
			calls:   []string{"<nil>", "a"},
		},
		{
			name:    "token repeated later",
			answers: []answer{{next: aws.String("a")}, {next: aws.String("b")}, {next: aws.String("a")}, {next: aws.String("never")}},
			calls:   []string{"<nil>", "a", "b"},
		},
		{name: "error on the first page", answers: []answer{{err: boom}}, calls: []string{"<nil>"}, err: boom},
		{
			name:    "error on a later page",
			answers: []answer{{next: aws.String("a")}, {err: boom, next: aws.String("ignored")}},
			calls:   []string{"<nil>", "a"},
			err:     boom,
		},
		{
			name:    "context done before the first page",
			answers: []answer{{}},
			precanc: true,
			err:     context.Canceled,
		},
		{
			name:    "context done between pages",
			answers: []answer{{next: aws.String("a")}, {next: aws.String("b")}, {}},
			cancel:  2,
			calls:   []string{"<nil>", "a"},
			err:     context.Canceled,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.precanc {
				cancel()
			}
			var calls []string
			err := Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
				if len(calls) == len(tc.answers) {
					t.Fatalf("called %d times, with %q after %q", len(calls)+1, aws.ToString(token), calls)
				}
				s := "<nil>"
				if token != nil {
					s = *token
				}
				calls = append(calls, s)
				if len(calls) == tc.cancel {
					cancel()
				}
				a := tc.answers[len(calls)-1]
				return a.next, a.err
			})
			if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Errorf("err = %v, want %v", err, tc.err)
			}
			if !slices.Equal(calls, tc.calls) {
				t.Errorf("called with %q, want %q", calls, tc.calls)
			}
		})
	}
}
