package notify

import (
	"fmt"
	"strings"
)

// Slack incoming webhooks take a Block Kit message: a fallback text (the
// push notification) and blocks. Block Kit's limits, which Slack enforces
// with 400 invalid_blocks: a header's plain text at most 150 characters,
// a section's text 3000, at most 10 fields of 2000 each, at most 10
// context elements, at most 50 blocks.
// https://api.slack.com/reference/block-kit/blocks

type slackText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

type slackBlock struct {
	Type      string       `json:"type"`
	Text      *slackText   `json:"text,omitempty"`
	Fields    []slackText  `json:"fields,omitempty"`
	Elements  []slackText  `json:"elements,omitempty"`
	Accessory *slackButton `json:"accessory,omitempty"`
}

type slackButton struct {
	Type string    `json:"type"`
	Text slackText `json:"text"`
	URL  string    `json:"url"`
}

type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// mrkdwn escapes the three characters Slack's mrkdwn reserves.
func mrkdwn(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func header(s string) slackBlock {
	return slackBlock{Type: "header", Text: &slackText{Type: "plain_text", Text: truncate(s, 150)}}
}

func section(s string) slackBlock {
	return slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: truncate(s, 3000)}}
}

func slackContext(s string) slackBlock {
	return slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: truncate(s, 3000)}}}
}

var severityEmoji = map[string]string{
	"CRITICAL": ":red_circle:", "HIGH": ":large_orange_circle:", "MEDIUM": ":large_yellow_circle:",
	"LOW": ":large_blue_circle:", "INFORMATIONAL": ":white_circle:",
}

func (s *Sender) slack(m Message) slackMessage {
	if m.Digest || len(m.Events) > 1 {
		return s.slackDigest(m)
	}
	v := s.view(&m.Events[0], m.Test)
	out := slackMessage{Text: truncate(mrkdwn(v.Headline), 3000)}
	out.Blocks = append(out.Blocks, header(v.Headline))
	var fields []slackText
	for _, f := range v.Facts {
		if len(fields) == 10 {
			break
		}
		fields = append(fields, slackText{Type: "mrkdwn", Text: truncate("*"+f.Label+"*\n"+mrkdwn(f.Value), 2000)})
	}
	if len(fields) > 0 {
		out.Blocks = append(out.Blocks, slackBlock{Type: "section", Fields: fields})
	}
	if v.Body != "" {
		out.Blocks = append(out.Blocks, section(mrkdwn(v.Body)))
	}
	if v.Evidence != "" {
		out.Blocks = append(out.Blocks, section("*Evidence*\n```"+truncate(mrkdwn(v.Evidence), 2900)+"```"))
	}
	if v.Fix != "" {
		out.Blocks = append(out.Blocks, section("*How to fix*\n"+mrkdwn(v.Fix)))
	}
	if v.Link != "" {
		out.Blocks = append(out.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: "Open in Guardrail"},
			Accessory: &slackButton{Type: "button", Text: slackText{Type: "plain_text", Text: "View"}, URL: v.Link}})
	}
	out.Blocks = append(out.Blocks, slackContext(severityEmoji[v.Severity]+" "+v.Severity+" · "+word(v.Change)+" · Guardrail"))
	return out
}

func (s *Sender) slackDigest(m Message) slackMessage {
	d := s.digest(m)
	out := slackMessage{Text: truncate(mrkdwn(d.Headline+": "+d.counts()), 3000)}
	out.Blocks = append(out.Blocks, header(d.Headline))
	var fields []slackText
	for _, c := range d.BySeverity {
		fields = append(fields, slackText{Type: "mrkdwn", Text: fmt.Sprintf("%s *%s*\n%d", severityEmoji[c.Label], c.Label, c.N)})
	}
	for _, c := range d.ByChange {
		if len(fields) == 10 {
			break
		}
		fields = append(fields, slackText{Type: "mrkdwn", Text: fmt.Sprintf("*%s*\n%d", c.Label, c.N)})
	}
	out.Blocks = append(out.Blocks, slackBlock{Type: "section", Fields: fields})
	// The worst items, one line each, packed into sections of at most
	// 3000 characters (and at most 40 blocks in all).
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 && len(out.Blocks) < 45 {
			out.Blocks = append(out.Blocks, section(b.String()))
		}
		b.Reset()
	}
	for _, e := range d.Worst {
		l := "• " + mrkdwn(truncate(line(e), 500)) + "\n"
		if b.Len()+len(l) > 3000 {
			flush()
		}
		b.WriteString(l)
	}
	flush()
	foot := "Guardrail"
	if d.More > 0 {
		foot = fmt.Sprintf("and %d more · Guardrail", d.More)
	}
	if d.Link != "" {
		foot += " · <" + d.Link + "|Open the dashboard>"
	}
	out.Blocks = append(out.Blocks, slackContext(foot))
	return out
}
