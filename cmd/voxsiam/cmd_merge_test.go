package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voxsiam/voxsiam/internal/testkit/modeltest"
	"github.com/voxsiam/voxsiam/internal/vecio"
)

// sameFiles fails unless directories a and b hold the same files with the
// same bytes.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	list := func(d string) []string {
		es, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	na, nb := list(a), list(b)
	if strings.Join(na, " ") != strings.Join(nb, " ") {
		t.Fatalf("%s holds %v, %s holds %v", a, na, b, nb)
	}
	for _, n := range na {
		x, _ := os.ReadFile(filepath.Join(a, n))
		y, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs: %d bytes unsharded, %d merged", n, len(x), len(y))
		}
	}
	t.Logf("%d files equal byte for byte: %v", len(na), na)
}

// TestShardedFeaturesMerge: `features --shard k/3` for k = 0, 1, 2 and
// `merge` give the store of the unsharded run byte for byte; a shard rerun
// alone gives the same shard again.
func TestShardedFeaturesMerge(t *testing.T) {
	in, _ := toneCorpus(t, map[string]string{"speakers.tsv": "speaker\tgroup\na\tg1\nb\tg1\n"})
	tmp := t.TempDir()
	flags := []string{"features", "--in", in, "--layout", "plain", "--n-mels", "40", "--n-fft", "512", "--workers", "2"}
	if out, code := runCLI(append(flags, "--out", filepath.Join(tmp, "whole"))...); code != 0 {
		t.Fatal(out)
	}
	var shards []string
	for k := 0; k < 3; k++ {
		dir := filepath.Join(tmp, fmt.Sprintf("shard%d", k))
		out, code := runCLI(append(flags, "--out", dir, "--shard", fmt.Sprintf("%d/3", k))...)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("(plain layout (shard %d/3)): ", k)) {
			t.Fatalf("shard %d: exit %d: %s", k, code, out)
		}
		shards = append(shards, dir)
	}
	// The failed-shard case: shard 1 is redone alone and is the same.
	before, _ := os.ReadFile(filepath.Join(shards[1], "manifest.tsv"))
	if out, code := runCLI(append(flags, "--out", shards[1], "--shard", "1/3", "--restart")...); code != 0 {
		t.Fatal(out)
	}
	if after, _ := os.ReadFile(filepath.Join(shards[1], "manifest.tsv")); !bytes.Equal(before, after) {
		t.Errorf("rerun of shard 1/3 differs:\n%s\n%s", before, after)
	}
	merged := filepath.Join(tmp, "merged")
	if out, code := runCLI(append([]string{"merge", "--out", merged}, shards[2], shards[0], shards[1])...); code != 0 {
		t.Fatal(out)
	}
	sameFiles(t, filepath.Join(tmp, "whole"), merged)
	// Two shards only: the merge is a smaller store, not an error (a user
	// may merge in stages); an overlapping input is an error (exit 3).
	if out, code := runCLI("merge", "--out", filepath.Join(tmp, "dup"), shards[0], shards[0]); code != exitData || !strings.Contains(out, "is in both") {
		t.Errorf("merge of a shard with itself: exit %d: %s", code, out)
	}
}

