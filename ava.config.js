// The files that spend most of their time waiting — on the simulator's pacing, a browser, processes being
// started, signalled or killed — start first, and more files run than there are cores: the others fill the
// cores while these wait, instead of the suite ending on one of them alone.
const WAITING_FIRST = [
  'test/examples/readme-demo.test.ts',
  'test/api/chart-page.test.ts',
  'test/commands/serve.test.ts',
  'test/commands/partition-locks.test.ts',
  'test/commands/crash-safety.test.ts',
  'test/commands/fault-matrix.test.ts',
  'test/commands/sqlite-store.test.ts',
  'test/examples/sink-swap.test.ts',
];

const rank = (file) => {
  const at = WAITING_FIRST.findIndex((name) => file.endsWith(name));
  return at === -1 ? WAITING_FIRST.length : at;
};

export default {
  files: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
  extensions: ['ts'],
  nodeArguments: ['--import=tsx'],
  // Each file in a process of its own: in-process command runs change the working directory.
  workerThreads: false,
  concurrency: 4,
  timeout: '60s',
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
};
