package rebill

import (
	"fmt"
	"strings"

	"github.com/spendsim/spendsim/reports"
)

// Outputs is the set of a replay's files written (`spendsim replay --outputs`): any of
// OutBill, OutSummary, and OutMessages or OutMessagesSlim (messages.parquet in its
// full or its slim layout, reports.MessageColumns). The zero value writes them all,
// messages.parquet full. What is left out
// is not written and so not listed in manifest.json; the replay still bills every
// message and checks the three totals against one another to the micro.
type Outputs uint8

const (
	OutBill         Outputs = 1 << iota // bill.parquet
	OutSummary                          // summary.json
	OutMessages                         // messages.parquet
	OutMessagesSlim                     // messages.parquet, slim: pricing, line and message_id
)

// outputNames are the words of --outputs, in the order help lists them.
var outputNames = []struct {
	name string
	out  Outputs
}{{"bill", OutBill}, {"summary", OutSummary}, {"messages", OutMessages}, {"messages-slim", OutMessagesSlim}}

// DefaultOutputs is what --outputs writes when not given: every file, messages.parquet full.
const DefaultOutputs = "bill,summary,messages"

// OutputNames is the valid words of ParseOutputs, comma-separated.
func OutputNames() string {
	names := make([]string, len(outputNames))
	for i, n := range outputNames {
		names[i] = n.name
	}
	return strings.Join(names, ",")
}

// ParseOutputs reads a comma-separated list of output names ("bill,summary").
func ParseOutputs(s string) (Outputs, error) {
	var o Outputs
	for _, w := range strings.Split(s, ",") {
		w = strings.TrimSpace(w)
		found := false
		for _, n := range outputNames {
			if n.name == w {
				o, found = o|n.out, true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown output %q; the outputs are %s", w, OutputNames())
		}
	}
	if o&OutMessages != 0 && o&OutMessagesSlim != 0 {
		return 0, fmt.Errorf("messages and messages-slim are two layouts of one file, messages.parquet: name one")
	}
	return o, nil
}

// String is o as --outputs names it: "bill,summary".
func (o Outputs) String() string {
	if o == 0 {
		return DefaultOutputs
	}
	var names []string
	for _, n := range outputNames {
		if o&n.out != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ",")
}

// has reports whether o writes out (all of them for the zero value).
func (o Outputs) has(out Outputs) bool { return o == 0 || o&out != 0 }

// messagesPath is where a replay writes messages.parquet in op, "" when it is not
// asked for (reports.NewMessageWriter then only tallies).
func (o Outputs) messagesPath(op *reports.Output) string {
	if !o.has(OutMessages) && !o.slim() {
		return ""
	}
	return op.Path(reports.MessagesFile)
}

// slim reports whether messages.parquet is written in its slim layout.
func (o Outputs) slim() bool { return o&OutMessagesSlim != 0 }
