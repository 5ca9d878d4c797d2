"""bench.validation: the sample answers are valid for both checks, and the report has one row each (no timing asserted)."""

from __future__ import annotations

from bench import validation


def test_every_sample_is_measured_for_both_checks_and_reported(tmp_path, capsys):
    out = tmp_path / "validation.md"
    assert validation.main(["--runs", "1", "--calls", "1", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text == capsys.readouterr().out.rstrip("\n") + "\n"
    rows = [line for line in text.splitlines() if line.startswith("| ") and " ms " in line]
    assert len(rows) == len(validation.SAMPLES)
    assert all(name in text for name in validation.SAMPLES)
