# Per region: rows, total quantity, revenue — what report.txt says, from the CSV.
NR == 1 { next }
{ n[$2]++; q[$2] += $4; v[$2] += $4 * $5; rows++ }
END {
  printf "rows|%d\n", rows
  PROCINFO["sorted_in"] = "@ind_str_asc"
  for (r in n) printf "%s|%d|%d|%.2f\n", r, n[r], q[r], v[r]
}
