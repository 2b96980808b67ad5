package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/embed"
	"github.com/voxsiam/voxsiam/eval"
	"github.com/voxsiam/voxsiam/internal/vecio"
	"github.com/voxsiam/voxsiam/tools/store"
	"github.com/voxsiam/voxsiam/train"
)

// exportCalibration is what `voxsiam export` did about the model's
// verification threshold (the "calibration" of its --json summary): the
// file written and its numbers, or why none was written.
type exportCalibration struct {
	File       string  `json:"file,omitempty"`    // <model>/assets/calibration.json
	Skipped    string  `json:"skipped,omitempty"` // why the model is not calibrated
	Store      string  `json:"store,omitempty"`   // the run's feature store
	Speakers   int     `json:"speakers,omitempty"`
	Utterances int     `json:"utterances,omitempty"`
	EER        float64 `json:"eer,omitempty"`
	Threshold  float64 `json:"threshold,omitempty"`
}

// devSet is the run's validation speakers in its store, ready to embed.
type devSet struct {
	store, list string // the store's directory and the run's val.list
	speakers    int
	utterances  int
}

// runDevSet finds the validation speakers of a run in the feature store it
// trained on (config.toml's [data] store, a relative path taken from the
// current directory as train took it), before anything is exported. A
// missing store, no validation speakers, or too few of them to measure
// error rates give nil and the reason; a store that is there but
// unreadable, and an unreadable val.list, are errors naming the file.
func runDevSet(run *train.RunDir) (*devSet, string, error) {
	runDir := run.Dir
	d := &devSet{store: run.Config.Data.Store, list: filepath.Join(runDir, train.ValList)}
	if _, err := os.Stat(d.list); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("the run has no %s (no validation speakers recorded)", d.list), nil
	}
	val, err := vecio.ReadSet(d.list)
	if err != nil {
		return nil, "", err
	}
	if len(val) == 0 {
		return nil, fmt.Sprintf("%s is empty: the run held out no validation speakers", d.list), nil
	}
	if d.store == "" {
		return nil, fmt.Sprintf("%s names no [data] store", filepath.Join(runDir, train.ConfigFile)), nil
	}
	if _, err := os.Stat(d.store); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("the run's feature store %s (config.toml [data] store) is gone", d.store), nil
	}
	st, err := store.Open(d.store)
	if err != nil {
		return nil, "", fmt.Errorf("export: the run's feature store: %w", err)
	}
	defer st.Close()
	perSpk := map[string]int{}
	for _, u := range st.Utterances() {
		if val[u.Speaker] {
			perSpk[u.Speaker]++
			d.utterances++
		}
	}
	d.speakers = len(perSpk)
	if d.speakers < 2 || d.utterances == d.speakers {
		return nil, fmt.Sprintf("%d validation speakers with %d utterances in %s: error rates need at least 2 speakers and one with 2 utterances",
			d.speakers, d.utterances, d.store), nil
	}
	return d, "", nil
}

// calibrateExport embeds the dev set with the exported model and writes
// its calibration as `voxsiam calibrate --model` does (runCalibrate), into
// the model's assets/calibration.json.
func calibrateExport(ctx context.Context, d *devSet, runDir, model string, w io.Writer) (*exportCalibration, error) {
	tmp, err := os.MkdirTemp("", "voxsiam-export-dev-")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp)
	emb := filepath.Join(tmp, "emb")
	if _, err := embed.RunJob(ctx, embed.Job{Model: model, In: []string{d.store}, Speakers: d.list, Out: emb,
		Format: embed.FormatNpy}); err != nil {
		return nil, fmt.Errorf("export: embed the validation speakers: %w", err)
	}
	dev := fmt.Sprintf("validation speakers of run %s (%s, %d speakers; store %s)", runDir, d.list, d.speakers, d.store)
	if err := runCalibrate(ctx, &calibrateOptions{Emb: emb, Model: model, Dev: dev, Points: defaultCalibrationPoints}, w); err != nil {
		return nil, err
	}
	file := filepath.Join(model, "assets", eval.CalibrationAsset)
	c, err := eval.ReadCalibration(file)
	if err != nil {
		return nil, err
	}
	return &exportCalibration{File: file, Store: d.store, Speakers: c.Speakers, Utterances: c.Utterances, EER: c.EER, Threshold: c.Threshold}, nil
}
