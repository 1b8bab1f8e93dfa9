"""Hearth's Python runtime: everything bootstrap.py runs once it has connected (see bootstrap.py).

A module rather than part of the script so that its bytecode can be cached: a script is compiled on every
start, and this file is 3-5 ms of compiling. The platform writes __pycache__ when it unpacks the runtime
files (/var/runtime is read-only inside the sandbox); without it, Python compiles in memory as before.
"""

import _socket
import importlib
import importlib.machinery
import os
import sys
import time

# The interpreter's own module path, before the function's directories go first: what the runtime imports
# for itself comes from here, never from a module of the function's that happens to share a name.
_STDLIB_PATH = list(sys.path)


def _stdlib_import(name):
    """Imports a standard-library module from the interpreter's own path (it may already be imported)."""
    module = sys.modules.get(name)
    if module is None:
        saved = sys.path[:]
        sys.path[:] = _STDLIB_PATH
        try:
            module = importlib.import_module(name)
        finally:
            sys.path[:] = saved
    return module


class _Lazy(object):
    """A standard-library module imported on first use.

    A cold start pays for every module imported before the handler: json (with re), logging (with
    traceback, string, threading, weakref ...) and socket (with enum, selectors) were about 15 ms, as
    much again as the interpreter's own start. A no-op invocation needs none of them: the JSON codec is
    _json's, the same C scanner and encoder the json module drives (fast_loads/fast_dumps); logging is
    set up as soon as the function imports it (_LoggingHook); traceback is needed for errors only.
    """

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        module = _stdlib_import(self._name)
        globals()[self._name] = module
        return getattr(module, attr)


json = _Lazy("json")
logging = _Lazy("logging")
math = _Lazy("math")
traceback = _Lazy("traceback")

_API_PREFIX = "/2018-06-01/runtime"
_ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
_NEXT_AHEAD_MAX_BODY = 6 * 1024 * 1024  # AWS's response limit, which the platform accepts
_NEXT_AHEAD_MAX_HEAD = 8000  # Vert.x, like most servers, refuses heads over 8 KB
# The platform's answer to an accepted result, status line to body: what arrives alone after a result
# posted with /next behind it, when the next event is not there yet (see _await_more_than_accepted).
_ACCEPTED_BYTES = len(b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n"
                      b'{"status":"OK"}')
_SO_RCVLOWAT = getattr(_socket, "SO_RCVLOWAT", None)
_ERROR_LOG_LINE_TERMINATE = "\r"
_ERROR_LOG_INDENT = "\u00a0"  # AWS indents [ERROR] traceback lines with NO-BREAK SPACEs
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
_USER_AGENT = "aws-lambda-python/%d.%d.%d-hearth" % sys.version_info[:3]

# LogRecord attributes that are not copied into JSON log lines as extra fields (as awslambdaric).
_RESERVED_LOG_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info",
    "exc_text", "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread",
    "threadName", "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
}

# Read from the function's environment by _configure(), once that environment is final.
_LOG_FORMAT_JSON = False
_LOG_LEVEL = ""
_ENCODER = None
_ENSURE_ASCII = True

_UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, or "
    "can be applied automatically. To determine if the runtime has been updated, check the runtime "
    "version in the INIT_START log entry. If this error correlates with a change in the runtime "
    "version, you may be able to mitigate this error by temporarily rolling back to the previous "
    "runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

# This file's directory (/var/runtime): frames from files here are the runtime's, not the function's.
_RUNTIME_FILES = os.path.dirname(os.path.abspath(__file__)) + os.sep

_current_request_id = None
_current_tenant_id = None


class FaultException(Exception):
    """A failure the runtime itself classifies, reported with its Runtime.* type."""

    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# ---------------------------------------------------------------------------------------------------
# Runtime API client


class _ProtocolError(ConnectionError):
    pass


def _reader(sock):
    # A buffered reader on the socket's descriptor (which the socket keeps owning): _socket has no makefile.
    return open(sock.fileno(), "rb", buffering=65536, closefd=False)


