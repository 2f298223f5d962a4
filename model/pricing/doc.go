// Package pricing holds spendsim's pricing vocabulary (vocab.go: Meta's pricing models,
// types, categories and confidences, with their String and Parse…), its rate data (rate
// cards and volume tiers) and the calendar of the days WhatsApp's rules changed. The
// billing rules that decide what is charged live elsewhere; this package answers "what
// does one unit cost here, then, and how sure are we".
//
// Contract:
//   - calendar.go is the one place the dates of rule changes are written (Day values, in
//     date order): package billing starts its eras on them and applies the others inside
//     its eras; the Meta card reader here prices service from them.
//   - A Book is every rate card, versioned by effective date. Builtin parses the embedded
//     data/ratecards.csv once; ReadBook reads the same layout from a --rates FILE;
//     ReadMetaCard reads Meta's downloadable rate-card CSV; Merge lays one book over
//     another. Books are read-only after construction and safe for concurrent readers.
//   - Book.Card(model, currency, at, loc) is the latest card effective on or before the
//     calendar date of at in the business's time zone (cards change at midnight there).
//     Book.CardIn and FirstIn read only the cards a Span holds (package billing gives
//     each era the span of the card shape its rules read), and Rows lists the same
//     cards: a card outside the span is never returned in its place.
//   - Card.Rate(market, category) is an exact lookup in a dense array (no maps, no
//     allocation), with two fallbacks the data layout defines: a missing
//     authentication_international cell means the authentication rate, and on NBP cards a
//     missing per-category cell means the template rate. Any other missing cell is a
//     *MissingRateError that names market, category and card and says how to supply it.
//   - Every Rate carries the Confidence of its data row and the date of the card it was
//     read from. Partial cards (docs/billing.md, "Rate cards": the INR cards, the
//     2026-10-01 AED and USD rows) are overlaid on their predecessor; carried cells say
//     Derived (see assemble).
//   - Tiers are graduated volume bands per (market, category, currency, date). By default
//     none apply (the embedded tiers.csv has only examples; BuiltinTiers applies a
//     third-party India INR table only when asked); ReadMetaTiers reads Meta's Tier
//     Pricing CSV, ReadTiers the tiers.csv layout (where category template gives NBP's
//     bands), MergeTiers combines several files.
//     Band.Price turns a band given as a discount into a rate. ReadTierUpdates reads
//     Meta's account_update tier webhooks as floors on the month's volume count
//     (Tiers.Floor).
//   - ReadAnalytics reads Meta's pricing_analytics and conversation_analytics responses
//     (one page or many) into points in this vocabulary, costs exact to the micro.
//   - MarketingLite is a category only a webhook log yields; Card.Rate prices it at the
//     marketing rate, and Categories leaves it out (Shown adds it where a bill has it).
//   - Sniff tells which of those layouts a file is. Rows lists the cells a RowFilter picks for
//     display (`spendsim rates`; which model bills on a date is the caller's to say); WriteCSV writes a book back in the ratecards.csv layout.
//   - An Overlay is the user's --rates and --tiers files (NewOverlay, from the bytes the
//     caller read), each read by the kind Sniff finds: Cards lays them over the built-in
//     cards, and Digest fingerprints them, so runs billed with other files are other runs.
//   - Errors in files read FILE:LINE: column NAME: what was wrong, what was expected.
//   - Numbers in files have a decimal dot, and a comma only groups thousands: any other
//     comma is an error with the fix, never deleted. UserFiles.DecimalComma reads a
//     spreadsheet's decimal-comma export (money.CommaDecimal, fields split by ';').
//   - Money is exact: money.Micros parsed from decimal text, never float64.
//   - Pure: no I/O beyond the embedded files and the readers given, no clocks, no
//     goroutines, no global random numbers.
package pricing
