package pricing

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spendsim/spendsim/model/money"
)

// How the readers of rate and tier files read numbers: amounts, percentages and
// message counts all go through a money.Notation, money.DotDecimal unless the user
// says the file was exported with decimal commas (UserFiles.DecimalComma).

// newCSVReader reads a rate or tier file's records. A file with decimal commas comes
// from a spreadsheet in a locale that separates fields with semicolons, so with
// money.CommaDecimal the field separator is whichever of ';' and ',' the file's first
// 64 KiB hold more of.
func newCSVReader(r io.Reader, num money.Notation) *csv.Reader {
	comma := ','
	if num == money.CommaDecimal {
		br := bufio.NewReaderSize(r, 64<<10)
		head, _ := br.Peek(64 << 10) // all there is, for a shorter file
		comma = semicolonOr(head)
		r = br
	}
	cr := csv.NewReader(r)
	cr.Comma = comma
	return cr
}

// semicolonOr is ';' when head holds more semicolons than commas, else ','.
func semicolonOr(head []byte) rune {
	if bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','}) {
		return ';'
	}
	return ','
}

// decimalCommaProblem says what is wrong with an amount whose separators do not fit
// the notation, with what to do about it; "" when err is another problem.
func decimalCommaProblem(s string, err error, num money.Notation) string {
	var pe *money.ParseError
	if !errors.As(err, &pe) {
		return ""
	}
	switch {
	case errors.Is(err, money.ErrComma):
		return fmt.Sprintf("%q has a comma that groups no thousands: %s; for a file exported with decimal commas, pass --decimal-comma",
			s, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "money: "), fmt.Sprintf("%q: ", pe.Text)))
	case num == money.CommaDecimal && strings.ContainsRune(s, '.'):
		return fmt.Sprintf("%q has a dot that groups no thousands, and --decimal-comma reads a comma as the decimal separator; drop --decimal-comma for a file written with decimal dots", s)
	}
	return ""
}

// parseVolume reads a message count in notation num: digits, thousands optionally
// grouped ("750,001", or "750.001" with decimal commas); MAX or "--" for the open end
// where open is allowed.
func parseVolume(s string, open bool, num money.Notation) (int64, error) {
	t := strings.TrimSpace(s)
	if open && (strings.EqualFold(t, "MAX") || t == "--" || t == "—") {
		return MaxVolume, nil
	}
	digits, grouped := num.Ungroup(t)
	n, err := strconv.ParseInt(digits, 10, 64)
	if !grouped || err != nil || n < 0 || t == "" || t[0] == '+' || t[0] == '-' {
		if num == money.DotDecimal && strings.Count(t, ",") == 1 && !grouped {
			return 0, fmt.Errorf("%q is not a message count: a comma may only group thousands (750,001); for a file exported with decimal commas, pass --decimal-comma", s)
		}
		if open {
			return 0, fmt.Errorf("%q is not a message count; want digits such as 750,000, or MAX / -- for no upper end", s)
		}
		return 0, fmt.Errorf("%q is not a message count; want digits such as 750,001", s)
	}
	return n, nil
}
