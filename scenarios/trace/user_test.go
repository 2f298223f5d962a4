package trace

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/spendsim/spendsim/model/market"
)

// TestUnusableNumberIsABadRow: a user whose number cannot be a phone number (a
// documentation placeholder such as 1111111111111) is a bad row in every format — the
// error names line and column, and SkipInvalid skips it — instead of an error from the
// replay that stops everything (issue 12's probe_skip_invalid_number.csv).
func TestUnusableNumberIsABadRow(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "t.csv", header+
		"2025-08-01T10:00:00Z,1111111111111,business,template,marketing,,b,,delivered,,x1\n"+
		"2025-08-01T10:01:00Z,5511987654321,business,template,marketing,,b,,delivered,,x2\n")
	_, _, err := readAll(t, p, Options{})
	if want := `t.csv:2: column user: "1111111111111" is too long for calling code +1; want a complete international number`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	recs, skipped, err := readAll(t, p, Options{SkipInvalid: true})
	if err != nil || len(recs) != 1 || recs[0].MessageID != "x2" || skipped != 1 {
		t.Errorf("SkipInvalid: %d records, %d skipped, %v; want x2 alone, 1 skipped", len(recs), skipped, err)
	}
	// A country column vouches for the user: the number is not read.
	p = writeFile(t, dir, "c.csv", header+"2025-08-01T10:00:00Z,1111111111111,business,template,marketing,BR,b,,delivered,,x1\n")
	mustReadAll(t, p, Options{})
	// DefaultCountry is for ids that are not numbers, never for placeholders.
	p = writeFile(t, dir, "d.csv", header+
		"2025-08-01T10:00:00Z,cust-7,user,,,,b,,,,x1\n"+
		"2025-08-01T10:01:00Z,CUSTOMER_PHONE_NUMBER,user,,,,b,,,,x2\n")
	recs, skipped, err = readAll(t, p, Options{SkipInvalid: true, DefaultCountry: "br"})
	if err != nil || len(recs) != 1 || recs[0].Country != "BR" || skipped != 1 {
		t.Errorf("DefaultCountry: %+v, %d skipped, %v; want cust-7 in BR, 1 skipped", recs, skipped, err)
	}
}

func TestIsPlaceholder(t *testing.T) {
	for s, want := range map[string]bool{
		"CUSTOMER_PHONE_NUMBER": true, "PHONE_NUMBER": true, "WHATSAPP_ID": true, "<USER_PHONE_NUMBER>": true,
		"{{phone}}": true, "<x>": true, "USER_ID": true,
		"cust-42": false, "BSUID_123": false, "fowefinoewcnw": false, "US.13491208655302741918": false,
		"ACME": false, "SALES_TEAM": false, "": false, "<": false, "5511987654321": false,
	} {
		if got := isPlaceholder(s); got != want {
			t.Errorf("isPlaceholder(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestBSUIDCountry(t *testing.T) {
	for s, want := range map[string]string{
		"US.13491208655302741918": "US", "IN.3724117084395812": "IN", "US.ENT.11815799212886844830": "US",
		"BSUID_123": "", "us.1": "", "US.": "", "5511987654321": "",
	} {
		if got := bsuidCountry(s); got != want {
			t.Errorf("bsuidCountry(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestPossibleShapes: market.CheckNumber gives every E.164 number of one shape (first
// three digits, length) one verdict, so the rule may take an accepted shape's word for
// the next number of that shape (possibleShapes); and the rule gives every number the
// error or the acceptance it gave before the memo, the memo warm or cold.
func TestPossibleShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	number := func(prefix, n int) string {
		b := []byte(strconv.Itoa(prefix))
		for len(b) < n {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		return string(b)
	}
	for prefix := 100; prefix <= 999; prefix++ {
		for n := 7; n <= 15; n++ {
			first := number(prefix, n)
			want := market.CheckNumber(first) == nil
			for range 4 {
				u := number(prefix, n)
				if ok := market.CheckNumber(u) == nil; ok != want {
					t.Fatalf("CheckNumber(%s) ok=%v but CheckNumber(%s) ok=%v: one shape, two verdicts", first, want, u, ok)
				}
				_, field, msg := userRule(u, "", "")
				if want != (msg == "") {
					t.Fatalf("userRule(%s) = %d %q after %s, want ok=%v", u, field, msg, first, want)
				}
				if !want {
					var ne *market.NumberError
					if err := market.CheckNumber(u); !errors.As(err, &ne) || msg != quote(u)+ne.Reason || field != fUser {
						t.Fatalf("userRule(%s) = %d %q, want the number's reason %v", u, field, msg, err)
					}
				}
			}
		}
	}
}
