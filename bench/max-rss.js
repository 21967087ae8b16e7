// Preloaded into every benchmarked process (node -r): on exit, writes its peak resident set size
// (kilobytes) and CPU time (microseconds, user + system) as JSON to the file named by
// KEYSHARE_BENCH_RSS_FILE, the same way for keyshare and for the bare program. CPU time is what
// the process itself spent, so it moves less than wall time when other work shares the machine.
process.on('exit', () => {
  const u = process.resourceUsage();
  require('fs').writeFileSync(process.env.KEYSHARE_BENCH_RSS_FILE, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime }));
});
