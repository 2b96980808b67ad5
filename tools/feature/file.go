package feature

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// FileName is the file a Config is stored in: a feature store's and a
// training run's features.json.
const FileName = "features.json"

// Decode reads the JSON of a features.json (or voxsiam.json's
// "features") over base: fields the JSON lacks keep base's values; empty
// input or null give base. It does not validate.
func Decode(b []byte, base Config) (Config, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return base, nil
	}
	if err := json.Unmarshal(b, &base); err != nil {
		return base, fmt.Errorf("feature settings: %w", err)
	}
	return base, nil
}
