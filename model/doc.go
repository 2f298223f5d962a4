// Package model holds the vocabulary every other part of spendsim speaks: virtual time,
// the one message record used by trace replay and synthetic load alike, and the names
// of its words (vocab.go: directions, kinds, categories, statuses, entry points,
// weekdays), which every reader and writer spells through String and Parse… here, and
// ValidName, the one rule for the names of scenarios, streams and campaigns; and Days
// (days.go), a time zone's civil calendar for code that walks time day by day: the day
// of an instant and the instant of a local clock reading, by arithmetic between
// changes of UTC offset, exactly as the time package gives them.
//
// The model packages below it (money, market, pricing, window, load, agents) are pure
// and I/O-free: no goroutines, no wall clock, no global random numbers, no files. They
// import nothing of spendsim's but each other.
package model
