package graph

import (
	"fmt"
	"strconv"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	attrpb "github.com/galeone/tensorflow/tensorflow/go/core/framework/attr_value_go_proto"
	graphpb "github.com/galeone/tensorflow/tensorflow/go/core/framework/graph_go_proto"
	nodepb "github.com/galeone/tensorflow/tensorflow/go/core/framework/node_def_go_proto"
	"google.golang.org/protobuf/proto"
)

// gradientPrefixes are the name scopes of the ops AddGradients adds
// (adam.go, lstm_block.go).
var gradientPrefixes = []string{"gradients/", "gradients_blstm1/", "gradients_blstm2/"}

// colocateGradients puts every tower's gradient ops on the tower's device,
// the equivalent of TF1's colocate_gradients_with_ops for BuildTowers
// graphs. TF_AddGradients gives the ops it adds no device (the C API has
// no device scope for them, and a built op's device cannot be changed), so
// the graph is exported as a GraphDef, placeGradients assigns the devices,
// and the result is imported into a new graph; m's handles are looked up
// again by name. Names, variables and feeds do not change.
func colocateGradients(m *Model, towers []string) (*Model, error) {
	gd, err := graphDefProto(m.Graph)
	if err != nil {
		return nil, fmt.Errorf("graph: colocate gradients: %w", err)
	}
	placeGradients(gd, m.Config.Device, towers)
	buf, err := proto.Marshal(gd)
	if err != nil {
		return nil, fmt.Errorf("graph: colocate gradients: %w", err)
	}
	g := tf.NewGraph()
	if err := g.Import(buf, ""); err != nil {
		return nil, fmt.Errorf("graph: colocate gradients: import: %w", err)
	}
	return m.rebind(g)
}

// placeGradients gives each unplaced gradient op of gd (gradientPrefixes)
// a tower's device when its data inputs come from exactly one tower
// device of towers: forward ops of the tower (activations), or gradient
// ops already placed there, in topological order. Every other gradient op
// (the loss's gradient, the sums over towers) gets chief, Config.Device,
// where the variables and the rest of the graph are. An AddN that sums
// inputs from several towers (a shared weight's gradient) is split
// (splitAddN): each tower sums its own inputs, the towers of one task sum
// theirs, and the original AddN sums the tasks' sums on the chief, so each
// task sends one gradient per weight, not one per tower and use (the
// recurrent kernels are used once per time step). It returns the number
// of gradient ops per device ("" = none).
func placeGradients(gd *graphpb.GraphDef, chief string, towers []string) map[string]int {
	isTower := map[string]bool{}
	for _, d := range towers {
		isTower[d] = true
	}
	byName := make(map[string]*nodepb.NodeDef, len(gd.Node))
	for _, n := range gd.Node {
		byName[n.Name] = n
	}
	p := &placer{byName: byName, isTower: isTower, chief: chief, done: map[string]bool{}}
	var added []*nodepb.NodeDef
	for _, n := range gd.Node {
		if isGradient(n.Name) {
			added = append(added, p.place(n)...)
		}
	}
	gd.Node = append(gd.Node, added...)
	count := map[string]int{}
	for _, n := range gd.Node {
		if isGradient(n.Name) {
			count[n.Device]++
		}
	}
	return count
}

