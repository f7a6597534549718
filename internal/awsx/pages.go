package awsx

import "context"

// Pages calls page with each pagination token, starting with nil, until it
// returns a nil or empty next token, a token it returned before, or an
// error; it stops when ctx is done, returning ctx.Err().
//
// It replaces the SDK's New...Paginator helpers, which take the client as
// an interface: with text/template or html/template in the binary, that
// conversion links every operation of the service (the whole of EC2 is
// about 40 MB). The closure calls the concrete client's method instead and
// maps the operation's own token fields (NextToken, Marker/NextMarker,
// ContinuationToken) to and from token:
//
//	err := awsx.Pages(ctx, func(ctx context.Context, token *string) (*string, error) {
//		page, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{MaxResults: aws.Int32(1000), NextToken: token})
//		if err != nil {
//			return nil, err
//		}
//		// use page
//		return page.NextToken, nil
//	})
//
// Unlike the SDK paginators (which loop forever on a service that keeps
// answering the same token) a repeated token ends the listing.
func Pages(ctx context.Context, page func(ctx context.Context, token *string) (next *string, err error)) error {
	var token *string
	var seen map[string]bool
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		next, err := page(ctx, token)
		if err != nil {
			return err
		}
		if next == nil || *next == "" || seen[*next] {
			return nil
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		seen[*next] = true
		token = next
	}
}
