package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/eval/diarize"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/dataset"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/source"
)

// windowsDir is the Kaldi data directory `diarize --export-windows` writes
// under --out.
const windowsDir = "windows"

// windowed is one recording decoded once, its speech found and cut into
// windows, each window an input of its log-mel frames.
type windowed struct {
	d      *diarized
	speech []diarize.Region
	wins   []diarize.Region
	inputs []source.Input // ID: windowID
	cfg    feature.Config // the frames' settings
}

// windowRecording decodes f, finds its speech and cuts the windows.
// With frames false the windows' inputs carry no frames (the windows are
// exported or their embeddings given).
func windowRecording(ctx context.Context, e *fileEmbedder, f string, o *diarizeOptions, frames bool, warn io.Writer) (*windowed, error) {
	cfg, err := e.m.FeatureConfig()
	if err != nil {
		return nil, err
	}
	cfg.VAD = false // frame k must stay at time k*hop
	ex, err := feature.NewExtractor(cfg)
	if err != nil {
		return nil, err
	}
	cfg = ex.Config()
	x, from, err := dataset.LoadRate(ctx, dataset.Item{Path: f}, cfg.SampleRate)
	if err != nil {
		return nil, err
	}
	if from != 0 && from != cfg.SampleRate {
		fmt.Fprintf(warn, "note: %s is at %d Hz, resampled to %d Hz\n", f, from, cfg.SampleRate)
	}
	rec := recordingID(f)
	d := &diarized{File: f, Recording: rec, Seconds: float64(len(x)) / float64(cfg.SampleRate), Turns: []eval.Segment{}}
	if d.Seconds < minDiarizeSeconds {
		return nil, errs.BadData("%s: %.2f s of audio, too short to diarize (want at least %g s)", f, d.Seconds, minDiarizeSeconds)
	}
	speech := diarize.Speech(x, cfg.SampleRate, diarize.SpeechOptions{})
	if len(speech) == 0 {
		return nil, errs.BadData("%s: no speech found (silent, or no frame above the energy threshold)", f)
	}
	for _, s := range speech {
		d.Speech += s.End - s.Start
	}
	wins := diarize.Windows(speech, o.Window, o.Hop)
	inputs := make([]source.Input, len(wins))
	for i, win := range wins {
		inputs[i] = source.Input{ID: windowID(rec, win), Source: fmt.Sprintf("%s:%.2f-%.2f", f, win.Start, win.End)}
	}
	if frames {
		fr, n := ex.Compute(nil, x)
		hop := float64(cfg.Hop) / float64(cfg.SampleRate)
		for i, win := range wins {
			a := min(n-1, int(win.Start/hop+0.5))
			b := max(a+1, min(n, int(win.End/hop+0.5)))
			inputs[i].Load = func(context.Context) ([]float32, int, float64, error) {
				return fr[a*cfg.NMels : b*cfg.NMels], b - a, win.End - win.Start, nil
			}
		}
	}
	return &windowed{d: d, speech: speech, wins: wins, inputs: inputs, cfg: cfg}, nil
}

// windowID is the utterance id of a window of recording rec:
// "<rec>-<start ms>-<end ms>", zero-padded, so ids sort as the windows do
// and name the audio they cover.
func windowID(rec string, w diarize.Region) string {
	return fmt.Sprintf("%s-%08d-%08d", rec, int(math.Round(w.Start*1000)), int(math.Round(w.End*1000)))
}

// exportWindows writes the windows diarize would embed, of every recording
// it can read, as a Kaldi data directory <out>/windows: wav.scp (recording
// -> absolute path), segments (window -> recording, start, end in seconds)
// and utt2spk (window -> recording), each sorted by its key as Kaldi wants.
// Any embedder that reads Kaldi directories (voxsiam embed,
// scripts/peers/peers.py) embeds them; diarize --window-embeddings clusters
// the result.
func exportWindows(ctx context.Context, e *fileEmbedder, files []string, o *diarizeOptions, w io.Writer) error {
	var scp, seg, u2s []string
	n := 0
	for _, f := range files {
		r, err := windowRecording(ctx, e, f, o, false, e.warn)
		if err != nil {
			if ctx.Err() != nil || !errorsIsBadData(err) {
				return err
			}
			fmt.Fprintf(e.warn, "warning: skipped %s: %v\n", f, err)
			continue
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return fmt.Errorf("diarize: %w", err)
		}
		if strings.ContainsAny(abs, "\n\r") || strings.HasSuffix(strings.TrimSpace(abs), "|") {
			return errs.BadData("diarize: %s: a path Kaldi's wav.scp cannot hold (a newline, or a trailing |)", abs)
		}
		rec := r.d.Recording
		scp = append(scp, rec+" "+abs)
		for i, win := range r.wins {
			id := r.inputs[i].ID
			seg = append(seg, fmt.Sprintf("%s %s %.3f %.3f", id, rec, win.Start, win.End))
			u2s = append(u2s, id+" "+rec)
		}
		n += len(r.wins)
	}
	if len(scp) == 0 {
		return errs.BadData("diarize: no recording could be windowed (%d skipped, reasons above)", len(files))
	}
	dir := filepath.Join(o.Out, windowsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("diarize: %w", err)
	}
	for _, t := range []struct {
		name  string
		lines []string
	}{{"wav.scp", scp}, {"segments", seg}, {"utt2spk", u2s}} {
		sort.Strings(t.lines)
		if err := os.WriteFile(filepath.Join(dir, t.name), []byte(strings.Join(t.lines, "\n")+"\n"), 0o644); err != nil {
			return fmt.Errorf("diarize: %w", err)
		}
	}
	fmt.Fprintf(w, "%d windows of %d recordings in %s (a Kaldi data directory: wav.scp, segments, utt2spk)\n", n, len(scp), dir)
	return nil
}

