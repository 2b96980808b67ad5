package vecio

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voxsiam/voxsiam/internal/errs"
	"github.com/voxsiam/voxsiam/internal/testenv"
)

func randomSet(n, dim int, seed uint64) ([]string, []float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	ids := make([]string, n)
	emb := make([]float32, n*dim)
	for i := range ids {
		ids[i] = "spk" + string(rune('a'+i%3)) + "-utt" + string(rune('0'+i%10)) + string(rune('a'+i/10))
	}
	for i := range emb {
		emb[i] = float32(rng.NormFloat64())
	}
	return ids, emb
}

// TestDirRoundTripNumpy writes a directory in Go, reads it back in Go, and
// checks it with numpy (reference: numpy.load and Kaldi's binary vector
// layout parsed in Python), then reads numpy-written float32 and float64
// files in Go. The directory's bytes are the reference script's input, so
// the stored reference (the verdict and numpy's files) holds while the
// writer's output is unchanged; the live run is on top.
func TestDirRoundTripNumpy(t *testing.T) {
	dir := t.TempDir()
	ids, emb := randomSet(7, 5, 1)
	u2s := map[string]string{}
	for _, id := range ids {
		u2s[id] = id[:4]
	}
	if err := WriteDir(dir, ids, emb, 5, WriteOptions{Utt2Spk: u2s, Kaldi: true, Dist: emb, DistDim: 5}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := &Set{IDs: ids, Dim: 5, Emb: emb, Dist: emb, DistDim: 5, Utt2Spk: u2s}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadDir mismatch (-want +got):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		// The scp names the ark by its path; the temporary directory
		// would make every run's input differ (the script reads offsets only).
		files[e.Name()] = bytes.ReplaceAll(b, []byte(dir), []byte("DIR"))
	}
	arg, _ := json.Marshal(files)
	script := `
import base64, json, os, struct, sys, tempfile, numpy as np
d = tempfile.mkdtemp()
for name, b in json.loads(sys.argv[1]).items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(base64.b64decode(b))
e = np.load(d + "/embeddings.npy")
assert e.dtype == np.float32 and e.shape == (7, 5), (e.dtype, e.shape)
ark = open(d + "/embeddings.ark", "rb").read()
for line, row in zip(open(d + "/embeddings.scp"), e):
    key, target = line.split()
    off = int(target.rsplit(":", 1)[1])
    assert ark[off:off+6] == b"\0BFV \x04", ark[off:off+6]
    n = struct.unpack("<i", ark[off+6:off+10])[0]
    v = np.frombuffer(ark[off+10:off+10+4*n], dtype="<f4")
    assert ark[off-len(key)-1:off] == key.encode() + b" "
    assert np.array_equal(v, row)
np.save(d + "/f32.npy", (e * 2).astype(np.float32))
np.save(d + "/f64.npy", (e * 3).astype(np.float64))
print(json.dumps({"ok": True, "f32.npy": base64.b64encode(open(d + "/f32.npy", "rb").read()).decode(),
                  "f64.npy": base64.b64encode(open(d + "/f64.npy", "rb").read()).decode()}))
`
	testenv.Reference(t, "numpy-dir", script, []string{string(arg)}, func(t *testing.T, out []byte) {
		var ref struct {
			OK  bool   `json:"ok"`
			F32 []byte `json:"f32.npy"`
			F64 []byte `json:"f64.npy"`
		}
		if err := json.Unmarshal(out, &ref); err != nil || !ref.OK {
			t.Fatalf("python check: %s (%v)", out, err)
		}
		tmp := t.TempDir()
		for name, c := range map[string]struct {
			data  []byte
			scale float32
		}{"f32.npy": {ref.F32, 2}, "f64.npy": {ref.F64, 3}} {
			path := filepath.Join(tmp, name)
			if err := os.WriteFile(path, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			d, r, cols, err := ReadNpy(path)
			if err != nil || r != 7 || cols != 5 {
				t.Fatalf("%s: %v [%d,%d]", name, err, r, cols)
			}
			for i := range d {
				if d[i] != emb[i]*c.scale {
					t.Fatalf("%s[%d] = %v, want %v", name, i, d[i], emb[i]*c.scale)
				}
			}
		}
	})
}

// TestArkTextAndBinary reads hand-built archives (layout from Kaldi's
// kaldi-vector.cc: "\0B" "FV " size byte 4, int32 length, float32 data; text
// " [ v ... ]\n") mixing binary, double and text entries.
func TestArkTextAndBinary(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("a \x00BFV \x04\x02\x00\x00\x00")
	b.Write([]byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}) // 1.0, -2.0
	b.WriteString("b \x00BDV \x04\x01\x00\x00\x00")
	b.Write([]byte{0, 0, 0, 0, 0, 0, 0xe0, 0x3f}) // 0.5
	b.WriteString("\nc  [ 1.5 -3 2e-1 ]\nd [ ]\n")
	got, err := readAll(&b, "mixed.ark")
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{{"a", []float32{1, -2}}, {"b", []float32{0.5}}, {"c", []float32{1.5, -3, 0.2}}, {"d", []float32{}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func readAll(r *bytes.Buffer, name string) ([]Entry, error) {
	ar := NewArkReader(r, name)
	var out []Entry
	for {
		e, err := ar.Next()
		if err != nil {
			if err.Error() == "EOF" {
				return out, nil
			}
			return out, err
		}
		out = append(out, e)
	}
}

// TestArkRoundTrip writes text and binary archives and reads them back
// exactly (float32 'g' -1 formatting round-trips).
func TestArkRoundTrip(t *testing.T) {
	ids, emb := randomSet(12, 3, 2)
	for _, bin := range []bool{true, false} {
		var b bytes.Buffer
		if _, err := WriteArk(&b, ids, emb, 3, bin); err != nil {
			t.Fatal(err)
		}
		got, err := readAll(&b, "rt.ark")
		if err != nil {
			t.Fatal(err)
		}
		s, err := FromEntries("rt.ark", got)
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(s.IDs, ids) || !cmp.Equal(s.Emb, emb) {
			t.Errorf("binary=%v: round trip differs", bin)
		}
	}
}

// TestErrorsNameFileAndLine checks that malformed inputs give ErrBadData
// errors naming the file and line.
func TestErrorsNameFileAndLine(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, want string
		read                func(string) error
	}{
		{"utt2spk", "u1 s1\nu2\n", "utt2spk line 2", func(p string) error { _, err := ReadUtt2Spk(p); return err }},
		{"utt.list", "a\nb\na\n", "utt.list line 3: duplicate", func(p string) error { _, err := ReadList(p); return err }},
		{"bad.ark", "x [ 1 2 ]\ny [ 1 oops ]\n", "bad.ark line 2", func(p string) error { _, err := ReadArk(p); return err }},
		{"open.ark", "x [ 1 2\n", "not closed", func(p string) error { _, err := ReadArk(p); return err }},
		{"trunc.ark", "x \x00BFV \x04\x09\x00\x00\x00abc", "truncated vector data", func(p string) error { _, err := ReadArk(p); return err }},
		{"e.scp", "x e.ark:99\n", "e.scp line 1", func(p string) error { _, err := ReadScp(p); return err }},
		{"t.npy", "", "truncated data", func(p string) error { _, _, _, err := ReadNpy(p); return err }},
		{"h.npy", "\x93NUMPY\x01\x00\x20\x00{'descr': '<f4', 'fortran'", "h.npy", func(p string) error { _, _, _, err := ReadNpy(p); return err }},
	}
	os.WriteFile(filepath.Join(dir, "e.ark"), []byte("x [ 1 ]\n"), 0o644)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name)
			os.WriteFile(p, []byte(c.content), 0o644)
			if c.name == "t.npy" { // a valid header, then 16 of 48 data bytes
				if err := WriteNpy(p, make([]float32, 12), 3, 4); err != nil {
					t.Fatal(err)
				}
				st, _ := os.Stat(p)
				os.Truncate(p, st.Size()-32)
			}
			err := c.read(p)
			if err == nil || !errors.Is(err, errs.ErrBadData) || !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrBadData naming %s and %q", err, c.name, c.want)
			}
		})
	}
}

