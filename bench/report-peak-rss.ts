// Preloaded into a benchmarked process (`node --import`): writes its peak resident set size (KiB) to
// MMS_PEAK_RSS_FILE when it exits, however it exits.
import {writeFileSync} from 'node:fs';

const file = process.env.MMS_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
