package trace

import (
	"encoding/binary"
	"strings"
	"unsafe"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/market"
)

// Dictionary-encoded columns of few values (direction, type, category, country,
// business, entry_point, status) are checked once per dictionary entry, not once per
// row: arrow hands a dictionary-encoded value over as a view of the dictionary page,
// so where the view starts names the entry. A row whose coded fields all come from
// checked entries, and whose other fields pass too, is built by buildFast; any other
// row goes through builder.build with its fields spelt out, which finds its error in
// the words and order it always did.

// coded reports whether a field's values are parsed into a few words (or kept as one
// of few business numbers): the fields a dictionary entry is checked once for.
func coded(field int) bool {
	switch field {
	case fDirection, fType, fCategory, fCountry, fBusiness, fEntryPoint, fStatus:
		return true
	}
	return false
}

// A row's code for a coded field (fields.code): 0 when the field's value is in v, as
// for any other field; codeEmpty for "" (a null or empty value); codePart for the
// file's value for a field it has no column of (a partition folder's, else ""); from
// codeEntry on, the values of the batch's dictionary (dictMemo.ents).
const (
	codeNone = iota
	codeEmpty
	codePart
	codeEntry
)

// dictEntry is one value of a coded field, checked as builder.build checks it.
type dictEntry struct {
	s    string // the value, copied out of the page
	ok   bool   // it is a valid value of its field (direction: and not empty)
	pass bool   // build lets it pass: ok, or "" where the field may be empty
	code uint8  // what it parses to: a Direction, Kind, Category, Status or EntryPoint
	str  string // country: the code, interned; business: the number, kept
}

// fixedEntries are the entries of the codes below codeEntry: codeNone's passes nothing
// (the row is built by build), then "" and the file's value part.
func fixedEntries(b *builder, field int, part string) []dictEntry {
	return []dictEntry{codeNone: {}, codeEmpty: newDictEntry(b, field, ""), codePart: newDictEntry(b, field, part)}
}

// newDictEntry checks s as a value of the coded field.
func newDictEntry(b *builder, field int, s string) dictEntry {
	e := dictEntry{s: s}
	var c uint8
	switch field {
	case fDirection:
		d, ok := model.ParseDirection(s)
		c, e.ok = uint8(d), ok
	case fType:
		k, ok := model.ParseKind(s)
		c, e.ok = uint8(k), ok
	case fCategory:
		k, ok := parseCategory(s)
		c, e.ok = uint8(k), ok
	case fStatus:
		k, ok := parseStatus(s)
		c, e.ok = uint8(k), ok
	case fEntryPoint:
		k, ok := model.ParseEntryPoint(s)
		c, e.ok = uint8(k), ok
	case fCountry:
		e.str, e.ok = b.country(s)
	case fBusiness:
		if e.ok = checkID(s) == ""; e.ok {
			e.str = b.business(s)
		}
	}
	e.code = c
	e.pass = e.ok || s == "" && (field == fType || field == fCategory)
	return e
}

// dictMemo is a column chunk's dictionary of a coded field, each entry checked.
type dictMemo struct {
	base unsafe.Pointer // the dictionary page's first byte; keeps the page alive (budgetAllocator)
	at   []uint16       // by byte offset of a value in the page: its code
	ents []dictEntry    // by code: fixedEntries, then the page's values
	idx  []uint16       // by index in the dictionary: its code (codeEmpty for "")
}

// maxMemoBytes bounds the dictionary pages given a memo: a field of few values has a
// small one, and the memo's index is two bytes per byte of page.
const maxMemoBytes = 64 << 10

// newDictMemo checks the values of a dictionary page (PLAIN: each a 4-byte length,
// then its bytes) of a coded field; nil if the page is too big or not whole (its
// values are then checked row by row).
func newDictMemo(field int, dict []byte, b *builder) *dictMemo {
	if len(dict) > maxMemoBytes {
		return nil
	}
	m := &dictMemo{base: unsafe.Pointer(unsafe.SliceData(dict)), at: make([]uint16, len(dict)), ents: fixedEntries(b, field, "")}
	for off := 0; off < len(dict); {
		if len(dict)-off < 4 {
			return nil
		}
		n := int(binary.LittleEndian.Uint32(dict[off:]))
		off += 4
		if n > len(dict)-off {
			return nil
		}
		code := uint16(codeEmpty)
		if n > 0 {
			// Copied: the strings a record keeps must not view a page.
			code = uint16(len(m.ents))
			m.at[off] = code
			m.ents = append(m.ents, newDictEntry(b, field, strings.Clone(string(dict[off:off+n]))))
		}
		m.idx = append(m.idx, code)
		off += n
	}
	return m
}

