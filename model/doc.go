// Package model holds the vocabulary every other part of spendsim speaks: virtual time
// and the one message record used by trace replay and synthetic load alike.
//
// The model packages below it (money, market, pricing, window, load, agents) are pure
// and I/O-free: no goroutines, no wall clock, no global random numbers, no files. They
// import nothing of spendsim's but each other.
package model
