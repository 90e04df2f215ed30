#!/usr/bin/env python3
"""The bad-input matrix: one row per bad input to the command line.

Each row names a set-up (a change to a working configuration, a bad file the configuration
names, bad arguments), the verb, the exit code README "Exit codes" documents, and a pattern the
one error line must match (it names the file, and the line or field). Before every row the same
prepared tree is copied into place: a configuration with a signed-file zone (no DNS server is
needed) and a slot adopted through the real binary, so the state directory holds state.db and
keys. After the row, every file under the state directory, the served files, the zone files and
the DNSSEC keys must be byte for byte what they were, with the same modes; stderr must be exactly
one line and stdout empty.

usage: bad_input_matrix.py DANEKEEPER [--keep] [ROW_NAME_REGEX]
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile

DK = os.path.abspath(sys.argv[1])
KEEP = "--keep" in sys.argv
ONLY = re.compile(([a for a in sys.argv[2:] if a != "--keep"] or [""])[0])

ROOT = tempfile.mkdtemp(prefix="dk-matrix-")
TEMPLATE = os.path.join(ROOT, "template")
W = os.path.join(ROOT, "w")  # every row runs here: the configuration's paths point into it
CONFIG = f"{W}/dk.toml"
PROTECTED = ["state", "served", "zone", "keys"]  # what must not change, byte for byte

BASE_CONFIG = """\
state_dir = "{W}/state"

[dns]
resolver = "127.66.0.250:53"
trust_anchor_file = "{W}/anchor.ds"

[[zone]]
name = "example.net"
publisher = "signed-file"
unsigned_file = "{W}/zone/example.net.zone"
signed_file = "{W}/zone/example.net.signed"
authoritative = ["127.66.0.250:53"]
keys_dir = "{W}/keys"
tlsa_ttl = 300

