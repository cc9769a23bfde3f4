import { loadMicroPython } from '@micropython/micropython-webassembly-pyscript';
const mp = await loadMicroPython({ heapsize: 96*1024, linebuffer:false, stdout:(b)=>process.stdout.write(typeof b==='string'?b+'\n':Buffer.from(b)) });
mp.runPython(`
import micropython
print(micropython.stack_use())
def f(n):
    global d
    d = n
    if n < 3: f(n+1)
    else: print('at', n, micropython.stack_use())
f(1)
def g(): print('in g', micropython.stack_use())
g()
`);
