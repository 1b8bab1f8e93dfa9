/**
 * Hearth's bootstrap for the nodejsNN.x managed runtimes.
 *
 * Behaves like AWS's Node.js runtime (aws-lambda-nodejs-runtime-interface-client 3.x): the same
 * handler resolution (CommonJS, ES modules, `.js`/`.mjs`/`.cjs`), async and callback handlers with
 * `callbackWaitsForEmptyEventLoop`, the context object, console patching in AWS's log format, the
 * error payload shape (`trace`) and Runtime.* error types. No npm dependencies: AWS's client needs a
 * native build; this speaks the Runtime API over one kept-alive connection with a minimal HTTP client of its own.
 *
 * Started as `node /var/runtime/index.cjs` with AWS_LAMBDA_RUNTIME_API and _HANDLER set (or as a stem
 * cell, see becomeFunction); the working directory is the task root. LAMBDA_TASK_ROOT (default /var/task) is honoured so that the same file
 * runs outside a sandbox. index.cjs, the entry, runs this file as a CommonJS module, from V8's code cache when the
 * platform has made one, and hands it `exports.importModule` (code compiled from a code cache cannot use import()
 * itself) and `exports.quietBinding`.
 */

'use strict';

// quietBinding: process bindings without spending the deprecation warning the function could see (the entry's).
const { importModule, quietBinding } = exports;

/**
 * The runtime starts node with AWS's V8 flags (--expose-gc, --max-old-space-size). V8 keys code caches
 * by a hash of every flag off its default, so with them Node rejects its built-in code cache and
 * compiles each internal module loaded after its start-up snapshot from source (the ES-module loader an
 * ES-module handler needs; net and its streams, 8 ms of CPU, where the Runtime API client falls back to
 * net). Both flags have done their work once node runs (the heap limit is fixed when the isolate is
 * made, gc() is on the context), so they are set back to their defaults just before the bootstrap loads
 * such a module itself (relax()) and restored, exactly as given, before the function's code is loaded
 * (restore()). A CommonJS handler's start loads none (the Runtime API client drives Node's TCP handle),
 * so here the flags are not touched (nor by the entry, index.cjs: this file's code cache is made with the
 * function's own flags). Nothing changes when NODE_OPTIONS names them too (the values V8 took would
 * be unknown here). Obtaining V8's setter through process.binding spends that binding's one deprecation
 * warning silently: a function calling process.binding('v8') itself is not warned again.
 */
function relaxableV8Flags() {
  // Which flags were given is found at the first relax(), which runs before any of the function's code, as
  // before at the start: only the starts that relax need these regular expressions, and V8 compiles each at its
  // first use (no code cache holds them), which cost a CommonJS handler's start about 0.1 ms for nothing.
  let given;
  let applicable;
  let setFlagsFromString;
  let restored = false;
  return {
    get restored() { return restored; },
    relax: () => {
      if (applicable === undefined) {
        given = process.execArgv.filter((arg) => /^--(expose[-_]gc|max[-_]old[-_]space[-_]size=\d+)$/.test(arg));
        applicable = given.length > 0 && !/expose.gc|old.space/.test(process.env.NODE_OPTIONS ?? '');
      }
      if (!applicable || restored || setFlagsFromString !== undefined) {
        return;
      }
      const silenced = !process.noDeprecation;
      if (silenced) {
        process.noDeprecation = true;
      }
      setFlagsFromString = process.binding('v8').setFlagsFromString;
      if (silenced) {
        delete process.noDeprecation;
      }
      for (const arg of given) {
        setFlagsFromString(/^--expose/.test(arg) ? '--no-expose-gc' : '--max-old-space-size=0');
      }
    },
    restore: () => {
      if (!restored) {
        restored = true;
        if (setFlagsFromString !== undefined) {
          given.forEach((arg) => setFlagsFromString(arg));
        }
      }
    },
  };
}

const v8Flags = relaxableV8Flags();

// Only what every start needs is loaded here: node:http alone (with the streams and parsers it pulls
// in) costs several milliseconds. node:module would load the ES-module loader with it: createRequire
// is taken from the CommonJS loader's Module class (what node:module exports) instead. For the same
// reason this bootstrap is a CommonJS script: an ES-module entry loads Node's whole ES-module loader
// before the first line runs.
const { createRequire } = module.constructor;
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

// AWS's runtime is /var/runtime/index.mjs, an ES module: what the function can see of its entry point
// is made the same. Resolution of the user's CommonJS modules goes through a require rooted at that
// name (AWS's "Require stack" in Runtime.ImportModuleError messages names it), process.argv[1] names it,
// and, as under an ES-module entry, there is no main module (require.main is undefined in the user's
// modules) and no entry of ours in require.cache (index.cjs removes its own; this file is never in it).
// path.resolve, not path.join (the same for an absolute directory): Node's loader has compiled resolve for the
// entry already, and path.join's first call costs 0.06-0.09 ms more (its code compiled then), on every cold start.
const AWS_ENTRY = path.resolve(__dirname, 'index.mjs');
const userRequire = createRequire(AWS_ENTRY);
process.argv[1] = AWS_ENTRY;

const API_PREFIX = '/2018-06-01/runtime';
const RELATIVE_PATH_SUBSTRING = '..';
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const REQUEST_ID_SYMBOL = Symbol.for('aws.lambda.runtime.requestId');
const BEFORE_EXIT_SYMBOL = Symbol.for('aws.lambda.beforeExit');
const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

