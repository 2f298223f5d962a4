package trace

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// The shapes a webhook log's lines come in (see webhook.go), as encoding/json reads
// them, and Meta's words for a message's category.

// whLine is one line of a log, in any of the shapes above: the envelope (Object,
// Entry), one change (Field, Value), or a value on its own (the embedded whValue).
type whLine struct {
	Object *string   `json:"object"`
	Entry  []whEntry `json:"entry"`
	Field  *string   `json:"field"`
	Value  *whValue  `json:"value"`
	whValue
}

type whEntry struct {
	Changes []whChange `json:"changes"`
}

type whChange struct {
	Field string  `json:"field"`
	Value whValue `json:"value"`
}

type whValue struct {
	MessagingProduct *string `json:"messaging_product"`
	Metadata         *struct {
		PhoneNumberID flexString `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts []whContact `json:"contacts"`
	Messages []whMessage `json:"messages"`
	Statuses []whStatus  `json:"statuses"`
}

type whContact struct {
	WaID   flexString `json:"wa_id"`
	UserID string     `json:"user_id"`
}

type whMessage struct {
	From       flexString      `json:"from"`
	FromUserID string          `json:"from_user_id"`
	ID         string          `json:"id"`
	Timestamp  flexString      `json:"timestamp"`
	Type       string          `json:"type"`
	Referral   json.RawMessage `json:"referral"`
}

type whStatus struct {
	ID              string     `json:"id"`
	MetaMsgID       string     `json:"meta_msg_id"` // a BSP's (Gupshup's) copy of Meta's id when id is its own
	Status          string     `json:"status"`
	Type            string     `json:"type"`
	Timestamp       flexString `json:"timestamp"`
	RecipientID     flexString `json:"recipient_id"`
	RecipientType   string     `json:"recipient_type"`
	RecipientUserID string     `json:"recipient_user_id"`
	Message         *struct {
		RecipientID flexString `json:"recipient_id"`
	} `json:"message"` // On-Premises
	Conversation *struct {
		ID     string `json:"id"`
		Origin *struct {
			Type string `json:"type"`
		} `json:"origin"`
	} `json:"conversation"`
	Pricing *struct {
		Billable     *bool  `json:"billable"`
		PricingModel string `json:"pricing_model"`
		Type         string `json:"type"`
		Category     string `json:"category"`
	} `json:"pricing"`
}

// webhookKeys are the keys of Meta's payloads that spendsim reads, exactly as Meta
// writes them: a key given twice, or in another case, is an error (jsonkeys.go).
var webhookKeys = newKeyRules(jsonTags(reflect.TypeOf(whLine{}))...)

// flexString accepts a JSON string or number: Meta sends timestamps and numbers as
// strings, but logs that went through other tools sometimes hold numbers.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}

// isWebhookPayload reports whether a JSON line is a webhook payload, by its keys: the
// envelope, one change, or a value (On-Premises payloads included). Trace rows (JSONL)
// have none of these keys.
func isWebhookPayload(line []byte) bool {
	var p struct {
		Object   *string          `json:"object"`
		Entry    *json.RawMessage `json:"entry"`
		Value    *json.RawMessage `json:"value"`
		Statuses *json.RawMessage `json:"statuses"`
		Messages *json.RawMessage `json:"messages"`
	}
	return json.Unmarshal(line, &p) == nil &&
		(p.Object != nil && p.Entry != nil || p.Value != nil || p.Statuses != nil || p.Messages != nil)
}

// webhookCategory maps Meta's pricing.category and conversation.origin.type
// (docs/formats.md, "Meta webhooks"), read as pricing reads Meta's words
// (pricing.ParseCategory), to a message's kind and category. marketing_lite (the
// Marketing Messages Lite API) is marketing. business_initiated (CBP 2022) names no
// category; it reads as a marketing template, the dearest, so counterfactual bills err
// high.
func webhookCategory(s string) (model.Kind, model.Category, bool) {
	if s == "marketing_lite" {
		return model.Template, model.Marketing, true
	}
	c, ok := pricing.ParseCategory(s)
	if !ok {
		return 0, 0, false
	}
	switch c {
	case pricing.Marketing, pricing.BusinessInitiated:
		return model.Template, model.Marketing, true
	case pricing.Utility:
		return model.Template, model.Utility, true
	case pricing.Authentication, pricing.AuthenticationInternational:
		return model.Template, model.Authentication, true
	case pricing.Service, pricing.UserInitiated, pricing.ReferralConversion:
		return model.Text, model.CatNone, true
	}
	return 0, 0, false // NBP's template is a rate-card column, not a webhook's word
}

// badCategory is what a webhook's category may be: Meta's categories (pricing.Categories).
var badCategory = func() string {
	var names []string
	for _, c := range pricing.Categories() {
		names = append(names, c.String())
	}
	return " is not one of " + strings.Join(names, ", ")
}()
