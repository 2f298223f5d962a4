package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuthIntlNote: auth_intl_from without primary_country makes every recipient
// international, the home country's included; the note says so, naming the country
// most customers are in and its share of them, and says nothing
// when either key is absent.
func TestAuthIntlNote(t *testing.T) {
	two := strings.Replace(base, "countries: [{country: BR, share: 1}]", "countries: [{country: AE, share: 0.25}, {country: IN, share: 0.75}]", 1)
	for _, c := range []struct {
		name, business, want string
	}{
		{"no primary country", "business: {auth_intl_from: 2024-07-01}\n",
			"business.auth_intl_from is 2024-07-01 and business.primary_country is not given: from that date every recipient counts as international, those in IN (75% of the customers) too"},
		{"a primary country", "business: {auth_intl_from: 2024-07-01, primary_country: IN}\n", ""},
		{"no start time", "business: {primary_country: IN}\n", ""},
		{"neither", "", ""},
	} {
		sc, err := Parse([]byte(two+c.business), "t.yaml")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := sc.AuthIntlNote(); c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: note %q, want %q", c.name, got, c.want)
		}
	}
}

// TestValidateFilesFails: a valid scenario whose run is sure to stop for a missing
// rate (a notification's codes to Turkey, whose authentication cell the 2025-07-01 USD
// card lacks, and which no free tier spares) has it among Fails, not Gaps, and the
// check as a whole is an error that is not an *Error (exit 1, not 2); the utility cell
// only replies need stays a warning.
func TestValidateFilesFails(t *testing.T) {
	tr := strings.Replace(base, "countries: [{country: BR, share: 1}]", "countries: [{country: TR, share: 1}]", 1)
	tr = strings.Replace(tr, "  conversations_per_customer_month: 1\n", "  conversations_per_customer_month: 1\n  notifications:\n    - {name: codes, category: authentication, per_customer_month: 4}\n", 1)
	p := filepath.Join(t.TempDir(), "tr.yaml")
	if err := os.WriteFile(p, []byte(tr), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []Checked
	err := ValidateFiles([]string{p, "small"}, ValidateOptions{}, func(c Checked) { got = append(got, c) })
	var se *Error
	if err == nil || errors.As(err, &se) || !strings.HasPrefix(err.Error(), "1 of 2 files would not run") || len(got) != 2 {
		t.Fatalf("ValidateFiles: %v, %d checked; want 1 of 2 files would not run", err, len(got))
	}
	if c := got[0]; c.Err != nil || c.Scenario == nil || len(c.Fails) != 1 || !strings.Contains(c.Fails[0], "authentication templates to customers in TR") ||
		len(c.Gaps) == 0 || !strings.Contains(strings.Join(c.Gaps, "\n"), "utility rate for Turkey") {
		t.Errorf("tr.yaml: fails %q, gaps %q", c.Fails, c.Gaps)
	}
	if c := got[1]; c.Err != nil || len(c.Fails) != 0 {
		t.Errorf("small: %+v", c)
	}
}
