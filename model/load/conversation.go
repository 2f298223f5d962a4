package load

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/spendsim/spendsim/model/dist"
)

// Conversation describes what a customer does once they start talking to the business.
type Conversation struct {
	PerCustomerMonth float64   `yaml:"conversations_per_customer_month"` // conversations a customer starts per 30 days, on average
	MessagesMean     float64   `yaml:"messages_per_conversation"`        // mean user messages per conversation (>= 1; geometric); default 1
	ThinkTime        dist.Spec `yaml:"think_time"`                       // customer's delay between an agent reply and their next message
}

// Validate reports problems, each prefixed by path.
// MaxPerCustomerMonth bounds the rates of conversations and templates per customer:
// more is no customer, and 1e308 ran for ever (issue 15).
const MaxPerCustomerMonth = 1_000_000

func (c Conversation) Validate(path string) []string {
	var errs []string
	if !(c.PerCustomerMonth > 0) {
		errs = append(errs, fmt.Sprintf("%s.conversations_per_customer_month: must be > 0, got %v", path, c.PerCustomerMonth))
	} else if c.PerCustomerMonth > MaxPerCustomerMonth {
		errs = append(errs, fmt.Sprintf("%s.conversations_per_customer_month: must be at most %d (one every 2.6 s), got %v",
			path, MaxPerCustomerMonth, c.PerCustomerMonth))
	}
	if !(c.MessagesMean >= 1) || math.IsInf(c.MessagesMean, 0) {
		errs = append(errs, fmt.Sprintf("%s.messages_per_conversation: must be >= 1, got %v", path, c.MessagesMean))
	}
	if c.MessagesMean > 1 {
		errs = append(errs, c.ThinkTime.Validate(path+".think_time")...)
	}
	return errs
}

// Messages draws the number of user messages in a conversation: geometric on 1, 2, …
// with the configured mean, the memoryless choice (each reply ends the conversation
// with the same probability).
func (c Conversation) Messages(rng *rand.Rand) int {
	if c.MessagesMean <= 1 {
		return 1
	}
	p := 1 / c.MessagesMean
	// Inversion: ceil(ln U / ln(1−p)) with U in (0, 1].
	u := 1 - rng.Float64()
	n := int(math.Ceil(math.Log(u) / math.Log1p(-p)))
	return max(n, 1)
}
