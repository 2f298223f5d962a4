package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// badCorpus is the malformed-trace corpus of the trace package.
const badCorpus = "../../scenarios/trace/testdata/bad"

// TestReplayBadCorpus runs every malformed trace through the command line, as a user
// would: `spendsim replay --trace CASE --out DIR`. A failing case must exit 1 with one
// line on stderr naming the file and, where the problem is in a row, the line (CSV,
// JSONL, webhooks) or row (Parquet) — the same message the reader's own TestBadCorpus
// expects — and leave no output behind: a DIR that did not exist is not created, and a
// DIR that did keeps exactly what it held (no messages.parquet, bill.parquet,
// summary.json, nor a temporary file). Cases that are valid by design check success.
func TestReplayBadCorpus(t *testing.T) {
	big := t.TempDir()
	// Generated, not committed (as in the trace package's TestBadCorpus): a megabyte user
	// id, and a row past the readers' 16 MiB line limit.
	h := "ts,user,direction\n"
	writeFile(t, big, "long_line.csv", h+"2024-05-01T10:00:00Z,"+strings.Repeat("a", 1<<20)+",user\n")
	writeFile(t, big, "long_line.jsonl", `{"ts":"2024-05-01T10:00:00Z","direction":"user","user":"`+strings.Repeat("7", 1<<20)+`"}`+"\n")
	writeFile(t, big, "huge.csv", h+"2024-05-01T10:00:00Z,5511987654321,user\n"+strings.Repeat("b", 17<<20)+"\n")
	writeFile(t, big, "huge.jsonl", `{"ts":"2024-05-01T10:00:00Z","direction":"user","user":"5511987654321"}`+"\n"+strings.Repeat(" ", 17<<20)+"{}\n")

	type badCase struct {
		file string
		args []string // extra replay flags
		// want is the whole of stderr after "spendsim: "; "" means the case is valid by
		// design and must succeed.
		want string
	}
	cases := []badCase{
		{file: "bad_timestamp.csv", want: `bad_timestamp.csv:3: column ts: "2024-13-01T10:00:00Z" is not an RFC 3339 time (like 2024-05-01T13:45:00Z)`},
		{file: "unknown_category.csv", want: `unknown_category.csv:2: column category: "marketting" is not one of marketing, utility, authentication`},
		{file: "missing_column.csv", want: `missing_column.csv:1: missing required column direction (the header has ts,user,type,category)`},
		// Whole-file problems have no line to name.
		{file: "empty.csv", want: `empty.csv: empty file; want a header line naming the columns (ts,user,direction,type,category,country,business,entry_point,status,delivered_ts,message_id)`},
		{file: "header_only.csv", want: `header_only.csv:1: header only, no rows`},
		// A UTF-8 BOM is accepted (the header is understood); this file fails on its
		// row's own problem, not on the BOM.
		{file: "bom.csv", want: `bom.csv:2: column direction: "customer" is not one of user, business`},
		// CRLF line ends are accepted; the failure is the row's category.
		{file: "crlf.csv", want: `crlf.csv:3: column category: "promo" is not one of marketing, utility, authentication`},
		{file: "non_utf8.csv", want: `non_utf8.csv:2: column user: not valid UTF-8 (byte 0xff at offset 3)`},
		{file: "unsorted.csv", want: `unsorted.csv:4: column ts: 2024-05-01T10:00:00Z is earlier than 2024-05-01T10:05:00Z on line 3; sort the trace by ts or pass --sort`},
		// Valid by design: --sort accepts a trace out of ts order.
		{file: "unsorted.csv", args: []string{"--sort"}},
		{file: "no_country.csv", want: `no_country.csv:2: column country: missing, required because user "cust-7" is not an E.164 number (7 to 15 digits, optional +)`},
		{file: "open_quote.csv", want: `open_quote.csv:2: bad CSV: extraneous or missing " in quoted-field`},
		// Issue: files that are not CSV text, or CSV without a header, said something
		// misleading ("column \"\" appears twice in the header", "bare \" in
		// non-quoted-field", a header of binary garbage). Their first bytes say what
		// they are. Bare-CR line ends (classic Mac) are read as line ends.
		{file: "no_header.csv", want: `no_header.csv:1: no header row: the first line holds values ("2024-05-01T10:00:00Z" is a time); want a header line naming the columns (ts,user,direction,type,category,country,business,entry_point,status,delivered_ts,message_id)`},
		{file: "bare_cr.csv", want: `bare_cr.csv:3: column category: "promo" is not one of marketing, utility, authentication`},
		{file: "bare_cr.jsonl", want: `bare_cr.jsonl:2: column ts: a JSON number, want a string`},
		// Mixed line ends (a header written with LF, rows pasted from a Mac export):
		// every bare CR ends a line, not only in a file whose first line ends in one
		// ("mixed_cr.csv:2: has 21 fields, the header has 11").
		{file: "mixed_cr.csv", want: `mixed_cr.csv:4: column category: "promo" is not one of marketing, utility, authentication`},
		{file: "mixed_cr.jsonl", want: `mixed_cr.jsonl:3: column ts: a JSON number, want a string`},
		{file: "gzip_named.csv", want: `gzip_named.csv: the file starts with gzip data, not text: name it gzip_named.csv.gz (it is decompressed as it is read), or decompress it`},
		{file: "zstd_named.csv", want: `zstd_named.csv: the file starts with zstd data, not text: name it zstd_named.csv.zst (it is decompressed as it is read), or decompress it`},
		{file: "utf16.csv", want: `utf16.csv: UTF-16 text (little-endian, with a byte-order mark): save it as UTF-8 (a spreadsheet's "CSV UTF-8")`},
		{file: "utf16be.csv", want: `utf16be.csv: UTF-16 text (big-endian): save it as UTF-8 (a spreadsheet's "CSV UTF-8")`},
		{file: "parquet_named.csv", want: `parquet_named.csv: a Parquet file, not CSV text: name it parquet_named.parquet, or pass --format parquet`},
		{file: "tab_separated.csv", want: "tab_separated.csv:1: missing required column ts (the header has ts\tuser\tdirection); the header is one column, its names separated by tabs: pass --delimiter tab"},
		// Three marketing templates to three users under one id were billed as one.
		{file: "id_clash.csv", want: `id_clash.csv:3: column message_id: "x1" already names the message on line 2, which has another user, direction or category: an id names one message (a retry repeats it whole); give each message its own id`},
		{file: "number_ts.jsonl", want: `number_ts.jsonl:2: column ts: a JSON number, want a string`},
		{file: "bad_json.jsonl", want: `bad_json.jsonl:2: bad JSON: unexpected end of JSON input`},
		{file: "non_utf8.jsonl", want: `non_utf8.jsonl:1: not valid UTF-8 (byte 0xfe at offset 42)`},
		{file: "empty.jsonl", want: `empty.jsonl: empty file, no rows`},
		{file: "bad_status.webhook", want: `bad_status.webhook:1: column statuses.status: "deleted" is not one of sent, delivered, read, played, failed`},
		{file: "bad_pricing.webhook", want: `bad_pricing.webhook:1: column statuses.pricing.category: "promo" is not one of marketing, utility, authentication, authentication_international, service, referral_conversion, user_initiated, business_initiated`},
		// A column of the wrong type is a problem of the file's schema, not of a row.
		{file: "wrong_type.parquet", want: `wrong_type.parquet: column category: has type int32, want a string`},
		{file: "bad_direction.parquet", want: `bad_direction.parquet:3: column direction: "outbound" is not one of user, business`},
		{file: "null_ts.parquet", want: `null_ts.parquet:2: column ts: missing (required)`},
		{file: "corrupt_page.parquet", want: `corrupt_page.parquet:3: corrupt Parquet data: decoding one batch exceeded its allocation budget (a corrupt page?)`},
		{file: "truncated.parquet", want: `truncated.parquet: truncated Parquet file (no PAR1 magic at the end: the footer is missing)`},
		// Issue 15: times outside 1970–2100 (one was billed in 4920379-07; a first row
		// before 1970 was "earlier than the previous row's 1970-01-01", even with --sort)
		// and impossible UTC offsets.
		{file: "ts_2e53.parquet", want: `ts_2e53.parquet:2: column ts: 9007199254740992 ms since 1970 is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "before_1970.csv", want: `before_1970.csv:2: column ts: "1969-12-31T23:00:00Z" is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "before_1970.csv", args: []string{"--sort"}, want: `before_1970.csv:2: column ts: "1969-12-31T23:00:00Z" is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "year_2101.webhook", want: `year_2101.webhook:1: column messages.timestamp: "4133980800" is outside the years 1970 to 2100 that a message's time may have (a clock gone wrong, or seconds and milliseconds mixed up?)`},
		{file: "offset_24h.csv", want: `offset_24h.csv:3: column ts: "2024-05-01T10:00:00+24:00" has the UTC offset +24:00; offsets run from -14:00 to +14:00, with minutes below 60`},
		{file: "offset_1460.jsonl", want: `offset_1460.jsonl:1: column ts: "2024-05-01T10:00:00+14:60" has the UTC offset +14:60; offsets run from -14:00 to +14:00, with minutes below 60`},
		// Issue 15: a second "user" billed another number; "Category" overrode category.
		{file: "duplicate_key.jsonl", want: `duplicate_key.jsonl:1: column user: given twice in one object; a key may appear once (readers differ on which value wins)`},
		{file: "case_key.jsonl", want: `case_key.jsonl:1: column Category: differs from the key "category" only in case; keys are case-sensitive`},
		{file: "duplicate_key.webhook", want: `duplicate_key.webhook:1: column entry.changes.value.statuses.recipient_id: given twice in one object; a key may appear once (readers differ on which value wins)`},
		{file: "case_key.webhook", want: `case_key.webhook:1: column entry.changes.value.statuses.pricing.Category: differs from the key "category" only in case; keys are case-sensitive`},
		{file: big + "/long_line.csv", want: `long_line.csv:2: column user: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"… (1048576 bytes) is too long for an id (at most 256 bytes)`},
		{file: big + "/long_line.jsonl", want: `long_line.jsonl:1: column user: "7777777777777777777777777777777777777777777777777777777777777777"… (1048576 bytes) is too long for an id (at most 256 bytes)`},
		{file: big + "/huge.csv", want: `huge.csv:3: row longer than 16 MiB; is it really CSV?`},
		{file: big + "/huge.jsonl", want: `huge.jsonl:2: line is longer than 16 MiB; is it really JSON lines?`},
	}

	// Every file of the corpus has a case here: a file added there is checked here too.
	files, err := os.ReadDir(badCorpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !slices.ContainsFunc(cases, func(c badCase) bool { return c.file == f.Name() }) {
			t.Errorf("%s of the malformed corpus has no case here", f.Name())
		}
	}

	for _, c := range cases {
		name := filepath.Base(c.file)
		if len(c.args) > 0 {
			name += strings.Join(c.args, "")
		}
		t.Run(name, func(t *testing.T) {
			path := c.file
			if !filepath.IsAbs(path) {
				path = filepath.Join(badCorpus, path)
			}
			base := t.TempDir()
			// Two output folders: one that does not exist yet, and one that holds a
			// file of the user's, which must be left exactly as it was.
			fresh := filepath.Join(base, "fresh")
			kept := filepath.Join(base, "kept")
			if err := os.Mkdir(kept, 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, kept, "notes.txt", "the user's own file\n")
			for _, out := range []string{fresh, kept} {
				args := append([]string{"replay", "--trace", path, "--out", out, "-q"}, c.args...)
				code, stdout, stderr := spendsim(t, args...)
				if c.want == "" {
					if code != 0 {
						t.Fatalf("valid by design, but exit %d: %s", code, stderr)
					}
					for _, f := range []string{"messages.parquet", "bill.parquet", "summary.json"} {
						if _, err := os.Stat(filepath.Join(out, f)); err != nil {
							t.Error(err)
						}
					}
					continue
				}
				if code != 1 {
					t.Errorf("%s: exit %d, want 1", out, code)
				}
				if want := "spendsim: " + c.want + "\n"; stderr != want {
					t.Errorf("%s: stderr\n got %q\nwant %q", out, stderr, want)
				}
				if stdout != "" {
					t.Errorf("%s: a failed replay printed %q", out, stdout)
				}
				if out == fresh {
					if _, err := os.Stat(fresh); !os.IsNotExist(err) {
						entries, _ := os.ReadDir(fresh)
						t.Errorf("a failed replay created %s (%d entries)", fresh, len(entries))
					}
					continue
				}
				entries, err := os.ReadDir(kept)
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 1 || entries[0].Name() != "notes.txt" {
					var names []string
					for _, e := range entries {
						names = append(names, e.Name())
					}
					t.Errorf("a failed replay left %v in %s, want only the user's notes.txt", names, kept)
				}
			}
		})
	}
}

// TestMappingRefusedForParquet: --mapping with a Parquet trace (a file, a Hive-
// partitioned folder; replay and fit) is a usage error that writes nothing. It was
// silently ignored, exit 0, and the manifest listed the mapping among the inputs as if
// it had been applied.
func TestMappingRefusedForParquet(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "t.parquet")
	if code, _, stderr := spendsim(t, "generate", "small", "-o", pq, "-q"); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(pq)
	if err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(dir, "ds", "country=US")
	if err := os.MkdirAll(part, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, part, "data_0.parquet", string(b))
	m := writeFile(t, dir, "m.yaml", "country: US\n")
	out := filepath.Join(dir, "out")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--trace", pq, "--mapping", m, "--out", out},
			"t.parquet: a column mapping applies to CSV only, not parquet (see spendsim replay --help)"},
		{[]string{"replay", "--trace", filepath.Join(dir, "ds"), "--mapping", m, "--out", out},
			"country=US/data_0.parquet: a column mapping applies to CSV only, not parquet (see spendsim replay --help)"},
		{[]string{"replay", "--trace", filepath.Join(dir, "ds"), "--mapping", m, "--sort", "--out", out},
			"country=US/data_0.parquet: a column mapping applies to CSV only, not parquet (see spendsim replay --help)"},
		{[]string{"fit", "--trace", pq, "--mapping", m, "-o", filepath.Join(out, "fit.yaml")},
			"t.parquet: a column mapping applies to CSV only, not parquet (see spendsim fit --help)"},
	}
	for _, c := range cases {
		code, stdout, stderr := spendsim(t, c.args...)
		if code != 2 || stderr != "spendsim: "+c.want+"\n" || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, stdout, stderr, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: a refused command wrote %s", c.args, out)
		}
	}
}

