// Package shellquote writes command lines that spendsim prints for a person to paste
// into a POSIX shell (sh, bash, zsh): the replay that bills a generated trace, the
// merge a shard names, the command that reruns a missing shard. It is the one place
// spendsim quotes a word for a shell: a word of only safe characters is left as it is,
// any other is put in single quotes (a single quote inside it closes the quotes, is
// escaped with a backslash, and opens them again), so a path with a space, a glob, a
// dollar sign or a semicolon reaches the command as one word, as given.
package shellquote
