package safefile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
)

// Names inside an output folder. Everything but the manifest is hidden and exists only
// while a command writes there, or after one was killed (the next one cleans it up).
const (
	// ManifestName is the file that marks a complete set: written last, it lists every
	// other file of the set with its SHA-256 (FileSum, under the key "files").
	ManifestName = "manifest.json"
	lockName     = ".spendsim.lock"     // the folder's lock (Lock)
	stagePrefix  = ".spendsim-staging-" // a new set being written
	commitName   = ".spendsim-commit"   // a complete new set being moved into place
	replacesName = ".replaces"          // in the commit folder: the files the new set replaces
)

// FileSum is one file of an output set as its manifest lists it.
type FileSum struct {
	Path   string `json:"path"` // relative to the output folder, with forward slashes
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Set is a new set of output files replacing the set an output folder holds, so that the
// folder holds, at any moment a reader looks and after any failure or kill, either one
// complete set, marked by its manifest, or no manifest at all; and never a file of the
// previous set beside the new one's.
//
// The folder itself is kept, not swapped: it may be a mount point, the working
// directory, or hold what is not ours (the checkpoint of a sweep being resumed, the
// parts of a sharded sweep that merge writes beside, the user's own files). So:
//
//  1. OpenSet locks the folder (a second writer fails at once with a *BusyError), and
//     cleans up what a killed writer left: a half-moved set is finished (step 3),
//     staging folders and temporary files are removed.
//  2. Every file of the new set is written, each whole (Create, WriteFile), into a
//     hidden staging folder inside the output folder (Path); the caller writes the
//     manifest there last, listing Files.
//  3. Commit renames the staging folder to .spendsim-commit, which is the point of no
//     return: from there the set is moved in, by this process or, if it is killed, by
//     the next OpenSet of the folder. Moving in removes the old manifest first, then
//     every file of the old set (the old manifest's list, the new set's names and any
//     named with Remove), then renames the new files in, the manifest last.
//
// Close unlocks the folder; without a Commit before it (a failed or interrupted command)
// the staging folder goes, the previous set stays as it was, and a folder OpenSet
// created, and the parents it created for it, are removed again if nothing else was put
// in them.
type Set struct {
	Dir     string // the output folder
	stage   string
	lock    *Lock
	created []string // the folders OpenSet created, Dir and its parents, deepest first
	remove  []string // more names of the previous set (Remove)
	nested  []string // folders whose sets belong to this one (Nest)

	committed, closed bool
	moving            atomic.Bool // past the commit point: Abandon leaves it to the next writer
}

// OpenSet locks dir, creating it if needed, and starts a new set of files for it.
func OpenSet(dir string) (*Set, error) {
	created, err := makeOutDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Set{Dir: dir, created: created}
	if s.lock, err = acquire(filepath.Join(dir, lockName), dir, true); err != nil {
		s.removeIfEmpty()
		return nil, err
	}
	if err := s.cleanUp(); err != nil {
		s.Close()
		return nil, err
	}
	if s.stage, err = os.MkdirTemp(dir, stagePrefix+"*"); err != nil {
		s.Close()
		return nil, err
	}
	track(s, func() {
		if !s.moving.Load() {
			os.RemoveAll(s.stage)
			s.lock.Release()
			s.removeIfEmpty()
		}
	})
	return s, nil
}

// makeOutDir creates dir and its parents if needed, and returns the folders it
// created, deepest first.
func makeOutDir(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return nil, fmt.Errorf("%s is a file, not a folder: give another output folder", dir)
	case err == nil:
		return nil, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	var made []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		made = append(made, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return made, nil
}

// cleanUp finishes a set a killed writer had committed, and removes its staging
// folders and the temporary files of writers killed before they renamed them.
func (s *Set) cleanUp() error {
	if err := moveIn(s.Dir); err != nil {
		return fmt.Errorf("%s: finishing the set a killed command left half moved in: %w", s.Dir, err)
	}
	es, err := os.ReadDir(s.Dir)
	if err != nil {
		return err
	}
	for _, e := range es {
		if strings.HasPrefix(e.Name(), stagePrefix) {
			if err := os.RemoveAll(filepath.Join(s.Dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return RemoveTempsIn(s.Dir)
}

// Path is where the file name of the new set is written: inside the staging folder.
func (s *Set) Path(name string) string { return filepath.Join(s.stage, name) }

// Remove names files of the previous set that the new one does not have, for folders
// whose manifest lists no files (written before manifests did).
func (s *Set) Remove(names ...string) { s.remove = append(s.remove, names...) }

// Nest names a folder inside Dir that holds a set of its own, committed before this
// one and belonging to it (a replay's era folder): Files lists that set's manifest, so
// the set that next replaces this one without it removes that folder's set too (its
// manifest, the files it lists, then the folder if nothing else is left in it). A
// folder is recognised as a set only by its manifest being listed, with the SHA-256 it
// still has: folders the user made beside a set, a set the user has since written into
// one (another manifest), and a folder reached through a link are never touched.
func (s *Set) Nest(folder string) { s.nested = append(s.nested, folder) }

// Files lists every file written so far into the new set but the manifest, and the
// manifests of the nested sets (Nest), sorted by path, with its SHA-256 (read back from
// the disk) and size.
func (s *Set) Files() ([]FileSum, error) {
	var out []FileSum
	for _, sub := range s.nested {
		rel := filepath.Join(sub, ManifestName)
		p, err := Inside(s.Dir, rel)
		if err != nil {
			return nil, err
		}
		sum, n, err := HashFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, FileSum{Path: filepath.ToSlash(rel), SHA256: sum, Bytes: n})
	}
	err := filepath.WalkDir(s.stage, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(s.stage, p)
		if rel == ManifestName {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		sum, n, err := HashFile(p)
		if err != nil {
			return err
		}
		out = append(out, FileSum{Path: filepath.ToSlash(rel), SHA256: sum, Bytes: n})
		return nil
	})
	slices.SortFunc(out, func(a, b FileSum) int { return strings.Compare(a.Path, b.Path) })
	return out, err
}

// HashFile is the SHA-256 (hex) and size of the file at p, read once to its end.
func HashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// Commit puts the new set in place of the previous one; its manifest must be written,
// listing every other file of the set. The folder stays locked until Close.
func (s *Set) Commit() error {
	if s.committed || s.closed {
		return errors.New("safefile: " + s.Dir + ": set committed or closed already")
	}
	s.committed = true
	if err := s.commit(); err != nil {
		return fmt.Errorf("%s: %w", s.Dir, err)
	}
	return nil
}

func (s *Set) commit() error {
	newSet, err := listed(filepath.Join(s.stage, ManifestName))
	if err != nil {
		return err
	}
	if newSet == nil {
		return errors.New("safefile: commit of a set without its manifest")
	}
	err = filepath.WalkDir(s.stage, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(s.stage, p)
		if err != nil || d.IsDir() || rel == ManifestName || slices.Contains(newSet, rel) {
			return err
		}
		return fmt.Errorf("safefile: %s was written but its manifest does not list it", rel)
	})
	if err != nil {
		return err
	}
	// Which files the new set replaces is recorded before anything moves: once the
	// old manifest is gone, only this record knows.
	oldSet, _ := listedSums(filepath.Join(s.Dir, ManifestName))
	old, gone := nestedGone(s.Dir, oldSet, newSet)
	replaces := slices.Concat(old, s.remove, newSet, gone)
	slices.SortFunc(replaces, manifestsFirst)
	// Checked before the commit point: a file that cannot be removed safely (a link on
	// the way) is refused while the old set is still whole, not halfway through moveIn.
	for _, name := range replaces {
		if _, err := Inside(s.Dir, name); err != nil {
			return err
		}
	}
	if err := WriteFile(filepath.Join(s.stage, replacesName), []byte(strings.Join(slices.Compact(replaces), "\n"))); err != nil {
		return err
	}
	if err := notLink(filepath.Join(s.Dir, commitName)); err != nil {
		return err
	}
	s.moving.Store(true)
	if err := rename(s.stage, filepath.Join(s.Dir, commitName)); err != nil {
		return err
	}
	SyncDir(s.Dir)
	return moveIn(s.Dir)
}

// nestedGone splits the previous set's files (oldSet) into those the new one replaces
// (old) and, for each nested set (Set.Nest) the new one drops, the files its manifest
// lists, inside its folder (gone). A nested set is removed only while it is the one the
// previous set recorded (its manifest has the same SHA-256) and its folder is reached
// without a link: a folder the user has since written a set of their own into, or
// replaced by a link to elsewhere, is left as it is, manifest and all.
func nestedGone(dir string, oldSet []FileSum, newSet []string) (old, gone []string) {
	for _, f := range oldSet {
		name := filepath.FromSlash(f.Path)
		sub := filepath.Dir(name)
		if filepath.Base(name) != ManifestName || sub == "." || slices.Contains(newSet, name) {
			old = append(old, name)
			continue
		}
		p, err := Inside(dir, name)
		if err != nil {
			continue
		}
		if sum, _, err := HashFile(p); err != nil || sum != f.SHA256 {
			continue
		}
		files, _ := listed(p)
		for _, f := range files {
			gone = append(gone, filepath.Join(sub, f))
		}
		old = append(old, name)
	}
	return old, gone
}

// manifestsFirst orders the files a set replaces: nested sets' manifests first, so
// that a nested folder loses its manifest before any file it lists (it holds its set
// whole or no manifest, as the output folder does), then by name.
func manifestsFirst(a, b string) int {
	am, bm := filepath.Base(a) == ManifestName, filepath.Base(b) == ManifestName
	switch {
	case am && !bm:
		return -1
	case bm && !am:
		return 1
	}
	return strings.Compare(a, b)
}

// listed is the files a manifest lists, nil if there is no manifest or it lists none
// (it may be an older spendsim's) or is not one. Paths that would leave the folder are
// dropped: a manifest is data, and may have been edited.
func listed(manifest string) ([]string, error) {
	sums, err := listedSums(manifest)
	var names []string
	for _, f := range sums {
		names = append(names, filepath.FromSlash(f.Path))
	}
	if names == nil && sums != nil {
		names = []string{}
	}
	return names, err
}

// listedSums is listed with each file's SHA-256 and size as the manifest records them.
func listedSums(manifest string) ([]FileSum, error) {
	b, err := os.ReadFile(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m struct {
		Files []FileSum `json:"files"`
	}
	if json.Unmarshal(b, &m) != nil {
		return nil, nil
	}
	sums := []FileSum{}
	for _, f := range m.Files {
		if p := filepath.FromSlash(f.Path); filepath.IsLocal(p) && p != ManifestName {
			sums = append(sums, f)
		}
	}
	return sums, nil
}

// moveIn moves a committed set (dir/.spendsim-commit) into dir: it removes the old
// manifest, then every file the set replaces (those already moved in by an earlier,
// killed, moveIn excepted) and the folders inside that this leaves empty, renames the
// new files in and the manifest last. Every step
// can be repeated, so a moveIn killed at any point is finished by the next.
func moveIn(dir string) error {
	c := filepath.Join(dir, commitName)
	fi, err := os.Lstat(c)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder spendsim made; remove it", c)
	}
	newSet, err := listed(filepath.Join(c, ManifestName))
	if err != nil {
		return err
	}
	if newSet == nil { // the manifest was moved in: only the cleaning up is left
		return os.RemoveAll(c)
	}
	b, err := os.ReadFile(filepath.Join(c, replacesName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := RemoveInside(dir, ManifestName); err != nil {
		return err
	}
	SyncDir(dir)
	for _, name := range strings.Split(string(b), "\n") {
		if name == "" || !filepath.IsLocal(name) || name == ManifestName {
			continue
		}
		if slices.Contains(newSet, name) {
			if _, err := os.Lstat(filepath.Join(c, name)); errors.Is(err, fs.ErrNotExist) {
				continue // moved in already
			}
		}
		if err := RemoveInside(dir, name); err != nil {
			return err
		}
		removeEmpty(dir, filepath.Dir(name))
	}
	touched := map[string]bool{dir: true}
	for _, name := range newSet {
		from := filepath.Join(c, name)
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		sub := filepath.Dir(name)
		to, err := MkdirInside(dir, sub)
		if sub == "." {
			to, err = dir, nil
		}
		if err != nil {
			return err
		}
		if err := rename(from, filepath.Join(to, filepath.Base(name))); err != nil {
			return err
		}
		touched[to] = true
	}
	for d := range touched {
		SyncDir(d)
	}
	if err := rename(filepath.Join(c, ManifestName), filepath.Join(dir, ManifestName)); err != nil {
		return err
	}
	SyncDir(dir)
	return os.RemoveAll(c)
}

// RemoveInside removes the file rel of dir, not following links on the way (Inside);
// one that is not there is fine.
func RemoveInside(dir, rel string) error {
	p, err := Inside(dir, rel)
	if err != nil {
		return err
	}
	switch err := os.Remove(p); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case AfterStep != nil:
		AfterStep(p)
	}
	return nil
}

// removeEmpty removes the folder sub of dir and then each folder above it, up to dir
// itself (excluded), as long as each is empty: a set's files gone, no folder of the
// set's is left behind, and one holding anything else stays.
func removeEmpty(dir, sub string) {
	for ; sub != "." && filepath.IsLocal(sub); sub = filepath.Dir(sub) {
		p, err := Inside(dir, sub)
		if err != nil || os.Remove(p) != nil {
			return
		}
	}
}

// Close unlocks the folder. A set not committed is dropped: the staging folder is
// removed and the folder keeps its previous set; a folder OpenSet created is removed if
// it is left empty. Close may be called more than once, so `defer set.Close()` is
// always safe.
func (s *Set) Close() {
	if s.closed {
		return
	}
	s.closed = true
	untrack(s)
	if s.stage != "" {
		os.RemoveAll(s.stage) // after Commit it is not there any more
	}
	s.lock.Release()
	s.removeIfEmpty()
}

// removeIfEmpty removes the folders OpenSet created, Dir first, while they are empty: a
// failed first write into out/a/b leaves no out/a behind.
func (s *Set) removeIfEmpty() {
	for _, d := range s.created {
		if os.Remove(d) != nil {
			return // not empty, as it should be when it holds anything
		}
	}
}
