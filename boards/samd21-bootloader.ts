/**
 * A stand-in for the UF2 bootloader that occupies flash 0x0000-0x1FFF on Adafruit's SAMD21
 * boards. Written by us; it does only the hand-over the real one does on a normal reset:
 *
 *   reset:  ldr r0, =0x20007FFC      @ double-tap magic word
 *           ldr r1, [r0]
 *           ldr r2, =0xF01669EF      @ "stay in the bootloader"
 *           cmp r1, r2
 *           beq stay
 *           ldr r0, =0x2000          @ application vector table
 *           ldr r1, =0xE000ED08      @ SCB->VTOR = 0x2000
 *           str r0, [r1]
 *           ldr r1, [r0]             @ MSP = [0x2000]
 *           msr msp, r1
 *           ldr r1, [r0, #4]         @ jump to [0x2004]
 *           bx r1
 *   stay:   wfi                      @ bootloader mode: the UF2 drive is not emulated; the
 *           b stay                   @ chip sleeps (and the run ends at its time limit)
 *
 * The real bootloader also waits ~500 ms after an external reset to detect a double tap; an
 * emulated board has no reset button, so the hand-over is immediate, as after power-on.
 * Encodings from GNU as (arm-none-eabi-as -mcpu=cortex-m0plus).
 */
export const BOOTLOADER_SIZE = 0x2000;
export const APPLICATION_BASE = 0x2000;
export const DOUBLE_TAP_ADDRESS = 0x20007ffc;
export const DOUBLE_TAP_MAGIC = 0xf01669ef;
/** The UF2 family id of SAMD21 firmware (Microsoft's UF2 family list). */
export const SAMD21_UF2_FAMILY_ID = 0x68ed2b88;

const RESET_CODE = [
  0x4807, 0x6801, 0x4a07, 0x4291, 0xd007, 0x4807, 0x4907, 0x6008, 0x6801, 0xf381, 0x8808, 0x6841, 0x4708,
  0xbf30, 0xe7fd, 0x46c0, 0x7ffc, 0x2000, 0x69ef, 0xf016, 0x2000, 0x0000, 0xed08, 0xe000,
];
const RESET_HANDLER = 0x100;
const STAY = 0x11a;

/** The bootloader's bytes for flash offset 0 (vector table + hand-over code). */
export function samd21BootloaderImage(): Uint8Array {
  const image = new Uint8Array(RESET_HANDLER + 2 * RESET_CODE.length);
  const dv = new DataView(image.buffer);
  dv.setUint32(0, 0x20008000, true); // initial MSP: top of the 32 KiB SRAM
  dv.setUint32(4, RESET_HANDLER | 1, true);
  // NMI, HardFault, SVCall, PendSV, SysTick; the reserved slots (7-10, 12, 13) stay 0 as in the
  // real bootloader's vector table (ASF startup code). Firmware reads them: CircuitPython's status
  // DotStar code deinitialises a never-initialised busio.SPI whose SERCOM pointer is NULL and waits
  // on "SYNCBUSY" at 0x0000001C, which must read 0 for the boot to go on.
  for (const exc of [2, 3, 11, 14, 15]) dv.setUint32(4 * exc, STAY | 1, true);
  RESET_CODE.forEach((h, i) => dv.setUint16(RESET_HANDLER + 2 * i, h, true));
  return image;
}
