package worker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqsapi "github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// batchSize is the most entries SendMessageBatch takes.
const batchSize = 10

// Dispatch sends msgs to queue, ten to a SendMessageBatch call. Entries
// SQS failed on its side (SenderFault false) are sent again, up to three
// times; an entry refused as the caller's fault, or still failing, is an
// error naming the account. callTimeout bounds each call.
func Dispatch(ctx context.Context, client *sqsapi.Client, queue string, msgs []Message, callTimeout time.Duration) error {
	if callTimeout <= 0 {
		callTimeout = 30 * time.Second
	}
	send := client.SendMessageBatch
	var errs []error
	for start := 0; start < len(msgs); start += batchSize {
		batch := msgs[start:min(start+batchSize, len(msgs))]
		pending := map[string]sqstypes.SendMessageBatchRequestEntry{}
		account := map[string]string{}
		for i, m := range batch {
			body, err := m.Encode()
			if err != nil {
				return fmt.Errorf("dispatch account %s: %w", m.Account.ID, err)
			}
			id := strconv.Itoa(start + i)
			pending[id] = sqstypes.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String(body)}
			account[id] = m.Account.ID
		}
		for attempt := 1; len(pending) > 0; attempt++ {
			entries := make([]sqstypes.SendMessageBatchRequestEntry, 0, len(pending))
			for _, e := range pending {
				entries = append(entries, e)
			}
			cctx, cancel := context.WithTimeout(ctx, callTimeout)
			out, err := send(cctx, &sqsapi.SendMessageBatchInput{QueueUrl: aws.String(queue), Entries: entries})
			cancel()
			if err != nil {
				return fmt.Errorf("dispatch to %s: send message batch: %w", queue, err)
			}
			for _, s := range out.Successful {
				delete(pending, aws.ToString(s.Id))
			}
			retry := false
			for _, f := range out.Failed {
				id := aws.ToString(f.Id)
				if _, ok := pending[id]; !ok {
					continue
				}
				if f.SenderFault || attempt == 3 {
					errs = append(errs, fmt.Errorf("dispatch account %s to %s: %s: %s", account[id], queue, aws.ToString(f.Code), aws.ToString(f.Message)))
					delete(pending, id)
					continue
				}
				retry = true
			}
			if !retry && len(pending) > 0 {
				// Neither successful nor failed: an answer SQS does not give.
				var ids []string
				for id := range pending {
					ids = append(ids, account[id])
				}
				return fmt.Errorf("dispatch to %s: send message batch answered nothing for accounts %s", queue, strings.Join(ids, ", "))
			}
		}
	}
	return errors.Join(errs...)
}