// windowEmbeddings are precomputed embeddings of windows (diarize
// --window-embeddings), rows indexed by window id.
type windowEmbeddings struct {
	dir   string
	set   *vecio.Set
	index map[string]int
	used  []bool
}

// readWindowEmbeddings reads a directory in embed's layout (embeddings.npy
// and utt.list); one it cannot read is bad input.
func readWindowEmbeddings(dir string) (*windowEmbeddings, error) {
	set, err := vecio.ReadDir(dir)
	if err != nil {
		return nil, errs.BadData("diarize: --window-embeddings: %w (give the --out of `voxsiam embed --in <out>/windows`)", err)
	}
	return &windowEmbeddings{dir: dir, set: set, index: set.Index(), used: make([]bool, set.Len())}, nil
}

// reWindowID splits a window id into its recording and times: the greedy
// recording part leaves the last two dash-separated numbers.
var reWindowID = regexp.MustCompile(`^(.+)-[0-9]+-[0-9]+$`)

// rows gathers the embeddings of recording rec's windows, in window order:
// row-major [len(inputs), dim]. The rows must be exactly these windows: a
// window without a row, or a row of a window of rec that diarize does not
// cut (another --window or --hop, or audio changed since the export), is a
// usage error, as the embeddings do not belong to this run.
func (x *windowEmbeddings) rows(rec string, inputs []source.Input) ([]float32, int, error) {
	d := x.set.Dim
	out := make([]float32, 0, len(inputs)*d)
	want := make(map[string]bool, len(inputs))
	for _, in := range inputs {
		want[in.ID] = true
		i, ok := x.index[in.ID]
		if !ok {
			return nil, 0, errs.Usage("--window-embeddings %s has no row of window %s (%s)%s: embed the windows `voxsiam diarize --export-windows` writes for the same recordings, --window and --hop",
				x.dir, in.ID, in.Source, x.recordingsNote(rec))
		}
		x.used[i] = true
		out = append(out, x.set.Row(i)...)
	}
	for _, id := range x.set.IDs {
		if !want[id] && windowRecordingOf(id) == rec {
			return nil, 0, errs.Usage("--window-embeddings %s has a row of window %s, which diarize does not cut from %s (%d windows): the windows were exported with another --window or --hop, or the audio changed; export and embed them again",
				x.dir, id, rec, len(inputs))
		}
	}
	return out, d, nil
}

// recordingsNote names the recordings x has windows of when it has none of
// rec's.
func (x *windowEmbeddings) recordingsNote(rec string) string {
	var recs []string
	seen := map[string]bool{}
	for _, id := range x.set.IDs {
		r := windowRecordingOf(id)
		if r == rec {
			return ""
		}
		if r == "" {
			r = "ids that are not window ids, e.g. " + id
		}
		if !seen[r] {
			seen[r] = true
			recs = append(recs, r)
		}
	}
	if len(recs) > 3 {
		recs = append(recs[:3], "...")
	}
	return fmt.Sprintf(", none of recording %s (its rows are of %s)", rec, strings.Join(recs, ", "))
}

// windowRecordingOf is the recording of a window id (windowID), or "" when
// id is not one.
func windowRecordingOf(id string) string {
	if m := reWindowID.FindStringSubmatch(id); m != nil {
		return m[1]
	}
	return ""
}

// unused notes the rows no diarized recording claimed (windows of
// recordings not given, or skipped).
func (x *windowEmbeddings) unused(warn io.Writer) {
	var first string
	n := 0
	for i, u := range x.used {
		if !u {
			if n == 0 {
				first = x.set.IDs[i]
			}
			n++
		}
	}
	if n > 0 {
		fmt.Fprintf(warn, "note: %d rows of --window-embeddings %s are not windows of the recordings diarized (first: %s); ignored\n", n, x.dir, first)
	}
}
