package scenarios

import (
	"bytes"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// A forecast block makes the horizon its months, for `spendsim run` as for `spendsim
// forecast` (Config ends the runs there), so days has one meaning in such a file: the
// months' length. A file that gives days as well must give that length; any other is
// an error at days (daysAgainstForecast), never a horizon quietly longer or shorter
// than the one written. A file without days gets the months' length (fitForecastDays).

// forecastDays is the length in days of the forecast's months from Start; false when
// there is no forecast or its start or months are invalid (Validate says so).
func (s *Scenario) forecastDays() (int, bool) {
	if s.Forecast == nil || s.Forecast.Months < 1 || s.Forecast.Months > 120 {
		return 0, false
	}
	day, err := time.Parse(time.DateOnly, s.Start)
	if err != nil {
		return 0, false
	}
	return int(day.AddDate(0, s.Forecast.Months, 0).Sub(day).Hours() / 24), true
}

// fitForecastDays sets Days to the length of a forecast's months, so that everything
// reading Days (plots per month, the manifest) sees the horizon the runs simulate.
func (s *Scenario) fitForecastDays() {
	if n, ok := s.forecastDays(); ok {
		s.Days = n
	}
}

// daysAgainstForecast is the problem of a file that gives days beside a forecast block
// whose months last another number of days; "" if there is none. data is the file,
// which says whether days was given (the decoded scenario holds the default 30 either
// way).
func (s *Scenario) daysAgainstForecast(data []byte) string {
	n, ok := s.forecastDays()
	if !ok || s.Days == n {
		return ""
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil || len(doc.Content) == 0 {
		return ""
	}
	if _, v, _ := lookup(doc.Content[0], "days"); v == nil {
		return ""
	}
	return fmt.Sprintf("days: %d, but forecast.months: %d from %s is %d days, and a scenario with a forecast block runs its months: "+
		"remove days (or give %d), or remove the forecast block to run %d days", s.Days, s.Forecast.Months, s.Start, n, n, s.Days)
}
