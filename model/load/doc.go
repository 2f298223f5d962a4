// Package load generates what customers do: who they are (a market mix), when they
// start conversations (a Poisson process whose rate follows an hour-of-day ×
// day-of-week profile in the business's time zone), and how long a conversation runs
// (user messages and the think times between them).
//
// Everything is a plain value drawing from an explicit random source; nothing here
// reads a clock or a file.
package load
