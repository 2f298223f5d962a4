package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/money"
)

// Meta's analytics: what the Graph API's pricing_analytics and conversation_analytics
// fields of a WhatsApp Business Account return (docs/formats.md, "Meta's analytics").
// A response is
//
//	{"pricing_analytics": {"data": [{"data_points": [{…}, …]}], "paging": {…}}, "id": …}
//
// (conversation_analytics alike); a further page, fetched from paging.next, is the
// field's value on its own, {"data": [{"data_points": …}], "paging": …}. A file may hold
// one response or page, a JSON array of them, or several one after another (one a
// line, as a script that follows paging.next appends them). Each data point has start
// and end (Unix seconds), and by the request's dimensions country, phone_number,
// pricing_category / conversation_category, pricing_type / conversation_type, tier, and
// its metrics volume / conversation and cost (in the account's currency, approximate).

// Analytics names the analytics field a data point came from.
type Analytics uint8

const (
	PricingAnalytics      Analytics = iota + 1 // messages delivered, by pricing category and type (PMP)
	ConversationAnalytics                      // conversations, by conversation category and type (CBP)
)

func (a Analytics) String() string {
	switch a {
	case PricingAnalytics:
		return "pricing_analytics"
	case ConversationAnalytics:
		return "conversation_analytics"
	}
	return ""
}

// AnalyticsPoint is one data point, in spendsim's vocabulary. A dimension the request
// did not break down by is empty (CatNone, TypeNone, "").
type AnalyticsPoint struct {
	Source     Analytics
	Start, End model.Time
	Country    string // ISO 3166-1 alpha-2, upper case
	Phone      string // the business phone number (display form)
	Category   Category
	Type       Type
	Tier       string // "0:750000", "750001:MAX", as given
	Count      int64  // messages (volume) or conversations (conversation)
	Cost       money.Micros
	HasCost    bool   // false where the response carried no cost (a partner-billed account)
	Where      string // "file: response 2, data point 7", for errors and reports
}

// ReadAnalytics reads every data point of the analytics responses in data, named name
// in errors. Costs are read from their decimal text exactly; a cost finer than a micro
// (Meta's figures are approximate) is rounded half away from zero to the micro.
func ReadAnalytics(data []byte, name string) ([]AnalyticsPoint, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []AnalyticsPoint
	n := 0
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: not JSON (after %d responses): %w", name, n, err)
		}
		var vals []json.RawMessage
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
			if err := json.Unmarshal(raw, &vals); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		} else {
			vals = []json.RawMessage{raw}
		}
		for _, v := range vals {
			n++
			pts, err := readResponse(v, fmt.Sprintf("%s: response %d", name, n))
			if err != nil {
				return nil, err
			}
			out = append(out, pts...)
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: empty: no analytics response", name)
	}
	return out, nil
}

type anResponse struct {
	Pricing      *anField          `json:"pricing_analytics"`
	Conversation *anField          `json:"conversation_analytics"`
	Data         []anData          `json:"data"`
	DataPoints   []json.RawMessage `json:"data_points"`
	Error        *struct {
		Message string `json:"message"`
	} `json:"error"`
}

type anField struct {
	Data []anData `json:"data"`
}

type anData struct {
	DataPoints []json.RawMessage `json:"data_points"`
}

type anPoint struct {
	Start, End           *json.Number
	Country              string       `json:"country"`
	Phone                string       `json:"phone_number"`
	PricingCategory      string       `json:"pricing_category"`
	PricingType          string       `json:"pricing_type"`
	ConversationCategory string       `json:"conversation_category"`
	ConversationType     string       `json:"conversation_type"`
	Direction            string       `json:"conversation_direction"`
	Tier                 string       `json:"tier"`
	Volume               *json.Number `json:"volume"`
	Conversation         *json.Number `json:"conversation"`
	Cost                 *json.Number `json:"cost"`
}

