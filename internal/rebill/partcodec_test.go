package rebill

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spendsim/spendsim/model"
	"github.com/spendsim/spendsim/model/pricing"
)

// filler sets every field of a value, found by reflection, to a value of its own:
// mode 0 and 1 give each field a distinct non-zero value (bools alternate, the other
// way round in mode 1, so two swapped fields show), mode 2 the extremes of each type.
type filler struct {
	mode int
	n    uint64
	t    testing.TB
}

var timeType = reflect.TypeFor[time.Time]()

func (f *filler) fill(v reflect.Value, path string) {
	f.n++
	n := f.n
	if !v.CanSet() {
		f.t.Fatalf("%s cannot be set: teach the filler (and the part codec) its type", path)
	}
	if v.Type() == timeType {
		t := time.Date(2025, time.Month(1+n%12), int(1+n%28), 0, 0, 0, 0, time.UTC)
		if f.mode == 2 {
			t = time.Date(-4000, 1, 1, 23, 59, 59, 999999999, time.UTC)
		}
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f.fill(v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), path)
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.String:
		s := fmt.Sprintf("%s-%d-%d", path, f.mode, n)
		if f.mode == 2 {
			s = strings.Repeat("é", 300) + s
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool((n+uint64(f.mode))%2 == 0)
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		bits := v.Type().Bits()
		x := int64(n)*1_000_003*int64(1+f.mode) + 1
		if f.mode == 1 {
			x = -x // zigzag's other half
		}
		if f.mode == 2 {
			x = math.MinInt64 >> (64 - bits)
			if n%2 == 1 {
				x = math.MaxInt64 >> (64 - bits)
			}
		}
		x = x << (64 - bits) >> (64 - bits) // fit the type, keeping it distinct in the low bits
		if x == 0 {
			x = int64(n)
		}
		v.SetInt(x)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		bits := v.Type().Bits()
		x := n*1_000_003*uint64(1+f.mode) + 1
		if f.mode == 2 {
			x = math.MaxUint64
		}
		x &= math.MaxUint64 >> (64 - bits)
		if x == 0 {
			x = n
		}
		v.SetUint(x)
	default:
		f.t.Fatalf("%s is a %s: teach the filler (and the part codec) that kind", path, v.Kind())
	}
}

func filled(t testing.TB, mode int) partMsg {
	var pm partMsg
	f := filler{mode: mode, t: t}
	f.fill(reflect.ValueOf(&pm).Elem(), "partMsg")
	codes(&pm, mode)
	return pm
}

// codes sets the fields that hold a vocabulary's codes, which the decoder checks, to
// codes of it, non-zero so that a field the codec left out still shows: the first code
// in mode 0, the last in the others.
func codes(pm *partMsg, mode int) {
	pick := func(first, last uint8) uint8 {
		if mode == 0 {
			return first
		}
		return last
	}
	for _, r := range []struct {
		d *model.Direction
		k *model.Kind
		c *model.Category
		s *model.Status
		e *model.EntryPoint
	}{{&pm.Rec.Direction, &pm.Rec.Kind, &pm.Rec.Category, &pm.Rec.Status, &pm.Rec.EntryPoint},
		{&pm.Msg.Direction, &pm.Msg.Kind, &pm.Msg.Category, &pm.Msg.Status, &pm.Msg.EntryPoint}} {
		*r.d, *r.k = model.Direction(pick(1, uint8(model.FromBusiness))), model.Template
		*r.c, *r.s = model.Category(pick(1, uint8(model.Authentication))), model.Status(pick(1, uint8(model.Failed)))
		*r.e = model.EntryPoint(pick(1, uint8(model.EntryPageCTA)))
	}
	if pm.Rec.Meta != nil {
		pm.Rec.Meta.Billable = model.Billable(pick(1, uint8(model.IsBillable)))
	}
	pm.Claim.Kind = pick(1, 4)
	pm.Claim.Cat = pricing.Category(pick(1, uint8(pricing.NumCategories-1)))
	pm.Claim.Conf = pricing.Confidence(pick(1, uint8(pricing.UserSupplied)))
	pm.Claim.CardModel = pricing.Model(pick(1, uint8(pricing.PMP)))
}

