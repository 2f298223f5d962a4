package rebill

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/billing"
	"github.com/spendsim/spendsim/model/money"
	"github.com/spendsim/spendsim/model/pricing"
	"github.com/spendsim/spendsim/sim/replay"
)

// A messages part is a stream of frames, one per business message: the frame's length
// (uvarint), then its fields in a fixed order, written and read by hand. encoding/gob,
// which wrote parts before, spent a quarter of a replay in passes on reflection, and
// its parts were 1.7 times the size (54 against 32 bytes a message). Integers are varints (signed ones zigzagged), each
// instant but the first the difference from a related one (the Key's time from the
// previous frame's, the record's from the Key's, …: mostly small), strings a uvarint
// length and their bytes, the one-byte enums a byte, the bools and what is present
// (Record.Meta, the delivery times) bits of a flags byte, and the rate card's
// effective date time.Time's own binary form, which keeps its instant and zone offset
// as encoding/gob did. A frame is read whole before it is decoded, so every bound is
// checked on a slice: bad bytes give an error, never a panic or a large allocation.
//
// Every field of partMsg must be written here: TestPartCodecComplete fills each one,
// found by reflection, with its own value and wants it back, so a field added to
// model.Record, model.Message, pricing.Charge, billing.ClaimRecord or replay.Key and
// not to encode and decode fails it. A change of the layout is a new partFormat.

// partFormat identifies the layout of a messages part, recorded in a shard manifest
// (part_format); merge reads only its own. 0, absent from the manifest, was the gob
// stream of spendsim before this codec.
const partFormat = 1

// maxPartString is the longest string a part holds: a trace's ids are far shorter, and
// the cap keeps a corrupt length from asking for memory.
const maxPartString = 1 << 20

// maxPartFrame is the longest frame: its ten strings at their cap, and the rest.
const maxPartFrame = 10*maxPartString + 1024

// Flag bits of a frame's first byte.
const (
	flagMeta = 1 << iota
	flagRecDelivered
	flagMsgDelivered
	flagBillable
	flagOpens
	flagConsulted
	flagCharged
	flagCard
)

// partEncoder writes frames to w; it allocates nothing once its buffer has grown.
type partEncoder struct {
	w       *bufio.Writer
	buf     []byte
	prevAt  model.Time
	prevSeq uint64
	lenBuf  [binary.MaxVarintLen64]byte
}

// encode writes one message. An error of its own (a string over maxPartString, a zone
// offset time.Time cannot write) names the record's line and writes nothing; one of w
// stays in w, as bufio's do.
func (e *partEncoder) encode(k replay.Key, rec *model.Record, m *model.Message, ch *pricing.Charge, cl *billing.ClaimRecord) error {
	if err := checkStrings(rec, cl); err != nil {
		return err
	}
	flags := bit(flagMeta, rec.Meta != nil) | bit(flagRecDelivered, rec.DeliveredTS != 0) | bit(flagMsgDelivered, m.DeliveredTS != 0) |
		bit(flagBillable, ch.Billable) | bit(flagOpens, ch.Opens) |
		bit(flagConsulted, cl.Consulted) | bit(flagCharged, cl.Charged) | bit(flagCard, cl.Card)
	b := append(e.buf[:0], flags)
	b = binary.AppendVarint(b, int64(k.At-e.prevAt))
	b = binary.AppendVarint(b, int64(k.Seq-e.prevSeq))

	b = binary.AppendVarint(b, int64(rec.TS-k.At))
	if rec.DeliveredTS != 0 {
		b = binary.AppendVarint(b, int64(rec.DeliveredTS-rec.TS))
	}
	b = appendStrings(b, rec.User, rec.Business, rec.MessageID, rec.Country)
	b = append(b, byte(rec.Direction), byte(rec.Kind), byte(rec.Category), byte(rec.Status), byte(rec.EntryPoint), byte(bit(1, rec.Redelivered)))
	b = binary.AppendUvarint(b, uint64(rec.Source))
	b = binary.AppendVarint(b, rec.Line-int64(k.Seq))
	if mp := rec.Meta; mp != nil {
		b = appendStrings(b, mp.PricingModel, mp.PricingType, mp.Category, mp.ConversationID, mp.ConversationOrigin)
		b = append(b, byte(mp.Billable))
	}

	b = binary.AppendVarint(b, int64(m.TS-rec.TS))
	if m.DeliveredTS != 0 {
		b = binary.AppendVarint(b, int64(m.DeliveredTS-m.TS))
	}
	b = binary.AppendUvarint(b, uint64(m.Pair))
	b = binary.AppendUvarint(b, uint64(m.Number))
	b = binary.AppendUvarint(b, uint64(m.Market))
	b = append(b, m.Country[0], m.Country[1], byte(m.Direction), byte(m.Kind), byte(m.Category), byte(m.Status),
		byte(m.EntryPoint), byte(m.Stated))

	b = append(b, byte(ch.Model), byte(ch.Type), byte(ch.Category), byte(ch.Tier), byte(ch.Confidence))
	b = binary.AppendUvarint(b, ch.ConversationID)
	b = binary.AppendUvarint(b, uint64(ch.Market))
	b = binary.AppendVarint(b, int64(ch.Amount))

	b = append(b, cl.Kind, byte(cl.Cat), byte(cl.Conf), byte(cl.CardModel))
	b = binary.AppendUvarint(b, uint64(cl.Number))
	b = binary.AppendUvarint(b, uint64(cl.Market))
	b = binary.AppendVarint(b, int64(cl.At-k.At))
	b = binary.AppendVarint(b, int64(cl.Amount))
	b = appendStrings(b, cl.Err)
	var err error
	if b, err = appendTime(b, cl.CardEffective); err != nil {
		return &replay.LineError{Source: rec.Source, Line: rec.Line, Err: fmt.Errorf("the rate card's effective date: %w", err)}
	}
	e.buf = b
	e.prevAt, e.prevSeq = k.At, k.Seq
	n := binary.PutUvarint(e.lenBuf[:], uint64(len(b)))
	if _, err := e.w.Write(e.lenBuf[:n]); err != nil {
		return err
	}
	_, err = e.w.Write(b)
	return err
}

