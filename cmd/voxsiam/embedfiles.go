package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/embed/defaultmodel"
	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spkdb"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/source"
)

// fileEmbedder is a loaded model for the commands that embed a few named
// files or folders (verify, enroll, identify): it embeds each file as one
// utterance and names every file it skips or pads on the warning writer.
type fileEmbedder struct {
	m    *embed.Model
	dir  string    // the SavedModel directory
	warn io.Writer // skipped, padded and resampled files
}

// openEmbedder loads the SavedModel in dir, or the shipped model for "";
// warnings go to warn (nil: discarded).
func openEmbedder(dir string, warn io.Writer) (*fileEmbedder, error) {
	if warn == nil {
		warn = io.Discard
	}
	if dir == "" {
		d, err := defaultmodel.Dir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	m, err := embed.LoadModel(dir, embed.Options{})
	if err != nil {
		return nil, err
	}
	return &fileEmbedder{m: m, dir: dir, warn: warn}, nil
}

func (e *fileEmbedder) Close() { e.m.Close() }

// embedded are the files of one call that gave an embedding.
type embedded struct {
	Sources []string  // the audio files, in order
	Emb     []float32 // row-major [len(Sources), Dim]
	Dim     int
}

// Row is the embedding of Sources[i].
func (x *embedded) Row(i int) []float32 { return x.Emb[i*x.Dim : (i+1)*x.Dim] }

// embedFiles embeds the audio files named by paths (files, or folders whose
// audio files below them are taken, in lexical order), each file one
// utterance. Skipped and padded files are written to e.warn with their
// reason. Nothing embedded is an errs.BadData error listing the reasons.
func (e *fileEmbedder) embedFiles(ctx context.Context, what string, paths []string) (*embedded, error) {
	warn := e.warn
	files, err := audioFiles(paths)
	if err != nil {
		return nil, err
	}
	cfg, err := e.m.FeatureConfig()
	if err != nil {
		return nil, err
	}
	items := make([]dataset.Item, len(files))
	for i, f := range files {
		items[i] = dataset.Item{UttID: fmt.Sprintf("%06d", i), Path: f}
	}
	set, err := source.FromItems(items, cfg)
	if err != nil {
		return nil, err
	}
	set.OnResample = func(src string, rate int) {
		fmt.Fprintf(warn, "note: %s is at %d Hz, resampled to %d Hz\n", src, rate, cfg.SampleRate)
	}
	set.Check = checkNotSilent
	res, err := embed.Extract(ctx, e.m, set.Inputs, embed.ExtractOptions{})
	if err != nil {
		return nil, err
	}
	for _, p := range res.Skipped {
		fmt.Fprintf(warn, "warning: skipped %s: %s\n", p.Source, p.Reason)
	}
	for _, p := range res.Padded {
		fmt.Fprintf(warn, "warning: padded %s: %s (its score is less reliable)\n", p.Source, p.Reason)
	}
	if len(res.IDs) == 0 {
		return nil, errs.BadData("%s: no file could be embedded (%d skipped)%s", what, len(res.Skipped), embed.SkippedList(res.Skipped))
	}
	out := &embedded{Emb: res.Emb, Dim: res.Dim}
	for _, id := range res.IDs {
		var k int
		fmt.Sscanf(id, "%d", &k)
		out.Sources = append(out.Sources, files[k])
	}
	return out, nil
}

// audioFiles expands paths: a file is itself, a folder its audio files
// (dataset.IsAudio) at any depth, sorted. A missing path, a folder without
// audio and no path at all are errs.BadData errors.
func audioFiles(paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, errs.Usage("no audio files given")
	}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, errs.BadData("input %s does not exist or cannot be read (give audio files or folders of them): %v", p, err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var in []string
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && dataset.IsAudio(f) {
				in = append(in, f)
			}
			return err
		})
		if err != nil {
			return nil, errs.BadData("input %s: %v", p, err)
		}
		if len(in) == 0 {
			return nil, errs.BadData("input %s: no audio files (.wav, .flac, .m4a, .mp3, .ogg, .opus) in it", p)
		}
		sort.Strings(in)
		files = append(files, in...)
	}
	return files, nil
}

// threshold resolves the decision threshold of verify, identify and
// diarize (loadCalibration, pickThreshold) and returns the calibration
// (nil when there is none) for its error rates.
func (e *fileEmbedder) threshold(dev, file string, thr, far float64) (threshold, *eval.Calibration, error) {
	cal, from, err := loadCalibration(e.dir, dev, file)
	if err != nil {
		return threshold{}, nil, err
	}
	t, err := pickThreshold(cal, from, thr, far)
	return t, cal, err
}

// openDB opens the enrollment database in dir for this model
// (spkdb.Open with the model's fingerprint).
func (e *fileEmbedder) openDB(dir string, dim int, create bool) (*spkdb.DB, error) {
	fp, err := modelFingerprint(e.dir)
	if err != nil {
		return nil, err
	}
	return spkdb.Open(dir, fp, dim, create)
}

// modelFingerprint is the hex SHA-256 of a SavedModel's graph and variable
// index (the index holds every tensor's checksum): two directories with the
// same fingerprint embed alike.
func modelFingerprint(dir string) (string, error) {
	h := sha256.New()
	for _, f := range []string{"saved_model.pb", filepath.Join("variables", "variables.index")} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return "", fmt.Errorf("model fingerprint: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", f, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// meanRow is the mean of rows (row-major [n, dim]), L2-normalised rows
// first so that each file weighs the same.
func meanRow(rows []float32, dim int) []float32 {
	n := len(rows) / dim
	out := make([]float32, dim)
	for i := 0; i < n; i++ {
		r := rows[i*dim : (i+1)*dim]
		var ss float64
		for _, v := range r {
			ss += float64(v) * float64(v)
		}
		s := float32(1)
		if ss > 0 {
			s = float32(1 / math.Sqrt(ss))
		}
		for j, v := range r {
			out[j] += v * s / float32(n)
		}
	}
	return out
}

// cosineScore is the cosine similarity of a and b (1 - cosine distance), the
// score of verify, identify and the calibration files.
func cosineScore(a, b []float32) float64 {
	return eval.DistanceToScore(eval.Cosine, eval.Cosine.Distance(a, b))
}

// silentPeak is the peak amplitude (-60 dBFS) below which a file is taken
// for silence.
const silentPeak = 1e-3

// checkNotSilent rejects audio whose peak is below silentPeak: a silent
// file has no speaker to embed. (A file of noise without speech passes;
// the energy detector of voxsiam diarize cannot tell noise from speech
// either.)
func checkNotSilent(src string, x []float32) error {
	for _, v := range x {
		if v > silentPeak || v < -silentPeak {
			return nil
		}
	}
	return errs.BadData("%s: silent (peak below -60 dBFS): no speech to embed", src)
}
