// The peer side of the RFM benchmark: DuckDB (npm @duckdb/node-api, its own binary) does
// the same end-to-end job as `guanxi analyze rfm --file IN --out OUT --as-of DAY`:
// read the CSV, per-customer summary (recency days, purchases, total), quintile scores
// by the same tie rule (score = 1 + floor(5·L/n), L = customers strictly worse, i.e.
// RANK() − 1 ordered worst first) and write the per-customer result as CSV.
//
//   node duckdb_rfm.mjs IN.csv OUT.csv 2026-06-30 [threads]
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output, asOf, threads] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
const db = await instance.connect();
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
await db.run(`
COPY (
  WITH t AS (
    SELECT customer_id, CAST(ts AS DATE) AS day, CAST(amount AS DECIMAL(18,2)) AS amount
    FROM read_csv(${quote(input)}, header = true,
                  columns = {'customer_id': 'VARCHAR', 'ts': 'VARCHAR', 'amount': 'VARCHAR'})
    WHERE CAST(ts AS DATE) <= DATE ${quote(asOf)}
  ), s AS (
    SELECT customer_id,
           DATE ${quote(asOf)} - max(day) AS recency_days,
           count(*) AS frequency,
           sum(amount) AS monetary
    FROM t GROUP BY customer_id
  ), n AS (SELECT count(*) AS n FROM s)
  SELECT customer_id, recency_days, frequency, monetary,
         1 + floor(5 * (rank() OVER (ORDER BY recency_days DESC) - 1) / n.n) AS r,
         1 + floor(5 * (rank() OVER (ORDER BY frequency ASC) - 1) / n.n) AS f,
         1 + floor(5 * (rank() OVER (ORDER BY monetary ASC) - 1) / n.n) AS m
  FROM s, n
) TO ${quote(output)} (HEADER, DELIMITER ',')`);
db.closeSync?.();
