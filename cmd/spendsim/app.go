package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/spendsim/spendsim/reports"
	"github.com/spendsim/spendsim/scenarios"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the work failed: bad input data, I/O, a run error
	exitUsage   = 2 // the command line or the scenario is wrong
)

// env is what every subcommand gets: where to write, and the tool's version.
type env struct {
	stdout, stderr io.Writer
	version        string
	cpuProfile     *os.File // open while --cpuprofile records
}

// usageError marks errors that are the caller's to fix on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// noteSeed shows a seed scenarios.PickSeed picked afresh, so that the run can be
// reproduced.
func (e *env) noteSeed(seed uint64) {
	fmt.Fprintf(e.stderr, "seed %d (pass --seed %d to reproduce)\n", seed, seed)
}

// Main runs the command line and returns the exit code; it never calls os.Exit, so
// tests can drive it.
func Main(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, version: reports.ToolVersion()}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	app := newApp(e)
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "spendsim:", err)
	return exitCode(err)
}

// interspersed moves a subcommand's flags ahead of its arguments, so that
// `spendsim run my.yaml --seed 42` works as it reads: urfave/cli v2 stops parsing flags
// at the first argument. Tokens after "--" are left alone.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, rest []string
	for i := 2; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
			continue
		}
		rest = append(rest, a)
	}
	out := append([]string{args[0], args[1]}, flags...)
	return append(out, rest...)
}

func exitCode(err error) int {
	var ue usageError
	var se *scenarios.Error
	if errors.As(err, &ue) || errors.As(err, &se) {
		return exitUsage
	}
	return exitFailure
}

func newApp(e *env) *cli.App {
	onUsage := func(_ *cli.Context, err error, _ bool) error { return usageError{err} }
	app := &cli.App{
		Name:    "spendsim",
		Usage:   "forecast WhatsApp Business messaging spend against support response times",
		Version: e.version,
		Description: `spendsim simulates customers writing to a business and agents answering them through
WhatsApp's 24-hour customer service window, bills every message under the pricing era
in force (or any other), and writes Parquet results, a summary and plots.

Examples:
   spendsim run                          # the embedded default scenario (retail-month)
   spendsim run small --out /tmp/small   # an embedded example, by name
   spendsim run my.yaml --seed 42 --workers 4
   spendsim validate my.yaml other.yaml
   spendsim scenarios                    # list the embedded examples`,
		Writer:                 e.stdout,
		ErrWriter:              e.stderr,
		HideHelpCommand:        true,
		UseShortOptionHandling: true,
		// The app returns errors to Main; it must never exit the process itself.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   onUsage,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the command to `FILE` (go tool pprof)"},
			&cli.StringFlag{Name: "memprofile", Usage: "write a heap profile at the end of the command to `FILE`"},
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
