package load

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/dist"
)

// TestNotificationArrivalsExpected: a stream's expected count is customers ×
// per_customer_month × days / 30, whatever its profile.
func TestNotificationArrivalsExpected(t *testing.T) {
	n := Notification{Name: "order_updates", Category: "utility", PerCustomerMonth: 1.5,
		Profile: Profile{Hour: []float64{0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 1, 1, 0, 0, 0}}}
	from := model.FromStd(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	a := n.Arrivals(from, from+21*model.Day, time.UTC, 20000, nil)
	if got, want := a.Expected(), 20000*1.5*21/30; math.Abs(got-want) > 1e-6*want {
		t.Errorf("expected %v templates, want %v", got, want)
	}
}

func TestNotificationValidate(t *testing.T) {
	bad := Notification{Name: "", Category: "promo", PerCustomerMonth: 0,
		Profile:   Profile{Hour: []float64{1, 2}},
		Countries: []string{"BR", "BR"},
		Reply:     Reply{Probability: 2, Delay: dist.Spec{Kind: "weibull", MeanS: 10}}}
	want := []string{
		`n.name: "" must be lower-case letters, digits, - or _`,
		`n.category: "promo" is not one of marketing, utility, authentication`,
		`n.per_customer_month: must be > 0 templates per customer per 30 days, got 0`,
		`n.hour_of_day: needs 24 weights, got 2`,
		`n.countries[1]: BR is listed twice`,
		`n.reply.probability: must be between 0 and 1, got 2`,
		`n.reply.delay.dist: "weibull" is not one of exponential, lognormal, gamma, constant`,
	}
	if got := bad.Validate("n"); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	ok := Notification{Name: "otp", Category: "authentication", PerCustomerMonth: 0.8}
	if errs := ok.Validate("n"); errs != nil {
		t.Errorf("valid notification: %q", errs)
	}
	for s, want := range map[string]model.Category{"marketing": model.Marketing, "utility": model.Utility, "authentication": model.Authentication} {
		if got, ok := TemplateCategory(s); !ok || got != want {
			t.Errorf("TemplateCategory(%q) = %v, %v", s, got, ok)
		}
	}
}