class RuntimeApiClient:
    """A minimal HTTP/1.1 client holding one kept-alive connection to the Runtime API."""

    def __init__(self, address):
        self._address = address
        self._host_header = address
        self._sock = None
        self._reader = None
        # Whether /next went out right behind the last result, so that only its answer is left to read.
        self._next_sent = False
        # GET /next's bytes, made once: the same every invocation.
        self._next_request = None

    def adopt(self, sock):
        """Uses a connection opened ahead of the first request."""
        if sock is not None and self._sock is None:
            self._sock = sock
            self._reader = _reader(sock)

    def _connect(self):
        sock = connect(self._address)
        self._sock = sock
        self._reader = _reader(sock)

    def _close(self):
        for closeable in (self._reader, self._sock):
            if closeable is not None:
                try:
                    closeable.close()
                except OSError:
                    pass
        self._sock = None
        self._reader = None

    def request(self, method, path, body=None, headers=None):
        data = request_bytes(self._host_header, method, path, body, headers)
        reused = self._sock is not None
        try:
            if not reused:
                self._connect()
            self._sock.sendall(data)
            return self._read_response()
        except OSError:
            self._close()
            if not reused:
                raise
        # The server closed the kept-alive connection between two requests: one fresh attempt.
        self._connect()
        try:
            self._sock.sendall(data)
            return self._read_response()
        except OSError:
            self._close()
            raise

    def read_sent(self, method, path):
        """The response to a request already written on the adopted connection (asked ahead); on a broken
        connection, the request again on a fresh one."""
        try:
            return self._read_response()
        except OSError:
            self._close()
        return self.request(method, path)

    def _read_response(self):
        reader = self._reader
        status_line = reader.readline(65537)
        if not status_line:
            raise _ProtocolError("the Runtime API closed the connection")
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise _ProtocolError("bad status line from the Runtime API: %r" % status_line)
        status = int(parts[1])
        headers = {}
        while True:
            line = reader.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("utf-8", "replace").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked()
        elif "content-length" in headers:
            length = int(headers["content-length"])
            body = reader.read(length)
            if len(body) != length:
                raise _ProtocolError("the Runtime API closed the connection mid-body")
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            body = reader.read()
            self._close()
        if headers.get("connection", "").lower() == "close":
            self._close()
        return status, headers, body

    def _read_chunked(self):
        reader = self._reader
        chunks = []
        while True:
            size_line = reader.readline(65537)
            if not size_line:
                raise _ProtocolError("the Runtime API closed the connection mid-body")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while reader.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(reader.read(size))
            reader.readline(65537)

    def next_invocation(self, meanwhile=None):
        """The next event's headers and body. {meanwhile}: run after /next is written, while the platform
        answers (for the first event: see _before_first_event)."""
        path = _API_PREFIX + "/invocation/next"
        if self._next_sent:
            self._next_sent = False
            status, headers, body = self.read_sent("GET", path)
        elif meanwhile is not None and self._sock is not None:
            status, headers, body = self._ask_meanwhile(path, meanwhile)
        else:
            status, headers, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(
                "Request to Lambda Runtime 'next' endpoint failed. Reason: '%d'. Response body: '%s'"
                % (status, body.decode("utf-8", "replace"))
            )
        return headers, body

    def _ask_meanwhile(self, path, meanwhile):
        following = self._next_request
        if following is None:
            following = self._next_request = request_bytes(self._host_header, "GET", path)
        try:
            self._sock.sendall(following)
        except OSError:
            self._close()
            return self.request("GET", path)
        meanwhile()
        return self.read_sent("GET", path)

    def post_response(self, request_id, body, content_type):
        self._post(_API_PREFIX + "/invocation/%s/response" % request_id, body, {"Content-Type": content_type},
                   next_ahead=True)

    def post_error(self, request_id, error_result, xray_cause):
        headers = {"Content-Type": "application/json", _ERROR_TYPE_HEADER: error_result["errorType"] or "Runtime.Unknown"}
        # The platform caps this header; AWS drops the X-Ray cause rather than fail the post.
        if xray_cause and len(xray_cause) < 1024 * 1024 and "\n" not in xray_cause:
            headers["Lambda-Runtime-Function-XRay-Error-Cause"] = xray_cause
        self._post(_API_PREFIX + "/invocation/%s/error" % request_id, to_json(error_result).encode("utf-8"), headers,
                   next_ahead=True)

    def restore_next(self, sent=False):
        """{sent}: the request went out ahead, on the adopted connection; only its answer is read."""
        path = _API_PREFIX + "/restore/next"
        status, _, body = self.read_sent("GET", path) if sent else self.request("GET", path)
        if status != 200:
            raise RuntimeError(
                "Request to Lambda Runtime 'restore/next' endpoint failed. Reason: '%d'. Response body: '%s'"
                % (status, body.decode("utf-8", "replace"))
            )

    def post_restore_error(self, error_result):
        headers = {"Content-Type": "application/json", _ERROR_TYPE_HEADER: error_result["errorType"]}
        self._post(_API_PREFIX + "/restore/error", to_json(error_result).encode("utf-8"), headers)

    def post_init_error(self, error_result):
        headers = {"Content-Type": "application/json", _ERROR_TYPE_HEADER: error_result["errorType"] or "Runtime.Unknown"}
        self._post(_API_PREFIX + "/init/error", to_json(error_result).encode("utf-8"), headers)

    def _post_with_next(self, path, body, headers):
        """Writes a result and, right behind it on the same connection, the request for the next event, then
        reads the result's answer: the platform reads /next as soon as it has answered the result (ending the
        invocation, END and REPORT, and answering a caller who asked for the log tail) instead of a round trip
        later. Not for a result the platform may refuse (over AWS's 6 MB, or a head over 8 KB): the refusal's
        log line must precede END. None when it could not be written here (the caller then posts plainly)."""
        if self._sock is None or len(body) > _NEXT_AHEAD_MAX_BODY:
            return None
        data = request_bytes(self._host_header, "POST", path, body, headers)
        if len(data) - len(body) > _NEXT_AHEAD_MAX_HEAD:
            return None
        following = self._next_request
        if following is None:
            following = self._next_request = request_bytes(self._host_header, "GET", _API_PREFIX + "/invocation/next")
        try:
            if len(data) <= 65536:
                self._sock.sendall(data + following)
            else:
                self._sock.sendall(data)
                self._sock.sendall(following)
            self._await_more_than_accepted()
            answer = self._read_response()
        except OSError:
            # The kept-alive connection broke: the result goes again on a fresh one, without /next behind it.
            self._close()
            return None
        # An answer that closed the connection took the /next with it: it is asked again, plainly.
        self._next_sent = self._sock is not None
        return answer

    def _await_more_than_accepted(self):
        """Waits, with the answers to a result and to the /next behind it still unread, until more than a bare
        202 has arrived. The platform answers an accepted result at once and the /next only when the next
        event comes; woken by the 202 alone, the runtime would read it and sleep again, one wake-up per
        invocation for nothing. With SO_RCVLOWAT just above the 202's size the kernel wakes this wait only
        for more: the event behind it, a longer answer (a refusal is longer, so its line is still written at
        once) or a closed connection. Both answers together are always longer than that, so it cannot wait
        for bytes that will not come. The wait peeks (MSG_PEEK): the kernel measures the mark against the
        bytes not yet taken, so a read that had taken part of an answer before sleeping could sleep through
        the rest. Nothing is taken here (the reader's buffer is empty: everything sent before the result has
        been read), and the mark is back at 1 before the reader reads."""
        sock = self._sock
        try:
            sock.setsockopt(_socket.SOL_SOCKET, _SO_RCVLOWAT, _ACCEPTED_BYTES + 1)
        except (OSError, TypeError):
            return  # no such option here: the 202 wakes the runtime, as it would anyway
        try:
            sock.recv(_ACCEPTED_BYTES + 1, _socket.MSG_PEEK)
        finally:
            sock.setsockopt(_socket.SOL_SOCKET, _SO_RCVLOWAT, 1)

    def _post(self, path, body, headers, next_ahead=False):
        answer = self._post_with_next(path, body, headers) if next_ahead else None
        status, _, response = answer or self.request("POST", path, body, headers)
        if status != 202:
            # 400/403/413: the platform refused this answer (e.g. too large); the loop goes on, as AWS's.
            sys.stderr.write(
                "Request to Lambda Runtime '%s' endpoint failed. Reason: '%d'. Response body: '%s'\n"
                % (path, status, response.decode("utf-8", "replace"))
            )


