package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/voxsiam/voxsiam/internal/convert"
	"github.com/voxsiam/voxsiam/internal/spec"
)

const formatSavedModel = "savedmodel"

// convertManifest is <out>/manifest.json of export --format tflite|onnx.
type convertManifest struct {
	Format     string         `json:"format"`
	SavedModel string         `json:"saved_model"` // the SavedModel converted, savedmodel/
	Files      []convert.File `json:"files"`       // one per signature
	Assets     []string       `json:"assets"`      // copied beside the files from savedmodel/assets
}

// runExportConverted exports the SavedModel to <out>/savedmodel (calibrated
// as a plain export), converts serving_default and embed_waveform to
// o.Format beside it and copies its assets next to them.
func runExportConverted(ctx context.Context, o *exportOptions, w io.Writer) error {
	if _, err := os.Stat(o.Out); err == nil {
		return usagef("export: --out %s already exists", o.Out)
	}
	py := o.Python
	if py == "" {
		py = os.Getenv("VOXSIAM_PYTHON")
	}
	if py == "" {
		py = "python3"
	}
	sm := filepath.Join(o.Out, formatSavedModel)
	inner := *o
	inner.Out = sm
	text := w
	if o.JSON {
		text = io.Discard
	}
	sum, err := exportSavedModel(ctx, &inner, text)
	if err != nil {
		return err
	}
	sigs := []string{spec.SignatureEmbedding}
	if slices.Contains(sum.Signatures, spec.SignatureWaveform) {
		sigs = append(sigs, spec.SignatureWaveform)
	}
	files, err := convert.Run(ctx, py, sm, o.Format, o.Out, sigs)
	if err != nil {
		return err
	}
	m := convertManifest{Format: o.Format, SavedModel: formatSavedModel, Files: files}
	entries, _ := os.ReadDir(filepath.Join(sm, "assets"))
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(sm, "assets", e.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(o.Out, e.Name()), b, 0o644)
		}
		if err != nil {
			return fmt.Errorf("export: copy asset %s: %w", e.Name(), err)
		}
		m.Assets = append(m.Assets, e.Name())
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(o.Out, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, f := range files {
		fmt.Fprintf(text, "wrote %s (%s, %d bytes)\n", filepath.Join(o.Out, f.File), f.Signature, f.Bytes)
	}
	if o.JSON {
		return json.NewEncoder(w).Encode(m)
	}
	return nil
}
