package graph

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	graphpb "github.com/galeone/tensorflow/tensorflow/go/core/framework/graph_go_proto"
	shapepb "github.com/galeone/tensorflow/tensorflow/go/core/framework/tensor_shape_go_proto"
	typespb "github.com/galeone/tensorflow/tensorflow/go/core/framework/types_go_proto"
	varpb "github.com/galeone/tensorflow/tensorflow/go/core/framework/variable_go_proto"
	corepb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// savedModelProto wraps one meta graph in a SavedModel (schema version 1).
func savedModelProto(meta *corepb.MetaGraphDef) *corepb.SavedModel {
	return &corepb.SavedModel{SavedModelSchemaVersion: 1, MetaGraphs: []*corepb.MetaGraphDef{meta}}
}

// buildMetaGraph assembles the MetaGraphDef: tags, the serialized graph,
// the TF1 SaverDef (V2 checkpoint, not sharded), the variable collections
// and the signatures.
func buildMetaGraph(spec SavedModelSpec) (*corepb.MetaGraphDef, error) {
	gd, err := graphDefProto(spec.Graph)
	if err != nil {
		return nil, err
	}
	tags := spec.Tags
	if len(tags) == 0 {
		tags = []string{"serve"}
	}
	colls, err := variableCollections(spec.Graph, spec.Variables)
	if err != nil {
		return nil, err
	}
	sigs, err := signatureProtos(spec.Signatures)
	if err != nil {
		return nil, err
	}
	return &corepb.MetaGraphDef{
		MetaInfoDef: &corepb.MetaGraphDef_MetaInfoDef{Tags: tags, TensorflowVersion: savedModelTFVersion},
		GraphDef:    gd,
		SaverDef: &corepb.SaverDef{
			FilenameTensorName:        savedModelFilename,
			SaveTensorName:            savedModelSaveTensor,
			RestoreOpName:             savedModelRestoreOp,
			MaxToKeep:                 5,
			KeepCheckpointEveryNHours: 10000,
			Version:                   corepb.SaverDef_V2,
		},
		CollectionDef: colls,
		SignatureDef:  sigs,
	}, nil
}

// graphDefProto serializes g with the C API and parses it back as a GraphDef.
func graphDefProto(g *tf.Graph) (*graphpb.GraphDef, error) {
	var buf bytes.Buffer
	if _, err := g.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("serialize graph: %w", err)
	}
	gd := new(graphpb.GraphDef)
	if err := proto.Unmarshal(buf.Bytes(), gd); err != nil {
		return nil, fmt.Errorf("parse graph def: %w", err)
	}
	return gd, nil
}

// variableCollections builds the "variables" and "trainable_variables"
// collections of serialized VariableDef protos (resource variables).
func variableCollections(g *tf.Graph, vars []SavedVariable) (map[string]*corepb.CollectionDef, error) {
	var all, trainable [][]byte
	for _, v := range vars {
		if g.Operation(v.Handle) == nil || g.Operation(v.Initializer) == nil {
			return nil, fmt.Errorf("variable %q: handle or initializer %q not in graph", v.Handle, v.Initializer)
		}
		if _, err := savedModelOutput(g, v.Snapshot); err != nil {
			return nil, fmt.Errorf("variable %q: %w", v.Handle, err)
		}
		b, err := proto.Marshal(&varpb.VariableDef{
			VariableName:    v.Handle + ":0",
			InitializerName: v.Initializer,
			SnapshotName:    v.Snapshot,
			IsResource:      true,
			Trainable:       v.Trainable,
		})
		if err != nil {
			return nil, err
		}
		all = append(all, b)
		if v.Trainable {
			trainable = append(trainable, b)
		}
	}
	colls := map[string]*corepb.CollectionDef{}
	if len(all) > 0 {
		colls["variables"] = bytesCollection(all)
	}
	if len(trainable) > 0 {
		colls["trainable_variables"] = bytesCollection(trainable)
	}
	return colls, nil
}

func bytesCollection(v [][]byte) *corepb.CollectionDef {
	return &corepb.CollectionDef{Kind: &corepb.CollectionDef_BytesList_{BytesList: &corepb.CollectionDef_BytesList{Value: v}}}
}

func signatureProtos(sigs map[string]SignatureSpec) (map[string]*corepb.SignatureDef, error) {
	if len(sigs) == 0 {
		return nil, fmt.Errorf("no signatures")
	}
	out := make(map[string]*corepb.SignatureDef, len(sigs))
	for key, s := range sigs {
		if len(s.Inputs) == 0 || len(s.Outputs) == 0 {
			return nil, fmt.Errorf("signature %q: needs inputs and outputs", key)
		}
		m := s.MethodName
		if m == "" {
			m = "tensorflow/serving/predict"
		}
		out[key] = &corepb.SignatureDef{Inputs: tensorInfos(s.Inputs), Outputs: tensorInfos(s.Outputs), MethodName: m}
	}
	return out, nil
}

func tensorInfos(m map[string]tf.Output) map[string]*corepb.TensorInfo {
	out := make(map[string]*corepb.TensorInfo, len(m))
	for name, o := range m {
		out[name] = &corepb.TensorInfo{
			Encoding:    &corepb.TensorInfo_Name{Name: fmt.Sprintf("%s:%d", o.Op.Name(), o.Index)},
			Dtype:       typespb.DataType(o.DataType()),
			TensorShape: shapeProto(o.Shape()),
		}
	}
	return out
}

// shapeProto converts a graph shape; unknown dimensions are -1.
func shapeProto(s tf.Shape) *shapepb.TensorShapeProto {
	n := s.NumDimensions()
	if n < 0 {
		return &shapepb.TensorShapeProto{UnknownRank: true}
	}
	p := &shapepb.TensorShapeProto{}
	for i := 0; i < n; i++ {
		p.Dim = append(p.Dim, &shapepb.TensorShapeProto_Dim{Size: s.Size(i)})
	}
	return p
}

// savedModelOutput looks up a tensor "op:index" (":0" may be omitted).
func savedModelOutput(g *tf.Graph, name string) (tf.Output, error) {
	op, idx := name, 0
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		n, err := strconv.Atoi(name[i+1:])
		if err != nil {
			return tf.Output{}, fmt.Errorf("tensor name %q: bad index", name)
		}
		op, idx = name[:i], n
	}
	o := g.Operation(op)
	if o == nil || idx >= o.NumOutputs() {
		return tf.Output{}, fmt.Errorf("tensor %q not in graph", name)
	}
	return o.Output(idx), nil
}
