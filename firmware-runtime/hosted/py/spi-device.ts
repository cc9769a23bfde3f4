/**
 * adafruit_bus_device.spi_device.SPIDevice as CircuitPython 9 builds it in (shared-module/adafruit_bus_device/
 * spi_device/SPIDevice.c; no public attributes): chip select switched to output high when made; entering locks the bus, configures
 * it and asserts chip select; leaving releases chip select, sends extra_clocks / 8 bytes of 0xFF, unlocks.
 */
export const SPI_DEVICE_PY = String.raw`
class SPIDevice:
    def __init__(self, spi, chip_select=None, *, cs_active_value=False, baudrate=100000, polarity=0, phase=0, extra_clocks=0):
        import digitalio
        if chip_select is not None and not isinstance(chip_select, digitalio.DigitalInOut):
            raise TypeError('chip_select must be of type DigitalInOut or None, not %s' % type(chip_select).__name__)
        self._spi = spi
        self._baudrate = baudrate
        self._polarity = polarity
        self._phase = phase
        self._extra_clocks = extra_clocks
        self._chip_select = chip_select
        self._cs_active_value = cs_active_value
        if chip_select is not None:
            chip_select.switch_to_output(value=True)
    def __enter__(self):
        while not self._spi.try_lock():
            pass
        self._spi.configure(baudrate=self._baudrate, polarity=self._polarity, phase=self._phase, bits=8)
        if self._chip_select is not None:
            self._chip_select.value = self._cs_active_value
        return self._spi
    def __exit__(self, *a):
        if self._chip_select is not None:
            self._chip_select.value = not self._cs_active_value
        if self._extra_clocks > 0:
            for _ in range((self._extra_clocks + 7) // 8):
                self._spi.write(b'\xff')
        self._spi.unlock()
        return False
`;
