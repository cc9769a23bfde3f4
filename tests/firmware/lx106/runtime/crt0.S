/*
 * Start-up and exception vectors for the lx106 test programs (CALL0 ABI, no windowed registers).
 * Runs on QEMU `-M sim -cpu lx106` and circuitemu's test-lx106 board.
 *
 * _start: stack at __stack_top, PS = UM (user vector for exceptions), INTLEVEL 0, EXCM 0;
 * clears .bss, calls main() and exits with its result through simcall 1.
 *
 * Every general exception (user, kernel and double vectors) saves a frame and calls
 *   void __exception(struct xt_frame *frame)
 * (weak default: print the cause and exit 100 + cause); the handler may change frame->pc.
 * frame->vector says which vector was taken (0 kernel, 1 user). The double-exception vector
 * exits with status 99, the debug vector with 98.
 * Level-1 interrupts arrive there too, with EXCCAUSE 4.
 */
#define FRAME_SIZE 96

  .section .vectors.literal, "ax"
  .align 4
lit_exception: .word __exception

  .section .vectors, "ax"
  .align 4
  .global _DebugVector
_DebugVector:                 /* VECBASE + 0x10 */
  j debug_entry
  .org 0x10
_NMIVector:                   /* VECBASE + 0x20 */
  j nmi_entry
  .org 0x20
_KernelVector:                /* VECBASE + 0x30 */
  wsr a0, excsave1
  movi a0, 0
  j exc_entry
  .org 0x40
_UserVector:                  /* VECBASE + 0x50 */
  wsr a0, excsave1
  movi a0, 1
  j exc_entry
  .org 0x60
_DoubleVector:                /* VECBASE + 0x70: report and give up */
  movi a2, 1
  movi a3, 99
  simcall

  .org 0x80
debug_entry:
  movi a2, 1
  movi a3, 98
  simcall
nmi_entry:
  rfi 3

exc_entry:
  addi a1, a1, -FRAME_SIZE
  s32i a0, a1, 84             /* which vector: 0 kernel, 1 user */
  rsr a0, excsave1
  s32i a0, a1, 0
  s32i a2, a1, 8
  s32i a3, a1, 12
  s32i a4, a1, 16
  s32i a5, a1, 20
  s32i a6, a1, 24
  s32i a7, a1, 28
  s32i a8, a1, 32
  s32i a9, a1, 36
  s32i a10, a1, 40
  s32i a11, a1, 44
  s32i a12, a1, 48
  s32i a13, a1, 52
  s32i a14, a1, 56
  s32i a15, a1, 60
  addi a2, a1, FRAME_SIZE
  s32i a2, a1, 4
  rsr a2, epc1
  s32i a2, a1, 64
  rsr a2, ps
  s32i a2, a1, 68
  rsr a2, sar
  s32i a2, a1, 72
  rsr a2, exccause
  s32i a2, a1, 76
  rsr a2, excvaddr
  s32i a2, a1, 80
  mov a2, a1
  l32r a3, lit_exception
  callx0 a3
  l32i a2, a1, 72
  wsr a2, sar
  l32i a2, a1, 64
  wsr a2, epc1
  l32i a2, a1, 68
  wsr a2, ps
  rsync
  l32i a0, a1, 0
  l32i a2, a1, 8
  l32i a3, a1, 12
  l32i a4, a1, 16
  l32i a5, a1, 20
  l32i a6, a1, 24
  l32i a7, a1, 28
  l32i a8, a1, 32
  l32i a9, a1, 36
  l32i a10, a1, 40
  l32i a11, a1, 44
  l32i a12, a1, 48
  l32i a13, a1, 52
  l32i a14, a1, 56
  l32i a15, a1, 60
  addi a1, a1, FRAME_SIZE
  rfe

  .text
  .align 4
  .global _start
_start:
  movi a1, __stack_top
  movi a0, 0
  movi a2, 0x20               /* PS.UM = 1, INTLEVEL 0, EXCM 0 */
  wsr a2, ps
  rsync
  movi a2, __bss_start
  movi a3, __bss_end
  movi a4, 0
1:
  bgeu a2, a3, 2f
  s32i a4, a2, 0
  addi a2, a2, 4
  j 1b
2:
  movi a2, main
  callx0 a2
  movi a3, exit
  callx0 a3                   /* exit(main's result), flushes stdout */
3:
  j 3b
