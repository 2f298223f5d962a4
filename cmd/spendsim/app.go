package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/internal/cmdline"
	"github.com/spendsim/spendsim/internal/interrupt"
	"github.com/spendsim/spendsim/internal/profile"
	"github.com/spendsim/spendsim/internal/sweep"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
	"github.com/spendsim/spendsim/scenarios/trace"
)

// Exit codes. A command stopped by SIGINT (Ctrl-C) or SIGTERM exits 128 + the signal's
// number, as a shell reports a process the signal killed: 130 and 143.
const (
	exitOK      = 0
	exitFailure = 1 // the work failed: bad input data, I/O, a run error
	exitUsage   = 2 // the command line or the scenario is wrong
)

// env is what every subcommand gets: where to write, and the tool's version.
type env struct {
	stdout, stderr io.Writer
	version        string
	cpuProfile     *profile.CPU   // recording while --cpuprofile asks
	args           []string       // the command line as given, the program's name first
	kept           interrupt.Kept // run's finished runs, said if it does not stop in time
}

// commandLine is the command line as given, for a shard's manifest to record: spendsim,
// then the words after the program's name.
func (e *env) commandLine() []string {
	if len(e.args) == 0 {
		return nil
	}
	return append([]string{"spendsim"}, e.args[1:]...)
}

// usageError marks errors that are the caller's to fix on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// required checks that each named flag was given: urfave/cli's own check prints the
// whole help before its error.
func required(c *cli.Context, names ...string) error {
	for _, n := range names {
		if c.String(n) == "" {
			return usagef("required flag --%s not set", n)
		}
	}
	return nil
}

// settle does what every command that runs one scenario does the same way with its
// flags: checks --workers and the memory the scenario needs, settles the seed (printing
// a fresh one), and returns the output folder (--out, else out/<name><suffix>) and the
// user's rate files.
func settle(c *cli.Context, e *env, sc *scenarios.Scenario, suffix string) (string, *pricing.Overlay, error) {
	if err := checkWorkers(c); err != nil {
		return "", nil, err
	}
	if err := checkMemory(c, sc, c.Args().First(), c.Int("workers")); err != nil {
		return "", nil, err
	}
	seed, fresh := scenarios.PickSeed(c.Uint64("seed"), c.IsSet("seed"), sc.Seed)
	if sc.Seed = seed; fresh && !c.Bool("quiet") {
		e.noteSeed(seed)
	}
	out := c.String("out")
	if out == "" {
		out = filepath.Join("out", sc.Name+suffix)
	}
	rates, err := readUserRates(c)
	return out, rates, err
}

// maxWorkers bounds --workers: 100,000 billing workers took a 51k-row replay from
// 0.16 s and 80 MB to 22 s and 1 GB; 1,024 cost 0.8 s and 155 MB.
const maxWorkers = 1024

// checkWorkers checks --workers (0: the command's default).
func checkWorkers(c *cli.Context) error {
	if n := c.Int("workers"); n < 0 || n > maxWorkers {
		return usagef("--workers must be between 0 (the default) and %d, got %d: each worker holds its own memory, so workers past the machine's %d cores only cost memory",
			maxWorkers, n, runtime.NumCPU())
	}
	return nil
}

// replications checks n, a --replications value.
func replications(n int) error {
	if n < 1 || n > 100_000 {
		return usagef("--replications must be between 1 and 100000, got %d", n)
	}
	return nil
}

// checkFormat checks a --format flag against the formats the trace readers take.
func checkFormat(c *cli.Context) error {
	if f := c.String("format"); f != "" && !slices.Contains(trace.Formats, f) {
		return usagef("--format %q is not one of %s", f, strings.Join(trace.Formats, ", "))
	}
	return nil
}

// noteSeed shows a seed scenarios.PickSeed picked afresh, so that the run can be
// reproduced.
func (e *env) noteSeed(seed uint64) {
	fmt.Fprintf(e.stderr, "seed %d (pass --seed %d to reproduce)\n", seed, seed)
}

// Main runs the command line and returns the exit code; it never calls os.Exit, so
// tests can drive it, except when a command has not stopped a second after SIGINT or
// SIGTERM (see internal/interrupt).
func Main(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, version: reports.ToolVersion(), args: args}
	app := newApp(e)
	ctx, received, stop := interrupt.Watch(stderr, &e.kept)
	defer stop()
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	if sig := received(); sig != 0 {
		var in *sweep.Interrupted
		if !errors.As(err, &in) {
			err = errors.New("interrupted; nothing was written")
		}
		fmt.Fprintf(stderr, "spendsim: %s: %v\n", interrupt.Name(sig), err)
		return interrupt.ExitCode(sig)
	}
	code := exitCode(err)
	if isUsage(err) {
		// One line and where to read more, never the whole help.
		fmt.Fprintf(stderr, "spendsim: %v (see %s --help)\n", err, commandOf(app, args))
		return code
	}
	fmt.Fprintln(stderr, "spendsim:", err)
	return code
}

