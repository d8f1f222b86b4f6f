// The Python blocking-call catalogue: one row per rule, matched against fully qualified
// names after import/alias resolution (server/frontends/python). Method rows use
// `<type>.<method>` where <type> is what `pythonResultTypes` gives for the receiver.
import { helperCallTemplate } from './helper-message';
import type { Rule } from './rule';

/** An argument that decides whether a call blocks: positional index and/or keyword, compared
 *  with the argument's resolved name (`os.P_WAIT`) or literal text (`False`, `0`), or (isPath)
 *  a file-system path (a string or a `pathlib.Path`) rather than a file object or buffer. */
export type ArgCondition = { position?: number; keyword?: string } & ({ equals: string[] } | { isPath: true });

export interface PythonRule extends Rule {
  /** Offer "wrap in `await asyncio.to_thread(...)`": only where the call may run on another
   *  thread unchanged (not sqlite3 objects, which are bound to their thread; not open(), whose
   *  file would still be read on the loop; not locks/queues/futures, which have asyncio twins). */
  offloadFix: boolean;
  /** These of the rule's APIs belong to it only when the argument matches
   *  (`os.spawnl(os.P_WAIT, ...)` runs a process to completion; other modes only start it). */
  onlyWhen?: { apis: string[]; arg: ArgCondition };
  /** The call does not block when any of these match (e.g. `lock.acquire(blocking=False)`). */
  skipWhen?: ArgCondition[];
}

const HTTP_VERBS = ['get', 'options', 'head', 'post', 'put', 'patch', 'delete', 'request'];
const SPAWN = ['spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe'];
const OS_PATH_IO = [
  'exists',
  'isfile',
  'isdir',
  'islink',
  'lexists',
  'ismount',
  'realpath',
  'getatime',
  'getctime',
  'getmtime',
  'getsize',
  'samefile',
  'sameopenfile',
];
const PATH_IO = [
  'read_text',
  'read_bytes',
  'write_text',
  'write_bytes',
  'exists',
  'is_file',
  'is_dir',
  'is_symlink',
  'is_mount',
  'stat',
  'lstat',
  'mkdir',
  'rmdir',
  'unlink',
  'rename',
  'replace',
  'touch',
  'iterdir',
  'glob',
  'rglob',
  'resolve',
  'samefile',
  'chmod',
  'owner',
  'group',
  'readlink',
  'symlink_to',
  'hardlink_to',
  'walk',
];
/** `os` calls that touch the file system (`os.path` has its own list above). */
const OS_FS_IO = [
  'listdir',
  'scandir',
  'walk',
  'fwalk',
  'stat',
  'lstat',
  'mkdir',
  'makedirs',
  'remove',
  'unlink',
  'rename',
  'renames',
  'replace',
  'rmdir',
  'removedirs',
  'chmod',
  'chown',
  'lchown',
  'access',
  'link',
  'symlink',
  'readlink',
  'truncate',
  'utime',
];
/** shutil calls that copy, move or delete whole files or trees: as long as the data is big. */
const SHUTIL_TREE_IO = [
  'copy',
  'copy2',
  'copyfile',
  'copyfileobj',
  'copytree',
  'move',
  'rmtree',
  'make_archive',
  'unpack_archive',
];
/** Calls that open a file by path, or by file object: only the path form touches the disk. */
const OPEN_BY_PATH = ['wave.open', 'PIL.Image.open'];
const LOCK_TYPES = ['threading.Lock', 'threading.RLock', 'threading.Semaphore', 'threading.BoundedSemaphore'];
const QUEUE_TYPES = [
  'queue.Queue',
  'queue.LifoQueue',
  'queue.PriorityQueue',
  'queue.SimpleQueue',
  'multiprocessing.Queue',
];
const noBlock = (keyword: string): ArgCondition => ({ position: 0, keyword, equals: ['False', '0'] });
const methods = (types: string[], names: string[]): string[] => types.flatMap((t) => names.map((n) => `${t}.${n}`));

