#!/usr/bin/env bash
# Virtuoso 7 (Debian's virtuoso-opensource) for the tests of `bgraph push`, `bgraph query
# --endpoint` and `bgraph serve --endpoint` (tests/test_virtuoso.py) and for bench/scale.py.
#
#   bash .ci/setup.d/80-virtuoso.sh                        install it if missing (.ci/run does)
#   bash .ci/setup.d/80-virtuoso.sh start DIR HTTP SQL     a fresh private database in DIR, HTTP
#                                                          and SQL (ISQL) on 127.0.0.1 only;
#                                                          returns once it answers
#   bash .ci/setup.d/80-virtuoso.sh stop DIR               stop the server started in DIR
#
# Never touches the packaged instance (/var/lib/virtuoso-opensource-7, port 8890, not started:
# Debian's policy-rc.d stops the package from starting it in a container). The test session
# starts one server in a temporary directory and stops it at the end (tests/virtuoso_support.py).
set -euo pipefail

install() {
  if command -v virtuoso-t >/dev/null 2>&1; then
    echo "virtuoso $(dpkg-query -W -f='${Version}' virtuoso-opensource-7 2>/dev/null || echo present)"
    return
  fi
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # the package asks for a dba password through debconf: non-interactive keeps the default; the
  # tests make their own database, whose dba password is "dba"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    virtuoso-opensource >/dev/null
  echo "virtuoso $(dpkg-query -W -f='${Version}' virtuoso-opensource-7)"
}

start() {
  local dir="$1" http="$2" sql="$3"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  cat >"$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:$sql
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
DirsAllowed          = $dir
; about 1.3 GB of buffers (8 KiB pages): Virtuoso's advice for a machine with 2 GB free
NumberOfBuffers      = ${VIRTUOSO_BUFFERS:-170000}
MaxDirtyBuffers      = ${VIRTUOSO_DIRTY_BUFFERS:-130000}
MaxQueryMem          = 1G
ThreadsPerQuery      = 2

[HTTPServer]
ServerPort           = 127.0.0.1:$http
ServerRoot           = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads        = 10
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
EnabledGzipContent   = 1
Charset              = UTF-8

[SPARQL]
; more rows than bgraph's --max-rows (10,000): bgraph caps and says so, Virtuoso would cut silently
ResultSetMaxRows           = 100000
MaxQueryExecutionTime      = 60
MaxQueryCostEstimationTime = 400
EOF
  (cd "$dir" && virtuoso-t -c "$dir/virtuoso.ini" +wait) >"$dir/start.log" 2>&1 || {
    cat "$dir/start.log" "$dir/virtuoso.log" >&2 || true
    exit 1
  }
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$http/sparql?query=ASK%7B%7D', timeout=2)" 2>/dev/null; then
      echo "virtuoso on 127.0.0.1:$http (SQL 127.0.0.1:$sql), database in $dir"
      return
    fi
    sleep 0.2
  done
  echo "virtuoso did not answer on 127.0.0.1:$http" >&2
  exit 1
}

stop() {
  local dir="$1" pid
  [ -f "$dir/virtuoso.lck" ] || return 0
  pid="$(sed -n 's/^VIRT_PID=//p' "$dir/virtuoso.lck")"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-install}" in
  install) install ;;
  start) start "$2" "$3" "$4" ;;
  stop) stop "$2" ;;
  *)
    echo "usage: $0 [install | start DIR HTTP_PORT SQL_PORT | stop DIR]" >&2
    exit 2
    ;;
esac
