"""``tandem match``: the file in, matches and pairs out, nothing written on a bad file."""

import csv
import json
from pathlib import Path

from tandem.matching.engine.cli import main
from tandem.matching.engine.model import CRITERIA

SAMPLE = Path(__file__).resolve().parents[1] / "sample" / "participants.csv"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_match_writes_one_row_per_mentee_and_every_allowed_pair(tmp_path, capsys):
    out, pairs = tmp_path / "matches.csv", tmp_path / "pairs.csv"
    code = main(
        [
            "match",
            str(SAMPLE),
            "--out",
            str(out),
            "--pairs",
            str(pairs),
            "--goals",
            "tfidf",
            "--cache",
            str(tmp_path / "cache"),
        ]
    )
    assert code == 0
    rows = read(out)
    assert list(rows[0]) == ["mentee_id", "mentor_id", "score", *CRITERIA, "reason"]
    assert len(rows) == 24
    allowed = {(r["mentee_id"], r["mentor_id"]): r for r in read(pairs)}
    capacity = {
        r["external_id"]: int(r["capacity"] or 1) for r in read(SAMPLE) if r["role"] == "mentor"
    }
    load: dict[str, int] = {}
    for row in rows:
        if row["mentor_id"]:
            assert (row["mentee_id"], row["mentor_id"]) in allowed
            assert row["score"] == allowed[(row["mentee_id"], row["mentor_id"])]["score"]
            assert len(row["score"].split(".")[1]) == 6
            load[row["mentor_id"]] = load.get(row["mentor_id"], 0) + 1
        else:
            assert row["reason"] and not row["score"]
    assert all(load[m] <= capacity[m] for m in load)
    assert "Matched" in capsys.readouterr().err


def test_a_bad_file_exits_non_zero_reports_every_row_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        SAMPLE.read_text(encoding="utf-8")
        .replace(",21231,", ",2123,", 1)
        .replace("K2P 1L4", "ZZZ"),
        encoding="utf-8",
    )
    out = tmp_path / "matches.csv"
    code = main(
        ["match", str(bad), "--out", str(out), "--pairs", str(tmp_path / "p.csv"), "--lang", "fr"]
    )
    assert code == 1
    assert not out.exists() and not (tmp_path / "p.csv").exists()
    err = capsys.readouterr().err
    assert "ligne 2, colonne noc_code\u00a0:" in err
    assert "ligne 3, colonne postal_code\u00a0:" in err
    assert "2 problèmes" in err


def test_weights_come_from_a_json_file_and_bad_weights_are_refused(tmp_path, capsys):
    weights = tmp_path / "weights.json"
    weights.write_text(
        json.dumps(
            {"name": "occupation only", "weights": {c: 0 for c in CRITERIA} | {"occupation": 1}}
        )
    )
    out = tmp_path / "m.csv"
    assert (
        main(
            [
                "match",
                str(SAMPLE),
                "--out",
                str(out),
                "--weights",
                str(weights),
                "--goals",
                "tfidf",
                "--cache",
                str(tmp_path),
            ]
        )
        == 0
    )
    for row in read(out):
        if row["mentor_id"]:
            assert row["score"] == row["occupation"]
    weights.write_text(json.dumps({"weights": {"charisma": 1}}))
    assert (
        main(["match", str(SAMPLE), "--out", str(tmp_path / "x.csv"), "--weights", str(weights)])
        == 2
    )
    assert "Unknown criterion charisma" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_french_output_explains_in_french(tmp_path):
    out = tmp_path / "m.csv"
    assert (
        main(
            [
                "match",
                str(SAMPLE),
                "--out",
                str(out),
                "--lang",
                "fr",
                "--goals",
                "tfidf",
                "--cache",
                str(tmp_path),
            ]
        )
        == 0
    )
    reasons = " ".join(r["reason"] for r in read(out))
    assert "Même profession\u00a0:" in reasons and "(CNP " in reasons
    assert "Same" not in reasons
