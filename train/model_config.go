package train

import "fmt"

// ModelConfig is a placeholder for graph.Config until package graph lands.
type ModelConfig struct {
	Loss         string  `toml:"loss"`
	Margin       float64 `toml:"margin"`
	LearningRate float64 `toml:"learning_rate"`
	Device       string  `toml:"device"`
}

// DefaultModelConfig is the reference model configuration.
func DefaultModelConfig() ModelConfig {
	return ModelConfig{Loss: "pkld", Margin: 3, LearningRate: 1e-3}
}

func (c *Config) validateModel() error {
	if c.Model.LearningRate <= 0 {
		return fmt.Errorf("train: learning_rate %g: must be positive", c.Model.LearningRate)
	}
	return nil
}