// TestDuplicateNote: rows dropped as repeats of a message id are said on stderr, with
// the first, --quiet or not, by replay and fit (they were only counted in
// summary.json's duplicate_messages); an id clash is an invalid row.
func TestDuplicateNote(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "t.csv", "ts,user,direction,type,category,country,message_id\n"+
		"2025-09-01T05:00:00Z,5511987654321,user,,,,u1\n"+
		"2025-09-01T05:00:01Z,5511987654321,business,text,,,b1\n"+
		"2025-09-01T05:00:02Z,5511987654321,business,text,,,b1\n"+
		"2025-09-01T05:00:03Z,5511987654321,user,,,,u1\n"+
		"2025-09-01T06:00:00Z,5511987654322,user,,,,u2\n"+
		"2025-09-01T06:01:00Z,5511987654322,business,text,,,b2\n"+
		"2025-09-01T07:00:00Z,5511987654323,user,,,,u3\n"+
		"2025-09-01T07:02:00Z,5511987654323,business,text,,,b3\n")
	const note = "2 rows dropped as repeats of a message_id already read (a retry, or a later status of the same message: billed once); the first: t.csv:4 repeats t.csv:3\n"
	for _, args := range [][]string{
		{"replay", "--trace", tr, "--out", filepath.Join(dir, "r"), "-q"},
		{"fit", "--trace", tr, "-o", filepath.Join(dir, "f.yaml"), "-q"},
	} {
		code, _, stderr := spendsim(t, args...)
		if code != 0 || !strings.Contains(stderr, note) {
			t.Errorf("%s: exit %d, stderr %q; want the note %q", args[0], code, stderr, note)
		}
	}
}

