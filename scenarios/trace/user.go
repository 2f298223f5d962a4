package trace

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/spendsim/spendsim/model/market"
)

// userRule is the user/country rule of every format, the last check of a row: the
// replay prices a message by its user's country, so a row names the country or its user
// is a phone number the country can be read from. It returns the country to use (""
// = the replay reads it from the number), or the field at fault (fUser, fCountry) and
// why. Numbers are checked as the replay will read them (market.CheckNumber), so that
// a placeholder like 1111111111111 is a bad row that SkipInvalid skips, not an error
// that stops the replay.
func userRule(user, country, defaultCountry string) (string, int, string) {
	if country != "" {
		return country, 0, ""
	}
	if market.IsE164(user) {
		w, bit := shapeBit(user)
		if possibleShapes[w].Load()&bit != 0 {
			return "", 0, ""
		}
		if err := market.CheckNumber(user); err != nil {
			var ne *market.NumberError
			if errors.As(err, &ne) {
				return "", fUser, quote(user) + ne.Reason
			}
			return "", fUser, err.Error()
		}
		possibleShapes[w].Or(bit)
		return "", 0, ""
	}
	if isPlaceholder(user) {
		return "", fUser, quote(user) + " is a documentation placeholder, not a customer's number"
	}
	if defaultCountry != "" {
		return defaultCountry, 0, ""
	}
	return "", fCountry, fmt.Sprintf("missing, required because user %s is not an E.164 number (7 to 15 digits, optional +)", quote(user))
}

// possibleShapes remembers which shapes of E.164 number market.CheckNumber has
// accepted, a bit for each first three digits and length: whether it accepts a number
// of 7 to 15 digits depends on nothing else. Its calling code is the first assigned
// 1-, 2- or 3-digit prefix, and a number under a code is possible or not by the
// length of its national number alone (market caches its answer so, by code and
// length; the "1" of a Mexican mobile is the third digit). The rule is checked on
// every row, and the bit costs less than the check's walk of the digits and its tables
// (TestPossibleShapes holds the two to the same answers). A rejected number is checked
// each time, for its reason.
var possibleShapes [1000 * 16 / 64]atomic.Uint64

// shapeBit is the word and bit of possibleShapes for number, an E.164 number (market.IsE164).
func shapeBit(number string) (int, uint64) {
	k := (int(number[0]-'0')*100+int(number[1]-'0')*10+int(number[2]-'0'))*16 + len(number)
	return k >> 6, 1 << (k & 63)
}

// isPlaceholder reports whether a user id is a placeholder of the kind documentation
// and SDK fixtures put where a phone number goes: <USER_PHONE_NUMBER>, {{phone}}, or
// capitals joined by '_' that name a number (CUSTOMER_PHONE_NUMBER, PHONE_NUMBER,
// WHATSAPP_ID). Real opaque ids (cust-42, a group id, BSUID_123) are not.
func isPlaceholder(s string) bool {
	n := len(s)
	if n >= 2 && s[0] == '<' && s[n-1] == '>' || n >= 4 && s[:2] == "{{" && s[n-2:] == "}}" {
		return true
	}
	under := false
	for i := 0; i < n; i++ {
		switch c := s[i]; {
		case c == '_':
			under = true
		case c < 'A' || c > 'Z':
			return false
		}
	}
	if !under {
		return false
	}
	for _, w := range [...]string{"PHONE", "NUMBER", "WHATSAPP", "WA_ID", "RECIPIENT", "CUSTOMER", "USER"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// bsuidCountry is the country of a business-scoped user id: Meta writes them as the
// ISO 3166-1 alpha-2 code of the user's phone number, a period, then the id
// (US.13491208655302741918; parent ids US.ENT.…). "" when id is not of that form.
func bsuidCountry(id string) string {
	if len(id) < 4 || id[2] != '.' || !isUpper(id[0]) || !isUpper(id[1]) {
		return ""
	}
	return id[:2]
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// sender names the user of a message without "from": its business-scoped user id, or
// the one contact of the payload, by phone number where the payload gives one.
func (s *webhookSource) sender(m *whMessage, v *whValue) (string, uint8) {
	if m.FromUserID != "" {
		return s.byUserID(m.FromUserID, v, ucFromUserID)
	}
	if len(v.Contacts) == 1 {
		c := &v.Contacts[0]
		if c.WaID != "" {
			return string(c.WaID), ucContactWaID
		}
		return c.UserID, ucContactUserID
	}
	return "", 0
}

// byUserID is the phone number a contact of the payload gives for a business-scoped
// user id, else the id itself.
func (s *webhookSource) byUserID(id string, v *whValue, uc uint8) (string, uint8) {
	for i := range v.Contacts {
		if c := &v.Contacts[i]; c.UserID == id && c.WaID != "" {
			return string(c.WaID), ucContactWaID
		}
	}
	return id, uc
}

// Where a user came from, for errors and for the kind of id it is.
const (
	ucNone uint8 = iota
	ucFrom
	ucFromUserID
	ucContactWaID
	ucContactUserID
	ucRecipient
	ucGroup
	ucOnPremRecipient
	ucRecipientUserID
)

var userCols = [...]string{"", "messages.from", "messages.from_user_id", "contacts.wa_id", "contacts.user_id",
	"statuses.recipient_id", "statuses.recipient_id", "statuses.message.recipient_id", "statuses.recipient_user_id"}

// place applies the user/country rule to a webhook row: a business-scoped user id's
// prefix names its country, and the errors name the webhook's field.
func (s *webhookSource) place(r *row, uc uint8) bool {
	country := ""
	if uc == ucFromUserID || uc == ucContactUserID || uc == ucRecipientUserID {
		if c := bsuidCountry(r.User); c != "" {
			country, _ = s.b.country(c)
		}
	}
	c, field, msg := userRule(r.User, country, s.defaultCountry)
	if msg == "" {
		r.Country = c
		return true
	}
	if field == fCountry {
		switch uc {
		case ucGroup:
			msg = fmt.Sprintf("group %s has no country (a group id is not a phone number)", quote(r.User))
		case ucFromUserID, ucContactUserID, ucRecipientUserID:
			msg = fmt.Sprintf("user %s is known only by a business-scoped user id with no country prefix", quote(r.User))
		default:
			msg = fmt.Sprintf("user %s is not a phone number, so its country is unknown", quote(r.User))
		}
		msg += "; give a default country with --default-country"
	}
	s.fail(r.Line, userCols[uc], msg)
	return false
}
