//go:build amd64 && !purego

#include "textflag.h"

// AVX2+FMA kernels of the power FFT (fft.go documents the arithmetic),
// 4 float64 lanes; declared in simd_amd64.go.

// func radix4AVX(re, im *float64, n, h int, t1r, t1i, t2r, t2i *float64)
TEXT ·radix4AVX(SB), NOSPLIT, $0-64
	MOVQ re+0(FP), SI
	MOVQ im+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ h+24(FP), BX
	MOVQ t1r+32(FP), R10
	MOVQ t1i+40(FP), R11
	MOVQ t2r+48(FP), R12
	MOVQ t2i+56(FP), R13
	SHLQ $3, BX              // h in bytes
	LEAQ (BX)(BX*2), R8      // 3h in bytes
	LEAQ (SI)(CX*8), R14     // end of re

r4block:
	XORQ AX, AX              // j in bytes

r4inner:
	LEAQ (SI)(AX*1), DX      // &re[start+j]
	LEAQ (DI)(AX*1), R9      // &im[start+j]
	VMOVUPD (R10)(AX*1), Y0  // w1r
	VMOVUPD (R11)(AX*1), Y1  // w1i
	VMOVUPD (DX)(BX*1), Y2   // r1
	VMOVUPD (R9)(BX*1), Y3   // i1
	VMULPD  Y3, Y1, Y4
	VFMSUB231PD Y2, Y0, Y4   // ur = w1r r1 - w1i i1
	VMULPD  Y2, Y1, Y5
	VFMADD231PD Y3, Y0, Y5   // ui = w1r i1 + w1i r1
	VMOVUPD (DX), Y2         // r0
	VMOVUPD (R9), Y3         // i0
	VADDPD  Y4, Y2, Y6       // b0r
	VSUBPD  Y4, Y2, Y2       // b1r
	VADDPD  Y5, Y3, Y7       // b0i
	VSUBPD  Y5, Y3, Y3       // b1i
	VMOVUPD (DX)(R8*1), Y4   // r3
	VMOVUPD (R9)(R8*1), Y5   // i3
	VMULPD  Y5, Y1, Y8
	VFMSUB231PD Y4, Y0, Y8   // vr
	VMULPD  Y4, Y1, Y9
	VFMADD231PD Y5, Y0, Y9   // vi
	VMOVUPD (DX)(BX*2), Y4   // r2
	VMOVUPD (R9)(BX*2), Y5   // i2
	VADDPD  Y8, Y4, Y10      // b2r
	VSUBPD  Y8, Y4, Y4       // b3r
	VADDPD  Y9, Y5, Y11      // b2i
	VSUBPD  Y9, Y5, Y5       // b3i
	VMOVUPD (R12)(AX*1), Y0  // w2r
	VMOVUPD (R13)(AX*1), Y1  // w2i
	VMULPD  Y11, Y1, Y8
	VFMSUB231PD Y10, Y0, Y8  // cr = w2r b2r - w2i b2i
	VMULPD  Y10, Y1, Y9
	VFMADD231PD Y11, Y0, Y9  // ci = w2r b2i + w2i b2r
	VMULPD  Y4, Y1, Y10
	VFMADD231PD Y5, Y0, Y10  // dr = w2r b3i + w2i b3r
	VMULPD  Y4, Y0, Y11
	VFMSUB231PD Y5, Y1, Y11  // di = w2i b3i - w2r b3r
	VADDPD  Y8, Y6, Y12
	VMOVUPD Y12, (DX)
	VSUBPD  Y8, Y6, Y12
	VMOVUPD Y12, (DX)(BX*2)
	VADDPD  Y9, Y7, Y12
	VMOVUPD Y12, (R9)
	VSUBPD  Y9, Y7, Y12
	VMOVUPD Y12, (R9)(BX*2)
	VADDPD  Y10, Y2, Y12
	VMOVUPD Y12, (DX)(BX*1)
	VSUBPD  Y10, Y2, Y12
	VMOVUPD Y12, (DX)(R8*1)
	VADDPD  Y11, Y3, Y12
	VMOVUPD Y12, (R9)(BX*1)
	VSUBPD  Y11, Y3, Y12
	VMOVUPD Y12, (R9)(R8*1)
	ADDQ $32, AX
	CMPQ AX, BX
	JLT  r4inner
	LEAQ (SI)(BX*4), SI
	LEAQ (DI)(BX*4), DI
	CMPQ SI, R14
	JLT  r4block
	VZEROUPPER
	RET

