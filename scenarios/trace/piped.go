package trace

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"sync"
)

// Piped hashes the inputs that cannot be hashed before they are read, standard input
// and pipes, as the reader reads them (Options.Piped): a manifest then records their
// SHA-256 and size as it does a file's, and a merge of replay shards compares them by
// content. A Parquet trace on standard input is hashed as it is copied to its temporary
// file, and a compressed one before it is decompressed: the digest is the bytes given.
type Piped struct {
	mu     sync.Mutex
	inputs map[string]*pipedHash
}

type pipedHash struct {
	h   hash.Hash
	n   int64
	eof bool
}

// tee is r, whose bytes are hashed as path's as they are read.
func (p *Piped) tee(path string, r io.Reader) io.Reader {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.inputs == nil {
		p.inputs = map[string]*pipedHash{}
	}
	ph := &pipedHash{h: sha256.New()}
	p.inputs[path] = ph
	return &pipedReader{p: p, ph: ph, r: r}
}

// Digest is the SHA-256 (hex) and size of what was read of path, ok only when it was
// read to its end: a digest of part of an input would name no file.
func (p *Piped) Digest(path string) (sum string, n int64, ok bool) {
	if p == nil {
		return "", 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ph := p.inputs[path]
	if ph == nil || !ph.eof {
		return "", 0, false
	}
	return hex.EncodeToString(ph.h.Sum(nil)), ph.n, true
}

type pipedReader struct {
	p  *Piped
	ph *pipedHash
	r  io.Reader
}

func (r *pipedReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.p.mu.Lock()
	r.ph.h.Write(b[:n])
	r.ph.n += int64(n)
	if err == io.EOF {
		r.ph.eof = true
	}
	r.p.mu.Unlock()
	return n, err
}