# ---------------------------------------------------------------------------------------------------
# JSON


def request_bytes(host, method, path, body=None, headers=None):
    """An HTTP/1.1 request to the Runtime API, ready to write."""
    head = "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n" % (method, path, host, _USER_AGENT)
    if headers:
        for name, value in headers.items():
            head += "%s: %s\r\n" % (name, value)
    if body is not None:
        head += "Content-Length: %d\r\n" % len(body)
    head = (head + "\r\n").encode("utf-8")
    return head + body if body else head


def _is_decimal(o):
    # No Decimal exists unless its module was imported, so the bootstrap need not import it (2-3 ms).
    for name in ("decimal", "_decimal", "_pydecimal"):
        module = sys.modules.get(name)
        if module is not None and isinstance(o, module.Decimal):
            return True
    return False


def _decimal_as_number(o):
    # AWS's runtime uses simplejson, which writes Decimals (e.g. from DynamoDB) as numbers; the standard
    # library cannot write a raw number, so Decimals become ints or floats.
    if o.is_nan():
        return math.nan
    return int(o) if o == o.to_integral_value() else float(o)


def _encoder():
    """The json module's encoder with Decimal support: the general path, for what fast_dumps leaves."""
    global _ENCODER
    if _ENCODER is None:
        class _Encoder(json.JSONEncoder):
            def default(self, o):
                if _is_decimal(o):
                    return _decimal_as_number(o)
                return super().default(o)

        _ENCODER = _Encoder(ensure_ascii=_ENSURE_ASCII)
    return _ENCODER


class _NotFast(Exception):
    pass


def _fast_default(o):
    if _is_decimal(o):
        return _decimal_as_number(o)
    raise _NotFast()


_WHITESPACE = " \t\n\r"  # what json's decoder skips around a document


class _ScanContext(object):
    # The settings json.JSONDecoder() hands the C scanner by default.
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__
    memo = {}


_FAST = None