// func radix2AVX(re, im *float64, n, half int, twr, twi *float64)
TEXT ·radix2AVX(SB), NOSPLIT, $0-48
	MOVQ re+0(FP), SI
	MOVQ im+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ half+24(FP), BX
	MOVQ twr+32(FP), R10
	MOVQ twi+40(FP), R11
	SHLQ $3, BX
	LEAQ (SI)(CX*8), R14

r2block:
	XORQ AX, AX

r2inner:
	LEAQ (SI)(AX*1), DX
	LEAQ (DI)(AX*1), R9
	VMOVUPD (R10)(AX*1), Y0  // wr
	VMOVUPD (R11)(AX*1), Y1  // wi
	VMOVUPD (DX)(BX*1), Y2   // br
	VMOVUPD (R9)(BX*1), Y3   // bi
	VMULPD  Y3, Y1, Y4
	VFMSUB231PD Y2, Y0, Y4   // tr = wr br - wi bi
	VMULPD  Y2, Y1, Y5
	VFMADD231PD Y3, Y0, Y5   // ti = wr bi + wi br
	VMOVUPD (DX), Y6
	VMOVUPD (R9), Y7
	VADDPD  Y4, Y6, Y8
	VMOVUPD Y8, (DX)
	VSUBPD  Y4, Y6, Y8
	VMOVUPD Y8, (DX)(BX*1)
	VADDPD  Y5, Y7, Y8
	VMOVUPD Y8, (R9)
	VSUBPD  Y5, Y7, Y8
	VMOVUPD Y8, (R9)(BX*1)
	ADDQ $32, AX
	CMPQ AX, BX
	JLT  r2inner
	LEAQ (SI)(BX*2), SI
	LEAQ (DI)(BX*2), DI
	CMPQ SI, R14
	JLT  r2block
	VZEROUPPER
	RET

DATA quarter<>+0(SB)/8, $0.25
GLOBL quarter<>(SB), RODATA|NOPTR, $8

// func untangleAVX(re, im *float64, m, q int, unRe, unIm, dst *float64)
// With z = Z[k], r = Z[m-k] (loaded backwards), A = zr + rr, B = zi - ri,
// C = zi + ri, D = rr - zr: 2X = (A + wr C - wi D) + i (B + wr D + wi C).
TEXT ·untangleAVX(SB), NOSPLIT, $0-56
	MOVQ re+0(FP), SI
	MOVQ im+8(FP), DI
	MOVQ m+16(FP), CX
	MOVQ q+24(FP), BX
	MOVQ unRe+32(FP), R10
	MOVQ unIm+40(FP), R11
	MOVQ dst+48(FP), R12
	LEAQ -32(SI)(CX*8), DX   // &re[m-4]
	LEAQ -32(DI)(CX*8), R9   // &im[m-4]
	MOVQ $8, AX              // k = 1, in bytes
	VBROADCASTSD quarter<>(SB), Y14

unloop:
	VMOVUPD (SI)(AX*1), Y0   // zr
	VMOVUPD (DI)(AX*1), Y1   // zi
	VMOVUPD (DX), Y2
	VPERMPD $0x1b, Y2, Y2    // rr = re[m-k], lanes reversed
	VMOVUPD (R9), Y3
	VPERMPD $0x1b, Y3, Y3    // ri
	VADDPD  Y2, Y0, Y4       // A
	VSUBPD  Y3, Y1, Y5       // B
	VADDPD  Y3, Y1, Y6       // C
	VSUBPD  Y0, Y2, Y7       // D
	VMOVUPD (R10)(AX*1), Y8  // wr
	VMOVUPD (R11)(AX*1), Y9  // wi
	VFMADD231PD  Y6, Y8, Y4
	VFNMADD231PD Y7, Y9, Y4
	VFMADD231PD  Y7, Y8, Y5
	VFMADD231PD  Y6, Y9, Y5
	VMULPD  Y4, Y4, Y4
	VFMADD231PD Y5, Y5, Y4
	VMULPD  Y14, Y4, Y4
	VMOVUPD Y4, (R12)(AX*1)
	ADDQ $32, AX
	SUBQ $32, DX
	SUBQ $32, R9
	DECQ BX
	JNZ  unloop
	VZEROUPPER
	RET

