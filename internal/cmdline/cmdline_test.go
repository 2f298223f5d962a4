package cmdline

import (
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

var (
	global = Flags{"cpuprofile": {Name: "cpuprofile", Value: true}}
	run    = Flags{
		"out": {Name: "out", Value: true}, "o": {Name: "out", Value: true},
		"workers": {Name: "workers", Value: true}, "w": {Name: "workers", Value: true},
		"quiet": {Name: "quiet"}, "q": {Name: "quiet"},
		"seed": {Name: "seed", Value: true}, "trace": {Name: "trace", Value: true},
		"shard": {Name: "shard", Value: true},
	}
	drop = []string{"cpuprofile", "out", "workers", "quiet", "shard"}
)

// TestWithout: the flags that cannot change a result go, with their values, in every
// spelling (--out DIR, --out=DIR, -o DIR, -q, --quiet=false), the program's own flags
// before the command too; everything else stays as given, in order.
func TestWithout(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"run my.yaml --seed 42", "run my.yaml --seed 42"},
		{"run my.yaml --out o -w 4 --seed 42 -q", "run my.yaml --seed 42"},
		{"--cpuprofile cpu.out run --out=o my.yaml --quiet=false --seed=42", "run my.yaml --seed=42"},
		{"replay --trace - --shard 0/2 -o x more.csv", "replay --trace - more.csv"},
		{"run -qw 4 my.yaml", "run -qw 4 my.yaml"}, // a bundle is kept as given
		{"run my.yaml -- --out x", "run my.yaml -- --out x"},
		{"run --unknown my.yaml", "run --unknown my.yaml"},
		{"run", "run"},
		{"", ""},
	} {
		got := Without(strings.Fields(c.in), global, run, drop)
		if want := strings.Fields(c.want); !slices.Equal(got, want) {
			t.Errorf("Without(%q) = %q, want %q", c.in, got, want)
		}
	}
}

// TestInterspersed: a command's flags go ahead of its arguments, with their values.
func TestInterspersed(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"my.yaml --seed 42 -q", "--seed 42 -q my.yaml"},
		{"--trace a.csv b.csv --out=o c.csv", "--trace a.csv --out=o b.csv c.csv"},
		{"- --trace x", "--trace x -"},
		{"my.yaml -- --seed 1", "my.yaml -- --seed 1"},
		{"my.yaml --seed", "--seed my.yaml"},
	} {
		got := Interspersed(strings.Fields(c.in), run)
		if want := strings.Fields(c.want); !slices.Equal(got, want) {
			t.Errorf("Interspersed(%q) = %q, want %q", c.in, got, want)
		}
	}
}

// TestOf: every name and alias of a urfave/cli flag, a switch taking no value.
func TestOf(t *testing.T) {
	fs := Of([]cli.Flag{&cli.StringFlag{Name: "out", Aliases: []string{"o"}}, &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}, &cli.IntFlag{Name: "workers"}})
	want := Flags{"out": {"out", true}, "o": {"out", true}, "quiet": {"quiet", false}, "q": {"quiet", false}, "workers": {"workers", true}}
	if len(fs) != len(want) {
		t.Fatalf("Of = %v, want %v", fs, want)
	}
	for n, f := range want {
		if fs[n] != f {
			t.Errorf("Of[%q] = %+v, want %+v", n, fs[n], f)
		}
	}
}

// TestValue: a flag's value in a recorded command line, in every spelling, the last
// one given; not a word that is another flag's value, nor after "--".
func TestValue(t *testing.T) {
	cmd := Flags{"timezone": {Name: "timezone", Value: true}, "tz": {Name: "timezone", Value: true},
		"mapping": {Name: "mapping", Value: true}, "sort": {Name: "sort"}, "trace": {Name: "trace", Value: true}}
	for _, c := range []struct {
		in, want string
		given    bool
	}{
		{"replay --trace t.csv --timezone America/Sao_Paulo", "America/Sao_Paulo", true},
		{"replay --timezone=Asia/Kolkata --trace t.csv", "Asia/Kolkata", true},
		{"replay -tz Europe/Berlin --sort --trace t.csv", "Europe/Berlin", true},
		{"--cpuprofile cpu.out replay --trace t.csv --timezone UTC --timezone Asia/Tokyo", "Asia/Tokyo", true},
		{"replay --trace t.csv", "", false},
		{"replay --mapping --timezone --trace t.csv", "", false}, // the mapping file's odd name
		{"replay --trace t.csv -- --timezone UTC", "", false},
		{"replay --trace t.csv --timezone", "", false},
		{"", "", false},
	} {
		got, given := Value(strings.Fields(c.in), global, cmd, "timezone")
		if got != c.want || given != c.given {
			t.Errorf("Value(%q) = %q, %v; want %q, %v", c.in, got, given, c.want, c.given)
		}
	}
}

// TestValueSwitch: a switch reads "true" given bare, its value given with "="; the last
// one counts. reconcile --replay reads a replay's --skip-invalid this way.
func TestValueSwitch(t *testing.T) {
	cmd := Flags{"skip-invalid": {Name: "skip-invalid"}, "trace": {Name: "trace", Value: true}}
	for _, c := range []struct {
		in, want string
		given    bool
	}{
		{"replay --trace t.jsonl --skip-invalid", "true", true},
		{"replay --skip-invalid --trace t.jsonl", "true", true},
		{"replay --trace t.jsonl --skip-invalid=false", "false", true},
		{"replay --skip-invalid=false --trace t.jsonl -skip-invalid", "true", true},
		{"replay --trace --skip-invalid", "", false}, // the trace file's odd name
		{"replay --trace t.jsonl", "", false},
		{"replay --trace t.jsonl -- --skip-invalid", "", false},
	} {
		got, given := Value(strings.Fields(c.in), global, cmd, "skip-invalid")
		if got != c.want || given != c.given {
			t.Errorf("Value(%q) = %q, %v; want %q, %v", c.in, got, given, c.want, c.given)
		}
	}
}

// TestCommands: a command's flags by its name; none for a name no command has.
func TestCommands(t *testing.T) {
	app := &cli.App{Commands: []*cli.Command{{Name: "replay", Flags: []cli.Flag{&cli.StringFlag{Name: "timezone"}}}}}
	if fs := Commands(app)("replay"); fs["timezone"] != (Flag{"timezone", true}) {
		t.Errorf("replay's flags %v", fs)
	}
	if fs := Commands(app)("merge"); fs != nil {
		t.Errorf("no command merge: %v", fs)
	}
}