def _fast():
    """_json's scanner and encoder factory, or False where this interpreter has no _json."""
    global _FAST
    if _FAST is None:
        try:
            import _json
            _FAST = (_json.make_scanner(_ScanContext()), _json)
        except Exception:
            _FAST = False
    return _FAST


def _before_first_event():
    """Runs while the platform answers the first /next: on a cold start it takes the platform most of a
    millisecond to end init and send the event, and the runtime would only wait. _json's import (a search
    along the function's sys.path, whose new entries are each looked at for the first time, then loading
    its shared library) and its scanner are needed by the first event's decoding and by nothing before it,
    so they are done here instead of after the event has arrived. The handler's module has been imported
    already: what its init sees in sys.modules is unchanged, and during the invocation _json was imported
    before the handler ran, as now."""
    _fast()


def fast_loads(data):
    """json.loads(data) for a well-formed UTF-8 document, through the scanner json.loads itself uses;
    _NotFast for anything else (another encoding, a BOM, an error), which json.loads then decides."""
    fast = _fast()
    if isinstance(data, bytes):
        # json.loads' encoding detection picks UTF-8 exactly when the first byte is neither NUL nor the
        # start of a BOM and the second is not NUL.
        if not fast or not data or data[0] in (0, 0xEF, 0xFE, 0xFF) or (len(data) > 1 and data[1] == 0):
            raise _NotFast()
        s = data.decode("utf-8", "surrogatepass")
    elif isinstance(data, str) and fast and not data.startswith("\ufeff"):
        s = data
    else:
        raise _NotFast()
    end = len(s)
    idx = 0
    while idx < end and s[idx] in _WHITESPACE:
        idx += 1
    try:
        obj, idx = fast[0](s, idx)
    except Exception:
        raise _NotFast()
    while idx < end and s[idx] in _WHITESPACE:
        idx += 1
    if idx != end:
        raise _NotFast()
    return obj


def fast_dumps(obj):
    """_encoder().encode(obj) through the C encoder json.JSONEncoder.encode itself uses, built with the
    same settings (separators, allow_nan, a fresh circular-reference check); _NotFast for anything it
    cannot write alone, which the json module then writes (or reports) as before."""
    fast = _fast()
    if not fast:
        raise _NotFast()
    codec = fast[1]
    quote = codec.encode_basestring_ascii if _ENSURE_ASCII else codec.encode_basestring
    if isinstance(obj, str):
        return quote(obj)
    try:
        encode = codec.make_encoder({}, _fast_default, quote, None, ": ", ", ", False, False, True)
        return "".join(encode(obj, 0))
    except Exception:
        raise _NotFast()


def to_json(obj):
    try:
        return fast_dumps(obj)
    except _NotFast:
        return _encoder().encode(obj)


def loads(data):
    try:
        return fast_loads(data)
    except _NotFast:
        return json.loads(data)


def unmarshal_request(body, content_type):
    if content_type and content_type != "application/json":
        return body
    try:
        return loads(body)
    except Exception as e:
        raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)), None)


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response).encode("utf-8"), "application/json"
    except Exception as e:
        raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)), None)


# ---------------------------------------------------------------------------------------------------
# Context object


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return "Client([installation_id=%s,app_title=%s,app_version_name=%s,app_version_code=%s,app_package_name=%s])" % (
            self.installation_id, self.app_title, self.app_version_name, self.app_version_code, self.app_package_name)


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def _object_from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field))
    return obj


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms,
                 invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as in AWS's runtime (it is read from the environment unchanged).
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _object_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _object_from_dict(Client, self.client_context.client)
        self.identity = _object_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
            "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,"
            "identity=%s,tenant_id=%s])"
            % (self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
               self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
               self.client_context, self.identity, self.tenant_id)
        )


def _parse_json_header(value, name):
    try:
        return loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e)), None)


def create_lambda_context(headers, request_id):
    client_context_json = headers.get("lambda-runtime-client-context")
    cognito_identity_json = headers.get("lambda-runtime-cognito-identity")
    try:
        deadline = int(headers.get("lambda-runtime-deadline-ms") or 0)
    except ValueError:
        deadline = 0
    return LambdaContext(
        request_id,
        _parse_json_header(client_context_json, "Client Context") if client_context_json else None,
        _parse_json_header(cognito_identity_json, "Cognito Identity") if cognito_identity_json else None,
        deadline,
        headers.get("lambda-runtime-invoked-function-arn"),
        headers.get("lambda-runtime-aws-tenant-id"),
    )


# ---------------------------------------------------------------------------------------------------
# Logging