DATA first4c<>+0(SB)/8, $1.0
DATA first4c<>+8(SB)/8, $1.0
DATA first4c<>+16(SB)/8, $-1.0
DATA first4c<>+24(SB)/8, $-1.0
DATA first4c<>+32(SB)/8, $1.0
DATA first4c<>+40(SB)/8, $1.0
DATA first4c<>+48(SB)/8, $1.0
DATA first4c<>+56(SB)/8, $-1.0
GLOBL first4c<>(SB), RODATA|NOPTR, $64

// func gatherFirst4AVX(re, im *float64, x *float32, wrev *float64, rev *int32, m int)
// Per group of 4 outputs: the complex inputs a, b, c, d (float32 pairs at
// x[2 rev[s+i]]) are gathered as [a | b], [c | d] (one complex per 128-bit
// lane), widened, windowed, and run through the 4-point DFT of first4 in
// lane form; the results are de-interleaved into re and im.
TEXT ·gatherFirst4AVX(SB), NOSPLIT, $0-48
	MOVQ re+0(FP), DI
	MOVQ im+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ wrev+24(FP), R10
	MOVQ rev+32(FP), R11
	MOVQ m+40(FP), CX
	SHRQ $2, CX
	VMOVUPD first4c<>+0(SB), Y14  // [1 1 -1 -1]
	VMOVUPD first4c<>+32(SB), Y15 // [1 1 1 -1]

g4loop:
	MOVL 0(R11), AX
	MOVL 4(R11), BX
	MOVL 8(R11), R8
	MOVL 12(R11), R9
	VMOVSD  (SI)(AX*8), X0
	VMOVHPS (SI)(BX*8), X0, X0    // [ar ai br bi] float32
	VMOVSD  (SI)(R8*8), X1
	VMOVHPS (SI)(R9*8), X1, X1    // [cr ci dr di]
	VCVTPS2PD X0, Y0
	VCVTPS2PD X1, Y1
	VMULPD  0(R10), Y0, Y0        // windowed [a | b]
	VMULPD  32(R10), Y1, Y1       // windowed [c | d]
	VPERM2F128 $0x00, Y0, Y0, Y2  // [a | a]
	VPERM2F128 $0x11, Y0, Y0, Y3  // [b | b]
	VFMADD231PD Y14, Y3, Y2       // [e | f] = [a+b | a-b]
	VPERM2F128 $0x00, Y1, Y1, Y4
	VPERM2F128 $0x11, Y1, Y1, Y5
	VFMADD231PD Y14, Y5, Y4       // [g | h] = [c+d | c-d]
	VPERMILPD $6, Y4, Y4          // [gr gi | hi hr]
	VMULPD  Y15, Y4, Y4           // [g | -i h]
	VADDPD  Y4, Y2, Y5            // [r0 | r1]
	VSUBPD  Y4, Y2, Y6            // [r2 | r3]
	VUNPCKLPD Y6, Y5, Y7          // [r0r r2r r1r r3r]
	VUNPCKHPD Y6, Y5, Y8          // [r0i r2i r1i r3i]
	VPERMPD $0xd8, Y7, Y7
	VPERMPD $0xd8, Y8, Y8
	VMOVUPD Y7, (DI)
	VMOVUPD Y8, (DX)
	ADDQ $16, R11
	ADDQ $64, R10
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ  g4loop
	VZEROUPPER
	RET

#define FIRST4(P, Q, T1, T2, T3, T4) \
	VPERM2F128 $0x00, P, P, T1; \
	VPERM2F128 $0x11, P, P, T2; \
	VFMADD231PD Y14, T2, T1; \
	VPERM2F128 $0x00, Q, Q, T3; \
	VPERM2F128 $0x11, Q, Q, T4; \
	VFMADD231PD Y14, T4, T3; \
	VPERMILPD $6, T3, T3; \
	VMULPD  Y15, T3, T3; \
	VADDPD  T3, T1, P; \
	VSUBPD  T3, T1, Q

DATA first8c<>+0(SB)/8, $1.0
DATA first8c<>+8(SB)/8, $1.0
DATA first8c<>+16(SB)/8, $0.7071067811865476
DATA first8c<>+24(SB)/8, $0.7071067811865476
DATA first8c<>+32(SB)/8, $0.0
DATA first8c<>+40(SB)/8, $0.0
DATA first8c<>+48(SB)/8, $-0.7071067811865476
DATA first8c<>+56(SB)/8, $-0.7071067811865476
DATA first8c<>+64(SB)/8, $-1.0
DATA first8c<>+72(SB)/8, $-1.0
DATA first8c<>+80(SB)/8, $-0.7071067811865476
DATA first8c<>+88(SB)/8, $-0.7071067811865476
GLOBL first8c<>(SB), RODATA|NOPTR, $96