// encodeParts writes msgs as a messages part (its frames, before zstd).
func encodeParts(t testing.TB, msgs []partMsg) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := partEncoder{w: bufio.NewWriter(&buf)}
	for i := range msgs {
		m := &msgs[i]
		if err := e.encode(m.Key, &m.Rec, &m.Msg, &m.Ch, &m.Claim); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if err := e.w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// detached is pm with copies of what it shares with its decoder.
func detached(pm partMsg) partMsg {
	c := func(s *string) { *s = strings.Clone(*s) }
	c(&pm.Rec.User)
	c(&pm.Rec.Business)
	c(&pm.Rec.MessageID)
	c(&pm.Rec.Country)
	if pm.Rec.Meta != nil {
		mp := *pm.Rec.Meta
		for _, s := range []*string{&mp.PricingModel, &mp.PricingType, &mp.Category, &mp.ConversationID, &mp.ConversationOrigin} {
			c(s)
		}
		pm.Rec.Meta = &mp
	}
	return pm
}

// TestPartCodecComplete: every field of a part's message, each set by reflection to a
// value of its own, comes back as written, with Record.Meta, the delivery times and the
// card present and absent, at the extremes of each type, and decoded over a message
// of other values (decode leaves nothing of the last one). A field added to
// model.Record, model.Message, pricing.Charge, billing.ClaimRecord or replay.Key and
// not to the codec fails here.
func TestPartCodecComplete(t *testing.T) {
	sparse := filled(t, 1)
	sparse.Rec.Meta, sparse.Rec.DeliveredTS, sparse.Msg.DeliveredTS = nil, 0, 0
	sparse.Claim.CardEffective, sparse.Claim.Err = time.Time{}, ""
	msgs := []partMsg{filled(t, 0), sparse, filled(t, 2), {}, filled(t, 1), filled(t, 0)}
	stream := encodeParts(t, msgs)
	for _, over := range []partMsg{{}, filled(t, 1)} {
		d := partDecoder{r: bufio.NewReader(bytes.NewReader(stream))}
		for i, want := range msgs {
			got := over
			if err := d.decode(&got); err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("message %d came back as\n%+v\nnot\n%+v", i, got, want)
				if got.Rec.Meta != nil && want.Rec.Meta != nil {
					t.Errorf("its Meta: %+v, not %+v", *got.Rec.Meta, *want.Rec.Meta)
				}
			}
		}
		if err := d.atEnd(); err != nil {
			t.Errorf("after the last message: %v", err)
		}
	}
}

// TestPartCodecZone: a card's effective date in a zone keeps its instant and offset,
// as encoding/gob kept them.
func TestPartCodecZone(t *testing.T) {
	eff := time.Date(2025, 7, 1, 0, 0, 0, 0, time.FixedZone("BRT", -3*3600))
	pm := filled(t, 0)
	pm.Claim.CardEffective = eff
	d := partDecoder{r: bufio.NewReader(bytes.NewReader(encodeParts(t, []partMsg{pm})))}
	var got partMsg
	if err := d.decode(&got); err != nil {
		t.Fatal(err)
	}
	_, off := got.Claim.CardEffective.Zone()
	if !got.Claim.CardEffective.Equal(eff) || off != -3*3600 || got.Claim.CardEffective.Format(time.DateOnly) != "2025-07-01" {
		t.Errorf("effective %v came back as %v", eff, got.Claim.CardEffective)
	}
}