class _Unbuffered(object):
    """Flushes after every write, as AWS's runtime does, so output reaches the platform at once."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        written = self.stream.write(msg)
        self.stream.flush()
        return written

    def flush(self):
        # Defined, not left to __getattr__: that is reached only after the ordinary lookup has failed
        # (an AttributeError made and dropped), and _flush_output calls this twice per invocation.
        return self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


def _one_record(text):
    # The platform reads the output line by line. AWS's runtimes keep a multi-line record (a logged
    # traceback) together with '\r' between its lines when no telemetry descriptor is offered; every
    # record here is written that way, so one record stays one log event.
    return text.rstrip("\n").replace("\r\n", "\r").replace("\n", "\r") + "\n"


def _install_logging(logging):
    """AWS's root handler and formats, on the logging module as soon as it exists."""
    class _LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _current_request_id or ""
            record.tenant_id = _current_tenant_id
            return True

    class _LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            try:
                sys.stdout.write(_one_record(self.format(record)))
            except Exception:
                self.handleError(record)

    class JsonFormatter(logging.Formatter):
        def __init__(self):
            super().__init__(datefmt=_DATETIME_FORMAT)

        def formatTime(self, record, datefmt=None):
            created = time.gmtime(record.created)
            return time.strftime(_DATETIME_FORMAT, created) + ".%03dZ" % int(record.msecs)

        def format(self, record):
            record.levelno = min(50, max(0, record.levelno)) // 10 * 10
            record.levelname = logging.getLevelName(record.levelno)
            exc_info = record.exc_info
            result = {
                "timestamp": self.formatTime(record, self.datefmt),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
                "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
                "errorType": exc_info[0].__name__ if exc_info else None,
                "errorMessage": str(exc_info[1]) if exc_info else None,
                "requestId": getattr(record, "aws_request_id", None),
                "location": "%s:%s:%s" % (record.pathname, record.funcName, record.lineno) if exc_info else None,
            }
            if getattr(record, "tenant_id", None) is not None:
                result["tenantId"] = record.tenant_id
            result.update(
                (key, value) for key, value in record.__dict__.items()
                if key not in _RESERVED_LOG_FIELDS and key not in result
            )
            result = {k: v for k, v in result.items() if v is not None}
            return json.dumps(result, ensure_ascii=False, default=str)

    logging.Formatter.converter = time.gmtime
    handler = _LambdaLoggerHandler()
    if _LOG_FORMAT_JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", _DATETIME_FORMAT))
    if _LOG_LEVEL in logging._nameToLevel:
        logging.getLogger().setLevel(_LOG_LEVEL)
    handler.addFilter(_LambdaLoggerFilter())
    logging.getLogger().addHandler(handler)


class _LoggingHook(object):
    """Sets logging up the moment it is first imported, by the function or by the runtime itself.

    AWS's runtime imports logging before the function's code and installs its root handler; a function
    that never logs need not pay for that (logging brings traceback, string, threading, weakref ... about
    10 ms). The function still only ever sees a logging module with AWS's handler in place: the handler
    is installed before its import statement returns. The module (and what it imports) comes from the
    interpreter's own path, as when the runtime imported it first: a logging.py or string.py among the
    function's files does not replace it.
    """

    def find_spec(self, name, path=None, target=None):
        # Stays in place until logging has run (importlib.util.find_spec alone imports nothing).
        if name != "logging":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, _STDLIB_PATH)
        if spec is not None and spec.loader is not None:
            spec.loader = _ConfiguringLoader(spec.loader)
        return spec


class _ConfiguringLoader(object):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self._loader
        saved = sys.path[:]
        sys.path[:] = _STDLIB_PATH
        try:
            self._loader.exec_module(module)
        finally:
            sys.path[:] = saved
        sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, _LoggingHook)]
        _install_logging(module)


def setup_logging():
    module = sys.modules.get("logging")
    if module is not None:
        _install_logging(module)
    else:
        sys.meta_path.insert(0, _LoggingHook())


def _replace_indentation(line):
    count = len(line) - len(line.lstrip(" "))
    return _ERROR_LOG_INDENT * count + line[count:]


def log_error(error_result):
    if _LOG_FORMAT_JSON:
        record = {"timestamp": time.strftime(_DATETIME_FORMAT, time.gmtime()), "level": "ERROR"}
        record.update(error_result)
        sys.stdout.write(_one_record(to_json(record)))
        return
    description = "[ERROR]"
    error_type = error_result.get("errorType")
    if error_type:
        description += " " + error_type
    error_message = error_result.get("errorMessage")
    if error_message:
        if error_type:
            description += ":"
        description += " " + error_message
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                lines.extend(_replace_indentation(line) for line in element.splitlines())
    sys.stdout.write(_ERROR_LOG_LINE_TERMINATE.join(lines).replace("\n", "\r") + "\n")


def _flush_output():
    # The platform frames each invocation's log by the response; output written before the answer
    # must reach the pipes first.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


# ---------------------------------------------------------------------------------------------------
# Handler loading and errors


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_frames(tb):
    # The frames from the first one outside this file on: the user's code (and, for errors raised while
    # importing, importlib's frames above it, as AWS shows them).
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if not frame[0].startswith(_RUNTIME_FILES):
            return frames[i:]
    return frames


