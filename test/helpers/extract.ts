import { execFileSync } from 'node:child_process';

/** Whether a command-line tool is on PATH. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// A trusting extractor: Python's tarfile as most scripts call it (no filter), or Info-ZIP's unzip.
// Then the kernel says where each extracted link leads (os.path.realpath).
const PYTHON = String.raw`
import json, os, sys, tarfile, subprocess
archive, dest = sys.argv[1], sys.argv[2]
os.makedirs(dest, exist_ok=True)
if archive.endswith('.zip'):
    subprocess.run(['unzip', '-q', '-o', archive, '-d', dest], check=False)
else:
    with tarfile.open(archive) as t:
        if hasattr(tarfile, 'fully_trusted_filter'):
            t.extractall(dest, filter='fully_trusted')
        else:
            t.extractall(dest)
root = os.path.realpath(dest)
links = {}
for folder, dirs, files in os.walk(dest):
    for name in dirs + files:
        p = os.path.join(folder, name)
        if os.path.islink(p):
            links[os.path.relpath(p, dest)] = os.path.realpath(p)
print(json.dumps({'root': root, 'links': links}))
`;

/** Extracts with an independent extractor and reports where each link resolves, as the kernel sees it. */
export function extractAndResolve(archive: string, dest: string): { root: string; links: Record<string, string> } {
  return JSON.parse(execFileSync('python3', ['-c', PYTHON, archive, dest], { encoding: 'utf8' })) as {
    root: string;
    links: Record<string, string>;
  };
}
