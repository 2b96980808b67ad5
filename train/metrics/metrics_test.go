package metrics

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeRows(t *testing.T, path string, rows []Row) {
	t.Helper()
	l, err := OpenLog(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLogTruncate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	rows := []Row{{"step": 100, "loss": 2.5}, {"step": 200, "loss": 2}, {"step": 300, "loss": 1.5, "val_eer": 0.2}}
	writeRows(t, path, rows)
	// a killed writer leaves a torn last line: Read must ignore it
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"step":400,"lo`)
	f.Close()
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(rows, got); d != "" {
		t.Fatalf("read back (-want +got):\n%s", d)
	}
	if err := Truncate(path, 200); err != nil {
		t.Fatal(err)
	}
	got, _ = Read(path)
	if d := cmp.Diff(rows[:2], got); d != "" {
		t.Fatalf("after truncate to 200 (-want +got):\n%s", d)
	}
}

func TestReadMalformed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	os.WriteFile(path, []byte("{\"step\":1}\nnot json\n{\"step\":2}\n"), 0o644)
	if _, err := Read(path); err == nil {
		t.Fatal("malformed middle line accepted")
	}
}

func TestPlot(t *testing.T) {
	var rows []Row
	for s := 100.0; s <= 2000; s += 100 {
		r := Row{"step": s, "loss": 3 / (s / 100), "grad_norm": 1 / (s / 100), "grad_norm_max": 2 / (s / 100)}
		if int(s)%500 == 0 {
			r["val_loss"], r["val_acc"], r["val_eer"], r["val_eer_cos"] = 4/(s/100), 0.5+s/5000, 0.4-s/10000, 0.45-s/10000
		}
		rows = append(rows, r)
	}
	rows = append(rows, Row{"step": 2000, "val_mr": 0.3})
	dir := t.TempDir()
	files, err := Plot(rows, dir)
	if err != nil {
		t.Fatal(err)
	}
	// accuracy.png has val_acc; all five figures have data.
	if len(files) != 5 {
		t.Fatalf("files %v, want 5", files)
	}
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 250 {
			t.Errorf("%s: %v too small to read", p, b)
		}
	}
	if files, _ := Plot([]Row{{"step": 1, "loss": 1}}, t.TempDir()); len(files) != 1 {
		t.Errorf("loss-only log: %v, want only loss.png", files)
	}
}
