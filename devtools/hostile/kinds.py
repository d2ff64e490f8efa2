"""Every kind the red-team run tries: its files, how it is judged, and which part of minutes holds it.

`ours=False` marks kinds other parts of minutes hold (the web site, `minutes sql`, exports,
the terminal, the text reader, the rules); `--list` shows the part. `make redteam` fails when
any kind does not survive.
"""
from __future__ import annotations

from .checks import (Kind, check_attendee_dup, check_file, check_good_files, check_import_exit,
                     check_lying_pagecount_pdf, check_nonutf8_name, check_outside_link, check_peak_memory, check_rerun,
                     check_symlink_loop, check_unreadable_file, check_utf16_txt, check_wall_time)
from .inputs import (make_attendee_dup, make_binary_txt, make_corrupt_pdf, make_devzero_link, make_docx_gridspan,
                     make_docx_nested_tables, make_docx_not_zip, make_empty_file, make_encrypted_pdf, make_fifo,
                     make_huge_page_pdf, make_image_as_pdf, make_lying_pagecount_pdf, make_nonutf8_name,
                     make_outside_link, make_redos_ansvarig, make_redos_ger_10k, make_redos_ger_100k,
                     make_redos_tar_med_sig, make_redos_uppdras, make_symlink_loop, make_truncated_pdf,
                     make_unreadable_file, make_utf16_txt, make_zip_bzip2_bomb, make_zip_lying_size)
from .others import (check_export_formula_csv, check_export_formula_xlsx, check_export_xlsx_control_chars,
                     check_export_xlsx_empty, check_missing_db_folder, check_sql_copy_refused, check_sql_memory_limit,
                     check_sql_read_text_refused, check_sql_time_limit, check_term_escapes, check_web_bad_host,
                     check_web_bad_params, check_web_fil_changed, check_web_fil_html_svg, check_web_security_headers,
                     check_web_slow_request)
from .runs import check_concurrent_imports, check_crash_persons, check_missing_db_folder_import, check_worker_killed