def build_fault_result(exc_info, invoke_id=None):
    etype, value, tb = exc_info
    frames = _user_frames(tb)
    return make_error(str(value), etype.__name__, traceback.format_list(frames), invoke_id), frames


def make_xray_cause(error_type, error_message, frames):
    stack = [{"label": name, "path": path, "line": line} for (path, line, name, _) in frames]
    return to_json({
        "working_directory": os.getcwd(),
        "exceptions": [{"message": error_message, "type": error_type, "stack": stack}],
        "paths": sorted({path for (path, _, _, _) in frames}),
    })


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname))
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname), None)


def handle_event_request(client, request_handler, request_id, headers, body):
    error_result = None
    xray_cause = None
    try:
        context = create_lambda_context(headers, request_id)
        event = unmarshal_request(body, headers.get("content-type"))
        response = request_handler(event, context)
        result, content_type = marshal_response(response)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, request_id)
        xray_cause = make_xray_cause("LambdaValidationError", e.msg, [])
    except Exception:
        error_result, frames = build_fault_result(sys.exc_info(), request_id)
        xray_cause = make_xray_cause(error_result["errorType"], error_result["errorMessage"], frames)
    if error_result is not None:
        log_error(error_result)
        _flush_output()
        client.post_error(request_id, error_result, xray_cause)
    else:
        _flush_output()
        client.post_response(request_id, result, content_type)


# ---------------------------------------------------------------------------------------------------
# Main loop


def set_default_sys_path():
    task_root = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
    runtime_dir = os.environ.get("LAMBDA_RUNTIME_DIR", "/var/runtime")
    site_packages = ["/opt/python/lib/python%d.%d/site-packages" % sys.version_info[:2]]
    # A layer built for the function's runtime (say python3.12) keeps its packages under that version's
    # directory; when this machine's interpreter is another version, those are searched too, after its own.
    runtime = os.environ.get("AWS_EXECUTION_ENV", "").replace("AWS_Lambda_", "", 1)
    if runtime.startswith("python3."):
        declared = "/opt/python/lib/%s/site-packages" % runtime
        if declared not in site_packages:
            site_packages.append(declared)
    # Function code first, then layers, then the runtime, then the interpreter's own paths (the order
    # AWS's python runtimes show in sys.path).
    first = [task_root] + site_packages + ["/opt/python", runtime_dir]
    script_dir = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path[1:] if p not in first and p != script_dir]
    sys.path[:] = first + rest


def update_xray_env_variable(trace_id):
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    elif _environ_has("_X_AMZN_TRACE_ID"):
        del os.environ["_X_AMZN_TRACE_ID"]


def _environ_has(name):
    """name in os.environ, looked up in its own store where it has one (CPython's os._Environ): the mapping's
    generic test raises and catches a KeyError for every name it lacks."""
    environ = os.environ
    data = getattr(environ, "_data", None)
    encode = getattr(environ, "encodekey", None)
    if isinstance(data, dict) and encode is not None:
        return encode(name) in data
    return name in environ


def _configure():
    """Reads the settings that come from the function's environment."""
    global _LOG_FORMAT_JSON, _LOG_LEVEL, _ENCODER, _ENSURE_ASCII
    _LOG_FORMAT_JSON = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
    # AWS maps TRACE (which Python's logging lacks) to DEBUG.
    _LOG_LEVEL = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper().replace("TRACE", "DEBUG")
    # awslambdaric writes non-ASCII characters unescaped only on python3.12.
    _ENSURE_ASCII = os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"
    _ENCODER = None


def _become_function():
    """As a stem cell: waits for the function's environment on standard input, then takes it on."""
    chunks = []
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        sys.exit(0)  # retired without ever being used
    environment = {}
    for entry in data.split(b"\0"):
        if entry:
            name, _, value = entry.partition(b"=")
            environment[os.fsdecode(name)] = os.fsdecode(value)
    # What the sandbox (PWD) or the interpreter itself (LC_CTYPE, by PEP 538's locale coercion) added when
    # the cell started is kept: a fresh start of this function would have added the same.
    added = {k: v for k, v in os.environ.items() if k not in environment and k != "HEARTH_STEM_CELL"}
    os.environ.clear()
    os.environ.update(environment)
    os.environ.update(added)
    time.tzset()
    # A freshly started runtime's standard input is /dev/null: so is this one's from now on.
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    # No import looked in /var/task or /opt yet (they join sys.path below), so no finder cache is stale.
    os.chdir(os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))


def _become_forked_function():
    """As a runtime's fork server (a stem cell that starts environments of many functions, HEARTH_FORK_CELL=1):
    serves forks (hearth_fork) and returns only in a child, whose code the platform has bound at /var/task and
    /opt and whose environment is the function's; then goes on as _become_function's cell does. Returns the
    Runtime API connection the child opened as soon as it had its environment (the platform learns its port)."""
    before = set(sys.modules)
    import hearth_fork
    added = {k: v for k, v in os.environ.items() if k not in ("HEARTH_STEM_CELL", "HEARTH_FORK_CELL")}
    environment, early = hearth_fork.ForkServer().serve(lambda environment: connect_ahead())
    # The fork machinery's modules are not the function's: a fresh start has not imported them.
    for name in set(sys.modules) - before:
        del sys.modules[name]
    for k, v in added.items():
        if k not in environment:
            os.environ[k] = v
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    return early


