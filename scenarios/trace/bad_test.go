package trace

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

var update = flag.Bool("update", false, "regenerate the generated files of testdata/bad")

// genBadParquet writes the binary members of the malformed corpus.
func genBadParquet(t *testing.T) {
	contract := func(cat arrow.DataType) *arrow.Schema {
		return arrow.NewSchema([]arrow.Field{
			{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
			{Name: "user", Type: arrow.BinaryTypes.String},
			{Name: "direction", Type: arrow.BinaryTypes.String},
			{Name: "type", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "category", Type: cat, Nullable: true},
		}, nil)
	}
	writeForeignParquet(t, "testdata/bad/wrong_type.parquet", contract(arrow.PrimitiveTypes.Int32),
		`[{"ts": 1714557600000, "user": "5511987654321", "direction": "business", "type": "template", "category": 2}]`)
	writeForeignParquet(t, "testdata/bad/bad_direction.parquet", contract(arrow.BinaryTypes.String), `[
		{"ts": 1714557600000, "user": "5511987654321", "direction": "user"},
		{"ts": 1714557600000, "user": "5511987654321", "direction": "user"},
		{"ts": 1714557600000, "user": "5511987654321", "direction": "outbound"}]`)
	writeForeignParquet(t, "testdata/bad/null_ts.parquet", contract(arrow.BinaryTypes.String), `[
		{"ts": 1714557600000, "user": "5511987654321", "direction": "user"},
		{"ts": null, "user": "5511987654321", "direction": "user"}]`)
	// Issue 15: an integer timestamp of MaxInt64 ms was billed in 4920379-07 (2^53 here: the
	// generator reads JSON numbers as float64).
	writeForeignParquet(t, "testdata/bad/ts_2e53.parquet", contract(arrow.BinaryTypes.String), `[
		{"ts": 1714557600000, "user": "5511987654321", "direction": "user"},
		{"ts": 9007199254740992, "user": "5511987654321", "direction": "user"}]`)
	// A download cut short: the first half of a good file.
	p := filepath.Join(t.TempDir(), "good.parquet")
	writeForeignParquet(t, p, contract(arrow.BinaryTypes.String), `[
		{"ts": 1714557600000, "user": "5511987654321", "direction": "business", "type": "template", "category": "utility"}]`)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/bad/truncated.parquet", b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBadCorpus(t *testing.T) {
	if *update {
		genBadParquet(t)
	}
	big := t.TempDir()
	// Generated, not committed: a megabyte user id, and rows past the 16 MiB limit.
	h := "ts,user,direction\n"
	writeFile(t, big, "long_line.csv", h+"2024-05-01T10:00:00Z,"+strings.Repeat("a", 1<<20)+",user\n")
	writeFile(t, big, "long_line.jsonl", `{"ts":"2024-05-01T10:00:00Z","direction":"user","user":"`+strings.Repeat("7", 1<<20)+`"}`+"\n")
	writeFile(t, big, "huge.csv", h+"2024-05-01T10:00:00Z,5511987654321,user\n"+strings.Repeat("b", 17<<20)+"\n")
	writeFile(t, big, "huge.jsonl", `{"ts":"2024-05-01T10:00:00Z","direction":"user","user":"5511987654321"}`+"\n"+strings.Repeat(" ", 17<<20)+"{}\n")

	cases := []struct {
		file string
		o    Options
		want string // "" = reads without error
	}{
		{file: "bad/bad_timestamp.csv", want: `bad_timestamp.csv:3: column ts: "2024-13-01T10:00:00Z" is not an RFC 3339 time (like 2024-05-01T13:45:00Z)`},
		{file: "bad/unknown_category.csv", want: `unknown_category.csv:2: column category: "marketting" is not one of marketing, utility, authentication`},
		{file: "bad/missing_column.csv", want: `missing_column.csv:1: missing required column direction (the header has ts,user,type,category)`},
		{file: "bad/empty.csv", want: `empty.csv: empty file; want a header line naming the columns (ts,user,direction,type,category,country,business,entry_point,status,delivered_ts,message_id)`},
		{file: "bad/header_only.csv", want: `header_only.csv:1: header only, no rows`},
		// The BOM is not part of the first column's name: the header is understood and
		// the row's own problem is what is reported.
		{file: "bad/bom.csv", want: `bom.csv:2: column direction: "customer" is not one of user, business`},
		// CRLF: the line ends are not part of values, nor of the message.
		{file: "bad/crlf.csv", want: `crlf.csv:3: column category: "promo" is not one of marketing, utility, authentication`},
		{file: "bad/non_utf8.csv", want: `non_utf8.csv:2: column user: not valid UTF-8 (byte 0xff at offset 3)`},
		{file: "bad/unsorted.csv", want: `unsorted.csv:4: column ts: 2024-05-01T10:00:00Z is earlier than 2024-05-01T10:05:00Z on line 3; sort the trace by ts or pass --sort`},
		{file: "bad/unsorted.csv", o: Options{Sort: true}},
		{file: "bad/no_country.csv", want: `no_country.csv:2: column country: missing, required because user "cust-7" is not an E.164 number (7 to 15 digits, optional +)`},
		{file: "bad/open_quote.csv", want: `open_quote.csv:2: bad CSV: extraneous or missing " in quoted-field`},
		// Issue: files that are not CSV text, or CSV without a header, said something
		// misleading ("column \"\" appears twice in the header", "bare \" in
		// non-quoted-field", a header of binary garbage). Their first bytes say what
		// they are. Bare-CR line ends (classic Mac) are read as line ends.
		{file: "bad/no_header.csv", want: `no_header.csv:1: no header row: the first line holds values ("2024-05-01T10:00:00Z" is a time); want a header line naming the columns (ts,user,direction,type,category,country,business,entry_point,status,delivered_ts,message_id)`},
		{file: "bad/bare_cr.csv", want: `bare_cr.csv:3: column category: "promo" is not one of marketing, utility, authentication`},
		{file: "bad/bare_cr.jsonl", want: `bare_cr.jsonl:2: column ts: a JSON number, want a string`},
		// Mixed line ends (a header written with LF, rows pasted from a Mac export):
		// every bare CR ends a line, not only in a file whose first line ends in one
		// ("mixed_cr.csv:2: has 21 fields, the header has 11").
		{file: "bad/mixed_cr.csv", want: `mixed_cr.csv:4: column category: "promo" is not one of marketing, utility, authentication`},
		{file: "bad/mixed_cr.jsonl", want: `mixed_cr.jsonl:3: column ts: a JSON number, want a string`},
		{file: "bad/gzip_named.csv", want: `gzip_named.csv: the file starts with gzip data, not text: name it gzip_named.csv.gz (it is decompressed as it is read), or decompress it`},
		{file: "bad/zstd_named.csv", want: `zstd_named.csv: the file starts with zstd data, not text: name it zstd_named.csv.zst (it is decompressed as it is read), or decompress it`},
		{file: "bad/utf16.csv", want: `utf16.csv: UTF-16 text (little-endian, with a byte-order mark): save it as UTF-8 (a spreadsheet's "CSV UTF-8")`},
		{file: "bad/utf16be.csv", want: `utf16be.csv: UTF-16 text (big-endian): save it as UTF-8 (a spreadsheet's "CSV UTF-8")`},
		{file: "bad/parquet_named.csv", want: `parquet_named.csv: a Parquet file, not CSV text: name it parquet_named.parquet, or pass --format parquet`},
		{file: "bad/tab_separated.csv", want: "tab_separated.csv:1: missing required column ts (the header has ts\tuser\tdirection); the header is one column, its names separated by tabs: pass --delimiter tab"},
		// Three marketing templates to three users under one id were billed as one.
		{file: "bad/id_clash.csv", want: `id_clash.csv:3: column message_id: "x1" already names the message on line 2, which has another user, direction or category: an id names one message (a retry repeats it whole); give each message its own id`},
		{file: "bad/number_ts.jsonl", want: `number_ts.jsonl:2: column ts: a JSON number, want a string`},
		{file: "bad/bad_json.jsonl", want: `bad_json.jsonl:2: bad JSON: unexpected end of JSON input`},
		{file: "bad/non_utf8.jsonl", want: `non_utf8.jsonl:1: not valid UTF-8 (byte 0xfe at offset 42)`},
		{file: "bad/empty.jsonl", want: `empty.jsonl: empty file, no rows`},
		{file: "bad/bad_status.webhook", want: `bad_status.webhook:1: column statuses.status: "deleted" is not one of sent, delivered, read, played, failed`},
		{file: "bad/bad_pricing.webhook", want: `bad_pricing.webhook:1: column statuses.pricing.category: "promo" is not one of marketing, utility, authentication, authentication_international, service, referral_conversion, user_initiated, business_initiated`},
		{file: "bad/wrong_type.parquet", want: `wrong_type.parquet: column category: has type int32, want a string`},
		{file: "bad/bad_direction.parquet", want: `bad_direction.parquet:3: column direction: "outbound" is not one of user, business`},
		{file: "bad/null_ts.parquet", want: `null_ts.parquet:2: column ts: missing (required)`},
		// Found by FuzzParquet: arrow v17 spins on this page; the allocation budget stops it.
		{file: "bad/corrupt_page.parquet", want: `corrupt_page.parquet:3: corrupt Parquet data: decoding one batch exceeded its allocation budget (a corrupt page?)`},
		{file: "bad/truncated.parquet", want: `truncated.parquet: truncated Parquet file (no PAR1 magic at the end: the footer is missing)`},
		// Issue 15: times outside 1970–2100 and impossible UTC offsets.
		{file: "bad/ts_2e53.parquet", want: `ts_2e53.parquet:2: column ts: 9007199254740992 ms since 1970 is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "bad/before_1970.csv", want: `before_1970.csv:2: column ts: "1969-12-31T23:00:00Z" is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "bad/before_1970.csv", o: Options{Sort: true}, want: `before_1970.csv:2: column ts: "1969-12-31T23:00:00Z" is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "bad/year_2101.webhook", want: `year_2101.webhook:1: column messages.timestamp: "4133980800" is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "bad/offset_24h.csv", want: `offset_24h.csv:3: column ts: "2024-05-01T10:00:00+24:00" has the UTC offset +24:00; offsets run from -14:00 to +14:00, with minutes below 60`},
		{file: "bad/offset_1460.jsonl", want: `offset_1460.jsonl:1: column ts: "2024-05-01T10:00:00+14:60" has the UTC offset +14:60; offsets run from -14:00 to +14:00, with minutes below 60`},
		// Issue 15: encoding/json kept the last of two "user" keys (billing another
		// number) and matched "Category" to category.
		{file: "bad/duplicate_key.jsonl", want: `duplicate_key.jsonl:1: column user: given twice in one object; a key may appear once (readers differ on which value wins)`},
		{file: "bad/case_key.jsonl", want: `case_key.jsonl:1: column Category: differs from the key "category" only in case; keys are case-sensitive`},
		{file: "bad/duplicate_key.webhook", want: `duplicate_key.webhook:1: column entry.changes.value.statuses.recipient_id: given twice in one object; a key may appear once (readers differ on which value wins)`},
		{file: "bad/case_key.webhook", want: `case_key.webhook:1: column entry.changes.value.statuses.pricing.Category: differs from the key "category" only in case; keys are case-sensitive`},
		{file: big + "/long_line.csv", want: `long_line.csv:2: column user: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"… (1048576 bytes) is too long for an id (at most 256 bytes)`},
		{file: big + "/long_line.jsonl", want: `long_line.jsonl:1: column user: "7777777777777777777777777777777777777777777777777777777777777777"… (1048576 bytes) is too long for an id (at most 256 bytes)`},
		{file: big + "/huge.csv", want: `huge.csv:3: row longer than 16 MiB; is it really CSV?`},
		{file: big + "/huge.jsonl", want: `huge.jsonl:2: line is longer than 16 MiB; is it really JSON lines?`},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			path := c.file
			if !filepath.IsAbs(path) {
				path = filepath.Join("testdata", path)
			}
			_, _, err := readAll(t, path, c.o)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("error\n got %s\nwant %s", got, c.want)
			}
			if strings.Contains(got, "\n") || strings.Contains(got, "\r") {
				t.Errorf("error is not one line: %q", got)
			}
		})
	}
}
