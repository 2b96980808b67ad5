//go:build amd64 && !purego

#include "textflag.h"

// AVX2+FMA float32 dot products (8 lanes) for pdist32 and the k-means
// assignment; declared in dot_amd64.go, documented in dot.go.

// func dot4FMA(u, v *float32, stride, n int, out *float32)
// out[r] = sum_{t<n} u[t] v[r*stride+t], r = 0..3; n % 8 == 0.
TEXT ·dot4FMA(SB), NOSPLIT, $0-40
	MOVQ u+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ stride+16(FP), BX
	MOVQ n+24(FP), CX
	MOVQ out+32(FP), DX
	SHLQ $2, BX              // stride in bytes
	LEAQ (DI)(BX*1), R8      // row 1
	LEAQ (DI)(BX*2), R9      // row 2
	LEAQ (R8)(BX*2), R10     // row 3
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ AX, AX              // offset in bytes
	SHLQ $2, CX              // n in bytes

d4loop16:
	LEAQ 64(AX), R11
	CMPQ R11, CX
	JG   d4loop8
	VMOVUPS (SI)(AX*1), Y8
	VMOVUPS 32(SI)(AX*1), Y9
	VFMADD231PS (DI)(AX*1), Y8, Y0
	VFMADD231PS (R8)(AX*1), Y8, Y1
	VFMADD231PS (R9)(AX*1), Y8, Y2
	VFMADD231PS (R10)(AX*1), Y8, Y3
	VFMADD231PS 32(DI)(AX*1), Y9, Y4
	VFMADD231PS 32(R8)(AX*1), Y9, Y5
	VFMADD231PS 32(R9)(AX*1), Y9, Y6
	VFMADD231PS 32(R10)(AX*1), Y9, Y7
	MOVQ R11, AX
	JMP  d4loop16

d4loop8:
	CMPQ AX, CX
	JGE  d4done
	VMOVUPS (SI)(AX*1), Y8
	VFMADD231PS (DI)(AX*1), Y8, Y0
	VFMADD231PS (R8)(AX*1), Y8, Y1
	VFMADD231PS (R9)(AX*1), Y8, Y2
	VFMADD231PS (R10)(AX*1), Y8, Y3
	ADDQ $32, AX
	JMP  d4loop8

d4done:
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	// Horizontal sums of Y0..Y3 into X0 = (s0, s1, s2, s3).
	VHADDPS Y1, Y0, Y0       // (a01 a23 b01 b23 | a45 a67 b45 b67)
	VHADDPS Y3, Y2, Y2       // (c01 c23 d01 d23 | ...)
	VHADDPS Y2, Y0, Y0       // (a0123 b0123 c0123 d0123 | a4567 ...)
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VMOVUPS X0, (DX)
	VZEROUPPER
	RET
