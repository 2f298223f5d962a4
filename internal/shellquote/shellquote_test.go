package shellquote

import (
	"os/exec"
	"testing"
)

// TestQuote: every word comes back from a real shell as given, and plain words are
// left bare.
func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"spendsim", "spendsim"},
		{"/shared/out-2/r_1.csv", "/shared/out-2/r_1.csv"},
		{"--pricing=pmp-2025", "--pricing=pmp-2025"},
		{"", "''"},
		{"e sp", "'e sp'"},
		{"it's", `'it'\''s'`},
		{"logs/*.csv", "'logs/*.csv'"},
		{"$HOME", "'$HOME'"},
		{"~/x", "'~/x'"},
		{"a;b", "'a;b'"},
	} {
		if got := Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to check the quoting with")
	}
	words := []string{"a b", "it's", "*", "$HOME", "", "x\ny", `back\slash`, "\"", "a;b&c|d", "(x)", "~", "#c", "é"}
	out, err := exec.Command(sh, "-c", `for w in `+Join(words)+`; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	start := 0
	for i, b := range out {
		if b == 0 {
			got = append(got, string(out[start:i]))
			start = i + 1
		}
	}
	if len(got) != len(words) {
		t.Fatalf("sh read %d words %q, want %d", len(got), got, len(words))
	}
	for i := range words {
		if got[i] != words[i] {
			t.Errorf("word %d: sh read %q, want %q", i, got[i], words[i])
		}
	}
}
