/**
 * Adafruit Circuit Playground Express: SAMD21G18A (crystal-less, 48 MHz from DFLL48M in USB
 * clock-recovery mode) and the parts soldered on the board, wired to the pads CircuitPython's
 * board definition names (../shared/design/samd21-circuitpython-facts.md §5, §9;
 * circuitpython-console.md §7).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';

export const CPX_SPEC = {
  name: 'cpx',
  title: 'Adafruit Circuit Playground Express',
  chip: { family: 'samd21', variant: 'G18A', crystal32k: false },
  usb: { vid: 0x239a, pid: 0x8019, manufacturer: 'Adafruit Industries LLC', product: 'CircuitPlayground Express' },
  pins: {
    A0: 'PA02', SPEAKER: 'PA02', A1: 'PA05', A2: 'PA06', A3: 'PA07', A4: 'PB03', A5: 'PB02', A6: 'PB09', A7: 'PB08',
    LIGHT: 'PA11', A8: 'PA11', TEMPERATURE: 'PA09', A9: 'PA09',
    D0: 'PB09', RX: 'PB09', D1: 'PB08', TX: 'PB08', D2: 'PB02', D3: 'PB03', D4: 'PA28', BUTTON_A: 'PA28',
    D5: 'PA14', BUTTON_B: 'PA14', D6: 'PA05', D7: 'PA15', SLIDE_SWITCH: 'PA15', D8: 'PB23', NEOPIXEL: 'PB23',
    D9: 'PA06', D10: 'PA07', D12: 'PA02', D13: 'PA17', LED: 'PA17',
    SDA: 'PB02', SCL: 'PB03', SCK: 'PA05', MOSI: 'PA07', MISO: 'PA06', SPEAKER_ENABLE: 'PA30',
    REMOTEIN: 'PA12', IR_RX: 'PA12', REMOTEOUT: 'PA23', IR_TX: 'PA23', IR_PROXIMITY: 'PA04',
    MICROPHONE_CLOCK: 'PA10', MICROPHONE_DATA: 'PA08',
    ACCELEROMETER_SDA: 'PA00', ACCELEROMETER_SCL: 'PA01', ACCELEROMETER_INTERRUPT: 'PA13',
  },
  parts: [
    // GD25Q16C 2 MiB on SERCOM3 SPI: MISO PA16 (PAD0), MOSI PA20 (PAD2), SCK PA21 (PAD3), function D.
    { id: 'flash', type: 'spi-flash', part: 'GD25Q16C', spi: { sercom: 3, miso: 'PA16', mosi: 'PA20', sck: 'PA21' }, cs: 'PB22' },
    { id: 'pixels', type: 'neopixels', din: 'PB23', count: 10 },
    // LIS3DH at 0x19 on SERCOM1 I2C: SDA PA00 (PAD0), SCL PA01 (PAD1), with 10 kΩ pull-ups.
    { id: 'accelerometer', type: 'lis3dh', i2c: { sercom: 1, sda: 'PA00', scl: 'PA01', pullUpOhms: 10_000 }, address: 0x19, int1: 'PA13' },
    { id: 'light', type: 'light-sensor', out: 'PA11' },
    { id: 'thermistor', type: 'thermistor', out: 'PA09', highSide: true },
    { id: 'buttonA', type: 'button', pin: 'PA28', activeLevel: 1, externalPull: 'down' },
    { id: 'buttonB', type: 'button', pin: 'PA14', activeLevel: 1, externalPull: 'down' },
    // To GND when closed; firmware enables the pull-up.
    { id: 'slideSwitch', type: 'slide-switch', pin: 'PA15', closedLevel: 0 },
    { id: 'speaker', type: 'speaker', input: 'PA02', enable: 'PA30' },
    { id: 'microphone', type: 'pdm-microphone', clk: 'PA10', data: 'PA08' },
    { id: 'touch', type: 'touch-pads', pads: { A1: 'PA05', A2: 'PA06', A3: 'PA07', A4: 'PB03', A5: 'PB02', A6: 'PB09', A7: 'PB08' } },
    { id: 'redLed', type: 'led', anode: 'PA17', color: 'red' },
    // IR transmitter LED on REMOTEOUT, IR receiver module (demodulated, active low) on REMOTEIN.
    { id: 'irLed', type: 'ir-led', anode: 'PA23' },
    { id: 'irReceiver', type: 'ir-receiver', out: 'PA12' },
  ],
  circuitpy: { kind: 'spi-flash', part: 'flash' },
  drawing: 'cpx',
} as const satisfies Samd21BoardSpec;

export type CpxBoard = BoardOf<typeof CPX_SPEC>;