func bit(b byte, on bool) byte {
	if on {
		return b
	}
	return 0
}

// checkStrings refuses a message with a string over maxPartString, which decode
// would refuse.
func checkStrings(rec *model.Record, cl *billing.ClaimRecord) error {
	ss := [...]string{rec.User, rec.Business, rec.MessageID, rec.Country, cl.Err, "", "", "", "", ""}
	if mp := rec.Meta; mp != nil {
		ss[5], ss[6], ss[7], ss[8], ss[9] = mp.PricingModel, mp.PricingType, mp.Category, mp.ConversationID, mp.ConversationOrigin
	}
	for _, s := range ss {
		if len(s) > maxPartString {
			return &replay.LineError{Source: rec.Source, Line: rec.Line,
				Err: fmt.Errorf("a value of %d bytes: a shard's part holds strings of at most %d", len(s), maxPartString)}
		}
	}
	return nil
}

func appendStrings(b []byte, ss ...string) []byte {
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// appendTime writes t as a length byte and time.Time's binary form; the zero Time as
// the length 0.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if t == (time.Time{}) {
		return append(b, 0), nil
	}
	at := len(b)
	b, err := t.AppendBinary(append(b, 0))
	if err != nil {
		return b[:at], err
	}
	b[at] = byte(len(b) - at - 1)
	return b, nil
}

// errPartCorrupt is a frame whose bytes do not decode.
var errPartCorrupt = errors.New("a message that does not decode")

// partDecoder reads the frames of a partEncoder.
type partDecoder struct {
	r       *bufio.Reader
	buf     []byte
	meta    model.MetaPricing
	prevAt  model.Time
	prevSeq uint64
}

