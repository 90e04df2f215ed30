#!/bin/sh
# gate.sh FLAG COMMAND...: what the campaign puts in front of the reload and issue commands.
# Fails while FLAG exists (a reload that fails for a while); otherwise runs COMMAND. The fake
# clock is for danekeeper alone: its children run on the machine's time.
unset LD_PRELOAD FAKETIME FAKETIME_TIMESTAMP_FILE FAKETIME_DONT_FAKE_MONOTONIC FAKETIME_NO_CACHE
flag=$1
shift
if [ -e "$flag" ]; then
    echo "gate: $flag is set: failing as a broken reload would" >&2
    exit 1
fi
exec "$@"
