package sim

import (
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/agents"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/dist"
	"github.com/spendsim/spendsim/model/load"
	"github.com/spendsim/spendsim/model/market"
	"github.com/spendsim/spendsim/model/pricing"
)

// MMc is the M/M/c queue in spendsim's terms, the model the engine is checked against
// Erlang C and benchmarked on: one 24/7 shift of c agents holding one chat each,
// exponential handle time at mu per hour, Poisson arrivals at lambda per hour from a
// base of customers (large enough that one customer's conversations never overlap),
// one message per conversation, billed under PMP 2025, from start for hours, in UTC.
func MMc(start model.Time, customers, c int, lambda, mu float64, hours int) (*Config, error) {
	book, err := pricing.Builtin()
	if err != nil {
		return nil, err
	}
	mk := market.Builtin()
	return &Config{
		Start:     start,
		End:       start + model.Time(hours)*model.Hour,
		Location:  time.UTC,
		Customers: customers,
		Countries: []load.Share{{Country: "BR", Share: 1}},
		Conversation: load.Conversation{
			PerCustomerMonth: lambda * 30 * 24 / float64(customers),
			MessagesMean:     1,
		},
		Staffing: agents.Staffing{
			Shifts: []agents.Shift{{
				Days:  model.WeekdayNames(), // every day
				Start: "00:00", End: "24:00", Headcount: c,
			}},
			Concurrency: 1,
			HandleTime:  dist.Spec{Kind: dist.Exponential, MeanS: 3600 / mu},
			LateReply:   agents.LateUtility,
		},
		Markets: mk,
		Billing: billing.Options{Era: billing.EraPMP2025, Book: book, Markets: mk, Currency: "USD", Location: time.UTC},
	}, nil
}
