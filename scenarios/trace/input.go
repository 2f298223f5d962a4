package trace

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Stdin is the trace argument that reads standard input.
const Stdin = "-"

// traceFile is one file of the traces a user named: its path, the name errors give it,
// and the values Hive-style partition folders (date=2025-08-01/, country=BR/) give the
// contract's fields.
type traceFile struct {
	path string
	name string            // the path relative to the folder or glob it was found under; the base name of a file named itself
	part [nFields]string   // partition values, by contract field ("" = none)
	keys map[string]string // every partition key=value, for messages
}

// ErrArguments marks an error in the trace arguments themselves, not in what the files
// hold (errors.Is): a file named twice, standard input beside other traces. The
// caller's to fix on the command line.
var ErrArguments = errors.New("the trace arguments do not go together")

// argsError is an error of ErrArguments, its message the whole of what it says.
type argsError string

func (e argsError) Error() string        { return string(e) }
func (e argsError) Is(target error) bool { return target == ErrArguments }

// Files are the paths of the files trace arguments name, in the order OpenAll reads
// them ("-" for standard input): what a manifest lists as the trace's inputs.
func Files(args []string) ([]string, error) {
	files, _, err := Listing(args)
	return files, err
}

// Listing is Files, and the files under the folders named that are not read though
// they are not hidden (NotRead), for the user to hear of.
func Listing(args []string) ([]string, []NotRead, error) {
	fs, notRead, err := expand(args)
	if err != nil {
		return nil, nil, err
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.path
	}
	return out, notRead, nil
}

// NotRead is a file under a trace folder that the folder's rule leaves out though its
// name does not hide it (names starting with "." or "_", like _SUCCESS or .crc files,
// are left out without a word): an extension no reader takes (c.txt), a compression
// none reads (d.csv.bz2), a link. Left out silently, such files made a bill short by
// half with exit 0.
type NotRead struct {
	Folder string // the folder as named (a trace argument, or a glob's match)
	Name   string // the file's path under it, with /
	Why    string // "not .csv, .jsonl, .ndjson, .json or .parquet"
}

// NotReadNotes says which files each folder left out and why, a line per folder:
// "d2: 2 files not read: c.txt (not .csv, …), d.csv.bz2 (.bz2 is not a compression
// spendsim reads: gzip or zstd)"; the first few files of a folder are named.
func NotReadNotes(nr []NotRead) []string {
	const named = 8
	var lines []string
	for i := 0; i < len(nr); {
		j := i
		for j < len(nr) && nr[j].Folder == nr[i].Folder {
			j++
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %d file%s not read: ", nr[i].Folder, j-i, map[bool]string{true: "", false: "s"}[j-i == 1])
		for k := i; k < j && k < i+named; k++ {
			if k > i {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s (%s)", nr[k].Name, nr[k].Why)
		}
		if j-i > named {
			fmt.Fprintf(&b, ", and %d more", j-i-named)
		}
		lines = append(lines, b.String())
		i = j
	}
	return lines
}

// otherCompressions are compressions no trace reader decompresses, told apart from
// extensions that are not a trace format at all for the message.
var otherCompressions = []string{".bz2", ".xz", ".lz4", ".lz", ".lzma", ".lzo", ".zip", ".7z", ".br", ".snappy", ".sz", ".z"}

// whyNotRead is why a folder's file that is no trace file by its name is not read.
func whyNotRead(d fs.DirEntry) string {
	switch name := d.Name(); {
	case d.Type()&fs.ModeSymlink != 0:
		return "a symbolic link: links under a folder are not followed; name the file itself"
	case !d.Type().IsRegular():
		return "not a regular file"
	case slices.Contains(otherCompressions, strings.ToLower(filepath.Ext(name))) && formatByExt(strings.TrimSuffix(name, filepath.Ext(name))) != "":
		return filepath.Ext(name) + " is not a compression spendsim reads: gzip or zstd"
	}
	return "not .csv, .jsonl, .ndjson, .json or .parquet"
}

// expand turns trace arguments (files, folders, globs, or "-" for standard input) into
// the files they name, in order: each argument's files sorted by path. A folder is
// read recursively for trace files (.csv, .jsonl, .ndjson, .json, .parquet, each also
// .gz or .zst compressed), leaving out names starting with "." or "_" (_SUCCESS, .crc
// files), as Spark and DuckDB datasets hold them.
//
// It also returns the files of those folders left out for another reason (NotRead).
func expand(args []string) ([]traceFile, []NotRead, error) {
	if len(args) == 0 {
		return nil, nil, errors.New("trace: no trace given")
	}
	var out []traceFile
	var notRead []NotRead
	seen := map[string]bool{}
	add := func(root, path string) error {
		clean := filepath.Clean(path)
		if seen[clean] {
			return argsError(path + ": given twice; name each file once (a folder or a glob names every trace file in it)")
		}
		seen[clean] = true
		f := traceFile{path: path, name: filepath.Base(path)}
		if root != "" {
			if rel, err := filepath.Rel(root, path); err == nil {
				f.name = filepath.ToSlash(rel)
			}
		}
		f.part, f.keys = partitions(f.name)
		out = append(out, f)
		return nil
	}
	for _, a := range args {
		if a == Stdin {
			if len(args) > 1 {
				return nil, nil, argsError("-: standard input must be the only trace")
			}
			return []traceFile{{path: Stdin, name: "stdin"}}, nil, nil
		}
		paths := []string{a}
		root := ""
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", a, err)
			}
			if len(m) == 0 {
				return nil, nil, fmt.Errorf("%s: no file matches", a)
			}
			paths, root = m, globRoot(a)
		}
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				return nil, nil, statError(p, err)
			}
			if !st.IsDir() {
				if err := add(root, p); err != nil {
					return nil, nil, err
				}
				continue
			}
			files, left, err := traceFilesIn(p)
			if err != nil {
				return nil, nil, err
			}
			if len(files) == 0 {
				err := fmt.Errorf("%s: a folder with no trace files (.csv, .jsonl, .parquet, also .gz or .zst)", p)
				if notes := NotReadNotes(left); len(notes) > 0 {
					err = fmt.Errorf("%s: a folder with no trace files (.csv, .jsonl, .parquet, also .gz or .zst): %s", p, strings.TrimPrefix(notes[0], p+": "))
				}
				return nil, nil, err
			}
			notRead = append(notRead, left...)
			r := p
			if root != "" {
				r = root
			}
			for _, f := range files {
				if err := add(r, f); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	return out, notRead, nil
}

// statError is why a trace argument p could not be read: "nofile.csv: no such file or
// directory", and for a name that is not there, what a trace argument may be.
func statError(p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // p says which file; "stat" says nothing to the user
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w (a trace is a file, a folder of them, a quoted glob, or - for standard input)", p, err)
	}
	return fmt.Errorf("%s: %w", p, err)
}

