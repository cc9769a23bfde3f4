/*
 * Exception vectors for our ESP8266 test programs, laid out as the SDK lays out its own (our
 * code): VECBASE = _vectors; the user vector saves a2..a4 in a 256-byte frame below a1 and jumps
 * through the ROM's exception table at 0x3FFFC000 by EXCCAUSE, so level-1 interrupts reach the
 * ROM's _xtos_l1int_handler and, from there, the ets_isr_attach handlers.
 */
  .section .vectors, "ax"
  .align 256
  .global _vectors
_vectors:
  .org 0x40
lit_exception_table:
  .word 0x3fffc000
  .org 0x50
user_vector:
  addmi a1, a1, -256
  s32i a2, a1, 20
  s32i a3, a1, 24
  l32r a3, lit_exception_table
  rsr a2, exccause
  addx4 a3, a2, a3
  l32i a3, a3, 0
  s32i a4, a1, 28
  jx a3
  .org 0x70
double_vector:
  j double_vector
