// Command spendsim forecasts what a business pays to message its customers on WhatsApp,
// and how that bill trades against how fast its people answer.
//
// This package only parses flags and wires the other packages together: one file per
// subcommand, each built by a constructor, no package state.
package main

import (
	"os"
	_ "time/tzdata" // scenarios name IANA zones; don't depend on the host's zoneinfo
)

func main() {
	os.Exit(Main(os.Args, os.Stdout, os.Stderr))
}
