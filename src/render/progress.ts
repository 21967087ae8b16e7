/**
 * A counter for long runs, redrawn in place on a terminal: `label 1200/5000`. Nothing at all when
 * the stream is not a TTY, so logs and pipes get only the summary.
 */
export function ttyProgress(stream: NodeJS.WriteStream, label: string): ((done: number, total: number) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let shown = -1;
  return (done, total) => {
    // Redraw at each whole percent: a few hundred writes, whatever the total.
    const percent = Math.floor((done * 100) / total);
    if (percent === shown && done < total) return;
    shown = percent;
    stream.write(done < total ? `\r${label} ${done}/${total} (${percent}%)` : '\r\x1b[K');
  };
}
