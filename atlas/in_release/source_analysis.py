"""What a function's source does, read with ast alone: thread hand-offs, calls and awaits, blocking calls.

Runs inside a release's own interpreter beside async_api_collect.py (Python 3.8 and later, standard library
only, no imports from the atlas package).
"""
import ast

THREAD_MARKERS = ("sync_to_async", "database_sync_to_async", "run_in_executor", "to_thread")
# Calls that block the thread they run in: on the event loop they stall every other request. Module
# functions of these modules (os.path.exists, shutil.move, time.sleep, ...) and the builtin open().
BLOCKING_MODULES = ("os", "os.path", "shutil", "tempfile", "socket", "subprocess")
BLOCKING_NAMES = ("open",)
BLOCKING_ATTRS = {"time": ("sleep",)}
# ... except the ones that only compute on strings or ask the process itself
NOT_BLOCKING = ("os.path.join", "os.path.split", "os.path.basename", "os.path.dirname", "os.path.splitext",
                "os.path.normpath", "os.path.normcase", "os.path.isabs", "os.fspath", "os.fsencode",
                "os.fsdecode", "os.getpid")


def analyse(source):
    """Thread markers and calls found in a function's source: (markers, self_calls, awaited_names)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], [], []
    markers, self_calls, awaited = [], [], []
    local_names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in THREAD_MARKERS:
            markers.append(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in THREAD_MARKERS:
            markers.append(node.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and node.func.value.id in ("self", "cls"):
            self_calls.append(node.func.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("_"):
            self_calls.append("module:" + node.func.id)  # a private helper function of the same module
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if isinstance(func, ast.Name) and name in local_names:
                name = None  # c = getattr(obj, "acount"); await c(): a local chosen at run time
            awaited.append(name or "<dynamic>")  # getattr(backend, name)(...): chosen at run time
        if isinstance(node, ast.AsyncFor) or (isinstance(node, ast.comprehension) and node.is_async):
            awaited.append("__aiter__")
        if isinstance(node, ast.AsyncWith):
            awaited.append("__aenter__")
    return sorted(set(markers)), sorted(set(self_calls)), sorted(set(awaited))


def _dotted(node):
    """'os.path.exists' for an attribute chain of plain names, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id] + parts[::-1])


def blocking_in(source):
    """Blocking calls made directly in a function's source (not handed to a thread): file and OS calls."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name is None:
            continue
        module, _, attr = name.rpartition(".")
        if name in NOT_BLOCKING:
            continue
        if name in BLOCKING_NAMES or module in BLOCKING_MODULES or attr in BLOCKING_ATTRS.get(module, ()):
            found.append(name + "()")
    return found
