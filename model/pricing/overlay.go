package pricing

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/money"
)

// UserFiles are the rate and tier files a user lays over the built-in cards (the
// --rates, --rates-model, --rates-from and --tiers flags of every command that bills),
// read by the caller: this package does no I/O.
type UserFiles struct {
	Rates     string // the rate file's path as given ("" for none): ratecards.csv's layout or Meta's rate card CSV
	RatesData []byte
	Model     string    // pricing model of a Meta rate card CSV: CBP or PMP (any case, MetaModels)
	From      time.Time // effective date of a Meta rate card or tier CSV, which do not carry one; zero: not given
	Tiers     string    // the tier file's path as given ("" for none): tiers.csv's layout or Meta's Tier Pricing CSV
	TiersData []byte
	// DecimalComma reads both files' numbers with a decimal comma and dots grouping
	// thousands ("0,0625", "1.940,13"), as a spreadsheet in such a locale exports them;
	// false: a decimal dot, and a comma that groups no thousands is an error.
	DecimalComma bool
}

// notation is how the files write numbers.
func (f UserFiles) notation() money.Notation {
	if f.DecimalComma {
		return money.CommaDecimal
	}
	return money.DotDecimal
}

// Overlay is the user's cards and tiers over the built-in ones.
type Overlay struct {
	Name   string // "builtin" or the rate file's base name, and " + tiers NAME" with a tier file
	Book   *Book  // nil: no rate file
	Tiers  *Tiers // nil: no tier file (list rates)
	Digest string // of the files' bytes and how they were read; "" with none
	// Files are the rate and tier files read, in that order: what priced a result,
	// for summary.json and manifest.json.
	Files []File

	mu     sync.Mutex
	merged map[*Book]*Book // Merge's results by base: every sweep point merges the same cards
}

// DigestOf is o's Digest, "" for a nil overlay (the built-in cards alone).
func (o *Overlay) DigestOf() string {
	if o == nil {
		return ""
	}
	return o.Digest
}

// File is one rate or tier file a result was priced with.
type File struct {
	Role   string `json:"role"`   // "rates" or "tiers"
	Path   string `json:"path"`   // as the user gave it
	SHA256 string `json:"sha256"` // of its bytes, hex
	Kind   string `json:"kind"`   // how it was read: ratecards.csv's layout, Meta's rate card CSV, …
	// Model and EffectiveFrom are what the command line said of a file that does not:
	// Meta's CSVs (--rates-model, --rates-from); "" otherwise.
	Model         string `json:"pricing_model,omitempty"`
	EffectiveFrom string `json:"effective_from,omitempty"`
	// Currencies are the currencies of its cards or bands, sorted.
	Currencies []string `json:"currencies"`
}

// OverlayError is a rate or tier file given for the wrong use, or without what it needs
// to be read: the user's to fix on the command line.
type OverlayError struct{ msg string }

func (e *OverlayError) Error() string { return e.msg }

func overlayErrorf(format string, a ...any) error {
	return &OverlayError{fmt.Sprintf(format, a...)}
}

// MetaModels are the pricing models Meta publishes rate card CSVs for, the values
// --rates-model takes: NBP cards are written in spendsim's layout.
var MetaModels = []Model{CBP, PMP}

// ParseMetaModel reads --rates-model: one of MetaModels, any case.
func ParseMetaModel(s string) (Model, error) {
	var names []string
	for _, m := range MetaModels {
		if strings.EqualFold(s, m.String()) {
			return m, nil
		}
		names = append(names, m.String())
	}
	msg := fmt.Sprintf("--rates-model %q is not one of %s, the models of Meta's rate card CSVs", s, strings.Join(names, ", "))
	if strings.EqualFold(s, NBP.String()) {
		msg += "; an NBP card is written in ratecards.csv's layout, with pricing_model NBP on each row"
	}
	return ModelNone, overlayErrorf("%s", msg)
}

