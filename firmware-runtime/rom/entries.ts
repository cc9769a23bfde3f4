/**
 * Entry points of the ESP8266 mask ROM that firmware links against, by the names and addresses
 * of the SDK's linker script `ld/eagle.rom.addr.v6.ld` (an interface: firmware calls these
 * addresses). Only addresses are taken from it; every behaviour is written in hle.ts.
 */
export const ROM_BASE = 0x40000000;
export const ROM_SIZE = 0x10000;

export const ROM_ENTRIES = {
  // boot
  _ResetVector: 0x40000080,
  // flash
  Cache_Read_Enable: 0x40004678,
  Cache_Read_Disable: 0x400047f0,
  SPIRead: 0x40004b1c,
  SPIWrite: 0x40004a4c,
  SPIEraseSector: 0x40004a00,
  SPIEraseBlock: 0x400049b4,
  SPIEraseChip: 0x40004984,
  SPIUnlock: 0x40004878,
  SPI_read_status: 0x400043c8,
  SPI_write_status: 0x40004400,
  SPI_write_enable: 0x4000443c,
  Wait_SPI_Idle: 0x4000448c,
  spi_flash_attach: 0x40004644,
  SPIParamCfg: 0x40004c2c,
  // console
  ets_printf: 0x400024cc,
  ets_putc: 0x40002be8,
  ets_vprintf: 0x40001f00,
  ets_write_char: 0x40001da0,
  ets_install_putc1: 0x4000242c,
  ets_install_uart_printf: 0x40002438,
  uart_div_modify: 0x400039d8,
  uart_tx_one_char: 0x40003b30,
  uart_rx_one_char: 0x40003b8c,
  Uart_Init: 0x40003a14,
  uartAttach: 0x4000383c,
  uart_buff_switch: 0x400038a4,
  // interrupts
  ets_isr_attach: 0x40000f88,
  ets_isr_mask: 0x40000f98,
  ets_isr_unmask: 0x40000fa8,
  ets_intr_lock: 0x40000f74,
  ets_intr_unlock: 0x40000f80,
  _xtos_l1int_handler: 0x4000048c,
  _xtos_set_exception_handler: 0x40000454,
  _xtos_set_interrupt_handler_arg: 0x4000bd28,
  _xtos_set_interrupt_handler: 0x4000bd70,
  _xtos_ints_on: 0x4000bd84,
  _xtos_ints_off: 0x4000bda4,
  // tasks, time, system
  ets_task: 0x40000dd0,
  ets_post: 0x40000e24,
  ets_run: 0x40000e04,
  ets_set_idle_cb: 0x40000dc0,
  ets_timer_init: 0x40002e68,
  ets_timer_arm: 0x40002cc4,
  ets_timer_disarm: 0x40002d40,
  ets_timer_setfn: 0x40002c48,
  ets_delay_us: 0x40002ecc,
  ets_get_cpu_frequency: 0x40002f0c,
  ets_update_cpu_frequency: 0x40002f04,
  ets_wdt_enable: 0x40002fa0,
  ets_wdt_disable: 0x400030f0,
  ets_wdt_init: 0x40003170,
  ets_wdt_restore: 0x40003158,
  ets_wdt_get_mode: 0x40002f34,
  rtc_get_reset_reason: 0x400025e0,
  software_reset: 0x4000264c,
  gpio_output_set: 0x40004cd0,
  gpio_input_get: 0x40004cf0,
  xthal_get_ccount: 0x4000dd38,
  rand: 0x40000600,
  srand: 0x400005f0,
  // memory, strings
  ets_memcpy: 0x400018b4,
  ets_memset: 0x400018a4,
  ets_memcmp: 0x400018d4,
  ets_memmove: 0x400018c4,
  ets_bzero: 0x40002ae8,
  ets_strlen: 0x40002ac8,
  ets_strcpy: 0x40002a88,
  ets_strncpy: 0x40002a98,
  ets_strcmp: 0x40002aa8,
  ets_strncmp: 0x40002ab8,
  memcpy: 0x4000df48,
  memset: 0x4000e190,
  memcmp: 0x4000dea8,
  memmove: 0x4000e04c,
  bzero: 0x4000de84,
  strlen: 0x4000bf4c,
  strcpy: 0x4000bec8,
  strncpy: 0x4000c0a0,
  strcmp: 0x4000bdc8,
  strncmp: 0x4000bfa8,
  strstr: 0x4000e1e0,
  // libgcc
  __divsi3: 0x4000dc88,
  __udivsi3: 0x4000e21c,
  __umodsi3: 0x4000e268,
  __divdi3: 0x4000ce60,
  __udivdi3: 0x4000d310,
  __umoddi3: 0x4000d770,
  __muldi3: 0x40000650,
  __umulsidi3: 0x4000dcf0,
  __addsf3: 0x4000c180,
  __subsf3: 0x4000c268,
  __mulsf3: 0x4000c3dc,
  __adddf3: 0x4000c538,
  __subdf3: 0x4000c688,
  __muldf3: 0x4000c8f0,
  __divdf3: 0x4000cb94,
  __fixdfsi: 0x4000ccb8,
  __fixunsdfsi: 0x4000cd00,
  __fixunssfsi: 0x4000c4c4,
  __floatsidf: 0x4000e2f0,
  __floatunsidf: 0x4000e2e8,
  __floatsisf: 0x4000e2ac,
  __floatunsisf: 0x4000e2a4,
  __truncdfsf2: 0x4000cd5c,
  __extendsfdf2: 0x4000cdfc,
  // crypto, PHY (named for reports; not implemented)
  MD5Init: 0x40009818,
  MD5Update: 0x40009834,
  MD5Final: 0x40009900,
  SHA1Init: 0x4000b584,
  SHA1Update: 0x4000b5a8,
  SHA1Final: 0x4000b648,
  hmac_md5: 0x4000a2cc,
  hmac_sha1: 0x4000ba28,
  rc4_skip: 0x4000dd68,
  phy_get_romfuncs: 0x40006b08,
  rom_i2c_readReg: 0x40007268,
  rom_i2c_readReg_Mask: 0x4000729c,
  rom_i2c_writeReg: 0x400072d8,
  rom_i2c_writeReg_Mask: 0x4000730c,
  lldesc_build_chain: 0x40004f40,
  roundup2: 0x400031b4,
} as const;

export type RomEntryName = keyof typeof ROM_ENTRIES;

const NAMES = new Map<number, string>(Object.entries(ROM_ENTRIES).map(([n, a]) => [a, n]));

/** The ROM function at `address`, for reports ('0x40001234' when the table does not name it). */
export function romName(address: number): string {
  return NAMES.get(address >>> 0) ?? `0x${(address >>> 0).toString(16).padStart(8, '0')}`;
}

/** ROM-initialised RAM (facts sheet §6). */
export const ROM_RAM = {
  exceptionTable: 0x3fffc000,
  cHandlerTable: 0x3fffc100,
  flashchip: 0x3fffc714,
  UartDev: 0x3fffde10,
  stackTop: 0x3ffffff0,
} as const;