// TestStatusLogCountsMessages: a CSV log of status events (a message's sent row, then
// its delivered and read rows) is one business message, delivered, billed once: the
// summary counted the sent row and the delivered row as two business messages, one of
// them undelivered (a reviewer's "3 business messages (2 delivered)" for two messages,
// both delivered). Sharded and merged, the same counts.
func TestStatusLogCountsMessages(t *testing.T) {
	dir := t.TempDir()
	tr := writeFile(t, dir, "status.csv", "ts,user,direction,type,category,status,delivered_ts,message_id\n"+
		"2025-08-02T10:00:00Z,5511987654321,business,template,marketing,sent,,x1\n"+
		"2025-08-02T10:00:00Z,5511987654321,business,template,marketing,delivered,2025-08-02T10:00:05Z,x1\n"+
		"2025-08-02T10:00:00Z,5511987654321,business,template,marketing,read,2025-08-02T10:00:05Z,x1\n"+
		"2025-08-02T11:00:00Z,5511987654322,business,template,marketing,delivered,,x2\n"+
		"2025-08-02T12:00:00Z,5511987654323,business,template,marketing,sent,,x3\n")
	one, shards := filepath.Join(dir, "one"), filepath.Join(dir, "shards")
	if code, stdout, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", "pmp-2025", "--out", one, "-q"); code != 0 ||
		!strings.Contains(stdout, "3 business messages (2 delivered)") {
		t.Fatalf("replay: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, k := range []string{"0/2", "1/2"} {
		if code, _, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", "pmp-2025", "--shard", k, "--out", shards, "-q"); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", k, code, stderr)
		}
	}
	if code, _, stderr := spendsim(t, "merge", shards, "--pricing", "pmp-2025"); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	for _, out := range []string{one, shards} {
		var s struct {
			Business    int64 `json:"business_messages"`
			Delivered   int64 `json:"delivered_business_messages"`
			Undelivered int64 `json:"undelivered_business_messages"`
			Total       string
		}
		data, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		if s.Business != 3 || s.Delivered != 2 || s.Undelivered != 1 || s.Total != "0.125000" {
			t.Errorf("%s: %+v; want 3 business messages, 2 delivered, 1 not, 0.125000", out, s)
		}
	}
}

