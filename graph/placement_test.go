package graph

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

const placementChildEnv = "VOXSIAM_PLACEMENT_CHILD"

// TestTowerBackwardPlacement measures where TensorFlow runs the ops of a
// graph with towers on CPU:0 and CPU:1: a child process (this test binary)
// runs one step with ConfigProto log_device_placement, and the parent
// counts the placements it logs. Each tower's forward ops must
// run on its device; the gradient ops, which TF_AddGradients leaves
// unplaced, are counted and logged (measured: most on CPU:0, the
// variables' device; doc.go "Towers").
func TestTowerBackwardPlacement(t *testing.T) {
	if os.Getenv(placementChildEnv) != "" {
		placementStep(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTowerBackwardPlacement$")
	cmd.Env = append(os.Environ(), placementChildEnv+"=1")
	out, err := cmd.CombinedOutput() // TensorFlow's placement log, wherever it writes it
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	re := regexp.MustCompile(`^([A-Za-z0-9_./-]+): \([A-Za-z0-9]+\): /job:localhost/replica:0/task:0/device:(CPU:\d)$`)
	count := map[string]map[string]int{} // group -> device -> ops
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		m := re.FindStringSubmatch(sc.Text())
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		group, _, _ := strings.Cut(m[1], "/")
		if count[group] == nil {
			count[group] = map[string]int{}
		}
		count[group][m[2]]++
	}
	t.Logf("ops per device: tower0 %v, tower1 %v, gradients %v", count["tower0"], count["tower1"], count["gradients"])
	if len(count["tower0"]) != 1 || count["tower0"]["CPU:0"] == 0 || len(count["tower1"]) != 1 || count["tower1"]["CPU:1"] == 0 {
		t.Errorf("forward ops not on their towers' devices: tower0 %v, tower1 %v", count["tower0"], count["tower1"])
	}
	if len(count["gradients"]) == 0 {
		t.Errorf("no gradient op placement logged")
	}
}

// placementStep runs one training step of a two-tower graph with
// log_device_placement (the child of TestTowerBackwardPlacement).
func placementStep(t *testing.T) {
	cfg := Config{Frames: 8, Bins: 6, LSTM1: 4, LSTM2: 4, Speakers: 3, Seed: 11}
	m, err := BuildTowers(cfg, []string{"/device:CPU:0", "/device:CPU:1"})
	if err != nil {
		t.Fatal(err)
	}
	cp := &for_core_protos_go_proto.ConfigProto{AllowSoftPlacement: true, LogDevicePlacement: true, DeviceCount: map[string]int32{"CPU": 2}}
	buf, err := proto.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tf.NewSession(m.Graph, &tf.SessionOptions{Config: buf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	run(t, s, nil, nil, m.Init)
	x, labels := randomBatch(t, cfg, 8, rand.New(rand.NewPCG(1, 2)))
	run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: labels, m.Training: mustTensor(t, true)}, []tf.Output{m.Loss}, m.TrainOp)
}
