package vecio_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/internal/vecio"
)

func ExampleWriteDir() {
	dir, _ := os.MkdirTemp("", "emb")
	defer os.RemoveAll(dir)
	ids := []string{"spk1-utt1", "spk1-utt2", "spk2-utt1"}
	emb := []float32{ // [3, 2]
		1, 0,
		0.9, 0.1,
		0, 1,
	}
	u2s := map[string]string{"spk1-utt1": "spk1", "spk1-utt2": "spk1", "spk2-utt1": "spk2"}
	if err := vecio.WriteDir(dir, ids, emb, 2, vecio.WriteOptions{Utt2Spk: u2s, Kaldi: true}); err != nil {
		fmt.Println(err)
		return
	}
	os.Remove(filepath.Join(dir, vecio.EmbeddingsFile)) // read back through embeddings.scp
	set, err := vecio.ReadDir(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, id := range set.IDs {
		fmt.Println(id, set.Utt2Spk[id], set.Row(i))
	}
	// Output:
	// spk1-utt1 spk1 [1 0]
	// spk1-utt2 spk1 [0.9 0.1]
	// spk2-utt1 spk2 [0 1]
}
