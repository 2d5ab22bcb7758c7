"""Every user-facing string, Bahasa Indonesia first and English second.

Modules refer to messages by key and render them with :func:`t`, so switching language
changes every label, legend, message and export at once.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("id", "en")
DEFAULT_LANG = "id"

# key -> (Bahasa Indonesia, English). Placeholders use str.format names.
MESSAGES: dict[str, tuple[str, str]] = {
    # --- app & pages --------------------------------------------------------------------
    "app.title": ("Peta Cakupan Jamsostek Kalbar", "Kalbar Employment Social Security Coverage Map"),
    "app.subtitle": (
        "Cakupan BPJS Ketenagakerjaan per wilayah di Kalimantan Barat",
        "BPJS Ketenagakerjaan coverage by area in West Kalimantan",
    ),
    "sample.banner": ("Data contoh, bukan data resmi", "Data contoh, bukan data resmi (sample data, not official)"),
    "sample.explain": (
        "Angka per wilayah bersifat ilustratif; angka provinsi "
        "sesuai paparan monev 2024 (35,35% terhadap target 50,24%).",
        "Per-area figures are illustrative; province figures match "
        "the 2024 monitoring report (35.35% against a 50.24% target).",
    ),
    "nav.ringkasan": ("Ringkasan", "Summary"),
    "nav.kabupaten": ("Kabupaten/Kota", "Regencies/Cities"),
    "nav.desa": ("Desa/Kelurahan", "Villages"),
    "level.kabupaten": ("Kabupaten/Kota", "Regency/City"),
    "level.kecamatan": ("Kecamatan", "District"),
    "level.desa": ("Desa/Kelurahan", "Village"),
    "level.provinsi": ("Provinsi Kalimantan Barat", "West Kalimantan Province"),
    "jenis.kabupaten": ("Kabupaten", "Regency"),
    "jenis.kota": ("Kota", "City"),
    "jenis.kecamatan": ("Kecamatan", "District"),
    "jenis.desa": ("Desa", "Village"),
    "jenis.kelurahan": ("Kelurahan", "Urban village"),
    "control.target": ("Target cakupan (%)", "Coverage target (%)"),
    "control.target_help": (
        "Target global (RPJMN 2024: 50,24%). Baris dengan target sendiri tetap memakai targetnya.",
        "Global target (RPJMN 2024: 50.24%). Rows with their own target keep it.",
    ),
    "control.upload": ("Unggah tabel cakupan (CSV/XLSX)", "Upload a coverage table (CSV/XLSX)"),
    "control.upload_help": (
        "Kolom: kode atau nama wilayah, periode, tenaga_kerja, "
        "peserta_aktif; opsional target_persen, penerima_bantuan_iuran.",
        "Columns: kode or area names, periode, tenaga_kerja, "
        "peserta_aktif; optional target_persen, penerima_bantuan_iuran.",
    ),
    "control.kabupaten": ("Kabupaten/Kota", "Regency/City"),
    "control.all_province": ("Seluruh provinsi", "Whole province"),
    "control.period": ("Periode", "Period"),
    "control.language": ("Bahasa", "Language"),
    "control.basemap": ("Peta dasar", "Basemap"),
    "basemap.none": ("Tanpa peta dasar", "No basemap"),
    "basemap.osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap.light": ("Terang (CARTO)", "Light (CARTO)"),
    "control.latest": ("terbaru", "latest"),
    "control.data": ("Data cakupan", "Coverage data"),
    "control.upload_level": ("Tingkat tabel unggahan", "Level of the uploaded table"),
    "control.use_sample": ("Kembali ke data contoh", "Back to the sample data"),
    "control.below_only": ("Hanya di bawah target", "Below target only"),
    "control.search": ("Cari desa/kecamatan", "Search village/district"),
    "control.map_level": ("Tingkat peta", "Map level"),
    "control.kecamatan": ("Kecamatan", "District"),
    "control.all_kecamatan": ("Semua kecamatan", "All districts"),
    "control.color": ("Warna peta", "Map colouring"),
    "color.coverage": ("Cakupan (%)", "Coverage (%)"),
    "color.change": ("Perubahan sejak periode sebelumnya", "Change since previous period"),
    "control.present": ("Mode presentasi", "Presentation mode"),
    "breadcrumb.province": ("Provinsi", "Province"),
    "download.map": ("Unduh peta (HTML, bisa dibuka tanpa internet)", "Download the map (HTML, opens offline)"),
    "download.note": (
        "Sumber batas: Kemendagri via cahyadsn/wilayah_boundaries",
        "Boundaries: Kemendagri via cahyadsn/wilayah_boundaries",
    ),
    "priority.title": (
        "Prioritas: {n} wilayah dengan kekurangan terbesar",
        "Priorities: the {n} areas with the largest gap",
    ),
    "priority.share": (
        "memegang {share} dari total kekurangan pilihan ini",
        "hold {share} of this selection's total gap",
    ),
    "search.none": ('Tidak ada wilayah yang cocok dengan "{q}".', 'No area matches "{q}".'),
    "search.found": ('{n} wilayah cocok dengan "{q}".', '{n} areas match "{q}".'),
    "col.row": ("Baris", "Row"),
    "col.column": ("Kolom", "Column"),
    "col.problem": ("Masalah", "Problem"),
    "map.source_line": (
        "Batas: Kemendagri 2022 (cahyadsn/wilayah_boundaries)",
        "Boundaries: Kemendagri 2022 (cahyadsn/wilayah_boundaries)",
    ),
    "page.kabupaten_title": ("Cakupan per kabupaten/kota", "Coverage by regency/city"),
    "page.desa_title": ("Cakupan per wilayah", "Coverage by area"),
    "page.summary_title": ("Ringkasan provinsi", "Province summary"),
    "using.sample": ("Memakai tabel contoh", "Using the sample table"),
    "using.upload": ("Memakai tabel unggahan: {name}", "Using the uploaded table: {name}"),
    "template.download": ("Unduh templat {level} (CSV)", "Download the {level} template (CSV)"),
    # --- figures ------------------------------------------------------------------------
    "metric.coverage": ("Cakupan provinsi", "Province coverage"),
    "metric.coverage_of": ("Cakupan", "Coverage"),
    "metric.target": ("Target", "Target"),
    "metric.vs_target": ("{diff} terhadap target", "{diff} against target"),
    "metric.below_count": ("{level} di bawah target", "{level} below target"),
    "metric.below_value": ("{n} dari {total}", "{n} of {total}"),
    "metric.gap": ("Perlu didaftarkan (orang)", "To enrol (people)"),
    "metric.gap_help": (
        "Jumlah orang yang harus didaftarkan agar setiap wilayah di bawah target mencapai targetnya: jumlah "
        "kekurangan tiap wilayah, seperti baris biaya. Angka gabungan (wilayah di atas target menutupi yang lain) "
        "disebut terpisah di baris biaya.",
        "People to enrol so that every area below target reaches its target: the sum of each area's gap, as the "
        "cost line counts it. The pooled figure (areas above target making up for others) is named apart in the "
        "cost line.",
    ),
    "metric.bantuan": ("Penerima bantuan iuran", "Contribution-assistance recipients"),
    "metric.peserta": ("Peserta aktif", "Active participants"),
    "metric.tenaga_kerja": ("Tenaga kerja", "Workers"),
    # --- table columns ------------------------------------------------------------------
    "col.kode": ("Kode", "Code"),
    "col.nama": ("Wilayah", "Area"),
    "col.parent": ("Induk", "Parent"),
    "col.kabupaten": ("Kabupaten/Kota", "Regency/City"),
    "col.kecamatan": ("Kecamatan", "District"),
    "col.periode": ("Periode", "Period"),
    "col.tenaga_kerja": ("Tenaga kerja", "Workers"),
    "col.peserta_aktif": ("Peserta aktif", "Active participants"),
    "col.cakupan": ("Cakupan (%)", "Coverage (%)"),
    "col.target": ("Target (%)", "Target (%)"),
    "col.gap": ("Kekurangan (orang)", "Gap (people)"),
    "col.status": ("Status", "Status"),
    "col.bantuan": ("Penerima bantuan iuran", "Assistance recipients"),
    "col.rank": ("Peringkat kekurangan", "Gap rank"),
    "col.total": ("Total pilihan", "Selection total"),
    "col.change": ("Perubahan (pp)", "Change (pp)"),
    "status.below": ("Di bawah target", "Below target"),
    "status.at_or_above": ("Mencapai target", "At or above target"),
    "status.no_data": ("Tidak dilaporkan", "Not reported"),
    # --- map ----------------------------------------------------------------------------
    "map.legend_title": ("Cakupan (%)", "Coverage (%)"),
    "map.legend_below": ("Di bawah target ({target})", "Below target ({target})"),
    "map.legend_below_own": ("Di bawah target wilayahnya", "Below its own target"),
    "map.legend_no_data": ("Tidak dilaporkan", "Not reported"),
    "map.tooltip_coverage": ("Cakupan", "Coverage"),
    "map.tooltip_target": ("Target", "Target"),
    "map.tooltip_gap": ("Kekurangan", "Gap"),
    "map.tooltip_people": ("orang", "people"),
    "map.click_hint": ("Klik wilayah untuk melihat rinciannya.", "Click an area to drill down."),
    "map.title": ("Cakupan Jamsostek {area} — {level}, {period}", "Jamsostek coverage {area} — {level}, {period}"),
    # --- join report --------------------------------------------------------------------
    "join.title": ("Laporan pencocokan", "Join report"),
    "join.summary": (
        "{rows} baris: {matched} cocok, {unmatched} tidak cocok, "
        "{ambiguous} ambigu, {invalid} tidak valid, {duplicate} duplikat.",
        "{rows} rows: {matched} matched, {unmatched} unmatched, "
        "{ambiguous} ambiguous, {invalid} invalid, {duplicate} duplicate.",
    ),
    "join.no_data_areas": ("{n} wilayah tanpa data", "{n} areas without data"),
    "join.status.matched": ("cocok", "matched"),
    "join.status.unmatched": ("tidak cocok", "unmatched"),
    "join.status.ambiguous": ("ambigu", "ambiguous"),
    "join.status.invalid": ("tidak valid", "invalid"),
    "join.status.duplicate": ("duplikat", "duplicate"),
    # --- errors -------------------------------------------------------------------------
    "error.cache_missing": (
        "Data batas wilayah belum disiapkan. Jalankan perintah penyiapan di README.",
        "Boundary data has not been prepared. Run the set-up command from the README.",
    ),
    "error.table_unreadable": ("Berkas tidak dapat dibaca: {detail}", "The file could not be read: {detail}"),
    "error.upload_rejected": (
        'Tabel unggahan "{name}" tidak dapat dipakai: {detail} Peta kembali memakai data contoh.',
        'The uploaded table "{name}" cannot be used: {detail} The map is back on the sample data.',
    ),
    # --- shared links --------------------------------------------------------------------
    "url.invalid": (
        "Parameter tautan tidak dikenal: {param}={value}; diabaikan.",
        "Unrecognised link parameter: {param}={value}; ignored.",
    ),
    "url.unknown_area": (
        "Kode wilayah di tautan tidak ditemukan: {param}={value}; menampilkan tampilan bawaan.",
        "Area code in the link not found: {param}={value}; showing the default view.",
    ),
    "url.unknown_period": (
        "Periode di tautan tidak ada di tabel: {value}; memakai periode terbaru.",
        "Period in the link is not in the table: {value}; using the latest period.",
    ),
    "url.bad_target": (
        "Target di tautan harus angka 0–100: {value}; memakai target bawaan.",
        "Target in the link must be a number from 0 to 100: {value}; using the default target.",
    ),
    "share.label": ("Bagikan tautan", "Share link"),
    "share.help": (
        "Salin alamat ini: membuka tampilan yang sama persis.",
        "Copy this address: it opens exactly this view.",
    ),
    "share.caption": ("Tautan tampilan ini", "Link to this view"),
    # --- change colouring & presentation & static exports (ui) -----------------------------
    "color.change_legend": ("Perubahan cakupan (pp)", "Coverage change (pp)"),
    "color.change_unavailable": (
        "Pewarnaan perubahan butuh tabel dengan dua periode atau lebih.",
        "Change colouring needs a table with two or more periods.",
    ),
    "control.search_placeholder": ("mis. Sungai Raya / Sei Raya", "e.g. Sungai Raya / Sei Raya"),
    "present.exit": ("Keluar presentasi", "Exit presentation"),
    "present.title": ("Cakupan Jamsostek {area}", "Jamsostek coverage {area}"),
    "present.subtitle": ("{level} · periode {period} · target {target}", "{level} · period {period} · target {target}"),
    "present.top5": ("Lima wilayah terjauh di bawah target", "Five areas furthest below target"),
    "present.none_below": ("Tidak ada wilayah di bawah target.", "No area is below target."),
    "present.coverage": ("Cakupan", "Coverage"),
    "present.below": ("{level} di bawah target", "{level} below target"),
    "present.gap": ("Orang belum terdaftar", "People still to enrol"),
    "present.bantuan": ("Penerima bantuan iuran", "Assistance recipients"),
    "present.vs": ("target {target}", "target {target}"),
    "download.png": ("Unduh gambar (PNG 1920×1080)", "Download picture (PNG 1920×1080)"),
    "download.pdf": ("Unduh PDF", "Download PDF"),
    "download.table": ("Unduh tabel", "Download the table"),
    # --- table validation (geo/table.py) --- keys "table.*" --------------------------------
    "table.empty_file": ("Berkas kosong.", "The file is empty."),
    "table.not_text": (
        "Berkas ini bukan tabel CSV atau XLSX (isinya tidak terbaca sebagai teks). Simpan tabel sebagai CSV atau XLSX.",
        "This file is not a CSV or XLSX table (its content is not text). Save the table as CSV or XLSX.",
    ),
    "table.format_pdf": (
        "Berkas ini PDF, bukan tabel. Simpan tabelnya sebagai CSV atau XLSX.",
        "This file is a PDF, not a table. Save the table as CSV or XLSX.",
    ),
    "table.format_xls": (
        "Format Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau CSV.",
        "The old Excel format (.xls) is not supported; save it as .xlsx or CSV.",
    ),
    "table.no_sheet": (
        "Lembar {sheet} tidak ada; lembar yang ada: {sheets}.",
        "Sheet {sheet} does not exist; sheets: {sheets}.",
    ),
    "table.sheet_used": ('Memakai lembar "{sheet}".', 'Using sheet "{sheet}".'),
    "table.encoding": (
        "Berkas dibaca dengan pengodean {encoding} (bukan UTF-8).",
        "The file was read as {encoding} (not UTF-8).",
    ),
    "table.no_header": (
        "Baris judul kolom tidak ditemukan. Diperlukan kolom seperti kode (atau "
        "kabupaten/kecamatan/desa), tenaga_kerja dan peserta_aktif. Baris pertama berisi: {first}",
        "No header row found. Columns such as kode (or kabupaten/kecamatan/desa), "
        "tenaga_kerja and peserta_aktif are needed. The first row holds: {first}",
    ),
    "table.missing_columns": (
        "Kolom wajib tidak ada: {missing}. Kolom yang ditemukan: {found}.",
        "Required column(s) missing: {missing}. Columns found: {found}.",
    ),
    "table.no_rows": (
        "Tidak ada baris data di bawah judul kolom (baris {header}).",
        "There are no data rows below the header (row {header}).",
    ),
    "table.header_row": (
        "Judul kolom ada di baris {row}; baris di atasnya dilewati.",
        "The header is on row {row}; the rows above it were skipped.",
    ),
    "table.header_merged": (
        "Judul kolom dibaca dari {n} baris (sel gabungan, baris {first}–{last}): {columns}.",
        "Header read from {n} rows (merged cells, rows {first}–{last}): {columns}.",
    ),
    "table.header_rows": (
        "Judul kolom dibaca dari {n} baris (judul kelompok di atas sub-judul, baris {first}–{last}): {columns}.",
        "Header read from {n} rows (a group label over sub-labels, rows {first}–{last}): {columns}.",
    ),
    "table.total_uncomputed": (
        "Baris jumlah: angkanya rumus tanpa nilai tersimpan (berkas belum dihitung di Excel); dicatat sebagai "
        "baris jumlah, tidak dipakai.",
        "Totals row: its figures are formulas with no stored value (the file was never recalculated in Excel); "
        "noted as a totals row, not used.",
    ),
    "table.extra_columns": ("Kolom tambahan tidak dipakai: {columns}.", "Extra columns not used: {columns}."),
    "table.duplicate_column": (
        "Kolom {column} berarti sama dengan kolom {used}; yang dipakai: {used}.",
        "Column {column} means the same as column {used}; {used} is used.",
    ),
    "table.period_default": (
        "Tidak ada kolom periode: semua baris dianggap satu periode.",
        "No period column: all rows are taken as one period.",
    ),
    "table.empty_row": ("Baris kosong dilewati.", "Empty row skipped."),
    "table.row_no_data": (
        "Baris tanpa isi di kolom yang dikenali (hanya di kolom tambahan) dilewati.",
        "Row with nothing in the recognised columns (only in extra columns) skipped.",
    ),
    "table.period_empty": ("Periode kosong.", "The period is empty."),
    "table.period_invalid": (
        '"{value}" bukan periode: tulis tahun (2024) atau bulan (2024-06, Juni 2024, 06/2024).',
        '"{value}" is not a period: write a year (2024) or a month (2024-06, June 2024, 06/2024).',
    ),
    "table.period_day": (
        "{count} tanggal di kolom periode dibaca sebagai bulannya (baris {rows}).",
        "{count} dates in the period column were read as their month (rows {rows}).",
    ),
    "table.not_a_number": ('"{value}" bukan angka.', '"{value}" is not a number.'),
    "table.required_empty": ("Kolom {column} wajib diisi.", "Column {column} must be filled in."),
    "table.negative": ("Nilai tidak boleh negatif: {value}.", "The value cannot be negative: {value}."),
    "table.fractional": (
        "Jumlah orang harus bilangan bulat: {value}.",
        "A number of people must be a whole number: {value}.",
    ),
    "table.target_range": (
        "Target harus antara 0 dan 100 (%): {value}.",
        "The target must be between 0 and 100 (%): {value}.",
    ),
    "table.peserta_exceeds": (
        "Peserta aktif ({peserta}) lebih banyak dari tenaga kerja ({tenaga_kerja}).",
        "Active participants ({peserta}) exceed workers ({tenaga_kerja}).",
    ),
    "table.zero_workers": (
        "Tenaga kerja 0: cakupan tidak dapat dihitung.",
        "Workers is 0: coverage cannot be computed.",
    ),
    "table.bantuan_exceeds": (
        "Penerima bantuan iuran ({bantuan}) lebih banyak dari peserta aktif ({peserta}).",
        "Contribution-assistance recipients ({bantuan}) exceed active participants ({peserta}).",
    ),
    "table.no_area": ("Baris tanpa kode maupun nama wilayah.", "The row has neither an area code nor an area name."),
    "table.duplicate": (
        "Wilayah dan periode yang sama sudah ada di baris {first}; baris ini tidak dipakai.",
        "The same area and period is already on row {first}; this row is not used.",
    ),
    "table.duplicate_first": (
        "Wilayah dan periode yang sama muncul lagi di baris {other}; baris ini yang dipakai.",
        "The same area and period appears again on row {other}; this row is the one used.",
    ),
    "table.target_fraction": (
        "Semua target ≤ 1: apakah ditulis sebagai pecahan (0,5) dan bukan persen (50)?",
        "Every target is ≤ 1: were they written as fractions (0.5) rather than percentages (50)?",
    ),
    # --- join reasons (geo/join.py) --- keys "join.reason.*" -------------------------------
    "join.reason.by_code": ("cocok lewat kode", "matched by code"),
    "join.reason.by_name": ("cocok lewat nama", "matched by name"),
    "join.reason.former_name": (
        'cocok lewat nama lama "{former}" (sekarang {name})',
        'matched through the former name "{former}" (now {name})',
    ),
    "join.reason.code_name_differs": (
        'cocok lewat kode; nama di tabel "{given}" berbeda dengan nama resmi {name}',
        'matched by code; the name in the table "{given}" differs from the official name {name}',
    ),
    "join.reason.name_after_bad_code": (
        "{problem}; dicocokkan lewat nama",
        "{problem}; matched by name instead",
    ),
    "join.reason.code_and_name": ("{problem}; {name_problem}", "{problem}; {name_problem}"),
    "join.reason.code_invalid": (
        '"{code}" bukan kode wilayah Kemendagri (contoh: 61.12, 6112, 61.12.01.2001)',
        '"{code}" is not a Kemendagri area code (e.g. 61.12, 6112, 61.12.01.2001)',
    ),
    "join.reason.code_bps": (
        "kode {code} tidak ada di daftar Kemendagri; tampaknya kode BPS, yang di bawah tingkat kabupaten "
        "berbeda dari kode Kemendagri. Pakai kode Kemendagri (mis. 61.12.01.2001) atau nama wilayah",
        "code {code} is not in the Kemendagri list; it looks like a BPS code, which differs from Kemendagri "
        "codes below kabupaten level. Use the Kemendagri code (e.g. 61.12.01.2001) or the area names",
    ),
    "join.reason.code_wrong_level": (
        "kode {code} adalah kode {code_level}, bukan kode {level}",
        "code {code} is a {code_level} code, not a {level} code",
    ),
    "join.reason.code_unknown": (
        "kode {code} tidak ada di daftar wilayah Kalimantan Barat (Kemendagri 2022)",
        "code {code} is not in the list of West Kalimantan areas (Kemendagri 2022)",
    ),
    "join.reason.total_row": (
        "baris jumlah/provinsi, bukan satu wilayah; tidak dipakai",
        "a total/province row, not one area; not used",
    ),
    "join.reason.parent_unknown": ('{parent_level} "{parent}" tidak ditemukan', '{parent_level} "{parent}" not found'),
    "join.reason.no_name": ("tidak ada kode maupun nama {level}", "neither a code nor a {level} name"),
    "join.reason.ambiguous": (
        '"{name}" bisa berarti beberapa wilayah: {candidates}. Tulis kodenya atau '
        'nama yang lebih lengkap (mis. dengan induknya, "Kota …"/"Kabupaten …")',
        '"{name}" could mean several areas: {candidates}. Give the code '
        'or a fuller name (e.g. with its parent, "Kota …"/"Kabupaten …")',
    ),
    "join.reason.ambiguous_former": (
        '"{name}" bisa berarti beberapa wilayah: {candidates} ({former} '
        "adalah nama lama {current}). Tulis kodenya atau nama lengkapnya",
        '"{name}" could mean several areas: {candidates} ({former} is '
        "the former name of {current}). Give the code or the full name",
    ),
    "join.reason.not_in_parent": (
        '"{name}" tidak ada di wilayah induk yang ditulis; nama itu ada di: {candidates}',
        '"{name}" is not in the parent area given; that name exists in: {candidates}',
    ),
    "join.reason.kind_mismatch": (
        '"{name}": jenis wilayah (kota/kabupaten) tidak cocok; yang ada: {candidates}',
        '"{name}": the kind of area (kota/kabupaten) does not match; there is: {candidates}',
    ),
    "join.reason.name_unknown": ('nama "{name}" tidak ditemukan', 'name "{name}" not found'),
    "join.reason.name_unknown_suggest": (
        'nama "{name}" tidak ditemukan; mungkin maksudnya: {candidates}',
        'name "{name}" not found; did you mean: {candidates}',
    ),
    "join.reason.duplicate": (
        "wilayah dan periode yang sama sudah diisi baris {first}; baris ini tidak dipakai",
        "the same area and period is already filled by row {first}; this row is not used",
    ),
    "join.reason.invalid": ("baris tidak valid: {problem}", "invalid row: {problem}"),
    # --- static render (geo/render.py) --- keys "render.*" ----------------------------------
    "render.title_no_period": ("Cakupan Jamsostek {area} — {level}", "Jamsostek coverage {area} — {level}"),
    "render.subtitle": (
        "Peserta aktif BPJS Ketenagakerjaan ÷ tenaga kerja · target {target}",
        "Active BPJS Ketenagakerjaan participants ÷ workers · target {target}",
    ),
    "render.source_boundaries": (
        "Batas wilayah: Kemendagri 2022, {repo} commit {commit}",
        "Boundaries: Kemendagri 2022, {repo} commit {commit}",
    ),
    "render.source_data": ("Data: {name}", "Data: {name}"),
    "render.source_sample": ("Data: tabel contoh {name} (ilustratif)", "Data: sample table {name} (illustrative)"),
    "render.north": ("U", "N"),
    "render.written": (
        "Peta ditulis: {path} ({size} KB, {seconds} dtk)",
        "Map written: {path} ({size} KB, {seconds} s)",
    ),
    "render.error_kab": (
        "Kode kabupaten/kota tidak dikenal: {kode}. Pilihan: {choices}",
        "Unknown kabupaten/kota code: {kode}. Choices: {choices}",
    ),
    "render.error_kab_level": (
        "--kab hanya berlaku untuk tingkat kecamatan dan desa.",
        "--kab applies to the kecamatan and desa levels only.",
    ),
    "render.error_no_file": ("Berkas tabel tidak ditemukan: {path}", "Table file not found: {path}"),
    "render.error_period": (
        "Periode {period} tidak ada di tabel; tersedia: {choices}",
        "Period {period} is not in the table; available: {choices}",
    ),
    "render.warn_no_rows": (
        "Peringatan: tidak ada baris tabel yang cocok dengan "
        "wilayah tingkat {level}; peta menampilkan 'tidak ada data'.",
        "Warning: no table row matches a {level}-level area; the map shows 'no data'.",
    ),
    "render.error_out_dir": ("Folder tujuan tidak ada: {path}", "Output folder does not exist: {path}"),
    "render.error_coarse_table": (
        "Tabel ini tingkat {table}; peta tingkat {level} butuh tabel tingkat yang sama atau lebih rinci.",
        "This table is at {table} level; a {level} map needs a table at that level or a finer one.",
    ),
}


# --- publishing, versions, stamp, trend (geo/store, ui/data) ---
# keys: store.*, publish.*, stamp.*, version.*, trend.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update(
    {
        "store.cli.unknown_user": (
            'pengguna "{name}" tidak dikenal (python -m geo users add {name} --role editor)',
            'unknown user "{name}" (python -m geo users add {name} --role editor)',
        ),
        "store.cli.inactive_user": ('pengguna "{name}" dinonaktifkan', 'user "{name}" is deactivated'),
        "store.cli.password_prompt": ("Kata sandi untuk {name}:", "Password for {name}:"),
        "store.cli.password_again": ("Ulangi kata sandi:", "Repeat the password:"),
        "store.cli.password_mismatch": ("kata sandi tidak sama", "the passwords differ"),
        "store.cli.password_short": ("kata sandi minimal 8 karakter", "the password needs at least 8 characters"),
        "store.cli.user_added": ("Pengguna {name} ditambahkan ({role}).", "User {name} added ({role})."),
        "store.cli.display_set": (
            "Nama tampilan {name} untuk pengunjung: {shown}",
            "Display name of {name} for visitors: {shown}",
        ),
        "store.cli.closest": ("wilayah terdekat", "closest areas"),
        "store.cli.refused": (
            "Tidak diterbitkan: ada baris tidak cocok, ambigu atau tidak "
            "valid. Perbaiki tabel, atau terbitkan dengan --accept-partial.",
            "Not published: some rows are unmatched, ambiguous or "
            "invalid. Fix the table, or publish with --accept-partial.",
        ),
        "store.cli.link": (
            "Tautan untuk dibagikan (membuka versi ini): {link}",
            "Link to share (opens this version): {link}",
        ),
        "store.cli.published": (
            "Versi {id} diterbitkan: {file}, {level}, periode {periods}, {matched} dari {rows} baris cocok.",
            "Version {id} published: {file}, {level}, period {periods}, {matched} of {rows} rows matched.",
        ),
        "store.cli.already": (
            "Berkas yang sama sudah diterbitkan sebagai versi {id}; tidak ada yang diubah.",
            "The same file is already published as version {id}; nothing changed.",
        ),
        "store.cli.retracted": ("(ditarik)", "(retracted)"),
        "store.cli.period_unreadable": (
            "Perlu diperiksa admin: versi {id} memuat periode yang bukan tahun atau bulan: {periods}.",
            "For an admin to check: version {id} holds periods that are not a year or a month: {periods}.",
        ),
        "store.cli.retracted_done": ("Versi {id} ditarik (tetap tersimpan).", "Version {id} retracted (still stored)."),
        "store.cli.restored_done": ("Versi {id} dipulihkan.", "Version {id} restored."),
        "store.cli.alias_removed": (
            "Alias {id} dihapus dari pemakaian (tetap di log audit).",
            "Alias {id} removed from use (kept in the audit log).",
        ),
        "stamp.line": (
            "Data per {period} · versi {id} · terbit {when} oleh {by}",
            "Data as of {period} · version {id} · published {when} by {by}",
        ),
        "stamp.pinned": ("versi tersemat lewat tautan", "version pinned by the link"),
        "version.unknown": (
            "Versi {v} tidak ada; yang ditampilkan data terbaru.",
            "Version {v} does not exist; showing the latest data.",
        ),
        "version.retracted": (
            "Versi {v} sudah ditarik; yang ditampilkan data terbaru.",
            "Version {v} has been retracted; showing the latest data.",
        ),
        "version.label": ("Versi data", "Data version"),
        "version.latest": ("Terbaru", "Latest"),
        "version.option": ("v{id} · {periods} · {level} · {when}", "v{id} · {periods} · {level} · {when}"),
        "store.unreachable": (
            "Basis data tidak tersedia: data terbit tidak dapat dibaca saat ini.",
            "Database unavailable: the published data cannot be read right now.",
        ),
        "publish.using": ("Memakai data terbit", "Using the published data"),
        "publish.use_published": ("Kembali ke data terbit", "Back to the published data"),
        "publish.preview": ("Pratinjau unggahan (belum terbit): {name}", "Upload preview (not published): {name}"),
        "publish.report_stored": (
            "Laporan pencocokan tersimpan bersama versi {id} ({file})",
            "Join report stored with version {id} ({file})",
        ),
        "store.reason.alias": (
            'cocok lewat alias tersimpan: "{name}" = {area}',
            'matched by a saved alias: "{name}" = {area}',
        ),
    }
)


# --- sign-in, roles, admin pages (ui/auth, screens/publish, screens/admin) ---
# keys: auth.*, admin.*, editor.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update(
    {
        # sign-in and roles
        "auth.title": ("Masuk", "Sign in"),
        "auth.nav.signin": ("Masuk / Sign in", "Sign in / Masuk"),
        "auth.nav.account": ("Akun / Keluar", "Account / Sign out"),
        "auth.nav.publish": ("Terbitkan data", "Publish data"),
        "auth.nav.admin": ("Admin", "Admin"),
        "auth.nav.section": ("Akun", "Account"),
        "auth.role.viewer": ("pembaca", "viewer"),
        "auth.role.editor": ("editor", "editor"),
        "auth.role.admin": ("admin", "admin"),
        "auth.name": ("Nama pengguna", "User name"),
        "auth.password": ("Kata sandi", "Password"),
        "auth.submit": ("Masuk", "Sign in"),
        "auth.missing": ("Isi nama pengguna dan kata sandi.", "Enter a user name and a password."),
        "auth.failed": (
            "Nama pengguna atau kata sandi salah, atau akun tidak aktif. Percobaan gagal dicatat dan diperlambat.",
            "Wrong user name or password, or the account is inactive. Failed attempts are logged and slowed down.",
        ),
        "auth.signed_in": ("Anda masuk sebagai {role}:", "You are signed in as {role}:"),
        "auth.sign_out": ("Keluar", "Sign out"),
        "auth.signout_confirm": (
            "Keluar dari Peta Cakupan Jamsostek Kalbar di peramban ini?",
            "Sign out of Peta Cakupan Jamsostek Kalbar in this browser?",
        ),
        "auth.viewer_note": (
            "Akun ini hanya dapat melihat data. Untuk menerbitkan data, "
            "minta admin menambahkan e-mail Anda ke daftar editor.",
            "This account can only view data. To publish, ask an admin to add your e-mail to the editor list.",
        ),
        "auth.oidc_button": ("Masuk dengan akun organisasi", "Sign in with the organisation account"),
        "auth.or_password": ("atau dengan akun bawaan aplikasi:", "or with a built-in account:"),
        "auth.required_note": (
            "Server ini hanya untuk pengguna yang masuk.",
            "This server is for signed-in users only.",
        ),
        "auth.refused_signin": (
            'Halaman ini hanya untuk {role} yang sudah masuk. Masuk lewat "Masuk / Sign in" di sidebar.',
            'This page is for signed-in {role}s only. Sign in through "Sign in / Masuk" in the sidebar.',
        ),
        "auth.store_down": (
            "Basis data tidak dapat dihubungi, jadi masuk tidak mungkin saat ini. Melihat peta tetap bisa.",
            "The database cannot be reached, so signing in is not possible right now. The maps still work.",
        ),
        "auth.refused_role": (
            "Akun Anda tidak berhak membuka halaman ini (perlu: {role}).",
            "Your account may not open this page (needs: {role}).",
        ),
        # the publishing page
        "editor.title": ("Terbitkan data cakupan", "Publish coverage data"),
        "editor.signed_in_as": ("Diterbitkan atas nama:", "Published as:"),
        "editor.tab_publish": ("Terbitkan", "Publish"),
        "editor.tab_versions": ("Riwayat versi", "Version history"),
        "editor.level": ("Tingkat tabel", "Table level"),
        "editor.upload": ("Tabel cakupan (CSV/XLSX)", "Coverage table (CSV/XLSX)"),
        "editor.unreadable": (
            "Berkas tidak dapat dibaca, tidak ada yang diterbitkan:",
            "The file cannot be read; nothing was published:",
        ),
        "editor.store_error": (
            "Basis data tidak dapat dipakai saat ini. Tidak ada yang diubah.",
            "The database cannot be used right now. Nothing was changed.",
        ),
        "editor.report_title": ("Laporan pencocokan", "Join report"),
        "editor.count.rows": ("Baris", "Rows"),
        "editor.count.matched": ("Cocok", "Matched"),
        "editor.count.unmatched": ("Tidak cocok", "Unmatched"),
        "editor.count.ambiguous": ("Ambigu", "Ambiguous"),
        "editor.count.invalid": ("Tidak valid", "Invalid"),
        "editor.count.duplicate": ("Duplikat", "Duplicate"),
        "editor.row_errors": ("Masalah per baris dan kolom:", "Problems by row and column:"),
        "editor.problem_rows": ("Baris yang tidak ikut diterbitkan:", "Rows that will not be published:"),
        "editor.col.input": ("Isi baris", "Row text"),
        "editor.col.status": ("Status", "Status"),
        "editor.col.reason": ("Alasan", "Reason"),
        "editor.pick_title": ("Pilih wilayah resmi", "Pick the official area"),
        "editor.pick_help": (
            "Untuk baris yang tidak cocok atau ambigu: pilih wilayah yang dimaksud. Pilihan "
            "disimpan sebagai alias, jadi ejaan yang sama cocok sendiri bulan depan.",
            "For unmatched or ambiguous rows: pick the area meant. A pick is "
            "saved as an alias, so the same spelling matches by itself next month.",
        ),
        "editor.pick_label": ("Wilayah untuk baris {row}", "Area for row {row}"),
        "editor.pick_none": ("— biarkan (tidak diterbitkan) —", "— leave it (not published) —"),
        "editor.note": ("Catatan versi (sumber, perubahan)", "Version note (source, changes)"),
        "editor.partial": (
            "{n} dari {rows} baris tidak cocok, ambigu atau tidak valid dan tidak akan ikut diterbitkan.",
            "{n} of {rows} rows are unmatched, ambiguous or invalid and will not be published.",
        ),
        "editor.confirm_partial": ("Ya, terbitkan tanpa {n} baris tersebut", "Yes, publish without those {n} rows"),
        "editor.publish": ("Terbitkan", "Publish"),
        "editor.still_partial": (
            "Tidak diterbitkan: masih ada {n} baris bermasalah. Periksa laporan dan konfirmasi.",
            "Not published: {n} rows still have problems. Check the report and confirm.",
        ),
        "editor.published": ("Versi {version} diterbitkan.", "Version {version} published."),
        "editor.same_bytes": (
            "Berkas yang sama persis sudah diterbitkan sebagai versi {version}; tidak ada yang berubah.",
            "The very same file was already published as version {version}; nothing changed.",
        ),
        "editor.view_link": ("Lihat versi {version}", "View version {version}"),
        "editor.share_caption": (
            "Tautan untuk dibagikan (terkunci pada versi ini)",
            "Link to share (pinned to this version)",
        ),
        "editor.no_versions": ("Belum ada versi yang diterbitkan.", "Nothing has been published yet."),
        "editor.col.version": ("Versi", "Version"),
        "editor.col.state": ("Keadaan", "State"),
        "editor.col.level": ("Tingkat", "Level"),
        "editor.col.periods": ("Periode", "Periods"),
        "editor.col.file": ("Berkas", "File"),
        "editor.col.rows": ("Baris cocok/total", "Rows matched/total"),
        "editor.col.by": ("Oleh", "By"),
        "editor.col.at": ("Waktu", "When"),
        "editor.col.note": ("Catatan", "Note"),
        "editor.active": ("berlaku", "active"),
        "editor.retracted": ("ditarik", "retracted"),
        "editor.choose_version": ("Versi", "Version"),
        "editor.download_original": ("Berkas asli", "Original file"),
        "editor.download_report": ("Laporan pencocokan (JSON)", "Join report (JSON)"),
        "editor.open_version": ("Buka versi ini", "Open this version"),
        "editor.retract_reason": ("Alasan penarikan", "Reason for retracting"),
        "editor.retract": ("Tarik versi ini", "Retract this version"),
        "editor.restore": ("Pulihkan versi ini", "Restore this version"),
        # the admin page
        "admin.title": ("Admin", "Admin"),
        "admin.tab_audit": ("Log audit", "Audit log"),
        "admin.tab_users": ("Editor & admin", "Editors & admins"),
        "admin.tab_aliases": ("Alias nama wilayah", "Area name aliases"),
        "admin.filter_who": ("Oleh", "By"),
        "admin.filter_action": ("Tindakan", "Action"),
        "admin.filter_text": ("Cari di rincian", "Search the details"),
        "admin.all": ("(semua)", "(all)"),
        "admin.audit_count": ("{n} dari {total} catatan", "{n} of {total} entries"),
        "admin.col.at": ("Waktu", "When"),
        "admin.col.who": ("Oleh", "By"),
        "admin.col.action": ("Tindakan", "Action"),
        "admin.col.detail": ("Rincian", "Detail"),
        "admin.col.name": ("Nama pengguna", "User name"),
        "admin.col.role": ("Peran", "Role"),
        "admin.col.email": ("E-mail", "E-mail"),
        "admin.col.active": ("Aktif", "Active"),
        "admin.col.password": ("Punya kata sandi", "Has a password"),
        "admin.col.alias": ("Ejaan di tabel", "Spelling in tables"),
        "admin.col.kode": ("Kode wilayah", "Area code"),
        "admin.col.parent": ("Induk", "Parent"),
        "admin.yes": ("ya", "yes"),
        "admin.no": ("tidak", "no"),
        "admin.add_title": ("Tambah editor/admin", "Add an editor/admin"),
        "admin.password_help": (
            "Minimal 8 karakter. Kosongkan untuk akun yang hanya masuk lewat akun organisasi (e-mail).",
            "At least 8 characters. Leave empty for an account that signs in only through the organisation (e-mail).",
        ),
        "admin.add": ("Tambah", "Add"),
        "admin.added": ("Akun ditambahkan:", "Account added:"),
        "admin.failed": ("Tidak berhasil:", "Failed:"),
        "admin.name_missing": ("Isi nama pengguna.", "Enter a user name."),
        "admin.password_short": ("Kata sandi minimal 8 karakter.", "The password needs at least 8 characters."),
        "admin.change_title": ("Ubah akun", "Change an account"),
        "admin.set_role": ("Simpan peran", "Save role"),
        "admin.deactivate": ("Nonaktifkan akun", "Deactivate account"),
        "admin.activate": ("Aktifkan akun", "Activate account"),
        "admin.self_help": (
            "Anda tidak dapat menonaktifkan akun Anda sendiri.",
            "You cannot deactivate your own account.",
        ),
        "admin.new_password": ("Kata sandi baru", "New password"),
        "admin.set_password": ("Ganti kata sandi", "Change password"),
        "admin.password_set": ("Kata sandi diganti.", "Password changed."),
        "admin.no_aliases": ("Belum ada alias.", "No aliases yet."),
        "admin.alias_pick": ("Alias", "Alias"),
        "admin.alias_remove": ("Hapus alias", "Remove alias"),
        # the trend chart (viewing pages)
        "trend.from_level": (
            "Titik-titik dari tabel tingkat {level}, seperti angka utama halaman ini.",
            "Points from the {level} table, as this page's headline figures.",
        ),
        "trend.from_other_level": (
            "Titik-titik dari tabel tingkat {level}: tabel {page_level} belum punya dua periode. Angkanya bisa "
            "berbeda dari angka utama halaman ini (yang dari tabel {page_level}).",
            "Points from the {level} table: the {page_level} table has fewer than two periods yet. They can differ "
            "from this page's headline figures (which come from the {page_level} table).",
        ),
        "trend.title": (
            "Tren cakupan terhadap target ({n} periode)",
            "Coverage against target over time ({n} periods)",
        ),
        "trend.coverage": ("Cakupan (%)", "Coverage (%)"),
        "trend.target": ("Target (%)", "Target (%)"),
        "trend.too_few": (
            "Wilayah ini punya data untuk kurang dari dua periode.",
            "This area has data for fewer than two periods.",
        ),
    }
)


# --- hosting: injection-safe texts, deployment, health ---
# keys: host.*, safe.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update({})


# --- planning: cost of the gap, scenarios, target schedule (geo/plan, geo/targets) ---
# keys: plan.*, cost.*, targets.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update(
    {
        # cost of the gap
        "cost.line": (
            "Biaya bantuan iuran untuk menutup kekurangan: {total} per {period} untuk mencapai target provinsi; "
            "{sum} bila setiap wilayah mencapai targetnya ({people} orang × {iuran}/bulan × {months} bulan).",
            "Contribution assistance to close the gap: {total} per {period} to reach the province target; "
            "{sum} for every area to reach its own target ({people} people × {iuran}/month × {months} months).",
        ),
        "cost.per_year": ("tahun", "year"),
        "cost.per_months": ("{months} bulan", "{months} months"),
        "cost.figure": ("{cost} per {period} untuk mencapai target", "{cost} per {period} to reach target"),
        "cost.figure_label": ("Biaya bantuan iuran", "Contribution assistance cost"),
        "cost.basis": ("{iuran}/orang/bulan × {months} bulan", "{iuran}/person/month × {months} months"),
        "cost.note": (
            "Biaya = kekurangan × iuran bulanan × jumlah bulan; iuran {iuran}/orang/bulan, {months} bulan.",
            "Cost = gap × monthly contribution × months; contribution {iuran}/person/month, {months} months.",
        ),
        "cost.col": ("Biaya menutup kekurangan (Rp)", "Cost to close the gap (Rp)"),
        "cost.iuran": ("Iuran per orang per bulan (Rp)", "Contribution per person per month (Rp)"),
        "cost.iuran_help": (
            "Bawaan Rp16.800: iuran minimum peserta bukan penerima upah "
            "(BPU) — JKK 1% × Rp1.000.000 = Rp10.000 + JKM Rp6.800.",
            "Default Rp16,800: the minimum for non-wage (BPU) "
            "participants — JKK 1% × Rp1,000,000 = Rp10,000 + JKM Rp6,800.",
        ),
        "cost.bulan": ("Jumlah bulan", "Months"),
        "plan.url_bad_iuran": (
            "Iuran di tautan harus bilangan bulat 1–10.000.000: {value}; memakai Rp16.800.",
            "The contribution in the link must be a whole number from 1 to 10,000,000: {value}; using Rp16,800.",
        ),
        "plan.url_bad_bulan": (
            "Jumlah bulan di tautan harus 1–120: {value}; memakai 12.",
            "The months in the link must be 1–120: {value}; using 12.",
        ),
        "plan.url_bad_slots": (
            "Jumlah penerima baru di tautan harus bilangan bulat ≥ 0: {value}; diabaikan.",
            "The number of new recipients in the link must be a whole number ≥ 0: {value}; ignored.",
        ),
        # scenario: where the next N go
        "plan.title": ("Skenario: penerima bantuan iuran baru", "Scenario: new contribution-assistance recipients"),
        "plan.slots": ("N penerima bantuan iuran baru", "N new contribution-assistance recipients"),
        "plan.slots_help": (
            "Dibagi ke wilayah yang sedang ditampilkan (cakupan dan filter saat ini) agar sebanyak mungkin wilayah "
            "mencapai target: wilayah dengan kekurangan terkecil dipenuhi lebih dulu (cara ini pasti optimal); "
            "bila kekurangan sama, cakupan terendah dulu, lalu kode. Sisanya dibagi sebanding kekurangan.",
            "Shared over the areas in view (current scope and filters) so that as many areas as "
            "possible reach target: the smallest gaps are closed first (provably optimal); equal "
            "gaps: lowest coverage first, then code. The rest is shared in proportion to the gap.",
        ),
        "plan.none": (
            "Isi jumlah penerima baru untuk melihat skenario.",
            "Enter a number of new recipients to see the scenario.",
        ),
        "plan.result": (
            "{reached} dari {below} wilayah di bawah target akan mencapai target; "
            "{used} dari {slots} penerima terpakai; biaya {cost} ({exact}).",
            "{reached} of {below} below-target areas would reach target; "
            "{used} of {slots} recipients used; cost {cost} ({exact}).",
        ),
        "plan.coverage": ("Cakupan {area}: {before} → {after}", "Coverage of {area}: {before} → {after}"),
        "plan.metric_reached": ("Wilayah mencapai target", "Areas reaching target"),
        "plan.metric_cost": ("Biaya skenario", "Scenario cost"),
        "plan.metric_coverage": ("Cakupan setelah skenario", "Coverage after the scenario"),
        "plan.metric_used": ("Penerima terpakai (dari {slots})", "Recipients used (of {slots})"),
        "plan.map_title": ("Skenario: {n} penerima baru", "Scenario: {n} new recipients"),
        "plan.legend_crosses": ("Mencapai target dalam skenario", "Reaches target in the scenario"),
        "plan.col_slots": ("Penerima baru", "New recipients"),
        "plan.col_reaches": ("Mencapai target", "Reaches target"),
        "plan.col_new_coverage": ("Cakupan baru (%)", "New coverage (%)"),
        "plan.col_cost": ("Biaya (Rp)", "Cost (Rp)"),
        "plan.yes": ("ya", "yes"),
        "plan.no": ("tidak", "no"),
        "plan.download": ("Unduh alokasi", "Download the allocation"),
        "plan.export_note": (
            "Alokasi {slots} penerima bantuan iuran baru; iuran {iuran}/orang/bulan "
            "× {months} bulan; biaya {cost}; {reached} wilayah mencapai target.",
            "Allocation of {slots} new contribution-assistance recipients; "
            "{iuran}/person/month × {months} months; cost {cost}; {reached} areas reach target.",
        ),
        "plan.summary_text": (
            "{reached} wilayah mencapai target · {used} dari {slots} penerima terpakai · biaya "
            "{cost} ({short}; {iuran}/bulan × {months} bulan) · cakupan {before} → {after}",
            "{reached} areas reach target · {used} of {slots} recipients used · cost {cost} "
            "({short}; {iuran}/month × {months} months) · coverage {before} → {after}",
        ),
        "plan.error_slots": (
            "--slots harus bilangan bulat 0–{max}: {value}",
            "--slots must be a whole number 0–{max}: {value}",
        ),
        "plan.error_iuran": (
            "--iuran harus bilangan bulat 1–{max}: {value}",
            "--iuran must be a whole number 1–{max}: {value}",
        ),
        "plan.error_bulan": (
            "--bulan harus bilangan bulat 1–{max}: {value}",
            "--bulan must be a whole number 1–{max}: {value}",
        ),
        # target schedule
        "targets.col_source": ("Sumber target", "Target source"),
        "targets.col_note": ("Keterangan", "Note"),
        "targets.note": ("Catatan versi (opsional)", "Version note (optional)"),
        "targets.publish_button": ("Terbitkan jadwal target", "Publish the target schedule"),
        "targets.legend": ("target: {targets}", "target: {targets}"),
        "targets.more": ("{n} lainnya", "{n} more"),
        "targets.source_default": ("{label}", "{label}"),
        "targets.source_regional": ("{area} {period}, {note}", "{area} {period}, {note}"),
        "targets.regional_note": ("ditetapkan daerah", "set by the region"),
        "targets.source_row": ("target di tabel cakupan", "target in the coverage table"),
        "targets.source_children": ("rata-rata target wilayah di dalamnya", "average of the targets inside"),
        "targets.source_whatif": ('skenario "bagaimana jika"', '"what if" scenario'),
        "targets.where_row": ("baris {row}", "row {row}"),
        "targets.where_column": ("kolom {column}", "column {column}"),
        "targets.empty": ("Berkas jadwal target kosong.", "The target schedule file is empty."),
        "targets.unreadable": (
            "Berkas jadwal target tidak dapat dibaca: {detail}",
            "The target schedule file cannot be read: {detail}",
        ),
        "targets.missing_columns": (
            "kolom wajib tidak ada: {missing} (ditemukan: {found})",
            "required column(s) missing: {missing} (found: {found})",
        ),
        "targets.bad_period": (
            'periode "{value}" harus tahun (2025) atau tahun-bulan (2025-06)',
            'period "{value}" must be a year (2025) or year-month (2025-06)',
        ),
        "targets.bad_kode": (
            'kode "{value}" harus 61 (provinsi) atau kode kabupaten/kota Kalbar (61.xx)',
            'code "{value}" must be 61 (province) or a Kalbar kabupaten/kota code (61.xx)',
        ),
        "targets.bad_target": (
            'target "{value}" harus angka lebih dari 0 sampai 100 (%)',
            'target "{value}" must be a number above 0 up to 100 (%)',
        ),
        "targets.duplicate": (
            "periode dan kode yang sama sudah ada di baris {first}",
            "the same period and code are already on row {first}",
        ),
        "targets.no_rows": ("Tidak ada baris target.", "There are no target rows."),
        "targets.control_help": (
            "Kosongkan untuk memakai jadwal target: target baris di tabel > target daerah "
            "(kabupaten/kota, periode) > target provinsi untuk periode itu (2024: 50,24%, RPJMN 2024). "
            'Angka yang diisi di sini adalah skenario "bagaimana jika" dan menggantikan semua target.',
            "Leave empty to use the target schedule: the table row's own target > the region's "
            "target (kabupaten/kota, period) > the province target for the period (2024: 50.24%, "
            'RPJMN 2024). A number typed here is a "what if" and replaces every target.',
        ),
        "targets.control_placeholder": ("jadwal: {target}", "schedule: {target}"),
        "targets.show_header": ("periode  kode    target  keterangan", "period   code    target  note"),
        "targets.refused": (
            "Jadwal target tidak diterbitkan; perbaiki baris di atas.",
            "The target schedule was not published; fix the rows above.",
        ),
        "targets.already": (
            "Berkas yang sama sudah diterbitkan: versi {version}.",
            "The same file is already published: version {version}.",
        ),
        "targets.show_origin": (
            "Jadwal target: {origin} (versi {version})",
            "Target schedule: {origin} (version {version})",
        ),
        "targets.origin_shipped": ("bawaan aplikasi", "shipped with the app"),
        "targets.origin_published": ("diterbitkan", "published"),
        "targets.origin_file": ("berkas", "file"),
        "targets.origin_sample": (
            "contoh ilustratif untuk data contoh (Data contoh, bukan data resmi)",
            "illustrative, for the sample data (Data contoh, bukan data resmi)",
        ),
        "targets.show_default": (
            "Target provinsi untuk {period}: {target} ({label})",
            "Province target for {period}: {target} ({label})",
        ),
        "targets.published": (
            "Jadwal target diterbitkan: versi {version}, {rows} baris, periode {periods}.",
            "Target schedule published: version {version}, {rows} rows, periods {periods}.",
        ),
        "targets.no_store": (
            "Penyimpanan (store) belum tersedia di versi ini.",
            "The store is not available in this version.",
        ),
        "targets.title": ("Jadwal target", "Target schedule"),
        "targets.upload": (
            "Unggah jadwal target (CSV: periode, kode, target_persen, keterangan)",
            "Upload a target schedule (CSV: periode, kode, target_persen, keterangan)",
        ),
        "targets.valid": ("{rows} baris valid.", "{rows} valid rows."),
    }
)


# --- map colouring: distance to target, marking (geo/style, geo/maps, geo/render) ---
# keys: style.*, legend.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update(
    {
        "legend.color_gap": ("Jarak ke target", "Distance to target"),
        "legend.gap_title": ("Jarak ke target {target}", "Distance to target {target}"),
        "legend.gap_title_own": ("Jarak ke target masing-masing wilayah", "Distance to each area's own target"),
        "legend.gap_at": ("Mencapai target (≥ {target})", "At or above target (≥ {target})"),
        "legend.gap_at_own": ("Mencapai target masing-masing", "At or above its own target"),
        "legend.gap_step": ("{lo}–{hi} poin di bawah target", "{lo}–{hi} points below target"),
        "legend.gap_step_own": (
            "{lo}–{hi} poin di bawah target masing-masing",
            "{lo}–{hi} points below its own target",
        ),
        "legend.gap_beyond": ("> {lo} poin di bawah target", "> {lo} points below target"),
        "legend.gap_beyond_own": ("> {lo} poin di bawah target masing-masing", "> {lo} points below its own target"),
        "legend.mark_hatch": ("diarsir", "hatched"),
        "legend.mark_above": (
            "Garis tebal: mencapai target ({target})",
            "Heavy outline: at or above target ({target})",
        ),
        "legend.mark_above_own": (
            "Garis tebal: mencapai target wilayahnya",
            "Heavy outline: at or above its own target",
        ),
    }
)


# --- phones and who is counted (issue 17): ui/phone, geo/maps touch card, workers notes ---
# keys: phone.*, workers.*
MESSAGES.update(
    {
        "phone.legend": ("Legenda", "Legend"),
        "phone.panel_cost": ("Biaya mencapai target ({months} bln)", "Cost to reach target ({months} mo)"),
        "phone.details": ("Lihat rincian", "See details"),
        "phone.close": ("Tutup", "Close"),
        "phone.two_fingers": ("Geser peta dengan dua jari", "Use two fingers to move the map"),
        "phone.change": ("ubah", "change"),
        "phone.selection_label": ("Pilihan wilayah", "Area selection"),
        "phone.below_only": ("hanya di bawah target", "below target only"),
        "workers.ecosystem": (
            "Tenaga kerja di sini = ekosistem desa (aparat desa, BPD, LKD, pekerja rentan) dari tabel "
            "desa/kelurahan, bukan seluruh pekerja",
            "Workers here = the village ecosystem (village officials, BPD, LKD, vulnerable workers) from the "
            "village table, not all workers",
        ),
        "workers.ecosystem_short": ("ekosistem desa", "village ecosystem"),
        "workers.label_ecosystem": ("Tenaga kerja (ekosistem desa)", "Workers (village ecosystem)"),
    }
)

MESSAGES.update(
    {
        # The link preview (og: tags) and the instant picture a view URL's first HTML carries (server/preview.py).
        "cli.view.not_a_map": (
            "{path} bukan halaman peta (/, /kabupaten, /desa)",
            "{path} is not a map page (/, /kabupaten, /desa)",
        ),
        "preview.title": ("Cakupan Jamsostek {area} — {level}", "Jamsostek coverage {area} — {level}"),
        "preview.coverage": (
            "Cakupan {coverage}, target {target} ({diff})",
            "Coverage {coverage}, target {target} ({diff})",
        ),
        "preview.below": ("{n} dari {total} {level} di bawah target", "{n} of {total} {level} below target"),
        "preview.no_data": ("Belum ada data untuk tampilan ini", "No data for this view yet"),
        "preview.alt": ("Peta: {title}", "Map: {title}"),
        "preview.loading": (
            "Gambar sekilas dari server; peta interaktif sedang dimuat…",
            "A quick picture from the server; the interactive map is loading…",
        ),
        "preview.private": ("Perlu masuk untuk melihat peta ini", "Sign in to see this map"),
    }
)

# --- issue 15: publishing that cannot mislead (period, level, counts, partial coverage, versions) ---
# keys: publish.*, via.*, suggest.*, partial.*, report.*, editor.* added for the data officer's month
MESSAGES.update(
    {
        "publish.period_missing": (
            "Tabel {file} tidak punya kolom periode: isi periodenya (mis. 2024 atau 2024-06) sebelum menerbitkan.",
            "The table {file} has no period column: give its period (e.g. 2024 or 2024-06) before publishing.",
        ),
        "publish.period_invalid": (
            'Periode "{value}" tidak dikenali: tulis tahun (2024) atau bulan (2024-06, Juni 2024, 06/2024).',
            'Period "{value}" is not recognised: write a year (2024) or a month (2024-06, June 2024, 06/2024).',
        ),
        "publish.period_label": (
            "Periode tabel ini (tabel tidak memuatnya)",
            "Period of this table (the table has none)",
        ),
        "publish.period_help": (
            "Tahun (2024) atau bulan (2024-06, Juni 2024, 06/2024), berlaku untuk semua baris.",
            "A year (2024) or a month (2024-06, June 2024, 06/2024), for every row.",
        ),
        "publish.period_from_table": ("Periode dari tabel: {periods}", "Period from the table: {periods}"),
        "publish.period_given": ("Periode yang diisi: {period}", "Period given: {period}"),
        "publish.nothing_matched": (
            "Tidak ada baris yang cocok dengan wilayah tingkat {level}; tidak ada yang diterbitkan.",
            "No row matches an area at level {level}; nothing published.",
        ),
        "publish.nothing_matched_level": (
            "Tidak ada baris yang cocok di tingkat {level}; tidak ada yang diterbitkan. Kode ini kode {other}: "
            "terbitkan di tingkat {other}?",
            "No row matches at level {level}; nothing published. These codes are {other} codes: "
            "publish at level {other}?",
        ),
        "publish.level_hint": (
            "Kode ini kode {other}: terbitkan di tingkat {other}? ({there} baris cocok di tingkat {other}, "
            "{here} di tingkat {level}.)",
            "These codes are {other} codes: publish at level {other}? ({there} rows match at level {other}, "
            "{here} at level {level}.)",
        ),
        "publish.cli_period": (
            "periode semua baris bila tabel tidak memuat kolom periode (2024 atau 2024-06)",
            "the period of every row when the table has no period column (2024 or 2024-06)",
        ),
        "join.reason.picked": (
            'cocok lewat pilihan editor dari saran: "{name}" = {area}',
            'matched by the editor\'s pick among the suggestions: "{name}" = {area}',
        ),
        "via.code": ("kode", "code"),
        "via.name": ("nama", "name"),
        "via.former": ("nama lama", "former name"),
        "via.alias": ("alias tersimpan", "saved alias"),
        "via.suggestion": ("pilihan dari saran", "picked suggestion"),
        "suggest.none": ("tidak ada yang mirip", "no close match"),
        "report.col.row": ("Baris (Excel)", "Row (Excel)"),
        "report.col.input": ("Isi baris", "Row text"),
        "report.col.status": ("Status", "Status"),
        "report.col.kode": ("Kode resmi", "Official code"),
        "report.col.nama": ("Nama resmi", "Official name"),
        "report.col.via": ("Cocok lewat", "Matched by"),
        "report.col.reason": ("Keterangan", "Detail"),
        "report.col.count": ("Jumlah baris", "Rows"),
        "report.reason_kind.code": ("kode wilayah tidak dikenal atau tidak sah", "area code unknown or not valid"),
        "report.reason_kind.name": ("nama wilayah tidak dikenal atau kosong", "area name unknown or missing"),
        "report.reason_kind.parent": ("tidak ada di wilayah induk yang ditulis", "not in the parent area given"),
        "report.reason_kind.kind": (
            "jenis wilayah (kota/kabupaten) tidak cocok",
            "the kind of area (kota/kabupaten) does not match",
        ),
        "report.reason_kind.ambiguous": ("nama bisa berarti beberapa wilayah", "the name fits several areas"),
        "report.reason_kind.total": ("baris jumlah/total", "a total row"),
        "report.reason_kind.duplicate": ("wilayah dan periode sudah diisi baris lain", "area and period filled twice"),
        "report.reason_kind.invalid": ("baris tidak valid", "invalid row"),
        "report.reason_kind.other": ("alasan lain", "another reason"),
        "join.stored_counts_only": (
            "Rincian baris (isi sel dan nama berkas) hanya terlihat oleh editor dan admin.",
            "The rows' details (cell text and file name) are shown to editors and admins only.",
        ),
        "report.col.suggest": ("Saran terdekat", "Closest areas"),
        "report.all_rows": (
            "Semua baris tabel (nomor baris seperti di Excel):",
            "Every row of the table (row numbers as in Excel):",
        ),
        "editor.left_out": (
            "{n} dari {rows} baris tidak akan ikut diterbitkan (tidak cocok, ambigu, tidak valid atau duplikat); "
            "semuanya tercantum di laporan.",
            "{n} of {rows} rows will not be published (unmatched, ambiguous, invalid or duplicate); "
            "all are listed in the report.",
        ),
        "editor.confirm_left_out": (
            "Ya, terbitkan tanpa {n} baris tersebut",
            "Yes, publish without those {n} rows",
        ),
        "editor.cannot_publish": (
            "Tidak bisa diterbitkan di tingkat ini: tidak ada baris yang cocok.",
            "Cannot be published at this level: no row matches.",
        ),
        "editor.need_period": (
            "Isi periode tabel di atas untuk menerbitkan.",
            "Give the table's period above to publish.",
        ),
        "editor.refused": ("Tidak diterbitkan", "Not published"),
        "partial.reported": (
            "{n} dari {total} {level} dilaporkan (angka hanya dari wilayah yang dilaporkan)",
            "{n} of {total} {level} reported (figures from the reported areas only)",
        ),
        "cost.none": (
            "Tidak ada kekurangan peserta: tidak ada biaya bantuan iuran untuk mencapai target.",
            "No participants missing: no contribution assistance needed to reach target.",
        ),
        "cost.part_province": (
            "{total} per {period} agar angka gabungan mencapai target ({people} orang)",
            "{total} per {period} for the pooled figure to reach the target ({people} people)",
        ),
        "cost.part_each": (
            "{total} per {period} bila setiap wilayah mencapai targetnya ({people} orang)",
            "{total} per {period} for every area to reach its own target ({people} people)",
        ),
        "cost.line_parts": (
            "Biaya bantuan iuran untuk menutup kekurangan: {parts}. Dasar: {basis}.",
            "Contribution assistance to close the gap: {parts}. Basis: {basis}.",
        ),
        "editor.confirm_retract": (
            "Tarik versi {version} (berkas {file}, periode {periods})? Versi tetap tersimpan dan bisa dipulihkan.",
            "Retract version {version} (file {file}, period {periods})? It stays stored and can be restored.",
        ),
        "editor.confirm_restore": (
            "Pulihkan versi {version} (berkas {file}, periode {periods})?",
            "Restore version {version} (file {file}, period {periods})?",
        ),
        "editor.yes_retract": ("Ya, tarik versi {version}", "Yes, retract version {version}"),
        "editor.yes_restore": ("Ya, pulihkan versi {version}", "Yes, restore version {version}"),
        "editor.cancel": ("Batal", "Cancel"),
        "editor.done_retract": (
            "Versi {version} ditarik ({file}, periode {periods}).",
            "Version {version} retracted ({file}, period {periods}).",
        ),
        "editor.done_restore": (
            "Versi {version} dipulihkan ({file}, periode {periods}).",
            "Version {version} restored ({file}, period {periods}).",
        ),
        "auth.sign_in_for": (
            "Masuk dulu untuk membuka halaman {page}.",
            "Sign in first to open the page {page}.",
        ),
        "partial.reported_short": ("{n} dari {total} {level} dilaporkan", "{n} of {total} {level} reported"),
        "partial.level.kabupaten": ("kabupaten/kota", "regencies/cities"),
        "partial.level.kecamatan": ("kecamatan", "districts"),
        "partial.level.desa": ("desa/kelurahan", "villages"),
    }
)


# --- open data: the read API, the data package, OGC API - Features (geo/opendata, server/api, server/ogc) ---
# keys: opendata.*, api.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update(
    {
        "opendata.description": (
            "Cakupan BPJS Ketenagakerjaan per kabupaten/kota, kecamatan dan desa/kelurahan di Kalimantan Barat "
            "dari data yang diterbitkan: tenaga kerja, peserta aktif, cakupan, target dan sumbernya, kekurangan "
            "peserta dan biaya bantuan iuran untuk menutupnya; angka yang sama dengan peta.",
            "BPJS Ketenagakerjaan coverage by regency/city, district and village in West Kalimantan from the "
            "published data: workers, active participants, coverage, target and its source, the gap in "
            "participants and the contribution assistance that closes it; the same figures as the map.",
        ),
        "opendata.resource": ("Cakupan per {level}", "Coverage by {level}"),
        "opendata.source_version": (
            "Data cakupan terbit versi {id} ({level}, periode {periods}), terbit {when} oleh {by}",
            "Published coverage data version {id} ({level}, period {periods}), published {when} by {by}",
        ),
        "opendata.field.kode": ("Kode wilayah Kemendagri", "Kemendagri area code"),
        "opendata.field.laju_per_bulan": (
            "Laju: peserta aktif baru per bulan, kemiringan kuadrat terkecil atas jendela laju_jendela "
            "(kosong bila kurang dari 2 titik)",
            "Pace: new active participants a month, least-squares slope over the window laju_jendela "
            "(empty with fewer than 2 points)",
        ),
        "opendata.field.laju_titik": ("Jumlah titik data dalam jendela laju", "Data points in the pace's window"),
        "opendata.field.laju_jendela": (
            "Jendela laju: 6 bulan terakhir (deret bulanan) atau 2 tahun terakhir (deret tahunan), awal/akhir",
            "The pace's window: the latest 6 months (monthly series) or 2 years (yearly series), start/end",
        ),
        "opendata.field.laju_tahun_target": ("Tahun target ini (tahun periode terakhir)", "This target's year"),
        "opendata.field.laju_dibutuhkan_per_bulan": (
            "Laju yang dibutuhkan: peserta yang masih perlu / bulan hingga Desember tahun target",
            "Pace needed: people still needed / months to the target year's December",
        ),
        "opendata.field.laju_bulan_tercapai": (
            "Bulan target tahun ini tercapai pada laju sekarang (kosong: tidak tercapai hingga 2100)",
            "Month this year's target is reached at today's pace (empty: not reached by 2100)",
        ),
        "opendata.field.laju_status": (
            "Status laju untuk target tahun ini: met, on_track, behind, never, few (kurang data), no_data",
            "Pace status for this year's target: met, on_track, behind, never, few (not enough data), no_data",
        ),
        "opendata.field.laju_status_label": ("Status laju dalam kata-kata", "The pace status in words"),
        "opendata.field.laju_tahun_target_akhir": (
            "Tahun target terakhir jadwal (mis. 2029)",
            "The schedule's last target year (e.g. 2029)",
        ),
        "opendata.field.laju_dibutuhkan_per_bulan_akhir": (
            "Laju yang dibutuhkan untuk target tahun terakhir jadwal",
            "Pace needed for the schedule's last target year",
        ),
        "opendata.field.laju_bulan_tercapai_akhir": (
            "Bulan target tahun terakhir tercapai pada laju sekarang",
            "Month the last year's target is reached at today's pace",
        ),
        "opendata.field.laju_status_akhir": (
            "Status laju untuk target tahun terakhir jadwal",
            "Pace status for the schedule's last target year",
        ),
        "opendata.field.nama": ("Nama wilayah", "Area name"),
        "opendata.field.kabupaten": ("Kabupaten/kota tempat wilayah ini", "Regency/city the area lies in"),
        "opendata.field.kecamatan": ("Kecamatan tempat desa ini", "District the village lies in"),
        "opendata.field.periode": ("Periode data (tahun atau tahun-bulan)", "Period of the data (year or year-month)"),
        "opendata.field.periode_label": (
            "Periode data seperti dibaca orang (Juni 2024), dalam bahasa permintaan",
            "Period of the data as people read it (June 2024), in the request's language",
        ),
        "opendata.field.tenaga_kerja": (
            "Tenaga kerja (pada tingkat desa: ekosistem desa)",
            "Workers (at village level: the village ecosystem)",
        ),
        "opendata.field.peserta_aktif": ("Peserta aktif", "Active participants"),
        "opendata.field.cakupan_persen": (
            "Cakupan: peserta aktif / tenaga kerja × 100, dua desimal",
            "Coverage: active participants / workers × 100, two decimals",
        ),
        "opendata.field.target_persen": ("Target cakupan yang berlaku (%)", "Coverage target in force (%)"),
        "opendata.field.sumber_target": ("Dari mana target itu berasal", "Where the target came from"),
        "opendata.field.di_bawah_target": (
            "Di bawah target: masih ada peserta yang kurang (kosong bila tidak dilaporkan)",
            "Below target: participants still missing (empty when not reported)",
        ),
        "opendata.field.kekurangan_peserta": (
            "Kekurangan peserta untuk mencapai target: ceil(target × tenaga kerja) − peserta aktif, minimal 0",
            "Participants missing to reach target: ceil(target × workers) − active participants, at least 0",
        ),
        "opendata.field.biaya_rupiah_per_tahun": (
            "Biaya bantuan iuran untuk menutup kekurangan selama satu tahun (Rp): kekurangan × iuran × 12",
            "Contribution assistance to close the gap for one year (Rp): gap × contribution × 12",
        ),
        "opendata.field.penerima_bantuan_iuran": ("Penerima bantuan iuran", "Contribution assistance recipients"),
        "opendata.field.sample": (
            "Data contoh, bukan data resmi",
            "Data contoh, bukan data resmi (sample data, not official)",
        ),
        "opendata.field.label": ("Label data contoh", "The sample data's label"),
        "opendata.param.v": (
            "Versi terbit: data sebagaimana pada versi ini (bawaan: terbaru)",
            "Published version: the data as of this version (default: the latest)",
        ),
        "opendata.param.periode": (
            "Periode (bawaan: terbaru); juga 'period'",
            "Period (default: latest); also 'period'",
        ),
        "opendata.param.kab": ("Hanya wilayah di kabupaten/kota ini (kode)", "Only areas in this regency/city (code)"),
        "opendata.param.kec": ("Hanya wilayah di kecamatan ini (kode)", "Only areas in this district (code)"),
        "opendata.param.below": ("1: hanya wilayah di bawah target", "1: only areas below target"),
        "opendata.param.target": (
            "Target 'bagaimana jika' untuk semua wilayah (%), seperti di peta",
            "A 'what if' target for every area (%), as on the map",
        ),
        "opendata.param.iuran": (
            "Iuran per orang per bulan untuk biaya (Rp, bawaan 16.800)",
            "Contribution per person per month for the cost (Rp, default 16,800)",
        ),
        "opendata.param.lang": ("Bahasa teks (sumber target, label): id atau en", "Language of texts: id or en"),
        "opendata.param.collectionId": ("kabupaten, kecamatan atau desa", "kabupaten, kecamatan or desa"),
        "opendata.param.featureId": ("Kode wilayah", "Area code"),
        "opendata.param.limit": ("Jumlah fitur per halaman", "Features per page"),
        "opendata.param.offset": ("Lewati sejumlah fitur ini", "Skip this many features"),
        "opendata.param.bbox": ("minlon,minlat,maxlon,maxlat (CRS84)", "minlon,minlat,maxlon,maxlat (CRS84)"),
        "opendata.param.datetime": (
            "Periode sebagai waktu ISO 8601 atau selang (2024, 2024-06, 2024-01-01/..)",
            "The period as an ISO 8601 time or interval (2024, 2024-06, 2024-01-01/..)",
        ),
        "opendata.doc.error": ("Galat sebagai JSON", "An error as JSON"),
        "opendata.doc.versions": ("Versi data terbit", "Published data versions"),
        "opendata.doc.targets": ("Jadwal target yang berlaku", "The target schedule in force"),
        "opendata.doc.datapackage": ("Data Package (Frictionless)", "Data Package (Frictionless)"),
        "opendata.doc.csv": ("Cakupan per {level} sebagai CSV", "Coverage by {level} as CSV"),
        "opendata.doc.json": ("Cakupan per {level} sebagai JSON", "Coverage by {level} as JSON"),
        "opendata.doc.geojson": (
            "Cakupan per {level} sebagai GeoJSON (geometri tampilan peta)",
            "Coverage by {level} as GeoJSON (the map's display geometry)",
        ),
        "opendata.doc.landing": ("OGC API – Features: halaman awal", "OGC API – Features: landing page"),
        "opendata.doc.conformance": ("Kelas kesesuaian", "Conformance classes"),
        "opendata.doc.collections": ("Koleksi: kabupaten, kecamatan, desa", "Collections: kabupaten, kecamatan, desa"),
        "opendata.doc.collection": ("Satu koleksi", "One collection"),
        "opendata.doc.items": ("Fitur satu koleksi, per halaman", "A collection's features, page by page"),
        "opendata.doc.item": ("Satu fitur", "One feature"),
        "opendata.collection.title": ("Cakupan per {level}", "Coverage by {level}"),
        "opendata.collection.description": (
            "Cakupan, target, kekurangan dan biaya per {level}; periode bawaan: terbaru.",
            "Coverage, target, gap and cost by {level}; default period: the latest.",
        ),
        "opendata.landing.title": (
            "Peta Cakupan Jamsostek Kalbar — OGC API Features",
            "Kalbar coverage — OGC API Features",
        ),
        "api.error.not_found": ("Tidak ada di API: {path}", "Not in the API: {path}"),
        "api.error.unknown_version": (
            "Versi {v} tidak dikenal (bukan versi data cakupan terbit).",
            "Version {v} is unknown (not a published coverage data version).",
        ),
        "api.error.retracted": ("Versi {v} telah ditarik.", "Version {v} has been retracted."),
        "api.error.retracted_reason": ("Versi {v} telah ditarik: {reason}", "Version {v} has been retracted: {reason}"),
        "api.error.bad_param": ("Parameter '{param}' tidak sah: {value}", "Parameter '{param}' is invalid: {value}"),
        "api.error.unknown_param": (
            "Parameter '{param}' tidak dikenal di sini.",
            "Parameter '{param}' is not known here.",
        ),
        "api.error.not_here": (
            "Parameter '{param}' tidak berlaku untuk tingkat {level}.",
            "Parameter '{param}' does not apply to level {level}.",
        ),
        "api.error.too_long": ("Parameter '{param}' terlalu panjang.", "Parameter '{param}' is too long."),
        "api.error.unknown_feature": ("Wilayah {kode} tidak ada di {level}.", "Area {kode} is not in {level}."),
        "api.error.rate_limited": (
            "Terlalu banyak permintaan; coba lagi dalam {seconds} detik.",
            "Too many requests; try again in {seconds} seconds.",
        ),
        "api.error.server": ("Galat di server; sudah dicatat.", "A server error; it has been logged."),
        "api.error.store": ("Penyimpanan data tidak terjangkau.", "The data store cannot be reached."),
        "api.error.sign_in": (
            "Melihat data memerlukan masuk; API terbuka tidak tersedia.",
            "Viewing the data requires signing in; the open API is not available.",
        ),
        "api.page.title": ("API data terbuka", "Open data API"),
        "api.page.intro": (
            "Angka yang diterbitkan, sama dengan peta, untuk Excel, pandas, QGIS dan portal data.",
            "The published figures, the same as the map, for Excel, pandas, QGIS and data portals.",
        ),
        "api.page.params": (
            "Parameter: v (versi), periode, kab, kec, below=1, target, iuran, lang.",
            "Parameters: v (version), periode, kab, kec, below=1, target, iuran, lang.",
        ),
        "api.page.ogc": (
            "QGIS/ArcGIS: tambahkan lapisan OGC API – Features dengan alamat ini:",
            "QGIS/ArcGIS: add an OGC API – Features layer with this address:",
        ),
        "api.page.openapi": ("Dokumen OpenAPI:", "OpenAPI document:"),
    }
)


# --- upload limits (geo/limits.py, geo/table.py, geo/xlsx.py, ui/uploads.py) -------------------------------
MESSAGES.update(
    {
        "limit.bytes": (
            "Berkas ini berukuran {size}; batasnya {limit_size} per tabel. Tabel cakupan Kalbar yang lengkap "
            "(2.130 desa, 24 periode) hanya sekitar 6 MB; pecah tabel per periode bila perlu.",
            "This file is {size}; the limit is {limit_size} per table. A complete Kalbar coverage table "
            "(2,130 desa, 24 periods) is about 6 MB; split the table by period if needed.",
        ),
        "limit.rows": (
            "Tabel melewati batas {limit} baris (ada isi di baris {row}; berkas {size}). Kalbar punya 2.130 desa, "
            "jadi tabel per periode hanya beberapa ribu baris; pecah tabel per periode.",
            "The table goes beyond the limit of {limit} rows (a value on row {row}; file {size}). Kalbar has "
            "2,130 desa, so a table per period has a few thousand rows; split the table by period.",
        ),
        "limit.columns": (
            "Tabel melewati batas {limit} kolom (ada isi di kolom ke-{column}; berkas {size}).",
            "The table goes beyond the limit of {limit} columns (a value in column {column}; file {size}).",
        ),
        "limit.cells": (
            "Tabel berisi lebih dari {limit} sel terisi, batasnya (berkas {size}).",
            "The table holds more than {limit} filled cells, the limit (file {size}).",
        ),
        "limit.sheets": (
            "Buku kerja ini punya {count} lembar; batasnya {limit} lembar (berkas {size}).",
            "The workbook has {count} sheets; the limit is {limit} sheets (file {size}).",
        ),
        "limit.line": (
            "Baris {row} lebih panjang dari batas {limit} karakter (berkas {size}).",
            "Row {row} is longer than the limit of {limit} characters (file {size}).",
        ),
        "limit.cell_chars": (
            "Ada sel yang lebih panjang dari batas {limit} karakter (berkas {size}).",
            "A cell is longer than the limit of {limit} characters (file {size}).",
        ),
        "limit.unzipped": (
            "Berkas XLSX ini ({size}) bila dibuka menjadi {unzipped_size}; batasnya {limit_size}.",
            "Unpacked, this XLSX file ({size}) would be {unzipped_size}; the limit is {limit_size}.",
        ),
        "limit.ratio": (
            "Bagian {part} dari berkas XLSX ini ({size}) mengembang {ratio}× saat dibuka; batasnya {limit}×. "
            "Berkas seperti ini bukan tabel biasa (bom zip).",
            "Part {part} of this XLSX file ({size}) grows {ratio}× when unpacked; the limit is {limit}×. "
            "A file like this is not an ordinary table (a zip bomb).",
        ),
        "upload.busy": (
            "Server sedang membaca banyak tabel sekaligus. Coba unggah lagi sebentar lagi.",
            "The server is reading many tables at once. Please try the upload again in a moment.",
        ),
        "upload.visitors_off": (
            "Pratinjau tabel sendiri di server ini hanya untuk editor dan admin yang sudah masuk.",
            "On this server, previewing your own table is for signed-in editors and admins only.",
        ),
    }
)


# Sign-in, sessions and organisation sign-in (issue 18): locks, ended sessions, one's own password.
MESSAGES.update(
    {
        "auth.locked": (
            "Terlalu banyak percobaan gagal dari alamat ini: masuk dengan nama ini dari alamat ini (atau semua "
            "masuk dari alamat ini) dikunci sementara, sampai satu jam. Dari alamat lain akun ini tetap dapat "
            "masuk. Admin dapat membuka kunci lebih cepat.",
            "Too many failed attempts from this address: signing in with this name from this address (or any "
            "sign-in from this address) is locked for a while, up to an hour. From other addresses the account "
            "can still sign in. An admin can lift it sooner.",
        ),
        "auth.slowed": (
            "Akun ini baru saja menerima banyak percobaan gagal, jadi pemeriksaan kata sandi ditunda {seconds} "
            "detik (paling lama {cap} detik; akun tidak pernah dikunci karena ini).",
            "This account has just seen many failed attempts, so the password check waited {seconds} s "
            "(at most {cap} s; the account is never locked for this).",
        ),
        "admin.many_failures": (
            "Banyak percobaan masuk gagal untuk akun berikut. Masuk ke akun ini diperlambat (paling lama {cap} "
            "detik), tidak dikunci; alamat yang terus mencoba dikunci sendiri. Lihat log audit.",
            "Many failed sign-in attempts for the account(s) below. Signing in to them is slowed (at most {cap} s), "
            "not locked; an address that keeps trying is locked on its own. See the audit log.",
        ),
        "admin.block.pair": ("akun dari alamat", "account from address"),
        "admin.col.display": ("Nama tampilan (untuk pengunjung)", "Display name (for visitors)"),
        "admin.display_help": (
            "Yang dilihat pengunjung sebagai penerbit data (cap versi, data terbuka), misalnya nama bidang. "
            "Kosong: perannya (editor/admin). Nama pengguna untuk masuk tidak pernah ditampilkan kepada publik.",
            "What visitors see as the data's publisher (version stamps, open data), e.g. a department's name. "
            "Empty: the role (editor/admin). The sign-in user name is never shown to the public.",
        ),
        "admin.set_display": ("Simpan nama tampilan", "Save display name"),
        "auth.busy": (
            "Server sedang sibuk memeriksa kata sandi lain. Coba lagi sebentar lagi.",
            "The server is busy checking other passwords. Try again in a moment.",
        ),
        "auth.ended.changed": (
            "Sesi Anda berakhir karena akun Anda diubah (kata sandi, peran, atau status). Silakan masuk lagi.",
            "Your session ended because your account was changed (password, role or status). Please sign in again.",
        ),
        "auth.ended.idle": (
            "Sesi Anda berakhir karena lama tidak ada aktivitas. Silakan masuk lagi.",
            "Your session ended after a long time without activity. Please sign in again.",
        ),
        "auth.ended.inactive": (
            "Sesi Anda berakhir karena akun Anda dinonaktifkan.",
            "Your session ended because your account was deactivated.",
        ),
        "auth.oidc.no_email": (
            "Penyedia akun organisasi tidak mengirim alamat e-mail, jadi Anda tidak dapat masuk dengannya.",
            "The organisation's provider sent no e-mail address, so you cannot sign in with it.",
        ),
        "auth.oidc.unverified": (
            "Penyedia akun organisasi tidak menyatakan alamat e-mail ini terverifikasi, jadi masuk ditolak. "
            "Hubungi admin penyedia akun Anda.",
            "The organisation's provider did not state that this e-mail address is verified, so sign-in is "
            "refused. Contact the administrator of your account provider.",
        ),
        "auth.oidc.pinned": (
            "Akun ini berasal dari penerbit, domain, atau tenant yang tidak diizinkan untuk aplikasi ini.",
            "This account comes from an issuer, domain or tenant that this app does not accept.",
        ),
        "auth.oidc.other_account": ("Keluar dari akun organisasi ini", "Sign out of this organisation account"),
        "auth.pw.title": ("Ganti kata sandi saya", "Change my password"),
        "auth.pw.old": ("Kata sandi sekarang", "Current password"),
        "auth.pw.new": ("Kata sandi baru (minimal 8 karakter)", "New password (at least 8 characters)"),
        "auth.pw.again": ("Ulangi kata sandi baru", "Repeat the new password"),
        "auth.pw.submit": ("Ganti kata sandi", "Change password"),
        "auth.pw.mismatch": ("Kedua kata sandi baru tidak sama.", "The two new passwords differ."),
        "auth.pw.changed": (
            "Kata sandi diganti. Sesi lain akun ini telah diakhiri.",
            "Password changed. The account's other sessions have been ended.",
        ),
        "auth.download_refused": (
            "Unduhan ditolak: akun Anda tidak lagi berhak (keluar atau peran berubah).",
            "Download refused: your account no longer has the right (signed out or role changed).",
        ),
        "admin.blocks_title": ("Kunci masuk (percobaan gagal)", "Sign-in locks (failed attempts)"),
        "admin.no_blocks": (
            "Tidak ada akun atau alamat yang diperlambat atau dikunci.",
            "No account or address is slowed down or locked.",
        ),
        "admin.col.kind": ("Jenis", "Kind"),
        "admin.col.subject": ("Akun / alamat", "Account / address"),
        "admin.col.failures": ("Gagal", "Failures"),
        "admin.col.last": ("Terakhir", "Last"),
        "admin.col.locked": ("Dikunci", "Locked"),
        "admin.block.account": ("akun", "account"),
        "admin.block.client": ("alamat", "address"),
        "admin.lift_pick": ("Pilih", "Choose"),
        "admin.lift": ("Buka kunci", "Lift the lock"),
        "admin.self_pw_help": (
            "Ganti kata sandi Anda sendiri di halaman Akun (perlu kata sandi sekarang).",
            "Change your own password on the Account page (it asks for the current one).",
        ),
    }
)


# --- backup and restore of the store (geo/store/backup.py, python -m geo backup|restore-backup) ---
# keys: backup.*
MESSAGES.update(
    {
        "backup.done": (
            "Cadangan {kind} ditulis: {path} ({size}); {versions} versi, {users} pengguna, "
            "{audit} baris audit, {aliases} alias; revisi skema {revision}.",
            "{kind} backup written: {path} ({size}); {versions} versions, {users} users, "
            "{audit} audit rows, {aliases} aliases; schema revision {revision}.",
        ),
        "backup.removed": ("Cadangan lama dihapus: {path}", "Old backup deleted: {path}"),
        "backup.restored": (
            "Dipulihkan dari {path} ({kind}, {size}) ke {store}: {versions} versi, {users} pengguna, "
            "{audit} baris audit, {aliases} alias; revisi skema {before} → {revision}.",
            "Restored from {path} ({kind}, {size}) into {store}: {versions} versions, {users} users, "
            "{audit} audit rows, {aliases} aliases; schema revision {before} → {revision}.",
        ),
        "backup.no_store": (
            "Belum ada basis data untuk dicadangkan: {store}",
            "There is no store to back up: {store}",
        ),
        "backup.exists": (
            "Berkas {path} sudah ada; pilih nama lain atau pakai --overwrite.",
            "{path} already exists; choose another name or use --overwrite.",
        ),
        "backup.no_folder": ("Folder tujuan tidak ada: {path}", "The target folder does not exist: {path}"),
        "backup.keep": ("--keep harus 1 atau lebih (bukan {keep}).", "--keep must be 1 or more (not {keep})."),
        "backup.no_file": ("Berkas cadangan tidak ada: {path}", "No such backup file: {path}"),
        "backup.unreadable": (
            "Berkas cadangan tidak terbaca: {path}: {detail}",
            "The backup file cannot be read: {path}: {detail}",
        ),
        "backup.not_backup": (
            "{path} bukan cadangan peta ini (bukan basis data SQLite peta, bukan pg_dump format custom). "
            "Tidak ada yang diubah.",
            "{path} is not a backup of this map's store (neither its SQLite database nor a pg_dump custom-format "
            "file). Nothing was changed.",
        ),
        "backup.wrong_kind": (
            "{path} adalah cadangan {kind}, tetapi basis data yang diatur ({store}) adalah {store_kind}: "
            "pulihkan ke basis data {kind}. Tidak ada yang diubah.",
            "{path} is a {kind} backup, but the configured store ({store}) is {store_kind}: restore it into "
            "a {kind} store. Nothing was changed.",
        ),
        "backup.not_empty": (
            "Basis data tujuan {store} tidak kosong ({versions} versi, {users} pengguna, {audit} baris audit, "
            "{aliases} alias). Pemulihan hanya ke basis data kosong: berkas SQLite baru, atau basis data "
            "PostgreSQL baru (createdb). Tidak ada yang diubah.",
            "The target store {store} is not empty ({versions} versions, {users} users, {audit} audit rows, "
            "{aliases} aliases). A restore goes only into an empty store: a new SQLite file, or a new "
            "PostgreSQL database (createdb). Nothing was changed.",
        ),
        "backup.newer": (
            "{path} dibuat oleh versi aplikasi yang lebih baru (revisi skema {revision}); perbarui aplikasi dulu.",
            "{path} was made by a newer version of the app (schema revision {revision}); update the app first.",
        ),
        "backup.no_pg_client": (
            "{tool} tidak ditemukan: pasang klien PostgreSQL (apt-get install postgresql-client) "
            "atau isi KALBAR_PG_BIN dengan foldernya.",
            "{tool} not found: install the PostgreSQL client (apt-get install postgresql-client) "
            "or set KALBAR_PG_BIN to its folder.",
        ),
        "backup.tool_failed": ("{tool} gagal: {detail}", "{tool} failed: {detail}"),
        "backup.unsupported": (
            "Cadangan hanya untuk SQLite dan PostgreSQL, bukan {backend}.",
            "Backups cover SQLite and PostgreSQL only, not {backend}.",
        ),
    }
)


# --- money: who pays (commitments) and the budget sheets (geo/commitments, geo/budget, geo/sheets) ---
# keys: commit.*, budget.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update(
    {
        "commit.title": ("Komitmen pendanaan", "Funding commitments"),
        "commit.upload": (
            "Unggah tabel komitmen (CSV/XLSX: penyandang_dana, kode, tahun, orang, keterangan)",
            "Upload a commitments table (CSV/XLSX: penyandang_dana, kode, tahun, orang, keterangan)",
        ),
        "commit.explain": (
            "Siapa membayar iuran berapa orang, di wilayah mana, tahun berapa: Pemprov, Pemkab/Pemkot, Pemdes "
            "atau lainnya (CSR, swasta). Tiap tahun berlaku dari versi terbaru yang memuatnya.",
            "Who pays the contributions of how many people, where, in which year: Pemprov, Pemkab/Pemkot, "
            "Pemdes or other (CSR, private). Each year is in force from the newest version that covers it.",
        ),
        "commit.template": ("Unduh templat komitmen (CSV)", "Download the commitments template (CSV)"),
        "commit.valid": ("{rows} baris valid.", "{rows} valid rows."),
        "commit.note": ("Catatan versi (opsional)", "Version note (optional)"),
        "commit.publish_button": ("Terbitkan komitmen", "Publish the commitments"),
        "commit.refused": (
            "Komitmen tidak diterbitkan; perbaiki baris di atas.",
            "The commitments were not published; fix the rows above.",
        ),
        "commit.published": (
            "Komitmen diterbitkan: versi {version}, {rows} baris, tahun {periods}.",
            "Commitments published: version {version}, {rows} rows, years {periods}.",
        ),
        "commit.already": (
            "Berkas yang sama sudah diterbitkan: versi {version}.",
            "The same file is already published: version {version}.",
        ),
        "commit.in_force": ("Komitmen yang berlaku", "Commitments in force"),
        "commit.none": ("Belum ada komitmen yang diterbitkan.", "No commitments are published yet."),
        "commit.show_origin": ("Komitmen: {origin} (versi {version})", "Commitments: {origin} (version {version})"),
        "commit.origin_published": ("diterbitkan", "published"),
        "commit.origin_none": ("belum ada", "none yet"),
        "commit.origin_file": ("berkas", "file"),
        "commit.show_header": (
            "tahun  penyandang dana  kode            orang  keterangan",
            "year   funder           code           people  note",
        ),
        "commit.empty": ("Berkas komitmen kosong.", "The commitments file is empty."),
        "commit.unreadable": (
            "Berkas komitmen tidak dapat dibaca: {detail}",
            "The commitments file cannot be read: {detail}",
        ),
        "commit.missing_columns": (
            "kolom wajib tidak ada: {missing} (ditemukan: {found})",
            "required column(s) missing: {missing} (found: {found})",
        ),
        "commit.bad_funder": (
            'penyandang dana "{value}" tidak dikenal: tulis Pemprov, Pemkab/Pemkot, Pemdes atau Lainnya',
            'funder "{value}" is not known: write Pemprov, Pemkab/Pemkot, Pemdes or Lainnya (other)',
        ),
        "commit.bad_kode": (
            'kode "{value}" bukan kode wilayah Kalbar (61, 61.04, 61.04.01 atau 61.04.01.2001)',
            'code "{value}" is not a Kalbar area code (61, 61.04, 61.04.01 or 61.04.01.2001)',
        ),
        "commit.bad_year": ('tahun "{value}" harus sebuah tahun (2026)', 'year "{value}" must be a year (2026)'),
        "commit.bad_people": (
            'orang "{value}" harus bilangan bulat 0 atau lebih (mis. 26.373)',
            'people "{value}" must be a whole number, 0 or more (e.g. 26.373)',
        ),
        "commit.negative_people": (
            'orang "{value}" negatif: jumlah orang 0 atau lebih',
            'people "{value}" is negative: the number of people is 0 or more',
        ),
        "commit.duplicate": (
            "penyandang dana, kode dan tahun yang sama sudah ada di baris {first}",
            "the same funder, code and year are already on row {first}",
        ),
        "commit.no_rows": ("Tidak ada baris komitmen.", "There are no commitment rows."),
        "commit.funder.pemprov": ("Pemprov", "Province"),
        "commit.funder.pemkab": ("Pemkab/Pemkot", "Kabupaten/Kota"),
        "commit.funder.pemdes": ("Pemdes", "Village"),
        "commit.funder.lainnya": ("Lainnya", "Other"),
        "commit.col.funder": ("Penyandang dana", "Funder"),
        "commit.col.year": ("Tahun", "Year"),
        "commit.col.people": ("Orang", "People"),
        "budget.error_year": (
            "Tahun {value} bukan tahun jalur target (pilihan: {choices}).",
            "Year {value} is not a year of the target path (choices: {choices}).",
        ),
        "budget.year": ("Tahun jalur target", "Year of the target path"),
        "budget.section": ("Lembar anggaran", "Budget sheets"),
        "budget.section_help": (
            "Per tahun jalur target: orang dan rupiah yang dibutuhkan, komitmen tiap penyandang dana, dan sisanya.",
            "Per year of the target path: the people and rupiah needed, each funder's commitments, and what is left.",
        ),
        "budget.busy": (
            "Banyak berkas baru dibuat dari alamat ini: berkas baru dapat diunduh lagi dalam {s} detik "
            "(berkas yang sudah dibuat tetap dapat diunduh).",
            "Many new files were made from this address: a new file can be downloaded again in {s} s "
            "(files already made can still be downloaded).",
        ),
        "budget.download_pack": ("Paket briefing (PDF)", "Briefing pack (PDF)"),
        "budget.download_sheet": ("Lembar anggaran kabupaten (PDF)", "Kabupaten budget sheet (PDF)"),
        "budget.download_csv": ("Kebutuhan per desa untuk APBDes (CSV)", "Each desa's needs for its APBDes (CSV)"),
        "budget.error_no_output": (
            "Beri --out FILE.pdf dan/atau --csv FILE.csv.",
            "Give --out FILE.pdf and/or --csv FILE.csv.",
        ),
        "budget.title": ("Lembar anggaran Jamsostek: {area}", "Jamsostek budget sheet: {area}"),
        "budget.subtitle": (
            "Data {period} · jalur target {first}–{last} · iuran {iuran}/orang/bulan × {months} bulan",
            "Data {period} · target path {first}–{last} · contribution {iuran}/person/month × {months} months",
        ),
        "budget.figure_title": ("Capaian", "Where it stands"),
        "budget.figure_coverage": (
            "Cakupan {coverage} terhadap target {target} ({period})",
            "Coverage {coverage} against a target of {target} ({period})",
        ),
        "budget.figure_people": (
            "{peserta} peserta aktif dari {tk} tenaga kerja",
            "{peserta} active participants of {tk} workers",
        ),
        "budget.figure_gap": (
            "Kurang {gap} orang untuk target itu ({rupiah} per tahun)",
            "{gap} people short of that target ({rupiah} a year)",
        ),
        # "paling tertinggal" on the pages ranks by shortfall of pace; here the ranking is by people still needed
        "budget.behind_desa": (
            "{n} desa/kelurahan dengan kekurangan peserta terbesar",
            "The {n} desa/kelurahan with the most people still to enrol",
        ),
        "budget.behind_kab": (
            "{n} kabupaten/kota dengan kekurangan peserta terbesar",
            "The {n} kabupaten/kota with the most people still to enrol",
        ),
        "budget.none_behind": ("Tidak ada yang di bawah target.", "None is below target."),
        "budget.none_reported": (
            "Belum ada angka yang diterbitkan untuk wilayah di sini.",
            "No figures have been published for the areas here yet.",
        ),
        "budget.table_title": (
            "Kebutuhan per tahun dan siapa membayar (orang; biaya setahun)",
            "Needs per year and who pays (people; a year's cost)",
        ),
        "budget.col_target": ("Target", "Target"),
        "budget.col_needed": ("Perlu", "Needed"),
        "budget.col_left": ("Sisa untuk dianggarkan", "Left to budget"),
        "budget.rule_needed": (
            "Perlu: orang yang masih harus menjadi peserta sampai akhir tahun itu untuk target tahun itu, "
            "dihitung dari peserta {period}; iurannya dibayar setiap bulan, jadi anggaran tahun itu "
            "membiayai mereka semua.",
            "Needed: people still to become participants by that year's end for that year's target, counted from "
            "the participants of {period}; contributions are monthly, so that year's budget pays for all of them.",
        ),
        "budget.rule_committed": (
            "Komitmen dihitung untuk wilayah yang disebut dan setiap wilayah yang memuatnya (komitmen desa ikut "
            "dihitung untuk kecamatan, kabupaten dan provinsinya), tidak dibagi ke wilayah di dalamnya.",
            "A commitment counts for the area it names and every area containing it (a desa's counts for its "
            "kecamatan, kabupaten and the province); it is not shared out to the areas inside.",
        ),
        "budget.commit_version": ("Komitmen versi {version}.", "Commitments version {version}."),
        "budget.rule_left": (
            "Sisa = perlu − komitmen, tidak pernah negatif. Biaya = orang × {iuran} × {months} bulan.",
            "Left = needed − committed, never negative. Cost = people × {iuran} × {months} months.",
        ),
        "budget.map_legend_below": (
            "Warna: jarak ke target, seperti peta. Arsir dan garis tebal: di bawah target. Titik: tanpa data.",
            "Colour: distance to target, as on the map. Hatched, thick outline: below target. Dotted: no data.",
        ),
        "budget.map_legend_above": (
            "Warna: jarak ke target, seperti peta (sebagian besar di bawah target). Garis tebal: sudah mencapai "
            "target. Titik: tanpa data.",
            "Colour: distance to target, as on the map (most are below target). Thick outline: at or above "
            "target. Dotted: no data.",
        ),
        "budget.map_legend_none": (
            "Warna: jarak ke target, seperti peta. Titik: tanpa data.",
            "Colour: distance to target, as on the map. Dotted: no data.",
        ),
        "budget.sign_kab": ("Mengetahui,\nBupati {name}", "Acknowledged,\nBupati (Regent) of {name}"),
        "budget.sign_kota": ("Mengetahui,\nWali Kota {name}", "Acknowledged,\nMayor of {name}"),
        "budget.sign_prov": ("Mengetahui,\nGubernur Kalimantan Barat", "Acknowledged,\nGovernor of West Kalimantan"),
        "budget.sign_name": ("nama, tanda tangan, tanggal", "name, signature, date"),
        "budget.csv_note": (
            "Kebutuhan tiap desa {area} per tahun (orang; rupiah = orang × {iuran} × {months} bulan), untuk APBDes.",
            "Each desa of {area} per year (people; rupiah = people × {iuran} × {months} months), for the APBDes.",
        ),
        "budget.year_today": ("hari ini (kesenjangan sekarang)", "today (the current gap)"),
        "budget.year_help": (
            "Kebutuhan tiap wilayah: orang yang masih perlu didaftarkan sampai akhir tahun itu, dikurangi "
            "komitmen pendanaan tahun itu.",
            "Each area's need: the people still to enrol by that year's end, less that year's funding commitments.",
        ),
        "budget.committed_note": (
            "Kebutuhan sudah dikurangi {n} orang yang didanai komitmen tahun {year}.",
            "Needs are net of {n} people funded by {year}'s commitments.",
        ),
    }
)


# --- monev: the pace (geo/pace), its colour mode, ranking, path chart and sentence ---
# keys: pace.*
# (each area of work keeps its own block, so parallel changes merge cleanly)
MESSAGES.update(
    {
        "pace.window_month": ("{n} bulan terakhir ({span})", "latest {n} months ({span})"),
        "pace.window_year": ("{n} tahun terakhir ({span})", "latest {n} years ({span})"),
        "pace.status.met": ("Sudah mencapai target", "Target already met"),
        "pace.status.on_track": ("Sesuai jalur", "On track"),
        "pace.status.behind": ("Tertinggal (tercapai setelah tenggat)", "Behind (reached after the deadline)"),
        "pace.status.never": ("Tidak akan tercapai pada laju ini", "Will not be reached at this pace"),
        "pace.status.few": ("Belum cukup data (kurang dari 2 titik)", "Not enough data (fewer than 2 points)"),
        "pace.status.no_data": ("Tidak ada data", "No data"),
        "pace.not_reached": ("tidak tercapai", "not reached"),
        "pace.area_summed": ("{area} ({n} {level} yang melapor)", "{area} ({n} {level} reporting)"),
        "pace.status_line": ("Target {year}: {status}", "Target {year}: {status}"),
        "pace.status_line_reached": (
            "Target {year}: {status} · tercapai {when} pada laju sekarang",
            "Target {year}: {status} · reached in {when} at today's pace",
        ),
        "pace.legend_title": ("Laju terhadap kebutuhan", "Pace against the pace needed"),
        "pace.legend_year": ("target {year}", "target {year}"),
        "color.pace": ("Laju terhadap kebutuhan", "Pace against the pace needed"),
        "pace.sentence": (
            "{area} butuh {need} peserta baru per bulan untuk target {year}; laju sekarang {pace}.",
            "{area} needs {need} new participants a month for the {year} target; the pace now is {pace}.",
        ),
        "pace.sentence_met": (
            "{area} sudah mencapai target {year}; laju sekarang {pace} peserta baru per bulan.",
            "{area} has met the {year} target; the pace now is {pace} new participants a month.",
        ),
        "pace.sentence_few": (
            "{area} butuh {need} peserta baru per bulan untuk target {year}; laju sekarang belum dapat dihitung "
            "({n} titik data, perlu minimal 2).",
            "{area} needs {need} new participants a month for the {year} target; the pace now cannot be worked "
            "out yet ({n} data points, at least 2 needed).",
        ),
        "pace.title": ("Laju terhadap kebutuhan", "Pace against the pace needed"),
        "pace.open": ("Laju tiap kabupaten/kota", "Each kabupaten/kota's pace"),
        "pace.caption": (
            "Tingkat {level} · laju = kemiringan kuadrat terkecil peserta aktif per bulan, {window}",
            "{level} level · pace = least-squares slope of active participants per month, {window}",
        ),
        "pace.chart_y": ("Peserta aktif (orang)", "Active participants (people)"),
        "pace.line.published": ("Data terbit", "Published figures"),
        "pace.line.target": ("Target per tahun (orang)", "Target per year (people)"),
        "pace.line.pace": ("Pada laju sekarang", "At today's pace"),
        "pace.line.needed": ("Laju yang dibutuhkan", "Pace needed"),
        "pace.ranking_title": (
            "Paling tertinggal ({level}): kekurangan laju terbesar untuk target tahun ini",
            "Furthest behind ({level}): the largest shortfall of pace for this year's target",
        ),
        "pace.ranking_empty": (
            "Tidak ada wilayah yang lajunya di bawah kebutuhan (atau laju belum dapat dihitung).",
            "No area's pace is below what it needs (or the pace cannot be worked out yet).",
        ),
        "pace.col.rank": ("Peringkat", "Rank"),
        "pace.tooltip": ("Laju (target {year})", "Pace (target {year})"),
        "pace.tooltip_value": (
            "{now}/bulan, butuh {need}/bulan · {status}",
            "{now}/month, needs {need}/month · {status}",
        ),
        "pace.cli_unknown_period": (
            "Periode {value} tidak ada di data yang berlaku; periode yang ada: {periods}.",
            "Period {value} is not in the data in force; the periods there: {periods}.",
        ),
        "pace.download": ("Laju semua wilayah", "Pace of every area"),
        "pace.col.now": ("Laju sekarang (orang/bulan)", "Pace now (people/month)"),
        "pace.col.needed": ("Laju dibutuhkan (orang/bulan)", "Pace needed (people/month)"),
        "pace.col.shortfall": ("Kekurangan laju (orang/bulan)", "Shortfall of pace (people/month)"),
        "pace.col.people": ("Perlu orang (target tahun ini)", "People needed (this year's target)"),
        "pace.col.reached": ("Tercapai pada laju sekarang", "Reached at today's pace"),
        "pace.col.status": ("Status laju", "Pace status"),
        "pace.sentence_no_data": (
            "{area}: belum ada data untuk menghitung laju.",
            "{area}: no data to work out a pace.",
        ),
    }
)


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """The message ``key`` in ``lang``; unknown keys fail loudly in tests rather than show a key."""
    ids, en = MESSAGES[key]
    text = en if lang == "en" else ids
    return text.format(**params) if params else text
