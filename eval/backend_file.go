package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/voxsiam/voxsiam/internal/errs"
)

// A back-end file is one JSON object:
//
//	{"format": "voxsiam-backend", "version": 1, "kind": "plda", "dim": 512,
//	 "mean": [...], "lda": {"in": 512, "out": 79, "w": [...], "eigenvalues": [...]},
//	 "plda": {"dim": 79, "mean": [...], "transform": [...], "psi": [...]},
//	 "trained_on": {"dir": "emb-train", "utterances": 800, "speakers": 80}}
//
// Matrices are row-major. "lda" and "plda" are absent for kind "norm".
const (
	backendFormat  = "voxsiam-backend"
	backendVersion = 1
)

// TrainingSet describes what a back-end was trained on.
type TrainingSet struct {
	Dir        string `json:"dir"`
	Utterances int    `json:"utterances"`
	Speakers   int    `json:"speakers"`
}

type backendFile struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	*Backend
	TrainedOn TrainingSet `json:"trained_on"`
}

// WriteBackend saves b to path (JSON, above).
func WriteBackend(path string, b *Backend, on TrainingSet) error {
	data, err := json.Marshal(backendFile{Format: backendFormat, Version: backendVersion, Backend: b, TrainedOn: on})
	if err != nil {
		return fmt.Errorf("eval: encode back-end %s: %w", path, err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("eval: write back-end: %w", err)
	}
	return nil
}

// ReadBackend loads a back-end file written by WriteBackend. Anything but a
// well-formed file of this format is a data error naming the file.
func ReadBackend(path string) (*Backend, TrainingSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, TrainingSet{}, fmt.Errorf("eval: read back-end: %w", err)
	}
	f := backendFile{Backend: &Backend{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, TrainingSet{}, errs.BadData("eval: back-end %s: not a voxsiam back-end file: %v", path, err)
	}
	if f.Format != backendFormat || f.Version != backendVersion {
		return nil, TrainingSet{}, errs.BadData("eval: back-end %s: format %q version %d, want %q version %d", path, f.Format, f.Version, backendFormat, backendVersion)
	}
	if err := f.Backend.check(); err != nil {
		return nil, TrainingSet{}, errs.BadData("eval: back-end %s: %v", path, err)
	}
	return f.Backend, f.TrainedOn, nil
}

// check validates kinds, shapes and finiteness.
func (b *Backend) check() error {
	if b.Kind != BackendNorm && b.Kind != BackendPLDA {
		return fmt.Errorf("kind %q, want norm or plda", b.Kind)
	}
	if b.Dim < 1 || len(b.Mean) != b.Dim {
		return fmt.Errorf("dim %d with a mean of %d values", b.Dim, len(b.Mean))
	}
	if b.Kind == BackendNorm {
		if b.LDA != nil || b.PLDA != nil {
			return fmt.Errorf("a norm back-end has no lda or plda")
		}
		return finiteAll("mean", b.Mean)
	}
	d := b.Dim
	if l := b.LDA; l != nil {
		if l.In != b.Dim || l.Out < 1 || l.Out > l.In || len(l.W) != l.In*l.Out {
			return fmt.Errorf("lda: in %d, out %d, %d weights for embeddings of dimension %d", l.In, l.Out, len(l.W), b.Dim)
		}
		d = l.Out
	}
	p := b.PLDA
	if p == nil {
		return fmt.Errorf("a plda back-end needs its plda model")
	}
	if p.Dim != d || len(p.Mean) != d || len(p.Psi) != d || len(p.Transform) != d*d {
		return fmt.Errorf("plda: dim %d (mean %d, psi %d, transform %d values), want dim %d", p.Dim, len(p.Mean), len(p.Psi), len(p.Transform), d)
	}
	for _, v := range p.Psi {
		if v < 0 {
			return fmt.Errorf("plda: negative between-class variance %v", v)
		}
	}
	for name, v := range map[string][]float64{"mean": b.Mean, "plda mean": p.Mean, "plda transform": p.Transform, "plda psi": p.Psi} {
		if err := finiteAll(name, v); err != nil {
			return err
		}
	}
	if b.LDA != nil {
		return finiteAll("lda weights", b.LDA.W)
	}
	return nil
}

func finiteAll(name string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s[%d] is %v", name, i, v)
		}
	}
	return nil
}