// isGradient tells whether name is in one of the gradientPrefixes scopes.
func isGradient(name string) bool {
	for _, p := range gradientPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// placer resolves the devices of gradient ops depth first.
type placer struct {
	byName  map[string]*nodepb.NodeDef
	isTower map[string]bool
	chief   string
	done    map[string]bool
}

// place sets n's device (after its inputs') and returns the partial-sum
// AddN ops it adds when n is an AddN over several towers.
func (p *placer) place(n *nodepb.NodeDef) []*nodepb.NodeDef {
	if p.done[n.Name] {
		return nil
	}
	p.done[n.Name] = true
	var added []*nodepb.NodeDef
	devs := map[string]bool{}
	for _, in := range n.Input {
		src := p.byName[inputNode(in)]
		if src == nil || strings.HasPrefix(in, "^") {
			continue
		}
		if isGradient(src.Name) {
			added = append(added, p.place(src)...)
		}
		if p.isTower[src.Device] {
			devs[src.Device] = true
		}
	}
	switch {
	case n.Device != "":
	case len(devs) == 1:
		for d := range devs {
			n.Device = d
		}
	case len(devs) > 1 && n.Op == "AddN":
		added = append(added, p.splitAddN(n)...)
		n.Device = p.chief
	default:
		n.Device = p.chief
	}
	return added
}

// splitAddN sums n's inputs on the towers before n sums them on the
// chief: first the inputs from each tower device on that device
// ("<name>/tower_<k>", when there are two or more), then the partial sums
// of the towers of each task other than the chief's on its first tower
// ("<name>/task_<k>"; a task is the device name before "/device:", "" for
// this process), so that a task sends one tensor to the chief.
func (p *placer) splitAddN(n *nodepb.NodeDef) []*nodepb.NodeDef {
	ins, added := p.sumBy(n, n.Input, "/tower_", func(d string) string { return d })
	ins, more := p.sumBy(n, ins, "/task_", func(d string) string {
		if task := taskOf(d); task != taskOf(p.chief) {
			return task
		}
		return d
	})
	n.Input = ins
	n.Attr["N"] = &attrpb.AttrValue{Value: &attrpb.AttrValue_I{I: int64(countData(ins))}}
	return append(added, more...)
}

// sumBy groups the inputs of ins that come from a tower by key(device) and
// replaces each group of two or more by its AddN, named n.Name + suffix +
// the group's index and placed on the device of the group's first input.
// It returns the new inputs of n (sums first, then the other inputs in
// their order) and the AddN ops added.
func (p *placer) sumBy(n *nodepb.NodeDef, ins []string, suffix string, key func(string) string) ([]string, []*nodepb.NodeDef) {
	var order []string
	groups := map[string][]string{}
	var rest []string
	for _, in := range ins {
		d := p.byName[inputNode(in)].Device
		if !p.isTower[d] || strings.HasPrefix(in, "^") {
			rest = append(rest, in)
			continue
		}
		if groups[key(d)] == nil {
			order = append(order, key(d))
		}
		groups[key(d)] = append(groups[key(d)], in)
	}
	var out []string
	var added []*nodepb.NodeDef
	for k, g := range order {
		group := groups[g]
		if len(group) == 1 {
			out = append(out, group[0])
			continue
		}
		sum := &nodepb.NodeDef{
			Name: n.Name + suffix + strconv.Itoa(k), Op: "AddN", Input: group,
			Device: p.byName[inputNode(group[0])].Device,
			Attr:   map[string]*attrpb.AttrValue{"N": {Value: &attrpb.AttrValue_I{I: int64(len(group))}}, "T": n.Attr["T"]},
		}
		p.byName[sum.Name], p.done[sum.Name] = sum, true
		added = append(added, sum)
		out = append(out, sum.Name)
	}
	return append(out, rest...), added
}

// taskOf is the task part of a device name: "/job:worker/replica:0/task:1"
// of "/job:worker/replica:0/task:1/device:CPU:0", "" of "/device:CPU:0".
func taskOf(device string) string {
	task, _, _ := strings.Cut(device, "/device:")
	return task
}

// inputNode is the node name of a GraphDef input ("name:1", "^name").
func inputNode(in string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(in, "^"), ":")
	return name
}

// countData counts the data (non-control) inputs.
func countData(ins []string) int {
	k := 0
	for _, in := range ins {
		if !strings.HasPrefix(in, "^") {
			k++
		}
	}
	return k
}

// rebind returns a copy of m whose handles are the ops of the same names
// in g (an import of m.Graph's GraphDef).
func (m *Model) rebind(g *tf.Graph) (*Model, error) {
	r := &rebinder{g: g}
	n := *m
	n.Graph = g
	for _, o := range []*tf.Output{&n.Input, &n.Labels, &n.Training, &n.DropoutSeed, &n.PairI, &n.PairJ, &n.PairSame,
		&n.Embedding, &n.Distribution, &n.InputB, &n.PairDistance, &n.Loss, &n.GradNorm, &n.GlobalStep,
		&n.Teacher, &n.TeacherMask, &n.PKLDLoss, &n.DistillLoss,
		&n.saver.filename, &n.saver.saveTensor} {
		*o = r.output(*o)
	}
	n.Init, n.TrainOp, n.saver.restoreAll = r.op(m.Init), r.op(m.TrainOp), r.op(m.saver.restoreAll)
	n.TowerRows, n.TowerInputs = r.outputs(m.TowerRows), r.outputs(m.TowerInputs)
	n.Layers, n.grads, n.clipped = r.outputMap(m.Layers), r.outputMap(m.grads), r.outputMap(m.clipped)
	n.Vars = make([]Var, len(m.Vars))
	n.byName = make(map[string]Var, len(m.Vars))
	for i, v := range m.Vars {
		v.Handle, v.Read, v.initValue, v.Initializer = r.output(v.Handle), r.output(v.Read), r.output(v.initValue), r.op(v.Initializer)
		n.Vars[i], n.byName[v.Name] = v, v
	}
	if r.missing != "" {
		return nil, fmt.Errorf("graph: colocate gradients: op %q not in the imported graph", r.missing)
	}
	return &n, nil
}

// outputMap rebinds every output of m.
func (r *rebinder) outputMap(m map[string]tf.Output) map[string]tf.Output {
	n := make(map[string]tf.Output, len(m))
	for k, o := range m {
		n[k] = r.output(o)
	}
	return n
}

// rebinder looks ops up by name in g; missing records the first not found.
type rebinder struct {
	g       *tf.Graph
	missing string
}

func (r *rebinder) op(o *tf.Operation) *tf.Operation {
	if o == nil {
		return nil
	}
	p := r.g.Operation(o.Name())
	if p == nil && r.missing == "" {
		r.missing = o.Name()
	}
	return p
}

// outputs rebinds each of os (nil stays nil).
func (r *rebinder) outputs(os []tf.Output) []tf.Output {
	if os == nil {
		return nil
	}
	out := make([]tf.Output, len(os))
	for i, o := range os {
		out[i] = r.output(o)
	}
	return out
}

func (r *rebinder) output(o tf.Output) tf.Output {
	if o.Op == nil {
		return o
	}
	return tf.Output{Op: r.op(o.Op), Index: o.Index}
}
