#!/bin/bash
# The -Xmx256m half of round 1, by hand: the script's SnapshotCli commands, staged classes, GNU time.
set -u
CP=$(cat /var/tmp/dsmem-bench/cp.txt)
OUT=/var/tmp/dsmem-bench/out256
mkdir -p $OUT
CLI=org.mlops4j.benchmarks.datasets.SnapshotCli
run() { # op, args...
  op=$1; shift
  echo "{\"op\":\"$op\",\"uptime\":\"$(uptime)\"}" >> results256.jsonl
  /usr/bin/time -o time-$op.txt -f "%e %U %S %M" java -Xmx256m -cp "$CP" $CLI --lake $OUT/lake --cache $OUT/cache "$@" --label "$op/t1m/1/256m" > out-$op.txt 2> err-$op.txt
  echo "{\"op\":\"$op\",\"exit\":$?,\"gnuTime\":\"$(tail -1 time-$op.txt)\",\"stdout\":$(head -c 4000 out-$op.txt | python3 -c 'import json,sys;print(json.dumps(sys.stdin.read()))'),\"stderrTail\":$(tail -c 600 err-$op.txt | python3 -c 'import json,sys;print(json.dumps(sys.stdin.read()))')}" >> results256.jsonl
}
sync; echo 3 > /proc/sys/vm/drop_caches
run cold --source /var/tmp/dsmem-bench/repo/t1m
sync; sleep 3
run nochange --source /var/tmp/dsmem-bench/repo/t1m
sync; echo 3 > /proc/sys/vm/drop_caches
run checkout --checkout $OUT/checkout
echo finished >> results256.jsonl
