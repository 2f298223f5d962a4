package limits

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(p, make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(p, 100, "a scenario file"); err != nil || len(b) != 100 {
		t.Errorf("at the cap: %d bytes, %v", len(b), err)
	}
	_, err := ReadFile(p, 99, "a scenario file")
	// The path as given, so a user with many files of one name knows which.
	if want := p + ": more than 99 bytes, the most a scenario file may be (is it the right file?): file too large"; err == nil || err.Error() != want || !errors.Is(err, ErrTooLarge) {
		t.Errorf("past the cap: %v\nwant %s", err, want)
	}
	// /dev/zero never ends: the cap stops the read.
	if _, err := ReadFile("/dev/zero", 1<<20, "a rate file"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("/dev/zero: %v", err)
	}
}

func TestParseAndFormatBytes(t *testing.T) {
	for in, want := range map[string]uint64{"8GiB": 8 << 30, "512M": 512 << 20, "1.5 GB": 3 << 29, "100": 100, "2t": 2 << 40} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1G", "0", "8 parsecs", "1e30G"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("ParseBytes(%q) succeeded", bad)
		}
	}
	for b, want := range map[float64]string{1: "1 byte", 100: "100 bytes", 1536: "1.5 KiB", 12.3 * (1 << 30): "12.3 GiB", 1e300: "1e+300 bytes"} {
		if got := FormatBytes(b); got != want {
			t.Errorf("FormatBytes(%g) = %q, want %q", b, got, want)
		}
	}
	if m, what := DefaultMaxMemory(); m == 0 || what == "" {
		t.Errorf("DefaultMaxMemory() = %d, %q", m, what)
	}
}

func TestReplaySoftLimit(t *testing.T) {
	if got, err := ReplaySoftLimit("2GiB"); err != nil || got != 2<<30 {
		t.Errorf("ReplaySoftLimit(2GiB) = %d, %v; want %d", got, err, uint64(2<<30))
	}
	if _, err := ReplaySoftLimit("lots"); err == nil {
		t.Error("ReplaySoftLimit(lots): no error")
	}
	got, err := ReplaySoftLimit("")
	if err != nil || got == 0 || got > ReplayHeap {
		t.Errorf("ReplaySoftLimit() = %d, %v; want at most %d", got, err, ReplayHeap)
	}
	if m, ok := MachineMemory(); ok && m/2 >= ReplayHeap && got != ReplayHeap {
		t.Errorf("ReplaySoftLimit() = %d on a machine of %d; want %d", got, m, ReplayHeap)
	}
}

// TestSoftLimitBy: under GOMEMLIMIT (which the runtime read at start, and
// SetSoftLimit leaves alone) the soft limit in force is GOMEMLIMIT's, and says so;
// GOMEMLIMIT=off is none; without it, the flag's.
func TestSoftLimitBy(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prev)
	t.Setenv("GOMEMLIMIT", "")
	if got, by := SoftLimitBy(800<<20, "the default"); got != 800<<20 || by != "the default" {
		t.Errorf("no GOMEMLIMIT: %d %q", got, by)
	}
	t.Setenv("GOMEMLIMIT", "100MiB")
	debug.SetMemoryLimit(100 << 20)
	SetSoftLimit(800 << 20)
	if got, by := SoftLimitBy(800<<20, "--max-memory"); got != 100<<20 || by != "GOMEMLIMIT" {
		t.Errorf("GOMEMLIMIT=100MiB: %d %q; want %d GOMEMLIMIT", got, by, 100<<20)
	}
	t.Setenv("GOMEMLIMIT", "off")
	debug.SetMemoryLimit(math.MaxInt64)
	if got, by := SoftLimitBy(800<<20, "--max-memory"); got != 0 || by != "GOMEMLIMIT" {
		t.Errorf("GOMEMLIMIT=off: %d %q; want 0 GOMEMLIMIT", got, by)
	}
}

// TestMemoryLimitWithoutUnit: a --max-memory value in bytes under 64 MiB ("512", "1B")
// is refused as a unit left out, for replays and simulations alike; bytes from 64 MiB
// and any size with a unit (even a small one, which the replay then warns about) pass.
func TestMemoryLimitWithoutUnit(t *testing.T) {
	for _, bad := range []string{"512", "1B", " 4096 ", "67108863"} {
		_, err := ReplaySoftLimit(bad)
		_, _, err2 := MaxMemory(bad)
		if err == nil || err2 == nil || !strings.Contains(err.Error(), "give the unit, like 512MiB") {
			t.Errorf("%q: ReplaySoftLimit %v, MaxMemory %v; want both to ask for the unit", bad, err, err2)
		}
	}
	for in, want := range map[string]uint64{"67108864": 64 << 20, "1KiB": 1 << 10, "512M": 512 << 20, "1.5GB": 3 << 29} {
		got, err := ReplaySoftLimit(in)
		got2, _, err2 := MaxMemory(in)
		if err != nil || err2 != nil || got != want || got2 != want {
			t.Errorf("%q: %d, %v and %d, %v; want %d", in, got, err, got2, err2, want)
		}
	}
}

// TestPastMachine: a limit past the machine's memory gets a note naming both sizes and
// what may be stopped; one within it, none.
func TestPastMachine(t *testing.T) {
	m, ok := MachineMemory()
	if !ok {
		t.Skip("this machine's memory cannot be read")
	}
	if n := PastMachine(m, "replay"); n != "" {
		t.Errorf("PastMachine(the machine's own memory) = %q; want none", n)
	}
	n := PastMachine(100<<40, "replay")
	if want := "--max-memory " + FormatBytes(100<<40) + " is more than this machine's memory (" + FormatBytes(float64(m)) + "), so it does not keep the replay from running out of memory"; !strings.Contains(n, want) {
		t.Errorf("PastMachine(100TiB) = %q; want it to contain %q", n, want)
	}
}

func TestWatchHeap(t *testing.T) {
	stop := WatchHeap(time.Hour)
	keep := make([]byte, 8<<20)
	runtime.GC()
	if live := stop(); live < 8<<20 {
		t.Errorf("WatchHeap saw %d bytes live; want at least the 8 MiB held", live)
	}
	runtime.KeepAlive(keep)
}
