// Package limits states how far spendsim goes before it refuses: the size of the small
// files a user hands it (scenarios, column mappings, rate and tier files), read whole
// into memory, and the memory a command may plan to use, by default a share of the
// machine. It reads files and /proc/meminfo; the estimates themselves are the
// scenarios package's.
package limits

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// The largest small files read whole. A scenario or a mapping is a few kilobytes and a
// rate file of every market and date a few hundred; these leave room for generated
// ones and stop /dev/zero or a trace given by mistake at once.
const (
	ScenarioFile int64 = 4 << 20
	MappingFile  int64 = 4 << 20
	RateFile     int64 = 64 << 20
	// AnalyticsFile is one of Meta's pricing_analytics or conversation_analytics
	// responses: a year of daily points for every market and category is tens of MB.
	AnalyticsFile int64 = 256 << 20
)

// ErrTooLarge marks a file past its cap.
var ErrTooLarge = errors.New("file too large")

// ReadFile reads path whole, or fails with ErrTooLarge once it passes max bytes
// (without reading further: a FIFO or /dev/zero stops there too). what names the
// kind of file for the message: "a scenario file".
func ReadFile(path string, max int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: more than %s, the most %s may be (is it the right file?): %w",
			path, FormatBytes(float64(max)), what, ErrTooLarge)
	}
	return data, nil
}

// MachineMemory is the machine's total memory (MemTotal of /proc/meminfo); false where
// it cannot be read.
func MachineMemory() (uint64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("MemTotal:")); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			if err != nil || kb == 0 {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}

// FallbackMemory is the default limit where the machine's memory cannot be read.
const FallbackMemory uint64 = 4 << 30

// DefaultMaxMemory is the memory a command may plan to use unless told otherwise: half
// the machine's (the rest is the system's and other programs'), or FallbackMemory. It
// says which, for messages.
func DefaultMaxMemory() (uint64, string) {
	if m, ok := MachineMemory(); ok {
		return m / 2, "half of this machine's " + FormatBytes(float64(m))
	}
	return FallbackMemory, "the default where the machine's memory is unknown"
}

// ParseBytes reads a size: a number with an optional unit, KiB, MiB, GiB or TiB (or
// K, M, G, T, KB, MB, GB, TB, all powers of 1024), or plain bytes: "8GiB", "512M".
func ParseBytes(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	}
	shift := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20,
		"G": 30, "GB": 30, "GIB": 30, "T": 40, "TB": 40, "TIB": 40}
	sh, ok := shift[unit]
	v, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || !(v > 0) || v*math.Exp2(float64(sh)) >= math.MaxUint64/2 {
		return 0, fmt.Errorf("%q is not a size; want a number of bytes with a unit, like 8GiB or 512MiB", s)
	}
	return uint64(v * math.Exp2(float64(sh))), nil
}

// FormatBytes shows a size for people: "512.0 MiB", "12.3 GiB"; past an exbibyte in
// powers of ten ("2.7e+305 bytes").
func FormatBytes(b float64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	if b >= 1<<60*1024 || math.IsInf(b, 0) || math.IsNaN(b) {
		return strconv.FormatFloat(b, 'g', 3, 64) + " bytes"
	}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		if b == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%.0f bytes", b)
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}

// unitless is the size below which a --max-memory value given in bytes ("512", "1B")
// is taken for a slip, a unit left out ("512" for 512MiB), rather than a limit: under
// 512 bytes a replay ran at four times the CPU, its GC never done.
const unitless uint64 = 64 << 20

// parseLimit reads a --max-memory value: a size (ParseBytes), in bytes only from 64 MiB.
func parseLimit(flag string) (uint64, error) {
	limit, err := ParseBytes(flag)
	if t := strings.ToUpper(strings.TrimSpace(flag)); err == nil && limit < unitless && strings.TrimRight(t, "0123456789.B") == "" {
		err = fmt.Errorf("%q is %s; give the unit, like 512MiB or 8GiB", flag, FormatBytes(float64(limit)))
	}
	return limit, err
}

