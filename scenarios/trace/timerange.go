package trace

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spendsim/spendsim/model"
)

// The times a trace may hold: 1970-01-01T00:00:00Z up to the end of 2100. Anything
// else is a broken clock or a unit read wrongly (milliseconds as seconds), and would be
// billed in a month that never was (issue 15: MaxInt64 ms billed in 4920379-07).
var (
	minTime = model.FromStd(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC))
	endTime = model.FromStd(time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC))
)

// maxOffset is the widest UTC offset a time may carry (Kiribati's +14:00).
const maxOffset = 14 * 3600

// checkRange returns why t cannot be a message's time, or "". s is the time as
// written, "" for a typed timestamp.
func checkRange(t model.Time, s string) string {
	if t >= minTime && t < endTime {
		return ""
	}
	if s == "" {
		s = strconv.FormatInt(int64(t), 10) + " ms since 1970"
		if t > minTime-100*365*model.Day && t < endTime+100*365*model.Day {
			s = t.String()
		}
	} else {
		s = quote(s)
	}
	return s + " is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)"
}

// checkOffset returns why the UTC offset that an RFC 3339 time s ends with is
// impossible, or "": offsets run from -14:00 to +14:00, with minutes below 60 (Go's
// parser takes +24:00 and +14:60).
func checkOffset(s string) string {
	n := len(s)
	if n < 6 || s[n-1] == 'Z' || s[n-1] == 'z' || s[n-3] != ':' || (s[n-6] != '+' && s[n-6] != '-') {
		return ""
	}
	h := int(s[n-5]-'0')*10 + int(s[n-4]-'0')
	m := int(s[n-2]-'0')*10 + int(s[n-1]-'0')
	if m < 60 && h*3600+m*60 <= maxOffset {
		return ""
	}
	return fmt.Sprintf("%s has the UTC offset %s; offsets run from -14:00 to +14:00, with minutes below 60", quote(s), s[n-6:])
}
