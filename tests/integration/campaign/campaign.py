#!/usr/bin/env python3
"""The fault campaign: seeded, randomized planned rollovers of the slot "mx" on the real testbed,
driven by the daemon, with 1-3 faults per run at random moments, while an independent DANE sender
(posttls-finger through the testbed's validating Unbound) probes every endpoint. Passes only when
every run converges (steady state, no orphan key, the event log agrees with what every
authoritative server serves) and the sender saw zero failures.

  campaign.py --env TESTBED_ENV --dk DANEKEEPER --seed N --runs K [--only R] [--report FILE]

Run as root (tmpfs, mount namespace, postfix). A failure prints the seed, the run and its fault
schedule; `--seed N --only R` replays that run alone (the schedule of run R depends only on N, R).
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
TESTBED = os.path.join(REPO, "tests", "testbed", "testbed.sh")
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
KINDS = ["sigkill", "primary_stop", "secondary_stop", "tsig_rotate", "mx_reload_fail", "mx_down",
         "disk_full", "clock_jump", "operator_edit", "ca_fault"]
DRAWN = KINDS[:-1]  # ca_fault is drawn apart: only runs whose certificate comes over ACME
# At most one fault per run from each group: two DNS servers down at once is no longer a fault
# of danekeeper's world but an outage of the sender's too.
EXCLUSIVE = [{"primary_stop", "secondary_stop", "tsig_rotate"}, {"mx_down", "mx_reload_fail"}]
OWNERS = ["_25._tcp.mx1.example.test", "_25._tcp.mx2.example.test", "_465._tcp.mx1.example.test"]
RUN_DEADLINE_S = 100  # a run converges within about 50 s: 30 s retry after a failed step, TTLs


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def sh(args, check=True, timeout=60, **kw):
    return subprocess.run(args, check=check, timeout=timeout, capture_output=True, text=True, **kw)


def read_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                env[key] = value
    return env


def schedule_for(seed, run):
    """The faults of run RUN: (kind, start offset s, hold s, detail), from the seed alone."""
    rng = random.Random(seed * 100003 + run)
    count = rng.randint(1, 3)
    kinds = []
    for kind in rng.sample(DRAWN, len(DRAWN)):
        if len(kinds) == count:
            break
        if any(kind in group and kinds_in(group, kinds) for group in EXCLUSIVE):
            continue
        kinds.append(kind)
    faults = []
    for kind in kinds:
        detail = {
            "sigkill": lambda: {"restart_after": round(rng.uniform(0.0, 2.0), 2)},
            "primary_stop": lambda: {},
            "secondary_stop": lambda: {},
            "tsig_rotate": lambda: {},
            "mx_reload_fail": lambda: {"mx": rng.choice(["mx1", "mx2"])},
            "mx_down": lambda: {"mx": rng.choice(["mx1", "mx2"])},
            "disk_full": lambda: {},
            "clock_jump": lambda: {"hours": rng.choice([-3, -2, -1, 1, 2, 3])},
            "operator_edit": lambda: {"edit": rng.choice(["extra_tlsa", "txt", "remove_next"]),
                                      "owner": rng.choice(OWNERS)},
        }[kind]()
        start = 0.0 if detail.get("edit") == "remove_next" else round(rng.uniform(0.0, 12.0), 2)
        faults.append({"kind": kind, "start": start, "hold": round(rng.uniform(2.0, 6.0), 2),
                       **detail})
    # Drawn last, so that the faults above are those of the campaigns before ACME runs existed.
    acme = rng.random() < 0.35
    if acme and rng.random() < 0.75:
        faults.append({"kind": "ca_fault", "start": 0.0, "hold": 20.0,
                       "mode": rng.choice(["500", "badNonce", "invalid"]), "count": rng.randint(1, 3)})
    return acme, sorted(faults, key=lambda f: f["start"])


def kinds_in(group, kinds):
    return any(k in group for k in kinds)


class Sender(threading.Thread):
    """posttls-finger in DANE mode through the testbed resolver, every endpoint, over and over.
    It runs in a private mount namespace whose /etc/resolv.conf names the testbed's Unbound: the
    machine's own resolv.conf is never touched."""

    def __init__(self, work, env, campaign):
        super().__init__(daemon=True)
        self.campaign = campaign
        self.stop_flag = threading.Event()
        self.probes = 0
        self.failures = []
        self.unreachable = 0
        conf = os.path.join(work, "sender")
        os.makedirs(conf, exist_ok=True)
        with open(os.path.join(conf, "resolv.conf"), "w", encoding="utf-8") as f:
            f.write(f"nameserver {env['TB_RESOLVER_ADDR']}\noptions trust-ad\n")
        with open(os.path.join(conf, "main.cf"), "w", encoding="utf-8") as f:
            f.write("compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\n")
        self.conf = conf
        self.endpoints = [("mx1", "[mx1.example.test]:25", []), ("mx2", "[mx2.example.test]:25", []),
                          ("mx1", "[mx1.example.test]:465", ["-w"])]

    def probe(self, mx, dest, extra):
        inner = (f"mount --bind {self.conf}/resolv.conf /etc/resolv.conf && exec posttls-finger "
                 f"-c -t15 -T15 -l dane {' '.join(extra)} '{dest}'")
        env = dict(os.environ, MAIL_CONFIG=self.conf)
        down_before = self.campaign.mx_stopped(mx)
        try:
            out = subprocess.run(["unshare", "-m", "sh", "-c", inner], capture_output=True, text=True,
                                 timeout=40, env=env)
            text = out.stdout + out.stderr
        except subprocess.TimeoutExpired:
            text = "timed out"
        self.probes += 1
        if "Verified TLS connection established" in text:
            return
        if down_before or self.campaign.mx_stopped(mx):
            self.unreachable += 1  # the campaign stopped this MX: not a DANE failure
            return
        first = next((line for line in text.splitlines() if line), "no output")
        self.failures.append({"at": time.strftime("%H:%M:%S"), "run": self.campaign.run_number,
                              "endpoint": dest, "output": first[:300]})
        log(f"SENDER FAILURE {dest}: {first[:300]}")

    def run(self):
        while not self.stop_flag.is_set():
            for mx, dest, extra in self.endpoints:
                self.probe(mx, dest, extra)
            self.stop_flag.wait(0.3)  # a sender, not a load test: leave the two cores to the rest

    def stop(self):
        self.stop_flag.set()
        self.join(timeout=60)


