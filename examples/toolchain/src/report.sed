# report.txt as a Markdown table: a header, pipes at both ends, regions capitalised.
1i\
| key | a | b | c |\
|---|---|---|---|
s/|/ | /g
s/^/| /
s/$/ |/
/^| top /y/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/
s/| \(north\|south\|east\|west\) /| \u\1 /
$a\
(end of report)
