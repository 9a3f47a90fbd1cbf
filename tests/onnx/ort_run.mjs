#!/usr/bin/env node
// Runs an ONNX model on ONNX Runtime's CPU execution provider: the reference
// of Tessera's ONNX importer tests and benchmarks.
//
//   node ort_run.mjs MODEL.onnx --input=x.npy [--input=...] [--output=y.npy]
//        [--threads=N] [--repetitions=N [--warmup=N] [--json=FILE]]
//
// Inputs are .npy files (float32, int64 or int32, little-endian, C order),
// in the order of the model's inputs (an optional leading @ is accepted, as
// tessera run spells them). --output writes the model's first output as .npy.
// --repetitions times that many runs after --warmup (default 3) untimed ones
// (session creation excluded) and prints min/median/max milliseconds; --json
// also writes them to FILE. intraOpNumThreads = --threads (default 1),
// interOpNumThreads = 1, graphOptimizationLevel "all".
//
// onnxruntime-node is loaded from $TESSERA_ORT_DIR (default
// $HOME/.cache/tessera/onnxruntime), where install_ort.sh puts it.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const USAGE =
  'usage: node ort_run.mjs MODEL.onnx --input=x.npy [--input=...] [--output=y.npy] ' +
  '[--threads=N] [--repetitions=N] [--warmup=N] [--json=FILE]';

class UsageError extends Error {}

function fail(message, code = 1) {
  process.stderr.write(`ort_run.mjs: error: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const args = { inputs: [], threads: 1, repetitions: 0, warmup: 3 };
  const integer = (name, value, min) => {
    if (!/^\d+$/.test(value) || Number(value) < min)
      throw new UsageError(`--${name}=${value}: expected an integer >= ${min}`);
    return Number(value);
  };
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      if (args.model) throw new UsageError(`more than one model: ${args.model}, ${arg}`);
      args.model = arg;
      continue;
    }
    const [, name, value] = m;
    if (name === 'help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    }
    if (value === undefined) throw new UsageError(`--${name} needs a value (--${name}=...)`);
    const path = () => (value.startsWith('@') ? value.slice(1) : value);
    switch (name) {
      case 'input': args.inputs.push(path()); break;
      case 'output': args.output = path(); break;
      case 'threads': args.threads = integer(name, value, 1); break;
      case 'repetitions': args.repetitions = integer(name, value, 1); break;
      case 'warmup': args.warmup = integer(name, value, 0); break;
      case 'json': args.json = value; break;
      default: throw new UsageError(`unknown option --${name}`);
    }
  }
  if (!args.model) throw new UsageError('no model given');
  if (args.inputs.length === 0) throw new UsageError('no --input given');
  if (args.json && !args.repetitions) throw new UsageError('--json needs --repetitions');
  return args;
}

// --- .npy ---------------------------------------------------------------------

const DTYPES = {
  '<f4': { ort: 'float32', array: Float32Array, size: 4 },
  '<i8': { ort: 'int64', array: BigInt64Array, size: 8 },
  '<i4': { ort: 'int32', array: Int32Array, size: 4 },
};

function readNpy(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e.message}`);
  }
  const bad = (why) => new Error(`${path}: not a supported .npy file: ${why}`);
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw bad('no NUMPY magic');
  const major = bytes[6];
  let headerLength, offset;
  if (major === 1) { headerLength = bytes.readUInt16LE(8); offset = 10; }
  else if (major === 2 || major === 3) { headerLength = bytes.readUInt32LE(8); offset = 12; }
  else throw bad(`format version ${major}`);
  const header = bytes.toString('latin1', offset, offset + headerLength);
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const order = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !order || !shape) throw bad(`cannot parse header ${header.trim()}`);
  const dtype = Object.hasOwn(DTYPES, descr[1]) ? DTYPES[descr[1]] : undefined;
  if (!dtype)
    throw bad(`dtype ${descr[1]} (supported: float32 <f4, int64 <i8, int32 <i4, little-endian)`);
  if (order[1] === 'True') throw bad('Fortran order (only C order is supported)');
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`shape (${shape[1]})`);
  const count = dims.reduce((a, b) => a * b, 1);
  const start = offset + headerLength;
  if (bytes.length - start !== count * dtype.size)
    throw bad(`${bytes.length - start} data bytes for ${count} elements of ${dtype.size} bytes`);
  // Copied into an aligned buffer: the file's data offset need not be aligned.
  const data = new dtype.array(count);
  new Uint8Array(data.buffer).set(bytes.subarray(start, start + count * dtype.size));
  return { type: dtype.ort, data, dims };
}

