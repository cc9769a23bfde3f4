# A sine tone on the CPX speaker, as Adafruit's guide plays one: a RawSample looped by AudioOut
# through the DAC (A0), the amplifier enabled by SPEAKER_ENABLE. 8000 / 18 samples = 444.4 Hz.
import array
import math
import time
import board
import audiocore
import audioio
import digitalio

enable = digitalio.DigitalInOut(board.SPEAKER_ENABLE)
enable.switch_to_output(True)
length = 18
sine = array.array("H", [int(math.sin(math.pi * 2 * i / length) * 32767 + 32768) for i in range(length)])
audio = audioio.AudioOut(board.SPEAKER)
audio.play(audiocore.RawSample(sine, sample_rate=8000), loop=True)
print("playing")
while True:
    time.sleep(1)
