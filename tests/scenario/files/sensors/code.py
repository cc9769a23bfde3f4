# Reports the CPX's inputs on request: each command typed on the console prints one line.
import sys
import time
import board
import digitalio
import analogio
import busio
import touchio
import supervisor
import adafruit_lis3dh
import adafruit_thermistor

switch = digitalio.DigitalInOut(board.SLIDE_SWITCH)
switch.switch_to_input(pull=digitalio.Pull.UP)
button_b = digitalio.DigitalInOut(board.BUTTON_B)
button_b.switch_to_input(pull=digitalio.Pull.DOWN)
light = analogio.AnalogIn(board.LIGHT)
a2 = analogio.AnalogIn(board.A2)
touch = touchio.TouchIn(board.A1)
thermistor = adafruit_thermistor.Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950)
i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)
accel = adafruit_lis3dh.LIS3DH_I2C(i2c, address=0x19)

print("sensors ready")
line = ""
while True:
    if supervisor.runtime.serial_bytes_available:
        c = sys.stdin.read(1)
        if c not in "\r\n":
            line += c
            continue
        if line == "switch":
            print("switch", switch.value)
        elif line == "b":
            print("b", button_b.value)
        elif line == "light":
            print("light", light.value)
        elif line == "a2":
            print("a2 %.2f" % (a2.value * 3.3 / 65535))
        elif line == "touch":
            print("touch", touch.value)
        elif line == "temp":
            print("temp %.0f" % thermistor.temperature)
        elif line == "accel":
            print("accel %.0f %.0f %.0f" % tuple(accel.acceleration))
        line = ""
    time.sleep(0.01)