// NewOverlay reads the user's files, each by the kind Sniff finds. With none, the
// overlay is the built-in cards alone. f.Model, when given, must be one of MetaModels.
func NewOverlay(f UserFiles) (*Overlay, error) {
	if f.Model != "" {
		if _, err := ParseMetaModel(f.Model); err != nil {
			return nil, err
		}
	}
	o := &Overlay{Name: "builtin"}
	from := ""
	if !f.From.IsZero() {
		from = f.From.Format(time.DateOnly)
	}
	// Which files take --rates-from: a date given for none of them would be dropped
	// without a word.
	var dated, undated []string
	h := sha256.New()
	if f.Rates != "" {
		kind, err := sniffData(f.Rates, f.RatesData, f.notation())
		if err != nil {
			return nil, err
		}
		if kind == KindMetaRates {
			dated = append(dated, f.Rates)
		} else {
			undated = append(undated, fmt.Sprintf("%s is %s", f.Rates, kind.dates()))
		}
		if o.Book, err = readRates(f.Rates, f.RatesData, kind, f.Model, f.From, f.notation()); err != nil {
			return nil, err
		}
		o.Name = filepath.Base(f.Rates)
		if f.DecimalComma {
			h.Write([]byte("decimal-comma\n")) // only then: digests of files read as before stay as they were
		}
		fmt.Fprintf(h, "rates %s %s %d\n", f.Model, from, len(f.RatesData))
		h.Write(f.RatesData)
		rf := File{Role: "rates", Path: f.Rates, SHA256: fileSHA(f.RatesData), Kind: kind.String(), Currencies: bookCurrencies(o.Book)}
		if kind == KindMetaRates {
			rf.Model, rf.EffectiveFrom = strings.ToUpper(f.Model), from
		}
		o.Files = append(o.Files, rf)
	}
	if f.Tiers != "" {
		kind, err := sniffData(f.Tiers, f.TiersData, f.notation())
		if err != nil {
			return nil, err
		}
		if kind == KindMetaTiers {
			dated = append(dated, f.Tiers)
		} else {
			undated = append(undated, fmt.Sprintf("%s is %s", f.Tiers, kind.dates()))
		}
		if o.Tiers, err = readTiersFile(f.Tiers, f.TiersData, kind, f.From, f.notation()); err != nil {
			return nil, err
		}
		if f.DecimalComma && f.Rates == "" {
			h.Write([]byte("decimal-comma\n"))
		}
		fmt.Fprintf(h, "tiers %s %d\n", from, len(f.TiersData))
		h.Write(f.TiersData)
		o.Name += " + tiers " + filepath.Base(f.Tiers)
		tf := File{Role: "tiers", Path: f.Tiers, SHA256: fileSHA(f.TiersData), Kind: kind.String(), Currencies: tierCurrencies(o.Tiers)}
		if kind == KindMetaTiers {
			tf.EffectiveFrom = from
		}
		o.Files = append(o.Files, tf)
	}
	if from != "" && len(dated) == 0 {
		if len(undated) == 0 {
			undated = []string{"no --rates or --tiers file is given"}
		}
		return nil, overlayErrorf("--rates-from %s dates no file: it is the effective date of Meta's rate card CSV or Tier Pricing CSV, which do not carry one, and %s: drop --rates-from",
			from, strings.Join(undated, "; "))
	}
	if o.Tiers != nil {
		// A band above the list rate it discounts is a typo: checked against the cards
		// it will price with, the built-in ones and the user's over them.
		book, err := o.Cards()
		if err != nil {
			return nil, err
		}
		if err := o.Tiers.CheckList(book); err != nil {
			return nil, err
		}
	}
	if o.Book != nil || o.Tiers != nil {
		o.Digest = hex.EncodeToString(h.Sum(nil)[:8])
	}
	return o, nil
}

