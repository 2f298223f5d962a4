package shellquote

import "strings"

// Quote is s as one word of a POSIX shell command line.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join is words as one POSIX shell command line, each quoted where it needs to be.
func Join(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

// unsafe reports whether r may mean something to a shell in an unquoted word: anything
// but letters, digits and _ @ % + = : , . / -. A leading ~ or #, a glob character, a
// space or a newline all do.
func unsafe(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return false
	}
	return !strings.ContainsRune("_@%+=:,./-", r)
}