class Campaign:
    def __init__(self, args):
        self.args = args
        self.env = read_env(args.env)
        self.dk_bin = args.dk
        self.work = tempfile.mkdtemp(prefix="dk-campaign-")
        os.chmod(self.work, 0o755)  # postfix (user postfix) reads the served files below it
        self.state = os.path.join(self.work, "state")
        self.served = os.path.join(self.work, "served")
        self.tsig_copy = os.path.join(self.work, "tsig.key")
        self.clock_file = os.path.join(self.work, "faketime")
        self.clock_offset = 0
        self.daemon = None
        self.mounted = False
        self.stopped_mx = set()
        self.stopped_pids = []
        self.run_number = 0
        self.injected = {k: 0 for k in KINDS}
        self.foreign = []  # (owner, type, rdata) an operator added during the run
        with open(self.env["TB_TSIG_KEY_FILE"], encoding="utf-8") as f:
            self.original_tsig = f.read()
        self.sender = None
        self.run_log = []
        self.ca_answered = 0

    # ---- helpers
    def dk(self, *args, check=False, timeout=120):
        return sh([self.dk_bin, "--config", self.config, *args], check=check, timeout=timeout)

    def status(self):
        out = self.dk("status", "--json")
        return json.loads(out.stdout)[0]

    def pid_of(self, name):
        with open(os.path.join(self.env["TB_DIR"], "pids", f"{name}.pid"), encoding="utf-8") as f:
            return int(f.read().strip())

    def mx_stopped(self, mx):
        return mx in self.stopped_mx

    def nsupdate(self, lines):
        text = f"server {self.env['TB_PRIMARY_ADDR']}\nzone example.test\n" + "".join(
            line + "\n" for line in lines) + "send\n"
        return sh(["nsupdate", "-k", self.env["TB_TSIG_KEY_FILE"]], input=text, check=False, timeout=30)

    def served_rrset(self, server, owner, rtype="TLSA"):
        out = sh(["dig", f"@{server}", owner, rtype, "+norec", "+short", "+nosplit", "+time=2",
                  "+tries=2"], check=False)
        return {line.strip().lower() for line in out.stdout.splitlines() if line.strip()}

    # ---- set-up and tear-down
    def setup(self):
        os.makedirs(self.served)
        os.makedirs(self.state)
        # The state directory lives on its own small filesystem so that it can be filled up.
        sh(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", self.state])
        self.mounted = True
        shutil.copy(self.env["TB_TSIG_KEY_FILE"], self.tsig_copy)
        os.chmod(self.tsig_copy, 0o600)
        with open(self.clock_file, "w", encoding="utf-8") as f:
            f.write("+0\n")
        rendered = sh([os.path.join(REPO, "examples", "render-testbed-config.sh"), self.args.env,
                       self.state, self.served]).stdout
        gate = os.path.join(HERE, "gate.sh")
        rendered = rendered.replace(f'tsig_key_file = "{self.env["TB_TSIG_KEY_FILE"]}"',
                                    f'tsig_key_file = "{self.tsig_copy}"')
        for mx in ("mx1", "mx2"):
            flag = os.path.join(self.work, f"reload-fails-{mx}")
            rendered = rendered.replace(f'["{TESTBED}", "mx-use", "{self.env["TB_DIR"]}", "{mx}"',
                                        f'["{gate}", "{flag}", "{TESTBED}", "mx-use", '
                                        f'"{self.env["TB_DIR"]}", "{mx}"')
        rendered = rendered.replace('issue_command = ["', f'issue_command = ["{gate}", "/nonexistent", "')
        assert rendered.count(gate) == 3, "the testbed config changed: reload/issue lines not found"
        self.config = os.path.join(self.work, "dk.toml")
        self.variants = {False: rendered, True: self.acme_variant(rendered)}
        self.acme = None
        self.use_config(False)
        self.start_ca_proxy()
        shutil.copy(self.env["TB_MX1_KEY"], os.path.join(self.served, "mx-key.pem"))
        shutil.copy(self.env["TB_MX1_FULLCHAIN"], os.path.join(self.served, "mx-chain.pem"))
        with open(os.path.join(self.served, "mx-combined.pem"), "w", encoding="utf-8") as out:
            for part in (self.env["TB_MX1_KEY"], self.env["TB_MX1_FULLCHAIN"]):
                with open(part, encoding="utf-8") as f:
                    out.write(f.read())
        combined = os.path.join(self.served, "mx-combined.pem")
        for mx in ("mx1", "mx2"):
            sh([TESTBED, "mx-use", self.env["TB_DIR"], mx, combined])
        self.nsupdate([f"update delete {owner} TLSA" for owner in OWNERS])  # start from a clean zone
        self.dk("adopt", "mx", check=True)
        self.dk("run", "--once")
        self.start_daemon()
        self.wait_converged(None, 60)
        self.sender = Sender(self.work, self.env, self)
        self.sender.start()

    def acme_variant(self, rendered):
        """The same slot with its certificates from Pebble, through the faulty-CA proxy."""
        text = re.sub(r'^issue_command = .*\n', "", rendered, flags=re.M)
        text = text.replace('certificates = "command"', 'certificates = "acme"')
        assert 'certificates = "acme"' in text
        proxy = f"https://{self.env['TB_PEBBLE_ADDR']}:14443/dir"
        return text + (f'\n[acme]\ndirectory = "{proxy}"\ncontact = ["mailto:hostmaster@example.test"]\n'
                       f'ca_bundle = "{self.env["TB_PEBBLE_TLS_CA"]}"\n'
                       f'issuer_ca_file = "{self.env["TB_PEBBLE_ROOT"]}"\nchallenge = "dns-01"\n')

    def use_config(self, acme):
        """Writes the config for this run; `rollover start` makes the daemon reload it (SIGHUP)."""
        if acme == self.acme:
            return
        with open(self.config + ".new", "w", encoding="utf-8") as f:
            f.write(self.variants[acme])
        os.chmod(self.config + ".new", 0o600)
        os.rename(self.config + ".new", self.config)
        self.acme = acme

    def start_ca_proxy(self):
        prefix = os.path.join(self.work, "ca-proxy")
        # The testbed CA issues the proxy's certificate, as it issued Pebble's (lib/ca.sh).
        lib = os.path.join(REPO, "tests", "testbed", "lib")
        sh(["bash", "-c", f'DIR="$1"; source {lib}/common.sh; source {lib}/ca.sh; issue_leaf "$2" "$3"',
            "issue", self.env["TB_DIR"], prefix, f"IP:{self.env['TB_PEBBLE_ADDR']}"])
        self.ca_control = os.path.join(self.work, "ca-fault")
        self.set_ca_fault("none 0")
        logf = open(os.path.join(self.work, "ca-proxy.log"), "a", encoding="utf-8")
        self.ca_proxy = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "ca_proxy.py"), self.env["TB_PEBBLE_ADDR"], "14443",
             prefix + ".pem", prefix + ".key", f"{self.env['TB_PEBBLE_ADDR']}:14000",
             self.env["TB_PEBBLE_TLS_CA"], self.ca_control], stdout=logf, stderr=subprocess.STDOUT)
        logf.close()
        for _ in range(100):
            if sh(["curl", "-sf", "--cacert", self.env["TB_PEBBLE_TLS_CA"],
                   f"https://{self.env['TB_PEBBLE_ADDR']}:14443/dir"], check=False).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("the CA proxy did not come up")

    def set_ca_fault(self, text):
        with open(self.ca_control + ".new", "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.rename(self.ca_control + ".new", self.ca_control)

    def teardown(self):
        if self.sender:
            self.sender.stop()
        if getattr(self, "ca_proxy", None):
            self.ca_proxy.terminate()
            self.ca_proxy.wait(timeout=30)
        for pid in self.stopped_pids:
            os.kill(pid, signal.SIGCONT)
        for mx in list(self.stopped_mx):
            sh([TESTBED, "mx-start", self.env["TB_DIR"], mx], check=False)
        self.stop_daemon()
        with open(self.env["TB_TSIG_KEY_FILE"], encoding="utf-8") as f:
            rotated = f.read() != self.original_tsig
        if rotated:
            self.write_bind_key(self.original_tsig)
        for mx in ("mx1", "mx2"):
            sh([TESTBED, "mx-use", self.env["TB_DIR"], mx, self.env[f"TB_{mx.upper()}_CHAIN"]], check=False)
        self.nsupdate([f"update delete {owner} TLSA" for owner in OWNERS] +
                      [f"update delete {owner} TXT" for owner in OWNERS])
        if self.mounted:
            sh(["umount", self.state], check=False)
        shutil.rmtree(self.work, ignore_errors=True)

    # ---- the daemon, under a clock the campaign moves
    def start_daemon(self):
        env = dict(os.environ, LD_PRELOAD=FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE=self.clock_file,
                   FAKETIME_DONT_FAKE_MONOTONIC="1", FAKETIME_NO_CACHE="1")
        logf = open(os.path.join(self.work, "daemon.log"), "a", encoding="utf-8")
        self.daemon = subprocess.Popen([self.dk_bin, "--config", self.config, "daemon"], env=env,
                                       stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        logf.close()

    def stop_daemon(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.terminate()
            try:
                self.daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        self.daemon = None

    def set_clock(self, offset_s):
        self.clock_offset = offset_s
        tmp = self.clock_file + ".new"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{offset_s:+d}\n")
        os.rename(tmp, self.clock_file)

    def write_bind_key(self, text):
        path = self.env["TB_TSIG_KEY_FILE"]
        with open(path + ".new", "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path + ".new", 0o600)
        os.rename(path + ".new", path)
        sh(["rndc", "-c", self.env["TB_RNDC_CONF"], "reconfig"], timeout=30)

    # ---- faults: inject() starts one, heal() ends it
    def inject(self, fault):
        kind = fault["kind"]
        self.injected[kind] += 1
        if kind == "sigkill":
            self.daemon.kill()
            self.daemon.wait()
            time.sleep(fault["restart_after"])
            self.start_daemon()
        elif kind in ("primary_stop", "secondary_stop"):
            pid = self.pid_of("named" if kind == "primary_stop" else "knotd")
            os.kill(pid, signal.SIGSTOP)
            self.stopped_pids.append(pid)
        elif kind == "tsig_rotate":
            new_key = sh(["tsig-keygen", "-a", "hmac-sha256", self.env["TB_TSIG_KEY_NAME"]]).stdout
            self.write_bind_key(new_key)  # BIND knows only the new secret; our copy is stale
        elif kind == "mx_reload_fail":
            open(os.path.join(self.work, f"reload-fails-{fault['mx']}"), "w").close()
        elif kind == "mx_down":
            self.stopped_mx.add(fault["mx"])
            sh([TESTBED, "mx-stop", self.env["TB_DIR"], fault["mx"]])
        elif kind == "disk_full":
            with open(os.path.join(self.state, "filler"), "wb") as f:
                try:
                    while True:
                        f.write(b"\0" * (1 << 20))
                        f.flush()
                except OSError:
                    pass
        elif kind == "clock_jump":
            self.set_clock(self.clock_offset + fault["hours"] * 3600)
        elif kind == "operator_edit":
            self.operator_edit(fault)
        elif kind == "ca_fault":
            self.set_ca_fault(f"{fault['mode']} {fault['count']}")

    def heal(self, fault):
        kind = fault["kind"]
        if kind in ("primary_stop", "secondary_stop"):
            pid = self.stopped_pids.pop(0)
            os.kill(pid, signal.SIGCONT)
        elif kind == "tsig_rotate":
            shutil.copy(self.env["TB_TSIG_KEY_FILE"], self.tsig_copy + ".new")
            os.chmod(self.tsig_copy + ".new", 0o600)
            os.rename(self.tsig_copy + ".new", self.tsig_copy)
            self.daemon.send_signal(signal.SIGHUP)  # the operator rotates our copy and reloads
        elif kind == "mx_reload_fail":
            os.unlink(os.path.join(self.work, f"reload-fails-{fault['mx']}"))
        elif kind == "mx_down":
            sh([TESTBED, "mx-start", self.env["TB_DIR"], fault["mx"]])
            self.stopped_mx.discard(fault["mx"])
        elif kind == "disk_full":
            os.unlink(os.path.join(self.state, "filler"))
        elif kind == "ca_fault":
            with open(self.ca_control, encoding="utf-8") as f:
                left = int(f.read().split()[1])
            self.ca_answered += fault["count"] - left  # faults the client actually met
            self.set_ca_fault("none 0")
        elif kind == "clock_jump":
            # The clock is put right again (NTP) after its jump: the daemon lives through a jump
            # each way. (Held hours off, TSIG fails with BADTIME: no update can be signed.)
            self.set_clock(self.clock_offset - fault["hours"] * 3600)

    def operator_edit(self, fault):
        owner = fault["owner"]
        if fault["edit"] == "extra_tlsa":
            rdata = "3 1 1 " + random.Random(fault["start"]).randbytes(32).hex()
            self.foreign.append((owner, "TLSA", rdata))
            self.nsupdate([f"update add {owner} 5 TLSA {rdata}"])
        elif fault["edit"] == "txt":
            self.foreign.append((owner, "TXT", '"operator note"'))
            self.nsupdate([f'update add {owner} 5 TXT "operator note"'])
        else:  # remove the next key's record (before the rollover is asked for)
            spki = self.status()["next"]["spki_sha256"]
            self.nsupdate([f"update delete {owner} TLSA 3 1 1 {spki}"])

    # ---- convergence
    def converged(self, before_id):
        s = self.status()
        ok = (s["phase"] == "steady" and s["previous"] is None and s["next"] is not None
              and s["next"]["published_at"] is not None and not s["next_deployed"])
        if before_id is not None:
            ok = ok and s["current"]["id"] != before_id
        return ok, s

    def wait_converged(self, before_id, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                ok, s = self.converged(before_id)
            except (subprocess.SubprocessError, ValueError, KeyError, IndexError):
                ok, s = False, None
            if ok:
                return s
            if self.daemon.poll() is not None:
                log(f"daemon exited ({self.daemon.returncode}); starting it again")
                self.start_daemon()
            time.sleep(0.5)
        return None

    def check_state(self, s):
        """The steady state's invariants; returns the problems found."""
        problems = []
        keys_dir = os.path.join(self.state, "keys", "mx")
        on_disk = {name[: -len(".key.pem")] for name in os.listdir(keys_dir) if name.endswith(".key.pem")}
        rows = {s["current"]["id"], s["next"]["id"]}
        logged, retired = self.logged_records()
        # Retired keys stay on disk (danekeeper never deletes a private key); any other key file
        # is an orphan: neither in the slot's row nor a key whose record the log shows retired.
        orphans = {key for key in on_disk - rows if key.rsplit("-", 1)[-1] not in retired}
        if orphans or not rows <= on_disk:
            problems.append(f"orphan or missing key files: on disk {sorted(on_disk)}, in state {sorted(rows)}")
        ours = {f"3 1 1 {s['current']['spki_sha256']}", f"3 1 1 {s['next']['spki_sha256']}"}
        foreign_tlsa = {}
        for owner, rtype, rdata in self.foreign:
            if rtype == "TLSA":
                foreign_tlsa.setdefault(owner, set()).add(rdata)
        for owner in OWNERS:
            want = ours | foreign_tlsa.get(owner, set())
            if logged.get(owner, set()) != ours:
                problems.append(f"{owner}: the event log says {sorted(logged.get(owner, set()))}, state says {sorted(ours)}")
            for server in (self.env["TB_PRIMARY_ADDR"], self.env["TB_SECONDARY_ADDR"]):
                got = set()
                for _ in range(40):  # the secondary may still be transferring
                    got = self.served_rrset(server, owner)
                    if got == want:
                        break
                    time.sleep(0.25)
                if got != want:
                    problems.append(f"{owner} at {server}: serves {sorted(got)}, wanted {sorted(want)}")
        issuer = sh(["openssl", "x509", "-noout", "-issuer", "-in", os.path.join(self.served, "mx-chain.pem")]).stdout
        if self.acme and "pebble" not in issuer.lower():
            problems.append(f"an ACME run, but the served certificate is not Pebble's: {issuer.strip()}")
        for owner, rtype, rdata in self.foreign:
            if rtype == "TXT" and rdata.lower() not in self.served_rrset(self.env["TB_PRIMARY_ADDR"], owner, "TXT"):
                problems.append(f"{owner}: the operator's TXT record is gone")
        return problems

    def logged_records(self):
        """Replays every publish/retire the event log recorded: OWNER -> set of TLSA rdata, and
        the 12-hex-digit SPKI prefixes (as in key ids) of every record it removed."""
        events = json.loads(self.dk("log", "--json").stdout)
        records = {}
        retired = set()
        change = re.compile(r"(add|remove|delete) (\S+)\. TLSA (3 1 1 ([0-9a-f]+))")
        for event in events:
            for verb, owner, rdata, digest in change.findall(event.get("details") or ""):
                if verb == "add":
                    records.setdefault(owner, set()).add(rdata)
                else:
                    records.setdefault(owner, set()).discard(rdata)
                    retired.add(digest[:12])
        return records, retired

    def clean_operator_edits(self):
        lines = [f"update delete {owner} {rtype} {rdata}" for owner, rtype, rdata in self.foreign]
        self.foreign = []
        if lines:
            self.nsupdate(lines)

    # ---- one run
    def one_run(self, run):
        self.run_number = run
        acme, faults = schedule_for(self.args.seed, run)
        log(f"run {run} ({'acme' if acme else 'command'}): " +
            ", ".join(f"{f['kind']}@{f['start']}s" for f in faults))
        self.use_config(acme)
        before = self.status()["current"]["id"]
        sender_failures = len(self.sender.failures)
        pending = list(faults)
        active_before = []
        for f in [f for f in pending if f["start"] == 0.0 and f["kind"] in ("operator_edit", "ca_fault")]:
            self.inject(f)  # before the request: the next record gone, the CA failing from the start
            pending.remove(f)
            active_before.append((f, time.time() + f["hold"]))
        self.dk("rollover", "start", "mx", check=True)
        t0 = time.time()
        active = active_before
        while pending or active:
            now = time.time() - t0
            for f in [f for f in pending if f["start"] <= now]:
                self.inject(f)
                pending.remove(f)
                active.append((f, time.time() + f["hold"]))
            for f, until in [a for a in active if a[1] <= time.time()]:
                self.heal(f)
                active.remove((f, until))
            if self.daemon.poll() is not None and not any(f["kind"] == "sigkill" for f, _ in active):
                log(f"daemon exited ({self.daemon.returncode}); starting it again")
                self.start_daemon()
            time.sleep(0.1)
        s = self.wait_converged(before, RUN_DEADLINE_S)
        problems = []
        if s is None:
            problems.append(f"no steady state with a new current key {RUN_DEADLINE_S} s after the last fault")
        else:
            problems += self.check_state(s)
        self.clean_operator_edits()
        new_failures = self.sender.failures[sender_failures:]
        if new_failures:
            problems.append(f"{len(new_failures)} sender failures")
        took = round(time.time() - t0, 1)
        self.run_log.append({"run": run, "acme": acme, "faults": faults, "seconds": took, "problems": problems})
        if problems:
            log(f"RUN {run} FAILED (seed {self.args.seed}; replay: --seed {self.args.seed} --only {run}); "
                f"schedule: {json.dumps(faults)}")
            for p in problems:
                log(f"  {p}")
            with open(os.path.join(self.work, "daemon.log"), encoding="utf-8", errors="replace") as f:
                tail = f.readlines()[-25:]
            log("daemon log, last lines:\n" + "".join("  | " + line for line in tail))
            return False
        log(f"run {run}: converged in {took} s; key {before} -> {s['current']['id']}")
        return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env", required=True)
    parser.add_argument("--dk", required=True)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", type=int, default=None, help="replay this one run of the seed")
    parser.add_argument("--report", default=None, help="write the figures as JSON here")
    parser.add_argument("--deadline", type=int, default=0,
                        help="stop (and tear down) after this many seconds; below ctest's timeout, "
                             "whose SIGKILL would leave servers stopped and the zone changed")
    parser.add_argument("--sanitized", type=int, default=0,
                        help="1: the binary is a sanitizer build, which cannot preload libfaketime")
    args = parser.parse_args()
    if args.sanitized:
        print("campaign: SKIP: a sanitizer build cannot preload libfaketime (the debug build runs it)")
        return 77
    if not os.path.exists(FAKETIME_LIB):
        print(f"campaign: {FAKETIME_LIB} is missing (Debian package libfaketime)", file=sys.stderr)
        return 3
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 1_000_000)
    runs = [args.only] if args.only else list(range(1, args.runs + 1))
    log(f"campaign: seed {args.seed}, runs {runs[0]}..{runs[-1]}")
    campaign = Campaign(args)
    passed = 0
    failed_runs = []

    def stop(signum, _frame):
        raise SystemExit(f"campaign: signal {signum}: stopping after {len(campaign.run_log)} runs")

    signal.signal(signal.SIGTERM, stop)  # a stopped campaign still tears down what it started
    if args.deadline:
        signal.signal(signal.SIGALRM, stop)
        signal.alarm(args.deadline)
    try:
        campaign.setup()
        for run in runs:
            if campaign.one_run(run):
                passed += 1
            else:
                failed_runs.append(run)
                # The failure is counted; the campaign goes on from a daemon restarted as an
                # operator would restart it (a daemon asleep past its due step wakes up).
                campaign.stop_daemon()
                campaign.start_daemon()
                if campaign.wait_converged(None, 60) is None:
                    log("the slot did not come back to a steady state: stopping the campaign")
                    break
            write_report(args, campaign, passed, failed_runs)
        time.sleep(6)  # the sender probes past the last TTL
    except SystemExit as stopped:
        log(str(stopped))
    finally:
        campaign.teardown()
    figures = write_report(args, campaign, passed, failed_runs)
    print("campaign figures: " + json.dumps({k: v for k, v in figures.items() if k != "run_seconds"}))
    ok = (figures["runs"] == len(runs) and passed == len(runs) and figures["sender_failures"] == 0
          and figures["sender_probes"] > 0)
    print("campaign: PASS" if ok else f"campaign: FAIL (seed {args.seed})")
    return 0 if ok else 1


def write_report(args, campaign, passed, failed_runs):
    """The figures so far (also to --report, after every run: a long campaign cut short keeps them)."""
    sender = campaign.sender
    figures = {"seed": args.seed, "runs": len(campaign.run_log), "converged": passed,
               "failed_runs": failed_runs, "faults": campaign.injected,
               "faults_total": sum(campaign.injected.values()),
               "acme_runs": sum(1 for r in campaign.run_log if r["acme"]),
               "ca_faults_answered": campaign.ca_answered,
               "sender_probes": sender.probes if sender else 0,
               "sender_failures": len(sender.failures) if sender else 0,
               "sender_unreachable_while_mx_stopped": sender.unreachable if sender else 0,
               "run_seconds": [r["seconds"] for r in campaign.run_log]}
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump({**figures, "run_log": campaign.run_log,
                       "failures": sender.failures if sender else []}, f, indent=1)
    return figures


if __name__ == "__main__":
    sys.exit(main())
