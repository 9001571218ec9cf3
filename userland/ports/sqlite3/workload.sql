-- sqlite3's scripted workload (userland/ports/suites.sh sqlite3): each case
-- runs in a fresh sqlite3 on its own database file, natively (Debian's
-- sqlite3 3.40.1) and in tabkernel (the port); a case passes when both print
-- the same bytes.
-- case: create-insert
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO t SELECT i, printf('row-%05d', i), i * 0.5 FROM n;
SELECT count(*), sum(a), round(avg(c), 3), min(b), max(b) FROM t;
-- case: index-and-plan
CREATE TABLE t(a INTEGER, b TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO t SELECT i % 97, hex(randomblob(0)) || i FROM n;
CREATE INDEX t_a ON t(a);
EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 5;
SELECT a, count(*) FROM t WHERE a BETWEEN 10 AND 14 GROUP BY a ORDER BY a;
-- case: joins
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary INTEGER);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
INSERT INTO emp VALUES (1, 'ann', 1, 120), (2, 'bob', 1, 100), (3, 'cy', 2, 90), (4, 'di', NULL, 50);
SELECT d.name, count(e.id), coalesce(sum(e.salary), 0) FROM dept d LEFT JOIN emp e ON e.dept = d.id GROUP BY d.id ORDER BY d.id;
SELECT e.name FROM emp e WHERE NOT EXISTS (SELECT 1 FROM dept d WHERE d.id = e.dept);
-- case: window-functions
CREATE TABLE s(g TEXT, v INTEGER);
INSERT INTO s VALUES ('a', 3), ('a', 1), ('a', 2), ('b', 10), ('b', 20);
SELECT g, v, row_number() OVER (PARTITION BY g ORDER BY v), sum(v) OVER (PARTITION BY g ORDER BY v ROWS UNBOUNDED PRECEDING), lag(v) OVER (ORDER BY g, v) FROM s ORDER BY g, v;
-- case: json
SELECT json_object('a', 1, 'b', json_array(1, 2, 'x'));
SELECT value FROM json_each('[10, 20, {"k": "v"}]');
SELECT json_extract('{"a": {"b": [1, 2, 3]}}', '$.a.b[2]'), json_valid('{'), json_type('3.5');
-- case: fts5
CREATE VIRTUAL TABLE docs USING fts5(title, body);
INSERT INTO docs VALUES ('make', 'GNU make runs recipes'), ('awk', 'pattern scanning and processing'), ('sed', 'stream editor for filtering text');
SELECT title FROM docs WHERE docs MATCH 'stream OR recipes' ORDER BY rank;
SELECT highlight(docs, 1, '[', ']') FROM docs WHERE docs MATCH 'pattern';
-- case: rtree
CREATE VIRTUAL TABLE r USING rtree(id, x0, x1, y0, y1);
INSERT INTO r VALUES (1, 0, 10, 0, 10), (2, 5, 15, 5, 15), (3, 20, 30, 20, 30);
SELECT id FROM r WHERE x1 >= 8 AND x0 <= 12 AND y1 >= 8 AND y0 <= 12 ORDER BY id;
-- case: triggers-views
CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER);
CREATE TABLE log(msg TEXT);
CREATE TRIGGER acct_upd AFTER UPDATE ON acct BEGIN INSERT INTO log VALUES (printf('%d: %d -> %d', old.id, old.bal, new.bal)); END;
CREATE VIEW rich AS SELECT id FROM acct WHERE bal > 100;
INSERT INTO acct VALUES (1, 50), (2, 150);
UPDATE acct SET bal = bal * 2;
SELECT * FROM log;
SELECT * FROM rich;
-- case: transactions
CREATE TABLE k(v);
BEGIN; INSERT INTO k VALUES (1); SAVEPOINT sp; INSERT INTO k VALUES (2); ROLLBACK TO sp; INSERT INTO k VALUES (3); COMMIT;
BEGIN; INSERT INTO k VALUES (4); ROLLBACK;
SELECT group_concat(v) FROM k;
-- case: dates-and-math
SELECT date('2024-02-28', '+1 day'), date('2023-02-28', '+1 day'), strftime('%j %w', '2024-12-31'), julianday('2000-01-01');
SELECT 7 / 2, 7 / 2.0, 7 % 3, abs(-4), round(2.675, 2), 1e308 * 10, typeof(1e308 * 10);
SELECT printf('%08.3f|%-6s|%x|%e', 3.14159, 'ab', 255, 12345.678);
-- case: strings-and-collation
SELECT upper('straße'), lower('ÄÖÜ'), length('héllo'), substr('abcdef', -3, 2), instr('hello', 'll'), replace('aaa', 'a', 'bb');
SELECT 'B' < 'a', 'B' < 'a' COLLATE NOCASE, trim('  x  '), quote('it''s'), unicode('é'), char(72, 105);
-- case: file-database
PRAGMA journal_mode = DELETE;
CREATE TABLE f(x);
INSERT INTO f VALUES (1), (2), (3);
PRAGMA integrity_check;
SELECT sum(x) FROM f;
VACUUM;
PRAGMA page_count;
-- case: wal
PRAGMA journal_mode = WAL;
CREATE TABLE w(x);
INSERT INTO w VALUES (42);
SELECT x FROM w;
-- case: dot-commands
CREATE TABLE m(a, b);
INSERT INTO m VALUES (1, 'one'), (2, 'two');
.mode csv
SELECT * FROM m;
.mode line
SELECT * FROM m WHERE a = 2;
.headers on
.mode column
SELECT * FROM m;
.schema m
-- case: errors
SELECT * FROM missing;
INSERT INTO nowhere VALUES (1);
SELECT 1 +;
SELECT 'after errors';
