package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// inrBank is an India-based business billed in INR with customers in the United Arab
// Emirates, whose market the built-in INR cards lack, sending authentication codes.
const inrBank = `name: inr-bank
start: 2025-09-01
days: 2
replications: 1
currency: INR
business: {primary_country: IN, auth_intl_from: 2024-07-01}
customers:
  count: 300
  countries: [{country: IN, share: 0.8}, {country: AE, share: 0.2}]
load:
  conversations_per_customer_month: 3
  notifications:
    - {name: codes, category: authentication, per_customer_month: 8}
agents:
  shifts:
    - {start: "09:00", end: "17:00", headcount: 1}
`

// TestAuthIntlCellMissingInCurrency: an India-based bank billed in INR, its codes to
// UAE customers international; the INR cards have India alone, and validate asked for
// the UAE's utility and authentication rows only. With those given, the run charged
// the UAE codes the UAE's domestic rate, though the USD card of the date shows the UAE
// has an authentication-international rate (0.0510 USD against 0.0157). Now validate
// asks for that row instead (an error, exit 1: every code to the UAE needs it), the run
// stops at the first such code naming the row, and with the row both go through.
func TestAuthIntlCellMissingInCurrency(t *testing.T) {
	dir := t.TempDir()
	sc := writeFile(t, dir, "inr.yaml", inrBank)
	head := "effective_from,pricing_model,market,category,currency,rate\n"
	domestic := writeFile(t, dir, "ae.csv", head+
		"2025-07-01,PMP,United Arab Emirates,utility,INR,1.3345\n2025-07-01,PMP,United Arab Emirates,authentication,INR,1.3345\n")
	row := "2025-07-01,PMP,United Arab Emirates,authentication_international,INR,<rate>"
	code, stdout, stderr := spendsim(t, "validate", sc, "--rates", domestic)
	if code != 1 || !strings.Contains(stdout, "inr.yaml: valid, but a run stops for want of rates (") ||
		!strings.Contains(stderr, "inr.yaml: error: a run stops at the first message it charges that no rate card cell prices: from 2025-09-01 the pmp-2025 rules charge authentication templates to customers in AE") ||
		!strings.Contains(stderr, "no authentication_international rate for United Arab Emirates (the market has one on 2025-09-01, as the PMP USD card of 2025-07-01 shows") ||
		!strings.Contains(stderr, row) {
		t.Errorf("validate with the UAE's domestic rows: exit %d\nstdout %s\nstderr %s\nwant exit 1 and the row %s", code, stdout, stderr, row)
	}
	code, _, stderr = spendsim(t, "run", sc, "--seed", "1", "--rates", domestic, "--out", filepath.Join(dir, "out"), "--quiet")
	if code != 1 || !strings.Contains(stderr, "no authentication_international rate for United Arab Emirates") || !strings.Contains(stderr, row) {
		t.Errorf("run with the UAE's domestic rows: exit %d, stderr %q; want it stopped for the international cell", code, stderr)
	}
	full := writeFile(t, dir, "ae-full.csv", head+
		"2025-07-01,PMP,United Arab Emirates,utility,INR,1.3345\n2025-07-01,PMP,United Arab Emirates,authentication_international,INR,4.3350\n")
	if code, stdout, stderr := spendsim(t, "validate", sc, "--rates", full); code != 0 || !strings.Contains(stdout, ": ok (") || stderr != "" {
		t.Errorf("validate with the international row: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := spendsim(t, "run", sc, "--seed", "1", "--rates", full, "--out", filepath.Join(dir, "out2"), "--quiet"); code != 0 {
		t.Errorf("run with the international row: exit %d, stderr %q", code, stderr)
	}
}

// TestAuthIntlWithoutPrimaryCountry: auth_intl_from without primary_country bills every
// recipient, home customers included, at the international rate (Meta's rule for an
// unverified primary location), which an author leaving the primary country out by
// mistake was never told: a 96%-Indian bank paid 52,031 USD where it pays 6,000 with
// primary_country IN. validate and run now say so once (run not with -q), naming the
// country most customers are in and its share; replay does for its flags.
func TestAuthIntlWithoutPrimaryCountry(t *testing.T) {
	dir := t.TempDir()
	noPrimary := strings.Replace(strings.Replace(inrBank, "currency: INR\n", "", 1), "primary_country: IN, ", "", 1)
	if strings.Contains(noPrimary, "primary_country") || strings.Contains(noPrimary, "INR") {
		t.Fatalf("inrBank changed:\n%s", inrBank)
	}
	sc := writeFile(t, dir, "noprimary.yaml", noPrimary)
	note := "business.auth_intl_from is 2024-07-01 and business.primary_country is not given: from that date every recipient counts as international, " +
		"those in IN (80% of the customers) too"
	code, stdout, stderr := spendsim(t, "validate", sc)
	if code != 0 || !strings.Contains(stdout, ": ok (") || strings.Count(stderr, "note: ") != 1 || !strings.Contains(stderr, "noprimary.yaml: note: "+note) {
		t.Errorf("validate: exit %d\nstdout %s\nstderr %s\nwant the note %s", code, stdout, stderr, note)
	}
	code, _, stderr = spendsim(t, "run", sc, "--seed", "1", "--out", filepath.Join(dir, "out"))
	if code != 0 || strings.Count(stderr, "note: ") != 1 || !strings.Contains(stderr, "note: "+note) {
		t.Errorf("run: exit %d, stderr %q; want the note once", code, stderr)
	}
	if _, _, stderr := spendsim(t, "run", sc, "--seed", "1", "--out", filepath.Join(dir, "out2"), "--quiet"); strings.Contains(stderr, "note") {
		t.Errorf("run -q: stderr %q", stderr)
	}
	with := writeFile(t, dir, "primary.yaml", strings.Replace(noPrimary, "business: {", "business: {primary_country: IN, ", 1))
	if _, _, stderr := spendsim(t, "validate", with); strings.Contains(stderr, "note") {
		t.Errorf("validate with primary_country: stderr %q", stderr)
	}

	trace := writeFile(t, dir, "t.csv", newTrace) // one authentication template to India
	code, _, stderr = spendsim(t, "replay", "--trace", trace, "--auth-intl-from", "2024-07-01", "--out", filepath.Join(dir, "r1"))
	want := "note: --auth-intl-from 2024-07-01 without --primary-country: from that date every recipient counts as international, " +
		"and authentication messages pay the authentication-international rate wherever the market has one (here 1 of the 1 charged authentication unit, 100.0%)"
	if code != 0 || strings.Count(stderr, "--auth-intl-from") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("replay: exit %d, stderr %q; want %q", code, stderr, want)
	}
	if _, _, stderr := spendsim(t, "replay", "--trace", trace, "--auth-intl-from", "2024-07-01", "--primary-country", "IN", "--out", filepath.Join(dir, "r2")); strings.Contains(stderr, "--auth-intl-from") {
		t.Errorf("replay with --primary-country: stderr %q", stderr)
	}
}
