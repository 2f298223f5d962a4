package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateFiles: every file is checked and handed over in order, valid or not; the
// check as a whole is an I/O error (exit 1 from validate) when any file could not be
// read, whatever the order, else an *Error (exit 2) when any is invalid. A memory check
// that finds the scenario too big makes it invalid; one whose limit is wrong stops the
// check there. A valid scenario whose days no rate card prices is valid, with the gap.
func TestValidateFiles(t *testing.T) {
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := file("ok.yaml", base)
	old := file("old.yaml", strings.Replace(base, "start: 2025-09-01", "start: 2019-05-02", 1))
	invalid := file("inv.yaml", "name: x\ndays: abc\n")
	missing := filepath.Join(dir, "missing.yaml")

	check := func(refs []string, o ValidateOptions) ([]Checked, error) {
		var got []Checked
		err := ValidateFiles(refs, o, func(c Checked) { got = append(got, c) })
		return got, err
	}
	got, err := check([]string{ok, "small", old}, ValidateOptions{})
	if err != nil || len(got) != 3 {
		t.Fatalf("valid files: %v, %d checked", err, len(got))
	}
	for _, c := range got {
		if c.Err != nil || c.Scenario == nil {
			t.Errorf("%s: %+v", c.Ref, c)
		}
	}
	if len(got[0].Gaps) != 0 || len(got[2].Gaps) != 1 || !strings.Contains(got[2].Gaps[0], "nbp-2018 rules at 2019-05-02") {
		t.Errorf("gaps %q and %q; want none, then the NBP days of old.yaml", got[0].Gaps, got[2].Gaps)
	}

	for _, c := range []struct {
		refs []string
		want string
		se   bool // an *Error
	}{
		{[]string{ok, invalid}, "1 of 2 files invalid", true},
		{[]string{missing, ok}, "1 of 2 files could not be read", false},
		{[]string{invalid, missing}, "1 of 2 files could not be read, 1 invalid", false},
		{[]string{missing, invalid}, "1 of 2 files could not be read, 1 invalid", false},
	} {
		got, err := check(c.refs, ValidateOptions{})
		var se *Error
		if err == nil || err.Error() != c.want || errors.As(err, &se) != c.se || len(got) != len(c.refs) {
			t.Errorf("%v: %v (an *Error: %v), %d checked; want %q", c.refs, err, errors.As(err, &se), len(got), c.want)
		}
		for i, r := range got {
			if r.Ref != c.refs[i] || r.Err == nil && r.Ref != ok || r.Scenario != nil && r.Err != nil {
				t.Errorf("%v: checked %d: %+v", c.refs, i, r)
			}
		}
	}

	tooBig := &Error{File: "x", Problems: []string{"needs up to 9 EiB of memory"}}
	got, err = check([]string{ok, ok}, ValidateOptions{Memory: func(*Scenario, string) error { return tooBig }})
	if err == nil || err.Error() != "2 of 2 files invalid" || len(got) != 2 || got[0].Err != tooBig {
		t.Errorf("too big: %v, %+v", err, got)
	}
	badLimit := errors.New("--max-memory: \"bogus\" is not a size")
	got, err = check([]string{missing, ok, ok}, ValidateOptions{Memory: func(*Scenario, string) error { return badLimit }})
	if err != badLimit || len(got) != 1 {
		t.Errorf("a wrong limit: %v after %d checked; want it at the first file read", err, len(got))
	}
}
