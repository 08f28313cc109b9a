#!/usr/bin/env python3
"""Writes data/motifs/JASPAR<year>_CORE_<group>.meme from the SQLite file shipped in PyPI's pyjaspar.

Only the Python standard library is used. Usage:
    scripts/make_jaspar_meme.py                 # downloads pyjaspar==4.0.0 with pip, JASPAR 2026
    scripts/make_jaspar_meme.py JASPAR2026.sqlite
The newest version of every CORE matrix whose MATRIX_ANNOTATION tax_group is the group is kept; counts are turned
into probabilities per column (6 decimals, each row renormalised so it sums to 1 at that precision).
"""
import glob
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

PYJASPAR = "pyjaspar==4.0.0"
RELEASE = "JASPAR2026"
GROUPS = ["insects", "vertebrates"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "motifs")


def sqlite_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    folder = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", PYJASPAR, "-d", folder], check=True)
    wheel = glob.glob(os.path.join(folder, "*.whl"))[0]
    with zipfile.ZipFile(wheel) as archive:
        return archive.extract(f"pyjaspar/data/{RELEASE}.sqlite", folder)


def probabilities(column):
    total = sum(column)
    values = [round(v / total, 6) for v in column]
    # Put the rounding residue on the largest entry so the row sums to exactly 1 at 6 decimals.
    largest = max(range(4), key=lambda i: values[i])
    values[largest] = round(values[largest] + 1 - sum(values), 6)
    return values


def write_group(db, group, path):
    rows = db.execute(
        """SELECT m.ID, m.BASE_ID, m.VERSION, m.NAME FROM MATRIX m
           JOIN MATRIX_ANNOTATION a ON a.ID = m.ID AND a.TAG = 'tax_group' AND a.VAL = ?
           WHERE m.COLLECTION = 'CORE' ORDER BY m.BASE_ID, m.VERSION""", (group,)).fetchall()
    newest = {}
    for internal, base, version, name in rows:
        newest[base] = (internal, version, name)
    with open(path, "w") as out:
        out.write(f"MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n")
        out.write("Background letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25\n\n")
        for base in sorted(newest):
            internal, version, name = newest[base]
            counts = {letter: {} for letter in "ACGT"}
            for letter, col, val in db.execute("SELECT row, col, val FROM MATRIX_DATA WHERE ID = ?", (internal,)):
                counts[letter.upper()][int(col)] = float(val)
            width = max(counts["A"])
            columns = [[counts[letter][c] for letter in "ACGT"] for c in range(1, width + 1)]
            sites = int(round(sum(columns[0])))
            out.write(f"MOTIF {base}.{version} {name}\n")
            out.write(f"letter-probability matrix: alength= 4 w= {width} nsites= {sites} E= 0\n")
            for column in columns:
                out.write(" " + " ".join(f"{p:.6f}" for p in probabilities(column)) + "\n")
            out.write(f"URL https://jaspar.elixir.no/matrix/{base}.{version}\n\n")
    print(f"{path}: {len(newest)} matrices")


def main():
    db = sqlite3.connect(sqlite_path())
    os.makedirs(OUT, exist_ok=True)
    for group in GROUPS:
        write_group(db, group, os.path.join(OUT, f"{RELEASE}_CORE_{group}.meme"))


if __name__ == "__main__":
    main()