// ------------------------------------------------------------------------------------------------
// Errors

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class InvalidStreamingOperation extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super('The handler returned a promise that did not settle before the event loop emptied');
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const errorClass of [ImportModuleError, HandlerNotFound, MalformedHandlerName, UserCodeSyntaxError,
  MalformedStreamingHandler, InvalidStreamingOperation, NodeJsExit, UnhandledPromiseRejection]) {
  errorClass.prototype.name = `Runtime.${errorClass.name}`;
}

function isErrorLike(obj) {
  return obj && typeof obj.name === 'string' && typeof obj.message === 'string' && typeof obj.stack === 'string'
    && obj.name && obj.message && obj.stack;
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

/** The body posted to /error and /init/error: Node's shape, with `trace` rather than `stackTrace`. */
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withEnumerableProperties(error) {
  if (error instanceof Error) {
    const ret = Object.assign({ errorType: error.name, errorMessage: error.message, code: error.code }, error);
    if (typeof error.stack === 'string') {
      ret.stack = error.stack.split('\n');
    }
    return ret;
  }
  return error;
}

/** How AWS's runtime prints an error after "Invoke Error" / "Uncaught Exception" in text logs. */
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

function xrayCause(error) {
  try {
    const frames = typeof error?.stack === 'string' ? error.stack.split('\n').slice(1) : [];
    const stack = [];
    for (const frame of frames) {
      const match = frame.match(/^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/);
      if (match) {
        stack.push({ path: match[2], line: parseInt(match[3], 10), label: match[1] || 'anonymous' });
      }
    }
    const cause = JSON.stringify({
      working_directory: process.cwd(),
      exceptions: [{ type: error?.name, message: error?.message, stack }],
      paths: [...new Set(stack.map((f) => f.path))],
    });
    return /^[\x20-\x7e]*$/.test(cause) && cause.length < 1024 * 1024 ? cause : undefined;
  } catch (_) {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------
// Logging: console.* in AWS's format

const LEVELS = Object.freeze({
  TRACE: { name: 'TRACE', priority: 1 },
  DEBUG: { name: 'DEBUG', priority: 2 },
  INFO: { name: 'INFO', priority: 3 },
  WARN: { name: 'WARN', priority: 4 },
  ERROR: { name: 'ERROR', priority: 5 },
  FATAL: { name: 'FATAL', priority: 6 },
});

const currentRequestId = {
  get: () => globalThis[REQUEST_ID_SYMBOL],
  set: (id) => { globalThis[REQUEST_ID_SYMBOL] = id; },
};

function jsonErrorReplacer(_key, value) {
  if (value instanceof Error) {
    return Object.assign({
      errorType: value?.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    }, value);
  }
  return value;
}

function formatJsonMessage(requestId, timestamp, level, ...messageParams) {
  const result = { timestamp, level: level.name, requestId };
  if (messageParams.length === 1) {
    result.message = messageParams[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch (_) {
      result.message = util.format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(...messageParams);
  for (const param of messageParams) {
    if (param instanceof Error) {
      result.errorType = param?.constructor?.name ?? 'UnknownError';
      result.errorMessage = param.message;
      result.stackTrace = typeof param.stack === 'string' ? param.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

// The platform reads stdout line by line. As AWS's runtime does when it has no telemetry descriptor,
// a record's own newlines become '\r' so that one console call stays one log event. Writes to a pipe
// are synchronous in Node on Linux, so a record is out before the response is posted.
function logText(level, message, ...params) {
  const line = `${new Date().toISOString()}\t${currentRequestId.get()}\t${level.name}\t${util.format(message, ...params)}`;
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function logJson(level, message, ...params) {
  const line = formatJsonMessage(currentRequestId.get(), new Date().toISOString(), level, message, ...params);
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

const structuredConsole = {};

function patchConsole() {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const log = json ? logJson : logText;
  const threshold = LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? LEVELS.TRACE;
  const noop = () => {};
  const at = (level) => (level.priority >= threshold.priority ? (msg, ...params) => log(level, msg, ...params) : noop);
  console.trace = at(LEVELS.TRACE);
  console.debug = at(LEVELS.DEBUG);
  console.info = at(LEVELS.INFO);
  console.log = console.info;
  console.warn = at(LEVELS.WARN);
  console.error = at(LEVELS.ERROR);
  console.fatal = (msg, ...params) => log(LEVELS.FATAL, msg, ...params);
  structuredConsole.logError = json
    ? (_msg, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// ------------------------------------------------------------------------------------------------
// Runtime API client

/**
 * Node's TCP handle and stream bindings, as net.Socket drives them, or undefined where they do not look
 * as expected (another Node.js line): requiring node:net loads it and the twenty stream modules it needs,
 * about a fifth of what a no-op cold start spends in this bootstrap, for one connection that the
 * Runtime API client below drives itself. Both bindings are on Node's process.binding allow list.
 */
const tcpBindings = (() => {
  try {
    const { TCP, TCPConnectWrap, constants } = quietBinding('tcp_wrap');
    const { WriteWrap, streamBaseState, kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync } = quietBinding('stream_wrap');
    const ok = typeof TCP === 'function' && typeof TCPConnectWrap === 'function' && typeof WriteWrap === 'function'
      && typeof constants?.SOCKET === 'number' && streamBaseState !== undefined
      && [kReadBytesOrError, kArrayBufferOffset, kLastWriteWasAsync].every((k) => typeof k === 'number')
      && ['connect', 'connect6', 'readStart', 'writeBuffer', 'setNoDelay', 'ref', 'unref', 'close']
        .every((m) => typeof TCP.prototype[m] === 'function');
    return ok ? { TCP, TCPConnectWrap, WriteWrap, SOCKET: constants.SOCKET, state: streamBaseState, kReadBytesOrError,
      kArrayBufferOffset, kLastWriteWasAsync } : undefined;
  } catch (_) {
    return undefined;
  }
})();

/** An error as net reports a failed system call: `connect ECONNREFUSED 127.0.0.1:9001`. */
function systemError(status, syscall, host, port) {
  const code = util.getSystemErrorName(status);
  const error = new Error(`${syscall} ${code}${host === undefined ? '' : ` ${host}:${port}`}`);
  Object.assign(error, { errno: status, code, syscall });
  return error;
}

/**
 * A TCP connection on Node's own handle (what net.Socket wraps): connect, write, read, close, ref and
 * unref, with events to {@code sink}: data(chunk), error(err), close(). libuv queues what is written
 * while the connection is still being made.
 */
class HandleTransport {
  constructor(host, port, sink) {
    const b = tcpBindings;
    this.sink = sink;
    this.open = true;
    this.handle = new b.TCP(b.SOCKET);
    this.handle.onread = (arrayBuffer) => {
      const nread = b.state[b.kReadBytesOrError];
      if (nread > 0) {
        sink.data(Buffer.from(arrayBuffer, b.state[b.kArrayBufferOffset], nread));
      } else if (nread < 0) {
        this.end(util.getSystemErrorName(nread) === 'EOF' ? undefined : systemError(nread, 'read'));
      }
    };
    const request = new b.TCPConnectWrap();
    request.oncomplete = (status) => {
      if (!this.open) {
        return;
      }
      if (status < 0) {
        this.end(systemError(status, 'connect', host, port));
        return;
      }
      this.handle.setNoDelay(true);
      const err = this.handle.readStart();
      if (err < 0) {
        this.end(systemError(err, 'read'));
      }
    };
    request.address = host;
    request.port = port;
    const err = host.includes(':') ? this.handle.connect6(request, host, port) : this.handle.connect(request, host, port);
    if (err < 0) {
      process.nextTick(() => this.end(systemError(err, 'connect', host, port)));
    }
  }

  write(bytes) {
    if (!this.open) {
      return;
    }
    const b = tcpBindings;
    const request = new b.WriteWrap();
    request.handle = this.handle;
    request.oncomplete = (status) => {
      if (status < 0) {
        this.end(systemError(status, 'write'));
      }
    };
    request.async = false;
    request.buffer = bytes; // held until libuv has written it all, as net holds it
    // A string (a request without a body) goes as net writes a 'latin1' string: libuv copies what it cannot write
    // at once. Where a Node.js line has no such method, it is made a Buffer first.
    const err = typeof bytes !== 'string' ? this.handle.writeBuffer(request, bytes)
      : typeof this.handle.writeLatin1String === 'function' ? this.handle.writeLatin1String(request, bytes)
        : this.handle.writeBuffer(request, Buffer.from(bytes, 'latin1'));
    if (err < 0) {
      process.nextTick(() => this.end(systemError(err, 'write')));
    }
  }

  ref() {
    if (this.open) {
      this.handle.ref();
    }
  }

  unref() {
    if (this.open) {
      this.handle.unref();
    }
  }

  destroy() {
    if (this.open) {
      this.open = false;
      this.handle.close();
    }
  }

  /** The connection ended: an error first, if any, then close, as net.Socket reports them. */
  end(err) {
    if (this.open) {
      this.destroy();
      if (err !== undefined) {
        this.sink.error(err);
      }
      this.sink.close();
    }
  }
}

/** The same over net.Socket, where Node's handle cannot be used directly or the host is a name. */
class SocketTransport {
  constructor(host, port, sink) {
    v8Flags.relax();
    this.socket = require('node:net').createConnection({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => sink.data(chunk));
    this.socket.on('error', (err) => sink.error(err));
    this.socket.on('close', () => sink.close());
  }

  write(bytes) {
    this.socket.write(bytes, 'latin1'); // the encoding applies to a string only (a request without a body)
  }

  ref() {
    this.socket.ref();
  }

  unref() {
    this.socket.unref();
  }

  destroy() {
    this.socket.destroy();
  }
}

/**
 * Whether {@code host} reads as /^\d{1,3}(\.\d{1,3}){3}$/ (four groups of one to three ASCII digits), without the
 * regular expression: V8 compiles one at its first use, on the cold start's way to its first /next.
 */
function isIPv4Literal(host) {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((part) => part.length >= 1 && part.length <= 3
    && [...part].every((c) => c >= '0' && c <= '9'));
}

/**
 * One HTTP/1.1 connection to the Runtime API: a minimal client of our own, since node:http costs more to
 * load than the whole protocol needs (status, headers, a Content-Length or chunked body). Requests may be
 * pipelined: answers are matched to them in the order they were written. The socket holds the event loop
 * only while an answer is awaited: an idle connection never keeps the process alive, which
 * callbackWaitsForEmptyEventLoop ('beforeExit') relies on.
 */
class Connection {
  constructor(host, port) {
    const sink = {
      data: (chunk) => this.onData(chunk),
      error: (err) => this.onClose(err),
      close: () => this.onClose(new Error('socket hang up')),
    };
    // The Runtime API's address is an IP literal; a host name (the bootstrap run by hand) goes through net's lookup.
    const literal = isIPv4Literal(host) || host.includes(':');
    this.socket = tcpBindings !== undefined && literal ? new HandleTransport(host, port, sink)
      : new SocketTransport(host, port, sink);
    this.socket.unref();
    this.closed = false;
    this.used = false;
    /** The requests written and not yet answered, oldest first. */
    this.pending = [];
    // What has been read and not yet consumed: nothing until the first chunk (not Buffer.alloc(0), whose code
    // Node compiles at its first call, about 0.08 ms of the way to the first /next).
    this.buffer = undefined;
  }

  exchange(bytes) {
    this.used = true;
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject, answered: false });
      if (this.pending.length === 1) {
        this.socket.ref();
      }
      this.socket.write(bytes);
    });
  }

  onClose(err) {
    this.closed = true;
    const first = this.pending[0];
    if (first !== undefined && first.closeDelimited) {
      // A response without a length ends with the connection.
      this.pending.shift();
      first.resolve({ status: first.status, headers: first.headers, body: this.buffer ?? Buffer.alloc(0) });
    } else if (first !== undefined) {
      this.pending.shift();
      err.answered = first.answered;
      first.reject(err);
    }
    this.abandonPending(err);
    this.socket.destroy();
  }

  /** Requests behind the one that ended the connection were never answered: each is told so. */
  abandonPending(cause) {
    const abandoned = this.pending;
    this.pending = [];
    for (const request of abandoned) {
      request.reject(Object.assign(new Error(cause.message), { code: cause.code, errno: cause.errno,
        syscall: cause.syscall, answered: false }));
    }
  }

  onData(chunk) {
    this.buffer = this.buffer === undefined || this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.pending.length > 0 && this.buffer.length > 0 && this.readAnswer(this.pending[0])) {
      // the next pipelined request's answer may be in the same bytes
    }
  }

  /** Reads {@code pending}'s answer from the buffer; true once it is complete and handed over. */
  readAnswer(pending) {
    pending.answered = true;
    if (pending.headers === undefined) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        return false;
      }
      const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
      this.buffer = this.buffer.subarray(end + 4);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!status) {
        this.fail(pending, new Error(`bad status line from the Runtime API: ${lines[0]}`));
        return false;
      }
      pending.status = parseInt(status[1], 10);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        if (colon > 0) {
          const name = lines[i].substring(0, colon).trim().toLowerCase();
          const value = lines[i].substring(colon + 1).trim();
          headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
        }
      }
      pending.headers = headers;
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        pending.chunks = [];
      } else if (headers['content-length'] !== undefined) {
        pending.length = parseInt(headers['content-length'], 10);
      } else if (pending.status === 204 || pending.status === 304 || pending.status < 200) {
        pending.length = 0;
      } else {
        pending.closeDelimited = true;
      }
    }
    if (pending.chunks !== undefined) {
      return this.readChunks(pending);
    }
    if (pending.length !== undefined && this.buffer.length >= pending.length) {
      const body = this.buffer.subarray(0, pending.length);
      this.buffer = this.buffer.subarray(pending.length);
      this.finish(pending, body);
      return true;
    }
    return false;
  }

  readChunks(pending) {
    for (;;) {
      const lineEnd = this.buffer.indexOf('\r\n');
      if (lineEnd < 0) {
        return false;
      }
      const size = parseInt(this.buffer.toString('latin1', 0, lineEnd).split(';')[0].trim(), 16);
      if (Number.isNaN(size)) {
        this.fail(pending, new Error('bad chunk from the Runtime API'));
        return false;
      }
      if (size === 0) {
        const trailersEnd = this.buffer.indexOf('\r\n\r\n', lineEnd);
        const end = this.buffer.indexOf('\r\n', lineEnd + 2) === lineEnd + 2 ? lineEnd + 4
          : trailersEnd < 0 ? -1 : trailersEnd + 4;
        if (end < 0) {
          return false;
        }
        this.buffer = this.buffer.subarray(end);
        this.finish(pending, Buffer.concat(pending.chunks));
        return true;
      }
      if (this.buffer.length < lineEnd + 2 + size + 2) {
        return false;
      }
      pending.chunks.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      this.buffer = this.buffer.subarray(lineEnd + 2 + size + 2);
    }
  }

  finish(pending, body) {
    this.pending.shift();
    if (!this.closed) {
      if ((pending.headers.connection ?? '').toLowerCase() === 'close') {
        this.closed = true;
        this.socket.destroy();
        this.abandonPending(new Error('socket hang up'));
      } else if (this.pending.length === 0) {
        this.socket.unref();
      }
    }
    pending.resolve({ status: pending.status, headers: pending.headers, body });
  }

  fail(pending, err) {
    this.pending.shift();
    this.closed = true;
    this.socket.destroy();
    err.answered = true;
    pending.reject(err);
    this.abandonPending(err);
  }
}

/** The most a result may weigh for /next to be asked right behind it: AWS's 6 MB, which the platform accepts. */
const NEXT_AHEAD_MAX_BODY = 6 * 1024 * 1024;
/** ... and the most its head may (Vert.x, like most servers, refuses heads over 8 KB). */
const NEXT_AHEAD_MAX_HEAD = 8000;

class RuntimeClient {
  constructor(address) {
    const separator = address.lastIndexOf(':');
    // An IPv6 address's brackets come off (what /^\[|\]$/g removed, without a regular expression to compile).
    const host = address.substring(0, separator);
    const opened = host.startsWith('[') ? host.substring(1) : host;
    this.hostname = opened.endsWith(']') ? opened.substring(0, opened.length - 1) : opened;
    this.port = parseInt(address.substring(separator + 1), 10);
    this.hostHeader = address;
    this.connection = undefined;
    // Requests go over one kept-alive connection in the order they were made, each written once the one
    // before it is answered; only a /next asked ahead is written behind the result still awaiting its answer.
    this.queue = [];
    this.inFlight = 0;
    this.nextAhead = undefined;
    this.nextAsked = undefined;
  }

  /**
   * Opens the connection ahead of the first request: the platform checks that a connection comes from
   * this sandbox as soon as it accepts it, and that check then runs while the handler loads instead of after.
   */
  connectAhead() {
    this.connection = new Connection(this.hostname, this.port);
  }

  request(method, urlPath, body, headers = {}, options = {}) {
    return new Promise((resolve, reject) => {
      const { payload, head, bytes } = encodeRequest(this.hostHeader, method, urlPath, body, headers);
      this.queue.push({ bytes, resolve, reject, pipelined: options.pipelined === true });
      this.pump();
      if (options.nextAhead === true && (payload === undefined || payload.length <= NEXT_AHEAD_MAX_BODY)
          && head.length <= NEXT_AHEAD_MAX_HEAD) {
        this.askNextAhead();
      }
    });
  }

  pump() {
    while (this.queue.length > 0) {
      const pipelinable = this.queue[0].pipelined && this.inFlight === 1 && this.connection !== undefined
        && !this.connection.closed;
      if (this.inFlight > 0 && !pipelinable) {
        return;
      }
      this.send(this.queue.shift());
    }
  }

  send({ bytes, resolve, reject }) {
    let retry = this.connection !== undefined && this.connection.used;
    const attempt = () => {
      if (this.connection === undefined || this.connection.closed) {
        this.connection = new Connection(this.hostname, this.port);
        retry = false; // a fresh connection that fails is reported, not retried
      }
      this.inFlight++;
      this.connection.exchange(bytes).then((res) => {
        this.inFlight--;
        this.pump();
        resolve(res);
      }, (err) => {
        this.inFlight--;
        if (retry && !err.answered) {
          // The platform closed the kept-alive connection between two requests: one fresh attempt.
          attempt();
          return;
        }
        this.pump();
        reject(err);
      });
    };
    attempt();
  }

  /**
   * Asks for the next event right behind a result (pipelined on the same connection), at the moment
   * AWS's runtime would ask once that result is posted: its client posts synchronously and then asks
   * from setImmediate. The platform reads /next as soon as it has answered the result, instead of a round
   * trip and a turn of this loop later. Only for a result the platform will take: one it refused would be
   * logged (post()) after the invocation's END.
   */
  askNextAhead() {
    if (this.nextAhead === undefined && this.nextAsked === undefined) {
      this.nextAhead = setImmediate(() => {
        this.nextAhead = undefined;
        const asked = this.request('GET', `${API_PREFIX}/invocation/next`, undefined, {}, { pipelined: true });
        asked.catch(() => {}); // its outcome is nextInvocation()'s to report
        this.nextAsked = asked;
      });
    }
  }

  async nextInvocation() {
    if (this.nextAhead !== undefined) {
      clearImmediate(this.nextAhead);
      this.nextAhead = undefined;
    }
    const asked = this.nextAsked;
    this.nextAsked = undefined;
    const res = await (asked ?? this.request('GET', `${API_PREFIX}/invocation/next`));
    if (res.status !== 200) {
      throw new Error(`Failed to get next invocation: ${res.status} ${res.body.toString('utf8')}`);
    }
    return { bodyJson: res.body.toString('utf8'), headers: res.headers };
  }

  /** With {@code nextAhead}, the invoke loop goes on after this result: /next may be asked behind it. */
  async postInvocationResponse(id, body, contentType = 'application/json', nextAhead = false) {
    await this.post(`${API_PREFIX}/invocation/${encodeURIComponent(id)}/response`, body, { 'Content-Type': contentType },
      nextAhead);
  }

  async postInvocationError(error, id, nextAhead = false) {
    const response = toRapidResponse(error);
    await this.post(`${API_PREFIX}/invocation/${encodeURIComponent(id)}/error`, JSON.stringify(response),
      errorHeaders(response.errorType, xrayCause(error)), nextAhead);
  }

  async postInitError(error) {
    const response = toRapidResponse(error);
    await this.post(`${API_PREFIX}/init/error`, JSON.stringify(response), errorHeaders(response.errorType));
  }

  async post(urlPath, body, headers, nextAhead = false) {
    const res = await this.request('POST', urlPath, body, headers, { nextAhead });
    if (res.status !== 202) {
      // The platform refused the answer (e.g. too large); the loop goes on, as with AWS's client.
      process.stderr.write(`Request to Lambda Runtime '${urlPath}' failed: ${res.status} ${res.body.toString('utf8')}\n`);
    }
  }
}

/**
 * A request's bytes: head (ended by an empty line) and body. Without a body (every /next) they stay a string,
 * which the transport writes as latin1: the first Buffer.from(string) of a process costs about 0.1 ms (Node's
 * code for it is compiled at its first use), which the first /next would pay on the cold start's critical path;
 * the first result's Buffer is made by rehearseFirstEvent, while the platform sends the event.
 */
function encodeRequest(hostHeader, method, urlPath, body, headers) {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  let head = `${method} ${urlPath} HTTP/1.1\r\nHost: ${hostHeader}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    head += `${name}: ${value}\r\n`;
  }
  if (payload !== undefined) {
    head += `Content-Length: ${payload.length}\r\n`;
  }
  const bytes = payload === undefined ? `${head}\r\n` : Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), payload]);
  return { payload, head, bytes };
}

/**
 * Runs the first event's own parsing and the result's encoding once on made-up bytes, right after the first
 * /next is written: what they use of Node (Buffer's indexOf, toString and subarray, the answer's regular
 * expressions, Buffer.concat) is compiled the first time it runs, which the runtime's code cache cannot hold.
 * The platform ends the init phase before it sends the first event, which took 0.2-6.6 ms (BENCHMARKS.md), so
 * this mostly runs while the process would wait; should the event come sooner, it is parsed by code this has
 * compiled. Nothing here is seen by the function: a connection object without a socket, a result nobody sends.
 */
function rehearseFirstEvent() {
  const connection = Object.assign(Object.create(Connection.prototype),
    { closed: true, used: true, pending: [], buffer: Buffer.alloc(0) });
  connection.pending.push({ resolve: (res) => JSON.parse(res.body.toString('utf8')), reject: () => {}, answered: false });
  connection.onData(Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
    + 'Lambda-Runtime-Aws-Request-Id: rehearsal\r\nContent-Length: 2\r\n\r\n{}', 'latin1'));
  encodeRequest('127.0.0.1:9001', 'POST', `${API_PREFIX}/invocation/rehearsal/response`, serialize({}),
    { 'Content-Type': 'application/json' });
}

function errorHeaders(errorType, cause) {
  const headers = { 'Content-Type': 'application/json' };
  if (typeof errorType === 'string' && /^[\x21-\x7e]+$/.test(errorType)) {
    headers['Lambda-Runtime-Function-Error-Type'] = errorType;
  }
  if (cause !== undefined) {
    headers['Lambda-Runtime-Function-XRay-Error-Cause'] = cause;
  }
  return headers;
}

function serialize(result) {
  return JSON.stringify(result === undefined ? null : result);
}

// ------------------------------------------------------------------------------------------------
// Loading the user's handler

function moduleRootAndHandler(fullHandlerString) {
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  return [moduleRoot, handlerString];
}

/**
 * AWS's split of `module.function`, /^([^.]*)\.(.*)$/: the module up to the first dot, the rest after it, which
 * may hold no line terminator (`.` matches none). Without the regular expression, which V8 would compile on every
 * cold start's critical path (no code cache holds it).
 */
function splitHandlerString(handler) {
  const dot = handler.indexOf('.');
  const rest = dot < 0 ? '' : handler.substring(dot + 1);
  if (dot < 0 || ['\n', '\r', '\u2028', '\u2029'].some((terminator) => rest.includes(terminator))) {
    throw new MalformedHandlerName('Bad handler');
  }
  return [handler.substring(0, dot), rest];
}

function resolveHandler(object, nestedProperty) {
  return nestedProperty.split('.').reduce((nested, key) => nested && nested[key], object);
}

function tryRequireFile(file, extension = '') {
  const candidate = file + extension;
  if (!fs.existsSync(candidate)) {
    return undefined;
  }
  v8Flags.restore();
  return userRequire(candidate);
}

async function tryAwaitImport(file, extension = '') {
  const candidate = file + extension;
  if (!fs.existsSync(candidate)) {
    return undefined;
  }
  if (!v8Flags.restored) {
    // Node's ES-module loader, loaded by the first dynamic import, is ours to load: with the cache.
    v8Flags.relax();
    await importModule('node:path');
    v8Flags.restore();
  }
  return await importModule(require('node:url').pathToFileURL(candidate).href);
}

/** True when the nearest package.json above {@code folder} says "type": "module". */
function hasFolderPackageJsonTypeModule(folder) {
  if (folder.endsWith('/node_modules')) {
    return false;
  }
  const packageJson = path.resolve(folder, 'package.json'); // folder is absolute: what path.join gives (see AWS_ENTRY)
  if (fs.existsSync(packageJson)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(packageJson));
      if (pkg) {
        return pkg.type === 'module';
      }
    } catch (e) {
      console.warn(`${packageJson} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') {
    return false;
  }
  return hasFolderPackageJsonTypeModule(path.resolve(folder, '..'));
}

async function tryRequire(appRoot, moduleRoot, module) {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) {
    return extensionless;
  }
  const typeModule = hasFolderPackageJsonTypeModule(path.dirname(lambdaStylePath));
  if (!typeModule) {
    const loaded = tryRequireFile(lambdaStylePath, '.js');
    if (loaded) {
      return loaded;
    }
  }
  const loaded = (typeModule && (await tryAwaitImport(lambdaStylePath, '.js')))
    || (await tryAwaitImport(lambdaStylePath, '.mjs'))
    || tryRequireFile(lambdaStylePath, '.cjs');
  if (loaded) {
    return loaded;
  }
  // A module found the Node way (e.g. a package under node_modules or NODE_PATH).
  const resolved = userRequire.resolve(module, { paths: [appRoot, moduleRoot] });
  v8Flags.restore();
  return userRequire(resolved);
}

async function loadUserApp(appRoot, moduleRoot, module) {
  try {
    return await tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new UserCodeSyntaxError(e);
    } else if (e.code !== undefined && e.code === 'MODULE_NOT_FOUND') {
      throw new ImportModuleError(e);
    }
    throw e;
  }
}

async function loadHandler(appRoot, fullHandlerString) {
  if (fullHandlerString.includes(RELATIVE_PATH_SUBSTRING)) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const [moduleRoot, moduleAndHandler] = moduleRootAndHandler(fullHandlerString);
  const [module, handlerPath] = splitHandlerString(moduleAndHandler);
  const userApp = await loadUserApp(appRoot, moduleRoot, module);
  const handlerFunc = resolveHandler(userApp, handlerPath);
  if (!handlerFunc) {
    throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  }
  if (typeof handlerFunc !== 'function') {
    throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  }
  return handlerFunc;
}

function streamingMode(handler) {
  const mode = handler[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false) {
    return undefined;
  }
  if (mode === STREAM_RESPONSE) {
    return STREAM_RESPONSE;
  }
  throw new MalformedStreamingHandler('Only response streaming is supported.');
}

function installAwsLambdaGlobal() {
  const noGlobal = ['1', 'true'].includes(process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA);
  if (noGlobal) {
    return;
  }
  globalThis.awslambda = {
    streamifyResponse: (handler, options) => {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') {
        handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark, 10);
      }
      return handler;
    },
    HttpResponseStream: {
      // Function URLs' framing: a JSON prelude, eight NUL bytes, then the body.
      from(underlyingStream, prelude) {
        underlyingStream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
        underlyingStream.write(JSON.stringify(prelude));
        underlyingStream.write(Buffer.alloc(8));
        return underlyingStream;
      },
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The invoke loop

const beforeExitListener = {
  reset: () => { globalThis[BEFORE_EXIT_SYMBOL] = () => {}; },
  set: (listener) => { globalThis[BEFORE_EXIT_SYMBOL] = listener; },
  invoke: () => globalThis[BEFORE_EXIT_SYMBOL](),
};

function isPromise(obj) {
  return obj && obj.then && typeof obj.then === 'function';
}

function parseJsonHeader(value, name) {
  if (value === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

function attachEnvironmentData(callbackContext, headers) {
  const deadline = parseInt(headers['lambda-runtime-deadline-ms'], 10);
  const traceId = headers['lambda-runtime-trace-id'];
  if (traceId) {
    process.env._X_AMZN_TRACE_ID = traceId;
  } else {
    delete process.env._X_AMZN_TRACE_ID;
  }
  const data = {
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  if (headers['lambda-runtime-aws-tenant-id'] !== undefined) {
    data.tenantId = headers['lambda-runtime-aws-tenant-id'];
  }
  return Object.assign(callbackContext, data);
}

class Runtime {
  constructor(client, handler, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.errorCallbacks = errorCallbacks;
    this.isAsync = handler.constructor?.name === 'AsyncFunction';
    this.rehearsed = false;
    this.handleOnce = streamingMode(handler) === STREAM_RESPONSE ? this.handleOnceStreaming : this.handleOnceBuffered;
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().then(() => {}, (err) => {
        console.log(`Unexpected Top Level Error: ${err.toString()}`);
        this.errorCallbacks.uncaughtException(err);
      });
    });
  }

  fatal(err) {
    process.stderr.write(`Runtime API request failed: ${err}\n`);
    process.exit(1);
  }

  async handleOnceBuffered() {
    const next = this.client.nextInvocation(); // asked (written) synchronously
    if (!this.rehearsed) {
      this.rehearsed = true;
      rehearseFirstEvent();
    }
    const { bodyJson, headers } = await next;
    const id = headers['lambda-runtime-aws-request-id'];
    currentRequestId.set(id);
    const [callback, callbackContext, markCompleted] = this.buildCallbackContext(id);
    try {
      this.setErrorCallbacks(id);
      this.setDefaultExitListener(id, markCompleted);
      const result = this.handler(JSON.parse(bodyJson), attachEnvironmentData(callbackContext, headers), callback);
      if (isPromise(result)) {
        result.then(callbackContext.succeed, callbackContext.fail).catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  /**
   * Streaming handlers (awslambda.streamifyResponse) run buffered: the Invoke API answers with the
   * whole body, which is what AWS returns for a plain Invoke of a streaming function.
   */
  async handleOnceStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const id = headers['lambda-runtime-aws-request-id'];
    currentRequestId.set(id);
    this.setErrorCallbacks(id);
    beforeExitListener.set(() => this.scheduleIteration());
    const chunks = [];
    let contentType = 'application/octet-stream';
    const { Writable } = require('node:stream');
    const responseStream = new Writable({
      highWaterMark: this.handler[HANDLER_HIGHWATERMARK],
      write(chunk, encoding, done) {
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
        done();
      },
    });
    responseStream.setContentType = (type) => { contentType = type; };
    const fail = (err) => this.postError(err, id).then(() => this.scheduleIteration(), (e) => this.fatal(e));
    try {
      const ctx = attachEnvironmentData({}, headers);
      const handlerResult = this.handler(JSON.parse(bodyJson), responseStream, ctx);
      if (!isPromise(handlerResult)) {
        await fail(new InvalidStreamingOperation('Streaming does not support non-async handlers.'));
        return;
      }
      const result = await handlerResult;
      if (typeof result !== 'undefined') {
        console.warn('Streaming handlers ignore return values.');
      }
      if (!responseStream.writableFinished) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!responseStream.writableFinished) {
        await fail(new InvalidStreamingOperation('Response stream is not finished.'));
        return;
      }
      await this.client.postInvocationResponse(id, Buffer.concat(chunks), contentType, true);
      this.scheduleIteration();
    } catch (err) {
      await fail(err);
    }
  }

  postError(err, id) {
    structuredConsole.logError('Invoke Error', err);
    return this.client.postInvocationError(err, id, true);
  }

  /** callback, context.succeed/fail/done and the callbackWaitsForEmptyEventLoop flag; first call wins. */
  buildCallbackContext(id) {
    const scheduleNext = () => this.scheduleIteration();
    const postError = (err) => {
      this.postError(err, id).then(scheduleNext, (e) => this.fatal(e));
    };
    let isCompleteInvoked = false;
    const complete = (result) => {
      if (isCompleteInvoked) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      isCompleteInvoked = true;
      let body;
      try {
        body = serialize(result);
      } catch (_) {
        postError(new Error('Unable to stringify response body'));
        return;
      }
      this.client.postInvocationResponse(id, body, undefined, true).then(scheduleNext, (e) => this.fatal(e));
    };
    let waitForEmptyEventLoop = true;
    const callback = (err, result) => {
      beforeExitListener.reset();
      if (err !== undefined && err !== null) {
        postError(err);
      } else if (!waitForEmptyEventLoop) {
        complete(result);
      } else {
        // AWS answers once the event loop is empty: 'beforeExit' fires exactly then (the runtime's own
        // kept-alive socket is unref'd while idle).
        beforeExitListener.set(() => setImmediate(() => complete(result)));
      }
    };
    const done = (err, result) => {
      beforeExitListener.reset();
      if (err !== undefined && err !== null) {
        postError(err);
      } else {
        complete(result);
      }
    };
    const context = {
      get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
      set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
      succeed: (result) => done(null, result),
      fail: (err) => (err === undefined || err === null ? done('handled') : done(err, null)),
      done,
    };
    let finished = false;
    const onlyFirst = (fn) => (...args) => {
      if (!finished) {
        fn(...args);
        finished = true;
      }
    };
    context.succeed = onlyFirst(context.succeed);
    context.fail = onlyFirst(context.fail);
    context.done = onlyFirst(context.done);
    return [onlyFirst(callback), context, () => { isCompleteInvoked = true; }];
  }

  setErrorCallbacks(id) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, id).finally(() => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, id).finally(() => process.exit(128));
    };
  }

  /** A handler that neither calls back nor returns a promise answers null once the loop is empty. */
  setDefaultExitListener(id, markCompleted) {
    beforeExitListener.set(() => {
      markCompleted();
      if (this.isAsync) {
        const error = new NodeJsExit();
        structuredConsole.logError('Invoke Error', error);
        this.client.postInvocationError(error, id, true).then(() => this.scheduleIteration(), (e) => this.fatal(e));
      } else {
        this.client.postInvocationResponse(id, serialize(null), undefined, true).then(() => this.scheduleIteration(),
          (e) => this.fatal(e));
      }
    });
  }
}

/**
 * As a stem cell (HEARTH_STEM_CELL=1: started by the platform before any function needed it, with the
 * variables Node reads at its start equal to the function's): waits on standard input for the function's
 * complete environment (NAME=value entries, each ended by NUL, up to end-of-file) and takes it on, so that
 * what follows runs as in a freshly started runtime. What the sandbox added at the cell's start (PWD) stays,
 * as a fresh start would have it too.
 */
async function becomeFunction() {
  // First uses cost a few milliseconds each (the loader's dynamic import, a TCP socket): paid here, while
  // waiting, rather than after. Neither leaves anything the function can see.
  v8Flags.relax();
  await importModule('node:path');
  if (tcpBindings === undefined) {
    new (require('node:net').Socket)().destroy();
  } else {
    new tcpBindings.TCP(tcpBindings.SOCKET).close();
  }
  const data = fs.readFileSync(0);
  if (data.length === 0) {
    process.exit(0); // retired without ever being used
  }
  const environment = {};
  for (const entry of data.toString('utf8').split('\0')) {
    const separator = entry.indexOf('=');
    if (separator > 0) {
      environment[entry.substring(0, separator)] = entry.substring(separator + 1);
    }
  }
  const added = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!(name in environment) && name !== 'HEARTH_STEM_CELL') {
      added[name] = value;
    }
  }
  for (const name of Object.keys(process.env)) {
    delete process.env[name];
  }
  Object.assign(process.env, environment, added);
  process.chdir(process.env.LAMBDA_TASK_ROOT || '/var/task');
}

async function main() {
  if (process.env.HEARTH_STEM_CELL === '1') {
    await becomeFunction();
  }
  patchConsole();
  const client = new RuntimeClient(process.env.AWS_LAMBDA_RUNTIME_API);
  client.connectAhead();
  const errorCallbacks = {
    uncaughtException: (error) => { client.postInitError(error).finally(() => process.exit(129)); },
    unhandledRejection: (error) => { client.postInitError(error).finally(() => process.exit(128)); },
  };
  process.on('uncaughtException', (error) => {
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    structuredConsole.logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });
  beforeExitListener.reset();
  process.on('beforeExit', beforeExitListener.invoke);

  let handler;
  try {
    installAwsLambdaGlobal();
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT || '/var/task', process.env._HANDLER || '');
    streamingMode(handler);
  } catch (error) {
    v8Flags.restore();
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
    return;
  }
  v8Flags.restore();
  new Runtime(client, handler, errorCallbacks).scheduleIteration();
}

main();
