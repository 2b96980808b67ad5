package store

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCrop measures the training access pattern: random 40-frame crops
// of 128-bin utterances (one crop per op).
func BenchmarkCrop(b *testing.B) {
	for _, f16 := range []bool{false, true} {
		name := map[bool]string{false: "float32", true: "float16"}[f16]
		b.Run(name, func(b *testing.B) {
			utts := synthUtts(50, 128, 1)
			for i := range utts {
				utts[i].frames = append(utts[i].frames, make([]float32, 128*100)...)
			}
			dir := build(b, utts, Options{NMels: 128, Float16: f16})
			s, err := Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			us := s.Utterances()
			r := rand.New(rand.NewPCG(1, 2))
			dst := make([]float32, 40*128)
			b.SetBytes(40 * 128 * 4)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				u := us[r.IntN(len(us))]
				dst = s.Crop(dst, u, r.IntN(int(u.Rows)-40), 40)
			}
		})
	}
}
