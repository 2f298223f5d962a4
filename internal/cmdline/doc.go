// Package cmdline reads the words of a spendsim command line as its flag parser sees
// them: which words are flags, and which word is a flag's value. It moves a command's
// flags ahead of its arguments (urfave/cli stops at the first argument), and it gives
// the command line a manifest records: the words as the user gave them, less the flags
// that cannot change a result (where to write, how many workers, how quietly), so that
// the same command gives the same bytes whatever those flags were. And it reads a
// flag's value back from a recorded command line (Value: what a replay was made with, switches too).
//
// It knows no flag by itself: the caller gives a command's flags (Of reads urfave/cli's
// definitions), each name saying whether it takes a value. A word it cannot read as a flag of the command (a
// bundle of short flags, "-qw") is kept as it is.
package cmdline
