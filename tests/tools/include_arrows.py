#!/usr/bin/env python3
"""The arrows between danekeeper's folders, checked (standard library only).

    include_arrows.py ROOT [TABLE]   check the tree at ROOT against TABLE (ROOT/cmake/arrows.txt)
    include_arrows.py --self-test    show that the check fails on trees that break each rule

Every #include "..." in a production file (src/, zone/, acme/, db/) must point into its own
folder or into a folder its row of the table allows; every folder holding production files
needs a row; the table's arrows must not form a cycle; each library's target_link_libraries
must name exactly the libraries of the folders it may include; and README.md's Layout table
must show each folder with the folders it may include.
Prints one line per problem (file:line: what is wrong) and exits 1 if there is any.
"""

import os
import re
import sys
import tempfile
from dataclasses import dataclass, field

PRODUCTION_ROOTS = ("src", "zone", "acme", "db")
SOURCE_SUFFIXES = (".cc", ".h", ".h.in")
# Production code includes relative to the repository (zone/, acme/, db/) or to src/.
INCLUDE_PREFIXES = ("", "src/")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
LINK_CALL = re.compile(r"target_link_libraries\s*\(\s*([^\s)]+)([^)]*)\)")
EVERY_FOLDER = "*"


@dataclass
class Row:
    folder: str
    target: str
    allowed: set  # folders, or {EVERY_FOLDER}
    line: int


@dataclass
class Table:
    path: str
    rows: dict = field(default_factory=dict)  # folder -> Row

    def folder_of(self, path):
        """The longest folder of the table that holds PATH (relative to the root), or None."""
        best = None
        for folder in self.rows:
            if path.startswith(folder + "/") and (best is None or len(folder) > len(best)):
                best = folder
        return best

    def may_include(self, folder, target_folder):
        allowed = self.rows[folder].allowed
        return target_folder == folder or EVERY_FOLDER in allowed or target_folder in allowed

    def targets(self):
        return {row.target for row in self.rows.values()}


def read_table(root, path, problems):
    table = Table(os.path.relpath(path, root))
    with open(path, encoding="utf-8") as text:
        for number, line in enumerate(text, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) < 3:
                problems.append(f"{table.path}:{number}: a row is: folder target allowed-folders|-")
                continue
            folder, target, allowed = words[0], words[1], set(words[2:]) - {"-"}
            if folder in table.rows:
                problems.append(f"{table.path}:{number}: {folder} has a row already")
            table.rows[folder] = Row(folder, target, allowed - {folder}, number)
    for row in table.rows.values():
        for other in sorted(row.allowed - set(table.rows) - {EVERY_FOLDER}):
            problems.append(f"{table.path}:{row.line}: {row.folder} may include {other}, which has no row")
    return table


def find_cycle(table):
    """One cycle of arrows between folders (a list of folders), or None."""
    state = {}  # folder -> "open" while on the path, "done" after

    def visit(folder, path):
        state[folder] = "open"
        for other in sorted(table.rows[folder].allowed & set(table.rows)):
            if state.get(other) == "open":
                return path[path.index(other):] + [folder, other]
            if other not in state:
                cycle = visit(other, path + [folder])
                if cycle:
                    return cycle
        state[folder] = "done"
        return None

    for folder in sorted(table.rows):
        if EVERY_FOLDER not in table.rows[folder].allowed and folder not in state:
            cycle = visit(folder, [])
            if cycle:
                return cycle
    return None


def production_files(root):
    for top in PRODUCTION_ROOTS:
        for directory, subdirectories, files in os.walk(os.path.join(root, top)):
            subdirectories.sort()
            for name in sorted(files):
                yield os.path.relpath(os.path.join(directory, name), root)


def included_folder(root, table, included):
    """The folder of the table an #include "INCLUDED" points into, or None."""
    candidates = [prefix + included for prefix in INCLUDE_PREFIXES]
    for candidate in candidates:
        if os.path.isfile(os.path.join(root, candidate)):
            return table.folder_of(candidate)
    for candidate in candidates:  # a generated header (base/version.h) is named by its folder
        folder = table.folder_of(candidate)
        if folder:
            return folder
    return None