// find returns the code of a value viewing the page, codeNone if it does not.
func (m *dictMemo) find(v []byte) uint16 {
	off := uintptr(unsafe.Pointer(unsafe.SliceData(v))) - uintptr(m.base)
	if off < uintptr(len(m.at)) {
		return m.at[off]
	}
	return codeNone
}

// fillCoded is fillText for a coded field whose column chunk has a memo: each row's
// code, or its value where the memo does not have it.
func (sl *pqSlice) fillCoded(c *pqColumn, blk []fields, i0, vi int) int {
	field, m := c.field, sl.memo
	j := 0
	if i0 < sl.nfast {
		// Rows decoded to their codes already (parquet_codes.go).
		codes := sl.codes[i0:min(i0+len(blk), sl.nfast)]
		for ; j < len(codes); j++ {
			blk[j].code[field] = uint16(codes[j])
		}
	}
	for ; j < len(blk); j++ {
		f := &blk[j]
		if c.maxDef > 0 && sl.defs[i0+j] < c.maxDef {
			f.code[field] = codeEmpty
			continue
		}
		v := sl.strs[vi]
		vi++
		if len(v) == 0 {
			f.code[field] = codeEmpty
			continue
		}
		if k := m.find(v); k != codeNone {
			f.code[field] = k
			continue
		}
		f.code[field] = codeNone
		f.v[field] = unsafe.String(unsafe.SliceData(v), len(v))
	}
	return vi
}

// codedFields are the coded fields, in the order buildFast reads them.
var codedFields = [...]int{fDirection, fType, fCategory, fCountry, fBusiness, fEntryPoint, fStatus}

// spell puts the values of f's coded fields back in v, for builder.build.
func (pb *pqBuilder) spell(f *fields) {
	for _, field := range codedFields {
		if k := f.code[field]; k != codeNone {
			f.v[field] = pb.tab[field][k].s
		}
	}
}

// buildFast is builder.build for a row of a Parquet file whose coded fields all have
// entries and whose times come from timestamp columns; false, with out unfinished,
// for a row it cannot vouch for, which build then reads again.
func (pb *pqBuilder) buildFast(f *fields, line int64, out *row) bool {
	if !f.tsSet || f.v[fDeliveredTS] != "" && !f.deliveredSet {
		return false
	}
	t := &pb.tab
	dir, typ, cat := &t[fDirection][f.code[fDirection]], &t[fType][f.code[fType]], &t[fCategory][f.code[fCategory]]
	cty, biz := &t[fCountry][f.code[fCountry]], &t[fBusiness][f.code[fBusiness]]
	ep, st := &t[fEntryPoint][f.code[fEntryPoint]], &t[fStatus][f.code[fStatus]]
	if !(dir.pass && typ.pass && cat.pass && cty.pass && biz.pass && ep.pass && st.pass) {
		return false
	}
	u := f.v[fUser]
	if u == "" || f.checkID(fUser, u) != "" || f.checkID(fMessageID, f.v[fMessageID]) != "" {
		return false
	}
	if checkRange(f.ts, "") != "" {
		return false
	}
	*out = row{}
	r := &out.Record
	r.Line, r.TS = line, f.ts
	r.Direction = model.Direction(dir.code)
	r.User = market.NormNumber(u)
	r.Country, r.Business, r.MessageID = cty.str, biz.str, f.v[fMessageID]
	if r.Direction == model.FromUser {
		r.EntryPoint = model.EntryPoint(ep.code)
		return true
	}
	if typ.s == "" {
		return false
	}
	r.Kind = model.Kind(typ.code)
	if r.Kind == model.Template {
		if cat.s == "" {
			return false
		}
		r.Category = model.Category(cat.code)
	}
	r.Status = model.Status(st.code)
	if f.deliveredSet {
		r.DeliveredTS = f.delivered
		if checkRange(r.DeliveredTS, "") != "" {
			return false
		}
	}
	return r.DeliveredTS == 0 || r.DeliveredTS >= r.TS
}
