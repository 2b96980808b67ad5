"""voxsiam export --format tflite|onnx: convert signatures of a voxsiam SavedModel.

    python convert.py --saved-model DIR --format tflite|onnx --out DIR --signatures a,b

Writes OUT/<signature>.tflite (TensorFlow's TFLite converter, builtin ops
only) or OUT/<signature>.onnx (tf2onnx), one file per signature, and prints
one JSON object on stdout: {"files": [{"signature", "file", "bytes",
"inputs", "outputs"}]} where inputs and outputs are [{"name", "dtype",
"shape"}] (shape -1: any size). A missing Python package prints
{"missing": "<package>"} and exits 3.

Each signature is frozen (variables to constants, pruned to its outputs).
For TFLite every float64 tensor of the graph becomes float32 (and
complex128 complex64): TFLite's builtin kernels have no float64. The ONNX
graph keeps the SavedModel's dtypes. Inputs and outputs carry the
signature's keys as names ("waveform", "lengths" -> "embedding",
"segments"), in both formats.
"""
import argparse
import json
import os
import sys
import tempfile


def need(module, package):
    try:
        return __import__(module)
    except ImportError:
        print(json.dumps({"missing": package}))
        sys.exit(3)


def frozen_signature(tf, saved_model, key):
    """The frozen GraphDef of signature key and its SignatureDef."""
    with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
        meta = tf.compat.v1.saved_model.loader.load(sess, ["serve"], saved_model)
        if key not in meta.signature_def:
            raise SystemExit(f"{saved_model}: no signature {key!r} (has {sorted(meta.signature_def)})")
        sig = meta.signature_def[key]
        outs = [t.name.split(":")[0] for t in sig.outputs.values()]
        gd = tf.compat.v1.graph_util.convert_variables_to_constants(sess, g.as_graph_def(), outs)
    return gd, sig


def to_float32(tf, gd):
    """gd with every float64 (complex128) dtype attribute and constant as float32 (complex64)."""
    import numpy as np

    swap = {tf.float64.as_datatype_enum: tf.float32.as_datatype_enum,
            tf.complex128.as_datatype_enum: tf.complex64.as_datatype_enum}
    for node in gd.node:
        for name, attr in node.attr.items():
            if attr.HasField("type") and attr.type in swap:
                attr.type = swap[attr.type]
            if attr.HasField("list") and attr.list.type:
                attr.list.type[:] = [swap.get(t, t) for t in attr.list.type]
            if attr.HasField("tensor") and attr.tensor.dtype in swap:
                v = tf.make_ndarray(attr.tensor)
                v = v.astype(np.complex64 if np.iscomplexobj(v) else np.float32)
                attr.tensor.CopyFrom(tf.make_tensor_proto(v))
    return gd


def power_as_complex_abs(tf, gd):
    """gd with each Square(Real(X)) + Square(Imag(X)) of an RFFT output X as
    Square(ComplexAbs(X)): tf2onnx lowers RFFT only for a ComplexAbs consumer."""
    nodes = {n.name: n for n in gd.node}
    src = lambda name: nodes.get(name.split(":")[0].lstrip("^"))
    for n in list(gd.node):
        if n.op not in ("AddV2", "Add") or len(n.input) != 2:
            continue
        sq = [src(i) for i in n.input]
        if not all(q is not None and q.op == "Square" for q in sq):
            continue
        parts = [src(q.input[0]) for q in sq]
        if sorted(p.op for p in parts if p is not None) != ["Imag", "Real"] or parts[0].input[0] != parts[1].input[0]:
            continue
        fft = parts[0].input[0]
        flat_rfft_input(tf, gd, src(fft), nodes)
        cabs = gd.node.add()
        cabs.name, cabs.op = n.name + "_complex_abs", "ComplexAbs"
        cabs.input.append(fft)
        cabs.attr["T"].CopyFrom(src(fft).attr["Tcomplex"])
        cabs.attr["Tout"].CopyFrom(parts[0].attr["Tout"])
        t = n.attr["T"]
        n.op = "Square"
        del n.input[:]
        n.input.append(cabs.name)
        n.attr.clear()
        n.attr["T"].CopyFrom(t)
    return gd


def flat_rfft_input(tf, gd, fft, nodes):
    """Feed RFFT node fft its input reshaped to [-1, fft_length] (tf2onnx
    needs the FFT axis known; the power spectrum is flattened to rows after
    it anyway)."""
    if fft.input[0].endswith("_rows"):
        return
    n = int(tf.make_ndarray(nodes[fft.input[1].split(":")[0]].attr["value"].tensor).reshape(-1)[0])
    shape = gd.node.add()
    shape.name, shape.op = fft.name + "_rows_shape", "Const"
    shape.attr["dtype"].type = tf.int32.as_datatype_enum
    shape.attr["value"].tensor.CopyFrom(tf.make_tensor_proto([-1, n], dtype=tf.int32))
    r = gd.node.add()
    r.name, r.op = fft.name + "_rows", "Reshape"
    r.input.extend([fft.input[0], shape.name])
    r.attr["T"].CopyFrom(fft.attr["Treal"])
    r.attr["Tshape"].type = tf.int32.as_datatype_enum
    fft.input[0] = r.name


