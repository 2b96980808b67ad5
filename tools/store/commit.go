package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Commit finishes the store: it flushes, writes the final .npy shape into
// the fixed-size header, rewrites speakers.tsv (every speaker with
// utterances, sorted; group defaults to the speaker), syncs, and renames
// "<dir>.partial" to dir (replacing an existing store only with
// Options.Restart).
func (w *Writer) Commit() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.err != nil {
		return fmt.Errorf("store: %s: Commit after Close, Abort or a write error (%v)", w.part, w.err)
	}
	if err := w.finish(); err != nil {
		w.err = err
		return err
	}
	w.closed = true
	if w.opts.Restart {
		old := w.dir + ".old"
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := os.Rename(w.dir, old); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("store: %w", err)
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(w.part, w.dir); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	w.committed = true
	syncDir(filepath.Dir(w.dir))
	return nil
}

// finish flushes everything, patches the header and closes the files.
func (w *Writer) finish() error {
	if err := w.flush(); err != nil {
		return err
	}
	if _, err := w.frames.WriteAt(npyHeader(w.dt, w.rows, w.opts.NMels), 0); err != nil {
		return fmt.Errorf("store: patch header of %s: %w", w.frames.Name(), err)
	}
	used := map[string]string{}
	for _, f := range []*os.File{w.frames, w.manifest} {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("store: sync %s: %w", f.Name(), err)
		}
	}
	w.closeFiles()
	if err := w.usedGroups(used); err != nil {
		return err
	}
	p := filepath.Join(w.part, SpeakersFile)
	if err := os.WriteFile(p, formatSpeakers(used), 0o644); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// usedGroups fills used with the group of every speaker in the manifest.
func (w *Writer) usedGroups(used map[string]string) error {
	f, err := os.Open(filepath.Join(w.part, ManifestFile))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	us, err := parseManifest(f.Name(), bufio.NewReader(f), false)
	if err != nil {
		return err
	}
	for _, u := range us {
		g := w.groups[u.Speaker]
		if g == "" {
			g = u.Speaker
		}
		used[u.Speaker] = g
	}
	return nil
}

// syncDir fsyncs a directory so a rename is durable (best effort).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// resume reopens a leftover partial store: the manifest is trusted up to its
// last complete row whose frames are all on disk; the rest of both files is cut.
func (w *Writer) resume(cfg []byte) error {
	old, err := os.ReadFile(filepath.Join(w.part, FeaturesFile))
	if err != nil {
		return fmt.Errorf("store: resume %s: %w (use --restart)", w.part, err)
	}
	if oc, err := configJSON(jsonRaw(bytes.TrimSpace(old))); err != nil || !bytes.Equal(oc, cfg) {
		return fmt.Errorf("store: resume %s: it was made with another feature config (%s, now %s); use --restart", w.part, bytes.TrimSpace(old), cfg)
	}
	fp := filepath.Join(w.part, FramesFile)
	if w.frames, err = os.OpenFile(fp, os.O_RDWR, 0); err != nil {
		return fmt.Errorf("store: resume: %w (use --restart)", err)
	}
	head := make([]byte, npyHeaderLen)
	if _, err := w.frames.ReadAt(head, 0); err != nil {
		return fmt.Errorf("store: resume %s: %w (use --restart)", fp, err)
	}
	info, err := parseNpyHeader(fp, head)
	if err != nil {
		return fmt.Errorf("%w (use --restart)", err)
	}
	if info.dt != w.dt || info.cols != w.opts.NMels || info.dataOffset != npyHeaderLen {
		return fmt.Errorf("store: resume %s: dtype %s n_mels %d, want %s %d; use --restart", fp, info.dt.descr, info.cols, w.dt.descr, w.opts.NMels)
	}
	st, err := w.frames.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	onDisk := (st.Size() - npyHeaderLen) / int64(w.opts.NMels*w.dt.size)
	if err := w.resumeManifest(onDisk); err != nil {
		return err
	}
	if err := w.frames.Truncate(npyHeaderLen + w.rows*int64(w.opts.NMels*w.dt.size)); err != nil {
		return fmt.Errorf("store: resume: %w", err)
	}
	if _, err := w.frames.Seek(0, 2); err != nil {
		return fmt.Errorf("store: resume: %w", err)
	}
	w.fbuf = bufio.NewWriterSize(w.frames, 1<<20)
	return w.resumeSpeakers()
}

// jsonRaw lets configJSON compact already-encoded JSON.
type jsonRaw []byte

func (j jsonRaw) MarshalJSON() ([]byte, error) { return j, nil }

// resumeManifest keeps the complete rows whose frames are on disk and
// rewrites manifest.tsv with exactly those.
func (w *Writer) resumeManifest(onDisk int64) error {
	mp := filepath.Join(w.part, ManifestFile)
	data, err := os.ReadFile(mp)
	if err != nil {
		return fmt.Errorf("store: resume: %w (use --restart)", err)
	}
	us, err := parseManifest(mp, bytes.NewReader(data), true)
	if err != nil {
		return fmt.Errorf("%w (use --restart)", err)
	}
	k := sort.Search(len(us), func(i int) bool { return us[i].First+us[i].Rows > onDisk })
	w.resumed = us[:k]
	var b bytes.Buffer
	b.WriteString(manifestHeader + "\n")
	for _, u := range w.resumed {
		b.WriteString(formatRow(u) + "\n")
		w.ids[u.ID], w.sources[u.Source] = true, true
		w.rows = u.First + u.Rows
	}
	if w.manifest, err = createWith(mp, b.Bytes()); err != nil {
		return err
	}
	return nil
}

// resumeSpeakers reloads the groups set so far and reopens speakers.tsv.
func (w *Writer) resumeSpeakers() error {
	sp := filepath.Join(w.part, SpeakersFile)
	f, err := os.Open(sp)
	if err == nil {
		w.groups, err = parseSpeakers(sp, f, true)
		f.Close()
	}
	if err != nil {
		return fmt.Errorf("store: resume %s: %w (use --restart)", sp, err)
	}
	for _, u := range w.resumed {
		if _, ok := w.groups[u.Speaker]; !ok {
			w.groups[u.Speaker] = u.Speaker
		}
	}
	w.speakers, err = createWith(sp, formatSpeakers(w.groups))
	return err
}
