"""Excel/CSV import of villages, households and residents into one commune.

The flow: `job_create` stores the upload; `job_check` reads every row and lists every problem (row,
column, value, reason in Vietnamese) without writing anything to the registry; the user then confirms
with a mode — the whole file only if it has no errors, or only the valid rows — and `job_write`
applies it. Matching keys make a re-import idempotent: villages by name as people write them
(`places.naming`: case, accents, leading zeros and kind words set aside; two possible villages ask),
households by their code in the commune (the number of the commune's own household book), residents
by CCCD, else by household + folded name + birth year.

Decisions (see also docs/architecture.md):

- **Reading**: .xlsx with python-calamine (Rust; about ten times openpyxl's read-only speed), .csv
  with the csv module after guessing its encoding. openpyxl only writes (templates, refused rows).
- **Formula cells are refused.** python-calamine reads a formula's cached result, so the sheet's XML is
  also scanned (streamed; parsed only when it holds any) for formula and error cells: a formula reads
  as its formula ("=A2&B2") and is reported: "paste as values". Cached results may be stale or absent
  (files written by scripts or LibreOffice without recalculation) and a lookup into another file can be
  silently wrong; the officer's copy-paste-values is explicit. CSV text starting with "=" is refused too.
  Error cells (#N/A) are reported as such.
- **Her own layout**: headers are recognised after folding case, diacritics and punctuation, from the
  template's and the common spellings of commune lists (`columns.py`); when a required column is not
  recognised the officer maps her columns (`ImportStatus.MAPPING`), and the mapping is remembered for
  the commune and those headers (`ImportColumnMapping`). "Quan hệ với chủ hộ" stands for "Là chủ hộ".
- **The template's example row is never data**: it starts with "Ví dụ:" (older templates: the full
  layout holding every example value) and is skipped with a note.
- **Refused rows come back as a file** (`refused.py`): her header row and refused rows as she wrote
  them, plus a column of reasons, which is ignored when the file is imported again.
- **Merged cells are refused** where they cover more than one cell of the columns we read (a "Mã hộ"
  merged over a household's rows): every row of the range is reported, because after unmerging only
  the first row would hold the value. Merges above the header (titles) are ignored.
- **An empty cell never erases** what the registry holds: when a row matches an existing record, only
  the columns the file gives (present and not empty) are compared and updated. "Không" is a value; an
  empty cell is "not given". A stored CCCD in particular is never blanked by an import.
- **Rows**: a row whose required cells are all empty is skipped (one note says how many had other
  cells filled); a partially filled row is an error. Reading stops after 1,000 empty rows in a row.
- **Audit**: one IMPORT entry per job with its counts, plus one CREATE/UPDATE entry per record written
  (bulk inserted, pointing at the job and the row; updates list what changed, sensitive values
  redacted), so a person's trail shows the import. Per-field snapshots of created rows are not copied
  into the trail: the record itself and the kept upload (sha256 in the IMPORT entry) hold them.
- **Writing**: all-or-nothing in one transaction; valid-rows-only in chunks of 5,000, each chunk in
  its own transaction together with the job's progress, so a re-run after a crash resumes after the
  last committed chunk and never writes a chunk twice.

The package follows the stages: `reading` (the file's format and rows), `columns` (each kind's
fields and header spellings), `mapping` (header row → fields, the data rows, handed over one at a
time), `layouts` (remembered mappings), `checking` (the dry run), `changes` (what a file changes in
records already in the registry, shared by the dry run and the writer), `writing` (bulk writes and
their audit), `jobs` (the job's life), `store` (the dry run's files kept beside the upload), `refused`
(the refused-rows file) and `templates`. The devices inventory import (langso.devices.imports) uses
the same reader, mapping and refused-rows file.
"""

from langso.registry.imports.checking import (
    CHECKERS,
    CheckedRow,
    CheckResult,
    check_file,
    check_households,
    check_residents,
    check_villages,
)
from langso.registry.imports.columns import COLUMNS, Column
from langso.registry.imports.jobs import (
    MAX_RECOVERIES,
    MAX_STORED_PROBLEMS,
    RUNNING,
    STALE_MINUTES,
    job_cancel,
    job_check,
    job_confirm,
    job_create,
    job_is_stale,
    job_map_columns,
    job_recover,
    job_waiting_for_worker,
    job_write,
    purge_files,
)
from langso.registry.imports.mapping import (
    MappingNeeded,
    Table,
    field_choices,
    header_signature,
    layout_rows,
    max_rows,
    parse_table,
)
from langso.registry.imports.reading import FileRefused, Problem, open_source, read_table, sniff_format
from langso.registry.imports.refused import reason_lines, refused_rows_xlsx
from langso.registry.imports.store import job_refused_file
from langso.registry.imports.templates import template_name, template_xlsx
from langso.registry.imports.writing import WRITERS, WriteCounts

__all__ = [
    "CHECKERS",
    "COLUMNS",
    "MAX_RECOVERIES",
    "MAX_STORED_PROBLEMS",
    "RUNNING",
    "STALE_MINUTES",
    "WRITERS",
    "CheckResult",
    "CheckedRow",
    "Column",
    "FileRefused",
    "MappingNeeded",
    "Problem",
    "Table",
    "WriteCounts",
    "check_file",
    "check_households",
    "check_residents",
    "check_villages",
    "job_cancel",
    "job_check",
    "job_confirm",
    "job_create",
    "job_is_stale",
    "job_map_columns",
    "job_refused_file",
    "job_waiting_for_worker",
    "job_recover",
    "job_write",
    "field_choices",
    "header_signature",
    "layout_rows",
    "max_rows",
    "open_source",
    "reason_lines",
    "refused_rows_xlsx",
    "parse_table",
    "purge_files",
    "read_table",
    "sniff_format",
    "template_name",
    "template_xlsx",
]
