package embed

import (
	"fmt"
	"io"
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
