# A small Circuit Playground Express program, tested in CI with circuitemu scenarios.
# Button A lights the red LED and turns pixel 0 red; the light sensor's reading is printed on
# request; a line typed on the console is echoed back in upper case.
import time
import board
import digitalio
import analogio
import neopixel
import supervisor

led = digitalio.DigitalInOut(board.LED)
led.switch_to_output(False)
button = digitalio.DigitalInOut(board.BUTTON_A)
button.switch_to_input(pull=digitalio.Pull.DOWN)
light = analogio.AnalogIn(board.LIGHT)
pixels = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=1.0, auto_write=False)
pixels.fill((0, 0, 32))
pixels.show()

print("ready")
was = None
line = ""
while True:
    pressed = button.value
    if pressed != was:
        was = pressed
        led.value = pressed
        pixels[0] = (255, 0, 0) if pressed else (0, 0, 32)
        pixels.show()
        print("button", "down" if pressed else "up")
    if supervisor.runtime.serial_bytes_available:
        c = supervisor.runtime.serial_bytes_available and __import__("sys").stdin.read(1)
        if c in "\r\n":
            if line == "light":
                print("light", light.value)
            elif line:
                print("echo", line.upper())
            line = ""
        else:
            line += c
    time.sleep(0.01)