// TestStatusLogOnceEverywhere: the sent and delivered rows of one business message are
// one message for fit and for a restaffing too. fit --bot counted each bot reply of a
// status log twice ("80 replies" of the bot's for 40), and a restaffed replay of one,
// whose replies it drops and simulates anew, said "0 business messages (30 delivered)"
// and -30 undelivered, taking the trace's second rows off replies it never billed.
func TestStatusLogOnceEverywhere(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("ts,user,direction,type,category,message_id,status,delivered_ts\n")
	for i := range 3 {
		fmt.Fprintf(&b, "2025-08-04T1%d:00:00Z,+551199990000%d,user,text,,u%d,,\n", i, i, i)
		fmt.Fprintf(&b, "2025-08-04T1%d:00:02Z,+551199990000%d,business,text,,bot%d,sent,\n", i, i, i)
		fmt.Fprintf(&b, "2025-08-04T1%d:00:03Z,+551199990000%d,business,text,,bot%d,delivered,2025-08-04T1%d:00:03Z\n", i, i, i, i)
		fmt.Fprintf(&b, "2025-08-04T1%d:05:00Z,+551199990000%d,business,text,,team%d,delivered,\n", i, i, i)
	}
	tr := writeFile(t, dir, "status.csv", b.String())
	fitted := filepath.Join(dir, "fit.yaml")
	if code, _, stderr := spendsim(t, "fit", "--trace", tr, "-o", fitted, "--bot", "10s", "-q"); code != 0 {
		t.Fatalf("fit: exit %d: %s", code, stderr)
	}
	y, err := os.ReadFile(fitted)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(y), "3 replies, and 3 of a bot's") {
		t.Errorf("fit --bot does not count 3 bot replies of 3 messages:\n%s", y)
	}
	out := filepath.Join(dir, "rs")
	code, stdout, stderr := spendsim(t, "replay", "--trace", tr, "--pricing", "pmp-2025", "--out", out, "-q",
		"--restaff", filepath.Join("testdata", "restaff", "one-agent.yaml"))
	if code != 0 {
		t.Fatalf("restaff: exit %d: %s", code, stderr)
	}
	var s struct {
		Business    int64 `json:"business_messages"`
		Undelivered int64 `json:"undelivered_business_messages"`
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err == nil {
		err = json.Unmarshal(data, &s)
	}
	if err != nil || s.Business <= 0 || s.Undelivered != 0 {
		t.Errorf("restaffed summary: %+v (%v), want its replies counted and none undelivered\n%s", s, err, stdout)
	}
}
