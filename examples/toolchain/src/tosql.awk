# data.csv (with a header line) as INSERT statements into sales.
NR == 1 { next }
{ printf "INSERT INTO sales VALUES (%d, '%s', '%s', %d, %.2f);\n", $1, $2, $3, $4, $5 }
END { printf "-- %d rows\n", NR - 1 }
