// Run by logs-reader.test.ts in a child with a small heap: scans argv[2] for tenant argv[3]
// and prints the match count. If the reader buffered the file, the child would run out of heap.
import { scanLogFile } from '../../runtime/log-reader/reader';

const [path, tenant] = process.argv.slice(2);
if (!path || !tenant) throw new Error('usage: logs-scan-child FILE TENANT');
void scanLogFile(path, { tenant }, () => {}).then((stats) => console.log(JSON.stringify(stats)));