// decode reads the next message into pm: io.EOF at the end of the stream, another
// error for bytes that are not a frame. pm's strings (but Claim.Err) and Rec.Meta
// live in d's memory, valid until the next decode: merge writes each message (the
// Parquet writer copies what it keeps) before it reads its part's next.
func (d *partDecoder) decode(pm *partMsg) error {
	size, err := binary.ReadUvarint(d.r)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return err
	}
	if size > maxPartFrame {
		return fmt.Errorf("a message of %d bytes, over the %d a part holds", size, maxPartFrame)
	}
	if d.buf, err = readFull(d.r, d.buf[:0], int(size)); err != nil {
		return err
	}
	f := frame{b: d.buf}
	flags := f.byte()
	k := &pm.Key
	k.At = d.prevAt + model.Time(f.varint())
	k.Seq = d.prevSeq + uint64(f.varint())

	rec := &pm.Rec
	rec.TS = k.At + model.Time(f.varint())
	rec.DeliveredTS = 0
	if flags&flagRecDelivered != 0 {
		rec.DeliveredTS = rec.TS + model.Time(f.varint())
	}
	rec.User, rec.Business, rec.MessageID, rec.Country = f.str(), f.str(), f.str(), f.str()
	rec.Direction, rec.Kind, rec.Category = model.Direction(f.byte()), model.Kind(f.byte()), model.Category(f.byte())
	rec.Status, rec.EntryPoint, rec.Redelivered = model.Status(f.byte()), model.EntryPoint(f.byte()), f.byte() != 0
	rec.Source = f.uint16()
	rec.Line = int64(k.Seq) + f.varint()
	rec.Meta = nil
	if flags&flagMeta != 0 {
		mp := &d.meta
		mp.PricingModel, mp.PricingType, mp.Category, mp.ConversationID, mp.ConversationOrigin = f.str(), f.str(), f.str(), f.str(), f.str()
		mp.Billable = model.Billable(f.byte())
		rec.Meta = mp
	}

	m := &pm.Msg
	m.TS = rec.TS + model.Time(f.varint())
	m.DeliveredTS = 0
	if flags&flagMsgDelivered != 0 {
		m.DeliveredTS = m.TS + model.Time(f.varint())
	}
	m.Pair = f.uint32()
	m.Number, m.Market = f.uint16(), f.uint16()
	m.Country = [2]byte{f.byte(), f.byte()}
	m.Direction, m.Kind, m.Category = model.Direction(f.byte()), model.Kind(f.byte()), model.Category(f.byte())
	m.Status, m.EntryPoint, m.Stated = model.Status(f.byte()), model.EntryPoint(f.byte()), model.Stated(f.byte())

	ch := &pm.Ch
	ch.Model, ch.Type, ch.Category = pricing.Model(f.byte()), pricing.Type(f.byte()), pricing.Category(f.byte())
	ch.Tier, ch.Confidence = int8(f.byte()), pricing.Confidence(f.byte())
	ch.Billable, ch.Opens = flags&flagBillable != 0, flags&flagOpens != 0
	ch.ConversationID = f.uvarint()
	ch.Market = f.uint16()
	ch.Amount = money.Micros(f.varint())

	cl := &pm.Claim
	cl.Kind, cl.Cat, cl.Conf, cl.CardModel = f.byte(), pricing.Category(f.byte()), pricing.Confidence(f.byte()), pricing.Model(f.byte())
	cl.Consulted, cl.Charged, cl.Card = flags&flagConsulted != 0, flags&flagCharged != 0, flags&flagCard != 0
	cl.Number, cl.Market = f.uint16(), f.uint16()
	cl.At = k.At + model.Time(f.varint())
	cl.Amount = money.Micros(f.varint())
	cl.Err = strings.Clone(f.str()) // a Ledger keeps it, as its error
	cl.CardEffective = f.time()
	if f.err == nil && len(f.b) > 0 {
		f.err = fmt.Errorf("%d bytes after the message's last field", len(f.b))
	}
	if f.err == nil && (!model.ValidCodes(rec.Direction, rec.Kind, rec.Category, rec.Status, rec.EntryPoint) ||
		!model.ValidCodes(m.Direction, m.Kind, m.Category, m.Status, m.EntryPoint) || !cl.Valid() ||
		rec.Meta != nil && rec.Meta.Billable > model.IsBillable) {
		f.err = errPartCorrupt
	}
	if f.err != nil {
		return f.err
	}
	d.prevAt, d.prevSeq = k.At, k.Seq
	return nil
}

// atEnd reports whether the stream has ended (nil), else that it holds more.
func (d *partDecoder) atEnd() error {
	if _, err := d.r.ReadByte(); errors.Is(err, io.EOF) {
		return nil
	} else if err != nil {
		return err
	}
	return errors.New("more messages than its manifest's count")
}

// readFull reads n bytes into b[:0], growing it as the bytes come so that a length
// the stream cannot back allocates no more than the stream holds.
func readFull(r io.Reader, b []byte, n int) ([]byte, error) {
	const step = 64 << 10
	for len(b) < n {
		if len(b) == cap(b) {
			b = slices.Grow(b, min(n-len(b), step))
		}
		k, err := io.ReadFull(r, b[len(b):min(n, cap(b))])
		b = b[:len(b)+k]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return b, err
		}
	}
	return b, nil
}

// frame decodes a frame's fields; the first that does not fit sets err, after which
// every field reads as zero.
type frame struct {
	b   []byte
	err error
}

func (f *frame) fail() {
	if f.err == nil {
		f.err = errPartCorrupt
	}
	f.b = nil
}

func (f *frame) byte() byte {
	if len(f.b) == 0 {
		f.fail()
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *frame) uvarint() uint64 {
	v, n := binary.Uvarint(f.b)
	if n <= 0 {
		f.fail()
		return 0
	}
	f.b = f.b[n:]
	return v
}

// varint undoes binary.AppendVarint's zigzag, as binary.Varint does.
func (f *frame) varint() int64 {
	u := f.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (f *frame) uint16() uint16 {
	v := f.uvarint()
	if v > 0xffff {
		f.fail()
	}
	return uint16(v)
}

func (f *frame) uint32() uint32 {
	v := f.uvarint()
	if v > 0xffffffff {
		f.fail()
	}
	return uint32(v)
}

// str returns a string over the frame's bytes, without a copy.
func (f *frame) str() string {
	n := f.uvarint()
	if n > maxPartString || n > uint64(len(f.b)) {
		f.fail()
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&f.b[0], int(n))
	f.b = f.b[n:]
	return s
}

func (f *frame) time() time.Time {
	n := int(f.byte())
	if n == 0 || f.err != nil {
		return time.Time{}
	}
	if n > len(f.b) {
		f.fail()
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalBinary(f.b[:n]); err != nil {
		f.err = fmt.Errorf("the rate card's effective date: %w", err)
		f.b = nil
		return time.Time{}
	}
	f.b = f.b[n:]
	return t
}
