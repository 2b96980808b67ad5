package convert

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

//go:embed convert.py
var script string

// Formats are the conversion targets, as --format spells them.
var Formats = []string{"tflite", "onnx"}

// Tensor is one input or output of a converted signature.
type Tensor struct {
	Name  string  `json:"name"`  // the signature's key, e.g. "waveform"
	DType string  `json:"dtype"` // "float32", "int32"
	Shape []int64 `json:"shape"` // -1: any size
}

// File is one converted signature.
type File struct {
	Signature string   `json:"signature"`
	File      string   `json:"file"` // base name in the output directory, <signature>.<format>
	Bytes     int64    `json:"bytes"`
	Inputs    []Tensor `json:"inputs"`
	Outputs   []Tensor `json:"outputs"`
}

// ErrMissingPackage is wrapped by Run when the venv lacks a package.
var ErrMissingPackage = errors.New("python package missing")

// Run converts the signatures of the SavedModel savedModel to format
// (one of Formats) into the existing directory out with the Python
// interpreter python. A missing package is an error wrapping
// ErrMissingPackage that names it and `make setup`.
func Run(ctx context.Context, python, savedModel, format, out string, signatures []string) ([]File, error) {
	cmd := exec.CommandContext(ctx, python, "-c", script, "--saved-model", savedModel, "--format", format,
		"--out", out, "--signatures", strings.Join(signatures, ","))
	cmd.Env = append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=3", "CUDA_VISIBLE_DEVICES=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res struct {
		Missing string `json:"missing"`
		Files   []File `json:"files"`
	}
	if json.Unmarshal(lastLine(stdout.Bytes()), &res) == nil && res.Missing != "" {
		return nil, fmt.Errorf("convert: %s to %s: %w: %s lacks %s (run `make setup`, or pip install %s)",
			savedModel, format, ErrMissingPackage, python, res.Missing, res.Missing)
	}
	if runErr != nil {
		return nil, fmt.Errorf("convert: %s to %s with %s: %w\n%s", savedModel, format, python, runErr, tail(stderr.String(), 4000))
	}
	if err := json.Unmarshal(lastLine(stdout.Bytes()), &res); err != nil || len(res.Files) != len(signatures) {
		return nil, fmt.Errorf("convert: %s to %s: unreadable converter output %q", savedModel, format, tail(stdout.String(), 400))
	}
	return res.Files, nil
}

func lastLine(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
