//go:build !amd64 || purego

package feature

// useAVX2 is false without the amd64 kernels: the Go kernels run.
var useAVX2 = false

func radix4AVX(re, im *float64, n, h int, t1r, t1i, t2r, t2i *float64) {
	panic("feature: radix4AVX without amd64")
}

func radix2AVX(re, im *float64, n, half int, twr, twi *float64) {
	panic("feature: radix2AVX without amd64")
}

func untangleAVX(re, im *float64, m, q int, unRe, unIm, dst *float64) {
	panic("feature: untangleAVX without amd64")
}

func logCompressAVX(dst *float32, src *float64, q int) {
	panic("feature: logCompressAVX without amd64")
}

func melAVX(dst, power *float64, w []float64, meta *int64, nBlocks int) {
	panic("feature: melAVX without amd64")
}

func gatherFirst4AVX(re, im *float64, x *float32, wrev *float64, rev *int32, m int) {
	panic("feature: gatherFirst4AVX without amd64")
}

func melLogAVX(dst *float32, power *float64, w []float64, meta *int64, nBlocks int) {
	panic("feature: melLogAVX without amd64")
}

func gatherFirst8AVX(re, im *float64, x *float32, wrev *float64, rev *int32, m int) {
	panic("feature: gatherFirst8AVX without amd64")
}
