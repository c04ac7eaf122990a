import test from 'ava';
import {MongoClient} from 'mongodb';
import {MongodbSink} from '../../../plugins/mongodb/mongodb-sink.js';
import {mongodbConfigSchema} from '../../../plugins/mongodb/config-schema.js';
import {sinkConformance} from '../../../src/testing/sink-conformance.js';
import {startMockMongodb} from '../../helpers/mock-mongodb.js';

let databases = 0;
const configFor = (url: string) => mongodbConfigSchema.parse({url, database: `mms_conformance_${process.pid}_${databases++}`});

// At the wire level, against mongodb-mock-server answering from memory: what runs in CI here.
sinkConformance(test, 'mongodb (wire-level mock)', {
  async create(t) {
    const server = await startMockMongodb(t);
    const sink = new MongodbSink(configFor(server.url));
    t.teardown(() => sink.close());
    return sink;
  },
  async reopen(t, sink) {
    const other = new MongodbSink((sink as MongodbSink).config);
    t.teardown(() => other.close());
    return other;
  },
});

// Against a real server when one is given: the same suite, nothing mocked.
const real = process.env.MMS_TEST_MONGODB_URL;
if (real) {
  sinkConformance(test, 'mongodb (real server)', {
    async create(t) {
      const config = configFor(real);
      const sink = new MongodbSink(config);
      t.teardown(async () => {
        await sink.close();
        const client = await MongoClient.connect(real);
        await client.db(config.database).dropDatabase();
        await client.close();
      });
      return sink;
    },
    async reopen(t, sink) {
      const other = new MongodbSink((sink as MongodbSink).config);
      t.teardown(() => other.close());
      return other;
    },
  });
} else {
  console.log('mongodb real-server conformance: skipped: no MongoDB server (set MMS_TEST_MONGODB_URL)');
  test.skip('mongodb sink conformance against a real server — skipped: no MongoDB server (set MMS_TEST_MONGODB_URL)', () => {});
}