def connect(address):
    """A TCP connection to the Runtime API at host:port, with Nagle off."""
    host, sep, port = address.rpartition(":")
    if not sep:
        raise ValueError("AWS_LAMBDA_RUNTIME_API must be host:port, got %r" % address)
    return open_connection(host.strip("[]") or "127.0.0.1", int(port))


def open_connection(host, port):
    """socket.create_connection with Nagle off, on the _socket module alone: socket.py costs 3-5 ms of
    imports (enum, selectors) that nothing else here needs."""
    error = None
    # Bytes for an ASCII name: given a str, getaddrinfo encodes it with the idna codec, whose import
    # (re, stringprep, unicodedata) costs more than the interpreter's whole module set-up.
    name = host.encode("ascii") if host.isascii() else host
    for family, kind, proto, _, address in _socket.getaddrinfo(name, port, 0, _socket.SOCK_STREAM):
        sock = _socket.socket(family, kind, proto)
        try:
            sock.connect(address)
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            return sock
        except OSError as e:
            sock.close()
            error = e
    raise error if error is not None else OSError("getaddrinfo returned no address for %s" % host)


def connect_ahead():
    """Opens the connection before it is needed, or None (the first request then connects and reports)."""
    try:
        return connect(os.environ["AWS_LAMBDA_RUNTIME_API"])
    except (KeyError, OSError, ValueError):
        return None


def _hook_failure(e, error_type):
    frames = _user_frames(e.__traceback__)
    return make_error("%s: %s" % (type(e).__name__, e), error_type, traceback.format_list(frames))


_ahead_client = None


def _ask_restore_ahead(address=None):
    """In a forked environment: its connection, on which restore/next is already asked, so that the platform
    answers it while the rest of the hand-over runs here (or None: the runtime then connects and asks). With
    {address} (a spare told its endpoint ahead), before the environment has arrived."""
    ahead = address is not None
    if address is None:
        sock = connect_ahead()
        address = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
    else:
        try:
            sock = connect(address)
        except (OSError, ValueError):
            sock = None
    if sock is not None:
        try:
            sock.sendall(request_bytes(address, "GET", _API_PREFIX + "/restore/next"))
        except OSError:
            sock.close()
            return None
        if ahead:
            # Its client too, while it waits: the environment it gets has this address (_snap_start checks).
            global _ahead_client
            _ahead_client = RuntimeApiClient(address)
            _ahead_client.adopt(sock)
    return sock


# How often a spare runs the rehearsal: Python 3.11 specialises a function's bytecode after 8 calls.
_REHEARSALS = 10


def _rehearse(arrived):
    """In a SnapStart spare connected ahead, while it waits for its environment (until {arrived}()): runs the
    runtime's own restore and invoke code on stand-ins (the environment line's parse, the variables it
    changes, three Runtime API answers, a context, an event and its response), never the function's. A
    forked child shares the template's memory until it writes to it, and in Python nearly every object used
    is written (its reference count): each page the runtime's code, data and allocator touch first after the
    fork costs a copy-on-write fault (about 7 us here; about 160 of them from the environment to the
    response). Touched here, those pages are this child's own before its environment arrives, and the code
    is specialised. Nothing a function sees changes: variables are set to the values they have, the module
    set is what it was."""
    modules = set(sys.modules)
    environ = os.environ
    address = environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    try:
        line = json.dumps(dict(environ))
        event = b'{"k":"v"}'
        request_id = "00000000-0000-0000-0000-000000000000"
        answers = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 2\r\n\r\n{}"
            b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: " + request_id.encode() +
            b"\r\nLambda-Runtime-Deadline-Ms: 1\r\nLambda-Runtime-Invoked-Function-Arn: arn"
            b"\r\nLambda-Runtime-Trace-Id: Root=1\r\nContent-Type: application/json\r\ncontent-length: 9\r\n\r\n" + event +
            b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\ncontent-length: 16\r\n\r\n{\"status\":\"OK\"}\n")
        import io
        for _ in range(_REHEARSALS):
            if arrived():
                break
            environment = json.loads(line)
            for name, value in environment.items():
                if environ.get(name) != value:
                    break
            for name in ("AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_RUNTIME_API"):
                if name in environ:
                    environ[name] = environ[name]
            time.tzset()
            client = RuntimeApiClient(address)
            client._reader = io.BytesIO(answers)
            client._read_response()
            _, headers, body = client._read_response()
            context = create_lambda_context(headers, request_id)
            result, content_type = marshal_response(unmarshal_request(body, headers.get("content-type")))
            request_bytes(address, "POST", _API_PREFIX + "/invocation/%s/response" % context.aws_request_id, result,
                          {"Content-Type": content_type})
            client._read_response()
            request_bytes(address, "GET", _API_PREFIX + "/invocation/next")
    except Exception:
        pass  # a rehearsal only: the real restore runs the same code and reports what fails
    for name in set(sys.modules) - modules:
        del sys.modules[name]


