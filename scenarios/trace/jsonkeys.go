package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// encoding/json matches an object's keys to a struct's fields case-insensitively and
// keeps the last of duplicate keys, so {"user":"A","user":"B"} billed B and
// {"Category":"utility","category":"marketing"} a utility template (issue 15). A
// keyRules walks a line that decoded without error and finds the first key given twice
// in one object, or one that differs from a known name only in case.

// keyRules are the key names of one format (its contract: every struct tag), by
// length: a key is looked up among the few names as long as it, without hashing.
type keyRules struct {
	byLen [64][]string
	names []string
}

// jsonTags are the JSON names of t's fields, and of the structs it holds, recursively.
func jsonTags(t reflect.Type) []string {
	var names []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				names = append(names, name)
			}
			walk(f.Type)
		}
	}
	walk(t)
	return names
}

func newKeyRules(names ...string) *keyRules {
	k := &keyRules{names: names}
	for _, n := range names {
		if len(n) < len(k.byLen) && !slices.Contains(k.byLen[len(n)], n) {
			k.byLen[len(n)] = append(k.byLen[len(n)], n)
		}
	}
	return k
}

// exact says whether key is one of the names.
func (k *keyRules) exact(key []byte) bool {
	if len(key) >= len(k.byLen) {
		return false
	}
	for _, n := range k.byLen[len(key)] {
		if string(key) == n {
			return true
		}
	}
	return false
}

// folded is the name key equals but for case, if any.
func (k *keyRules) folded(key []byte) (string, bool) {
	if ascii(key) {
		if len(key) >= len(k.byLen) {
			return "", false
		}
		for _, n := range k.byLen[len(key)] {
			if asciiEqualFold(key, n) {
				return n, true
			}
		}
		return "", false
	}
	for _, n := range k.names { // a non-ASCII letter may fold to an ASCII one of another length
		if strings.EqualFold(n, string(key)) {
			return n, true
		}
	}
	return "", false
}

func asciiEqualFold(b []byte, s string) bool {
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// keyProblem is a bad key: where (the keys leading to it, dot-separated) and what.
type keyProblem struct {
	where, msg string
}

// check returns the first bad key of b, a JSON text that decoded without error (so
// well-formed and at most 10000 levels deep), or nil.
func (k *keyRules) check(b []byte) *keyProblem {
	s := keyScan{rules: k}
	return s.check(b)
}

// keyScan checks lines by keyRules; a source keeps one, so that its stacks are reused
// from line to line and a line costs no allocation.
type keyScan struct {
	b     []byte
	i     int
	rules *keyRules
	keys  [][]byte // keys of the objects open now, each object's from its start index
	path  [][]byte // the keys leading to the value being read
	bad   *keyProblem
}

// check is keyRules.check with s's stacks.
func (s *keyScan) check(b []byte) *keyProblem {
	s.b, s.i, s.bad = b, 0, nil
	s.keys, s.path = s.keys[:0], s.path[:0]
	s.value()
	s.b = nil
	return s.bad
}

func (s *keyScan) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *keyScan) value() {
	s.space()
	if s.i >= len(s.b) || s.bad != nil {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.object()
	case '[':
		s.i++
		for s.bad == nil {
			s.space()
			if s.i >= len(s.b) || s.b[s.i] == ']' {
				s.i++
				return
			}
			s.value()
			s.space()
			if s.i < len(s.b) && s.b[s.i] == ',' {
				s.i++
			}
		}
	case '"':
		s.str()
	default: // a number, true, false or null
		for ; s.i < len(s.b); s.i++ {
			switch s.b[s.i] {
			case ' ', '\t', '\r', '\n', ',', ']', '}':
				return
			}
		}
	}
}

func (s *keyScan) object() {
	s.i++ // {
	start := len(s.keys)
	defer func() { s.keys = s.keys[:start] }()
	var many map[string]bool // past 32 keys, a set instead of comparing with each
	for s.bad == nil {
		s.space()
		if s.i >= len(s.b) || s.b[s.i] == '}' {
			s.i++
			return
		}
		key := s.str()
		if bytes.IndexByte(key, '\\') >= 0 {
			var u string
			if json.Unmarshal(append(append([]byte{'"'}, key...), '"'), &u) == nil {
				key = []byte(u)
			}
		}
		if p := s.judge(key, s.keys[start:], many); p != nil {
			s.bad = p
			return
		}
		if n := len(s.keys) - start; n >= 32 {
			if many == nil {
				many = map[string]bool{}
				for _, k := range s.keys[start:] {
					many[string(k)] = true
				}
			}
			many[string(key)] = true
		}
		s.keys = append(s.keys, key)
		s.space()
		s.i++ // :
		s.path = append(s.path, key)
		s.value()
		s.path = s.path[:len(s.path)-1]
		s.space()
		if s.i < len(s.b) && s.b[s.i] == ',' {
			s.i++
		}
	}
}

// str reads a string and returns its raw text between the quotes.
func (s *keyScan) str() []byte {
	s.i++ // "
	from := s.i
	for s.i < len(s.b) {
		j := bytes.IndexByte(s.b[s.i:], '"')
		if j < 0 {
			break
		}
		s.i += j + 1
		// The quote ends the string unless an odd run of backslashes escapes it.
		bs := 0
		for k := s.i - 2; k >= from && s.b[k] == '\\'; k-- {
			bs++
		}
		if bs%2 == 0 {
			return s.b[from : s.i-1]
		}
	}
	s.i = len(s.b)
	return s.b[from:]
}

// judge says what is wrong with key, the next key of an object that already has seen.
func (s *keyScan) judge(key []byte, seen [][]byte, many map[string]bool) *keyProblem {
	dup := many[string(key)]
	for i := 0; many == nil && i < len(seen) && !dup; i++ {
		dup = bytes.Equal(seen[i], key)
	}
	if dup {
		return &keyProblem{s.where(key), "given twice in one object; a key may appear once (readers differ on which value wins)"}
	}
	if s.rules.exact(key) {
		return nil
	}
	name, ok := s.rules.folded(key)
	if !ok {
		return nil
	}
	return &keyProblem{s.where(key), fmt.Sprintf("differs from the key %q only in case; keys are case-sensitive", name)}
}

func (s *keyScan) where(key []byte) string {
	var b strings.Builder
	for _, p := range s.path {
		b.Write(p)
		b.WriteByte('.')
	}
	b.Write(key)
	return b.String()
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
