package cmdline

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// Flag is one flag of a command: its first name and whether it takes a value.
type Flag struct {
	Name  string // the flag's first name, by which callers name it
	Value bool   // it takes a value (--out DIR); false for a switch (--quiet)
}

// Flags are a command's flags by every name and alias, without dashes: "out" and "o".
type Flags map[string]Flag

// Of are a command's flags, as urfave/cli defines them, by every name.
func Of(flags []cli.Flag) Flags {
	fs := Flags{}
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			fs[n] = Flag{Name: f.Names()[0], Value: !isBool}
		}
	}
	return fs
}

// Commands gives the flags of app's commands by a command's name (nil for no command
// of that name), to read a command line recorded by any of them.
func Commands(app *cli.App) func(name string) Flags {
	return func(name string) Flags {
		if c := app.Command(name); c != nil {
			return Of(c.Flags)
		}
		return nil
	}
}

// flagWord reads w as a flag of fs: its first name, and whether its value is the next
// word. ok is false for a word that is not a flag ("-" is standard input, not a flag).
func (fs Flags) flagWord(w string) (name string, valueNext, ok bool) {
	if len(w) < 2 || w[0] != '-' {
		return "", false, false
	}
	n, _, inline := strings.Cut(strings.TrimLeft(w, "-"), "=")
	f, known := fs[n]
	if !known {
		return n, false, true
	}
	return f.Name, f.Value && !inline, true
}

// Interspersed is words, a command's words after its name, with its flags (and their
// values) moved ahead of its other arguments, each in the order given, so that
// `spendsim run my.yaml --seed 42` parses as it reads. Words after "--" stay where they
// are.
func Interspersed(words []string, fs Flags) []string {
	var flags, rest []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "--" {
			rest = append(rest, words[i:]...)
			break
		}
		_, valueNext, ok := fs.flagWord(w)
		if !ok {
			rest = append(rest, w)
			continue
		}
		flags = append(flags, w)
		if valueNext && i+1 < len(words) {
			i++
			flags = append(flags, words[i])
		}
	}
	return append(flags, rest...)
}

// CommandAt is the index in words (a command line after the program's name) of the
// command's name: the first word that is neither one of the program's flags (global)
// nor a flag's value; len(words) when there is none.
func CommandAt(words []string, global Flags) int {
	for i := 0; i < len(words); i++ {
		_, valueNext, ok := global.flagWord(words[i])
		switch {
		case !ok:
			return i
		case valueNext:
			i++
		}
	}
	return len(words)
}

// Without is words, a command line after the program's name (the program's own flags,
// the command's name, then its flags and arguments in any order), without the flags
// named in drop and their values; global are the program's flags, command the
// command's. Everything else is kept as given, in order; words after "--" are all kept.
func Without(words []string, global, command Flags, drop []string) []string {
	at := CommandAt(words, global)
	out := without(words[:at], global, drop)
	if at == len(words) {
		return out
	}
	return append(append(out, words[at]), without(words[at+1:], command, drop)...)
}

// without is words, all of them flags of fs and arguments, less the flags in drop.
func without(words []string, fs Flags, drop []string) []string {
	out := []string{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "--" {
			return append(out, words[i:]...)
		}
		name, valueNext, ok := fs.flagWord(w)
		switch {
		case ok && slices.Contains(drop, name):
			if valueNext {
				i++
			}
		case ok && valueNext && i+1 < len(words):
			out = append(out, w, words[i+1])
			i++
		default:
			out = append(out, w)
		}
	}
	return out
}

// Value is the value the command's flag name (its first name) was given in words, a
// command line after the program's name (global are the program's flags, command the
// command's), as the parser would read it: the last of several, "--name=value" or
// "--name value" under any of its names, and "true" for a switch given bare
// ("--skip-invalid"); given is false where it was not given. Words after "--" are
// arguments.
func Value(words []string, global, command Flags, name string) (value string, given bool) {
	at := CommandAt(words, global)
	if at == len(words) {
		return "", false
	}
	for i := at + 1; i < len(words); i++ {
		w := words[i]
		if w == "--" {
			break
		}
		n, valueNext, ok := command.flagWord(w)
		switch {
		case !ok:
		case n == name && valueNext && i+1 < len(words):
			value, given = words[i+1], true
			i++
		case n == name:
			if _, v, inline := strings.Cut(w, "="); inline {
				value, given = v, true
			} else if f, known := command[n]; known && !f.Value {
				value, given = "true", true
			}
		case valueNext:
			i++
		}
	}
	return value, given
}