// func gatherFirst8AVX(re, im *float64, x *float32, wrev *float64, rev *int32, m int)
// As gatherFirst4AVX for two groups of 4 (FIRST4 each), then the size-8
// DIT stage: out[j], out[j+4] = A[j] +- W8^j B[j], j < 4, with the complex
// products in lane form (x * wr -+ swap(x) * wi by VADDSUBPD).
TEXT ·gatherFirst8AVX(SB), NOSPLIT, $0-48
	MOVQ re+0(FP), DI
	MOVQ im+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ wrev+24(FP), R10
	MOVQ rev+32(FP), R11
	MOVQ m+40(FP), CX
	SHRQ $3, CX
	VMOVUPD first4c<>+0(SB), Y14  // [1 1 -1 -1]
	VMOVUPD first4c<>+32(SB), Y15 // [1 1 1 -1]
	VMOVUPD first8c<>+0(SB), Y10  // re W8^0, W8^1 (lane pairs)
	VMOVUPD first8c<>+32(SB), Y11 // im W8^0, W8^1
	VMOVUPD first8c<>+32(SB), Y12 // re W8^2, W8^3
	VMOVUPD first8c<>+64(SB), Y13 // im W8^2, W8^3

g8loop:
	MOVL 0(R11), AX
	MOVL 4(R11), BX
	MOVL 8(R11), R8
	MOVL 12(R11), R9
	VMOVSD  (SI)(AX*8), X0
	VMOVHPS (SI)(BX*8), X0, X0
	VMOVSD  (SI)(R8*8), X1
	VMOVHPS (SI)(R9*8), X1, X1
	MOVL 16(R11), AX
	MOVL 20(R11), BX
	MOVL 24(R11), R8
	MOVL 28(R11), R9
	VMOVSD  (SI)(AX*8), X2
	VMOVHPS (SI)(BX*8), X2, X2
	VMOVSD  (SI)(R8*8), X3
	VMOVHPS (SI)(R9*8), X3, X3
	VCVTPS2PD X0, Y0
	VCVTPS2PD X1, Y1
	VCVTPS2PD X2, Y2
	VCVTPS2PD X3, Y3
	VMULPD  0(R10), Y0, Y0
	VMULPD  32(R10), Y1, Y1
	VMULPD  64(R10), Y2, Y2
	VMULPD  96(R10), Y3, Y3
	FIRST4(Y0, Y1, Y4, Y5, Y6, Y7)  // A: [A0|A1], [A2|A3]
	FIRST4(Y2, Y3, Y4, Y5, Y6, Y7)  // B
	VPERMILPD $5, Y2, Y4
	VMULPD  Y11, Y4, Y4
	VMULPD  Y10, Y2, Y2
	VADDSUBPD Y4, Y2, Y2            // W8^j B[j], j = 0, 1
	VPERMILPD $5, Y3, Y4
	VMULPD  Y13, Y4, Y4
	VMULPD  Y12, Y3, Y3
	VADDSUBPD Y4, Y3, Y3            // j = 2, 3
	VADDPD  Y2, Y0, Y4              // [o0|o1]
	VSUBPD  Y2, Y0, Y5              // [o4|o5]
	VADDPD  Y3, Y1, Y6              // [o2|o3]
	VSUBPD  Y3, Y1, Y7              // [o6|o7]
	VUNPCKLPD Y6, Y4, Y0
	VUNPCKHPD Y6, Y4, Y1
	VUNPCKLPD Y7, Y5, Y2
	VUNPCKHPD Y7, Y5, Y3
	VPERMPD $0xd8, Y0, Y0
	VPERMPD $0xd8, Y1, Y1
	VPERMPD $0xd8, Y2, Y2
	VPERMPD $0xd8, Y3, Y3
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, (DX)
	VMOVUPD Y2, 32(DI)
	VMOVUPD Y3, 32(DX)
	ADDQ $32, R11
	ADDQ $128, R10
	ADDQ $64, DI
	ADDQ $64, DX
	DECQ CX
	JNZ  g8loop
	VZEROUPPER
	RET
