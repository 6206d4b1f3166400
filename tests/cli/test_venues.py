"""`curator venues`, `venue-suggestions` and the venue changes on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curator.cli import main
from tests.cli.test_works import run


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "c.sqlite")
    assert run(capsys, "--db", path, "seed")[0] == 0
    return path


def venues_json(capsys: pytest.CaptureFixture[str], db: str) -> dict[str, dict]:
    code, out, _ = run(capsys, "--db", db, "venues", "--json")
    assert code == 0
    return {v["name"]: v for v in json.loads(out)}


def test_venues_lists_kind_labels_and_counts(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    found = venues_json(capsys, db)
    assert found["ICLR"]["kind"] == "conference" and found["ICLR"]["works"] == 4
    assert found["ICLR"]["aliases"] == [{"label": "ICLR", "records": 4, "note": None}]
    code, out, err = run(capsys, "--db", db, "venues", "--search", "workshop")
    assert code == 0 and "NeurIPS Workshop (SoLaR)" in out and "ICLR" not in out
    assert "5 venues" in err


def test_suggestions_as_json_then_accept_and_undo(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", db, "venue-suggestions", "--json")
    assert code == 0
    found = json.loads(out)
    spot = next(x for x in found if "NeurIPS (Spotlight)" in x["labels"])
    assert set(spot) >= {"labels", "canonical", "kind", "score", "reasons"}
    assert spot["canonical"] == "NeurIPS" and spot["kind"] == "conference"
    assert spot["notes"] == [{"label": "NeurIPS (Spotlight)", "note": "Spotlight"}]
    code, out, _ = run(capsys, "--db", db, "venue-accept", str(spot["number"]))
    assert code == 0 and "curator undo" in out
    assert "NeurIPS (Spotlight)" not in venues_json(capsys, db)
    labels = [a["label"] for a in venues_json(capsys, db)["NeurIPS"]["aliases"]]
    assert "NeurIPS (Spotlight)" in labels
    assert run(capsys, "--db", db, "undo")[0] == 0
    assert "NeurIPS (Spotlight)" in venues_json(capsys, db)


def test_reject_all_sure_and_bad_numbers(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", db, "venue-accept", "99")
    assert code == 1 and "there is no suggestion 99" in err
    assert run(capsys, "--db", db, "venue-reject", "1")[0] == 0
    code, out, _ = run(capsys, "--db", db, "venue-suggestions", "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "--db", db, "venue-accept", "--all-sure")
    assert code == 1 and "no sure venue suggestions" in err
    assert run(capsys, "--db", db, "undo")[0] == 0
    code, out, _ = run(capsys, "--db", db, "venue-accept", "--all-sure")
    assert code == 0 and "Accept 1 sure venue suggestions" in out


def test_rename_merge_split_kind_short_parent(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    full = "International Conference on Learning Representations"
    assert run(capsys, "--db", db, "venue-rename", "ICLR", full)[0] == 0
    assert run(capsys, "--db", db, "venue-set-short", full, "ICLR")[0] == 0
    code, _, err = run(capsys, "--db", db, "venue-rename", "iclr", "NeurIPS")
    assert code == 1 and "merge them instead" in err
    code, out, _ = run(capsys, "--db", db, "venue-merge", "EMNLP", "EMNLP (Findings)",
                       "--into", "EMNLP")  # fmt: skip
    assert code == 0 and "Merge venues 'EMNLP (Findings)' into 'EMNLP'" in out
    assert run(capsys, "--db", db, "venue-split", "EMNLP (Findings)", "--name", "Findings")[0] == 0
    assert run(capsys, "--db", db, "venue-set-kind", "Findings", "journal")[0] == 0
    assert (
        run(capsys, "--db", db, "venue-set-parent", "NeurIPS Workshop (SoLaR)", "NeurIPS")[0] == 0
    )
    found = venues_json(capsys, db)
    assert found[full]["short_name"] == "ICLR"
    assert found["Findings"]["kind"] == "journal"
    assert found["NeurIPS Workshop (SoLaR)"]["parent"] == "NeurIPS"
    code, out, _ = run(capsys, "--db", db, "export", "--search", "findings")
    assert code == 0 and "journal = {Findings}" in out
    with pytest.raises(SystemExit) as usage:
        main(["--db", db, "venue-set-kind", "ICLR", "podcast"])
    assert usage.value.code == 1 and "invalid choice" in capsys.readouterr().err
    code, _, err = run(capsys, "--db", db, "venue-rename", "Nowhere", "X")
    assert code == 1 and "no venue is called 'Nowhere'" in err
    for ref in ("²", "99999999999999999999999", "0"):  # odd ids: a message, not a traceback
        code, _, err = run(capsys, "--db", db, "venue-rename", ref, "X")
        assert code == 1 and "no venue" in err
    code, _, err = run(capsys, "--db", db, "venue-merge", "NeurIPS", "neurips", "--name", "N")
    assert code == 1 and "two different venues" in err
    code, out, _ = run(capsys, "--db", db, "history", "--json")
    kinds = [e["kind"] for e in json.loads(out)]
    assert kinds.count("venue") == 6


def test_parent_links(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "venue-suggestions", "--links", "--json")
    assert code == 0
    links = json.loads(out)
    assert len(links) == 4 and all("names the conference 'NeurIPS'" in x["reason"] for x in links)


def test_suggestions_from_duplicates_list_and_accept_with_the_same_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite")
    long_name = "Advances in Neural Information Processing Systems"
    topics = ["sparse attention", "reward models", "protein folding", "weather forecasting"]
    for label in ("NeurIPS", long_name):
        path = tmp_path / f"{len(label)}.bib"
        path.write_text(
            "\n".join(
                f"@inproceedings{{p{n}, title = {{Scaling laws for {topic} in deep networks}},"
                f" author = {{Ada Lovelace and Alan Turing{n}}}, booktitle = {{{label}}},"
                f" year = {2019 + n}}}"
                for n, topic in enumerate(topics)
            )
        )
        assert run(capsys, "--db", db, "import", str(path))[0] == 0
    code, out, _ = run(capsys, "--db", db, "venue-suggestions", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, "--db", db, "venue-suggestions", "--duplicates", "--json")
    found = json.loads(out)
    assert [sorted(x["labels"]) for x in found] == [sorted([long_name, "NeurIPS"])]
    assert "4 papers have sure or likely duplicates" in found[0]["reasons"][0]
    code, out, _ = run(capsys, "--db", db, "venue-accept", "1", "--duplicates")
    assert code == 0 and "curator undo" in out
    assert len(venues_json(capsys, db)) == 1
