#!/bin/bash
# `danekeeper audit --html` on the testbed after a short rollover and a sender's TLS report with
# failures (its organization name hostile markup): the page is well-formed, a real headless
# Chromium renders it (a screenshot of sane size that is not blank) and the text it extracts holds
# the endpoints, the EMLREQ ids, the key switch in the timeline, the TLSRPT failures and the
# organization name as text, never as markup; a bad --html path or --days is one line, exit 2.
# Usage: audit_html_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
env_file=$1 dk_bin=$2
# shellcheck source=/dev/null
source "$env_file"
repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d /tmp/dk-audit-html-XXXXXX)
chmod 700 "$work"
mkdir -p "$work/served"
browser_pid=""
cleanup() {
    [[ -n $browser_pid ]] && kill "$browser_pid" 2>/dev/null && wait "$browser_pid" 2>/dev/null
    restore_testbed
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../helpers.sh
source "$(dirname "$0")/../helpers.sh"
restore_testbed
started=$SECONDS

browser=$(command -v chromium-headless-shell || command -v chromium || true)
if [[ -z $browser ]]; then
    bad "no headless Chromium (tests/install-deps.sh installs chromium-headless-shell)"
    exit 1
fi
# browse OUT ARGS...: one headless run with its own profile, bounded, stopped by its pid.
browse() {
    local out=$1 sandbox=()
    shift
    [[ $(id -u) -eq 0 ]] && sandbox=(--no-sandbox)  # Chromium refuses root without it
    timeout -k 5 60 "$browser" --headless "${sandbox[@]}" --user-data-dir="$work/profile" \
        --disable-gpu --no-first-run --hide-scrollbars "$@" >"$out" 2>"$work/browser.err" &
    browser_pid=$!
    wait "$browser_pid"
    local rc=$?
    browser_pid=""
    return $rc
}

"$repo/examples/render-testbed-config.sh" "$env_file" "$work/state" "$work/served" >"$work/dk.toml"
ca_spki=$(openssl x509 -in "$TB_CA_CERT" -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
printf '\n[audit]\ncertified_ca_spki_sha256 = ["%s"]\n' "$ca_spki" >>"$work/dk.toml"
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" >/dev/null
"$repo/tests/testbed/testbed.sh" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN" >/dev/null
dk adopt mx >/dev/null 2>&1 || bad "adopt"

# A short rollover: request it, then one run at a time until the slot has switched.
for _ in $(seq 1 60); do
    dk run --once >>"$work/runs.log" 2>&1
    [[ $(status_field "['next']['published_at']") != None ]] && break
    sleep 0.5
done
before=$(status_field "['current']['id']")
dk rollover start mx >/dev/null
rolled=1
for _ in $(seq 1 120); do
    dk run --once >>"$work/runs.log" 2>&1
    wait_until_rolled "$before" 1 && rolled=0 && break
done
expect "rolled over" 0 "$rolled"
echo "rollover took $((SECONDS - started)) s"

# A sender's report with failures; its organization name is markup that must stay text.
org='<b id="evil">Evil & "Co"</b> ]]>'
python3 - "$work/report.json" "$org" "$TB_ZONE" "$TB_MX1_HOST" <<'PY'
import datetime, json, sys
out, org, zone, mx = sys.argv[1:5]
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump({"organization-name": org, "contact-info": "tlsrpt@sender.example",
           "report-id": "html-1",
           "date-range": {"start-datetime": fmt(now - datetime.timedelta(hours=2)),
                          "end-datetime": fmt(now)},
           "policies": [{"policy": {"policy-type": "tlsa", "policy-domain": zone, "mx-host": [mx]},
                         "summary": {"total-successful-session-count": 10,
                                     "total-failure-session-count": 3},
                         "failure-details": [{"result-type": "tlsa-invalid",
                                              "sending-mta-ip": "192.0.2.25",
                                              "receiving-mx-hostname": mx,
                                              "failed-session-count": 3}]}]},
          open(out, "w"))
PY
dk tlsrpt import "$work/report.json" >/dev/null 2>&1 || bad "tlsrpt import"

# The page.
phase=$SECONDS
dk audit --html "$work/audit.html" >"$work/audit.txt" 2>"$work/err"
expect "audit --html passes" 0 $?
expect "the text output is unchanged" "audit: PASS (3 endpoint addresses, 0 failed; 0 lint findings)" "$(tail -1 "$work/audit.txt")"
echo "audit --html took $((SECONDS - phase)) s"
[[ -s $work/audit.html ]] && ok "page written ($(wc -c <"$work/audit.html") bytes)" || bad "no page"
# Well-formed: every element closed in order, nothing fetched, no script.
python3 - "$work/audit.html" >"$work/wellformed" 2>&1 <<'PY'
import html.parser, sys
VOID = {"meta", "br", "hr"}
class Check(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.open, self.problems = [], []
    def handle_starttag(self, tag, attrs):
        if tag == "script" or any(k in ("src", "href") and not (v or "").startswith("#") for k, v in attrs):
            self.problems.append(f"external or script: <{tag} {attrs}>")
        if tag not in VOID:
            self.open.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
        else:
            self.open.pop()
c = Check()
c.feed(open(sys.argv[1], encoding="utf-8").read())
c.close()
problems = c.problems + [f"<{t}> left open" for t in c.open]
print("\n".join(problems) or "well-formed")
PY
expect "page well-formed, self-contained" "well-formed" "$(head -3 "$work/wellformed")"

# DK_AUDIT_HTML_KEEP=DIR keeps the page and its screenshot for a look.
keep() { [[ -n ${DK_AUDIT_HTML_KEEP:-} ]] && cp "$@" "$DK_AUDIT_HTML_KEEP/"; }
keep "$work/audit.html"

# A real browser: the screenshot, then the DOM it built.
phase=$SECONDS
browse "$work/shot.out" --window-size=1280,1400 --screenshot="$work/shot.png" "file://$work/audit.html"
expect "chromium screenshot" 0 $?
python3 - "$work/shot.png" >"$work/pixels" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, color = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert depth == 8 and color in (2, 6), f"depth {depth} color {color}"
bpp = 3 if color == 2 else 4
raw, stride = zlib.decompress(idat), width * bpp
# The top 700 rows (the verdict, the summary, the timeline) are enough, and rows decode in order.
rows, prev, i = [], bytearray(stride), 0
for _ in range(min(height, 700)):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
colours, inked = set(), 0
for line in rows:
    for x in range(0, stride, bpp):
        px = line[x:x + 3]
        colours.add(px)
        inked += px != b"\xff\xff\xff"
print(width, height, len(colours), round(inked / (width * len(rows)), 3))
PY
keep "$work/shot.png"
read -r shot_w shot_h shot_colours shot_inked <"$work/pixels"
echo "screenshot: ${shot_w}x${shot_h}, $shot_colours colours, $shot_inked of the pixels not white"
[[ $shot_w == 1280 && $shot_h == 1400 ]] && ok "screenshot size" || bad "screenshot size: $(cat "$work/pixels")"
python3 -c "import sys; c, i = int(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if c >= 20 and 0.02 <= i <= 0.9 else 1)" \
    "${shot_colours:-0}" "${shot_inked:-0}" && ok "not a blank page" || bad "blank or garbled page: $(cat "$work/pixels")"

browse "$work/dom.html" --dump-dom "file://$work/audit.html"
expect "chromium dump-dom" 0 $?
echo "chromium (two runs) and the pixel check took $((SECONDS - phase)) s"
python3 - "$work/dom.html" >"$work/dom.txt" <<'PY'
import html.parser, sys
class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.row, self.ids = [], [], []
    def handle_starttag(self, tag, attrs):
        self.ids += [v for k, v in attrs if k == "id"]
    def handle_endtag(self, tag):
        if tag in ("tr", "h1", "h2", "h3", "p", "li", "text", "title", "style"):
            self.parts.append(" | ".join(self.row))
            self.row = []
    def handle_data(self, data):
        if data.strip():
            self.row.append(data.strip())
t = Text()
t.feed(open(sys.argv[1], encoding="utf-8").read())
print("\n".join(p for p in t.parts if p))
print("ids:", " ".join(t.ids))
PY
has() {  # has WHAT REGEX: a line of the browser's text matches
    grep -qE -- "$2" "$work/dom.txt" && ok "$1" || bad "$1: no line matches $2"
}
has "verdict" '^DANE audit \(BSI TR-03108-1\): \| PASS$'
for ep in "$TB_MX1_HOST:25" "$TB_MX2_HOST:25" "$TB_MX1_HOST:465"; do
    has "summary row $ep" "^${ep//./\\.} \| [0-9.]+ \| ecdsa \| PASS \| PASS \| PASS \| PASS$"
done
for req in "EMLREQ_2 | tls_offered" "EMLREQ_4 | tlsa_matches_served_chain" "EMLREQ_6 | certified_ca"; do
    has "evidence row $req" "^${req//|/\\|} \| (PASS|FAIL) \| "
done
has "key switch in the timeline" '^20[0-9-]+T[0-9:]+Z \| mx \| key switch \| key switch: every endpoint presents the next key'
has "retirement in the timeline" "^20[0-9-]+T[0-9:]+Z \| mx \| retired \| retired _25\._tcp\.${TB_MX1_HOST//./\\.}\. TLSA 3 1 1 "
has "waiting window in the timeline" '^20[0-9-]+T[0-9:]+Z \| mx \| waiting window \| until 20[0-9-]+T[0-9:]+Z: waiting from t1 to the earliest switch'
has "RRSIG expiry in the timeline" "^20[0-9-]+T[0-9:]+Z \| DNSSEC \| RRSIG expiry \| the first RRSIG over _25\._tcp\."
has "TLSRPT failure in the timeline, its organization as text" \
    '^20[0-9-]+T[0-9:]+Z \| TLSRPT \| TLSRPT failures \| until .*<b id="evil">Evil & "Co"</b> ]]> \(report html-1\): 3 failed sessions, 3 DANE: tlsa-invalid at '
has "lint section" '^Lint findings$'
has "timeline lanes drawn" '^TLSRPT$'
grep -q '^ids: requirements timeline lint tlsrpt evidence$' "$work/dom.txt" && ok "no element from the hostile name" || bad "ids in the DOM: $(grep '^ids:' "$work/dom.txt")"

# Bad input: one line, exit 2, nothing written.
dk audit --html "$work/no/such/dir/a.html" >/dev/null 2>"$work/err"
expect "a bad --html path is bad input" 2 $?
expect "one line naming it" "danekeeper: --html $work/no/such/dir/a.html: $work/no/such/dir/ is not a directory" "$(cat "$work/err")"
dk audit --html "$work" >/dev/null 2>"$work/err"
expect "a directory as --html is bad input" "2 1" "$? $(wc -l <"$work/err")"
dk audit --html "$work/b.html" --days 0 >/dev/null 2>"$work/err"
expect "--days 0 is bad input" "2 danekeeper: audit: --days must be 1..366" "$? $(cat "$work/err")"
dk audit --html "$work/b.html" --nagios >/dev/null 2>&1
expect "--html with --nagios is bad input (UNKNOWN)" 3 $?
[[ ! -e $work/b.html ]] && ok "nothing written on bad input" || bad "a page was written on bad input"

echo "audit html test: $((SECONDS - started)) s"
[[ $failures -eq 0 ]]
