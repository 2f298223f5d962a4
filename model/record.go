package model

// Record is a message as a trace file holds it: the Message fields with the strings
// that identify its parties and itself. Trace readers produce Records, the replay turns
// each into a Message by giving its parties dense ids, and a synthetic run can write its
// Messages back as Records, so any simulation can be replayed.
type Record struct {
	TS, DeliveredTS Time   // DeliveredTS 0 = at TS
	User            string // E.164 digits without the '+', or an opaque id
	Business        string // business phone number id; "default" if absent
	MessageID       string // "" if absent
	Country         string // ISO 3166-1 alpha-2, upper case; "" if absent
	Direction       Direction
	Kind            Kind
	Category        Category   // templates only
	Status          Status     // business messages only
	EntryPoint      EntryPoint // user messages only
	Line            int64      // 1-based line (CSV, JSONL, webhooks) or row (Parquet) it came from
}

// At is the time rules are evaluated at: delivery time if known, else send time.
func (r *Record) At() Time {
	if r.DeliveredTS != 0 {
		return r.DeliveredTS
	}
	return r.TS
}
