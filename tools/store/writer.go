package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options configure Create.
type Options struct {
	NMels         int  // mel bins per frame; required (> 0)
	Float16       bool // store frames as float16 (half the size); default float32
	Restart       bool // remove a leftover "<dir>.partial" and replace an existing store at Commit; default: resume the partial store and refuse to replace
	FeatureConfig any  // written to features.json (json.Marshal; a json.RawMessage is written as is); nil writes {}
}

// ErrExists is returned by Create when the store directory already exists
// and Options.Restart is not set.
var ErrExists = errors.New("store already exists")

// Writer appends utterances to a store being built in "<dir>.partial/".
// Its methods are safe for concurrent use; rows are stored in the order of Add.
type Writer struct {
	mu        sync.Mutex
	dir, part string
	opts      Options
	dt        dtype
	frames    *os.File
	fbuf      *bufio.Writer
	manifest  *os.File
	mbuf      bytes.Buffer // manifest rows not yet on disk (written after their frames)
	speakers  *os.File
	sbuf      bytes.Buffer
	groups    map[string]string
	ids       map[string]bool
	sources   map[string]bool
	resumed   []Utterance
	rows      int64
	lastFlush time.Time
	raw       []byte
	closed    bool
	committed bool
	err       error // first write error; the writer is unusable after it
}

// Create starts writing a store to dir (through "<dir>.partial/"). A leftover
// partial store of an interrupted run is resumed unless opts.Restart is set;
// it must have been made with the same n_mels, dtype and feature config.
func Create(dir string, opts Options) (*Writer, error) {
	if opts.NMels <= 0 {
		panic("store: Options.NMels must be > 0")
	}
	dir = filepath.Clean(dir)
	w := &Writer{dir: dir, part: dir + ".partial", opts: opts, dt: float32Type,
		groups: map[string]string{}, ids: map[string]bool{}, sources: map[string]bool{}, lastFlush: time.Now()}
	if opts.Float16 {
		w.dt = float16Type
	}
	if _, err := os.Stat(dir); err == nil && !opts.Restart {
		return nil, fmt.Errorf("store: %s: %w (use --restart to replace it)", dir, ErrExists)
	}
	cfg, err := configJSON(opts.FeatureConfig)
	if err != nil {
		return nil, err
	}
	if opts.Restart {
		if err := os.RemoveAll(w.part); err != nil {
			return nil, fmt.Errorf("store: remove %s: %w", w.part, err)
		}
	}
	if _, statErr := os.Stat(w.part); statErr == nil {
		err = w.resume(cfg)
	} else {
		err = w.start(cfg)
	}
	if err != nil {
		w.closeFiles()
		return nil, err
	}
	return w, nil
}

// configJSON marshals the feature config compactly.
func configJSON(c any) ([]byte, error) {
	if c == nil {
		return []byte("{}"), nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("store: feature config: %w", err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, fmt.Errorf("store: feature config: %w", err)
	}
	return buf.Bytes(), nil
}

// start creates a fresh partial directory.
func (w *Writer) start(cfg []byte) error {
	if err := os.MkdirAll(w.part, 0o755); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var pretty bytes.Buffer
	json.Indent(&pretty, cfg, "", "  ") // cfg is valid compact JSON
	pretty.WriteByte('\n')
	if err := os.WriteFile(filepath.Join(w.part, FeaturesFile), pretty.Bytes(), 0o644); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var err error
	if w.frames, err = createWith(filepath.Join(w.part, FramesFile), npyHeader(w.dt, 0, w.opts.NMels)); err != nil {
		return err
	}
	if w.manifest, err = createWith(filepath.Join(w.part, ManifestFile), []byte(manifestHeader+"\n")); err != nil {
		return err
	}
	if w.speakers, err = createWith(filepath.Join(w.part, SpeakersFile), []byte(speakersHeader+"\n")); err != nil {
		return err
	}
	w.fbuf = bufio.NewWriterSize(w.frames, 1<<20)
	return nil
}

// createWith creates path holding head, open for appending.
func createWith(path string, head []byte) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err == nil {
		_, err = f.Write(head)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return f, nil
}

// Resumed lists the utterances already in a resumed partial store.
func (w *Writer) Resumed() []Utterance { return w.resumed }

// Done reports whether an utterance from source is already in the store
// (from a resumed run or an earlier Add).
func (w *Writer) Done(source string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sources[source]
}

// Has reports whether utterance id is already in the store (from a resumed
// run or an earlier Add).
func (w *Writer) Has(id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ids[id]
}

// Rows is the number of frames written so far.
func (w *Writer) Rows() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rows
}