KINDS: dict[str, Kind] = {k.name: k for k in [
    # the hostile files of the security review
    Kind("nonutf8_name", "file", "file name b'm\\xf6te.txt' (not UTF-8) with valid minutes", make_nonutf8_name,
      check_nonutf8_name, accept=("imported", "failed")),
    Kind("redos_ger_10k", "file", "10 KB of 'ger Anna Svensson i uppdrag att ' without a full stop",
      make_redos_ger_10k, accept=("imported", "failed"), need_limit=True, budget_s=20, heavy=True),
    Kind("redos_ger_100k", "file", "100 KB of 'ger Anna Svensson i uppdrag att '", make_redos_ger_100k,
      accept=("imported", "failed"), need_limit=True, budget_s=20, heavy=True),
    Kind("redos_tar_med_sig", "file", "100 KB of 'tar med sig frågan '", make_redos_tar_med_sig,
      accept=("imported", "failed"), need_limit=True, budget_s=20, heavy=True),
    Kind("redos_uppdras", "file", "100 KB of 'uppdras att '", make_redos_uppdras,
      accept=("imported", "failed"), need_limit=True, budget_s=20, heavy=True),
    Kind("redos_ansvarig", "file", "100 KB of 'Ansvarig: '", make_redos_ansvarig,
      accept=("imported", "failed"), need_limit=True, budget_s=20, heavy=True),
    Kind("huge_page_pdf", "file", "one 200x200 inch page with an image, rendered for OCR", make_huge_page_pdf,
      need_limit=True, heavy=True),
    Kind("fifo", "file", "a FIFO named x.txt", make_fifo, need_limit=False, budget_s=10),
    Kind("devzero_link", "file", "x2.txt -> /dev/zero", make_devzero_link, need_limit=False, budget_s=10),
    Kind("outside_link", "file", "secret.txt -> a mode-600 file outside the folder", make_outside_link,
      check_outside_link, accept=("failed", "absent")),
    Kind("zip_lying_size", "file", "2 MB .docx, member claims 4 kB, deflates to 2.1 GB", make_zip_lying_size,
      need_limit=True, heavy=True),
    Kind("zip_bzip2_bomb", "file", "few-kB .docx, bzip2 member claims 4 kB, unpacks to 4 GB", make_zip_bzip2_bomb,
      need_limit=True, heavy=True),
    Kind("docx_gridspan", "file", ".docx table cell gridSpan=20000000", make_docx_gridspan, need_limit=True,
      heavy=True),
    Kind("docx_nested_tables", "file", ".docx with tables nested 60 deep", make_docx_nested_tables,
      need_limit=True, heavy=True),
    Kind("attendee_dup", "file", "two .txt minutes, Anna Berg both 'ordförande' and 'Sekreterare'",
      make_attendee_dup, check_attendee_dup, accept=("imported",), ours=False),  # the rules
    Kind("utf16_txt", "file", "UTF-16 .txt with BOM", make_utf16_txt, check_utf16_txt, accept=("imported",),
      ours=False),  # the text reader
    Kind("lying_pagecount_pdf", "file", "one-page PDF whose page tree claims 1,000,000 pages",
      make_lying_pagecount_pdf, check_lying_pagecount_pdf, accept=("imported", "failed"), budget_s=30),
    # already holding
    Kind("empty_file", "file", "0-byte .txt", make_empty_file),
    Kind("truncated_pdf", "file", "PDF cut in half", make_truncated_pdf),
    Kind("corrupt_pdf", "file", "%PDF- header then random bytes", make_corrupt_pdf),
    Kind("encrypted_pdf", "file", "password-protected PDF", make_encrypted_pdf),
    Kind("docx_not_zip", "file", ".docx holding plain text", make_docx_not_zip),
    Kind("image_as_pdf", "file", "PNG renamed .pdf", make_image_as_pdf),
    Kind("symlink_loop", "file", "folder link back to its parent, a link to itself", make_symlink_loop,
      check_symlink_loop),
    Kind("unreadable_file", "file", "chmod 000 file", make_unreadable_file, check_unreadable_file),
    Kind("binary_txt", "file", "random bytes named .txt", make_binary_txt),
    # the import run as a whole
    Kind("import_exit", "run", "the import ends by itself, exit 0/1, no traceback", None, check_import_exit),
    Kind("good_files", "run", "every good file stored once", None, check_good_files),
    Kind("rerun", "run", "a second import changes nothing and does not retry failed files", None, check_rerun),
    Kind("peak_memory", "run", "the import's processes stay under --peak-mb together", None, check_peak_memory),
    Kind("wall_time", "run", "the import ends within --import-wall seconds", None, check_wall_time),
    # separate runs
    Kind("concurrent_imports", "separate", "two imports at once, one through a symlink to the warehouse", None,
      check_concurrent_imports),
    Kind("worker_killed", "separate", "a worker SIGKILLed over --oom-kill-mb (OOM killer) with -j 2", None,
      check_worker_killed, heavy=True),
    Kind("crash_persons", "separate", "kill -9 after the last batch; persons after a re-run", None,
      check_crash_persons),
    Kind("missing_db_folder_import", "separate", "import --db /missing/folder/x.duckdb: one sentence", None,
      check_missing_db_folder_import),
    # web, sql, export, terminal (a small warehouse of good + special documents)
    Kind("web_fil_changed", "aux", "/fil/<id> after the file's bytes changed / became a symlink", None,
      check_web_fil_changed, ours=False),
    Kind("web_fil_html_svg", "aux", "/fil/<id> of an imported .svg/.html is an attachment", None,
      check_web_fil_html_svg, ours=False),
    Kind("web_bad_params", "aux", "year=², 99999, -1 ...: never 5xx", None, check_web_bad_params, ours=False),
    Kind("web_security_headers", "aux", "CSP, nosniff, frame-ancestors", None, check_web_security_headers, ours=False),
    Kind("web_bad_host", "aux", "a foreign Host header is refused", None, check_web_bad_host, ours=False),
    Kind("web_slow_request", "aux", "a slow search does not stall a CSS request", None, check_web_slow_request, ours=False),
    Kind("sql_time_limit", "aux", "minutes sql: 1e12-row count stops at a time limit", None, check_sql_time_limit, ours=False),
    Kind("sql_memory_limit", "aux", "minutes sql: 20 GB string_agg stops at a memory limit", None,
      check_sql_memory_limit, heavy=True, ours=False),
    Kind("sql_copy_refused", "aux", "minutes sql: COPY ... TO refused", None, check_sql_copy_refused, ours=False),
    Kind("sql_read_text_refused", "aux", "minutes sql: read_text('/etc/passwd') refused", None,
      check_sql_read_text_refused, ours=False),
    Kind("export_formula_xlsx", "aux", "'=HYPERLINK(...)' task is text in the xlsx export", None,
      check_export_formula_xlsx, ours=False),
    Kind("export_formula_csv", "aux", "'=...' task escaped in CSV exports", None, check_export_formula_csv, ours=False),
    Kind("term_escapes", "aux", "ESC[31m / ESC]0;title BEL never reach the terminal", None, check_term_escapes, ours=False),
    Kind("export_xlsx_control_chars", "aux", "export --format xlsx with ESC/BEL in a document's text", None,
      check_export_xlsx_control_chars, ours=False),
    Kind("export_xlsx_empty", "aux", "export --format xlsx of an empty warehouse: one sentence", None,
      check_export_xlsx_empty, ours=False),
    Kind("missing_db_folder", "aux", "sql, export, search with --db /missing/folder/x.duckdb: one sentence", None, check_missing_db_folder, ours=False),
]}

for _kind in KINDS.values():  # the file kinds without a check of their own get the generic one
    if _kind.group == "file" and _kind.check is None:
        _kind.check = check_file
