/**
 * The Python half of the hosted runtime, imported once into every fresh VM (as /hosted/_rt.py on the VM's
 * private Emscripten file system, which is then unmounted from `/`).
 *
 * It mounts CIRCUITPY (a user-defined VFS over the JS FAT code), sets CircuitPython's sys.path, installs an
 * `__import__` that serves our core modules (built-ins on a board: they win over files) and our frozen
 * libraries (found where `.frozen` sits in sys.path), refuses modules the SAMD21 build lacks, and runs files
 * and REPL input with CircuitPython's error texts. Frames from these files are removed from tracebacks.
 */
export const RT_PY = String.raw`
import sys, vfs, builtins, io, _hal_js, _cstack

class _Hal:
    # The JS module with its error strings ('\x00<type>\x00<message>\x00<errno>') raised as exceptions.
    def __getattr__(self, name):
        f = getattr(_hal_js, name)
        def call(*args):
            r = f(*args)
            if isinstance(r, str) and r.startswith('\x00'):
                _, kind, msg, errno = r.split('\x00')
                if kind == 'OSError':
                    raise OSError(int(errno))
                if kind == 'ValueError':
                    raise ValueError(msg)
                if kind == 'IndexError':
                    raise IndexError(msg)
                if kind == 'NotImplementedError':
                    raise NotImplementedError(msg)
                raise RuntimeError(msg)
            return r
        setattr(self, name, call)
        return call

_hal = _Hal()
sys.modules['_hal'] = _hal
del sys.modules['_hal_js']
del sys.modules['_cstack']

HOSTED = '/.hosted'
# gc.mem_alloc() of the VM once this runtime is set up and collected (set by the engine).
baseline = [0]

def set_baseline():
    baseline[0] = _real['gc'].mem_alloc()
import gc as _gc, os as _vm_os
# The VM's own modules our core modules wrap (others are imported on first use: start-up time matters).
_real = {'sys': sys, 'gc': _gc, 'os': _vm_os}

def real(name):
    m = _real.get(name)
    if m is None:
        m = _real[name] = _orig_import(name)
        if name in CORE:
            sys.modules.pop(name, None)
    return m

# ---- CIRCUITPY: the VFS protocol over the FAT volume held by JS -------------------------------------
_ENOENT = 2
_EIO = 5
_EEXIST = 17
_EINVAL = 22
_EROFS = 30

# CircuitPython's errno texts (py/moderrno.c there; checked on the firmware), and an OSError whose str()
# uses them. Tracebacks of any OSError get the same text (format_exception).
_ERRNO_TEXT = {1: 'Operation not permitted', 2: 'No such file/directory', 5: 'Input/output error', 13: 'Permission denied', 17: 'File exists', 19: 'No such device', 21: 'EISDIR', 22: 'Invalid argument', 28: 'No space left on device', 30: 'Read-only filesystem'}

def errno_text(args):
    n = args[0]
    t = _ERRNO_TEXT.get(n)
    s = ('[Errno %d] %s' % (n, t)) if t else str(n)
    if len(args) > 1:
        s += ': ' + str(args[1])
    return s

_BaseOSError = OSError

class OSError(_BaseOSError):
    def __str__(self):
        return errno_text(self.args) if self.args and isinstance(self.args[0], int) else _BaseOSError.__str__(self)

def _check(r):
    # JS returns an errno (int) on failure, or a value.
    if isinstance(r, int) and r < 0:
        raise OSError(-r)
    return r

# Files still open when a program ends are closed (written) then, as the board's VM finalisers do.
_open_files = []

def close_all():
    for f in list(_open_files):
        try:
            f.close()
        except Exception:
            pass

class _File(io.IOBase):
    def __init__(self, path, data, mode):
        self._path = path
        self._binary = 'b' in mode
        self._write = ('w' in mode) or ('a' in mode) or ('+' in mode)
        self._buf = bytearray(data)
        self._pos = len(self._buf) if 'a' in mode else 0
        self._dirty = 'w' in mode
        self._closed = False
        if self._write:
            _open_files.append(self)
    def readinto(self, b):
        n = min(len(b), len(self._buf) - self._pos)
        b[:n] = self._buf[self._pos:self._pos + n]
        self._pos += n
        return n
    def read(self, n=-1):
        if n is None or n < 0:
            n = len(self._buf) - self._pos
        d = bytes(self._buf[self._pos:self._pos + n])
        self._pos += len(d)
        return d if self._binary else d.decode()
    def readline(self):
        i = self._buf.find(b'\n', self._pos)
        end = len(self._buf) if i < 0 else i + 1
        d = bytes(self._buf[self._pos:end])
        self._pos = end
        return d if self._binary else d.decode()
    def readlines(self):
        out = []
        while True:
            l = self.readline()
            if not l:
                return out
            out.append(l)
    def __iter__(self):
        return self
    def __next__(self):
        l = self.readline()
        if not l:
            raise StopIteration
        return l
    def write(self, d):
        if not self._write:
            raise OSError(_EINVAL)
        if isinstance(d, str):
            d = d.encode()
        end = self._pos + len(d)
        if end > len(self._buf):
            self._buf.extend(bytes(end - len(self._buf)))
        self._buf[self._pos:end] = d
        self._pos = end
        self._dirty = True
        return len(d)
    def seek(self, off, whence=0):
        base = 0 if whence == 0 else (self._pos if whence == 1 else len(self._buf))
        self._pos = max(0, base + off)
        return self._pos
    def tell(self):
        return self._pos
    def flush(self):
        if self._dirty and not self._closed:
            _check(_hal.fs_write(self._path, _hal_hex(self._buf)))
            self._dirty = False
    def close(self):
        if not self._closed:
            self.flush()
            self._closed = True
            if self in _open_files:
                _open_files.remove(self)
    def ioctl(self, req, arg):
        if req == 4:  # MP_STREAM_CLOSE
            self.close()
        return 0
    def __enter__(self):
        return self
    def __exit__(self, *a):
        self.close()

def _hal_hex(b):
    return real('binascii').hexlify(b).decode()

def _mpy_fix(data):
    # CircuitPython 9 .mpy: magic 'C', version 6, flags 0; this VM reads 'M', 6, sub-version 3.
    if len(data) >= 4 and data[0] == 0x43 and data[1] == 6:
        data = bytearray(data)
        data[0] = 0x4D
        data[2] = 3
    return data

class VfsFat:
    # Named and printed as CircuitPython's FAT VFS (storage.getmount("/") shows <VfsFat>).
    def __repr__(self):
        return "<VfsFat>"
    def mount(self, readonly, mkfs):
        pass
    def umount(self):
        pass
    def _p(self, path):
        if not path.startswith('/'):
            path = self._cwd.rstrip('/') + '/' + path
        return path
    def __init__(self):
        self._cwd = '/'
    def ilistdir(self, path):
        for e in _check(_hal.fs_listdir(self._p(path))):
            yield (e[0], e[1], 0, e[2])
    def stat(self, path):
        r = _check(_hal.fs_stat(self._p(path)))
        t = int(r[2])
        return (r[0], 0, 0, 0, 0, 0, r[1], t, t, t)
    def statvfs(self, path):
        r = _hal.fs_statvfs()
        return (r[0], r[0], r[1], r[2], r[2], 0, 0, 0, 0, 255)
    def open(self, path, mode):
        p = self._p(path)
        if 'w' in mode:
            _check(_hal.fs_writable())
            _check(_hal.fs_write(p, ''))
            data = b''
        else:
            r = _hal.fs_read(p)
            if isinstance(r, int):
                if r == -_ENOENT and 'a' in mode:
                    _check(_hal.fs_writable())
                    data = b''
                elif r == -_ENOENT:
                    raise OSError(_ENOENT, path)
                else:
                    raise OSError(-r)
            else:
                data = bytes(r)
            if 'a' in mode or '+' in mode:
                _check(_hal.fs_writable())
        if p.endswith('.mpy'):
            data = _mpy_fix(data)
        return _File(p, data, mode)
    def remove(self, path):
        _check(_hal.fs_remove(self._p(path)))
    def rename(self, a, b):
        _check(_hal.fs_rename(self._p(a), self._p(b)))
    def utime(self, path, times):
        if not isinstance(times, tuple):
            raise TypeError(times)
        if len(times) != 2:
            raise ValueError('requested length 2 but object has length %d' % len(times))
        for t in times:
            if not isinstance(t, int):
                raise TypeError("can't convert %s to int" % type(t).__name__)
            if not -0x80000000 <= t <= 0x7fffffff:
                raise OverflowError('overflow converting long int to machine word')
        _check(_hal.fs_utime(self._p(path), times[0]))
    def mkdir(self, path):
        _check(_hal.fs_mkdir(self._p(path)))
    def rmdir(self, path):
        _check(_hal.fs_rmdir(self._p(path)))
    def chdir(self, path):
        p = self._p(path)
        if p != '/' and (_check(_hal.fs_stat(p))[0] & 0x4000) == 0:
            raise OSError(20)
        self._cwd = p if p == '/' else p.rstrip('/')
    def getcwd(self):
        return self._cwd

_posix = vfs.VfsPosix('/hosted')
vfs.umount('/')
circuitpy = VfsFat()
vfs.mount(circuitpy, '/')
import os as _os
_os.chdir('/')
sys.path.clear()
for _p in ('', '/', '.frozen', '/lib'):
    sys.path.append(_p)

# ---- imports ----------------------------------------------------------------------------------------
CORE = set(_hal.core_modules())
FROZEN = set(_hal.frozen_modules())
MISSING = set(_hal.missing_modules())
# The VM's own time/os are Python modules already in sys.modules: ours must replace them on import.
for _n in CORE:
    sys.modules.pop(_n, None)
_orig_import = builtins.__import__
_depth = [0]

def _with_hosted(fn):
    # Our sources live on the VM's own file system; it is mounted only while one of them is imported.
    # Compiling and running their module code here takes more C stack than the board's frozen bytecode
    # does, so it runs under the VM's own stack limit (vm.ts SAMD21_CSTACK_LIMIT).
    if _depth[0] == 0:
        vfs.mount(_posix, HOSTED)
        _cstack.lift()
    _depth[0] += 1
    try:
        return fn()
    finally:
        _depth[0] -= 1
        if _depth[0] == 0:
            vfs.umount(HOSTED)
            _cstack.drop()

_FULL_BUILD = _hal.identity()['full_build']

def _internal(g):
    # An import made by our own modules (while one is being imported, or from its functions later).
    if _depth[0] > 0 or g is None:
        return _depth[0] > 0
    n = g.get('__name__', '')
    return n.startswith('_') and n != '__main__' or n in CORE or n in FROZEN

def _on_path(top):
    # A module or package named top in a sys.path folder of CIRCUITPY.
    for p in sys.path:
        if p == '.frozen':
            continue
        base = (p.rstrip('/') + '/' if p else '') + top
        for f in (base + '.py', base + '.mpy', base):
            try:
                _vm_os.stat(f)
                return True
            except OSError:
                pass
    return False

def _import(name, g=None, l=None, fromlist=(), level=0):
    if level == 0:
        top = name.split('.')[0]
        if top in MISSING and not _internal(g):
            # Not built into this board: only a file on CIRCUITPY (a user's /lib copy) can provide it.
            if _on_path(top):
                return _orig_import(name, g, l, fromlist, level)
            # The small builds word it tersely (MICROPY_ERROR_REPORTING_TERSE).
            raise ImportError(("no module named '%s'" % top) if _FULL_BUILD else 'module not found')
        if top in sys.modules and top not in CORE:
            return _orig_import(name, g, l, fromlist, level)
        if top in CORE:
            def core():
                path = list(sys.path)
                sys.path.clear()
                sys.path.append(HOSTED)
                # On the board a core module is C in flash: what importing ours allocates is not the program's.
                before = _gc.mem_alloc()
                try:
                    mod = _orig_import('_c_' + top)
                finally:
                    sys.path.clear()
                    sys.path.extend(path)
                    baseline[0] += _gc.mem_alloc() - before
                sys.modules[top] = mod
                sys.modules.pop('_c_' + top, None)
                return mod
            mod = sys.modules.get(top) or _with_hosted(core)
            if name != top or fromlist:
                # Submodules of a core package live beside it in the hosted directory.
                return _with_hosted(lambda: _orig_import(name, g, l, fromlist, level))
            return mod
        if top in FROZEN and '.frozen' in sys.path:
            i = sys.path.index('.frozen')
            def frozen():
                sys.path[i] = HOSTED
                try:
                    return _orig_import(name, g, l, fromlist, level)
                finally:
                    sys.path[i] = '.frozen'
            return _with_hosted(frozen)
        if not _FULL_BUILD:
            try:
                return _orig_import(name, g, l, fromlist, level)
            except ImportError as e:
                if str(e).startswith('no module named'):
                    raise ImportError('module not found')
                raise
    return _orig_import(name, g, l, fromlist, level)

builtins.__import__ = _import

# ---- dir() and help('modules') as the firmware shows them -------------------------------------------
# dir() on the board probes every qstr in pool order: the first, unsorted pool holds the names of
# makeqstrdata.py's static list in its order (the identifiers among them below), then the operator and
# scope names it pins there (sorted bytewise, as that script emits them); every other name follows, sorted
# bytewise. Our modules keep their names in a dict whose keys this VM may not have as qstrs, so dir() of
# one of them is built from its dict in the board's order.
_QSTR_HEAD = (
    '__dir__', '_', '__call__', '__class__', '__delitem__', '__enter__', '__exit__', '__getattr__', '__getitem__',
    '__hash__', '__init__', '__int__', '__iter__', '__len__', '__main__', '__module__', '__name__', '__new__',
    '__next__', '__qualname__', '__repr__', '__setitem__', '__str__', 'ArithmeticError', 'AssertionError',
    'AttributeError', 'BaseException', 'EOFError', 'Ellipsis', 'Exception', 'GeneratorExit', 'ImportError',
    'IndentationError', 'IndexError', 'KeyError', 'KeyboardInterrupt', 'LookupError', 'MemoryError', 'NameError',
    'NoneType', 'NotImplementedError', 'OSError', 'OverflowError', 'RuntimeError', 'StopIteration', 'SyntaxError',
    'SystemExit', 'TypeError', 'ValueError', 'ZeroDivisionError', 'abs', 'all', 'any', 'append', 'args', 'bool',
    'builtins', 'bytearray', 'bytecode', 'bytes', 'callable', 'chr', 'classmethod', 'clear', 'close', 'const',
    'copy', 'count', 'dict', 'dir', 'divmod', 'end', 'endswith', 'eval', 'exec', 'extend', 'find', 'format',
    'from_bytes', 'get', 'getattr', 'globals', 'hasattr', 'hash', 'id', 'index', 'insert', 'int', 'isalpha',
    'isdigit', 'isinstance', 'islower', 'isspace', 'issubclass', 'isupper', 'items', 'iter', 'join', 'key', 'keys',
    'len', 'list', 'little', 'locals', 'lower', 'lstrip', 'main', 'map', 'micropython', 'next', 'object', 'open',
    'ord', 'pop', 'popitem', 'pow', 'print', 'range', 'read', 'readinto', 'readline', 'remove', 'replace', 'repr',
    'reverse', 'rfind', 'rindex', 'round', 'rsplit', 'rstrip', 'self', 'send', 'sep', 'set', 'setattr',
    'setdefault', 'sort', 'sorted', 'split', 'start', 'startswith', 'staticmethod', 'step', 'stop', 'str', 'strip',
    'sum', 'super', 'throw', 'to_bytes', 'tuple', 'type', 'update', 'upper', 'value', 'values', 'write', 'zip',
    '__abs__', '__add__', '__and__', '__bool__', '__complex__', '__contains__', '__delete__', '__divmod__',
    '__eq__', '__float__', '__floordiv__', '__ge__', '__get__', '__gt__', '__iadd__', '__iand__', '__ifloordiv__',
    '__ilshift__', '__imatmul__', '__imod__', '__imul__', '__invert__', '__ior__', '__ipow__', '__irshift__',
    '__isub__', '__itruediv__', '__ixor__', '__le__', '__lshift__', '__lt__', '__matmul__', '__mod__', '__mul__',
    '__ne__', '__neg__', '__or__', '__pos__', '__pow__', '__radd__', '__rand__', '__rfloordiv__', '__rlshift__',
    '__rmatmul__', '__rmod__', '__rmul__', '__ror__', '__rpow__', '__rrshift__', '__rshift__', '__rsub__',
    '__rtruediv__', '__rxor__', '__set__', '__sizeof__', '__sub__', '__truediv__', '__xor__')
_orig_dir = builtins.dir

def _dir_key(n):
    return (_QSTR_HEAD.index(n), '') if n in _QSTR_HEAD else (len(_QSTR_HEAD), n)

def _ours(obj):
    n = getattr(obj, '__name__', None)
    return type(obj) is type(sys) and isinstance(n, str) and (n in CORE or n in FROZEN) and sys.modules.get(n) is obj

def _class_names(t, out):
    out.update(t.__dict__)
    for b in getattr(t, '__bases__', ()):
        _class_names(b, out)

def _dir(*args):
    if len(args) != 1:
        return _orig_dir(*args)
    if not _ours(args[0]):
        try:
            return _orig_dir(*args)
        except Exception:
            # This VM's dir() reads every attribute, so a property that raises (cp.sound_level) breaks it;
            # the board's lists the name: list the instance's and its classes' names instead.
            names = set(getattr(args[0], '__dict__', {}))
            _class_names(type(args[0]), names)
            return sorted(names, key=_dir_key)
    names = [k for k in args[0].__dict__ if not (k.startswith('_') and not k.startswith('__')) and k != '__file__']
    if _FULL_BUILD:
        names += ['__class__', '__dict__']
    return sorted(set(names), key=_dir_key)
builtins.dir = _dir

_orig_help = builtins.help

def _help(*args):
    if args != ('modules',):
        return _orig_help(*args)
    # py/builtinhelp.c: the names in 4 columns of 18, column first; a long name takes more than one column.
    names = list(_hal.board_modules())
    rows = (len(names) + 3) // 4
    for i in range(rows):
        line = ''
        j = i
        while True:
            line += names[j]
            j += rows
            if j >= len(names):
                break
            gap = 18 - len(names[j - rows])
            while gap < 1:
                gap += 18
            line += ' ' * gap
        print(line)
    print('Plus any modules on the filesystem')
builtins.help = _help

def _input(prompt=''):
    if prompt:
        print(prompt, end='')
    r = _hal.input_line()
    if r is None:
        raise KeyboardInterrupt
    return r
builtins.input = _input

# ---- running code -----------------------------------------------------------------------------------
# MicroPython's wording -> CircuitPython 9's (checked on the firmware engine), for tracebacks we print.
_MESSAGES = (
    ("isn't", 'is not'),
    ('divide by zero', 'division by zero'),
    ('list index out of range', 'index out of range'),
    ('tuple index out of range', 'index out of range'),
)

def format_exception(e):
    buf = io.StringIO()
    sys.print_exception(e, buf)
    lines = buf.getvalue().split('\n')
    out = []
    for ln in lines:
        if ln.startswith('  File "' + HOSTED) or ln.startswith('  File "/hosted/'):
            continue
        out.append(ln)
    if isinstance(e, _BaseOSError) and type(e).__name__ == 'OSError' and e.args and isinstance(e.args[0], int):
        while out and out[-1] == '':
            out.pop()
        out[-1] = 'OSError: ' + errno_text(e.args)
        out.append('')
    text = '\n'.join(out)
    for a, b in _MESSAGES:
        text = text.replace(a, b)
    return text

def _where(text, e):
    line = 0
    fname = ''
    for ln in text.split('\n'):
        if ln.startswith('  File "'):
            q = ln.index('"', 8)
            fname = ln[8:q]
            j = ln.find('line ', q)
            if j >= 0:
                k = j + 5
                while k < len(ln) and ln[k].isdigit():
                    k += 1
                line = int(ln[j + 5:k])
    return '%d@%s %s' % (line, fname, type(e).__name__)

def _run(code, g):
    try:
        exec(code, g)
        return ''
    except SystemExit:
        return ''
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt) and _hal.reload_requested():
            # A reload stops the program without a traceback (main.c prints its own line).
            return ''
        text = format_exception(e)
        _hal.write_error(text)
        return _where(text, e)
    finally:
        if g is not _repl_globals:
            close_all()
        _hal.flush()

_compiled = [None]

def compile_file(path):
    # What pyexec_file does first: read and compile under the file's name. The engine returns to JS
    # before running it, so the compiler's garbage is collected (the VM collects only at the top level).
    _compiled[0] = None
    try:
        f = open(path, 'rb')
        src = f.read()
        f.close()
        _compiled[0] = compile(src, path.lstrip('/'), 'exec')
        src = None
        _gc.collect()
        return ''
    except BaseException as e:
        text = format_exception(e)
        _hal.write_text(text)
        _hal.flush()
        return _where(text, e)

def run_compiled():
    code = _compiled[0]
    _compiled[0] = None
    return _run(code, {'__name__': '__main__'})

def run_file(path):
    r = compile_file(path)
    return r if r else run_compiled()

_repl_globals = {'__name__': '__main__'}

def run_repl(src, mode):
    try:
        code = compile(src, '<stdin>', mode)
    except BaseException as e:
        text = format_exception(e)
        _hal.write_error(text)
        _hal.flush()
        return _where(text, e)
    return _run(code, _repl_globals)
`;