// TestPartCodecAllocs: writing a message allocates nothing, nor does reading one
// (without an error's text, which a Ledger keeps).
func TestPartCodecAllocs(t *testing.T) {
	pm := filled(t, 0)
	pm.Claim.Err = ""
	e := partEncoder{w: bufio.NewWriter(io.Discard)}
	if n := testing.AllocsPerRun(100, func() {
		if err := e.encode(pm.Key, &pm.Rec, &pm.Msg, &pm.Ch, &pm.Claim); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("encode: %v allocations a message", n)
	}
	stream := encodeParts(t, []partMsg{pm})
	br := bytes.NewReader(stream)
	d := partDecoder{r: bufio.NewReader(br)}
	var got partMsg
	if n := testing.AllocsPerRun(100, func() {
		br.Reset(stream)
		d.r.Reset(br)
		d.prevAt, d.prevSeq = 0, 0
		if err := d.decode(&got); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("decode: %v allocations a message", n)
	}
}

// TestPartCodecRefuses: a string over the cap is refused when written, naming the
// line; a stream cut anywhere, or with a byte changed, is an error when read, never a
// panic; a frame longer than any message asks for no memory.
func TestPartCodecRefuses(t *testing.T) {
	pm := filled(t, 0)
	pm.Rec.Meta.ConversationOrigin = strings.Repeat("x", maxPartString+1)
	e := partEncoder{w: bufio.NewWriter(io.Discard)}
	err := e.encode(pm.Key, &pm.Rec, &pm.Msg, &pm.Ch, &pm.Claim)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d:", pm.Rec.Line)) {
		t.Errorf("a string over the cap: %v", err)
	}
	msgs := []partMsg{filled(t, 0), filled(t, 1), filled(t, 2)}
	stream := encodeParts(t, msgs)
	read := func(b []byte) error {
		d := partDecoder{r: bufio.NewReader(bytes.NewReader(b))}
		var got partMsg
		for range msgs {
			if err := d.decode(&got); err != nil {
				return err
			}
		}
		return d.atEnd()
	}
	for n := range len(stream) {
		if err := read(stream[:n]); err == nil {
			t.Errorf("cut at %d of %d bytes: no error", n, len(stream))
		}
	}
	if err := read(append(stream[:len(stream):len(stream)], 0)); err == nil || !strings.Contains(err.Error(), "more messages") {
		t.Errorf("a byte past the last message: %v", err)
	}
	huge := append([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, stream...)
	if err := read(huge); err == nil || !strings.Contains(err.Error(), "over the") {
		t.Errorf("a frame of 4 GiB: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := read(append(binary.AppendUvarint(nil, maxPartFrame), stream...)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a frame longer than the stream: %v", err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("a frame of %d bytes in a stream of %d allocated %d bytes", maxPartFrame, len(stream), grew)
	}
}

// FuzzPartDecode: any bytes read as a messages part give messages or an error, never a
// panic; each message read writes and reads back to itself.
func FuzzPartDecode(f *testing.F) {
	stream := encodeParts(f, []partMsg{filled(f, 0), filled(f, 1), {}, filled(f, 2)})
	f.Add(stream)
	f.Add(stream[:len(stream)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		d := partDecoder{r: bufio.NewReader(bytes.NewReader(data))}
		var msgs []partMsg
		for {
			var pm partMsg
			if err := d.decode(&pm); err != nil {
				if err.Error() == "" {
					t.Fatal("an error without a message")
				}
				break
			}
			msgs = append(msgs, detached(pm))
		}
		if len(msgs) == 0 {
			return
		}
		once := encodeParts(t, msgs)
		d = partDecoder{r: bufio.NewReader(bytes.NewReader(once))}
		again := make([]partMsg, len(msgs))
		for i := range again {
			if err := d.decode(&again[i]); err != nil {
				t.Fatalf("message %d, written again, does not read: %v", i, err)
			}
			again[i] = detached(again[i])
		}
		if twice := encodeParts(t, again); !bytes.Equal(once, twice) {
			t.Fatalf("messages written, read and written again differ")
		}
	})
}

// TestPartCodecRefusesCodes: a message whose codes are not the vocabulary's (a part
// not written by spendsim) is refused at decoding, before merge's Parquet writer or
// Ledger would index by them.
func TestPartCodecRefusesCodes(t *testing.T) {
	for name, spoil := range map[string]func(*partMsg){
		"kind":        func(pm *partMsg) { pm.Msg.Kind = 200 },
		"status":      func(pm *partMsg) { pm.Rec.Status = 9 },
		"entry point": func(pm *partMsg) { pm.Msg.EntryPoint = 3 },
		"claim kind":  func(pm *partMsg) { pm.Claim.Kind = 77 },
		"claim conf":  func(pm *partMsg) { pm.Claim.Conf = 6 },
		"billable":    func(pm *partMsg) { pm.Rec.Meta = &model.MetaPricing{Billable: 3} },
	} {
		pm := filled(t, 0)
		spoil(&pm)
		b := encodeParts(t, []partMsg{pm})
		d := partDecoder{r: bufio.NewReader(bytes.NewReader(b))}
		var got partMsg
		if err := d.decode(&got); !errors.Is(err, errPartCorrupt) {
			t.Errorf("%s out of range: %v, want the part refused", name, err)
		}
	}
}