// SetGroup assigns speaker to group (default: the speaker itself).
func (w *Writer) SetGroup(speaker, group string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if checkField("speaker", speaker) != nil || checkField("group", group) != nil {
		panic(fmt.Sprintf("store: SetGroup(%q, %q): empty or contains a tab/newline", speaker, group))
	}
	if w.groups[speaker] != group {
		w.groups[speaker] = group
		fmt.Fprintf(&w.sbuf, "%s\t%s\n", speaker, group)
	}
}

// Add appends one utterance. frames is row-major [rows, NMels] float32;
// u.First and u.Rows are set by the writer. ID, Speaker and Source must be
// non-empty without tabs or newlines, ID unique; rows >= 1.
func (w *Writer) Add(u Utterance, frames []float32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.err != nil {
		return fmt.Errorf("store: %s: Add after Commit, Abort, Close or a write error (%v)", w.part, w.err)
	}
	if len(frames) == 0 || len(frames)%w.opts.NMels != 0 {
		return fmt.Errorf("store: utterance %s: %d values is not a positive multiple of n_mels %d", u.ID, len(frames), w.opts.NMels)
	}
	for _, c := range [][2]string{{"utt_id", u.ID}, {"speaker", u.Speaker}, {"source", u.Source}} {
		if err := checkField(c[0], c[1]); err != nil {
			return err
		}
	}
	if w.ids[u.ID] {
		return fmt.Errorf("store: duplicate utterance id %q (source %s)", u.ID, u.Source)
	}
	u.First, u.Rows = w.rows, int64(len(frames)/w.opts.NMels)
	if err := w.writeFrames(frames); err != nil {
		w.err = err
		return err
	}
	w.ids[u.ID], w.sources[u.Source] = true, true
	w.rows += u.Rows
	w.mbuf.WriteString(formatRow(u) + "\n")
	if _, ok := w.groups[u.Speaker]; !ok {
		w.groups[u.Speaker] = u.Speaker
	}
	if w.mbuf.Len() > 64<<10 || time.Since(w.lastFlush) > 2*time.Second {
		if err := w.flush(); err != nil {
			w.err = err
			return err
		}
	}
	return nil
}

// writeFrames encodes frames little-endian in the store's dtype.
func (w *Writer) writeFrames(frames []float32) error {
	n := len(frames) * w.dt.size
	if cap(w.raw) < n {
		w.raw = make([]byte, n)
	}
	b := w.raw[:n]
	if w.dt.size == 4 {
		for i, v := range frames {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
	} else {
		for i, v := range frames {
			binary.LittleEndian.PutUint16(b[2*i:], f32to16(v))
		}
	}
	if _, err := w.fbuf.Write(b); err != nil {
		return fmt.Errorf("store: write %s: %w", w.frames.Name(), err)
	}
	return nil
}

// flush writes buffered frames, then the manifest and speaker rows that
// describe them, so a killed process leaves a manifest that never points
// past the frames on disk.
func (w *Writer) flush() error {
	w.lastFlush = time.Now()
	if err := w.fbuf.Flush(); err != nil {
		return fmt.Errorf("store: write %s: %w", w.frames.Name(), err)
	}
	if _, err := w.manifest.Write(w.mbuf.Bytes()); err != nil {
		return fmt.Errorf("store: write %s: %w", w.manifest.Name(), err)
	}
	w.mbuf.Reset()
	if _, err := w.speakers.Write(w.sbuf.Bytes()); err != nil {
		return fmt.Errorf("store: write %s: %w", w.speakers.Name(), err)
	}
	w.sbuf.Reset()
	return nil
}

// closeFiles closes whatever is open.
func (w *Writer) closeFiles() {
	for _, f := range []*os.File{w.frames, w.manifest, w.speakers} {
		if f != nil {
			f.Close()
		}
	}
}

// Close flushes and closes the files, leaving "<dir>.partial" for a later
// run to resume. It is a no-op after Commit or Abort.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	var err error
	if w.err == nil {
		err = w.flush()
	}
	w.closeFiles()
	return err
}

// Abort closes the writer and removes "<dir>.partial". It is a no-op after Commit.
func (w *Writer) Abort() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.committed {
		return
	}
	if !w.closed {
		w.closeFiles()
		w.closed = true
	}
	os.RemoveAll(w.part)
}
