// Preloaded into every benchmarked process (node -r): on exit, writes its peak resident set size
// in kilobytes to the file named by KEYSHARE_BENCH_RSS_FILE, the same way for keyshare and for
// the bare program.
process.on('exit', () => {
  require('fs').writeFileSync(process.env.KEYSHARE_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
