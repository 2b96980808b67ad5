package store_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/voxsiam/voxsiam/tools/store"
)

func Example() {
	tmp, _ := os.MkdirTemp("", "store")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "feats")

	w, _ := store.Create(dir, store.Options{NMels: 2})
	w.SetGroup("alice", "voice-a")
	// 3 frames x 2 mel bins, row-major
	w.Add(store.Utterance{ID: "alice-1", Speaker: "alice", Source: "alice/1.wav", Duration: 0.03},
		[]float32{0, 1, 2, 3, 4, 5})
	if err := w.Commit(); err != nil {
		fmt.Println(err)
		return
	}

	s, _ := store.Open(dir)
	defer s.Close()
	u := s.Utterances()[0]
	fmt.Println(u.ID, u.Rows, s.NMels(), s.Groups()["alice"])
	fmt.Println(s.Crop(nil, u, 1, 2))
	// Output:
	// alice-1 3 2 voice-a
	// [2 3 4 5]
}