function writeNpy(path, tensor) {
  const entry = Object.entries(DTYPES).find(([, d]) => d.ort === tensor.type);
  if (!entry) throw new Error(`cannot write a ${tensor.type} output as .npy (supported: float32, int64, int32)`);
  const [descr, dtype] = entry;
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n', a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1; prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  if (!(data instanceof dtype.array)) throw new Error(`output data is not a ${dtype.array.name}`);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
  renameSync(tmp, path);
}

// --- main ---------------------------------------------------------------------

function loadOrt() {
  const dir = resolve(process.env.TESSERA_ORT_DIR || join(homedir(), '.cache', 'tessera', 'onnxruntime'));
  const require = createRequire(join(dir, 'package.json'));
  try {
    return require('onnxruntime-node');
  } catch (e) {
    const hint = existsSync(join(dir, 'node_modules', 'onnxruntime-node'))
      ? `it is in ${dir}/node_modules but does not load`
      : `run tests/onnx/install_ort.sh ${dir}`;
    fail(`cannot load onnxruntime-node from ${dir} (TESSERA_ORT_DIR): ${e.message.split('\n')[0]}; ${hint}`);
  }
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { min: sorted[0], median, max: sorted[n - 1], mean: times.reduce((a, b) => a + b, 0) / n };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) fail(`${e.message}\n${USAGE}`, 2);
    throw e;
  }
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  }).catch((e) => fail(`cannot load ${args.model}: ${e.message}`));
  const names = session.inputNames;
  if (args.inputs.length !== names.length)
    fail(`${args.model} has ${names.length} input${names.length === 1 ? '' : 's'} ` +
         `(${names.join(', ')}); ${args.inputs.length} --input given`, 2);
  const feeds = {};
  names.forEach((name, i) => {
    let npy;
    try {
      npy = readNpy(args.inputs[i]);
    } catch (e) {
      fail(e.message);
    }
    feeds[name] = new ort.Tensor(npy.type, npy.data, npy.dims);
  });
  const run = () => session.run(feeds).catch((e) => fail(`running ${args.model}: ${e.message}`));
  let results = await run();
  if (args.repetitions) {
    for (let i = 0; i < args.warmup; ++i) results = await run();
    const times = [];
    for (let i = 0; i < args.repetitions; ++i) {
      const start = performance.now();
      results = await run();
      times.push(performance.now() - start);
    }
    const s = stats(times);
    process.stdout.write(
      `${args.model}: ${args.repetitions} repetitions after ${args.warmup} warm-up runs, ` +
      `${args.threads} thread${args.threads === 1 ? '' : 's'}: min ${s.min.toFixed(3)} ms  ` +
      `median ${s.median.toFixed(3)} ms  max ${s.max.toFixed(3)} ms\n`);
    if (args.json) {
      const report = {
        model: args.model, runtime: 'onnxruntime-node', version: ort.env.versions?.node ?? null,
        threads: args.threads, warmup: args.warmup, repetitions: args.repetitions,
        ms: s, times_ms: times,
      };
      writeFileSync(args.json, JSON.stringify(report, null, 1) + '\n');
    }
  }
  if (args.output) {
    const first = results[session.outputNames[0]];
    try {
      writeNpy(args.output, first);
    } catch (e) {
      fail(`${args.output}: ${e.message}`);
    }
  }
}

main().catch((e) => fail(e.stack || String(e)));