// globRoot is the folder a glob's matches are named relative to: its part before the
// first path element with a wildcard.
func globRoot(glob string) string {
	dir := filepath.Dir(glob)
	for strings.ContainsAny(dir, "*?[") {
		dir = filepath.Dir(dir)
	}
	return dir
}

// traceFilesIn lists the trace files under dir, sorted by path, and the files under it
// not read though not hidden.
func traceFilesIn(dir string) ([]string, []NotRead, error) {
	var out []string
	var left []NotRead
	root := dir
	if st, err := os.Lstat(dir); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		// WalkDir follows no link, the root's included: a folder named through one read
		// as a folder with no trace files. With a separator after it, the root is the
		// folder the link points to; the paths under it are still dir's.
		root = dir + string(filepath.Separator)
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.Type().IsRegular() && formatByExt(name) != "":
			out = append(out, p)
		case !d.IsDir() && p != root:
			rel, _ := filepath.Rel(dir, p)
			left = append(left, NotRead{Folder: dir, Name: filepath.ToSlash(rel), Why: whyNotRead(d)})
		}
		return nil
	})
	slices.Sort(out) // WalkDir walks in lexical order: left is sorted too
	return out, left, err
}

// partitions reads the key=value folders of a relative path (Hive partitioning): the
// values of keys that name a contract field (country=BR) fill that field where a row
// leaves it empty; other keys (date=2025-08-01) only tell the files apart.
func partitions(rel string) ([nFields]string, map[string]string) {
	var part [nFields]string
	var keys map[string]string
	dirs := strings.Split(filepath.ToSlash(rel), "/")
	for _, d := range dirs[:len(dirs)-1] {
		k, v, ok := strings.Cut(d, "=")
		if !ok || k == "" {
			continue
		}
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		if keys == nil {
			keys = map[string]string{}
		}
		keys[k] = v
		if i := slices.Index(fieldNames[:], k); i >= 0 {
			part[i] = v
		}
	}
	return part, keys
}

// compression is a file name's compression suffix (".gz", ".zst") and the name
// without it.
func compression(name string) (ext, rest string) {
	for _, e := range []string{".gz", ".zst"} {
		if strings.HasSuffix(strings.ToLower(name), e) {
			return e, name[:len(name)-len(e)]
		}
	}
	return "", name
}

// formatByExt is the format a file name's extension names (under a compression
// suffix), "" for none.
func formatByExt(name string) string {
	_, name = compression(name)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "csv"
	case ".parquet":
		return "parquet"
	case ".jsonl", ".ndjson", ".json":
		return "json" // jsonl or webhook, by content
	}
	return ""
}

