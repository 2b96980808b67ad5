//go:build amd64 && !purego

package eval

import "golang.org/x/sys/cpu"

// useFMA selects the AVX2+FMA kernel of dot_amd64.s; tests clear it to
// check the portable Go kernel against the same references.
var useFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dot4FMA sets out[r] = sum_{t<n} u[t] v[r*stride+t] for r = 0..3; n is a
// multiple of 8.
//
//go:noescape
func dot4FMA(u, v *float32, stride, n int, out *float32)