// FuzzReadArk feeds arbitrary bytes to the archive and scp readers: they
// must not panic, and whatever they accept must survive a binary round trip.
func FuzzReadArk(f *testing.F) {
	f.Add([]byte("a \x00BFV \x04\x01\x00\x00\x00\x00\x00\x80\x3f"))
	f.Add([]byte("c  [ 1.5 -3 ]\n"))
	f.Add([]byte("b \x00BDV \x04\xff\xff\xff\x7f"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := readAll(bytes.NewBuffer(data), "fuzz.ark")
		if err != nil && !errors.Is(err, errs.ErrBadData) {
			t.Fatalf("error without ErrBadData: %v", err)
		}
		ark := filepath.Join(dir, "f.ark")
		os.WriteFile(ark, data, 0o644)
		scp := filepath.Join(dir, "f.scp")
		os.WriteFile(scp, []byte("k f.ark:0\nk2 f.ark:"+string(rune('0'+len(data)%10))+"\n"), 0o644)
		ReadScp(scp) // must not panic
		if err != nil || len(entries) == 0 {
			return
		}
		for _, e := range entries {
			if len(e.Vec) == 0 || strings.ContainsAny(e.Key, " \t\r\n") {
				return
			}
		}
		var b bytes.Buffer
		for _, e := range entries {
			if _, err := WriteArk(&b, []string{e.Key}, e.Vec, len(e.Vec), true); err != nil {
				t.Fatal(err)
			}
		}
		again, err := readAll(&b, "again.ark")
		if err != nil || !cmp.Equal(entries, again, cmp.Comparer(sameFloats)) {
			t.Fatalf("round trip: %v\n%v\n%v", err, entries, again)
		}
	})
}

func sameFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			return false
		}
	}
	return true
}

// FuzzReadNpy feeds arbitrary bytes to ReadNpy: an error or a matrix whose
// size matches its shape, never a panic.
func FuzzReadNpy(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.npy")
	if err := WriteNpy(seed, []float32{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(seed)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "f.npy")
		os.WriteFile(p, data, 0o644)
		d, r, c, err := ReadNpy(p)
		if err == nil && len(d) != r*c {
			t.Fatalf("%d values for [%d, %d]", len(d), r, c)
		}
	})
}
