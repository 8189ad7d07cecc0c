#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (native CPU, onnxruntime-node) — the numerics and speed peer.
// usage: node tools/ort/run.js MODEL.onnx OUT_DIR [--input NAME=FILE.npy | --input FILE.npy]... [--threads N]
//        [--bench RUNS] [--warmup W]
// Writes OUT_DIR/<output name sanitized>.npy for every output and prints one JSON line
// {"outputs":[...names], "median_ms":..., "min_ms":...} (timings only with --bench).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  if (/'fortran_order'\s*:\s*True/.test(header)) throw new Error(`${file}: Fortran order not supported`);
  const body = buf.subarray(hstart + hlen);
  const copy = (T, n) => { const a = new T(n); new Uint8Array(a.buffer).set(body.subarray(0, n * T.BYTES_PER_ELEMENT)); return a; };
  const n = shape.reduce((a, b) => a * b, 1);
  const map = { '<f4': ['float32', Float32Array], '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
    '<i4': ['int32', Int32Array], '<i8': ['int64', BigInt64Array], '|b1': ['bool', Uint8Array], '<f2': ['float16', Uint16Array] };
  if (!map[descr]) throw new Error(`${file}: unsupported dtype ${descr}`);
  const [type, T] = map[descr];
  return new ort.Tensor(type, copy(T, n), shape);
}

function writeNpy(file, tensor) {
  const map = { float32: '<f4', uint8: '|u1', int8: '|i1', int32: '<i4', int64: '<i8', bool: '|b1', float16: '<f2' };
  const descr = map[tensor.type];
  if (!descr) throw new Error(`cannot write ${tensor.type}`);
  const dims = tensor.dims;
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre[0] = 0x93; pre.write('NUMPY', 1, 'latin1'); pre[6] = 1; pre[7] = 0; pre.writeUInt16LE(header.length, 8);
  const d = tensor.data;
  const body = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

(async () => {
  const args = process.argv.slice(2);
  if (args.length < 2) { console.error('usage: run.js MODEL OUT_DIR [--input [NAME=]FILE.npy]... [--threads N] [--bench RUNS] [--warmup W]'); process.exit(2); }
  const [model, outDir] = args;
  const inputs = []; let threads = 1, bench = 0, warmup = 3;
  for (let i = 2; i < args.length; i++) {
    if (args[i] === '--input') inputs.push(args[++i]);
    else if (args[i] === '--threads') threads = Number(args[++i]);
    else if (args[i] === '--bench') bench = Number(args[++i]);
    else if (args[i] === '--warmup') warmup = Number(args[++i]);
    else { console.error(`unknown argument ${args[i]}`); process.exit(2); }
  }
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const feeds = {};
  inputs.forEach((spec, k) => {
    const eq = spec.indexOf('=');
    const name = eq > 0 && !fs.existsSync(spec) ? spec.slice(0, eq) : session.inputNames[k];
    const file = eq > 0 && !fs.existsSync(spec) ? spec.slice(eq + 1) : spec;
    feeds[name] = readNpy(file);
  });
  for (const n of session.inputNames) if (!feeds[n]) { console.error(`missing input ${n}`); process.exit(2); }
  fs.mkdirSync(outDir, { recursive: true });
  const result = await session.run(feeds);
  for (const n of session.outputNames) writeNpy(path.join(outDir, n.replace(/[^A-Za-z0-9_.-]/g, '_') + '.npy'), result[n]);
  const report = { outputs: session.outputNames };
  if (bench > 0) {
    for (let i = 0; i < warmup; i++) await session.run(feeds);
    const times = [];
    for (let i = 0; i < bench; i++) { const t0 = process.hrtime.bigint(); await session.run(feeds); times.push(Number(process.hrtime.bigint() - t0) / 1e6); }
    times.sort((a, b) => a - b);
    report.median_ms = times[Math.floor(times.length / 2)]; report.min_ms = times[0];
    report.p90_ms = times[Math.min(times.length - 1, Math.floor(times.length * 0.9))];
  }
  console.log(JSON.stringify(report));
})().catch(e => { console.error(String(e && e.message || e)); process.exit(1); });