// MaxMemory is the memory limit --max-memory flag asks for (its text; "": half of this
// machine's), with how to name it in a message.
func MaxMemory(flag string) (limit uint64, what string, err error) {
	if flag == "" {
		limit, what = DefaultMaxMemory()
		return limit, "--max-memory (" + what + ")", nil
	}
	if limit, err = parseLimit(flag); err != nil {
		return 0, "", err
	}
	return limit, "--max-memory " + FormatBytes(float64(limit)), nil
}

// PastMachine is a note for a --max-memory of limit bytes that is more than this
// machine has, naming what the system may then kill (a replay, a sweep); "" for a limit
// within the machine's memory, or where that cannot be read.
func PastMachine(limit uint64, what string) string {
	m, ok := MachineMemory()
	if !ok || limit <= m {
		return ""
	}
	return fmt.Sprintf("note: --max-memory %s is more than this machine's memory (%s), so it does not keep the %s from running out of memory",
		FormatBytes(float64(limit)), FormatBytes(float64(m)), what)
}

// ReplayHeap is a replay's soft heap limit by default: its live state is per-user
// tables plus a few row-group buffers, and left alone the GC lets the heap reach twice
// that; this keeps a 10M-message, 1M-user replay near 800 MB at the same speed.
const ReplayHeap uint64 = 800 << 20

// ReplaySoftLimit is the soft heap limit a replay runs under: --max-memory's (its
// text), else ReplayHeap, or half the machine's memory where that is less.
func ReplaySoftLimit(flag string) (uint64, error) {
	if flag != "" {
		return parseLimit(flag)
	}
	if m, ok := MachineMemory(); ok && m/2 < ReplayHeap {
		return m / 2, nil
	}
	return ReplayHeap, nil
}

// WatchHeap samples the live heap (as the last GC found it) every period until the
// returned stop is called, which gives the largest seen. The GC lets the heap grow to
// twice the live one; held under a soft limit, it collects the more often the closer
// the live heap comes to the limit.
func WatchHeap(period time.Duration) (stop func() uint64) {
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var peak uint64
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			metrics.Read(s)
			if s[0].Value.Kind() == metrics.KindUint64 {
				peak = max(peak, s[0].Value.Uint64())
			}
			select {
			case <-done:
				metrics.Read(s) // the end of the work, however short
				if s[0].Value.Kind() == metrics.KindUint64 {
					peak = max(peak, s[0].Value.Uint64())
				}
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-result
	}
}

// SoftLimitBy is the soft heap limit the process runs under after SetSoftLimit(limit),
// and what set it, for a message: GOMEMLIMIT where it is set, which SetSoftLimit leaves
// alone (0 where it turns the limit off), else limit and by (the flag that asked for
// it). A note that compared the heap with limit under GOMEMLIMIT=100MiB never came:
// the replay held 178 MiB live, past the 100 MiB limit, against its 800 MiB default.
func SoftLimitBy(limit uint64, by string) (uint64, string) {
	if os.Getenv("GOMEMLIMIT") == "" {
		return limit, by
	}
	if cur := debug.SetMemoryLimit(-1); cur > 0 && cur < math.MaxInt64 {
		return uint64(cur), "GOMEMLIMIT"
	}
	return 0, "GOMEMLIMIT"
}

// SetSoftLimit makes limit the garbage collector's soft limit, unless GOMEMLIMIT sets
// one: garbage not yet collected, which a busy machine lets pile up, then does not take
// the process past the limit its work was checked against. restore puts back the limit
// there was, for a caller (a test) that goes on after the work.
func SetSoftLimit(limit uint64) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" || limit >= math.MaxInt64 {
		return func() {}
	}
	prev := debug.SetMemoryLimit(int64(limit))
	return func() { debug.SetMemoryLimit(prev) }
}
