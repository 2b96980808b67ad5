package store

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseNpyHeader: no input panics; an accepted header describes a 2-D
// array that our own writer can express again.
func FuzzParseNpyHeader(f *testing.F) {
	f.Add(npyHeader(float32Type, 12, 128))
	f.Add(npyHeader(float16Type, 0, 40))
	f.Add([]byte("\x93NUMPY\x02\x00\x10\x00\x00\x00{'shape': (1, 2)}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseNpyHeader("fuzz.npy", b)
		if err != nil {
			return
		}
		if info.cols < 1 || info.rows < 0 || info.dataOffset > int64(len(b)) {
			t.Fatalf("accepted impossible header: %+v", info)
		}
		if info.rows < 1<<50 {
			back, err := parseNpyHeader("again", npyHeader(info.dt, info.rows, info.cols))
			if err != nil || back.rows != info.rows || back.cols != info.cols || back.dt != info.dt {
				t.Fatalf("re-encoded header %+v, %v; want %+v", back, err, info)
			}
		}
	})
}

// FuzzParseManifest: no input panics; an accepted manifest formats back to
// rows that parse to the same utterances.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(manifestHeader+"\na\ts\t0\t3\tx.wav\t0.03\nb\ts\t3\t1\ty.wav\t1e-2\n"), false)
	f.Add([]byte(manifestHeader+"\na\ts\t0\t3\tx.wav\t0.03\nb\ts\t3"), true)
	f.Fuzz(func(t *testing.T, b []byte, partial bool) {
		us, err := parseManifest("fuzz.tsv", bytes.NewReader(b), partial)
		if err != nil {
			return
		}
		var sb strings.Builder
		sb.WriteString(manifestHeader + "\n")
		for _, u := range us {
			sb.WriteString(formatRow(u) + "\n")
		}
		back, err := parseManifest("again", strings.NewReader(sb.String()), false)
		if err != nil || len(back) != len(us) {
			t.Fatalf("reformatted manifest: %d rows, %v; want %d", len(back), err, len(us))
		}
		for i := range us {
			if back[i] != us[i] {
				t.Fatalf("row %d: %+v became %+v", i, us[i], back[i])
			}
		}
	})
}