// commandOf names the command args run, for a pointer to its help: "spendsim replay",
// or "spendsim" when none is named.
func commandOf(app *cli.App, args []string) string {
	if i := 1 + cmdline.CommandAt(args[1:], cmdline.Of(app.Flags)); i < len(args) && app.Command(args[i]) != nil {
		return "spendsim " + args[i]
	}
	return "spendsim"
}

// interspersed moves a subcommand's flags ahead of its arguments, so that
// `spendsim run my.yaml --seed 42` works as it reads: urfave/cli v2 stops parsing flags
// at the first argument. The program's own flags may come before the command; tokens
// after "--" are left alone.
func interspersed(app *cli.App, args []string) []string {
	i := 1 + cmdline.CommandAt(args[1:], cmdline.Of(app.Flags))
	if i >= len(args) || app.Command(args[i]) == nil {
		return args
	}
	return append(slices.Clone(args[:i+1]), cmdline.Interspersed(args[i+1:], cmdline.Of(app.Command(args[i]).Flags))...)
}

// unrecorded are the flags that change no output file, only where and how the command
// writes them (docs/formats.md, manifest.json's args).
var unrecorded = []string{"cpuprofile", "memprofile", "out", "workers", "quiet", "max-memory", "resume", "passes", "shard", "shards", "show"}

// manifestArgs are the words manifest.json records as args: the command line as given
// after the program's name, less the unrecorded flags, so that the output set is the
// same bytes whatever they were.
func (e *env) manifestArgs(c *cli.Context) []string {
	if len(e.args) == 0 {
		return nil
	}
	return cmdline.Without(e.args[1:], cmdline.Of(c.App.Flags), cmdline.Of(c.Command.Flags), unrecorded)
}

func exitCode(err error) int {
	var se *scenarios.Error
	if isUsage(err) || errors.As(err, &se) {
		return exitUsage
	}
	return exitFailure
}

// isUsage says whether err is the caller's to fix on the command line: a usageError, a
// trace refusing options that do not fit it (a --mapping for a trace not CSV), or trace
// arguments that do not go together (a file named twice), or flags that contradict what
// they apply to (merge's billing flags against its shards', --resume against the kept runs).
func isUsage(err error) bool {
	var ue usageError
	return errors.As(err, &ue) || errors.Is(err, trace.ErrMappingNotCSV) || errors.Is(err, trace.ErrArguments) || errors.Is(err, sweep.ErrFlags)
}

func commandNames(app *cli.App) string {
	var names []string
	for _, c := range app.Commands {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ", ")
}

func newApp(e *env) *cli.App {
	onUsage := func(_ *cli.Context, err error, _ bool) error { return usageError{err} }
	app := &cli.App{
		Name:                   "spendsim",
		Usage:                  "forecast WhatsApp Business messaging spend against support response times",
		Version:                e.version,
		Description:            helpText("spendsim"),
		Writer:                 e.stdout,
		ErrWriter:              e.stderr,
		HideHelpCommand:        true,
		UseShortOptionHandling: true,
		// --trace a,b.csv is one file, not two: a path may hold a comma.
		DisableSliceFlagSeparator: true,
		// The app returns errors to Main; it must never exit the process itself.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsage,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the command to `FILE` (go tool pprof)"},
			&cli.StringFlag{Name: "memprofile", Usage: "write a heap profile at the end of the command to `FILE`"},
		},
		// Without a command, the help; with an unknown one, a usage error (urfave/cli
		// would print "No help topic" and exit 3).
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) > 0 && args[0] == "help" { // spendsim help [COMMAND]
				args = args[1:]
				if len(args) > 0 && c.App.Command(args[0]) != nil {
					return cli.ShowCommandHelp(c, args[0])
				}
			}
			if len(args) > 0 {
				return usagef("unknown command %q; the commands are %s", args[0], commandNames(c.App))
			}
			return cli.ShowAppHelp(c)
		},
		Before: func(c *cli.Context) error { return startProfiles(c, e) },
		After:  func(c *cli.Context) error { return stopProfiles(c, e) },
		Commands: []*cli.Command{
			runCommand(e),
			compareCommand(e),
			mergeCommand(e),
			replayCommand(e),
			reconcileCommand(e),
			validateCommand(e),
			scenariosCommand(e),
			ratesCommand(e),
			forecastCommand(e),
			optimizeCommand(e),
			generateCommand(e),
			fitCommand(e),
		},
	}
	for _, c := range app.Commands {
		c.OnUsageError = onUsage
	}
	return app
}
