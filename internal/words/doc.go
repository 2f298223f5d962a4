// Package words holds the small pieces of English that spendsim's messages, terminal
// tables and reports share, so that "1 agent" and "2 agents" are spelt one way
// everywhere.
package words
