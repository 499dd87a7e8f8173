// A worker thread's read-only connection to the SQLite file, running statements the main thread
// sends ({ id, statements: [{ sql, params }] }) and answering each with its rows. Plain
// JavaScript so that it loads as it is, without the TypeScript loader, under every runner.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const prepared = new Map();
const statement = (sql) => {
  let found = prepared.get(sql);
  if (!found) prepared.set(sql, (found = db.prepare(sql)));
  return found;
};

parentPort.on('message', ({ id, statements }) => {
  try {
    // One read transaction: every statement sees the same snapshot of the file.
    const results = db.transaction(() => statements.map(({ sql, params }) => statement(sql).all(params)))();
    parentPort.postMessage({ id, results });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
