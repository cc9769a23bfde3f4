/*
 * circuitemu's level-1 interrupt dispatcher, placed in the emulated ROM at _xtos_l1int_handler
 * (0x4000048c), with its one literal just below. Our own code (the ROM's is proprietary).
 *
 * Entered from the SDK's user exception vector for EXCCAUSE 4, which has already done:
 *   a0 = interrupted a0 (from EXCSAVE1), a1 -= 256, saved a2/a3/a4 at a1+20/24/28,
 *   a2 = EXCCAUSE, jumped here through the table at 0x3FFFC000.
 * It saves the rest of the interrupted state in that 256-byte frame, runs with PS.EXCM clear and
 * INTLEVEL 1 (so handlers may call functions and take exceptions), and calls, lowest line
 * first, every pending enabled level-1 line's handler from the ets_isr_attach table
 * (ISR_TABLE: {handler, arg} per line) as handler(arg, frame). Edge and software lines are
 * acknowledged (INTCLEAR) before their handler runs; level lines stay pending until the device
 * drops them. A pending line with no handler is masked in INTENABLE (the ROM would spin).
 * Then it restores everything and returns with RFE.
 */
  .text
  .align 4
lit_isr_table:
  .word 0x3fffd800
  .global l1int
l1int:
  s32i a0, a1, 16
  s32i a5, a1, 32
  s32i a6, a1, 36
  s32i a7, a1, 40
  s32i a8, a1, 44
  s32i a9, a1, 48
  s32i a10, a1, 52
  s32i a11, a1, 56
  s32i a12, a1, 60
  s32i a13, a1, 64
  s32i a14, a1, 68
  s32i a15, a1, 72
  rsr a2, epc1
  s32i a2, a1, 0
  rsr a2, sar
  s32i a2, a1, 8
  movi a2, 0x21          /* PS: UM, INTLEVEL 1, EXCM clear */
  wsr a2, ps
  rsync
next:
  rsr a2, interrupt
  rsr a3, intenable
  and a2, a2, a3
  extui a2, a2, 0, 14    /* level-1 lines 0..13 */
  beqz a2, done
  neg a3, a2
  and a3, a3, a2         /* lowest pending line's bit */
  wsr a3, intclear       /* acknowledges edge/software lines; level lines ignore it */
  nsau a4, a3
  movi a5, 31
  sub a4, a5, a4         /* line number */
  l32r a5, lit_isr_table
  addx8 a5, a4, a5
  l32i a4, a5, 0         /* handler */
  beqz a4, unhandled
  l32i a2, a5, 4         /* arg */
  mov a3, a1             /* frame */
  callx0 a4
  j next
unhandled:
  rsr a4, intenable
  xor a4, a4, a3
  wsr a4, intenable
  j next
done:
  movi a2, 0x33          /* PS: UM, EXCM, INTLEVEL 3 while restoring; RFE clears EXCM */
  wsr a2, ps
  rsync
  l32i a2, a1, 0
  wsr a2, epc1
  l32i a2, a1, 8
  wsr a2, sar
  movi a2, 0x30          /* INTLEVEL back to 0 (an interrupt was taken, so it was 0) */
  wsr a2, ps
  rsync
  l32i a0, a1, 16
  l32i a3, a1, 24
  l32i a4, a1, 28
  l32i a5, a1, 32
  l32i a6, a1, 36
  l32i a7, a1, 40
  l32i a8, a1, 44
  l32i a9, a1, 48
  l32i a10, a1, 52
  l32i a11, a1, 56
  l32i a12, a1, 60
  l32i a13, a1, 64
  l32i a14, a1, 68
  l32i a15, a1, 72
  l32i a2, a1, 20
  addmi a1, a1, 256
  rfe
