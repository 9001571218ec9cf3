COMMIT;
.mode list
.separator |
SELECT 'rows', count(*) FROM sales;
SELECT region, count(*), sum(qty), printf('%.2f', sum(qty * price)) FROM sales GROUP BY region ORDER BY region;
SELECT product, printf('%.2f', avg(price)), max(qty) FROM sales GROUP BY product ORDER BY 2 DESC;
SELECT 'top', id, region, product, printf('%.2f', qty * price) FROM sales ORDER BY qty * price DESC, id LIMIT 3;