def log1p_as_log(tf, gd):
    """gd with each Log1p(x) as Log(x + 1): tf2onnx has no Log1p. In float32
    the difference is at most one rounding of 1 + x: absolute error <= 6e-8
    on log(1 + x)."""
    for n in list(gd.node):
        if n.op != "Log1p":
            continue
        one = gd.node.add()
        one.name, one.op = n.name + "_one", "Const"
        one.attr["dtype"].CopyFrom(n.attr["T"])
        one.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(1.0, dtype=tf.as_dtype(n.attr["T"].type)))
        add = gd.node.add()
        add.name, add.op = n.name + "_plus_one", "AddV2"
        add.input.extend([n.input[0], one.name])
        add.attr["T"].CopyFrom(n.attr["T"])
        n.op = "Log"
        n.input[0] = add.name
    return gd


def floormod_nonnegative(tf, gd):
    """gd with each integer FloorMod(x, y) as FloorMod(FloorMod(x, y) + y, y).
    Equal in TensorFlow; in tf2onnx's lowering the remainder of a negative
    x came out negative (truncated), which broke the reflect padding's
    indices of the first frames. The outer FloorMod sees x >= 0 for y > 0."""
    ints = {tf.int32.as_datatype_enum, tf.int64.as_datatype_enum}
    for n in list(gd.node):
        if n.op != "FloorMod" or n.attr["T"].type not in ints:
            continue
        inner = gd.node.add()
        inner.CopyFrom(n)
        inner.name = n.name + "_inner"
        add = gd.node.add()
        add.name, add.op = n.name + "_plus_y", "AddV2"
        add.input.extend([inner.name, n.input[1]])
        add.attr["T"].CopyFrom(n.attr["T"])
        n.input[0] = add.name
    return gd


def io_spec(infos):
    import tensorflow as tf

    return [{"name": k, "dtype": tf.as_dtype(v.dtype).name,
             "shape": [int(d.size) for d in v.tensor_shape.dim]} for k, v in sorted(infos.items())]


def to_tflite(tf, gd, sig, key, path):
    gd = to_float32(tf, gd)
    with tempfile.TemporaryDirectory() as tmp:
        sm = os.path.join(tmp, "m")
        with tf.Graph().as_default() as g, tf.compat.v1.Session(graph=g) as sess:
            tf.compat.v1.import_graph_def(gd, name="")
            t = lambda infos: {k: g.get_tensor_by_name(v.name) for k, v in infos.items()}
            b = tf.compat.v1.saved_model.Builder(sm)
            s = tf.compat.v1.saved_model.build_signature_def(
                {k: tf.compat.v1.saved_model.build_tensor_info(v) for k, v in t(sig.inputs).items()},
                {k: tf.compat.v1.saved_model.build_tensor_info(v) for k, v in t(sig.outputs).items()},
                "tensorflow/serving/predict")
            b.add_meta_graph_and_variables(sess, ["serve"], signature_def_map={key: s})
            b.save()
        c = tf.lite.TFLiteConverter.from_saved_model(sm, signature_keys=[key], tags={"serve"})
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        data = c.convert()
    with open(path, "wb") as f:
        f.write(data)


def to_onnx(tf, gd, sig, key, path, opset):
    need("onnx", "onnx")
    tf2onnx = need("tf2onnx", "tf2onnx")
    import onnx

    gd = floormod_nonnegative(tf, log1p_as_log(tf, power_as_complex_abs(tf, gd)))
    ins = {k: v.name for k, v in sig.inputs.items()}
    outs = {k: v.name for k, v in sig.outputs.items()}
    model, _ = tf2onnx.convert.from_graph_def(gd, input_names=list(ins.values()), output_names=list(outs.values()), opset=opset)
    rename = {v: k for k, v in ins.items()} | {v: k for k, v in outs.items()}
    for v in list(model.graph.input) + list(model.graph.output):
        v.name = rename.get(v.name, v.name)
    for n in model.graph.node:
        n.input[:] = [rename.get(x, x) for x in n.input]
        n.output[:] = [rename.get(x, x) for x in n.output]
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--saved-model", required=True)
    ap.add_argument("--format", required=True, choices=["tflite", "onnx"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--signatures", required=True)
    ap.add_argument("--opset", type=int, default=17)
    a = ap.parse_args()
    if a.format == "onnx":
        need("onnx", "onnx")
        need("tf2onnx", "tf2onnx")
    tf = need("tensorflow", "tensorflow")
    files = []
    for key in a.signatures.split(","):
        gd, sig = frozen_signature(tf, a.saved_model, key)
        path = os.path.join(a.out, f"{key}.{a.format}")
        if a.format == "tflite":
            to_tflite(tf, gd, sig, key, path)
        else:
            to_onnx(tf, gd, sig, key, path, a.opset)
        files.append({"signature": key, "file": os.path.basename(path), "bytes": os.path.getsize(path),
                      "inputs": io_spec(sig.inputs), "outputs": io_spec(sig.outputs)})
    print(json.dumps({"files": files}))


if __name__ == "__main__":
    main()
