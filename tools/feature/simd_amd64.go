//go:build amd64 && !purego

package feature

import "golang.org/x/sys/cpu"

// useAVX2 selects the AVX2+FMA kernels of fft_amd64.s and mel_amd64.s
// (4 float64 lanes) for the FFT passes, the untangling, the mel sums and
// the log compression; tests clear it to check the portable Go kernels
// against the same references.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// radix4AVX is powerFFT.radix4 over re, im [n] (split complex) for
// h % 4 == 0: t1r/t1i and t2r/t2i are the stage twiddles of halves h and 2h.
//
//go:noescape
func radix4AVX(re, im *float64, n, h int, t1r, t1i, t2r, t2i *float64)

// radix2AVX is powerFFT.radix2 over re, im [n] for half % 4 == 0.
//
//go:noescape
func radix2AVX(re, im *float64, n, half int, twr, twi *float64)

// untangleAVX writes dst[k] = |X[k]|^2 for k = 1 .. 4q from the packed
// spectrum re, im [m] (see powerFFT.untangle); 4q < m.
//
//go:noescape
func untangleAVX(re, im *float64, m, q int, unRe, unIm, dst *float64)

// logCompressAVX writes dst[i] = float32(log10(1 + 10000 src[i])) for
// i < 4q; src must be finite and >= 0 (mel power).
//
//go:noescape
func logCompressAVX(dst *float32, src *float64, q int)

// melAVX sets dst[4b+i] = sum_k w[b][k][i] power[start_b + k] over the
// blocks of the packed filterbank (see filterbank): meta holds (start bin,
// number of 4-bin groups) per block.
//
//go:noescape
func melAVX(dst, power *float64, w []float64, meta *int64, nBlocks int)

// gatherFirst4AVX fills re, im [m] with the first two DIT stages (first4)
// of the windowed complex inputs x[2 rev[s]] + i x[2 rev[s]+1]; wrev is
// the window in the same gathered order (powerFFT.revWindow).
//
//go:noescape
func gatherFirst4AVX(re, im *float64, x *float32, wrev *float64, rev *int32, m int)

// melLogAVX is melAVX then logCompressAVX on the sums, writing
// dst[4b+i] = float32(log10(1 + 10000 mel[4b+i])) for every block.
//
//go:noescape
func melLogAVX(dst *float32, power *float64, w []float64, meta *int64, nBlocks int)

// gatherFirst8AVX is gatherFirst4AVX followed by the size-8 DIT stage
// (the first three stages), for m % 8 == 0.
//
//go:noescape
func gatherFirst8AVX(re, im *float64, x *float32, wrev *float64, rev *int32, m int)