// stream is one text trace opened for reading: standard input or a file, gzip or zstd
// compressed ones decompressed as they are read, behind a buffer the format is sniffed
// from.
type stream struct {
	r       *bufio.Reader
	closers []io.Closer
}

// streamBuffer is the read buffer of a text trace; a webhook log's first line is
// sniffed from it whole up to this size.
const streamBuffer = 256 << 10

func openStream(path string, piped *Piped) (*stream, error) {
	s := &stream{}
	var src io.Reader
	var ext string
	if path == Stdin {
		// Standard input has no name to tell compression by: its magic number does.
		var in io.Reader = os.Stdin
		if piped != nil {
			in = piped.tee(path, in)
		}
		br := bufio.NewReaderSize(in, 64<<10)
		ext, src = sniffCompression(br), br
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		s.closers = []io.Closer{f}
		ext, _ = compression(path)
		src = f
		if st, err := f.Stat(); piped != nil && err == nil && !st.Mode().IsRegular() {
			src = piped.tee(path, f) // a pipe: read once, so hashed as it is read
		}
		if ext == ".gz" {
			src = bufio.NewReaderSize(src, 64<<10)
		}
	}
	r := src
	switch ext {
	case ".gz":
		gz, err := gzip.NewReader(src)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("not gzip (%w): decompress it, or name it without .gz", err)
		}
		r, s.closers = codecReader{gz, "gzip"}, append(s.closers, gz)
	case ".zst":
		zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("not zstd (%w): decompress it, or name it without .zst", err)
		}
		rc := zr.IOReadCloser()
		r, s.closers = codecReader{rc, "zstd"}, append(s.closers, rc)
	}
	s.r = bufio.NewReaderSize(r, streamBuffer)
	return s, nil
}

// sniffCompression is ".gz" or ".zst" when r starts with that format's magic number,
// else "".
func sniffCompression(r *bufio.Reader) string {
	head, _ := r.Peek(4)
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return ".gz"
	case len(head) == 4 && string(head) == "\x28\xb5\x2f\xfd":
		return ".zst"
	}
	return ""
}

// codecReader says, when compressed data cannot be read to its end, that the file is
// cut short or corrupt, instead of the decompressor's bare "unexpected EOF".
type codecReader struct {
	r    io.Reader
	name string
}

func (c codecReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("the %s data is cut short or corrupt (%w); check the file with `%s -t` and export it again", c.name, err, c.name)
	}
	return n, err
}

func (s *stream) Read(p []byte) (int, error) { return s.r.Read(p) }

// Close closes the decompressor, then the file (standard input stays open).
func (s *stream) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i].Close())
	}
	return errors.Join(errs...)
}

// sniff is the format of a stream by its content: a Parquet file's magic number, a
// JSON object with "entry" (or another webhook shape) for webhook logs, other JSON for
// JSON lines, else CSV. byExt, if not "", is what the name said ("json" leaves JSON
// lines or webhooks to the content).
func (s *stream) sniff(byExt string) string {
	if byExt == "csv" || byExt == "parquet" {
		return byExt
	}
	head, _ := s.r.Peek(4)
	if byExt == "" && string(head) == "PAR1" {
		return "parquet"
	}
	// The first non-blank line: a webhook payload, other JSON, or neither.
	buf, _ := s.r.Peek(streamBuffer)
	for len(buf) > 0 {
		line := buf
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			line, buf = buf[:i], buf[i+1:]
		} else {
			buf = nil
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			continue
		}
		switch {
		case t[0] != '{' && byExt == "":
			return "csv"
		case isWebhookPayload(t):
			return "webhook"
		}
		return "jsonl"
	}
	if byExt == "json" {
		return "jsonl"
	}
	return "csv"
}

// detect is the format of the file at path, by its name, then its content.
func detect(path string) (string, error) {
	ext, _ := compression(path)
	if ext == "" && formatByExt(path) == "parquet" {
		return "parquet", nil
	}
	st, err := openStream(path, nil)
	if err != nil {
		return "", err
	}
	defer st.Close()
	return st.sniff(formatByExt(path)), nil
}

// BaseName is the short name of a trace argument, for default output folders: a file's
// base name without its extensions (trace.csv.gz: trace), a folder's name, the name of
// the folder a glob looks in, "stdin" for "-".
func BaseName(arg string) string {
	switch {
	case arg == Stdin:
		return "stdin"
	case strings.ContainsAny(arg, "*?["):
		arg = globRoot(arg)
	}
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return filepath.Base(filepath.Clean(arg))
	}
	_, name := compression(filepath.Base(arg))
	return strings.TrimSuffix(name, filepath.Ext(name))
}
