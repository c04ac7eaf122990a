import {z} from 'zod';
import {definePlugin} from '../../src/index.js';

export default definePlugin({
  name: 'log',
  kind: 'alarm',
  description: 'Writes the gap report to stderr (the default alarm: cron mails it, systemd journals it)',
  configSchema: z.strictObject({}),
  create: ({logger}) => ({
    name: 'log',
    async fire(report) {
      for (const line of report.text.split('\n')) logger.error(`ALARM ${line}`);
    },
  }),
});
