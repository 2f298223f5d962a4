package scenarios

import (
	"errors"
	"fmt"

	"github.com/spendsim/spendsim/model/pricing"
)

// Checked is what ValidateFiles found of one scenario file.
type Checked struct {
	Ref      string    // the file (or embedded name) as given
	Scenario *Scenario // the scenario, when it is valid
	// Gaps are CardGaps' warnings for a valid scenario: where a run would meet a charge
	// no rate card prices, and stop there; a run that charges none there needs no card.
	Gaps []string
	// Fails are CardGaps' failures: missing rates a run of the scenario is sure to meet
	// (a scheduled template's, which no free tier spares), so that it stops there. The
	// scenario is valid, but ValidateFiles' error says it will not run.
	Fails []string
	Err   error // why it is not valid: an *Error when invalid, another when it could not be read
}

// ValidateOptions say what ValidateFiles checks besides the scenario itself.
type ValidateOptions struct {
	Rates *pricing.Overlay // the user's rate cards and tiers over the built-in ones (nil: none)
	// Memory checks a scenario loaded from ref against the memory it may use (nil: no
	// check). An *Error makes the file invalid; any other error stops the whole check
	// and is ValidateFiles' error (the limit itself is wrong: a --max-memory that does
	// not parse).
	Memory func(sc *Scenario, ref string) error
}

// ValidateFiles loads each of refs, checks it (its memory, its rate cards), and hands
// what it found to each, in order, as it goes. Its error says how the check went as a
// whole: nil when every file is valid and would run; an *Error when some are invalid and all could
// be read; another error when any could not be read, whatever the order of the files,
// since the check is then not complete, or when all are valid but a run of some is
// sure to stop for a missing rate (Checked.Fails).
func ValidateFiles(refs []string, o ValidateOptions, each func(Checked)) error {
	unread, invalid, failing := 0, 0, 0
	for _, ref := range refs {
		c := Checked{Ref: ref}
		sc, _, err := Load(ref)
		if err == nil && o.Memory != nil {
			if err = o.Memory(sc, ref); err != nil && !errors.As(err, new(*Error)) {
				return err
			}
		}
		if err == nil {
			c.Gaps, c.Fails, err = sc.CardGaps(o.Rates, ref)
		}
		if err == nil && len(c.Fails) > 0 {
			failing++
		}
		if c.Err = err; err == nil {
			c.Scenario = sc
		} else if errors.As(err, new(*Error)) {
			invalid++
		} else {
			unread++
		}
		each(c)
	}
	switch {
	case unread > 0 && invalid > 0:
		return fmt.Errorf("%d of %d files could not be read, %d invalid", unread, len(refs), invalid)
	case unread > 0:
		return fmt.Errorf("%d of %d files could not be read", unread, len(refs))
	case invalid > 0:
		return &Error{File: "validate", Problems: []string{fmt.Sprintf("%d of %d files invalid", invalid, len(refs))}}
	case failing > 0:
		return fmt.Errorf("%d of %d files would not run: a run stops at the first message it charges at a missing rate listed above; supply the rows with --rates FILE",
			failing, len(refs))
	}
	return nil
}
