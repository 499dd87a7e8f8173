// A worker thread that moves the WAL's pages into the database file every `everyMs`, so the
// connection that commits clicks and crawls never does it itself (SQLite's automatic checkpoint
// runs inside a commit, with its fsyncs, on the event loop). PASSIVE: it never waits for readers
// or writers, it copies what it can and tries again next time. Plain JavaScript, loaded as it is.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ stopped: true });
});
