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

// placementDevices are the devices of TestTowerBackwardPlacement: the
// chief (Config.Device: variables, loss, Adam) and two towers.
var placementDevices = struct {
	chief  string
	towers []string
}{"/device:CPU:2", []string{"/device:CPU:0", "/device:CPU:1"}}

// TestTowerBackwardPlacement measures where TensorFlow runs the ops of a
// graph with the chief on CPU:2 and towers on CPU:0 and CPU:1: a child
// process (this test binary) runs one step with ConfigProto
// log_device_placement, and the parent counts the placements it logs.
// Each tower's forward ops must run on its device, and so must its
// gradient ops (colocateGradients): every gradient op that asks for a
// tower's device runs there, the towers run the same number of them, and
// only the loss's gradient and the cross-tower sums of the weights'
// gradients stay on the chief. Measured (doc.go "Towers"): 1,806 gradient
// ops on each tower, 203 on the chief (of 3,815: the 3,807 AddGradients
// adds and 8 per-tower partial sums); the same graph without
// colocateGradients ran 3,442 on CPU:0, 323 on CPU:1 and 42 on CPU:2.
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
	placed := placementLog(out)
	count := map[string]map[string]int{} // group -> device -> ops
	for name, dev := range placed {
		group, _, _ := strings.Cut(name, "/")
		if count[group] == nil {
			count[group] = map[string]int{}
		}
		count[group][dev]++
	}
	t.Logf("ops per device: tower0 %v, tower1 %v, gradients %v", count["tower0"], count["tower1"], count["gradients"])
	if len(count["tower0"]) != 1 || count["tower0"]["CPU:0"] == 0 || len(count["tower1"]) != 1 || count["tower1"]["CPU:1"] == 0 {
		t.Errorf("forward ops not on their towers' devices: tower0 %v, tower1 %v", count["tower0"], count["tower1"])
	}
	grads := count["gradients"]
	total := grads["CPU:0"] + grads["CPU:1"] + grads["CPU:2"]
	if grads["CPU:0"] == 0 || grads["CPU:0"] != grads["CPU:1"] || 10*grads["CPU:2"] > total {
		t.Errorf("gradient ops per device %v: want the same number on CPU:0 and CPU:1 and under 10%% on the chief, CPU:2", grads)
	}
	m := placementModel(t)
	for _, o := range m.Graph.Operations() {
		want := o.Device()
		if !strings.HasPrefix(o.Name(), "gradients/") || want == "" {
			continue
		}
		if got, ok := placed[o.Name()]; !ok || "/device:"+got != want {
			t.Errorf("%s asks for %s, ran on %q", o.Name(), want, got)
		}
	}
}

// placementLog reads TensorFlow's log_device_placement lines
// ("name: (Op): /job:localhost/replica:0/task:0/device:CPU:1") into op
// name -> "CPU:k" (the first line of each op).
func placementLog(out []byte) map[string]string {
	re := regexp.MustCompile(`^([A-Za-z0-9_./-]+): \([A-Za-z0-9]+\): /job:localhost/replica:0/task:0/device:(CPU:\d)$`)
	placed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil && placed[m[1]] == "" {
			placed[m[1]] = m[2]
		}
	}
	return placed
}

// placementModel builds the two-tower graph of TestTowerBackwardPlacement.
func placementModel(t *testing.T) *Model {
	cfg := Config{Frames: 8, Bins: 6, LSTM1: 4, LSTM2: 4, Speakers: 3, Seed: 11, Device: placementDevices.chief}
	m, err := BuildTowers(cfg, placementDevices.towers)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// placementStep runs one training step of a two-tower graph with
// log_device_placement (the child of TestTowerBackwardPlacement).
func placementStep(t *testing.T) {
	m := placementModel(t)
	cp := &for_core_protos_go_proto.ConfigProto{AllowSoftPlacement: true, LogDevicePlacement: true, DeviceCount: map[string]int32{"CPU": 3}}
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
	x, labels := randomBatch(t, m.Config, 8, rand.New(rand.NewPCG(1, 2)))
	run(t, s, map[tf.Output]*tf.Tensor{m.Input: x, m.Labels: labels, m.Training: mustTensor(t, true)}, []tf.Output{m.Loss}, m.TrainOp)
}