def check_includes(root, table, problems, used):
    for path in production_files(root):
        if not path.endswith(SOURCE_SUFFIXES):
            continue
        folder = table.folder_of(path)
        if folder is None:
            problems.append(f"{path}:1: its folder has no row in {table.path}")
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as text:
            for number, line in enumerate(text, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target_folder = included_folder(root, table, match.group(1))
                if target_folder is None:
                    problems.append(
                        f'{path}:{number}: #include "{match.group(1)}" is in no folder of the table'
                    )
                elif not table.may_include(folder, target_folder):
                    problems.append(
                        f'{path}:{number}: {folder} may not include {target_folder} '
                        f'(#include "{match.group(1)}")'
                    )
                elif target_folder != folder:
                    used.add((folder, target_folder))


def read_links(root, targets):
    """target -> (the libraries of the table it links, where) from every CMake file."""
    links = {}
    for path in production_files(root):
        if not (path.endswith("CMakeLists.txt") or path.endswith(".cmake")):
            continue
        with open(os.path.join(root, path), encoding="utf-8") as text:
            lines = [line.rstrip("\n").split("#", 1)[0] for line in text]
        code = "\n".join(lines)
        for call in LINK_CALL.finditer(code):
            where = f"{path}:{code.count(chr(10), 0, call.start()) + 1}"
            linked, _ = links.setdefault(call.group(1), (set(), where))
            linked.update(set(call.group(2).split()) & targets)
    return links


def check_links(root, table, problems):
    targets = table.targets()
    links = read_links(root, targets)
    for target in sorted(targets):
        rows = [row for row in table.rows.values() if row.target == target]
        expected = set()
        for row in rows:
            if EVERY_FOLDER in row.allowed:
                expected |= targets
            else:
                expected |= {table.rows[folder].target for folder in row.allowed}
        expected.discard(target)
        linked, where = links.get(target, (set(), f"{table.path}:{rows[0].line}"))
        for missing in sorted(expected - linked):
            problems.append(
                f"{where}: {target} does not link {missing}, which {table.path} lets it include"
            )
        for extra in sorted(linked - expected):
            problems.append(f"{where}: {target} links {extra}, an arrow {table.path} does not allow")


def readme_folders(table, uses):
    """The folders a README "uses" cell names: "base, zone/*, everything" and the like."""
    if uses == "everything":
        return {EVERY_FOLDER}
    folders = set()
    for name in filter(None, (name.strip() for name in uses.split(","))):
        if name.endswith("/*"):
            folders |= {f for f in table.rows if f == name[:-2] or f.startswith(name[:-1])}
        elif name in table.rows:
            folders.add(name)
        else:
            folders |= {f for f in table.rows if f.endswith("/" + name)}
    return folders


def check_readme(root, table, problems):
    """README.md's Layout table shows every folder with the row of the table ("uses")."""
    path = os.path.join(root, "README.md")
    if not os.path.isfile(path):
        return
    shown, in_layout = {}, False
    with open(path, encoding="utf-8") as text:
        for number, line in enumerate(text, 1):
            if line.startswith("## "):
                in_layout = line.strip() == "## Layout"
                continue
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if in_layout and line.startswith("|") and len(cells) == 4 and cells[0] in table.rows:
                shown[cells[0]] = (number, cells[3])
    for folder, row in sorted(table.rows.items()):
        if folder not in shown:
            problems.append(f"README.md:1: the Layout table has no row for {folder}")
            continue
        number, uses = shown[folder]
        if readme_folders(table, uses) != row.allowed:
            allowed = " ".join(sorted(row.allowed)) or "nothing"
            problems.append(
                f"README.md:{number}: {folder} uses {uses or 'nothing'} in the Layout table, "
                f"but {table.path} lets it include {allowed}"
            )


def check(root, table_path=None):
    """(problems, notes) for the tree at ROOT."""
    problems, notes, used = [], [], set()
    table = read_table(root, table_path or os.path.join(root, "cmake", "arrows.txt"), problems)
    cycle = find_cycle(table)
    if cycle:
        problems.append(f"{table.path}:1: the arrows form a cycle: {' -> '.join(cycle)}")
    check_includes(root, table, problems, used)
    check_links(root, table, problems)
    check_readme(root, table, problems)
    for row in table.rows.values():
        for other in sorted(row.allowed - {EVERY_FOLDER}):
            if (row.folder, other) not in used:
                notes.append(f"{table.path}:{row.line}: note: nothing in {row.folder} includes {other}")
    return problems, notes


# The self-test: a small good tree, then one broken copy per rule, each with the problem it
# must produce.
GOOD_TREE = {
    "cmake/arrows.txt": "src/base dk_base -\nsrc/engine dk_engine src/base\n"
    "src/ops dk_ops src/base src/engine\nzone dk_zone src/base\n"
    "zone/sign dk_zone src/base zone\nsrc/cli danekeeper *\n",
    "src/base/log.h": "#pragma once\n",
    "src/base/CMakeLists.txt": "add_library(dk_base STATIC log.cc)\n"
    "target_link_libraries(dk_base PUBLIC OpenSSL::SSL PRIVATE dk_warnings)\n",
    "src/engine/plan.h": '#pragma once\n#include "base/log.h"\n',
    "src/engine/CMakeLists.txt": "target_link_libraries(dk_engine PUBLIC dk_base\n  PRIVATE dk_warnings)\n",
    "src/ops/lint.cc": '#include "ops/lint.h"\n\n#include "base/log.h"\n#include "engine/plan.h"\n',
    "src/ops/lint.h": "#pragma once\n",
    "src/ops/CMakeLists.txt": "target_link_libraries(dk_ops PUBLIC dk_engine dk_base)\n",
    "zone/transport.h": '#include "base/log.h"\n',
    "zone/sign/signer.cc": '#include "zone/transport.h"\n#include "zone/sign/signer.h"\n',
    "zone/sign/signer.h": "#pragma once\n",
    "zone/CMakeLists.txt": "target_link_libraries(dk_zone PUBLIC dk_base) # dk_engine\n",
    "src/cli/main.cc": '#include "ops/lint.h"\n#include "zone/sign/signer.h"\n#include "base/version.h"\n',
    "src/cli/CMakeLists.txt": "target_link_libraries(danekeeper PRIVATE dk_ops dk_engine dk_zone dk_base)\n",
    "README.md": "## Layout\n\n| folder | library | what | uses |\n| - | - | - | - |\n"
    "| src/base | dk_base | errors | |\n| src/engine | dk_engine | rollover | base |\n"
    "| src/ops | dk_ops | reports | base, engine |\n| zone | dk_zone | DNS | base |\n"
    "| zone/sign | dk_zone | signer | base, zone |\n| src/cli | danekeeper | verbs | everything |\n"
    "\n## Next\n\n| src/ops | dk_ops | reports | nothing checked here |\n",
}

BROKEN_TREES = [
    (
        "an upward include",
        {"src/engine/plan.cc": '#include "engine/plan.h"\n\n#include "ops/lint.h"\n'},
        'src/engine/plan.cc:3: src/engine may not include src/ops (#include "ops/lint.h")',
    ),
    (
        "an include between the layers of one library, upward",
        {"zone/transport.cc": '#include "zone/sign/signer.h"\n'},
        'zone/transport.cc:1: zone may not include zone/sign (#include "zone/sign/signer.h")',
    ),
    (
        "an include of a folder the table does not know",
        {"src/ops/report.cc": '#include "tests/support/fake.h"\n'},
        'src/ops/report.cc:1: #include "tests/support/fake.h" is in no folder of the table',
    ),
    (
        "a production folder without a row",
        {"src/extra/thing.cc": '#include "base/log.h"\n'},
        "src/extra/thing.cc:1: its folder has no row in",
    ),
    (
        "a library that links a library it may not include",
        {"src/engine/CMakeLists.txt": "target_link_libraries(dk_engine PUBLIC dk_base dk_ops)\n"},
        "src/engine/CMakeLists.txt:1: dk_engine links dk_ops, an arrow",
    ),
    (
        "a library that does not link a library it may include",
        {"src/ops/CMakeLists.txt": "target_link_libraries(dk_ops PUBLIC dk_base)\n"},
        "src/ops/CMakeLists.txt:1: dk_ops does not link dk_engine, which",
    ),
    (
        "a README Layout row that shows other arrows than the table",
        {"README.md": GOOD_TREE["README.md"].replace("| reports | base, engine |", "| reports | base |")},
        "README.md:7: src/ops uses base in the Layout table, but cmake/arrows.txt lets it include "
        "src/base src/engine",
    ),
    (
        "a folder the README Layout does not show",
        {"README.md": GOOD_TREE["README.md"].replace("| zone | dk_zone | DNS | base |\n", "")},
        "README.md:1: the Layout table has no row for zone",
    ),
    (
        "a cycle in the table",
        {"cmake/arrows.txt": GOOD_TREE["cmake/arrows.txt"].replace("src/base dk_base -", "src/base dk_base src/ops")},
        "the arrows form a cycle: src/base -> src/ops -> src/base",
    ),
]


def write_tree(root, files):
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        with open(os.path.join(root, path), "w", encoding="utf-8") as out:
            out.write(text)


def self_test():
    failures = []
    with tempfile.TemporaryDirectory() as root:
        write_tree(root, GOOD_TREE)
        problems, _ = check(root)
        if problems:
            failures.append("the good tree has problems:\n  " + "\n  ".join(problems))
    for name, changes, expected in BROKEN_TREES:
        with tempfile.TemporaryDirectory() as root:
            write_tree(root, {**GOOD_TREE, **changes})
            problems, _ = check(root)
            if not any(expected in problem for problem in problems):
                failures.append(
                    f"{name}: expected a problem containing\n  {expected}\ngot\n  "
                    + ("\n  ".join(problems) or "no problem")
                )
    for failure in failures:
        print(f"self-test FAILED: {failure}")
    print(f"self-test: {1 + len(BROKEN_TREES) - len(failures)} of {1 + len(BROKEN_TREES)} trees judged right")
    return 1 if failures else 0


def main(arguments):
    if arguments == ["--self-test"]:
        return self_test()
    if len(arguments) not in (1, 2):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    problems, notes = check(*arguments)
    for line in notes + problems:
        print(line)
    print(f"include arrows: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
