import { suggestTrialParams } from './src/core/sweep/suggest-trial.ts';
import type { SweepDefinition } from './src/core/sweep/sweep.ts';
import type { FinishedTrial } from './src/core/sweep/tpe/tpe-sampler.ts';
const spaces = [] as any[];
for (let i=0;i<4;i++) spaces.push({param:'u'+i, space:{kind:'uniform',lo:0,hi:1}});
for (let i=0;i<3;i++) spaces.push({param:'l'+i, space:{kind:'loguniform',lo:1e-5,hi:1}});
for (let i=0;i<2;i++) spaces.push({param:'r'+i, space:{kind:'randint',lo:1,hi:512}});
spaces.push({param:'c', space:{kind:'list',values:['a','b','c','d']}});
const d2: SweepDefinition = { spaces, fixed: {}, algo: 'tpe', trials: 1000, parallel: 1, metric: 'f', goal: 'min', earlyStop: 'none', seed: 1, launchOptions: {} };
const fin: FinishedTrial[] = [];
for (let i = 1; i <= 1000; i++) { const p = suggestTrialParams({...d2, algo:'random'}, i, []); fin.push({ index: i, params: p, value: Math.random() }); }
const times: number[] = []; const c0 = process.cpuUsage(); const w0 = performance.now();
for (let i=0;i<300;i++){ const t0=performance.now(); suggestTrialParams(d2, 1001+i, fin); times.push(performance.now()-t0); }
const cu = process.cpuUsage(c0); console.log("cpu per call ms", ((cu.user+cu.system)/1000/300).toFixed(3), "wall per call", ((performance.now()-w0)/300).toFixed(3)); times.sort((a,b)=>a-b); console.log('p50', times[150].toFixed(3), 'p99', times[297].toFixed(3));