func fileSHA(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func bookCurrencies(b *Book) []string {
	set := map[string]bool{}
	for _, c := range b.Cards() {
		set[c.Currency()] = true
	}
	return sortedKeys(set)
}

func tierCurrencies(t *Tiers) []string {
	set := map[string]bool{}
	for _, tt := range t.Tables() {
		set[tt.Currency] = true
	}
	return sortedKeys(set)
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CheckCurrency says whether the user's files can price a bill in currency: a file
// with no card (or band) in it would be passed over without a word, the built-in cards
// pricing in its place, so that is an *OverlayError naming the file's currencies. The
// currency of a rate file is the file's own (Meta's CSV says it in its Currency column).
func (o *Overlay) CheckCurrency(currency string) error {
	if o == nil {
		return nil
	}
	for _, f := range o.Files {
		if len(f.Currencies) > 0 && !slices.Contains(f.Currencies, upperASCII(currency)) {
			return overlayErrorf("%s %s is in %s, but the bill is in %s: bill in %s (--currency, or a scenario's currency), or give a file in %s",
				f.Role, f.Path, strings.Join(f.Currencies, ", "), upperASCII(currency), f.Currencies[0], upperASCII(currency))
		}
	}
	return nil
}

// Empty says whether the overlay changes nothing.
func (o *Overlay) Empty() bool { return o == nil || (o.Book == nil && o.Tiers == nil) }

// Merge lays the user's cards over base; base itself without a rate file. It is safe
// for concurrent use, and merges each base once.
func (o *Overlay) Merge(base *Book) (*Book, error) {
	if o == nil || o.Book == nil {
		return base, nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if b, ok := o.merged[base]; ok {
		return b, nil
	}
	b, err := Merge(base, o.Book)
	if err != nil {
		return nil, err
	}
	if o.merged == nil {
		o.merged = map[*Book]*Book{}
	}
	o.merged[base] = b
	return b, nil
}

// Cards are the built-in cards with the user's over them.
func (o *Overlay) Cards() (*Book, error) {
	b, err := Builtin()
	if err != nil {
		return nil, err
	}
	return o.Merge(b)
}

// sniffData tells the kind of a file's data; a decimal-comma file whose fields are
// separated by semicolons is sniffed as if they were commas (Sniff reads headers only).
func sniffData(path string, data []byte, num money.Notation) (FileKind, error) {
	head := data[:min(len(data), 64<<10)]
	if num == money.CommaDecimal && semicolonOr(head) == ';' {
		head = bytes.ReplaceAll(head, []byte{';'}, []byte{','})
	}
	kind, err := Sniff(head)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return kind, nil
}

// readRates reads a rate file of the given kind from its bytes.
func readRates(path string, data []byte, kind FileKind, modelName string, from time.Time, num money.Notation) (*Book, error) {
	switch kind {
	case KindRateCards:
		return readBook(bytes.NewReader(data), filepath.Base(path), num)
	case KindMetaRates:
		if from.IsZero() {
			return nil, overlayErrorf("%s is Meta's rate card CSV, which does not say when it takes effect: pass --rates-from DATE", path)
		}
		m, err := ParseMetaModel(modelName)
		if err != nil {
			return nil, err
		}
		return readMetaCard(bytes.NewReader(data), filepath.Base(path), m, from, num)
	}
	return nil, overlayErrorf("%s is a %s file; --rates wants a rate card (use --tiers for volume tiers)", path, kind)
}

// readTiersFile reads a tier file of the given kind from its bytes.
func readTiersFile(path string, data []byte, kind FileKind, from time.Time, num money.Notation) (*Tiers, error) {
	switch kind {
	case KindTiers:
		return readTiers(bytes.NewReader(data), filepath.Base(path), num)
	case KindMetaTiers:
		if from.IsZero() {
			return nil, overlayErrorf("%s is Meta's Tier Pricing CSV, which does not say when it takes effect: pass --rates-from DATE", path)
		}
		return readMetaTiers(bytes.NewReader(data), filepath.Base(path), from, num)
	case KindTierUpdates:
		return ReadTierUpdates(data, filepath.Base(path), market.Builtin())
	}
	return nil, overlayErrorf("%s is a %s file; --tiers wants volume tiers", path, kind)
}

// dates says how a file of kind k, which takes no --rates-from, is dated.
func (k FileKind) dates() string {
	switch k {
	case KindRateCards:
		return "in spendsim's rate card layout, whose rows carry their own effective_from"
	case KindTiers:
		return "in spendsim's tier layout, whose rows carry their own effective_from"
	case KindTierUpdates:
		return "a log of Meta's tier webhooks, whose events carry their own month"
	}
	return "a " + k.String() + " file"
}
