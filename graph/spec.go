package graph

import (
	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/voxsiam/voxsiam/internal/spec"
)

// Config is the network configuration, defined with its defaults and
// validation in internal/spec (the package without TensorFlow that graph,
// train, embed and the commands share); the alias keeps graph's own code
// and tests short. Packages other than graph use spec.Config.
type Config = spec.Config

// DefaultConfig is spec.DefaultConfig: the reference configuration
// (Stadelmann et al. 2018) for the given number of training speakers.
func DefaultConfig(speakers int) Config { return spec.DefaultConfig(speakers) }

// dtypeOf is the TensorFlow type of c's activations and variables.
func dtypeOf(c Config) tf.DataType {
	if c.DType == "float64" {
		return tf.Double
	}
	return tf.Float
}
