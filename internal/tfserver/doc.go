// Package tfserver runs a task of a TensorFlow distributed cluster: a
// gRPC server (TensorFlow's own distributed runtime, in libtensorflow)
// started through the C API (TF_NewServer with a serialized ServerDef,
// TF_ServerStart, TF_ServerTarget, TF_ServerStop, TF_ServerJoin,
// TF_DeleteServer), which the Go bindings do not wrap; and the cluster
// description in the TF_CONFIG JSON shape that Keras and TF estimators use:
//
//	{"cluster": {"chief": ["127.0.0.1:2222"], "worker": ["127.0.0.1:2223", "127.0.0.1:2224"]},
//	 "task": {"type": "worker", "index": 0}}
//
// The gRPC runtime has no authentication and no encryption: anyone who
// reaches a task's port can run any op in it (read files, execute graphs).
// Config.CheckLoopback refuses cluster addresses off the loopback unless
// the caller allows them explicitly. TensorFlow's server listens on every
// interface of the host at its task's port whatever host name the cluster
// gives (grpc_server_lib binds 0.0.0.0:port), so a loopback cluster on a
// shared host still needs the port closed by a firewall.
//
// References: tensorflow/c/c_api.h (TF_Server); tensorflow/core/protobuf/
// tensorflow_server.proto (ServerDef), cluster.proto (ClusterDef, JobDef);
// the TF_CONFIG format of tf.distribute.cluster_resolver.TFConfigClusterResolver.
package tfserver
