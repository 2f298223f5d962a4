package replay_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

// lateTextTrace: the original team answers A's Monday message a day late, on Tuesday
// at 09:00 after the window closed at 08:00, with free-form text (which WhatsApp would
// have refused), and A's Tuesday message inside the window; it answers B inside the
// window and writes to B again on Wednesday, when B waits for nothing and B's window
// has closed: free-form too, but no reply.
func lateTextTrace() []model.Record {
	return []model.Record{
		userRec(1, "2025-09-01T08:00:00Z", userA),
		userRec(2, "2025-09-01T08:30:00Z", userB),
		textRec(3, "2025-09-01T09:00:00Z", userB),
		textRec(4, "2025-09-02T09:00:00Z", userA), // the late reply
		userRec(5, "2025-09-02T10:00:00Z", userA),
		textRec(6, "2025-09-02T10:05:00Z", userA),
		textRec(7, "2025-09-03T12:00:00Z", userB), // outside the window, but no reply
	}
}

// TestResponseMeterSendLateAs is a timeline with its charges, Brazil under PMP 2025.
// As traced, the late free-form reply (line 4) is free, priced as free-form, and
// counted with line 7 in text_outside_window, as a plain replay counts them. Like for
// like with a utility late-reply policy it goes out as a utility template, 0.0068 USD,
// as the restaffed team's late replies do; with marketing, 0.0625; with drop, not at
// all. Line 7 answers nobody, but WhatsApp refuses it as well: like for like it goes
// out the same way (it stayed as traced, free-form, before). What the meter measures
// does not change: three conversations, two answered in the window, one late and
// free-form; line 7 is counted apart, as a further late free-form message.
func TestResponseMeterSendLateAs(t *testing.T) {
	book, err := pricing.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	era, _ := billing.ParseEra("pmp-2025")
	opts := billing.Options{Era: era, Book: book, Markets: book.Markets(), Location: time.UTC}
	for _, c := range []struct {
		late          agents.LatePolicy // "": as traced
		lines         string            // business messages billed: line category amount
		outsideWindow int64
		name          string
	}{
		{"", "3 service 0; 4 service 0; 6 service 0; 7 service 0", 2, "as traced"},
		{agents.LateUtility, "3 service 0; 4 utility 6800; 6 service 0; 7 utility 6800", 0, "utility"},
		{agents.LateMarketing, "3 service 0; 4 marketing 62500; 6 service 0; 7 marketing 62500", 0, "marketing"},
		{agents.LateDrop, "3 service 0; 6 service 0", 0, "drop"},
	} {
		m := replay.NewResponseMeter(&sliceSource{recs: lateTextTrace()})
		if c.late != "" {
			m.SendLateAs(c.late)
		}
		col := &collect{mk: book.Markets()}
		st, err := replay.Replay(m, opts, col)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i, ch := range col.charges {
			got = append(got, strconv.FormatInt(col.lines[i], 10)+" "+ch.Category.String()+" "+strconv.FormatInt(int64(ch.Amount), 10))
		}
		if g := strings.Join(got, "; "); g != c.lines || st.Billing.TextOutsideWindow != c.outsideWindow {
			t.Errorf("%s: billed %s, %d text outside the window; want %s, %d", c.name, g, st.Billing.TextOutsideWindow, c.lines, c.outsideWindow)
		}
		res, err := m.Responses()
		if err != nil {
			t.Fatal(err)
		}
		if cs := counts(res); cs != (replay.Responses{Wanted: 3, InWindow: 2, Late: 1, LateFreeForm: 1, LateFreeFormFurther: 1}) || m.Customers() != 2 {
			t.Errorf("%s: responses %+v, %d customers; want 2", c.name, cs, m.Customers())
		}
	}
}
