package notify

import "fmt"

// Microsoft Teams takes an Adaptive Card, wrapped in the message format
// that both the Workflows "post to a channel when a webhook request is
// received" trigger and the retired Office 365 connector webhooks
// accept: {"type": "message", "attachments": [{"contentType":
// "application/vnd.microsoft.card.adaptive", "content": <card>}]}.
// Version 1.4 of the card schema is the newest every Teams client
// renders. Teams rejects a message over about 28 KB, so long texts are
// cut.

type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string       `json:"contentType"`
	ContentURL  *string      `json:"contentUrl"`
	Content     adaptiveCard `json:"content"`
}

type adaptiveCard struct {
	Schema  string            `json:"$schema"`
	Type    string            `json:"type"`
	Version string            `json:"version"`
	Body    []acItem          `json:"body"`
	Actions []acItem          `json:"actions,omitempty"`
	MSTeams map[string]string `json:"msteams,omitempty"`
}

// acItem is one element of a card (TextBlock, FactSet, Action.OpenUrl).
type acItem struct {
	Type     string   `json:"type"`
	Text     string   `json:"text,omitempty"`
	Size     string   `json:"size,omitempty"`
	Weight   string   `json:"weight,omitempty"`
	Color    string   `json:"color,omitempty"`
	Wrap     bool     `json:"wrap,omitempty"`
	FontType string   `json:"fontType,omitempty"`
	IsSubtle bool     `json:"isSubtle,omitempty"`
	Facts    []acFact `json:"facts,omitempty"`
	Title    string   `json:"title,omitempty"`
	URL      string   `json:"url,omitempty"`
}

type acFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

func severityColor(sev string) string {
	switch sev {
	case "CRITICAL", "HIGH":
		return "Attention"
	case "MEDIUM":
		return "Warning"
	}
	return "Default"
}

func (s *Sender) teams(m Message) teamsMessage {
	card := adaptiveCard{Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Type: "AdaptiveCard", Version: "1.4",
		MSTeams: map[string]string{"width": "Full"}}
	text := func(t string) acItem { return acItem{Type: "TextBlock", Text: truncate(t, 4000), Wrap: true} }
	if m.Digest || len(m.Events) > 1 {
		d := s.digest(m)
		card.Body = append(card.Body, acItem{Type: "TextBlock", Text: d.Headline, Size: "Large", Weight: "Bolder", Wrap: true})
		var facts []acFact
		for _, c := range d.BySeverity {
			facts = append(facts, acFact{c.Label, fmt.Sprint(c.N)})
		}
		for _, c := range d.ByChange {
			facts = append(facts, acFact{c.Label, fmt.Sprint(c.N)})
		}
		card.Body = append(card.Body, acItem{Type: "FactSet", Facts: facts})
		for _, e := range d.Worst {
			card.Body = append(card.Body, text("- "+truncate(line(e), 500)))
		}
		if d.More > 0 {
			card.Body = append(card.Body, acItem{Type: "TextBlock", Text: fmt.Sprintf("and %d more", d.More), IsSubtle: true, Wrap: true})
		}
		if d.Link != "" {
			card.Actions = append(card.Actions, acItem{Type: "Action.OpenUrl", Title: "Open the dashboard", URL: d.Link})
		}
	} else {
		v := s.view(&m.Events[0], m.Test)
		card.Body = append(card.Body, acItem{Type: "TextBlock", Text: v.Headline, Size: "Large", Weight: "Bolder", Color: severityColor(v.Severity), Wrap: true})
		var facts []acFact
		for _, f := range v.Facts {
			facts = append(facts, acFact{f.Label, truncate(f.Value, 1000)})
		}
		if len(facts) > 0 {
			card.Body = append(card.Body, acItem{Type: "FactSet", Facts: facts})
		}
		if v.Body != "" {
			card.Body = append(card.Body, text(v.Body))
		}
		if v.Evidence != "" {
			card.Body = append(card.Body, acItem{Type: "TextBlock", Text: "Evidence", Weight: "Bolder"},
				acItem{Type: "TextBlock", Text: truncate(v.Evidence, 8000), FontType: "Monospace", Wrap: true})
		}
		if v.Fix != "" {
			card.Body = append(card.Body, acItem{Type: "TextBlock", Text: "How to fix", Weight: "Bolder"}, text(v.Fix))
		}
		if v.Link != "" {
			card.Actions = append(card.Actions, acItem{Type: "Action.OpenUrl", Title: "Open in Guardrail", URL: v.Link})
		}
	}
	return teamsMessage{Type: "message", Attachments: []teamsAttachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: card}}}
}
