const { prewarmVm } = await import('./dist/firmware-runtime/hosted/engine.js');
const { createHostedBoard } = await import('./dist/firmware-runtime/hosted/board-build.js');
const c0 = process.cpuUsage(); const t0 = performance.now();
const p = prewarmVm('cpx');
const b = createHostedBoard('cpx');
const t1 = performance.now();
await p;
const c = process.cpuUsage(c0);
console.log(`${process.execArgv.join(' ') || 'default'}: board sync ${(t1 - t0).toFixed(0)}, VM+board wall ${(performance.now() - t0).toFixed(0)} ms, cpu ${((c.user + c.system) / 1000).toFixed(0)} ms`);
