package load

import (
	"fmt"
	"math/rand/v2"

	"github.com/spendsim/spendsim/model"
)

// EntryPoints is how customer-started conversations reach the business: the share whose
// first message came through a click-to-WhatsApp ad or a Facebook Page button. Such a
// message opens a free entry point window (docs/billing.md, "Free entry points"); the
// rest came in directly.
type EntryPoints struct {
	CTWA    float64 `yaml:"ctwa"`     // share through a click-to-WhatsApp ad, 0..1; default 0
	PageCTA float64 `yaml:"page_cta"` // share through a Facebook Page call-to-action button, 0..1; default 0
}

// Any reports whether any conversation comes through an entry point.
func (e EntryPoints) Any() bool { return e.CTWA > 0 || e.PageCTA > 0 }

// Validate reports problems, each prefixed by path.
func (e EntryPoints) Validate(path string) []string {
	var errs []string
	ok := true
	for _, f := range []struct {
		name string
		v    float64
	}{{"ctwa", e.CTWA}, {"page_cta", e.PageCTA}} {
		if !(f.v >= 0 && f.v <= 1) {
			errs = append(errs, fmt.Sprintf("%s.%s: must be a share between 0 and 1, got %v", path, f.name, f.v))
			ok = false
		}
	}
	if ok && e.CTWA+e.PageCTA > 1+1e-9 {
		errs = append(errs, fmt.Sprintf("%s: ctwa + page_cta is %v, more than all conversations; the shares must sum to at most 1", path, e.CTWA+e.PageCTA))
	}
	return errs
}

// Draw picks the entry point of one conversation with one uniform draw from rng.
func (e EntryPoints) Draw(rng *rand.Rand) model.EntryPoint {
	u := rng.Float64()
	switch {
	case u < e.CTWA:
		return model.EntryCTWA
	case u < e.CTWA+e.PageCTA:
		return model.EntryPageCTA
	}
	return model.EntryNone
}
