# PWM on the red LED as CircuitPython's pwmio makes it (TCC on PA17): 1 kHz at 25%, then 75%.
import time
import board
import pwmio

pwm = pwmio.PWMOut(board.LED, frequency=1000, duty_cycle=16384)
print("duty 25")
time.sleep(0.5)
pwm.duty_cycle = 49152
print("duty 75")
while True:
    time.sleep(1)