/** Code for a loop-reachable call to a helper that blocks (reported by the core with the chain). */
export const PYTHON_HELPER_CODE = 'ORP100';
/** Code for a `while` that polls the clock without awaiting. */
export const PYTHON_BUSY_WAIT_CODE = 'ORP116';
/** Code whose quick fix is `await asyncio.sleep(...)` rather than a thread offload. */
export const PYTHON_SLEEP_CODE = 'ORP101';

export const pythonRules: PythonRule[] = [
  {
    code: PYTHON_HELPER_CODE,
    name: 'blocking-helper-call',
    languages: ['python'],
    apis: [],
    message: helperCallTemplate('`await asyncio.to_thread(<helper>, ...)`'),
    replacement: 'an async helper, or `await asyncio.to_thread(helper, ...)`',
    severity: 'warning',
    flags: 'a call from loop code to a sync helper that blocks (any file in the workspace)',
    peerNote: 'no anchor follows helpers; ruff#7807 asked for it',
    offloadFix: true,
  },
  {
    code: PYTHON_SLEEP_CODE,
    name: 'blocking-sleep',
    languages: ['python'],
    apis: ['time.sleep'],
    message: '`time.sleep()` blocks the shared event loop; use `await asyncio.sleep(...)`.',
    replacement: '`await asyncio.sleep(seconds)`',
    ruffCodes: ['ASYNC251'],
    severity: 'warning',
    flags: '`time.sleep`',
    offloadFix: false,
  },
  {
    code: 'ORP102',
    name: 'blocking-http-call',
    languages: ['python'],
    apis: [
      ...HTTP_VERBS.map((v) => `requests.${v}`),
      ...[...HTTP_VERBS, 'stream'].map((v) => `httpx.${v}`),
      'urllib3.request',
      'urllib.request.urlopen',
    ],
    message:
      'Synchronous HTTP request on the shared event loop; use `httpx.AsyncClient` or `aiohttp.ClientSession`, or at least `await asyncio.to_thread(...)`.',
    replacement: '`async with httpx.AsyncClient() as client: await client.get(...)`',
    ruffCodes: ['ASYNC210'],
    severity: 'warning',
    flags: '`requests.*`, `httpx.*`, `urllib.request.urlopen`, `urllib3`',
    offloadFix: true,
  },
  {
    code: 'ORP103',
    name: 'blocking-http-client-method',
    languages: ['python'],
    apis: [
      ...methods(['httpx.Client'], [...HTTP_VERBS, 'send', 'stream', 'close']),
      ...methods(['requests.Session'], [...HTTP_VERBS, 'send']),
      ...methods(
        ['urllib3.PoolManager', 'urllib3.HTTPConnectionPool', 'urllib3.HTTPSConnectionPool'],
        ['request', 'urlopen'],
      ),
    ],
    message:
      'Method of a synchronous HTTP client called on the shared event loop; use `httpx.AsyncClient` or `aiohttp.ClientSession`.',
    replacement: '`async with httpx.AsyncClient() as client: await client.get(...)`',
    ruffCodes: ['ASYNC211', 'ASYNC212'],
    severity: 'warning',
    flags: 'methods of sync HTTP clients',
    offloadFix: true,
  },
  {
    code: 'ORP104',
    name: 'blocking-create-subprocess',
    languages: ['python'],
    apis: ['subprocess.Popen', 'os.popen', ...SPAWN.map((s) => `os.${s}`)],
    message:
      'Starting a process synchronously blocks the shared event loop; use `await asyncio.create_subprocess_exec(...)`.',
    replacement: '`await asyncio.create_subprocess_exec(...)`',
    ruffCodes: ['ASYNC220'],
    severity: 'warning',
    flags: '`subprocess.Popen`, `os.popen`, `os.spawn*` (no-wait)',
    offloadFix: true,
  },
  {
    code: 'ORP105',
    name: 'blocking-run-process',
    languages: ['python'],
    apis: [
      ...['run', 'call', 'check_call', 'check_output', 'getoutput', 'getstatusoutput'].map((f) => `subprocess.${f}`),
      'os.system',
      'os.posix_spawn',
      'os.posix_spawnp',
      ...SPAWN.map((s) => `os.${s}`),
    ],
    onlyWhen: { apis: SPAWN.map((s) => `os.${s}`), arg: { position: 0, keyword: 'mode', equals: ['os.P_WAIT'] } },
    message:
      'Running a process and waiting for it blocks the shared event loop; use `proc = await asyncio.create_subprocess_exec(...)` then `await proc.communicate()`.',
    replacement: '`await (await asyncio.create_subprocess_exec(...)).communicate()`',
    ruffCodes: ['ASYNC221'],
    severity: 'warning',
    flags: '`subprocess.run`/`call`/`check_output`, `os.system`, ...',
    offloadFix: true,
  },
  {
    code: 'ORP106',
    name: 'blocking-process-wait',
    languages: ['python'],
    apis: [
      ...['wait', 'wait3', 'wait4', 'waitid', 'waitpid'].map((f) => `os.${f}`),
      'subprocess.Popen.wait',
      'subprocess.Popen.communicate',
    ],
    message:
      'Waiting for a process blocks the shared event loop; use an asyncio subprocess (`await proc.wait()`), or `await asyncio.to_thread(...)`.',
    replacement: '`await proc.wait()` on an asyncio subprocess',
    ruffCodes: ['ASYNC222'],
    severity: 'warning',
    flags: '`os.wait*`, `Popen.wait`',
    offloadFix: true,
  },
  {
    code: 'ORP107',
    name: 'blocking-open-call',
    languages: ['python'],
    apis: [
      'builtins.open',
      'io.open',
      'io.open_code',
      'os.fdopen',
      'pathlib.Path.open',
      'tempfile.NamedTemporaryFile',
      'tempfile.TemporaryFile',
      'tempfile.mkstemp',
      ...OPEN_BY_PATH,
    ],
    onlyWhen: { apis: OPEN_BY_PATH, arg: { position: 0, keyword: 'fp', isPath: true } },
    message:
      'Opening a file with blocking I/O on the shared event loop; read or write it in `await asyncio.to_thread(...)`, or use `aiofiles`.',
    replacement: '`await asyncio.to_thread(path.read_text)` or `aiofiles.open(...)`',
    ruffCodes: ['ASYNC230', 'ASYNC231'],
    severity: 'warning',
    flags: '`open()`, `io.open`, `os.fdopen`, `tempfile` files, `wave.open`/`PIL.Image.open` on a path',
    offloadFix: false,
  },
  {
    code: 'ORP108',
    name: 'blocking-path-call',
    languages: ['python'],
    apis: [
      ...OS_PATH_IO.map((f) => `os.path.${f}`),
      ...methods(['pathlib.Path'], PATH_IO),
      ...OS_FS_IO.map((f) => `os.${f}`),
      'glob.glob',
      'glob.iglob',
      'shutil.which',
      'shutil.disk_usage',
      'tempfile.mkdtemp',
      'tempfile.TemporaryDirectory',
    ],
    message: 'File-system call on the shared event loop; run it with `await asyncio.to_thread(...)`.',
    replacement: '`await asyncio.to_thread(os.path.exists, path)`',
    ruffCodes: ['ASYNC240'],
    severity: 'information',
    flags: '`os.path.*`, `pathlib.Path`, `os`, `glob` and `tempfile` directory calls',
    offloadFix: true,
  },
  {
    code: 'ORP109',
    name: 'blocking-input',
    languages: ['python'],
    apis: ['builtins.input'],
    message: '`input()` waits for a terminal on the shared event loop; use `await asyncio.to_thread(input, prompt)`.',
    replacement: '`await asyncio.to_thread(input, prompt)`',
    ruffCodes: ['ASYNC250'],
    severity: 'warning',
    flags: '`input()`',
    offloadFix: true,
  },
  {
    code: 'ORP110',
    name: 'blocking-sqlite',
    languages: ['python'],
    apis: [
      'sqlite3.connect',
      ...methods(['sqlite3.Connection'], ['execute', 'executemany', 'executescript', 'commit', 'rollback', 'backup']),
      ...methods(['sqlite3.Cursor'], ['execute', 'executemany', 'executescript', 'fetchone', 'fetchmany', 'fetchall']),
    ],
    message: '`sqlite3` does disk I/O on the shared event loop; use `aiosqlite` (`async with aiosqlite.connect(...)`).',
    replacement: '`aiosqlite`',
    severity: 'warning',
    flags: '`sqlite3` connect/execute',
    peerNote: 'ruff and flake8-async have no sqlite rule',
    offloadFix: false,
  },
  {
    code: 'ORP111',
    name: 'blocking-socket',
    languages: ['python'],
    apis: [
      'socket.create_connection',
      'socket.getaddrinfo',
      'socket.gethostbyname',
      'socket.gethostbyname_ex',
      'socket.gethostbyaddr',
      ...methods(
        ['socket.socket'],
        ['recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'send', 'sendall', 'sendto', 'accept', 'connect'],
      ),
    ],
    message:
      'Blocking socket call on the shared event loop; use asyncio streams (`await asyncio.open_connection(...)`) or `await loop.sock_recv(...)`.',
    replacement: '`reader, writer = await asyncio.open_connection(host, port)`',
    severity: 'warning',
    flags: 'blocking `socket` calls',
    offloadFix: false,
  },
  {
    code: 'ORP112',
    name: 'blocking-thread-sync',
    languages: ['python'],
    apis: [
      ...methods(LOCK_TYPES, ['acquire']),
      'threading.Event.wait',
      'threading.Condition.wait',
      'threading.Thread.join',
    ],
    message:
      'Waiting on a threading primitive blocks the shared event loop; use `asyncio.Lock`/`asyncio.Event`, or `await asyncio.to_thread(...)` when the other side is a thread.',
    replacement: '`asyncio.Lock` / `asyncio.Event`',
    severity: 'warning',
    flags: '`threading.Lock.acquire`, `with lock:`, `Event.wait`, ...',
    offloadFix: false,
    skipWhen: [noBlock('blocking')],
  },
  {
    code: 'ORP113',
    name: 'blocking-queue-get',
    languages: ['python'],
    apis: methods(QUEUE_TYPES, ['get']),
    message:
      '`Queue.get()` waits on the shared event loop; use `asyncio.Queue` (`await queue.get()`), or `get_nowait()`.',
    replacement: '`await asyncio_queue.get()`',
    severity: 'warning',
    flags: '`queue.Queue.get`',
    offloadFix: false,
    skipWhen: [noBlock('block')],
  },
  {
    code: 'ORP114',
    name: 'blocking-future-result',
    languages: ['python'],
    apis: ['concurrent.futures.Future.result', 'concurrent.futures.Future.exception', 'concurrent.futures.wait'],
    message:
      'Waiting on a `concurrent.futures.Future` blocks the shared event loop (and deadlocks if the future needs the loop); use `await asyncio.wrap_future(future)`.',
    replacement: '`await asyncio.wrap_future(future)`',
    severity: 'warning',
    flags: '`concurrent.futures.Future.result()`',
    offloadFix: false,
  },
  {
    code: 'ORP115',
    name: 'cpu-heavy-key-derivation',
    languages: ['python'],
    apis: ['hashlib.pbkdf2_hmac', 'hashlib.scrypt'],
    message:
      'Key derivation is deliberately slow CPU work and stalls the shared event loop; run it with `await asyncio.to_thread(...)`.',
    replacement: '`await asyncio.to_thread(hashlib.pbkdf2_hmac, ...)`',
    severity: 'warning',
    flags: '`hashlib.pbkdf2_hmac`, `hashlib.scrypt`',
    offloadFix: true,
  },
  {
    code: PYTHON_BUSY_WAIT_CODE,
    name: 'busy-wait-on-clock',
    languages: ['python'],
    apis: [
      'time.time',
      'time.monotonic',
      'time.perf_counter',
      'time.time_ns',
      'time.monotonic_ns',
      'time.perf_counter_ns',
      'datetime.datetime.now',
      'datetime.datetime.utcnow',
    ],
    message:
      'This loop polls the clock without awaiting, so it spins on the shared event loop; use `await asyncio.sleep(...)` or wait on an `asyncio.Event`.',
    replacement: '`await asyncio.sleep(remaining)`',
    severity: 'warning',
    flags: 'a `while` that polls `time.time()` / `time.monotonic()` without awaiting',
    peerNote: 'ASYNC110 is about `while ...: await sleep()` polling, a different pattern',
    offloadFix: false,
  },
  {
    code: 'ORP117',
    name: 'blocking-file-tree-op',
    languages: ['python'],
    apis: SHUTIL_TREE_IO.map((f) => `shutil.${f}`),
    message:
      'Copying, moving or deleting files with `shutil` blocks the shared event loop for as long as the data takes; run it with `await asyncio.to_thread(...)`.',
    replacement: '`await asyncio.to_thread(shutil.copytree, src, dst)`',
    severity: 'warning',
    flags: '`shutil.copy*`, `move`, `rmtree`, archives',
    peerNote: 'ruff and flake8-async have no shutil rule',
    offloadFix: true,
  },
];

/** What a call returns, for method rows: constructor or factory → the type its methods are listed under. */
export const pythonResultTypes: Record<string, string> = {
  'httpx.Client': 'httpx.Client',
  'requests.Session': 'requests.Session',
  'requests.session': 'requests.Session',
  'urllib3.PoolManager': 'urllib3.PoolManager',
  'urllib3.HTTPConnectionPool': 'urllib3.HTTPConnectionPool',
  'urllib3.HTTPSConnectionPool': 'urllib3.HTTPSConnectionPool',
  'urllib3.connection_from_url': 'urllib3.HTTPConnectionPool',
  'subprocess.Popen': 'subprocess.Popen',
  'sqlite3.connect': 'sqlite3.Connection',
  'sqlite3.Connection.cursor': 'sqlite3.Cursor',
  'sqlite3.Connection.execute': 'sqlite3.Cursor',
  'sqlite3.Cursor.execute': 'sqlite3.Cursor',
  'socket.socket': 'socket.socket',
  'socket.create_connection': 'socket.socket',
  'threading.Lock': 'threading.Lock',
  'threading.RLock': 'threading.RLock',
  'threading.Semaphore': 'threading.Semaphore',
  'threading.BoundedSemaphore': 'threading.BoundedSemaphore',
  'threading.Event': 'threading.Event',
  'threading.Condition': 'threading.Condition',
  'threading.Thread': 'threading.Thread',
  'queue.Queue': 'queue.Queue',
  'queue.LifoQueue': 'queue.LifoQueue',
  'queue.PriorityQueue': 'queue.PriorityQueue',
  'queue.SimpleQueue': 'queue.SimpleQueue',
  'multiprocessing.Queue': 'multiprocessing.Queue',
  'concurrent.futures.Future': 'concurrent.futures.Future',
  'concurrent.futures.ThreadPoolExecutor': 'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.ProcessPoolExecutor': 'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.ThreadPoolExecutor.submit': 'concurrent.futures.Future',
  'concurrent.futures.ProcessPoolExecutor.submit': 'concurrent.futures.Future',
  'asyncio.run_coroutine_threadsafe': 'concurrent.futures.Future',
  'pathlib.Path': 'pathlib.Path',
  'pathlib.PosixPath': 'pathlib.Path',
  'pathlib.WindowsPath': 'pathlib.Path',
  'pathlib.Path.cwd': 'pathlib.Path',
  'pathlib.Path.home': 'pathlib.Path',
  'pathlib.PurePath': 'pathlib.Path',
  // Paths derived from a path (`Path(__file__).with_name("data.json")`).
  ...Object.fromEntries(
    ['with_name', 'with_suffix', 'with_stem', 'joinpath', 'resolve', 'absolute', 'expanduser', 'relative_to'].map(
      (m) => [`pathlib.Path.${m}`, 'pathlib.Path'],
    ),
  ),
};

/** Attributes of a typed value that have a type themselves (`path.parent` is a path). */
export const pythonAttributeTypes: Record<string, string> = {
  'pathlib.Path.parent': 'pathlib.Path',
};

/** What iterating over a call's result gives (`for p in path.glob("*.md")`: each p is a path). */
export const pythonElementTypes: Record<string, string> = {
  'pathlib.Path.glob': 'pathlib.Path',
  'pathlib.Path.rglob': 'pathlib.Path',
  'pathlib.Path.iterdir': 'pathlib.Path',
};

/** Types whose objects are acquired by `with obj:` (a blocking acquire). */
export const pythonWithAcquireTypes: string[] = [...LOCK_TYPES, 'threading.Condition'];

/** Rule rows by code, and by API (a row whose `onlyWhen` covers the API comes first, so the
 *  conditional row wins when its argument matches and the other row takes the rest). */
export const pythonRulesByCode: ReadonlyMap<string, PythonRule> = new Map(pythonRules.map((r) => [r.code, r]));
export const pythonRulesByApi: ReadonlyMap<string, PythonRule[]> = (() => {
  const byApi = new Map<string, PythonRule[]>();
  for (const rule of pythonRules) {
    if (rule.code === PYTHON_BUSY_WAIT_CODE) continue; // clock reads only matter inside a busy-wait
    for (const api of rule.apis) {
      const rows = byApi.get(api) ?? [];
      if (rule.onlyWhen?.apis.includes(api)) rows.unshift(rule);
      else rows.push(rule);
      byApi.set(api, rows);
    }
  }
  return byApi;
})();

/** Our codes that a ruff/flake8-async code stands for, so `# noqa: ASYNC251` suppresses ORP101. */
export function codesForRuffCode(ruffCode: string): string[] {
  return pythonRules.filter((r) => r.ruffCodes?.includes(ruffCode)).map((r) => r.code);
}

/** Modules that are never workspace files: calls into them that the catalogue does not list
 *  are not reported as import callees (the core would look for them in the workspace in vain). */
export const pythonExternalModules: ReadonlySet<string> = new Set([
  ...[...pythonRules.flatMap((r) => r.apis), ...Object.keys(pythonResultTypes)].map((api) => api.split('.')[0] ?? api),
  'abc',
  'argparse',
  'array',
  'ast',
  'asyncio',
  'base64',
  'bisect',
  'collections',
  'contextlib',
  'contextvars',
  'copy',
  'csv',
  'dataclasses',
  'decimal',
  'enum',
  'functools',
  'gc',
  'glob',
  'gzip',
  'heapq',
  'hmac',
  'html',
  'http',
  'importlib',
  'inspect',
  'itertools',
  'json',
  'logging',
  'math',
  'mimetypes',
  'operator',
  'pickle',
  'platform',
  'pprint',
  'random',
  're',
  'secrets',
  'shlex',
  'shutil',
  'signal',
  'ssl',
  'statistics',
  'string',
  'struct',
  'sys',
  'tempfile',
  'textwrap',
  'traceback',
  'types',
  'typing',
  'typing_extensions',
  'unicodedata',
  'uuid',
  'warnings',
  'weakref',
  'zlib',
  'anyio',
  'aiohttp',
  'aiofiles',
  'aiosqlite',
  'pydantic',
  'numpy',
]);
