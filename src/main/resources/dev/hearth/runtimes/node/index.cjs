/**
 * Hearth's entry for the nodejsNN.x managed runtimes: runs the runtime (runtime.cjs) as a CommonJS module,
 * from V8's code cache when the platform has made one for this node (runtime.<process.version>.cache, written
 * next to it by NodeCodeCache), else compiled as any module.
 *
 * Why: most of what the runtime itself costs a cold start is V8 compiling its functions the first time each
 * runs (every function on the way to the first response, lazily, one by one). A code cache made after one
 * training invoke holds the bytecode of exactly those functions. V8 keys a code cache by a hash of every V8
 * flag off its default, and AWS's --expose-gc and --max-old-space-size=N (N per memory size) are such flags,
 * so the cache is made and read with both at their defaults (they have done their work once node runs: the
 * heap limit is fixed when the isolate is made, gc() is on the context) and set back, exactly as given,
 * before the runtime runs. Unless NODE_OPTIONS names them too (values unknown here): then V8 rejects the cache
 * and compiles the source, as it does for a cache of another node.
 *
 * The cache is read through the script binding that node:vm wraps (on process.binding's allow list):
 * loading node:vm would cost more than the cache saves. That binding's arguments differ between Node.js
 * lines, and a wrong call aborts node, so it is used only when the cache's name carries this node's exact
 * version, which only the platform's training run writes once it has worked (the same binding and node; the
 * argument --hearth-code-cache-training, which no function's command line has, marks that run). Code compiled
 * through it cannot use import(): the runtime imports through
 * `exports.importModule`, made here (and takes `exports.quietBinding` from here too). The function sees what it
 * saw when this file was the runtime: no main module, no entry of ours in require.cache, and both V8 flags as given.
 */

'use strict';

const fs = require('node:fs');

const RUNTIME = `${__dirname}/runtime.cjs`;
const CACHE = `${__dirname}/runtime.${process.version}.cache`;
const TRAINING = process.argv[2] === '--hearth-code-cache-training';

// AWS's entry is /var/runtime/index.mjs, an ES module: no main module, nothing of ours in require.cache.
delete process.mainModule;
delete require.cache[__filename];

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

/** Runs {@code action} with AWS's V8 flags at their defaults, then sets them back as given. */
function withDefaultV8Flags(action) {
  const given = process.execArgv.filter((arg) => /^--(expose[-_]gc|max[-_]old[-_]space[-_]size=\d+)$/.test(arg));
  if (given.length === 0 || /expose.gc|old.space/.test(process.env.NODE_OPTIONS ?? '')) {
    return action();
  }
  const { setFlagsFromString } = quietBinding('v8');
  given.forEach((arg) => setFlagsFromString(/^--expose/.test(arg) ? '--no-expose-gc' : '--max-old-space-size=0'));
  try {
    return action();
  } finally {
    given.forEach((arg) => setFlagsFromString(arg));
  }
}

function readCache() {
  try {
    return fs.readFileSync(CACHE);
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
  const script = withDefaultV8Flags(() => new ContextifyScript(
    `(function (exports, require, module, __filename, __dirname) { ${source}\n})`,
    RUNTIME, 0, 0, cachedData, false, undefined, Symbol(RUNTIME)));
  if (TRAINING) {
    // The platform ends the run (SIGTERM) once the training invoke is answered: by then every function on a
    // cold start's way to its response has been compiled, and the cache holds them.
    process.on('SIGTERM', () => {
      const written = `${CACHE}.${process.pid}`;
      fs.writeFileSync(written, withDefaultV8Flags(() => script.createCachedData()));
      fs.renameSync(written, CACHE);
      process.exit(0);
    });
  }
  script.runInContext(null, -1, true, false, false)(runtime.exports, require, runtime, RUNTIME, __dirname);
}