def _snap_start(client, fork_server):
    """SnapStart after init, as AWS's runtime: before-snapshot hooks (last registered first), the snapshot
    ({fork_server}: this interpreter becomes the version's template and returns here only in each forked
    environment, whose own Runtime API is asked again), after-restore hooks (in order). Returns the client
    of the environment that goes on."""
    import snapshot_restore_py
    _run_hooks(_popped(snapshot_restore_py.get_before_snapshot()), "Runtime.BeforeSnapshotError",
               client.post_init_error, 64)
    asked = False
    if fork_server is not None:
        client.restore_next()  # the template's endpoint: "snapshot taken", it now serves forks
        _, early = fork_server.serve(lambda environment: _ask_restore_ahead(), connect_ahead=_ask_restore_ahead,
                                     rehearse=_rehearse)
        _configure()
        address = os.environ["AWS_LAMBDA_RUNTIME_API"]
        ahead = _ahead_client
        if ahead is not None and early is not None and ahead._sock is early and ahead._address == address:
            client = ahead
        else:
            client = RuntimeApiClient(address)
            client.adopt(early)
        asked = early is not None
    client.restore_next(sent=asked)
    _run_hooks(snapshot_restore_py.get_after_restore(), "Runtime.AfterRestoreError", client.post_restore_error, 65)
    return client


def _popped(hooks):
    """Before-snapshot hooks last registered first, each taken off the registry as it runs."""
    while hooks:
        yield hooks.pop()


def _run_hooks(hooks, error_type, post_error, exit_code):
    """Runs (func, args, kwargs) hooks in order; the first that raises is reported through {post_error}
    as {error_type}, and the runtime exits with {exit_code}."""
    try:
        for func, args, kwargs in hooks:
            func(*args, **kwargs)
    except Exception as e:
        error_result = _hook_failure(e, error_type)
        log_error(error_result)
        _flush_output()
        post_error(error_result)
        sys.exit(exit_code)


def _resume_collection(paused):
    """Turns the collector back on as it was before bootstrap paused it (bootstrap._pause_collection), without
    the walk: every object made so far goes to the oldest generation (freeze, then unfreeze, each a list splice),
    where a plain start's would have gone after the walk, and the young generations count from zero. The
    function's code runs with the collector on, its thresholds unchanged, nothing frozen, and gc in sys.modules
    only if it was there before."""
    gc, imported = paused
    gc.freeze()
    gc.unfreeze()
    gc.enable()
    if not imported:
        sys.modules.pop("gc", None)


def main(early=None, stem_cell=False, paused=None):
    """Runs the runtime; {early} is a connection opened ahead, {stem_cell} whether to wait as a cell first,
    {paused} the collector bootstrap paused (or None)."""
    global _current_request_id, _current_tenant_id
    # Set by the platform for a SnapStart template only; the function never sees it.
    fork_server = os.environ.pop("HEARTH_SNAPSHOT_FORK", None) == "1"
    if stem_cell:
        if os.environ.get("HEARTH_FORK_CELL") == "1":
            early = _become_forked_function()
        else:
            _become_function()
            early = connect_ahead()
    _configure()
    sys.stdout = _Unbuffered(sys.stdout)
    sys.stderr = _Unbuffered(sys.stderr)
    set_default_sys_path()
    client = RuntimeApiClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    client.adopt(early)
    handler_name = os.environ.get("_HANDLER", "")
    if paused is not None:
        _resume_collection(paused)
    try:
        setup_logging()
        request_handler = get_handler(handler_name)
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            error_result, _ = build_fault_result(sys.exc_info())
        logging.warning(_UNHANDLED_EXCEPTION_WARNING)
        log_error(error_result)
        _flush_output()
        client.post_init_error(error_result)
        sys.exit(1)

    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":
        if fork_server:
            import hearth_fork
            fork_server = hearth_fork.ForkServer()
        else:
            fork_server = None
        client = _snap_start(client, fork_server)

    meanwhile = _before_first_event
    while True:
        headers, body = client.next_invocation(meanwhile)
        meanwhile = None
        request_id = headers.get("lambda-runtime-aws-request-id", "")
        _current_request_id = request_id
        _current_tenant_id = headers.get("lambda-runtime-aws-tenant-id")
        update_xray_env_variable(headers.get("lambda-runtime-trace-id"))
        handle_event_request(client, request_handler, request_id, headers, body)

