package feature

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/tools/audio"
)

// writeCorpus writes n WAV files of different lengths (file 2 is corrupt)
// and returns their paths and the samples written.
func writeCorpus(t *testing.T, n int) ([]string, [][]float32) {
	dir := t.TempDir()
	speech := speechLike(16000)
	var paths []string
	var xs [][]float32
	for i := 0; i < n; i++ {
		p := filepath.Join(dir, fmt.Sprintf("%d.wav", i))
		x := speech[i*900 : i*900+3000+i*700]
		f, _ := os.Create(p)
		if i == 2 {
			f.WriteString("RIFF????WAVEjunk")
		} else if err := audio.WriteWAV(f, x, 16000); err != nil {
			t.Fatal(err)
		}
		f.Close()
		paths, xs = append(paths, p), append(xs, x)
	}
	return paths, xs
}

// TestComputeFiles: parallel results arrive in path order and equal a
// sequential Compute on the decoded files; the corrupt file reports a
// bad-data error.
func TestComputeFiles(t *testing.T) {
	paths, _ := writeCorpus(t, 9)
	e, _ := NewExtractor(DefaultConfig())
	var order []int
	err := ComputeFiles(context.Background(), paths, DefaultConfig(), 3, func(i int, frames []float32, n int, err error) {
		order = append(order, i)
		if i == 2 {
			if !errors.Is(err, errs.ErrBadData) {
				t.Errorf("file 2: err %v, want ErrBadData", err)
			}
			return
		}
		x, _, lerr := audio.Load(paths[i])
		if err != nil || lerr != nil {
			t.Fatalf("file %d: %v %v", i, err, lerr)
		}
		want, wn := e.Compute(nil, x)
		if n != wn || !cmp.Equal(frames, want) {
			t.Errorf("file %d: %d frames differ from sequential Compute (%d)", i, n, wn)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 6, 7, 8}, order); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}

// TestComputeFilesCancel: after cancellation fn is not called again and
// the context's error is returned.
func TestComputeFilesCancel(t *testing.T) {
	paths, _ := writeCorpus(t, 9)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := ComputeFiles(ctx, paths, DefaultConfig(), 2, func(i int, _ []float32, _ int, _ error) {
		calls++
		if i == 1 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || calls != 2 {
		t.Errorf("err %v after %d calls, want context.Canceled after 2", err, calls)
	}
}
