package embed

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/atomicfile"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// Output formats of Write.
const (
	FormatNpy   = "npy"   // embeddings.npy + utt.list (+ utt2spk, distributions.npy)
	FormatKaldi = "kaldi" // the npy files plus embeddings.ark/scp (binary float vectors)
	FormatText  = "text"  // the npy files plus embeddings.txt (Kaldi text archive "id  [ v1 v2 ... ]")
)

// Write stores r as an embeddings directory (internal/vecio): always
// embeddings.npy and utt.list, utt2spk/spk2utt when speakers are known,
// distributions.npy when r has them, and the extra files of format.
func Write(dir string, r *Result, format string) error {
	if format != FormatNpy && format != FormatKaldi && format != FormatText {
		return fmt.Errorf("embed: format %q: want npy, kaldi or text", format)
	}
	opts := vecio.WriteOptions{Dist: r.Dist, DistDim: r.DistDim, Kaldi: format == FormatKaldi}
	if len(r.Utt2Spk) == len(r.IDs) {
		opts.Utt2Spk = r.Utt2Spk
	}
	if err := vecio.WriteDir(dir, r.IDs, r.Emb, r.Dim, opts); err != nil {
		return err
	}
	if format == FormatText {
		return writeText(filepath.Join(dir, "embeddings.txt"), r)
	}
	return nil
}

func writeText(path string, r *Result) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := vecio.WriteArk(w, r.IDs, r.Emb, r.Dim, false)
		return err
	})
	if err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	return nil
}

// streamOut starts the spilled outputs of an npy-format job in dir
// (created): embeddings.npy and, with distributions, distributions.npy,
// their rows written as Extract pools them (ExtractOptions.EmbOut,
// DistOut). Other formats return nil outputs: they write from memory.
func streamOut(dir, format string, distributions bool) (emb, dist *vecio.NpyRows, err error) {
	if format != FormatNpy {
		return nil, nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("embed: %w", err)
	}
	if emb, err = vecio.CreateNpyRows(filepath.Join(dir, vecio.EmbeddingsFile)); err != nil {
		return nil, nil, err
	}
	if distributions {
		if dist, err = vecio.CreateNpyRows(filepath.Join(dir, vecio.DistributionsFile)); err != nil {
			emb.Abort()
			return nil, nil, err
		}
	}
	return emb, dist, nil
}

// WriteStreamed completes the embeddings directory dir of a result whose
// rows went to emb (and dist) during Extract: it commits them, then writes
// utt.list and, when speakers are known, utt2spk/spk2utt; the files are
// those Write writes for the same rows in FormatNpy.
func WriteStreamed(dir string, r *Result, emb, dist *vecio.NpyRows) error {
	if emb.Rows() != len(r.IDs) || (dist != nil && dist.Rows() != len(r.IDs)) {
		panic("embed: WriteStreamed: the streamed rows do not match the ids")
	}
	if err := emb.Commit(); err != nil {
		return err
	}
	if dist != nil {
		if err := dist.Commit(); err != nil {
			return err
		}
	}
	u2s := r.Utt2Spk
	if len(u2s) != len(r.IDs) {
		u2s = nil
	}
	return vecio.WriteIDLists(dir, r.IDs, u2s)
}