[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
addresses = {{ "mx1.example.net" = ["127.66.0.251"] }}
cert_file = "{W}/served/chain.pem"
key_file = "{W}/served/key.pem"
certificates = "hook"
issuer_ca_file = "{W}/ca/ca.pem"
margin_seconds = 60

[audit]
max_tlsa_records = 12
"""

ZONE = """\
$ORIGIN example.net.
$TTL 3600
@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@ IN NS ns1
ns1 IN A 127.66.0.250
mx1 IN A 127.66.0.251
@ IN MX 10 mx1
"""


def run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def openssl(*args):
    run(["openssl", *args])


def make_template():
    """The tree every row starts from, made at W (paths in it are absolute) then kept aside."""
    for d in ["state", "served", "zone", "keys", "ca", "in"]:
        os.makedirs(f"{W}/{d}")
    os.chmod(f"{W}/state", 0o700)
    ca, ec = f"{W}/ca", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", f"{ca}/ca.key", "-out", f"{ca}/ca.pem", "-days",
            "3650", "-subj", "/CN=matrix test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-x509", *ec, "-keyout", f"{ca}/other.key", "-out", f"{ca}/other.pem", "-days",
            "3650", "-subj", "/CN=another CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    ext = f"{ca}/leaf.ext"
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:mx1.example.net\nbasicConstraints=CA:FALSE\n")

    def leaf(name, key, days="60", issuer="ca", extra=()):
        """A certificate for mx1.example.net with KEY (made when missing), issued by ISSUER."""
        if not os.path.exists(key):
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                    key)
            os.chmod(key, 0o600)
        openssl("req", "-new", "-key", key, "-subj", "/CN=mx1.example.net", "-out",
                f"{ca}/{name}.csr")
        openssl("x509", "-req", "-in", f"{ca}/{name}.csr", "-CA", f"{ca}/{issuer}.pem", "-CAkey",
                f"{ca}/{issuer}.key", "-CAcreateserial", "-days", days, "-extfile", ext,
                "-out", f"{ca}/{name}.pem", *extra)
        with open(f"{ca}/{name}.pem") as f, open(f"{ca}/{issuer}.pem") as i:
            return f.read() + i.read()

    with open(f"{W}/served/chain.pem", "w") as f:
        f.write(leaf("served", f"{W}/served/key.pem"))
    os.chmod(f"{W}/served/key.pem", 0o600)
    # Chains for `hook deliver`: for the slot's key but wrong in one way each; a key of another
    # type; the slot's key in other shapes.
    inp = f"{W}/in"
    shutil.copy(f"{W}/served/key.pem", f"{inp}/slot.key")
    os.chmod(f"{inp}/slot.key", 0o600)
    write(f"{inp}/other-ca.pem", leaf("othercaleaf", f"{inp}/slot.key", issuer="other"))
    write(f"{inp}/far-future.pem", leaf("far", f"{inp}/slot.key", days="36500"))
    write(f"{inp}/foreign.pem", leaf("foreign", f"{inp}/foreign.key"))
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
            f"{inp}/rsa.key")
    os.chmod(f"{inp}/rsa.key", 0o600)
    with open(f"{ca}/served.pem") as f:
        leaf_only = f.read()
    write(f"{inp}/leaf-only.pem", leaf_only)
    with open(f"{ca}/ca.pem") as f:
        write(f"{inp}/reversed.pem", f.read() + leaf_only)
    # A chain that ended yesterday (x509 -days cannot go back: sign with a fixed past window).
    openssl("req", "-new", "-key", f"{inp}/slot.key", "-subj", "/CN=mx1.example.net", "-out",
            f"{ca}/expired.csr")
    write(f"{ca}/ca.cnf", f"[ca]\ndefault_ca = d\n[d]\ndatabase = {ca}/index.txt\n"
          f"new_certs_dir = {ca}\nserial = {ca}/serial\ndefault_md = sha256\npolicy = p\n"
          "[p]\ncommonName = supplied\n")
    write(f"{ca}/index.txt", "")
    write(f"{ca}/serial", "1000\n")
    openssl("ca", "-batch", "-config", f"{ca}/ca.cnf", "-in", f"{ca}/expired.csr", "-cert",
            f"{ca}/ca.pem", "-keyfile", f"{ca}/ca.key", "-startdate", "20200101000000Z",
            "-enddate", "20200301000000Z", "-extfile", ext, "-notext", "-out", f"{ca}/expired.pem")
    with open(f"{ca}/expired.pem") as f, open(f"{ca}/ca.pem") as i:
        write(f"{inp}/expired.pem", f.read() + i.read())

    write(f"{W}/zone/example.net.zone", ZONE)
    for flags in (["-f", "KSK"], []):
        run(["dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", *flags, "example.net"], cwd=f"{W}/keys")
    for name in os.listdir(f"{W}/keys"):
        os.chmod(f"{W}/keys/{name}", 0o600 if name.endswith(".private") else 0o644)
    ksk = next(n for n in os.listdir(f"{W}/keys") if n.endswith(".key") and
               " 257 " in open(f"{W}/keys/{n}").read())
    ds = run(["dnssec-dsfromkey", "-2", f"{W}/keys/{ksk}"]).stdout
    write(f"{W}/anchor.ds", ds)
    write(CONFIG, BASE_CONFIG.format(W=W), 0o600)
    run([DK, "--config", CONFIG, "sign", f"{W}/zone/example.net.zone", "--origin", "example.net",
         "--keys", f"{W}/keys", "-o", f"{W}/zone/example.net.signed"])
    run([DK, "--config", CONFIG, "adopt", "mx"])
    shutil.move(W, TEMPLATE)


def write(path, text, mode=None):
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


# ---- set-up steps (each takes nothing and acts on W) ----

def edit(old, new):
    """Replace OLD (which must be in the configuration) by NEW."""
    def step():
        text = open(CONFIG).read()
        assert old in text, f"set-up: {old!r} is not in the configuration"
        write(CONFIG, text.replace(old, new, 1))
    return step


def append(text):
    def step():
        write(CONFIG, open(CONFIG).read() + text)
    return step


def put(path, text, mode=0o600):
    """A file at PATH (under W) with TEXT (str or bytes)."""
    def step():
        full = f"{W}/{path}"
        os.makedirs(os.path.dirname(full), exist_ok=True)
        if os.path.lexists(full):
            os.unlink(full)
        with open(full, "wb") as f:
            f.write(text.encode() if isinstance(text, str) else text)
        os.chmod(full, mode)
    return step


def fifo(path):
    def step():
        full = f"{W}/{path}"
        if os.path.lexists(full):
            os.unlink(full)
        os.mkfifo(full, 0o600)
    return step


def symlink(path, target):
    def step():
        full = f"{W}/{path}"
        if os.path.lexists(full):
            os.unlink(full)
        os.symlink(target.format(W=W), full)
    return step


def directory(path):
    def step():
        full = f"{W}/{path}"
        if os.path.lexists(full):
            os.unlink(full)
        os.mkdir(full, 0o700)
    return step


def chmod(path, mode):
    return lambda: os.chmod(f"{W}/{path}", mode)


def remove(path):
    return lambda: os.unlink(f"{W}/{path}")


def slot_without_next(slot):
    """The slot's stored state without a next key (adopt makes one; a state written between a
    retirement and the fresh key's generation, or by an older version, has none)."""
    def step():
        db = sqlite3.connect(f"{W}/state/state.db")
        try:
            (text,) = db.execute("SELECT state_json FROM slots WHERE name = ?", (slot,)).fetchone()
            state = json.loads(text)
            assert state.pop("next", None) is not None, "adopt made no next key"
            db.execute("UPDATE slots SET state_json = ? WHERE name = ?", (json.dumps(state), slot))
            db.commit()
        finally:
            db.close()
    return step


def file_bytes(path):
    """Bytes of a template file: to write garbled copies of it."""
    with open(f"{TEMPLATE}/{path}", "rb") as f:
        return f.read()


def first_certificate(pem):
    """The first PEM certificate of PEM (bytes): a leaf without its CA."""
    end = b"-----END CERTIFICATE-----\n"
    return pem[:pem.index(end) + len(end)]


class Row:
    def __init__(self, name, setup, argv, code, message, event=None):
        self.name, self.setup, self.argv, self.code = name, setup, argv, code
        self.message, self.event = message, event


def R(name, setup, argv, code, message, event=None):
    """A row; EVENT: the one event the refusal is documented to log (its line on stderr and its
    row in the event log are then expected, and nothing else)."""
    return Row(name, setup if isinstance(setup, list) else [setup] if setup else [],
               argv, code, message, event)


C = "dk.toml"  # how the configuration's file name appears in messages (a regex)
CHECK = ["config", "check"]
ZONEFILE = "{W}/zone/example.net.zone"
SIGNED = "{W}/zone/example.net.signed"


def key_private():
    return next(n for n in os.listdir(f"{TEMPLATE}/keys") if n.endswith(".private"))


def rfc2136(tsig_text=None, mode=0o600, kind="file"):
    """The zone as an RFC 2136 zone with a TSIG key file at W/tsig.key of KIND."""
    steps = [edit(f'unsigned_file = "{W}/zone/example.net.zone"\n'
                  f'signed_file = "{W}/zone/example.net.signed"\n', ""),
             edit(f'keys_dir = "{W}/keys"\n', ""),
             edit('publisher = "signed-file"', 'publisher = "rfc2136"\nprimary = "127.0.0.1:53"\n'
                  f'tsig_key_file = "{W}/tsig.key"')]
    if kind == "file":
        steps.append(put("tsig.key", tsig_text, mode))
    elif kind == "fifo":
        steps.append(fifo("tsig.key"))
    elif kind == "symlink":
        steps += [put("tsig.real", tsig_text, 0o600), symlink("tsig.key", "{W}/tsig.real")]
    elif kind == "directory":
        steps.append(directory("tsig.key"))
    return steps


GOOD_TSIG = 'key "dk" {\n\talgorithm hmac-sha256;\n\tsecret "c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ==";\n};\n'
TLSRPT_GOOD = """{"organization-name": "Sender", "date-range": {"start-datetime":
 "2026-12-06T00:00:00Z", "end-datetime": "2026-12-06T23:59:59Z"}, "contact-info": "r@sender.example",
 "report-id": "r-1", "policies": [{"policy": {"policy-type": "tlsa", "policy-domain": "example.net"},
 "summary": {"total-successful-session-count": 1, "total-failure-session-count": 2},
 "failure-details": [{"result-type": "tlsa-invalid", "failed-session-count": 2}]}]}"""
TLSRPT_NO_ID = TLSRPT_GOOD.replace('"report-id": "r-1", ', "")
TLSRPT_BAD_COUNT = TLSRPT_GOOD.replace('"failed-session-count": 2', '"failed-session-count": "2"')


def append_to_zone(text):
    return edit("tlsa_ttl = 300\n", "tlsa_ttl = 300\n" + text)


ROWS = [
    # ---- TOML syntax: the file and line ----
    R("toml_unclosed_string", edit('name = "mx"', 'name = "mx'), CHECK, 2, rf"{C}:\d+"),
    R("toml_missing_equals", edit("margin_seconds = 60", "margin_seconds 60"), CHECK, 2,
      rf"{C}:\d+"),
    R("toml_unclosed_table_header", edit("[audit]", "[audit"), CHECK, 2, rf"{C}:\d+"),
    R("toml_duplicate_key", edit("margin_seconds = 60", "margin_seconds = 60\nmargin_seconds = 61"),
      CHECK, 2, rf"{C}:\d+.*margin_seconds"),
    R("toml_duplicate_table", append("[audit]\nrrsig_warn_days = 3\n"), CHECK, 2, rf"{C}:\d+.*audit"),
    R("toml_bad_utf8", lambda: put("dk.toml", BASE_CONFIG.format(W=W).encode() +
                                   b'[metrics]\nfile = "/tmp/\xff"\n')(), CHECK, 2, rf"{C}:\d+"),
    R("toml_nul_byte", put("dk.toml", BASE_CONFIG.format(W=W).replace("tlsa_ttl = 300", "tlsa_ttl = 3\x0000")),
      CHECK, 2, rf"{C}:\d+"),
    R("toml_over_long_line", append("# " + "x" * 2_000_000 + "\n"), CHECK, 2, rf"{C}: file too large"),
    R("toml_deep_nesting", append("[audit2]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n"), CHECK,
      2, rf"{C}:\d+"),
    R("toml_status_syntax", edit("[audit]", "[audit"), ["status"], 2, rf"^danekeeper: .*{C}:\d+"),
    # ---- the configuration file itself ----
    R("config_missing", remove("dk.toml"), CHECK, 2, rf"{C}"),
    R("config_directory", [remove("dk.toml"), directory("dk.toml")], ["status"], 2, rf"{C}"),
    R("config_fifo", fifo("dk.toml"), ["run", "--once"], 2, rf"{C}: not a regular file"),
    R("config_world_writable", chmod("dk.toml", 0o666), ["adopt", "mx"], 2,
      rf"{C}: writable by others"),
    R("config_empty", put("dk.toml", ""), ["status"], 2, rf"{C}"),
    R("config_huge", put("dk.toml", BASE_CONFIG.format(W=W) + "#" * (64 << 20) + "\n"), CHECK, 2, rf"{C}"),
    # ---- unknown keys, types, ranges: the field ----
    R("unknown_key_in_key", edit("margin_seconds = 60", "margin_second = 60"), CHECK, 2,
      rf"{C}:\d+.*margin_second"),
    R("unknown_key_in_zone", edit("tlsa_ttl = 300", "tlsa_tll = 300"), CHECK, 2,
      rf"{C}:\d+.*tlsa_tll"),
    R("unknown_top_level_key", edit('state_dir = "', 'statedir = "/x"\nstate_dir = "'), CHECK, 2,
      rf"{C}:\d+.*statedir"),
    R("unknown_section", append("[metric]\nfile = \"/tmp/x.prom\"\n"), CHECK, 2, rf"{C}:\d+.*metric"),
    R("unknown_key_in_dns", edit('resolver = "', 'resolvers = "127.0.0.1:53"\nresolver = "'), CHECK,
      2, rf"{C}:\d+.*resolvers"),
    R("ttl_is_string", edit("tlsa_ttl = 300", 'tlsa_ttl = "300"'), CHECK, 2, rf"{C}:\d+.*tlsa_ttl"),
    R("ttl_zero", edit("tlsa_ttl = 300", "tlsa_ttl = 0"), CHECK, 2, rf"{C}:\d+.*tlsa_ttl"),
    R("ttl_too_big", edit("tlsa_ttl = 300", "tlsa_ttl = 86401"), CHECK, 2, rf"{C}:\d+.*tlsa_ttl"),
    R("ttl_negative", edit("tlsa_ttl = 300", "tlsa_ttl = -1"), CHECK, 2, rf"{C}:\d+.*tlsa_ttl"),
    R("ttl_float", edit("tlsa_ttl = 300", "tlsa_ttl = 300.5"), CHECK, 2, rf"{C}:\d+.*tlsa_ttl"),
    R("ttl_overflow", edit("tlsa_ttl = 300", "tlsa_ttl = 99999999999999999999"), CHECK, 2,
      rf"{C}:\d+"),
    R("margin_too_big", edit("margin_seconds = 60", "margin_seconds = 86401"), CHECK, 2,
      rf"{C}:\d+.*margin_seconds"),
    R("renew_before_zero", edit("margin_seconds = 60", "renew_before_days = 0"), CHECK, 2,
      rf"{C}:\d+.*renew_before_days"),
    R("rollover_every_too_big", edit("margin_seconds = 60", "rollover_every_days = 36501"), CHECK,
      2, rf"{C}:\d+.*rollover_every_days"),
    R("max_tlsa_records_zero", edit("max_tlsa_records = 12", "max_tlsa_records = 0"), CHECK, 2,
      rf"{C}:\d+.*max_tlsa_records"),
    R("rrsig_warn_days_bool", edit("max_tlsa_records = 12", "rrsig_warn_days = true"), CHECK, 2,
      rf"{C}:\d+.*rrsig_warn_days"),
    R("nsec3_is_string", edit("tlsa_ttl = 300", 'nsec3 = "yes"'), CHECK, 2, rf"{C}:\d+.*nsec3"),
    R("signature_validity_too_short", edit("tlsa_ttl = 300", "signature_validity_days = 1"), CHECK,
      2, rf"{C}:\d+.*signature_validity_days"),
    R("refresh_not_below_validity",
      edit("tlsa_ttl = 300", "signature_validity_days = 5\nrefresh_days = 5"), CHECK, 2,
      rf"{C}:\d+.*refresh_days"),
    R("endpoints_not_array", edit('endpoints = ["mx1.example.net:25"]',
                                  'endpoints = "mx1.example.net:25"'), CHECK, 2,
      rf"{C}:\d+.*endpoints"),
    R("endpoints_number_in_array", edit('endpoints = ["mx1.example.net:25"]', "endpoints = [25]"),
      CHECK, 2, rf"{C}:\d+.*endpoints"),
    R("endpoints_empty", edit('endpoints = ["mx1.example.net:25"]', "endpoints = []"), CHECK, 2,
      rf"{C}:\d+.*endpoints"),
    R("state_dir_is_number", edit(f'state_dir = "{W}/state"', "state_dir = 5"),
      CHECK, 2, rf"{C}:\d+.*state_dir"),
    R("algorithm_unknown", edit('name = "mx"', 'name = "mx"\nalgorithm = "dsa-1024"'), CHECK, 2,
      rf"{C}:\d+.*algorithm"),
    R("zone_algorithm_unknown", edit("tlsa_ttl = 300", 'algorithm = "rsamd5"'), CHECK, 2,
      rf"{C}:\d+.*algorithm"),
    R("publisher_unknown", edit('publisher = "signed-file"', 'publisher = "nsupdate"'), CHECK, 2,
      rf"{C}:\d+.*publisher"),
    R("certificates_unknown", edit('certificates = "hook"', 'certificates = "certbot"'), CHECK, 2,
      rf"{C}:\d+.*certificates"),
    R("serial_unknown", edit("tlsa_ttl = 300", 'serial = "date"'), CHECK, 2, rf"{C}:\d+.*serial"),
    R("challenge_unknown",
      append('[acme]\ndirectory = "https://ca.example/dir"\nchallenge = "tls-alpn-01"\n'), CHECK, 2,
      rf"{C}:\d+.*challenge"),
    R("acme_directory_http", append('[acme]\ndirectory = "http://ca.example/dir"\n'), CHECK, 2,
      rf"{C}:\d+.*directory"),
    R("acme_eab_kid_without_key",
      append('[acme]\ndirectory = "https://ca.example/dir"\neab_kid = "kid"\n'), CHECK, 2,
      rf"{C}:\d+.*eab"),
    R("audit_spki_not_hex", edit(
        "max_tlsa_records = 12", 'certified_ca_spki_sha256 = ["zz"]'), CHECK, 2,
      rf"{C}:\d+.*certified_ca_spki_sha256"),
    R("zone_keys_dir_with_managed_key",
      edit("tlsa_ttl = 300", "zsk_lifetime_days = 30"), CHECK, 2, rf"{C}:\d+.*zsk_lifetime_days"),
    R("zone_name_missing", edit('name = "example.net"', ""), CHECK, 2, rf"{C}:\d+.*name"),
    R("key_name_missing", edit('name = "mx"', ""), CHECK, 2, rf"{C}:\d+.*name"),
    R("cert_file_missing", edit(f'cert_file = "{W}/served/chain.pem"', ""), CHECK, 2,
      rf"{C}:\d+.*cert_file"),
    R("key_file_missing", edit(f'key_file = "{W}/served/key.pem"', ""), CHECK, 2,
      rf"{C}:\d+.*key_file"),
    R("unsigned_file_missing_key", edit(f'unsigned_file = "{W}/zone/example.net.zone"', ""), CHECK,
      2, rf"{C}:\d+.*unsigned_file"),
    R("tsig_key_file_missing_key",
      rfc2136(kind="none") + [edit(f'tsig_key_file = "{W}/tsig.key"\n', "")], CHECK, 2,
      rf"{C}:\d+.*tsig_key_file"),
    R("signed_file_key_on_rfc2136_zone", rfc2136(GOOD_TSIG) + [append_to_zone("nsec3 = true\n")],
      CHECK, 2, rf"{C}:\d+.*nsec3"),
    R("issue_command_missing", edit('certificates = "hook"', 'certificates = "command"'), CHECK, 2,
      rf"{C}:\d+.*issue_command"),
    # ---- endpoints, ports, addresses, names ----
    R("endpoint_port_zero", edit("mx1.example.net:25", "mx1.example.net:0"), CHECK, 2,
      rf"{C}:\d+.*endpoints"),
    R("endpoint_port_too_big", edit("mx1.example.net:25", "mx1.example.net:65536"), CHECK, 2,
      rf"{C}:\d+.*endpoints"),
    R("endpoint_port_not_number", edit("mx1.example.net:25", "mx1.example.net:smtp"), CHECK, 2,
      rf"{C}:\d+.*endpoints"),
    R("endpoint_outside_zones", edit('["mx1.example.net:25"]', '["mx1.example.org:25"]'), CHECK, 2,
      rf"{C}:\d+.*mx1\.example\.org"),
    R("endpoint_bad_label", edit('["mx1.example.net:25"]', '["mx_1..example.net:25"]'), CHECK, 2,
      rf"{C}:\d+.*endpoints"),
    R("endpoint_label_too_long", edit('["mx1.example.net:25"]',
                                      '["' + "a" * 64 + '.example.net:25"]'), CHECK, 2,
      rf"{C}:\d+.*endpoints"),
    R("endpoint_scheme_unknown", edit('"mx1.example.net:25"', '"ftp://mx1.example.net:25"'),
      CHECK, 2, rf"{C}:\d+: key\[0\]\.endpoints: unknown scheme 'ftp://'"),
    R("endpoint_scheme_upper_case", edit('"mx1.example.net:25"', '"SMTP://mx1.example.net:25"'),
      CHECK, 2, rf"{C}:\d+: key\[0\]\.endpoints: unknown scheme 'SMTP://'"),
    R("endpoint_scheme_without_port", edit('"mx1.example.net:25"', '"imap://mx1.example.net"'),
      CHECK, 2, rf"{C}:\d+: key\[0\]\.endpoints: no port in 'imap://mx1\.example\.net'"),
    R("endpoint_scheme_port_junk", edit('"mx1.example.net:25"', '"smtp://mx1.example.net:25/"'),
      CHECK, 2, rf"{C}:\d+: key\[0\]\.endpoints: bad port"),
    R("endpoint_probe_address_name",
      edit('"mx1.example.net:25"', '"smtp://mx1.example.net:25@lb.example.net"'), CHECK, 2,
      rf"{C}:\d+: key\[0\]\.endpoints: probe address 'lb\.example\.net' .* not an IP"),
    R("endpoint_probe_address_empty", edit('"mx1.example.net:25"', '"smtp://mx1.example.net:25@"'),
      CHECK, 2, rf"{C}:\d+: key\[0\]\.endpoints: no probe address after '@'"),
    R("endpoint_probe_address_bad_port",
      edit('"mx1.example.net:25"', '"smtp://mx1.example.net:25@192.0.2.10:0"'), CHECK, 2,
      rf"{C}:\d+: key\[0\]\.endpoints: bad port"),
    R("endpoint_scheme_ip_host", edit('"mx1.example.net:25"', '"smtp://127.66.0.251:25"'), CHECK,
      2, rf"{C}:\d+: key\[0\]\.endpoints: .*must be a DNS name"),
    R("zone_name_bad", edit('name = "example.net"', 'name = "exa mple..net"'), CHECK, 2,
      rf"{C}:\d+.*name"),
    R("zone_name_duplicate", append('[[zone]]\nname = "example.net"\npublisher = "signed-file"\n'
                                    f'unsigned_file = "{W}/zone/example.net.zone"\n'
                                    f'signed_file = "{W}/zone/b.signed"\n'
                                    'authoritative = ["127.66.0.250:53"]\n'), CHECK, 2,
      rf"{C}:\d+.*example\.net"),
    R("slot_name_duplicate", append(f'[[key]]\nname = "mx"\nendpoints = ["mx1.example.net:465"]\n'
                                    f'cert_file = "{W}/served/b.pem"\nkey_file = "{W}/served/b.key"\n'
                                    'certificates = "hook"\n'), CHECK, 2, rf"{C}:\d+.*mx"),
    R("slot_name_traversal", edit('name = "mx"', 'name = "../../evil"'), CHECK, 2,
      rf"{C}:\d+.*name"),
    R("key_file_equals_cert_file", edit("served/key.pem", "served/chain.pem"), CHECK, 2,
      rf"{C}:\d+.*key_file"),
    R("addresses_not_ip", edit('["127.66.0.251"]', '["mx1"]'), CHECK, 2, rf"{C}:\d+.*addresses"),
    R("resolver_not_ip", edit('resolver = "127.66.0.250:53"', 'resolver = "dns.example:53"'),
      CHECK, 2, rf"{C}:\d+.*resolver"),
    R("resolver_port_too_big", edit('resolver = "127.66.0.250:53"',
                                    'resolver = "127.66.0.250:70000"'), CHECK, 2,
      rf"{C}:\d+.*resolver"),
    R("authoritative_not_list", edit('authoritative = ["127.66.0.250:53"]',
                                     'authoritative = "127.66.0.250:53"'), CHECK, 2,
      rf"{C}:\d+.*authoritative"),
    R("authoritative_bad_ipv6", edit('authoritative = ["127.66.0.250:53"]',
                                     'authoritative = ["[::1:53"]'), CHECK, 2,
      rf"{C}:\d+.*authoritative"),
    R("metrics_listen_bad", append('[metrics]\nlisten = "localhost:x"\n'), CHECK, 2,
      rf"{C}:\d+.*listen"),
    R("reload_not_argv_lists", edit('certificates = "hook"', 'certificates = "hook"\n'
                                    'reload = "systemctl reload postfix"'), CHECK, 2,
      rf"{C}:\d+.*reload"),
    R("reload_relative_program", edit('certificates = "hook"', 'certificates = "hook"\n'
                                      'reload = [["postfix", "reload"]]'), CHECK, 2,
      rf"{C}:\d+.*reload"),
    # ---- paths the configuration names ----
    R("state_dir_relative", edit(f'state_dir = "{W}/state"', 'state_dir = "state"'), CHECK, 2,
      rf"{C}:\d+.*state_dir"),
    R("cert_file_relative", edit(f'cert_file = "{W}/served/chain.pem"', 'cert_file = "chain.pem"'),
      CHECK, 2, rf"{C}:\d+.*cert_file"),
    R("state_dir_group_open", chmod("state", 0o750), ["status"], 2, rf"state"),
    R("state_dir_is_file", edit(f'state_dir = "{W}/state"', f'state_dir = "{W}/anchor.ds"'),
      ["status"], 2, rf"anchor\.ds"),
    R("cert_dir_missing", edit(f"{W}/served/chain.pem", f"{W}/nodir/chain.pem"), CHECK, 2,
      rf"{C}.*cert_file.*nodir"),
    R("trust_anchor_missing", remove("anchor.ds"), CHECK, 2, r"anchor\.ds"),
    R("trust_anchor_fifo", fifo("anchor.ds"), CHECK, 2, r"anchor\.ds"),
    R("trust_anchor_directory", [remove("anchor.ds"), directory("anchor.ds")], CHECK, 2,
      r"anchor\.ds"),
    R("trust_anchor_garbage", put("anchor.ds", "example.net. IN DS 1 2 3 zz\n", 0o644), CHECK, 2,
      r"anchor\.ds:1"),
    R("trust_anchor_empty", put("anchor.ds", "", 0o644), CHECK, 2, r"anchor\.ds"),
    R("trust_anchor_huge", put("anchor.ds", "; " + "x" * (32 << 20) + "\n", 0o644), CHECK, 2,
      r"anchor\.ds"),
    R("acme_eab_key_readable",
      [append('[acme]\ndirectory = "https://ca.example/dir"\neab_kid = "kid"\n'
              f'eab_key_file = "{W}/eab.key"\n'), put("eab.key", "c2VjcmV0\n", 0o644)], CHECK, 2,
      r"acme\.eab_key_file: .*eab\.key"),
    R("acme_eab_key_symlink",
      [append('[acme]\ndirectory = "https://ca.example/dir"\neab_kid = "kid"\n'
              f'eab_key_file = "{W}/eab.key"\n'), put("eab.real", "c2VjcmV0\n"),
       symlink("eab.key", "{W}/eab.real")], CHECK, 2, r"acme\.eab_key_file: .*eab\.key"),
    R("acme_ca_bundle_not_pem",
      [append('[acme]\ndirectory = "https://ca.example/dir"\n'
              f'ca_bundle = "{W}/bundle.pem"\n'), put("bundle.pem", "garbage\n", 0o644)], CHECK,
      2, r"acme\.ca_bundle: .*bundle\.pem"),
    R("acme_webroot_missing",
      [append('[acme]\ndirectory = "https://ca.example/dir"\nchallenge = "http-01"\n'
              f'webroot = "{W}/www"\n')], CHECK, 2, r"acme\.webroot: .*www"),
    R("issuer_ca_missing", remove("ca/ca.pem"), CHECK, 2, r"ca\.pem"),
    R("issuer_ca_fifo", fifo("ca/ca.pem"), CHECK, 2, r"ca\.pem"),
    R("issuer_ca_not_pem", put("ca/ca.pem", "not a certificate\n", 0o644), CHECK, 2, r"ca\.pem"),
    R("issuer_ca_directory", [remove("ca/ca.pem"), directory("ca/ca.pem")], CHECK, 2, r"ca\.pem"),
    R("issuer_certificates_relative",
      edit(f'issuer_ca_file = "{W}/ca/ca.pem"',
           f'issuer_ca_file = "{W}/ca/ca.pem"\nissuer_certificates = ["ca/ca.pem"]'), CHECK, 2,
      rf"{C}:\d+: key\[0\]\.issuer_certificates: 'ca/ca\.pem' must be an absolute path"),
    R("issuer_certificates_missing",
      edit(f'issuer_ca_file = "{W}/ca/ca.pem"',
           f'issuer_ca_file = "{W}/ca/ca.pem"\nissuer_certificates = ["{W}/ca/r10.pem"]'),
      ["run", "--once"], 2, r"key mx: issuer_certificates: .*/ca/r10\.pem"),
    R("issuer_certificates_not_pem",
      [edit(f'issuer_ca_file = "{W}/ca/ca.pem"',
            f'issuer_ca_file = "{W}/ca/ca.pem"\nissuer_certificates = ["{W}/ca/r10.pem"]'),
       put("ca/r10.pem", "not a certificate\n", 0o644)], ["run", "--once"], 2,
      r"key mx: issuer_certificates: .*/ca/r10\.pem: no PEM certificate found"),
    R("issuer_certificates_leaf",
      [edit(f'issuer_ca_file = "{W}/ca/ca.pem"',
            f'issuer_ca_file = "{W}/ca/ca.pem"\nissuer_certificates = ["{W}/ca/r10.pem"]'),
       lambda: put("ca/r10.pem", first_certificate(file_bytes("served/chain.pem")), 0o644)()],
      ["run", "--once"], 2,
      r"key mx: issuer_certificates: .*/ca/r10\.pem: not a CA certificate"),
    R("issuer_certificates_leaf_config_check",
      [edit(f'issuer_ca_file = "{W}/ca/ca.pem"',
            f'issuer_ca_file = "{W}/ca/ca.pem"\nissuer_certificates = ["{W}/ca/r10.pem"]'),
       lambda: put("ca/r10.pem", first_certificate(file_bytes("served/chain.pem")), 0o644)()],
      CHECK, 2, r"key mx: issuer_certificates: .*/ca/r10\.pem: not a CA certificate"),
    R("unsigned_zone_missing", remove("zone/example.net.zone"), CHECK, 2, r"example\.net\.zone"),
    R("unsigned_zone_fifo", fifo("zone/example.net.zone"), CHECK, 2, r"example\.net\.zone"),
    R("keys_dir_missing", edit(f"{W}/keys", f"{W}/nokeys"), CHECK, 2, r"nokeys"),
    R("keys_dir_is_file", edit(f'keys_dir = "{W}/keys"', f'keys_dir = "{W}/anchor.ds"'), CHECK, 2,
      r"anchor\.ds"),
]


ROWS += [
    R("tsig_key_missing", rfc2136(kind="none"), CHECK, 2, r"tsig\.key"),
    R("tsig_key_world_readable", rfc2136(GOOD_TSIG, 0o644), CHECK, 2, r"tsig\.key"),
    R("tsig_key_fifo", rfc2136(kind="fifo"), CHECK, 2, r"tsig\.key"),
    R("tsig_key_symlink", rfc2136(GOOD_TSIG, kind="symlink"), CHECK, 2, r"tsig\.key"),
    R("tsig_key_directory", rfc2136(kind="directory"), CHECK, 2, r"tsig\.key"),
    R("tsig_key_garbage", rfc2136("this is not a key file\n"), CHECK, 2, r"tsig\.key:\d+"),
    R("tsig_key_unclosed", rfc2136('key "dk" {\n\talgorithm hmac-sha256;\n'), CHECK, 2,
      r"tsig\.key:\d+"),
    R("tsig_key_no_secret", rfc2136('key "dk" {\n\talgorithm hmac-sha256;\n};\n'), CHECK, 2,
      r"tsig\.key:\d+"),
    R("tsig_key_name_unknown", rfc2136(GOOD_TSIG) + [edit('tsig_key_file = "',
                                                          'tsig_key_name = "other"\ntsig_key_file = "')],
      CHECK, 2, r"tsig\.key.*other"),
    R("tsig_key_huge", rfc2136("#" * (8 << 20) + "\n" + GOOD_TSIG), CHECK, 2, r"tsig\.key"),
    R("tsig_key_run", rfc2136("garbage\n"), ["run", "--once"], 2, r"tsig\.key:1"),
]

# ---- the state database: refused, never rewritten ----
ROWS += [
    R("state_db_truncated", lambda: put("state/state.db", file_bytes("state/state.db")[:1000])(),
      ["status"], 2, r"state\.db"),
    R("state_db_garbage", put("state/state.db", b"garbage" * 1000), ["status"], 2, r"state\.db"),
    R("state_db_garbage_run", put("state/state.db", b"garbage" * 1000), ["run", "--once"], 2,
      r"state\.db"),
    R("state_db_garbage_adopt", put("state/state.db", b"garbage" * 1000), ["adopt", "mx"], 2,
      r"state\.db"),
    R("state_db_garbage_rollover", put("state/state.db", b"garbage" * 1000), ["rollover", "start", "mx"], 2,
      r"state\.db"),
    R("state_db_directory", [remove("state/state.db"), directory("state/state.db")], ["status"],
      2, r"state\.db"),
    R("state_db_truncated_log", lambda: put("state/state.db", file_bytes("state/state.db")[:4096])(),
      ["log"], 2, r"state\.db"),
]

# ---- the verbs' own arguments ----
ROWS += [
    R("adopt_no_slot", None, ["adopt"], 2, r"adopt"),
    R("adopt_two_slots", None, ["adopt", "mx", "mx"], 2, r"adopt"),
    R("adopt_unknown_slot", None, ["adopt", "nosuch"], 2, rf"nosuch.*{C}"),
    R("adopt_traversal_slot", None, ["adopt", "../../evil"], 2, rf"\.\./\.\./evil.*{C}"),
    R("status_unknown_slot", None, ["status", "nosuch"], 2, rf"nosuch.*{C}"),
    R("status_two_slots", None, ["status", "mx", "mx"], 2, r"status"),
    R("rollover_no_sub", None, ["rollover"], 2, r"rollover"),
    R("rollover_bad_sub", None, ["rollover", "begin", "mx"], 2, r"rollover"),
    R("rollover_unknown_slot", None, ["rollover", "start", "nosuch"], 2, rf"nosuch.*{C}"),
    R("rollover_check_traversal", None, ["rollover", "check", "../mx"], 2, rf"\.\./mx.*{C}"),
    R("run_unknown_slot", None, ["run", "--once", "nosuch"], 2, rf"nosuch.*{C}"),
    R("run_metrics_file_missing_arg", None, ["run", "--metrics-file"], 2, r"metrics-file"),
    R("log_since_garbage", None, ["log", "--since", "yesterday"], 2, r"--since.*yesterday"),
    R("log_since_negative", None, ["log", "--since", "-5d"], 2, r"--since"),
    R("log_extra_word", None, ["log", "extra"], 2, r"log"),
    # ---- mta-sts: the verb's words and options, the zone's mta_sts_* keys ----
    R("mta_sts_no_sub", None, ["mta-sts"], 2, r"mta-sts: give sync or check"),
    R("mta_sts_bad_sub", None, ["mta-sts", "show"], 2, r"mta-sts: give sync or check"),
    R("mta_sts_not_enabled", None, ["mta-sts", "check"], 2, rf"{C}: no \[\[zone\]\] sets mta_sts_mode"),
    R("mta_sts_unknown_zone",
      append_to_zone(f'mta_sts_mode = "testing"\nmta_sts_policy_file = "{W}/served/mta-sts.txt"\n'),
      ["mta-sts", "sync", "--zone", "other.net"], 2, rf"{C}: zone other\.net\. has no mta_sts_mode"),
    R("mta_sts_mode_unknown",
      append_to_zone(f'mta_sts_mode = "strict"\nmta_sts_policy_file = "{W}/served/mta-sts.txt"\n'),
      CHECK, 2, rf"{C}:\d+: zone\[0\]\.mta_sts_mode"),
    R("mta_sts_max_age_too_big",
      append_to_zone(f'mta_sts_mode = "enforce"\nmta_sts_policy_file = "{W}/served/mta-sts.txt"\n'
                     "mta_sts_max_age = 31557601\n"),
      CHECK, 2, rf"{C}:\d+: zone\[0\]\.mta_sts_max_age: must be between 1 and 31557600"),
    R("mta_sts_address_not_ip",
      append_to_zone(f'mta_sts_mode = "enforce"\nmta_sts_policy_file = "{W}/served/mta-sts.txt"\n'
                     'mta_sts_addresses = ["mta-sts.example.net"]\n'),
      CHECK, 2, rf"{C}:\d+: zone\[0\]\.mta_sts_addresses: 'mta-sts\.example\.net' is not an IP"),
    R("mta_sts_key_without_mode", append_to_zone("mta_sts_max_age = 86400\n"), CHECK, 2,
      rf"{C}:\d+: zone\[0\]\.mta_sts_max_age: only with mta_sts_mode"),
    R("mta_sts_policy_file_relative", append_to_zone('mta_sts_mode = "none"\nmta_sts_policy_file = "p.txt"\n'),
      CHECK, 2, rf"{C}:\d+: zone\[0\]\.mta_sts_policy_file"),
    # ---- tlsrpt: a report file refused whole, nothing stored ----
    R("tlsrpt_no_sub", None, ["tlsrpt"], 2, r"tlsrpt: give list, summary, record or import"),
    R("tlsrpt_bad_sub", None, ["tlsrpt", "show"], 2, r"tlsrpt: give list"),
    R("tlsrpt_import_no_file", None, ["tlsrpt", "import"], 2, r"tlsrpt import: give"),
    R("tlsrpt_import_json_flag", None, ["tlsrpt", "import", "--json", "{W}/in/r.json"], 2,
      r"--json"),
    R("tlsrpt_import_missing", None, ["tlsrpt", "import", "{W}/in/nosuch.json"], 2,
      r"nosuch\.json"),
    R("tlsrpt_import_fifo", fifo("in/r.json"), ["tlsrpt", "import", "{W}/in/r.json"], 2,
      r"r\.json"),
    R("tlsrpt_import_not_json", put("in/r.json", "hello"), ["tlsrpt", "import", "{W}/in/r.json"],
      2, r"r\.json: not JSON"),
    R("tlsrpt_import_no_report_id", put("in/r.json", TLSRPT_NO_ID),
      ["tlsrpt", "import", "{W}/in/r.json"], 2, r"r\.json: report-id: missing"),
    R("tlsrpt_import_bad_count", put("in/r.json", TLSRPT_BAD_COUNT),
      ["tlsrpt", "import", "{W}/in/r.json"], 2,
      r"r\.json: policies\[0\]\.failure-details\[0\]\.failed-session-count: not a non-negative"),
    R("tlsrpt_import_truncated_gzip", put("in/r.json.gz", gzip.compress(TLSRPT_GOOD.encode())[:-9]),
      ["tlsrpt", "import", "{W}/in/r.json.gz"], 2, r"r\.json\.gz: gzip: truncated"),
    R("tlsrpt_import_gzip_bomb", put("in/r.json.gz", gzip.compress(b" " * (17 << 20))),
      ["tlsrpt", "import", "{W}/in/r.json.gz"], 2, r"r\.json\.gz: gzip: inflates to more than"),
    R("tlsrpt_maildir_not_a_maildir",
      [directory("mail"), edit("[audit]\n", f'[tlsrpt]\nmaildir = "{W}/mail"\n\n[audit]\n')],
      CHECK, 2, rf"{C}: tlsrpt\.maildir: .*/mail/new is not a directory"),
    R("tlsrpt_maildir_relative", edit("[audit]\n", '[tlsrpt]\nmaildir = "mail"\n\n[audit]\n'),
      CHECK, 2, rf"{C}:\d+: tlsrpt\.maildir"),
    R("tlsrpt_maildir_not_string", edit("[audit]\n", "[tlsrpt]\nmaildir = 5\n\n[audit]\n"),
      CHECK, 2, rf"{C}:\d+: tlsrpt\.maildir"),
    R("tlsrpt_unknown_key", edit("[audit]\n", '[tlsrpt]\nmailbox = "x"\n\n[audit]\n'),
      CHECK, 2, rf"{C}:\d+: tlsrpt\.mailbox"),
    R("tlsrpt_import_maildir_unconfigured", None, ["tlsrpt", "import", "--maildir"], 2,
      rf"{C}: tlsrpt import --maildir: no \[tlsrpt\] maildir"),
    R("tlsrpt_list_maildir", None, ["tlsrpt", "list", "--maildir"], 2,
      r"tlsrpt list: --maildir belongs to import"),
    R("tlsrpt_list_since_garbage", None, ["tlsrpt", "list", "--since", "yesterday"], 2,
      r"--since.*yesterday"),
    R("tlsrpt_list_extra_word", None, ["tlsrpt", "list", "now"], 2, r"tlsrpt list: takes no"),
    R("config_bad_sub", None, ["config", "lint"], 2, r"config"),
    R("config_check_extra", None, ["config", "check", "now"], 2, r"config"),
    R("tlsa_no_file", None, ["tlsa"], 2, r"tlsa"),
    R("tlsa_missing_file", None, ["tlsa", "{W}/nosuch.pem"], 2, r"nosuch\.pem"),
    R("tlsa_fifo", fifo("in/f.pem"), ["tlsa", "{W}/in/f.pem"], 2, r"f\.pem"),
    R("tlsa_directory", None, ["tlsa", "{W}/in"], 2, r"/in\b"),
    R("tlsa_garbage", put("in/g.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
      ["tlsa", "{W}/in/g.pem"], 2, r"g\.pem"),
    R("tlsa_empty", put("in/e.pem", ""), ["tlsa", "{W}/in/e.pem"], 2, r"e\.pem"),
    R("tlsa_huge", put("in/h.pem", "x" * (2 << 20)), ["tlsa", "{W}/in/h.pem"], 2, r"h\.pem"),
    R("tlsa_bad_usage", None, ["tlsa", "{W}/served/chain.pem", "--usage", "9"], 2, r"usage"),
    R("tlsa_bad_selector", None, ["tlsa", "{W}/served/chain.pem", "--selector", "SPKY"], 2,
      r"selector"),
    R("tlsa_bad_mtype", None, ["tlsa", "{W}/served/chain.pem", "--mtype", "md5"], 2,
      r"matching type.*md5"),
    R("tlsa_bad_port", None, ["tlsa", "{W}/served/chain.pem", "--host", "mx1.example.net",
                              "--port", "70000"], 2, r"port"),
    R("tlsa_bad_host", None, ["tlsa", "{W}/served/chain.pem", "--host", "mx 1"], 2, r"host"),
    R("tlsa_bad_ttl", None, ["tlsa", "{W}/served/chain.pem", "--ttl", "ten"], 2, r"ttl"),
    R("tlsa_reversed_chain", None, ["tlsa", "{W}/in/reversed.pem"], 2, r"reversed\.pem"),
    R("probe_no_endpoint", None, ["probe"], 2, r"probe"),
    R("probe_bad_port", None, ["probe", "mx1.example.net:99999", "--tlsa", "3 1 1 " + "00" * 32], 2,
      r"99999"),
    R("probe_bad_starttls", None, ["probe", "mx1.example.net:25", "--starttls", "ftp"], 2,
      r"(?i)starttls.*ftp"),
    R("probe_bad_tlsa", None, ["probe", "mx1.example.net:25", "--address", "127.66.0.251",
                               "--tlsa", "3 1 1 XYZ"], 2, r"tlsa"),
    R("probe_bad_address", None, ["probe", "mx1.example.net:25", "--address", "999.1.1.1",
                                  "--tlsa", "3 1 1 " + "00" * 32], 2,
      r"address"),
    R("probe_bad_timeout", None, ["probe", "mx1.example.net:25", "--timeout", "-3"], 2, r"timeout"),
    R("probe_tlsa_file_missing", None, ["probe", "mx1.example.net:25", "--address", "127.66.0.251",
                                        "--tlsa-file", "{W}/nosuch.tlsa"], 2, r"nosuch\.tlsa"),
    R("probe_tlsa_file_garbage", put("in/bad.tlsa", "3 1 1 not-hex\n", 0o644),
      ["probe", "mx1.example.net:25", "--address", "127.66.0.251", "--tlsa-file",
       "{W}/in/bad.tlsa"], 2, r"bad\.tlsa:1"),
    R("dns_status_no_zone", None, ["dns-status", "--server", "127.66.0.250:53"], 2, r"--zone"),
    R("dns_status_bad_server", None, ["dns-status", "--zone", "example.net", "--server",
                                      "ns1:53"], 2, r"server"),
    R("dns_status_bad_expect", None, ["dns-status", "--zone", "example.net", "--server",
                                      "127.66.0.250:53", "--expect", "3 1 1 XYZ"], 2, r"expect"),
    R("dns_status_anchor_missing", None, ["dns-status", "--zone", "example.net", "--server",
                                          "127.66.0.250:53", "--trust-anchor", "{W}/no.ds"], 2,
      r"no\.ds"),
    R("dns_status_anchor_garbage", put("in/bad.ds", "example.net. IN DS xx\n", 0o644),
      ["dns-status", "--zone", "example.net", "--server", "127.66.0.250:53", "--trust-anchor",
       "{W}/in/bad.ds"], 2, r"bad\.ds:1"),
    R("dns_status_bad_wait", None, ["dns-status", "--zone", "example.net", "--server",
                                    "127.66.0.250:53", "--wait", "soon"], 2, r"wait"),
    R("publish_no_tsig", None, ["publish", "--zone", "example.net", "--server", "127.66.0.250:53",
                                "--add", "_25._tcp.mx1 300 TLSA 3 1 1 00"], 2, r"tsig"),
    R("publish_tsig_missing", None, ["publish", "--zone", "example.net", "--server",
                                     "127.66.0.250:53", "--tsig-key", "{W}/no.key", "--add",
                                     "_25._tcp.mx1 300 TLSA 3 1 1 00"], 2, r"no\.key"),
    R("publish_tsig_readable", put("in/t.key", GOOD_TSIG, 0o644),
      ["publish", "--zone", "example.net", "--server", "127.66.0.250:53", "--tsig-key",
       "{W}/in/t.key", "--add", "_25._tcp.mx1 300 TLSA 3 1 1 00"], 2, r"t\.key"),
    R("publish_bad_record", put("in/t.key", GOOD_TSIG),
      ["publish", "--zone", "example.net", "--server", "127.66.0.250:53", "--tsig-key",
       "{W}/in/t.key", "--add", "_25._tcp.mx1 300 TLSA 3 1 1 ZZ"], 2, r"--add"),
    R("publish_owner_outside_zone", put("in/t.key", GOOD_TSIG),
      ["publish", "--zone", "example.net", "--server", "127.66.0.250:53", "--tsig-key",
       "{W}/in/t.key", "--add", "_25._tcp.mx1.example.org. 300 TLSA 3 1 1 00"], 2,
      r"example\.org"),
    R("publish_injection", put("in/t.key", GOOD_TSIG),
      ["publish", "--zone", "example.net", "--server", "127.66.0.250:53", "--tsig-key",
       "{W}/in/t.key", "--add", "_25._tcp.mx1 300 TLSA 3 1 1 00\nexample.net. 60 NS evil."], 2,
      r"--add"),
    R("publish_nothing", put("in/t.key", GOOD_TSIG),
      ["publish", "--zone", "example.net", "--server", "127.66.0.250:53", "--tsig-key",
       "{W}/in/t.key"], 2, r"--add|--remove"),
    R("sign_bad_zone_text", put("in/bad.zone", ZONE + "mx2 IN A 300.1.1.1\n", 0o644),
      ["sign", "{W}/in/bad.zone", "--origin", "example.net", "--keys", "{W}/keys", "-o",
       "{W}/in/out.signed"], 2, r"bad\.zone:8"),
    R("sign_zone_missing", None, ["sign", "{W}/in/none.zone", "--origin", "example.net", "--keys",
                                  "{W}/keys", "-o", "{W}/in/out.signed"], 2, r"none\.zone"),
    R("sign_zone_fifo", fifo("in/f.zone"), ["sign", "{W}/in/f.zone", "--origin", "example.net",
                                            "--keys", "{W}/keys", "-o", "{W}/in/out.signed"], 2,
      r"f\.zone"),
    R("sign_zone_long_line", put("in/long.zone", ZONE + "txt IN TXT \"" + "a" * 200 + "\" " +
                                 "x" * (4 << 20) + "\n", 0o644),
      ["sign", "{W}/in/long.zone", "--origin", "example.net", "--keys", "{W}/keys", "-o",
       "{W}/in/out.signed"], 2, r"long\.zone:8"),
    R("sign_no_soa", put("in/nosoa.zone", ZONE.replace("@ IN SOA", "; @ IN SOA"), 0o644),
      ["sign", "{W}/in/nosoa.zone", "--origin", "example.net", "--keys", "{W}/keys", "-o",
       "{W}/in/out.signed"], 2, r"nosoa\.zone"),
    R("sign_bad_private", lambda: [shutil.copytree(f"{W}/keys", f"{W}/in/keys"),
                                   put(f"in/keys/{key_private()}", "Private-key-format: v1.3\n"
                                       "Algorithm: 13 (ECDSAP256SHA256)\nPrivateKey: !!!\n")()],
      ["sign", "{W}/zone/example.net.zone", "--origin", "example.net", "--keys", "{W}/in/keys",
       "-o", "{W}/in/out.signed"], 2, r"\.private"),
    R("sign_private_world_readable", lambda: [shutil.copytree(f"{W}/keys", f"{W}/in/keys"),
                                              os.chmod(f"{W}/in/keys/{key_private()}", 0o644)],
      ["sign", "{W}/zone/example.net.zone", "--origin", "example.net", "--keys", "{W}/in/keys",
       "-o", "{W}/in/out.signed"], 2, r"\.private"),
    R("sign_keys_empty", directory("in/nokeys"),
      ["sign", "{W}/zone/example.net.zone", "--origin", "example.net", "--keys", "{W}/in/nokeys",
       "-o", "{W}/in/out.signed"], 2, r"nokeys"),
    R("sign_bad_validity", None, ["sign", "{W}/zone/example.net.zone", "--origin", "example.net",
                                  "--keys", "{W}/keys", "--validity-days", "0", "-o",
                                  "{W}/in/out.signed"], 2, r"validity"),
    R("sign_bad_origin", None, ["sign", "{W}/zone/example.net.zone", "--origin", "exa mple",
                                "--keys", "{W}/keys", "-o", "{W}/in/out.signed"], 2, r"origin"),
    R("sign_over_the_unsigned_file", None,
      ["sign", "{W}/zone/example.net.zone", "--origin", "example.net", "--keys", "{W}/keys", "-o",
       "{W}/zone/example.net.zone"], 2, r"example\.net\.zone"),
    R("dnssec_unknown_zone", None, ["dnssec", "status", "example.org"], 2, rf"example\.org.*{C}"),
    R("dnssec_bad_sub", None, ["dnssec", "roll", "example.net"], 2, r"dnssec"),
    R("dnssec_rollover_both", None, ["dnssec", "rollover", "example.net", "--zsk", "--ksk"], 2,
      r"--zsk"),
    R("dnssec_rollover_keys_dir_zone", None, ["dnssec", "rollover", "example.net", "--zsk"], 2,
      r"keys_dir"),
    R("check_no_domain", None, ["check"], 2, r"check"),
    R("check_bad_domain", None, ["check", "exa mple.net"], 2, r"exa mple"),
    R("check_bad_port", None, ["check", "example.net", "--port", "0"], 2, r"port"),
    R("audit_extra_word", None, ["audit", "now"], 2, r"audit"),
    R("audit_html_dir_missing", None, ["audit", "--html", "{W}/nodir/a.html"], 2,
      r"^danekeeper: --html .*/nodir/a\.html: .*/nodir/ is not a directory$"),
    R("audit_html_is_directory", None, ["audit", "--html", "{W}/served"], 2,
      r"^danekeeper: --html .*/served: is a directory$"),
    R("audit_html_days_zero", None, ["audit", "--html", "{W}/a.html", "--days", "0"], 2,
      r"--days must be 1\.\.366"),
    R("audit_days_without_html", None, ["audit", "--days", "7"], 2, r"--days needs --html"),
    # ---- hook deliver / csr ----
    R("hook_no_sub", None, ["hook"], 2, r"hook"),
    R("hook_deliver_missing_key_arg", None, ["hook", "deliver", "mx", "{W}/served/chain.pem"], 2,
      r"hook"),
    R("hook_deliver_unknown_slot", None, ["hook", "deliver", "nosuch", "{W}/in/far-future.pem",
                                          "{W}/in/slot.key"], 2, rf"nosuch.*{C}"),
    R("hook_deliver_traversal", None, ["hook", "deliver", "../../x", "{W}/in/far-future.pem",
                                       "{W}/in/slot.key"], 2, rf"\.\./\.\./x"),
    R("hook_deliver_chain_missing", None, ["hook", "deliver", "mx", "{W}/in/none.pem",
                                           "{W}/in/slot.key"], 2, r"none\.pem"),
    R("hook_deliver_chain_fifo", fifo("in/fifo.pem"), ["hook", "deliver", "mx", "{W}/in/fifo.pem",
                                                       "{W}/in/slot.key"], 2, r"fifo\.pem"),
    R("hook_deliver_chain_directory", None, ["hook", "deliver", "mx", "{W}/in", "{W}/in/slot.key"],
      2, r"/in\b"),
    R("hook_deliver_bad_pem", put("in/bad.pem", "-----BEGIN CERTIFICATE-----\n!!\n"
                                  "-----END CERTIFICATE-----\n"),
      ["hook", "deliver", "mx", "{W}/in/bad.pem", "{W}/in/slot.key"], 2, r"bad\.pem"),
    R("hook_deliver_key_garbage", put("in/bad.key", "-----BEGIN PRIVATE KEY-----\n!!\n"
                                      "-----END PRIVATE KEY-----\n"),
      ["hook", "deliver", "mx", "{W}/served/chain.pem", "{W}/in/bad.key"], 2, r"bad\.key"),
    R("hook_deliver_key_missing", None, ["hook", "deliver", "mx", "{W}/served/chain.pem",
                                         "{W}/in/none.key"], 2, r"none\.key"),
    R("hook_deliver_huge_chain", put("in/huge.pem", "x" * (8 << 20)),
      ["hook", "deliver", "mx", "{W}/in/huge.pem", "{W}/in/slot.key"], 2, r"huge\.pem"),
    R("hook_deliver_key_mismatch", None, ["hook", "deliver", "mx", "{W}/in/foreign.pem",
                                          "{W}/in/slot.key"], 1, r"REFUSED.*foreign\.pem", event="hook.refused"),
    R("hook_deliver_wrong_algorithm", None, ["hook", "deliver", "mx", "{W}/served/chain.pem",
                                             "{W}/in/rsa.key"], 1, r"REFUSED.*rsa\.key", event="hook.refused"),
    R("hook_deliver_expired", None, ["hook", "deliver", "mx", "{W}/in/expired.pem",
                                     "{W}/in/slot.key"], 1, r"REFUSED.*expired\.pem", event="hook.refused"),
    R("hook_deliver_other_ca", None, ["hook", "deliver", "mx", "{W}/in/other-ca.pem",
                                      "{W}/in/slot.key"], 1, r"REFUSED.*other-ca\.pem", event="hook.refused"),
    R("hook_deliver_far_future", None, ["hook", "deliver", "mx", "{W}/in/far-future.pem",
                                        "{W}/in/slot.key"], 1, r"REFUSED.*far-future\.pem", event="hook.refused"),
    R("hook_deliver_reversed", None, ["hook", "deliver", "mx", "{W}/in/reversed.pem",
                                      "{W}/in/slot.key"], 1, r"REFUSED.*reversed\.pem",
      event="hook.refused"),
    R("hook_csr_unknown_slot", None, ["hook", "csr", "nosuch"], 2, rf"nosuch.*{C}"),
    R("hook_csr_output_dir_missing", None, ["hook", "csr", "mx", "-o", "{W}/nodir/x.csr"], 2,
      r"nodir"),
    R("hook_csr_next_without_next", slot_without_next("mx"), ["hook", "csr", "mx", "--next"], 2,
      r"slot mx.*next"),
]


def snapshot():
    """Every protected file and directory: type, mode, and content hash (or link target)."""
    seen = {}
    for top in PROTECTED:
        for base, dirs, names in os.walk(f"{W}/{top}"):
            dirs.sort()
            for n in sorted(dirs + names):
                p = os.path.join(base, n)
                st = os.lstat(p)
                rel = os.path.relpath(p, W)
                if rel == "state/state.db-shm" or (rel == "state/state.db-wal" and
                                                   st.st_size == 0):
                    # SQLite's shared-memory index of the WAL (no data of its own) and an empty
                    # WAL: any reader of the database leaves them; they count as absent.
                    continue
                if rel == "state/danekeeper.lock":
                    what = ""  # it holds the pid of whoever took the lock last: type and mode
                elif stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        what = hashlib.sha256(f.read()).hexdigest()
                elif stat.S_ISLNK(st.st_mode):
                    what = "-> " + os.readlink(p)
                else:
                    what = ""
                seen[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), what)
    return seen


def database():
    """state.db's rows apart from the event log, and the event log's kinds."""
    db = sqlite3.connect(f"file:{W}/state/state.db?mode=ro", uri=True)
    try:
        rows = [line for line in db.iterdump()
                if not line.startswith(('INSERT INTO "events"', 'INSERT INTO "sqlite_sequence"'))]
        return rows, [r[0] for r in db.execute("SELECT kind FROM events ORDER BY id")]
    finally:
        db.close()


def main():
    names = [row.name for row in ROWS]
    assert len(set(names)) == len(names), "two rows share a name"
    make_template()
    failures, ran = [], 0
    for row in ROWS:
        if not ONLY.search(row.name):
            continue
        ran += 1
        if os.path.lexists(W):
            subprocess.run(["chmod", "-R", "u+rwX", W])
            shutil.rmtree(W)
        shutil.copytree(TEMPLATE, W, symlinks=True)
        for step in row.setup:
            step()
        before = snapshot()
        if row.event:
            db_before = database()
        argv = [DK, "--config", CONFIG] + [a.format(W=W) for a in row.argv]
        try:
            p = subprocess.run(argv, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
            rc, out, err = p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(
                errors="replace")
        except subprocess.TimeoutExpired:
            rc, out, err = "timeout", "", ""
        after = snapshot()
        problems = []
        if rc != row.code:
            problems.append(f"exit {rc}, want {row.code}")
        lines = err.splitlines()
        if row.event:
            # The documented event line (README: events are logged on stderr), then the error.
            logged = [line for line in lines if line.startswith(f"level=warn event={row.event} ")]
            if len(logged) != 1:
                problems.append(f"want one event={row.event} line on stderr")
            lines = [line for line in lines if line not in logged]
            db_after = database()
            if db_after[0] != db_before[0]:
                problems.append("state.db changed outside the event log")
            if db_after[1] != db_before[1] + [row.event.replace(".", "_")]:
                problems.append(f"the event log did not gain exactly one {row.event}")
            for k in ("state/state.db", "state/state.db-wal"):
                before.pop(k, None)
                after.pop(k, None)
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr, want 1")
        elif not re.search(row.message.format(W=W), lines[0]):
            problems.append(f"stderr does not match /{row.message}/")
        elif row.argv[:2] != CHECK and not lines[0].startswith("danekeeper: "):
            problems.append("the error line does not start with 'danekeeper: '")
        if out:
            problems.append("output on stdout")
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        if changed:
            problems.append("changed: " + ", ".join(changed))
        shown = err.strip().replace(W, "W")[:300]
        if problems:
            failures.append(row.name)
            print(f"FAIL {row.name}: {'; '.join(problems)}\n     stderr: {shown}\n"
                  f"     stdout: {out.strip()[:200]}")
        else:
            print(f"ok   {row.name} -> {rc}: {shown}")
    print(f"{ran} rows, {ran - len(failures)} passed, {len(failures)} failed")
    if failures:
        print("failed: " + " ".join(failures))
    if not KEEP:
        subprocess.run(["chmod", "-R", "u+rwX", ROOT])
        shutil.rmtree(ROOT)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
