package spec

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/feature"
)

// TestReadMeta: the features of voxsiam.json are read over
// feature.DefaultConfig (an export's "partial" survives, fields it lacks
// take the defaults), "null" features are nil, a missing file is nil, nil,
// and malformed JSON is bad data naming the file.
func TestReadMeta(t *testing.T) {
	write := func(t *testing.T, body string) string {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "assets"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "assets", MetaAsset), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	m, err := ReadMeta(write(t, `{"features": {"n_mels": 16, "partial": "drop"}, "segment": 30, "pooling": "mean",
		"embedding_layer": "L4", "model": {"frames": 30, "bins": 16, "speakers": 5}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := feature.DefaultConfig()
	want.NMels, want.Partial = 16, feature.PartialDrop
	if m.Features == nil || *m.Features != want || m.NMels() != 16 || m.Segment != 30 || m.EmbeddingLayer != "L4" ||
		m.ModelPrecision() != FP32 || m.Model.Speakers != 5 || m.Model.Bins != 16 {
		t.Errorf("meta %+v, features %+v; want features %+v", m, m.Features, want)
	}
	if m, err := ReadMeta(write(t, `{"features": null, "segment": 40, "precision": "int8"}`)); err != nil || m.Features != nil || m.NMels() != 0 || m.ModelPrecision() != INT8 {
		t.Errorf("null features: %+v, %v", m, err)
	}
	if m, err := ReadMeta(t.TempDir()); m != nil || err != nil {
		t.Errorf("no voxsiam.json: %+v, %v; want nil, nil", m, err)
	}
	dir := write(t, `{"segment": `)
	if _, err := ReadMeta(dir); !errors.Is(err, errs.ErrBadData) || !contains(err.Error(), filepath.Join(dir, "assets", MetaAsset)) {
		t.Errorf("malformed: %v, want bad data naming the file", err)
	}
	if _, err := ReadMeta(write(t, `{"features": {"n_mels": "x"}}`)); !errors.Is(err, errs.ErrBadData) {
		t.Errorf("malformed features: %v, want bad data", err)
	}
}

// TestMetaCMN: the model's cmn and cmn_window survive a voxsiam.json
// round trip, and a voxsiam.json from before the key (the shipped
// model's among them) reads as "none" once defaults apply.
func TestMetaCMN(t *testing.T) {
	m := Meta{Segment: 40, Pooling: PoolMean, EmbeddingLayer: "L3", Model: DefaultConfig(5)}
	m.Model.CMN, m.Model.CMNWindow = "sliding", 120
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeMeta(b)
	if err != nil || back.Model.CMN != "sliding" || back.Model.CMNWindow != 120 {
		t.Fatalf("round trip of %s: %+v, %v", b, back, err)
	}
	old, err := DecodeMeta([]byte(`{"segment": 40, "pooling": "mean", "model": {"frames": 40, "bins": 128, "speakers": 5}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := old.Model.WithDefaults(); c.CMN != "none" || c.CMNWindow != 300 || old.Model.Validate() != nil {
		t.Errorf("old voxsiam.json: cmn %q window %d, %v; want none, 300, valid", c.CMN, c.CMNWindow, old.Model.Validate())
	}
}
