package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// Meta's tiering webhook: from 2025-10-01 an account_update webhook with event
// VOLUME_BASED_PRICING_TIER_UPDATE is sent when the account reaches a new volume tier
// in a market in a month (Meta, Pricing, "Tiering webhooks"):
//
//	{"object": "whatsapp_business_account", "entry": [{"id": …, "time": …, "changes": [{
//	  "field": "account_update", "value": {"event": "VOLUME_BASED_PRICING_TIER_UPDATE",
//	  "volume_tier_info": {"tier_update_time": 1743451903, "pricing_category": "UTILITY",
//	  "tier": "25000001:50000000", "effective_month": "2025-11", "region": "India"}}}]}]}
//
// tier_update_time is when the account reached the tier, pricing_category the template
// category whose rate it changes, tier the band's bounds, effective_month the month the
// band's rate applies in, region the market. Several webhooks may describe one change;
// Meta says the earliest tier_update_time is the one that counts.
//
// spendsim reads such a log as a tier file (--tiers): each update is a floor on the
// month's volume count — from the update (or the month's start, if later) to the
// month's end, the market's next message of that category is numbered at least the
// band's lower bound, because Meta counted messages the log does not hold (other
// numbers, other partners). Floors choose bands; the bands' rates still come from a
// tier table, without which list rates apply.

// TierUpdate is one tier update.
type TierUpdate struct {
	At       model.Time // tier_update_time
	Year     int        // effective_month
	Month    time.Month
	Market   market.ID // region
	Category Category  // pricing_category: utility, authentication, authentication_international
	From, To int64     // tier's bounds; To is MaxVolume for MAX
}

// ReadTierUpdates reads the tier updates of a log of account_update webhooks (one JSON
// value a line, or one value; envelopes, single changes or bare values). Changes of
// other events are skipped; a log without one tier update is an error.
func ReadTierUpdates(data []byte, name string, mt *market.Table) (*Tiers, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	t := &Tiers{markets: mt}
	n := 0
	for {
		var p struct {
			Entry []struct {
				Changes []struct {
					Field string  `json:"field"`
					Value tuValue `json:"value"`
				} `json:"changes"`
			} `json:"entry"`
			Field string   `json:"field"`
			Value *tuValue `json:"value"`
			tuValue
		}
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		n++
		if err != nil {
			return nil, fmt.Errorf("%s: payload %d: %w", name, n, err)
		}
		vals := []tuValue{p.tuValue}
		if p.Value != nil {
			vals = append(vals, *p.Value)
		}
		for _, e := range p.Entry {
			for _, c := range e.Changes {
				vals = append(vals, c.Value)
			}
		}
		for _, v := range vals {
			if v.Event != "VOLUME_BASED_PRICING_TIER_UPDATE" || v.Info == nil {
				continue
			}
			u, err := v.Info.update(mt)
			if err != nil {
				return nil, fmt.Errorf("%s: payload %d: volume_tier_info.%w", name, n, err)
			}
			t.floors = append(t.floors, u)
		}
	}
	if len(t.floors) == 0 {
		return nil, fmt.Errorf("%s: no VOLUME_BASED_PRICING_TIER_UPDATE account_update webhook in %d payloads", name, n)
	}
	sort.SliceStable(t.floors, func(i, j int) bool { return t.floors[i].At < t.floors[j].At })
	return t, nil
}

type tuValue struct {
	Event string  `json:"event"`
	Info  *tuInfo `json:"volume_tier_info"`
}

type tuInfo struct {
	At       json.Number `json:"tier_update_time"`
	Category string      `json:"pricing_category"`
	Tier     string      `json:"tier"`
	Month    string      `json:"effective_month"`
	Region   string      `json:"region"`
}

func (i *tuInfo) update(mt *market.Table) (TierUpdate, error) {
	var u TierUpdate
	s, err := i.At.Int64()
	if err != nil || s <= 0 {
		return u, fmt.Errorf("tier_update_time: %q is not a time in Unix seconds", i.At)
	}
	u.At = model.Time(s * 1000)
	c, ok := analyticsCategory(i.Category)
	if !ok || c == Marketing || !tierCategory(c) {
		return u, fmt.Errorf("pricing_category: %q is not one of UTILITY, AUTHENTICATION, AUTHENTICATION_INTERNATIONAL (marketing has no tiers)", i.Category)
	}
	u.Category = c
	lo, hi, ok := strings.Cut(i.Tier, ":")
	if u.From, err = strconv.ParseInt(lo, 10, 64); !ok || err != nil || u.From < 0 {
		return u, fmt.Errorf("tier: %q is not LOWER:UPPER (e.g. 750001:MAX)", i.Tier)
	}
	if u.To = MaxVolume; hi != "MAX" {
		if u.To, err = strconv.ParseInt(hi, 10, 64); err != nil || u.To < u.From {
			return u, fmt.Errorf("tier: %q is not LOWER:UPPER (e.g. 750001:MAX)", i.Tier)
		}
	}
	m, err := time.Parse("2006-01", i.Month)
	if err != nil {
		return u, fmt.Errorf("effective_month: %q is not YYYY-MM", i.Month)
	}
	u.Year, u.Month = m.Year(), m.Month()
	id, ok := mt.ID(i.Region)
	if !ok {
		return u, fmt.Errorf("region: %q is not a market of the market table", i.Region)
	}
	u.Market = id
	return u, nil
}

// Floor is the least number the next charged message of category cat to market m at
// `at` gets in its month's volume count, by the tier updates read (0: none applies). An
// update applies from its tier_update_time, or the start of its effective month if
// later, to that month's end, in loc.
func (t *Tiers) Floor(m market.ID, cat Category, at model.Time, loc *time.Location) int64 {
	if t == nil || len(t.floors) == 0 {
		return 0
	}
	if loc == nil {
		loc = time.UTC
	}
	lt := at.In(loc)
	var f int64
	for _, u := range t.floors {
		if u.At > at {
			break
		}
		if u.Market == m && u.Category == cat && u.Year == lt.Year() && u.Month == lt.Month() {
			f = max(f, u.From)
		}
	}
	return f
}

// Updates lists the tier updates read, earliest first.
func (t *Tiers) Updates() []TierUpdate {
	if t == nil {
		return nil
	}
	return append([]TierUpdate(nil), t.floors...)
}

// sniffTierUpdates says whether head starts a log of account_update tier webhooks.
func sniffTierUpdates(head []byte) bool {
	h := bytes.TrimSpace(head)
	return len(h) > 0 && (h[0] == '{' || h[0] == '[') && bytes.Contains(h, []byte(`"volume_tier_info"`))
}