// TestShardedEmbedMerge: `embed --shard k/2` and `merge` give the
// unsharded embeddings directory byte for byte at --batch 1, with
// distributions, speakers and the Kaldi ark/scp (the scp names the ark by
// absolute path, so the merge is written where the unsharded run was). At
// --batch 2 the segments share runs with other segments than in the
// unsharded run, and TensorFlow's CPU kernels round a row differently by
// its place in the run: the rows agree to 1e-5 (measured below), not to
// the bit.
func TestShardedEmbedMerge(t *testing.T) {
	model := modeltest.NewRun(t, exportTestSpec).Export(t, "")
	corpus, _ := embedTestCorpus(t)
	for _, batch := range []string{"1", "2"} {
		tmp := t.TempDir()
		dir := filepath.Join(tmp, "emb")
		flags := []string{"embed", "--model", model, "--in", corpus, "--batch", batch, "--intra-op", "1", "--inter-op", "1",
			"--format", "kaldi", "--distributions"}
		if out, code := runCLI(append(flags, "--out", dir)...); code != 0 {
			t.Fatal(out)
		}
		whole := filepath.Join(tmp, "whole")
		if err := os.Rename(dir, whole); err != nil {
			t.Fatal(err)
		}
		var shards []string
		for k := 0; k < 2; k++ {
			sd := filepath.Join(tmp, fmt.Sprintf("shard%d", k))
			if out, code := runCLI(append(flags, "--out", sd, "--shard", fmt.Sprintf("%d/2", k))...); code != 0 || !strings.Contains(out, fmt.Sprintf("(shard %d/2)", k)) {
				t.Fatalf("shard %d/2: exit %d: %s", k, code, out)
			}
			shards = append(shards, sd)
		}
		if out, code := runCLI("merge", "--out", dir, shards[1], shards[0]); code != 0 {
			t.Fatal(out)
		}
		if batch == "1" {
			sameFiles(t, whole, dir)
			continue
		}
		a, errA := vecio.ReadDir(whole)
		b, errB := vecio.ReadDir(dir)
		if errA != nil || errB != nil || strings.Join(a.IDs, " ") != strings.Join(b.IDs, " ") {
			t.Fatalf("--batch 2: ids %v vs %v (%v, %v)", a.IDs, b.IDs, errA, errB)
		}
		d := 0.0
		for i, v := range a.Emb {
			d = math.Max(d, math.Abs(float64(v-b.Emb[i])))
		}
		t.Logf("--batch 2: merged shards vs unsharded: max abs diff %.3g", d)
		if d > 1e-5 {
			t.Errorf("--batch 2: max abs diff %g > 1e-5", d)
		}
	}
	// Three shards of three utterances: shard 2/3 is empty (exit 3, named).
	out, code := runCLI("embed", "--model", model, "--in", corpus, "--out", filepath.Join(t.TempDir(), "empty"), "--shard", "2/3")
	if code != exitData || !strings.Contains(out, "shard 2/3 holds no utterance") {
		t.Errorf("empty shard: exit %d: %s", code, out)
	}
}

func TestShardUsageErrors(t *testing.T) {
	store := filepath.Join(t.TempDir(), "s")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"features k = n", []string{"features", "--in", t.TempDir(), "--out", store, "--shard", "3/3"}, "features: --shard: shard \"3/3\": k must be from 0 to n-1 = 2"},
		{"embed bad form", []string{"embed", "--in", t.TempDir(), "--out", store, "--shard", "1of3"}, "embed: --shard: shard \"1of3\": want k/n"},
		{"merge nothing", []string{"merge", "--out", store}, "merge: give the shard directories"},
		{"merge non-shard", []string{"merge", "--out", store, t.TempDir()}, "neither a feature store"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, code := runCLI(c.args...)
			if code != exitUsage || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, output %q; want exit 2 with %q", code, out, c.want)
			}
		})
	}
}

func TestServerUsageErrors(t *testing.T) {
	t.Setenv("TF_CONFIG", "")
	remote := `{"cluster": {"worker": ["192.0.2.1:2222"]}, "task": {"type": "worker", "index": 0}}`
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"no cluster", []string{"server"}, "server: tfserver: no cluster"},
		{"bad json", []string{"server", "--cluster", `{"cluster": [`}, "server: tfserver: cluster JSON: not TF_CONFIG JSON"},
		{"remote", []string{"server", "--cluster", remote}, "worker:0 at 192.0.2.1:2222 off the loopback"},
		{"bad task", []string{"server", "--cluster", remote, "--allow-remote", "--task", "worker"}, "--task \"worker\": want JOB:INDEX"},
		{"task out of range", []string{"server", "--cluster", remote, "--allow-remote", "--task", "worker:3"}, "index out of range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, code := runCLI(c.args...)
			if code != exitUsage || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, output %q; want exit 2 with %q", code, out, c.want)
			}
		})
	}
}