func readResponse(raw json.RawMessage, where string) ([]AnalyticsPoint, error) {
	var r anResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if r.Error != nil {
		return nil, fmt.Errorf("%s: an error response, not analytics: %q", where, r.Error.Message)
	}
	var src Analytics
	var data []anData
	switch {
	case r.Pricing != nil && r.Conversation != nil:
		return nil, fmt.Errorf("%s: both pricing_analytics and conversation_analytics: give one per response", where)
	case r.Pricing != nil:
		src, data = PricingAnalytics, r.Pricing.Data
	case r.Conversation != nil:
		src, data = ConversationAnalytics, r.Conversation.Data
	case r.Data != nil:
		data = r.Data // a page: the kind is told by its points
	case r.DataPoints != nil:
		data = []anData{{DataPoints: r.DataPoints}}
	default:
		return nil, fmt.Errorf("%s: none of pricing_analytics, conversation_analytics, data or data_points: not a Graph API analytics response", where)
	}
	var out []AnalyticsPoint
	k := 0
	for _, d := range data {
		for _, rp := range d.DataPoints {
			k++
			p, err := readPoint(rp, src, fmt.Sprintf("%s, data point %d", where, k))
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}

func readPoint(raw json.RawMessage, src Analytics, where string) (AnalyticsPoint, error) {
	var ap anPoint
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&ap); err != nil {
		return AnalyticsPoint{}, fmt.Errorf("%s: %w", where, err)
	}
	p := AnalyticsPoint{Source: src, Where: where, Phone: ap.Phone, Tier: ap.Tier}
	bad := func(field, format string, a ...any) (AnalyticsPoint, error) {
		return AnalyticsPoint{}, fmt.Errorf("%s: %s: %s", where, field, fmt.Sprintf(format, a...))
	}
	switch {
	case ap.Volume != nil && ap.Conversation != nil:
		return bad("volume", "and conversation both given: a point is of pricing_analytics or conversation_analytics")
	case src == 0 && ap.Volume != nil:
		p.Source = PricingAnalytics
	case src == 0 && ap.Conversation != nil:
		p.Source = ConversationAnalytics
	case src == 0:
		return bad("volume", "missing, as is conversation: a page whose points carry neither is of no known analytics field")
	case src == PricingAnalytics && ap.Conversation != nil:
		return bad("conversation", "in a pricing_analytics response (its points count volume)")
	case src == ConversationAnalytics && ap.Volume != nil:
		return bad("volume", "in a conversation_analytics response (its points count conversation)")
	}
	var err error
	for _, f := range []struct {
		name string
		v    *json.Number
		dst  *model.Time
	}{{"start", ap.Start, &p.Start}, {"end", ap.End, &p.End}} {
		if f.v == nil {
			return bad(f.name, "missing (required: Unix seconds)")
		}
		s, err := f.v.Int64()
		if err != nil || s < 0 || s > 1<<40 {
			return bad(f.name, "%q is not a time in Unix seconds", f.v.String())
		}
		*f.dst = model.Time(s * 1000)
	}
	if p.End < p.Start {
		return bad("end", "before start")
	}
	count := ap.Volume
	if p.Source == ConversationAnalytics {
		count = ap.Conversation
	}
	if count != nil {
		if p.Count, err = count.Int64(); err != nil || p.Count < 0 {
			return bad("volume", "%q is not a count", count.String())
		}
	}
	if ap.Cost != nil {
		if p.Cost, err = costMicros(ap.Cost.String()); err != nil {
			return bad("cost", "%v", err)
		}
		p.HasCost = true
	}
	if c := ap.Country; c != "" {
		if len(c) != 2 || !isLetter(c[0]) || !isLetter(c[1]) {
			return bad("country", "%q is not an ISO 3166-1 alpha-2 code", c)
		}
		p.Country = strings.ToUpper(c)
	}
	cat, typ := ap.PricingCategory, ap.PricingType
	if p.Source == ConversationAnalytics {
		cat, typ = ap.ConversationCategory, ap.ConversationType
		if cat == "" && ap.Direction != "" && ap.Direction != "UNKNOWN" {
			cat = ap.Direction // CBP 2022: BUSINESS_INITIATED, USER_INITIATED
		}
	}
	if cat != "" {
		c, ok := analyticsCategory(cat)
		if !ok {
			return bad("category", "%q is not one of AUTHENTICATION, AUTHENTICATION_INTERNATIONAL, MARKETING, MARKETING_LITE, SERVICE, UTILITY, REFERRAL_CONVERSION, USER_INITIATED, BUSINESS_INITIATED", cat)
		}
		p.Category = c
	}
	if typ != "" {
		t, ok := analyticsType(typ)
		if !ok {
			return bad("type", "%q is not one of REGULAR, FREE_CUSTOMER_SERVICE, FREE_ENTRY_POINT (FREE_ENTRY), FREE_TIER", typ)
		}
		p.Type = t
	}
	return p, nil
}

func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }

// analyticsCategory reads a category as the analytics write it (upper case).
func analyticsCategory(s string) (Category, bool) {
	s = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for c := Marketing; c < NumCategories; c++ {
		if c != Template && categoryNames[c] == s {
			return c, true
		}
	}
	return CatNone, false
}

func analyticsType(s string) (Type, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "REGULAR":
		return Regular, true
	case "FREE_CUSTOMER_SERVICE":
		return FreeCustomerService, true
	case "FREE_ENTRY_POINT", "FREE_ENTRY":
		return FreeEntryPoint, true
	case "FREE_TIER":
		return FreeTier, true
	}
	return TypeNone, false
}

// costMicros reads a JSON number exactly (exponents included), rounded half away from
// zero to the micro.
func costMicros(s string) (money.Micros, error) {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	r.Mul(r, big.NewRat(int64(money.PerUnit), 1))
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Sign() != 0 && new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	if !q.IsInt64() || q.Int64() < 0 {
		return 0, fmt.Errorf("%q is negative or too large", s)
	}
	return money.Micros(q.Int64()), nil
}
