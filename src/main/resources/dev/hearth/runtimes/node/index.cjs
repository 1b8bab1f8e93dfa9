/**
 * Hearth's entry for the nodejsNN.x managed runtimes: runs the runtime (runtime.cjs) as a CommonJS module,
 * from V8's code cache when the platform has made one for this node and heap size
 * (runtime.<process.version>.heap-<N>.cache, written next to it by NodeCodeCache), else compiled as any module.
 *
 * Why: most of what the runtime itself costs a cold start is V8 compiling its functions the first time each
 * runs (every function on the way to the first response, lazily, one by one). A code cache made after one
 * training invoke holds the bytecode of exactly those functions. V8 keys a code cache by a hash of every V8
 * flag off its default, and AWS's --expose-gc and --max-old-space-size=N (N per memory size) are such flags,
 * so the platform makes one cache per N, each in a training run started with the very flags a function of that
 * memory size has, and V8 takes it as it is: no flag is touched (setting them to their defaults and back cost
 * V8's flag setter, the v8 binding, about 0.4 ms of every start). Should NODE_OPTIONS add V8 flags, V8 rejects
 * the cache and compiles the source, as it does for a cache of another node.
 *
 * The cache is read through the script binding that node:vm wraps (on process.binding's allow list):
 * loading node:vm would cost more than the cache saves. That binding's arguments differ between Node.js
 * lines, and a wrong call aborts node, so it is used only when the cache's name carries this node's exact
 * version, which only the platform's training run writes once it has worked (the same binding and node; the
 * argument --hearth-code-cache-training, which no function's command line has, marks that run). The same holds
 * for the fs binding the cache's bytes are read with (readWhole). Code compiled through the script binding
 * cannot use import(): the runtime imports through `exports.importModule`, made here (and takes
 * `exports.quietBinding` from here too). The function sees what it saw when this file was the runtime: no main
 * module, no entry of ours in require.cache, and both V8 flags as given.
 */

'use strict';

const fs = require('node:fs');

const RUNTIME = `${__dirname}/runtime.cjs`;
const CACHE = `${__dirname}/runtime.${process.version}.heap-${heapLimit() ?? 'default'}.cache`;
const TRAINING = process.argv[2] === '--hearth-code-cache-training';

// AWS's entry is /var/runtime/index.mjs, an ES module: no main module, nothing of ours in require.cache.
delete process.mainModule;
delete require.cache[__filename];

/**
 * The heap limit V8 was started with (the last --max-old-space-size=N, either spelling), as a string of digits.
 * Plain string work, no regular expression: V8 compiles each one at its first use, which no code cache holds,
 * about 0.1 ms of every cold start's critical path here (measured, sandboxed start under AWS's flags).
 */
function heapLimit() {
  const FLAG = '--max-old-space-size=';
  let limit;
  for (const arg of process.execArgv) {
    const value = arg.substring(FLAG.length);
    if (arg.length > FLAG.length && arg.substring(0, FLAG.length).replaceAll('_', '-') === FLAG && isDigits(value)) {
      limit = value;
    }
  }
  return limit;
}

function isDigits(text) {
  for (let i = 0; i < text.length; i++) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  return text.length > 0;
}

/**
 * A process binding without spending the deprecation warning that --pending-deprecation gives once (DEP0111):
 * the warning stays the function's. Handed to the runtime too.
 */
function quietBinding(name) {
  const silenced = !process.noDeprecation;
  if (silenced) {
    process.noDeprecation = true;
  }
  try {
    return process.binding(name);
  } finally {
    if (silenced) {
      delete process.noDeprecation;
    }
  }
}

/**
 * A whole file's bytes through Node's fs binding (on process.binding's allow list): its first use costs a third
 * of what fs.readFileSync's first Buffer-returning read costs (0.15 against 0.5 ms in a sandboxed start,
 * measured: the public path's functions are compiled on first use), and V8 takes any typed array as a cache.
 * Its arguments differ between Node.js lines, and a wrong call aborts node: a function's start calls it only
 * for a cache that exists, which only a training run on this very node writes, after reading its own source
 * this way.
 */
function readWhole(file) {
  const binding = quietBinding('fs');
  const fd = binding.open(file, fs.constants.O_RDONLY, 0o666);
  try {
    let bytes = new Uint8Array(64 * 1024);
    let length = 0;
    for (let read; (read = binding.read(fd, bytes, length, bytes.length - length, -1)) > 0;) {
      length += read;
      if (length === bytes.length) {
        const grown = new Uint8Array(bytes.length * 2);
        grown.set(bytes);
        bytes = grown;
      }
    }
    return bytes.subarray(0, length);
  } finally {
    binding.close(fd);
  }
}

function readCache() {
  try {
    // fs.existsSync is the handler's resolution's first call anyway (tryRequireFile): paid here instead.
    return fs.existsSync(CACHE) ? readWhole(CACHE) : undefined;
  } catch (_) {
    return undefined;
  }
}

const runtime = new module.constructor(RUNTIME);
runtime.filename = RUNTIME;
runtime.exports = { importModule: (specifier) => import(specifier), quietBinding };
const source = fs.readFileSync(RUNTIME, 'utf8');
const cachedData = TRAINING ? undefined : readCache();
if (cachedData === undefined && !TRAINING) {
  runtime._compile(source, RUNTIME);
} else {
  const { ContextifyScript } = quietBinding('contextify');
  const script = new ContextifyScript(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`,
    RUNTIME, 0, 0, cachedData, false, undefined, Symbol(RUNTIME));
  if (TRAINING) {
    // The platform ends the run (SIGTERM) once the training invoke is answered: by then every function on a
    // cold start's way to its response has been compiled, and the cache holds them.
    process.on('SIGTERM', () => {
      // Functions read the cache with readWhole: this node's fs binding must take its calls (or end this run).
      if (readWhole(RUNTIME).length !== Buffer.byteLength(source)) {
        process.exit(1);
      }
      const written = `${CACHE}.${process.pid}`;
      fs.writeFileSync(written, script.createCachedData());
      fs.renameSync(written, CACHE);
      process.exit(0);
    });
  }
  script.runInContext(null, -1, true, false, false)(runtime.exports, require, runtime, RUNTIME, __dirname);
}
