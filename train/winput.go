package train

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/voxsiam/voxsiam/graph"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/spec"
	"github.com/voxsiam/voxsiam/tools/feature"
	"github.com/voxsiam/voxsiam/tools/store"
)

// Worker input: with [train] worker_store the towers read their segments'
// frames from the store on their own tasks (graph.BuildWorkerInputTowers);
// the chief's sampler still draws every batch from (seed, step) and feeds
// each tower the store rows of its segments (Batch.Rows), the labels, the
// seed loss's pairs and the dropout seed stay fed on the chief, where the
// loss is. Validation feeds frames at the towers' inputs (tfNet.Infer; a
// cluster validates on its one-tower graph on the chief, as without).

// WorkerInput tells whether the run's towers read their frames on their
// own tasks: [train] worker_store is set and the run has towers (cluster,
// or local_devices > 1). SpecAugment with worker input is a usage error:
// the masks are applied by the chief's prefetcher to the frames it feeds,
// and with worker input it feeds none. So is a [model] cmn other than
// "none": the towers read the frames as stored.
func (c *Config) WorkerInput(cluster bool) (bool, error) {
	t := &c.Train
	on := t.WorkerStore != "" && (cluster || t.LocalDevices > 1)
	if cmn := c.Model.WithDefaults().CMN; on && cmn != feature.CMNNone {
		return false, errs.Usage("train: worker_store %q (--worker-store) and [model] cmn = %q (--cmn) do not go together: the towers read the store's frames as stored, unnormalised; train with cmn = %q or without worker input", t.WorkerStore, cmn, feature.CMNNone)
	}
	if on && t.SpecAugment.Enabled {
		return false, errs.Usage("train: worker_store %q (--worker-store) and spec_augment (--spec-augment) do not go together: the masks are applied to the frames the chief feeds, and with worker input the towers read the frames on the workers; switch one off", t.WorkerStore)
	}
	return on, nil
}

// workerStore is the graph's WorkerStore of the run: frames.npy in
// [train] worker_store ("same": [data] store's absolute path) with the
// layout of the chief's store st.
func workerStore(cfg Config, st *store.Store) (graph.WorkerStore, string, error) {
	dir := cfg.Train.WorkerStore
	if dir == "same" {
		var err error
		if dir, err = filepath.Abs(cfg.Data.Store); err != nil {
			return graph.WorkerStore{}, "", fmt.Errorf("train: worker_store \"same\": %w", err)
		}
	}
	return graph.WorkerStore{Frames: filepath.Join(dir, store.FramesFile), Rows: st.NumFrames(), Float16: st.Float16(), Header: st.DataOffset()}, dir, nil
}

// buildTowers builds the training graph of mc with a tower on each of
// devs: with worker input the towers read their rows from the worker
// store (graph.BuildWorkerInputTowers; its layout and directory are
// returned for checkStoreCopies), else the chief feeds them the frames
// (graph.BuildTowers).
func buildTowers(cfg Config, st *store.Store, mc spec.Config, devs []string, winput bool) (m *graph.Model, ws graph.WorkerStore, dir string, err error) {
	if winput {
		if ws, dir, err = workerStore(cfg, st); err != nil {
			return nil, ws, "", err
		}
		m, err = graph.BuildWorkerInputTowers(mc, devs, ws)
	} else {
		m, err = graph.BuildTowers(mc, devs)
	}
	if err != nil {
		return nil, ws, "", fmt.Errorf("train: build graph: %w", err)
	}
	return m, ws, dir, nil
}

// storeCopy is one task's copy of the store: the task's name
// ("worker:1", "this process"), a CPU device of it and the directory.
type storeCopy struct {
	task, device, dir string
}

// storeFiles are the files compared whole: the rows and utterances, and
// the features they hold.
var storeFiles = []string{store.ManifestFile, store.FeaturesFile}

// checkStoreCopies compares every copy with the chief's store before the
// first step: manifest.tsv and features.json byte for byte, frames.npy by
// its .npy header and 64 sampled rows, by TensorFlow's Fingerprint
// (farmhash64) computed on each task from its own files
// (graph.FingerprintStores); a frames file shorter than the chief's fails
// there as a tower's read would. A copy that differs, lacks a file or is
// short is a bad-data error naming the task and the path.
func checkStoreCopies(so graph.SessionOptions, ws graph.WorkerStore, bins int, chief storeCopy, copies []storeCopy) error {
	all := append([]storeCopy{chief}, copies...)
	probes := make([]graph.StoreProbe, len(all))
	for k, c := range all {
		probes[k] = graph.StoreProbe{Device: c.device, Frames: filepath.Join(c.dir, store.FramesFile)}
		for _, f := range storeFiles {
			probes[k].Files = append(probes[k].Files, filepath.Join(c.dir, f))
		}
	}
	fps, err := graph.FingerprintStores(so, ws, bins, probes)
	var pe *graph.ProbeError
	switch {
	case errors.As(err, &pe) && pe.Probe == 0:
		return fmt.Errorf("train: worker store check: the chief's own store: %w", err)
	case errors.As(err, &pe):
		c := all[pe.Probe]
		if pe.Short {
			return errs.BadData("train: worker store of task %s: %s is shorter than the chief's frames file (%d bytes): not a copy of the chief's store %s: %v", c.task, pe.Path, ws.Bytes(bins), chief.dir, pe.Err)
		}
		return errs.BadData("train: worker store of task %s: cannot read %s (not a copy of the chief's store %s there? check --worker-store): %v", c.task, pe.Path, chief.dir, pe.Err)
	case err != nil:
		return fmt.Errorf("train: worker store check: %w", err)
	}
	files := append(append([]string{}, storeFiles...), store.FramesFile)
	for k := 1; k < len(all); k++ {
		for f := range fps[k] {
			if bytes.Equal(fps[k][f], fps[0][f]) {
				continue
			}
			what := ""
			if files[f] == store.FramesFile {
				what = " (its header or sampled rows)"
			}
			return errs.BadData("train: worker store of task %s: %s differs from the chief's %s%s (farmhash64 fingerprints computed on each task): copy the chief's store %s there, or fix --worker-store",
				all[k].task, filepath.Join(all[k].dir, files[f]), filepath.Join(chief.dir, files[f]), what, chief.dir)
		}
	}
	return nil
}

// towerBlocks splits n rows over k towers as the graph's split does
// (towerRows): ceil(n/k) rows for the first towers, the remainder for the
// next, 0 for any after it.
func towerBlocks(n, k int) []int {
	q := (n + k - 1) / k
	out := make([]int, k)
	for i := range out {
		out[i] = max(0, min(q, n-i*q))
	}
	return out
}
