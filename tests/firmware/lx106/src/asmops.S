/*
 * Hand-written assembly: SAR shifts, funnel shift, NSA/NSAU, MUL16, EXTUI, B4CONST branches,
 * bit branches, density forms and CALL0/RET, each result printed with printf (CALL0 ABI).
 */
  .section .rodata
fmt_shift: .asciz "sll=%08x srl=%08x sra=%08x src=%08x slli=%08x srai=%08x\n"
fmt_nsa:   .asciz "nsa(0)=%d nsa(-1)=%d nsa(1)=%d nsau(0)=%d nsau(1)=%d nsau(0x8000)=%d\n"
fmt_mul:   .asciz "mul16s=%d mul16u=%u mull=%d extui=%x addx8=%d subx4=%d\n"
fmt_br:    .asciz "branches taken mask=%08x\n"
fmt_call:  .asciz "call0 depth sum=%d\n"

  .text
  .align 4
  .global main
main:
  addi a1, a1, -16
  s32i a0, a1, 0
  s32i a12, a1, 4

  /* shifts through SAR */
  movi a8, 0x12345678
  movi a9, -0x12345679
  ssl a8                    /* SAR = 32 - (a8 & 31) = 8 */
  sll a3, a8                /* a8 << 24 */
  ssr a8                    /* SAR = 24 */
  srl a4, a9
  sra a5, a9
  ssa8b a8                  /* SAR = 32 - 0 = 32 */
  src a6, a8, a9            /* SAR 32: a8 */
  slli a7, a9, 7
  srai a10, a9, 9
  mov a2, a10
  s32i a2, a1, 8
  mov a2, a7
  mov a7, a6
  mov a6, a5
  mov a5, a4
  mov a4, a3
  mov a3, a2
  /* printf(fmt, sll, srl, sra, src, slli, srai): the 7th argument goes on the stack */
  addi a1, a1, -16
  l32i a2, a1, 24
  s32i a2, a1, 0
  movi a2, fmt_shift
  /* printf args: a3=sll? reorder: a3..a7 = sll, srl, sra, src, slli */
  mov a8, a3
  mov a3, a4
  mov a4, a5
  mov a5, a6
  mov a6, a7
  mov a7, a8
  movi a8, printf
  callx0 a8
  addi a1, a1, 16

  /* NSA / NSAU */
  movi a8, 0
  movi a9, -1
  movi a10, 1
  nsa a3, a8
  nsa a4, a9
  nsa a5, a10
  nsau a6, a8
  nsau a7, a10
  movi a11, 0x8000
  nsau a11, a11
  addi a1, a1, -16
  s32i a11, a1, 0
  movi a2, fmt_nsa
  movi a8, printf
  callx0 a8
  addi a1, a1, 16

  /* MUL16S/MUL16U, MULL, EXTUI, ADDX8, SUBX4 */
  movi a8, -3
  movi a9, 0x7fff
  mul16s a3, a8, a9
  mul16u a4, a8, a9
  movi a10, 100000
  mull a5, a10, a10
  movi a11, 0x0ff0
  extui a6, a11, 4, 7
  addx8 a7, a8, a9
  subx4 a11, a9, a8
  addi a1, a1, -16
  s32i a11, a1, 0
  movi a2, fmt_mul
  movi a8, printf
  callx0 a8
  addi a1, a1, 16

  /* branches: each test sets one bit of a12 when taken */
  movi a12, 0
  movi a8, -1
  movi a9, 256
  movi a10, 32768
  movi a11, 0x80000001
  beqi a8, -1, 1f
  j 2f
1: addi a12, a12, 1
2: bgei a9, 256, 1f
  j 2f
1: addi.n a12, a12, 2
2: bltui a10, 32768, 2f     /* not taken */
  addi a12, a12, 4
2: bgeui a10, 32768, 1f
  j 2f
1: addi a12, a12, 8
2: bbsi a11, 31, 1f
  j 2f
1: addi a12, a12, 16
2: bbci a11, 1, 1f
  j 2f
1: addi a12, a12, 32
2: movi a13, 0x80000000
  ball a11, a13, 1f
  j 2f
1: addi a12, a12, 64
2: bnall a13, a11, 1f
  j 2f
1: addi a12, a12, 128
2: movi.n a14, 0
  beqz.n a14, 1f
  j 2f
1: addi a12, a12, 256
2: bnez.n a14, 2f
  addi a12, a12, 512
2: movi a14, 31
  bbc a11, a14, 2f          /* bit 31 set: not taken */
  addi a12, a12, 1024
2: bltu a13, a11, 1f
  j 2f
1: movi a15, 2048
  add a12, a12, a15
2: blt a11, a13, 2f         /* signed: 0x80000001 > 0x80000000 */
  movi a15, 4096
  add.n a12, a12, a15
2: mov a3, a12
  movi a2, fmt_br
  movi a8, printf
  callx0 a8

  /* CALL0 recursion: sum(n) = n + sum(n - 1) */
  movi a2, 10
  call0 sum
  mov a3, a2
  movi a2, fmt_call
  movi a8, printf
  callx0 a8

  movi a2, 0
  l32i a0, a1, 0
  l32i a12, a1, 4
  addi a1, a1, 16
  ret

  .align 4
sum:
  beqz.n a2, 1f
  addi a1, a1, -16
  s32i a0, a1, 0
  s32i a2, a1, 4
  addi a2, a2, -1
  call0 sum
  l32i a3, a1, 4
  add.n a2, a2, a3
  l32i a0, a1, 0
  addi a1, a1, 16
1:
  ret.n
