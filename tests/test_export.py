"""Exports every tool reads: a Swedish workbook, CSV for Excel and for tools, one Parquet layout."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from conftest import MINUTES_MD
from minutes.cli import main
from minutes.core.tables import exported_views, partitioned_views
from minutes.warehouse import Warehouse
from minutes.warehouse.export import headings, sheet_name

REGION = "Sjukvårdsregion Mellansverige"  # of the meeting in MINUTES_MD, from its attendees' regions
NO_REGION = MINUTES_MD.replace("Region Örebro län", "Förvaltningen").replace("Region Värmland", "Kansliet") \
    .replace("Region Dalarna", "Staben").replace("# Minnesanteckningar Styrgruppen för vårdnära service",
                                                 "# Minnesanteckningar Arbetsgruppen")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """Two meetings, one without a region or a date, and a decision whose text Excel would run as a formula."""
    from click.testing import CliRunner

    from devtools.docgen import render
    folder = tmp_path_factory.mktemp("export") / "in"
    folder.mkdir()
    render(MINUTES_MD, folder / "styrgrupp_2025-02-04.docx")
    render(NO_REGION.replace("| Datum | 2025-02-04 |\n", ""), folder / "arbetsgrupp.md")
    db = folder.parent / "w.duckdb"
    assert CliRunner().invoke(main, ["import", str(folder), "--db", str(db)]).exit_code == 0
    with Warehouse(db) as wh:
        wh.con.execute("UPDATE core.decisions SET text = '=HYPERLINK(\"http://x\")' WHERE ordinal = 1 "
                       "AND document_id = (SELECT min(document_id) FROM core.documents)")
    return db


def test_every_exported_view_and_column_has_a_swedish_name(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    for view in exported_views():
        columns = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
        missing = [c for c, h in zip(columns, headings(view, columns)) if h == c]
        assert not missing, (view, missing)
        name = sheet_name(view)
        assert len(name) <= 31 and not set(name) & set(":\\/?*[]"), name
    assert len({sheet_name(v) for v in exported_views()}) == len(exported_views())


def test_the_workbook_is_typed_swedish_and_ready_to_filter(runner, warehouse, tmp_path):
    import openpyxl

    res = runner.invoke(main, ["export", "--format", "xlsx", "--out", str(tmp_path / "ut"), "--db", str(warehouse)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(tmp_path / "ut" / "minutes.xlsx")
    assert wb.sheetnames == [sheet_name(v) for v in exported_views()]
    docs = wb["Dokument"]
    header = [c.value for c in docs[1]]
    assert header[:4] == ["Dokument-id", "Fil", "Sökväg", "Kontrollsumma (SHA-256)"]
    assert all(c.font.b for c in docs[1]) and docs.freeze_panes == "A2"
    assert docs.auto_filter.ref == f"A1:R{docs.max_row}" and docs.max_row == 3
    row = {h: c for h, c in zip(header, next(r for r in docs.iter_rows(min_row=2) if r[11].value is not None))}
    assert row["Mötesdatum"].is_date and row["Mötesdatum"].number_format == "yyyy-mm-dd"
    assert row["Mötesdatum"].value == dt.datetime(2025, 2, 4)
    assert isinstance(row["Starttid"].value, dt.time) and row["Starttid"].number_format == "hh:mm"
    assert row["Importerad"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert row["OCR-läst"].value is False and row["Antal sidor"].data_type == "n" or row["Antal sidor"].value is None
    widths = [docs.column_dimensions[c].width for c in "ABCDE"]
    assert len(set(widths)) > 1 and max(widths) <= 60
    persons = wb["Personer"]
    variants = [c.value for c in persons[1]].index("Skrivs också")
    assert any(r[variants].value == "Göran Ärlig" for r in persons.iter_rows(min_row=2))  # a list, as text
    decisions = wb["Beslut"]
    text = [c.value for c in decisions[1]].index("Beslut")
    formula = next(r[text] for r in decisions.iter_rows(min_row=2) if str(r[text].value).startswith("="))
    assert formula.data_type == "s" and formula.quotePrefix  # text, not a live formula


def test_csv_for_excel_and_csv_for_tools(runner, warehouse, tmp_path):
    res = runner.invoke(main, ["export", "--format", "csv", "--excel", "--out", str(tmp_path / "xl"),
                               "--db", str(warehouse)])
    assert res.exit_code == 0, res.output
    raw = (tmp_path / "xl" / "decisions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Besluts-id;Dokument-id;Avsnitts-id;Ärende;Beslut;Beslutstyp")
    assert any("'=HYPERLINK" in line for line in lines) and not any(";=" in line for line in lines)
    res = runner.invoke(main, ["export", "--format", "csv", "--out", str(tmp_path / "plain"), "--db", str(warehouse)])
    assert res.exit_code == 0
    raw = (tmp_path / "plain" / "decisions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.startswith(b"decision_id,document_id,")
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_csv('{tmp_path}/plain/decisions.csv')").fetchone()[0] == 4
    assert sorted(p.stem for p in (tmp_path / "plain").glob("*.csv")) == sorted(exported_views())


def test_one_parquet_layout_read_by_duckdb_pyarrow_and_pandas(runner, warehouse, tmp_path):
    import pandas as pd

    exported, imported = tmp_path / "export", tmp_path / "import"
    res = runner.invoke(main, ["export", "--format", "parquet", "--out", str(exported), "--db", str(warehouse)])
    assert res.exit_code == 0, res.output
    assert runner.invoke(main, ["import", str(warehouse.parent / "in"), "--db", str(warehouse),
                                "--out-parquet", str(imported)]).exit_code == 0
    for out in (exported, imported):
        assert sorted(p.name for p in out.iterdir()) == sorted(exported_views())
        assert not list(out.rglob("*__HIVE_DEFAULT_PARTITION__*"))
        for view in exported_views():
            frame = pd.read_parquet(out / view)
            assert len(frame.columns) > 2, view
        decisions = pd.read_parquet(out / "decisions")
        assert sorted(set(decisions["region"].astype(str))) == [REGION, "okänd"]
        assert sorted(set(decisions["year"].astype(int))) == [0, 2025]
    assert {p.name for p in (exported / "decisions").iterdir()} == {f"region={quote(REGION)}", "region=ok%C3%A4nd"}
    res = runner.invoke(main, ["sql", "select region, year, count(*) as n from decisions group by all order by all",
                               "--parquet", str(exported), "-f", "csv"])
    assert res.exit_code == 0 and res.output == f"region,year,n\n{REGION},2025,2\nokänd,0,2\n", res.output
    res = runner.invoke(main, ["sql", "select count(*) from decisions_full join persons on true", "--parquet",
                               str(exported), "-f", "csv"])
    assert res.exit_code == 0, res.output
    assert set(partitioned_views()) < set(exported_views())


@pytest.mark.parametrize("command", [
    ["import", "{folder}", "--out-parquet", "s3://arkiv/minutes"],
    ["export", "--format", "parquet", "--out", "s3://arkiv/minutes"],
    ["sql", "select 1", "--parquet", "gs://arkiv/minutes"],
])
def test_object_store_urls_are_refused_in_one_sentence(runner, warehouse, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    args = [a.format(folder=warehouse.parent / "in") for a in command]
    res = runner.invoke(main, args + ["--db", str(warehouse)] if command[0] != "sql" else args)
    assert res.exit_code == 1 and "is a URL" in res.output and "mount" in res.output, res.output
    assert not (tmp_path / "s3:").exists() and not (tmp_path / "gs:").exists()


def test_a_parquet_export_never_replaces_a_folder_of_other_files(runner, warehouse, tmp_path):
    out = tmp_path / "mina-filer"
    out.mkdir()
    (out / "rapport.docx").write_text("viktig")
    res = runner.invoke(main, ["export", "--format", "parquet", "--out", str(out), "--db", str(warehouse)])
    assert res.exit_code == 1 and "not a minutes Parquet export" in res.output
    assert (out / "rapport.docx").read_text() == "viktig"


def test_excel_csv_is_asked_for_with_csv(runner, warehouse, tmp_path):
    res = runner.invoke(main, ["export", "--format", "xlsx", "--excel", "--out", str(tmp_path), "--db", str(warehouse)])
    assert res.exit_code == 2 and "--excel is for --format csv" in res.output


def test_exporting_an_empty_warehouse_says_so(runner, tmp_path):
    db = tmp_path / "tom.duckdb"
    Warehouse(db).close()
    for fmt in ("xlsx", "csv", "parquet"):
        res = runner.invoke(main, ["export", "--format", fmt, "--out", str(tmp_path / "ut"), "--db", str(db)])
        assert res.exit_code == 1 and "holds no documents yet" in res.output and res.output.count("\n") == 1
    res = runner.invoke(main, ["export", "--format", "xlsx", "--out", str(tmp_path / "ut"),
                               "--db", str(tmp_path / "saknas" / "x.duckdb")])
    assert res.exit_code == 1 and res.output.startswith("Error: No warehouse at") and res.output.count("\n") == 1
