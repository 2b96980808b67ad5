//go:build !amd64 || purego

package eval

// useFMA is false: there is no assembly kernel on this platform.
var useFMA = false

func dot4FMA(u, v *float32, stride, n int, out *float32) {
	panic("eval: dot4FMA without assembly")
}
